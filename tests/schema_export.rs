//! `dtlint schema`: the OpenAPI document against the official OpenAPI 3.1 schema, the plain JSON
//! Schema against the 2020-12 metaschema, the bundled samples against both, and the output's snapshots.

use std::path::Path;

use jsonschema::{Registry, Validator};
use serde_json::Value;

use crate::common::{dtlint, root};

/// The official OpenAPI 3.1 schemas, vendored under tests/data/openapi-3.1 (see its README).
const OAS: [(&str, &str); 4] = [
    (
        "https://spec.openapis.org/oas/3.1/schema/2022-10-07",
        "schema-2022-10-07.json",
    ),
    (
        "https://spec.openapis.org/oas/3.1/schema-base/2022-10-07",
        "schema-base-2022-10-07.json",
    ),
    (
        "https://spec.openapis.org/oas/3.1/dialect/base",
        "dialect-base.json",
    ),
    (
        "https://spec.openapis.org/oas/3.1/meta/base",
        "meta-base.json",
    ),
];

/// The keywords of JSON Schema 2020-12 (core, applicator, unevaluated, validation, meta-data,
/// format, content); anything else in an exported schema must be an `x-` annotation.
const KEYWORDS: &[&str] = &[
    "$schema",
    "$id",
    "$ref",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$vocabulary",
    "$comment",
    "$defs",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "prefixItems",
    "items",
    "contains",
    "properties",
    "patternProperties",
    "additionalProperties",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "type",
    "const",
    "enum",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxContains",
    "minContains",
    "maxProperties",
    "minProperties",
    "required",
    "dependentRequired",
    "title",
    "description",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "examples",
    "format",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
];

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `dtlint schema ARGS` from the repository root: its stdout, which must be JSON.
fn schema(args: &[&str]) -> (String, Value) {
    let mut all = vec!["schema"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = dtlint(&root(), &all, None);
    assert_eq!(code, 0, "dtlint {all:?}: {stderr}");
    let value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}:\n{stdout}"));
    (stdout, value)
}

/// A validator of OpenAPI 3.1 documents that also checks every Schema Object against the
/// OpenAPI dialect (the official `schema-base`), with no network.
fn openapi_validator() -> Validator {
    let dir = root().join("tests/data/openapi-3.1");
    let resources: Vec<(&str, Value)> = OAS
        .iter()
        .map(|(uri, file)| (*uri, read_json(&dir.join(file))))
        .collect();
    let base = resources[1].1.clone();
    let registry = Registry::new()
        .extend(resources)
        .expect("the URIs parse")
        .prepare()
        .expect("the OpenAPI schemas index");
    jsonschema::options()
        .offline()
        .with_registry(&registry)
        .build(&base)
        .expect("the OpenAPI 3.1 schema compiles offline")
}

fn errors(validator: &Validator, document: &Value) -> Vec<String> {
    validator
        .iter_errors(document)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn the_openapi_document_is_valid_openapi_3_1() {
    let validator = openapi_validator();
    for args in [
        &["--format", "openapi"][..],
        &[
            "--format",
            "openapi",
            "--profile",
            "samples/third-party/dtlint.toml",
        ],
        &["--format", "openapi", "--app-type", "internal"],
    ] {
        let (_, document) = schema(args);
        assert_eq!(
            errors(&validator, &document),
            Vec::<String>::new(),
            "{args:?}"
        );
        assert_eq!(document["openapi"], "3.1.0");
    }
}

#[test]
fn the_openapi_validator_rejects_broken_documents() {
    // Without these, the test above could pass with a validator that accepts anything.
    let validator = openapi_validator();
    let (_, document) = schema(&["--format", "openapi"]);
    let mut no_info = document.clone();
    no_info.as_object_mut().expect("object").remove("info");
    assert!(!errors(&validator, &no_info).is_empty());
    let mut no_description = document.clone();
    no_description["paths"]["/topapi/v2/user/get"]["post"]["responses"]["200"]
        .as_object_mut()
        .expect("response")
        .remove("description");
    assert!(!errors(&validator, &no_description).is_empty());
    // A Schema Object that is not JSON Schema: caught by the dialect of schema-base.
    let mut bad_schema = document;
    bad_schema["components"]["schemas"]["User"]["properties"]["name"]["type"] = Value::from("text");
    assert!(!errors(&validator, &bad_schema).is_empty());
}

/// Every key of every schema object below `node` is a 2020-12 keyword or an `x-` annotation,
/// and every `$ref` stays inside the document.
fn check_keywords(node: &Value, at: &str, problems: &mut Vec<String>) {
    let Value::Object(map) = node else {
        return;
    };
    for (key, value) in map {
        let here = format!("{at}/{key}");
        if key.starts_with("x-") {
            continue;
        }
        if !KEYWORDS.contains(&key.as_str()) {
            problems.push(format!(
                "{here}: `{key}` is neither a 2020-12 keyword nor x-"
            ));
        }
        match key.as_str() {
            "$ref" | "$dynamicRef" if !value.as_str().is_some_and(|r| r.starts_with('#')) => {
                problems.push(format!("{here}: {value} leaves the document"));
            }
            "properties" | "patternProperties" | "$defs" | "dependentSchemas" => {
                for (name, sub) in value.as_object().into_iter().flatten() {
                    check_keywords(sub, &format!("{here}/{name}"), problems);
                }
            }
            "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                for (i, sub) in value.as_array().into_iter().flatten().enumerate() {
                    check_keywords(sub, &format!("{here}/{i}"), problems);
                }
            }
            "not"
            | "if"
            | "then"
            | "else"
            | "items"
            | "contains"
            | "additionalProperties"
            | "propertyNames"
            | "unevaluatedItems"
            | "unevaluatedProperties"
            | "contentSchema" => check_keywords(value, &here, problems),
            _ => {}
        }
    }
}

#[test]
fn the_json_schemas_are_plain_2020_12() {
    for args in [
        &[][..],
        &["--part", "request"],
        &["--profile", "samples/internal-basic/dtlint.toml"],
        &["--app-type", "third-party"],
    ] {
        let (_, schema) = schema(args);
        assert_eq!(
            schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{args:?}"
        );
        assert!(
            schema["$id"]
                .as_str()
                .is_some_and(|id| id.starts_with("urn:dtlint:schema:")),
            "{args:?}"
        );
        if let Err(e) = jsonschema::draft202012::meta::validate(&schema) {
            panic!("{args:?}: not valid against the 2020-12 metaschema: {e}");
        }
        let mut problems = Vec::new();
        check_keywords(&schema, "", &mut problems);
        assert_eq!(problems, Vec::<String>::new(), "{args:?}");
        assert!(
            jsonschema::options().offline().build(&schema).is_ok(),
            "{args:?}: compiles without the network"
        );
    }
}

/// The defects in samples/defects/ whose body breaks the schema's shape (the other defects are
/// about exposure, accounts or consistency, which a schema cannot say).
const SHAPE_DEFECTS: &[&str] = &[
    "DT005", "DT101", "DT102", "DT103", "DT104", "DT105", "DT106", "DT107", "DT109", "DT201",
    "DT202", "DT203", "DT204", "DT601", "DT602",
];

/// Whole response bodies among the samples, with whether each must be valid.
fn sample_bodies() -> Vec<(String, Value, bool)> {
    let samples = root().join("samples");
    let mut bodies = Vec::new();
    for entry in walkdir::WalkDir::new(&samples).sort_by_file_name() {
        let entry = entry.expect("samples are readable");
        let path = entry.path();
        let relative = path
            .strip_prefix(&samples)
            .expect("inside samples")
            .to_string_lossy()
            .into_owned();
        // result-only bodies are not whole answers; the page's example is wrong on purpose;
        // a JSON cassette holds calls, not a body.
        if path.extension().is_none_or(|x| x != "json")
            || relative.starts_with("result-only")
            || relative.starts_with("vcr")
            || relative == "documented-example.json"
            // Playwright's side files: request and response bodies, read through their HAR.
            || relative.contains("/attach/")
        {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let Ok(value) = serde_json::from_str::<Value>(text.trim_start_matches('\u{feff}')) else {
            continue; // DT001 and DT004 are not JSON at all
        };
        let valid = if let Some(name) = relative.strip_prefix("defects/") {
            !SHAPE_DEFECTS.iter().any(|code| name.starts_with(code))
        } else {
            true
        };
        bodies.push((relative, value, valid));
    }
    bodies
}

/// Validators of the named schemas of an OpenAPI document, reached through a registry so that
/// their local references resolve as a tool would resolve them.
fn components<const N: usize>(document: Value, names: [&str; N]) -> [Validator; N] {
    let registry = Registry::new()
        .add("urn:test:openapi", document)
        .expect("uri")
        .prepare()
        .expect("the document indexes");
    names.map(|name| {
        jsonschema::options()
            .offline()
            .should_validate_formats(true)
            .with_registry(&registry)
            .build(&serde_json::json!({
                "$ref": format!("urn:test:openapi#/components/schemas/{name}")
            }))
            .unwrap_or_else(|e| panic!("{name} compiles: {e}"))
    })
}

#[test]
fn samples_validate_against_the_exported_schemas() {
    let (_, plain) = schema(&[]);
    let plain = jsonschema::options()
        .offline()
        .should_validate_formats(true)
        .build(&plain)
        .expect("the exported schema compiles");
    // The OpenAPI document's response schema (success or error, told apart by errcode), and
    // each branch: success and error are exclusive, so the document's anyOf says what oneOf would.
    let (_, document) = schema(&["--format", "openapi"]);
    let [modelled, success, error] = components(
        document,
        ["UserGetResponse", "UserGetSuccess", "UserGetError"],
    );
    let bodies = sample_bodies();
    assert!(bodies.len() >= 40, "only {} bodies", bodies.len());
    let (mut valid, mut invalid) = (0, 0);
    for (name, body, expected) in &bodies {
        assert_eq!(plain.is_valid(body), *expected, "JSON Schema, {name}");
        assert_eq!(modelled.is_valid(body), *expected, "OpenAPI, {name}");
        let matches = usize::from(success.is_valid(body)) + usize::from(error.is_valid(body));
        assert_eq!(matches, usize::from(*expected), "branches matched, {name}");
        if *expected {
            valid += 1;
        } else {
            invalid += 1;
        }
    }
    assert!(
        valid >= 20 && invalid == SHAPE_DEFECTS.len(),
        "{valid} valid, {invalid} invalid"
    );
}

#[test]
fn every_example_matches_one_branch_of_its_answer() {
    // GET /gettoken's answer is split as user/get's is; its examples are checked here, since
    // nothing else reads them.
    let (_, document) = schema(&["--format", "openapi"]);
    let answers = [
        ("/topapi/v2/user/get", "post", "UserGet"),
        ("/gettoken", "get", "GetToken"),
    ];
    for (path, method, prefix) in answers {
        let names = ["Response", "Success", "Error"].map(|part| format!("{prefix}{part}"));
        let [whole, success, error] =
            components(document.clone(), names.each_ref().map(String::as_str));
        let examples = document["paths"][path][method]["responses"]["200"]["content"]
            ["application/json"]["examples"]
            .as_object()
            .expect("examples");
        assert!(examples.len() >= 2, "{path}");
        for (name, example) in examples {
            let value = &example["value"];
            assert!(whole.is_valid(value), "{path}: {name}");
            let is_success = value["errcode"] == 0;
            assert_eq!(success.is_valid(value), is_success, "{path}: {name}");
            assert_eq!(error.is_valid(value), !is_success, "{path}: {name}");
        }
    }
}

/// The profile's settings, as `dtlint check --profile FILE` resolves them.
fn settings(profile: Option<&str>) -> dtlint::Settings {
    let path = profile.map(|p| root().join(p));
    crate::common::profile_settings(path.as_deref())
}

#[test]
fn every_example_passes_dtlint_check_with_the_same_profile() {
    for profile in [
        None,
        Some("samples/internal-full/dtlint.toml"),
        Some("samples/internal-basic/dtlint.toml"),
        Some("samples/third-party/dtlint.toml"),
    ] {
        let mut args = vec!["--format", "openapi"];
        if let Some(path) = profile {
            args.extend(["--profile", path]);
        }
        let (_, document) = schema(&args);
        let settings = settings(profile);
        let content = &document["paths"]["/topapi/v2/user/get"]["post"]["responses"]["200"]
            ["content"]["application/json"];
        let examples = content["examples"].as_object().expect("examples");
        assert!(examples.len() >= 5, "{profile:?}");
        for (name, example) in examples {
            let findings = dtlint::check_value(&example["value"], &settings);
            let serious: Vec<_> = findings
                .iter()
                .filter(|f| f.severity() != dtlint::Severity::Info)
                .map(|f| format!("{} {} {}", f.rule().code, f.pointer(), f.message()))
                .collect();
            assert_eq!(serious, Vec::<String>::new(), "{profile:?}: example {name}");
        }
        // With a profile the success example carries no member marked for that caller.
        let result = examples["success"]["value"]["result"]
            .as_object()
            .expect("result");
        let user = &document["components"]["schemas"]["User"]["properties"];
        for member in result.keys() {
            assert!(
                user[member].get(dtlint::export::WITHHELD).is_none(),
                "{profile:?}: {member} is withheld yet in the example"
            );
        }
    }
}

#[test]
fn a_third_party_profile_marks_the_withheld_members() {
    let (_, schema) = schema(&["--profile", "samples/third-party/dtlint.toml"]);
    let members = schema["properties"]["result"]["properties"]
        .as_object()
        .expect("members");
    let mut marked: Vec<&str> = members
        .iter()
        .filter(|(_, node)| node.get(dtlint::export::WITHHELD).is_some())
        .map(|(name, node)| {
            assert_eq!(node["deprecated"], true, "{name}");
            assert!(
                node["description"]
                    .as_str()
                    .is_some_and(|d| d.contains("Not for this caller")),
                "{name}"
            );
            name.as_str()
        })
        .collect();
    marked.sort_unstable();
    assert_eq!(
        marked,
        [
            "email",
            "extension",
            "hired_date",
            "mobile",
            "org_email",
            "remark",
            "state_code",
            "telephone",
            "work_place"
        ]
    );
    // Marked members stay optional: the third-party sample is valid, and so is a body with one.
    assert!(!schema["properties"]["result"]["required"]
        .as_array()
        .expect("required")
        .iter()
        .any(|r| r == "mobile"));
    assert_eq!(schema[dtlint::export::CALLER]["app-type"], "third-party");
}

#[test]
fn usage_errors_exit_2() {
    let (code, stdout, stderr) = dtlint(
        &root(),
        &["schema", "--format", "openapi", "--part", "request"],
        None,
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stdout.is_empty() && stderr.contains("--part request"),
        "{stderr}"
    );
    let dir = tempfile::tempdir().expect("temp");
    std::fs::write(dir.path().join("p.toml"), "permissions = [\"mobile\"]\n").expect("write");
    let (code, _, stderr) = dtlint(dir.path(), &["schema", "--profile", "p.toml"], None);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no app type"), "{stderr}");
    let (code, _, stderr) = dtlint(dir.path(), &["schema", "--profile", "missing.toml"], None);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn the_output_does_not_depend_on_the_folder_or_run() {
    // No dtlint.toml is looked up: the third-party folder's profile must not mark anything.
    let (_, here) = schema(&["--format", "openapi"]);
    let (code, there, stderr) = dtlint(
        &root().join("samples/third-party"),
        &["schema", "--format", "openapi"],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(serde_json::from_str::<Value>(&there).expect("json"), here);
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("api.json");
    let (code, stdout, _) = dtlint(
        &root(),
        &[
            "schema",
            "--format",
            "openapi",
            "-o",
            &out.to_string_lossy(),
        ],
        None,
    );
    assert_eq!(code, 0);
    assert!(stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&out).expect("written"), there);
}

#[test]
fn snapshots() {
    let (openapi, _) = schema(&["--format", "openapi"]);
    insta::assert_snapshot!("schema_openapi", openapi);
    let (basic, _) = schema(&["--profile", "samples/internal-basic/dtlint.toml"]);
    insta::assert_snapshot!("schema_json_internal_basic", basic);
    let (request, _) = schema(&["--part", "request"]);
    insta::assert_snapshot!("schema_json_request", request);
}

//! Every output format on one shared fixture, validated against its schema where one exists.

use serde_json::Value;

use crate::common::{dtlint, json, root};

/// The shared fixture: the page's example, a clean sample, a HAR with a broken request, NDJSON.
const INPUTS: [&str; 4] = [
    "samples/documented-example.json",
    "samples/internal-full/real-traffic-compact.json",
    "samples/har/charles.har",
    "samples/ndjson/responses.ndjson",
];

fn output(format: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "check",
        "--no-profile",
        "--app-type",
        "internal",
        "--format",
        format,
    ];
    args.extend_from_slice(extra);
    args.extend_from_slice(&INPUTS);
    let (code, stdout, stderr) = dtlint(&root(), &args, None);
    assert_eq!(code, 1, "{format}: {stderr}");
    assert!(
        crate::common::besides_notes(&stderr).is_empty(),
        "{format}: {stderr}"
    );
    stdout
}

fn validator(path: &str, fix: impl Fn(&mut Value)) -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join(path)).expect("schema");
    let mut schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    fix(&mut schema);
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

fn assert_valid(validator: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}:\n{}", errors.join("\n"));
}

/// The official SARIF 2.1.0 schema.
fn sarif_validator() -> jsonschema::Validator {
    // The official schema's `language` pattern ends in a stray `]` that strict regex engines
    // reject; the shipped file is unmodified and only that pattern is corrected here.
    validator("tests/schemas/sarif-schema-2.1.0.json", |schema| {
        fn fix(value: &mut Value) {
            match value {
                Value::Object(map) => {
                    if let Some(Value::String(p)) = map.get_mut("pattern") {
                        if p == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" {
                            *p = "^[a-zA-Z]{2}$|^[a-zA-Z]{2}-[a-zA-Z]{2}$".to_owned();
                        }
                    }
                    map.values_mut().for_each(fix);
                }
                Value::Array(items) => items.iter_mut().for_each(fix),
                _ => {}
            }
        }
        fix(schema);
    })
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let sarif_schema = sarif_validator();
    let sarif = json(&output("sarif", &[]));
    assert_valid(&sarif_schema, &sarif, "SARIF output");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    assert_eq!(rules.len(), dtlint::rules::ALL.len());
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let first = &results[0];
    assert!(first["locations"][0]["physicalLocation"]["region"]["startLine"].is_number());
    assert!(first["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].is_string());
    let mut sarif = sarif;
    sarif["runs"][0]["tool"]["driver"]["version"] = "[version]".into();
    insta::assert_json_snapshot!("sarif", sarif);
    // A result judged by a profile names it in its properties.
    let (_, stdout, _) = dtlint(
        &root(),
        &["check", "--format", "sarif", "samples/errors"],
        None,
    );
    let sarif = json(&stdout);
    assert_valid(&sarif_schema, &sarif, "SARIF output with profiles");
    assert_eq!(
        sarif["runs"][0]["results"][0]["properties"]["profile"],
        "samples/errors/dtlint.toml"
    );
}

#[test]
fn the_json_report_validates_against_its_schema() {
    let report_schema = validator("schemas/report.schema.json", |_| {});
    assert_valid(&report_schema, &json(&output("json", &[])), "JSON report");
    let (_, stdout, _) = dtlint(
        &root(),
        &["check", "--no-profile", "--format", "json", "samples"],
        None,
    );
    assert_valid(
        &report_schema,
        &json(&stdout),
        "JSON report of every sample",
    );
    // Each folder's dtlint.toml judges its samples: their findings name it.
    let (_, stdout, _) = dtlint(&root(), &["check", "--format", "json", "samples"], None);
    let report = json(&stdout);
    assert!(
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["profile"] == "samples/errors/dtlint.toml"),
        "{stdout}"
    );
    assert_valid(
        &report_schema,
        &report,
        "JSON report of every sample, each judged by its folder's profile",
    );
}

#[test]
fn junit_has_a_case_per_response_even_when_clean() {
    let xml = output("junit", &[]);
    insta::assert_snapshot!("junit", xml);
    assert_eq!(xml.matches("<testsuite ").count(), INPUTS.len());
    // 1 + 1 + 4 responses of the HAR (with one more entry without a body) + 7 NDJSON responses and a broken line.
    assert_eq!(xml.matches("<testcase ").count(), 1 + 1 + 5 + 8);
    let (_, clean, _) = dtlint(
        &root(),
        &[
            "check",
            "--no-profile",
            "--format",
            "junit",
            "samples/third-party",
        ],
        None,
    );
    assert_eq!(clean.matches("<testcase ").count(), 2);
    assert!(!clean.contains("<failure"));
}

#[test]
fn github_annotations_and_markdown_summary() {
    let github = output("github", &[]);
    assert!(
        github.lines().all(|l| l.starts_with("::error ")
            || l.starts_with("::warning ")
            || l.starts_with("::notice ")),
        "{github}"
    );
    assert!(github.contains("::error file=samples/documented-example.json,line=2,col=13,title=DT202 quoted-number::"), "{github}");
    insta::assert_snapshot!("github", github);
    let markdown = output("markdown", &[]);
    insta::assert_snapshot!("markdown", markdown);
}

#[test]
fn statistics_group_by_rule_and_pointer() {
    let stats = output("human", &["--statistics"]);
    insta::assert_snapshot!("statistics", stats);
    let grouped = json(&output("json", &["--statistics"]));
    let total: u64 = grouped["statistics"]
        .as_array()
        .expect("groups")
        .iter()
        .filter_map(|g| g["count"].as_u64())
        .sum();
    let findings = json(&output("json", &[]))["findings"]
        .as_array()
        .map_or(0, Vec::len) as u64;
    assert_eq!(total, findings);
}

#[test]
fn several_outputs_in_one_run_equal_their_own_runs() {
    let dir = tempfile::tempdir().expect("temp");
    let sarif = dir.path().join("out.sarif");
    let junit = dir.path().join("out.xml");
    let stdout = output(
        "json",
        &[
            "--output",
            &format!("sarif={}", sarif.display()),
            "--output",
            &format!("junit={}", junit.display()),
        ],
    );
    assert_eq!(stdout, output("json", &[]));
    assert_eq!(
        std::fs::read_to_string(&sarif).expect("sarif written"),
        output("sarif", &[])
    );
    assert_eq!(
        std::fs::read_to_string(&junit).expect("junit written"),
        output("junit", &[])
    );
    let (code, _, stderr) = dtlint(
        &root(),
        &["check", "--output", "pdf=x.pdf", "samples/third-party"],
        None,
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("pdf"), "{stderr}");
}

/// `--output-format concise`: one `path:line:col: CODE message` line per finding, in the
/// report's order, then the same summary as the full format.
#[test]
fn concise_human_output_is_one_line_per_finding() {
    let args = |extra: &[&'static str]| {
        let mut a = vec!["check", "--no-profile", "--app-type", "third-party"];
        a.extend_from_slice(extra);
        a.extend(["samples/internal-full", "samples/har"]);
        a
    };
    let (code, concise, _) = dtlint(&root(), &args(&["--output-format", "concise"]), None);
    let (full_code, full, _) = dtlint(&root(), &args(&[]), None);
    let (_, report, _) = dtlint(&root(), &args(&["--format", "json"]), None);
    assert_eq!(code, full_code);
    let findings = json(&report)["findings"]
        .as_array()
        .expect("findings")
        .clone();
    let lines: Vec<&str> = concise.lines().filter(|l| l.contains(": DT")).collect();
    assert_eq!(lines.len(), findings.len(), "{concise}");
    for (line, f) in lines.iter().zip(&findings) {
        let at = format!(
            "{}:{}:{}: {} ",
            f["source"].as_str().unwrap_or_default(),
            f["line"],
            f["column"],
            f["rule"].as_str().unwrap_or_default()
        );
        assert!(line.starts_with(&at), "{line} does not start with {at}");
        assert!(!line.contains('│'), "no snippet: {line}");
    }
    assert_eq!(concise.lines().last(), full.lines().last());
}

/// With a baseline of the first input's findings, every summary counts what it hid, the same
/// number in every format, and the JSON report and SARIF log still validate.
#[test]
fn every_summary_counts_what_the_baseline_hid() {
    let dir = tempfile::tempdir().expect("temp");
    let baseline = dir.path().join("baseline.json");
    let baseline = baseline.to_str().expect("UTF-8 path");
    let (code, _, stderr) = dtlint(
        &root(),
        &[
            "baseline",
            "--no-profile",
            "--app-type",
            "internal",
            INPUTS[0],
            "-o",
            baseline,
        ],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    let recorded = json(&std::fs::read_to_string(baseline).expect("written"))["findings"]
        .as_array()
        .map_or(0, Vec::len);
    assert!(recorded > 1, "the first input has findings to hide");
    let with_baseline = ["--baseline", baseline];
    let report = json(&output("json", &with_baseline));
    assert_valid(
        &validator("schemas/report.schema.json", |_| {}),
        &report,
        "JSON report with a baseline",
    );
    let summary = &report["summary"];
    assert_eq!(summary["baselined"], recorded, "{summary}");
    let plain = json(&output("json", &[]));
    assert_eq!(
        plain["summary"]["errors"].as_u64().unwrap_or(0)
            + plain["summary"]["warnings"].as_u64().unwrap_or(0)
            + plain["summary"]["infos"].as_u64().unwrap_or(0),
        summary["errors"].as_u64().unwrap_or(0)
            + summary["warnings"].as_u64().unwrap_or(0)
            + summary["infos"].as_u64().unwrap_or(0)
            + recorded as u64,
        "hidden findings are counted apart from the severities"
    );
    assert!(plain["summary"].get("baselined").is_none());
    let sarif = json(&output("sarif", &with_baseline));
    assert_valid(&sarif_validator(), &sarif, "SARIF log with a baseline");
    assert_eq!(sarif["runs"][0]["properties"]["baselined"], recorded);
    let ndjson = output("ndjson", &with_baseline);
    let last = json(ndjson.lines().last().expect("a summary line"));
    assert_eq!(
        (&last["type"], &last["baselined"]),
        (&"summary".into(), &recorded.into())
    );
    let phrase = format!("; {recorded} findings hidden by the baseline");
    for format in ["human", "markdown"] {
        let text = output(format, &with_baseline);
        assert!(text.contains(&phrase), "{format}: {text}");
        assert!(
            !output(format, &[]).contains("hidden by the baseline"),
            "{format}"
        );
    }
    assert!(output("human", &["--statistics", "--baseline", baseline]).contains(&phrase));
}

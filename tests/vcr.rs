//! VCR cassettes (VCR.py YAML and JSON, Ruby VCR): the same findings as the same calls in a
//! plain HAR, and a clear finding for each way a cassette can be broken, the run going on.

use std::io::Write;
use std::path::Path;

use base64::Engine;
use serde_json::{json, Value};

use crate::common::{dtlint, findings, json, root};

const CASSETTES: [&str; 4] = [
    "samples/vcr/vcrpy-requests.yaml",
    "samples/vcr/vcrpy-httpx-gzip.yaml",
    "samples/vcr/vcrpy-json-serializer.json",
    "samples/vcr/ruby-vcr.yml",
];

/// The calls of VCR.py's JSON cassette as a plain HAR 1.2 capture (content as text).
fn har_of_json_cassette() -> Value {
    let text = std::fs::read_to_string(root().join("samples/vcr/vcrpy-json-serializer.json"))
        .expect("sample");
    let cassette: Value = serde_json::from_str(&text).expect("JSON");
    let header = |headers: &Value, name: &str| -> String {
        headers
            .as_object()
            .and_then(|h| h.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
            .and_then(|(_, v)| v[0].as_str())
            .unwrap_or("")
            .to_owned()
    };
    let entries: Vec<Value> = cassette["interactions"]
        .as_array()
        .expect("interactions")
        .iter()
        .map(|i| {
            let (request, response) = (&i["request"], &i["response"]);
            let mut har_request = json!({
                "method": request["method"],
                "url": request["uri"],
                "httpVersion": "HTTP/1.1",
                "headers": [],
                "queryString": [],
                "cookies": [],
                "headersSize": -1,
                "bodySize": -1,
            });
            if let Some(body) = request["body"].as_str() {
                har_request["postData"] = json!({
                    "mimeType": header(&request["headers"], "content-type"),
                    "text": body,
                });
            }
            json!({
                "startedDateTime": "2026-01-01T00:00:00.000Z",
                "time": 1,
                "request": har_request,
                "response": {
                    "status": response["status"]["code"],
                    "statusText": response["status"]["message"],
                    "httpVersion": "HTTP/1.1",
                    "headers": [],
                    "cookies": [],
                    "content": {
                        "size": -1,
                        "mimeType": header(&response["headers"], "content-type"),
                        "text": response["body"]["string"],
                    },
                    "redirectURL": "",
                    "headersSize": -1,
                    "bodySize": -1,
                },
                "cache": {},
                "timings": {"send": 0, "wait": 1, "receive": 0},
            })
        })
        .collect();
    json!({"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": entries}})
}

#[test]
fn vcr_cassettes_give_the_findings_of_the_same_calls_in_a_har() {
    let dir = tempfile::tempdir().expect("temp dir");
    let har = dir.path().join("same-calls.har");
    std::fs::write(&har, har_of_json_cassette().to_string()).expect("write");
    for app_type in ["internal", "third-party"] {
        let want = findings(dir.path(), app_type, "same-calls.har");
        assert!(
            want.iter()
                .any(|(entry, rule, _)| *entry == 2 && rule == "DT201"),
            "the planted defect is found in the HAR: {want:?}"
        );
        for cassette in CASSETTES {
            let got = findings(&root(), app_type, cassette);
            assert_eq!(got, want, "{cassette} as {app_type}");
        }
    }
}

#[test]
fn vcr_cassettes_count_their_other_calls_as_skipped() {
    for cassette in CASSETTES {
        let (code, stdout, stderr) = dtlint(
            &root(),
            &["check", "--no-profile", "--format", "json", cassette],
            None,
        );
        assert_eq!(code, 1, "{cassette}: {stderr}");
        let report = json(&stdout);
        assert_eq!(report["summary"]["responses"], 2, "{cassette}");
        assert_eq!(report["summary"]["skipped_entries"], 1, "{cassette}");
    }
}

#[test]
fn vcr_positions_point_into_the_cassette_at_the_value_or_at_its_scalar() {
    let (_, stdout, _) = dtlint(
        &root(),
        &[
            "check",
            "--no-profile",
            "--format",
            "json",
            "samples/vcr/vcrpy-requests.yaml",
        ],
        None,
    );
    let report = json(&stdout);
    let finding = &report["findings"][0];
    assert_eq!(finding["rule"], "DT201");
    let text = std::fs::read_to_string(root().join("samples/vcr/vcrpy-requests.yaml")).expect("");
    let line = text
        .lines()
        .nth(finding["line"].as_u64().expect("line") as usize - 1)
        .expect("line in file");
    let column = finding["column"].as_u64().expect("column") as usize - 1;
    // PyYAML escapes the body's quotes: the place is the escaped `\"true\"` itself.
    assert!(
        line[column..].starts_with("\\\"true\\\""),
        "{}",
        &line[column..]
    );
    // A gzip body under `!!binary` is pointed at as a whole, and the message says so.
    let (_, stdout, _) = dtlint(
        &root(),
        &[
            "check",
            "--no-profile",
            "--format",
            "json",
            "samples/vcr/vcrpy-httpx-gzip.yaml",
        ],
        None,
    );
    let finding = &json(&stdout)["findings"][0];
    assert!(finding["message"]
        .as_str()
        .expect("message")
        .ends_with("(position: the body's scalar, which holds it encoded)"));
}

/// A cassette of one user/get call whose answer body is `body` (YAML text after `string:`).
fn cassette_with_body(body: &str) -> String {
    format!(
        "interactions:\n- request:\n    body: null\n    headers: {{}}\n    method: POST\n    uri: https://oapi.dingtalk.com/topapi/v2/user/get?access_token=t\n  response:\n    body:\n      string: {body}\n    headers: {{}}\n    status:\n      code: 200\n      message: OK\nversion: 1\n"
    )
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip")
}

fn binary(bytes: &[u8]) -> String {
    format!(
        "!!binary |\n        {}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// Checks `file` in `dir` and gives its one finding's (code, line, column, message); a file
/// over `--max-size` is refused before it is read, at no line.
fn only_finding(dir: &Path, file: &str, extra: &[&str]) -> (String, u64, u64, String) {
    let mut args = vec!["check", "--no-profile", "--format", "json"];
    args.extend_from_slice(extra);
    args.push(file);
    let (code, stdout, stderr) = dtlint(dir, &args, None);
    assert!(!stderr.contains("panicked"), "{file}: {stderr}");
    assert_eq!(code, 1, "{file}: {stdout}{stderr}");
    let report = json(&stdout);
    let list = report["findings"].as_array().expect("findings");
    assert_eq!(list.len(), 1, "{file}: {list:?}");
    let f = &list[0];
    assert_eq!(f["source"], file);
    (
        f["rule"].as_str().expect("rule").to_owned(),
        f["line"].as_u64().unwrap_or(0),
        f["column"].as_u64().unwrap_or(0),
        f["message"].as_str().expect("message").to_owned(),
    )
}

#[test]
fn vcr_broken_cassettes_each_get_a_clear_finding_at_a_place_and_the_run_goes_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sample =
        std::fs::read_to_string(root().join("samples/vcr/vcrpy-requests.yaml")).expect("sample");
    let cut = sample.find("\\\"boss\\\"").expect("a body");
    let too_large_body = gzip(&vec![b' '; 9 << 20]);
    let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        (
            "truncated.yaml",
            sample.as_bytes()[..cut].to_vec(),
            "DT014",
            "the cassette is not readable here",
        ),
        (
            "not-a-mapping.yaml",
            b"interactions:\n- POST /topapi/v2/user/get\nversion: 1\n".to_vec(),
            "DT015",
            "interaction 0 of the cassette is not a mapping",
        ),
        (
            "not-base64.yaml",
            cassette_with_body("!!binary \"not base64 at all!\"").into_bytes(),
            "DT015",
            "marked binary that is not base64",
        ),
        (
            "corrupt-gzip.yaml",
            cassette_with_body(&binary(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage"))
                .into_bytes(),
            "DT015",
            "compressed bytes that do not decompress",
        ),
        (
            "gzip-bomb.yaml",
            cassette_with_body(&binary(&too_large_body)).into_bytes(),
            "DT006",
            "larger than the limit",
        ),
        (
            "not-utf8.yaml",
            b"interactions:\n- request: \xff\xfe\n".to_vec(),
            "DT003",
            "not UTF-8",
        ),
        (
            "deep.yaml",
            format!("interactions: {}", "[".repeat(100_000)).into_bytes(),
            "DT014",
            "nesting too deep",
        ),
        (
            "deep-block.yaml",
            format!("interactions:\n{}x\n", "- ".repeat(1000)).into_bytes(),
            "DT014",
            "nesting too deep",
        ),
        (
            "alias.yaml",
            b"interactions:\n- *nothing\n".to_vec(),
            "DT014",
            "unknown anchor",
        ),
        (
            "broken.json",
            b"{\"version\": 1, \"interactions\": [{\"request\": }]}".to_vec(),
            "DT001",
            "not valid JSON",
        ),
        (
            "not-a-cassette.yml",
            b"name: ci\non: push\n".to_vec(),
            "DT014",
            "no list of `interactions`",
        ),
    ];
    for (name, bytes, _, _) in &cases {
        std::fs::write(dir.path().join(name), bytes).expect("write");
    }
    for (name, _, code, words) in &cases {
        let (got, line, column, message) = only_finding(dir.path(), name, &[]);
        assert_eq!(&got, code, "{name}: {message}");
        assert!(message.contains(words), "{name}: {message}");
        assert!(line >= 1 && column >= 1, "{name}");
    }
    // The truncated cassette breaks where the file ends, on its last line.
    let (_, line, _, _) = only_finding(dir.path(), "truncated.yaml", &[]);
    assert_eq!(line as usize, sample[..cut].lines().count());
    // A cassette over --max-size is not read.
    std::fs::copy(
        root().join("samples/vcr/vcrpy-requests.yaml"),
        dir.path().join("whole.yaml"),
    )
    .expect("copy");
    let (code, ..) = only_finding(dir.path(), "whole.yaml", &["--max-size", "1000"]);
    assert_eq!(code, "DT006");
    // All of them in one folder, beside a good cassette: each is reported and the good one's
    // findings too. A YAML file that is no cassette is passed over in a folder, as no capture.
    std::fs::copy(
        root().join("samples/vcr/ruby-vcr.yml"),
        dir.path().join("good.yml"),
    )
    .expect("copy");
    let (code, stdout, stderr) = dtlint(
        dir.path(),
        &["check", "--no-profile", "--format", "json", "."],
        None,
    );
    assert_eq!(code, 1, "{stderr}");
    let report = json(&stdout);
    let sources: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["source"].as_str())
        .collect();
    assert!(sources.contains(&"./good.yml"), "{sources:?}");
    assert_eq!(report["summary"]["skipped_by_reason"]["not_a_capture"], 1);
    assert!(!sources.contains(&"./not-a-cassette.yml"));
}

#[test]
fn vcr_no_credential_or_personal_value_leaves_a_cassette_raw_in_any_format() {
    let file = "tests/fixtures/vcr/token-bearing.yaml";
    let raw = [
        "TOKEN-NEVER-PRINT",
        "BEARER-NEVER-PRINT",
        "COOKIE-NEVER-PRINT",
        "SETCOOKIE-NEVER-PRINT",
        "QUERY-NEVER-PRINT",
        "13912345678",
        "someone@example.com",
    ];
    for format in [
        "human", "json", "ndjson", "sarif", "junit", "github", "markdown",
    ] {
        let (code, stdout, stderr) = dtlint(
            &root(),
            &[
                "check",
                "--no-profile",
                "--app-type",
                "third-party",
                "--format",
                format,
                file,
            ],
            None,
        );
        assert_eq!(code, 1, "{format}: {stderr}");
        assert!(
            stdout.contains("DT301"),
            "{format}: the fixture has findings"
        );
        for value in raw {
            assert!(
                !stdout.contains(value) && !stderr.contains(value),
                "{format} prints {value}"
            );
        }
    }
}

#[test]
fn vcr_a_literal_body_is_placed_exactly_and_a_folded_one_at_its_scalar() {
    let place = |file: &str| {
        let (_, stdout, _) = dtlint(
            &root(),
            &["check", "--no-profile", "--format", "json", file],
            None,
        );
        let f = json(&stdout)["findings"][0].clone();
        assert_eq!(f["rule"], "DT201", "{file}");
        (
            f["line"].as_u64().expect("line"),
            f["column"].as_u64().expect("column"),
            f["message"].as_str().expect("message").to_owned(),
        )
    };
    // `|-`: lines kept, indentation removed; the value `"true"` is on the body's second line.
    let (line, column, message) = place("tests/fixtures/vcr/literal-body.yaml");
    assert_eq!((line, column), (11, 76), "{message}");
    assert!(!message.contains("position:"), "{message}");
    // `>-`: folding is not retraced; the place is the scalar, and the message says so.
    let (line, column, message) = place("tests/fixtures/vcr/folded-body.yaml");
    assert_eq!((line, column), (10, 9), "{message}");
    assert!(
        message.ends_with(
            "(position: the body's scalar, whose folding or escapes hide the exact place)"
        ),
        "{message}"
    );
}

#[test]
fn vcr_ruby_preserve_exact_body_bytes_base64_string_is_read() {
    let file = "tests/fixtures/vcr/ruby-preserve-exact-body-bytes.yml";
    let (code, stdout, stderr) = dtlint(
        &root(),
        &["check", "--no-profile", "--format", "json", file],
        None,
    );
    assert_eq!(code, 1, "{stderr}");
    let report = json(&stdout);
    assert_eq!(report["summary"]["responses"], 1);
    let f = &report["findings"][0];
    assert_eq!(
        (f["rule"].as_str(), f["line"].as_u64()),
        (Some("DT201"), Some(18))
    );
}

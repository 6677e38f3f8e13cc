//! Captured traffic end to end: HAR and NDJSON, the page's own request example, truncation and redaction.

use crate::common::{dtlint, json, root};

const SECRETS: [&str; 3] = [
    "TOKEN-NEVER-PRINT-1a2b3c4d",
    "BEARER-NEVER-PRINT-5e6f",
    "COOKIE-NEVER-PRINT-7g8h",
];
const PERSONAL: [&str; 4] = [
    "19900000001",
    "010-88886666",
    "zhang.san@example.com",
    "san.zhang@corp.example",
];

fn rules(report: &serde_json::Value) -> Vec<(u64, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["entry"].as_u64().unwrap_or(u64::MAX),
                f["rule"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_pages_request_example_is_reported_like_its_response_example() {
    let (code, stdout, _) = dtlint(
        &root(),
        &[
            "check",
            "--no-profile",
            "--format",
            "json",
            "samples/documented-request.har",
        ],
        None,
    );
    assert_eq!(code, 1);
    let report = json(&stdout);
    let found = rules(&report);
    for expected in [
        "DT702", "DT704", "DT707", "DT201", "DT202", "DT203", "DT204", "DT102",
    ] {
        assert!(
            found.iter().any(|(e, r)| *e == 0 && r == expected),
            "{expected} missing: {found:?}"
        );
    }
    let token = report["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["rule"] == "DT702"))
        .expect("DT702");
    assert!(token["message"]
        .as_str()
        .unwrap_or("")
        .contains("curl example"));
    assert!(
        !stdout.contains("a894388c"),
        "the example's token is never printed"
    );
}

#[test]
fn findings_inside_an_escaped_body_point_at_the_exact_bytes_in_the_har() {
    let text =
        std::fs::read_to_string(root().join("samples/har/chrome-devtools.har")).expect("sample");
    let (_, stdout, _) = dtlint(
        &root(),
        &[
            "check",
            "--no-profile",
            "--format",
            "json",
            "samples/har/chrome-devtools.har",
        ],
        None,
    );
    let report = json(&stdout);
    let boss = report["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["rule"] == "DT201"))
        .expect("quirk in entry 4");
    let line = usize::try_from(boss["line"].as_u64().expect("line")).expect("fits");
    let column = usize::try_from(boss["column"].as_u64().expect("column")).expect("fits");
    let at: String = text
        .lines()
        .nth(line - 1)
        .expect("line")
        .chars()
        .skip(column - 1)
        .take(8)
        .collect();
    assert_eq!(at, "\\\"true\\\"", "points at the escaped value");
    assert_eq!(boss["entry"], 4);
}

#[test]
fn har_entries_of_other_endpoints_and_preflights_are_counted_not_checked() {
    let (_, stdout, _) = dtlint(
        &root(),
        &[
            "check",
            "--no-profile",
            "--format",
            "json",
            "samples/har/chrome-devtools.har",
            "samples/har/charles.har",
        ],
        None,
    );
    let summary = &json(&stdout)["summary"];
    // Chrome: a script, a preflight and a cancelled beacon; Charles: gettoken, a 204 and a
    // failed call, two of them with `mimeType: null`.
    assert_eq!(summary["skipped_entries"], 6);
    assert_eq!(summary["responses"], 8);
}

#[test]
fn a_truncated_har_reports_the_break_after_checking_every_entry_before_it() {
    let text =
        std::fs::read_to_string(root().join("samples/har/chrome-devtools.har")).expect("sample");
    let dir = tempfile::tempdir().expect("temp");
    let (_, full, _) = dtlint(
        &root(),
        &[
            "check",
            "--no-profile",
            "--format",
            "json",
            "samples/har/chrome-devtools.har",
        ],
        None,
    );
    let full = rules(&json(&full));
    let step = text.len() / 40;
    for cut in (1..40).map(|i| i * step) {
        let path = dir.path().join("cut.har");
        std::fs::write(&path, &text.as_bytes()[..cut]).expect("write");
        let (code, stdout, stderr) = dtlint(
            dir.path(),
            &["check", "--no-profile", "--format", "json", "cut.har"],
            None,
        );
        assert!(
            crate::common::besides_notes(&stderr).is_empty(),
            "cut at {cut}: {stderr}"
        );
        assert_eq!(code, 1, "cut at {cut}");
        let found = rules(&json(&stdout));
        let broken = json(&stdout)["findings"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["rule"] == "DT007").cloned())
            .expect("DT007");
        assert!(
            broken["line"].as_u64().is_some(),
            "cut at {cut}: the break is placed"
        );
        let before: Vec<_> = found
            .iter()
            .filter(|(_, r)| r != "DT007")
            .cloned()
            .collect();
        // Every finding of an entry that ended before the cut is still reported.
        for f in &before {
            assert!(
                full.contains(f) || f.1 == "DT001" || f.1 == "DT008",
                "cut at {cut}: unexpected {f:?}"
            );
        }
    }
}

#[test]
fn ndjson_from_stdin_and_from_a_file_agree() {
    let bytes = std::fs::read(root().join("samples/ndjson/responses.ndjson")).expect("sample");
    let (code, from_stdin, _) = dtlint(
        &root(),
        &[
            "check",
            "--no-profile",
            "--format",
            "json",
            "--stdin-format",
            "ndjson",
            "-",
        ],
        Some(&bytes),
    );
    assert_eq!(code, 1);
    let (_, from_file, _) = dtlint(
        &root(),
        &[
            "check",
            "--no-profile",
            "--format",
            "json",
            "samples/ndjson/responses.ndjson",
        ],
        None,
    );
    assert_eq!(rules(&json(&from_stdin)), rules(&json(&from_file)));
    assert_eq!(
        rules(&json(&from_file)),
        vec![
            (5, "DT203".to_owned()),
            (6, "DT606".to_owned()),
            (7, "DT001".to_owned())
        ]
    );
}

#[test]
fn secrets_and_personal_values_never_reach_any_format() {
    for input in [
        "tests/fixtures/har/token-bearing.har",
        "tests/fixtures/har/token-bearing.ndjson",
    ] {
        for format in ["human", "json", "ndjson"] {
            for show in [false, true] {
                let mut args = vec![
                    "check",
                    "--no-profile",
                    "--app-type",
                    "third-party",
                    "--format",
                    format,
                    input,
                ];
                if show {
                    args.push("--show-values");
                }
                let (code, stdout, stderr) = dtlint(&root(), &args, None);
                assert_eq!(code, 1, "{input} {format}");
                let all = format!("{stdout}{stderr}");
                for secret in SECRETS {
                    assert!(
                        !all.contains(secret),
                        "{input} --format {format}: {secret} leaked:\n{all}"
                    );
                }
                if !show {
                    for value in PERSONAL {
                        assert!(
                            !all.contains(value),
                            "{input} --format {format}: {value} leaked:\n{all}"
                        );
                    }
                }
            }
        }
    }
    // --show-values shows personal values in snippets, so the masking above is what hid them.
    let (_, shown, _) = dtlint(
        &root(),
        &[
            "check",
            "--no-profile",
            "--app-type",
            "third-party",
            "--show-values",
            "tests/fixtures/har/token-bearing.har",
        ],
        None,
    );
    assert!(PERSONAL.iter().any(|v| shown.contains(v)), "{shown}");
}

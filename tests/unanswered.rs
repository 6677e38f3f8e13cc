//! Calls that never got an answer, as Playwright (status -1, `_failureText`) and mitmproxy
//! (status 0, `content: {}`, `_error`) write them: one DT010 warning each, at the status,
//! counted as unanswered in every summary (also through a partial run and its merge); an
//! answered call whose body the export left out stays DT009, an error.

use std::path::Path;

use crate::common::{check_json, dtlint, json, root};

fn fixture() -> std::path::PathBuf {
    root().join("tests/fixtures/rules/DT010-call-unanswered")
}

#[test]
fn each_unanswered_call_is_one_warning_and_counted() {
    let dir = fixture();
    let (code, report) = check_json(&dir, &["invalid.har"]);
    // Warnings only: a capture of cancelled calls holds no defect and passes.
    assert_eq!(code, 0, "{report:#}");
    let findings = report["findings"].as_array().expect("findings");
    let codes: Vec<_> = findings.iter().map(|f| f["rule"].as_str()).collect();
    assert_eq!(codes, [Some("DT010"), Some("DT010")], "{report:#}");
    assert!(findings.iter().all(|f| f["severity"] == "warning"));
    assert!(findings[0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("status -1") && m.contains("net::ERR_ABORTED")));
    assert!(findings[1]["message"]
        .as_str()
        .is_some_and(|m| m.contains("status 0") && m.contains("Client disconnected.")));
    let summary = &report["summary"];
    assert_eq!(summary["unanswered"], 2);
    assert_eq!(summary["responses"], 0);

    let (_, human, _) = dtlint(&dir, &["check", "--no-profile", "invalid.har"], None);
    assert!(
        human.contains("0 responses in 1 input, 2 calls unanswered: 0 errors, 2 warnings"),
        "{human}"
    );
    // An answered capture says nothing about unanswered calls.
    let (_, valid) = check_json(&dir, &["valid.har"]);
    assert!(valid["summary"].get("unanswered").is_none(), "{valid:#}");
}

#[test]
fn an_answer_whose_body_was_left_out_is_still_dt009() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(fixture().join("valid.har")).expect("fixture");
    let mut har: serde_json::Value = serde_json::from_str(&text).expect("HAR");
    let content = &mut har["log"]["entries"][0]["response"]["content"];
    content.as_object_mut().expect("content").remove("text");
    std::fs::write(dir.path().join("left-out.har"), har.to_string()).expect("write");
    let (code, report) = check_json(dir.path(), &["left-out.har"]);
    assert_eq!(code, 1);
    let codes: Vec<_> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| (f["rule"].clone(), f["severity"].clone()))
        .collect();
    assert_eq!(codes, [("DT009".into(), "error".into())], "{report:#}");
    assert!(report["summary"].get("unanswered").is_none());
}

#[test]
fn a_partial_run_and_its_merge_keep_the_count() {
    let dir = fixture();
    let (code, partial, err) = dtlint(
        &dir,
        &["check", "--no-profile", "--partial", "invalid.har"],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let scratch = tempfile::tempdir().expect("temp dir");
    let shard = scratch.path().join("shard.ndjson");
    std::fs::write(&shard, partial).expect("write");
    let merged = |format: &str| {
        let (code, out, err) = dtlint(
            Path::new(&dir),
            &[
                "merge",
                "--no-profile",
                "--format",
                format,
                shard.to_str().expect("path"),
            ],
            None,
        );
        assert_eq!(code, 0, "{err}");
        out
    };
    let report = json(&merged("json"));
    assert_eq!(report["summary"]["unanswered"], 2, "{report:#}");
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(2));
}

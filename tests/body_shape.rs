//! Result-only bodies (`rsp.getResult()` as SDKs log it): checked as `result` objects in
//! `auto`, flagged exactly as their envelope form would be, pointers into the body as received.

use serde_json::Value;

use crate::common::{dtlint, json, root};

fn report(dir: &std::path::Path, args: &[&str]) -> (i32, Value) {
    let (code, stdout, stderr) = dtlint(dir, args, None);
    assert!(crate::common::besides_notes(&stderr).is_empty(), "{stderr}");
    (code, json(&stdout))
}

/// (rule, pointer, message) of each finding.
fn seen(report: &Value) -> Vec<(String, String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["pointer"].as_str().unwrap_or("").to_owned(),
                f["message"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_result_object_is_flagged_as_its_envelope_would_be() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut compared = 0;
    for folder in [
        "internal-basic",
        "internal-full",
        "third-party",
        "enterprise-dingtalk",
        "enterprise-sso",
    ] {
        for entry in std::fs::read_dir(root().join("samples").join(folder)).expect("samples") {
            let path = entry.expect("entry").path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let body: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
            let Some(result) = body.get("result").filter(|r| r.is_object()) else {
                continue;
            };
            std::fs::write(dir.path().join("envelope.json"), body.to_string()).expect("write");
            std::fs::write(dir.path().join("result.json"), result.to_string()).expect("write");
            let profile = root().join("samples").join(folder).join("dtlint.toml");
            let profile = profile.to_str().expect("utf-8");
            let check = |file: &str| {
                report(
                    dir.path(),
                    &["check", "--profile", profile, "--format", "json", file],
                )
            };
            let (_, whole) = check("envelope.json");
            let (code, alone) = check("result.json");
            let expected: Vec<_> = seen(&whole)
                .into_iter()
                .filter_map(|(rule, pointer, message)| {
                    let inner = pointer.strip_prefix("/result")?;
                    Some((rule, inner.to_owned(), message))
                })
                .collect();
            assert_eq!(seen(&alone), expected, "{}", path.display());
            let errors = alone["summary"]["errors"].as_u64().unwrap_or(0);
            assert_eq!(code, i32::from(errors > 0), "{}", path.display());
            assert!(
                alone["summary"]["notes"]
                    .to_string()
                    .contains("checked as `result` objects"),
                "the summary says so"
            );
            compared += 1;
        }
    }
    assert!(compared >= 6, "{compared} samples compared");
}

#[test]
fn the_shape_can_be_forced_by_flag_or_profile() {
    let sample = "samples/result-only/sdk-get-result-pretty.json";
    let (code, auto) = report(
        &root(),
        &[
            "check",
            "--profile",
            "samples/result-only/dtlint.toml",
            "--format",
            "json",
            sample,
        ],
    );
    assert_eq!(
        (code, seen(&auto).len()),
        (0, 0),
        "clean as a result object"
    );
    let (code, envelope) = report(
        &root(),
        &[
            "check",
            "--profile",
            "samples/result-only/dtlint.toml",
            "--body-shape",
            "envelope",
            "--format",
            "json",
            sample,
        ],
    );
    assert_eq!(code, 1);
    assert!(
        seen(&envelope)
            .iter()
            .any(|(_, pointer, _)| pointer == "/errcode"),
        "as an envelope it lacks errcode: {:?}",
        seen(&envelope)
    );
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("dtlint.toml"),
        "app-type = \"internal\"\nbody-shape = \"envelope\"\n",
    )
    .expect("write");
    std::fs::copy(root().join(sample), dir.path().join("r.json")).expect("copy");
    let (code, _) = report(dir.path(), &["check", "--format", "json", "r.json"]);
    assert_eq!(code, 1, "the profile's body-shape is read");
    // An envelope forced to be read as a result object is judged as one.
    std::fs::write(
        dir.path().join("e.json"),
        r#"{"errcode":0,"errmsg":"ok","request_id":"x","result":{"userid":"a"}}"#,
    )
    .expect("write");
    let (_, forced) = report(
        dir.path(),
        &[
            "check",
            "--body-shape",
            "result",
            "--format",
            "json",
            "e.json",
        ],
    );
    assert!(
        seen(&forced)
            .iter()
            .any(|(_, pointer, _)| pointer == "/errcode"),
        "{:?}",
        seen(&forced)
    );
}

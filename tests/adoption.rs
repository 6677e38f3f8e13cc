//! Adopting dtlint on existing captures: baselines and suppressions, end to end.

use crate::common::{dtlint, json};

const BODY: &str = r#"{"errcode":0,"errmsg":"ok","result":{"active":true,"boss":"true","dept_id_list":[1],"name":"张三","unionid":"vQR2XXXXXXXXXXXXXXXXXXiEiE","userid":"10000000000000001"},"request_id":"16lzmj9nqoklx"}"#;

fn rules(stdout: &str) -> Vec<String> {
    json(stdout)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn baseline_round_trip() {
    let dir = tempfile::tempdir().expect("temp");
    let d = dir.path();
    std::fs::write(d.join("a.json"), BODY).expect("write");
    // Create: the current finding is recorded, keyed without lines or values.
    let (code, stdout, _) = dtlint(d, &["check", "--no-profile", "a.json"], None);
    assert_eq!(code, 1, "{stdout}");
    let (code, _, _) = dtlint(
        d,
        &["baseline", "--no-profile", "a.json", "-o", "base.json"],
        None,
    );
    assert_eq!(code, 0);
    let recorded = std::fs::read_to_string(d.join("base.json")).expect("baseline written");
    assert!(
        recorded.contains("\"DT201\"") && recorded.contains("/result/boss"),
        "{recorded}"
    );
    assert!(
        !recorded.contains("\"line\"") && !recorded.contains("true\\\""),
        "no lines, no values: {recorded}"
    );
    // Every later run checks a.json against base.json; `extra` goes between the two.
    let against_baseline = |extra: &[&str]| {
        let args = [
            &["check", "--no-profile", "--baseline", "base.json"][..],
            extra,
            &["a.json"],
        ]
        .concat();
        dtlint(d, &args, None)
    };
    // Unchanged run: clean.
    let (code, stdout, _) = against_baseline(&["--format", "json"]);
    assert_eq!((code, rules(&stdout)), (0, Vec::<String>::new()));
    // Moving the value to another line changes nothing.
    std::fs::write(d.join("a.json"), BODY.replace(",\"boss\"", ",\n\n\"boss\"")).expect("write");
    let (code, _, _) = against_baseline(&[]);
    assert_eq!(code, 0);
    // The recorded field with another wrong value is not the recorded finding: it fails.
    std::fs::write(
        d.join("a.json"),
        BODY.replace("\"boss\":\"true\"", "\"boss\":\"false\""),
    )
    .expect("write");
    let (code, stdout, _) = against_baseline(&["--format", "json"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(rules(&stdout).contains(&"DT201".to_owned()), "{stdout}");
    // A new defect fails.
    std::fs::write(
        d.join("a.json"),
        BODY.replace("\"active\":true", "\"active\":\"false\""),
    )
    .expect("write");
    let (code, stdout, _) = against_baseline(&["--format", "json"]);
    assert_eq!((code, rules(&stdout)), (1, vec!["DT201".to_owned()]));
    assert!(stdout.contains("/result/active"));
    // The recorded defect fixed: its entry is stale (a warning), the run passes.
    std::fs::write(
        d.join("a.json"),
        BODY.replace("\"boss\":\"true\"", "\"boss\":true"),
    )
    .expect("write");
    let (code, stdout, _) = against_baseline(&["--format", "json"]);
    assert_eq!((code, rules(&stdout)), (0, vec!["DT901".to_owned()]));
    // Update: the stale entry goes.
    let (code, _, _) = against_baseline(&["--update-baseline"]);
    assert_eq!(code, 0);
    let (code, stdout, _) = against_baseline(&["--format", "json"]);
    assert_eq!((code, rules(&stdout)), (0, Vec::<String>::new()));
}

#[test]
fn suppressions_need_a_reason_and_report_when_unused() {
    let dir = tempfile::tempdir().expect("temp");
    let d = dir.path();
    std::fs::create_dir(d.join("legacy")).expect("mkdir");
    std::fs::write(d.join("legacy/a.json"), BODY).expect("write");
    std::fs::write(d.join("b.json"), BODY).expect("write");
    std::fs::write(
        d.join("dtlint.toml"),
        "[[ignore]]\nrule = \"quoted-boolean\"\npointer = \"/result/*\"\npath = \"**/legacy/**\"\nreason = \"old captures from before the SDK fix\"\n\n[[ignore]]\nrule = \"DT107\"\nreason = \"never matches\"\n",
    )
    .expect("write");
    let (code, stdout, _) = dtlint(d, &["check", "--format", "json", "."], None);
    assert_eq!(code, 1, "b.json still fails");
    let report = json(&stdout);
    let found: Vec<(String, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["source"].as_str().unwrap_or("").to_owned(),
                f["rule"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("./b.json".to_owned(), "DT201".to_owned()),
            ("dtlint.toml".to_owned(), "DT902".to_owned())
        ]
    );
    let unused = &report["findings"][1];
    assert_eq!(
        unused["line"], 7,
        "DT902 points at the [[ignore]] table: {unused}"
    );
    std::fs::write(d.join("dtlint.toml"), "[[ignore]]\nrule = \"DT201\"\n").expect("write");
    let (code, _, stderr) = dtlint(d, &["check", "."], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("reason"), "{stderr}");
}

/// Request findings of a HAR are fingerprinted too, from the redacted entry: a rotated token
/// (same length) keeps them hidden and never reaches the baseline; another request value does not.
#[test]
fn baseline_fingerprints_har_request_findings() {
    let dir = tempfile::tempdir().expect("temp");
    let d = dir.path();
    let sample =
        std::fs::read_to_string(crate::common::root().join("samples/documented-request.har"))
            .expect("sample");
    let token = "a894388c-a1b9-4ab4-8623-99cd0502019f";
    assert!(sample.contains(token), "the sample's token changed");
    std::fs::write(d.join("a.har"), &sample).expect("write");
    let (code, _, _) = dtlint(
        d,
        &["baseline", "--no-profile", "a.har", "-o", "base.json"],
        None,
    );
    assert_eq!(code, 0);
    let recorded = json(&std::fs::read_to_string(d.join("base.json")).expect("baseline written"));
    let request_entries: Vec<_> = recorded["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| {
            f["pointer"]
                .as_str()
                .is_some_and(|p| p.starts_with("/request/"))
        })
        .collect();
    assert!(request_entries.len() >= 2, "{recorded}");
    for entry in &request_entries {
        let fingerprint = entry["fingerprint"].as_str().unwrap_or("");
        assert_eq!(fingerprint.len(), 24, "{entry}");
    }
    assert!(
        !recorded.to_string().contains(token),
        "the token reached the baseline"
    );
    let against_baseline = || {
        dtlint(
            d,
            &[
                "check",
                "--no-profile",
                "--baseline",
                "base.json",
                "--format",
                "json",
                "a.har",
            ],
            None,
        )
    };
    // The token rotated: the request is the same, so is every finding.
    let rotated = sample.replace(token, "b894388c-a1b9-4ab4-8623-99cd0502019e");
    std::fs::write(d.join("a.har"), rotated).expect("write");
    let (code, stdout, _) = against_baseline();
    assert_eq!(
        (code, rules(&stdout)),
        (0, Vec::<String>::new()),
        "{stdout}"
    );
    // Another user asked for in the same shape of request: DT704 (both login_id and userid)
    // is about another value, so the recorded entry no longer hides it.
    let other_user = sample.replace("userid=zhangsan", "userid=lisi").replace(
        r#"{"name": "userid", "value": "zhangsan"}"#,
        r#"{"name": "userid", "value": "lisi"}"#,
    );
    assert_ne!(other_user, sample);
    std::fs::write(d.join("a.har"), other_user).expect("write");
    let (_, stdout, _) = against_baseline();
    // DT704 is a warning: it shows, with DT901 for the recorded entry that no longer matches.
    assert_eq!(rules(&stdout), ["DT704", "DT901"], "{stdout}");
}

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

/// The (source, message) of every DT901 of a JSON report.
fn stale(report: &serde_json::Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "DT901")
        .map(|f| {
            (
                f["source"].as_str().unwrap_or("").to_owned(),
                f["message"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// Captures with one DT201 each (two lines of NDJSON, two entries), recorded in `base.json` by
/// `dtlint baseline captures`.
fn recorded_captures(d: &std::path::Path) {
    for folder in ["captures/sub", "captures/old"] {
        std::fs::create_dir_all(d.join(folder)).expect("mkdir");
    }
    for file in ["a.json", "b.json", "sub/c.json", "old/d.json"] {
        std::fs::write(d.join("captures").join(file), BODY).expect("write");
    }
    std::fs::write(d.join("captures/log.ndjson"), format!("{BODY}\n{BODY}\n")).expect("write");
    let (code, _, stderr) = dtlint(
        d,
        &["baseline", "--no-profile", "captures", "-o", "base.json"],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
}

/// `dtlint check --baseline base.json` with `args`, as JSON, and its exit code.
fn against(d: &std::path::Path, args: &[&str]) -> (i32, serde_json::Value) {
    let all = [
        &[
            "check",
            "--no-profile",
            "--baseline",
            "base.json",
            "--format",
            "json",
        ][..],
        args,
    ]
    .concat();
    let (code, stdout, stderr) = dtlint(d, &all, None);
    assert!(code == 0 || code == 1, "{all:?}: {stderr}");
    (code, json(&stdout))
}

#[test]
fn baseline_entries_of_captures_gone_from_the_paths_checked_are_stale() {
    let dir = tempfile::tempdir().expect("temp");
    let d = dir.path();
    recorded_captures(d);
    // Nothing changed: every finding hidden, and counted.
    let (code, report) = against(d, &["captures"]);
    assert_eq!((code, rules(&report.to_string())), (0, Vec::new()));
    assert_eq!(report["summary"]["baselined"], 6, "{report:#}");
    let (_, human, _) = dtlint(
        d,
        &[
            "check",
            "--no-profile",
            "--baseline",
            "base.json",
            "captures",
        ],
        None,
    );
    assert!(
        human.ends_with(
            "6 responses in 5 inputs: 0 errors, 0 warnings, 0 infos; 6 findings hidden by the baseline\n"
        ),
        "{human}"
    );
    // Two captures deleted: each recorded entry of theirs is stale, named after the baseline,
    // sorted by the input, entry and pointer; the run passes (DT901 is a warning) unless
    // warnings are denied.
    std::fs::remove_file(d.join("captures/b.json")).expect("rm");
    std::fs::remove_file(d.join("captures/log.ndjson")).expect("rm");
    let (code, report) = against(d, &["captures"]);
    let gone = |input: &str, at: &str| {
        (
            "base.json".to_owned(),
            format!("the baseline records DT201 at {input}{at} /result/boss but {input} is gone: it is within the paths checked and was not read"),
        )
    };
    assert_eq!(
        (code, stale(&report)),
        (
            0,
            vec![
                gone("captures/b.json", ""),
                gone("captures/log.ndjson", " entry 0"),
                gone("captures/log.ndjson", " entry 1"),
            ]
        )
    );
    assert_eq!(rules(&report.to_string()), ["DT901"; 3]);
    assert_eq!(report["summary"]["warnings"], 3);
    assert_eq!(report["summary"]["baselined"], 3);
    let (code, _) = against(d, &["--deny", "warnings", "captures"]);
    assert_eq!(code, 1, "--deny warnings fails on stale entries");
    // A fixed capture still says that its finding no longer occurs.
    std::fs::write(
        d.join("captures/a.json"),
        BODY.replace("\"boss\":\"true\"", "\"boss\":true"),
    )
    .expect("write");
    let (_, report) = against(d, &["captures"]);
    assert_eq!(
        stale(&report)[0].1,
        "the baseline records DT201 at captures/a.json /result/boss but it no longer occurs"
    );
    assert_eq!(stale(&report).len(), 4);
    // Out of the paths checked: a run over one folder does not judge the others'.
    let (code, report) = against(d, &["captures/sub"]);
    assert_eq!((code, stale(&report)), (0, Vec::new()));
    assert_eq!(report["summary"]["baselined"], 1);
    // Passed over by --exclude or --glob: not in scope either.
    let (_, report) = against(
        d,
        &["--exclude", "b.json", "--exclude", "*.ndjson", "captures"],
    );
    assert_eq!(stale(&report).len(), 1, "only a.json's: {report:#}");
    let (_, report) = against(d, &["--glob", "sub/**", "captures"]);
    assert_eq!(stale(&report), Vec::new());
    // Standard input named as a capture is that capture alone.
    let (code, stdout, stderr) = dtlint(
        d,
        &[
            "check",
            "--no-profile",
            "--baseline",
            "base.json",
            "--format",
            "json",
            "-",
            "--stdin-filename",
            "captures/b.json",
        ],
        Some(BODY.as_bytes()),
    );
    let report = json(&stdout);
    assert_eq!((code, stale(&report)), (0, Vec::new()), "{stderr}");
    assert_eq!(report["summary"]["baselined"], 1);
    // Without a baseline nothing is said of one.
    let (_, stdout, _) = dtlint(
        d,
        &["check", "--no-profile", "--format", "json", "captures"],
        None,
    );
    assert!(
        json(&stdout)["summary"].get("baselined").is_none(),
        "{stdout}"
    );
}

/// Shards given paths record them in their partial results: the merge judges the entries of
/// inputs gone from any shard's paths, once, as the single run over all of them does.
#[test]
fn merged_shards_judge_gone_inputs_over_every_shards_paths() {
    let dir = tempfile::tempdir().expect("temp");
    let d = dir.path();
    recorded_captures(d);
    std::fs::remove_file(d.join("captures/b.json")).expect("rm");
    std::fs::remove_file(d.join("captures/old/d.json")).expect("rm");
    let shard = |name: &str, paths: &[&str]| {
        let args = [
            &["check", "--no-profile", "--partial", "--exit-zero"][..],
            paths,
        ]
        .concat();
        let (code, stdout, stderr) = dtlint(d, &args, None);
        assert_eq!(code, 0, "{stderr}");
        std::fs::write(d.join(name), stdout).expect("write");
    };
    // The first shard's paths hold b.json, the second's d.json.
    shard("part-1", &["--exclude", "old", "captures"]);
    shard("part-2", &["captures/old"]);
    let merge = |parts: &[&str]| {
        let args = [
            &[
                "merge",
                "--no-profile",
                "--baseline",
                "base.json",
                "--format",
                "json",
            ][..],
            parts,
        ]
        .concat();
        let (code, stdout, stderr) = dtlint(d, &args, None);
        (code, json(&stdout), stderr)
    };
    let (code, merged, stderr) = merge(&["part-1", "part-2"]);
    let (single_code, single) = against(d, &["--exclude", "old", "captures", "captures/old"]);
    assert_eq!(merged, single, "{stderr}");
    assert_eq!(code, single_code);
    let gone: Vec<String> = stale(&merged)
        .into_iter()
        .filter(|(_, m)| m.contains("is gone"))
        .map(|(_, m)| m)
        .collect();
    assert_eq!(gone.len(), 2, "{merged:#}");
    assert!(gone[0].contains("captures/b.json") && gone[1].contains("captures/old/d.json"));
    assert_eq!(
        merged["summary"]["baselined"], 4,
        "a, c and the two lines of the NDJSON"
    );
    // Without the second shard, d.json is outside every shard's paths.
    let (_, alone, _) = merge(&["part-1"]);
    assert!(
        stale(&alone).iter().all(|(_, m)| !m.contains("old/d.json")),
        "{alone:#}"
    );
}

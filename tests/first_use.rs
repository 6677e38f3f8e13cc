//! What a new user meets first: standard input told by its content, commands that refuse what
//! they cannot do instead of doing nothing, a folder's files that are no captures passed over,
//! notes in every report, and corrections for misspelled rules.

use crate::common::{dtlint, json, root};

/// The findings of a JSON report as (source, entry, rule, pointer, line, column).
fn places(stdout: &str) -> Vec<String> {
    json(stdout)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {} {}:{}",
                f["source"], f["entry"], f["rule"], f["pointer"], f["line"], f["column"]
            )
        })
        .collect()
}

/// Every kind of capture the samples hold, piped to `-` with no `--stdin-format`, reports what
/// the same file named on the command line reports: its format is told by its first bytes.
#[test]
fn standard_input_is_read_in_the_format_its_content_shows() {
    let samples = [
        "samples/har/charles.har",
        "samples/har/playwright/capture.zip",
        "samples/ndjson/responses.ndjson",
        "samples/logs/directory-sync.log",
        "samples/vcr/vcrpy-requests.yaml",
        "samples/vcr/ruby-vcr.yml",
        "samples/vcr/vcrpy-json-serializer.json",
        "samples/compressed/documented-request.har.gz",
        "samples/compressed/responses.ndjson.zst",
        "samples/documented-example.json",
    ];
    for sample in samples {
        let common = [
            "--no-profile",
            "--app-type",
            "third-party",
            "--format",
            "json",
        ];
        let mut named = vec!["check", sample];
        named.extend(common);
        let (named_code, by_name, _) = dtlint(&root(), &named, None);
        let bytes = std::fs::read(root().join(sample)).expect("sample");
        let mut piped = vec!["check", "-", "--stdin-filename", sample];
        piped.extend(common);
        let (piped_code, by_content, stderr) = dtlint(&root(), &piped, Some(&bytes));
        assert_eq!(piped_code, named_code, "{sample}: {stderr}");
        let found = places(&by_name);
        assert!(!found.is_empty(), "{sample} has findings to compare");
        assert_eq!(places(&by_content), found, "{sample}");
        assert_eq!(
            json(&by_content)["summary"]["responses"],
            json(&by_name)["summary"]["responses"],
            "{sample}"
        );
    }
}

/// A HAR piped in used to be judged as one body ("`log` is not documented").
#[test]
fn a_har_on_standard_input_is_a_har_and_a_forced_format_still_wins() {
    let har = std::fs::read(root().join("samples/har/charles.har")).expect("sample");
    let (_, stdout, _) = dtlint(
        &root(),
        &["check", "-", "--no-profile", "--format", "json"],
        Some(&har),
    );
    assert!(json(&stdout)["summary"]["responses"].as_u64() > Some(1));
    let (code, stdout, stderr) = dtlint(
        &root(),
        &[
            "check",
            "-",
            "--no-profile",
            "--format",
            "json",
            "--stdin-format",
            "json",
        ],
        Some(&har),
    );
    assert_eq!(code, 1);
    assert!(stdout.contains("\"DT102\""), "read as one body: {stdout}");
    assert!(!stderr.contains("told by its first bytes"), "{stderr}");
}

/// Text that fails the grammar of the format it was taken for says how it was read.
#[test]
fn standard_input_that_cannot_be_read_names_the_format_taken_and_the_flag() {
    let (code, stdout, _) = dtlint(
        &root(),
        &["check", "-", "--no-profile", "--format", "json"],
        Some(b"{\"errcode\": 0, \"result\": {"),
    );
    assert_eq!(code, 1);
    let notes = json(&stdout)["summary"]["notes"].to_string();
    assert!(
        notes.contains("- was read as json (told by its first bytes); --stdin-format"),
        "{notes}"
    );
}

/// An audit with no app type is an inventory that judges nothing: the report says so, and so
/// does the terminal, even when the report goes to a file.
#[test]
fn an_audit_without_an_app_type_warns_on_the_terminal_and_judges_nothing() {
    let out = tempfile::tempdir().expect("temp");
    let report = out.path().join("audit.html");
    let report = report.to_str().expect("utf-8");
    let (code, stdout, stderr) = dtlint(
        &root(),
        &[
            "audit",
            "--no-profile",
            "samples/internal-full",
            "-o",
            report,
        ],
        None,
    );
    assert_eq!(code, 0, "nothing judged, nothing exposed: {stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("dtlint: warning: no app type given: the audit lists the fields"),
        "{stderr}"
    );
    let html = std::fs::read_to_string(report).expect("the report is written");
    assert!(html.contains("Not judged"), "the report says so too");
    let (code, _, stderr) = dtlint(
        &root(),
        &[
            "audit",
            "--no-profile",
            "--app-type",
            "third-party",
            "samples/internal-full",
            "-o",
            report,
        ],
        None,
    );
    assert_eq!(code, 1, "judged, the same captures expose fields");
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn flags_that_cannot_both_apply_are_refused() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["--format", "json", "--output-format", "concise"],
            "--output-format shapes the human format",
        ),
        (
            &["--format", "sarif", "--statistics"],
            "--statistics cannot be written as sarif",
        ),
        (
            &["--format", "ndjson", "--statistics"],
            "--statistics cannot be written as ndjson",
        ),
        (
            &["--format", "junit", "--statistics"],
            "--statistics cannot be written as junit",
        ),
    ];
    for (flags, says) in cases {
        let mut args = vec!["check", "--no-profile", "samples/defects"];
        args.extend(flags);
        let (code, stdout, stderr) = dtlint(&root(), &args, None);
        assert_eq!(code, 2, "{flags:?}");
        assert!(stdout.is_empty(), "{flags:?}: nothing is read");
        assert!(stderr.contains(says), "{flags:?}: {stderr}");
    }
}

/// `--statistics --format json` was a bare array: now the groups carry the version, the
/// summary and the notes, and their counts add up to the summary's.
#[test]
fn json_statistics_are_an_object_with_the_summary() {
    let (code, stdout, _) = dtlint(
        &root(),
        &[
            "check",
            "--no-profile",
            "samples/defects",
            "--statistics",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code, 1);
    let report = json(&stdout);
    assert_eq!(report["version"], 1);
    let groups = report["statistics"].as_array().expect("groups");
    let counted: u64 = groups.iter().filter_map(|g| g["count"].as_u64()).sum();
    let summary = &report["summary"];
    let total = ["errors", "warnings", "infos"]
        .iter()
        .filter_map(|k| summary[k].as_u64())
        .sum::<u64>();
    assert_eq!(counted, total);
    assert!(summary["notes"][0]
        .as_str()
        .is_some_and(|n| n.starts_with("no app type given")));
}

/// The note that rules could not run reaches every report, and standard error when the report
/// is for a program.
#[test]
fn the_rules_that_could_not_run_are_named_in_every_report() {
    let said = "no app type given: DT301, DT302, DT303 did not run";
    for format in [
        "human", "json", "ndjson", "sarif", "junit", "github", "markdown",
    ] {
        let (_, stdout, stderr) = dtlint(
            &root(),
            &[
                "check",
                "--no-profile",
                "samples/third-party",
                "--format",
                format,
            ],
            None,
        );
        assert!(stdout.contains(said), "{format}: {stdout}");
        if format != "human" {
            assert!(
                stderr.contains(&format!("dtlint: note: {said}")),
                "{format}"
            );
        }
    }
    let (_, sarif, _) = dtlint(
        &root(),
        &[
            "check",
            "--no-profile",
            "samples/third-party",
            "--format",
            "sarif",
        ],
        None,
    );
    let notes = &json(&sarif)["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert!(notes[0]["message"]["text"]
        .as_str()
        .is_some_and(|t| t.starts_with(said)));
}

/// A project's package.json met in a folder is no capture; named, it is checked as asked, and
/// `--captures-only` (the pre-commit hook's) passes it over too.
#[test]
fn json_files_that_hold_no_capture_are_passed_over_in_folders() {
    let dir = tempfile::tempdir().expect("temp");
    std::fs::write(
        dir.path().join("package.json"),
        br#"{"name": "client", "version": "1.0.0", "scripts": {"test": "pytest"}}"#,
    )
    .expect("write");
    std::fs::write(
        dir.path().join("answer.json"),
        br#"{"errcode":0,"errmsg":"ok","result":{"userid":"u1","name":"A"},"request_id":"r"}"#,
    )
    .expect("write");
    // Truncated captures are still read, and reported.
    std::fs::write(
        dir.path().join("broken.json"),
        b"{\"errcode\": 0, \"result\": {",
    )
    .expect("write");
    std::fs::write(dir.path().join("garbage.json"), b"not json at all").expect("write");
    let (_, stdout, _) = dtlint(dir.path(), &["check", "--format", "json"], None);
    let report = json(&stdout);
    assert_eq!(report["summary"]["inputs"], 3, "answer, broken and garbage");
    assert_eq!(report["summary"]["skipped_by_reason"]["not_a_capture"], 1);
    let sources: Vec<_> = places(&stdout);
    assert!(
        sources.iter().all(|s| !s.contains("package.json")),
        "{sources:?}"
    );
    for broken in ["broken.json", "garbage.json"] {
        assert!(
            sources
                .iter()
                .any(|s| s.contains(broken) && s.contains("DT001")),
            "{broken} is still reported: {sources:?}"
        );
    }
    let (_, _, stderr) = dtlint(
        dir.path(),
        &["check", "--verbose", "--format", "json"],
        None,
    );
    assert!(
        stderr.contains("dtlint: skipped ./package.json (not a capture)"),
        "--verbose lists it as the walk's own: {stderr}"
    );
    let (code, stdout, _) = dtlint(
        dir.path(),
        &["check", "package.json", "--format", "json"],
        None,
    );
    assert_eq!(code, 1, "named, it is checked: {stdout}");
    let (_, stdout, _) = dtlint(
        dir.path(),
        &[
            "check",
            "--captures-only",
            "package.json",
            "answer.json",
            "--format",
            "json",
        ],
        None,
    );
    let report = json(&stdout);
    assert_eq!(report["summary"]["inputs"], 1, "{stdout}");
    assert_eq!(report["summary"]["skipped_by_reason"]["not_a_capture"], 1);
    assert!(!places(&stdout).iter().any(|s| s.contains("package.json")));
}

#[test]
fn misspelled_rules_get_a_did_you_mean() {
    let (code, _, stderr) = dtlint(&root(), &["explain", "quoted-bool"], None);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("did you mean `quoted-boolean`?"),
        "{stderr}"
    );
    let (code, _, stderr) = dtlint(
        &root(),
        &[
            "check",
            "--no-profile",
            "--ignore",
            "quoted-bool",
            "samples/defects",
        ],
        None,
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("did you mean `quoted-boolean`?"),
        "{stderr}"
    );
    let (code, _, stderr) = dtlint(
        &root(),
        &[
            "check",
            "--no-profile",
            "--select",
            "zzzz",
            "samples/defects",
        ],
        None,
    );
    assert_eq!(code, 2);
    assert!(
        !stderr.contains("did you mean"),
        "nothing is close: {stderr}"
    );
}

/// `mock --help` offered rule flags a mock cannot use; `mock` alone never named --generate;
/// mock and proxy both took port 8787, so the README's pair could not run together.
#[test]
fn mock_offers_only_what_it_uses_and_does_not_take_the_proxy_s_port() {
    let (_, help, _) = dtlint(&root(), &["mock", "--help"], None);
    for flag in [
        "--select",
        "--ignore",
        "--severity",
        "--deny",
        "--extend-select",
    ] {
        assert!(!help.contains(flag), "mock offers {flag}");
    }
    assert!(help.contains("[default: 127.0.0.1:8788]"), "{help}");
    let (_, help, _) = dtlint(&root(), &["proxy", "--help"], None);
    assert!(help.contains("[default: 127.0.0.1:8787]"), "{help}");
    let (code, _, stderr) = dtlint(&root(), &["mock"], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("--generate"), "{stderr}");
    let (_, help, _) = dtlint(&root(), &["baseline", "--help"], None);
    for flag in [
        "--format",
        "--statistics",
        "--output-format",
        "--color",
        "--deny",
        "--show-values",
    ] {
        assert!(!help.contains(flag), "baseline offers {flag}");
    }
    let (code, _, stderr) = dtlint(
        &root(),
        &["baseline", "--deny", "warnings", "samples"],
        None,
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`dtlint baseline` has no use for --deny"),
        "{stderr}"
    );
    let (_, help, _) = dtlint(&root(), &["audit", "--help"], None);
    assert!(!help.contains("--deny"), "audit offers --deny");
}

//! The binary as users and CI meet it: exit codes, stdin, formats, bad input and usage errors.

use crate::common::{dtlint, json, root};

const CLEAN: &str = r#"{"errcode":0,"errmsg":"ok","result":{"active":true,"admin":false,"avatar":"","boss":false,"dept_id_list":[1],"dept_order_list":[{"dept_id":1,"order":176220178909140512}],"exclusive_account":false,"hide_mobile":false,"leader_in_dept":[{"dept_id":1,"leader":false}],"name":"张三","real_authed":true,"role_list":[{"group_name":"默认","id":3935025514,"name":"主管理员"}],"senior":false,"unionid":"vQR2XXXXXXXXXXXXXXXXXXiEiE","userid":"10000000000000001"},"request_id":"16lzmj9nqoklx"}"#;

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) {
    std::fs::write(dir.path().join(name), bytes).expect("write");
}

fn rules_of(stdout: &str) -> Vec<String> {
    json(stdout)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["source"].as_str().unwrap_or(""),
                f["rule"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn clean_input_exits_zero_and_findings_exit_one() {
    let dir = temp();
    write(&dir, "clean.json", CLEAN.as_bytes());
    let (code, stdout, _) = dtlint(dir.path(), &["check", "clean.json"], None);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("1 response in 1 input: 0 errors, 0 warnings, 0 infos"),
        "{stdout}"
    );
    write(
        &dir,
        "quoted.json",
        CLEAN
            .replace("\"boss\":false", "\"boss\":\"false\"")
            .as_bytes(),
    );
    let (code, stdout, _) = dtlint(
        dir.path(),
        &["check", "quoted.json", "--format", "json"],
        None,
    );
    assert_eq!(code, 1);
    assert_eq!(rules_of(&stdout), vec!["quoted.json DT201"]);
}

#[test]
fn stdin_is_read_with_a_dash() {
    let dir = temp();
    let (code, stdout, _) = dtlint(
        dir.path(),
        &["check", "-", "--format", "ndjson"],
        Some(
            CLEAN
                .replace("\"errcode\":0", "\"errcode\":\"0\"")
                .as_bytes(),
        ),
    );
    assert_eq!(code, 1);
    let line: serde_json::Value =
        serde_json::from_str(stdout.lines().next().expect("a line")).expect("ndjson");
    assert_eq!(line["rule"], "DT202");
    assert_eq!(line["source"], "-");
    assert_eq!(line["pointer"], "/errcode");
    // Then the run's summary, the one typed record.
    let summary: serde_json::Value =
        serde_json::from_str(stdout.lines().nth(1).expect("a summary")).expect("ndjson");
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["responses"], 1);
    assert_eq!(summary["errors"], 1);
    assert_eq!(stdout.lines().count(), 2);
}

#[test]
fn a_missing_path_exits_two_after_checking_the_rest() {
    let dir = temp();
    write(
        &dir,
        "quoted.json",
        CLEAN
            .replace("\"boss\":false", "\"boss\":\"false\"")
            .as_bytes(),
    );
    let (code, stdout, _) = dtlint(
        dir.path(),
        &["check", "nope.json", "quoted.json", "--format", "json"],
        None,
    );
    assert_eq!(code, 2);
    assert_eq!(
        rules_of(&stdout),
        vec!["nope.json DT002", "quoted.json DT201"]
    );
}

#[test]
fn bad_inputs_are_findings_and_the_run_goes_on() {
    let dir = temp();
    write(&dir, "a-empty.json", b"");
    write(&dir, "b-bom.json", format!("\u{feff}{CLEAN}").as_bytes());
    write(
        &dir,
        "c-latin1.json",
        b"{\"errcode\":0,\"errmsg\":\"\xe9\"}",
    );
    write(&dir, "d-binary.json", &[0x00, 0x9f, 0x92, 0x96, 0xff]);
    write(&dir, "e-deep.json", "[".repeat(100_000).as_bytes());
    write(&dir, "f-truncated.json", &CLEAN.as_bytes()[..60]);
    write(&dir, "g-utf16.json", &[0xff, 0xfe, b'{', 0]);
    write(&dir, "h-clean.json", CLEAN.as_bytes());
    write(&dir, "notes.txt", b"not json");
    let (code, stdout, stderr) = dtlint(dir.path(), &["check", ".", "--format", "json"], None);
    assert!(crate::common::besides_notes(&stderr).is_empty(), "{stderr}");
    assert_eq!(code, 1);
    assert_eq!(
        rules_of(&stdout),
        vec![
            "./a-empty.json DT004",
            "./c-latin1.json DT003",
            "./d-binary.json DT003",
            "./e-deep.json DT001",
            "./f-truncated.json DT001",
            "./g-utf16.json DT003",
        ]
    );
    let report = json(&stdout);
    assert_eq!(report["summary"]["inputs"], 8);
    assert_eq!(report["summary"]["skipped"], 1);
    assert_eq!(report["summary"]["responses"], 2);
    let truncated = &report["findings"][4];
    assert_eq!(
        (truncated["line"].as_u64(), truncated["column"].as_u64()),
        (Some(1), Some(60))
    );
}

#[test]
fn a_huge_single_line_is_not_printed_whole() {
    let dir = temp();
    let big = "x".repeat(5_000_000);
    write(
        &dir,
        "big.json",
        CLEAN
            .replace(
                "\"avatar\":\"\"",
                &format!("\"avatar\":null,\"pad\":\"{big}\""),
            )
            .as_bytes(),
    );
    let (code, stdout, _) = dtlint(dir.path(), &["check", "big.json"], None);
    assert_eq!(code, 1);
    assert!(stdout.len() < 10_000, "output is {} bytes", stdout.len());
    assert!(stdout.contains("big.json:1:"), "{stdout}");
}

#[test]
fn a_size_limit_is_a_finding() {
    let dir = temp();
    write(&dir, "clean.json", CLEAN.as_bytes());
    let (code, stdout, _) = dtlint(
        dir.path(),
        &[
            "check",
            "clean.json",
            "--max-size",
            "100",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code, 1);
    assert_eq!(rules_of(&stdout), vec!["clean.json DT006"]);
}

#[test]
fn human_output_of_the_documented_example() {
    let (code, stdout, _) = dtlint(
        &root(),
        &["check", "--no-profile", "samples/documented-example.json"],
        None,
    );
    assert_eq!(code, 1);
    insta::assert_snapshot!("human_documented_example", stdout);
}

#[test]
fn human_output_of_an_exposure() {
    let (code, stdout, _) = dtlint(
        &root(),
        &[
            "check",
            "--no-profile",
            "--app-type",
            "internal",
            "--permission",
            "mobile",
            "samples/internal-full",
        ],
        None,
    );
    assert_eq!(code, 1);
    insta::assert_snapshot!("human_internal_full_without_email_permission", stdout);
}

#[test]
fn without_an_app_type_the_summary_says_which_rules_waited() {
    let dir = temp();
    write(&dir, "clean.json", CLEAN.as_bytes());
    let (_, stdout, _) = dtlint(dir.path(), &["check", "clean.json"], None);
    assert_eq!(stdout.matches("no app type given").count(), 1, "{stdout}");
    let (_, stdout, _) = dtlint(
        dir.path(),
        &["check", "clean.json", "--app-type", "internal"],
        None,
    );
    assert!(!stdout.contains("no app type given"));
}

#[test]
fn profile_is_found_upward_and_flags_win() {
    let dir = temp();
    write(&dir, "dtlint.toml", b"app-type = \"third-party\"\n");
    std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
    let body = CLEAN.replace(
        "\"avatar\":\"\"",
        "\"avatar\":\"\",\"mobile\":\"19900000001\"",
    );
    write(&dir, "sub/r.json", body.as_bytes());
    let sub = dir.path().join("sub");
    let (code, stdout, _) = dtlint(&sub, &["check", "r.json", "--format", "json"], None);
    assert_eq!(code, 1);
    assert_eq!(rules_of(&stdout), vec!["r.json DT301"]);
    let (code, stdout, _) = dtlint(
        &sub,
        &[
            "check",
            "r.json",
            "--format",
            "json",
            "--app-type",
            "internal",
            "--permission",
            "mobile",
        ],
        None,
    );
    assert_eq!(code, 0, "{stdout}");
}

#[test]
fn profile_errors_name_the_key_and_the_file() {
    let dir = temp();
    write(
        &dir,
        "dtlint.toml",
        b"app-type = \"internal\"\ncolour = true\n",
    );
    write(&dir, "clean.json", CLEAN.as_bytes());
    let (code, _, stderr) = dtlint(dir.path(), &["check", "clean.json"], None);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("colour") && stderr.contains("dtlint.toml"),
        "{stderr}"
    );
    write(&dir, "dtlint.toml", b"app-type = \"partner\"\n");
    let (code, _, stderr) = dtlint(dir.path(), &["check", "clean.json"], None);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("partner") && stderr.contains("dtlint.toml"),
        "{stderr}"
    );
    write(&dir, "dtlint.toml", b"[rules]\nignore = [\"DT999\"]\n");
    let (code, _, stderr) = dtlint(dir.path(), &["check", "clean.json"], None);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("DT999") && stderr.contains("rules.ignore"),
        "{stderr}"
    );
}

#[test]
fn selection_and_severity_change_the_outcome() {
    let dir = temp();
    write(
        &dir,
        "extra.json",
        CLEAN
            .replace("\"avatar\":\"\"", "\"avatar\":\"\",\"id_card\":\"x\"")
            .as_bytes(),
    );
    let (code, stdout, _) = dtlint(
        dir.path(),
        &["check", "extra.json", "--format", "json"],
        None,
    );
    assert_eq!(
        (code, rules_of(&stdout)),
        (0, vec!["extra.json DT107".to_owned()])
    );
    let (code, _, _) = dtlint(
        dir.path(),
        &["check", "extra.json", "--deny", "warnings"],
        None,
    );
    assert_eq!(code, 1);
    let (code, _, _) = dtlint(
        dir.path(),
        &["check", "extra.json", "--severity", "DT107=error"],
        None,
    );
    assert_eq!(code, 1);
    let (code, stdout, _) = dtlint(
        dir.path(),
        &[
            "check",
            "extra.json",
            "--ignore",
            "schema",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!((code, rules_of(&stdout).len()), (0, 0));
    let (code, stdout, _) = dtlint(
        dir.path(),
        &[
            "check",
            "extra.json",
            "--select",
            "DT506",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code, 0);
    assert_eq!(rules_of(&stdout), vec!["extra.json DT506"]);
}

#[test]
fn rules_and_explain() {
    let (code, stdout, _) = dtlint(&root(), &["rules", "--format", "json"], None);
    assert_eq!(code, 0);
    assert_eq!(
        json(&stdout).as_array().map(Vec::len),
        Some(dtlint::rules::ALL.len())
    );
    let (code, stdout, _) = dtlint(&root(), &["explain", "quoted-boolean"], None);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("# DT201 quoted-boolean"), "{stdout}");
    let (code, _, stderr) = dtlint(&root(), &["explain", "DT999"], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("DT999"));
}

#[test]
fn fields_matrix_for_one_caller() {
    let (code, stdout, _) = dtlint(
        &root(),
        &[
            "fields",
            "--app-type",
            "internal",
            "--permission",
            "mobile",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code, 0);
    let rows = json(&stdout);
    let access = |field: &str| {
        rows.as_array()
            .and_then(|r| r.iter().find(|row| row["field"] == field))
            .map(|row| row["access"]["internal +mobile"].clone())
    };
    assert_eq!(access("mobile"), Some("yes".into()));
    assert_eq!(access("email"), Some("needs email-profile".into()));
}

#[test]
fn broken_pipe_is_not_an_error() {
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{} rules | head -c 10 >/dev/null; exit ${{PIPESTATUS:-0}}",
            env!("CARGO_BIN_EXE_dtlint")
        ))
        .output()
        .expect("sh runs");
    assert!(
        String::from_utf8_lossy(&output.stderr).is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A body with one error finding (DT201 at `/result/boss`).
const QUOTED_BOSS: &str = r#"{"errcode":0,"errmsg":"ok","request_id":"r","result":{"userid":"1","unionid":"u","name":"n","boss":"true"}}"#;

#[test]
fn stdin_filename_names_standard_input_and_suppressions_match_it_by_path() {
    let dir = temp();
    let args = [
        "check",
        "--no-profile",
        "--format",
        "ndjson",
        "-",
        "--stdin-filename",
        "captures/2023/a.json",
    ];
    let (code, stdout, _) = dtlint(dir.path(), &args, Some(QUOTED_BOSS.as_bytes()));
    assert_eq!(code, 1, "{stdout}");
    let finding = json(stdout.lines().next().unwrap_or(""));
    assert_eq!(finding["source"], "captures/2023/a.json");
    assert_eq!(finding["rule"], "DT201");
    // A profile's suppression by path matches standard input under its name.
    write(
        &dir,
        "dtlint.toml",
        b"[[ignore]]\nrule = \"DT201\"\npath = \"captures/2023/**\"\nreason = \"known in 2023 captures\"\n",
    );
    let mut with_profile: Vec<&str> = args.to_vec();
    with_profile.retain(|a| *a != "--no-profile");
    let (code, stdout, stderr) = dtlint(dir.path(), &with_profile, Some(QUOTED_BOSS.as_bytes()));
    assert_eq!(code, 0, "suppressed by path: {stdout}{stderr}");
    assert!(!stdout.contains("DT201"), "{stdout}");
}

#[test]
fn exit_zero_passes_findings_but_not_failures_to_run() {
    let dir = temp();
    write(&dir, "bad.json", QUOTED_BOSS.as_bytes());
    let (code, stdout, _) = dtlint(dir.path(), &["check", "--no-profile", "bad.json"], None);
    assert_eq!(code, 1, "without the flag: {stdout}");
    let (code, stdout, _) = dtlint(
        dir.path(),
        &["check", "--no-profile", "--exit-zero", "bad.json"],
        None,
    );
    assert_eq!(code, 0, "findings reported, exit 0: {stdout}");
    assert!(stdout.contains("DT201"), "{stdout}");
    for failing in [
        &["check", "--no-profile", "--exit-zero", "missing.json"][..],
        &[
            "check",
            "--exit-zero",
            "--profile",
            "missing.toml",
            "bad.json",
        ][..],
        &["check", "--exit-zero", "--selct", "DT1", "bad.json"][..],
    ] {
        let (code, _, stderr) = dtlint(dir.path(), failing, None);
        assert_eq!(code, 2, "{failing:?}: {stderr}");
    }
}

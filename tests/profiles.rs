//! Profiles where the captures are (ruff's hierarchical configuration): a `dtlint.toml` judges
//! the inputs of its folder and below, the closest wins, the one found from the current folder
//! up judges the rest; `--profile` judges every input, `--no-profile` none.

use std::path::Path;

use serde_json::Value;

use crate::common::{dtlint, json};

/// A clean answer but for `mobile`, which third-party apps never receive (DT301) and internal
/// apps only with the mobile permission.
const WITH_MOBILE: &str = r#"{"errcode":0,"errmsg":"ok","result":{"active":true,"admin":false,"avatar":"","boss":false,"dept_id_list":[1],"dept_order_list":[{"dept_id":1,"order":176220178909140512}],"exclusive_account":false,"hide_mobile":false,"leader_in_dept":[{"dept_id":1,"leader":false}],"mobile":"19900000001","name":"张三","real_authed":true,"role_list":[{"group_name":"默认","id":3935025514,"name":"主管理员"}],"senior":false,"unionid":"vQR2XXXXXXXXXXXXXXXXXXiEiE","userid":"10000000000000001"},"request_id":"16lzmj9nqoklx"}"#;

/// The root's profile: an internal app with the mobile permission, and a suppression that would
/// hide the partner folder's exposure if profiles were merged (they are not: the closest wins).
const ROOT_PROFILE: &str = r#"app-type = "internal"
permissions = ["mobile"]

[[ignore]]
rule = "DT301"
path = "captures/partner/**"
reason = "only the partner folder's own profile judges it"
"#;

/// The partner folder's profile: a third-party app; its `path` glob is relative to its folder.
const PARTNER_PROFILE: &str = r#"app-type = "third-party"

[[ignore]]
rule = "DT301"
path = "legacy/**"
reason = "the legacy captures predate the switch to a third-party app"

[[ignore]]
rule = "DT201"
reason = "hides nothing: reported as unused"
"#;

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// `dtlint.toml` (internal) at the root, `captures/internal.json` judged by it,
/// `captures/partner/` with its own profile (third-party), an exposure it reports and one its
/// suppression hides, and a file that is no capture.
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(root, "dtlint.toml", ROOT_PROFILE);
    write(root, "captures/internal.json", WITH_MOBILE);
    write(root, "captures/partner/dtlint.toml", PARTNER_PROFILE);
    write(root, "captures/partner/exposed.json", WITH_MOBILE);
    write(root, "captures/partner/legacy/old.json", WITH_MOBILE);
    write(root, "captures/partner/notes.txt", "not a capture\n");
    dir
}

/// (source, rule, profile) of every finding.
fn judged(report: &Value) -> Vec<(String, String, Option<String>)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["source"].as_str().unwrap_or_default().to_owned(),
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f.get("profile").and_then(Value::as_str).map(str::to_owned),
            )
        })
        .collect()
}

fn finding(source: &str, rule: &str, profile: Option<&str>) -> (String, String, Option<String>) {
    (
        source.to_owned(),
        rule.to_owned(),
        profile.map(str::to_owned),
    )
}

fn notes(report: &Value) -> Vec<&str> {
    report["summary"]["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

#[test]
fn each_input_is_judged_by_the_closest_profile() {
    let dir = tree();
    let (code, stdout, stderr) =
        dtlint(dir.path(), &["check", "--format", "json", "captures"], None);
    assert_eq!(code, 1, "{stderr}");
    let report = json(&stdout);
    let partner = Some("captures/partner/dtlint.toml");
    assert_eq!(
        judged(&report),
        vec![
            // Internal with the mobile permission: clean. Third-party: the exposure, not hidden
            // by the root's suppression (profiles are not merged); the legacy capture's is
            // hidden by the partner's, whose path is relative to its folder.
            finding("captures/partner/exposed.json", "DT301", partner),
            // Each profile's suppressions are judged over the inputs it judged.
            finding("dtlint.toml", "DT902", None),
            finding("captures/partner/dtlint.toml", "DT902", None),
        ]
    );
    let summary = &report["summary"];
    assert_eq!(summary["inputs"], 3);
    // The nested dtlint.toml is a profile, not a path passed over; notes.txt is.
    assert_eq!(summary["skipped"], 1, "{summary}");
    assert_eq!(summary["skipped_by_reason"]["not_a_capture"], 1);
    assert_eq!(
        notes(&report),
        vec!["judged with dtlint.toml (1 input), captures/partner/dtlint.toml (2 inputs)"]
    );
    // The same run, as people read it.
    let (code, human, _) = dtlint(
        dir.path(),
        &["check", "--output-format", "concise", "captures"],
        None,
    );
    assert_eq!(code, 1);
    assert!(
        human.contains(
            "note: judged with dtlint.toml (1 input), captures/partner/dtlint.toml (2 inputs)\n3 responses in 3 inputs, 1 path skipped (1 not a capture): "
        ),
        "{human}"
    );
}

#[test]
fn a_profile_given_judges_every_input_and_no_profile_none() {
    let dir = tree();
    let (code, stdout, _) = dtlint(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--profile",
            "dtlint.toml",
            "captures",
        ],
        None,
    );
    // Every input judged as the internal app: no exposure; the root's suppression hid nothing.
    assert_eq!(code, 0, "{stdout}");
    let report = json(&stdout);
    assert_eq!(judged(&report), vec![finding("dtlint.toml", "DT902", None)]);
    assert_eq!(notes(&report), vec!["judged with dtlint.toml"]);
    assert_eq!(report["summary"]["skipped"], 1);

    let (code, stdout, _) = dtlint(
        dir.path(),
        &["check", "--format", "json", "--no-profile", "captures"],
        None,
    );
    assert_eq!(code, 0, "{stdout}");
    let report = json(&stdout);
    assert_eq!(judged(&report), vec![]);
    assert_eq!(
        notes(&report),
        vec!["no app type given: DT301, DT302, DT303 did not run (pass --app-type internal|third-party or set app-type in dtlint.toml)"]
    );
    assert_eq!(report["summary"]["skipped"], 1);
}

#[test]
fn flags_win_over_every_profile() {
    let dir = tree();
    let (code, stdout, _) = dtlint(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--app-type",
            "third-party",
            "captures",
        ],
        None,
    );
    assert_eq!(code, 1);
    let report = json(&stdout);
    // The root's inputs are judged as a third-party app too, with the root's suppressions.
    let found = judged(&report);
    assert!(
        found.contains(&finding(
            "captures/internal.json",
            "DT301",
            Some("dtlint.toml")
        )),
        "{found:?}"
    );
    assert!(found.contains(&finding(
        "captures/partner/exposed.json",
        "DT301",
        Some("captures/partner/dtlint.toml")
    )));
    let (code, stdout, _) = dtlint(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--ignore",
            "DT301,DT902",
            "captures",
        ],
        None,
    );
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(judged(&json(&stdout)), vec![]);
}

#[test]
fn a_bad_nested_profile_fails_the_run_before_anything_is_read() {
    let dir = tree();
    write(
        dir.path(),
        "captures/partner/dtlint.toml",
        "# the partner app\napp-type = \"partner\"\n",
    );
    let (code, stdout, stderr) = dtlint(dir.path(), &["check", "captures"], None);
    assert_eq!(code, 2, "{stdout}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("invalid profile captures/partner/dtlint.toml")
            && stderr.contains("captures/partner/dtlint.toml:2:12"),
        "{stderr}"
    );
    // One that judges no input is read too.
    let dir = tree();
    write(
        dir.path(),
        "captures/empty/dtlint.toml",
        "[rules]\nignore = [\"DT999\"]\n",
    );
    let (code, _, stderr) = dtlint(dir.path(), &["check", "captures"], None);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("captures/empty/dtlint.toml:2:11"),
        "{stderr}"
    );
    // A profile given is the only one read.
    let (code, _, stderr) = dtlint(
        dir.path(),
        &["check", "--profile", "dtlint.toml", "captures"],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn verbose_lists_the_profiles_read_not_as_skipped() {
    let dir = tree();
    let (_, _, stderr) = dtlint(
        dir.path(),
        &["check", "--verbose", "--quiet", "captures"],
        None,
    );
    assert_eq!(
        stderr.lines().collect::<Vec<_>>(),
        vec![
            "dtlint: skipped captures/partner/notes.txt (not a capture)",
            "dtlint: profile dtlint.toml judges 1 input",
            "dtlint: profile captures/partner/dtlint.toml judges 2 inputs",
        ]
    );
}

#[test]
fn each_profile_says_which_rules_want_an_app_type_and_denies_its_own_warnings() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let undocumented = WITH_MOBILE.replace("\"active\":true", "\"active\":true,\"shoe_size\":44");
    write(
        root,
        "dtlint.toml",
        "app-type = \"internal\"\npermissions = [\"mobile\"]\n",
    );
    write(root, "in/a.json", &undocumented);
    write(
        root,
        "in/strict/dtlint.toml",
        "[rules]\ndeny-warnings = true\n",
    );
    write(root, "in/strict/b.json", WITH_MOBILE);
    let (code, stdout, _) = dtlint(root, &["check", "--format", "json", "in"], None);
    // The root's warning (an undocumented member) does not fail the run.
    assert_eq!(code, 0, "{stdout}");
    let report = json(&stdout);
    assert_eq!(
        judged(&report),
        vec![finding("in/a.json", "DT107", Some("dtlint.toml"))]
    );
    assert_eq!(
        notes(&report),
        vec![
            "no app type given in in/strict/dtlint.toml: DT301, DT302, DT303 did not run for its 1 input (set app-type in it or pass --app-type internal|third-party)",
            "judged with dtlint.toml (1 input), in/strict/dtlint.toml (1 input)",
        ]
    );
    // The same warning under the profile that denies warnings fails it.
    write(root, "in/strict/b.json", &undocumented);
    let (code, stdout, _) = dtlint(root, &["check", "--format", "json", "in"], None);
    assert_eq!(code, 1, "{stdout}");
}

#[test]
fn sarif_results_name_their_profile() {
    let dir = tree();
    let (_, stdout, _) = dtlint(
        dir.path(),
        &["check", "--format", "sarif", "captures"],
        None,
    );
    let sarif = json(&stdout);
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(
        results[0]["properties"]["profile"],
        "captures/partner/dtlint.toml"
    );
    // Findings about the configuration were judged by no profile of an input.
    assert!(results[1].get("properties").is_none(), "{}", results[1]);
}

#[test]
fn an_audit_of_inputs_whose_profiles_name_different_callers_is_refused() {
    let dir = tree();
    let (code, stdout, stderr) =
        dtlint(dir.path(), &["audit", "--format", "json", "captures"], None);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stderr.contains("different callers")
            && stderr.contains("in dtlint.toml")
            && stderr.contains("in captures/partner/dtlint.toml"),
        "{stderr}"
    );
    // One folder, one caller: its own profile's.
    let (code, stdout, stderr) = dtlint(
        dir.path(),
        &["audit", "--format", "json", "captures/partner"],
        None,
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        json(&stdout)["caller"],
        "a third-party enterprise app",
        "{stdout}"
    );
}

#[test]
fn a_shard_judges_with_one_profile() {
    let dir = tree();
    let (code, _, stderr) = dtlint(dir.path(), &["check", "--partial", "captures"], None);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("judged by 2 profiles (dtlint.toml, captures/"),
        "{stderr}"
    );
    // One profile for every input: the merge names it as the single run does.
    let given = ["--profile", "dtlint.toml", "--app-type", "third-party"];
    let mut args = vec!["check", "--partial"];
    args.extend(given);
    args.push("captures");
    let (code, shard, stderr) = dtlint(dir.path(), &args, None);
    assert_eq!(code, 1, "{stderr}");
    std::fs::write(dir.path().join("shard.ndjson"), shard).expect("write");
    let mut args = vec!["merge", "--format", "json"];
    args.extend(given);
    args.push("shard.ndjson");
    let (code, merged, stderr) = dtlint(dir.path(), &args, None);
    assert_eq!(code, 1, "{stderr}");
    let mut args = vec!["check", "--format", "json"];
    args.extend(given);
    args.push("captures");
    let (_, single, _) = dtlint(dir.path(), &args, None);
    let (merged, single) = (json(&merged), json(&single));
    assert_eq!(judged(&merged), judged(&single));
    assert!(judged(&merged).contains(&finding(
        "captures/internal.json",
        "DT301",
        Some("dtlint.toml")
    )));
    assert_eq!(notes(&merged), vec!["judged with dtlint.toml"]);
}

#[test]
fn standard_input_is_judged_by_the_profile_closest_to_its_name() {
    let dir = tree();
    let named = ["check", "--format", "json", "-", "--stdin-filename"];
    let mut args = named.to_vec();
    args.push("captures/partner/piped.json");
    let (code, stdout, _) = dtlint(dir.path(), &args, Some(WITH_MOBILE.as_bytes()));
    assert_eq!(code, 1, "{stdout}");
    let report = json(&stdout);
    assert_eq!(
        judged(&report)[0],
        finding(
            "captures/partner/piped.json",
            "DT301",
            Some("captures/partner/dtlint.toml")
        )
    );
    // Unnamed, it is judged by the run's own profile.
    let (code, stdout, _) = dtlint(
        dir.path(),
        &["check", "--format", "json", "-"],
        Some(WITH_MOBILE.as_bytes()),
    );
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(notes(&json(&stdout)), vec!["judged with dtlint.toml"]);
}

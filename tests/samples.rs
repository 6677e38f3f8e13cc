//! Every bundled sample, run end to end through the binary, with a reviewed snapshot of its JSON report.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{dtlint, json, root};

/// Every `.json` under samples/, sorted.
fn sample_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root().join("samples"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.path().extension().is_some_and(|x| {
                [
                    "json", "har", "ndjson", "log", "gz", "zst", "yaml", "yml", "zip",
                ]
                .iter()
                .any(|k| x == *k)
            })
        })
        // Bodies Playwright keeps beside a HAR (`<sha1>.json`) are checked through their HAR.
        .filter(|e| {
            e.path().extension().is_some_and(|x| x == "har")
                || !e.path().components().any(|c| c.as_os_str() == "attach")
        })
        .map(|e| e.path().to_path_buf())
        .collect();
    files.sort();
    files
}

/// Runs one sample with the profile of its folder (if any) and returns the JSON report.
fn report_of(file: &Path) -> (i32, Value) {
    let relative = file
        .strip_prefix(root())
        .expect("under the repo")
        .to_string_lossy()
        .into_owned();
    let profile = file
        .parent()
        .map(|d| d.join("dtlint.toml"))
        .filter(|p| p.is_file());
    let mut args = vec!["check", "--format", "json"];
    let profile_arg;
    if let Some(profile) = &profile {
        profile_arg = profile
            .strip_prefix(root())
            .expect("under the repo")
            .to_string_lossy()
            .into_owned();
        args.extend(["--profile", &profile_arg]);
    } else {
        args.push("--no-profile");
    }
    args.push(&relative);
    let (code, stdout, stderr) = dtlint(&root(), &args, None);
    assert!(
        crate::common::besides_notes(&stderr).is_empty(),
        "{relative}: stderr {stderr}"
    );
    (code, json(&stdout))
}

#[test]
fn every_sample_report_matches_its_snapshot() {
    let files = sample_files();
    assert!(files.len() > 20, "samples are bundled");
    assert!(
        files.iter().any(|f| f.ends_with("har/chrome-devtools.har")),
        "HAR samples are bundled"
    );
    for file in files {
        let (_, report) = report_of(&file);
        let name = file
            .strip_prefix(root().join("samples"))
            .expect("under samples")
            .with_extension("")
            .to_string_lossy()
            .replace(['/', '\\'], "__");
        insta::with_settings!({ snapshot_path => root().join("tests/snapshots/samples"), prepend_module_to_snapshot => false }, {
            insta::assert_json_snapshot!(name, report);
        });
    }
}

/// The README's main command, `dtlint check samples/`: each sample is judged by the profile of
/// its folder, as `--profile` gives it alone, and the samples outside such a folder by none.
#[test]
fn checking_all_samples_judges_each_by_its_folders_profile() {
    let (code, stdout, stderr) = dtlint(&root(), &["check", "--format", "json", "samples"], None);
    assert_eq!(code, 1, "{stderr}");
    let report = json(&stdout);
    let of = |findings: &Value, source: &str| -> Vec<Value> {
        findings
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["source"] == source)
            .cloned()
            .collect()
    };
    let mut profiled = 0;
    for file in sample_files() {
        let Some(folder) = file.parent().filter(|d| d.join("dtlint.toml").is_file()) else {
            continue;
        };
        profiled += 1;
        let source = file
            .strip_prefix(root())
            .expect("under the repo")
            .to_string_lossy()
            .into_owned();
        let (_, alone) = report_of(&file);
        let found = of(&report["findings"], &source);
        assert_eq!(found, of(&alone["findings"], &source), "{source}");
        let profile = folder
            .join("dtlint.toml")
            .strip_prefix(root())
            .expect("under the repo")
            .to_string_lossy()
            .into_owned();
        assert!(
            found.iter().all(|f| f["profile"] == profile.as_str()),
            "{source}"
        );
    }
    assert!(profiled > 10, "samples are grouped by caller");
    // The internal app without permissions is told an empty email is no exposure (DT303), as
    // the sample's name says.
    assert!(
        of(
            &report["findings"],
            "samples/internal-basic/basic-empty-email-dt303-info.json"
        )
        .iter()
        .any(|f| f["rule"] == "DT303"),
        "{stdout}"
    );
    let skipped = &report["summary"]["skipped_by_reason"];
    assert_eq!(skipped["not_a_capture"], report["summary"]["skipped"]);
    let notes = report["summary"]["notes"].as_array().expect("notes");
    assert!(
        notes.iter().any(|n| n
            .as_str()
            .is_some_and(|n| n.starts_with("judged with no profile (")
                && n.contains(", samples/third-party/dtlint.toml (2 inputs)"))),
        "{notes:?}"
    );
}

fn codes(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["pointer"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn documented_example_yields_exactly_its_quirks() {
    let (code, report) = report_of(&root().join("samples/documented-example.json"));
    assert_eq!(code, 1);
    let mut found = codes(&report);
    found.sort();
    let mut expected: Vec<(String, String)> = [
        ("DT102", "/request_id"),
        ("DT201", "/result/active"),
        ("DT201", "/result/admin"),
        ("DT201", "/result/boss"),
        ("DT201", "/result/exclusive_account"),
        ("DT201", "/result/hide_mobile"),
        ("DT201", "/result/leader_in_dept/leader"),
        ("DT201", "/result/real_authed"),
        ("DT201", "/result/senior"),
        ("DT202", "/errcode"),
        ("DT202", "/result/dept_order_list/dept_id"),
        ("DT202", "/result/dept_order_list/order"),
        ("DT202", "/result/hired_date"),
        ("DT202", "/result/leader_in_dept/dept_id"),
        ("DT202", "/result/role_list/id"),
        ("DT203", "/result/dept_id_list"),
        ("DT204", "/result/dept_order_list"),
        ("DT204", "/result/leader_in_dept"),
        ("DT204", "/result/role_list"),
        ("DT204", "/result/union_emp_ext/union_emp_map_list"),
    ]
    .iter()
    .map(|(c, p)| ((*c).to_owned(), (*p).to_owned()))
    .collect();
    expected.sort();
    assert_eq!(found, expected);
    for finding in report["findings"].as_array().expect("findings") {
        // A missing member points at its parent: the body's opening brace on line 1.
        let first_line = if finding["rule"] == "DT102" { 1 } else { 2 };
        assert!(
            finding["line"].as_u64().is_some_and(|l| l >= first_line),
            "positioned: {finding}"
        );
        if finding["category"] == "doc-quirk" {
            assert!(
                finding["message"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("the page's own response example writes this field the same way"),
                "{finding}"
            );
        }
    }
}

#[test]
fn quirk_positions_point_at_the_value() {
    let text =
        std::fs::read_to_string(root().join("samples/documented-example.json")).expect("sample");
    let (_, report) = report_of(&root().join("samples/documented-example.json"));
    for finding in report["findings"].as_array().expect("findings") {
        if finding["rule"] == "DT102" {
            continue;
        }
        let line = usize::try_from(finding["line"].as_u64().expect("line")).expect("fits");
        let column = usize::try_from(finding["column"].as_u64().expect("column")).expect("fits");
        let text_line = text.lines().nth(line - 1).expect("line exists");
        let at: String = text_line.chars().skip(column - 1).collect();
        assert!(
            at.starts_with('"') || at.starts_with('{'),
            "{finding} points at {at:?}"
        );
        let key = finding["pointer"]
            .as_str()
            .expect("pointer")
            .rsplit('/')
            .next()
            .expect("key");
        assert!(
            text_line.contains(&format!("\"{key}\"")),
            "{finding} is on the line of its key: {text_line}"
        );
    }
}

#[test]
fn clean_samples_are_clean_under_their_profile() {
    for file in sample_files() {
        let folder = file.parent().expect("folder");
        if !folder.join("dtlint.toml").is_file() {
            continue;
        }
        let (code, report) = report_of(&file);
        assert_eq!(code, 0, "{}: {report:#}", file.display());
        assert_eq!(
            report["summary"]["warnings"],
            0,
            "{}: {report:#}",
            file.display()
        );
    }
}

#[test]
fn third_party_flags_every_withheld_field_of_the_samples() {
    let (code, stdout, _) = dtlint(
        &root(),
        &[
            "check",
            "--no-profile",
            "--app-type",
            "third-party",
            "--format",
            "json",
            "samples/internal-full",
        ],
        None,
    );
    assert_eq!(code, 1);
    let report = json(&stdout);
    let mut flagged: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "DT301")
        .map(|f| {
            f["pointer"]
                .as_str()
                .unwrap_or_default()
                .trim_start_matches("/result/")
                .to_owned()
        })
        .collect();
    flagged.sort();
    flagged.dedup();
    let mut withheld: Vec<String> = dtlint::api::fields::result_fields()
        .iter()
        .filter(|f| !f.withheld_from.is_empty())
        .map(|f| f.name.clone())
        .collect();
    withheld.sort();
    assert_eq!(flagged, withheld);
}

#[test]
fn samples_hold_no_real_looking_mobile_numbers() {
    for file in sample_files() {
        // Compressed samples are copies of plain ones, which are read here.
        // The zip is the attached sample's traffic recorded again, read through attach/ here.
        if file
            .extension()
            .is_some_and(|e| e == "gz" || e == "zst" || e == "zip")
        {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("sample");
        let bytes = text.as_bytes();
        for (i, window) in bytes.windows(11).enumerate() {
            let digits = window.iter().all(u8::is_ascii_digit);
            let bounded = (i == 0 || !bytes[i - 1].is_ascii_digit())
                && bytes.get(i + 11).is_none_or(|b| !b.is_ascii_digit());
            if digits
                && bounded
                && window[0] == b'1'
                && matches!(window[1], b'3' | b'5' | b'7' | b'8')
            {
                // The page's own example number is the one real-looking number allowed.
                assert!(
                    std::str::from_utf8(window) == Ok("13800138000"),
                    "{} holds a real-looking mobile number",
                    file.display()
                );
            }
        }
    }
}

#[test]
fn a_log_gives_the_findings_of_its_ndjson_form_at_the_body_in_its_line() {
    let findings = |file: &str| -> Vec<Value> {
        let (_, report) = report_of(&root().join(file));
        report["findings"].as_array().expect("findings").clone()
    };
    let log_text = std::fs::read_to_string(root().join("samples/logs/directory-sync.log"))
        .expect("the log sample");
    let plain = findings("samples/ndjson/responses.ndjson");
    let logged = findings("samples/logs/directory-sync.log");
    assert_eq!(plain.len(), logged.len());
    for (p, l) in plain.iter().zip(&logged) {
        assert_eq!((&p["rule"], &p["pointer"]), (&l["rule"], &l["pointer"]));
        // The log line holds the NDJSON line after its prefix.
        let line = log_text
            .lines()
            .nth(usize::try_from(l["entry"].as_u64().expect("entry")).expect("small"))
            .expect("the line");
        let prefix = line
            .find("{\"errcode\"")
            .map(|at| line[..at].chars().count())
            .expect("a body");
        assert_eq!(l["line"].as_u64(), l["entry"].as_u64().map(|e| e + 1));
        assert_eq!(
            l["column"].as_u64(),
            p["column"].as_u64().map(|c| c + prefix as u64),
            "{l}"
        );
    }
    let (_, report) = report_of(&root().join("samples/logs/directory-sync.log"));
    assert_eq!(
        report["summary"]["responses"],
        8 - 1,
        "the broken line is no response"
    );
    assert_eq!(
        report["summary"]["skipped_entries"], 11,
        "other lines are counted"
    );
}

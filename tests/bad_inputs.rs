//! The bad-input corpus: each file gets a reviewed snapshot of its findings; generated giants are checked too.

use dtlint::input::Limits;
use dtlint::run::{check_bytes, check_har, check_ndjson, Checked};
use dtlint::Settings;

use crate::common::{check_json, dtlint, good_input, root};

fn check_file(name: &str, bytes: &[u8]) -> Checked {
    let settings = Settings::default();
    let checked = if name.ends_with(".har") {
        check_har(bytes, &settings, Limits::default().max_size)
    } else {
        check_bytes(bytes, &settings, &Limits::default())
    };
    checked.finished(name, &settings.selection)
}

#[test]
fn every_bad_input_gets_a_clear_finding() {
    let dir = root().join("tests/fixtures/bad");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("corpus")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json") || n.ends_with(".har"))
        .collect();
    names.sort();
    assert!(names.len() >= 18, "{names:?}");
    for name in names {
        let bytes = std::fs::read(dir.join(&name)).expect("readable");
        let checked = check_file(&name, &bytes);
        let findings: Vec<serde_json::Value> = checked
            .findings
            .iter()
            .map(|f| serde_json::to_value(dtlint::report::finding_json(f)).expect("serialisable"))
            .collect();
        if name != "bom.json" {
            assert!(!findings.is_empty(), "{name} gets a finding");
        }
        insta::with_settings!({ snapshot_path => dir.clone(), prepend_module_to_snapshot => false }, {
            insta::assert_json_snapshot!(name.clone(), findings);
        });
    }
}

#[test]
fn duplicate_keys_the_last_one_wins_and_is_pointed_at() {
    let bytes =
        std::fs::read(root().join("tests/fixtures/bad/duplicate-keys.json")).expect("fixture");
    let checked = check_file("duplicate-keys.json", &bytes);
    let boss = checked
        .findings
        .iter()
        .find(|f| f.rule().code == "DT201")
        .expect("the last `boss` (\"true\") wins, as in serde_json");
    let text = String::from_utf8(bytes).expect("utf-8");
    let at = boss.position().expect("placed").offset;
    assert_eq!(&text[at..at + 6], "\"true\"");
    assert!(
        text[..at].contains("\"boss\":false"),
        "the first `boss` stands before it"
    );
}

#[test]
fn nesting_100000_deep_is_a_finding_not_a_stack_overflow() {
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    let checked = check_file("deep.json", deep.as_bytes());
    assert_eq!(checked.findings[0].rule().code, "DT001");
    assert!(checked.findings[0].message().contains("nesting"));
    let line = format!(
        "{deep}\n{}\n",
        std::fs::read_to_string(root().join("samples/internal-full/real-traffic-compact.json"))
            .expect("sample")
            .trim()
    );
    let lines = check_ndjson(line.as_bytes(), &Settings::default(), 1 << 30);
    assert_eq!(lines.tally.responses, 1, "the next line goes on");
    let har = format!("{{\"log\":{{\"entries\":[{deep}]}}}}");
    let har_checked = check_har(har.as_bytes(), &Settings::default(), 1 << 30);
    assert_eq!(har_checked.findings[0].rule().code, "DT008");
}

#[test]
fn a_50_mb_string_is_checked_and_shown_in_a_window() {
    let dir = tempfile::tempdir().expect("temp");
    let sample =
        std::fs::read_to_string(root().join("samples/internal-full/real-traffic-compact.json"))
            .expect("sample");
    let big = sample.trim().replace(
        "\"avatar\":\"\"",
        &format!(
            "\"avatar\":\"\",\"blob\":\"{}\"",
            "x".repeat(50 * 1024 * 1024)
        ),
    );
    std::fs::write(dir.path().join("big.json"), &big).expect("write");
    let (code, stdout, _) = dtlint(
        dir.path(),
        &["check", "--no-profile", "--max-size", "64M", "big.json"],
        None,
    );
    assert_eq!(code, 0, "an undocumented field is a warning");
    assert!(
        stdout.contains("DT107") && stdout.len() < 5_000,
        "{} bytes of output",
        stdout.len()
    );
    let (code, stdout, _) = dtlint(
        dir.path(),
        &[
            "check",
            "--no-profile",
            "--max-size",
            "10M",
            "--format",
            "json",
            "big.json",
        ],
        None,
    );
    assert_eq!(code, 1);
    assert!(stdout.contains("DT006"));
}

#[test]
fn a_har_cut_at_every_structural_position_reports_the_break_and_keeps_earlier_entries() {
    let text = std::fs::read_to_string(root().join("samples/har/charles.har")).expect("sample");
    let settings = Settings::default();
    let full = check_har(text.as_bytes(), &settings, 1 << 30);
    let cuts: Vec<usize> = text
        .char_indices()
        .filter(|(_, c)| matches!(c, '{' | '}' | '[' | ']' | ',' | ':' | '"'))
        .map(|(i, _)| i)
        .collect();
    assert!(cuts.len() > 300);
    for cut in cuts {
        let checked = check_har(&text.as_bytes()[..cut], &settings, 1 << 30);
        let broken = checked
            .findings
            .iter()
            .filter(|f| f.rule().code == "DT007")
            .count();
        assert_eq!(broken, 1, "cut at {cut}");
        for f in checked.findings.iter().filter(|f| f.rule().code != "DT007") {
            let kept = full.findings.iter().any(|g| {
                g.rule().code == f.rule().code
                    && g.entry() == f.entry()
                    && g.pointer() == f.pointer()
            });
            assert!(
                kept || matches!(f.rule().code, "DT001" | "DT008" | "DT009"),
                "cut at {cut}: {} {:?} {}",
                f.rule().code,
                f.entry(),
                f.pointer()
            );
        }
    }
}

#[test]
fn an_ndjson_with_no_value_is_empty_as_an_empty_json_file_is() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("empty.ndjson"), "").expect("write");
    std::fs::write(dir.path().join("blank.ndjson"), "\n  \r\n\t\n").expect("write");
    good_input(dir.path(), "good.json");
    let (code, report) = check_json(dir.path(), &["empty.ndjson", "blank.ndjson", "good.json"]);
    assert_eq!(code, 1);
    let found: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["source"].as_str().unwrap_or(""),
                f["rule"].as_str().unwrap_or(""),
            )
        })
        .collect();
    for name in ["empty.ndjson", "blank.ndjson"] {
        assert!(found.contains(&(name, "DT004")), "{name}: {found:?}");
    }
    assert!(
        found.iter().any(|(s, _)| *s == "good.json"),
        "the good input is reported"
    );
}

#[test]
fn a_long_member_name_is_not_repeated_whole_in_messages() {
    let dir = tempfile::tempdir().expect("temp dir");
    let name = "x".repeat(1 << 20);
    let body = format!(
        r#"{{"errcode":0,"errmsg":"ok","request_id":"a","result":{{"userid":"u","{name}":1}}}}"#
    );
    std::fs::write(dir.path().join("long.json"), body).expect("write");
    let (_, human, _) = dtlint(dir.path(), &["check", "--no-profile", "long.json"], None);
    assert!(
        human.len() < 20_000,
        "human output of {} bytes",
        human.len()
    );
    assert!(
        human.contains("<masked name, 1048576 chars>"),
        "the length is named"
    );
    let (_, report) = check_json(dir.path(), &["long.json"]);
    for finding in report["findings"].as_array().expect("findings") {
        assert!(finding["message"].as_str().unwrap_or("").len() < 1000);
    }
}

#[cfg(unix)]
#[test]
fn special_files_are_refused_by_name_and_counted_in_folders_and_the_run_goes_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("capture.ndjson");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    good_input(dir.path(), "good.json");
    std::os::unix::fs::symlink(dir.path().join("good.json"), dir.path().join("link.json"))
        .expect("symlink");
    // Named: refused at once (a FIFO with no writer would block the run, /dev/zero never ends).
    let (code, report) = check_json(dir.path(), &["capture.ndjson", "/dev/zero", "good.json"]);
    assert_eq!(code, 2);
    let text = report["findings"].to_string();
    assert!(
        text.contains("a FIFO (named pipe) is not a regular file"),
        "{text}"
    );
    assert!(
        text.contains("a character device is not a regular file"),
        "{text}"
    );
    assert!(text.contains("good.json"), "the good input is reported");
    // In a folder: the FIFO and the symlink are passed over and counted.
    let (_, report) = check_json(dir.path(), &["."]);
    assert_eq!(report["summary"]["inputs"], 1, "{}", report["summary"]);
    assert_eq!(report["summary"]["skipped"], 2, "{}", report["summary"]);
}

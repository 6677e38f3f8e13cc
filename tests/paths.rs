//! Paths that are not plain files (issue 15): special files named on the command line, symlinks,
//! loops and everything else passed over in folders, counted by reason and listed by --verbose.
//! Each run holds a good input whose findings must still be reported.
#![cfg(unix)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::common::{check_json, dtlint, good_input, json, root};

/// Longer than any honest run here; a run that takes it has hung.
const WATCHDOG: Duration = Duration::from_secs(60);

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo {}", path.display());
}

/// `dtlint ARGS` in `dir` with nothing on stdin, killed (by its own pid) and failed if it runs
/// past [`WATCHDOG`], so a hang fails the test instead of blocking CI.
fn dtlint_watched(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_dtlint"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dtlint starts");
    let pid = child.id();
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(child.wait_with_output());
    });
    match receive.recv_timeout(WATCHDOG) {
        Ok(output) => {
            let output = output.expect("dtlint finishes");
            (
                output.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&output.stdout).into_owned(),
                String::from_utf8_lossy(&output.stderr).into_owned(),
            )
        }
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("dtlint {args:?} still runs after {WATCHDOG:?}: it hangs");
        }
    }
}

/// The sources that have findings in a JSON report.
fn sources(report: &serde_json::Value) -> Vec<String> {
    let mut sources: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["source"].as_str().unwrap_or("").to_owned())
        .collect();
    sources.dedup();
    sources
}

/// The messages of the findings about `source`.
fn messages(report: &serde_json::Value, source: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["source"] == source)
        .map(|f| format!("{} {}", f["rule"].as_str().unwrap_or(""), f["message"]))
        .collect()
}

#[test]
fn a_fifo_named_without_read_special_is_refused_and_the_good_input_is_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    mkfifo(&dir.path().join("capture.ndjson"));
    good_input(dir.path(), "good.json");
    let (code, stdout, _) = dtlint_watched(
        dir.path(),
        &[
            "check",
            "--no-profile",
            "--format",
            "json",
            "capture.ndjson",
            "good.json",
        ],
    );
    assert_eq!(code, 2, "{stdout}");
    let report = json(&stdout);
    let refused = messages(&report, "capture.ndjson");
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(refused[0].starts_with("DT002"), "{refused:?}");
    assert!(refused[0].contains("--read-special"), "{refused:?}");
    assert!(!messages(&report, "good.json").is_empty());
}

#[test]
fn a_fifo_is_read_with_read_special_while_a_writer_writes_ndjson() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("capture.ndjson");
    mkfifo(&fifo);
    good_input(dir.path(), "good.json");
    let lines = std::fs::read(root().join("samples/ndjson/responses.ndjson")).expect("sample");
    // The writer's open waits for dtlint's; should dtlint never open the FIFO, this thread stays
    // blocked and the assertions below fail.
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let mut pipe = std::fs::OpenOptions::new()
            .write(true)
            .open(&fifo)
            .expect("open the FIFO for writing");
        for line in lines.split_inclusive(|b| *b == b'\n') {
            pipe.write_all(line).expect("write a line");
        }
    });
    let (code, stdout, _) = dtlint_watched(
        dir.path(),
        &[
            "check",
            "--no-profile",
            "--format",
            "json",
            "--read-special",
            "capture.ndjson",
            "good.json",
        ],
    );
    let report = json(&stdout);
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(sources(&report), ["capture.ndjson", "good.json"]);
    // The sample's 7 responses and its broken line (DT001), as from a file, and good.json's one.
    assert_eq!(report["summary"]["inputs"], 2);
    assert_eq!(report["summary"]["responses"], 8, "{}", report["summary"]);
    assert!(messages(&report, "capture.ndjson")
        .iter()
        .any(|m| m.starts_with("DT001")));
    writer.join().expect("the writer ends");
}

#[test]
fn a_fifo_with_no_writer_does_not_hang_the_run_with_read_special() {
    let dir = tempfile::tempdir().expect("temp dir");
    mkfifo(&dir.path().join("capture.ndjson"));
    good_input(dir.path(), "good.json");
    let (code, stdout, _) = dtlint_watched(
        dir.path(),
        &[
            "check",
            "--no-profile",
            "--format",
            "json",
            "--read-special",
            "capture.ndjson",
            "good.json",
        ],
    );
    assert_eq!(code, 2, "{stdout}");
    let report = json(&stdout);
    let given_up = messages(&report, "capture.ndjson");
    assert_eq!(given_up.len(), 1, "{given_up:?}");
    assert!(
        given_up[0].starts_with("DT002")
            && given_up[0].contains("no writer opened the FIFO within"),
        "{given_up:?}"
    );
    assert!(!messages(&report, "good.json").is_empty());
}

#[test]
fn dev_null_is_read_as_a_character_device_with_read_special() {
    let dir = tempfile::tempdir().expect("temp dir");
    good_input(dir.path(), "good.json");
    let args = ["/dev/null", "good.json"];
    // Without the flag: refused as a device.
    let (code, report) = check_json(dir.path(), &args);
    assert_eq!(code, 2);
    let refused = messages(&report, "/dev/null");
    assert!(
        refused[0].contains("a character device is not a regular file"),
        "{refused:?}"
    );
    // With it: read, as JSON (no extension, --stdin-format's default), and empty.
    let (code, report) = check_json(dir.path(), &["--read-special", args[0], args[1]]);
    assert_eq!(code, 1, "{report}");
    let read = messages(&report, "/dev/null");
    assert_eq!(read.len(), 1, "{read:?}");
    assert!(read[0].starts_with("DT004"), "{read:?}");
    assert!(!messages(&report, "good.json").is_empty());
}

#[test]
fn a_pipe_named_by_path_is_read_as_a_stream_with_read_special() {
    // `dtlint check <(cmd)` names /dev/fd/N, a pipe; /dev/stdin is the same kind of name.
    let dir = tempfile::tempdir().expect("temp dir");
    good_input(dir.path(), "good.json");
    let lines = std::fs::read(root().join("samples/ndjson/responses.ndjson")).expect("sample");
    let (code, stdout, stderr) = dtlint(
        dir.path(),
        &[
            "check",
            "--no-profile",
            "--format",
            "json",
            "--read-special",
            "--stdin-format",
            "ndjson",
            "/dev/stdin",
            "good.json",
        ],
        Some(&lines),
    );
    assert_eq!(code, 1, "{stdout}{stderr}");
    let report = json(&stdout);
    assert_eq!(sources(&report), ["/dev/stdin", "good.json"]);
    assert_eq!(report["summary"]["responses"], 8, "{}", report["summary"]);
}

/// A folder with one of each kind of path passed over, and good.json.
fn mixed_folder() -> tempfile::TempDir {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path().join("d");
    std::fs::create_dir_all(d.join(".cache")).expect("mkdir");
    std::fs::create_dir_all(d.join("node_modules")).expect("mkdir");
    good_input(&d, "good.json");
    good_input(&d.join(".cache"), "cached.json");
    good_input(&d.join("node_modules"), "dep.json");
    good_input(&d, "old.json");
    good_input(&d, ".hidden.json");
    std::fs::write(d.join("notes.txt"), "not a capture").expect("write");
    mkfifo(&d.join("stream.ndjson"));
    symlink("good.json", d.join("link.json")).expect("symlink");
    symlink(".", d.join("loop")).expect("symlink");
    symlink("missing.json", d.join("broken.json")).expect("symlink");
    symlink("b.json", d.join("a.json")).expect("symlink");
    symlink("a.json", d.join("b.json")).expect("symlink");
    dir
}

#[test]
fn everything_passed_over_in_a_folder_is_counted_by_reason() {
    let dir = mixed_folder();
    let (code, report) = check_json(dir.path(), &["--exclude", "old.json", "d"]);
    assert_eq!(
        code, 1,
        "loops and links are not unreadable inputs: {report}"
    );
    assert_eq!(sources(&report), ["d/good.json"]);
    let summary = &report["summary"];
    assert_eq!(
        summary["skipped_by_reason"],
        serde_json::json!({
            "symlink": 5, "special_file": 1, "hidden": 2, "excluded": 2,
            "not_a_capture": 1, "symlink_loop": 0, "broken_symlink": 0
        }),
        "{summary}"
    );
    assert_eq!(summary["skipped"], 11);
    let (_, stdout, _) = dtlint(
        dir.path(),
        &[
            "check",
            "--no-profile",
            "--output-format",
            "concise",
            "--exclude",
            "old.json",
            "d",
        ],
        None,
    );
    assert!(
        stdout.contains(
            "in 1 input, 11 paths skipped (5 symlink, 2 hidden, 2 excluded, 1 special file, \
             1 not a capture): "
        ),
        "{stdout}"
    );
}

#[test]
fn follow_reads_links_and_counts_loops_and_broken_links() {
    let dir = mixed_folder();
    let (code, stdout, _) = dtlint_watched(
        dir.path(),
        &[
            "check",
            "--no-profile",
            "--format",
            "json",
            "--follow",
            "--exclude",
            "old.json",
            "d",
        ],
    );
    let report = json(&stdout);
    assert_eq!(
        code, 1,
        "loops and links are not unreadable inputs: {report}"
    );
    assert_eq!(sources(&report), ["d/good.json", "d/link.json"]);
    let summary = &report["summary"];
    // `loop -> .` is an ancestor; `a.json -> b.json -> a.json` never resolves.
    assert_eq!(
        summary["skipped_by_reason"],
        serde_json::json!({
            "symlink": 0, "special_file": 1, "hidden": 2, "excluded": 2,
            "not_a_capture": 1, "symlink_loop": 3, "broken_symlink": 1
        }),
        "{summary}"
    );
    assert_eq!(summary["skipped"], 10);
}

#[test]
fn verbose_lists_each_path_passed_over_on_stderr_in_order() {
    let dir = mixed_folder();
    let mut args = vec![
        "check",
        "--no-profile",
        "--format",
        "json",
        "--exclude",
        "old.json",
        "d",
    ];
    let (_, stdout, stderr) = dtlint(dir.path(), &args, None);
    assert!(!stderr.contains("skipped"), "{stderr}");
    json(&stdout);
    args.push("--verbose");
    let (code, stdout, stderr) = dtlint(dir.path(), &args, None);
    assert_eq!(code, 1);
    // The report on stdout is whole and holds no listing.
    assert_eq!(sources(&json(&stdout)), ["d/good.json"]);
    assert_eq!(
        crate::common::besides_notes(&stderr)
            .lines()
            .collect::<Vec<_>>(),
        [
            "dtlint: skipped d/.cache (hidden)",
            "dtlint: skipped d/.hidden.json (hidden)",
            "dtlint: skipped d/a.json (symlink)",
            "dtlint: skipped d/b.json (symlink)",
            "dtlint: skipped d/broken.json (symlink)",
            "dtlint: skipped d/link.json (symlink)",
            "dtlint: skipped d/loop (symlink)",
            "dtlint: skipped d/node_modules (excluded)",
            "dtlint: skipped d/notes.txt (not a capture)",
            "dtlint: skipped d/old.json (excluded)",
            "dtlint: skipped d/stream.ndjson (special file)",
        ]
    );
    args.push("-L");
    let (_, _, stderr) = dtlint_watched(dir.path(), &args);
    assert!(
        stderr.contains("dtlint: skipped d/loop (symlink loop)\n")
            && stderr.contains("dtlint: skipped d/a.json (symlink loop)\n")
            && stderr.contains("dtlint: skipped d/broken.json (broken symlink)\n"),
        "{stderr}"
    );
}

#[test]
fn globs_match_relative_to_the_folder_walked_and_an_excluded_folder_counts_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    for sub in ["captures/x", "old/y"] {
        std::fs::create_dir_all(dir.path().join(sub)).expect("mkdir");
    }
    good_input(&dir.path().join("captures/x"), "good.json");
    good_input(&dir.path().join("old/y"), "a.json");
    good_input(&dir.path().join("old"), "b.json");
    good_input(dir.path(), "top.json");
    // `.` walks `./captures/x/good.json`: the glob is read from the folder walked, as in ripgrep.
    let (code, report) = check_json(
        dir.path(),
        &["--glob", "captures/**/*.json", "--exclude", "old", "."],
    );
    assert_eq!(code, 1, "{report}");
    assert_eq!(sources(&report), ["./captures/x/good.json"]);
    // `old` (with its two files) counts once, `top.json` is not matched by --glob.
    assert_eq!(report["summary"]["skipped_by_reason"]["excluded"], 2);
    assert_eq!(report["summary"]["skipped"], 2);
}

//! Findings stream out as inputs are read: the same bytes whatever the thread count, memory
//! held down by a slow reader, complete lines after Ctrl-C, a closed pipe is no error.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[cfg(target_os = "linux")]
use crate::common::peak_kib;
use crate::common::root;

/// One body of an internal app with both Contacts permissions, on one line: checked as a
/// third-party app it has nine findings.
fn heavy_line() -> String {
    let path = root().join("samples/internal-full/full-profile-pretty.json");
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("sample")).expect("json");
    let mut line = value.to_string();
    line.push('\n');
    line
}

const THIRD_PARTY: [&str; 4] = ["check", "--no-profile", "--app-type", "third-party"];

fn spawn(dir: &Path, args: &[&str], threads: &str, stdin: Stdio) -> Child {
    Command::new(env!("CARGO_BIN_EXE_dtlint"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("RAYON_NUM_THREADS", threads)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dtlint starts")
}

/// Kills `pid` after `seconds`, so a hung dtlint fails its test instead of hanging the suite.
fn watchdog(pid: u32, seconds: u64) {
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(seconds));
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
    });
}

fn output(dir: &Path, args: &[&str], threads: &str) -> (Option<i32>, Vec<u8>) {
    let out = spawn(dir, args, threads, Stdio::null())
        .wait_with_output()
        .expect("dtlint ends");
    (out.status.code(), out.stdout)
}

#[test]
fn every_format_prints_the_same_bytes_whatever_the_thread_count() {
    let dir = tempfile::tempdir().expect("temp dir");
    // More lines than one batch, and many small files: both reorder windows are crossed.
    std::fs::write(dir.path().join("many.ndjson"), heavy_line().repeat(600)).expect("write");
    let files = dir.path().join("files");
    std::fs::create_dir(&files).expect("dir");
    let line = heavy_line();
    for i in 0..300 {
        let body = if i % 7 == 0 { "{\"errcode\":" } else { &line };
        std::fs::write(files.join(format!("r{i:03}.json")), body).expect("write");
    }
    let samples = root().join("samples");
    let samples = samples.to_str().expect("utf-8 path");
    for format in [
        "human", "json", "ndjson", "sarif", "junit", "github", "markdown",
    ] {
        for extra in [
            &[][..],
            &["--statistics"][..],
            &["--output-format", "concise"][..],
        ] {
            if !extra.is_empty()
                && format != "human"
                && !(format == "json" && extra[0] == "--statistics")
            {
                continue;
            }
            let mut args = THIRD_PARTY.to_vec();
            args.extend(["--format", format, "many.ndjson", "files", samples]);
            args.extend(extra);
            let one = output(dir.path(), &args, "1");
            let three = output(dir.path(), &args, "3");
            assert_eq!(one.0, Some(1), "{format} {extra:?}: findings at error");
            assert!(one.1.len() > 1000, "{format} {extra:?}: a report");
            assert!(
                one.1 == three.1,
                "{format} {extra:?}: the output differs between 1 and 3 threads"
            );
        }
    }
}

/// Reads lines from `stdout` on a thread, so a test can wait for them with a time-out.
fn lines_of(stdout: impl Read + Send + 'static) -> std::sync::mpsc::Receiver<String> {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}

/// dtlint reading NDJSON from a pipe and writing NDJSON, as a third-party app, with its input.
fn live_ndjson(dir: &Path) -> (Child, std::process::ChildStdin) {
    let mut args = THIRD_PARTY.to_vec();
    args.extend(["--format", "ndjson", "--stdin-format", "ndjson", "-"]);
    let mut child = spawn(dir, &args, "2", Stdio::piped());
    watchdog(child.id(), 120);
    let stdin = child.stdin.take().expect("stdin");
    (child, stdin)
}

#[test]
fn findings_come_out_while_the_input_is_still_open() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut child, mut stdin) = live_ndjson(dir.path());
    let lines = lines_of(child.stdout.take().expect("stdout"));
    // Far fewer lines than a batch, then the input stays open, as a live capture's does.
    stdin
        .write_all(heavy_line().repeat(3).as_bytes())
        .expect("write");
    stdin.flush().expect("flush");
    let first = lines.recv_timeout(Duration::from_secs(60));
    assert!(
        first.is_ok(),
        "no finding came out while the input was open"
    );
    assert!(child.try_wait().expect("status").is_none(), "still reading");
    // Then a burst of several batches: nothing is lost or reordered on the way.
    stdin
        .write_all(heavy_line().repeat(1100).as_bytes())
        .expect("write");
    drop(stdin);
    let status = child.wait().expect("ends");
    assert_eq!(status.code(), Some(1));
    let mut rest: Vec<String> = lines.iter().collect();
    let summary: serde_json::Value =
        serde_json::from_str(&rest.pop().expect("the summary")).expect("json");
    assert_eq!(summary["type"], "summary");
    let counted: u64 = ["errors", "warnings", "infos"]
        .iter()
        .map(|k| summary[k].as_u64().expect("a count"))
        .sum();
    assert_eq!(counted, 1103 * 9, "counted in the summary");
    assert_eq!(1 + rest.len(), 1103 * 9, "every finding");
    let entries: Vec<u64> = rest
        .iter()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("json")["entry"]
                .as_u64()
                .expect("entry")
        })
        .collect();
    assert!(entries.windows(2).all(|w| w[0] <= w[1]), "in entry order");
}

/// CPU time a process has used so far, in clock ticks (Linux).
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

#[cfg(target_os = "linux")]
#[test]
fn a_reader_that_does_not_keep_up_holds_the_run_back_instead_of_its_memory() {
    let dir = tempfile::tempdir().expect("temp dir");
    // 8,000 responses, 72,000 findings: held until the end, they would take over 60 MB.
    let input = dir.path().join("heavy.ndjson");
    std::fs::write(&input, heavy_line().repeat(8000)).expect("write");
    let mut args = THIRD_PARTY.to_vec();
    args.extend(["--format", "json", "--stdin-format", "ndjson", "-"]);
    let file = std::fs::File::open(&input).expect("open");
    let mut child = spawn(dir.path(), &args, "2", Stdio::from(file));
    let pid = child.id();
    watchdog(pid, 240);
    // Read nothing until the process stops using CPU: blocked on the full pipe (or done).
    let start = Instant::now();
    let mut last = cpu_ticks(pid);
    loop {
        std::thread::sleep(Duration::from_millis(700));
        let now = cpu_ticks(pid);
        if now == last || start.elapsed() > Duration::from_secs(120) {
            break;
        }
        last = now;
    }
    let peak = peak_kib(pid).expect("the process is there");
    assert!(
        child.try_wait().expect("status").is_none(),
        "dtlint finished although nobody read its report"
    );
    let mut report = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut report)
        .expect("read");
    assert_eq!(child.wait().expect("ends").code(), Some(1));
    let report: serde_json::Value = serde_json::from_str(&report).expect("one JSON document");
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(72_000));
    assert!(peak < 60 * 1024, "peak RSS {peak} KiB while blocked");
}

#[cfg(unix)]
#[test]
fn ctrl_c_ends_the_report_on_a_whole_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut child, mut stdin) = live_ndjson(dir.path());
    let mut stdout = child.stdout.take().expect("stdout");
    let line = heavy_line();
    // Keep the input coming until dtlint has stopped, as a live capture would.
    let feeder = std::thread::spawn(move || {
        let chunk = line.repeat(200);
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(120) {
            if stdin.write_all(chunk.as_bytes()).is_err() {
                break;
            }
        }
    });
    let mut seen = vec![0u8; 1 << 16];
    let mut report = Vec::new();
    let n = stdout.read(&mut seen).expect("some output");
    report.extend_from_slice(&seen[..n]);
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(kill.success());
    stdout.read_to_end(&mut report).expect("the rest");
    let status = child.wait().expect("ends");
    feeder.join().expect("feeder");
    assert_eq!(status.code(), Some(130), "interrupted");
    assert!(report.ends_with(b"\n"), "the last line is whole");
    for line in String::from_utf8(report).expect("utf-8").lines() {
        serde_json::from_str::<serde_json::Value>(line)
            .unwrap_or_else(|e| panic!("a broken line ({e}): {line}"));
    }
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("heavy.ndjson");
    std::fs::write(&input, heavy_line().repeat(3000)).expect("write");
    let mut args = THIRD_PARTY.to_vec();
    args.extend(["--format", "ndjson", "heavy.ndjson"]);
    let mut child = spawn(dir.path(), &args, "2", Stdio::null());
    watchdog(child.id(), 120);
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("a line");
    assert!(first.contains("\"rule\""), "{first}");
    // The reader goes away after one line: dtlint stops and says nothing.
    let out = child.wait_with_output().expect("ends");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

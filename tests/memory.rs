//! Every read is bounded before it is buffered: a gigabyte on stdin, a 300 MB line and an endless
//! line keep dtlint under 100 MB, and the good lines around them are still reported. Memory is
//! the process's own high-water mark (`DTLINT_PEAK_MEMORY`), not a timing.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::root;

const LIMIT_KIB: u64 = 100 * 1024;

/// What one run gave: exit code, findings by line (entry), stderr, peak memory in KiB.
struct Run {
    code: i32,
    findings: Vec<serde_json::Value>,
    stderr: String,
    peak_kib: u64,
}

/// Runs `dtlint check --format ndjson ARGS -` (stdin as NDJSON unless ARGS say otherwise) with `write` feeding stdin on its own thread,
/// and kills it (failing the test) if it runs past `within`.
fn run_fed(args: &[&str], within: Duration, write: impl FnOnce(&mut dyn Write) + Send) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dtlint"))
        .args(["check", "--no-profile", "--format", "ndjson"])
        .args(args)
        .args(if args.contains(&"--stdin-format") {
            &[][..]
        } else {
            &["--stdin-format", "ndjson"][..]
        })
        .arg("-")
        .current_dir(root())
        .env("DTLINT_PEAK_MEMORY", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dtlint starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    std::thread::scope(|scope| {
        scope.spawn(move || write(&mut stdin));
        let out = scope.spawn(move || {
            let mut text = String::new();
            stdout.read_to_string(&mut text).expect("read stdout");
            text
        });
        let err = scope.spawn(move || {
            let mut text = String::new();
            stderr.read_to_string(&mut text).expect("read stderr");
            text
        });
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            if started.elapsed() > within {
                let _ = child.kill();
                panic!("dtlint still running after {within:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let stdout = out.join().expect("stdout thread");
        let stderr = err.join().expect("stderr thread");
        let peak_kib = stderr
            .lines()
            .find_map(|l| l.strip_prefix("dtlint: peak memory "))
            .and_then(|l| l.strip_suffix(" KiB"))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no peak memory line in stderr: {stderr}"));
        // For the record (`--nocapture`): the figure each test holds under the limit.
        record(&format!("{args:?}: peak memory {peak_kib} KiB"));
        Run {
            code: status.code().unwrap_or(-1),
            findings: {
                let mut records: Vec<serde_json::Value> = stdout
                    .lines()
                    .map(|l| serde_json::from_str(l).expect("an NDJSON record"))
                    .collect();
                // The stream ends with the run's summary, the one record with a type.
                let summary = records.pop().expect("a summary record");
                assert_eq!(summary["type"], "summary", "{summary}");
                assert!(records.iter().all(|r| r.get("type").is_none()));
                records
            },
            stderr,
            peak_kib,
        }
    })
}

#[allow(clippy::print_stdout)]
fn record(line: &str) {
    println!("{line}");
}

/// A one-line answer whose `boss` is quoted: one DT201-family finding at `/result/boss`.
fn defective_line() -> String {
    r#"{"errcode":0,"errmsg":"ok","request_id":"16lzmj9nqoklx","result":{"userid":"10000000000000001","unionid":"vQR2XiEiE","name":"张三","boss":"true"}}"#
        .to_owned()
        + "\n"
}

/// A valid one-line answer whose `remark` is `size` bytes of text.
fn big_line(size: usize) -> Vec<u8> {
    let mut line = r#"{"errcode":0,"errmsg":"ok","request_id":"16lzmj9nqoklx","result":{"userid":"10000000000000001","unionid":"vQR2XiEiE","name":"张三","remark":""#
        .as_bytes()
        .to_vec();
    line.resize(line.len() + size, b'a');
    line.extend_from_slice(b"\"}}\n");
    line
}

/// Findings at `pointer` with rule `code`.
fn count(findings: &[serde_json::Value], code: &str, pointer: &str) -> usize {
    findings
        .iter()
        .filter(|f| f["rule"] == code && f["pointer"] == pointer)
        .count()
}

fn boss_rule() -> String {
    let run = run_fed(&[], Duration::from_secs(60), |w| {
        let _ = w.write_all(defective_line().as_bytes());
    });
    assert_eq!(run.findings.len(), 1, "{:?}", run.findings);
    assert_eq!(run.findings[0]["pointer"], "/result/boss");
    run.findings[0]["rule"].as_str().expect("a code").to_owned()
}

#[test]
fn a_gigabyte_stream_on_stdin_stays_under_100_mb_and_every_line_is_reported() {
    // 256 rounds of a 4 MiB valid line and a small defective one, then a 9 MiB line over the
    // default limit of 8 MiB and a last defective line: 1 GiB in all. The big lines fill the
    // in-flight budget; without it, 512 of them would be held at once.
    let boss = boss_rule();
    let big = big_line(4 << 20);
    let small = defective_line();
    let rounds = 256;
    let run = run_fed(&[], Duration::from_secs(600), |w| {
        for _ in 0..rounds {
            if w.write_all(&big).is_err() || w.write_all(small.as_bytes()).is_err() {
                return;
            }
        }
        let _ = w.write_all(&big_line(9 << 20));
        let _ = w.write_all(small.as_bytes());
    });
    assert!(
        run.peak_kib < LIMIT_KIB,
        "peak {} KiB for 1 GiB on stdin",
        run.peak_kib
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(count(&run.findings, &boss, "/result/boss"), rounds + 1);
    let too_large: Vec<_> = run
        .findings
        .iter()
        .filter(|f| f["rule"] == "DT006")
        .collect();
    assert_eq!(too_large.len(), 1, "{too_large:?}");
    assert_eq!(too_large[0]["entry"], rounds * 2);
    assert_eq!(run.findings.len(), rounds + 2, "nothing else is reported");
}

#[test]
fn a_300_mb_line_is_skipped_without_being_held() {
    let boss = boss_rule();
    let small = defective_line();
    let run = run_fed(&[], Duration::from_secs(300), |w| {
        let _ = w.write_all(small.as_bytes());
        let chunk = vec![b'a'; 1 << 20];
        if w.write_all(br#"{"remark":""#).is_err() {
            return;
        }
        for _ in 0..300 {
            if w.write_all(&chunk).is_err() {
                return;
            }
        }
        let _ = w.write_all(b"\"}\n");
        let _ = w.write_all(small.as_bytes());
    });
    assert!(
        run.peak_kib < LIMIT_KIB,
        "peak {} KiB for a 300 MB line",
        run.peak_kib
    );
    assert_eq!(count(&run.findings, &boss, "/result/boss"), 2);
    let too_large: Vec<_> = run
        .findings
        .iter()
        .filter(|f| f["rule"] == "DT006")
        .collect();
    assert_eq!(too_large.len(), 1, "{too_large:?}");
    assert_eq!(too_large[0]["entry"], 1);
    assert_eq!(too_large[0]["line"], 2);
    let message = too_large[0]["message"].as_str().expect("a message");
    assert!(
        message.contains(&((300 << 20) + 14).to_string()) && message.contains("8388608"),
        "names the size and the limit: {message}"
    );
    // The line after the long one starts where it should.
    let last = run
        .findings
        .iter()
        .find(|f| f["entry"] == 2)
        .expect("line 3");
    assert_eq!(last["line"], 3);
}

#[test]
fn an_endless_body_on_stdin_stops_at_the_limit() {
    // No newline, no end: as one JSON body it is read up to the limit and no further; dtlint
    // ends while the writer still has most of its gigabyte to go.
    let run = run_fed(&["--stdin-format", "json"], Duration::from_secs(120), |w| {
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..1024 {
            if w.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    assert!(run.peak_kib < LIMIT_KIB, "peak {} KiB", run.peak_kib);
    assert_eq!(run.findings.len(), 1, "{:?}", run.findings);
    assert_eq!(run.findings[0]["rule"], "DT006");
    assert_eq!(run.code, 1);
}

#[test]
fn a_body_of_too_many_values_is_refused_with_its_position_and_the_run_goes_on() {
    let boss = boss_rule();
    let small = defective_line();
    let mut many = b"{\"result\":[".to_vec();
    for _ in 0..150_000 {
        many.extend_from_slice(b"[],");
    }
    many.extend_from_slice(b"[]]}\n");
    let run = run_fed(&[], Duration::from_secs(120), |w| {
        let _ = w.write_all(small.as_bytes());
        let _ = w.write_all(&many);
        let _ = w.write_all(small.as_bytes());
    });
    assert_eq!(count(&run.findings, &boss, "/result/boss"), 2);
    let refused: Vec<_> = run
        .findings
        .iter()
        .filter(|f| f["rule"] == "DT006")
        .collect();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0]["entry"], 1);
    assert!(
        refused[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("50000 JSON values")),
        "{refused:?}"
    );
    // Stopped at the value that went over the budget: 11 bytes of prefix, 3 per value.
    let column = refused[0]["column"].as_u64().expect("a column");
    assert!((149_990..150_030).contains(&column), "column {column}");
}

/// One HAR entry of a user/get call answered with `body`.
fn har_entry(body: &str) -> String {
    serde_json::json!({
        "startedDateTime": "2025-06-02T08:11:40.112Z", "time": 1,
        "request": {"method": "POST", "url": "https://oapi.dingtalk.com/topapi/v2/user/get?access_token=x",
            "httpVersion": "HTTP/1.1", "headers": [], "queryString": [], "cookies": [],
            "headersSize": -1, "bodySize": -1,
            "postData": {"mimeType": "application/json", "text": "{\"userid\":\"10000000000000001\"}"}},
        "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": [],
            "cookies": [], "content": {"size": body.len(), "mimeType": "application/json", "text": body},
            "redirectURL": "", "headersSize": -1, "bodySize": -1},
        "cache": {}, "timings": {"send": 0, "wait": 0, "receive": 0}})
    .to_string()
}

#[test]
fn a_har_of_large_entries_on_stdin_stays_under_100_mb() {
    // 100 rounds of an entry answered with a 4 MiB body and one with a defective body: 400 MB
    // of HAR, whose entries wait in batches between the reading and the checking threads.
    let boss = boss_rule();
    let big = String::from_utf8(big_line(4 << 20)).expect("UTF-8");
    let big = har_entry(big.trim_end());
    let small = har_entry(defective_line().trim_end());
    let rounds = 100;
    let run = run_fed(&["--stdin-format", "har"], Duration::from_secs(300), |w| {
        let head = r#"{"log":{"version":"1.2","creator":{"name":"test","version":"1"},"entries":["#;
        if w.write_all(head.as_bytes()).is_err() {
            return;
        }
        for round in 0..rounds {
            let sep = if round == 0 { "" } else { "," };
            for entry in [&big, &small] {
                let sep = if std::ptr::eq(entry, &big) { sep } else { "," };
                if w.write_all(sep.as_bytes()).is_err() || w.write_all(entry.as_bytes()).is_err() {
                    return;
                }
            }
        }
        let _ = w.write_all(b"]}}");
    });
    assert!(
        run.peak_kib < LIMIT_KIB,
        "peak {} KiB for 400 MB of HAR",
        run.peak_kib
    );
    assert_eq!(count(&run.findings, &boss, "/result/boss"), rounds);
    assert!(
        run.findings.iter().all(|f| f["rule"] == boss.as_str()),
        "nothing else: {:?}",
        run.findings.iter().find(|f| f["rule"] != boss.as_str())
    );
}

#[test]
fn a_body_with_tens_of_thousands_of_findings_is_placed_in_bounded_memory() {
    // 20,000 undocumented members and 8,000 departments missing from `dept_id_list`: one
    // finding each, all held until the body is placed. Placing them walks on from where the
    // last walk stopped (it once started from the body's start each time); the places must
    // still be right.
    let mut result = serde_json::Map::new();
    for (key, value) in [
        ("userid", "10000000000000001"),
        ("unionid", "vQR2XiEiE"),
        ("name", "n"),
    ] {
        result.insert(key.into(), value.into());
    }
    // Five digits: a name with a run of seven is value-shaped (a phone number) and masked.
    for i in 0..20_000 {
        result.insert(format!("k{i:05}"), "".into());
    }
    result.insert("dept_id_list".into(), serde_json::json!([1]));
    let order: Vec<_> = (2..8_002)
        .map(|i| serde_json::json!({"dept_id": i, "order": i}))
        .collect();
    result.insert("dept_order_list".into(), order.into());
    let body = serde_json::json!({"errcode": 0, "errmsg": "ok", "request_id": "16lzmj9nqoklx", "result": result});
    let line = body.to_string() + "\n";
    let small = defective_line();
    let boss = boss_rule();
    let run = run_fed(&[], Duration::from_secs(120), |w| {
        let _ = w.write_all(small.as_bytes());
        let _ = w.write_all(line.as_bytes());
        let _ = w.write_all(small.as_bytes());
    });
    assert!(run.peak_kib < LIMIT_KIB, "peak {} KiB", run.peak_kib);
    assert_eq!(count(&run.findings, &boss, "/result/boss"), 2);
    let missing: Vec<_> = run
        .findings
        .iter()
        .filter(|f| f["rule"] == "DT501")
        .collect();
    assert_eq!(missing.len(), 8_000);
    // Placed where the item is: item 7,999's `dept_id` is on the one line, past item 0's.
    let column = |f: &serde_json::Value| f["column"].as_u64().expect("a column");
    let last = missing
        .iter()
        .find(|f| f["pointer"] == "/result/dept_order_list/7999/dept_id")
        .expect("the last item's finding");
    let first = missing
        .iter()
        .find(|f| f["pointer"] == "/result/dept_order_list/0/dept_id")
        .expect("the first item's finding");
    assert!(column(last) > column(first));
    let at = usize::try_from(column(last)).expect("fits") - 1;
    assert!(line[at..].starts_with("8001"), "{}", &line[at..at + 20]);
    let undocumented = run
        .findings
        .iter()
        .filter(|f| {
            f["pointer"]
                .as_str()
                .is_some_and(|p| p.starts_with("/result/k"))
        })
        .count();
    assert_eq!(undocumented, 20_000);
}

//! `dtlint mock` and `dtlint proxy` as an attacker or a careless client would try them, over
//! loopback only: slow heads, slow bodies, clients that never read, idle connections, each at
//! twice the connection limit while another client must still be answered within 2 s; the
//! deadlines that close them, counted; compressed bombs and limit-sized bodies under 100 MB of
//! peak memory (the process's own VmHWM); request targets as RFC 9112 reads them. Every
//! attacker loop is bounded in count and time. The figures go to standard error (run with
//! `--nocapture` to read them).
#![allow(clippy::print_stderr)]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::live::{call, canned_upstream, client, mock_behind_proxy, runtime, user_get, Server};

/// The connection limit the stall tests use; attackers come at twice it.
const LIMIT: usize = 8;
/// How soon another client must be answered while the attack goes on.
const ANSWERED_WITHIN: Duration = Duration::from_secs(2);

/// `dtlint mock` of five generated users on a free port, with `extra` flags.
fn start_mock(dir: &Path, extra: &[&str]) -> Server {
    let mut args = vec!["mock", "--listen", "127.0.0.1:0", "--generate", "5"];
    args.extend_from_slice(extra);
    Server::start(dir, &args)
}

/// `dtlint proxy` to `upstream` on a free port, without a profile, with `extra` flags.
fn start_proxy(dir: &Path, upstream: &str, extra: &[&str]) -> Server {
    let mut args = vec![
        "proxy",
        "--upstream",
        upstream,
        "--listen",
        "127.0.0.1:0",
        "--no-profile",
    ];
    args.extend_from_slice(extra);
    Server::start(dir, &args)
}

/// The process's peak resident memory, in KiB.
fn peak_kib(server: &Server) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id()))
        .expect("the server's /proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

fn connect(address: &str) -> TcpStream {
    let stream = TcpStream::connect(address).expect("connect");
    stream
        .set_write_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    stream
}

/// How an attacker holds a connection.
#[derive(Debug, Clone, Copy)]
enum Stall {
    /// A request head, one byte every 300 ms.
    SlowHead,
    /// A head announcing a megabyte, then one byte a second.
    SlowBody,
    /// Pipelined requests written without ever reading an answer.
    NeverReads,
    /// A complete exchange, then silence on the kept-alive connection.
    Idle,
}

/// One attacker: holds connections as `stall` says, reconnecting when closed, until `stop`
/// (and never past 30 s).
fn attack(address: String, stall: Stall, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let started = Instant::now();
        let over = || stop.load(Ordering::Relaxed) || started.elapsed() > Duration::from_secs(30);
        while !over() {
            let Ok(mut stream) = TcpStream::connect(&address) else {
                std::thread::sleep(Duration::from_millis(50));
                continue;
            };
            let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
            let _ = stream.set_read_timeout(Some(Duration::from_millis(300)));
            match stall {
                Stall::SlowHead => {
                    for byte in b"POST /topapi/v2/user/get HTTP/1.1\r\nHost: x\r\n"
                        .iter()
                        .cycle()
                    {
                        if over() || stream.write_all(&[*byte]).is_err() {
                            break;
                        }
                        std::thread::sleep(Duration::from_millis(300));
                    }
                }
                Stall::SlowBody => {
                    let head = "POST /topapi/v2/user/get?access_token=t HTTP/1.1\r\nHost: x\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 1000000\r\n\r\n";
                    if stream.write_all(head.as_bytes()).is_ok() {
                        while !over() && stream.write_all(b"a").is_ok() {
                            std::thread::sleep(Duration::from_secs(1));
                        }
                    }
                }
                Stall::NeverReads => {
                    let request = b"POST /topapi/v2/user/get?access_token=t HTTP/1.1\r\nHost: x\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 9\r\n\r\nuserid=u1";
                    let mut sent = 0;
                    while !over() && sent < 40_000 && stream.write_all(request).is_ok() {
                        sent += 1;
                    }
                    while !over() {
                        std::thread::sleep(Duration::from_millis(100));
                        // Still open? A write fails once the server has closed.
                        if stream.write_all(request).is_err() {
                            break;
                        }
                    }
                }
                Stall::Idle => {
                    let request = b"GET /gettoken?appkey=k&appsecret=s HTTP/1.1\r\nHost: x\r\n\r\n";
                    if stream.write_all(request).is_ok() {
                        let mut buffer = [0; 4096];
                        let _ = stream.read(&mut buffer);
                        while !over() {
                            match stream.read(&mut buffer) {
                                Ok(0) => break,
                                Ok(_) => {}
                                Err(e)
                                    if matches!(
                                        e.kind(),
                                        std::io::ErrorKind::WouldBlock
                                            | std::io::ErrorKind::TimedOut
                                    ) => {}
                                Err(_) => break,
                            }
                        }
                    }
                }
            }
            let _ = stream.shutdown(Shutdown::Both);
        }
    })
}

/// A well-behaved client's call while `stall` goes on at twice the limit: answered, in time.
fn answered_during(stall: Stall, address: &str, base: &str) {
    let stop = Arc::new(AtomicBool::new(false));
    let attackers: Vec<_> = (0..LIMIT * 2)
        .map(|_| attack(address.to_owned(), stall, Arc::clone(&stop)))
        .collect();
    // Let the attack fill every place.
    std::thread::sleep(Duration::from_millis(1500));
    let took = runtime().block_on(async {
        let client = client();
        let started = Instant::now();
        let (status, _, body) = call(&client, "POST", &user_get(base), "userid=user1").await;
        assert_eq!(status, 200, "{stall:?}: {}", String::from_utf8_lossy(&body));
        started.elapsed()
    });
    stop.store(true, Ordering::Relaxed);
    for attacker in attackers {
        let _ = attacker.join();
    }
    eprintln!("{stall:?} at twice the limit: another client answered after {took:?}");
    assert!(
        took < ANSWERED_WITHIN,
        "{stall:?} at twice the limit: answered after {took:?}"
    );
}

const STALLS: [Stall; 4] = [
    Stall::SlowHead,
    Stall::SlowBody,
    Stall::NeverReads,
    Stall::Idle,
];

#[test]
fn stalls_at_twice_the_limit_keep_no_other_client_of_the_mock_waiting() {
    let dir = tempfile::tempdir().expect("temp");
    let limit = LIMIT.to_string();
    let mock = start_mock(
        dir.path(),
        &[
            "--token",
            super::live::TOKEN,
            "--no-profile",
            "--max-connections",
            &limit,
        ],
    );
    let base = format!("http://{}", mock.address);
    for stall in STALLS {
        answered_during(stall, &mock.address, &base);
    }
    let (code, stderr) = mock.stop();
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("evicted for a new connection"), "{stderr}");
}

#[test]
fn stalls_at_twice_the_limit_keep_no_other_client_of_the_proxy_waiting() {
    let dir = tempfile::tempdir().expect("temp");
    let limit = LIMIT.to_string();
    let (_mock, _, proxy) = mock_behind_proxy(dir.path(), &["--max-connections", &limit]);
    let base = format!("http://{}", proxy.address);
    for stall in STALLS {
        answered_during(stall, &proxy.address, &base);
    }
    let (code, stderr) = proxy.stop();
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("evicted for a new connection"), "{stderr}");
}

/// Reads until the server closes (or `within` passes): what it sent, and whether it closed.
fn read_until_closed(stream: &mut TcpStream, within: Duration) -> (String, bool) {
    let started = Instant::now();
    let _ = stream.set_read_timeout(Some(Duration::from_millis(100)));
    let mut got = Vec::new();
    let mut buffer = [0; 65536];
    while started.elapsed() < within {
        match stream.read(&mut buffer) {
            Ok(0) => return (String::from_utf8_lossy(&got).into_owned(), true),
            Ok(n) => got.extend_from_slice(&buffer[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return (String::from_utf8_lossy(&got).into_owned(), true),
        }
    }
    (String::from_utf8_lossy(&got).into_owned(), false)
}

#[test]
fn each_deadline_closes_its_connection_and_is_counted() {
    let dir = tempfile::tempdir().expect("temp");
    let mock = start_mock(
        dir.path(),
        &[
            "--no-profile",
            "--head-timeout",
            "0.5",
            "--body-timeout",
            "0.5",
            "--body-min-rate",
            "1K",
            "--write-timeout",
            "0.5",
            "--idle-timeout",
            "0.5",
        ],
    );
    let within = Duration::from_secs(5);
    // A head that never ends.
    let mut stream = connect(&mock.address);
    stream
        .write_all(b"POST /gettoken HTTP/1.1\r\nHo")
        .expect("write");
    let started = Instant::now();
    let (_, closed) = read_until_closed(&mut stream, within);
    assert!(
        closed && started.elapsed() < Duration::from_secs(3),
        "slow head"
    );
    // A body that never comes: 408, then closed.
    let mut stream = connect(&mock.address);
    stream
        .write_all(b"POST /gettoken HTTP/1.1\r\nHost: x\r\ncontent-length: 100000\r\n\r\nab")
        .expect("write");
    let (answer, closed) = read_until_closed(&mut stream, within);
    assert!(closed, "slow body");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    // Idle after a complete exchange.
    let mut stream = connect(&mock.address);
    stream
        .write_all(b"GET /gettoken?appkey=k&appsecret=s HTTP/1.1\r\nHost: x\r\n\r\n")
        .expect("write");
    let (answer, closed) = read_until_closed(&mut stream, within);
    assert!(closed && answer.starts_with("HTTP/1.1 200"), "{answer}");
    // Never reads: requests pipelined until the server stops taking them; it closes.
    let mut stream = connect(&mock.address);
    let request = b"GET /gettoken?appkey=k&appsecret=s HTTP/1.1\r\nHost: x\r\n\r\n";
    let started = Instant::now();
    let mut refused = false;
    for _ in 0..200_000 {
        if stream.write_all(request).is_err() {
            refused = true;
            break;
        }
    }
    assert!(
        refused,
        "the server kept reading from a client that never reads"
    );
    std::thread::sleep(Duration::from_millis(1500));
    assert!(started.elapsed() < Duration::from_secs(30));
    let (code, stderr) = mock.stop();
    assert_eq!(code, 0, "{stderr}");
    for cut in [
        "request head too slow",
        "request body too slow",
        "answer not read",
    ] {
        assert!(stderr.contains(cut), "{cut} not counted: {stderr}");
    }
}

/// A loopback upstream that answers every request with `answer(request head)` after reading
/// the request whole, and remembers each request line.
fn scripted_upstream(
    answer: impl Fn(&str) -> Vec<u8> + Send + Sync + 'static,
) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    let lines = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&lines);
    let answer = Arc::new(answer);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let seen = Arc::clone(&seen);
            let answer = Arc::clone(&answer);
            std::thread::spawn(move || {
                let mut stream = stream;
                let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
                let mut got = Vec::new();
                let mut buffer = [0; 65536];
                loop {
                    let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") else {
                        match stream.read(&mut buffer) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => got.extend_from_slice(&buffer[..n]),
                        }
                        continue;
                    };
                    let head = String::from_utf8_lossy(&got[..end]).into_owned();
                    let length: usize = head
                        .lines()
                        .filter_map(|l| l.split_once(':'))
                        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
                        .and_then(|(_, v)| v.trim().parse().ok())
                        .unwrap_or(0);
                    while got.len() < end + 4 + length {
                        match stream.read(&mut buffer) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => got.extend_from_slice(&buffer[..n]),
                        }
                    }
                    got.drain(..end + 4 + length);
                    seen.lock()
                        .expect("lock")
                        .push(head.lines().next().unwrap_or("").to_owned());
                    if stream.write_all(&answer(&head)).is_err() {
                        return;
                    }
                }
            });
        }
    });
    (address, lines)
}

fn http_answer(extra_headers: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json;charset=UTF-8\r\n{extra_headers}content-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// 1 MiB of gzip that inflates to about a gibibyte.
fn gzip_bomb() -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        gz.write_all(&zeros).expect("gzip");
    }
    gz.finish().expect("gzip")
}

#[test]
fn a_compressed_bomb_from_the_upstream_is_refused_within_the_limit_and_memory() {
    let dir = tempfile::tempdir().expect("temp");
    let bomb = gzip_bomb();
    assert!(bomb.len() < 8 << 20);
    let (upstream, _) =
        scripted_upstream(move |_| http_answer("content-encoding: gzip\r\n", &bomb));
    let record = dir.path().join("bomb.har");
    let proxy = start_proxy(
        dir.path(),
        &upstream,
        &["--record", record.to_str().expect("path")],
    );
    let base = format!("http://{}", proxy.address);
    runtime().block_on(async {
        let client = client();
        let calls = (0..3).map(|_| {
            let client = client.clone();
            let url = user_get(&base);
            async move { call(&client, "POST", &url, "userid=u1").await }
        });
        for (status, _, body) in futures_join(calls).await {
            assert_eq!(status, 502, "{}", String::from_utf8_lossy(&body));
            let value: Value = serde_json::from_slice(&body).expect("JSON");
            assert_eq!(value["error"], "upstream-too-large", "{value}");
        }
    });
    let peak = peak_kib(&proxy);
    eprintln!("three gzip bombs at once, with --record: peak memory {peak} KiB");
    assert!(peak < 100 * 1024, "peak {peak} KiB");
    let (code, stderr) = proxy.stop();
    assert_eq!(code, 0, "{stderr}");
}

/// Runs the futures at once and gathers their outputs in order.
async fn futures_join<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.expect("task"));
    }
    out
}

/// Peak memory of a proxy (recording to `record`) that takes six limit-sized request bodies at
/// once, then six limit-sized answers at once.
fn limit_sized_bodies(record: Option<&Path>) -> u64 {
    let dir = tempfile::tempdir().expect("temp");
    // 4 MB answers under the 4M answer limit for `big=1`, a short one otherwise.
    let big = format!(
        r#"{{"errcode":0,"errmsg":"ok","result":{{"userid":"big","name":"{}"}},"request_id":"16lzmj9nqoklx"}}"#,
        "x".repeat(4_100_000)
    )
    .into_bytes();
    let (upstream, _) = scripted_upstream(move |head| {
        if head.contains("big=1") {
            http_answer("", &big)
        } else {
            http_answer("", br#"{"errcode":0,"errmsg":"ok","result":{"userid":"u1"},"request_id":"16lzmj9nqoklx"}"#)
        }
    });
    let record = record.map(|r| r.display().to_string());
    let mut args = vec!["--format", "ndjson"];
    if let Some(record) = &record {
        args.extend(["--record", record]);
    }
    let proxy = start_proxy(dir.path(), &upstream, &args);
    let base = format!("http://{}", proxy.address);
    // Request bodies just under the 1M request limit, six at once; then six large answers.
    let body = format!("userid=u1&pad={}", "a".repeat(1_040_000));
    runtime().block_on(async {
        let client = client();
        for (query, body) in [("", body.as_str()), ("&big=1", "userid=big")] {
            let calls = (0..6).map(|_| {
                let client = client.clone();
                let url = format!("{}{query}", user_get(&base));
                let body = body.to_owned();
                async move { call(&client, "POST", &url, &body).await }
            });
            for (status, _, answer) in futures_join(calls).await {
                assert_eq!(
                    status,
                    200,
                    "{}",
                    String::from_utf8_lossy(&answer[..answer.len().min(300)])
                );
            }
        }
    });
    let peak = peak_kib(&proxy);
    let (code, stderr) = proxy.stop();
    assert!(code == 0 || code == 1, "{stderr}");
    assert!(stderr.contains("12 user/get exchanges checked"), "{stderr}");
    peak
}

#[test]
fn six_limit_sized_bodies_at_once_stay_under_100_mb_with_and_without_record() {
    let plain = limit_sized_bodies(None);
    let dir = tempfile::tempdir().expect("temp");
    let har = dir.path().join("big.har");
    let recorded = limit_sized_bodies(Some(&har));
    eprintln!(
        "six limit-sized request bodies, then six limit-sized answers, at once: peak memory {plain} KiB, with --record {recorded} KiB"
    );
    assert!(plain < 100 * 1024, "peak {plain} KiB");
    assert!(recorded < 100 * 1024, "peak with --record {recorded} KiB");
    let text = std::fs::read_to_string(&har).expect("recording");
    let har: Value = serde_json::from_str(&text).expect("a whole HAR");
    assert_eq!(har["log"]["entries"].as_array().map(Vec::len), Some(12));
}

#[test]
fn slow_limit_sized_bodies_up_to_the_limit_stay_under_100_mb_and_others_are_served() {
    let dir = tempfile::tempdir().expect("temp");
    let (_mock, _, proxy) = mock_behind_proxy(dir.path(), &["--max-connections", "64"]);
    let base = format!("http://{}", proxy.address);
    let stop = Arc::new(AtomicBool::new(false));
    // 64 clients announce a body at the 1M request limit, send most of it at once, then trickle.
    let attackers: Vec<_> = (0..64)
        .map(|_| {
            let address = proxy.address.clone();
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let Ok(mut stream) = TcpStream::connect(&address) else {
                    return;
                };
                let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
                let head = "POST /topapi/v2/user/get?access_token=t HTTP/1.1\r\nHost: x\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 1048000\r\n\r\nuserid=u1&pad=";
                if stream.write_all(head.as_bytes()).is_err() {
                    return;
                }
                let _ = stream.write_all(&vec![b'a'; 1_000_000]);
                let started = Instant::now();
                while !stop.load(Ordering::Relaxed) && started.elapsed() < Duration::from_secs(20)
                {
                    if stream.write_all(&[b'a'; 512]).is_err() {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(250));
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(2));
    runtime().block_on(async {
        let client = client();
        let started = Instant::now();
        let (status, _, _) = call(&client, "POST", &user_get(&base), "userid=user1").await;
        assert_eq!(status, 200);
        assert!(
            started.elapsed() < ANSWERED_WITHIN,
            "{:?}",
            started.elapsed()
        );
    });
    let peak = peak_kib(&proxy);
    stop.store(true, Ordering::Relaxed);
    for attacker in attackers {
        let _ = attacker.join();
    }
    eprintln!("64 slow limit-sized bodies: peak memory {peak} KiB");
    assert!(peak < 100 * 1024, "peak {peak} KiB");
}

#[test]
fn past_the_limit_with_every_place_at_work_a_newcomer_is_refused_in_bounded_time() {
    let dir = tempfile::tempdir().expect("temp");
    let upstream = canned_upstream();
    let proxy = start_proxy(
        dir.path(),
        &upstream,
        &["--max-connections", "2", "--queue-timeout", "0.5"],
    );
    let base = format!("http://{}", proxy.address);
    runtime().block_on(async {
        let client = client();
        let slow: Vec<_> = (0..2)
            .map(|_| {
                let client = client.clone();
                let url = user_get(&base);
                tokio::spawn(async move { call(&client, "POST", &url, "userid=slow").await })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let started = Instant::now();
        let mut stream = connect(&proxy.address);
        stream
            .write_all(b"GET /gettoken HTTP/1.1\r\nHost: x\r\n\r\n")
            .expect("write");
        let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(5));
        assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
        assert!(
            started.elapsed() < ANSWERED_WITHIN,
            "{:?}",
            started.elapsed()
        );
        for call in slow {
            assert_eq!(call.await.expect("task").0, 200);
        }
    });
    // Exit 1: the canned answers name another userid than asked (DT708).
    let (code, stderr) = proxy.stop();
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("1 refused past the connection limit"),
        "{stderr}"
    );
}

/// Sends raw bytes and reads the answer's status line.
fn raw_status(address: &str, request: &[u8]) -> String {
    let mut stream = connect(address);
    stream.write_all(request).expect("write");
    let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(5));
    answer.lines().next().unwrap_or("").to_owned()
}

#[test]
fn request_targets_are_read_as_rfc_9112_says_and_the_upstream_never_changes() {
    let dir = tempfile::tempdir().expect("temp");
    let (upstream, lines) = scripted_upstream(|_| http_answer("", b"{}"));
    let proxy = start_proxy(dir.path(), &upstream, &[]);
    let a = &proxy.address;
    assert_eq!(
        raw_status(
            a,
            b"OPTIONS * HTTP/1.1\r\nHost: x\r\nconnection: close\r\n\r\n"
        ),
        "HTTP/1.1 200 OK"
    );
    assert_eq!(
        raw_status(
            a,
            b"GET http://elsewhere.example:1/gettoken?x=1 HTTP/1.1\r\nHost: x\r\nconnection: close\r\n\r\n"
        ),
        "HTTP/1.1 200 OK"
    );
    assert!(
        raw_status(a, b"GET elsewhere.example:443 HTTP/1.1\r\nHost: x\r\n\r\n")
            .starts_with("HTTP/1.1 400")
    );
    assert!(raw_status(a, b"GET * HTTP/1.1\r\nHost: x\r\n\r\n").starts_with("HTTP/1.1 400"));
    assert!(raw_status(
        a,
        b"CONNECT elsewhere.example:443 HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    .starts_with("HTTP/1.1 405"));
    let method = "M".repeat(100_000);
    let long = format!("{method} / HTTP/1.1\r\nHost: x\r\n\r\n");
    let status = raw_status(a, long.as_bytes());
    assert!(
        status.starts_with("HTTP/1.1 501")
            || status.starts_with("HTTP/1.1 431")
            || status.starts_with("HTTP/1.1 400"),
        "{status}"
    );
    // A malformed chunked body is a bad request, not a large one.
    assert!(raw_status(
        a,
        b"POST /topapi/v2/user/get HTTP/1.1\r\nHost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"
    )
    .starts_with("HTTP/1.1 400"));
    let seen = lines.lock().expect("lock").clone();
    assert_eq!(
        seen,
        ["OPTIONS * HTTP/1.1", "GET /gettoken?x=1 HTTP/1.1"],
        "only these reach the upstream, at its own address"
    );
    drop(proxy);

    // An upstream that answers with no valid HTTP is named so, not "unreachable".
    let (upstream, _) = scripted_upstream(|_| b"NOT HTTP AT ALL\r\n\r\n".to_vec());
    let proxy = start_proxy(dir.path(), &upstream, &[]);
    let base = format!("http://{}", proxy.address);
    runtime().block_on(async {
        let (status, _, body) = call(&client(), "POST", &user_get(&base), "userid=u1").await;
        assert_eq!(status, 502);
        let value: Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(value["error"], "upstream-invalid", "{value}");
    });
}

#[test]
fn a_recording_rotates_into_whole_hars_that_check_reads() {
    let dir = tempfile::tempdir().expect("temp");
    let record = dir.path().join("session.har");
    let record_arg = record.display().to_string();
    let (_mock, _, proxy) = mock_behind_proxy(
        dir.path(),
        &["--record", &record_arg, "--record-max-entries", "3"],
    );
    let base = format!("http://{}", proxy.address);
    runtime().block_on(async {
        let client = client();
        for i in 0..10 {
            let (status, _, _) = call(
                &client,
                "POST",
                &user_get(&base),
                &format!("userid=user{i}"),
            )
            .await;
            assert_eq!(status, 200);
        }
    });
    let (code, stderr) = proxy.stop();
    assert_eq!(code, 0, "{stderr}");
    let mut entries = 0;
    for n in 1..=4 {
        let path = dtlint::live::rotated_path(&record, n);
        let text = std::fs::read_to_string(&path).expect("a rotated file");
        assert!(!text.contains(super::live::TOKEN), "{}", path.display());
        let har: Value = serde_json::from_str(&text).expect("a whole HAR");
        entries += har["log"]["entries"].as_array().map_or(0, Vec::len);
        let checked = std::process::Command::new(env!("CARGO_BIN_EXE_dtlint"))
            .args(["check", "--no-profile", "--format", "json"])
            .arg(&path)
            .output()
            .expect("check runs");
        let report: Value = serde_json::from_slice(&checked.stdout).expect("JSON report");
        assert!(
            report["summary"]["responses"].as_u64().unwrap_or(0) >= 1,
            "{}",
            String::from_utf8_lossy(&checked.stdout)
        );
    }
    assert_eq!(entries, 10);
    assert!(!dtlint::live::rotated_path(&record, 5).exists());
}

#[test]
fn the_mocks_tokens_expire() {
    let dir = tempfile::tempdir().expect("temp");
    let mock = start_mock(dir.path(), &["--no-profile", "--token-lifetime", "1"]);
    let base = format!("http://{}", mock.address);
    runtime().block_on(async {
        let client = client();
        let (_, _, body) = call(
            &client,
            "GET",
            &format!("{base}/gettoken?appkey=k&appsecret=s"),
            "",
        )
        .await;
        let value: Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(value["expires_in"], 1);
        let token = value["access_token"].as_str().expect("token").to_owned();
        let url = format!("{base}/topapi/v2/user/get?access_token={token}");
        let (_, _, body) = call(&client, "POST", &url, "userid=user1").await;
        let body = String::from_utf8_lossy(&body).into_owned();
        assert!(
            !body.contains("sub_code"),
            "the token is taken while it lives: {body}"
        );
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let (_, _, body) = call(&client, "POST", &url, "userid=user1").await;
        assert!(String::from_utf8_lossy(&body).contains("\"sub_code\":\"42001\""));
    });
}

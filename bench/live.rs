//! The proxy's cost, measured against the mock in the same run: added latency (p50, p99) of
//! one client calling in sequence, and requests per second of 16 concurrent clients, through
//! `dtlint proxy` and straight to `dtlint mock`. Not a test: run `bash bench/live.sh`.
//!
//!     live_bench PATH/TO/dtlint [SECONDS]

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;

const TOKEN: &str = "bench-token";
const SEQUENTIAL: usize = 600;
const ROUNDS: usize = 5;
const CLIENTS: usize = 16;
/// Throughput rounds a side, alternated (direct first, then proxied first, …).
const RATE_ROUNDS: usize = 4;

struct Server(Child, String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

fn start(dtlint: &str, args: &[&str]) -> Server {
    let mut child = Command::new(dtlint)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dtlint starts");
    let mut reader = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    // Keep reading stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sink = String::new();
        while reader.read_line(&mut sink).unwrap_or(0) > 0 {
            sink.clear();
        }
    });
    let address = line
        .split("listening on http://")
        .nth(1)
        .and_then(|r| r.split([' ', ',', '\n']).next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    Server(child, address)
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(address: &str) -> Sender {
    let stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(connection);
    sender
}

async fn call(sender: &mut Sender, address: &str, n: usize) {
    // Users 9, 19, … are DingTalk-built Enterprise Accounts found by sign-in name.
    let body = format!("login_id=user{}", n % 20 * 10 + 9);
    let request = hyper::Request::post(format!(
        "http://{address}/topapi/v2/user/get?access_token={TOKEN}"
    ))
    .header("host", address)
    .header("content-type", "application/x-www-form-urlencoded")
    .body(Full::new(Bytes::from(body)))
    .unwrap();
    sender.ready().await.unwrap();
    let response = sender.send_request(request).await.unwrap();
    assert_eq!(response.status(), 200);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert!(body.starts_with(b"{\"errcode\":0"), "{body:?}");
}

/// CPU time (user + system) a process has used so far, in clock ticks (1/100 s on Linux);
/// 0 where /proc is not there.
fn cpu_ticks(pid: &str) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The command name may hold spaces: the fields are counted after its closing parenthesis.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let field = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    field(11) + field(12)
}

/// The CPU used by the bench itself, the mock and the proxy.
fn cpu_now(pids: &[String; 3]) -> [u64; 3] {
    [
        cpu_ticks(&pids[0]),
        cpu_ticks(&pids[1]),
        cpu_ticks(&pids[2]),
    ]
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e6
}

async fn sequential(address: &str, times: &mut Vec<Duration>) {
    let mut sender = connect(address).await;
    for n in 0..SEQUENTIAL {
        let started = Instant::now();
        call(&mut sender, address, n).await;
        times.push(started.elapsed());
    }
}

/// Requests per second of `CLIENTS` keep-alive clients for `seconds`, and the CPU ticks the
/// bench, the mock and the proxy used meanwhile. Every client connects first, so the timed
/// part holds requests alone on either side.
async fn throughput(address: &str, seconds: f64, pids: &[String; 3]) -> (f64, u64, [u64; 3]) {
    let mut senders = Vec::with_capacity(CLIENTS);
    for _ in 0..CLIENTS {
        senders.push(connect(address).await);
    }
    let before = cpu_now(pids);
    let started = Instant::now();
    let until = started + Duration::from_secs_f64(seconds);
    let tasks: Vec<_> = senders
        .into_iter()
        .enumerate()
        .map(|(c, mut sender)| {
            let address = address.to_owned();
            tokio::spawn(async move {
                let mut done = 0u64;
                while Instant::now() < until {
                    call(&mut sender, &address, c + done as usize).await;
                    done += 1;
                }
                done
            })
        })
        .collect();
    let mut total = 0;
    for task in tasks {
        total += task.await.unwrap();
    }
    let took = started.elapsed().as_secs_f64();
    let after = cpu_now(pids);
    #[allow(clippy::cast_precision_loss)]
    let rate = total as f64 / took;
    (
        rate,
        total,
        [
            after[0] - before[0],
            after[1] - before[1],
            after[2] - before[2],
        ],
    )
}

/// CPU µs a request, from clock ticks (1/100 s).
fn per_request(ticks: u64, requests: u64) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let us = ticks as f64 * 1e4 / requests.max(1) as f64;
    us
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dtlint = args
        .next()
        .expect("usage: live_bench PATH/TO/dtlint [SECONDS]");
    let seconds: f64 = args.next().map_or(3.0, |s| s.parse().unwrap());
    let mock = start(
        &dtlint,
        &[
            "mock",
            "--listen",
            "127.0.0.1:0",
            "--generate",
            "200",
            "--token",
            TOKEN,
            "--no-profile",
        ],
    );
    let upstream = format!("http://{}", mock.1);
    let proxy = start(
        &dtlint,
        &[
            "proxy",
            "--upstream",
            &upstream,
            "--listen",
            "127.0.0.1:0",
            "--no-profile",
            "--app-type",
            "internal",
            "--permission",
            "mobile",
            "--permission",
            "email-profile",
        ],
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        // Warm both paths (connection pools, caches) before measuring.
        let mut warm = Vec::new();
        sequential(&mock.1, &mut warm).await;
        sequential(&proxy.1, &mut warm).await;
        let (mut direct, mut proxied) = (Vec::new(), Vec::new());
        // Alternating rounds, so drift on a shared machine falls on both sides alike.
        for _ in 0..ROUNDS {
            sequential(&mock.1, &mut direct).await;
            sequential(&proxy.1, &mut proxied).await;
        }
        direct.sort();
        proxied.sort();
        let (d50, d99) = (percentile(&direct, 0.5), percentile(&direct, 0.99));
        let (p50, p99) = (percentile(&proxied, 0.5), percentile(&proxied, 0.99));
        let pids = [
            std::process::id().to_string(),
            mock.0.id().to_string(),
            proxy.0.id().to_string(),
        ];
        #[allow(clippy::cast_precision_loss)]
        let round = seconds / RATE_ROUNDS as f64;
        let mut ratios = Vec::with_capacity(RATE_ROUNDS);
        let (mut direct_rate, mut proxy_rate) = (0.0, 0.0);
        let (mut direct_cpu, mut proxy_cpu) = ([0u64; 3], [0u64; 3]);
        let (mut direct_n, mut proxy_n) = (0u64, 0u64);
        let mut rounds = Vec::with_capacity(RATE_ROUNDS);
        for r in 0..RATE_ROUNDS {
            // Alternate which side goes first, so neither always follows the other.
            let (d, p) = if r % 2 == 0 {
                let d = throughput(&mock.1, round, &pids).await;
                (d, throughput(&proxy.1, round, &pids).await)
            } else {
                let p = throughput(&proxy.1, round, &pids).await;
                (throughput(&mock.1, round, &pids).await, p)
            };
            ratios.push(p.0 / d.0);
            rounds.push(format!("{:.0}/{:.0} = {:.2}x", p.0, d.0, p.0 / d.0));
            #[allow(clippy::cast_precision_loss)]
            {
                direct_rate += d.0 / RATE_ROUNDS as f64;
                proxy_rate += p.0 / RATE_ROUNDS as f64;
            }
            direct_n += d.1;
            proxy_n += p.1;
            for i in 0..3 {
                direct_cpu[i] += d.2[i];
                proxy_cpu[i] += p.2[i];
            }
        }
        ratios.sort_by(f64::total_cmp);
        let median = (ratios[(RATE_ROUNDS - 1) / 2] + ratios[RATE_ROUNDS / 2]) / 2.0;
        println!(
            "latency, one client, {} requests each (µs):",
            SEQUENTIAL * ROUNDS
        );
        println!("  direct  p50 {d50:8.0}  p99 {d99:8.0}");
        println!("  proxied p50 {p50:8.0}  p99 {p99:8.0}");
        println!(
            "  added   p50 {:8.0}  p99 {:8.0}   (target: p50 <= 1000)",
            p50 - d50,
            p99 - d99
        );
        println!("throughput, {CLIENTS} clients, {seconds} s each side (requests/s):");
        println!("  direct  {direct_rate:8.0}");
        println!(
            "  proxied {proxy_rate:8.0}   ({:.2}x direct; target >= 0.50x)",
            proxy_rate / direct_rate
        );
        println!(
            "  rounds (proxied/direct): {}; median {median:.2}x",
            rounds.join(", ")
        );
        println!("CPU a request (µs; 1/100 s ticks over all rounds):");
        println!(
            "  direct  client {:5.1}  mock {:5.1}",
            per_request(direct_cpu[0], direct_n),
            per_request(direct_cpu[1], direct_n)
        );
        println!(
            "  proxied client {:5.1}  mock {:5.1}  proxy {:5.1}",
            per_request(proxy_cpu[0], proxy_n),
            per_request(proxy_cpu[1], proxy_n),
            per_request(proxy_cpu[2], proxy_n)
        );
    });
    drop(proxy);
    drop(mock);
}

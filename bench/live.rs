//! The proxy's cost, measured against the mock in the same run, beside a plain forwarding
//! nginx (one worker, keep-alive to the same mock): added latency (p50, p99) of one client
//! calling in sequence; and, in rounds rotating direct, nginx, `dtlint proxy`,
//! `dtlint proxy --record`, requests per second of 16 keep-alive clients and the proxy
//! process's CPU per exchange (issue 23). Then the same over TLS (bench/live/tls.rs, issue
//! 28): direct over TLS, nginx and `dtlint proxy` forwarding over TLS, and the TLS connections
//! each side cost the front. Not a test: run `bash bench/live.sh`.
//!
//!     live_bench DTLINT NGINX WORK CLK_TCK [SECONDS [ROUNDS]]
//!
//! WORK is an empty directory for nginx's prefix, the recording and the list of started
//! processes (WORK/pids, which bench/live.sh stops should the bench end early); CLK_TCK is
//! `getconf CLK_TCK`; SECONDS a side and round (default 4), ROUNDS (default 5).

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

#[path = "live/load.rs"]
mod load;
#[path = "live/servers.rs"]
mod servers;
#[path = "live/tls.rs"]
mod tls;

use std::path::Path;
use std::time::Duration;

use load::{Endpoint, Round, CLIENTS, TOKEN};
use servers::Server;

/// Where a side's clients call, and the processes whose CPU is its proxy's (none direct).
struct Side {
    endpoint: Endpoint,
    pids: Vec<u32>,
}

impl Side {
    fn of(server: &Server) -> Self {
        Side {
            endpoint: Endpoint::plain(&server.address),
            pids: server.pids.clone(),
        }
    }
}

/// Calls in sequence a side and latency round.
const SEQUENTIAL: usize = 600;
const LATENCY_ROUNDS: usize = 5;
/// A round shorter than this leaves the 10 ms clock ticks a visible error.
const SECONDS_FOR_TICKS: f64 = 4.0;

/// Whom every proxy of the bench checks for: an internal app that may read mobile and email.
const CALLER: [&str; 7] = [
    "--no-profile",
    "--app-type",
    "internal",
    "--permission",
    "mobile",
    "--permission",
    "email-profile",
];

const SIDES: [&str; 4] = ["direct", "nginx", "dtlint proxy", "dtlint --record"];
const DIRECT: usize = 0;
const NGINX: usize = 1;
const DTLINT: usize = 2;
const RECORD: usize = 3;

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e6
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    (values[(n - 1) / 2] + values[n / 2]) / 2.0
}

/// µs a exchange from clock ticks.
fn per_exchange(ticks: u64, exchanges: u64, clk_tck: u64) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let us = ticks as f64 * 1e6 / clk_tck as f64 / exchanges.max(1) as f64;
    us
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "NOT met"
    }
}

/// The answer with the mock's request id (fresh for every request) blanked.
fn without_request_id(body: &[u8]) -> Vec<u8> {
    let mut body = body.to_vec();
    let key = b"\"request_id\":\"";
    if let Some(at) = body.windows(key.len()).position(|w| w == key) {
        for b in body[at + key.len()..]
            .iter_mut()
            .take_while(|b| **b != b'"')
        {
            *b = b'#';
        }
    }
    body
}

/// The first answer through a forwarder against the direct one, for the same call:
/// status, Content-Type and body byte for byte but for the request id. Exits 1 if they
/// differ.
async fn check_forwards(direct: &Endpoint, through: &Endpoint, name: &str) {
    let mut sender = load::connect(direct).await;
    let want = load::send(&mut sender, &direct.address, 0).await;
    let mut sender = load::connect(through).await;
    let got = load::send(&mut sender, &through.address, 0).await;
    if got.status != 200
        || (got.status, &got.content_type) != (want.status, &want.content_type)
        || without_request_id(&got.body) != without_request_id(&want.body)
    {
        eprintln!(
            "{name} does not forward as it should: through {name} {} {:?} {:?}\nstraight from the mock {} {:?} {:?}",
            got.status, got.content_type, got.body, want.status, want.content_type, want.body
        );
        std::process::exit(1);
    }
    println!(
        "{name} check: the first answer through {name} is 200, Content-Type and {} body bytes \
         equal to the direct answer (the mock's request_id, fresh for each request, aside)",
        got.body.len()
    );
}

struct Args {
    dtlint: String,
    nginx: String,
    work: String,
    clk_tck: u64,
    seconds: f64,
    rounds: usize,
}

fn args() -> Args {
    let usage = "usage: live_bench DTLINT NGINX WORK CLK_TCK [SECONDS [ROUNDS]]";
    let mut args = std::env::args().skip(1);
    let mut next = || args.next().expect(usage);
    let (dtlint, nginx, work) = (next(), next(), next());
    let clk_tck = next().parse().expect(usage);
    let seconds = args
        .next()
        .map_or(SECONDS_FOR_TICKS, |s| s.parse().expect(usage));
    let rounds = args.next().map_or(5, |s| s.parse().expect(usage));
    assert!(rounds >= 1 && seconds > 0.0, "{usage}");
    Args {
        dtlint,
        nginx,
        work,
        clk_tck,
        seconds,
        rounds,
    }
}

fn main() {
    let args = args();
    let work = Path::new(&args.work);
    let mock = servers::dtlint(
        &args.dtlint,
        work,
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
    let upstream = format!("http://{}", mock.address);
    let record = work.join("recording.har");
    let proxy = |extra: &[&str]| {
        let mut argv = vec!["proxy", "--upstream", &upstream, "--listen", "127.0.0.1:0"];
        argv.extend_from_slice(&CALLER);
        argv.extend_from_slice(extra);
        servers::dtlint(&args.dtlint, work, &argv)
    };
    let nginx = servers::nginx(&args.nginx, work, &mock.address);
    let plain = proxy(&[]);
    let recording = proxy(&["--record", record.to_str().expect("a UTF-8 temp path")]);
    let direct = Side {
        endpoint: Endpoint::plain(&mock.address),
        pids: Vec::new(),
    };
    let sides = [
        direct,
        Side::of(&nginx),
        Side::of(&plain),
        Side::of(&recording),
    ];
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let section = Section {
        names: SIDES,
        sides,
        behind: mock.pids.clone(),
    };
    runtime.block_on(run(&args, &section));
    drop(recording);
    drop(plain);
    drop(nginx);
    println!();
    runtime.block_on(tls::run(&args, &mock));
    drop(mock);
}

/// Four sides measured in the same rounds.
struct Section<'a> {
    names: [&'a str; 4],
    sides: [Side; 4],
    /// The processes behind every side (the mock, a TLS front), whose CPU is shown apart.
    behind: Vec<u32>,
}

async fn run(args: &Args, section: &Section<'_>) {
    check_forwards(
        &section.sides[DIRECT].endpoint,
        &section.sides[NGINX].endpoint,
        "nginx",
    )
    .await;
    latency(section, Some((DTLINT, "   (target: added p50 <= 1000)"))).await;
    let rounds = throughput(args, section).await;
    summary(args, &rounds);
}

/// Added latency of one client calling in sequence, rounds rotating the order: p50 and p99 of
/// each side (µs), printed with a side's `note` after its row.
async fn latency(section: &Section<'_>, note: Option<(usize, &str)>) -> [(f64, f64); 4] {
    let sides = &section.sides;
    // Warm every path (connection pools, caches) before measuring.
    let mut warm = Vec::new();
    for side in sides {
        load::sequential(&side.endpoint, SEQUENTIAL, &mut warm).await;
    }
    let mut times: [Vec<Duration>; 4] = Default::default();
    // Rounds rotating the order, so drift on a shared machine falls on every side alike.
    for r in 0..LATENCY_ROUNDS {
        for k in 0..4 {
            let s = (r + k) % 4;
            load::sequential(&sides[s].endpoint, SEQUENTIAL, &mut times[s]).await;
        }
    }
    println!(
        "latency, one client in sequence, {} requests a side (µs):",
        SEQUENTIAL * LATENCY_ROUNDS
    );
    let mut found = [(0.0, 0.0); 4];
    for (s, t) in times.iter_mut().enumerate() {
        t.sort();
        found[s] = (percentile(t, 0.5), percentile(t, 0.99));
    }
    let direct = found[DIRECT];
    for (s, (p50, p99)) in found.iter().enumerate() {
        if s == DIRECT {
            println!("  {:<16} p50 {p50:6.0}  p99 {p99:6.0}", section.names[s]);
        } else {
            println!(
                "  {:<16} p50 {p50:6.0}  p99 {p99:6.0}   added p50 {:6.0}  p99 {:6.0}{}",
                section.names[s],
                p50 - direct.0,
                p99 - direct.1,
                note.filter(|(n, _)| *n == s).map_or("", |(_, text)| text)
            );
        }
    }
    found
}

/// The throughput rounds, each row printed as it ends: `[round][side]`.
async fn throughput(args: &Args, section: &Section<'_>) -> Vec<[Round; 4]> {
    let me = [std::process::id()];
    let names = &section.names;
    println!(
        "throughput and CPU, {CLIENTS} keep-alive clients, {} rounds of {} s a side, the order \
         rotating ({}):",
        args.rounds,
        args.seconds,
        names.join(", ")
    );
    println!(
        "  CPU µs an exchange from /proc/PID/stat utime+stime (nginx: master + worker), \
         clock ticks of {} ms; ± is the tick error (at most 2 ticks a process)",
        1000 / args.clk_tck.max(1)
    );
    if args.seconds < SECONDS_FOR_TICKS {
        println!(
            "  NOTE: rounds under {SECONDS_FOR_TICKS} s: mind the ± columns, the tick error is not small"
        );
    }
    println!(
        "  round side                req/s  exchanges   proxy CPU µs/exch (±)  behind µs  client µs"
    );
    let mut rounds = Vec::with_capacity(args.rounds);
    for r in 0..args.rounds {
        let mut round: [Option<Round>; 4] = Default::default();
        for k in 0..4 {
            let s = (r + k) % 4;
            let side = &section.sides[s];
            let measured = load::throughput(
                &side.endpoint,
                args.seconds,
                &[&me, &section.behind, &side.pids],
            )
            .await;
            let tck = args.clk_tck;
            let proxy = if side.pids.is_empty() {
                "                    -".to_owned()
            } else {
                format!(
                    "{:14.1} (±{:.1})",
                    per_exchange(measured.ticks[2], measured.exchanges, tck),
                    per_exchange(2 * side.pids.len() as u64, measured.exchanges, tck)
                )
            };
            println!(
                "  {:>5} {:<16} {:>8.0} {:>10} {proxy:>23} {:>10.1} {:>10.1}",
                r + 1,
                names[s],
                measured.rate,
                measured.exchanges,
                per_exchange(measured.ticks[1], measured.exchanges, tck),
                per_exchange(measured.ticks[0], measured.exchanges, tck),
            );
            round[s] = Some(measured);
        }
        rounds.push(round.map(|m| m.expect("every side ran")));
    }
    rounds
}

fn summary(args: &Args, rounds: &[[Round; 4]]) {
    let tck = args.clk_tck;
    let cpu =
        |round: &[Round; 4], s: usize| per_exchange(round[s].ticks[2], round[s].exchanges, tck);
    let each = |f: &dyn Fn(&[Round; 4]) -> f64| median(rounds.iter().map(f).collect());
    let rate = |s: usize| each(&|r| r[s].rate);
    println!(
        "medians over {} rounds (ratios: the median of each round's ratio):",
        rounds.len()
    );
    println!(
        "  req/s            direct {:.0}, nginx {:.0}, dtlint proxy {:.0}, dtlint --record {:.0}",
        rate(DIRECT),
        rate(NGINX),
        rate(DTLINT),
        rate(RECORD)
    );
    let ratio = |a: usize, b: usize| each(&|r| r[a].rate / r[b].rate);
    println!(
        "  req/s vs direct  nginx {:.2}x, dtlint proxy {:.2}x (target >= 0.50x), dtlint --record {:.2}x",
        ratio(NGINX, DIRECT),
        ratio(DTLINT, DIRECT),
        ratio(RECORD, DIRECT)
    );
    println!(
        "  req/s vs nginx   dtlint proxy {:.2}x, dtlint --record {:.2}x",
        ratio(DTLINT, NGINX),
        ratio(RECORD, NGINX)
    );
    println!(
        "  proxy CPU µs an exchange: nginx {:.1}, dtlint proxy {:.1}, dtlint --record {:.1}",
        each(&|r| cpu(r, NGINX)),
        each(&|r| cpu(r, DTLINT)),
        each(&|r| cpu(r, RECORD))
    );
    let dtlint_vs_nginx = each(&|r| cpu(r, DTLINT) / cpu(r, NGINX));
    println!(
        "  dtlint proxy CPU an exchange / nginx's: {dtlint_vs_nginx:.2}x   (target <= 1.30x: {})",
        verdict(dtlint_vs_nginx <= 1.3)
    );
    let record_adds = each(&|r| (cpu(r, RECORD) / cpu(r, DTLINT) - 1.0) * 100.0);
    println!(
        "  --record adds {record_adds:.0}% CPU an exchange over dtlint proxy   (target <= 25%: {})",
        verdict(record_adds <= 25.0)
    );
}

//! `dtlint proxy`: forwards every request unchanged to the one upstream and returns its answer
//! byte for byte; each user/get exchange goes to the engine as the exchange it is (no HAR text
//! is written to be read back), on a task of its own once its answer is on its way, and its
//! outcome goes over a channel to the one thread that owns the run's exit (numbering,
//! selection, suppressions, reporters, the recording).

use std::cell::RefCell;
use std::io;
use std::rc::Rc;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{HeaderMap, HOST};
use hyper::{Request, Response};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};

use super::decode;
use super::entry::{self, Received, Sent};
use super::record::Recorder;
use super::server::{
    self, read_whole, Body, Exchange, Hold, Limits, Reply, Server, Target, Unread,
};
use super::upstream::{ConnectFailure, Connector, Hop, Upstream};
use crate::api::request::HarRequest;
use crate::engine::pipeline::Settings;
use crate::engine::{answer as checked, exchange};
use crate::finding::{Finding, Severity};
use crate::input::Outcome;
use crate::privacy::scrub::Scrubber;
use crate::report::{Reporter, RunEnd};
use crate::run::exit::{Ended, Exit};
use crate::run::suppress::Suppress;

/// How the proxy runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where requests go.
    pub upstream: Upstream,
    /// How they get there: trust, egress proxy, routes; it counts the connections it opens.
    pub connector: Connector,
    /// What a client may cost: deadlines, connections, memory, and `max_size`, the largest
    /// request body forwarded.
    pub limits: Limits,
    /// The largest answer forwarded, raw or decoded.
    pub max_answer: usize,
    /// How long the upstream may take to answer in full.
    pub timeout: Duration,
    /// Answer 502 for exchanges with findings at this severity or above.
    pub fail_on: Option<Severity>,
}

/// What the proxy counted besides findings.
#[derive(Debug, Default, Clone)]
pub struct Counts {
    /// user/get exchanges checked.
    pub checked: u64,
    /// Other requests forwarded unchecked.
    pub other: u64,
    /// Requests the upstream did not answer (down, too slow, too large, TLS refused): answered
    /// 502.
    pub upstream_failures: u64,
    /// Of those, the ones whose TLS handshake failed (unknown issuer, name, expiry, timeout).
    pub tls_failures: u64,
    /// Requests refused before forwarding (too large, CONNECT).
    pub refused: u64,
    /// Exchanges answered 502 by `--fail-on`.
    pub failed_on: u64,
    /// Entries written by `--record`.
    pub recorded: u64,
    /// Exchanges forwarded unchecked: no memory to check them in time.
    pub unchecked: u64,
    /// Connections the server closed or refused (deadlines, eviction, the limit), in words.
    pub connections: Option<String>,
    /// Connections opened to the upstream (and TLS handshakes, tunnels, HTTP/2), in words.
    pub upstream_connections: Option<String>,
}

/// A finding as a 502 of `--fail-on` names it: no value, no excerpt.
#[derive(Debug, Clone)]
struct Brief {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    pointer: String,
    message: String,
}

/// Where `--fail-on` waits for the findings of its exchange.
type Verdict = tokio::sync::oneshot::Sender<Vec<Brief>>;

/// Memory held for checking and recording an exchange, per byte of its bodies: the request's
/// reading, the answer's parse, the findings' excerpts and the recording's tree together.
/// Measured when the exchange was still written as HAR text: a 7.4 MB answer took the proxy
/// from 15 to 64 MB, a 7.5 MB request body to 90 MB.
const CHECK_COST: usize = 8;

/// A message to the thread that owns the exit.
enum Msg {
    /// A forwarded exchange and, for user/get, its outcome (checked at index 0: the exit's
    /// thread numbers exchanges as they arrive).
    Exchange {
        /// The redacted entry `--record` writes, when it records.
        entry: Option<Vec<u8>>,
        outcome: Option<Outcome>,
        reply: Option<Verdict>,
        /// The memory of checking and recording it, given back once recorded.
        hold: Box<Hold>,
    },
    Failed {
        tls: bool,
    },
    Refused,
    Unchecked,
}

/// Checks under way at once; an exchange waits for a place when this many are, so a proxy
/// that checks slower than it forwards slows down instead of growing.
const CHECKING: usize = 4096;

/// How long the exit's thread lets outcomes gather, without `--fail-on`, before it reports
/// them: findings still show within a few milliseconds.
const GATHER: Duration = Duration::from_millis(2);

/// The reporter that hears which findings of the current exchange passed the exit (its
/// selection, severities and suppressions), for `--fail-on`.
struct Tap(Rc<RefCell<Vec<Brief>>>);

impl Reporter for Tap {
    fn finding(&mut self, finding: &Finding) -> io::Result<()> {
        self.0.borrow_mut().push(Brief {
            code: finding.rule.code,
            name: finding.rule.name,
            severity: finding.severity,
            pointer: finding.pointer.to_string(),
            message: finding.message.clone(),
        });
        Ok(())
    }

    fn finish(&mut self, _end: &RunEnd<'_>) -> io::Result<()> {
        Ok(())
    }
}

/// Runs the proxy on `listener` until Ctrl-C or SIGTERM. The calling thread owns the run's
/// exit: each exchange's findings go through it to `reporters` as they come, and the summary
/// at the end.
///
/// # Errors
/// When the runtime cannot start, or a report or the recording cannot be written.
pub fn run(
    config: Config,
    listener: std::net::TcpListener,
    settings: &Settings,
    suppressions: &[Suppress],
    reporters: Vec<&mut dyn Reporter>,
    mut record: Option<Recorder>,
) -> io::Result<(Ended, Counts)> {
    // One thread forwards and checks: on two cores shared with the upstream and the clients,
    // a second worker buys no throughput but costs a thread wake-up on most hand-overs.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (sender, receiver) = mpsc::channel::<Msg>();
    let failed_on = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let checking = Arc::new(tokio::sync::Semaphore::new(CHECKING));
    let server = Server::new(config.limits.clone());
    let shared = Arc::new(Shared::new(
        config.clone(),
        record.as_ref().map(|r| r.show_values()),
        sender,
        Arc::new(settings.clone()),
        Arc::clone(&checking),
        Arc::clone(&failed_on),
        Arc::clone(&server),
    ));
    let serving_server = Arc::clone(&server);
    let serving = std::thread::Builder::new()
        .name("dtlint-proxy".into())
        .spawn(move || {
            let handler = move |exchange| {
                let shared = Arc::clone(&shared);
                async move { shared.handle(exchange).await }
            };
            let served = runtime.block_on(async {
                let served = server::serve(listener, serving_server, handler).await;
                // Every answered exchange is checked and reported before the summary: wait
                // for the checks under way to give their places back.
                let all = u32::try_from(CHECKING).unwrap_or(u32::MAX);
                let _ =
                    tokio::time::timeout(Duration::from_secs(10), checking.acquire_many(all)).await;
                served
            });
            // Connections still open are dropped with their senders: the exit then ends.
            runtime.shutdown_timeout(Duration::from_millis(500));
            served
        })?;

    let seen = Rc::new(RefCell::new(Vec::new()));
    let mut tap = Tap(Rc::clone(&seen));
    let mut all: Vec<&mut dyn Reporter> = Vec::with_capacity(reporters.len() + 1);
    for reporter in reporters {
        all.push(reporter);
    }
    all.push(&mut tap);
    let mut exit = Exit::new(&settings.selection, suppressions, all);
    let mut counts = Counts::default();
    let mut failure = None;
    {
        let mut input = exit.input("proxy");
        let mut index = 0;
        let mut next = receiver.recv().ok();
        while let Some(msg) = next {
            match msg {
                Msg::Failed { tls } => {
                    counts.upstream_failures += 1;
                    counts.tls_failures += u64::from(tls);
                }
                Msg::Refused => counts.refused += 1,
                Msg::Unchecked => counts.unchecked += 1,
                Msg::Exchange {
                    entry,
                    outcome,
                    reply,
                    hold,
                } => {
                    if let Some(mut outcome) = outcome {
                        counts.checked += 1;
                        outcome.index = Some(index);
                        for finding in &mut outcome.findings {
                            finding.entry = Some(index);
                        }
                        input.deliver(outcome);
                    } else {
                        counts.other += 1;
                    }
                    let briefs = std::mem::take(&mut *seen.borrow_mut());
                    if let Some(reply) = reply {
                        let _ = reply.send(briefs);
                    }
                    if let (Some(recorder), Some(entry)) = (&mut record, entry) {
                        if let Err(e) = recorder.write(&entry) {
                            failure.get_or_insert(e);
                        }
                    }
                    // The exchange's memory goes back here, once it is recorded.
                    drop(hold);
                    index += 1;
                }
            }
            next = match receiver.try_recv() {
                Ok(msg) => Some(msg),
                Err(mpsc::TryRecvError::Disconnected) => None,
                Err(mpsc::TryRecvError::Empty) => {
                    // Without --fail-on nobody waits for this thread: letting outcomes gather
                    // for a moment takes one wake-up for many instead of one each.
                    let gathered = if config.fail_on.is_none() {
                        std::thread::sleep(GATHER);
                        receiver.try_recv().ok()
                    } else {
                        None
                    };
                    gathered.or_else(|| {
                        // Nothing waits: the recording is made whole on disk before this
                        // thread sleeps, and under steady traffic it is written in blocks.
                        if let Some(recorder) = &mut record {
                            if let Err(e) = recorder.flush() {
                                failure.get_or_insert(e);
                            }
                        }
                        receiver.recv().ok()
                    })
                }
            };
        }
        input.end();
    }
    let served = serving
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("the proxy's server thread failed")));
    if let Some(recorder) = record {
        counts.recorded = recorder.finish()?;
    }
    if let Some(e) = failure {
        return Err(e);
    }
    served?;
    counts.failed_on = failed_on.load(std::sync::atomic::Ordering::Relaxed);
    counts.connections = server.tally().describe();
    counts.upstream_connections = config.connector.opened().describe();
    counts.refused += server.tally().rejected();
    let notes = [format!("proxy: {}", describe(&counts))];
    let ended = exit.finish(&notes)?;
    Ok((ended, counts))
}

/// The session's counts in words, for the summary.
pub fn describe(counts: &Counts) -> String {
    use crate::report::plural;
    let tls = if counts.tls_failures > 0 {
        format!(" ({} TLS)", counts.tls_failures)
    } else {
        String::new()
    };
    let mut text = format!(
        "{} user/get {} checked, {} other {} forwarded, {} upstream {}{tls}, {} refused, {} answered 502 by --fail-on",
        counts.checked,
        plural(counts.checked, "exchange", "exchanges"),
        counts.other,
        plural(counts.other, "request", "requests"),
        counts.upstream_failures,
        plural(counts.upstream_failures, "failure", "failures"),
        counts.refused,
        counts.failed_on,
    );
    if counts.unchecked > 0 {
        text.push_str(&format!(
            ", {} forwarded unchecked for lack of memory (--memory)",
            counts.unchecked
        ));
    }
    if let Some(opened) = &counts.upstream_connections {
        text.push_str(&format!("; {opened}"));
    }
    if let Some(connections) = &counts.connections {
        text.push_str(&format!("; connections cut: {connections}"));
    }
    text
}

/// Headers of one hop only (RFC 9110 7.6.1), never forwarded.
const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
];

fn without_hop_headers(headers: &mut HeaderMap) {
    for name in HOP_BY_HOP {
        headers.remove(name);
    }
    // The body is forwarded whole: its length is set again from it.
    headers.remove(hyper::header::TRANSFER_ENCODING);
}

/// What every connection shares.
struct Shared {
    config: Config,
    /// With `--record`: the scrubber each recorded entry passes, once, as it is written.
    recording: Option<std::sync::Mutex<Scrubber>>,
    client: Client<Connector, Full<Bytes>>,
    sender: mpsc::Sender<Msg>,
    settings: Arc<Settings>,
    checking: Arc<tokio::sync::Semaphore>,
    failed_on: Arc<std::sync::atomic::AtomicU64>,
    server: Arc<Server>,
}

/// What the check and the recording of a forwarded exchange keep of it.
struct Forwarded {
    /// The request as the engine reads it, for a user/get call (others are only recorded).
    request: Option<HarRequest>,
    status: i64,
    mime_type: String,
    /// The answer as checked: decompressed when it came compressed.
    body: Bytes,
    /// The redacted HAR entry `--record` writes.
    entry: Option<Vec<u8>>,
}

/// Why the upstream's answer is not forwarded.
struct Failure {
    status: u16,
    /// The 502's `error`.
    kind: &'static str,
    message: String,
    /// The hop and reason the connector named, when the connection could not be made.
    reason: Option<(Hop, &'static str)>,
}

impl Failure {
    fn new(status: u16, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            kind,
            message: message.into(),
            reason: None,
        }
    }
}

impl From<&ConnectFailure> for Failure {
    fn from(unreached: &ConnectFailure) -> Self {
        Self {
            status: 502,
            kind: unreached.kind(),
            message: unreached.message.clone(),
            reason: Some((unreached.hop, unreached.reason)),
        }
    }
}

/// The upstream's answer, read whole.
struct Answer {
    parts: hyper::http::response::Parts,
    /// As it came, for the client.
    raw: Bytes,
    /// Decompressed for checking, with its memory, when it came compressed.
    decoded: Option<(Vec<u8>, Hold)>,
    /// The raw answer's memory.
    hold: Hold,
}

impl Shared {
    #[allow(clippy::too_many_arguments)]
    fn new(
        config: Config,
        recording: Option<bool>,
        sender: mpsc::Sender<Msg>,
        settings: Arc<Settings>,
        checking: Arc<tokio::sync::Semaphore>,
        failed_on: Arc<std::sync::atomic::AtomicU64>,
        server: Arc<Server>,
    ) -> Self {
        // Connections are kept and reused: a TLS handshake is paid per connection, not per
        // call. `Host` comes from the upstream's URL (HTTP/2 carries it as :authority).
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(config.connector.clone());
        Self {
            config,
            recording: recording
                .map(|show_values| std::sync::Mutex::new(Scrubber::forgetful(show_values))),
            client,
            sender,
            settings,
            checking,
            failed_on,
            server,
        }
    }

    fn send(&self, msg: Msg) {
        // The exit's thread ends only after every connection: a failed send means the run
        // is ending anyway.
        let _ = self.sender.send(msg);
    }

    /// Checks an exchange on a task of its own, so its answer need not wait (unless
    /// `reply` does), and hands the outcome to the exit's thread.
    async fn check(&self, forwarded: Forwarded, reply: Option<Verdict>, hold: Hold) {
        let Ok(place) = Arc::clone(&self.checking).acquire_owned().await else {
            return;
        };
        let settings = Arc::clone(&self.settings);
        let sender = self.sender.clone();
        tokio::spawn(async move {
            let Forwarded {
                request,
                status,
                mime_type,
                body,
                entry,
            } = forwarded;
            let outcome = request.map(|request| {
                // The engine's own: this module's `Exchange` is the server's, its `Answer` the upstream's.
                let answer =
                    checked::Answer::new(status, &mime_type, checked::Payload::Bytes(&body));
                exchange::check(0, &exchange::Exchange::new(&request, answer), &settings)
            });
            drop(body);
            let _ = sender.send(Msg::Exchange {
                entry,
                outcome,
                reply,
                hold: Box::new(hold),
            });
            drop(place);
        });
    }

    fn failed(&self, failure: Failure) -> Reply {
        self.send(Msg::Failed {
            tls: failure.reason.is_some_and(|(hop, _)| hop == Hop::Tls),
        });
        let mut extra = vec![("upstream", Value::from(self.config.upstream.shown()))];
        if let Some((_, reason)) = failure.reason {
            extra.push(("reason", Value::from(reason)));
        }
        (
            server::error_answer(
                failure.status,
                failure.kind,
                &format!("dtlint proxy: {}", failure.message),
                &extra,
            ),
            None,
        )
    }

    /// Sends the request on and reads the answer whole, raw and decoded, paid for from the
    /// answers' memory.
    async fn forward(&self, upstream: Request<Full<Bytes>>) -> Result<Answer, Failure> {
        let limits = self.server.limits();
        let max = self.config.max_answer;
        let response = self.client.request(upstream).await.map_err(|e| {
            // The error's chain names the cause (refused, reset, TLS); never the query.
            let mut text = e.to_string();
            let mut source = std::error::Error::source(&e);
            let mut invalid = false;
            while let Some(cause) = source {
                if let Some(unreached) = cause.downcast_ref::<ConnectFailure>() {
                    return Failure::from(unreached);
                }
                invalid |= cause
                    .downcast_ref::<hyper::Error>()
                    .is_some_and(hyper::Error::is_parse);
                text = format!("{text}: {cause}");
                source = cause.source();
            }
            if e.is_connect() {
                Failure::new(502, "upstream-unreachable", text)
            } else if invalid {
                Failure::new(
                    502,
                    "upstream-invalid",
                    format!("the upstream's answer is not valid HTTP: {text}"),
                )
            } else {
                Failure::new(502, "upstream-broken", text)
            }
        })?;
        let (parts, body) = response.into_parts();
        let mut hold = self.server.budget().answers.hold();
        let too_large = || {
            Failure::new(
                502,
                "upstream-too-large",
                format!("the upstream's answer is larger than --max-size ({max} bytes)"),
            )
        };
        let no_memory = || {
            Failure::new(
                503,
                "busy",
                "no memory for the upstream's answer in time (--memory); try again",
            )
        };
        let raw = read_whole(body, max, &mut hold, limits.queue_timeout, |_| {})
            .await
            .map_err(|unread| match unread {
                Unread::TooLarge => too_large(),
                Unread::NoMemory => no_memory(),
                Unread::TooSlow => {
                    Failure::new(502, "upstream-broken", "the upstream's answer stalled")
                }
                Unread::Broken(cause) => Failure::new(
                    502,
                    "upstream-broken",
                    format!("the upstream's answer broke off: {cause}"),
                ),
            })?;
        let mut decoded_hold = self.server.budget().decoded.hold();
        let decoded = decode::decoded(
            &parts.headers,
            &raw,
            max,
            &mut decoded_hold,
            self.config.timeout,
        )
        .await
        .map_err(|unread| match unread {
            Unread::NoMemory => no_memory(),
            _ => too_large(),
        })?;
        Ok(Answer {
            parts,
            raw,
            decoded: decoded.map(|d| (d, decoded_hold)),
            hold,
        })
    }

    async fn handle(&self, exchange: Exchange) -> Reply {
        let Exchange {
            parts,
            target,
            body,
            hold: request_hold,
        } = exchange;
        let path = target.path();
        let query = target.query().unwrap_or("");
        let user_get = matches!(target, Target::Path { .. })
            && path.trim_end_matches('/') == crate::input::API_PATH;
        let Some(uri) = self.config.upstream.uri(&target) else {
            self.send(Msg::Refused);
            return (
                server::error_answer(
                    400,
                    "request-unreadable",
                    "the request's path cannot be forwarded",
                    &[],
                ),
                None,
            );
        };
        let url = match target {
            Target::Path { .. } => uri.to_string(),
            Target::Asterisk => self.config.upstream.origin.clone(),
        };
        let mut headers = parts.headers.clone();
        without_hop_headers(&mut headers);
        // The client's Host names this proxy: the upstream's is set from its URL.
        headers.remove(HOST);
        let mut upstream = Request::new(Full::new(body.clone()));
        *upstream.method_mut() = parts.method.clone();
        *upstream.headers_mut() = headers;
        *upstream.uri_mut() = uri;
        let started = SystemTime::now();
        let clock = Instant::now();
        let answered = tokio::time::timeout(self.config.timeout, self.forward(upstream)).await;
        let Answer {
            parts: mut response_parts,
            raw: response_body,
            decoded,
            hold: answer_hold,
        } = match answered {
            Ok(Ok(answer)) => answer,
            Ok(Err(failure)) => return self.failed(failure),
            Err(_) => {
                return self.failed(Failure::new(
                    502,
                    "upstream-timeout",
                    format!(
                        "the upstream did not answer within {} ms",
                        self.config.timeout.as_millis()
                    ),
                ))
            }
        };
        // Checking and recording build several copies of the bodies: paid for before they
        // are made. Holders of this pool wait on nothing else, so the wait always ends.
        // The answer's memory is given back when both the client has it and its check is
        // done: a large answer is read only once the previous large one is checked.
        let answer_hold = Arc::new(answer_hold);
        let mut check_hold = self.server.budget().checks.hold();
        check_hold.keep(Arc::clone(&answer_hold));
        let size = body.len()
            + decoded
                .as_ref()
                .map_or(response_body.len(), |(d, _)| d.len());
        let paid = check_hold
            .grow(size.saturating_mul(CHECK_COST), self.config.timeout)
            .await;
        if paid {
            let sent = Sent {
                method: parts.method.as_str(),
                url: &url,
                query,
                headers: &parts.headers,
                body: &body,
            };
            let received = Received {
                status: response_parts.status.as_u16(),
                headers: &response_parts.headers,
                body: &response_body,
                decoded: decoded.as_ref().map(|(d, _)| d.as_slice()),
            };
            let entry = self.recording.as_ref().and_then(|scrubber| {
                let mut scrubber = scrubber.lock().ok()?;
                Some(entry::recorded(
                    &sent,
                    &received,
                    started,
                    clock.elapsed(),
                    &mut scrubber,
                ))
            });
            let request = user_get.then(|| entry::request(&sent));
            let mime_type =
                entry::header(&response_parts.headers, hyper::header::CONTENT_TYPE).to_owned();
            let status = i64::from(received.status);
            drop(body);
            // The answer as checked: decompressed, or the bytes as they came (shared with the
            // client's copy, not copied).
            let checked_body = match decoded {
                Some((decoded, decoded_hold)) => {
                    check_hold.merge(decoded_hold);
                    Bytes::from(decoded)
                }
                None => response_body.clone(),
            };
            let forwarded = Forwarded {
                request,
                status,
                mime_type,
                body: checked_body,
                entry,
            };
            // The request's memory is given back with the check's: a large body is read only
            // once the previous large exchange is checked and recorded.
            check_hold.merge(request_hold);
            let fail_on = self.config.fail_on.filter(|_| user_get);
            if let Some(level) = fail_on {
                let (reply, verdict) = tokio::sync::oneshot::channel();
                self.check(forwarded, Some(reply), check_hold).await;
                let briefs = verdict.await.unwrap_or_default();
                if let Some(refusal) = self.verdict(&briefs, level) {
                    return (refusal, None);
                }
            } else {
                self.check(forwarded, None, check_hold).await;
            }
        } else {
            self.send(Msg::Unchecked);
        }
        without_hop_headers(&mut response_parts.headers);
        (
            Response::from_parts(response_parts, Full::new(response_body)),
            Some(answer_hold),
        )
    }

    /// The 502 `--fail-on` answers when some of `briefs` are at `level` or above.
    fn verdict(&self, briefs: &[Brief], level: Severity) -> Option<Response<Body>> {
        let failing: Vec<&Brief> = briefs.iter().filter(|b| b.severity >= level).collect();
        if failing.is_empty() {
            return None;
        }
        self.failed_on
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let named: Vec<Value> = failing
            .iter()
            .map(|b| {
                json!({"code": b.code, "name": b.name, "severity": b.severity.as_str(),
                       "pointer": b.pointer, "message": b.message})
            })
            .collect();
        Some(server::error_answer(
            502,
            "dtlint-findings",
            &format!(
                "dtlint proxy: the upstream's answer has {} {} at {} or above (--fail-on)",
                named.len(),
                if named.len() == 1 {
                    "finding"
                } else {
                    "findings"
                },
                level.as_str()
            ),
            &[("findings", Value::Array(named))],
        ))
    }
}

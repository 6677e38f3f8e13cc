//! The HTTP/1.1 server both commands share: a bounded accept loop on a listener bound before
//! the runtime starts, stopped by Ctrl-C or SIGTERM. Every connection keeps deadlines
//! ([`conn`]), every body is paid for from a memory budget ([`budget`]) before it is held, and
//! a connection past the limit takes the place of one that only waits on its client
//! ([`places`]).

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use std::sync::atomic::{AtomicUsize, Ordering};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

mod body;
mod budget;
mod conn;
mod limits;
mod places;
mod target;

pub(crate) use body::{read_whole, Unread, SMALL};
use budget::Budget;
pub(crate) use budget::Hold;
#[cfg(test)]
pub(crate) use budget::Pool;
use conn::{Conn, Phase, Watched};
pub use limits::{Cut, Limits, Tally};
use places::Places;
pub(crate) use target::Target;

/// The body of every answer either command writes: complete before it is sent.
pub(crate) type Body = Full<Bytes>;

/// The runtime of `mock` and `proxy`: two workers, as many as the machines the benchmark
/// targets have cores.
///
/// # Errors
/// When the operating system refuses its threads or its I/O driver.
pub fn runtime() -> io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}

/// Whether a host (a name or an address, IPv6 with or without brackets) is this machine.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Resolves when the process receives Ctrl-C (SIGINT) or SIGTERM.
pub(crate) async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut term) = signal(SignalKind::terminate()) else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// A request read whole and within its limits, as a handler gets it.
pub(crate) struct Exchange {
    /// Method, URI, version, headers.
    pub parts: hyper::http::request::Parts,
    /// What the request line asks for.
    pub target: Target,
    /// The body, whole.
    pub body: Bytes,
    /// The body's memory, given back when dropped.
    pub hold: Hold,
}

/// A handler's answer and the memory held for it until the client has it.
pub(crate) type Reply = (Response<Body>, Option<Arc<Hold>>);

/// What every connection of one server shares.
#[derive(Debug)]
pub struct Server {
    limits: Arc<Limits>,
    tally: Arc<Tally>,
    budget: Budget,
    places: Places,
    waiting: AtomicUsize,
}

impl Server {
    /// A server with these limits.
    pub fn new(limits: Limits) -> Arc<Self> {
        Arc::new(Self {
            budget: Budget::new(limits.memory),
            limits: Arc::new(limits),
            tally: Arc::new(Tally::default()),
            places: Places::default(),
            waiting: AtomicUsize::new(0),
        })
    }

    /// What was counted so far.
    pub fn tally(&self) -> &Tally {
        &self.tally
    }

    pub(crate) fn limits(&self) -> &Limits {
        &self.limits
    }

    pub(crate) fn budget(&self) -> &Budget {
        &self.budget
    }
}

/// Serves `listener` with `handler` until a stop signal. At most `max_connections` are served
/// at once; one arriving past that takes the place of a connection that only waits on its
/// client, or waits `queue_timeout` for a place and is then refused with 503.
///
/// # Errors
/// When the listener cannot be handed to the runtime.
pub(crate) async fn serve<H, F>(
    listener: std::net::TcpListener,
    server: Arc<Server>,
    handler: H,
) -> io::Result<()>
where
    H: Fn(Exchange) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Reply> + Send + 'static,
{
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let places = Arc::new(Semaphore::new(server.limits.max_connections.max(1)));
    let stop = stop_signal();
    tokio::pin!(stop);
    loop {
        let stream = tokio::select! {
            () = &mut stop => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of descriptors or a connection reset before it was accepted: the
                // listener itself is fine, so serving goes on after a breath.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        if let Ok(place) = Arc::clone(&places).try_acquire_owned() {
            tokio::spawn(connection(
                stream,
                place,
                Arc::clone(&server),
                handler.clone(),
            ));
            continue;
        }
        // Full: a connection that only waits on its client makes room; the newcomer waits
        // its turn behind those already waiting, for a bounded time.
        server.places.evict_one();
        // Waiting costs a descriptor and a task, not a place: room for attackers at several
        // times the limit and the clients among them.
        let waiting = server.limits.max_connections.max(16) * 4;
        if server.waiting.fetch_add(1, Ordering::Relaxed) >= waiting {
            server.waiting.fetch_sub(1, Ordering::Relaxed);
            refuse(&stream, &server.tally);
            continue;
        }
        let places = Arc::clone(&places);
        let server = Arc::clone(&server);
        let handler = handler.clone();
        tokio::spawn(async move {
            let place = wait_for_place(&places, &server).await;
            server.waiting.fetch_sub(1, Ordering::Relaxed);
            match place {
                Some(place) => connection(stream, place, server, handler).await,
                None => refuse(&stream, &server.tally),
            }
        });
    }
}

/// How often a connection waiting for a place asks again for one to be made: a burst of
/// arrivals can find every connection already evicted and not yet gone.
const EVICT_AGAIN: Duration = Duration::from_millis(20);

/// A place within `queue_timeout`, making room as it waits.
async fn wait_for_place(places: &Arc<Semaphore>, server: &Server) -> Option<OwnedSemaphorePermit> {
    // One acquisition for the whole wait keeps this connection's turn in the queue.
    let place = Arc::clone(places).acquire_owned();
    tokio::pin!(place);
    let deadline = tokio::time::sleep(server.limits.queue_timeout);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            place = &mut place => return place.ok(),
            () = &mut deadline => return None,
            () = tokio::time::sleep(EVICT_AGAIN) => {
                server.places.evict_one();
            }
        }
    }
}

/// Answers 503 to a connection that found no place, without waiting for it to read.
fn refuse(stream: &tokio::net::TcpStream, tally: &Tally) {
    tally.count(Cut::Refused);
    let body = r#"{"error":"busy","message":"dtlint: every connection place is taken; try again"}"#;
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.try_write(answer.as_bytes());
}

/// Largest buffer a connection reads into: a request head must fit in it, and 256 of them
/// stay within a few megabytes.
const READ_BUFFER: usize = 64 << 10;

async fn connection<H, F>(
    stream: tokio::net::TcpStream,
    place: OwnedSemaphorePermit,
    server: Arc<Server>,
    handler: H,
) where
    H: Fn(Exchange) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Reply> + Send + 'static,
{
    let conn = Conn::new();
    let _listed = server.places.enter(&conn);
    let io = Watched::new(
        stream,
        Arc::clone(&conn),
        Arc::clone(&server.limits),
        Arc::clone(&server.tally),
    );
    let service = {
        let conn = Arc::clone(&conn);
        let server = Arc::clone(&server);
        hyper::service::service_fn(move |request: Request<Incoming>| {
            conn.enter(Phase::Body);
            let conn = Arc::clone(&conn);
            let server = Arc::clone(&server);
            let handler = handler.clone();
            async move {
                let (response, hold) = exchange(request, &conn, &server, handler).await;
                conn.enter(Phase::Answer);
                Ok::<_, Infallible>(response.map(|body| Tracked {
                    body,
                    conn,
                    _hold: hold,
                }))
            }
        })
    };
    let serving = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        // The connection's own deadlines (`conn`) cover the head, and the idle wait.
        .header_read_timeout(None)
        .max_buf_size(READ_BUFFER)
        .serve_connection(TokioIo::new(io), service);
    tokio::select! {
        _ = serving => {}
        () = conn.evicted() => server.tally.count(Cut::Evicted),
    }
    drop(place);
}

/// Reads the request's target and body within their limits, then hands them to `handler`.
async fn exchange<H, F>(
    request: Request<Incoming>,
    conn: &Arc<Conn>,
    server: &Server,
    handler: H,
) -> Reply
where
    H: Fn(Exchange) -> F,
    F: Future<Output = Reply>,
{
    let (parts, body) = request.into_parts();
    let target = match Target::read(&parts.method, &parts.uri) {
        Ok(target) => target,
        Err((status, kind, message)) => {
            server.tally.reject();
            return (closing(error_answer(status, kind, message, &[])), None);
        }
    };
    let limits = &server.limits;
    let mut hold = server.budget.requests.hold();
    let read = read_whole(body, limits.max_size, &mut hold, limits.body_timeout, |t| {
        conn.paused(t);
    })
    .await;
    let body = match read {
        Ok(body) => body,
        Err(unread) => {
            server.tally.reject();
            let answer = match unread {
                Unread::TooLarge => error_answer(
                    413,
                    "request-too-large",
                    &format!(
                        "the request body is larger than --max-size ({} bytes)",
                        limits.max_size
                    ),
                    &[],
                ),
                Unread::TooSlow => error_answer(
                    408,
                    "request-timeout",
                    "the request body came slower than --body-min-rate",
                    &[],
                ),
                Unread::NoMemory => {
                    server.tally.count(Cut::Memory);
                    error_answer(
                        503,
                        "busy",
                        "dtlint: no memory for the request body in time (--memory); try again",
                        &[],
                    )
                }
                Unread::Broken(cause) => error_answer(
                    400,
                    "request-unreadable",
                    &format!("the request body could not be read: {cause}"),
                    &[],
                ),
            };
            return (closing(answer), None);
        }
    };
    conn.enter(Phase::Working);
    handler(Exchange {
        parts,
        target,
        body,
        hold,
    })
    .await
}

/// An answer after which the connection closes: what is left of the request cannot be read.
fn closing(mut response: Response<Body>) -> Response<Body> {
    response.headers_mut().insert(
        hyper::header::CONNECTION,
        hyper::header::HeaderValue::from_static("close"),
    );
    response
}

/// An answer's body that tells its connection when the socket has it, and keeps the memory
/// held for it until then.
struct Tracked {
    body: Body,
    conn: Arc<Conn>,
    _hold: Option<Arc<Hold>>,
}

impl hyper::body::Body for Tracked {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, Infallible>>> {
        std::pin::Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.body.size_hint()
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.conn.answered();
    }
}

/// A JSON answer of dtlint's own (not the upstream's), with its status.
pub(crate) fn json_answer(status: u16, body: String) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::BAD_GATEWAY);
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}

/// dtlint's own error answer: `{"error": kind, "message": …}` plus `extra` members.
pub(crate) fn error_answer(
    status: u16,
    kind: &str,
    message: &str,
    extra: &[(&str, serde_json::Value)],
) -> Response<Body> {
    let mut body = serde_json::Map::new();
    body.insert("error".into(), kind.into());
    body.insert("message".into(), message.into());
    for (name, value) in extra {
        body.insert((*name).into(), value.clone());
    }
    json_answer(status, serde_json::Value::Object(body).to_string())
}

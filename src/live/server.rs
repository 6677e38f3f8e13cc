//! The HTTP/1.1 server both commands share: a bounded accept loop on a listener bound before
//! the runtime starts, stopped by Ctrl-C or SIGTERM.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::Semaphore;

/// The body of every answer either command writes: complete before it is sent.
pub(crate) type Body = Full<Bytes>;

/// A client that sends no complete request head within this time is disconnected, so idle or
/// slow connections cannot hold the connection limit.
const HEAD_TIMEOUT: Duration = Duration::from_secs(30);

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

/// Serves `listener` with `handler` until a stop signal, with at most `max` connections open:
/// the next is accepted only when one closes (the rest wait in the kernel's backlog).
///
/// # Errors
/// When the listener cannot be handed to the runtime.
pub(crate) async fn serve<H, F>(
    listener: std::net::TcpListener,
    max: usize,
    handler: H,
) -> io::Result<()>
where
    H: Fn(Request<Incoming>) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Response<Body>> + Send + 'static,
{
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let permits = Arc::new(Semaphore::new(max.max(1)));
    let stop = stop_signal();
    tokio::pin!(stop);
    loop {
        let permit = tokio::select! {
            () = &mut stop => return Ok(()),
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => return Ok(()),
            },
        };
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
        let handler = handler.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let answer = handler(request);
                async move { Ok::<_, Infallible>(answer.await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEAD_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            drop(permit);
        });
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
    extra: Option<(&str, serde_json::Value)>,
) -> Response<Body> {
    let mut body = serde_json::Map::new();
    body.insert("error".into(), kind.into());
    body.insert("message".into(), message.into());
    if let Some((name, value)) = extra {
        body.insert(name.into(), value);
    }
    json_answer(status, serde_json::Value::Object(body).to_string())
}

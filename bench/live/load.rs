//! The live bench's load: user/get calls over keep-alive HTTP/1.1 connections, plain or TLS,
//! one client in sequence (latency) or many at once (throughput).

use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use tokio_rustls::rustls::pki_types::ServerName;

use crate::servers::cpu_ticks;

/// The token the mock is started with (`--token`): it never expires.
pub const TOKEN: &str = "bench-token";
/// Concurrent keep-alive clients of a throughput round.
pub const CLIENTS: usize = 16;
/// Longest a call may take before the bench gives up.
const CALL_LIMIT: Duration = Duration::from_secs(10);
/// The pause after a throughput round before its CPU is read.
const SETTLE: Duration = Duration::from_millis(300);

pub type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

/// Where a side's clients call: an address, over TLS when `tls` is set.
#[derive(Clone)]
pub struct Endpoint {
    pub address: String,
    /// The connector and the name the server's certificate is for (sent as SNI).
    pub tls: Option<(tokio_rustls::TlsConnector, ServerName<'static>)>,
}

impl Endpoint {
    pub fn plain(address: &str) -> Self {
        Self {
            address: address.to_owned(),
            tls: None,
        }
    }
}

pub async fn connect(endpoint: &Endpoint) -> Sender {
    let address = &endpoint.address;
    let stream = tokio::time::timeout(CALL_LIMIT, tokio::net::TcpStream::connect(address))
        .await
        .unwrap_or_else(|_| panic!("connecting to {address} took over {CALL_LIMIT:?}"))
        .unwrap();
    stream.set_nodelay(true).unwrap();
    match &endpoint.tls {
        None => handshake(stream).await,
        Some((connector, name)) => {
            let tls = tokio::time::timeout(CALL_LIMIT, connector.connect(name.clone(), stream))
                .await
                .unwrap_or_else(|_| panic!("TLS with {address} took over {CALL_LIMIT:?}"))
                .unwrap_or_else(|e| panic!("TLS with {address}: {e}"));
            handshake(tls).await
        }
    }
}

/// HTTP/1.1 over `io`, its connection driven by a task of its own.
async fn handshake<T>(io: T) -> Sender
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin + 'static,
{
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(io))
        .await
        .unwrap();
    tokio::spawn(connection);
    sender
}

/// An answer as the bench compares it: status, Content-Type and body.
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: Bytes,
}

/// One user/get call, the n-th of its client.
pub async fn send(sender: &mut Sender, address: &str, n: usize) -> Answer {
    // Users 9, 19, … are DingTalk-built Enterprise Accounts found by sign-in name.
    let body = format!("login_id=user{}", n % 20 * 10 + 9);
    let request = hyper::Request::post(format!(
        "http://{address}/topapi/v2/user/get?access_token={TOKEN}"
    ))
    .header("host", address)
    .header("content-type", "application/x-www-form-urlencoded")
    .body(Full::new(Bytes::from(body)))
    .unwrap();
    let exchange = async {
        sender.ready().await.unwrap();
        let response = sender.send_request(request).await.unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            content_type,
            body,
        }
    };
    tokio::time::timeout(CALL_LIMIT, exchange)
        .await
        .unwrap_or_else(|_| panic!("a call to {address} took over {CALL_LIMIT:?}"))
}

/// One call that must succeed.
async fn call(sender: &mut Sender, address: &str, n: usize) {
    let answer = send(sender, address, n).await;
    assert_eq!(answer.status, 200, "{address}: {:?}", answer.body);
    assert!(
        answer.body.starts_with(b"{\"errcode\":0"),
        "{address}: {:?}",
        answer.body
    );
}

/// `calls` calls in sequence on one connection, each one's time appended to `times`.
pub async fn sequential(endpoint: &Endpoint, calls: usize, times: &mut Vec<Duration>) {
    let mut sender = connect(endpoint).await;
    let address = &endpoint.address;
    for n in 0..calls {
        let started = Instant::now();
        call(&mut sender, address, n).await;
        times.push(started.elapsed());
    }
}

/// What a throughput round measured.
pub struct Round {
    /// Requests per second.
    pub rate: f64,
    /// Exchanges completed.
    pub exchanges: u64,
    /// CPU ticks each group of processes used meanwhile.
    pub ticks: Vec<u64>,
}

/// Requests per second of `CLIENTS` keep-alive clients for `seconds`, and the CPU ticks each
/// group of `processes` used meanwhile. Every client connects first, so the timed part holds
/// requests alone on every side.
pub async fn throughput(endpoint: &Endpoint, seconds: f64, processes: &[&[u32]]) -> Round {
    let address = &endpoint.address;
    let mut senders = Vec::with_capacity(CLIENTS);
    for _ in 0..CLIENTS {
        senders.push(connect(endpoint).await);
    }
    let before: Vec<u64> = processes.iter().map(|p| cpu_ticks(p)).collect();
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
                    #[allow(clippy::cast_possible_truncation)]
                    call(&mut sender, &address, c + done as usize).await;
                    done += 1;
                }
                done
            })
        })
        .collect();
    let mut exchanges = 0;
    for task in tasks {
        exchanges += task.await.unwrap();
    }
    let took = started.elapsed().as_secs_f64();
    // A moment for work a server does after its last answer went out (a check, a recording
    // entry), so it counts in this round and not the next side's.
    tokio::time::sleep(SETTLE).await;
    let ticks = processes
        .iter()
        .zip(before)
        .map(|(p, b)| cpu_ticks(p).saturating_sub(b))
        .collect();
    #[allow(clippy::cast_precision_loss)]
    let rate = exchanges as f64 / took;
    Round {
        rate,
        exchanges,
        ticks,
    }
}

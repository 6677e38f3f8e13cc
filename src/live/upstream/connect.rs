//! The connector the proxy's HTTP client opens upstream connections with: `--connect-to`,
//! `--resolve` or DNS, TCP, the egress tunnel, then TLS with the upstream's name as SNI, each
//! step under its own deadline and each failure named by its cause. It counts what it opens, so
//! the summary shows that a handshake is paid per connection, not per call.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::Uri;
use hyper_util::client::legacy::connect::{Connected, Connection};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::TlsConnector;

use super::egress::{self, Egress};
use super::failure::{ConnectFailure, Hop};
use super::route::Routes;
use super::trust::Trust;

/// How the proxy reaches its upstream: trust, egress, routes and the deadline of each step.
pub struct Reach {
    /// The roots the upstream's certificate is checked against.
    pub trust: Trust,
    /// The egress proxy, if the upstream is reached through one.
    pub egress: Egress,
    /// `--connect-to` and `--resolve`.
    pub routes: Routes,
    /// For each step of opening a connection: TCP, the tunnel, the TLS handshake.
    pub connect_timeout: Duration,
}

/// What the connector opened, for the summary.
#[derive(Debug, Default)]
pub struct Opened {
    /// Connections opened (each is then reused while the upstream keeps it).
    pub connections: AtomicU64,
    /// TLS handshakes completed: one per connection to an https:// upstream.
    pub tls_handshakes: AtomicU64,
    /// Connections made through the egress proxy's CONNECT.
    pub tunnels: AtomicU64,
    /// Connections on which the upstream chose HTTP/2 by ALPN.
    pub http2: AtomicU64,
}

impl Opened {
    /// In words, or None when nothing was opened.
    pub fn describe(&self) -> Option<String> {
        use crate::report::count;
        let connections = self.connections.load(Ordering::Relaxed);
        if connections == 0 {
            return None;
        }
        let mut text = count(connections, "upstream connection", "upstream connections");
        let handshakes = self.tls_handshakes.load(Ordering::Relaxed);
        let mut parts = Vec::new();
        if handshakes > 0 {
            parts.push(count(handshakes, "TLS handshake", "TLS handshakes"));
        }
        let tunnels = self.tunnels.load(Ordering::Relaxed);
        if tunnels > 0 {
            parts.push(format!("{tunnels} through the egress proxy"));
        }
        let http2 = self.http2.load(Ordering::Relaxed);
        if http2 > 0 {
            parts.push(format!("{http2} HTTP/2"));
        }
        if !parts.is_empty() {
            text.push_str(&format!(" ({})", parts.join(", ")));
        }
        Some(text)
    }
}

/// Opens upstream connections for hyper-util's client, which pools and reuses them.
#[derive(Clone)]
pub struct Connector {
    inner: Arc<Inner>,
}

struct Inner {
    tls: TlsConnector,
    egress: Egress,
    routes: Routes,
    timeout: Duration,
    opened: Opened,
}

impl Connector {
    /// # Errors
    /// When TLS cannot be set up with these roots.
    pub fn new(reach: Reach) -> Result<Self, String> {
        let config = reach.trust.client_config()?;
        Ok(Self {
            inner: Arc::new(Inner {
                tls: TlsConnector::from(Arc::new(config)),
                egress: reach.egress,
                routes: reach.routes,
                timeout: reach.connect_timeout,
                opened: Opened::default(),
            }),
        })
    }
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connector")
            .field("opened", &self.inner.opened)
            .finish_non_exhaustive()
    }
}

impl Connector {
    /// What it opened so far.
    pub fn opened(&self) -> &Opened {
        &self.inner.opened
    }
}

impl tower_service::Service<Uri> for Connector {
    type Response = Stream;
    type Error = ConnectFailure;
    type Future = Pin<Box<dyn Future<Output = Result<Stream, ConnectFailure>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), ConnectFailure>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let inner = Arc::clone(&self.inner);
        Box::pin(async move { inner.open(&uri).await })
    }
}

impl Inner {
    async fn open(&self, uri: &Uri) -> Result<Stream, ConnectFailure> {
        let host = uri.host().ok_or_else(|| {
            ConnectFailure::new(Hop::Network, "no-host", format!("{uri} names no host"))
        })?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let https = uri.scheme_str() == Some("https");
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let (to_host, to_port) = self.routes.connect_to(host, port);
        let io: Box<dyn Io> = match self.egress.route(uri) {
            None => Box::new(self.tcp(&to_host, to_port, "the upstream").await?),
            Some(proxy) => {
                let (proxy_host, proxy_port) = (
                    proxy.uri().host().unwrap_or_default().to_owned(),
                    proxy.uri().port_u16().unwrap_or(80),
                );
                // The egress proxy itself out of reach is the egress hop's failure.
                let tcp = self
                    .tcp(&proxy_host, proxy_port, "the egress proxy")
                    .await
                    .map_err(|failure| ConnectFailure {
                        hop: Hop::Egress,
                        ..failure
                    })?;
                let target = if to_host.contains(':') {
                    format!("[{to_host}]:{to_port}")
                } else {
                    format!("{to_host}:{to_port}")
                };
                let tunnel = tokio::time::timeout(self.timeout, egress::tunnel(tcp, &proxy, &target))
                    .await
                    .map_err(|_| {
                        ConnectFailure::new(
                            Hop::Egress,
                            "proxy-timeout",
                            format!(
                                "the egress proxy did not open the tunnel to {target} within {} ms (--connect-timeout)",
                                self.timeout.as_millis()
                            ),
                        )
                    })??;
                self.opened.tunnels.fetch_add(1, Ordering::Relaxed);
                Box::new(TokioIo::new(tunnel))
            }
        };
        self.opened.connections.fetch_add(1, Ordering::Relaxed);
        if !https {
            return Ok(Stream::new(io, false));
        }
        // SNI and the certificate's check use the upstream's name, wherever the TCP went.
        let name = ServerName::try_from(host.to_owned()).map_err(|e| {
            ConnectFailure::new(Hop::Tls, "bad-name", format!("TLS with {host}: {e}"))
        })?;
        let tls = tokio::time::timeout(self.timeout, self.tls.connect(name, io))
            .await
            .map_err(|_| {
                ConnectFailure::new(
                    Hop::Tls,
                    "handshake-timeout",
                    format!(
                        "TLS with {host}: the handshake did not complete within {} ms (--connect-timeout)",
                        self.timeout.as_millis()
                    ),
                )
            })?
            .map_err(|e| ConnectFailure::tls(host, &e))?;
        self.opened.tls_handshakes.fetch_add(1, Ordering::Relaxed);
        let http2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
        if http2 {
            self.opened.http2.fetch_add(1, Ordering::Relaxed);
        }
        Ok(Stream::new(Box::new(tls), http2))
    }

    /// A TCP connection to `host:port`: `--resolve`'s addresses or DNS's, tried in turn.
    async fn tcp(&self, host: &str, port: u16, what: &str) -> Result<TcpStream, ConnectFailure> {
        let addresses: Vec<SocketAddr> = match self.routes.resolved(host, port) {
            Some(addresses) => addresses,
            None => match tokio::time::timeout(self.timeout, tokio::net::lookup_host((host, port)))
                .await
            {
                Ok(Ok(found)) => found.collect(),
                Ok(Err(e)) => {
                    return Err(ConnectFailure::new(
                        Hop::Network,
                        "dns",
                        format!("cannot find {what} {host}: {e}"),
                    ))
                }
                Err(_) => {
                    return Err(ConnectFailure::new(
                        Hop::Network,
                        "dns-timeout",
                        format!(
                            "finding {what} {host} took over {} ms",
                            self.timeout.as_millis()
                        ),
                    ))
                }
            },
        };
        let mut last =
            ConnectFailure::new(Hop::Network, "dns", format!("{what} {host} has no address"));
        for address in addresses {
            match tokio::time::timeout(self.timeout, TcpStream::connect(address)).await {
                Ok(Ok(stream)) => {
                    // Requests go out whole: Nagle's algorithm could only hold them back.
                    let _ = stream.set_nodelay(true);
                    return Ok(stream);
                }
                Ok(Err(e)) => {
                    let reason = if e.kind() == io::ErrorKind::ConnectionRefused {
                        "refused"
                    } else {
                        "connect-failed"
                    };
                    last = ConnectFailure::new(
                        Hop::Network,
                        reason,
                        format!("cannot connect to {what} {host} at {address}: {e}"),
                    );
                }
                Err(_) => {
                    last = ConnectFailure::new(
                        Hop::Network,
                        "connect-timeout",
                        format!(
                            "connecting to {what} {host} at {address} took over {} ms (--connect-timeout)",
                            self.timeout.as_millis()
                        ),
                    );
                }
            }
        }
        Err(last)
    }
}

/// A byte stream the connector can return: TCP, a tunnel, or TLS over either.
trait Io: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

/// An open upstream connection (TCP, a tunnel, or TLS over either), as hyper's client reads
/// and writes it.
pub struct Stream {
    io: TokioIo<Box<dyn Io>>,
    http2: bool,
}

impl Stream {
    fn new(io: Box<dyn Io>, http2: bool) -> Self {
        Self {
            io: TokioIo::new(io),
            http2,
        }
    }
}

impl Connection for Stream {
    fn connected(&self) -> Connected {
        let connected = Connected::new();
        if self.http2 {
            connected.negotiated_h2()
        } else {
            connected
        }
    }
}

impl hyper::rt::Read for Stream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for Stream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }
}

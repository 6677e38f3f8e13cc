//! The proxy's real path (issue 28), end to end on loopback: an HTTPS upstream named
//! `oapi.dingtalk.com` (reached with `--connect-to` or `--resolve`, certificates from a test CA
//! made here with rcgen), the trust it checks (system store, `--upstream-ca`), TLS failures
//! answered 502 with their reason, HTTP/2 by ALPN, and an egress proxy crossed with CONNECT.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use serde_json::Value;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{self, ServerConfig};

use super::live::{
    call, canned_upstream, client, ndjson_findings, runtime, user_get, Server, CLEAN, DEFECTIVE,
    TOKEN, WATCHDOG,
};

pub(super) const HOST: &str = "oapi.dingtalk.com";

/// A certificate authority made for one test.
struct Authority {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl Authority {
    fn new(name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().expect("key");
        Self {
            issuer: CertifiedIssuer::self_signed(params, key).expect("CA"),
        }
    }

    fn pem(&self) -> String {
        self.issuer.pem()
    }

    /// A server configuration with a certificate for `name`, valid from `from` to `until`
    /// days around today, offering `alpn`.
    fn server(&self, name: &str, from: i64, until: i64, alpn: &[&[u8]]) -> Arc<ServerConfig> {
        let mut params = CertificateParams::new(vec![name.to_owned()]).expect("params");
        params.distinguished_name.push(DnType::CommonName, name);
        valid(&mut params, from, until);
        let key = KeyPair::generate().expect("key");
        let certificate = params.signed_by(&key, &self.issuer).expect("signed");
        let chain = vec![certificate.der().clone(), self.issuer.der().clone()];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .expect("server config");
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        Arc::new(config)
    }
}

/// Makes `params` valid from `from` to `until` days from now (before now when negative).
fn valid(params: &mut CertificateParams, from: i64, until: i64) {
    let now = rcgen::date_time_ymd(1970, 1, 1)
        + std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock");
    let at = |days: i64| {
        let span = Duration::from_secs(days.unsigned_abs() * 86_400);
        if days < 0 {
            now - span
        } else {
            now + span
        }
    };
    params.not_before = at(from);
    params.not_after = at(until);
}

/// What the test platform does with the next connection.
#[derive(Clone)]
pub(super) enum Mode {
    /// TLS with this configuration, then HTTP (HTTP/2 when ALPN chose it).
    Tls(Arc<ServerConfig>),
    /// Accepts the TCP connection and never answers the ClientHello.
    Stall,
}

/// What the platform saw.
#[derive(Default)]
struct Seen {
    tcp: AtomicU64,
    handshakes: AtomicU64,
    /// (SNI, Host or :authority, HTTP version) of each request.
    requests: Mutex<Vec<(String, String, String)>>,
}

/// A TLS stand-in for the platform on 127.0.0.1: answers user/get with [`DEFECTIVE`] for
/// `userid=10000000000000002` and [`CLEAN`] otherwise, byte for byte as the canned upstream does.
pub(super) struct Platform {
    pub(super) port: u16,
    mode: Arc<Mutex<Mode>>,
    /// Answer `connection: close`, so that the proxy must open the next connection anew.
    close: Arc<AtomicBool>,
    seen: Arc<Seen>,
}

impl Platform {
    pub(super) fn start(rt: &tokio::runtime::Runtime, mode: Mode) -> Self {
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let port = listener.local_addr().expect("address").port();
        let mode = Arc::new(Mutex::new(mode));
        let close = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(Seen::default());
        let (m, c, s) = (Arc::clone(&mode), Arc::clone(&close), Arc::clone(&seen));
        rt.spawn(async move {
            let mut stalled = Vec::new();
            while let Ok((tcp, _)) = listener.accept().await {
                s.tcp.fetch_add(1, Ordering::Relaxed);
                let current = m.lock().expect("lock").clone();
                match current {
                    Mode::Stall => stalled.push(tcp),
                    Mode::Tls(config) => {
                        let (c, s) = (Arc::clone(&c), Arc::clone(&s));
                        tokio::spawn(serve_tls(tcp, config, c, s));
                    }
                }
            }
        });
        Self {
            port,
            mode,
            close,
            seen,
        }
    }

    fn set(&self, mode: Mode) {
        *self.mode.lock().expect("lock") = mode;
    }

    fn handshakes(&self) -> u64 {
        self.seen.handshakes.load(Ordering::Relaxed)
    }

    pub(super) fn requests(&self) -> Vec<(String, String, String)> {
        self.seen.requests.lock().expect("lock").clone()
    }

    /// `--connect-to` sending oapi.dingtalk.com:443 here.
    pub(super) fn connect_to(&self) -> String {
        format!("{HOST}:443:127.0.0.1:{}", self.port)
    }
}

async fn serve_tls(
    tcp: tokio::net::TcpStream,
    config: Arc<ServerConfig>,
    close: Arc<AtomicBool>,
    seen: Arc<Seen>,
) {
    let Ok(tls) = tokio_rustls::TlsAcceptor::from(config).accept(tcp).await else {
        return;
    };
    seen.handshakes.fetch_add(1, Ordering::Relaxed);
    let sni = tls.get_ref().1.server_name().unwrap_or("").to_owned();
    let http2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
    let service =
        hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
            let (sni, seen, close) = (sni.clone(), Arc::clone(&seen), Arc::clone(&close));
            async move {
                let host = request
                    .headers()
                    .get(hyper::header::HOST)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
                    .or_else(|| request.uri().authority().map(ToString::to_string))
                    .unwrap_or_default();
                let version = format!("{:?}", request.version());
                seen.requests
                    .lock()
                    .expect("lock")
                    .push((sni, host, version));
                let body = request.into_body().collect().await?.to_bytes();
                let answer = if String::from_utf8_lossy(&body).contains("userid=10000000000000002")
                {
                    DEFECTIVE
                } else {
                    CLEAN
                };
                let mut response = hyper::Response::builder()
                    .header("content-type", "application/json;charset=UTF-8");
                if close.load(Ordering::Relaxed) {
                    response = response.header("connection", "close");
                }
                Ok::<_, hyper::Error>(
                    response
                        .body(Full::new(Bytes::from_static(answer.as_bytes())))
                        .expect("response"),
                )
            }
        });
    let io = hyper_util::rt::TokioIo::new(tls);
    if http2 {
        let _ = hyper::server::conn::http2::Builder::new(hyper_util::rt::TokioExecutor::new())
            .serve_connection(io, service)
            .await;
    } else {
        let _ = hyper::server::conn::http1::Builder::new()
            .serve_connection(io, service)
            .await;
    }
}

/// One test's certificates: `ca.pem` (trusted with `--upstream-ca`) and the platform's
/// configurations.
pub(super) struct Certificates {
    pub(super) good: Arc<ServerConfig>,
    good_h2: Arc<ServerConfig>,
    expired: Arc<ServerConfig>,
    wrong_name: Arc<ServerConfig>,
    unknown_issuer: Arc<ServerConfig>,
}

pub(super) fn certificates(dir: &Path) -> Certificates {
    let trusted = Authority::new("dtlint test CA");
    let stranger = Authority::new("an authority nobody trusts");
    std::fs::write(dir.join("ca.pem"), trusted.pem()).expect("write ca.pem");
    let h1: &[&[u8]] = &[b"http/1.1"];
    Certificates {
        good: trusted.server(HOST, -1, 30, h1),
        good_h2: trusted.server(HOST, -1, 30, &[b"h2", b"http/1.1"]),
        expired: trusted.server(HOST, -400, -35, h1),
        wrong_name: trusted.server("open.example.org", -1, 30, h1),
        unknown_issuer: stranger.server(HOST, -1, 30, h1),
    }
}

/// A test's folder (with `ca.pem`), runtime, certificates and platform, started as `mode` says.
fn setup(
    mode: impl Fn(&Certificates) -> Mode,
) -> (
    tempfile::TempDir,
    tokio::runtime::Runtime,
    Certificates,
    Platform,
) {
    let dir = tempfile::tempdir().expect("temp");
    let rt = runtime();
    let certs = certificates(dir.path());
    let platform = Platform::start(&rt, mode(&certs));
    (dir, rt, certs, platform)
}

/// `dtlint proxy` to https://oapi.dingtalk.com for a third-party app, with `extra`.
pub(super) fn proxy_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    proxy_to("https://oapi.dingtalk.com", extra)
}

fn proxy_to<'a>(upstream: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "proxy",
        "--upstream",
        upstream,
        "--listen",
        "127.0.0.1:0",
        "--no-profile",
        "--app-type",
        "third-party",
    ];
    args.extend_from_slice(extra);
    args
}

fn json(body: &[u8]) -> Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(body)))
}

/// The findings as (rule, pointer, entry), for comparing two runs.
fn keys(findings: &[Value]) -> Vec<(String, String, String)> {
    findings
        .iter()
        .map(|f| {
            (
                f["rule"].to_string(),
                f["pointer"].to_string(),
                f["entry"].to_string(),
            )
        })
        .collect()
}

const CALLS: [&str; 4] = [
    "userid=10000000000000001",
    "userid=10000000000000002",
    "userid=10000000000000001",
    "userid=10000000000000001",
];

#[test]
fn https_to_a_named_upstream_is_byte_for_byte_checked_recorded_and_kept_alive() {
    let (dir, rt, _, platform) = setup(|certs| Mode::Tls(Arc::clone(&certs.good)));
    let connect_to = platform.connect_to();
    let proxy = Server::start(
        dir.path(),
        &proxy_args(&[
            "--connect-to",
            &connect_to,
            "--upstream-ca",
            "ca.pem",
            "--format",
            "ndjson",
            "--output",
            "tls.ndjson",
            "--record",
            "tls.har",
        ]),
    );
    // The same calls through a proxy in front of the canned plain-HTTP upstream.
    let plain_upstream = canned_upstream();
    let plain = Server::start(
        dir.path(),
        &proxy_to(
            &plain_upstream,
            &["--format", "ndjson", "--output", "plain.ndjson"],
        ),
    );
    let (tls_base, plain_base) = (
        format!("http://{}", proxy.address),
        format!("http://{}", plain.address),
    );
    rt.block_on(async {
        let client = client();
        for form in CALLS {
            let over_tls = call(&client, "POST", &user_get(&tls_base), form).await;
            let over_http = call(&client, "POST", &user_get(&plain_base), form).await;
            let expected = if form.ends_with('2') {
                DEFECTIVE
            } else {
                CLEAN
            };
            assert_eq!(over_tls.0, 200, "{:?}", over_tls.2);
            assert_eq!(over_tls.1, "application/json;charset=UTF-8");
            assert_eq!(
                &over_tls.2[..],
                expected.as_bytes(),
                "byte for byte over TLS"
            );
            assert_eq!(over_tls, over_http, "the same answer as over plain HTTP");
        }
    });
    let (code, stderr) = proxy.stop();
    let (plain_code, _) = plain.stop();
    assert_eq!((code, plain_code), (1, 1), "{stderr}");
    // Where it went and how, said at start-up.
    assert!(
        stderr.contains("upstream https://oapi.dingtalk.com; TLS trusting ")
            && stderr.contains(" + 1 from --upstream-ca ca.pem; direct (no HTTPS_PROXY)"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("--connect-to {connect_to}")),
        "{stderr}"
    );
    // One connection, one handshake, for all four calls.
    assert!(
        stderr.contains("1 upstream connection (1 TLS handshake)"),
        "{stderr}"
    );
    assert_eq!(platform.handshakes(), 1);
    let requests = platform.requests();
    assert_eq!(requests.len(), CALLS.len());
    for (sni, host, version) in &requests {
        assert_eq!(
            (sni.as_str(), host.as_str(), version.as_str()),
            (HOST, HOST, "HTTP/1.1")
        );
    }
    // The findings are those of plain HTTP.
    let over_tls = ndjson_findings(&dir.path().join("tls.ndjson"));
    let over_http = ndjson_findings(&dir.path().join("plain.ndjson"));
    assert!(
        over_tls
            .iter()
            .any(|f| f["pointer"] == "/result/mobile" && f["entry"] == 1),
        "{over_tls:?}"
    );
    assert_eq!(keys(&over_tls), keys(&over_http));
    // The recording names the platform's URLs, without the token.
    let recorded = std::fs::read_to_string(dir.path().join("tls.har")).expect("recording");
    assert!(!recorded.contains(TOKEN));
    let har: Value = serde_json::from_str(&recorded).expect("HAR");
    let urls: Vec<&str> = har["log"]["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["request"]["url"].as_str())
        .collect();
    assert_eq!(urls.len(), CALLS.len());
    for url in urls {
        assert!(
            url.starts_with("https://oapi.dingtalk.com/topapi/v2/user/get?access_token="),
            "{url}"
        );
    }
}

#[test]
fn tls_failures_are_502_with_their_reason_and_the_next_good_call_is_served() {
    let (dir, rt, certs, platform) = setup(|_| Mode::Stall);
    // Each answer closes its connection, so each failure below is met on a new handshake.
    platform.close.store(true, Ordering::Relaxed);
    let connect_to = platform.connect_to();
    let proxy = Server::start(
        dir.path(),
        &proxy_args(&[
            "--connect-to",
            &connect_to,
            "--upstream-ca",
            "ca.pem",
            "--connect-timeout",
            "0.5",
        ]),
    );
    let base = format!("http://{}", proxy.address);
    let cases = [
        (
            Mode::Stall,
            "handshake-timeout",
            "did not complete within 500 ms",
        ),
        (
            Mode::Tls(Arc::clone(&certs.expired)),
            "expired",
            "has expired",
        ),
        (
            Mode::Tls(Arc::clone(&certs.wrong_name)),
            "name-mismatch",
            "not valid for this name",
        ),
        (
            Mode::Tls(Arc::clone(&certs.unknown_issuer)),
            "unknown-issuer",
            "--upstream-ca",
        ),
    ];
    rt.block_on(async {
        let client = client();
        for (mode, reason, says) in cases {
            platform.set(mode);
            let (status, content_type, body) =
                call(&client, "POST", &user_get(&base), CALLS[0]).await;
            assert_eq!((status, content_type.as_str()), (502, "application/json"));
            let answer = json(&body);
            assert_eq!(answer["error"], "upstream-tls", "{answer}");
            assert_eq!(answer["reason"], reason, "{answer}");
            assert_eq!(answer["upstream"], "https://oapi.dingtalk.com");
            let message = answer["message"].as_str().unwrap_or("");
            assert!(
                message.contains("TLS with oapi.dingtalk.com") && message.contains(says),
                "{message}"
            );
            platform.set(Mode::Tls(Arc::clone(&certs.good)));
            let (status, _, body) = call(&client, "POST", &user_get(&base), CALLS[0]).await;
            assert_eq!(status, 200, "the next good call is served after {reason}");
            assert_eq!(&body[..], CLEAN.as_bytes());
        }
    });
    let (code, stderr) = proxy.stop();
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("4 user/get exchanges checked")
            && stderr.contains("4 upstream failures (4 TLS)"),
        "{stderr}"
    );
}

#[test]
fn the_system_trust_store_is_used_by_default() {
    let (dir, rt, _, platform) = setup(|certs| Mode::Tls(Arc::clone(&certs.good)));
    let connect_to = platform.connect_to();
    let ca = dir.path().join("ca.pem");
    let ca = ca.to_str().expect("utf-8 path");
    // The test CA as the system's store (SSL_CERT_FILE, as OpenSSL reads it): no flag needed.
    let trusting = Server::start_with(
        dir.path(),
        &proxy_args(&["--connect-to", &connect_to]),
        &[("SSL_CERT_FILE", ca), ("SSL_CERT_DIR", "")],
    );
    // The machine's own store does not know the test CA.
    let stranger = Server::start(dir.path(), &proxy_args(&["--connect-to", &connect_to]));
    // A store named but not there: the bundled roots, saying why, and --upstream-ca on top.
    let unreadable = Server::start_with(
        dir.path(),
        &proxy_args(&["--connect-to", &connect_to, "--upstream-ca", "ca.pem"]),
        &[
            ("SSL_CERT_FILE", "no-such-bundle.pem"),
            ("SSL_CERT_DIR", ""),
        ],
    );
    rt.block_on(async {
        let client = client();
        let base = format!("http://{}", unreadable.address);
        let (status, _, body) = call(&client, "POST", &user_get(&base), CALLS[0]).await;
        assert_eq!((status, &body[..]), (200, CLEAN.as_bytes()));
        let base = format!("http://{}", trusting.address);
        let (status, _, body) = call(&client, "POST", &user_get(&base), CALLS[0]).await;
        assert_eq!((status, &body[..]), (200, CLEAN.as_bytes()));
        let base = format!("http://{}", stranger.address);
        let (status, _, body) = call(&client, "POST", &user_get(&base), CALLS[0]).await;
        assert_eq!(status, 502);
        assert_eq!(json(&body)["reason"], "unknown-issuer");
    });
    let (_, trusting_said) = trusting.stop();
    assert!(
        trusting_said.contains("TLS trusting 1 root from the system's trust store (SSL_CERT_FILE="),
        "{trusting_said}"
    );
    let (_, unreadable_said) = unreadable.stop();
    assert!(
        unreadable_said.contains("bundled Mozilla roots (no system trust store: ")
            && unreadable_said.contains("no-such-bundle.pem")
            && unreadable_said.contains(") + 1 from --upstream-ca ca.pem;"),
        "{unreadable_said}"
    );
    let (_, stranger_said) = stranger.stop();
    assert!(
        stranger_said.contains("roots from the system's trust store")
            || stranger_said.contains("bundled Mozilla roots (no system trust store"),
        "{stranger_said}"
    );
}

#[test]
fn resolve_names_the_address_and_http2_is_used_when_offered() {
    let (dir, rt, _, platform) = setup(|certs| Mode::Tls(Arc::clone(&certs.good_h2)));
    // curl's --resolve keeps the port: the upstream names the platform's.
    let upstream = format!("https://{HOST}:{}", platform.port);
    let resolve = format!("{HOST}:{}:127.0.0.1", platform.port);
    let proxy = Server::start(
        dir.path(),
        &proxy_to(
            &upstream,
            &["--resolve", &resolve, "--upstream-ca", "ca.pem"],
        ),
    );
    let base = format!("http://{}", proxy.address);
    rt.block_on(async {
        let client = client();
        let (status, _, body) = call(&client, "POST", &user_get(&base), CALLS[0]).await;
        assert_eq!((status, &body[..]), (200, CLEAN.as_bytes()));
        // Then eight at once: multiplexed on the one HTTP/2 connection.
        let calls = (0..8).map(|_| {
            let (client, url) = (client.clone(), user_get(&base));
            tokio::spawn(async move { call(&client, "POST", &url, CALLS[0]).await })
        });
        for answer in futures_join(calls.collect()).await {
            assert_eq!((answer.0, &answer.2[..]), (200, CLEAN.as_bytes()));
        }
    });
    let (code, stderr) = proxy.stop();
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(platform.handshakes(), 1, "{stderr}");
    assert!(
        stderr.contains("1 upstream connection (1 TLS handshake, 1 HTTP/2)"),
        "{stderr}"
    );
    let authority = format!("{HOST}:{}", platform.port);
    for (sni, host, version) in platform.requests() {
        assert_eq!(
            (sni.as_str(), host.as_str(), version.as_str()),
            (HOST, authority.as_str(), "HTTP/2.0")
        );
    }
}

async fn futures_join<T: Send + 'static>(handles: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut all = Vec::with_capacity(handles.len());
    for handle in handles {
        all.push(
            tokio::time::timeout(WATCHDOG, handle)
                .await
                .expect("in time")
                .expect("joined"),
        );
    }
    all
}

/// A CONNECT egress proxy on 127.0.0.1, as a company network has: it resolves
/// `oapi.dingtalk.com:443` to the platform itself, also opens the platform's own address
/// `127.0.0.1:PORT` (what curl and dtlint ask for when `--connect-to` sends the connection
/// there), refuses any other target (403) and, with `credentials`, answers 407 to a CONNECT
/// without them. It records each CONNECT's target and Proxy-Authorization.
pub(super) struct EgressProxy {
    pub(super) port: u16,
    seen: Arc<Mutex<Vec<Connect>>>,
}

/// A CONNECT's target and its Proxy-Authorization.
pub(super) type Connect = (String, Option<String>);

impl EgressProxy {
    pub(super) fn start(platform_port: u16, credentials: Option<&str>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&seen);
        let expected = credentials.map(|c| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(c)
            )
        });
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (seen, expected) = (Arc::clone(&kept), expected.clone());
                std::thread::spawn(move || tunnel(client, platform_port, &seen, expected));
            }
        });
        Self { port, seen }
    }

    pub(super) fn url(&self, credentials: Option<&str>) -> String {
        match credentials {
            Some(c) => format!("http://{c}@127.0.0.1:{}", self.port),
            None => format!("http://127.0.0.1:{}", self.port),
        }
    }

    pub(super) fn seen(&self) -> Vec<Connect> {
        self.seen.lock().expect("lock").clone()
    }
}

fn tunnel(
    client: TcpStream,
    platform_port: u16,
    seen: &Mutex<Vec<Connect>>,
    expected: Option<String>,
) {
    let _ = client.set_read_timeout(Some(WATCHDOG));
    let mut reader = BufReader::new(client.try_clone().expect("clone"));
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let target = line.split_whitespace().nth(1).unwrap_or("").to_owned();
    let mut authorization = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("proxy-authorization") {
                authorization = Some(value.trim().to_owned());
            }
        }
    }
    seen.lock()
        .expect("lock")
        .push((target.clone(), authorization.clone()));
    let mut client = client;
    if expected.is_some() && authorization != expected {
        let _ = client.write_all(
            b"HTTP/1.1 407 Proxy Authentication Required\r\nproxy-authenticate: Basic realm=\"corp\"\r\ncontent-length: 0\r\n\r\n",
        );
        return;
    }
    if target != "oapi.dingtalk.com:443" && target != format!("127.0.0.1:{platform_port}") {
        let _ = client.write_all(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
        return;
    }
    let Ok(upstream) = TcpStream::connect(("127.0.0.1", platform_port)) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
        return;
    };
    if client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .is_err()
    {
        return;
    }
    let (mut up_read, mut up_write) = (upstream.try_clone().expect("clone"), upstream);
    let mut down_write = client;
    // Whatever the reader already buffered past the head goes first.
    let buffered = reader.buffer().to_vec();
    let mut client_read = reader.into_inner();
    std::thread::spawn(move || {
        let _ = up_write.write_all(&buffered);
        let _ = std::io::copy(&mut client_read, &mut up_write);
        let _ = up_write.shutdown(std::net::Shutdown::Write);
    });
    let _ = std::io::copy(&mut up_read, &mut down_write);
    let _ = down_write.shutdown(std::net::Shutdown::Write);
    let mut rest = Vec::new();
    let _ = up_read.read_to_end(&mut rest);
}

#[test]
fn an_egress_proxy_from_https_proxy_is_crossed_with_connect_and_its_credentials_never_shown() {
    const CREDENTIALS: &str = "qa-team:Pr0xy-S3cret";
    let (dir, rt, _, platform) = setup(|certs| Mode::Tls(Arc::clone(&certs.good)));
    let open = EgressProxy::start(platform.port, None);
    let guarded = EgressProxy::start(platform.port, Some(CREDENTIALS));
    let with_format = |extra: &[&'static str]| {
        let mut args = proxy_args(&["--upstream-ca", "ca.pem", "--format", "json"]);
        args.extend_from_slice(extra);
        args
    };
    let open_url = open.url(None);
    let guarded_url = guarded.url(Some(CREDENTIALS));
    let wrong_url = guarded.url(Some("qa-team:not-it"));
    let proxies = [
        // HTTPS_PROXY, no credentials.
        Server::start_with(
            dir.path(),
            &with_format(&["--output", "open.json"]),
            &[("HTTPS_PROXY", &open_url)],
        ),
        // https_proxy with credentials (the lower-case name curl reads too).
        Server::start_with(
            dir.path(),
            &with_format(&["--output", "guarded.json", "--record", "guarded.har"]),
            &[("https_proxy", &guarded_url)],
        ),
        // Credentials the egress proxy refuses.
        Server::start_with(
            dir.path(),
            &with_format(&["--output", "wrong.json"]),
            &[("HTTPS_PROXY", &wrong_url)],
        ),
    ];
    let connect_to = platform.connect_to();
    // NO_PROXY names the platform: direct, the egress proxy never asked.
    let direct = Server::start_with(
        dir.path(),
        &proxy_args(&["--upstream-ca", "ca.pem", "--connect-to", &connect_to]),
        &[("HTTPS_PROXY", &open_url), ("NO_PROXY", ".dingtalk.com")],
    );
    let answers: Vec<(u16, String, Bytes)> = rt.block_on(async {
        let client = client();
        let mut answers = Vec::new();
        for server in proxies.iter().chain([&direct]) {
            let base = format!("http://{}", server.address);
            answers.push(call(&client, "POST", &user_get(&base), CALLS[1]).await);
        }
        answers
    });
    assert_eq!(
        (answers[0].0, &answers[0].2[..]),
        (200, DEFECTIVE.as_bytes())
    );
    assert_eq!(
        (answers[1].0, &answers[1].2[..]),
        (200, DEFECTIVE.as_bytes())
    );
    let refused = json(&answers[2].2);
    assert_eq!(answers[2].0, 502);
    assert_eq!(
        (&refused["error"], &refused["reason"]),
        (
            &Value::from("egress-proxy"),
            &Value::from("proxy-auth-required")
        ),
        "{refused}"
    );
    assert_eq!(
        (answers[3].0, &answers[3].2[..]),
        (200, DEFECTIVE.as_bytes())
    );
    let mut said = Vec::new();
    for server in proxies {
        said.push(server.stop().1);
    }
    let (_, direct_said) = direct.stop();
    assert!(
        said[0].contains(&format!(
            "through the egress proxy http://127.0.0.1:{} (HTTPS_PROXY)",
            open.port
        )),
        "{}",
        said[0]
    );
    assert!(
        said[1].contains(&format!(
            "through the egress proxy http://127.0.0.1:{} (https_proxy, with credentials (not shown))",
            guarded.port
        )),
        "{}",
        said[1]
    );
    assert!(
        said[1].contains("1 upstream connection (1 TLS handshake, 1 through the egress proxy)"),
        "{}",
        said[1]
    );
    assert!(
        direct_said.contains(&format!(
            "through the egress proxy http://127.0.0.1:{} (HTTPS_PROXY), except NO_PROXY=.dingtalk.com",
            open.port
        )),
        "{direct_said}"
    );
    // What each egress proxy was asked: the platform's name, with credentials only where given.
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(CREDENTIALS)
    );
    assert_eq!(
        open.seen(),
        vec![("oapi.dingtalk.com:443".to_owned(), None)],
        "NO_PROXY kept the fourth proxy direct"
    );
    let guarded_seen = guarded.seen();
    assert_eq!(guarded_seen.len(), 2);
    assert_eq!(
        guarded_seen[0],
        ("oapi.dingtalk.com:443".to_owned(), Some(basic.clone()))
    );
    // The findings are there, and neither the password nor its encoding is in any output.
    let report = std::fs::read_to_string(dir.path().join("guarded.json")).expect("report");
    assert!(report.contains("/result/mobile"), "{report}");
    let recorded = std::fs::read_to_string(dir.path().join("guarded.har")).expect("recording");
    let mut outputs = said;
    outputs.push(direct_said);
    outputs.push(report);
    outputs.push(recorded);
    outputs.push(std::fs::read_to_string(dir.path().join("open.json")).expect("report"));
    outputs.push(std::fs::read_to_string(dir.path().join("wrong.json")).expect("report"));
    outputs.push(String::from_utf8_lossy(&answers[2].2).into_owned());
    let encoded = base64::engine::general_purpose::STANDARD.encode(CREDENTIALS);
    for text in &outputs {
        for secret in ["Pr0xy-S3cret", "not-it", encoded.as_str(), TOKEN] {
            assert!(!text.contains(secret), "{secret} shown in:\n{text}");
        }
    }
}

#[test]
fn egress_flags_win_over_the_environment() {
    let (dir, rt, _, platform) = setup(|certs| Mode::Tls(Arc::clone(&certs.good)));
    let from_env = EgressProxy::start(platform.port, None);
    let from_flag = EgressProxy::start(platform.port, None);
    let env_url = from_env.url(None);
    let flag_url = from_flag.url(None);
    let connect_to = platform.connect_to();
    let flagged = Server::start_with(
        dir.path(),
        &proxy_args(&["--upstream-ca", "ca.pem", "--egress-proxy", &flag_url]),
        &[("HTTPS_PROXY", &env_url)],
    );
    let none = Server::start_with(
        dir.path(),
        &proxy_args(&[
            "--upstream-ca",
            "ca.pem",
            "--no-proxy",
            "*",
            "--connect-to",
            &connect_to,
        ]),
        &[("HTTPS_PROXY", &env_url)],
    );
    let empty = Server::start_with(
        dir.path(),
        &proxy_args(&[
            "--upstream-ca",
            "ca.pem",
            "--egress-proxy",
            "",
            "--connect-to",
            &connect_to,
        ]),
        &[("HTTPS_PROXY", &env_url)],
    );
    rt.block_on(async {
        let client = client();
        for server in [&flagged, &none, &empty] {
            let base = format!("http://{}", server.address);
            let (status, _, body) = call(&client, "POST", &user_get(&base), CALLS[0]).await;
            assert_eq!((status, &body[..]), (200, CLEAN.as_bytes()));
        }
    });
    let (_, flagged_said) = flagged.stop();
    assert!(flagged_said.contains("(--egress-proxy)"), "{flagged_said}");
    none.stop();
    let (_, empty_said) = empty.stop();
    assert!(
        empty_said.contains("; direct (--egress-proxy '')"),
        "--egress-proxy '' is none: {empty_said}"
    );
    assert_eq!(from_env.seen().len(), 0, "the flags replaced HTTPS_PROXY");
    assert_eq!(from_flag.seen().len(), 1);
}

#[test]
fn unusable_trust_egress_and_route_flags_are_refused_before_listening() {
    let dir = tempfile::tempdir().expect("temp");
    std::fs::write(dir.path().join("empty.pem"), "not a certificate\n").expect("write");
    for (extra, says) in [
        (
            vec!["--upstream-ca", "missing.pem"],
            "--upstream-ca missing.pem: cannot read it",
        ),
        (
            vec!["--upstream-ca", "empty.pem"],
            "--upstream-ca empty.pem: no certificate in it",
        ),
        (
            vec!["--egress-proxy", "socks5://u:p4ss@proxy.corp:1080"],
            "only an http:// egress proxy",
        ),
        (vec!["--resolve", "oapi.dingtalk.com:443"], "HOST:PORT:ADDR"),
        (
            vec!["--connect-to", "oapi.dingtalk.com:443:x"],
            "HOST:PORT:CONNECT-HOST:CONNECT-PORT",
        ),
        (vec!["--connect-timeout", "0"], "--connect-timeout 0"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_dtlint"))
            .args(proxy_args(&extra))
            .current_dir(dir.path())
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {stderr}");
        // miette wraps the message in a box: compare without the wrapping.
        let unwrapped = |text: &str| -> String {
            text.chars()
                .filter(|c| !c.is_whitespace() && *c != '│')
                .collect()
        };
        assert!(
            unwrapped(&stderr).contains(&unwrapped(says)),
            "{extra:?}: {stderr}"
        );
        assert!(!stderr.contains("p4ss"), "{stderr}");
        assert!(!stderr.contains("listening"), "{stderr}");
    }
}

#[test]
fn an_egress_proxy_out_of_reach_or_refusing_is_named_as_such() {
    let (dir, rt, _, platform) = setup(|certs| Mode::Tls(Arc::clone(&certs.good)));
    let egress = EgressProxy::start(platform.port, None);
    // A port nothing listens on: bound, then let go.
    let closed = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a port")
        .port();
    let gone = format!("http://127.0.0.1:{closed}");
    let egress_url = egress.url(None);
    let unreachable = Server::start_with(
        dir.path(),
        &proxy_args(&["--upstream-ca", "ca.pem"]),
        &[("HTTPS_PROXY", &gone)],
    );
    // The egress proxy refuses CONNECT to a host its policy does not allow (403).
    let refusing = Server::start_with(
        dir.path(),
        &proxy_args(&[
            "--upstream-ca",
            "ca.pem",
            "--connect-to",
            "oapi.dingtalk.com:443:blocked.example:443",
        ]),
        &[("HTTPS_PROXY", &egress_url)],
    );
    let answers = rt.block_on(async {
        let client = client();
        let mut answers = Vec::new();
        for server in [&unreachable, &refusing] {
            let base = format!("http://{}", server.address);
            answers.push(call(&client, "POST", &user_get(&base), CALLS[0]).await);
        }
        answers
    });
    for ((status, _, body), reason, says) in [
        (&answers[0], "refused", "the egress proxy 127.0.0.1"),
        (
            &answers[1],
            "proxy-refused",
            "refused CONNECT blocked.example:443: 403 Forbidden",
        ),
    ] {
        let answer = json(body);
        assert_eq!(*status, 502);
        assert_eq!(answer["error"], "egress-proxy", "{answer}");
        assert_eq!(answer["reason"], reason, "{answer}");
        assert!(
            answer["message"].as_str().unwrap_or("").contains(says),
            "{answer}"
        );
    }
    assert_eq!(
        egress.seen(),
        vec![("blocked.example:443".to_owned(), None)],
        "--connect-to names the CONNECT's target"
    );
    for server in [unreachable, refusing] {
        let (_, said) = server.stop();
        assert!(said.contains("1 upstream failure,"), "{said}");
    }
}

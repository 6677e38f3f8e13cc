//! The proxy over TLS (issue 28): a TLS front (nginx, a certificate for oapi.dingtalk.com from a
//! CA made here) before the same mock, and four sides in the same rounds: the clients over TLS
//! straight to the front; nginx forwarding over TLS (the peer: keep-alive, session reuse); and
//! `dtlint proxy --upstream https://oapi.dingtalk.com` reaching the front by `--connect-to`,
//! once where the front offers HTTP/1.1 and once where it offers HTTP/2 by ALPN. Each side has a
//! port of the front to itself, whose access log tells the TLS connections it carried; dtlint's
//! own summary tells the connections it opened.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};
use tokio_rustls::TlsConnector;

use crate::load::Endpoint;
use crate::servers::{self, Server};
use crate::{
    check_forwards, latency, median, per_exchange, throughput, Args, Section, Side, CALLER,
};

const HOST: &str = "oapi.dingtalk.com";
const NAMES: [&str; 4] = [
    "direct TLS",
    "nginx -> TLS",
    "dtlint -> TLS",
    "dtlint -> TLS h2",
];
const DIRECT: usize = 0;
const NGINX: usize = 1;
const DTLINT: usize = 2;
const DTLINT_H2: usize = 3;

/// The bench's certificate authority, the front's certificate and key, and a client trusting
/// the authority.
struct Pki {
    ca: PathBuf,
    certificate: PathBuf,
    key: PathBuf,
    connector: TlsConnector,
}

fn pki(dir: &Path) -> Pki {
    std::fs::create_dir_all(dir).expect("WORK/tls is made");
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::CommonName, "dtlint bench CA");
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let authority = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec![HOST.to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &authority)
        .unwrap();
    let (ca, certificate, key) = (
        dir.join("ca.pem"),
        dir.join("cert.pem"),
        dir.join("key.pem"),
    );
    std::fs::write(&ca, authority.pem()).unwrap();
    // The chain as a server sends it: its own certificate, then the authority's.
    std::fs::write(&certificate, format!("{}{}", leaf.pem(), authority.pem())).unwrap();
    std::fs::write(&key, leaf_key.serialize_pem()).unwrap();
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from(authority.der().to_vec()))
        .unwrap();
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Pki {
        ca,
        certificate,
        key,
        connector: TlsConnector::from(Arc::new(config)),
    }
}

/// The front: one TLS server per side before the mock (keep-alive to it, as the plain nginx
/// of the first part), logging each request's port and connection number.
fn front_conf(dir: &Path, ports: &[u16], mock: &str, pki: &Pki) -> String {
    let mut conf = servers::nginx_head(dir);
    let d = dir.display();
    write!(
        conf,
        r#"    log_format connections '$server_port $connection';
    upstream dtlint_mock {{
        server {mock};
        keepalive 32;
        keepalive_requests 1000000;
    }}
"#
    )
    .unwrap();
    for (side, port) in ports.iter().enumerate() {
        let http2 = if side == DTLINT_H2 { " http2" } else { "" };
        write!(
            conf,
            r#"    server {{
        listen 127.0.0.1:{port} ssl{http2};
        ssl_certificate {cert};
        ssl_certificate_key {key};
        keepalive_requests 1000000;
        access_log {d}/connections.log connections buffer=256k;
        location / {{
            proxy_pass http://dtlint_mock;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
        }}
    }}
"#,
            cert = pki.certificate.display(),
            key = pki.key.display(),
        )
        .unwrap();
    }
    conf.push_str("}\n");
    conf
}

/// nginx forwarding to the front over TLS as a user would set it up: the name checked
/// against the bench's authority, sent as SNI and Host; connections and sessions reused.
fn forwarder_conf(dir: &Path, ports: &[u16], front: u16, pki: &Pki) -> String {
    let mut conf = servers::nginx_head(dir);
    write!(
        conf,
        r#"    upstream tls_front {{
        server 127.0.0.1:{front};
        keepalive 32;
        keepalive_requests 1000000;
    }}
    server {{
        listen 127.0.0.1:{listen};
        keepalive_requests 1000000;
        location / {{
            proxy_pass https://tls_front;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host {HOST};
            proxy_ssl_server_name on;
            proxy_ssl_name {HOST};
            proxy_ssl_verify on;
            proxy_ssl_trusted_certificate {ca};
            proxy_ssl_session_reuse on;
        }}
    }}
}}
"#,
        listen = ports[0],
        ca = pki.ca.display(),
    )
    .unwrap();
    conf
}

/// Requests and distinct connections the front's log shows for each port.
fn connections(log: &Path) -> HashMap<u16, (u64, usize)> {
    let mut seen: HashMap<u16, (u64, HashSet<u64>)> = HashMap::new();
    for line in std::fs::read_to_string(log).unwrap_or_default().lines() {
        let mut fields = line.split_whitespace();
        let (Some(port), Some(connection)) = (
            fields.next().and_then(|f| f.parse().ok()),
            fields.next().and_then(|f| f.parse().ok()),
        ) else {
            continue;
        };
        let entry = seen.entry(port).or_default();
        entry.0 += 1;
        entry.1.insert(connection);
    }
    seen.into_iter()
        .map(|(port, (requests, connections))| (port, (requests, connections.len())))
        .collect()
}

/// The line of dtlint's summary that counts its upstream connections.
fn opened(said: &str) -> String {
    said.lines()
        .flat_map(|line| line.split("; "))
        .find(|part| part.contains("upstream connection"))
        .map_or_else(
            || "(no count in its summary)".to_owned(),
            |p| p.trim().to_owned(),
        )
}

pub async fn run(args: &Args, mock: &Server) {
    let work = Path::new(&args.work);
    let pki = pki(&work.join("tls"));
    let front = servers::nginx_with(&args.nginx, work, "nginx-tls-front", 4, &|dir, ports| {
        front_conf(dir, ports, &mock.address, &pki)
    });
    let forwarder =
        servers::nginx_with(&args.nginx, work, "nginx-tls-forward", 1, &|dir, ports| {
            forwarder_conf(dir, ports, front.ports[NGINX], &pki)
        });
    let ca = pki.ca.to_str().expect("a UTF-8 temp path").to_owned();
    let proxy = |port: u16| {
        let connect_to = format!("{HOST}:443:127.0.0.1:{port}");
        let mut argv = vec![
            "proxy",
            "--upstream",
            "https://oapi.dingtalk.com",
            "--connect-to",
            &connect_to,
            "--upstream-ca",
            &ca,
            "--listen",
            "127.0.0.1:0",
        ];
        argv.extend_from_slice(&CALLER);
        servers::dtlint(&args.dtlint, work, &argv)
    };
    let dtlint = proxy(front.ports[DTLINT]);
    let dtlint_h2 = proxy(front.ports[DTLINT_H2]);
    let direct = Side {
        endpoint: Endpoint {
            address: format!("127.0.0.1:{}", front.ports[DIRECT]),
            tls: Some((
                pki.connector.clone(),
                ServerName::try_from(HOST).unwrap().to_owned(),
            )),
        },
        pids: Vec::new(),
    };
    let section = Section {
        names: NAMES,
        sides: [
            direct,
            Side::of(&forwarder),
            Side::of(&dtlint),
            Side::of(&dtlint_h2),
        ],
        behind: [mock.pids.clone(), front.pids.clone()].concat(),
    };
    println!(
        "over TLS: a TLS front (nginx, one worker, a certificate for {HOST} from a CA made for \
         the run) before the same mock; \"behind\" is the mock's and the front's CPU"
    );
    for s in [NGINX, DTLINT, DTLINT_H2] {
        check_forwards(
            &section.sides[DIRECT].endpoint,
            &section.sides[s].endpoint,
            NAMES[s],
        )
        .await;
    }
    let found = latency(&section, None).await;
    let rounds = throughput(args, &section).await;
    let said = [dtlint.stop(), dtlint_h2.stop()];
    drop(forwarder);
    // nginx writes its buffered log when it stops.
    let front_ports = front.ports.clone();
    drop(front);
    let log = connections(&work.join("nginx-tls-front").join("connections.log"));
    let tck = args.clk_tck;
    let each = |f: &dyn Fn(&[crate::Round; 4]) -> f64| median(rounds.iter().map(f).collect());
    let ratio = |a: usize, b: usize| each(&|r| r[a].rate / r[b].rate);
    let cpu = |s: usize| each(&|r| per_exchange(r[s].ticks[2], r[s].exchanges, tck));
    println!("medians over {} rounds, over TLS:", rounds.len());
    println!(
        "  req/s            direct TLS {:.0}, nginx -> TLS {:.0}, dtlint -> TLS {:.0}, dtlint -> TLS h2 {:.0}",
        each(&|r| r[DIRECT].rate),
        each(&|r| r[NGINX].rate),
        each(&|r| r[DTLINT].rate),
        each(&|r| r[DTLINT_H2].rate),
    );
    println!(
        "  req/s vs direct TLS  nginx -> TLS {:.2}x, dtlint -> TLS {:.2}x, dtlint -> TLS h2 {:.2}x",
        ratio(NGINX, DIRECT),
        ratio(DTLINT, DIRECT),
        ratio(DTLINT_H2, DIRECT),
    );
    println!(
        "  req/s vs nginx -> TLS  dtlint -> TLS {:.2}x, dtlint -> TLS h2 {:.2}x",
        ratio(DTLINT, NGINX),
        ratio(DTLINT_H2, NGINX),
    );
    println!(
        "  added latency p50 vs direct TLS (µs): nginx -> TLS {:.0}, dtlint -> TLS {:.0}, dtlint -> TLS h2 {:.0}",
        found[NGINX].0 - found[DIRECT].0,
        found[DTLINT].0 - found[DIRECT].0,
        found[DTLINT_H2].0 - found[DIRECT].0,
    );
    println!(
        "  proxy CPU µs an exchange: nginx -> TLS {:.1}, dtlint -> TLS {:.1}, dtlint -> TLS h2 {:.1}; dtlint / nginx {:.2}x",
        cpu(NGINX),
        cpu(DTLINT),
        cpu(DTLINT_H2),
        each(&|r| per_exchange(r[DTLINT].ticks[2], r[DTLINT].exchanges, tck)
            / per_exchange(r[NGINX].ticks[2], r[NGINX].exchanges, tck)),
    );
    println!("TLS connections the front accepted, by side (its access log: distinct $connection), over the whole run:");
    for (s, port) in front_ports.iter().enumerate() {
        let (requests, connections) = log.get(port).copied().unwrap_or_default();
        #[allow(clippy::cast_precision_loss)]
        let per = requests as f64 / connections.max(1) as f64;
        let own = match s {
            DTLINT => format!("; dtlint says: {}", opened(&said[0])),
            DTLINT_H2 => format!("; dtlint says: {}", opened(&said[1])),
            _ => String::new(),
        };
        println!(
            "  {:<16} {requests:>9} requests over {connections:>4} TLS connections ({per:.0} a connection){own}",
            NAMES[s]
        );
    }
    println!(
        "  (direct TLS opens {CLIENTS} connections a round and one per latency pass: its clients \
         reconnect; the proxies keep theirs across rounds)",
        CLIENTS = crate::CLIENTS
    );
}

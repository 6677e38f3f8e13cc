//! dtlint's egress route against the real curl's (issue 28): for the same environment
//! (`HTTPS_PROXY`, `https_proxy`, `ALL_PROXY`, `all_proxy`, `NO_PROXY`, `no_proxy`) and the same
//! `--connect-to`, curl and `dtlint proxy` each make one user/get call to the TLS platform of
//! [`super::live_tls`], and two CONNECT egress proxies on loopback tell whether, and through
//! which, each call went. Both must get the same 200 answer and take the same route, the one
//! each case of the table expects.
//!
//! curl is a requirement of this test, not an option: without it on PATH the test fails and
//! says so.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::live::{call, client, runtime, user_get, Server, CLEAN, TOKEN, WATCHDOG};
use super::live_tls::{certificates, proxy_args, EgressProxy, Mode, Platform, HOST};

const FORM: &str = "userid=10000000000000001";

/// Where one call went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    /// Straight to the platform.
    Direct,
    /// Through egress proxy A or B, with one CONNECT.
    Through(&'static str),
}

fn went_through_egress(route: Route) -> bool {
    route != Route::Direct
}

impl std::fmt::Display for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Route::Direct => f.pad("direct"),
            Route::Through(proxy) => f.pad(&format!("egress {proxy}")),
        }
    }
}

/// One environment, and the route it must lead to.
struct Case {
    env: Vec<(&'static str, String)>,
    /// The route curl takes and dtlint must take.
    expected: Route,
}

fn case(env: &[(&'static str, &str)], expected: Route) -> Case {
    Case {
        env: env.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
        expected,
    }
}

/// What one client got and where its call went.
struct Outcome {
    status: u16,
    body: Vec<u8>,
    route: Route,
}

/// The two egress proxies every case may name.
struct Egresses {
    a: EgressProxy,
    b: EgressProxy,
    /// The CONNECT target both clients must ask for: the `--connect-to` address, as curl does.
    target: String,
}

impl Egresses {
    fn counts(&self) -> (usize, usize) {
        (self.a.seen().len(), self.b.seen().len())
    }

    /// The route of the one call made since `before`, each CONNECT checked.
    fn route_since(&self, before: (usize, usize), who: &str) -> Route {
        let (a, b) = (self.a.seen(), self.b.seen());
        let (new_a, new_b) = (&a[before.0..], &b[before.1..]);
        for (target, authorization) in new_a.iter().chain(new_b) {
            assert_eq!(
                (target.as_str(), authorization),
                (self.target.as_str(), &None),
                "{who}: the CONNECT names the --connect-to address, without credentials"
            );
        }
        match (new_a.len(), new_b.len()) {
            (0, 0) => Route::Direct,
            (1, 0) => Route::Through("A"),
            (0, 1) => Route::Through("B"),
            other => panic!("{who}: one call, yet CONNECTs (A, B) = {other:?}"),
        }
    }
}

/// Waits for `child` at most [`WATCHDOG`], killing it past that.
fn wait_bounded(child: &mut Child, what: &str) -> ExitStatus {
    let deadline = Instant::now() + WATCHDOG;
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {WATCHDOG:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// curl's version line; fails the test, saying why, when curl is not on PATH.
fn curl_version(dir: &Path) -> String {
    let out = dir.join("curl-version.txt");
    let mut child = Command::new("curl")
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(File::create(&out).expect("create"))
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "this test compares dtlint's egress route with curl's and needs `curl` on PATH \
                 (curl 7.88.1 in CI); it was not found: {e}. Install curl (Debian: apt-get install curl)."
            )
        });
    let status = wait_bounded(&mut child, "curl --version");
    assert!(status.success(), "curl --version: {status}");
    let text = std::fs::read_to_string(&out).expect("read");
    text.lines().next().unwrap_or("").to_owned()
}

/// One user/get call with curl, with only PATH and `env` in its environment (and no
/// `.curlrc`): HTTP status and body.
fn curl(dir: &Path, n: usize, connect_to: &str, env: &[(&str, &str)]) -> (u16, Vec<u8>) {
    let (body, code, errors) = (
        dir.join(format!("curl-{n}.body")),
        dir.join(format!("curl-{n}.code")),
        dir.join(format!("curl-{n}.err")),
    );
    let url = format!("https://{HOST}/topapi/v2/user/get?access_token={TOKEN}");
    let mut command = Command::new("curl");
    command.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    let mut child = command
        .envs(env.iter().copied())
        .args([
            "-q",
            "-sS",
            "--max-time",
            "10",
            "--cacert",
            "ca.pem",
            "--connect-to",
            connect_to,
            "-X",
            "POST",
            "-d",
            FORM,
            "-o",
        ])
        .arg(&body)
        .args(["-w", "%{http_code}", &url])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(File::create(&code).expect("create"))
        .stderr(File::create(&errors).expect("create"))
        .spawn()
        .expect("curl starts");
    let status = wait_bounded(&mut child, "curl");
    let said = std::fs::read_to_string(&errors).expect("read");
    assert!(status.success(), "curl {env:?}: {status}: {said}");
    let code = std::fs::read_to_string(&code).expect("read");
    let status = code
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("curl {env:?}: no status in {code:?}: {said}"));
    (status, std::fs::read(&body).unwrap_or_default())
}

#[test]
fn dtlint_takes_curls_egress_route_for_the_same_environment() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("temp");
    let version = curl_version(dir.path());
    let rt = runtime();
    let certs = certificates(dir.path());
    let platform = Platform::start(&rt, Mode::Tls(Arc::clone(&certs.good)));
    let connect_to = platform.connect_to();
    let egresses = Egresses {
        a: EgressProxy::start(platform.port, None),
        b: EgressProxy::start(platform.port, None),
        target: format!("127.0.0.1:{}", platform.port),
    };
    let (a, b) = (egresses.a.url(None), egresses.b.url(None));
    let a_bare = format!("127.0.0.1:{}", egresses.a.port);
    let (a, b, a_bare) = (a.as_str(), b.as_str(), a_bare.as_str());
    let (direct, via_a, via_b) = (Route::Direct, Route::Through("A"), Route::Through("B"));
    let cases = [
        case(&[], direct),
        // NO_PROXY unset.
        case(&[("HTTPS_PROXY", a)], via_a),
        case(&[("HTTPS_PROXY", a), ("NO_PROXY", HOST)], direct),
        case(&[("HTTPS_PROXY", a), ("NO_PROXY", ".dingtalk.com")], direct),
        case(&[("HTTPS_PROXY", a), ("NO_PROXY", "dingtalk.com")], direct),
        case(&[("HTTPS_PROXY", a), ("NO_PROXY", "*")], direct),
        case(&[("HTTPS_PROXY", a), ("NO_PROXY", "other.example")], via_a),
        // A suffix that is not at a dot does not match.
        case(&[("HTTPS_PROXY", a), ("NO_PROXY", "ingtalk.com")], via_a),
        case(
            &[
                ("HTTPS_PROXY", a),
                ("NO_PROXY", "other.example, .dingtalk.com"),
            ],
            direct,
        ),
        // An IP entry is compared with the URL's host (a name), never with the --connect-to
        // address: no match.
        case(&[("HTTPS_PROXY", a), ("NO_PROXY", "127.0.0.1")], via_a),
        case(&[("HTTPS_PROXY", a), ("NO_PROXY", "127.0.0.0/8")], via_a),
        case(
            &[("HTTPS_PROXY", a), ("NO_PROXY", "OAPI.DingTalk.COM")],
            direct,
        ),
        // A glob is no wildcard: only a lone `*` is.
        case(&[("HTTPS_PROXY", a), ("NO_PROXY", "*.dingtalk.com")], via_a),
        case(&[("HTTPS_PROXY", a), ("NO_PROXY", "")], via_a),
        case(&[("HTTPS_PROXY", a), ("no_proxy", ".dingtalk.com")], direct),
        case(&[("https_proxy", a)], via_a),
        case(&[("ALL_PROXY", a)], via_a),
        case(&[("all_proxy", a)], via_a),
        // No scheme: http:// is meant.
        case(&[("HTTPS_PROXY", a_bare)], via_a),
        case(&[("HTTPS_PROXY", a), ("ALL_PROXY", b)], via_a),
        // Empty is unset.
        case(&[("HTTPS_PROXY", ""), ("ALL_PROXY", b)], via_b),
        // Both names set: curl 7.88.1 reads the lower-case one first (lib/url.c), and so does
        // dtlint.
        case(&[("HTTPS_PROXY", a), ("https_proxy", b)], via_b),
        case(&[("ALL_PROXY", a), ("all_proxy", b)], via_b),
        case(
            &[
                ("HTTPS_PROXY", a),
                ("NO_PROXY", ".dingtalk.com"),
                ("no_proxy", "other.example"),
            ],
            via_a,
        ),
        // curl (lib/noproxy.c) takes `*` as a wildcard only as the whole value: inside a list
        // it names no host.
        case(
            &[("HTTPS_PROXY", a), ("NO_PROXY", "other.example,*")],
            via_a,
        ),
        // Entries are separated by blanks as well as commas.
        case(
            &[
                ("HTTPS_PROXY", a),
                ("NO_PROXY", "other.example .dingtalk.com"),
            ],
            direct,
        ),
        // An entry's trailing dot is dropped.
        case(&[("HTTPS_PROXY", a), ("NO_PROXY", "dingtalk.com.")], direct),
    ];
    let client = client();
    let mut table = vec![format!(
        "{version}\nA = {a}, B = {b}, A-without-scheme = {a_bare}; both connect to {connect_to}"
    )];
    let mut failures = Vec::new();
    let mut requests = platform.requests().len();
    for (n, case) in cases.iter().enumerate() {
        let env: Vec<(&str, &str)> = case.env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let shown = if env.is_empty() {
            "(no proxy variable)".to_owned()
        } else {
            env.iter()
                .map(|(k, v)| match *v {
                    v if v == a => format!("{k}=A"),
                    v if v == b => format!("{k}=B"),
                    v if v == a_bare => format!("{k}=A-without-scheme"),
                    v => format!("{k}={v:?}"),
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        // curl.
        let before = egresses.counts();
        let (status, body) = curl(dir.path(), n, &connect_to, &env);
        let by_curl = Outcome {
            status,
            body,
            route: egresses.route_since(before, &format!("curl, {shown}")),
        };
        // dtlint, with the same environment.
        let before = egresses.counts();
        let server = Server::start_with(
            dir.path(),
            &proxy_args(&["--upstream-ca", "ca.pem", "--connect-to", &connect_to]),
            &env,
        );
        let base = format!("http://{}", server.address);
        let (status, _, body) =
            rt.block_on(async { call(&client, "POST", &user_get(&base), FORM).await });
        let (code, said) = server.stop();
        let by_dtlint = Outcome {
            status,
            body: body.to_vec(),
            route: egresses.route_since(before, &format!("dtlint, {shown}")),
        };
        assert_eq!(code, 0, "{shown}: {said}");
        // dtlint's own count says the same route.
        let counted = if went_through_egress(by_dtlint.route) {
            "1 upstream connection (1 TLS handshake, 1 through the egress proxy)"
        } else {
            "1 upstream connection (1 TLS handshake)"
        };
        assert!(said.contains(counted), "{shown}: {counted} in\n{said}");
        // Both calls reached the platform, by its name.
        let seen = platform.requests();
        assert_eq!(seen.len(), requests + 2, "{shown}");
        for (sni, host, _) in &seen[requests..] {
            assert_eq!((sni.as_str(), host.as_str()), (HOST, HOST), "{shown}");
        }
        requests = seen.len();
        for (who, outcome) in [("curl", &by_curl), ("dtlint", &by_dtlint)] {
            assert_eq!(
                (outcome.status, String::from_utf8_lossy(&outcome.body)),
                (200, CLEAN.into()),
                "{who}, {shown}"
            );
        }
        assert_eq!(by_curl.body, by_dtlint.body, "{shown}: the same bytes");
        let row = format!(
            "{shown:<62} curl: {:<9} dtlint: {:<9}",
            by_curl.route, by_dtlint.route
        );
        if by_curl.route != by_dtlint.route {
            failures.push(format!(
                "{shown}: curl went {}, dtlint {}",
                by_curl.route, by_dtlint.route
            ));
        }
        if by_curl.route != case.expected || by_dtlint.route != case.expected {
            failures.push(format!(
                "{shown}: expected {} for both, curl went {}, dtlint {}",
                case.expected, by_curl.route, by_dtlint.route
            ));
        }
        table.push(row);
    }
    table.push(format!(
        "{} cases in {:.1} s",
        cases.len(),
        started.elapsed().as_secs_f64()
    ));
    let table = table.join("\n");
    let _ = writeln!(std::io::stderr(), "{table}");
    assert!(failures.is_empty(), "{}\n\n{table}", failures.join("\n"));
}

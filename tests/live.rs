//! `dtlint mock` and `dtlint proxy` end to end over loopback: the binary started on port 0, a
//! real HTTP client (hyper's), a canned upstream for byte-exact and defective answers, and a
//! watchdog on every wait so a hang fails the test instead of blocking CI.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

/// Longest any single wait may take before the test fails.
pub(super) const WATCHDOG: Duration = Duration::from_secs(60);
pub(super) const TOKEN: &str = "SECRET-TOKEN-4f2a9c";

/// A `dtlint mock` or `dtlint proxy` process, killed when dropped.
pub(super) struct Server {
    pub(super) child: Child,
    pub(super) address: String,
    stderr: Arc<Mutex<String>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

/// The variables that would send the proxy's upstream calls through an egress proxy: the
/// tests set them, the machine's own never leak in.
pub(super) const EGRESS_VARIABLES: [&str; 8] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

impl Server {
    pub(super) fn start(dir: &Path, args: &[&str]) -> Self {
        Self::start_with(dir, args, &[])
    }

    /// Starts with `env` set and no egress variables but those in `env`.
    pub(super) fn start_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_dtlint"));
        for name in EGRESS_VARIABLES {
            command.env_remove(name);
        }
        command.envs(env.iter().copied());
        let mut child = command
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("dtlint starts");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = std::sync::mpsc::channel();
        let text = Arc::new(Mutex::new(String::new()));
        let kept = Arc::clone(&text);
        let reader = std::thread::spawn(move || {
            let mut reader = BufReader::new(stderr);
            let mut first = String::new();
            let _ = reader.read_line(&mut first);
            let _ = tx.send(first.clone());
            kept.lock().expect("lock").push_str(&first);
            let mut rest = String::new();
            let _ = reader.read_to_string(&mut rest);
            kept.lock().expect("lock").push_str(&rest);
        });
        let first = rx.recv_timeout(WATCHDOG).expect("the start line in time");
        let address = first
            .split("listening on ")
            .nth(1)
            .and_then(|r| {
                r.trim_start_matches("http://")
                    .split([' ', ',', '\n'])
                    .next()
            })
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .to_owned();
        Self {
            child,
            address,
            stderr: text,
            reader: Some(reader),
        }
    }

    /// Sends SIGTERM and waits for the exit code and everything written to stderr.
    pub(super) fn stop(mut self) -> (i32, String) {
        let pid = self.child.id().to_string();
        let status = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let deadline = Instant::now() + WATCHDOG;
        let code = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "dtlint did not stop at SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        };
        // The reader thread ends with the pipe, closed when the process exited.
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        let text = self.stderr.lock().expect("lock").clone();
        (code, text)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(super) type HttpClient = Client<HttpConnector, Full<Bytes>>;

pub(super) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

pub(super) fn client() -> HttpClient {
    Client::builder(TokioExecutor::new()).build_http()
}

/// One call with a form body: status, content type, body.
pub(super) async fn call(
    client: &HttpClient,
    method: &str,
    url: &str,
    body: &str,
) -> (u16, String, Bytes) {
    call_as(
        client,
        method,
        url,
        "application/x-www-form-urlencoded",
        body,
    )
    .await
}

/// One call with a body of `content_type` (none when empty): status, content type, body.
pub(super) async fn call_as(
    client: &HttpClient,
    method: &str,
    url: &str,
    content_type: &str,
    body: &str,
) -> (u16, String, Bytes) {
    let mut request = hyper::Request::builder().method(method).uri(url);
    if !content_type.is_empty() {
        request = request.header("content-type", content_type);
    }
    let request = request
        .body(Full::new(Bytes::from(body.to_owned())))
        .expect("request");
    let response = tokio::time::timeout(WATCHDOG, client.request(request))
        .await
        .expect("answered in time")
        .expect("answered");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, content_type, body)
}

pub(super) fn user_get(base: &str) -> String {
    format!("{base}/topapi/v2/user/get?access_token={TOKEN}")
}

pub(super) const CLEAN: &str = r#"{"errcode":0,"errmsg":"ok","result":{"active":true,"admin":false,"avatar":"https:\/\/static.example\/a.jpg","boss":false,"dept_id_list":[1],"dept_order_list":[{"dept_id":1,"order":176220178909140512}],"exclusive_account":false,"leader_in_dept":[{"dept_id":1,"leader":false}],"name":"张三","real_authed":true,"role_list":[{"group_name":"默认","id":3935025514,"name":"主管理员"}],"senior":false,"unionid":"vQR2XXXXXXXXXXXXXXXXXXiEiE","userid":"10000000000000001"},"request_id":"16lzmj9nqoklx"}"#;
/// `mobile` reaches a third-party app: DT301-style exposure at `/result/mobile`.
pub(super) const DEFECTIVE: &str = r#"{"errcode":0,"errmsg":"ok","result":{"active":true,"admin":false,"boss":false,"dept_id_list":[1],"dept_order_list":[{"dept_id":1,"order":176220178909140512}],"exclusive_account":false,"leader_in_dept":[{"dept_id":1,"leader":false}],"mobile":"19900000001","name":"张三","real_authed":true,"role_list":[],"senior":false,"unionid":"vQR2XXXXXXXXXXXXXXXXXXiEiE","userid":"10000000000000002"},"request_id":"16lzmj9nqoklz"}"#;

/// A canned upstream on loopback: `userid=10000000000000002` gets [`DEFECTIVE`], `userid=slow` an answer
/// after two seconds, anything else [`CLEAN`]; keep-alive, one thread per connection.
pub(super) fn canned_upstream() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve_canned(stream));
        }
    });
    address
}

fn serve_canned(stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(WATCHDOG));
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut writer = stream;
    loop {
        let mut length = 0;
        let mut line = String::new();
        let mut first = true;
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if first {
                first = false;
                continue;
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let body = String::from_utf8_lossy(&body);
        let answer = if body.contains("userid=10000000000000002") {
            DEFECTIVE
        } else {
            if body.contains("userid=slow") {
                std::thread::sleep(Duration::from_secs(2));
            }
            CLEAN
        };
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json;charset=UTF-8\r\ncontent-length: {}\r\n\r\n",
            answer.len()
        );
        if writer.write_all(head.as_bytes()).is_err()
            || writer.write_all(answer.as_bytes()).is_err()
        {
            return;
        }
    }
}

pub(super) fn ndjson_findings(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v.get("rule").is_some())
        .collect()
}

#[test]
fn every_body_the_mock_serves_checks_clean_with_the_same_profile() {
    let dir = tempfile::tempdir().expect("temp");
    let profile = dir.path().join("dtlint.toml");
    std::fs::write(&profile, "app-type = \"third-party\"\n").expect("profile");
    let mock = Server::start(
        dir.path(),
        &[
            "mock",
            "--listen",
            "127.0.0.1:0",
            "--generate",
            "25",
            "--seed",
            "9",
        ],
    );
    let base = format!("http://{}", mock.address);
    let rt = runtime();
    let bodies = rt.block_on(async {
        let client = client();
        let (status, _, token) = call(
            &client,
            "GET",
            &format!("{base}/gettoken?appkey=k&appsecret=s"),
            "",
        )
        .await;
        assert_eq!(status, 200);
        let token: Value = serde_json::from_slice(&token).expect("json");
        assert_eq!(token["expires_in"], 7200);
        let token = token["access_token"].as_str().expect("token").to_owned();
        let url = format!("{base}/topapi/v2/user/get?access_token={token}");
        let mut bodies = Vec::new();
        // Ids are not known up front: a login_id of a generated DingTalk-built account
        // (every tenth) finds its user, whose answer then names the userid.
        for login in ["user9", "user19"] {
            let (status, content_type, body) =
                call(&client, "POST", &url, &format!("login_id={login}")).await;
            assert_eq!(
                (status, content_type.as_str()),
                (200, "application/json;charset=UTF-8")
            );
            let value: Value = serde_json::from_slice(&body).expect("json");
            // A third-party caller of the profile never looks users up by sign-in name of
            // another organization: the generated users belong to the default corp, and the
            // profile names none, so they are found.
            assert_eq!(value["errcode"], 0, "{value}");
            assert!(
                value["result"].get("mobile").is_none(),
                "withheld from third-party apps"
            );
            let userid = value["result"]["userid"]
                .as_str()
                .expect("userid")
                .to_owned();
            bodies.push(body);
            bodies.push(
                call(
                    &client,
                    "POST",
                    &url,
                    &format!("userid={userid}&language=en_US"),
                )
                .await
                .2,
            );
        }
        for (request_url, form) in [
            (url.clone(), "userid=nobody".to_owned()),
            (url.clone(), "userid=x&language=xx_XX".to_owned()),
            (
                format!("{base}/topapi/v2/user/get?access_token=wrong"),
                "userid=x".to_owned(),
            ),
            (format!("{base}/topapi/v2/user/get"), "userid=x".to_owned()),
        ] {
            let (status, _, body) = call(&client, "POST", &request_url, &form).await;
            assert_eq!(status, 200, "errors come with HTTP 200 too");
            bodies.push(body);
        }
        bodies
    });
    let codes: Vec<i64> = bodies
        .iter()
        .map(|b| {
            serde_json::from_slice::<Value>(b).expect("json")["errcode"]
                .as_i64()
                .unwrap_or(-1)
        })
        .collect();
    assert_eq!(codes, [0, 0, 0, 0, 60121, 400002, 88, 88]);
    let last = String::from_utf8_lossy(&bodies[7]).into_owned();
    assert!(last.contains("\"sub_code\":\"40000\""), "{last}");
    assert!(String::from_utf8_lossy(&bodies[6]).contains("\"sub_code\":\"40014\""));
    for (n, body) in bodies.iter().enumerate() {
        assert!(String::from_utf8_lossy(body).contains("\"request_id\":\""));
        std::fs::write(dir.path().join(format!("body{n}.json")), body).expect("write");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_dtlint"))
        .args(["check", ".", "--format", "ndjson", "--ignore", "DT606"])
        .current_dir(dir.path())
        .output()
        .expect("check runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        !stdout.contains("\"rule\""),
        "findings on the mock's bodies:\n{stdout}"
    );
}

#[test]
fn the_proxy_passes_answers_byte_for_byte_reports_defects_and_records_a_har() {
    let dir = tempfile::tempdir().expect("temp");
    let upstream = canned_upstream();
    let proxy = Server::start(
        dir.path(),
        &[
            "proxy",
            "--upstream",
            &upstream,
            "--listen",
            "127.0.0.1:0",
            "--no-profile",
            "--app-type",
            "third-party",
            "--format",
            "ndjson",
            "--output",
            "findings.ndjson",
            "--record",
            "session.har",
        ],
    );
    let base = format!("http://{}", proxy.address);
    let rt = runtime();
    rt.block_on(async {
        let client = client();
        let (status, content_type, body) = call(
            &client,
            "POST",
            &user_get(&base),
            "userid=10000000000000001",
        )
        .await;
        assert_eq!(
            (status, content_type.as_str()),
            (200, "application/json;charset=UTF-8")
        );
        assert_eq!(&body[..], CLEAN.as_bytes(), "byte for byte, \\/ included");
        let (status, _, body) = call(
            &client,
            "POST",
            &user_get(&base),
            "userid=10000000000000002",
        )
        .await;
        assert_eq!(
            status, 200,
            "without --fail-on a defect is reported, not answered"
        );
        assert_eq!(&body[..], DEFECTIVE.as_bytes());
        // Other paths are forwarded too (and only counted).
        let (status, _, _) = call(
            &client,
            "GET",
            &format!("{base}/gettoken?appkey=k&appsecret={TOKEN}"),
            "",
        )
        .await;
        assert_eq!(status, 200);
    });
    let (code, stderr) = proxy.stop();
    assert_eq!(code, 1, "an error finding: exit 1 as check would\n{stderr}");
    assert!(stderr.contains("1 other request forwarded"), "{stderr}");
    let findings = ndjson_findings(&dir.path().join("findings.ndjson"));
    let exposure: Vec<_> = findings
        .iter()
        .filter(|f| f["pointer"] == "/result/mobile")
        .collect();
    assert_eq!(exposure.len(), 1, "{findings:?}");
    assert_eq!(exposure[0]["name"], "field-withheld-from-app-type");
    assert_eq!(exposure[0]["entry"], 1);
    let session = std::fs::read_to_string(dir.path().join("session.har")).expect("the HAR");
    let har: Value = serde_json::from_str(&session).expect("a whole HAR after SIGTERM");
    assert_eq!(har["log"]["entries"].as_array().map(Vec::len), Some(3));
    let written = std::fs::read_to_string(dir.path().join("findings.ndjson")).unwrap_or_default();
    for text in [&stderr, &written, &session] {
        assert!(!text.contains(TOKEN), "a token was shown");
    }
    // The recorded session re-checks to the same findings.
    let out = Command::new(env!("CARGO_BIN_EXE_dtlint"))
        .args([
            "check",
            "session.har",
            "--no-profile",
            "--app-type",
            "third-party",
            "--format",
            "ndjson",
        ])
        .current_dir(dir.path())
        .output()
        .expect("check runs");
    let again: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v.get("rule").is_some())
        .collect();
    let key = |f: &Value| {
        (
            f["rule"].to_string(),
            f["pointer"].to_string(),
            f["entry"].to_string(),
        )
    };
    let live: Vec<_> = findings.iter().map(key).collect();
    let replayed: Vec<_> = again.iter().map(key).collect();
    assert_eq!(live, replayed);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn fail_on_answers_502_naming_the_findings_in_the_body() {
    let dir = tempfile::tempdir().expect("temp");
    let upstream = canned_upstream();
    let proxy = Server::start(
        dir.path(),
        &[
            "proxy",
            "--upstream",
            &upstream,
            "--listen",
            "127.0.0.1:0",
            "--no-profile",
            "--app-type",
            "third-party",
            "--fail-on",
            "error",
            "--color",
            "never",
        ],
    );
    let base = format!("http://{}", proxy.address);
    runtime().block_on(async {
        let client = client();
        let (status, _, body) = call(
            &client,
            "POST",
            &user_get(&base),
            "userid=10000000000000002",
        )
        .await;
        assert_eq!(status, 502);
        let value: Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(value["error"], "dtlint-findings");
        assert_eq!(value["findings"][0]["pointer"], "/result/mobile");
        assert_eq!(value["findings"][0]["severity"], "error");
        let (status, _, body) = call(
            &client,
            "POST",
            &user_get(&base),
            "userid=10000000000000001",
        )
        .await;
        assert_eq!((status, &body[..]), (200, CLEAN.as_bytes()));
    });
    let (code, stderr) = proxy.stop();
    assert_eq!(code, 1);
    assert!(stderr.contains("field-withheld-from-app-type"), "{stderr}");
    assert!(stderr.contains("1 answered 502 by --fail-on"), "{stderr}");
    assert!(!stderr.contains(TOKEN));
}

#[test]
fn an_upstream_down_or_slow_gets_a_502_and_the_proxy_keeps_serving() {
    let dir = tempfile::tempdir().expect("temp");
    let down = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}", listener.local_addr().expect("address"))
    };
    let proxy = Server::start(
        dir.path(),
        &[
            "proxy",
            "--upstream",
            &down,
            "--listen",
            "127.0.0.1:0",
            "--no-profile",
            "--max-request-size",
            "1K",
        ],
    );
    let base = format!("http://{}", proxy.address);
    runtime().block_on(async {
        let client = client();
        for _ in 0..3 {
            let (status, content_type, body) =
                call(&client, "POST", &user_get(&base), "userid=x").await;
            assert_eq!((status, content_type.as_str()), (502, "application/json"));
            let value: Value = serde_json::from_slice(&body).expect("a JSON body");
            assert_eq!(value["error"], "upstream-unreachable");
            assert!(!String::from_utf8_lossy(&body).contains(TOKEN));
        }
        let big = format!("userid={}", "x".repeat(4096));
        let (status, _, body) = call(&client, "POST", &user_get(&base), &big).await;
        assert_eq!(status, 413, "{}", String::from_utf8_lossy(&body));
    });
    let (code, stderr) = proxy.stop();
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("3 upstream failures, 1 refused"),
        "{stderr}"
    );

    let upstream = canned_upstream();
    let proxy = Server::start(
        dir.path(),
        &[
            "proxy",
            "--upstream",
            &upstream,
            "--listen",
            "127.0.0.1:0",
            "--no-profile",
            "--timeout",
            "0.3",
        ],
    );
    let base = format!("http://{}", proxy.address);
    runtime().block_on(async {
        let client = client();
        let (status, _, body) = call(&client, "POST", &user_get(&base), "userid=slow").await;
        assert_eq!(status, 502);
        let value: Value = serde_json::from_slice(&body).expect("a JSON body");
        assert_eq!(value["error"], "upstream-timeout");
        let (status, _, _) = call(
            &client,
            "POST",
            &user_get(&base),
            "userid=10000000000000001",
        )
        .await;
        assert_eq!(status, 200, "still serving");
    });
    drop(proxy);
}

/// A mock of 50 generated users that takes [`TOKEN`], with a proxy in front of it (run with
/// `proxy_args` besides its upstream and listen address): the mock, its base URL, the proxy.
pub(super) fn mock_behind_proxy(dir: &Path, proxy_args: &[&str]) -> (Server, String, Server) {
    let mock = Server::start(
        dir,
        &[
            "mock",
            "--listen",
            "127.0.0.1:0",
            "--generate",
            "50",
            "--token",
            TOKEN,
            "--no-profile",
        ],
    );
    let upstream = format!("http://{}", mock.address);
    let mut args = vec![
        "proxy",
        "--upstream",
        &upstream,
        "--listen",
        "127.0.0.1:0",
        "--no-profile",
    ];
    args.extend_from_slice(proxy_args);
    let proxy = Server::start(dir, &args);
    (mock, upstream, proxy)
}

#[test]
fn sixteen_clients_two_thousand_requests_all_answered_every_finding_once() {
    let dir = tempfile::tempdir().expect("temp");
    let (_mock, _, proxy) = mock_behind_proxy(
        dir.path(),
        &["--format", "ndjson", "--output", "findings.ndjson"],
    );
    let base = format!("http://{}", proxy.address);
    let (answered, unknown) = runtime().block_on(async {
        let client = client();
        let url = user_get(&base);
        // Each 60121 answer carries exactly one finding (DT606): 10 per client.
        let tasks: Vec<_> = (0..16)
            .map(|c| {
                let client = client.clone();
                let url = url.clone();
                tokio::spawn(async move {
                    let mut answered = 0;
                    let mut unknown = 0;
                    for n in 0..125 {
                        let form = if n % 12 == 0 {
                            "userid=nobody".to_owned()
                        } else {
                            format!("login_id=user{}", (c + n) % 5 * 10 + 9)
                        };
                        let (status, _, body) = call(&client, "POST", &url, &form).await;
                        assert_eq!(status, 200);
                        let value: Value = serde_json::from_slice(&body).expect("json");
                        answered += 1;
                        if value["errcode"] == 60121 {
                            unknown += 1;
                        }
                    }
                    (answered, unknown)
                })
            })
            .collect();
        let mut totals = (0, 0);
        for task in tasks {
            let (a, u) = tokio::time::timeout(WATCHDOG, task)
                .await
                .expect("in time")
                .expect("task");
            totals.0 += a;
            totals.1 += u;
        }
        totals
    });
    assert_eq!(answered, 2000);
    assert_eq!(unknown, 16 * 11);
    let (code, stderr) = proxy.stop();
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("2000 user/get exchanges checked"),
        "{stderr}"
    );
    let findings = ndjson_findings(&dir.path().join("findings.ndjson"));
    assert_eq!(
        findings.len(),
        unknown,
        "one finding per unknown user, each once"
    );
    let entries: std::collections::BTreeSet<_> =
        findings.iter().map(|f| f["entry"].to_string()).collect();
    assert_eq!(entries.len(), unknown);
    assert!(findings.iter().all(|f| f["rule"] == "DT606"));
}

#[test]
fn a_remote_listen_address_needs_allow_remote_and_http_upstreams_must_be_local() {
    let dir = tempfile::tempdir().expect("temp");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_dtlint"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("runs")
    };
    let out = run(&["mock", "--generate", "1", "--listen", "0.0.0.0:0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--allow-remote"));
    let out = run(&[
        "proxy",
        "--upstream",
        "http://oapi.dingtalk.com",
        "--listen",
        "127.0.0.1:0",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("plain HTTP"));
}

/// `body` with its `request_id` value replaced, the one part of an answer the mock makes anew
/// for every call.
fn without_request_id(body: &[u8]) -> String {
    let text = String::from_utf8(body.to_vec()).expect("UTF-8");
    let key = "\"request_id\":\"";
    let start = text.find(key).expect("a request_id") + key.len();
    let end = start + text[start..].find('"').expect("its end");
    format!("{}…{}", &text[..start], &text[end..])
}

#[test]
fn a_clean_exchange_from_the_mock_passes_through_the_proxy_unchanged() {
    let dir = tempfile::tempdir().expect("temp");
    let (_mock, upstream, proxy) = mock_behind_proxy(dir.path(), &[]);
    let direct = user_get(&upstream);
    let proxied = user_get(&format!("http://{}", proxy.address));
    let (direct_answers, proxied_answers) = runtime().block_on(async {
        let client = client();
        let mut direct_answers = Vec::new();
        let mut proxied_answers = Vec::new();
        for form in ["login_id=user9", "login_id=user19", "userid=nobody"] {
            direct_answers.push(call(&client, "POST", &direct, form).await);
            proxied_answers.push(call(&client, "POST", &proxied, form).await);
        }
        (direct_answers, proxied_answers)
    });
    for ((status, kind, body), (p_status, p_kind, p_body)) in
        direct_answers.iter().zip(&proxied_answers)
    {
        assert_eq!((status, kind), (p_status, p_kind));
        assert_eq!(
            without_request_id(body),
            without_request_id(p_body),
            "the same answer, byte for byte but its request id"
        );
    }
    // The clean answers were answers with a user in them, checked and found clean.
    assert!(proxied_answers[0].2.starts_with(b"{\"errcode\":0,"));
    let (code, stderr) = proxy.stop();
    assert!(stderr.contains("3 user/get exchanges checked"), "{stderr}");
    assert_eq!(code, 0, "an unknown user is a note, not an error: {stderr}");
}

//! The one reader of request parameters, end to end: the same requests sent to `dtlint mock`
//! over loopback HTTP and checked by `dtlint check` from a HAR of those very exchanges. The
//! mock answers errcode 400002 exactly where the request rules report DT703 (no user) or DT705
//! (invalid language), for `null`, repeated, numeric and empty parameters and a GET's query;
//! and `"language":null`, what published Python and PHP clients send, is neither.

use std::path::Path;

use serde_json::{json, Value};

use super::common::check_json;
use super::live::{call_as, client, runtime, HttpClient, Server, TOKEN};

const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json;charset=utf-8";

/// One request with its content type: status and body of the answer.
async fn send(
    client: &HttpClient,
    method: &str,
    url: &str,
    content_type: &str,
    body: &str,
) -> (u16, String) {
    let (status, _, body) = call_as(client, method, url, content_type, body).await;
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn start_mock(dir: &Path) -> Server {
    Server::start(
        dir,
        &[
            "mock",
            "--listen",
            "127.0.0.1:0",
            "--generate",
            "20",
            "--token",
            TOKEN,
            "--no-profile",
        ],
    )
}

/// A request of the table: method, content type, query after the token, body (in [`TABLE`],
/// `ID` stands for the userid of a user the mock has); then the request findings expected (of
/// DT703 and DT705) and the mock's errcode.
type Case<Text = String> = (
    &'static str,
    &'static str,
    Text,
    Text,
    &'static [&'static str],
    i64,
);

#[rustfmt::skip]
const TABLE: [Case<&str>; 14] = [
    // `null` is absent: what published Python and PHP clients send by default.
    ("POST", JSON, "", r#"{"userid":"ID","language":null}"#, &[], 0),
    ("POST", JSON, "", r#"{"userid":null,"login_id":"user9","language":null}"#, &[], 0),
    ("POST", JSON, "", r#"{"userid":null,"login_id":null}"#, &["DT703"], 400_002),
    // Repeated: a form's first occurrence counts, a JSON object's last.
    ("POST", FORM, "", "userid=ID&userid=nobody", &[], 0),
    ("POST", JSON, "", r#"{"userid":"nobody","userid":"ID"}"#, &[], 0),
    ("POST", FORM, "", "userid=ID&language=xx&language=en_US", &["DT705"], 400_002),
    // A number where the page documents a string is read as its digits.
    ("POST", JSON, "", r#"{"userid":10000000000000001}"#, &[], 60121),
    ("POST", JSON, "", r#"{"userid":"ID","language":2}"#, &["DT705"], 400_002),
    // Empty is absent.
    ("POST", FORM, "", "userid=", &["DT703"], 400_002),
    ("POST", FORM, "", "userid=ID&language=", &[], 0),
    // A language neither of the page's two.
    ("POST", FORM, "", "userid=ID&language=fr", &["DT705"], 400_002),
    // A GET's query, as identity providers send it.
    ("GET", "", "&userid=ID&language=en_US", "", &[], 0),
    ("GET", "", "&userid=ID&language=en", "", &["DT705"], 400_002),
    ("GET", "", "&language=zh_CN", "", &["DT703"], 400_002),
];

#[test]
fn the_mock_and_the_request_rules_read_every_request_alike() {
    let dir = tempfile::tempdir().expect("temp");
    let mock = start_mock(dir.path());
    let base = format!(
        "http://{}/topapi/v2/user/get?access_token={TOKEN}",
        mock.address
    );
    let rt = runtime();
    let (cases, answers) = rt.block_on(async {
        let client = client();
        // Ids are not known up front: a generated DingTalk-built account's login_id finds its
        // user, whose answer names the userid.
        let (_, found) = send(&client, "POST", &base, FORM, "login_id=user9").await;
        let found: Value = serde_json::from_str(&found).expect("json");
        let id = found["result"]["userid"]
            .as_str()
            .expect("userid")
            .to_owned();
        let cases: Vec<Case> = TABLE
            .iter()
            .map(|&(method, content_type, query, body, findings, errcode)| {
                let (query, body) = (query.replace("ID", &id), body.replace("ID", &id));
                (method, content_type, query, body, findings, errcode)
            })
            .collect();
        let mut answers = Vec::new();
        for (method, content_type, query, body, _, _) in &cases {
            let url = format!("{base}{query}");
            let (status, body) = send(&client, method, &url, content_type, body).await;
            assert_eq!(status, 200, "{body}");
            answers.push(body);
        }
        (cases, answers)
    });
    // The same exchanges as a capture holds them.
    let entries: Vec<Value> = cases
        .iter()
        .zip(&answers)
        .map(|((method, content_type, query, body, _, _), answer)| {
            let mut request = json!({
                "method": method,
                "url": format!("{base}{query}"),
                "httpVersion": "HTTP/1.1",
                "headers": [{"name": "Content-Type", "value": content_type}],
                "queryString": [],
                "cookies": [],
                "headersSize": -1,
                "bodySize": body.len(),
            });
            if !body.is_empty() {
                request["postData"] = json!({"mimeType": content_type, "text": body});
            }
            json!({
                "startedDateTime": "2026-01-01T00:00:00.000Z",
                "time": 1,
                "request": request,
                "response": {
                    "status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
                    "headers": [], "cookies": [], "headersSize": -1, "bodySize": answer.len(),
                    "redirectURL": "",
                    "content": {"size": answer.len(), "mimeType": "application/json;charset=UTF-8", "text": answer},
                },
                "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0},
            })
        })
        .collect();
    let har = json!({"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": entries}});
    std::fs::write(dir.path().join("calls.har"), har.to_string()).expect("write");
    let (_, report) = check_json(dir.path(), &["calls.har"]);
    let findings = report["findings"].as_array().expect("findings");
    for (n, ((method, _, query, body, expected, code), answer)) in
        cases.iter().zip(&answers).enumerate()
    {
        let mut found: Vec<&str> = findings
            .iter()
            .filter(|f| f["entry"].as_u64() == Some(n as u64))
            .filter_map(|f| f["rule"].as_str())
            .filter(|r| matches!(*r, "DT703" | "DT705"))
            .collect();
        found.sort_unstable();
        let errcode = serde_json::from_str::<Value>(answer).expect("json")["errcode"]
            .as_i64()
            .expect("errcode");
        let what = format!("{method} ?{query} {body}: {answer}");
        assert_eq!(found, *expected, "{what}");
        assert_eq!(errcode, *code, "{what}");
        assert_eq!(!found.is_empty(), errcode == 400_002, "{what}");
    }
}

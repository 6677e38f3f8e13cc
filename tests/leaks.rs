//! Issue 22's leaks: credentials and personal values planted in every position of a HAR entry
//! (names too, percent-, JSON- and base64-encoded) never leave `check` (any format) or `redact`
//! raw.

use std::path::Path;

use base64::Engine;
use proptest::prelude::*;
use serde_json::{json, Value};

use crate::common::dtlint;

/// Formats whose whole output is searched.
const FORMATS: &[&str] = &[
    "human", "json", "ndjson", "sarif", "junit", "github", "markdown",
];

fn har(entries: &[Value]) -> String {
    json!({"log": {"version": "1.2", "creator": {"name": "leaks", "version": "1"}, "entries": entries}})
        .to_string()
}

/// One user/get call with `form` (or a JSON `body`) as its request body and `answer` as its
/// response body, plain or base64.
fn entry(query: &str, headers: &[(&str, &str)], post: Value, answer: &str, base64: bool) -> Value {
    let headers: Vec<Value> = headers
        .iter()
        .map(|(n, v)| json!({"name": n, "value": v}))
        .collect();
    let content = if base64 {
        json!({"size": answer.len(), "mimeType": "application/json", "encoding": "base64",
            "text": base64::engine::general_purpose::STANDARD.encode(answer)})
    } else {
        json!({"size": answer.len(), "mimeType": "application/json", "text": answer})
    };
    json!({
        "startedDateTime": "2024-01-01T00:00:00.000Z", "time": 1,
        "request": {"method": "POST", "httpVersion": "HTTP/1.1",
            "url": format!("https://oapi.dingtalk.com/topapi/v2/user/get?{query}"),
            "headers": headers, "queryString": [], "cookies": [], "headersSize": -1, "bodySize": -1,
            "postData": post},
        "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": [],
            "cookies": [], "content": content, "redirectURL": "", "headersSize": -1, "bodySize": -1},
        "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}
    })
}

fn form(text: &str) -> Value {
    json!({"mimeType": "application/x-www-form-urlencoded", "text": text})
}

/// Every output `check` gives of `file` in `dir`, in every format, and `redact`'s copy (its
/// base64 bodies decoded), with a label each.
fn outputs(dir: &Path, file: &str, show_values: bool) -> Vec<(String, String)> {
    let mut all = Vec::new();
    for format in FORMATS {
        let mut args = vec!["check", "--no-profile", "--format", format, file];
        if show_values {
            args.push("--show-values");
        }
        let (code, stdout, stderr) = dtlint(dir, &args, None);
        assert_eq!(code, 1, "{format}: findings expected\n{stdout}\n{stderr}");
        all.push((
            format!("check --format {format}"),
            format!("{stdout}\n{stderr}"),
        ));
    }
    let copy = dir.join("copy.har");
    let (code, stdout, stderr) = dtlint(dir, &["redact", file, "-o", "copy.har"], None);
    assert_eq!(code, 0, "redact\n{stdout}\n{stderr}");
    let text = std::fs::read_to_string(&copy).expect("the copy");
    let mut decoded = String::new();
    let tree: Value = serde_json::from_str(&text).expect("the copy is JSON");
    for e in tree["log"]["entries"].as_array().into_iter().flatten() {
        if e["response"]["content"]["encoding"] == "base64" {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(e["response"]["content"]["text"].as_str().unwrap_or(""))
                .expect("base64 stays base64");
            decoded.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    all.push((
        "redact".to_owned(),
        format!("{text}\n{decoded}\n{stdout}\n{stderr}"),
    ));
    all
}

fn assert_absent(outputs: &[(String, String)], planted: &[&str]) {
    for (label, text) in outputs {
        for value in planted {
            assert!(!text.contains(value), "{label} leaks {value}:\n{text}");
        }
    }
}

/// Defect 1: a body parameter whose name holds a credential (its `=` percent-encoded by the
/// client) or is a phone number was echoed whole in messages, and kept by `redact`.
#[test]
fn a_credential_or_phone_number_in_a_parameter_name_is_never_printed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = har(&[entry(
        "access_token=QUERY-TOKEN-0001",
        &[],
        form("userid=u1&access_token%3DNAME-SECRET-0002&13912345678=1"),
        r#"{"errcode":0,"errmsg":"ok","result":{"userid":"u1"},"request_id":"r1"}"#,
        false,
    )]);
    std::fs::write(dir.path().join("in.har"), text).expect("written");
    let outputs = outputs(dir.path(), "in.har", false);
    assert_absent(
        &outputs,
        &["NAME-SECRET-0002", "13912345678", "QUERY-TOKEN-0001"],
    );
    let json = &outputs[1].1;
    assert!(
        json.contains("the body parameter <masked name, 29 chars> is not documented"),
        "{json}"
    );
    // Credentials go whatever --show-values says.
    assert_absent(
        &outputs_show(dir.path()),
        &["NAME-SECRET-0002", "QUERY-TOKEN-0001"],
    );
}

fn outputs_show(dir: &Path) -> Vec<(String, String)> {
    outputs(dir, "in.har", true)
}

/// Defect 2: personal values of a request body (form or JSON) were shown raw in excerpts,
/// while the same values in answers were masked.
#[test]
fn personal_values_of_request_bodies_are_masked_in_excerpts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let answer = r#"{"errcode":0,"errmsg":"ok","result":{"userid":"u1"},"request_id":"r1"}"#;
    let text = har(&[
        entry(
            "access_token=t",
            &[],
            form("userid=u1&mobile=13912349000&email=zhang.wei%40example.com"),
            answer,
            false,
        ),
        entry(
            "access_token=t",
            &[],
            json!({"mimeType": "application/json",
                "text": r#"{"userid":"u1","mobile":"13912349001","email":"li.si@example.com"}"#}),
            answer,
            false,
        ),
    ]);
    std::fs::write(dir.path().join("in.har"), text).expect("written");
    let (code, stdout, _) = dtlint(dir.path(), &["check", "--no-profile", "in.har"], None);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("DT706"), "{stdout}");
    for value in ["13912349000", "zhang.wei", "13912349001", "li.si@"] {
        assert!(!stdout.contains(value), "{value}:\n{stdout}");
    }
    assert!(stdout.contains("mobile=139****9000"), "{stdout}");
    // --show-values shows them, as it does in answers.
    let (_, shown, _) = dtlint(
        dir.path(),
        &["check", "--no-profile", "--show-values", "in.har"],
        None,
    );
    assert!(shown.contains("13912349000"), "{shown}");
}

/// What one case plants: tokens, phone numbers and email addresses.
#[derive(Debug, Clone)]
struct Planted {
    tokens: Vec<String>,
    phones: Vec<String>,
    emails: Vec<String>,
    json_body: bool,
    base64: bool,
}

fn planted() -> impl Strategy<Value = Planted> {
    (
        proptest::collection::vec("[A-Za-z0-9]{14}", 12),
        proptest::collection::vec("1[3-9][0-9]{9}", 8),
        proptest::collection::vec("[a-z]{3,8}\\.[a-z]{3,8}", 5),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(tokens, phones, users, json_body, base64)| Planted {
            // A prefix that no output holds by chance, one per token.
            tokens: tokens
                .into_iter()
                .enumerate()
                .map(|(i, t)| format!("Tk{i}x{t}"))
                .collect(),
            phones,
            emails: users
                .into_iter()
                .map(|u| format!("{u}@mail.example.com"))
                .collect(),
            json_body,
            base64,
        })
}

fn encoded(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// `text` with its first letter as a JSON `\uXXXX` escape, as a JSON string literal's content.
fn escaped_first(text: &str) -> String {
    let mut chars = text.chars();
    let first = chars.next().map_or(0, u32::from);
    format!("\\u{first:04x}{}", chars.as_str())
}

fn plant(p: &Planted) -> String {
    let (t, ph, em) = (&p.tokens, &p.phones, &p.emails);
    let query = format!(
        "access_token={}&%61ppsecret={}&mobile={}&mail={}",
        t[0],
        t[1],
        ph[0],
        encoded(&em[0])
    );
    let bearer = format!("Bearer {}", t[2]);
    let headers = [
        ("Authorization", bearer.as_str()),
        ("x-acs-dingtalk-access-token", t[3].as_str()),
        ("tel", ph[1].as_str()),
    ];
    let post = if p.json_body {
        json!({"mimeType": "application/json", "text": format!(
            r#"{{"userid":"u1","{}":"{}","access_token={}":1,"{}":1,"{}":"{}","email":"{}","x":{{"appSecret":["{}"]}}}}"#,
            escaped_first("access_token"), t[4], t[5], ph[2], escaped_first("mobile"), ph[3], em[1], t[6]
        )})
    } else {
        form(&format!(
            "userid=u1&access_token%3D{}&%61ccess_token={}&{}=1&{}=1&mobile={}&email={}&appSecret={}",
            t[4],
            t[5],
            ph[2],
            encoded(&em[2]),
            ph[3],
            encoded(&em[1]),
            t[6]
        ))
    };
    let answer = format!(
        r#"{{"errcode":0,"errmsg":"ok","request_id":"r1","result":{{"userid":"u1","name":"n","mobile":"{}","email":"{}","{}":"{}","access_token":"{}","{}":"{}","{}":"x","{}":"y","suiteTicket={}":1}}}}"#,
        ph[4],
        em[3],
        escaped_first("mobile"),
        ph[5],
        t[7],
        escaped_first("appSecret"),
        t[8],
        ph[6],
        em[4],
        t[9]
    );
    let params = json!({"mimeType": "application/x-www-form-urlencoded", "params": [
        {"name": "userid", "value": "u2"},
        {"name": format!("access_token={}", t[10]), "value": ""},
        {"name": ph[7], "value": "1"},
        {"name": "client_secret", "value": t[11]},
    ]});
    har(&[
        entry(&query, &headers, post, &answer, p.base64),
        entry("access_token=t", &[], params, &answer, false),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, failure_persistence: None, ..ProptestConfig::default() })]

    /// Tokens, secrets, phone numbers and emails planted in every position of a request and an
    /// answer (parameter names and values, query string, headers, form, JSON and params bodies,
    /// percent-, `\uXXXX`- and base64-encoded) are found raw in no output of `check` (every
    /// format) nor in `redact`'s copy.
    #[test]
    fn planted_credentials_and_personal_values_never_leave_raw(p in planted()) {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("in.har"), plant(&p)).expect("written");
        let all = outputs(dir.path(), "in.har", false);
        let planted: Vec<&str> = p
            .tokens
            .iter()
            .chain(&p.phones)
            .chain(&p.emails)
            .map(String::as_str)
            .collect();
        assert_absent(&all, &planted);
    }
}

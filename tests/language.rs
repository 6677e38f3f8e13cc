//! Issue 14: answers in English omit `result.name` (DT112 instead of DT102), and a GET with its
//! parameters in the query is a warning whose query names the user.

use serde_json::{json, Value};

use crate::common::{dtlint, json, root};

/// A success body whose `result` has no `name`, as real answers to en_US have.
fn nameless() -> Value {
    json!({"errcode":0,"errmsg":"ok","request_id":"16m0a2k9xq7rb",
        "result":{"userid":"manager4921","unionid":"kP9wXXXXXXXXXXXXXXXXXXiEiE","active":true}})
}

/// One HAR entry: `method` to `url`, with a JSON body when given, answered with `answer`.
fn har(method: &str, url: &str, body: Option<Value>, answer: &Value) -> String {
    let mut request = json!({"method": method, "url": url, "httpVersion": "HTTP/1.1",
        "headers": [], "queryString": [], "cookies": [], "headersSize": -1, "bodySize": -1});
    if let Some(body) = body {
        request["postData"] = json!({"mimeType": "application/json", "text": body.to_string()});
    }
    json!({"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": [{
        "startedDateTime": "2025-06-02T08:11:40.112Z", "time": 1, "request": request,
        "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": [],
            "cookies": [], "content": {"size": 0, "mimeType": "application/json", "text": answer.to_string()},
            "redirectURL": "", "headersSize": -1, "bodySize": -1},
        "cache": {}, "timings": {"send": 0, "wait": 0, "receive": 0}}]}})
    .to_string()
}

/// (exit code, [(rule, severity, pointer)]) of a check of stdin read as `format`.
fn check(format: &str, extra: &[&str], input: &str) -> (i32, Vec<(String, String, String)>) {
    let mut args = vec![
        "check",
        "--no-profile",
        "--format",
        "json",
        "--stdin-format",
        format,
    ];
    args.extend_from_slice(extra);
    args.push("-");
    let (code, stdout, stderr) = dtlint(&root(), &args, Some(input.as_bytes()));
    assert!(
        crate::common::besides_notes(&stderr).is_empty(),
        "stderr: {stderr}"
    );
    let found = json(&stdout)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let text = |k: &str| f[k].as_str().unwrap_or_default().to_owned();
            (text("rule"), text("severity"), text("pointer"))
        })
        .collect();
    (code, found)
}

const URL: &str = "https://oapi.dingtalk.com/topapi/v2/user/get?access_token=t";

fn name_finding(rule: &str, severity: &str) -> (String, String, String) {
    (rule.into(), severity.into(), "/result/name".into())
}

#[test]
fn an_english_request_makes_a_missing_name_an_info() {
    let body = json!({"userid": "manager4921", "language": "en_US"});
    let (code, found) = check("har", &[], &har("POST", URL, Some(body), &nameless()));
    assert_eq!(found, vec![name_finding("DT112", "info")]);
    assert_eq!(code, 0);
}

#[test]
fn a_chinese_or_silent_request_keeps_the_error_and_wins_over_the_flag() {
    for language in [Some("zh_CN"), None] {
        let mut body = json!({"userid": "manager4921"});
        if let Some(language) = language {
            body["language"] = language.into();
        }
        let input = har("POST", URL, Some(body), &nameless());
        let (code, found) = check("har", &[], &input);
        assert_eq!(found, vec![name_finding("DT102", "error")], "{language:?}");
        assert_eq!(code, 1);
        if language.is_some() {
            // The entry's own language decides over the run's.
            let (_, found) = check("har", &["--language", "en_US"], &input);
            assert_eq!(found, vec![name_finding("DT102", "error")]);
        }
    }
}

#[test]
fn the_language_flag_applies_to_plain_json_bodies() {
    let body = nameless().to_string();
    let (code, found) = check("json", &["--language", "en_US"], &body);
    assert_eq!(found, vec![name_finding("DT112", "info")]);
    assert_eq!(code, 0);
    let (code, found) = check("json", &["--language", "zh_CN"], &body);
    assert_eq!(found, vec![name_finding("DT102", "error")]);
    assert_eq!(code, 1);
    // Ignoring DT102 does not hide the English note: it is relabelled before selection.
    let (_, found) = check("json", &["--language", "en_US", "--ignore", "DT102"], &body);
    assert_eq!(found, vec![name_finding("DT112", "info")]);
}

#[test]
fn a_get_with_userid_in_the_query_is_a_warning_and_names_its_user() {
    let mut answer = nameless();
    answer["result"]["name"] = "赵六".into();
    let url = format!("{URL}&userid=manager4921");
    let (code, found) = check("har", &[], &har("GET", &url, None, &answer));
    assert_eq!(
        found,
        vec![("DT701".into(), "warning".into(), "/request/method".into())]
    );
    assert_eq!(code, 0);
    // The query's userid is paired with the answer: another user is DT708.
    answer["result"]["userid"] = "manager0001".into();
    let (_, found) = check("har", &[], &har("GET", &url, None, &answer));
    let rules: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(rules, ["DT701", "DT708"]);
    // A GET's query language counts as the request's language.
    let url = format!("{url}&language=en_US");
    let (_, found) = check("har", &[], &har("GET", &url, None, &nameless()));
    let rules: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(rules, ["DT701", "DT112"]);
}

//! HARs as each exporter writes them (issue 14): entries of other calls are skipped whatever
//! their shape, and only a user/get entry's shape is judged.

use serde_json::Value;

use crate::common::{dtlint, json, root};

const PRODUCERS: [&str; 6] = [
    "chrome-devtools",
    "firefox-devtools",
    "mitmproxy-savehar",
    "charles",
    "proxyman",
    "fiddler",
];

fn report(dir: &std::path::Path, file: &str) -> (i32, Value) {
    let (code, stdout, stderr) = dtlint(
        dir,
        &["check", "--no-profile", "--format", "json", file],
        None,
    );
    assert!(
        crate::common::besides_notes(&stderr).is_empty(),
        "{file}: stderr {stderr}"
    );
    (code, json(&stdout))
}

/// Which entries of a HAR are user/get calls, read here independently of dtlint.
fn user_get_entries(har: &str) -> Vec<bool> {
    let har: Value = serde_json::from_str(har.trim_start_matches('\u{feff}')).expect("HAR");
    har["log"]["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            let url = e["request"]["url"]
                .as_str()
                .expect("every sample entry has a URL");
            let path = url.split('?').next().unwrap_or_default();
            path.ends_with("/topapi/v2/user/get") && e["request"]["method"] != "OPTIONS"
        })
        .collect()
}

#[test]
fn each_producers_neighbours_are_skipped_not_findings() {
    for producer in PRODUCERS {
        let file = format!("samples/har/{producer}.har");
        let har = std::fs::read_to_string(root().join(&file)).expect("sample");
        let user_get = user_get_entries(&har);
        let neighbours = user_get.iter().filter(|u| !**u).count();
        assert!(neighbours > 0, "{file} has neighbour entries");
        let (_, report) = report(&root(), &file);
        assert_eq!(
            report["summary"]["skipped_entries"], neighbours,
            "{file}: {report:#}"
        );
        for finding in report["findings"].as_array().expect("findings") {
            assert_ne!(finding["rule"], "DT008", "{file}: {finding}");
            let entry = usize::try_from(finding["entry"].as_u64().expect("entry")).expect("fits");
            assert!(user_get[entry], "{file}: a neighbour's finding {finding}");
        }
    }
}

#[test]
fn a_user_get_call_without_a_response_stays_a_finding() {
    let url = "https://oapi.dingtalk.com/topapi/v2/user/get?access_token=PROXYMAN-TOKEN-e04f8a13";
    let request = format!(r#""request":{{"method":"POST","url":"{url}","headersSize":null}}"#);
    let body = r#"{\"errcode\":0,\"errmsg\":\"ok\",\"request_id\":\"5vd1nq8ej2c0k\"}"#;
    let har = format!(
        r#"{{"log":{{"version":"1.2","creator":{{"name":"Proxyman","version":"5.12.0"}},"entries":[
{{"request":{{"method":"GET","url":"https://im.corp.example/sync/long-poll"}},"timings":null}},
{{{request}}},
{{{request},"response":null}},
{{{request},"response":{{"status":200,"content":{{"size":-1,"mimeType":null,"text":"{body}"}},"redirectURL":null}}}}
]}}}}"#
    );
    let dir = tempfile::tempdir().expect("temp");
    std::fs::write(dir.path().join("in-flight.har"), har).expect("write");
    let (code, report) = report(dir.path(), "in-flight.har");
    assert_eq!(code, 1, "{report:#}");
    let dt008: Vec<u64> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "DT008")
        .map(|f| f["entry"].as_u64().expect("entry"))
        .collect();
    assert_eq!(dt008, [1, 2], "{report:#}");
    assert_eq!(report["summary"]["skipped_entries"], 1, "{report:#}");
    assert_eq!(report["summary"]["responses"], 1, "{report:#}");
}

//! Issue 15 in part: a HAR whose `log` or `entries` repeats, numbers beyond f64's range, and HAR
//! entries over `--max-size`. Each runs beside a good input whose findings must still come out.

use std::path::Path;

use serde_json::{json, Value};

use crate::common::{check_json, good_input, root};

const USER_GET: &str = "https://oapi.dingtalk.com/topapi/v2/user/get?access_token=x";

/// A user/get entry whose body is the documentation's example (20 findings).
fn user_get_entry() -> Value {
    let body =
        std::fs::read_to_string(root().join("samples/documented-example.json")).expect("sample");
    json!({
        "request": {"method": "POST", "url": USER_GET,
                    "postData": {"mimeType": "application/json", "text": "{\"userid\":\"manager4921\"}"}},
        "response": {"status": 200, "content": {"mimeType": "application/json", "text": body}}
    })
}

/// The findings of `source` in a report: (entry, rule, pointer, message).
fn of(report: &Value, source: &str) -> Vec<(Option<u64>, String, String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["source"] == source)
        .map(|f| {
            (
                f["entry"].as_u64(),
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["pointer"].as_str().unwrap_or("").to_owned(),
                f["message"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// The good input was read and its findings reported.
fn good_reported(report: &Value) {
    let good = of(report, "good.json");
    assert!(
        good.iter().any(|(_, rule, _, _)| rule == "DT201"),
        "the good input's findings: {good:?}"
    );
}

/// Line and column of the finding of `rule` in `source`.
fn position(report: &Value, source: &str, rule: &str) -> (u64, u64) {
    let f = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["source"] == source && f["rule"] == rule)
        .unwrap_or_else(|| panic!("{rule} in {source}: {report}"));
    (
        f["line"].as_u64().expect("line"),
        f["column"].as_u64().expect("column"),
    )
}

#[test]
fn a_log_key_repeated_10000_times_is_reported_and_the_first_log_is_checked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = json!({"log": {"version": "1.2", "entries": [user_get_entry()]}}).to_string();
    // Each repeat holds a user/get entry that would be checked if it were read: it is not.
    let small = json!({"request": {"method": "POST", "url": USER_GET},
                       "response": {"status": 200, "content": {"text": "{\"errcode\":0}"}}});
    let repeat = format!(",\n\"log\":{}", json!({"entries": [small]}));
    let har = format!("{}{}}}", &first[..first.len() - 1], repeat.repeat(9_999));
    std::fs::write(dir.path().join("repeated.har"), &har).expect("write");
    good_input(dir.path(), "good.json");
    let (code, report) = check_json(dir.path(), &["repeated.har", "good.json"]);
    assert_eq!(code, 1);
    let found = of(&report, "repeated.har");
    let dt007: Vec<_> = found.iter().filter(|f| f.1 == "DT007").collect();
    assert_eq!(dt007.len(), 1, "{dt007:?}");
    let message = &dt007[0].3;
    assert!(
        message.contains("`log` occurs 10000 times in the HAR object (first at line 1, column 2)"),
        "{message}"
    );
    assert!(
        message.contains("only the entries of the first `log` were checked"),
        "{message}"
    );
    // At the second `log`, on line 2.
    assert_eq!(position(&report, "repeated.har", "DT007"), (2, 1));
    assert_eq!(
        report["summary"]["responses"], 2,
        "the first log's entry and the good input"
    );
    assert!(
        found.iter().any(|f| f.0 == Some(0) && f.1 == "DT201"),
        "entry 0 of the first log is checked: {found:?}"
    );
    good_reported(&report);
}

#[test]
fn a_repeated_entries_key_is_reported_and_the_first_entries_are_checked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let har = format!(
        "{{\"log\":{{\"version\":\"1.2\",\"entries\":[{}],\n\"entries\":[{}, {}]}}}}",
        user_get_entry(),
        user_get_entry(),
        user_get_entry()
    );
    std::fs::write(dir.path().join("entries.har"), &har).expect("write");
    good_input(dir.path(), "good.json");
    let (code, report) = check_json(dir.path(), &["entries.har", "good.json"]);
    assert_eq!(code, 1);
    let found = of(&report, "entries.har");
    let dt007: Vec<_> = found.iter().filter(|f| f.1 == "DT007").collect();
    assert_eq!(dt007.len(), 1, "{dt007:?}");
    assert!(
        dt007[0]
            .3
            .contains("`entries` occurs 2 times in `log` (first at line 1, column 25)"),
        "{}",
        dt007[0].3
    );
    assert_eq!(position(&report, "entries.har", "DT007"), (2, 1));
    assert_eq!(
        report["summary"]["responses"], 2,
        "one entry and the good input"
    );
    assert!(found.iter().all(|f| f.0.unwrap_or(0) == 0), "{found:?}");
    good_reported(&report);
}

/// A response whose `result.hired_date` is `literal`, beside the good input: the rule it gets,
/// and that the rest of the body was checked (no DT001) and counted.
fn hired_date(dir: &Path, literal: &str) -> Vec<String> {
    let sample =
        std::fs::read_to_string(root().join("samples/internal-full/full-profile-pretty.json"))
            .expect("sample");
    let at = sample.find("\"hired_date\": ").expect("hired_date") + "\"hired_date\": ".len();
    let end = at + sample[at..].find(',').expect("comma");
    let body = format!("{}{literal}{}", &sample[..at], &sample[end..]);
    std::fs::write(dir.join("number.json"), body).expect("write");
    good_input(dir, "good.json");
    let (code, report) = check_json(dir, &["number.json", "good.json"]);
    assert_eq!(code, 1);
    assert_eq!(report["summary"]["responses"], 2, "both bodies are checked");
    good_reported(&report);
    of(&report, "number.json")
        .into_iter()
        .map(|(_, rule, pointer, _)| {
            assert_eq!(pointer, "/result/hired_date");
            rule
        })
        .collect()
}

#[test]
fn a_number_that_underflows_to_zero_is_not_an_integer_as_1e_300_is() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert_eq!(hired_date(dir.path(), "1e-300"), ["DT101"]);
    assert_eq!(hired_date(dir.path(), "1e-400"), ["DT101"]);
}

#[test]
fn a_negative_number_that_underflows_to_zero_is_not_an_integer() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert_eq!(hired_date(dir.path(), "-1e-400"), ["DT101"]);
    assert_eq!(
        hired_date(dir.path(), "-0.0"),
        Vec::<String>::new(),
        "a true zero"
    );
}

#[test]
fn a_number_beyond_f64_is_beyond_64_bits_as_1e25_is() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert_eq!(hired_date(dir.path(), "1e25"), ["DT111"]);
    assert_eq!(hired_date(dir.path(), "1e400"), ["DT111"]);
    assert_eq!(hired_date(dir.path(), "-1e400"), ["DT111"]);
}

#[test]
fn a_400_digit_integer_is_beyond_64_bits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let huge = format!("1{}", "0".repeat(400));
    assert_eq!(hired_date(dir.path(), &huge), ["DT111"]);
    assert_eq!(hired_date(dir.path(), &format!("-{huge}")), ["DT111"]);
}

/// An entry of `bytes` bytes or more, for the call at `url`.
fn big_entry(url: &str, bytes: usize) -> Value {
    json!({
        "request": {"method": "GET", "url": url},
        "response": {"status": 200, "content": {"mimeType": "application/javascript", "text": "x".repeat(bytes)}}
    })
}

#[test]
fn an_oversized_entry_of_another_call_is_passed_over_quietly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let har = json!({"log": {"version": "1.2", "entries": [
        big_entry("https://g.alicdn.com/dingding/app.js", 300_000),
        user_get_entry(),
    ]}});
    std::fs::write(dir.path().join("bundle.har"), har.to_string()).expect("write");
    good_input(dir.path(), "good.json");
    let (code, report) = check_json(
        dir.path(),
        &["--max-size", "100K", "bundle.har", "good.json"],
    );
    assert_eq!(code, 1);
    let found = of(&report, "bundle.har");
    assert!(found.iter().all(|f| f.1 != "DT006"), "{found:?}");
    assert!(
        found.iter().all(|f| f.0 == Some(1)),
        "only entry 1 has findings: {found:?}"
    );
    assert!(found.iter().any(|f| f.1 == "DT201"), "{found:?}");
    assert_eq!(
        report["summary"]["skipped_entries"], 1,
        "{}",
        report["summary"]
    );
    assert_eq!(report["summary"]["responses"], 2, "{}", report["summary"]);
    good_reported(&report);
}

#[test]
fn an_oversized_user_get_entry_is_dt006_with_size_limit_and_position() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut big = user_get_entry();
    let body = big["response"]["content"]["text"]
        .as_str()
        .expect("body")
        .to_owned();
    big["response"]["content"]["text"] = Value::String(body + &" ".repeat(300_000));
    // One whose request comes after its response, beyond the limit: it may be a user/get call.
    let hidden = format!(
        "{{\"response\":{{\"content\":{{\"text\":\"{}\"}}}},\"request\":{{\"method\":\"POST\",\"url\":\"{USER_GET}\"}}}}",
        "y".repeat(300_000)
    );
    let har = format!(
        "{{\"log\":{{\"version\":\"1.2\",\"entries\":[\n{big},\n{},\n{hidden}]}}}}",
        user_get_entry()
    );
    std::fs::write(dir.path().join("big.har"), &har).expect("write");
    good_input(dir.path(), "good.json");
    let (code, report) = check_json(dir.path(), &["--max-size", "100K", "big.har", "good.json"]);
    assert_eq!(code, 1);
    let found = of(&report, "big.har");
    let dt006: Vec<_> = found.iter().filter(|f| f.1 == "DT006").collect();
    assert_eq!(dt006.len(), 2, "{dt006:?}");
    let size = big.to_string().len();
    assert_eq!(dt006[0].0, Some(0));
    assert_eq!(
        dt006[0].3,
        format!("HAR entry 0, a call of /topapi/v2/user/get, has {size} bytes, more than the limit of 102400 (--max-size); it was skipped")
    );
    assert_eq!(dt006[1].0, Some(2));
    assert!(
        dt006[1]
            .3
            .contains("no request URL in its first 102400 bytes"),
        "{}",
        dt006[1].3
    );
    assert_eq!(position(&report, "big.har", "DT006"), (2, 1));
    assert!(
        found.iter().any(|f| f.0 == Some(1) && f.1 == "DT201"),
        "the entry after it is checked: {found:?}"
    );
    assert_eq!(
        report["summary"]["skipped_entries"], 0,
        "{}",
        report["summary"]
    );
    good_reported(&report);
}

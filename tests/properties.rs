//! Properties searched for counter-examples: positions point at the value, nothing panics, reports are deterministic.

use proptest::prelude::*;
use serde_json::{json, Value};

use dtlint::input::Limits;
use dtlint::run::{check_bytes, check_har, check_ndjson};
use dtlint::{check_text, Settings};

use crate::common::{dtlint, root};

/// Cases per property: enough to find the shapes that break, few enough for CI on 2 cores.
const CASES: u32 = 48;

fn base(seed: u64) -> Value {
    json!({
        "errcode": 0,
        "errmsg": "ok",
        "request_id": format!("req{seed:x}"),
        "result": {
            "userid": format!("0{}", 100_000_000_000_000u64 + seed),
            "unionid": "vQR2XXXXXXXXXXXXXXXXXXiEiE",
            "name": "张三",
            "avatar": "https://static-legacy.dingtalk.com/media/x.jpg",
            "boss": false,
            "active": true,
            "dept_id_list": [1, 2],
            "dept_order_list": [{"dept_id": 1, "order": 176_220_178_909_140_512u64}, {"dept_id": 2, "order": 176_220_178_909_140_513u64}],
            "leader_in_dept": [{"dept_id": 1, "leader": false}],
            "role_list": [{"id": 3_935_025_514u64, "name": "主管理员", "group_name": "默认"}],
            "hired_date": 1_597_573_616_828u64,
            "extension": "{\"爱好\":\"旅行\"}",
            "org_email_type": "profession",
            "union_emp_ext": {}
        }
    })
}

/// Every defect class the tool knows, applied to a clean body.
fn mutate(body: &mut Value, class: u8) {
    let r = &mut body["result"];
    match class % 13 {
        0 => {}
        1 => r["boss"] = json!("true"),
        2 => r["hired_date"] = json!("1597573616828"),
        3 => r["dept_id_list"] = json!("[1,2]"),
        4 => r["role_list"] = json!({"id": "100", "name": "Director", "group_name": "Position"}),
        5 => r["avatar"] = Value::Null,
        6 => r["active"] = json!(1),
        7 => r["id_card"] = json!("x"),
        8 => {
            body.as_object_mut().map(|o| o.remove("request_id"));
        }
        9 => r["org_email_type"] = json!("Profession"),
        10 => r["extension"] = json!("not json"),
        11 => r["leader_in_dept"] = json!([{"dept_id": 9, "leader": true}]),
        _ => body["errcode"] = json!("0"),
    }
}

/// The text forms real captures take.
fn render(body: &Value, form: u8) -> String {
    let pretty = serde_json::to_string_pretty(body).unwrap_or_default();
    match form % 5 {
        0 => pretty,
        1 => serde_json::to_string(body).unwrap_or_default(),
        2 => serde_json::to_string(body)
            .unwrap_or_default()
            .replace('/', "\\/"),
        3 => {
            let mut out = String::new();
            for c in serde_json::to_string(body).unwrap_or_default().chars() {
                if c.is_ascii() {
                    out.push(c);
                } else {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        out.push_str(&format!("\\u{unit:04x}"));
                    }
                }
            }
            out
        }
        _ => pretty.replace('\n', "\r\n"),
    }
}

/// Byte offset of a 1-based line and character column.
fn offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    let line_text = &text[start..];
    start
        + line_text
            .char_indices()
            .nth(column - 1)
            .map_or(line_text.len(), |(i, _)| i)
}

/// The JSON value that starts at `at` in `text`.
fn value_at(text: &str, at: usize) -> Option<Value> {
    serde_json::Deserializer::from_str(&text[at..])
        .into_iter::<Value>()
        .next()?
        .ok()
}

fn check_positions(
    text: &str,
    body: &Value,
    findings: &[dtlint::Finding],
    first_line: usize,
) -> Result<(), TestCaseError> {
    for f in findings {
        let (Some(line), Some(column)) = (f.line(), f.column()) else {
            continue;
        };
        let at = offset(text, line - first_line + 1, column);
        match body.pointer(f.pointer()) {
            Some(expected) => {
                let found = value_at(text, at);
                prop_assert_eq!(
                    found.as_ref(),
                    Some(expected),
                    "{} {} at {}:{}",
                    f.rule().code,
                    f.pointer(),
                    line,
                    column
                );
            }
            None => {
                // A missing member points at its parent's first byte.
                let parent = &f.pointer()[..f.pointer().rfind('/').unwrap_or(0)];
                let found = value_at(text, at);
                prop_assert_eq!(
                    found.as_ref(),
                    body.pointer(parent),
                    "{} {}",
                    f.rule().code,
                    f.pointer()
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn positions_point_at_the_value_in_every_form(seed in 0u64..1000, class in 0u8..13, form in 0u8..5) {
        let mut body = base(seed);
        mutate(&mut body, class);
        let text = render(&body, form);
        let checked = check_text(&text, &Settings::default());
        prop_assert!(checked.parsed);
        if class != 0 {
            prop_assert!(!checked.findings.is_empty(), "defect class {} is found", class);
        }
        check_positions(&text, &body, &checked.findings, 1)?;
    }

    #[test]
    fn positions_hold_inside_ndjson_lines(seeds in proptest::collection::vec((0u64..1000, 0u8..13), 1..6)) {
        let bodies: Vec<Value> = seeds.iter().map(|(s, c)| { let mut b = base(*s); mutate(&mut b, *c); b }).collect();
        let text: String = bodies.iter().map(|b| render(b, 1) + "\n").collect();
        let checked = check_ndjson(text.as_bytes(), &Settings::default(), Limits::default().max_size);
        prop_assert_eq!(checked.tally.responses, bodies.len() as u64);
        for f in &checked.findings {
            let entry = usize::try_from(f.entry().unwrap_or(0)).unwrap_or(0);
            prop_assert_eq!(f.line(), Some(entry + 1));
            check_positions(&text, &bodies[entry], std::slice::from_ref(f), 1)?;
        }
    }

    #[test]
    fn positions_hold_inside_escaped_har_bodies(seed in 0u64..1000, class in 1u8..13, form in 0u8..5) {
        let mut body = base(seed);
        mutate(&mut body, class);
        let body_text = render(&body, form);
        let entry = json!({
            "request": {"method": "POST", "url": "https://oapi.dingtalk.com/topapi/v2/user/get?access_token=t", "queryString": [],
                        "postData": {"mimeType": "application/json", "text": format!("{{\"userid\":{}}}", body["result"]["userid"])}},
            "response": {"status": 200, "content": {"mimeType": "application/json", "text": body_text}}
        });
        let har = serde_json::to_string_pretty(&json!({"log": {"version": "1.2", "entries": [entry]}})).unwrap_or_default();
        let checked = check_har(har.as_bytes(), &Settings::default(), Limits::default().max_size);
        prop_assert_eq!(checked.tally.responses, 1);
        prop_assert!(!checked.findings.is_empty());
        for f in checked.findings.iter().filter(|f| f.rule().category != dtlint::Category::Request) {
            let (Some(line), Some(column)) = (f.line(), f.column()) else { continue };
            let at = offset(&har, line, column);
            // Decode the rest of the escaped body string from that byte: it must start with the value.
            let end = literal_end(&har, at);
            let rest: String = serde_json::from_str(&format!("\"{}\"", &har[at..end])).unwrap_or_default();
            let expected = body.pointer(f.pointer()).map(|_| ());
            if expected.is_some() {
                let decoded_value = value_at(&rest, 0);
                prop_assert_eq!(decoded_value.as_ref(), body.pointer(f.pointer()), "{} {}", f.rule().code, f.pointer());
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_as_file_line_or_har_body(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let settings = Settings::default();
        let file = check_bytes(&bytes, &settings, &Limits::default());
        prop_assert!(file.tally.responses + file.findings.len() as u64 >= 1, "a finding or a response");
        let _ = check_ndjson(&bytes[..], &settings, 1 << 20);
        let _ = check_har(&bytes[..], &settings, 1 << 20);
        let text = String::from_utf8_lossy(&bytes);
        let har = serde_json::to_string(&json!({"log": {"entries": [{"request": {"method": "POST", "url": "/topapi/v2/user/get"}, "response": {"status": 200, "content": {"text": text}}}]}})).unwrap_or_default();
        let checked = check_har(har.as_bytes(), &settings, 1 << 20);
        prop_assert!(!checked.findings.is_empty() || checked.tally.responses == 1);
    }

    #[test]
    fn arbitrary_json_never_panics_as_a_body(value in arbitrary_json()) {
        let text = value.to_string();
        let checked = check_text(&text, &Settings::default());
        prop_assert!(checked.parsed);
        let wrapped = json!({"errcode": 0, "errmsg": "ok", "request_id": "r", "result": value});
        let _ = check_text(&wrapped.to_string(), &Settings::default());
    }
}

/// The byte where the JSON string literal containing `at` closes (its unescaped quote).
fn literal_end(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = at;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        "[a-z_]{0,8}".prop_map(Value::from),
        "\\PC{0,6}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::from),
            proptest::collection::btree_map(
                "(userid|boss|mobile|result|errcode|role_list|[a-z]{1,6})",
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[test]
fn reports_are_byte_identical_whatever_the_thread_count_and_argument_order() {
    let args = [
        "samples/defects",
        "samples/har",
        "samples/ndjson",
        "samples/documented-example.json",
    ];
    let mut reports = Vec::new();
    for threads in ["1", "2", "4"] {
        for order in [false, true] {
            let mut list: Vec<&str> = args.to_vec();
            if order {
                list.reverse();
            }
            let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_dtlint"));
            command
                .current_dir(root())
                .env("RAYON_NUM_THREADS", threads)
                .args(["check", "--no-profile", "--format", "json"])
                .args(&list);
            let output = command.output().expect("runs");
            reports.push(String::from_utf8_lossy(&output.stdout).into_owned());
        }
    }
    assert!(reports[0].len() > 1000);
    for report in &reports[1..] {
        assert_eq!(report, &reports[0]);
    }
    let _ = dtlint;
}

//! Every code of the registry, produced through every input kind that can emit it, leaves
//! through one exit: `--ignore CODE`, `--ignore CATEGORY` and `--severity CODE=LEVEL` act on it,
//! and the exit code follows.

use std::path::{Path, PathBuf};

use crate::common::{dtlint, json};

/// Codes no input can produce: the schema uses no keyword that DT110's catch-all would name.
const UNREACHABLE: &[&str] = &["DT110"];

/// Codes an input kind cannot emit, with why.
const NOT_FROM: &[(&str, &str)] = &[
    // An NDJSON line is one line: a body cut short is invalid JSON, and a blank line is no
    // response (issue 15 makes an NDJSON with no value DT004).
    ("DT004", "ndjson"),
    ("DT004", "har"),
];

/// One way to produce a code: a file of some kind, checked with some flags.
struct Case {
    code: String,
    kind: &'static str,
    path: String,
    flags: Vec<String>,
}

/// A JSON body as a user/get exchange of a HAR capture.
fn as_har(body: &str) -> String {
    let userid = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v.pointer("/result/userid")
                .and_then(|u| u.as_str())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "manager4220".to_owned());
    let entry = serde_json::json!({
        "startedDateTime": "2026-01-01T00:00:00.000Z",
        "time": 1,
        "request": {
            "method": "POST",
            "url": "https://oapi.dingtalk.com/topapi/v2/user/get?access_token=x",
            "httpVersion": "HTTP/1.1",
            "headers": [], "queryString": [{"name": "access_token", "value": "x"}], "cookies": [],
            "headersSize": -1, "bodySize": -1,
            "postData": {"mimeType": "application/x-www-form-urlencoded", "text": format!("userid={userid}")}
        },
        "response": {
            "status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": [], "cookies": [],
            "content": {"size": body.len(), "mimeType": "application/json", "text": body},
            "redirectURL": "", "headersSize": -1, "bodySize": -1
        },
        "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}
    });
    serde_json::json!({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": [entry]}})
        .to_string()
}

/// The body on one line, as NDJSON carries it.
fn as_ndjson(body: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(body) {
        Ok(value) => format!("{value}\n"),
        Err(_) => format!("{}\n", body.replace(['\n', '\r'], " ")),
    }
}

fn cases(dir: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("written");
        path.to_string_lossy().into_owned()
    };
    for rule in dtlint::rules::ALL {
        let code = rule.code;
        let fixtures = crate::rule_fixtures::fixture_dir(code, rule.name);
        if !fixtures.is_dir() {
            continue;
        }
        let profile = fixtures.join("profile.toml");
        let flags = if profile.exists() {
            vec![
                "--profile".to_owned(),
                profile.to_string_lossy().into_owned(),
            ]
        } else {
            vec!["--no-profile".to_owned()]
        };
        let mut invalid: Vec<PathBuf> = std::fs::read_dir(&fixtures)
            .expect("fixtures")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_stem()
                    .and_then(|s| s.to_str())
                    .is_some_and(|s| s.starts_with("invalid"))
                    && p.extension().is_some_and(|e| e != "snap")
            })
            .collect();
        invalid.sort();
        let sample = crate::rule_fixtures::invalid_body(code, rule.name);
        if !invalid.contains(&sample) {
            invalid.push(sample);
        }
        for (n, file) in invalid.iter().enumerate() {
            let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
            let bytes = std::fs::read(file).expect("fixture");
            let mut add = |kind: &'static str, path: String| {
                if !NOT_FROM.contains(&(code, kind)) {
                    cases.push(Case {
                        code: code.to_owned(),
                        kind,
                        path,
                        flags: flags.clone(),
                    });
                }
            };
            match ext {
                "json" => {
                    let body = String::from_utf8_lossy(&bytes).into_owned();
                    add("file", write(&format!("{code}-{n}.json"), &bytes));
                    add(
                        "ndjson",
                        write(&format!("{code}-{n}.ndjson"), as_ndjson(&body).as_bytes()),
                    );
                    add(
                        "har",
                        write(&format!("{code}-{n}.har"), as_har(&body).as_bytes()),
                    );
                }
                "har" => add("har", write(&format!("{code}-{n}.har"), &bytes)),
                "ndjson" => add("ndjson", write(&format!("{code}-{n}.ndjson"), &bytes)),
                "yaml" => add("cassette", write(&format!("{code}-{n}.yaml"), &bytes)),
                other => panic!("{}: unknown fixture kind {other}", file.display()),
            }
        }
    }
    // Codes about the input itself, not its body, made here.
    let body = r#"{"errcode":0,"errmsg":"ok","request_id":"r","result":{"userid":"u1","unionid":"x","name":"n"}}"#;
    let plain = |code: &str, kind: &'static str, path: String, flags: &[&str]| Case {
        code: code.to_owned(),
        kind,
        path,
        flags: std::iter::once("--no-profile")
            .chain(flags.iter().copied())
            .map(str::to_owned)
            .collect(),
    };
    cases.push(plain(
        "DT002",
        "file",
        dir.join("absent.json").to_string_lossy().into_owned(),
        &[],
    ));
    let broken = b"{\"errcode\":0,\"errmsg\":\"\xff\"}";
    cases.push(plain("DT003", "file", write("utf8.json", broken), &[]));
    cases.push(plain(
        "DT003",
        "ndjson",
        write("utf8.ndjson", &[broken.as_slice(), b"\n"].concat()),
        &[],
    ));
    cases.push(plain(
        "DT006",
        "file",
        write("big.json", body.as_bytes()),
        &["--max-size", "16"],
    ));
    cases.push(plain(
        "DT006",
        "ndjson",
        write("big.ndjson", as_ndjson(body).as_bytes()),
        &["--max-size", "16"],
    ));
    cases.push(plain(
        "DT006",
        "har",
        write("big.har", as_har(body).as_bytes()),
        &["--max-size", "64"],
    ));
    // Bodies kept apart (Playwright's `_file`) and HAR zip archives.
    let naming = |file: &str| {
        let mut har: serde_json::Value = serde_json::from_str(&as_har(body)).expect("HAR");
        let content = &mut har["log"]["entries"][0]["response"]["content"];
        content["text"] = "".into();
        content["_file"] = file.into();
        har.to_string()
    };
    cases.push(plain(
        "DT011",
        "har",
        write("apart.har", naming("absent.json").as_bytes()),
        &[],
    ));
    cases.push(plain(
        "DT012",
        "har",
        write("outside.har", naming("/etc/passwd").as_bytes()),
        &[],
    ));
    cases.push(plain(
        "DT013",
        "zip",
        write("cut.zip", b"PK\x03\x04\x14\x00"),
        &[],
    ));
    // An `[[ignore]]` that hides nothing.
    let profile = write(
        "unused.toml",
        b"[[ignore]]\nrule = \"DT201\"\nreason = \"none\"\n",
    );
    cases.push(Case {
        code: "DT902".to_owned(),
        kind: "file",
        path: write("clean.json", body.as_bytes()),
        flags: vec!["--profile".to_owned(), profile],
    });
    // A baseline entry whose finding went away.
    let stale = write("stale.json", br#"{"errcode":0,"errmsg":"ok","request_id":"r","result":{"userid":"u1","unionid":"x","name":"n","boss":"true"}}"#);
    let baseline = dir.join("baseline.json").to_string_lossy().into_owned();
    let (code, _, stderr) = dtlint(
        dir,
        &["baseline", "--no-profile", &stale, "-o", &baseline],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    std::fs::write(&stale, body).expect("fixed");
    cases.push(Case {
        code: "DT901".to_owned(),
        kind: "file",
        path: stale,
        flags: vec!["--no-profile".to_owned(), "--baseline".to_owned(), baseline],
    });
    cases
}

/// The exit code and the (code, severity) of every finding of a run.
fn run(dir: &Path, case: &Case, extra: &[&str]) -> (i32, Vec<(String, String)>) {
    let mut args: Vec<&str> = vec!["check", "--format", "json"];
    args.extend(case.flags.iter().map(String::as_str));
    args.extend(extra);
    args.push(&case.path);
    let (code, stdout, stderr) = dtlint(dir, &args, None);
    assert!(code == 0 || code == 1 || code == 2, "{args:?}: {stderr}");
    let report = json(&stdout);
    let findings = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["severity"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    (code, findings)
}

/// The exit code a run's findings call for: 2 for an unreadable input, 1 for an error.
fn expected_exit(case: &Case, findings: &[(String, String)]) -> i32 {
    if case.code == "DT002" {
        2
    } else {
        i32::from(findings.iter().any(|(_, s)| s == "error"))
    }
}

#[test]
fn ignore_and_severity_act_on_every_code_through_every_input_kind() {
    let dir = tempfile::tempdir().expect("temp");
    let cases = cases(dir.path());
    let mut covered: Vec<(String, &str)> = Vec::new();
    for case in &cases {
        let what = format!("{} via {} ({})", case.code, case.kind, case.path);
        let rule = dtlint::rules::find(&case.code).expect("a registered code");
        let (exit, findings) = run(dir.path(), case, &[]);
        assert!(
            findings.iter().any(|(c, _)| *c == case.code),
            "{what}: not produced: {findings:?}"
        );
        assert_eq!(exit, expected_exit(case, &findings), "{what}");
        for ignore in [case.code.as_str(), rule.category.as_str()] {
            let (exit, findings) = run(dir.path(), case, &["--ignore", ignore]);
            assert!(
                !findings.iter().any(|(c, _)| *c == case.code),
                "{what}: --ignore {ignore} left it"
            );
            assert_eq!(
                exit,
                expected_exit(case, &findings),
                "{what}: --ignore {ignore}"
            );
        }
        for level in ["info", "warning", "error"] {
            let flag = format!("{}={level}", case.code);
            let (exit, findings) = run(dir.path(), case, &["--severity", &flag]);
            let own: Vec<_> = findings.iter().filter(|(c, _)| *c == case.code).collect();
            assert!(
                !own.is_empty() && own.iter().all(|(_, s)| s == level),
                "{what}: --severity {flag}: {own:?}"
            );
            assert_eq!(
                exit,
                expected_exit(case, &findings),
                "{what}: --severity {flag}"
            );
        }
        covered.push((case.code.clone(), case.kind));
    }
    // Every code is produced somewhere, unless listed as unreachable.
    for rule in dtlint::rules::ALL {
        let produced = covered.iter().any(|(c, _)| c == rule.code);
        assert_eq!(
            produced,
            !UNREACHABLE.contains(&rule.code),
            "{}: produced {produced}",
            rule.code
        );
    }
    // Every body code comes through files, NDJSON and HAR alike.
    for rule in dtlint::rules::ALL {
        let body_rule = matches!(rule.code.as_bytes().get(2), Some(b'1'..=b'6'));
        if !body_rule || UNREACHABLE.contains(&rule.code) {
            continue;
        }
        for kind in ["file", "ndjson", "har"] {
            assert!(
                covered.contains(&(rule.code.to_owned(), kind)),
                "{} never came through {kind}",
                rule.code
            );
        }
    }
}

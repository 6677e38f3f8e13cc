//! Playwright's HAR forms read alike: bodies attached beside the HAR (`_file`) and HAR zip
//! archives give the findings of the embedded HAR, at positions in the files and members that
//! hold the values; bad side files and archives give a finding each and the run goes on.

use std::io::Write;
use std::path::Path;

use serde_json::Value;

use crate::common::{dtlint, json, root};

const EMBED: &str = "samples/har/playwright/embed.har";
const ATTACH: &str = "samples/har/playwright/attach/capture.har";
const ZIP: &str = "samples/har/playwright/capture.zip";

fn check(dir: &Path, args: &[&str]) -> (i32, Value) {
    let mut all = vec![
        "check",
        "--no-profile",
        "--app-type",
        "third-party",
        "--format",
        "json",
    ];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = dtlint(dir, &all, None);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (code, json(&stdout))
}

fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().expect("findings")
}

/// (rule, pointer, entry) of every finding, sorted.
fn keys(report: &Value) -> Vec<(String, String, u64)> {
    let mut keys: Vec<_> = findings(report)
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["pointer"].as_str().unwrap_or_default().to_owned(),
                f["entry"].as_u64().unwrap_or(u64::MAX),
            )
        })
        .collect();
    keys.sort();
    keys
}

/// The text a finding's `source` names, and the value at its line and column there.
fn text_of(source: &str) -> String {
    match source.split_once("!/") {
        None => std::fs::read_to_string(root().join(source)).expect("side file"),
        Some((archive, member)) => {
            let file = std::fs::File::open(root().join(archive)).expect("archive");
            let mut zip = zip::ZipArchive::new(file).expect("zip");
            let mut text = String::new();
            std::io::Read::read_to_string(&mut zip.by_name(member).expect("member"), &mut text)
                .expect("read");
            text
        }
    }
}

fn at(text: &str, line: u64, column: u64) -> &str {
    let line = text
        .lines()
        .nth(usize::try_from(line).expect("in the test") - 1)
        .expect("in the test");
    let column = usize::try_from(column).expect("in the test") - 1;
    &line[line
        .char_indices()
        .nth(column)
        .map_or(line.len(), |(i, _)| i)..]
}

#[test]
fn attached_and_zipped_forms_find_what_the_embedded_har_finds_where_the_values_are() {
    let (embed_code, embed) = check(&root(), &[EMBED]);
    assert_eq!(embed["summary"]["responses"], 2, "{embed}");
    let expected = keys(&embed);
    assert!(
        expected.iter().any(|(rule, ..)| rule == "DT201"),
        "the planted defect: {expected:?}"
    );
    for (form, member) in [
        (ATTACH, "samples/har/playwright/attach/"),
        (ZIP, "capture.zip!/"),
    ] {
        let (code, report) = check(&root(), &[form]);
        assert_eq!(code, embed_code, "{form}");
        assert_eq!(keys(&report), expected, "{form}");
        assert_eq!(report["summary"]["responses"], 2, "{form}");
        for finding in findings(&report) {
            let source = finding["source"].as_str().expect("in the test");
            if !finding["pointer"]
                .as_str()
                .expect("in the test")
                .starts_with("/result")
            {
                continue;
            }
            // A body's finding names the side file or member that holds it, and its line and
            // column point at the value's field there.
            assert!(source.contains(member), "{form}: {finding}");
            let text = text_of(source);
            let here = at(
                &text,
                finding["line"].as_u64().expect("in the test"),
                finding["column"].as_u64().expect("in the test"),
            );
            let field = finding["pointer"]
                .as_str()
                .expect("in the test")
                .rsplit('/')
                .next()
                .expect("in the test");
            let value_start = here.starts_with(['"', '[', '{', 't', 'f', 'n'])
                || here.starts_with(|c: char| c.is_ascii_digit() || c == '-');
            assert!(value_start, "{form}: {finding} at {here:.40}");
            let before = &text[..text.len() - here.len()];
            assert!(
                before
                    .trim_end()
                    .trim_end_matches(':')
                    .trim_end()
                    .ends_with(&format!("\"{field}\"")),
                "{form}: {finding}"
            );
        }
    }
}

#[test]
fn audit_reads_the_three_forms_alike() {
    let audit = |form: &str| {
        let (code, stdout, stderr) = dtlint(
            &root(),
            &[
                "audit",
                "--no-profile",
                "--app-type",
                "third-party",
                "--format",
                "json",
                form,
            ],
            None,
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        let mut report = json(&stdout);
        // Where the examples are held differs by form; what they are does not.
        let mut examples = Vec::new();
        for field in report["fields"].as_array_mut().expect("in the test") {
            for example in field["examples"].as_array_mut().expect("in the test") {
                examples.push((
                    example["rule"].clone(),
                    example["entry"].clone(),
                    example["value"].clone(),
                ));
                let source = example["source"].as_str().expect("in the test").to_owned();
                example["source"] = Value::Null;
                example["line"] = Value::Null;
                example["column"] = Value::Null;
                examples.push((Value::String(source), Value::Null, Value::Null));
            }
        }
        (code, report, examples)
    };
    let (code, embed, _) = audit(EMBED);
    assert_eq!(embed["responses"], 2);
    assert!(
        embed["exposures"].as_u64().expect("in the test") > 0,
        "{embed}"
    );
    for form in [ATTACH, ZIP] {
        let (form_code, mut report, examples) = audit(form);
        assert_eq!(form_code, code, "{form}");
        for (source, ..) in examples.iter().filter(|(_, e, _)| e.is_null()) {
            assert!(
                source.as_str().expect("in the test").ends_with(".json"),
                "{form}: {source}"
            );
        }
        // The period and the apps come from the same traffic recorded again.
        for key in ["period", "apps"] {
            report[key] = embed[key].clone();
        }
        let mut embed = embed.clone();
        for report in [&mut report, &mut embed] {
            for field in report["fields"].as_array_mut().expect("in the test") {
                for example in field["examples"].as_array_mut().expect("in the test") {
                    for key in ["source", "line", "column", "time", "app"] {
                        example[key] = Value::Null;
                    }
                }
            }
        }
        assert_eq!(report, embed, "{form}");
    }
}

/// A zip archive of `members` (name, bytes), deflated.
fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in members {
        out.start_file(*name, options).expect("in the test");
        out.write_all(bytes).expect("in the test");
    }
    out.finish().expect("in the test").into_inner()
}

fn har_naming(response_file: &str, request_file: Option<&str>) -> String {
    let post = request_file.map_or(String::new(), |f| {
        format!(r#","postData":{{"mimeType":"application/json","text":"","_file":"{f}"}}"#)
    });
    format!(
        r#"{{"log":{{"version":"1.2","entries":[
{{"request":{{"method":"POST","url":"https://oapi.dingtalk.com/topapi/v2/user/get?access_token=t"{post}}},
"response":{{"status":200,"content":{{"size":10,"mimeType":"application/json","_file":"{response_file}"}}}}}}]}}}}"#
    )
}

fn body() -> Vec<u8> {
    std::fs::read(root().join("samples/defects/DT201-quoted-boolean.json")).expect("in the test")
}

/// Every finding of a run over `files`, as (source, rule, line, message).
fn run(dir: &Path, files: &[&str], extra: &[&str]) -> Vec<(String, String, Option<u64>, String)> {
    let mut args: Vec<&str> = extra.to_vec();
    args.extend_from_slice(files);
    let (code, report) = check(dir, &args);
    assert!(code == 1 || code == 2, "{report}");
    findings(&report)
        .iter()
        .map(|f| {
            (
                f["source"].as_str().unwrap_or_default().to_owned(),
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64(),
                f["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn bad_side_files_and_archives_each_give_a_placed_finding_and_the_run_goes_on() {
    let dir = tempfile::tempdir().expect("in the test");
    let d = dir.path();
    let write =
        |name: &str, bytes: &[u8]| std::fs::write(d.join(name), bytes).expect("in the test");
    let sha = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
    let good = zip_of(&[
        (
            "har.har",
            har_naming(&format!("{sha}.json"), None).as_bytes(),
        ),
        (&format!("{sha}.json"), &body()),
    ]);
    write("good.zip", &good);
    write("truncated.zip", &good[..good.len() / 2]);
    write("no-har.zip", &zip_of(&[(&format!("{sha}.json"), &body())]));
    write(
        "climbing.zip",
        &zip_of(&[
            ("../../etc/passwd", b"root:x:0:0"),
            ("har.har", har_naming("../../etc/passwd", None).as_bytes()),
        ]),
    );
    // A member that declares 100 bytes and inflates to 8 MiB.
    let mut bomb = zip_of(&[
        ("har.har", har_naming("big.json", None).as_bytes()),
        ("big.json", &vec![b' '; 8 << 20]),
    ]);
    let central = memchr::memmem::rfind(&bomb, b"PK\x01\x02").expect("in the test");
    bomb[central + 24..central + 28].copy_from_slice(&100u32.to_le_bytes());
    let local = memchr::memmem::rfind(&bomb[..central], b"PK\x03\x04").expect("in the test");
    bomb[local + 22..local + 26].copy_from_slice(&100u32.to_le_bytes());
    write("bomb.zip", &bomb);
    write("absolute.har", har_naming("/etc/passwd", None).as_bytes());
    write(
        "missing.har",
        har_naming("nowhere.json", Some("nor-here.json")).as_bytes(),
    );
    write("large.har", har_naming("large.dat", None).as_bytes());
    write("large.dat", &vec![b' '; 4096]);
    let files = [
        "absolute.har",
        "bomb.zip",
        "climbing.zip",
        "good.zip",
        "large.har",
        "missing.har",
        "no-har.zip",
        "truncated.zip",
    ];
    let found = run(d, &files, &["--max-size", "2048"]);
    let has = |source: &str, rule: &str, words: &str| {
        assert!(
            found.iter().any(|(s, r, line, m)| s == source
                && r == rule
                && line.is_some()
                && m.contains(words)),
            "{source} {rule} {words}: {found:#?}"
        );
    };
    has("absolute.har", "DT012", "absolute path");
    has("bomb.zip", "DT013", "zip bomb");
    has("climbing.zip!/../../etc/passwd", "DT012", "refused");
    has("climbing.zip!/har.har", "DT012", "`..`");
    has(
        "good.zip!/4b825dc642cb6eb9a060e54bf8d69288fbee4904.json",
        "DT201",
        "boss",
    );
    has("large.har", "DT011", "more than the limit of 2048");
    has("missing.har", "DT011", "the response body");
    has("missing.har", "DT011", "the request body");
    has("no-har.zip", "DT013", "no `.har` member");
    has("truncated.zip", "DT013", "truncated");
    // A body refused is said once, not again as one the export left out.
    assert!(!found.iter().any(|(_, r, ..)| r == "DT009"), "{found:#?}");
    // No body was read from outside: /etc/passwd holds no JSON, which DT001 would say.
    assert!(!found.iter().any(|(_, r, ..)| r == "DT001"), "{found:#?}");
}

#[test]
fn a_request_body_kept_apart_feeds_the_request_rules() {
    let dir = tempfile::tempdir().expect("in the test");
    let d = dir.path();
    std::fs::write(d.join("a.har"), har_naming("r.json", Some("q.json"))).expect("in the test");
    std::fs::write(d.join("r.json"), body()).expect("in the test");
    std::fs::write(d.join("q.json"), br#"{"userid":"0805593172264418"}"#).expect("in the test");
    let found = run(d, &["a.har"], &[]);
    assert!(
        !found.iter().any(|(_, r, ..)| r == "DT703" || r == "DT708"),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|(s, r, ..)| s == "r.json" && r == "DT201"),
        "{found:#?}"
    );
    // Through a symbolic link that leads out of the folder, nothing is read.
    let outside = tempfile::tempdir().expect("in the test");
    std::fs::write(outside.path().join("secret.json"), body()).expect("in the test");
    #[cfg(unix)]
    {
        std::fs::remove_file(d.join("r.json")).expect("in the test");
        std::os::unix::fs::symlink(outside.path().join("secret.json"), d.join("r.json"))
            .expect("in the test");
        let found = run(d, &["a.har"], &[]);
        assert!(
            found
                .iter()
                .any(|(s, r, _, m)| s == "a.har" && r == "DT012" && m.contains("symbolic link")),
            "{found:#?}"
        );
    }
}

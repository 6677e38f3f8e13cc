//! `dtlint redact` on a login capture of both API families: nothing usable or readable is left
//! in the copy, nor in what `check`, `audit` and `baseline` print of the original.

use std::path::{Path, PathBuf};

use crate::common::{dtlint, findings, root};

const CAPTURE: &str = "tests/fixtures/redact/login-flow.har";

/// Every credential the capture carries, each in a different place.
const SECRETS: &[&str] = &[
    "APPSECRET-QUERY-0001",
    "OLD-ACCESS-TOKEN-0002",
    "APPSECRET-CAMEL-0003",
    "NEW-ACCESS-TOKEN-0004",
    "SIGNATURE-URL-0005",
    "SUITE-SECRET-0006",
    "SUITE-TICKET-0007",
    "CORP-ACCESS-TOKEN-0008",
    "JSAPI-TICKET-0009",
    "AUTHCODE-LOCATION-0010",
    "OAUTH-CODE-QUERY-0011",
    "SESSION-COOKIE-0012",
    "CLIENT-SECRET-0013",
    "REFRESH-TOKEN-0014",
    "USER-ACCESS-TOKEN-0015",
    "REFRESH-TOKEN-0016",
    "TMP-LOGIN-CODE-0017",
    "SIGNATURE-SNS-0018",
    "TMP-AUTH-CODE-0019",
    // `Basic` credentials of "BASIC-CRED-0020", base64-encoded as the header carries them.
    "QkFTSUMtQ1JFRC0wMDIw",
    "BEARER-COMMENT-0021",
    "WS-SESSION-0022",
    "SET-COOKIE-0023",
    "PASSWORD-0024",
    "FRAGMENT-CODE-0025",
    "HEADER-SIGNATURE-0026",
    "HEADER-SESSION-0027",
    "SIGN-FORM-0028",
    "BEARER-HEADER-0029",
    "SUITE-TICKET-SNAKE-0030",
    "CORP-ACCESS-TOKEN-0031",
    "OAUTH-CODE-REFERER-0032",
    "SESSION-COOKIE-0033",
];

/// Contact data of people: phone numbers and email addresses, by name and by pattern.
const PERSONAL: &[&str] = &[
    "15800158011",
    "13900139000",
    "13700137000",
    "13500135000",
    "13300133000",
    "13600136000",
    "13200132000",
    "010-66668888",
    "zhang.wei@example.org",
    "wei.zhang@corp.example.com",
    "li.si@example.net",
    "wang.wu@example.com",
    "wang.wu%40example.com",
    "zhao.liu@example.com",
    "杭州未来科技城",
    "只给人事看的备注",
];

/// What stays: ids that are no secrets, so the copy still helps debugging.
const KEPT: &[&str] = &[
    "dingappkeyfixture01",
    "suitekeyfixture01",
    "dingcorpfixture01",
    "manager4220",
    "unionidfixture01",
    "reqidfixture02",
    "Forbidden.AccessDenied.AccessTokenPermissionDenied",
];

fn assert_clean(what: &str, text: &str, personal_too: bool) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what}: {secret} survives");
    }
    if personal_too {
        for value in PERSONAL {
            assert!(!text.contains(value), "{what}: {value} survives");
        }
    }
}

fn arg(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

#[test]
fn the_capture_carries_what_the_test_looks_for() {
    use base64::Engine;
    let mut text = std::fs::read_to_string(root().join(CAPTURE)).expect("fixture");
    // The JS-API ticket travels in a base64 body.
    let har: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    for entry in har["log"]["entries"].as_array().expect("entries") {
        let content = &entry["response"]["content"];
        if content["encoding"] == "base64" {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(content["text"].as_str().expect("text"))
                .expect("base64");
            text.push_str(&String::from_utf8(bytes).expect("utf-8"));
        }
    }
    for value in SECRETS.iter().chain(PERSONAL).chain(KEPT) {
        assert!(text.contains(value), "the fixture lacks {value}");
    }
}

#[test]
fn a_redacted_login_capture_holds_no_credential_and_no_contact_data() {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("clean.har");
    let (code, stdout, stderr) = dtlint(&root(), &["redact", CAPTURE, "-o", &arg(&out)], None);
    assert_eq!(code, 0, "{stderr}");
    assert_clean(
        "redact's stdout and stderr",
        &format!("{stdout}{stderr}"),
        true,
    );
    let copy = std::fs::read_to_string(&out).expect("written");
    assert_clean("the copy", &copy, true);
    // Base64 bodies are decoded before looking: the JS-API ticket travels that way.
    let har: serde_json::Value = serde_json::from_str(&copy).expect("the copy is JSON");
    let entries = har["log"]["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 15);
    for entry in entries {
        let content = &entry["response"]["content"];
        if content["encoding"] == "base64" {
            use base64::Engine;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(content["text"].as_str().expect("text"))
                .expect("base64");
            let body = String::from_utf8(bytes).expect("utf-8");
            assert!(body.contains(r#""ticket":"REDACTED""#), "{body}");
            assert_eq!(content["size"].as_u64(), Some(body.len() as u64));
        }
    }
    for value in KEPT {
        assert!(copy.contains(value), "{value} should stay");
    }
    // Masked in the forms reports use, not dropped.
    for masked in [
        "158****8011",
        "z********@example.org",
        "w******%40example.com",
    ] {
        assert!(copy.contains(masked), "{masked} missing");
    }
    // One line on stderr counts every kind.
    let summary = stderr.lines().last().unwrap_or_default();
    for kind in [
        "access tokens",
        "secrets",
        "tickets",
        "auth codes",
        "signatures",
        "authorization values",
        "cookies and sessions",
        "phone numbers",
        "email addresses",
        "other personal values",
    ] {
        assert!(summary.contains(kind), "{kind} not counted: {summary}");
    }
    // The copy is checked with the same rules at the same places.
    let dir_arg = dir.path();
    assert_eq!(
        findings(&root(), "third-party", CAPTURE),
        findings(dir_arg, "third-party", "clean.har")
    );
    // --show-values keeps personal values, never credentials.
    let shown = dir.path().join("shown.har");
    let (code, _, stderr) = dtlint(
        &root(),
        &["redact", CAPTURE, "-o", &arg(&shown), "--show-values"],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    let copy = std::fs::read_to_string(&shown).expect("written");
    assert_clean("the --show-values copy", &copy, false);
    assert!(copy.contains("13900139000"));
}

#[test]
fn check_audit_and_baseline_of_the_original_print_neither() {
    let dir = tempfile::tempdir().expect("temp");
    let common = ["--no-profile", "--app-type", "third-party"];
    for format in [
        "human", "json", "ndjson", "sarif", "junit", "github", "markdown",
    ] {
        let mut args = vec!["check"];
        args.extend(common);
        args.extend(["--format", format, CAPTURE]);
        for show in [false, true] {
            let mut args = args.clone();
            if show {
                args.push("--show-values");
            }
            let (code, stdout, stderr) = dtlint(&root(), &args, None);
            assert_eq!(code, 1, "check --format {format}: {stderr}");
            // --show-values shows personal values of user/get bodies, never credentials.
            assert_clean(
                &format!("check --format {format}"),
                &format!("{stdout}{stderr}"),
                !show,
            );
        }
    }
    for format in ["html", "markdown", "json"] {
        let mut args = vec!["audit"];
        args.extend(common);
        args.extend(["--format", format, CAPTURE]);
        let (_, stdout, stderr) = dtlint(&root(), &args, None);
        assert!(stdout.len() > 100, "audit --format {format}: {stderr}");
        assert_clean(
            &format!("audit --format {format}"),
            &format!("{stdout}{stderr}"),
            true,
        );
    }
    let baseline = dir.path().join("baseline.json");
    let mut args = vec!["baseline"];
    args.extend(common);
    let out = arg(&baseline);
    args.extend([CAPTURE, "-o", &out]);
    let (code, stdout, stderr) = dtlint(&root(), &args, None);
    assert_eq!(code, 0, "{stderr}");
    let recorded = std::fs::read_to_string(&baseline).expect("baseline written");
    assert!(recorded.contains("DT301"), "{recorded}");
    assert_clean("baseline", &format!("{recorded}{stdout}{stderr}"), true);
}

/// A value removed in one place but left in another (here under an id's name, which redaction
/// keeps) is caught by reading the copy back: exit 2, and no copy is left.
#[test]
fn the_self_check_fires_on_a_planted_survivor() {
    let dir = tempfile::tempdir().expect("temp");
    let original = std::fs::read_to_string(root().join(CAPTURE)).expect("fixture");
    let planted = original.replacen(
        r#""id": "page_1""#,
        r#""id": "page_1", "_corp_id": "APPSECRET-CAMEL-0003""#,
        1,
    );
    assert_ne!(planted, original, "the plant took");
    let input = dir.path().join("planted.har");
    std::fs::write(&input, planted).expect("written");
    let out = dir.path().join("out.har");
    let (code, _, stderr) = dtlint(
        dir.path(),
        &["redact", "planted.har", "-o", "out.har"],
        None,
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("self-check"), "{stderr}");
    assert!(!stderr.contains("APPSECRET-CAMEL-0003"), "{stderr}");
    assert!(!out.exists(), "no copy is left");
    assert_eq!(leftovers(dir.path()), vec![PathBuf::from("planted.har")]);
}

fn leftovers(dir: &Path) -> Vec<PathBuf> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| PathBuf::from(e.file_name()))
        .collect();
    names.sort();
    names
}

#[test]
fn broken_input_and_its_own_input_get_errors_and_no_file() {
    let dir = tempfile::tempdir().expect("temp");
    let original = std::fs::read_to_string(root().join(CAPTURE)).expect("fixture");
    let cut = &original[..original.len() * 2 / 3];
    std::fs::write(dir.path().join("cut.har"), cut).expect("written");
    let (code, _, stderr) = dtlint(dir.path(), &["redact", "cut.har", "-o", "out.har"], None);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("cut.har") && stderr.contains("line"),
        "{stderr}"
    );
    assert_clean("the error", &stderr, true);
    assert_eq!(leftovers(dir.path()), vec![PathBuf::from("cut.har")]);

    std::fs::write(
        dir.path().join("notes.har"),
        "{\"log\": {\"version\": \"1.2\"}}",
    )
    .expect("w");
    let (code, _, stderr) = dtlint(dir.path(), &["redact", "notes.har", "-o", "out.har"], None);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("log.entries"), "{stderr}");

    let (code, _, stderr) = dtlint(dir.path(), &["redact", "cut.har", "-o", "./cut.har"], None);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("refusing to write over the input"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("cut.har")).expect("kept"),
        cut
    );
}

#[test]
fn bodies_ndjson_and_folders_are_redacted_alike() {
    let dir = tempfile::tempdir().expect("temp");
    let captures = dir.path().join("captures");
    std::fs::create_dir_all(captures.join("day1")).expect("dirs");
    let body = r#"{"errcode":0,"errmsg":"ok","result":{"userid":"manager4220","mobile":"13900139000","email":"zhang.wei@example.org"},"request_id":"reqidfixture02"}"#;
    let token = r#"{"accessToken":"NEW-ACCESS-TOKEN-0004","expireIn":7200}"#;
    std::fs::write(captures.join("day1/body.json"), format!("\u{feff}{body}")).expect("w");
    std::fs::write(
        captures.join("calls.ndjson"),
        format!("{body}\n\n{token}\r\n"),
    )
    .expect("w");
    std::fs::write(captures.join("README.txt"), "not a capture").expect("w");
    std::fs::copy(root().join(CAPTURE), captures.join("day1/login.har")).expect("copy");
    let (code, stdout, stderr) = dtlint(dir.path(), &["redact", "captures", "-o", "clean"], None);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("redacted 3 files") && stderr.contains("1 files that are not captures"),
        "{stderr}"
    );
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    for file in ["day1/body.json", "calls.ndjson", "day1/login.har"] {
        let copy = std::fs::read_to_string(dir.path().join("clean").join(file)).expect(file);
        assert_clean(file, &copy, true);
        assert!(
            copy.contains("manager4220") || file == "calls.ndjson" && copy.contains("expireIn")
        );
    }
    let lines = std::fs::read_to_string(dir.path().join("clean/calls.ndjson")).expect("copy");
    let lines: Vec<&str> = lines.lines().collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[2], r#"{"accessToken":"REDACTED","expireIn":7200}"#);
    assert!(!dir.path().join("clean/README.txt").exists());
}

/// The "Never leak" table of docs/redaction.md names every entry of the one credential list.
#[test]
fn the_redaction_page_lists_every_credential_name() {
    let page =
        std::fs::read_to_string(root().join("docs/redaction.md")).expect("docs/redaction.md");
    let start = page.find("**Never leak.**").expect("the section");
    let section = &page[start..];
    let names = dtlint::privacy::credentials::NAMES.iter().map(|(n, _)| *n);
    let words = dtlint::privacy::credentials::WORDS.iter().map(|(w, _)| *w);
    let kept = dtlint::privacy::credentials::KEPT_IDS.iter().copied();
    let exceptions = dtlint::privacy::credentials::NOT_CREDENTIALS
        .iter()
        .copied();
    for name in names.chain(words).chain(kept).chain(exceptions) {
        assert!(
            section.contains(&format!("`{name}`")),
            "docs/redaction.md misses `{name}`"
        );
    }
}

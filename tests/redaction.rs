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
        stderr.contains("redacted 3 files")
            && stderr.contains("1 file that is not a capture passed over"),
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

/// Every file under `dir`, relative to it, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).expect("under").to_path_buf())
        .collect();
    files.sort();
    files
}

/// The texts a capture's bytes hold: decompressed, each member of a zip archive, and what the
/// base64 in them decodes to (decompressed when it is gzip or zstd), as a cassette keeps bodies.
fn texts_of(bytes: &[u8]) -> Vec<String> {
    use base64::Engine;
    let (plain, _) = dtlint::input::decompress::whole(bytes.to_vec(), 1 << 30).expect("inflates");
    if plain.starts_with(b"PK\x03\x04") {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(plain)).expect("zip");
        let mut texts = Vec::new();
        for index in 0..zip.len() {
            let mut member = zip.by_index(index).expect("member");
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut member, &mut bytes).expect("read");
            texts.extend(texts_of(&bytes));
        }
        return texts;
    }
    let text = String::from_utf8_lossy(&plain).into_owned();
    let blobs = regex::Regex::new(
        r"(?:[A-Za-z0-9+/]{4}[ \t\r\n]*){6,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?",
    )
    .expect("pattern");
    let mut texts: Vec<String> = blobs
        .find_iter(&text)
        .filter_map(|m| {
            let compact: String = m.as_str().split_ascii_whitespace().collect();
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(compact)
                .ok()?;
            let (inner, _) = dtlint::input::decompress::whole(decoded, 1 << 30).ok()?;
            String::from_utf8(inner).ok()
        })
        .collect();
    texts.push(text);
    texts
}

/// The credential values in `texts`: every value of a pair, member, header or YAML key whose
/// name is a credential's (by the one list), eight characters or longer, not yet removed.
fn credentials_in(texts: &[String]) -> std::collections::BTreeSet<String> {
    let patterns = [
        // name=value in a URL, a form, a log line.
        r#"(?P<name>[A-Za-z0-9_.\-]{1,64})=(?P<value>[^&#\s"'<>\\]+)"#,
        // "name": "value" in JSON, escaped or not.
        r#"\\?"(?P<name>[A-Za-z0-9_\-]{1,64})\\?"\s*:\s*\\?"(?P<value>[^"\\]+)"#,
        // HAR's {"name": …, "value": …} pairs.
        r#""name"\s*:\s*"(?P<name>[^"]{1,64})"\s*,\s*"value"\s*:\s*"(?P<value>[^"\\]+)"#,
        // YAML: `Name: value`, and `Name:` over a list of values (VCR headers).
        r"(?m)^\s*(?P<name>[A-Za-z0-9_\-]{1,64}):[ \t]+'?(?P<value>[^'\r\n]+)",
        r"(?m)^\s*(?P<name>[A-Za-z0-9_\-]{1,64}):\s*\n\s*-\s+'?(?P<value>[^'\r\n]+)",
        // Bearer and basic credentials anywhere.
        r"(?i)\b(?P<name>bearer|basic)\s+(?P<value>[A-Za-z0-9._~+/=\-]{8,})",
    ]
    .map(|p| regex::Regex::new(p).expect("pattern"));
    let mut found = std::collections::BTreeSet::new();
    for text in texts {
        for pattern in &patterns {
            for c in pattern.captures_iter(text) {
                let name = &c["name"];
                let value = c["value"].trim().trim_matches('"');
                let named = dtlint::privacy::credentials::credential(name).is_some()
                    || name.eq_ignore_ascii_case("bearer")
                    || name.eq_ignore_ascii_case("basic");
                if named && value.len() >= 8 && !value.contains("REDACTED") {
                    found.insert(value.to_owned());
                }
            }
        }
    }
    found
}

/// (source, entry, rule, pointer) of every finding `check` reports on `file` in `dir`, with
/// the profile beside the sample (if any) so both readings use the same settings.
fn report_of(
    dir: &Path,
    file: &Path,
    profile: Option<&Path>,
) -> Vec<(String, u64, String, String)> {
    let file = file.to_string_lossy().into_owned();
    let mut args = vec!["check", "--format", "json"];
    let profile_arg = profile.map(|p| p.to_string_lossy().into_owned());
    match &profile_arg {
        Some(p) => args.extend(["--profile", p.as_str()]),
        None => args.push("--no-profile"),
    }
    args.push(&file);
    let (code, stdout, stderr) = dtlint(dir, &args, None);
    assert!(code < 2 || !stdout.is_empty(), "{file}: {code} {stderr}");
    let report = crate::common::json(&stdout);
    placed(&report)
}

/// (source, entry, rule, pointer) of every finding of a JSON report, sorted.
fn placed(report: &serde_json::Value) -> Vec<(String, u64, String, String)> {
    let mut list: Vec<_> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["source"].as_str().unwrap_or("").to_owned(),
                f["entry"].as_u64().unwrap_or(u64::MAX),
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["pointer"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    list.sort();
    list
}

/// Every file under samples/ (walked, so a new sample is covered without a change here): the
/// folder is redacted once and each capture alone; a copy is written for every capture and
/// every body a HAR keeps apart, the rest is passed over and counted; `check` finds the same
/// findings at the same places in each copy as in its original; no credential value of an
/// original is left in its copy, decompressed, in an archive's members or in base64 bodies.
///
/// No finding is excepted: masks keep what the rules read of a value (a phone number's or an
/// email address's shape, a string's length, a number's type: a personal number is masked as
/// `0`), and `REDACTED` stands where a credential was, so the rules that read credentials
/// (their presence in the URL or the body) find it where they found the original.
#[test]
fn every_sample_is_redacted_into_an_equivalent_copy() {
    let samples = root().join("samples");
    let dir = tempfile::tempdir().expect("temp");
    let clean = dir.path().join("clean");
    let (code, stdout, stderr) = dtlint(&root(), &["redact", "samples", "-o", &arg(&clean)], None);
    assert_eq!(code, 0, "{stderr}");
    let files = files_under(&samples);
    let (copied, passed_over): (Vec<&PathBuf>, Vec<&PathBuf>) =
        files.iter().partition(|f| clean.join(f).is_file());
    assert_eq!(
        stdout.lines().count(),
        copied.len(),
        "one line a copy: {stdout}"
    );
    // What is not copied is what `check` passes over in a folder: files that are not captures.
    let (_, _, verbose) = dtlint(
        &root(),
        &["check", "--no-profile", "--verbose", "samples"],
        None,
    );
    // Sorted: a `.json` told to be no capture once read is listed after the walk's own.
    let skipped: std::collections::BTreeSet<PathBuf> = verbose
        .lines()
        .filter_map(|l| l.strip_prefix("dtlint: skipped samples/"))
        .filter_map(|l| l.rsplit_once(" (").map(|(path, _)| PathBuf::from(path)))
        .collect();
    // A folder's profile is neither an input nor passed over: it judges the inputs beside it.
    let not_copied: Vec<PathBuf> = passed_over
        .iter()
        .filter(|p| !p.ends_with("dtlint.toml"))
        .map(|p| (*p).clone())
        .collect();
    assert_eq!(
        not_copied,
        skipped
            .iter()
            .filter(|p| !clean.join(p).is_file())
            .cloned()
            .collect::<Vec<_>>(),
        "{verbose}"
    );
    assert!(!not_copied.is_empty() && copied.len() > 60, "{stdout}");
    let phrase = format!(
        "{} passed over",
        match not_copied.len() {
            1 => "1 file that is not a capture".to_owned(),
            n => format!("{n} files that are not captures"),
        }
    );
    assert!(stderr.contains(&phrase), "{phrase}: {stderr}");
    let mut found = std::collections::BTreeSet::new();
    let mut bodies = 0;
    for file in &files {
        let original = samples.join(file);
        let copy = clean.join(file);
        if !copy.is_file() {
            continue;
        }
        let profile = original
            .parent()
            .map(|d| d.join("dtlint.toml"))
            .filter(|p| p.is_file());
        let texts = texts_of(&std::fs::read(&original).expect("original"));
        let copy_texts = texts_of(&std::fs::read(&copy).expect("copy")).join("\n");
        for secret in credentials_in(&texts) {
            assert!(
                !copy_texts.contains(&secret),
                "{}: {secret} survives",
                file.display()
            );
        }
        found.extend(credentials_in(&texts));
        // A body a HAR keeps apart is passed over by `check`'s walk, and checked through its HAR.
        if skipped.contains(file) {
            bodies += 1;
            continue;
        }
        let findings = report_of(&samples, file, profile.as_deref());
        assert_eq!(
            findings,
            report_of(&clean, file, profile.as_deref()),
            "{}: the copy's findings differ",
            file.display()
        );
        // Alone, as in the folder.
        let single = dir.path().join("single").join(file);
        std::fs::create_dir_all(single.parent().expect("parent")).expect("dirs");
        let (code, _, stderr) = dtlint(
            &root(),
            &["redact", &arg(&original), "-o", &arg(&single)],
            None,
        );
        assert_eq!(code, 0, "{}: {stderr}", file.display());
        assert_eq!(
            texts_of(&std::fs::read(&single).expect("single copy")),
            texts_of(&std::fs::read(&copy).expect("copy")),
            "{}: alone and in the folder alike",
            file.display()
        );
        // A HAR's bodies kept apart are copied beside it when it is redacted alone too.
        assert_eq!(
            findings,
            report_of(&dir.path().join("single"), file, profile.as_deref()),
            "{}: the copy made alone",
            file.display()
        );
    }
    assert_eq!(bodies, 5, "the Playwright sample's bodies kept apart");
    // The search above is not idle: it finds the samples' credentials, in URLs, in JSON
    // answers, and in a cassette's gzip-compressed base64 bodies.
    for known in [
        "sample-token-not-real",
        "not-a-real-secret",
        "022d819434edd04ed72020670968427f",
        "playwright-sample-token",
    ] {
        assert!(found.contains(known), "{known} not found: {found:?}");
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).expect("compressed");
    encoder.finish().expect("compressed")
}

/// Broken input in a folder: a truncated `.har.gz`, gzip bombs (a body, a line, a HAR entry),
/// a log with a line that is not UTF-8, each named with where it stopped and not copied; an
/// NDJSON with a broken line copied, the line scrubbed by pattern and counted; the good files
/// beside them still written. Exit 2, no temporary file left, no panic.
#[test]
fn bad_inputs_are_reported_and_the_rest_of_the_folder_is_written() {
    let dir = tempfile::tempdir().expect("temp");
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).expect("dir");
    let har = std::fs::read(root().join(CAPTURE)).expect("fixture");
    let packed = gzip(&har);
    std::fs::write(input.join("cut.har.gz"), &packed[..packed.len() / 2]).expect("w");
    std::fs::write(input.join("whole.har.gz"), &packed).expect("w");
    std::fs::write(input.join("bomb.json.gz"), gzip(&vec![b' '; 24 << 20])).expect("w");
    std::fs::write(input.join("bomb.ndjson.gz"), gzip(&vec![b'x'; 24 << 20])).expect("w");
    let mut har_bomb = br#"{"log":{"entries":[{"comment":""#.to_vec();
    har_bomb.extend(vec![b'a'; 40 << 20]);
    har_bomb.extend(br#""}]}}"#);
    std::fs::write(input.join("bomb.har.gz"), gzip(&har_bomb)).expect("w");
    std::fs::write(
        input.join("app.log"),
        b"10:00 GET /gettoken?appsecret=APPSECRET-QUERY-0001\n10:01 rsp: {\"errcode\":0,\"name\":\"\xff\"}\n",
    )
    .expect("w");
    std::fs::write(
        input.join("calls.ndjson"),
        "{\"errcode\":0,\"result\":{\"userid\":\"manager4220\",\"mobile\":\"13900139000\"}}\n\
         {\"errcode\":0,\"access_token\":\"OLD-ACCESS-TOKEN-0002\",\"result\":{\"email\":\"zhang.wei@example.org\n",
    )
    .expect("w");
    crate::common::good_input(&input, "good.json");
    let (code, stdout, stderr) = dtlint(
        dir.path(),
        &["redact", "in", "-o", "out", "--max-size", "1M"],
        None,
    );
    assert_eq!(code, 2, "{stderr}");
    assert_clean("stderr", &stderr, true);
    let failure = |name: &str| {
        stderr
            .lines()
            .find(|l| l.starts_with(&format!("dtlint: in/{name}: ")))
            .unwrap_or_else(|| panic!("{name} not reported: {stderr}"))
            .to_owned()
    };
    assert!(
        failure("cut.har.gz").contains("gzip data is broken"),
        "{stderr}"
    );
    assert!(
        failure("cut.har.gz").contains(" at line "),
        "where it stopped: {stderr}"
    );
    assert!(
        failure("bomb.json.gz")
            .contains("larger than the limit of 1048576 bytes (--max-size) once decompressed"),
        "{stderr}"
    );
    assert!(
        failure("bomb.ndjson.gz").contains("line 1 is longer than the limit of 1048576 bytes"),
        "{stderr}"
    );
    assert!(
        failure("bomb.har.gz").contains("larger than 16777216 bytes"),
        "{stderr}"
    );
    assert!(
        failure("app.log").contains("line 2, byte 33: not UTF-8"),
        "{stderr}"
    );
    assert!(
        stderr.contains("5 files could not be redacted")
            && stderr.contains("redacted 3 files")
            && stderr.contains("1 text meant to be JSON is not JSON, scrubbed by pattern only"),
        "{stderr}"
    );
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    let mut written = files_under(&dir.path().join("out"));
    written.sort();
    assert_eq!(
        written,
        ["calls.ndjson", "good.json", "whole.har.gz"].map(PathBuf::from),
        "only the copies, no temporary file"
    );
    let calls = std::fs::read_to_string(dir.path().join("out/calls.ndjson")).expect("copy");
    assert_clean("calls.ndjson", &calls, true);
    assert!(calls.contains("\"access_token\":\"REDACTED\""), "{calls}");
    assert_eq!(
        findings(&input, "third-party", "calls.ndjson"),
        findings(&dir.path().join("out"), "third-party", "calls.ndjson")
    );
    let whole = texts_of(&std::fs::read(dir.path().join("out/whole.har.gz")).expect("copy"));
    assert_clean("whole.har.gz", &whole.join("\n"), true);
}

/// A Playwright HAR whose bodies are kept apart (`_file`) is copied with them, beside its
/// copy and under their names; a copy that would be written beside the bodies themselves is
/// refused, since the bodies' copies would be written over them.
#[test]
fn bodies_kept_apart_go_with_their_har_and_never_over_themselves() {
    let dir = tempfile::tempdir().expect("temp");
    let attach = dir.path().join("attach");
    std::fs::create_dir_all(&attach).expect("dir");
    let samples = root().join("samples/har/playwright/attach");
    for file in files_under(&samples) {
        std::fs::copy(samples.join(&file), attach.join(&file)).expect("copy");
    }
    let (code, _, stderr) = dtlint(
        dir.path(),
        &["redact", "attach/capture.har", "-o", "attach/clean.har"],
        None,
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("attach/capture.har: it keeps 5 bodies apart beside it")
            && stderr.contains("write the copy to another folder"),
        "{stderr}"
    );
    assert!(!attach.join("clean.har").exists());
    assert_eq!(
        files_under(&attach),
        files_under(&samples),
        "nothing written"
    );
    let (code, stdout, stderr) = dtlint(
        dir.path(),
        &["redact", "attach/capture.har", "-o", "out/clean.har"],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("redacted 1 file: ")
            && stderr.contains("copied 5 bodies that HARs keep apart beside their copies"),
        "{stderr}"
    );
    assert_eq!(stdout.lines().count(), 6, "{stdout}");
    let out = dir.path().join("out");
    for file in files_under(&samples) {
        if file.extension().is_some_and(|e| e != "har") {
            let copy = std::fs::read_to_string(out.join(&file)).expect("a body's copy");
            assert!(!copy.contains("playwright-sample-token"), "{copy}");
        }
    }
    assert_eq!(
        findings(&attach, "third-party", "capture.har"),
        findings(&out, "third-party", "clean.har")
    );
}

/// A large compressed log is copied line by line, compressed as it is written: 48 MiB of log
/// (a body on every other line) in a fraction of its size in memory.
#[cfg(target_os = "linux")]
#[test]
fn a_large_log_is_streamed_line_by_line() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("temp");
    let request = "2024-05-01 10:00:01.100 DEBUG [x] DingTalkClient - POST /topapi/v2/user/get?access_token=OLD-ACCESS-TOKEN-0002 userid=manager4220\n";
    let answer = "2024-05-01 10:00:01.500 INFO  [x] DingTalkClient - user/get response: {\"errcode\":0,\"errmsg\":\"ok\",\"result\":{\"userid\":\"manager4220\",\"mobile\":\"13900139000\",\"email\":\"zhang.wei@example.org\",\"name\":\"张三\"},\"request_id\":\"reqidfixture02\"} (12 ms)\n";
    let file = std::fs::File::create(dir.path().join("big.log.gz")).expect("create");
    let mut encoder = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
    let pairs = (48 << 20) / (request.len() + answer.len());
    for _ in 0..pairs {
        encoder
            .write_all(request.as_bytes())
            .and_then(|()| encoder.write_all(answer.as_bytes()))
            .expect("write");
    }
    encoder.finish().expect("finish");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dtlint"))
        .current_dir(dir.path())
        .args(["redact", "big.log.gz", "-o", "clean.log.gz"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("dtlint starts");
    let pid = child.id();
    let mut peak = 0;
    while child.try_wait().expect("status").is_none() {
        peak = peak.max(crate::common::peak_kib(pid).unwrap_or(0));
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "removed {pairs} access tokens; masked {pairs} phone numbers, {pairs} email addresses"
        )),
        "{stderr}"
    );
    assert!(peak < 40 * 1024, "peak RSS {peak} KiB for 48 MiB of log");
    let copy = std::fs::read(dir.path().join("clean.log.gz")).expect("copy");
    let (plain, compression) = dtlint::input::decompress::whole(copy, 1 << 30).expect("gzip");
    assert_eq!(
        compression,
        Some(dtlint::input::decompress::Compression::Gzip)
    );
    let text = String::from_utf8(plain).expect("text");
    assert_eq!(text.lines().count(), 2 * pairs);
    assert_clean("the copy", &text, true);
}

/// Every sample capture, gzip- and zstd-compressed (those that are not already), is copied
/// compressed the same way, with the same findings at the same places as its original.
#[test]
fn every_sample_compressed_either_way_is_copied_compressed_alike() {
    let samples = root().join("samples");
    let dir = tempfile::tempdir().expect("temp");
    let packed = dir.path().join("packed");
    // The captures, as the folder's copy says: what `redact` copies of samples/.
    let (code, stdout, stderr) = dtlint(
        &root(),
        &["redact", "samples", "-o", &arg(&dir.path().join("plain"))],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    let mut count = 0;
    for line in stdout.lines() {
        let copy = PathBuf::from(line.strip_prefix("wrote ").expect("a path"));
        let file = copy
            .strip_prefix(dir.path().join("plain"))
            .expect("under")
            .to_path_buf();
        let bytes = std::fs::read(samples.join(&file)).expect("sample");
        let name = file.to_string_lossy();
        if dtlint::input::decompress::Compression::of(&bytes).is_some() || name.contains("/attach/")
        {
            continue;
        }
        let target = packed.join(&file);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("dirs");
        std::fs::write(format!("{}.gz", target.display()), gzip(&bytes)).expect("w");
        std::fs::write(
            format!("{}.zst", target.display()),
            ruzstd::encoding::compress_to_vec(
                &bytes[..],
                ruzstd::encoding::CompressionLevel::Fastest,
            ),
        )
        .expect("w");
        count += 2;
    }
    assert!(count > 100, "{count} compressed samples");
    let (code, stdout, stderr) = dtlint(dir.path(), &["redact", "packed", "-o", "clean"], None);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), count, "{stdout}");
    for file in files_under(&dir.path().join("clean")) {
        let original = std::fs::read(packed.join(&file)).expect("original");
        let copy = std::fs::read(dir.path().join("clean").join(&file)).expect("copy");
        assert_eq!(
            dtlint::input::decompress::Compression::of(&copy),
            dtlint::input::decompress::Compression::of(&original),
            "{}",
            file.display()
        );
        let copy_texts = texts_of(&copy).join("\n");
        for secret in credentials_in(&texts_of(&original)) {
            assert!(
                !copy_texts.contains(&secret),
                "{}: {secret}",
                file.display()
            );
        }
    }
    let report = |folder: &str| {
        let (_, stdout, _) = dtlint(
            &dir.path().join(folder),
            &[
                "check",
                "--no-profile",
                "--app-type",
                "third-party",
                "--format",
                "json",
                ".",
            ],
            None,
        );
        placed(&crate::common::json(&stdout))
    };
    let findings = report("packed");
    assert!(findings.len() > 100, "{findings:?}");
    assert_eq!(findings, report("clean"));
}

/// A folder's JSON that is no capture (a project's `package.json`) is passed over, as `check`
/// passes it over, and not copied.
#[test]
fn a_folder_s_other_json_is_passed_over_as_check_passes_it_over() {
    let dir = tempfile::tempdir().expect("temp");
    let input = dir.path().join("project");
    std::fs::create_dir_all(&input).expect("dir");
    std::fs::write(
        input.join("package.json"),
        r#"{"name": "client", "version": "1.0.0"}"#,
    )
    .expect("write");
    std::fs::copy(
        root().join("samples/internal-full/real-traffic-compact.json"),
        input.join("answer.json"),
    )
    .expect("copy");
    let (code, stdout, stderr) = dtlint(dir.path(), &["redact", "project", "-o", "clean"], None);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(dir.path().join("clean/answer.json").is_file());
    assert!(!dir.path().join("clean/package.json").exists());
    assert!(
        stderr.contains("1 file that is not a capture passed over"),
        "{stderr}"
    );
}

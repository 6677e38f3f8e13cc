//! Reads HAR 1.2 captures entry by entry and checks both sides of each `/topapi/v2/user/get` exchange.

mod scanner;

use std::io::BufRead;

use base64::Engine;
use serde::Deserialize;

pub use scanner::{Item, Scanner};

use super::pipeline::{self, Outcome};
use super::Checked;
use crate::check::{check_node, placed, Settings};
use crate::finding::Finding;
use crate::json::locate::{locate, locate_or_ancestor};
use crate::json::Location;
use crate::privacy::mask as redact;
use crate::request::{self, url_path, HarRequest};
use crate::rules::{
    HAR_BROKEN, HAR_ENTRY_INVALID, INPUT_TOO_LARGE, INVALID_JSON, INVALID_UTF8,
    NOT_A_USER_GET_RESPONSE, RESPONSE_BODY_MISSING,
};

/// The path of the API; entries for any other path are skipped.
pub const API_PATH: &str = "/topapi/v2/user/get";

#[derive(Debug, Deserialize)]
struct Content {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    encoding: Option<String>,
    #[serde(rename = "mimeType", default)]
    mime_type: String,
}

#[derive(Debug, Deserialize)]
struct HarResponse {
    #[serde(default)]
    status: i64,
    content: Content,
}

#[derive(Debug, Deserialize)]
struct Entry {
    request: HarRequest,
    response: HarResponse,
}

/// Checks a HAR stream. Entries are read on one thread and checked in parallel batches.
pub fn check_har<R: BufRead + Send>(reader: R, settings: &Settings, limit: u64) -> Checked {
    let mut scanner = Scanner::new(reader, limit);
    let mut broken = None;
    let produce = || match scanner.next_item() {
        Ok(item) => item,
        Err(b) => {
            broken = Some(b);
            None
        }
    };
    let mut checked = pipeline::run(produce, |item| check_item(item, settings));
    if let Some(broken) = broken {
        let finding = Finding::new(
            &HAR_BROKEN,
            "",
            format!("the HAR breaks here: {}", broken.message),
        )
        .with_help("export the capture again; every entry before this point was checked");
        let mut finding = placed(vec![finding], "", "", broken.at, |_| Some(0..0));
        checked.findings.append(&mut finding);
    }
    checked
}

fn check_item(item: Item, settings: &Settings) -> Outcome {
    match item {
        Item::TooLarge { index, size, at } => Outcome::with(
            index,
            placed(
                vec![Finding::new(&INPUT_TOO_LARGE, "", format!("HAR entry {index} has {size} bytes, more than the limit (--max-size); it was skipped"))],
                "",
                "",
                at,
                |_| Some(0..0),
            ),
        ),
        Item::NotUtf8 { index, at } => Outcome::with(
            index,
            placed(vec![Finding::new(&INVALID_UTF8, "", format!("HAR entry {index} is not UTF-8"))], "", "", at, |_| Some(0..0)),
        ),
        Item::Entry { index, text, at } => check_entry(index, &text, at, settings),
    }
}

/// For every byte offset of a decoded JSON string (and its end), the offset in its raw literal,
/// built in one pass so that many findings in one body cost one walk.
fn raw_index(literal: &str) -> Vec<usize> {
    let bytes = literal.as_bytes();
    let mut index = Vec::with_capacity(literal.len());
    let mut raw = 1usize;
    // The closing quote is not content.
    let end = literal.len().saturating_sub(1);
    while raw < end {
        let (raw_len, decoded_len) = if bytes[raw] == b'\\' {
            let next = bytes.get(raw + 1).copied().unwrap_or(b'"');
            if next == b'u' {
                let code = literal
                    .get(raw + 2..raw + 6)
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .unwrap_or(0);
                if (0xd800..0xdc00).contains(&code) && literal.get(raw + 6..raw + 8) == Some("\\u")
                {
                    (12, 4)
                } else {
                    (6, char::from_u32(code).map_or(3, char::len_utf8))
                }
            } else {
                (2, 1)
            }
        } else {
            let width = literal[raw..].chars().next().map_or(1, char::len_utf8);
            (width, width)
        };
        for k in 0..decoded_len {
            // Bytes of one escaped character all map to where its escape starts.
            index.push(if raw_len == decoded_len { raw + k } else { raw });
        }
        raw += raw_len;
    }
    index.push(raw.min(literal.len()));
    index
}

/// Maps a byte offset in a decoded JSON string to the offset in its raw literal (which starts with `"`).
#[cfg(test)]
fn raw_offset(literal: &str, decoded: usize) -> usize {
    let bytes = literal.as_bytes();
    let (mut raw, mut done) = (1usize, 0usize);
    while done < decoded && raw < bytes.len() {
        if bytes[raw] == b'\\' {
            let next = bytes.get(raw + 1).copied().unwrap_or(b'"');
            if next == b'u' {
                let code = literal
                    .get(raw + 2..raw + 6)
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .unwrap_or(0);
                if (0xd800..0xdc00).contains(&code) && literal.get(raw + 6..raw + 8) == Some("\\u")
                {
                    raw += 12;
                    done += 4;
                } else {
                    raw += 6;
                    done += char::from_u32(code).map_or(3, char::len_utf8);
                }
            } else {
                raw += 2;
                done += 1;
            }
        } else {
            let width = literal[raw..].chars().next().map_or(1, char::len_utf8);
            raw += width;
            done += width;
        }
    }
    raw
}

fn entry_finding(
    index: u64,
    text: &str,
    at: Location,
    finding: Finding,
    pointer_in_entry: &str,
) -> Vec<Finding> {
    let shown = without_secrets(text);
    let mut placed = placed(vec![finding], text, &shown, at, |_| {
        locate_or_ancestor(text, pointer_in_entry)
    });
    for f in &mut placed {
        f.entry = Some(index);
    }
    placed
}

fn check_entry(index: u64, text: &str, at: Location, settings: &Settings) -> Outcome {
    let entry: Entry = match serde_json::from_str(text) {
        Ok(entry) => entry,
        Err(error) => {
            let what = if text.starts_with('{') {
                "lacks what a HAR entry has (request.method, request.url, response.content)"
            } else {
                "is not an object"
            };
            let finding = Finding::new(
                &HAR_ENTRY_INVALID,
                "",
                format!(
                    "item {index} of log.entries {what}: {}",
                    error
                        .to_string()
                        .split(" at line ")
                        .next()
                        .unwrap_or_default()
                ),
            )
            .with_help("each item of log.entries is an object with request and response (HAR 1.2)");
            return Outcome {
                index,
                findings: entry_finding(index, text, at, finding, ""),
                responses: 0,
                present: Vec::new(),
                skipped: false,
            };
        }
    };
    // A CORS preflight carries no call of its own; browsers send one before cross-origin POSTs.
    if url_path(&entry.request.url) != API_PATH
        || entry.request.method.eq_ignore_ascii_case("OPTIONS")
    {
        return Outcome {
            index,
            findings: Vec::new(),
            responses: 0,
            present: Vec::new(),
            skipped: true,
        };
    }
    let (normalised, request_findings) = request::check(&entry.request);
    // Findings about the request point into the entry; those about the response point into its body.
    let mut entry_findings: Vec<(Finding, String)> = request_findings
        .into_iter()
        .map(|f| {
            let p = f.pointer.to_string();
            (f, p)
        })
        .collect();
    let mut body_findings = Vec::new();
    let mut responses = 0;
    let mut present = Vec::new();
    // Where decoded body bytes sit in the raw literal; built once, and only for entries with findings.
    let raw_cell: std::cell::OnceCell<Vec<usize>> = std::cell::OnceCell::new();
    // Finding the body string costs a scan of the entry; only entries with findings need it.
    let literal_cell = std::cell::OnceCell::new();
    let body_literal = || {
        *literal_cell.get_or_init(|| {
            locate(text, "/response/content/text").map(|s| (s.start, &text[s.start..s.end]))
        })
    };
    let base64 = entry.response.content.encoding.as_deref() == Some("base64");
    let body_text = match entry
        .response
        .content
        .text
        .as_deref()
        .filter(|t| !t.is_empty())
    {
        None => {
            entry_findings.push((
                Finding::new(&RESPONSE_BODY_MISSING, "/response/content", "the captured response has no body text (the export left it out)")
                    .with_help("capture again with response bodies saved (devtools: 'Save all as HAR with content')"),
                "/response/content".to_owned(),
            ));
            None
        }
        Some(t) if base64 => match base64::engine::general_purpose::STANDARD
            .decode(t.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
        {
            Some(decoded) => Some(decoded),
            None => {
                entry_findings.push((
                    Finding::new(
                        &RESPONSE_BODY_MISSING,
                        "/response/content/text",
                        "the response body is marked base64 but does not decode to UTF-8 text",
                    ),
                    "/response/content/text".to_owned(),
                ));
                None
            }
        },
        Some(t) => Some(t.to_owned()),
    };
    // The redacted copy shown in excerpts; made only for entries with findings (redaction scans the entry).
    let mut shown_entry = String::new();
    let show = |shown: &mut String| {
        if shown.is_empty() {
            *shown = without_secrets(text);
        }
    };
    if let Some(body) = &body_text {
        let trimmed = body.trim_start();
        if trimmed.starts_with('<') || entry.response.content.mime_type.contains("html") {
            body_findings.push(Finding::new(&NOT_A_USER_GET_RESPONSE, "", "the response body is an HTML page, not JSON (DingTalk answers throttled calls with such a page)"));
        } else {
            match crate::json::doc::Doc::parse(body) {
                Err(error) => body_findings.push(Finding::new(
                    &INVALID_JSON,
                    "",
                    format!(
                        "the response body is not valid JSON: {}",
                        error
                            .to_string()
                            .split(" at line ")
                            .next()
                            .unwrap_or_default()
                    ),
                )),
                Ok(doc) => {
                    let value = doc.root();
                    responses = 1;
                    body_findings = check_node(value, settings);
                    present = crate::check::observe(value, settings);
                    let mut correlation =
                        request::correlate(&normalised, value, entry.response.status);
                    correlation.retain(|f| settings.selection.is_enabled(f.rule));
                    crate::check::set_fingerprints(&mut correlation, value);
                    // The status is a fact of the exchange, not of the body: point at it in the entry.
                    for finding in correlation {
                        if finding.rule.code == crate::rules::HTTP_STATUS_NOT_200.code {
                            let mut finding = finding;
                            finding.pointer = "/response/status".into();
                            entry_findings.push((finding, "/response/status".to_owned()));
                        } else {
                            body_findings.push(finding);
                        }
                    }
                    if !body_findings.is_empty() && !settings.show_values && !base64 {
                        // The body is plain JSON once decoded: find its personal values there,
                        // as for any other input, and carry the spans into the escaped literal.
                        if let Some((start, literal)) = body_literal() {
                            for (range, kind) in redact::personal_spans(body) {
                                let index: &Vec<usize> =
                                    raw_cell.get_or_init(|| raw_index(literal));
                                let from = start + index.get(range.start).copied().unwrap_or(0);
                                let to = start + index.get(range.end).copied().unwrap_or(0);
                                show(&mut shown_entry);
                                redact::mask(&mut shown_entry, from..to, kind);
                            }
                        }
                    }
                }
            }
        }
    }
    let mut findings: Vec<Finding> = Vec::new();
    let (mut requests, pointers): (Vec<Finding>, Vec<String>) = entry_findings
        .into_iter()
        .filter(|(f, _)| settings.selection.is_enabled(f.rule))
        .unzip();
    let mut i = 0;
    if !requests.is_empty() || !body_findings.is_empty() {
        show(&mut shown_entry);
        // A base64 body cannot be masked field by field: hide it whole.
        if base64 && !settings.show_values {
            if let Some((start, literal)) = body_literal() {
                let end = start + literal.len().saturating_sub(1);
                redact::mask(
                    &mut shown_entry,
                    (start + 1).min(end)..end,
                    crate::fields::Personal::Text,
                );
            }
        }
        // Request findings point into the entry: fingerprint its values, read from the redacted
        // copy, so that neither a token nor its rotation shows in (or changes) a baseline.
        // Parsed again only for the few entries with such findings.
        if !requests.is_empty() {
            if let Ok(entry_doc) = crate::json::doc::Doc::parse(&shown_entry) {
                crate::check::set_fingerprints(&mut requests, entry_doc.root());
            }
        }
    }
    findings.extend(placed(requests, text, &shown_entry, at, |_| {
        let span = locate_or_ancestor(text, &pointers[i]);
        i += 1;
        span
    }));
    body_findings.retain(|f| settings.selection.is_enabled(f.rule));
    if !body_findings.is_empty() {
        let note = if base64 {
            " (position: the base64 body string)"
        } else {
            ""
        };
        findings.extend(placed(body_findings, text, &shown_entry, at, |f| {
            let (start, literal) = body_literal()?;
            if base64 {
                return Some(start..start + literal.len());
            }
            let span = locate_or_ancestor(body_text.as_deref()?, &f.pointer).unwrap_or(0..0);
            let index: &Vec<usize> = raw_cell.get_or_init(|| raw_index(literal));
            let from = index.get(span.start).copied().unwrap_or(0);
            let to = index.get(span.end).copied().unwrap_or(from);
            Some(start + from..start + to)
        }));
        if base64 {
            for f in &mut findings {
                if f.rule.category != crate::finding::Category::Request
                    && !f.message.ends_with(note)
                {
                    f.message.push_str(note);
                }
            }
        }
    }
    for f in &mut findings {
        f.entry = Some(index);
    }
    Outcome {
        index,
        findings,
        present,
        responses,
        skipped: false,
    }
}

/// The entry's text with every credential starred, same length: excerpts are cut from this.
pub fn without_secrets(text: &str) -> String {
    let mut shown = text.to_owned();
    redact::redact_secrets(&mut shown);
    redact::redact_cookies(text, &mut shown);
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_secret_survives_in_the_text_excerpts_are_cut_from() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/har/token-bearing.har"
        );
        let har = std::fs::read_to_string(path).expect("fixture");
        let mut scanner = Scanner::new(har.as_bytes(), 1 << 30);
        let mut entries = 0;
        while let Ok(Some(Item::Entry { text, .. })) = scanner.next_item() {
            entries += 1;
            assert!(
                text.contains("TOKEN-NEVER-PRINT"),
                "the fixture carries the secrets"
            );
            let shown = without_secrets(&text);
            assert_eq!(shown.len(), text.len());
            for secret in [
                "TOKEN-NEVER-PRINT",
                "BEARER-NEVER-PRINT",
                "COOKIE-NEVER-PRINT",
            ] {
                assert!(!shown.contains(secret), "{secret} survives:\n{shown}");
            }
        }
        assert_eq!(entries, 1);
    }

    #[test]
    fn raw_offsets_follow_escapes() {
        let literal = r#""{\"a\":\"\u00e9\/x\"}""#;
        let decoded: String = serde_json::from_str(literal).expect("string");
        assert_eq!(decoded, "{\"a\":\"é/x\"}");
        for (i, _) in decoded.char_indices() {
            let raw = raw_offset(literal, i);
            assert_eq!(raw_index(literal)[i], raw, "the index agrees at {i}");
            let piece: String =
                serde_json::from_str(&format!("\"{}", &literal[raw..])).unwrap_or_default();
            assert_eq!(piece, decoded[i..], "offset {i}");
        }
    }
}

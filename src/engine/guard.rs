//! The guard every response text passes before it is parsed, whichever reader found it: size,
//! encoding (UTF-8, with UTF-16 and gzip recognised), byte order mark, emptiness, HTML pages,
//! and the parse itself. One copy of each check and of its wording.

use std::fmt;

use crate::doc::Doc;
use crate::finding::Finding;
use crate::rules::{
    EMPTY_INPUT, INPUT_TOO_LARGE, INVALID_JSON, INVALID_UTF8, NOT_A_USER_GET_RESPONSE,
};

/// What a guarded text is, as messages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A whole input: a file or standard input.
    Input,
    /// A line of an NDJSON input (0-based).
    Line(u64),
    /// An item of a HAR's `log.entries` (0-based).
    Entry(u64),
    /// The response body of a HAR entry.
    Body,
}

impl Subject {
    /// Whether the subject is one part of a stream that goes on without it.
    fn is_part(self) -> bool {
        matches!(self, Self::Line(_) | Self::Entry(_))
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Input => f.write_str("the input"),
            Self::Line(index) => write!(f, "line {}", index + 1),
            Self::Entry(index) => write!(f, "HAR entry {index}"),
            Self::Body => f.write_str("the response body"),
        }
    }
}

/// Where the guard stopped a text: its finding, and the span `(offset, len)` it points at.
#[derive(Debug)]
pub struct Stop {
    pub finding: Finding,
    pub span: (usize, usize),
}

impl Stop {
    fn at(finding: Finding, offset: usize, len: usize) -> Box<Self> {
        Box::new(Self {
            finding,
            span: (offset, len),
        })
    }
}

/// DT006 for a subject larger than `limit`; `size` when it is known (a stream read up to the
/// limit is not).
pub fn too_large(subject: Subject, size: Option<u64>, limit: u64) -> Finding {
    let skipped = if subject.is_part() {
        "; it was skipped"
    } else {
        ""
    };
    let message = match size {
        Some(size) => {
            format!(
                "{subject} has {size} bytes, more than the limit of {limit} (--max-size){skipped}"
            )
        }
        None => {
            format!("{subject} is larger than the limit of {limit} bytes (--max-size){skipped}")
        }
    };
    Finding::new(&INPUT_TOO_LARGE, "", message)
}

/// DT003 for bytes that are not UTF-8 from `valid_up_to` on, saying what they look like instead.
pub fn not_utf8(subject: Subject, bytes: &[u8], valid_up_to: usize) -> Box<Stop> {
    let message = if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        format!("{subject} is UTF-16 (it starts with a UTF-16 byte order mark); JSON bodies must be UTF-8")
    } else if bytes.starts_with(&[0x1f, 0x8b]) {
        format!("{subject} is gzip-compressed (it starts with gzip's magic bytes): the body was saved before decompression")
    } else {
        format!(
            "{subject} is not UTF-8: byte {valid_up_to} (0x{:02x}) starts no valid character; binary data or another encoding",
            bytes.get(valid_up_to).copied().unwrap_or(0)
        )
    };
    let finding = Finding::new(&INVALID_UTF8, "", message)
        .with_help("save the body as UTF-8 bytes exactly as received");
    Stop::at(finding, valid_up_to, 0)
}

/// The bytes of a subject as text: within `limit` (when given) and UTF-8.
///
/// # Errors
/// DT006 or DT003, pointing at the start or at the first byte that is not UTF-8.
pub fn bytes(subject: Subject, bytes: &[u8], limit: Option<u64>) -> Result<&str, Box<Stop>> {
    if let Some(limit) = limit.filter(|l| bytes.len() as u64 > *l) {
        return Err(Stop::at(too_large(subject, None, limit), 0, 0));
    }
    // simdutf8 on the way in: several times faster on the valid input that is nearly all of
    // it. std's walk runs only on failure, for its error position.
    simdutf8::basic::from_utf8(bytes)
        .or_else(|_| std::str::from_utf8(bytes))
        .map_err(|e| not_utf8(subject, bytes, e.valid_up_to()))
}

/// DT005 for an HTML page where a JSON body should be.
pub fn html_page(subject: Subject) -> Finding {
    // A page is a body whatever carried it; "the input" would read as the file's fault.
    let subject = match subject {
        Subject::Input => "the body".to_owned(),
        other => other.to_string(),
    };
    Finding::new(
        &NOT_A_USER_GET_RESPONSE,
        "",
        format!("{subject} is an HTML page, not JSON (DingTalk answers throttled calls with such a page)"),
    )
    .with_help("retry later, or check that the capture saved the API's body and not a login or error page")
}

/// A text parsed as one JSON document, after a byte order mark, emptiness and HTML are ruled out.
///
/// # Errors
/// DT004, DT005 or DT001, pointing where the text shows it.
pub fn parse(subject: Subject, text: &str) -> Result<Doc<'_>, Box<Stop>> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - body.len();
    let trimmed = body.trim_start();
    if trimmed.is_empty() {
        let finding = Finding::new(
            &EMPTY_INPUT,
            "",
            format!("{subject} is empty: no JSON value to check"),
        );
        return Err(Stop::at(finding, 0, 0));
    }
    if trimmed.starts_with('<') {
        return Err(Stop::at(html_page(subject), text.len() - trimmed.len(), 1));
    }
    Doc::parse(body).map_err(|error| {
        let offset = bom + offset_of(body, error.line(), error.column());
        let near = text.get(offset.saturating_sub(1)..).unwrap_or("");
        let non_finite = ["NaN", "Infinity", "-Infinity"]
            .iter()
            .any(|t| near.starts_with(t) || near.get(1..).is_some_and(|r| r.starts_with(t)));
        let message = if non_finite {
            format!("{subject} is not valid JSON: NaN and Infinity are JavaScript, not JSON (a serializer wrote a non-finite number)")
        } else {
            parse_message(subject, &error)
        };
        let finding = Finding::new(&INVALID_JSON, "", message)
            .with_help("the capture may be truncated or re-encoded; compare with the raw body");
        Stop::at(finding, offset, 0)
    })
}

/// Byte offset of serde_json's 1-based line and column (column counted in bytes).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (index, piece) in text.split_inclusive('\n').enumerate() {
        if index + 1 == line {
            return (offset + column.saturating_sub(1)).min(text.len());
        }
        offset += piece.len();
    }
    text.len()
}

/// serde_json's message without its own " at line L column C", which the finding carries as fields.
fn parse_message(subject: Subject, error: &serde_json::Error) -> String {
    let full = error.to_string();
    let text = full
        .rfind(" at line ")
        .map_or(full.as_str(), |cut| &full[..cut]);
    let kind = match error.classify() {
        serde_json::error::Category::Eof if subject == Subject::Input => {
            "the JSON ends too early".to_owned()
        }
        serde_json::error::Category::Eof => format!("{subject} ends too early"),
        _ => format!("{subject} is not valid JSON"),
    };
    if text.contains("recursion limit") {
        return format!(
            "{kind}: nesting deeper than 128 levels (no response of this API nests beyond 4)"
        );
    }
    format!("{kind}: {text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_wording_names_each_subject() {
        assert_eq!(
            too_large(Subject::Line(2), Some(9), 4).message,
            "line 3 has 9 bytes, more than the limit of 4 (--max-size); it was skipped"
        );
        assert_eq!(
            too_large(Subject::Input, None, 4).message,
            "the input is larger than the limit of 4 bytes (--max-size)"
        );
        let stop = bytes(Subject::Entry(1), b"{\"a\":\"\xff\"}", None).expect_err("not UTF-8");
        assert_eq!(stop.span, (6, 0));
        assert!(stop
            .finding
            .message
            .starts_with("HAR entry 1 is not UTF-8: byte 6 (0xff)"));
        let stop = bytes(Subject::Body, &[0x1f, 0x8b, 0x08, 0xff], None).expect_err("gzip");
        assert!(
            stop.finding.message.contains("gzip"),
            "{}",
            stop.finding.message
        );
    }

    #[test]
    fn empty_html_and_broken_texts_stop_where_they_show_it() {
        assert_eq!(
            parse(Subject::Input, "  \n")
                .err()
                .map(|s| s.finding.rule.code),
            Some("DT004")
        );
        let stop = parse(Subject::Body, "  <html>").expect_err("html");
        assert_eq!((stop.finding.rule.code, stop.span), ("DT005", (2, 1)));
        let stop = parse(Subject::Input, "\u{feff}{\"a\": NaN}").expect_err("NaN");
        assert!(stop.finding.message.contains("NaN and Infinity"));
        let stop = parse(Subject::Line(0), "{\"a\":").expect_err("cut");
        assert!(stop.finding.message.starts_with("line 1 ends too early"));
        assert!(parse(Subject::Input, "\u{feff}{}").is_ok());
    }
}

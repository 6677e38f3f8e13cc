//! The guard every response text passes before it is parsed, whichever reader found it: size,
//! encoding (UTF-8, with UTF-16 and gzip recognised), byte order mark, emptiness, HTML pages,
//! and the parse itself. One copy of each check; the findings' wording is the reader family's
//! (`rules::reader`).

use std::ops::Range;

use crate::finding::Finding;
use crate::json::doc::Doc;
use crate::rules::reader::{self, NotUtf8};

pub use crate::rules::reader::Subject;

/// Where the guard stopped a text: its finding, and the bytes of the text it points at.
#[derive(Debug)]
pub struct Stop {
    pub finding: Finding,
    pub span: Range<usize>,
}

impl Stop {
    /// A stop at `offset`, `len` bytes long.
    pub fn at(finding: Finding, offset: usize, len: usize) -> Box<Self> {
        Box::new(Self {
            finding,
            span: offset..offset + len,
        })
    }
}

/// DT003 for bytes that are not UTF-8 from `valid_up_to` on, saying what they look like instead.
fn not_utf8(subject: Subject, bytes: &[u8], valid_up_to: usize) -> Box<Stop> {
    let what = if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        NotUtf8::Utf16
    } else if bytes.starts_with(&[0x1f, 0x8b]) {
        NotUtf8::Gzip
    } else {
        NotUtf8::At(valid_up_to, bytes.get(valid_up_to).copied().unwrap_or(0))
    };
    Stop::at(reader::invalid_utf8(subject, what), valid_up_to, 0)
}

/// The bytes of a subject as text: within `limit` (when given) and UTF-8.
///
/// # Errors
/// DT006 or DT003, pointing at the start or at the first byte that is not UTF-8.
pub fn bytes(subject: Subject, bytes: &[u8], limit: Option<u64>) -> Result<&str, Box<Stop>> {
    if let Some(limit) = limit.filter(|l| bytes.len() as u64 > *l) {
        return Err(Stop::at(reader::too_large(subject, None, limit), 0, 0));
    }
    // simdutf8 on the way in: several times faster on the valid input that is nearly all of
    // it. std's walk runs only on failure, for its error position.
    simdutf8::basic::from_utf8(bytes)
        .or_else(|_| std::str::from_utf8(bytes))
        .map_err(|e| not_utf8(subject, bytes, e.valid_up_to()))
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
        return Err(Stop::at(reader::empty_input(subject), 0, 0));
    }
    if trimmed.starts_with('<') {
        let offset = text.len() - trimmed.len();
        return Err(Stop::at(reader::html_page(subject), offset, 1));
    }
    Doc::parse(body).map_err(|error| {
        let offset = bom + offset_of(body, error.line(), error.column());
        if crate::json::doc::is_too_many_values(&error) {
            return Stop::at(reader::too_many_values(subject), offset, 0);
        }
        let near = text.get(offset.saturating_sub(1)..).unwrap_or("");
        let non_finite = ["NaN", "Infinity", "-Infinity"]
            .iter()
            .any(|t| near.starts_with(t) || near.get(1..).is_some_and(|r| r.starts_with(t)));
        Stop::at(reader::invalid_json(subject, &error, non_finite), offset, 0)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_of_too_many_values_stops_with_dt006_where_it_went_over() {
        let values = crate::json::doc::MAX_VALUES;
        let text = format!("[{}]", vec!["[]"; values + 10].join(","));
        let Err(stop) = parse(Subject::Line(0), &text) else {
            panic!("parsed a text over the budget");
        };
        assert_eq!(stop.finding.rule.code, "DT006");
        assert!(stop.finding.message.contains(&values.to_string()));
        // Stopped at the value that went over, not at the end of the text.
        assert!(
            (values * 3 - 3..=values * 3 + 3).contains(&stop.span.start),
            "{:?}",
            stop.span
        );
        let fits = format!("[{}]", vec!["[]"; values - 1].join(","));
        assert!(parse(Subject::Line(0), &fits).is_ok());
        // A syntax error is still one.
        let broken = parse(Subject::Line(0), "[1,")
            .err()
            .map(|s| s.finding.rule.code);
        assert_eq!(broken, Some("DT001"));
    }

    #[test]
    fn one_wording_names_each_subject() {
        assert_eq!(
            reader::too_large(Subject::Line(2), Some(9), 4).message,
            "line 3 has 9 bytes, more than the limit of 4 (--max-size); it was skipped"
        );
        assert_eq!(
            reader::too_large(Subject::Input, None, 4).message,
            "the input is larger than the limit of 4 bytes (--max-size)"
        );
        let stop = bytes(Subject::Entry(1), b"{\"a\":\"\xff\"}", None).expect_err("not UTF-8");
        assert_eq!(stop.span, 6..6);
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
        assert_eq!((stop.finding.rule.code, stop.span), ("DT005", 2..3));
        let stop = parse(Subject::Input, "\u{feff}{\"a\": NaN}").expect_err("NaN");
        assert!(stop.finding.message.contains("NaN and Infinity"));
        let stop = parse(Subject::Line(0), "{\"a\":").expect_err("cut");
        assert!(stop.finding.message.starts_with("line 1 ends too early"));
        assert!(parse(Subject::Input, "\u{feff}{}").is_ok());
    }
}

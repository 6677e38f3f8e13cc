//! Places the findings of one HAR entry in the file: those about the exchange at their pointer
//! in the entry, those about the body inside its escaped string literal, with excerpts cut
//! from a copy whose credentials and personal values are hidden.

use std::cell::OnceCell;

use std::ops::Range;

use crate::engine::place::placed;
use crate::fields::Personal;
use crate::finding::{Category, Finding};
use crate::json::locate::{locate, locate_or_ancestor};
use crate::json::Location;
use crate::privacy::mask as redact;

/// What a base64 body's findings add: they cannot point inside the encoded text.
const BASE64_NOTE: &str = " (position: the base64 body string)";

/// One entry's text, where it starts in the file, and what placing its findings needs, each
/// made on first use: only entries with findings pay for them.
pub struct EntryText<'t> {
    text: &'t str,
    at: Location,
    show_values: bool,
    /// Whether the run prints excerpts; without them the redacted copy is never made.
    excerpts: bool,
    /// The text with credentials (and, when asked, personal values) hidden, same length.
    shown: OnceCell<String>,
    /// Where the body's string literal starts in the entry, and the literal.
    literal: OnceCell<Option<(usize, &'t str)>>,
    /// For every byte offset of the decoded body, its offset in the literal.
    raw: OnceCell<Vec<usize>>,
}

impl<'t> EntryText<'t> {
    pub fn new(text: &'t str, at: Location, show_values: bool, excerpts: bool) -> Self {
        Self {
            text,
            at,
            show_values,
            excerpts,
            shown: OnceCell::new(),
            literal: OnceCell::new(),
            raw: OnceCell::new(),
        }
    }

    fn literal(&self) -> Option<(usize, &'t str)> {
        let text = self.text;
        *self.literal.get_or_init(|| {
            locate(text, "/response/content/text").map(|s| (s.start, &text[s.start..s.end]))
        })
    }

    fn raw(&self, literal: &str) -> &[usize] {
        self.raw.get_or_init(|| raw_index(literal))
    }

    /// The redacted copy excerpts are cut from: credentials starred, and the body's personal
    /// values masked unless the run shows them (a base64 body is hidden whole).
    pub fn shown(&self, body: Option<&str>, base64: bool) -> &str {
        self.shown.get_or_init(|| {
            let mut shown = without_secrets(self.text);
            if self.show_values {
                return shown;
            }
            let Some((start, literal)) = self.literal() else {
                return shown;
            };
            if base64 {
                let end = start + literal.len().saturating_sub(1);
                redact::mask(&mut shown, (start + 1).min(end)..end, Personal::Text);
            } else if let Some(body) = body {
                // The body is plain JSON once decoded: find its personal values there, as for
                // any other input, and carry the spans into the escaped literal.
                for (range, kind) in redact::personal_spans(body) {
                    let index = self.raw(literal);
                    let from = start + index.get(range.start).copied().unwrap_or(0);
                    let to = start + index.get(range.end).copied().unwrap_or(0);
                    redact::mask(&mut shown, from..to, kind);
                }
            }
            shown
        })
    }

    /// Places findings at their pointer in the entry.
    pub fn in_entry(
        &self,
        findings: Vec<Finding>,
        body: Option<&str>,
        base64: bool,
    ) -> Vec<Finding> {
        if findings.is_empty() {
            return Vec::new();
        }
        let text = self.text;
        let shown = self.excerpts.then(|| self.shown(body, base64));
        placed(findings, text, shown, self.at, |f| {
            locate_or_ancestor(text, &f.pointer)
        })
    }

    /// Places findings about the body inside its literal: at their pointer in the decoded body,
    /// or at the span the guard `stop`ped at; for a base64 body, at the whole string.
    pub fn in_body(
        &self,
        findings: Vec<Finding>,
        body: Option<&str>,
        stop: Option<Range<usize>>,
        base64: bool,
    ) -> Vec<Finding> {
        if findings.is_empty() {
            return Vec::new();
        }
        let shown = self.excerpts.then(|| self.shown(body, base64));
        let mut placed = placed(findings, self.text, shown, self.at, |f| {
            let (start, literal) = self.literal()?;
            if base64 {
                return Some(start..start + literal.len());
            }
            let span = stop
                .clone()
                .or_else(|| locate_or_ancestor(body?, &f.pointer))
                .unwrap_or(0..0);
            let index = self.raw(literal);
            let from = index.get(span.start).copied().unwrap_or(0);
            let to = index.get(span.end).copied().unwrap_or(from);
            Some(start + from..start + to)
        });
        if base64 {
            for f in &mut placed {
                if f.rule.category != Category::Request && !f.message.ends_with(BASE64_NOTE) {
                    f.message.push_str(BASE64_NOTE);
                }
            }
        }
        placed
    }
}

/// The entry's text with every credential starred, same length: excerpts are cut from this.
pub fn without_secrets(text: &str) -> String {
    let mut shown = text.to_owned();
    redact::redact_secrets(&mut shown);
    redact::redact_cookies(text, &mut shown);
    shown
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

#[cfg(test)]
mod tests {
    use super::*;

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

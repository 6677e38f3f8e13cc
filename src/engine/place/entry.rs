//! Places the findings of one HAR entry in the file: those about the exchange at their pointer
//! in the entry, those about the body inside its escaped string literal, with excerpts cut
//! from a copy whose credentials and personal values are hidden.

use std::cell::OnceCell;

use std::ops::Range;

use super::raw::RawIndex;
use crate::api::fields::Personal;
use crate::engine::place::placed;
use crate::finding::{Category, Finding};
use crate::json::doc::Node;
use crate::json::locate::{locate, locate_in_order, locate_or_ancestor, locate_unique, Hints};
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
    /// The entry was read as a HAR entry, so no member on the way to its body repeats.
    read: bool,
    /// The text with credentials (and, when asked, personal values) hidden, same length.
    shown: OnceCell<String>,
    /// Where the body's string literal starts in the entry, and the literal.
    literal: OnceCell<Option<(usize, &'t str)>>,
    /// For every byte offset of the decoded body, its offset in the literal.
    raw: OnceCell<RawIndex>,
}

impl<'t> EntryText<'t> {
    pub fn new(text: &'t str, at: Location, show_values: bool, excerpts: bool) -> Self {
        Self {
            text,
            at,
            show_values,
            excerpts,
            read: false,
            shown: OnceCell::new(),
            literal: OnceCell::new(),
            raw: OnceCell::new(),
        }
    }

    /// Says that the entry was read as a HAR entry: serde refuses a member that comes twice,
    /// so the body's literal is the first `/response/content/text` and the search for it can
    /// stop there.
    pub fn was_read(&mut self) {
        self.read = true;
    }

    fn literal(&self) -> Option<(usize, &'t str)> {
        let text = self.text;
        *self.literal.get_or_init(|| {
            const BODY: &str = "/response/content/text";
            let found = if self.read {
                locate_unique(text, BODY)
            } else {
                locate(text, BODY)
            };
            found.map(|s| (s.start, &text[s.start..s.end]))
        })
    }

    fn raw(&self, literal: &str) -> &RawIndex {
        self.raw.get_or_init(|| RawIndex::new(literal))
    }

    /// The redacted copy excerpts are cut from: credentials starred, and the body's personal
    /// values masked unless the run shows them (a base64 body is hidden whole).
    pub fn shown(&self, body: Option<&str>, base64: bool) -> &str {
        self.shown.get_or_init(|| {
            let mut shown = without_secrets(self.text);
            // What the patterns above read raw, decoded: request bodies (form and JSON),
            // escaped and percent-encoded names, pairs, bodies held in strings.
            crate::privacy::spans::hide_json(self.text, &mut shown, self.show_values);
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
                    let from = start + index.raw(range.start).unwrap_or(0);
                    let to = start + index.raw(range.end).unwrap_or(0);
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

    /// Places findings about the body inside its literal: at their pointer in the decoded body
    /// (found with the help of its arena `doc` when it parsed), or at the span the guard
    /// `stop`ped at; for a base64 body, at the whole string.
    pub fn in_body(
        &self,
        findings: Vec<Finding>,
        body: Option<&str>,
        doc: Option<Node<'_>>,
        stop: Option<Range<usize>>,
        base64: bool,
    ) -> Vec<Finding> {
        if findings.is_empty() {
            return Vec::new();
        }
        let shown = self.excerpts.then(|| self.shown(body, base64));
        let mut hints = Hints::default();
        let mut placed = placed(findings, self.text, shown, self.at, |f| {
            let (start, literal) = self.literal()?;
            if base64 {
                return Some(start..start + literal.len());
            }
            let span = stop
                .clone()
                .or_else(|| match doc {
                    Some(doc) => locate_in_order(body?, doc, &f.pointer, &mut hints),
                    None => locate_or_ancestor(body?, &f.pointer),
                })
                .unwrap_or(0..0);
            let index = self.raw(literal);
            let from = index.raw(span.start).unwrap_or(0);
            let to = index.raw(span.end).unwrap_or(from);
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

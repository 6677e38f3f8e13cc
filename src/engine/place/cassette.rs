//! Places the findings of one interaction of a VCR cassette in the file: those about the
//! exchange at the part of the interaction their pointer names, those about the body inside
//! the scalar that holds it, with excerpts cut from a copy whose credentials and personal
//! values are hidden.

use std::ops::Range;

use super::scalar::ScalarIndex;
use crate::api::fields::Personal;
use crate::engine::pipeline::Settings;
use crate::engine::place::entry::without_secrets;
use crate::engine::place::placed;
use crate::finding::{Category, Finding};
use crate::json::doc::Node;
use crate::json::locate::{locate_in_order, locate_or_ancestor, Hints};
use crate::json::Location;
use crate::privacy::mask as redact;

/// What the findings of a body held encoded (`!!binary`, gzip) add: they cannot point inside.
const ENCODED_NOTE: &str = " (position: the body's scalar, which holds it encoded)";

/// What the findings of a body whose scalar cannot be retraced add.
const SCALAR_NOTE: &str =
    " (position: the body's scalar, whose folding or escapes hide the exact place)";

/// One interaction of a cassette: its text, where it starts in the file, and where its parts
/// and its body are in that text.
#[derive(Debug)]
pub struct Interaction<'t> {
    /// The interaction's text in the file.
    pub text: &'t str,
    /// Where the text starts in the file.
    pub at: Location,
    /// Pointer prefixes (`/request/url`) and the range in `text` of the part each names, most
    /// specific first; a finding goes to the first whose prefix its pointer starts with.
    pub parts: Vec<(&'static str, Range<usize>)>,
    /// The answer's body, when the interaction holds one.
    pub body: Option<BodyScalar>,
    /// Ranges in `text` hidden whole in excerpts: header values named as credentials, a
    /// request body that holds one.
    pub hidden: Vec<Range<usize>>,
}

/// The scalar that holds an answer's body.
#[derive(Debug)]
pub struct BodyScalar {
    /// Its range in the interaction's text.
    pub span: Range<usize>,
    /// How the decoded body maps into the scalar, when it does exactly.
    pub index: Option<ScalarIndex>,
    /// The body is held encoded (base64, gzip): positions cannot be inside it.
    pub encoded: bool,
}

impl Interaction<'_> {
    fn part(&self, pointer: &str) -> Range<usize> {
        self.parts
            .iter()
            .find(|(prefix, _)| {
                pointer
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
            .map_or(0..0, |(_, range)| range.clone())
    }

    /// The copy excerpts are cut from: credentials starred, a request body holding one and
    /// (unless the run shows them) the body's personal values masked; an encoded body, or one
    /// that cannot be retraced, is hidden whole.
    fn shown(&self, body: Option<&str>, show_values: bool) -> String {
        let mut shown = without_secrets(self.text);
        for range in &self.hidden {
            hide(&mut shown, range.clone());
        }
        if show_values {
            return shown;
        }
        let Some(scalar) = &self.body else {
            return shown;
        };
        match (&scalar.index, body) {
            (Some(index), Some(body)) if !scalar.encoded => {
                for (range, kind) in redact::personal_spans(body) {
                    let from = scalar.span.start + index.raw(range.start).unwrap_or(0);
                    let to = scalar.span.start + index.raw(range.end).unwrap_or(0);
                    redact::mask(&mut shown, from..to.max(from), kind);
                }
            }
            _ => hide(&mut shown, scalar.span.clone()),
        }
        shown
    }

    /// Places findings about the exchange at its parts and those about the body in its scalar.
    pub fn place(
        &self,
        entry_findings: Vec<Finding>,
        body_findings: Vec<Finding>,
        body: Option<&str>,
        doc: Option<Node<'_>>,
        stop: Option<Range<usize>>,
        settings: &Settings,
    ) -> Vec<Finding> {
        if entry_findings.is_empty() && body_findings.is_empty() {
            return Vec::new();
        }
        let shown = settings
            .needs
            .excerpts
            .then(|| self.shown(body, settings.show_values));
        let mut findings = placed(entry_findings, self.text, shown.as_deref(), self.at, |f| {
            Some(self.part(&f.pointer))
        });
        let Some(scalar) = &self.body else {
            findings.extend(placed(
                body_findings,
                self.text,
                shown.as_deref(),
                self.at,
                |_| Some(self.part("/response/content")),
            ));
            return findings;
        };
        let mut hints = Hints::default();
        let mut in_body = placed(body_findings, self.text, shown.as_deref(), self.at, |f| {
            let start = scalar.span.start;
            let index = match &scalar.index {
                Some(index) if !scalar.encoded => index,
                _ => return Some(scalar.span.clone()),
            };
            let span = stop
                .clone()
                .or_else(|| match doc {
                    Some(doc) => locate_in_order(body?, doc, &f.pointer, &mut hints),
                    None => locate_or_ancestor(body?, &f.pointer),
                })
                .unwrap_or(0..0);
            let from = index.raw(span.start).unwrap_or(0);
            let to = index.raw(span.end).unwrap_or(from).max(from);
            Some(start + from..start + to)
        });
        let note = if scalar.encoded {
            Some(ENCODED_NOTE)
        } else if scalar.index.is_none() {
            Some(SCALAR_NOTE)
        } else {
            None
        };
        if let Some(note) = note {
            for f in &mut in_body {
                if f.rule.category != Category::Request && !f.message.ends_with(note) {
                    f.message.push_str(note);
                }
            }
        }
        findings.extend(in_body);
        findings
    }
}

/// Hides `range` of `shown` whole, line by line, so that the excerpt's lines stay the file's.
fn hide(shown: &mut String, range: Range<usize>) {
    let Some(part) = shown.get(range.clone()) else {
        return;
    };
    let lines: Vec<Range<usize>> = part
        .split_inclusive('\n')
        .scan(range.start, |at, line| {
            let start = *at;
            *at += line.len();
            Some(start..start + line.trim_end_matches(['\n', '\r']).len())
        })
        .collect();
    for line in lines {
        redact::mask(shown, line, Personal::Text);
    }
}

//! The last stage: a finding's pointer becomes its place in the input (offset, line, column)
//! and an excerpt cut from the redacted text, only for findings a run keeps.

use std::ops::Range;

use crate::excerpt::Excerpt;
use crate::finding::Finding;
use crate::json::{LineIndex, Location};

/// Gives every finding its position and, when `shown` is given, its excerpt. `text` is where
/// ranges are measured, `shown` the same text redacted (same length) that excerpts are cut
/// from; both start at `origin` in the input.
pub fn placed(
    mut findings: Vec<Finding>,
    text: &str,
    shown: Option<&str>,
    origin: Location,
    mut range: impl FnMut(&Finding) -> Option<Range<usize>>,
) -> Vec<Finding> {
    if findings.is_empty() {
        return findings;
    }
    // An index pays off only for many findings; a few are cheaper counted from the start.
    let index = (findings.len() > 4).then(|| LineIndex::new(text));
    for finding in &mut findings {
        if let Some(range) = range(finding) {
            let at = match &index {
                Some(index) => index.location(range),
                None => Location::of(text, range),
            };
            finding.position = Some(at.within(origin));
            if let Some(shown) = shown {
                finding.excerpt = Some(Box::new(Excerpt::cut(shown, origin, at)));
            }
        }
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings
}

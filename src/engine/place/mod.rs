//! The last stage: a finding's pointer becomes its place in the input (offset, line, column)
//! and an excerpt cut from the redacted text, only for findings a run keeps.

pub mod cassette;
pub mod entry;
mod raw;
pub mod scalar;

use std::ops::Range;

use crate::finding::excerpt::Excerpt;
use crate::finding::Finding;
use crate::json::lines::LineCursor;
use crate::json::Location;

/// Gives every finding its position and, when `shown` is given, its excerpt, and puts them in
/// report order. `text` is where ranges are measured, `shown` the same text redacted (same
/// length) that excerpts are cut from; both start at `origin` in the input. `range` is asked
/// once per finding, in the order given.
pub fn placed(
    mut findings: Vec<Finding>,
    text: &str,
    shown: Option<&str>,
    origin: Location,
    mut range: impl FnMut(&Finding) -> Option<Range<usize>>,
) -> Vec<Finding> {
    for finding in &mut findings {
        // Measured in `text` for now: lines and columns follow once the findings are in order.
        finding.position = range(finding).map(|range| Location::at(range, 0, 0));
    }
    // Report order puts a text's findings by offset, which lets one forward pass count the
    // lines and columns of all of them. The order is the same as by final positions: within
    // one text every offset moves by the same `origin`.
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let mut lines = LineCursor::new(text);
    for finding in &mut findings {
        let Some(at) = finding.position else {
            continue;
        };
        let (line, column) = lines.line_col(at.offset);
        let at = Location { line, column, ..at };
        finding.position = Some(at.within(origin));
        if let Some(shown) = shown {
            finding.excerpt = Some(Box::new(Excerpt::cut(shown, origin, at)));
        }
    }
    findings
}

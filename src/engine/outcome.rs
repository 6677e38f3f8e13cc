//! What the engine gives for each item (a response, an NDJSON line, a HAR entry, a proxied
//! exchange), which the readers hand on to the run's exit.

use crate::finding::Finding;

/// What checking one item (a response, an NDJSON line, a HAR entry) gave.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The item's index in a multi-response input (the `entry` of its findings).
    pub index: Option<u64>,
    /// Its findings, in order.
    pub findings: Vec<Finding>,
    /// Responses checked (0 or 1).
    pub responses: u64,
    /// With `Settings::observe`: the documented members the response carried.
    pub present: Vec<&'static str>,
    /// The item was passed over (a HAR entry of another endpoint, a blank line).
    pub skipped: bool,
    /// The input could not be read (further); its findings say why.
    pub unreadable: bool,
    /// The input was compressed: positions are in its decompressed text.
    pub decompressed: bool,
    /// The response was a `result` object alone, checked as one.
    pub result_only: bool,
    /// With `Settings::observe`: where a HAR entry came from (its app's label, its time), for the audit.
    pub origin: Option<Origin>,
}

impl Outcome {
    /// The outcome of item `index` with these findings, each marked with the index.
    pub fn with(index: u64, mut findings: Vec<Finding>) -> Self {
        for finding in &mut findings {
            finding.entry = Some(index);
        }
        Self {
            index: Some(index),
            findings,
            ..Self::default()
        }
    }

    /// Findings about the input as a whole, at no entry.
    pub fn about_input(findings: Vec<Finding>) -> Self {
        Self {
            findings,
            ..Self::default()
        }
    }
}

/// Where one exchange came from, carried on its outcome to the audit (computed in
/// `engine::origin`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// `app-` and 8 hex digits of the salted hash of the request's access token, when it had one.
    pub app: Option<String>,
    /// The entry's `startedDateTime`, as the capture wrote it.
    pub started: Option<String>,
}

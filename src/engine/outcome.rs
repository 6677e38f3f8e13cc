//! What the engine gives for each item (a response, an NDJSON line, a HAR entry, a proxied
//! exchange), which the readers hand on to the run's exit.

use crate::finding::Finding;

/// What checking one item (a response, an NDJSON line, a HAR entry) gave.
#[non_exhaustive]
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
    /// The item was a call that never got an answer (DT010).
    pub unanswered: bool,
    /// With `Settings::observe`: where a HAR entry came from (its app's label, its time), for the audit.
    pub origin: Option<Origin>,
    /// The input, met in a folder, turned out to hold no capture (a project's `package.json`):
    /// it is counted as a path passed over, not as an input.
    pub not_a_capture: bool,
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

    /// Item `index`, passed over: another call's HAR entry or interaction, a blank line.
    pub fn passed_over(index: u64) -> Self {
        Self {
            index: Some(index),
            skipped: true,
            ..Self::default()
        }
    }

    /// The input holds no capture and is passed over (see [`Outcome::not_a_capture`]).
    pub fn no_capture() -> Self {
        Self {
            not_a_capture: true,
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

/// The counts of one input besides its findings.
#[non_exhaustive]
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// How many responses the input held and were checked.
    pub responses: u64,
    /// For multi-response inputs, the entries that were checked as responses (kept only when
    /// a reporter lists them: JUnit).
    pub response_entries: Vec<u64>,
    /// With `Settings::observe`: how many responses carried each documented member with a value.
    pub present: std::collections::BTreeMap<&'static str, u64>,
    /// HAR entries of other endpoints, passed over.
    pub skipped_entries: u64,
    /// The input could not be read at all (exit code 2).
    pub unreadable: bool,
    /// The input was compressed: positions are in its decompressed text.
    pub decompressed: bool,
    /// Responses that were `result` objects alone, checked as such.
    pub result_only: u64,
    /// Calls that never got an answer.
    pub unanswered: u64,
    /// The input held no capture and is passed over ([`Outcome::not_a_capture`]).
    pub not_a_capture: bool,
}

impl Tally {
    /// Adds another tally's counts to these.
    pub fn merge(&mut self, other: &Self) {
        self.responses += other.responses;
        self.response_entries
            .extend_from_slice(&other.response_entries);
        self.skipped_entries += other.skipped_entries;
        self.unreadable |= other.unreadable;
        self.decompressed |= other.decompressed;
        self.result_only += other.result_only;
        self.unanswered += other.unanswered;
        self.not_a_capture |= other.not_a_capture;
        for (name, count) in &other.present {
            *self.present.entry(name).or_default() += count;
        }
    }

    /// Counts one outcome in.
    pub fn add(&mut self, outcome: &Outcome, keep_entries: bool) {
        self.responses += outcome.responses;
        if keep_entries && outcome.responses > 0 && outcome.index.is_some() {
            self.response_entries.extend(outcome.index);
        }
        self.skipped_entries += u64::from(outcome.skipped);
        self.unreadable |= outcome.unreadable;
        self.decompressed |= outcome.decompressed;
        self.result_only += u64::from(outcome.result_only);
        self.unanswered += u64::from(outcome.unanswered);
        self.not_a_capture |= outcome.not_a_capture;
        for name in &outcome.present {
            *self.present.entry(name).or_default() += 1;
        }
    }
}

/// Where one exchange came from, carried on its outcome to the audit (computed in
/// `engine::origin`).
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// `app-` and 8 hex digits of the salted hash of the request's access token, when it had one.
    pub app: Option<String>,
    /// The entry's `startedDateTime`, as the capture wrote it.
    pub started: Option<String>,
}

/// Adjacent lines of one source read from framed records (`--stdin-format framed`): where
/// they stand in the source by the position their records carried, and how many lines and
/// bytes they hold, so that the partial results of several shards can be put back in order
/// and their lines numbered as one run numbers them (`dtlint merge`).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Span {
    /// The position of its first record: the line's byte offset in the source, or the start
    /// of the split that held it.
    pub position: u64,
    /// Lines it holds.
    pub lines: u64,
    /// Bytes it holds, line feeds included.
    pub bytes: u64,
    /// The source's modification time in seconds since 1970, when the records carried it.
    pub mtime: Option<i64>,
}

impl Span {
    /// A span starting at `position`, holding nothing yet.
    pub fn at(position: u64, mtime: Option<i64>) -> Self {
        Self {
            position,
            lines: 0,
            bytes: 0,
            mtime,
        }
    }
}

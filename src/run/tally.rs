//! The counts of one input besides its findings, which reporters hear at its end.

use crate::engine::outcome::Outcome;

/// The counts of one input besides its findings.
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
}

impl Tally {
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
        for name in &outcome.present {
            *self.present.entry(name).or_default() += 1;
        }
    }
}

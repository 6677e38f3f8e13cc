//! Turns the command line's paths into inputs and checks each one, in parallel, in a stable order.

mod file;
mod har;
mod ndjson;
mod pipeline;
mod walk;

use rayon::prelude::*;

pub use file::{check_bytes, Limits};
pub use har::check_har;
pub use ndjson::check_ndjson;
use walk::Target;
pub use walk::{collect, Collected, InputFormat, WalkOptions};

use crate::engine::pipeline::Settings;
use crate::finding::Finding;
use crate::progress::Progress;

/// The outcome of one input (a file or stdin).
#[derive(Debug, Default)]
pub struct Checked {
    /// The input's name as reports show it.
    pub source: String,
    /// Its findings, in report order once finished.
    pub findings: Vec<Finding>,
    /// How many responses the input held and were checked.
    pub responses: u64,
    /// For multi-response inputs, the entries that were checked as responses (JUnit lists each).
    pub response_entries: Vec<u64>,
    /// With `Settings::observe`: how many responses carried each documented member with a value.
    pub present: std::collections::BTreeMap<&'static str, u64>,
    /// HAR entries of other endpoints, passed over.
    pub skipped_entries: u64,
    /// The input could not be read at all (exit code 2).
    pub unreadable: bool,
    /// Not an input: findings about dtlint's own configuration (baseline, suppressions).
    pub config: bool,
}

impl Checked {
    /// The input, finished: named, its findings through the one exit.
    #[must_use]
    pub fn finished(mut self, source: &str, selection: &crate::selection::Selection) -> Self {
        source.clone_into(&mut self.source);
        crate::engine::finish::input(&mut self.findings, source, selection);
        self
    }
}

/// Checks every target in parallel; results come back in the targets' (sorted) order.
/// `progress` counts finished inputs (the caller decides whether a bar is shown).
pub fn check_all(
    targets: &[Target],
    settings: &Settings,
    limits: &Limits,
    progress: &dyn Progress,
) -> Vec<Checked> {
    if let [single] = targets {
        // One input: progress is its bytes, counted as the reader goes.
        return vec![single.check(settings, limits, Some(progress))];
    }
    targets
        .par_iter()
        .map(|target| {
            let checked = target.check(settings, limits, None);
            progress.input_done();
            checked
        })
        .collect()
}

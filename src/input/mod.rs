//! Turns the command line's paths into inputs and reads each one into outcomes (one per
//! response, line or HAR entry), which go to the run's exit in report order.

pub mod decompress;
mod file;
mod har;
mod log;
mod ndjson;
mod pipeline;
mod walk;

use rayon::prelude::*;

pub use crate::outcome::{Outcome, Tally};
pub use file::{check_bytes, Limits};
pub use har::{check_har, har_outcomes, API_PATH};
pub use ndjson::{check_log, check_ndjson, log_outcomes, ndjson_outcomes};
pub use pipeline::Pace;
use walk::Target;
pub use walk::{collect, Collected, InputFormat, WalkOptions};

use crate::engine::pipeline::Settings;
use crate::exit::Exit;
use crate::finding::Finding;
use crate::progress::Progress;

/// Single-body inputs checked in parallel before their outcomes go out in order: enough to keep
/// both cores busy on small files, few enough that what waits for its turn stays small.
const WINDOW: usize = 256;

/// What a reader hands on for each item; `false` back asks it to stop reading (the output was
/// closed or the run interrupted).
pub type Deliver<'a> = dyn FnMut(Outcome) -> bool + 'a;

/// The outcome of one input (a file or stdin), collected whole: for library users and tests.
/// A `dtlint check` run does not collect inputs; their outcomes stream to its exit.
#[derive(Debug, Default)]
pub struct Checked {
    /// Its findings, in order, as the readers gave them (not yet through the run's exit).
    pub findings: Vec<Finding>,
    /// Its counts.
    pub tally: Tally,
}

impl Checked {
    /// Collects what `read` delivers.
    pub fn collect(read: impl FnOnce(&mut Deliver<'_>)) -> Self {
        let mut checked = Self::default();
        read(&mut |mut outcome: Outcome| {
            checked.tally.add(&outcome, true);
            checked.findings.append(&mut outcome.findings);
            true
        });
        checked
    }

    /// The input passed alone through a run's exit (selection, severity, its name), as
    /// `dtlint check` reports it when no profile suppresses and no baseline hides anything.
    #[must_use]
    pub fn finished(self, source: &str, selection: &crate::selection::Selection) -> Self {
        let mut run = crate::report::Run::default();
        let mut exit = Exit::new(selection, &[], vec![&mut run]);
        let mut input = exit.input(source);
        input.deliver(Outcome::about_input(self.findings));
        input.end();
        // The run's only reporter keeps what it hears in memory, which cannot fail.
        let _ = exit.finish(&[]);
        Self {
            findings: run
                .inputs
                .pop()
                .map(|input| input.findings)
                .unwrap_or_default(),
            tally: self.tally,
        }
    }
}

/// Checks every target and hands the outcomes to `exit` in the targets' (sorted) order.
/// Runs of single-body files are checked in parallel windows; an NDJSON or HAR input is read
/// on its own, its items checked in parallel batches. `progress` counts finished inputs (the
/// caller decides whether a bar is shown).
pub fn check_all(
    targets: &[Target],
    settings: &Settings,
    limits: &Limits,
    progress: &dyn Progress,
    exit: &mut Exit<'_>,
) {
    if let [single] = targets {
        // One input: progress is its bytes, counted as the reader goes.
        stream(single, settings, limits, Some(progress), exit);
        return;
    }
    let mut rest = targets;
    while let Some(first) = rest.first() {
        if !exit.going() {
            return;
        }
        if first.streams() {
            stream(first, settings, limits, None, exit);
            progress.input_done();
            rest = &rest[1..];
            continue;
        }
        let bodies = rest
            .iter()
            .take(WINDOW)
            .take_while(|t| !t.streams())
            .count();
        let (window, after) = rest.split_at(bodies);
        let outcomes: Vec<Outcome> = window
            .par_iter()
            .map(|target| {
                let outcome = target.check_body(settings, limits);
                progress.input_done();
                outcome
            })
            .collect();
        for (target, outcome) in window.iter().zip(outcomes) {
            let mut input = exit.input(target.display());
            input.deliver(outcome);
            input.end();
        }
        rest = after;
    }
}

fn stream(
    target: &Target,
    settings: &Settings,
    limits: &Limits,
    progress: Option<&dyn Progress>,
    exit: &mut Exit<'_>,
) {
    let mut input = exit.input(target.display());
    target.check(settings, limits, progress, &mut |outcome| {
        input.deliver(outcome)
    });
    input.end();
}

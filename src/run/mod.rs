//! The run: walking the inputs, handing each to its reader, and passing every outcome through
//! the one exit (selection, severity, suppressions, baseline, order) to the reporters, with
//! the counts the summary and exit code come from.

pub mod baseline;
pub mod exit;
pub mod merge;
pub mod progress;
pub mod suppress;
pub(crate) mod walk;

use std::io::BufRead;

use rayon::prelude::*;

pub use crate::engine::outcome::Tally;
pub use walk::{
    collect, glob_pattern, Collected, Input, InputFormat, Scope, Target, WalkOptions, Within,
    PROFILE_NAME,
};

use crate::engine::pipeline::Settings;
use crate::finding::Finding;
use crate::input::framed::{Framed, Next};
use crate::input::{
    body_outcome, har_outcomes, log_outcomes, ndjson_outcomes, Deliver, Limits, Outcome, Pace,
};
use exit::Exit;
use progress::Progress;

/// Single-body inputs checked in parallel before their outcomes go out in order: enough to keep
/// both cores busy on small files, few enough that what waits for its turn stays small.
const WINDOW: usize = 256;

/// The outcome of one input (a file or stdin), collected whole: for library users and tests.
/// A `dtlint check` run does not collect inputs; their outcomes stream to its exit.
#[non_exhaustive]
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
    pub fn finished(self, source: &str, selection: &crate::rules::selection::Selection) -> Self {
        self.finished_with(source, selection, &[])
    }

    /// [`Checked::finished`] with a profile's suppressions applied, matched by `source` as a
    /// path. A suppression that hides nothing is not reported: one input is not a whole run.
    #[must_use]
    pub fn finished_with(
        self,
        source: &str,
        selection: &crate::rules::selection::Selection,
        suppressions: &[suppress::Suppress],
    ) -> Self {
        let mut run = crate::report::Run::default();
        let mut exit = Exit::new(selection, suppressions, vec![&mut run]).unjudged();
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

/// What a run says before it reads anything about its settings: the rules that need an app
/// type and cannot run without one.
pub fn settings_note(settings: &Settings) -> Option<String> {
    let waiting = waiting_for_app_type(settings);
    (!waiting.is_empty()).then(|| {
        format!(
            "no app type given: {} did not run (pass --app-type internal|third-party or set app-type in dtlint.toml)",
            waiting.join(", ")
        )
    })
}

/// The settings of the profile that judges `target`: `profiles[target.profile]`, or the run's
/// own (the first) should the list be shorter.
///
/// # Panics
/// When `profiles` is empty: a run has at least its own settings.
fn judging<'s>(profiles: &[&'s Settings], target: &Target) -> &'s Settings {
    profiles
        .get(target.profile)
        .or(profiles.first())
        .copied()
        .expect("a run checks with at least one profile's settings")
}

/// The codes of the selected rules that need an app type, when the settings give none.
pub(crate) fn waiting_for_app_type(settings: &Settings) -> Vec<&'static str> {
    if settings.caller.app_type.is_some() {
        return Vec::new();
    }
    crate::rules::ALL
        .iter()
        .filter(|r| r.needs_app_type && settings.selection.is_enabled(r))
        .map(|r| r.code)
        .collect()
}

/// Checks every target and hands the outcomes to `exit` in the targets' (sorted) order.
/// Runs of single-body files are checked in parallel windows; an NDJSON or HAR input is read
/// on its own, its items checked in parallel batches. `progress` counts finished inputs (the
/// caller decides whether a bar is shown).
///
/// `profiles` are the settings of the run's profiles, the run's own first: each target is
/// checked with those its [`Target::profile`] names, and passes the exit judged by that
/// profile ([`Exit::input_judged`]); a run with one profile gives one.
///
/// # Panics
/// When `profiles` is empty.
pub fn check_all(
    targets: &[Target],
    profiles: &[&Settings],
    limits: &Limits,
    progress: &dyn Progress,
    exit: &mut Exit<'_>,
) {
    if let [single] = targets {
        // One input: progress is its bytes, counted as the reader goes.
        stream(
            single,
            judging(profiles, single),
            limits,
            Some(progress),
            exit,
        );
        return;
    }
    let mut rest = targets;
    while let Some(first) = rest.first() {
        if !exit.going() {
            return;
        }
        if first.streams() {
            stream(first, judging(profiles, first), limits, None, exit);
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
        let outcomes: Vec<Vec<Outcome>> = window
            .par_iter()
            .map(|target| {
                let outcome = target.check_body(judging(profiles, target), limits);
                progress.input_done();
                outcome
            })
            .collect();
        for (target, outcomes) in window.iter().zip(outcomes) {
            let mut input = exit.input_judged(target.display(), target.profile);
            for outcome in outcomes {
                input.deliver(outcome);
            }
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
    if target.format() == InputFormat::Framed {
        framed(target, settings, limits, exit);
        return;
    }
    let mut input = exit.input_judged(target.display(), target.profile);
    let mut unreadable = false;
    let read_as = target.check(settings, limits, progress, &mut |outcome| {
        unreadable |= outcome
            .findings
            .iter()
            .any(|f| crate::rules::reader::broke_its_format(f.rule));
        input.deliver(outcome)
    });
    input.end();
    if unreadable && target.format() == InputFormat::Auto {
        exit.note(format!(
            "{} was read as {} (told by its first bytes); --stdin-format json|ndjson|har|log|vcr says how to read it",
            target.display(),
            read_as.name()
        ));
    }
}

/// Reads framed records, each run of adjacent lines of a source as an input of its own named
/// after the source. Outside a partial run, lines of a run that does not start its source cannot
/// be numbered (the lines before it are in another shard): its findings name no line.
fn framed(target: &Target, settings: &Settings, limits: &Limits, exit: &mut Exit<'_>) {
    let mut failed = Vec::new();
    let opened = target.open(None, &mut |outcome| {
        if outcome.unreadable {
            failed.push(outcome);
        }
        true
    });
    let about_stream = |exit: &mut Exit<'_>, outcome: Outcome| {
        let mut input = exit.input_judged(target.display(), target.profile);
        input.deliver(outcome);
        input.end();
    };
    let Some((reader, pace)) = opened else {
        for outcome in failed {
            about_stream(exit, outcome);
        }
        return;
    };
    let mut records = Framed::new(reader, limits.max_size);
    while exit.going() {
        let head = match records.next_run() {
            Next::End => break,
            Next::Bad(outcome) => {
                about_stream(exit, outcome);
                continue;
            }
            Next::Run(head) => head,
        };
        let unplaced = !exit.is_partial() && head.position != 0;
        let mut input = exit.input_judged(&head.source, target.profile);
        let span = records.check_run(&head, settings, pace, &mut |mut outcome| {
            if unplaced {
                for finding in &mut outcome.findings {
                    finding.entry = None;
                    finding.position = None;
                }
            }
            input.deliver(outcome)
        });
        input.spanned(span);
        input.end();
        if unplaced {
            exit.note(
                "framed lines were read that do not start their source: their findings name no line (write partial results with --partial and join them with dtlint merge, which numbers every line)".to_owned(),
            );
        }
    }
}

/// Checks the bytes of a single-response input, collected as an input.
pub fn check_bytes(bytes: &[u8], settings: &Settings, limits: &Limits) -> Checked {
    Checked::collect(|deliver| {
        deliver(body_outcome(bytes, settings, limits));
    })
}

/// Checks an NDJSON stream, collected whole; `entry` of each finding is the 0-based line index.
pub fn check_ndjson<R: BufRead + Send>(reader: R, settings: &Settings, limit: u64) -> Checked {
    Checked::collect(|deliver| ndjson_outcomes(reader, settings, limit, Pace::Batched, deliver))
}

/// Checks an application log, collected whole: each line holding a user/get body after any
/// prefix; `entry` is the 0-based line index and columns point into the line.
pub fn check_log<R: BufRead + Send>(reader: R, settings: &Settings, limit: u64) -> Checked {
    Checked::collect(|deliver| log_outcomes(reader, settings, limit, Pace::Batched, deliver))
}

/// Checks a VCR cassette held whole (YAML or JSON), collected whole; `limit` is `--max-size`.
pub fn check_vcr(bytes: &[u8], settings: &Settings, limit: u64) -> Checked {
    Checked::collect(|deliver| {
        for outcome in crate::input::vcr_outcomes(bytes, settings, &Limits::new(limit)) {
            if !deliver(outcome) {
                break;
            }
        }
    })
}

/// Checks a HAR stream, collected whole.
pub fn check_har<R: BufRead + Send>(reader: R, settings: &Settings, limit: u64) -> Checked {
    Checked::collect(|deliver| har_outcomes(reader, settings, limit, Pace::Batched, deliver))
}

/// Checks a HAR zip archive held in memory (Playwright's `record_har_path="capture.zip"`),
/// collected whole: its `.har` member entry by entry, the bodies its entries name in `_file`
/// read from the archive's members. Findings in a member carry `!/member` as their source until
/// they pass a run's exit, which names them `<input>!/member`.
pub fn check_zip(bytes: &[u8], settings: &Settings, limit: u64) -> Checked {
    let stored = crate::input::archive::Stored::Bytes(bytes.into());
    let budget = crate::input::archive::budget(limit);
    Checked::collect(|deliver| {
        crate::input::archive::zip_outcomes(
            &stored,
            settings,
            limit,
            budget,
            Pace::Batched,
            deliver,
        );
    })
}

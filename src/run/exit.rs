//! The one exit of a run. Every finding of every input passes here once, in report order:
//! selection and severity, the input's name, the profile's suppressions, the baseline, the
//! counts the summary and exit code come from, then each reporter. Findings about dtlint's
//! own configuration (unused suppressions, stale baseline entries) leave through here too,
//! at the end. Each input is judged by its profile ([`Judge`]): a run over a tree of folders
//! with a `dtlint.toml` of their own has several.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::engine::outcome::Outcome;
use crate::engine::outcome::{Span, Tally};
use crate::finding::Finding;
use crate::report::{InputEnd, Reporter, RunEnd, Skipped, Summary};
use crate::rules::selection::Selection;
use crate::run::baseline::{Baseline, Hider, Recorder};
use crate::run::suppress::Suppress;
use crate::run::suppress::Suppressions;

/// Inputs named in a summary note before "and N more".
const NAMED: usize = 5;

/// What the run does with a baseline.
#[derive(Debug, Default)]
pub enum BaselineUse {
    /// No baseline.
    #[default]
    None,
    /// Hide the findings a baseline records; its unmatched entries are reported as stale
    /// under `path`: those of inputs the run read, and those of inputs within the run's scope
    /// (given to the hider) that it did not read.
    Hide {
        /// The loaded baseline.
        hider: Hider,
        /// The baseline's path as reports show it.
        path: String,
    },
    /// Record every finding for a new baseline and report none of them.
    Record(Recorder),
}

/// How a run ended, as the process exit code says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// No finding at error severity.
    Clean = 0,
    /// At least one finding at error severity (or warning, with `--deny warnings`).
    Findings = 1,
    /// A usage error, or an input that could not be read at all.
    Error = 2,
    /// Stopped by Ctrl-C (SIGINT) or SIGTERM after reporting what was read, as shells count
    /// a run ended by SIGINT.
    Interrupted = 130,
}

/// How a run ended.
#[derive(Debug)]
pub struct Ended {
    /// The counts of the summary line.
    pub summary: Summary,
    /// An input could not be read at all.
    pub unreadable: bool,
    /// The run was interrupted before it read every input.
    pub interrupted: bool,
    /// With [`BaselineUse::Record`]: the findings recorded.
    pub recorded: Option<Baseline>,
    /// The run's notes, as the reporters were given them: what it could not do.
    pub notes: Vec<String>,
    /// With [`Exit::listing_passed_over`]: inputs that turned out, once read, to hold no capture.
    pub no_captures: Vec<String>,
    /// A warning was reported of an input whose profile makes warnings fail the run
    /// ([`Judge::deny_warnings`]).
    pub warnings_denied: bool,
}

impl Ended {
    /// The exit status of the run: findings at error severity fail it, and warnings too
    /// when `deny_warnings`; an unreadable input or an interruption outranks findings.
    pub fn status(&self, deny_warnings: bool) -> ExitStatus {
        let s = &self.summary;
        if self.interrupted {
            ExitStatus::Interrupted
        } else if self.unreadable {
            ExitStatus::Error
        } else if s.errors > 0 || (deny_warnings && s.warnings > 0) || self.warnings_denied {
            ExitStatus::Findings
        } else {
            ExitStatus::Clean
        }
    }
}

/// What judges the findings of an input at the exit: its profile's rule selection and
/// severities, its `[[ignore]]` suppressions, the profile's name as reports show it, and
/// whether its warnings fail the run.
#[derive(Debug, Clone, Copy)]
pub struct Judge<'r> {
    /// Which rules are reported, at which severity.
    pub selection: &'r Selection,
    /// The profile's suppressions.
    pub suppressions: &'r [Suppress],
    /// The profile file, as reports name it (each finding carries it); `None` for none.
    pub profile: Option<&'r str>,
    /// Warnings of the inputs it judges fail the run (the profile's `deny-warnings`).
    pub deny_warnings: bool,
}

/// A judge at work: which of its suppressions hid something, how many inputs it judged.
struct Judging<'r> {
    selection: &'r Selection,
    suppressions: Suppressions<'r>,
    profile: Option<Arc<str>>,
    deny_warnings: bool,
    inputs: u64,
}

/// The one exit of a run's findings; see the module's documentation.
pub struct Exit<'r> {
    /// The profiles inputs are judged by; the first is the run's own, which also judges the
    /// findings about the configuration.
    judges: Vec<Judging<'r>>,
    /// A warning of a profile with `deny_warnings` was reported.
    warnings_denied: bool,
    baseline: BaselineUse,
    reporters: Vec<&'r mut dyn Reporter>,
    keep_entries: bool,
    interrupt: Option<&'r AtomicBool>,
    summary: Summary,
    unreadable: bool,
    decompressed: bool,
    /// Inputs whose bodies were `result` objects alone (the first few), and how many in all.
    result_only: (Vec<String>, u64),
    /// Remarks of the readers, said once each at the end.
    notes: Vec<String>,
    /// The run writes a partial result: suppressions and the baseline are left to the merge.
    partial: bool,
    /// Inputs within the run's scope may have gone unread for another reason than being gone
    /// (a merge missing a shard's result): the baseline's entries of inputs not read are not
    /// judged.
    incomplete: bool,
    /// Suppressions that hid nothing are not reported: the run is one of many (a body checked
    /// alone by a library or Python caller).
    unjudged: bool,
    /// With [`Exit::listing_passed_over`]: inputs that turned out to hold no capture.
    no_captures: Option<Vec<String>>,
    failure: Option<io::Error>,
}

/// Privacy at the exit: whatever a rule quoted from the input into a message, its help or its
/// pointer (a member named `13912345678` or `access_token=...`) leaves masked, in every format,
/// suppression and baseline alike. Excerpts were cut from redacted text already.
fn shown_safely(finding: &mut Finding) {
    crate::privacy::mask::message(&mut finding.message);
    if let Some(std::borrow::Cow::Owned(help)) = &mut finding.help {
        crate::privacy::mask::message(help);
    }
    if let Some(masked) = crate::privacy::name::pointer(&finding.pointer) {
        finding.pointer = masked.into();
    }
}

impl<'r> Exit<'r> {
    /// An exit applying `selection` and `suppressions` to every input, reporting to
    /// `reporters`.
    pub fn new(
        selection: &'r Selection,
        suppressions: &'r [Suppress],
        reporters: Vec<&'r mut dyn Reporter>,
    ) -> Self {
        let judge = Judge {
            selection,
            suppressions,
            profile: None,
            deny_warnings: false,
        };
        Self::judged(vec![judge], reporters)
    }

    /// An exit judging each input by one of `judges` ([`Exit::input_judged`]), the first the
    /// run's own (it judges inputs named with no other, and the findings about the
    /// configuration), reporting to `reporters`. With no judge, the default selection judges.
    pub fn judged(judges: Vec<Judge<'r>>, reporters: Vec<&'r mut dyn Reporter>) -> Self {
        let keep_entries = reporters.iter().any(|r| r.wants_entries());
        let mut judges: Vec<Judging<'r>> = judges
            .into_iter()
            .map(|judge| Judging {
                selection: judge.selection,
                suppressions: Suppressions::new(judge.suppressions),
                profile: judge.profile.map(Arc::from),
                deny_warnings: judge.deny_warnings,
                inputs: 0,
            })
            .collect();
        if judges.is_empty() {
            static DEFAULT: std::sync::LazyLock<Selection> =
                std::sync::LazyLock::new(Selection::default);
            judges.push(Judging {
                selection: &DEFAULT,
                suppressions: Suppressions::new(&[]),
                profile: None,
                deny_warnings: false,
                inputs: 0,
            });
        }
        Self {
            judges,
            warnings_denied: false,
            baseline: BaselineUse::None,
            reporters,
            keep_entries,
            interrupt: None,
            summary: Summary::default(),
            unreadable: false,
            decompressed: false,
            result_only: (Vec::new(), 0),
            notes: Vec::new(),
            partial: false,
            incomplete: false,
            unjudged: false,
            no_captures: None,
            failure: None,
        }
    }

    /// Marks the run as a shard of a larger one whose partial results `dtlint merge` joins:
    /// the merge applies suppressions and the baseline, once, over the whole.
    #[must_use]
    pub fn partial(mut self) -> Self {
        self.partial = true;
        self
    }

    /// Applies suppressions without reporting those that hid nothing (DT902): for a run that
    /// is one of many, whose caller judges the profile over them all, or not at all.
    #[must_use]
    pub fn unjudged(mut self) -> Self {
        self.unjudged = true;
        self
    }

    /// Marks the run as not having read every input within its scope for a reason other
    /// than the input being gone (a merge missing a shard's result): the baseline's entries of
    /// inputs not read are left unjudged, as an interrupted run leaves them.
    pub fn incomplete(&mut self) {
        self.incomplete = true;
    }

    /// Whether a reporter lists the entries that were responses (JUnit's cases).
    pub fn keeps_entries(&self) -> bool {
        self.keep_entries
    }

    /// Whether the run is a shard whose partial results are merged later.
    pub fn is_partial(&self) -> bool {
        self.partial
    }

    /// A remark for the end of the run, said once however often it is made.
    pub fn note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    /// Keeps the name of each input that turned out to hold no capture, for `--verbose` (kept
    /// only when asked: a run's memory does not grow with its inputs).
    #[must_use]
    pub fn listing_passed_over(mut self) -> Self {
        self.no_captures = Some(Vec::new());
        self
    }

    /// Applies or records a baseline.
    #[must_use]
    pub fn with_baseline(mut self, baseline: BaselineUse) -> Self {
        self.baseline = baseline;
        self
    }

    /// Stops reading when `flag` is set (Ctrl-C): what was read is still reported, in whole
    /// lines and whole documents.
    #[must_use]
    pub fn with_interrupt(mut self, flag: &'r AtomicBool) -> Self {
        self.interrupt = Some(flag);
        self
    }

    /// Whether readers should go on: no output has failed and no one interrupted the run.
    pub fn going(&self) -> bool {
        self.failure.is_none() && !self.interrupted()
    }

    fn interrupted(&self) -> bool {
        self.interrupt.is_some_and(|f| f.load(Ordering::Relaxed))
    }

    /// Counts paths met in folders and passed over, by reason.
    pub fn skipped(&mut self, skipped: &Skipped) {
        self.summary.skipped += skipped.total();
        self.summary.skipped_by_reason.merge(skipped);
    }

    /// Starts an input named `source`, judged by the run's own profile; its outcomes go
    /// through the returned handle.
    pub fn input<'e>(&'e mut self, source: &'e str) -> InputExit<'e, 'r> {
        self.input_judged(source, 0)
    }

    /// Starts an input named `source`, judged by the `judge`th of the exit's judges (the
    /// run's own, should there be fewer).
    pub fn input_judged<'e>(&'e mut self, source: &'e str, judge: usize) -> InputExit<'e, 'r> {
        let judge = if judge < self.judges.len() { judge } else { 0 };
        InputExit {
            exit: self,
            source,
            judge,
            tally: Tally::default(),
            span: None,
        }
    }

    fn pass(&mut self, mut finding: Finding, source: &str, config: bool, judge: usize) {
        if !crate::engine::finish::selected(&mut finding, self.judges[judge].selection) {
            return;
        }
        let passed = finding.shown;
        if !finding.shown {
            shown_safely(&mut finding);
            finding.shown = true;
            // A finding read back from a shard's result names its profile already.
            if !config {
                finding.profile.clone_from(&self.judges[judge].profile);
            }
        }
        if config {
            // A finding about the configuration names its file (a profile, a baseline) whole.
            source.clone_into(&mut finding.source);
        } else if !passed || finding.source.is_empty() {
            // A finding read back from a shard's result names where it is already.
            finding.source = crate::finding::held_in(source, &finding.source);
        }
        if let Some(excerpt) = &mut finding.excerpt {
            finding.source.clone_into(&mut excerpt.name);
        }
        if !config && !self.partial {
            if self.judges[judge].suppressions.hides(&finding) {
                return;
            }
            match &mut self.baseline {
                BaselineUse::None => {}
                BaselineUse::Hide { hider, .. } => {
                    if hider.hides(&finding) {
                        self.summary.baselined += 1;
                        return;
                    }
                }
                BaselineUse::Record(recorder) => {
                    if recorder.record(&finding) {
                        return;
                    }
                }
            }
        }
        if self.judges[judge].deny_warnings && finding.severity == crate::finding::Severity::Warning
        {
            self.warnings_denied = true;
        }
        self.summary.count(finding.severity);
        self.each_reporter(|r| r.finding(&finding));
    }

    fn each_reporter(&mut self, mut call: impl FnMut(&mut dyn Reporter) -> io::Result<()>) {
        if self.failure.is_some() {
            return;
        }
        for reporter in &mut self.reporters {
            if let Err(error) = call(&mut **reporter) {
                self.failure = Some(error);
                return;
            }
        }
    }

    /// Findings about dtlint's configuration, as one input named `source`, selected by the
    /// `judge`th profile.
    fn config(&mut self, source: &str, findings: Vec<Finding>, judge: usize) {
        if findings.is_empty() {
            return;
        }
        for finding in findings {
            self.pass(finding, source, true, judge);
        }
        let tally = Tally::default();
        self.each_reporter(|r| {
            r.input_done(&InputEnd {
                source,
                tally: &tally,
                config: true,
                span: None,
                profile: None,
            })
        });
    }

    /// Ends the run: unused suppressions and stale baseline entries, then the reporters' end.
    ///
    /// # Errors
    /// The first failure of a reporter's output.
    pub fn finish(mut self, notes: &[String]) -> io::Result<Ended> {
        // A shard leaves suppressions to the merge, which judges them over the whole. Each
        // profile is judged over the inputs it judged; one found in a folder that judged no
        // input is not judged at all, the run's own always.
        for judge in 0..self.judges.len() {
            let judging = &self.judges[judge];
            if self.partial || self.unjudged || (judge > 0 && judging.inputs == 0) {
                continue;
            }
            if let Some(profile) = judging.suppressions.profile().map(str::to_owned) {
                let unused = judging.suppressions.unused();
                self.config(&profile, unused, judge);
            }
        }
        let mut recorded = None;
        match std::mem::take(&mut self.baseline) {
            BaselineUse::None => {}
            BaselineUse::Hide { hider, path } => {
                // An interrupted or incomplete run did not read every input within its scope:
                // only the entries of inputs it read are judged.
                let complete = !self.interrupted() && !self.incomplete;
                self.config(&path, hider.stale(&path, complete), 0);
            }
            BaselineUse::Record(recorder) => recorded = Some(recorder.finish()),
        }
        let mut notes = notes.to_vec();
        notes.extend(std::mem::take(&mut self.notes));
        let given = notes.len();
        let (named, count) = &self.result_only;
        if *count > 0 {
            let more = match *count - named.len() as u64 {
                0 => String::new(),
                more => format!(" and {more} more"),
            };
            notes.push(format!(
                "bodies with no envelope were checked as `result` objects (--body-shape): {}{more}",
                named.join(", ")
            ));
        }
        if self.decompressed {
            notes.push(
                "compressed inputs were decompressed as they were read: their lines and columns are those of the decompressed text".to_owned(),
            );
        }
        let end = RunEnd {
            summary: self.summary,
            notes: &notes,
            given: &notes[..given],
        };
        self.each_reporter(|r| r.finish(&end));
        if let Some(error) = self.failure {
            return Err(error);
        }
        Ok(Ended {
            summary: self.summary,
            unreadable: self.unreadable,
            interrupted: self.interrupted(),
            recorded,
            notes,
            no_captures: self.no_captures.take().unwrap_or_default(),
            warnings_denied: self.warnings_denied,
        })
    }
}

/// One input on its way through the exit.
pub struct InputExit<'e, 'r> {
    exit: &'e mut Exit<'r>,
    source: &'e str,
    /// The index of the judge of its findings.
    judge: usize,
    tally: Tally,
    span: Option<Span>,
}

impl InputExit<'_, '_> {
    /// Counts an outcome and passes its findings on; `false` when the run should stop.
    pub fn deliver(&mut self, outcome: Outcome) -> bool {
        if !self.exit.going() {
            return false;
        }
        self.tally.add(&outcome, self.exit.keep_entries);
        self.exit.each_reporter(|r| {
            r.item(&outcome);
            Ok(())
        });
        for finding in outcome.findings {
            self.exit.pass(finding, self.source, false, self.judge);
        }
        self.exit.going()
    }

    /// The input was a run of framed lines standing at `span` in its source.
    pub fn spanned(&mut self, span: Span) {
        self.span = Some(span);
    }

    /// Adds the counts of a shard's input, as its partial result gave them (`dtlint merge`).
    pub fn count(&mut self, tally: &Tally) {
        self.tally.merge(tally);
    }

    /// The input is read to its end.
    pub fn end(self) {
        let exit = self.exit;
        if self.tally.not_a_capture {
            // Known only once read: counted with the paths the walk passed over.
            exit.summary.skipped += 1;
            exit.summary
                .skipped_by_reason
                .add(crate::report::SkipReason::NotACapture);
            if let Some(listed) = &mut exit.no_captures {
                listed.push(self.source.to_owned());
            }
            return;
        }
        exit.summary.inputs += 1;
        exit.judges[self.judge].inputs += 1;
        exit.summary.responses += self.tally.responses;
        exit.summary.skipped_entries += self.tally.skipped_entries;
        exit.summary.unanswered += self.tally.unanswered;
        exit.unreadable |= self.tally.unreadable;
        exit.decompressed |= self.tally.decompressed;
        if self.tally.result_only > 0 {
            let (named, count) = &mut exit.result_only;
            if named.len() < NAMED {
                named.push(self.source.to_owned());
            }
            *count += 1;
        }
        if let BaselineUse::Hide { hider, .. } = &mut exit.baseline {
            hider.checked(self.source);
        }
        let (source, tally, span) = (self.source, &self.tally, self.span.as_ref());
        let profile = exit.judges[self.judge].profile.clone();
        exit.each_reporter(|r| {
            r.input_done(&InputEnd {
                source,
                tally,
                config: false,
                span,
                profile: profile.as_deref(),
            })
        });
    }
}

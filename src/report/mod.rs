//! The results of one run and the reporters that print them, one per output format.

pub mod audit;
mod catalogue;
mod fields;
mod github;
#[cfg(feature = "cli")]
mod human;
mod json;
mod junit;
mod markdown;
mod ndjson;
pub mod partial;
mod sarif;
mod statistics;
mod stream_json;

use std::io::{self, Write};

use serde::Serialize;

pub use audit::render::{
    write_html as write_audit_html, write_json as write_audit_json,
    write_markdown as write_audit_markdown,
};
pub use catalogue::{rules_markdown, write_explanation, write_rules};
pub use fields::{matrix_markdown, write as write_fields};
pub use json::finding_json;

use crate::engine::outcome::Tally;
use crate::finding::{Finding, Severity};

/// Hears a run as it goes: each finding in report order as soon as it is final, the end of
/// each input, then the end of the run. A reporter that can write as it hears does; one that
/// aggregates keeps counts and bounded examples; JUnit alone keeps its findings to the end.
pub trait Reporter {
    /// One finding, final (selected, named, not suppressed, not in the baseline).
    ///
    /// # Errors
    /// When the output fails; the run then stops.
    fn finding(&mut self, finding: &Finding) -> io::Result<()>;

    /// An item (a response, a HAR entry) is about to pass its findings on: a reporter that
    /// groups findings by where they came from (the audit, by app) learns it here.
    fn item(&mut self, _outcome: &crate::engine::outcome::Outcome) {}

    /// An input was read to its end (after all its findings).
    ///
    /// # Errors
    /// When the output fails.
    fn input_done(&mut self, _input: &InputEnd<'_>) -> io::Result<()> {
        Ok(())
    }

    /// The run is over: write what is left.
    ///
    /// # Errors
    /// When the output fails.
    fn finish(&mut self, end: &RunEnd<'_>) -> io::Result<()>;

    /// Whether [`InputEnd::tally`] must list the entries that were responses (JUnit's cases).
    fn wants_entries(&self) -> bool {
        false
    }
}

/// One input, read to its end.
#[derive(Debug, Clone, Copy)]
pub struct InputEnd<'a> {
    /// The input's name as reports show it.
    pub source: &'a str,
    /// Its counts.
    pub tally: &'a Tally,
    /// Not an input: findings about dtlint's own configuration (baseline, suppressions).
    pub config: bool,
    /// For a run of framed lines: where it stands in its source.
    pub span: Option<&'a crate::engine::outcome::Span>,
    /// The profile file that judged it, as reports name it; `None` for none.
    pub profile: Option<&'a str>,
}

/// The end of a run.
#[derive(Debug, Clone, Copy)]
pub struct RunEnd<'a> {
    /// The counts of the summary line.
    pub summary: Summary,
    /// Run-level remarks, such as rules that could not run.
    pub notes: &'a [String],
    /// Of those, the remarks of the command and the readers, not those the exit makes of the
    /// counts (which a merge of partial results makes again of the merged counts).
    pub given: &'a [String],
}

/// A run kept whole: every input with its findings. JUnit writes from it, and a library user
/// can collect one to look at; `dtlint check` otherwise never holds a run.
#[derive(Debug, Default)]
pub struct Run {
    /// Every input, in order, then findings about the configuration.
    pub inputs: Vec<RunInput>,
    /// Findings heard since the last input ended.
    pending: Vec<Finding>,
    /// The run's counts and notes, once it ended.
    pub summary: Summary,
    /// Run-level remarks, such as rules that could not run.
    pub notes: Vec<String>,
}

/// One input of a [`Run`].
#[derive(Debug, Default)]
pub struct RunInput {
    /// The input's name as reports show it.
    pub source: String,
    /// Its findings, in report order.
    pub findings: Vec<Finding>,
    /// Its counts.
    pub tally: Tally,
    /// Not an input: findings about dtlint's own configuration.
    pub config: bool,
}

impl Run {
    /// Every finding of the run, in report order.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.inputs.iter().flat_map(|i| i.findings.iter())
    }
}

impl Reporter for Run {
    fn finding(&mut self, finding: &Finding) -> io::Result<()> {
        self.pending.push(finding.clone());
        Ok(())
    }

    fn input_done(&mut self, input: &InputEnd<'_>) -> io::Result<()> {
        self.inputs.push(RunInput {
            source: input.source.to_owned(),
            findings: std::mem::take(&mut self.pending),
            tally: input.tally.clone(),
            config: input.config,
        });
        Ok(())
    }

    fn finish(&mut self, end: &RunEnd<'_>) -> io::Result<()> {
        self.summary = end.summary;
        self.notes = end.notes.to_vec();
        Ok(())
    }

    fn wants_entries(&self) -> bool {
        true
    }
}

/// Counts for the summary line and the JSON report.
#[derive(Debug, Clone, Copy, Default, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Summary {
    /// Inputs read (configuration findings not counted).
    pub inputs: u64,
    /// Responses checked.
    pub responses: u64,
    /// Paths met in folders and passed over, in all (the sum of `skipped_by_reason`).
    pub skipped: u64,
    /// The same paths counted by why they were passed over.
    pub skipped_by_reason: Skipped,
    /// HAR entries of other endpoints that were passed over.
    pub skipped_entries: u64,
    /// Findings at error severity.
    pub errors: u64,
    /// Findings at warning severity.
    pub warnings: u64,
    /// Findings at info severity.
    pub infos: u64,
    /// Calls of the API that never got an answer (DT010); left out of JSON when none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unanswered: u64,
    /// Findings the baseline hid (`--baseline`), not counted at their severity; left out of
    /// JSON when none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub baselined: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Summary {
    /// `, 2 calls unanswered` for a summary line, or nothing when every call was answered.
    pub fn unanswered_phrase(&self) -> String {
        match self.unanswered {
            0 => String::new(),
            n => format!(", {} unanswered", count(n, "call", "calls")),
        }
    }

    /// The summary line: `4 responses in 1 input, …: 1 error, 2 warnings, 0 infos`, and what the
    /// baseline hid.
    pub fn line(&self) -> String {
        format!(
            "{} in {}{}{}: {}, {}, {}",
            count(self.responses, "response", "responses"),
            count(self.inputs, "input", "inputs"),
            self.skipped_by_reason.phrase(),
            self.unanswered_phrase(),
            count(self.errors, "error", "errors"),
            count(self.warnings, "warning", "warnings"),
            count(self.infos, "info", "infos"),
        ) + &self.baselined_phrase()
    }

    /// `; 3 findings hidden by the baseline` to end a summary line, or nothing when the
    /// baseline hid none (or no baseline was given).
    pub fn baselined_phrase(&self) -> String {
        match self.baselined {
            0 => String::new(),
            n => format!(
                "; {} hidden by the baseline",
                count(n, "finding", "findings")
            ),
        }
    }

    /// Counts one finding at its severity.
    pub fn count(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }
}

/// Why a path met in a folder was passed over rather than read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipReason {
    /// A symbolic link, not followed (without `--follow`).
    Symlink,
    /// A FIFO, socket or device, which may never end or never start.
    SpecialFile,
    /// A hidden file or folder (without `--hidden`).
    Hidden,
    /// Matched by `--exclude`, not matched by `--glob`, or a build or dependency folder
    /// (`target`, `node_modules`).
    Excluded,
    /// A file whose extension names no format dtlint reads.
    NotACapture,
    /// With `--follow`: a link to one of its own ancestors, or a chain of links that never ends.
    SymlinkLoop,
    /// With `--follow`: a link to nothing.
    BrokenSymlink,
}

impl SkipReason {
    /// Every reason, in the order reports list them when their counts tie.
    pub const ALL: [Self; 7] = [
        Self::Symlink,
        Self::SpecialFile,
        Self::Hidden,
        Self::Excluded,
        Self::NotACapture,
        Self::SymlinkLoop,
        Self::BrokenSymlink,
    ];

    /// The reason in words, as the summary line and `--verbose` say it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Symlink => "symlink",
            Self::SpecialFile => "special file",
            Self::Hidden => "hidden",
            Self::Excluded => "excluded",
            Self::NotACapture => "not a capture",
            Self::SymlinkLoop => "symlink loop",
            Self::BrokenSymlink => "broken symlink",
        }
    }
}

/// Paths passed over, counted by reason; a fixed set of members, so the JSON report's object
/// always has the same keys in the same order.
#[derive(Debug, Clone, Copy, Default, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Skipped {
    /// [`SkipReason::Symlink`].
    pub symlink: u64,
    /// [`SkipReason::SpecialFile`].
    pub special_file: u64,
    /// [`SkipReason::Hidden`].
    pub hidden: u64,
    /// [`SkipReason::Excluded`].
    pub excluded: u64,
    /// [`SkipReason::NotACapture`].
    pub not_a_capture: u64,
    /// [`SkipReason::SymlinkLoop`].
    pub symlink_loop: u64,
    /// [`SkipReason::BrokenSymlink`].
    pub broken_symlink: u64,
}

impl Skipped {
    fn slot(&mut self, reason: SkipReason) -> &mut u64 {
        match reason {
            SkipReason::Symlink => &mut self.symlink,
            SkipReason::SpecialFile => &mut self.special_file,
            SkipReason::Hidden => &mut self.hidden,
            SkipReason::Excluded => &mut self.excluded,
            SkipReason::NotACapture => &mut self.not_a_capture,
            SkipReason::SymlinkLoop => &mut self.symlink_loop,
            SkipReason::BrokenSymlink => &mut self.broken_symlink,
        }
    }

    /// Counts one path passed over for `reason`.
    pub fn add(&mut self, reason: SkipReason) {
        *self.slot(reason) += 1;
    }

    /// Adds `other`'s counts to these.
    pub fn merge(&mut self, other: &Self) {
        for reason in SkipReason::ALL {
            *self.slot(reason) += other.get(reason);
        }
    }

    /// How many paths were passed over for `reason`.
    pub fn get(&self, reason: SkipReason) -> u64 {
        match reason {
            SkipReason::Symlink => self.symlink,
            SkipReason::SpecialFile => self.special_file,
            SkipReason::Hidden => self.hidden,
            SkipReason::Excluded => self.excluded,
            SkipReason::NotACapture => self.not_a_capture,
            SkipReason::SymlinkLoop => self.symlink_loop,
            SkipReason::BrokenSymlink => self.broken_symlink,
        }
    }

    /// How many paths were passed over in all.
    pub fn total(&self) -> u64 {
        SkipReason::ALL.iter().map(|r| self.get(*r)).sum()
    }

    /// The reasons with a count, most first; ties in the order of [`SkipReason::ALL`].
    pub fn by_count(&self) -> Vec<(SkipReason, u64)> {
        let mut counts: Vec<_> = SkipReason::ALL
            .iter()
            .map(|r| (*r, self.get(*r)))
            .filter(|(_, n)| *n > 0)
            .collect();
        // A stable sort keeps ties in the order of `ALL`.
        counts.sort_by_key(|c| std::cmp::Reverse(c.1));
        counts
    }

    /// `, 5 paths skipped (3 not a capture, 1 symlink, 1 hidden)` for a summary line, or
    /// nothing when no path was passed over.
    pub fn phrase(&self) -> String {
        let total = self.total();
        if total == 0 {
            return String::new();
        }
        let reasons: Vec<String> = self
            .by_count()
            .iter()
            .map(|(reason, n)| format!("{n} {}", reason.as_str()))
            .collect();
        format!(
            ", {total} {} skipped ({})",
            plural(total, "path", "paths"),
            reasons.join(", ")
        )
    }
}

/// `n` and its noun, `one` or `many` as `n` asks: `1 file`, `2 files`.
pub fn count(n: u64, one: &'static str, many: &'static str) -> String {
    format!("{n} {}", plural(n, one, many))
}

/// `one` or `many`, as `n` asks: the one place summaries choose a noun's number.
pub(crate) fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// Lists each path passed over with its reason, one a line (`--verbose`, on standard error).
///
/// # Errors
/// When the writer fails.
pub fn write_skipped(passed_over: &[(String, SkipReason)], out: &mut dyn Write) -> io::Result<()> {
    for (path, reason) in passed_over {
        writeln!(out, "dtlint: skipped {path} ({})", reason.as_str())?;
    }
    Ok(())
}

/// The output formats of `dtlint check`. `Human` is drawn by miette, so it comes with the
/// feature `cli`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    /// Diagnostics with source snippets, for people.
    #[cfg(feature = "cli")]
    Human,
    /// One JSON document with findings and a summary.
    Json,
    /// One JSON finding per line.
    Ndjson,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
    /// JUnit XML: a suite per input, a case per response (kept until the end of the run).
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// A markdown summary (for $GITHUB_STEP_SUMMARY).
    Markdown,
}

/// How `dtlint rules` and `dtlint fields` lay out the registry and the field matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// Aligned columns, for a terminal.
    Table,
    /// A markdown table, as docs/rules.md and docs/fields.md carry it.
    Markdown,
    /// JSON, for tools.
    Json,
}

/// Options that change how findings are shown, not what is found.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// Colour the human format.
    pub color: bool,
    /// Width for wrapping human output; `None` lets miette ask the terminal.
    pub width: Option<usize>,
    /// Findings grouped by rule and pointer with counts (human and json formats).
    pub statistics: bool,
    /// Human format: one line per finding (`path:line:col: CODE message`), no snippets.
    pub concise: bool,
}

/// Says what `dtlint baseline` recorded.
///
/// # Errors
/// When the writer fails.
pub fn write_baseline_note(
    count: usize,
    path: &std::path::Path,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "recorded {count} findings in {}", path.display())
}

/// The reporter of a format, writing to `out` as the run goes.
pub fn reporter<'a>(
    format: Format,
    style: Style,
    out: &'a mut dyn Write,
) -> Box<dyn Reporter + 'a> {
    match format {
        #[cfg(feature = "cli")]
        Format::Human if style.statistics => Box::new(statistics::Statistics::new(false, out)),
        #[cfg(feature = "cli")]
        Format::Human => Box::new(human::Human::new(style, out)),
        Format::Json if style.statistics => Box::new(statistics::Statistics::new(true, out)),
        Format::Json => Box::new(json::Json::new(out)),
        Format::Ndjson => Box::new(ndjson::Ndjson::new(out)),
        Format::Sarif => Box::new(sarif::Sarif::new(out)),
        Format::Junit => Box::new(junit::Junit::new(out)),
        Format::Github => Box::new(github::Github::new(out)),
        Format::Markdown => Box::new(markdown::Markdown::new(out)),
    }
}

#[cfg(test)]
mod tests {
    use super::{SkipReason, Skipped};

    #[test]
    fn the_skipped_phrase_lists_reasons_most_first_ties_in_a_fixed_order() {
        let mut skipped = Skipped::default();
        assert_eq!(skipped.phrase(), "");
        for reason in [
            SkipReason::Hidden,
            SkipReason::NotACapture,
            SkipReason::Symlink,
            SkipReason::NotACapture,
            SkipReason::NotACapture,
        ] {
            skipped.add(reason);
        }
        assert_eq!(
            skipped.phrase(),
            ", 5 paths skipped (3 not a capture, 1 symlink, 1 hidden)"
        );
        let mut one = Skipped::default();
        one.add(SkipReason::BrokenSymlink);
        assert_eq!(one.phrase(), ", 1 path skipped (1 broken symlink)");
        skipped.merge(&one);
        assert_eq!(skipped.total(), 6);
        assert_eq!(skipped.get(SkipReason::BrokenSymlink), 1);
    }
}

//! The results of one run and the reporters that print them, one per output format.

mod audit;
mod catalogue;
mod fields;
mod github;
#[cfg(feature = "cli")]
mod human;
mod json;
mod junit;
mod markdown;
mod ndjson;
mod sarif;
mod statistics;

use std::io::{self, Write};

use serde::Serialize;

pub use audit::{
    write_html as write_audit_html, write_json as write_audit_json,
    write_markdown as write_audit_markdown,
};
pub use catalogue::{rules_markdown, write_explanation, write_rules};
pub use fields::{matrix_markdown, write as write_fields};
pub use json::finding_json;

use crate::finding::{Finding, Severity};
use crate::input::Checked;

/// Everything one `dtlint check` found.
#[derive(Debug, Default)]
pub struct Run {
    /// Every input, checked and finished, in order; then findings about the configuration.
    pub inputs: Vec<Checked>,
    /// Files met in folders that were not read.
    pub skipped: u64,
    /// Run-level remarks, such as rules that could not run.
    pub notes: Vec<String>,
}

/// Counts for the summary line and the JSON report.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Inputs read (configuration findings not counted).
    pub inputs: u64,
    /// Responses checked.
    pub responses: u64,
    /// Files met in folders that were not read.
    pub skipped: u64,
    /// HAR entries of other endpoints that were passed over.
    pub skipped_entries: u64,
    /// Findings at error severity.
    pub errors: u64,
    /// Findings at warning severity.
    pub warnings: u64,
    /// Findings at info severity.
    pub infos: u64,
}

impl Run {
    /// Every finding of the run, in report order.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.inputs.iter().flat_map(|i| i.findings.iter())
    }

    /// The counts of the summary line.
    pub fn summary(&self) -> Summary {
        let mut summary = Summary {
            inputs: self.inputs.iter().filter(|i| !i.config).count() as u64,
            responses: self.inputs.iter().map(|i| i.responses).sum(),
            skipped: self.skipped,
            skipped_entries: self.inputs.iter().map(|i| i.skipped_entries).sum(),
            ..Summary::default()
        };
        for finding in self.findings() {
            match finding.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
        }
        summary
    }

    /// Lets `apply` remove findings from every input (a baseline, suppressions) and adds the
    /// findings it returns about dtlint's own configuration, under `source`, through the same
    /// exit as every other finding.
    pub fn apply_config(
        &mut self,
        source: &str,
        selection: &crate::selection::Selection,
        apply: impl FnOnce(&mut [Vec<Finding>]) -> Vec<Finding>,
    ) {
        let mut lists: Vec<Vec<Finding>> = self
            .inputs
            .iter_mut()
            .map(|i| std::mem::take(&mut i.findings))
            .collect();
        let config = apply(&mut lists);
        for (input, list) in self.inputs.iter_mut().zip(lists) {
            input.findings = list;
        }
        if !config.is_empty() {
            let config = Checked {
                findings: config,
                config: true,
                ..Checked::default()
            };
            self.inputs.push(config.finished(source, selection));
        }
    }

    /// Whether any input could not be read at all.
    pub fn had_unreadable(&self) -> bool {
        self.inputs.iter().any(|i| i.unreadable)
    }
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
    /// JUnit XML: a suite per input, a case per response.
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
    /// A markdown table, as the README carries it.
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

/// Says where `redact` wrote its copies (stdout) and what it removed and masked, counted by
/// kind (one line on stderr, so a pipe of stdout carries only paths).
///
/// # Errors
/// When a writer fails.
pub fn write_redaction(
    summary: &crate::privacy::copy::Summary,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<()> {
    for path in &summary.written {
        writeln!(out, "wrote {}", path.display())?;
    }
    writeln!(err, "dtlint: {summary}")
}

/// Writes a run in the chosen format.
///
/// # Errors
/// When the writer fails (a closed pipe is handled by the caller).
pub fn write(run: &Run, format: Format, style: Style, out: &mut dyn Write) -> io::Result<()> {
    match format {
        #[cfg(feature = "cli")]
        Format::Human if style.statistics => statistics::write(run, false, out),
        #[cfg(feature = "cli")]
        Format::Human => human::Human::new(style).write(run, out),
        Format::Json if style.statistics => statistics::write(run, true, out),
        Format::Json => json::write(run, out),
        Format::Ndjson => ndjson::write(run, out),
        Format::Sarif => sarif::write(run, out),
        Format::Junit => junit::write(run, out),
        Format::Github => github::write(run, out),
        Format::Markdown => markdown::write(run, out),
    }
}

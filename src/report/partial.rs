//! `--partial`: a shard's partial result, for `dtlint merge` to join with the others'. One
//! JSON record per line, each with a `type`:
//!
//! - `partial` (first): what the stream holds (`of`: `check` or `audit`) and its version;
//! - `finding`: a finding as the run found it, with its fingerprint and its byte offset, its
//!   entry, line and offset counted from the start of its input (for a run of framed lines, the
//!   run's start);
//! - `input`: an input read to its end, after its findings: its counts, and for a run of framed
//!   lines where it stands in its source;
//! - `summary` (last of a check): the run's counts, the remarks of its command and readers, and
//!   the paths it was asked to check (its scope, for the merge's baseline);
//! - `audit` (last of an audit): what the audit kept, every app and the first examples of each
//!   field with where they stand, for the merge to cap and render.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use super::{InputEnd, Reporter, RunEnd, Summary};
use crate::engine::outcome::{Span, Tally};
use crate::finding::Finding;

/// Version of the partial stream's shape; a merge refuses streams of another.
pub const PARTIAL_VERSION: u32 = 1;

/// What a partial stream holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Of {
    /// The findings of `dtlint check`.
    Check,
    /// The exposure audit of `dtlint audit`.
    Audit,
}

/// One record of a partial stream.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Record {
    /// The stream's first record.
    Partial {
        /// [`PARTIAL_VERSION`].
        version: u32,
        /// What it holds.
        of: Of,
        /// The rules the shard ran and the severities it gave them, for a merge given no
        /// selection of its own.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        selection: Option<ShardSelection>,
    },
    /// A finding.
    Finding(FindingRecord),
    /// An input read to its end.
    Input(InputRecord),
    /// The end of a check.
    Summary {
        /// The shard's counts.
        summary: Summary,
        /// The remarks of its command and readers.
        notes: Vec<String>,
        /// The paths the shard was asked to check and how it walked them, when it was given
        /// paths: a merge's baseline judges the entries of inputs within any shard's scope
        /// that no shard read.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scope: Option<crate::run::Scope>,
    },
    /// The end of an audit.
    Audit(Box<super::audit::partial::AuditRecord>),
}

/// The selection a shard ran with: enabled codes, severity overrides, and whether warnings
/// failed it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardSelection {
    /// The codes of the rules that ran.
    pub select: Vec<String>,
    /// Rules given another severity than their own, with it.
    pub severity: Vec<(String, crate::finding::Severity)>,
    /// Warnings failed the run.
    pub deny_warnings: bool,
}

impl ShardSelection {
    /// What a shard with `selection` records.
    pub fn of(selection: &crate::rules::selection::Selection, deny_warnings: bool) -> Self {
        Self {
            select: selection
                .enabled_codes()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            severity: selection
                .severity_overrides()
                .into_iter()
                .map(|(code, severity)| (code.to_owned(), severity))
                .collect(),
            deny_warnings,
        }
    }

    /// The selection back.
    ///
    /// # Errors
    /// A code this dtlint does not know.
    pub fn selection(&self) -> Result<crate::rules::selection::Selection, String> {
        if self.select.is_empty() {
            // A shard that ran no rule: nothing it found passes a selection that selects none.
            return crate::rules::selection::Selection::resolve(&[], &[], &["ALL".to_owned()], &[]);
        }
        crate::rules::selection::Selection::resolve(&self.select, &[], &[], &self.severity)
    }
}

/// A finding in a partial stream.
#[derive(Debug, Serialize, Deserialize)]
pub struct FindingRecord {
    /// The rule's code.
    pub rule: String,
    /// Its severity in the shard.
    pub severity: String,
    /// The input.
    pub source: String,
    /// The entry, counted from the input's (or run's) start.
    pub entry: Option<u64>,
    /// The pointer.
    pub pointer: String,
    /// Byte offset, 1-based line and column, lines and offset counted from the input's start.
    pub at: Option<(usize, usize, usize)>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The hash a baseline matches it by.
    pub fingerprint: Option<String>,
    /// The profile file that judged its input, as the shard named it; left out when none did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
}

/// An input's end in a partial stream.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct InputRecord {
    /// The input.
    pub source: String,
    /// For a run of framed lines: where it stands in its source.
    pub span: Option<Span>,
    /// Responses checked.
    pub responses: u64,
    /// HAR entries of other endpoints and log lines without a body, passed over.
    pub skipped_entries: u64,
    /// The input could not be read (further).
    pub unreadable: bool,
    /// It was decompressed.
    pub decompressed: bool,
    /// Responses that were `result` objects alone.
    pub result_only: u64,
    /// Calls that never got an answer.
    #[serde(default)]
    pub unanswered: u64,
    /// With an audit: responses that carried each documented member.
    pub present: BTreeMap<String, u64>,
    /// The entries that were responses, as ranges (first, last): JUnit lists a case for each.
    #[serde(default)]
    pub entries: Vec<(u64, u64)>,
}

impl InputRecord {
    /// The counts as a run's exit keeps them; with `entries`, the entries that were responses,
    /// counted from `base` (the lines of its source before its span).
    pub fn tally(&self, base: u64, entries: bool) -> Tally {
        let mut tally = Tally {
            response_entries: self
                .entries
                .iter()
                .filter(|_| entries)
                .flat_map(|(first, last)| *first + base..=*last + base)
                .collect(),
            responses: self.responses,
            skipped_entries: self.skipped_entries,
            unreadable: self.unreadable,
            decompressed: self.decompressed,
            result_only: self.result_only,
            unanswered: self.unanswered,
            ..Tally::default()
        };
        for (name, count) in &self.present {
            if let Some(field) = crate::api::fields::result_fields()
                .iter()
                .find(|f| f.name == *name)
            {
                *tally.present.entry(field.name.as_str()).or_default() += count;
            }
        }
        tally
    }
}

/// Writes a partial stream as the run goes.
pub struct Partial<'a> {
    out: &'a mut dyn Write,
    of: Of,
    selection: Option<ShardSelection>,
    scope: Option<crate::run::Scope>,
    started: bool,
    /// The line being written, then written whole.
    line: Vec<u8>,
}

impl<'a> Partial<'a> {
    /// A partial stream of `of` written to `out`.
    pub fn new(of: Of, out: &'a mut dyn Write) -> Self {
        Self {
            out,
            of,
            selection: None,
            scope: None,
            started: false,
            line: Vec::with_capacity(512),
        }
    }

    /// Writes one record, after the stream's first.
    ///
    /// # Errors
    /// When the output fails.
    pub fn write(&mut self, record: &Record) -> io::Result<()> {
        self.start()?;
        serde_json::to_writer(&mut *self.out, record)?;
        self.out.write_all(b"\n")
    }

    /// Writes the stream's first record, once.
    fn start(&mut self) -> io::Result<()> {
        if !self.started {
            self.started = true;
            let head = Record::Partial {
                version: PARTIAL_VERSION,
                of: self.of,
                selection: self.selection.clone(),
            };
            serde_json::to_writer(&mut *self.out, &head)?;
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }
}

impl Partial<'_> {
    /// Records the selection the shard runs with in the stream's first record.
    #[must_use]
    pub fn with_selection(mut self, selection: ShardSelection) -> Self {
        self.selection = Some(selection);
        self
    }

    /// Records what the shard was asked to check in the stream's summary record (nothing
    /// when it was given no path, only standard input).
    #[must_use]
    pub fn with_scope(mut self, scope: &crate::run::Scope) -> Self {
        self.scope = (!scope.is_empty()).then(|| scope.clone());
        self
    }

    /// Flushes the output.
    ///
    /// # Errors
    /// When the output fails.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl Reporter for Partial<'_> {
    fn finding(&mut self, finding: &Finding) -> io::Result<()> {
        if self.of == Of::Audit {
            // The audit's record says what it needs of its findings.
            return Ok(());
        }
        // Written as borrowed text and escaped by sonic-rs, as the NDJSON report is: a shard
        // writes many findings, and copying and escaping them was a sixth of its time.
        #[derive(Serialize)]
        struct Out<'f> {
            #[serde(rename = "type")]
            kind: &'static str,
            rule: &'f str,
            severity: &'f str,
            source: &'f str,
            entry: Option<u64>,
            pointer: &'f str,
            at: Option<(usize, usize, usize)>,
            message: &'f str,
            help: Option<&'f str>,
            fingerprint: Option<&'f str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            profile: Option<&'f str>,
        }
        self.start()?;
        self.line.clear();
        let out = Out {
            kind: "finding",
            rule: finding.rule.code,
            severity: finding.severity.as_str(),
            source: &finding.source,
            entry: finding.entry,
            pointer: finding.pointer.as_str(),
            at: finding.position.map(|p| (p.offset, p.line, p.column)),
            message: &finding.message,
            help: finding.help.as_deref(),
            fingerprint: finding.fingerprint.as_deref(),
            profile: finding.profile.as_deref(),
        };
        sonic_rs::to_writer(&mut self.line, &out).map_err(io::Error::other)?;
        self.line.push(b'\n');
        self.out.write_all(&self.line)
    }

    fn input_done(&mut self, input: &InputEnd<'_>) -> io::Result<()> {
        let tally = input.tally;
        let record = Record::Input(InputRecord {
            source: input.source.to_owned(),
            span: input.span.copied(),
            responses: tally.responses,
            skipped_entries: tally.skipped_entries,
            unreadable: tally.unreadable,
            decompressed: tally.decompressed,
            result_only: tally.result_only,
            unanswered: tally.unanswered,
            present: tally
                .present
                .iter()
                .map(|(name, count)| ((*name).to_owned(), *count))
                .collect(),
            entries: ranges(&tally.response_entries),
        });
        self.write(&record)
    }

    fn wants_entries(&self) -> bool {
        // A merge that writes JUnit lists a case per response.
        self.of == Of::Check
    }

    fn finish(&mut self, end: &RunEnd<'_>) -> io::Result<()> {
        if self.of == Of::Audit {
            // The audit's own record ends the stream.
            return Ok(());
        }
        let scope = self.scope.take();
        self.write(&Record::Summary {
            summary: end.summary,
            notes: end.given.to_vec(),
            scope,
        })
    }
}

/// Entries in order as ranges of consecutive ones.
fn ranges(entries: &[u64]) -> Vec<(u64, u64)> {
    let mut ranges: Vec<(u64, u64)> = Vec::new();
    for entry in entries {
        match ranges.last_mut() {
            Some((_, last)) if *last + 1 == *entry => *last = *entry,
            _ => ranges.push((*entry, *entry)),
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    #[test]
    fn entries_are_kept_as_ranges() {
        assert_eq!(super::ranges(&[0, 1, 2, 5, 7, 8]), [(0, 2), (5, 5), (7, 8)]);
        assert!(super::ranges(&[]).is_empty());
    }
}

//! `dtlint merge`: the partial results of shards (`--partial`) joined into what one run over
//! all their inputs would have reported.
//!
//! The partial streams are read twice. The first pass keeps, for every input a shard read to
//! its end, its counts, where its span stands in its source, and where its findings lie in the
//! stream (they come just before it); nothing grows with the findings. The inputs are then put
//! in the order a single run reads them, by source and by the position of their spans, and the
//! lines of each span are numbered from the lines of the spans before it. The second pass reads
//! each input's findings in that order and hands them, renumbered, to the run's one exit, which
//! applies suppressions and the baseline once over the whole and writes every format.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::engine::outcome::Outcome;
use crate::finding::{Finding, Severity};
use crate::json::{Location, Pointer};
use crate::report::audit::partial::{AuditRecord, Base};
use crate::report::partial::{
    FindingRecord, InputRecord, Of, Record, ShardSelection, PARTIAL_VERSION,
};
use crate::report::{Skipped, Summary};
use crate::run::exit::Exit;
use crate::run::Scope;

/// Findings handed to the exit at a time: a span's findings are read in slices, never whole.
const SLICE: usize = 1024;

/// One input of one shard: its counts, its span, and where its findings are in the stream.
#[derive(Debug)]
struct Piece {
    /// Index of the partial stream in [`Partials::files`].
    file: usize,
    /// Bytes of the stream holding its findings.
    findings: std::ops::Range<u64>,
    input: InputRecord,
}

impl Piece {
    fn position(&self) -> u64 {
        self.input.span.map_or(0, |s| s.position)
    }
}

/// Partial results read once: what they hold, in the order a single run reports it.
#[derive(Debug, Default)]
pub struct Partials {
    files: Vec<PathBuf>,
    /// What the streams hold, when they agree.
    of: Option<Of>,
    /// Every shard's inputs, by source, in the order of their spans.
    sources: BTreeMap<String, Vec<Piece>>,
    /// Lines and bytes before each span of a source, by (source, position).
    bases: BTreeMap<(String, u64), (u64, u64)>,
    /// The shards' counts of paths passed over.
    skipped: Skipped,
    /// The shards' remarks, each once, in the order first met.
    notes: Vec<String>,
    /// The shards' audits.
    audits: Vec<AuditRecord>,
    /// The selection the first shard recorded.
    selection: Option<ShardSelection>,
    /// What each shard was asked to check, for those given paths.
    scopes: Vec<Scope>,
    /// What could not be read or joined: a reason per stream, reported as its findings.
    problems: Vec<(String, Option<usize>, String)>,
}

/// Expands `paths` into the partial streams they name: files as given, and the files of
/// folders (Spark writes a folder of `part-*` files with `_SUCCESS` and `.crc` files beside
/// them, which are passed over), sorted.
///
/// # Errors
/// A path that does not exist or a folder that cannot be read.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
                let entry = entry.map_err(|e| format!("{}: {e}", path.display()))?;
                let name = entry.file_name().to_string_lossy();
                if entry.file_type().is_file()
                    && !name.starts_with(['_', '.'])
                    && !name.ends_with(".crc")
                {
                    found.push(entry.into_path());
                }
            }
            files.extend(found);
        } else if path.exists() {
            files.push(path.clone());
        } else {
            return Err(format!("{}: no such file or folder", path.display()));
        }
    }
    Ok(files)
}

impl Partials {
    /// Reads every stream once.
    pub fn read(files: Vec<PathBuf>) -> Self {
        let mut partials = Self {
            files,
            ..Self::default()
        };
        for index in 0..partials.files.len() {
            let path = partials.files[index].clone();
            if let Err((line, reason)) = partials.read_one(index, &path) {
                partials
                    .problems
                    .push((path.display().to_string(), line, reason));
            }
        }
        partials.order();
        partials
    }

    fn read_one(&mut self, index: usize, path: &Path) -> Result<(), (Option<usize>, String)> {
        let file = File::open(path).map_err(|e| (None, format!("cannot read it: {e}")))?;
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let mut line = Vec::new();
        let (mut offset, mut number) = (0u64, 0usize);
        let mut findings_from = 0u64;
        let mut ended = false;
        let mut pieces = Vec::new();
        let mut scope = None;
        loop {
            line.clear();
            let read = reader
                .read_until(b'\n', &mut line)
                .map_err(|e| (Some(number + 1), format!("reading stopped: {e}")))?;
            if read == 0 {
                break;
            }
            number += 1;
            let start = offset;
            offset += read as u64;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let at = Some(number);
            if number == 1 {
                let (of, selection) = head(&line).map_err(|why| (at, why))?;
                match (&self.selection, selection) {
                    (None, Some(selection)) => self.selection = Some(selection),
                    (Some(known), Some(selection)) if *known != selection => {
                        let note = "the shards ran with different rule selections: the first one's is applied (give merge --profile or --select to choose)".to_owned();
                        if !self.notes.contains(&note) {
                            self.notes.push(note);
                        }
                    }
                    _ => {}
                }
                if self.of.is_some_and(|known| known != of) {
                    return Err((
                        at,
                        "it holds another kind of partial result than the streams before it (check and audit results are merged apart)".to_owned(),
                    ));
                }
                self.of = Some(of);
                findings_from = offset;
                continue;
            }
            if ended {
                return Err((at, "records follow the stream's last record".to_owned()));
            }
            // Findings are taken in the second pass; only their kind is looked at here.
            if line.starts_with(br#"{"type":"finding""#) {
                continue;
            }
            let record: Record = serde_json::from_slice(&line)
                .map_err(|e| (at, format!("not a partial record: {e}")))?;
            match record {
                Record::Partial { .. } => {
                    return Err((at, "a second stream starts inside it".to_owned()))
                }
                Record::Finding(_) => {}
                Record::Input(input) => {
                    pieces.push(Piece {
                        file: index,
                        findings: findings_from..start,
                        input,
                    });
                    findings_from = offset;
                }
                Record::Summary {
                    summary,
                    notes,
                    scope: shard,
                } => {
                    self.summary(&summary, notes);
                    scope = shard;
                    ended = true;
                }
                Record::Audit(audit) => {
                    self.audits.push(*audit);
                    ended = true;
                }
            }
        }
        if number == 0 {
            return Err((None, "it is empty: the shard wrote nothing".to_owned()));
        }
        if !ended {
            return Err((
                Some(number),
                "it ends before its last record: the shard did not finish, and its results are left out".to_owned(),
            ));
        }
        for piece in pieces {
            self.sources
                .entry(piece.input.source.clone())
                .or_default()
                .push(piece);
        }
        // Only a stream whose inputs are all taken lends its scope: the entries of inputs that
        // a stream left out are not judged gone.
        self.scopes.extend(scope);
        Ok(())
    }

    fn summary(&mut self, summary: &Summary, notes: Vec<String>) {
        self.skipped.merge(&summary.skipped_by_reason);
        for note in notes {
            if !self.notes.contains(&note) {
                self.notes.push(note);
            }
        }
    }

    /// Puts each source's pieces in the order of their spans and numbers their lines.
    fn order(&mut self) {
        for (source, pieces) in &mut self.sources {
            pieces.sort_by_key(Piece::position);
            let (mut lines, mut bytes) = (0u64, 0u64);
            let mut last: Option<u64> = None;
            for piece in pieces.iter() {
                let Some(span) = piece.input.span else {
                    if pieces.len() > 1 {
                        self.notes.push(format!(
                            "{source} was read whole by one shard and in part by others: its findings are reported once for each"
                        ));
                    }
                    continue;
                };
                if last == Some(span.position) {
                    self.notes.push(format!(
                        "{source}: two shards read lines at position {}: its line numbers after it are not exact",
                        span.position
                    ));
                } else if last.is_none() && span.position != 0 {
                    self.notes.push(format!(
                        "{source}: no shard read its lines before position {}: its line numbers count from there",
                        span.position
                    ));
                }
                last = Some(span.position);
                self.bases
                    .insert((source.clone(), span.position), (lines, bytes));
                lines += span.lines;
                bytes += span.bytes;
            }
        }
    }

    /// What the streams hold, when every one could say.
    pub fn of(&self) -> Option<Of> {
        self.of
    }

    /// The rule selection the shards ran with, when they recorded it.
    pub fn shard_selection(&self) -> Option<&ShardSelection> {
        self.selection.as_ref()
    }

    /// What the shards were asked to check, those given paths each: the scope of the
    /// merged run is their union.
    pub fn scopes(&self) -> &[Scope] {
        &self.scopes
    }

    /// The shards' audits.
    pub fn take_audits(&mut self) -> Vec<AuditRecord> {
        std::mem::take(&mut self.audits)
    }

    /// The shards' remarks and those the merge made, each once.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The sources read, and responses checked, over every shard.
    pub fn counts(&self) -> (u64, u64) {
        let responses = self
            .sources
            .values()
            .flatten()
            .map(|p| p.input.responses)
            .sum();
        (self.sources.len() as u64, responses)
    }

    /// Lines and bytes before the span at `position` of `source`.
    pub fn base(&self, source: &str, position: u64) -> Base {
        self.bases
            .get(&(source.to_owned(), position))
            .copied()
            .unwrap_or((0, 0))
    }

    /// Says on `out` which streams could not be read or joined, and why.
    ///
    /// # Errors
    /// When the writer fails.
    pub fn write_problems(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        for (path, line, reason) in &self.problems {
            match line {
                Some(line) => writeln!(out, "dtlint: {path}, line {line}: {reason}")?,
                None => writeln!(out, "dtlint: {path}: {reason}")?,
            }
        }
        Ok(())
    }

    /// Whether a stream could not be read or joined.
    pub fn failed(&self) -> bool {
        !self.problems.is_empty()
    }

    /// Hands every source's findings and counts to `exit`, in the order a single run reports
    /// them, with the streams that could not be read reported as unreadable inputs.
    pub fn deliver(&self, exit: &mut Exit<'_>) {
        exit.skipped(&self.skipped);
        if self.failed() {
            // A shard's inputs are missing: none of the baseline's entries is judged gone.
            exit.incomplete();
        }
        let entries = exit.keeps_entries();
        for (source, pieces) in &self.sources {
            if !exit.going() {
                return;
            }
            let mut input = exit.input(source);
            for piece in pieces {
                let base = piece
                    .input
                    .span
                    .map_or((0, 0), |s| self.base(source, s.position));
                let going = self.findings(piece, |findings| {
                    input.deliver(Outcome::about_input(
                        findings.into_iter().map(|f| restored(f, base)).collect(),
                    ))
                });
                if let Err(reason) = going {
                    let mut outcome =
                        Outcome::about_input(vec![crate::rules::reader::unreadable(format!(
                            "the partial result {} could not be read again: {reason}",
                            self.files[piece.file].display()
                        ))]);
                    outcome.unreadable = true;
                    input.deliver(outcome);
                }
                input.count(&piece.input.tally(base.0, entries));
            }
            input.end();
        }
        for (path, line, reason) in &self.problems {
            let mut finding = crate::rules::reader::unreadable(format!(
                "this partial result cannot be merged: {reason}"
            ));
            finding.position = line.map(|l| Location::point(0, l, 1));
            let mut outcome = Outcome::about_input(vec![finding]);
            outcome.unreadable = true;
            let mut input = exit.input(path);
            input.deliver(outcome);
            input.end();
        }
    }

    /// Reads the findings of one piece, a slice at a time; `Ok(false)` when the run stopped.
    fn findings(
        &self,
        piece: &Piece,
        mut deliver: impl FnMut(Vec<FindingRecord>) -> bool,
    ) -> Result<bool, String> {
        if piece.findings.is_empty() {
            return Ok(true);
        }
        let mut file = File::open(&self.files[piece.file]).map_err(|e| e.to_string())?;
        file.seek(SeekFrom::Start(piece.findings.start))
            .map_err(|e| e.to_string())?;
        let reader = BufReader::new(file.take(piece.findings.end - piece.findings.start));
        let mut slice = Vec::with_capacity(SLICE);
        for line in reader.split(b'\n') {
            let line = line.map_err(|e| e.to_string())?;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<Record>(&line).map_err(|e| e.to_string())? {
                Record::Finding(finding) => slice.push(finding),
                _ => return Err("a record that is no finding stands among its findings".into()),
            }
            if slice.len() == SLICE && !deliver(std::mem::take(&mut slice)) {
                return Ok(false);
            }
        }
        Ok(slice.is_empty() || deliver(slice))
    }
}

/// The kind of a stream from its first record.
fn head(line: &[u8]) -> Result<(Of, Option<ShardSelection>), String> {
    match serde_json::from_slice::<Record>(line) {
        Ok(Record::Partial {
            version,
            of,
            selection,
        }) if version == PARTIAL_VERSION => Ok((of, selection)),
        Ok(Record::Partial { version, .. }) => Err(format!(
            "it is a partial result of version {version}, and this dtlint merges version {PARTIAL_VERSION}"
        )),
        _ => Err(
            "it is no partial result (write them with `dtlint check --partial` or `dtlint audit --partial`)"
                .to_owned(),
        ),
    }
}

/// A finding of a partial stream as the run found it, its entry, line and offset counted from
/// its source's start (`base`: the lines and bytes before its span).
fn restored(record: FindingRecord, base: (u64, u64)) -> Finding {
    let rule = crate::rules::find(&record.rule).unwrap_or(&crate::rules::reader::UNREADABLE_INPUT);
    let lines = usize::try_from(base.0).unwrap_or(usize::MAX);
    let bytes = usize::try_from(base.1).unwrap_or(usize::MAX);
    let mut message = record.message;
    if let (Some((_, line, _)), true) = (record.at, base.0 > 0) {
        // Messages about a line as a whole name it ("line 8 is not UTF-8"), counted as the
        // shard counted it.
        let said = format!("line {line} ");
        if let Some(rest) = message.strip_prefix(&said) {
            message = format!("line {} {rest}", line + lines);
        }
    }
    let mut finding = Finding::new(rule, Pointer::from(record.pointer), message);
    finding.severity = Severity::parse(&record.severity).unwrap_or(rule.severity);
    finding.entry = record.entry.map(|e| e + base.0);
    finding.position = record
        .at
        .map(|(offset, line, column)| Location::point(offset + bytes, line + lines, column));
    finding.help = record.help.map(Into::into);
    finding.fingerprint = record.fingerprint;
    finding.profile = record.profile.map(Into::into);
    // The shard's exit masked it already.
    finding.shown = true;
    finding
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::outcome::Span;

    fn tally(input: &InputRecord) -> crate::engine::outcome::Tally {
        input.tally(0, true)
    }

    #[test]
    fn spans_are_numbered_in_order_of_position() {
        let span = |position, lines, bytes| Span {
            position,
            lines,
            bytes,
            mtime: None,
        };
        let piece = |file, position, lines, bytes| Piece {
            file,
            findings: 0..0,
            input: InputRecord {
                source: "a.ndjson".into(),
                span: Some(span(position, lines, bytes)),
                responses: lines,
                ..InputRecord::default()
            },
        };
        let mut partials = Partials::default();
        partials.sources.insert(
            "a.ndjson".into(),
            vec![
                piece(1, 4096, 5, 500),
                piece(0, 0, 10, 4100),
                piece(2, 8192, 1, 9),
            ],
        );
        partials.order();
        assert_eq!(partials.base("a.ndjson", 0), (0, 0));
        assert_eq!(partials.base("a.ndjson", 4096), (10, 4100));
        assert_eq!(partials.base("a.ndjson", 8192), (15, 4600));
        assert!(partials.notes().is_empty());
        assert_eq!(partials.counts(), (1, 16));
        assert_eq!(tally(&partials.sources["a.ndjson"][1].input).responses, 5);
    }
}

//! `--format json`: one document with every finding and the summary (described by
//! `schemas/report.schema.json`), written as the findings come.

use std::io::{self, Write};

use serde::Serialize;

use super::stream_json::{split, Elements};
use super::{Reporter, RunEnd, Summary};
use crate::finding::Finding;

/// Version of the JSON report's shape; raised on any incompatible change.
pub const REPORT_VERSION: u32 = 1;

/// One finding as the JSON and NDJSON reports write it.
#[derive(Debug, Serialize)]
pub struct FindingJson<'a> {
    pub rule: &'a str,
    pub name: &'a str,
    pub category: &'a str,
    pub severity: &'a str,
    pub source: &'a str,
    pub entry: Option<u64>,
    pub pointer: &'a str,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: &'a str,
    pub help: Option<&'a str>,
    /// The profile file that judged the input; left out when none did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<&'a str>,
}

/// One finding as the JSON report writes it (serialise it with serde).
pub fn finding_json(finding: &Finding) -> FindingJson<'_> {
    FindingJson {
        rule: finding.rule.code,
        name: finding.rule.name,
        category: finding.rule.category.as_str(),
        severity: finding.severity.as_str(),
        source: &finding.source,
        entry: finding.entry,
        pointer: &finding.pointer,
        line: finding.line(),
        column: finding.column(),
        message: &finding.message,
        help: finding.help.as_deref(),
        profile: finding.profile.as_deref(),
    }
}

/// The report's shape; `findings` is written element by element.
#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    findings: [FindingJson<'a>; 0],
    summary: SummaryJson<'a>,
}

/// The summary as the JSON report (and `--statistics`' JSON) writes it: counts and notes.
#[derive(Serialize)]
pub(super) struct SummaryJson<'a> {
    #[serde(flatten)]
    pub(super) counts: Summary,
    pub(super) notes: &'a [String],
}

fn skeleton(summary: Summary, notes: &[String]) -> io::Result<String> {
    let report = Report {
        version: REPORT_VERSION,
        findings: [],
        summary: SummaryJson {
            counts: summary,
            notes,
        },
    };
    Ok(serde_json::to_string_pretty(&report)?)
}

pub struct Json<'a> {
    out: &'a mut dyn Write,
    /// Created, and the document's head written, at the first finding or the end.
    findings: Option<Elements>,
}

impl<'a> Json<'a> {
    pub fn new(out: &'a mut dyn Write) -> Self {
        Self {
            out,
            findings: None,
        }
    }
}

/// The findings array, its document's head written when it is first needed.
fn opened<'e>(slot: &'e mut Option<Elements>, out: &mut dyn Write) -> io::Result<&'e mut Elements> {
    if let Some(elements) = slot {
        return Ok(elements);
    }
    // The head does not depend on the summary, which is only known at the end.
    let (frame, _) = split(&skeleton(Summary::default(), &[])?, "findings")?;
    out.write_all(frame.head.as_bytes())?;
    Ok(slot.insert(Elements::new(frame)))
}

impl Reporter for Json<'_> {
    fn finding(&mut self, finding: &Finding) -> io::Result<()> {
        opened(&mut self.findings, self.out)?.push(&finding_json(finding), self.out)
    }

    fn finish(&mut self, end: &RunEnd<'_>) -> io::Result<()> {
        let out = &mut *self.out;
        opened(&mut self.findings, out)?.close(out)?;
        let (_, tail) = split(&skeleton(end.summary, end.notes)?, "findings")?;
        out.write_all(tail.as_bytes())?;
        writeln!(out)
    }
}

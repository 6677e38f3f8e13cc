//! `--format json`: one document with every finding and the summary (described by `schemas/report.schema.json`).

use std::io::{self, Write};

use serde::Serialize;

use super::{Run, Summary};
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
    }
}

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    findings: Vec<FindingJson<'a>>,
    summary: SummaryJson<'a>,
}

#[derive(Serialize)]
struct SummaryJson<'a> {
    #[serde(flatten)]
    counts: Summary,
    notes: &'a [String],
}

pub fn write(run: &Run, out: &mut dyn Write) -> io::Result<()> {
    let report = Report {
        version: REPORT_VERSION,
        findings: run.findings().map(finding_json).collect(),
        summary: SummaryJson {
            counts: run.summary(),
            notes: &run.notes,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

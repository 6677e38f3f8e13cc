//! `--statistics`: findings grouped by rule and pointer with counts, instead of each finding.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::Run;

#[derive(Serialize)]
struct Group<'a> {
    rule: &'a str,
    name: &'a str,
    severity: &'a str,
    pointer: &'a str,
    count: u64,
}

fn groups(run: &Run) -> Vec<Group<'_>> {
    let mut counts: BTreeMap<(&str, &str, &str, &str), u64> = BTreeMap::new();
    for f in run.findings() {
        *counts
            .entry((
                f.rule.code,
                f.rule.name,
                f.severity.as_str(),
                f.pointer.as_str(),
            ))
            .or_default() += 1;
    }
    let mut groups: Vec<Group<'_>> = counts
        .into_iter()
        .map(|((rule, name, severity, pointer), count)| Group {
            rule,
            name,
            severity,
            pointer,
            count,
        })
        .collect();
    groups.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.rule.cmp(b.rule))
            .then(a.pointer.cmp(b.pointer))
    });
    groups
}

/// Writes the groups as a table, or as JSON when `json` is set.
///
/// # Errors
/// When the writer fails.
pub fn write(run: &Run, json: bool, out: &mut dyn Write) -> io::Result<()> {
    let groups = groups(run);
    if json {
        serde_json::to_writer_pretty(&mut *out, &groups)?;
        return writeln!(out);
    }
    for g in &groups {
        writeln!(
            out,
            "{:>7}  {:<6} {:<36} {:<8} {}",
            g.count,
            g.rule,
            g.name,
            g.severity,
            if g.pointer.is_empty() {
                "(body)"
            } else {
                g.pointer
            }
        )?;
    }
    let s = run.summary();
    writeln!(
        out,
        "{} responses in {} inputs: {} errors, {} warnings, {} infos",
        s.responses, s.inputs, s.errors, s.warnings, s.infos
    )
}

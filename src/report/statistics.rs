//! `--statistics`: findings grouped by rule and pointer with counts, instead of each finding.
//! Only the counts are kept while the run goes.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{Reporter, RunEnd};
use crate::finding::Finding;

#[derive(Serialize)]
struct Group<'a> {
    rule: &'a str,
    name: &'a str,
    severity: &'a str,
    pointer: &'a str,
    count: u64,
}

pub struct Statistics<'a> {
    json: bool,
    out: &'a mut dyn Write,
    counts: Counts,
}

impl<'a> Statistics<'a> {
    /// Writes the groups as a table, or as JSON when `json` is set.
    pub fn new(json: bool, out: &'a mut dyn Write) -> Self {
        Self {
            json,
            out,
            counts: BTreeMap::new(),
        }
    }
}

/// Counts by rule (code, name, severity), then by pointer.
type Counts = BTreeMap<(&'static str, &'static str, &'static str), BTreeMap<String, u64>>;

/// The groups, most findings first.
fn groups(counts: &Counts) -> Vec<Group<'_>> {
    let mut groups: Vec<Group<'_>> = counts
        .iter()
        .flat_map(|((rule, name, severity), pointers)| {
            pointers.iter().map(|(pointer, count)| Group {
                rule,
                name,
                severity,
                pointer,
                count: *count,
            })
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

impl Reporter for Statistics<'_> {
    fn finding(&mut self, f: &Finding) -> io::Result<()> {
        let pointers = self
            .counts
            .entry((f.rule.code, f.rule.name, f.severity.as_str()))
            .or_default();
        // Most findings repeat a group: look it up without allocating the pointer.
        match pointers.get_mut(f.pointer.as_str()) {
            Some(count) => *count += 1,
            None => {
                pointers.insert(f.pointer.as_str().to_owned(), 1);
            }
        }
        Ok(())
    }

    fn finish(&mut self, end: &RunEnd<'_>) -> io::Result<()> {
        let groups = groups(&self.counts);
        let out = &mut *self.out;
        if self.json {
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
        let s = end.summary;
        writeln!(
            out,
            "{} responses in {} inputs{}{}: {} errors, {} warnings, {} infos{}",
            s.responses,
            s.inputs,
            s.skipped_by_reason.phrase(),
            s.unanswered_phrase(),
            s.errors,
            s.warnings,
            s.infos,
            s.baselined_phrase()
        )
    }
}

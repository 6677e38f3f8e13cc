//! `--format markdown`: a summary for `$GITHUB_STEP_SUMMARY`: counts per rule and per field,
//! worst first. Only the counts are kept while the run goes.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{Reporter, RunEnd};
use crate::finding::{field_path, Finding, Severity};

pub struct Markdown<'a> {
    out: &'a mut dyn Write,
    rules: BTreeMap<(&'static str, &'static str, Severity), u64>,
    fields: BTreeMap<(String, Severity), u64>,
}

impl<'a> Markdown<'a> {
    pub fn new(out: &'a mut dyn Write) -> Self {
        Self {
            out,
            rules: BTreeMap::new(),
            fields: BTreeMap::new(),
        }
    }
}

impl Reporter for Markdown<'_> {
    fn finding(&mut self, f: &Finding) -> io::Result<()> {
        *self
            .rules
            .entry((f.rule.code, f.rule.name, f.severity))
            .or_default() += 1;
        *self
            .fields
            .entry((field_path(&f.pointer), f.severity))
            .or_default() += 1;
        Ok(())
    }

    fn finish(&mut self, end: &RunEnd<'_>) -> io::Result<()> {
        let out = &mut *self.out;
        let s = end.summary;
        writeln!(out, "## dtlint\n")?;
        let n = |count: u64, one, many| format!("{count} {}", super::plural(count, one, many));
        writeln!(
            out,
            "{} in {}{}: **{}**, {}, {}{}\n",
            n(s.responses, "response", "responses"),
            n(s.inputs, "input", "inputs"),
            s.skipped_by_reason.phrase(),
            n(s.errors, "error", "errors"),
            n(s.warnings, "warning", "warnings"),
            n(s.infos, "info", "infos"),
            s.baselined_phrase()
        )?;
        for note in end.notes {
            writeln!(out, "> **Note:** {note}\n")?;
        }
        if s.errors + s.warnings + s.infos == 0 {
            writeln!(out, "No findings.")?;
            return Ok(());
        }
        let mut rules: Vec<_> = std::mem::take(&mut self.rules).into_iter().collect();
        rules.sort_by(|a, b| (b.0 .2, b.1, a.0 .0).cmp(&(a.0 .2, a.1, b.0 .0)));
        writeln!(
            out,
            "| rule | name | severity | findings |\n|---|---|---|---:|"
        )?;
        for ((code, name, severity), count) in rules {
            writeln!(out, "| {code} | {name} | {severity} | {count} |")?;
        }
        let mut fields: Vec<_> = std::mem::take(&mut self.fields).into_iter().collect();
        fields.sort_by(|a, b| (b.0 .1, b.1, &a.0 .0).cmp(&(a.0 .1, a.1, &b.0 .0)));
        writeln!(out, "\n| field | severity | findings |\n|---|---|---:|")?;
        for ((field, severity), count) in fields {
            writeln!(out, "| `{field}` | {severity} | {count} |")?;
        }
        Ok(())
    }
}

//! `--format github`: workflow commands that GitHub Actions turns into annotations on the files.

use std::io::{self, Write};

use super::{Reporter, RunEnd};
use crate::finding::{Finding, Severity};

/// Escapes a workflow-command property value (file, title).
fn property(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
        .replace(':', "%3A")
        .replace(',', "%2C")
}

/// Escapes a workflow-command message.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub struct Github<'a> {
    out: &'a mut dyn Write,
}

impl<'a> Github<'a> {
    pub fn new(out: &'a mut dyn Write) -> Self {
        Self { out }
    }
}

impl Reporter for Github<'_> {
    fn finding(&mut self, finding: &Finding) -> io::Result<()> {
        let command = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = format!("file={}", property(&finding.source));
        if let Some(p) = finding.position {
            props.push_str(&format!(",line={},col={}", p.line, p.column));
        }
        props.push_str(&format!(
            ",title={}",
            property(&format!("{} {}", finding.rule.code, finding.rule.name))
        ));
        let entry = finding
            .entry
            .map(|e| format!(" (entry {e})"))
            .unwrap_or_default();
        writeln!(
            self.out,
            "::{command} {props}::{}",
            data(&format!("{}{entry}", finding.message))
        )
    }

    fn finish(&mut self, end: &RunEnd<'_>) -> io::Result<()> {
        // A note is about the run, not a file: a notice with no file shows on the run's page.
        for note in end.notes {
            writeln!(self.out, "::notice title=dtlint::{}", data(note))?;
        }
        Ok(())
    }
}

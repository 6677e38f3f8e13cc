//! `--format github`: workflow commands that GitHub Actions turns into annotations on the files.

use std::io::{self, Write};

use super::Run;
use crate::finding::Severity;

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

pub fn write(run: &Run, out: &mut dyn Write) -> io::Result<()> {
    for finding in run.findings() {
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
            out,
            "::{command} {props}::{}",
            data(&format!("{}{entry}", finding.message))
        )?;
    }
    Ok(())
}

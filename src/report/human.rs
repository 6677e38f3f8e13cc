//! `--format human`: miette diagnostics with the offending value underlined, then a one-line summary.

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use super::{Run, Style};
use crate::finding::{Finding, Severity};

/// Lines longer than this are not shown as snippets: a 50 MB one-line body would flood the terminal.
const MAX_SNIPPET_LINE: usize = 400;

pub struct Human {
    handler: GraphicalReportHandler,
}

impl Human {
    pub fn new(style: Style) -> Self {
        let theme = if style.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let mut handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
        if let Some(width) = style.width {
            handler = handler.with_width(width);
        }
        Self { handler }
    }

    pub fn write(&self, run: &Run, out: &mut dyn Write) -> io::Result<()> {
        for input in &run.inputs {
            for finding in &input.findings {
                let diagnostic = Shown::new(finding, input.text.as_ref());
                let mut rendered = String::new();
                if self
                    .handler
                    .render_report(&mut rendered, &diagnostic)
                    .is_err()
                {
                    rendered = format!("{}\n", diagnostic.headline());
                }
                out.write_all(rendered.as_bytes())?;
                writeln!(out)?;
            }
        }
        for note in &run.notes {
            writeln!(out, "note: {note}")?;
        }
        let s = run.summary();
        let skipped = if s.skipped > 0 {
            format!(
                ", {} {} skipped",
                s.skipped,
                plural(s.skipped, "file", "files")
            )
        } else {
            String::new()
        };
        writeln!(
            out,
            "{} {} in {} {}{skipped}: {} {}, {} {}, {} {}",
            s.responses,
            plural(s.responses, "response", "responses"),
            s.inputs,
            plural(s.inputs, "input", "inputs"),
            s.errors,
            plural(s.errors, "error", "errors"),
            s.warnings,
            plural(s.warnings, "warning", "warnings"),
            s.infos,
            plural(s.infos, "info", "infos"),
        )
    }
}

fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// A finding as a miette diagnostic.
struct Shown<'a> {
    finding: &'a Finding,
    code: String,
    source: Option<NamedSource<Arc<str>>>,
}

impl<'a> Shown<'a> {
    fn new(finding: &'a Finding, text: Option<&Arc<str>>) -> Self {
        let source = match (text, finding.position) {
            (Some(text), Some(position))
                if line_length(text, position.offset) <= MAX_SNIPPET_LINE =>
            {
                Some(NamedSource::new(finding.source.clone(), Arc::clone(text)))
            }
            _ => None,
        };
        Self {
            finding,
            code: format!("{} {}", finding.rule.code, finding.rule.name),
            source,
        }
    }

    /// The first line of the diagnostic; without a snippet it carries the location itself.
    fn headline(&self) -> String {
        let f = self.finding;
        let entry = f.entry.map(|e| format!(" (entry {e})")).unwrap_or_default();
        if self.source.is_some() {
            format!("{}{entry}", f.message)
        } else {
            match f.position {
                Some(p) => format!("{}:{}:{}{entry}: {}", f.source, p.line, p.column, f.message),
                None => format!("{}{entry}: {}", f.source, f.message),
            }
        }
    }
}

fn line_length(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    let bytes = text.as_bytes();
    let start = bytes[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let end = bytes[offset..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |i| offset + i);
    end - start
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline())
    }
}

impl std::error::Error for Shown<'_> {}

impl Diagnostic for Shown<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.finding
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let position = self.finding.position?;
        let label = self.finding.rule.name.to_owned();
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some(label),
            position.offset,
            position.len.max(1),
        ))))
    }
}

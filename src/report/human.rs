//! `--format human`: miette diagnostics with the offending value underlined, then a one-line summary.

use std::fmt;
use std::io::{self, Write};

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};

use super::{plural, Reporter, RunEnd, Style};
use crate::finding::{Finding, Severity};

pub struct Human<'a> {
    handler: GraphicalReportHandler,
    concise: bool,
    out: &'a mut dyn Write,
    rendered: String,
}

impl<'a> Human<'a> {
    pub fn new(style: Style, out: &'a mut dyn Write) -> Self {
        let theme = if style.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let mut handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
        if let Some(width) = style.width {
            handler = handler.with_width(width);
        }
        Self {
            handler,
            concise: style.concise,
            out,
            rendered: String::new(),
        }
    }
}

impl Reporter for Human<'_> {
    fn finding(&mut self, finding: &Finding) -> io::Result<()> {
        if self.concise {
            return writeln!(self.out, "{}", finding.concise());
        }
        let diagnostic = Shown::new(finding);
        self.rendered.clear();
        if self
            .handler
            .render_report(&mut self.rendered, &diagnostic)
            .is_err()
        {
            self.rendered = format!("{}\n", diagnostic.headline());
        }
        self.out.write_all(self.rendered.as_bytes())?;
        writeln!(self.out)
    }

    fn finish(&mut self, end: &RunEnd<'_>) -> io::Result<()> {
        let out = &mut *self.out;
        for note in end.notes {
            writeln!(out, "note: {note}")?;
        }
        let s = end.summary;
        let skipped = s.skipped_by_reason.phrase();
        let unanswered = s.unanswered_phrase();
        writeln!(
            out,
            "{} {} in {} {}{skipped}{unanswered}: {} {}, {} {}, {} {}{}",
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
            s.baselined_phrase(),
        )
    }
}

/// A finding as a miette diagnostic.
struct Shown<'a> {
    finding: &'a Finding,
    code: String,
}

impl<'a> Shown<'a> {
    fn new(finding: &'a Finding) -> Self {
        Self {
            finding,
            code: format!("{} {}", finding.rule.code, finding.rule.name),
        }
    }

    /// The first line of the diagnostic; without a snippet it carries the location itself.
    fn headline(&self) -> String {
        let f = self.finding;
        let entry = f.entry.map(|e| format!(" (entry {e})")).unwrap_or_default();
        if f.excerpt.is_some() {
            format!("{}{entry}", f.message)
        } else {
            match f.position {
                Some(p) => format!("{}:{}:{}{entry}: {}", f.source, p.line, p.column, f.message),
                None => format!("{}{entry}: {}", f.source, f.message),
            }
        }
    }
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
        self.finding
            .excerpt
            .as_deref()
            .map(|e| e as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let excerpt = self.finding.excerpt.as_deref()?;
        let span = excerpt.span;
        let label = self.finding.rule.name.to_owned();
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some(label),
            span.offset,
            span.len.max(1),
        ))))
    }
}

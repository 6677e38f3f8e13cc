//! What a `redact` run did, and how it says so: the paths written on standard output, the
//! rest on standard error.

use std::io::{self, Write};
use std::path::PathBuf;

use crate::api::fields::Personal;
use crate::privacy::credentials::Credential;
use crate::privacy::scrub::Tally;
use crate::report::plural;

/// What a `redact` run did.
#[derive(Debug, Default)]
pub struct Summary {
    /// Copies of captures written, in order.
    pub written: Vec<PathBuf>,
    /// Copies of the bodies HARs keep apart (Playwright's `_file`), written beside their HARs'.
    pub bodies: Vec<PathBuf>,
    /// Files of a folder that are not captures (or that `check` passes over), left out.
    pub passed_over: usize,
    /// Texts meant to be JSON that are not (a line cut short, a broken body), scrubbed by
    /// pattern only.
    pub as_text: u64,
    /// Files that could not be copied, and why; no copy of them is left.
    pub failed: Vec<Failure>,
    /// What was removed and masked.
    pub tally: Tally,
}

/// A file that could not be copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The file, as the walk names it.
    pub path: String,
    /// Why, and where in it.
    pub reason: String,
}

impl Summary {
    /// Says where `redact` wrote its copies (stdout), each file it could not copy and why, and
    /// what it removed and masked, counted by kind (standard error, so a pipe of stdout carries
    /// only paths).
    ///
    /// # Errors
    /// When a writer fails.
    pub fn write(&self, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<()> {
        for path in self.written.iter().chain(&self.bodies) {
            writeln!(out, "wrote {}", path.display())?;
        }
        for failure in &self.failed {
            writeln!(err, "dtlint: {}: {}", failure.path, failure.reason)?;
        }
        writeln!(err, "dtlint: {}", self.line())
    }

    /// The summary line of `redact`: `redacted 2 files: removed 3 access tokens; masked nothing`,
    /// then what else there is to say.
    fn line(&self) -> String {
        let counted = |n: u64, (one, many): (&'static str, &'static str)| {
            format!("{n} {}", plural(n, one, many))
        };
        let tally = &self.tally;
        let credentials: Vec<String> = Credential::ALL
            .iter()
            .filter_map(|k| {
                let n = tally.credentials.get(k).copied().unwrap_or(0);
                (n > 0).then(|| counted(n, k.nouns()))
            })
            .collect();
        let personal: Vec<String> = [
            (Personal::Phone, ("phone number", "phone numbers")),
            (Personal::Email, ("email address", "email addresses")),
            (
                Personal::Text,
                ("other personal value", "other personal values"),
            ),
        ]
        .iter()
        .filter_map(|(k, nouns)| {
            let n = tally.personal.get(k).copied().unwrap_or(0);
            (n > 0).then(|| counted(n, *nouns))
        })
        .collect();
        let list = |items: Vec<String>| {
            if items.is_empty() {
                "nothing".to_owned()
            } else {
                items.join(", ")
            }
        };
        let written = self.written.len() as u64;
        let mut line = format!(
            "redacted {}: removed {}; masked {}",
            counted(written, ("file", "files")),
            list(credentials),
            list(personal)
        );
        let bodies = self.bodies.len() as u64;
        if bodies > 0 {
            line.push_str(&format!(
                "; copied {} that HARs keep apart beside their copies",
                counted(bodies, ("body", "bodies"))
            ));
        }
        if self.as_text > 0 {
            line.push_str(&format!(
                "; {} not JSON, scrubbed by pattern only",
                counted(
                    self.as_text,
                    ("text meant to be JSON is", "texts meant to be JSON are")
                )
            ));
        }
        let passed_over = self.passed_over as u64;
        if passed_over > 0 {
            line.push_str(&format!(
                "; {} passed over",
                counted(
                    passed_over,
                    ("file that is not a capture", "files that are not captures")
                )
            ));
        }
        let failed = self.failed.len() as u64;
        if failed > 0 {
            line.push_str(&format!(
                "; {} could not be redacted (no copy written)",
                counted(failed, ("file", "files"))
            ));
        }
        line
    }
}

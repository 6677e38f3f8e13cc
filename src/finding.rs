//! The one findings model every check produces and every reporter reads.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::json::pointer;
use crate::json::{Location, Pointer};
use crate::rules::Rule;

/// How bad a finding is; the order is from least to most severe so `max()` gives the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Reported; never fails a run.
    Info,
    /// Reported; fails a run with `--deny warnings`.
    Warning,
    /// Fails the run (exit code 1).
    Error,
}

impl Severity {
    /// The lowercase name reports and profiles use.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }

    /// The severity a profile or `--severity` names (`warn` too).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "info" => Some(Self::Info),
            "warning" | "warn" => Some(Self::Warning),
            "error" => Some(Self::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The fixed vocabulary of finding categories (reports and selections use these names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// The input could not be read as one JSON response (DT0xx).
    Parse,
    /// The body breaks the documented schema (DT1xx).
    Schema,
    /// The body follows the page's example where the example contradicts the page's table (DT2xx).
    DocQuirk,
    /// A field the caller may not receive carries a value (DT3xx).
    Exposure,
    /// A field of Enterprise Accounts where the account is not one (DT4xx).
    Account,
    /// Values that contradict each other or the calendar (DT5xx).
    Consistency,
    /// `errcode`, `errmsg` and `request_id` (DT6xx).
    Envelope,
    /// The captured request of a HAR entry, and how its response answers it (DT7xx).
    Request,
    /// dtlint's own configuration: stale baseline entries, unused suppressions.
    Config,
}

impl Category {
    /// Every category, in code order.
    pub const ALL: [Self; 9] = [
        Self::Parse,
        Self::Schema,
        Self::DocQuirk,
        Self::Exposure,
        Self::Account,
        Self::Consistency,
        Self::Envelope,
        Self::Request,
        Self::Config,
    ];

    /// The kebab-case name reports and selections use.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Parse => "parse",
            Self::Schema => "schema",
            Self::DocQuirk => "doc-quirk",
            Self::Exposure => "exposure",
            Self::Account => "account",
            Self::Consistency => "consistency",
            Self::Envelope => "envelope",
            Self::Request => "request",
            Self::Config => "config",
        }
    }

    /// The category a selection names.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found in one response (or in an input that could not be read as one).
#[derive(Debug, Clone)]
pub struct Finding {
    /// The rule that fired.
    pub rule: &'static Rule,
    /// The rule's severity, or the one the settings gave it.
    pub severity: Severity,
    /// Path of the input as given on the command line (or `-` for stdin).
    pub source: String,
    /// Index of the response inside a multi-response input; `None` for a plain JSON file.
    pub entry: Option<u64>,
    /// RFC 6901 pointer into the response body as received.
    pub pointer: Pointer,
    /// Where the pointer's value is in the input, once the finding is placed.
    pub position: Option<Location>,
    /// What is wrong, without personal values.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The redacted lines around the finding, for snippets.
    pub excerpt: Option<Box<crate::excerpt::Excerpt>>,
    /// A hash of the offending value (never the value), so baselines survive moved lines.
    pub fingerprint: Option<String>,
}

impl Finding {
    pub(crate) fn new(
        rule: &'static Rule,
        pointer: impl Into<Pointer>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            rule,
            severity: rule.severity,
            source: String::new(),
            entry: None,
            pointer: pointer.into(),
            position: None,
            message: message.into(),
            help: None,
            excerpt: None,
            fingerprint: None,
        }
    }

    #[must_use]
    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The 1-based line, once placed.
    pub fn line(&self) -> Option<usize> {
        self.position.map(|p| p.line)
    }

    /// The 1-based column, once placed.
    pub fn column(&self) -> Option<usize> {
        self.position.map(|p| p.column)
    }

    /// The order reports use: by source, entry, place in the text, then rule code.
    pub fn sort_key(&self) -> (&str, Option<u64>, usize, &str, &str) {
        (
            &self.source,
            self.entry,
            self.position.map_or(usize::MAX, |p| p.offset),
            self.rule.code,
            &self.pointer,
        )
    }
}

/// Converts a JSON pointer into the dotted path used in messages (`/result/role_list/0/id` → `result.role_list[0].id`).
pub fn display_path(pointer: &str) -> String {
    dotted(pointer::tokens(pointer).into_iter().flatten())
}

/// The field a pointer designates, array indexes folded: `/result/role_list/3/id` → `result.role_list[].id`,
/// so reports can count findings per field.
pub fn field_path(pointer: &str) -> String {
    let folded = pointer::tokens(pointer).into_iter().flatten().map(|t| {
        if is_index(&t) {
            "-".into()
        } else {
            t
        }
    });
    dotted(folded).replace(".-", "[]")
}

fn is_index(token: &str) -> bool {
    !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit())
}

fn dotted<'p>(tokens: impl Iterator<Item = std::borrow::Cow<'p, str>>) -> String {
    let mut out = String::new();
    for token in tokens {
        if is_index(&token) {
            out.push('[');
            out.push_str(&token);
            out.push(']');
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        }
    }
    if out.is_empty() {
        out.push_str("(body)");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_path_turns_indexes_into_brackets() {
        assert_eq!(
            display_path("/result/role_list/0/id"),
            "result.role_list[0].id"
        );
        assert_eq!(display_path(""), "(body)");
        assert_eq!(display_path("/a~1b"), "a/b");
        assert_eq!(
            field_path("/result/role_list/3/id"),
            "result.role_list[].id"
        );
    }

    #[test]
    fn severity_orders_from_info_to_error() {
        assert!(Severity::Error > Severity::Warning);
        assert!(Severity::Warning > Severity::Info);
    }
}

//! What a rule is: its code, name, category, default severity and documentation. Findings
//! point at their rule; the registry (`rules::ALL`) lists every one.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A rule: data plus, for rules that read a parsed body, the function that checks it.
#[derive(Debug)]
pub struct Rule {
    /// Stable code; never reused.
    pub code: &'static str,
    /// Kebab-case name of the pattern flagged.
    pub name: &'static str,
    /// The family the rule belongs to.
    pub category: Category,
    /// Its severity unless the settings change it.
    pub severity: Severity,
    /// Whether the rule runs without being selected.
    pub enabled: bool,
    /// Whether the rule needs `--app-type` to run.
    pub needs_app_type: bool,
    /// One line, as `dtlint rules` shows it.
    pub summary: &'static str,
    /// Markdown: What it does / Why is this bad? / Example.
    pub explanation: &'static str,
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
    }
}

impl Eq for Rule {}

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

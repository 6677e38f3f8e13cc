//! The one findings model every check produces and every reporter reads.

use std::borrow::Cow;

use crate::json::pointer;
use crate::json::{Location, Pointer};
pub mod excerpt;
pub mod rule;

pub use rule::{Category, Rule, Severity};

/// One problem found in one response (or in an input that could not be read as one). Its
/// parts are read through accessors, so that the model can grow without breaking its users.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The rule that fired.
    pub(crate) rule: &'static Rule,
    /// The rule's severity, or the one the settings gave it.
    pub(crate) severity: Severity,
    /// Path of the input as given on the command line (or `-` for stdin). Before the run's
    /// exit it is empty, or where the finding's value is held relative to the input: a side
    /// file beside a HAR, or `!/member` of a zip archive ([`held_in`]).
    pub(crate) source: String,
    /// Index of the response inside a multi-response input; `None` for a plain JSON file.
    pub(crate) entry: Option<u64>,
    /// RFC 6901 pointer into the response body as received.
    pub(crate) pointer: Pointer,
    /// Where the pointer's value is in the input, once the finding is placed.
    pub(crate) position: Option<Location>,
    /// What is wrong, without personal values.
    pub(crate) message: String,
    /// How to fix it. Most rules give fixed advice, which is borrowed rather than copied into
    /// every finding; it reads as a `&str` either way (`help.as_deref()`).
    pub(crate) help: Option<Cow<'static, str>>,
    /// The redacted lines around the finding, for snippets.
    pub(crate) excerpt: Option<Box<crate::finding::excerpt::Excerpt>>,
    /// A hash of the offending value (never the value), so baselines survive moved lines.
    pub(crate) fingerprint: Option<String>,
    /// It has passed a run's exit, which masked what it quotes: a shard's finding read back by
    /// `dtlint merge` is not masked again (a rule's fixed help shows example values whole).
    pub(crate) shown: bool,
    /// The profile file that judged its input, as reports name it; set at the run's exit.
    pub(crate) profile: Option<std::sync::Arc<str>>,
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
            shown: false,
            profile: None,
        }
    }

    #[must_use]
    pub(crate) fn with_help(mut self, help: impl Into<Cow<'static, str>>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The rule that fired.
    pub fn rule(&self) -> &'static Rule {
        self.rule
    }

    /// The rule's severity, or the one the settings gave it.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// The input as the run names it (its path, or `-` for standard input); empty until the
    /// finding has passed a run's exit.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The index of the response in a multi-response input (an NDJSON line, a HAR entry).
    pub fn entry(&self) -> Option<u64> {
        self.entry
    }

    /// The RFC 6901 pointer into the response body as received (or into the HAR entry, for
    /// findings about the exchange).
    pub fn pointer(&self) -> &str {
        self.pointer.as_str()
    }

    /// Where the pointer's value is in the input, once placed.
    pub fn position(&self) -> Option<Location> {
        self.position
    }

    /// What is wrong, without personal values.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// How to fix it, when the rule says.
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// The redacted lines around the finding, when the run asked for excerpts.
    pub fn excerpt(&self) -> Option<&excerpt::Excerpt> {
        self.excerpt.as_deref()
    }

    /// A hash of the offending value (never the value), when the run asked for fingerprints.
    pub fn fingerprint(&self) -> Option<&str> {
        self.fingerprint.as_deref()
    }

    /// The profile file (`dtlint.toml`) that judged the finding's input, as the run names it;
    /// `None` when none did, or until the finding has passed a run's exit.
    pub fn profile(&self) -> Option<&str> {
        self.profile.as_deref()
    }

    /// The 1-based line, once placed.
    pub fn line(&self) -> Option<usize> {
        self.position.map(|p| p.line)
    }

    /// The 1-based column, once placed.
    pub fn column(&self) -> Option<usize> {
        self.position.map(|p| p.column)
    }

    /// The finding on one line, as the concise format prints it (ruff's model):
    /// `path:line:col: CODE message (entry N)`.
    pub fn concise(&self) -> String {
        let at = match self.position {
            Some(p) => format!("{}:{}:{}", self.source, p.line, p.column),
            None => self.source.clone(),
        };
        let entry = self
            .entry
            .map(|e| format!(" (entry {e})"))
            .unwrap_or_default();
        format!("{at}: {} {}{entry}", self.rule.code, self.message)
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

/// The name a report gives to a place a finding is held in, relative to its input `input`:
/// the input itself when `within` is empty; a member of an archive `capture.zip!/member` when
/// `within` is `!/member` (Java's `jar:` URLs name a member the same way); otherwise a side file
/// beside the input, named as the input is (`captures/capture.har` and `0a1b.json` give
/// `captures/0a1b.json`), with `/` between folders.
pub fn held_in(input: &str, within: &str) -> String {
    if within.is_empty() {
        return input.to_owned();
    }
    if within.starts_with("!/") {
        return format!("{input}{within}");
    }
    let folder = match input.rfind(['/', '\\']) {
        Some(cut) => &input[..=cut],
        None => "",
    };
    format!("{folder}{within}")
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
        // A run of 7 digits is no array index a body has, but may be a phone number as a name.
        if is_index(&token) && crate::privacy::name::is_plain(&token) {
            out.push('[');
            out.push_str(&token);
            out.push(']');
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            // A name is input: a long one (megabytes, or a pasted body) or a value-shaped one
            // (a phone number, `access_token=...`) is shown by its length only.
            out.push_str(&crate::privacy::name::shown(&token));
        }
    }
    if out.is_empty() {
        out.push_str("(body)");
    }
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn long_and_value_shaped_member_names_are_masked_in_messages() {
        let name = "k".repeat(10 << 20);
        let shown = super::display_path(&format!("/result/{name}"));
        assert_eq!(shown, "result.<masked name, 10485760 chars>");
        assert_eq!(
            super::display_path("/result/13912345678/access_token=SECRET"),
            "result.<masked name, 11 chars>.<masked name, 19 chars>"
        );
        let exact = "k".repeat(64);
        assert_eq!(
            super::display_path(&format!("/{exact}")),
            exact,
            "64 characters stay whole"
        );
    }

    use super::*;

    #[test]
    fn display_path_turns_indexes_into_brackets() {
        assert_eq!(
            display_path("/result/role_list/0/id"),
            "result.role_list[0].id"
        );
        assert_eq!(display_path(""), "(body)");
        assert_eq!(display_path("/a~0b"), "<masked name, 3 chars>");
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

//! DT901-DT902: dtlint's own configuration (baselines and suppressions).

use super::define::{declare_rules, emitted};
use super::Check;
use crate::finding::{Category, Finding, Severity};

declare_rules! {
    /// ## What it does
    /// With `--baseline FILE`, reports each recorded finding that no longer occurs: its rule, source, entry, pointer and value hash match nothing in this run. An entry is judged when this run read its input, and also when its input is gone: within the paths checked (named, or under a folder named, where the walk would read it past `--hidden`, `--glob` and `--exclude`) but not read, because the capture was deleted or renamed. Entries of inputs outside the paths checked (a run over one folder of many) are neither used nor reported. A merge judges over every shard's inputs and paths.
    ///
    /// ## Why is this bad?
    /// A stale entry would hide the same defect if it came back, or in a new capture saved under the old name. Run with `--update-baseline` to drop it.
    ///
    /// ## Example
    /// Fails: a baseline recording DT201 at `/result/boss` after the capture was fixed, or after `captures/a.json` was deleted and `dtlint check --baseline baseline.json captures` ran.
    pub const STALE_BASELINE_ENTRY = emitted(
        "DT901",
        "stale-baseline-entry",
        Category::Config,
        Severity::Warning,
        "a baseline entry matches no current finding (the defect was fixed or moved)",
    );

    /// ## What it does
    /// Reports a suppression in the profile (`[[ignore]]` with rule, pointer, path and reason) that hid nothing in this run, as ruff's RUF100 does for `noqa` comments.
    ///
    /// ## Why is this bad?
    /// Suppressions outlive the defects they were written for and then hide new ones; remove those that no longer apply.
    ///
    /// ## Example
    /// Noted: `[[ignore]] rule = "DT107" pointer = "/result/legacy_*"` when no capture has such a field.
    pub const UNUSED_SUPPRESSION = emitted(
        "DT902",
        "unused-suppression",
        Category::Config,
        Severity::Info,
        "an `[[ignore]]` entry of the profile matched no finding",
    );
}

/// No body checks: baselines and suppressions emit these after the run.
pub(crate) const CHECKS: &[Check] = &[];

/// DT901: a baseline entry (`rule` at `source`, `entry`, `pointer`) that matches no finding.
pub fn stale_baseline_entry(
    rule: &str,
    source: &str,
    entry: Option<u64>,
    pointer: &str,
) -> Finding {
    Finding::new(
        &STALE_BASELINE_ENTRY,
        "",
        format!(
            "the baseline records {} but it no longer occurs",
            recorded(rule, source, entry, pointer)
        ),
    )
    .with_help("run with --update-baseline to drop stale entries")
}

/// DT901 for an entry whose input (`input`: the source, or the archive a member of it is in)
/// is within the paths checked but was not read: deleted, or renamed.
pub fn gone_baseline_entry(
    rule: &str,
    source: &str,
    entry: Option<u64>,
    pointer: &str,
    input: &str,
) -> Finding {
    Finding::new(
        &STALE_BASELINE_ENTRY,
        "",
        format!(
            "the baseline records {} but {input} is gone: it is within the paths checked and was not read",
            recorded(rule, source, entry, pointer)
        ),
    )
    .with_help("run with --update-baseline to drop the entries of inputs that are gone")
}

/// What a baseline entry records, as DT901 names it: `DT107 at a.har entry 3 /result/x`.
fn recorded(rule: &str, source: &str, entry: Option<u64>, pointer: &str) -> String {
    let at = entry.map(|e| format!(" entry {e}")).unwrap_or_default();
    let pointer = if pointer.is_empty() {
        "(body)"
    } else {
        pointer
    };
    format!("{rule} at {source}{at} {pointer}")
}

/// DT902: an `[[ignore]]` entry of the profile, described by `summary`, that hid nothing.
pub fn unused_suppression(summary: &str) -> Finding {
    Finding::new(
        &UNUSED_SUPPRESSION,
        "",
        format!("the suppression ({summary}) matched no finding"),
    )
    .with_help("remove it, or fix its rule, pointer or path")
}

//! DT901-DT902: dtlint's own configuration (baselines and suppressions).

use super::Rule;
use crate::finding::{Category, Finding, Severity};

pub const STALE_BASELINE_ENTRY: Rule = Rule {
    code: "DT901",
    name: "stale-baseline-entry",
    category: Category::Config,
    severity: Severity::Warning,
    enabled: true,
    needs_app_type: false,
    summary: "a baseline entry matches no current finding (the defect was fixed or moved)",
    explanation: "## What it does\nWith `--baseline FILE`, reports each recorded finding that no longer occurs: its rule, source, entry, pointer and value hash match nothing in this run.\n\n## Why is this bad?\nA stale entry would hide the same defect if it came back. Run with `--update-baseline` to drop it.\n\n## Example\nFails: a baseline recording DT201 at `/result/boss` after the capture was fixed.",
};

pub const UNUSED_SUPPRESSION: Rule = Rule {
    code: "DT902",
    name: "unused-suppression",
    category: Category::Config,
    severity: Severity::Info,
    enabled: true,
    needs_app_type: false,
    summary: "an `[[ignore]]` entry of the profile matched no finding",
    explanation: "## What it does\nReports a suppression in the profile (`[[ignore]]` with rule, pointer, path and reason) that hid nothing in this run, as ruff's RUF100 does for `noqa` comments.\n\n## Why is this bad?\nSuppressions outlive the defects they were written for and then hide new ones; remove those that no longer apply.\n\n## Example\nNoted: `[[ignore]] rule = \"DT107\" pointer = \"/result/legacy_*\"` when no capture has such a field.",
};

/// DT901: a baseline entry (`rule` at `source`, `entry`, `pointer`) that matches no finding.
pub fn stale_baseline_entry(
    rule: &str,
    source: &str,
    entry: Option<u64>,
    pointer: &str,
) -> Finding {
    let at = entry.map(|e| format!(" entry {e}")).unwrap_or_default();
    let pointer = if pointer.is_empty() {
        "(body)"
    } else {
        pointer
    };
    Finding::new(
        &STALE_BASELINE_ENTRY,
        "",
        format!("the baseline records {rule} at {source}{at} {pointer} but it no longer occurs"),
    )
    .with_help("run with --update-baseline to drop stale entries")
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

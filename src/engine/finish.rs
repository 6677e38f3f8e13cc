//! Selection (`--select`, `--ignore`), severity overrides and the order of a body's findings.
//! Body findings are selected here before they are placed (placing costs); every finding is
//! selected again at the run's exit (`crate::run::exit`), so the flags act on every code alike.

use crate::finding::Finding;
use crate::rules::selection::Selection;

/// Whether the finding's rule is selected; if so, gives it its run's severity.
pub fn selected(finding: &mut Finding, selection: &Selection) -> bool {
    let enabled = selection.is_enabled(finding.rule);
    if enabled {
        finding.severity = selection.severity(finding.rule);
    }
    enabled
}

/// Drops the findings of rules that are not selected and gives the rest their run's severity.
pub fn select(findings: &mut Vec<Finding>, selection: &Selection) {
    findings.retain_mut(|f| selected(f, selection));
}

/// The findings of one body: selected, ordered by rule and pointer, repeats dropped.
pub fn body(mut findings: Vec<Finding>, selection: &Selection) -> Vec<Finding> {
    select(&mut findings, selection);
    findings.sort_by(|a, b| {
        (a.rule.code, &a.pointer, &a.message).cmp(&(b.rule.code, &b.pointer, &b.message))
    });
    findings.dedup_by(|a, b| {
        a.rule.code == b.rule.code && a.pointer == b.pointer && a.message == b.message
    });
    findings
}

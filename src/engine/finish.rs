//! The one exit of findings: selection (`--select`, `--ignore`), severity overrides and order.
//! Readers, body rules, HAR request rules, the request/response correlation and dtlint's own
//! configuration findings all leave through here, so the flags act on every code alike.

use crate::finding::Finding;
use crate::selection::Selection;

/// Drops the findings of rules that are not selected and gives the rest their run's severity.
pub fn select(findings: &mut Vec<Finding>, selection: &Selection) {
    findings.retain(|f| selection.is_enabled(f.rule));
    for finding in findings {
        finding.severity = selection.severity(finding.rule);
    }
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

/// The findings of a finished input (or dtlint's configuration findings): named as reports
/// show them, selected and at their run's severity.
pub fn input(findings: &mut Vec<Finding>, source: &str, selection: &Selection) {
    select(findings, selection);
    for finding in findings {
        source.clone_into(&mut finding.source);
        if let Some(excerpt) = &mut finding.excerpt {
            source.clone_into(&mut excerpt.name);
        }
    }
}

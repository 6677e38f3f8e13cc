//! Applies the profile's `[[ignore]]` suppressions and reports those that hid nothing (DT902).

use crate::finding::Finding;
use crate::json::Location;
use crate::settings::Suppress;

fn matches(s: &Suppress, finding: &Finding) -> bool {
    s.rules.contains(&finding.rule.code)
        && s.pointer
            .as_ref()
            .is_none_or(|g| g.is_match(finding.pointer.as_str()))
        && s.path.as_ref().is_none_or(|g| g.is_match(&finding.source))
}

/// Removes suppressed findings; returns a DT902 finding for each suppression that matched none.
pub fn apply(suppressions: &[Suppress], findings: &mut [Vec<Finding>]) -> Vec<Finding> {
    if suppressions.is_empty() {
        return Vec::new();
    }
    let mut used = vec![false; suppressions.len()];
    for list in findings.iter_mut() {
        list.retain(|f| {
            let hit = suppressions.iter().position(|s| matches(s, f));
            if let Some(i) = hit {
                used[i] = true;
            }
            hit.is_none()
        });
    }
    suppressions
        .iter()
        .zip(used)
        .filter(|(_, used)| !used)
        .map(|(s, _)| {
            let mut finding = crate::rules::config::unused_suppression(&s.summary);
            s.profile.clone_into(&mut finding.source);
            finding.position = Some(Location::point(0, s.line, s.column));
            finding
        })
        .collect()
}

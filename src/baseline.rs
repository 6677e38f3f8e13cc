//! Baselines: record the findings of existing captures, hide them in later runs, report what went stale.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::json::Pointer;

/// One recorded finding: where and what, never line numbers and never the value itself.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    /// The rule's code.
    pub rule: String,
    /// The input, with `/` as separator on every system.
    pub source: String,
    /// The response's index in a multi-response input.
    pub entry: Option<u64>,
    /// The pointer into the response body.
    pub pointer: Pointer,
    /// Hash of the offending value as JSON.
    pub fingerprint: String,
}

/// A baseline file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Version of the file's shape.
    pub version: u32,
    /// The recorded findings, sorted.
    pub findings: Vec<Entry>,
}

fn key(finding: &Finding) -> Entry {
    Entry {
        rule: finding.rule.code.to_owned(),
        source: finding.source.replace('\\', "/"),
        entry: finding.entry,
        pointer: finding.pointer.clone(),
        fingerprint: finding.fingerprint.clone().unwrap_or_default(),
    }
}

impl Baseline {
    /// Records findings (config findings about dtlint itself are never recorded).
    pub fn of<'a>(findings: impl Iterator<Item = &'a Finding>) -> Self {
        let mut entries: Vec<Entry> = findings
            .filter(|f| f.rule.category != crate::finding::Category::Config)
            .map(key)
            .collect();
        entries.sort();
        Self {
            version: 1,
            findings: entries,
        }
    }

    /// Reads a baseline file.
    ///
    /// # Errors
    /// A file that cannot be read or is not a baseline.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the baseline {}: {e}", path.display()))?;
        serde_json::from_str(&text)
            .map_err(|e| format!("{} is not a dtlint baseline: {e}", path.display()))
    }

    /// Writes the baseline as pretty JSON (stable order, so it diffs well in review).
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        std::fs::write(path, text + "\n")
            .map_err(|e| format!("cannot write the baseline {}: {e}", path.display()))
    }

    /// Removes findings the baseline records (each entry hides as many findings as it was recorded
    /// for) and returns a stale finding for every entry of a checked input that matched nothing.
    /// Entries of inputs this run did not check are neither used nor stale.
    pub fn apply(
        &self,
        lists: &mut [Vec<Finding>],
        checked: &[String],
        baseline_path: &str,
    ) -> Vec<Finding> {
        let mut budget: BTreeMap<&Entry, usize> = BTreeMap::new();
        for entry in &self.findings {
            *budget.entry(entry).or_default() += 1;
        }
        for findings in lists.iter_mut() {
            findings.retain(|f| {
                if f.rule.category == crate::finding::Category::Config {
                    return true;
                }
                // An entry recorded without a fingerprint (by a dtlint that did not record them,
                // or for a finding that has none) matches whatever the value is now.
                let exact = key(f);
                let any_value = Entry {
                    fingerprint: String::new(),
                    ..exact.clone()
                };
                for candidate in [exact, any_value] {
                    if let Some(left) = budget.get_mut(&candidate).filter(|left| **left > 0) {
                        *left -= 1;
                        return false;
                    }
                }
                true
            });
        }
        budget
            .into_iter()
            .filter(|(entry, left)| *left > 0 && checked.contains(&entry.source))
            .map(|(entry, _)| {
                let mut finding = crate::rules::config::stale_baseline_entry(
                    &entry.rule,
                    &entry.source,
                    entry.entry,
                    entry.pointer.as_str(),
                );
                baseline_path.clone_into(&mut finding.source);
                finding
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(fingerprint: Option<&str>) -> Finding {
        let mut f = Finding::new(&crate::rules::QUOTED_BOOLEAN, "/result/boss", "quoted");
        "a.json".clone_into(&mut f.source);
        f.fingerprint = fingerprint.map(str::to_owned);
        f
    }

    #[test]
    fn fingerprints_tell_values_apart_and_an_empty_one_matches_any() {
        let recorded = Baseline::of([finding(Some("aaaa"))].iter());
        let checked = ["a.json".to_owned()];
        let mut same = vec![vec![finding(Some("aaaa"))]];
        assert!(recorded.apply(&mut same, &checked, "b.json").is_empty());
        assert!(same[0].is_empty());
        let mut other = vec![vec![finding(Some("bbbb"))]];
        assert_eq!(
            recorded.apply(&mut other, &checked, "b.json").len(),
            1,
            "stale"
        );
        assert_eq!(other[0].len(), 1, "a different value is a new finding");
        let old = Baseline::of([finding(None)].iter());
        let mut any = vec![vec![finding(Some("bbbb"))]];
        assert!(old.apply(&mut any, &checked, "b.json").is_empty());
        assert!(
            any[0].is_empty(),
            "an entry without a fingerprint hides the finding"
        );
    }
}

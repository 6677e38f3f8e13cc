//! Baselines: record the findings of existing captures, hide them in later runs, report what went stale.

use std::collections::{BTreeMap, BTreeSet};
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

    /// The baseline as a filter for a run: each entry hides as many findings as it was
    /// recorded for.
    pub fn hider(self) -> Hider {
        let mut budget: BTreeMap<Entry, usize> = BTreeMap::new();
        for entry in self.findings {
            *budget.entry(entry).or_default() += 1;
        }
        Hider {
            budget,
            checked: BTreeSet::new(),
        }
    }
}

/// A loaded baseline hiding the findings it records, one by one as a run goes.
#[derive(Debug)]
pub struct Hider {
    budget: BTreeMap<Entry, usize>,
    /// Inputs this run checked (with `/` separators): only their entries can go stale.
    checked: BTreeSet<String>,
}

impl Hider {
    /// Whether the baseline hides this (named) finding; configuration findings are never hidden.
    pub fn hides(&mut self, finding: &Finding) -> bool {
        if finding.rule.category == crate::finding::Category::Config {
            return false;
        }
        // An entry recorded without a fingerprint (by a dtlint that did not record them, or
        // for a finding that has none) matches whatever the value is now.
        let exact = key(finding);
        let any_value = Entry {
            fingerprint: String::new(),
            ..exact.clone()
        };
        for candidate in [exact, any_value] {
            if let Some(left) = self.budget.get_mut(&candidate).filter(|left| **left > 0) {
                *left -= 1;
                return true;
            }
        }
        false
    }

    /// Notes that an input was checked, so its unmatched entries are stale.
    pub fn checked(&mut self, source: &str) {
        self.checked.insert(source.replace('\\', "/"));
    }

    /// A stale finding for every entry of a checked input that matched nothing, named after
    /// the baseline. Entries of inputs this run did not check are neither used nor stale.
    pub fn stale(&self, baseline_path: &str) -> Vec<Finding> {
        self.budget
            .iter()
            .filter(|(entry, left)| **left > 0 && self.checked.contains(&entry.source))
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

/// Records the findings of a run as they go by, for a new baseline. A baseline is sorted by
/// rule first, so it holds one entry per finding until the run ends.
#[derive(Debug, Default)]
pub struct Recorder {
    entries: Vec<Entry>,
}

impl Recorder {
    /// Records a finding (configuration findings about dtlint itself are never recorded);
    /// returns whether it was.
    pub fn record(&mut self, finding: &Finding) -> bool {
        if finding.rule.category == crate::finding::Category::Config {
            return false;
        }
        self.entries.push(key(finding));
        true
    }

    /// The baseline of everything recorded.
    pub fn finish(self) -> Baseline {
        let mut entries = self.entries;
        entries.sort();
        Baseline {
            version: 1,
            findings: entries,
        }
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
        let mut same = recorded.clone().hider();
        same.checked("a.json");
        assert!(same.hides(&finding(Some("aaaa"))));
        assert!(same.stale("b.json").is_empty());
        let mut other = recorded.hider();
        other.checked("a.json");
        assert!(
            !other.hides(&finding(Some("bbbb"))),
            "a different value is a new finding"
        );
        assert_eq!(other.stale("b.json").len(), 1, "stale");
        let mut any = Baseline::of([finding(None)].iter()).hider();
        assert!(
            any.hides(&finding(Some("bbbb"))),
            "an entry without a fingerprint hides the finding"
        );
    }

    #[test]
    fn an_entry_hides_as_many_findings_as_it_was_recorded_for() {
        let mut hider = Baseline::of([finding(Some("aaaa"))].iter()).hider();
        assert!(hider.hides(&finding(Some("aaaa"))));
        assert!(!hider.hides(&finding(Some("aaaa"))), "the second is new");
        let mut unchecked = Baseline::of([finding(Some("aaaa"))].iter()).hider();
        unchecked.checked("other.json");
        assert!(
            unchecked.stale("b.json").is_empty(),
            "entries of inputs not checked are not stale"
        );
    }

    #[test]
    fn the_recorder_sorts_and_skips_configuration_findings() {
        let mut recorder = Recorder::default();
        let mut late = finding(Some("bbbb"));
        late.rule = &crate::rules::QUOTED_BOOLEAN;
        "z.json".clone_into(&mut late.source);
        assert!(recorder.record(&late));
        assert!(recorder.record(&finding(Some("aaaa"))));
        let config = crate::rules::config::unused_suppression("x");
        assert!(!recorder.record(&config));
        let baseline = recorder.finish();
        let sources: Vec<&str> = baseline
            .findings
            .iter()
            .map(|e| e.source.as_str())
            .collect();
        assert_eq!(sources, ["a.json", "z.json"]);
    }
}

//! Baselines: record the findings of existing captures, hide them in later runs, report what went stale.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::json::Pointer;
use crate::run::walk::{InputFormat, Scope, Within};

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
            scopes: Vec::new(),
        }
    }
}

/// A loaded baseline hiding the findings it records, one by one as a run goes.
#[derive(Debug)]
pub struct Hider {
    budget: BTreeMap<Entry, usize>,
    /// Inputs this run checked (with `/` separators): their unmatched entries no longer occur.
    checked: BTreeSet<String>,
    /// What the run was asked to check (each shard's, in a merge): unmatched entries of inputs
    /// within it that were not checked are stale too, their input gone. Entries outside every
    /// scope are not judged.
    scopes: Vec<Within>,
}

/// Why an entry is stale.
enum Stale<'e> {
    /// Its input was read and the finding is not in it.
    NoLongerOccurs,
    /// Its input (named here) is within what the run was asked to check and was not read.
    Gone(&'e str),
}

/// The input a recorded source was read from: an archive's member (`capture.zip!/member`)
/// from the archive, anything else from itself.
fn input_of(source: &str) -> &str {
    source.split_once("!/").map_or(source, |(input, _)| input)
}

/// The folder part of a source with `/` separators (empty for a bare name).
fn folder_of(source: &str) -> &str {
    source.rsplit_once('/').map_or("", |(folder, _)| folder)
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

    /// Adds what a run (or a shard of it) was asked to check: unmatched entries of inputs
    /// within it that no run checked are stale, their input gone.
    pub fn scope(&mut self, scope: &Scope) {
        if !scope.is_empty() {
            self.scopes.push(scope.within());
        }
    }

    /// Why an unmatched entry recorded at `source` is stale, if it is. `read_folders` are the
    /// folders of the HAR files checked.
    fn why_stale<'e>(
        &self,
        source: &'e str,
        read_folders: &BTreeSet<&str>,
        complete: bool,
    ) -> Option<Stale<'e>> {
        let input = input_of(source);
        // A body Playwright keeps beside a HAR (`0a1b….json`) is read through the HAR.
        let beside_a_har = crate::run::walk::sha1_named(Path::new(source))
            && read_folders.contains(folder_of(source));
        if self.checked.contains(source) || self.checked.contains(input) || beside_a_har {
            Some(Stale::NoLongerOccurs)
        } else if complete && self.scopes.iter().any(|scope| scope.covers(input)) {
            Some(Stale::Gone(input))
        } else {
            None
        }
    }

    /// A stale finding for every entry that matched nothing, named after the baseline, sorted
    /// by the entry's source, entry, pointer and rule: the entries of an input checked, and,
    /// when the run read every input it was to read (`complete`: not interrupted), those of
    /// inputs within its scope that it did not read (deleted or renamed since). Entries of
    /// inputs outside the scope are neither used nor stale: the run checked only part of what
    /// the baseline records.
    pub fn stale(&self, baseline_path: &str, complete: bool) -> Vec<Finding> {
        let read_folders: BTreeSet<&str> = self
            .checked
            .iter()
            .filter(|c| InputFormat::of(Path::new(c)) == Some(InputFormat::Har))
            .map(|c| folder_of(c))
            .collect();
        let mut stale: Vec<(&Entry, Stale<'_>)> = self
            .budget
            .iter()
            .filter(|(_, left)| **left > 0)
            .filter_map(|(entry, _)| {
                self.why_stale(&entry.source, &read_folders, complete)
                    .map(|why| (entry, why))
            })
            .collect();
        stale.sort_by(|(a, _), (b, _)| {
            (&a.source, a.entry, &a.pointer, &a.rule, &a.fingerprint).cmp(&(
                &b.source,
                b.entry,
                &b.pointer,
                &b.rule,
                &b.fingerprint,
            ))
        });
        stale
            .into_iter()
            .map(|(entry, why)| {
                let (rule, source, at, pointer) = (
                    &entry.rule,
                    &entry.source,
                    entry.entry,
                    entry.pointer.as_str(),
                );
                let mut finding = match why {
                    Stale::NoLongerOccurs => {
                        crate::rules::config::stale_baseline_entry(rule, source, at, pointer)
                    }
                    Stale::Gone(input) => {
                        crate::rules::config::gone_baseline_entry(rule, source, at, pointer, input)
                    }
                };
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
        assert!(same.stale("b.json", true).is_empty());
        let mut other = recorded.hider();
        other.checked("a.json");
        assert!(
            !other.hides(&finding(Some("bbbb"))),
            "a different value is a new finding"
        );
        assert_eq!(other.stale("b.json", true).len(), 1, "stale");
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
            unchecked.stale("b.json", true).is_empty(),
            "entries of inputs not checked are not stale"
        );
    }

    fn recorded_at(source: &str, entry: Option<u64>) -> Finding {
        let mut f = finding(Some("aaaa"));
        source.clone_into(&mut f.source);
        f.entry = entry;
        f
    }

    fn scope(paths: &[&str], glob: &[&str], exclude: &[&str]) -> Scope {
        let owned = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        Scope::new(
            &paths
                .iter()
                .map(std::path::PathBuf::from)
                .collect::<Vec<_>>(),
            false,
            &owned(glob),
            &owned(exclude),
        )
    }

    fn messages(stale: &[Finding]) -> Vec<String> {
        stale.iter().map(|f| f.message.clone()).collect()
    }

    #[test]
    fn entries_of_inputs_gone_from_the_scope_are_stale_and_others_are_not_judged() {
        let recorded = Baseline::of(
            [
                recorded_at("captures/b.json", None),
                recorded_at("captures/a.json", None),
                recorded_at("captures/x.zip!/bodies/1.json", None),
                recorded_at("captures/old/c.ndjson", Some(3)),
                recorded_at("captures/.hidden.json", None),
                recorded_at("captures/node_modules/d.json", None),
                recorded_at("captures/notes.txt", None),
                recorded_at("elsewhere/e.json", None),
            ]
            .iter(),
        );
        let mut hider = recorded.clone().hider();
        hider.scope(&scope(&["captures"], &[], &[]));
        hider.checked("captures/a.json");
        assert!(hider.hides(&recorded_at("captures/a.json", None)));
        let stale = hider.stale("base.json", true);
        assert!(stale.iter().all(|f| f.source == "base.json"));
        assert_eq!(
            messages(&stale),
            [
                "the baseline records DT201 at captures/b.json /result/boss but captures/b.json is gone: it is within the paths checked and was not read",
                "the baseline records DT201 at captures/old/c.ndjson entry 3 /result/boss but captures/old/c.ndjson is gone: it is within the paths checked and was not read",
                "the baseline records DT201 at captures/x.zip!/bodies/1.json /result/boss but captures/x.zip is gone: it is within the paths checked and was not read",
            ],
            "sorted by source; hidden, dependency and non-capture paths are not walked to"
        );
        assert!(
            hider.stale("base.json", false).is_empty(),
            "an interrupted run judges only what it read"
        );
        // --exclude and --glob narrow the scope as they narrow the walk.
        let mut narrowed = recorded.clone().hider();
        narrowed.scope(&scope(&["captures/"], &["*.json"], &["old"]));
        let gone: Vec<String> = narrowed
            .stale("base.json", true)
            .iter()
            .map(|f| f.message.split(' ').nth(5).unwrap_or_default().to_owned())
            .collect();
        assert_eq!(gone, ["captures/a.json", "captures/b.json"]);
        // An archive read: its members' entries no longer occur.
        let mut archive = recorded.hider();
        archive.checked("captures/x.zip");
        assert_eq!(
            messages(&archive.stale("base.json", true)),
            ["the baseline records DT201 at captures/x.zip!/bodies/1.json /result/boss but it no longer occurs"]
        );
    }

    #[test]
    fn a_body_kept_beside_a_har_checked_is_read_through_it() {
        let side = format!("captures/{}.json", "0a".repeat(20));
        let recorded = Baseline::of([recorded_at(&side, None)].iter());
        let mut hider = recorded.clone().hider();
        hider.scope(&scope(&["captures"], &[], &[]));
        hider.checked("captures/run.har");
        let stale = hider.stale("base.json", true);
        assert!(
            stale[0].message.ends_with("but it no longer occurs"),
            "{stale:?}"
        );
        let mut gone = recorded.hider();
        gone.scope(&scope(&["captures"], &[], &[]));
        let stale = gone.stale("base.json", true);
        assert!(stale[0].message.contains("is gone"), "{stale:?}");
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

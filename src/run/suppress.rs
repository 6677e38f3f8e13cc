//! Applies the profile's `[[ignore]]` suppressions and reports those that hid nothing (DT902).

use crate::finding::Finding;
use crate::json::Location;

/// A suppression ready to match findings.
#[derive(Debug, Clone)]
pub struct Suppress {
    /// The codes it hides.
    pub rules: Vec<&'static str>,
    /// When set, only findings whose pointer matches.
    pub pointer: Option<globset::GlobMatcher>,
    /// When set, only findings whose input path matches: as the run names it, or relative to
    /// [`Suppress::folder`].
    pub path: Option<globset::GlobMatcher>,
    /// The folder of a profile found where the captures are (not given by name): `path` also
    /// matches the input's path relative to it, as ruff resolves a found configuration's paths
    /// relative to its folder.
    pub folder: Option<std::path::PathBuf>,
    /// The profile file and the line of the `[[ignore]]` table, for DT902.
    pub profile: String,
    /// 1-based line of the table in the profile.
    pub line: usize,
    /// 1-based column of the table in the profile.
    pub column: usize,
    /// The suppression in words, for DT902's message.
    pub summary: String,
}

fn matches(s: &Suppress, finding: &Finding) -> bool {
    s.rules.contains(&finding.rule.code)
        && s.pointer
            .as_ref()
            .is_none_or(|g| g.is_match(finding.pointer.as_str()))
        && s.path.as_ref().is_none_or(|g| {
            g.is_match(&finding.source)
                || s.folder.as_deref().is_some_and(|folder| {
                    std::path::Path::new(&finding.source)
                        .strip_prefix(folder)
                        .is_ok_and(|relative| g.is_match(relative))
                })
        })
}

/// The suppressions of a run, remembering which of them hid something.
#[derive(Debug)]
pub struct Suppressions<'a> {
    list: &'a [Suppress],
    used: Vec<bool>,
}

impl<'a> Suppressions<'a> {
    /// The profile's suppressions, none used yet.
    pub fn new(list: &'a [Suppress]) -> Self {
        Self {
            list,
            used: vec![false; list.len()],
        }
    }

    /// Whether a suppression hides this (named) finding.
    pub fn hides(&mut self, finding: &Finding) -> bool {
        match self.list.iter().position(|s| matches(s, finding)) {
            Some(i) => {
                self.used[i] = true;
                true
            }
            None => false,
        }
    }

    /// The profile the suppressions come from, where their findings are reported.
    pub fn profile(&self) -> Option<&str> {
        self.list.first().map(|s| s.profile.as_str())
    }

    /// A DT902 finding for each suppression that hid nothing, at its table in the profile.
    pub fn unused(&self) -> Vec<Finding> {
        self.list
            .iter()
            .zip(&self.used)
            .filter(|(_, used)| !**used)
            .map(|(s, _)| {
                let mut finding = crate::rules::config::unused_suppression(&s.summary);
                s.profile.clone_into(&mut finding.source);
                finding.position = Some(Location::point(0, s.line, s.column));
                finding
            })
            .collect()
    }
}

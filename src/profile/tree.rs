//! Profiles where the captures are, as ruff's hierarchical configuration: a `dtlint.toml`
//! judges the inputs in its folder and below, the closest one to an input wins (profiles are
//! not merged), and an input with none between it and the current folder is judged by the
//! run's own profile (the one found from the current folder up). A profile given by name
//! (`--profile`, ruff's `--config`) or none (`--no-profile`) judges every input; values given
//! (flags, arguments) win over every profile.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{resolve, Overrides, ProfileChoice, Resolved, SettingsError, PROFILE_NAME};
use crate::run::exit::Judge;
use crate::run::Collected;
use crate::{Caller, Settings};

/// The profiles of a run: the run's own first, then each `dtlint.toml` found closer to an
/// input or met in a folder walked. Each target of the run's [`Collected`] names the one that
/// judges it ([`crate::run::Target::profile`]).
///
/// ```no_run
/// use dtlint::profile::{Overrides, ProfileChoice, Profiles};
/// use dtlint::run::{collect, WalkOptions};
///
/// let mut collected = collect(&["captures".into()], &WalkOptions::default());
/// let start = std::env::current_dir().unwrap();
/// let profiles =
///     Profiles::resolve(&ProfileChoice::Search(start), &Overrides::default(), &mut collected)
///         .unwrap();
/// for (resolved, inputs) in profiles.in_use() {
///     println!("{:?} judges {inputs} inputs", resolved.profile);
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Profiles {
    /// Every profile read, resolved with the values given; the first is the run's own.
    pub list: Vec<Resolved>,
    /// How many inputs each judges.
    inputs: Vec<u64>,
    /// Each profile's file as reports name it.
    names: Vec<Option<String>>,
}

impl Profiles {
    /// One profile for every input of `collected`.
    pub fn one(resolved: Resolved, collected: &mut Collected) -> Self {
        for target in &mut collected.targets {
            target.profile = 0;
        }
        Self {
            names: vec![name(&resolved)],
            list: vec![resolved],
            inputs: vec![collected.targets.len() as u64],
        }
    }

    /// Resolves the run's own profile as [`resolve`] does, then, when `choice` is a search,
    /// the profiles closer to each input of `collected` ([`Profiles::assign`]).
    ///
    /// # Errors
    /// An unreadable or invalid profile, the run's own or one found, or a selector or
    /// severity given that names nothing.
    pub fn resolve(
        choice: &ProfileChoice,
        given: &Overrides,
        collected: &mut Collected,
    ) -> Result<Self, SettingsError> {
        let own = resolve(choice, given)?;
        Self::assign(own, choice, given, collected)
    }

    /// With `own` resolved from `choice`: when `choice` is a search, each input of
    /// `collected` is judged by the closest `dtlint.toml` in its folder or a parent below the
    /// current folder, else by `own`; every profile met in a folder walked is read too, so a
    /// bad one fails the run before anything is read, whether it judges an input or not. Any
    /// other choice judges every input by `own`.
    ///
    /// # Errors
    /// A profile found that cannot be read or holds a bad value.
    pub fn assign(
        own: Resolved,
        choice: &ProfileChoice,
        given: &Overrides,
        collected: &mut Collected,
    ) -> Result<Self, SettingsError> {
        let ProfileChoice::Search(start) = choice else {
            return Ok(Self::one(own, collected));
        };
        let mut known = vec![own.profile.as_ref().map(|p| identity(&start.join(p)))];
        let mut profiles = Self {
            names: vec![name(&own)],
            list: vec![own],
            inputs: vec![0],
        };
        let mut closest = Closest::default();
        for target in &mut collected.targets {
            let index = match target.path().and_then(|path| closest.of(path)) {
                Some(path) => profiles.index(path, given, &mut known)?,
                None => 0,
            };
            target.profile = index;
            profiles.inputs[index] += 1;
        }
        for path in &collected.profiles {
            profiles.index(path.clone(), given, &mut known)?;
        }
        if profiles.list.len() > 1 {
            // One run, one time: every profile judges dates against the same reading.
            let now = crate::engine::pipeline::read_clock();
            for resolved in &mut profiles.list {
                let _ = resolved.settings.clock.set(now);
            }
        }
        Ok(profiles)
    }

    /// The index of the profile at `path`, read and resolved the first time it is met.
    fn index(
        &mut self,
        path: PathBuf,
        given: &Overrides,
        known: &mut Vec<Option<PathBuf>>,
    ) -> Result<usize, SettingsError> {
        let key = Some(identity(&path));
        if let Some(index) = known.iter().position(|k| *k == key) {
            return Ok(index);
        }
        let resolved = super::resolve_found(path, given)?;
        self.names.push(name(&resolved));
        self.list.push(resolved);
        self.inputs.push(0);
        known.push(key);
        Ok(self.list.len() - 1)
    }

    /// The run's own profile: the one given, or found from the current folder up.
    pub fn own(&self) -> &Resolved {
        &self.list[0]
    }

    /// The settings of every profile, in the order targets name them, for
    /// [`crate::run::check_all`].
    pub fn settings(&self) -> Vec<&Settings> {
        self.list.iter().map(|r| &r.settings).collect()
    }

    /// Every profile's settings, to change what the run needs of each (`observe`, `needs`).
    pub fn settings_mut(&mut self) -> impl Iterator<Item = &mut Settings> {
        self.list.iter_mut().map(|r| &mut r.settings)
    }

    /// What judges each profile's inputs at the run's exit, in the order targets name them,
    /// for [`crate::run::exit::Exit::judged`].
    pub fn judges(&self) -> Vec<Judge<'_>> {
        self.list
            .iter()
            .zip(&self.names)
            .map(|(r, name)| Judge {
                selection: &r.settings.selection,
                suppressions: &r.suppressions,
                profile: name.as_deref(),
                deny_warnings: r.deny_warnings,
            })
            .collect()
    }

    /// The profiles that judge at least one input, with how many; the run's own when none
    /// does (a run with no input).
    pub fn in_use(&self) -> Vec<(&Resolved, u64)> {
        let used: Vec<_> = self
            .list
            .iter()
            .zip(&self.inputs)
            .filter(|(_, n)| **n > 0)
            .map(|(r, n)| (r, *n))
            .collect();
        if used.is_empty() {
            vec![(self.own(), 0)]
        } else {
            used
        }
    }

    /// Every profile read, with the inputs it judges (`--verbose`).
    pub fn read(&self) -> impl Iterator<Item = (&Resolved, u64)> {
        self.list.iter().zip(self.inputs.iter().copied())
    }

    /// Two profiles in use that name different callers, when there are: `dtlint audit`
    /// audits one caller.
    pub fn callers_differ(&self) -> Option<(&Resolved, &Resolved)> {
        let used = self.in_use();
        let (first, _) = used.first()?;
        used.iter()
            .find(|(r, _)| r.settings.caller != first.settings.caller)
            .map(|(r, _)| (*first, *r))
    }

    /// The caller every profile in use names (the run's own's when they differ; see
    /// [`Profiles::callers_differ`]).
    pub fn caller(&self) -> &Caller {
        &self.in_use()[0].0.settings.caller
    }

    /// What the run says about its settings before it reads anything: the rules that cannot
    /// run for want of an app type ([`Profiles::unmet`]), then which profile judged how many
    /// inputs ([`Profiles::judged`]).
    pub fn notes(&self) -> Vec<String> {
        let mut notes = self.unmet();
        notes.extend(self.judged());
        notes
    }

    /// The rules that cannot run for want of an app type, said once, or for each profile in
    /// use that gives none: what a user should hear even when the report goes to a program.
    pub fn unmet(&self) -> Vec<String> {
        let used = self.in_use();
        let mut notes = Vec::new();
        if let [(only, _)] = used.as_slice() {
            notes.extend(crate::run::settings_note(&only.settings));
        } else {
            for (resolved, inputs) in &used {
                let waiting = crate::run::waiting_for_app_type(&resolved.settings);
                if waiting.is_empty() {
                    continue;
                }
                let inputs = counted(*inputs);
                notes.push(match resolved.profile.as_deref() {
                    Some(profile) => format!(
                        "no app type given in {}: {} did not run for its {inputs} (set app-type in it or pass --app-type internal|third-party)",
                        profile.display(),
                        waiting.join(", ")
                    ),
                    None => format!(
                        "no app type given: {} did not run for the {inputs} judged with no profile (pass --app-type internal|third-party or set app-type in a dtlint.toml)",
                        waiting.join(", ")
                    ),
                });
            }
        }
        notes
    }

    /// Which profile judged how many inputs, when any did.
    pub fn judged(&self) -> Option<String> {
        let used = self.in_use();
        let total: u64 = used.iter().map(|(_, n)| n).sum();
        match used.as_slice() {
            _ if total == 0 => None,
            [(only, _)] => only
                .profile
                .as_ref()
                .map(|profile| format!("judged with {}", profile.display())),
            several => {
                let each: Vec<String> = several
                    .iter()
                    .map(|(r, n)| {
                        let name = r
                            .profile
                            .as_deref()
                            .map_or_else(|| "no profile".to_owned(), |p| p.display().to_string());
                        format!("{name} ({})", counted(*n))
                    })
                    .collect();
                Some(format!("judged with {}", each.join(", ")))
            }
        }
    }
}

/// A profile's file as reports name it.
fn name(resolved: &Resolved) -> Option<String> {
    resolved.profile.as_ref().map(|p| p.display().to_string())
}

/// `1 input`, `3 inputs`.
fn counted(n: u64) -> String {
    format!("{n} {}", crate::report::plural(n, "input", "inputs"))
}

/// What tells two names of one file apart from two files: its canonical path, when it has one.
fn identity(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// The closest profile of each folder met, remembered.
#[derive(Default)]
struct Closest {
    known: HashMap<PathBuf, Option<PathBuf>>,
}

impl Closest {
    /// The closest `dtlint.toml` to the input at `path` in its folder or a parent, named from
    /// `path` (`samples/third-party/dtlint.toml`). The parents are those of the path as
    /// written: for a relative path, the folders down from the current one, whose own profile
    /// (searched from the current folder up) is the run's; a `..` is gone up no further.
    fn of(&mut self, path: &Path) -> Option<PathBuf> {
        let mut passed = Vec::new();
        let mut folder = path.parent();
        let found = loop {
            let Some(at) = folder else { break None };
            if at.as_os_str().is_empty() || at == Path::new(".") {
                break None;
            }
            if let Some(known) = self.known.get(at) {
                break known.clone();
            }
            passed.push(at.to_path_buf());
            let candidate = at.join(PROFILE_NAME);
            if candidate.is_file() {
                break Some(candidate);
            }
            if at.ends_with("..") {
                break None;
            }
            folder = at.parent();
        };
        for at in passed {
            self.known.insert(at, found.clone());
        }
        found
    }
}

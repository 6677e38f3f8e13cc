//! A run's settings from a profile file (`dtlint.toml`) and values that override it: the
//! command line's flags, or a library or Python caller's arguments. Both read profiles here, so
//! they agree on every key, on precedence (a value given wins over the file's) and on errors.
//!
//! ```
//! use dtlint::profile::{resolve, Overrides, ProfileChoice};
//! use dtlint::AppType;
//!
//! let mut overrides = Overrides::default();
//! overrides.app_type = Some(AppType::Internal);
//! overrides.severity = vec!["DT107=info".to_owned()];
//! let resolved = resolve(&ProfileChoice::None, &overrides).unwrap();
//! assert_eq!(resolved.settings.caller.app_type, Some(AppType::Internal));
//!
//! let error = resolve(&ProfileChoice::File("missing/dtlint.toml".into()), &overrides).unwrap_err();
//! assert!(error.message.starts_with("cannot read the profile missing/dtlint.toml"));
//! ```

mod file;
mod tree;

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

pub use file::PROFILE_NAME;
pub use tree::Profiles;

use crate::rules::selection::{matching, parse_severity_override, Selection};
use crate::run::suppress::Suppress;
use crate::{AppType, BodyShape, Caller, Language, Permission, Settings, Severity};

/// Which profile file a run reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileChoice {
    /// The first `dtlint.toml` in this folder or its parents, if any, named relative to it
    /// (`dtlint.toml`, `../dtlint.toml`) so that reports carry no absolute paths.
    Search(PathBuf),
    /// This file; an error if it cannot be read.
    File(PathBuf),
    /// None.
    None,
}

/// Values that win over the profile's: flags on the command line, arguments from a library
/// or Python caller. Empty lists and `None` leave the profile's value.
#[non_exhaustive]
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// The calling app's type.
    pub app_type: Option<AppType>,
    /// The Contacts permissions the app holds (they replace the profile's list).
    pub permissions: Vec<Permission>,
    /// The caller's own organization, for Enterprise Account rules.
    pub corp_id: Option<String>,
    /// The language requests asked for.
    pub language: Option<Language>,
    /// Whether bodies are whole answers or `result` objects alone.
    pub body_shape: Option<BodyShape>,
    /// Run only these rules (codes, prefixes, names or categories); replaces the profile's.
    pub select: Vec<String>,
    /// Run these rules too.
    pub extend_select: Vec<String>,
    /// Do not run these rules.
    pub ignore: Vec<String>,
    /// Severity changes as `RULE=LEVEL`, after the profile's.
    pub severity: Vec<String>,
    /// Warnings fail the run (or the profile says so).
    pub deny_warnings: bool,
    /// Show personal values unmasked in snippets.
    pub show_values: bool,
}

/// Why flags and a profile could not be resolved into settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError {
    /// What is wrong, naming the flag, or the profile and its key.
    pub message: String,
    /// What to do about it, when the message alone does not say.
    pub help: Option<String>,
    /// The profile the error lies in, when it lies in one.
    pub profile: Option<Box<ProfileText>>,
    /// The profile file the error is about, also when it could not be read.
    pub file: Option<PathBuf>,
}

/// A profile's name and text, and where in it an error lies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileText {
    /// The profile's path, as given or found.
    pub name: String,
    /// The whole text of the profile.
    pub text: String,
    /// The bytes of the offending value, when known.
    pub span: Option<Range<usize>>,
}

impl SettingsError {
    pub(crate) fn new(message: String) -> Self {
        Self {
            message,
            help: None,
            profile: None,
            file: None,
        }
    }
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SettingsError {}

impl ProfileText {
    /// The 1-based line and column (in characters) where the error lies, when known.
    pub fn line_column(&self) -> Option<(usize, usize)> {
        self.span
            .as_ref()
            .map(|span| line_column(&self.text, span.start))
    }
}

/// The 1-based line and column (in characters) of byte `offset` of `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// What a run checks with, beyond its rule settings.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The settings checks run with.
    pub settings: Settings,
    /// Whether warnings fail the run (flag or profile).
    pub deny_warnings: bool,
    /// The profile's `[[ignore]]` tables, ready to match.
    pub suppressions: Vec<Suppress>,
    /// The profile read, as reports name it.
    pub profile: Option<PathBuf>,
}

/// Resolves a profile and the values that override it into the settings of a run.
///
/// # Errors
/// An unreadable or invalid profile, or a selector or severity that names nothing.
pub fn resolve(choice: &ProfileChoice, given: &Overrides) -> Result<Resolved, SettingsError> {
    match choice {
        ProfileChoice::File(path) => resolve_at(Some(path.clone()), false, given),
        ProfileChoice::Search(start) => resolve_at(file::find_profile(start), true, given),
        ProfileChoice::None => resolve_at(None, false, given),
    }
}

/// Resolves a profile found where the captures are ([`Profiles`]).
fn resolve_found(path: PathBuf, given: &Overrides) -> Result<Resolved, SettingsError> {
    resolve_at(Some(path), true, given)
}

/// Resolves the profile at `path`, if any; `found` when it was found rather than given, so that
/// its `[[ignore]]` paths also match relative to its folder, as ruff resolves a found
/// configuration's paths.
fn resolve_at(
    path: Option<PathBuf>,
    found: bool,
    given: &Overrides,
) -> Result<Resolved, SettingsError> {
    let loaded = path.as_deref().map(file::load).transpose()?;
    let empty = file::Profile::default();
    let profile = loaded.as_ref().map_or(&empty, |l| &l.profile);

    let caller = Caller {
        app_type: given.app_type.or(profile.app_type),
        permissions: if given.permissions.is_empty() {
            profile.permissions.iter().copied().collect()
        } else {
            given.permissions.iter().copied().collect()
        },
        corp_id: given.corp_id.clone().or_else(|| profile.corp_id.clone()),
    };

    let mut select = Vec::new();
    let mut extend = Vec::new();
    let mut ignore = Vec::new();
    let mut severities: Vec<(String, Severity)> = Vec::new();
    if let Some(loaded) = &loaded {
        let rules = &loaded.profile.rules;
        select = file::selectors(loaded, "rules.select", &rules.select)?;
        extend = file::selectors(loaded, "rules.extend-select", &rules.extend_select)?;
        ignore = file::selectors(loaded, "rules.ignore", &rules.ignore)?;
        for (rule, level) in &rules.severity {
            let key = format!("rules.severity.{rule}");
            matching(rule).map_err(|m| file::value_error(loaded, level.span(), &key, &m))?;
            let severity = Severity::parse(level.get_ref()).ok_or_else(|| {
                file::value_error(loaded, level.span(), &key, "use error, warning or info")
            })?;
            severities.push((rule.clone(), severity));
        }
    }
    if !given.select.is_empty() {
        select.clone_from(&given.select);
    }
    extend.extend(given.extend_select.iter().cloned());
    ignore.extend(given.ignore.iter().cloned());
    for text in &given.severity {
        severities.push(
            parse_severity_override(text)
                .map_err(|m| SettingsError::new(format!("--severity {text}: {m}")))?,
        );
    }
    let selection = Selection::resolve(&select, &extend, &ignore, &severities)
        .map_err(|m| SettingsError::new(format!("invalid rule selection: {m}")))?;
    let mut suppressions = Vec::new();
    if let Some(loaded) = &loaded {
        let folder = found.then(|| loaded.path.parent().unwrap_or(Path::new("")));
        for item in &loaded.profile.ignore {
            suppressions.push(file::suppression(loaded, item, folder)?);
        }
    }
    let settings = Settings {
        caller,
        selection,
        language: given.language.or(profile.language),
        body_shape: given.body_shape.or(profile.body_shape).unwrap_or_default(),
        show_values: given.show_values,
        ..Settings::default()
    };
    Ok(Resolved {
        suppressions,
        // No time: the clock is read only if a rule about dates runs, once for the run.
        settings,
        deny_warnings: given.deny_warnings || profile.rules.deny_warnings,
        profile: path,
    })
}

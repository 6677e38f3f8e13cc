//! Flags plus the profile file (`dtlint.toml`) resolved into one `Settings`; profile errors name the key and the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use miette::{miette, LabeledSpan, NamedSource, Report};
use serde::Deserialize;
use toml::Spanned;

use crate::caller::{AppType, Caller, Permission};
use crate::check::{now_ms, Settings};
use crate::cli::SettingsArgs;
use crate::finding::Severity;
use crate::selection::{matching, parse_severity_override, Selection};

/// The profile file dtlint looks for in the current folder and its parents.
pub const PROFILE_NAME: &str = "dtlint.toml";

/// A profile file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Profile {
    pub app_type: Option<AppType>,
    #[serde(default)]
    pub permissions: Vec<Permission>,
    pub corp_id: Option<String>,
    #[serde(default)]
    pub rules: RulesTable,
}

/// The profile's `[rules]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RulesTable {
    #[serde(default)]
    pub select: Vec<Spanned<String>>,
    #[serde(default)]
    pub extend_select: Vec<Spanned<String>>,
    #[serde(default)]
    pub ignore: Vec<Spanned<String>>,
    #[serde(default)]
    pub severity: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub deny_warnings: bool,
}

/// A profile file with its text, for errors that point into it.
struct Loaded {
    path: PathBuf,
    text: String,
    profile: Profile,
}

/// What `dtlint check` runs with, beyond the rule settings.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub settings: Settings,
    pub deny_warnings: bool,
    /// The profile file used, if any.
    pub profile: Option<PathBuf>,
}

/// Finds `dtlint.toml` in `start` or its parents.
pub fn find_profile(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(PROFILE_NAME))
        .find(|p| p.is_file())
}

fn load(path: &Path) -> Result<Loaded, Report> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| miette!("cannot read the profile {}: {e}", path.display()))?;
    let profile = toml::from_str::<Profile>(&text).map_err(|error| {
        let mut report = miette!(
            labels = error.span().map(|s| LabeledSpan::at(s, "here")).into_iter().collect::<Vec<_>>(),
            help = "keys: app-type, permissions, corp-id, [rules] select, extend-select, ignore, severity, deny-warnings",
            "invalid profile {}: {}",
            path.display(),
            error.message()
        );
        report = report.with_source_code(NamedSource::new(path.display().to_string(), text.clone()));
        report
    })?;
    Ok(Loaded {
        path: path.to_path_buf(),
        text,
        profile,
    })
}

/// An error about a value of the profile, pointing at it.
fn value_error(loaded: &Loaded, span: std::ops::Range<usize>, key: &str, message: &str) -> Report {
    miette!(
        labels = vec![LabeledSpan::at(span, "here")],
        "invalid profile {}: `{key}`: {message}",
        loaded.path.display()
    )
    .with_source_code(NamedSource::new(
        loaded.path.display().to_string(),
        loaded.text.clone(),
    ))
}

fn selectors(loaded: &Loaded, key: &str, list: &[Spanned<String>]) -> Result<Vec<String>, Report> {
    list.iter()
        .map(|item| {
            matching(item.get_ref())
                .map(|_| item.get_ref().clone())
                .map_err(|message| value_error(loaded, item.span(), key, &message))
        })
        .collect()
}

/// Resolves flags and profile into the settings of a run; flags win over the file.
///
/// # Errors
/// An unreadable or invalid profile, or a selector or severity that names nothing.
pub fn resolve(args: &SettingsArgs) -> Result<Resolved, Report> {
    let path = match &args.profile {
        Some(path) => Some(path.clone()),
        None if args.no_profile => None,
        None => std::env::current_dir()
            .ok()
            .and_then(|dir| find_profile(&dir)),
    };
    let loaded = path.as_deref().map(load).transpose()?;
    let empty = Profile::default();
    let profile = loaded.as_ref().map_or(&empty, |l| &l.profile);

    let caller = Caller {
        app_type: args.app_type.or(profile.app_type),
        permissions: if args.permission.is_empty() {
            profile.permissions.iter().copied().collect()
        } else {
            args.permission.iter().copied().collect()
        },
        corp_id: args.corp_id.clone().or_else(|| profile.corp_id.clone()),
    };

    let mut select = Vec::new();
    let mut extend = Vec::new();
    let mut ignore = Vec::new();
    let mut severities: Vec<(String, Severity)> = Vec::new();
    if let Some(loaded) = &loaded {
        let rules = &loaded.profile.rules;
        select = selectors(loaded, "rules.select", &rules.select)?;
        extend = selectors(loaded, "rules.extend-select", &rules.extend_select)?;
        ignore = selectors(loaded, "rules.ignore", &rules.ignore)?;
        for (rule, level) in &rules.severity {
            let key = format!("rules.severity.{rule}");
            matching(rule).map_err(|m| value_error(loaded, level.span(), &key, &m))?;
            let severity = Severity::parse(level.get_ref()).ok_or_else(|| {
                value_error(loaded, level.span(), &key, "use error, warning or info")
            })?;
            severities.push((rule.clone(), severity));
        }
    }
    if !args.select.is_empty() {
        select.clone_from(&args.select);
    }
    extend.extend(args.extend_select.iter().cloned());
    ignore.extend(args.ignore.iter().cloned());
    for text in &args.severity {
        severities
            .push(parse_severity_override(text).map_err(|m| miette!("--severity {text}: {m}"))?);
    }
    let selection = Selection::resolve(&select, &extend, &ignore, &severities)
        .map_err(|m| miette!("invalid rule selection: {m}"))?;
    Ok(Resolved {
        settings: Settings {
            caller,
            selection,
            now_ms: now_ms(),
            show_values: args.show_values,
        },
        deny_warnings: args.deny_warnings() || profile.rules.deny_warnings,
        profile: path,
    })
}

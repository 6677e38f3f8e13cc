//! Flags plus the profile file (`dtlint.toml`) resolved into one `Settings`; profile errors name the key and the file.
//!
//! Errors are plain data ([`SettingsError`]): the command line draws them with miette, pointing
//! into the profile.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use dtlint::rules::selection::{matching, parse_severity_override, Selection};
use dtlint::run::suppress::Suppress;
use dtlint::BodyShape;
use dtlint::Language;
use dtlint::Settings;
use dtlint::Severity;
use dtlint::{AppType, Caller, Permission};

/// The profile file dtlint looks for in the current folder and its parents.
const PROFILE_NAME: &str = "dtlint.toml";

/// Who calls the API and which rules run; shared by the commands that check.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SettingsArgs {
    /// The calling app's type.
    #[arg(long, value_enum)]
    pub app_type: Option<AppType>,
    /// A Contacts permission the app holds (repeatable).
    #[arg(long, value_enum)]
    pub permission: Vec<Permission>,
    /// The caller's own organization (corp id), for Enterprise Account rules.
    #[arg(long, value_name = "CORP_ID")]
    pub corp_id: Option<String>,
    /// The language the captured requests asked for (zh_CN or en_US); a HAR entry's own request wins.
    #[arg(long, value_enum, value_name = "LANGUAGE")]
    pub language: Option<Language>,
    /// Whether bodies are whole answers or `result` objects alone (logged `rsp.getResult()`);
    /// `auto` tells them apart.
    #[arg(long, value_enum, value_name = "SHAPE")]
    pub body_shape: Option<BodyShape>,
    /// Profile file to use instead of the dtlint.toml found in this folder or its parents.
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// Ignore any dtlint.toml.
    #[arg(long, conflicts_with = "profile")]
    pub no_profile: bool,
    /// Run only these rules: codes, code prefixes, names or categories (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Run these rules in addition to the selected ones.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub extend_select: Vec<String>,
    /// Do not run these rules.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Change a rule's severity, e.g. DT107=info (repeatable).
    #[arg(long, value_name = "RULE=LEVEL")]
    pub severity: Vec<String>,
    /// Make warnings fail the run.
    #[arg(long, value_enum)]
    pub deny: Vec<Deny>,
    /// Show personal values (mobile, email, ...) in snippets instead of masking them; tokens stay redacted.
    #[arg(long)]
    pub show_values: bool,
}

impl SettingsArgs {
    /// Whether warnings fail the run (`--deny warnings`).
    pub fn deny_warnings(&self) -> bool {
        self.deny.contains(&Deny::Warnings)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
/// What `--deny` makes fail a run beyond errors.
pub enum Deny {
    /// Warnings fail the run as errors do.
    Warnings,
}

/// A profile file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Profile {
    pub app_type: Option<AppType>,
    #[serde(default)]
    pub permissions: Vec<Permission>,
    pub corp_id: Option<String>,
    /// `zh_CN` or `en_US`, as the request parameter spells it.
    pub language: Option<Language>,
    /// `auto`, `envelope` or `result`.
    pub body_shape: Option<BodyShape>,
    #[serde(default)]
    pub rules: RulesTable,
    /// `[[ignore]]` tables: findings to hide, each with a reason.
    #[serde(default)]
    pub ignore: Vec<Spanned<Suppression>>,
}

/// One `[[ignore]]` table of a profile.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Suppression {
    /// A rule code, code prefix, name or category.
    pub rule: String,
    /// A glob over the finding's pointer, e.g. `/result/legacy_*`.
    pub pointer: Option<String>,
    /// A glob over the input's path, e.g. `captures/legacy/**`.
    pub path: Option<String>,
    /// Why these findings are accepted; required, so that every suppression explains itself.
    pub reason: String,
}

/// The profile's `[rules]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RulesTable {
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

/// Why flags and a profile could not be resolved into settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError {
    /// What is wrong, naming the flag, or the profile and its key.
    pub message: String,
    /// What to do about it, when the message alone does not say.
    pub help: Option<String>,
    /// The profile the error lies in, when it lies in one.
    pub profile: Option<ProfileText>,
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
    fn new(message: String) -> Self {
        Self {
            message,
            help: None,
            profile: None,
        }
    }
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SettingsError {}

/// A profile file with its text, for errors that point into it.
struct Loaded {
    path: PathBuf,
    text: String,
    profile: Profile,
}

/// What `dtlint check` runs with, beyond the rule settings.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The settings checks run with.
    pub settings: Settings,
    /// Whether warnings fail the run (flag or profile).
    pub deny_warnings: bool,
    /// The profile's `[[ignore]]` tables, ready to match.
    pub suppressions: Vec<Suppress>,
}

/// Finds `dtlint.toml` in `start` or its parents, named relative to `start` (`dtlint.toml`,
/// `../dtlint.toml`) so reports carry no absolute paths.
fn find_profile(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .enumerate()
        .find(|(_, dir)| dir.join(PROFILE_NAME).is_file())
        .map(|(up, _)| {
            let mut path = PathBuf::new();
            for _ in 0..up {
                path.push("..");
            }
            path.join(PROFILE_NAME)
        })
}

fn load(path: &Path) -> Result<Loaded, SettingsError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        SettingsError::new(format!("cannot read the profile {}: {e}", path.display()))
    })?;
    let profile = toml::from_str::<Profile>(&text).map_err(|error| SettingsError {
        message: format!("invalid profile {}: {}", path.display(), error.message()),
        help: Some("keys: app-type, permissions, corp-id, language, body-shape, [rules] select, extend-select, ignore, severity, deny-warnings, [[ignore]] rule, pointer, path, reason".to_owned()),
        profile: Some(ProfileText {
            name: path.display().to_string(),
            text: text.clone(),
            span: error.span(),
        }),
    })?;
    Ok(Loaded {
        path: path.to_path_buf(),
        text,
        profile,
    })
}

/// An error about a value of the profile, pointing at it.
fn value_error(loaded: &Loaded, span: Range<usize>, key: &str, message: &str) -> SettingsError {
    SettingsError {
        message: format!(
            "invalid profile {}: `{key}`: {message}",
            loaded.path.display()
        ),
        help: None,
        profile: Some(ProfileText {
            name: loaded.path.display().to_string(),
            text: loaded.text.clone(),
            span: Some(span),
        }),
    }
}

fn selectors(
    loaded: &Loaded,
    key: &str,
    list: &[Spanned<String>],
) -> Result<Vec<String>, SettingsError> {
    list.iter()
        .map(|item| {
            matching(item.get_ref())
                .map(|_| item.get_ref().clone())
                .map_err(|message| value_error(loaded, item.span(), key, &message))
        })
        .collect()
}

fn glob(
    loaded: &Loaded,
    span: Range<usize>,
    key: &str,
    pattern: &str,
) -> Result<globset::GlobMatcher, SettingsError> {
    globset::GlobBuilder::new(pattern)
        .literal_separator(false)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| value_error(loaded, span, key, &e.to_string()))
}

fn suppression(loaded: &Loaded, item: &Spanned<Suppression>) -> Result<Suppress, SettingsError> {
    let span = item.span();
    let s = item.get_ref();
    let rules =
        matching(&s.rule).map_err(|m| value_error(loaded, span.clone(), "ignore.rule", &m))?;
    if s.reason.trim().is_empty() {
        return Err(value_error(
            loaded,
            span,
            "ignore.reason",
            "say why these findings are accepted",
        ));
    }
    let prefix = &loaded.text[..span.start.min(loaded.text.len())];
    let line = prefix.matches('\n').count() + 1;
    let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Ok(Suppress {
        rules: rules.iter().map(|r| r.code).collect(),
        pointer: s
            .pointer
            .as_deref()
            .map(|p| glob(loaded, span.clone(), "ignore.pointer", p))
            .transpose()?,
        path: s
            .path
            .as_deref()
            .map(|p| glob(loaded, span.clone(), "ignore.path", p))
            .transpose()?,
        profile: loaded.path.display().to_string(),
        line,
        column,
        summary: format!(
            "rule {}{}{}",
            s.rule,
            s.pointer
                .as_deref()
                .map(|p| format!(", pointer {p}"))
                .unwrap_or_default(),
            s.path
                .as_deref()
                .map(|p| format!(", path {p}"))
                .unwrap_or_default()
        ),
    })
}

/// Resolves flags and profile into the settings of a run; flags win over the file.
///
/// # Errors
/// An unreadable or invalid profile, or a selector or severity that names nothing.
pub fn resolve(args: &SettingsArgs) -> Result<Resolved, SettingsError> {
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

    let mut caller = Caller::default();
    caller.app_type = args.app_type.or(profile.app_type);
    caller.permissions = if args.permission.is_empty() {
        profile.permissions.iter().copied().collect()
    } else {
        args.permission.iter().copied().collect()
    };
    caller.corp_id = args.corp_id.clone().or_else(|| profile.corp_id.clone());

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
        severities.push(
            parse_severity_override(text)
                .map_err(|m| SettingsError::new(format!("--severity {text}: {m}")))?,
        );
    }
    let selection = Selection::resolve(&select, &extend, &ignore, &severities)
        .map_err(|m| SettingsError::new(format!("invalid rule selection: {m}")))?;
    let mut suppressions = Vec::new();
    if let Some(loaded) = &loaded {
        for item in &loaded.profile.ignore {
            suppressions.push(suppression(loaded, item)?);
        }
    }
    Ok(Resolved {
        suppressions,
        // No time: the clock is read only if a rule about dates runs, once for the run.
        settings: {
            let mut settings = Settings::default();
            settings.caller = caller;
            settings.selection = selection;
            settings.language = args.language.or(profile.language);
            settings.body_shape = args.body_shape.or(profile.body_shape).unwrap_or_default();
            settings.show_values = args.show_values;
            settings
        },
        deny_warnings: args.deny_warnings() || profile.rules.deny_warnings,
    })
}

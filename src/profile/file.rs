//! The profile file (`dtlint.toml`) as written: finding it, reading it, and turning its values
//! into selectors and suppressions, each error pointing at the value it is about.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::{ProfileText, SettingsError};
use crate::rules::selection::matching;
use crate::run::suppress::Suppress;
use crate::{AppType, BodyShape, Language, Permission};

/// The profile file dtlint looks for in a folder and its parents.
pub use crate::run::PROFILE_NAME;

/// A profile file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Profile {
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
pub(super) struct Suppression {
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
pub(super) struct RulesTable {
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
pub(super) struct Loaded {
    pub path: PathBuf,
    pub text: String,
    pub profile: Profile,
}

/// Finds `dtlint.toml` in `start` or its parents, named relative to `start` (`dtlint.toml`,
/// `../dtlint.toml`) so reports carry no absolute paths.
pub(super) fn find_profile(start: &Path) -> Option<PathBuf> {
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

pub(super) fn load(path: &Path) -> Result<Loaded, SettingsError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        let mut error =
            SettingsError::new(format!("cannot read the profile {}: {e}", path.display()));
        error.file = Some(path.to_path_buf());
        error
    })?;
    let profile = toml::from_str::<Profile>(&text).map_err(|error| SettingsError {
        message: format!("invalid profile {}: {}", path.display(), error.message()),
        help: Some("keys: app-type, permissions, corp-id, language, body-shape, [rules] select, extend-select, ignore, severity, deny-warnings, [[ignore]] rule, pointer, path, reason".to_owned()),
        profile: Some(Box::new(ProfileText {
            name: path.display().to_string(),
            text: text.clone(),
            span: error.span(),
        })),
        file: Some(path.to_path_buf()),
    })?;
    Ok(Loaded {
        path: path.to_path_buf(),
        text,
        profile,
    })
}

/// An error about a value of the profile, pointing at it.
pub(super) fn value_error(
    loaded: &Loaded,
    span: Range<usize>,
    key: &str,
    message: &str,
) -> SettingsError {
    SettingsError {
        message: format!(
            "invalid profile {}: `{key}`: {message}",
            loaded.path.display()
        ),
        help: None,
        profile: Some(Box::new(ProfileText {
            name: loaded.path.display().to_string(),
            text: loaded.text.clone(),
            span: Some(span),
        })),
        file: Some(loaded.path.clone()),
    }
}

pub(super) fn selectors(
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

/// A suppression of the profile; with `folder` (a profile found where the captures are), its
/// `path` glob also matches the input's path relative to that folder.
pub(super) fn suppression(
    loaded: &Loaded,
    item: &Spanned<Suppression>,
    folder: Option<&Path>,
) -> Result<Suppress, SettingsError> {
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
    let (line, column) = super::line_column(&loaded.text, span.start);
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
        folder: folder.filter(|_| s.path.is_some()).map(Path::to_path_buf),
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

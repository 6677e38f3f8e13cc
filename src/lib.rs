//! dtlint: validates captured DingTalk `topapi/v2/user/get` responses against the documented schema and lints them for compliance.
//!
//! Check a response in your own tests with [`check_text`] (each finding gets its line and
//! column) or [`check_value`] (each finding carries a JSON pointer). [`Settings`] say who calls
//! the API (a [`Caller`]: its [`AppType`] and [`Permission`]s) and which rules run at which
//! severity (a [`Selection`]); the default runs the default rules for a caller of unknown type.
//! Every [`Finding`] names its [`Rule`], with its [`Category`] and [`Severity`]; [`rules::ALL`]
//! is the registry and [`rules::find`] looks a rule up by code or name.
//!
//! ```
//! use dtlint::{check_text, AppType, Caller, Settings, Severity};
//!
//! let mut settings = Settings::default();
//! settings.caller = Caller { app_type: Some(AppType::ThirdParty), ..Caller::default() };
//! let body = r#"{"errcode":0,"errmsg":"ok","request_id":"16lzmj9nqoklx",
//!   "result":{"userid":"10000000000000001","unionid":"vQR2XiEiE","name":"张三",
//!   "mobile":"13800000000"}}"#;
//! let check = check_text(body, &settings);
//! let finding = &check.findings[0];
//! assert_eq!(finding.rule.name, "field-withheld-from-app-type");
//! assert_eq!(finding.severity, Severity::Error);
//! assert_eq!((finding.line(), finding.column()), (Some(3), Some(12)));
//! ```
//!
//! The other public modules serve the `dtlint` command line (reading inputs, reports,
//! baselines, profiles), which is built with the default feature `cli`: clap, miette's human
//! format and the progress bar. A library user who does not want them sets
//! `default-features = false`.

#![warn(missing_docs)]

pub mod audit;
pub mod baseline;
mod body_shape;
mod caller;
mod email_format;
mod engine;
mod errcodes;
mod excerpt;
pub mod exit;
pub mod export;
pub mod fields;
mod finding;
pub mod input;
pub mod json;
mod language;
#[cfg(feature = "live")]
pub mod live;
mod outcome;
pub mod privacy;
pub mod progress;
pub mod report;
mod request;
pub mod rules;
mod schema;
mod selection;
pub mod settings;
pub mod suppress;

pub use body_shape::BodyShape;
pub use caller::{AppType, Caller, Permission};
pub use engine::pipeline::{check_text, check_value, Needs, Settings, TextCheck};
pub use finding::{Category, Finding, Severity};
pub use json::Location;
pub use language::Language;
pub use rules::Rule;
pub use selection::Selection;

/// [`settings::SettingsArgs`] under the path the rule-fixture tests import it from.
#[doc(hidden)]
pub mod cli {
    pub use crate::settings::SettingsArgs;
}

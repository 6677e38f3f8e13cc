//! dtlint: validates captured DingTalk `topapi/v2/user/get` responses against the documented schema and lints them for compliance.
//!
//! Rust clients can run the same checks in their own tests with [`check_value`] and
//! [`check_text`]. The command line (clap, miette's reports, the progress bar) lives in the
//! binary, under `src/app/`.

pub mod audit;
pub mod baseline;
pub mod caller;
pub mod check;
pub mod doc;
pub mod email_format;
pub mod engine;
pub mod errcodes;
pub mod excerpt;
pub mod fields;
pub mod finding;
pub mod input;
pub mod locate;
pub mod privacy;
pub mod progress;
pub mod report;
pub mod request;
pub mod rules;
pub mod schema;
pub mod selection;
pub mod settings;
pub mod suppress;

pub use caller::{AppType, Caller, Permission};
pub use check::{check_text, check_value, Settings};
pub use finding::{Category, Finding, Severity};

/// The flags that decide a run's settings, at the path the integration tests import them from.
pub mod cli {
    pub use crate::settings::SettingsArgs;
}

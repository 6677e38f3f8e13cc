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
//! use dtlint::{check_text, AppType, Settings, Severity};
//!
//! let mut settings = Settings::default();
//! settings.caller.app_type = Some(AppType::ThirdParty);
//! let body = r#"{"errcode":0,"errmsg":"ok","request_id":"16lzmj9nqoklx",
//!   "result":{"userid":"10000000000000001","unionid":"vQR2XiEiE","name":"张三",
//!   "mobile":"13800000000"}}"#;
//! let check = check_text(body, &settings);
//! let finding = &check.findings[0];
//! assert_eq!(finding.rule().name, "field-withheld-from-app-type");
//! assert_eq!(finding.severity(), Severity::Error);
//! assert_eq!((finding.line(), finding.column()), (Some(3), Some(12)));
//! ```
//!
//! An exchange (the request as sent and its answer, as a HAR entry or a proxy holds it) is
//! checked with [`check_exchange`]: the request rules and the pairing of request and answer run
//! too. [`run`] walks inputs and passes every finding through one exit to the [`report`]ers;
//! [`input`] holds the readers. The `dtlint` command line (clap arguments, the profile file,
//! miette's human format, the progress bar) is built with the default feature `cli`; a library
//! user who does not want it sets `default-features = false`.

#![warn(missing_docs)]

pub mod api;
mod engine;
pub mod export;
mod finding;
pub mod input;
pub mod json;
#[cfg(feature = "live")]
pub mod live;
pub mod privacy;
#[cfg(feature = "profile")]
pub mod profile;
pub mod report;
pub mod rules;
pub mod run;

pub use api::body_shape::BodyShape;
pub use api::caller::{AppType, Caller, Permission};
pub use api::language::Language;
pub use api::request::HarRequest;
pub use engine::answer::{Answer, Payload};
pub use engine::exchange::{check as check_exchange, Exchange, Held};
pub use engine::outcome::{Origin, Outcome};
pub use engine::pipeline::{check_text, check_value, Needs, Settings, TextCheck};
pub use finding::{Category, Finding, Severity};
pub use json::Location;
pub use rules::selection::Selection;
pub use rules::Rule;

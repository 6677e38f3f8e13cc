//! The one integration test binary: schema against the reference page, samples, rule fixtures and the CLI.

mod adoption;
mod audit;
mod bad_inputs;
mod body_shape;
mod cli;
mod cluster;
mod common;
mod compressed;
mod ecosystem;
mod exit;
mod first_use;
mod har_attach;
mod har_producers;
mod har_repeats_numbers;
mod language;
mod leaks;
#[cfg(feature = "live")]
mod live;
#[cfg(feature = "live")]
mod live_attack;
#[cfg(feature = "live")]
mod live_curl;
#[cfg(feature = "live")]
mod live_tls;
mod memory;
mod openapi_lint;
mod outputs;
#[cfg(feature = "live")]
mod params;
mod paths;
mod profiles;
mod properties;
mod python;
mod redaction;
mod rule_fixtures;
mod samples;
mod schema_export;
mod schema_table;
mod spark;
mod streaming;
mod traffic;
mod unanswered;
mod vcr;

//! Reads one JSON response from bytes: size limit, encoding, then the response check.

use super::Outcome;
use crate::engine::guard::{self, Subject};
use crate::engine::pipeline::{check_text, Settings};
use crate::engine::place::placed;
use crate::json::Location;

/// Resource limits of one run.
#[non_exhaustive]
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest input (file, line or HAR body) read, in bytes.
    pub max_size: u64,
}

impl Limits {
    /// Limits with this largest input.
    pub const fn new(max_size: u64) -> Self {
        Self { max_size }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_size: 8 * 1024 * 1024,
        }
    }
}

/// Checks the bytes of a single-response input.
pub fn body_outcome(bytes: &[u8], settings: &Settings, limits: &Limits) -> Outcome {
    let text = match guard::bytes(Subject::Input, bytes, Some(limits.max_size)) {
        Ok(text) => text,
        Err(stop) => {
            // Positions are counted on the valid prefix, which is all that can be shown as text.
            let prefix = std::str::from_utf8(&bytes[..stop.span.start]).unwrap_or("");
            return Outcome::about_input(placed(
                vec![stop.finding],
                prefix,
                Some(prefix),
                Location::START,
                |_| Some(stop.span.clone()),
            ));
        }
    };
    let check = check_text(text, settings);
    Outcome {
        findings: check.findings,
        responses: u64::from(check.parsed),
        present: check.present,
        result_only: check.result_only,
        ..Outcome::default()
    }
}

//! A HAR entry as dtlint reads it: the request, the response's status and content. An item of
//! `log.entries` that is not one is DT008.

use serde::Deserialize;

use crate::finding::Finding;
use crate::request::HarRequest;
use crate::rules::reader;

#[derive(Debug, Deserialize)]
pub struct Content {
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub encoding: Option<String>,
    #[serde(rename = "mimeType", default)]
    pub mime_type: String,
}

#[derive(Debug, Deserialize)]
pub struct HarResponse {
    #[serde(default)]
    pub status: i64,
    pub content: Content,
}

#[derive(Debug, Deserialize)]
pub struct Entry {
    pub request: HarRequest,
    pub response: HarResponse,
}

/// Reads item `index` of `log.entries`.
///
/// # Errors
/// DT008, saying what the item lacks.
pub fn parse(index: u64, text: &str) -> Result<Entry, Box<Finding>> {
    serde_json::from_str(text).map_err(|error| {
        let reason = error.to_string();
        let reason = reason.split(" at line ").next().unwrap_or_default();
        Box::new(reader::har_entry_invalid(
            index,
            text.starts_with('{'),
            reason,
        ))
    })
}

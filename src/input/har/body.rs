//! Finds the response body of a HAR entry: missing (DT009), base64-decoded and guarded like any
//! other response text, and parsed with what HAR adds (its MIME type).

use base64::Engine;

use super::entry::Content;
use crate::engine::guard::{self, Stop, Subject};
use crate::finding::Finding;
use crate::json::doc::Doc;
use crate::rules::reader;

/// What an entry's response content holds.
#[derive(Debug)]
pub enum Body {
    /// No body to check: the export left it out, or its base64 does not decode (DT009).
    Missing(Box<Finding>),
    /// Decoded bytes the guard stopped (not UTF-8), with the span it points at.
    Stopped(Box<Stop>),
    /// The body as text.
    Text(String),
}

/// Whether the content is stored base64-encoded.
pub fn is_base64(content: &Content) -> bool {
    content.encoding.as_deref() == Some("base64")
}

/// The body of a response's content.
pub fn find(content: &Content) -> Body {
    let Some(text) = content.text.as_deref().filter(|t| !t.is_empty()) else {
        return Body::Missing(Box::new(reader::response_body_missing()));
    };
    if !is_base64(content) {
        return Body::Text(text.to_owned());
    }
    match base64::engine::general_purpose::STANDARD.decode(text.trim()) {
        Ok(bytes) => match guard::bytes(Subject::Body, &bytes, None) {
            Ok(decoded) => Body::Text(decoded.to_owned()),
            Err(stop) => Body::Stopped(stop),
        },
        Err(_) => Body::Missing(Box::new(reader::response_body_not_base64())),
    }
}

/// Parses a body through the guard; HAR knows the body's type, so an HTML page is one whatever
/// it starts with.
///
/// # Errors
/// The guard's stop (DT004, DT005, DT001), with its span in the body.
pub fn parse<'b>(content: &Content, body: &'b str) -> Result<Doc<'b>, Box<Stop>> {
    if content.mime_type.contains("html") {
        return Err(Box::new(Stop {
            finding: reader::html_page(Subject::Body),
            span: 0..0,
        }));
    }
    guard::parse(Subject::Body, body)
}

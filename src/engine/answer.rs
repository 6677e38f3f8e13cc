//! The answer's body as the engine reads it: left out (DT009), base64-decoded and guarded like
//! any other response text, and parsed with what the exchange adds (its MIME type).

use std::borrow::Cow;

use base64::Engine;

use crate::engine::guard::{self, Stop, Subject};
use crate::finding::Finding;
use crate::json::doc::Doc;
use crate::rules::reader;

/// The answer of an exchange: its status, its MIME type and its body as it was kept.
#[non_exhaustive]
#[derive(Debug, Clone, Copy)]
pub struct Answer<'a> {
    /// The HTTP status (0 when the capture did not say).
    pub status: i64,
    /// The `Content-Type` the answer came with.
    pub mime_type: &'a str,
    /// The body, as the capture or the proxy holds it.
    pub body: Payload<'a>,
}

impl<'a> Answer<'a> {
    /// An answer with this status, `Content-Type` and body.
    pub fn new(status: i64, mime_type: &'a str, body: Payload<'a>) -> Self {
        Self {
            status,
            mime_type,
            body,
        }
    }
}

/// A body as it was kept.
#[non_exhaustive]
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    /// Not kept: the export left it out.
    Missing,
    /// None: the call never got an answer (status 0 or -1, no content); the failure text the
    /// producer wrote, if any.
    Unanswered {
        /// The status the producer wrote (0, -1).
        status: i64,
        /// Why the call failed, as the producer wrote it (`net::ERR_ABORTED`).
        failure: Option<&'a str>,
    },
    /// Text, already decoded from wherever it was held (a HAR string, a log line).
    Text(&'a str),
    /// Base64 of the bytes, as HAR keeps a body that is not text (`encoding: "base64"`).
    Base64(&'a str),
    /// The bytes as they came, decompressed (the proxy, a cassette's binary body).
    Bytes(&'a [u8]),
}

impl Payload<'_> {
    /// Whether the body is kept base64-encoded: its findings cannot point inside it.
    pub fn is_base64(&self) -> bool {
        matches!(self, Self::Base64(_))
    }
}

/// What an answer's body holds.
#[derive(Debug)]
pub enum Body<'a> {
    /// No body to check: the export left it out, or its base64 does not decode (DT009).
    Missing(Box<Finding>),
    /// Decoded bytes the guard stopped (not UTF-8), with the span it points at.
    Stopped(Box<Stop>),
    /// The body as text.
    Text(Cow<'a, str>),
}

/// The body of an answer, as text when it is one.
pub fn find<'a>(payload: &Payload<'a>) -> Body<'a> {
    match *payload {
        Payload::Missing | Payload::Text("") | Payload::Base64("") => {
            Body::Missing(Box::new(reader::response_body_missing()))
        }
        Payload::Unanswered { status, failure } => {
            Body::Missing(Box::new(reader::call_unanswered(status, failure)))
        }
        Payload::Text(text) => Body::Text(Cow::Borrowed(text)),
        Payload::Bytes(bytes) => match guard::bytes(Subject::Body, bytes, None) {
            Ok(text) => Body::Text(Cow::Borrowed(text)),
            Err(stop) => Body::Stopped(stop),
        },
        Payload::Base64(text) => {
            match base64::engine::general_purpose::STANDARD.decode(text.trim()) {
                Ok(bytes) => match guard::bytes(Subject::Body, &bytes, None) {
                    Ok(decoded) => Body::Text(Cow::Owned(decoded.to_owned())),
                    Err(stop) => Body::Stopped(stop),
                },
                Err(_) => Body::Missing(Box::new(reader::response_body_not_base64())),
            }
        }
    }
}

/// Parses a body through the guard; the exchange knows the body's type, so an HTML page is
/// one whatever it starts with.
///
/// # Errors
/// The guard's stop (DT004, DT005, DT001), with its span in the body.
pub fn parse<'b>(mime_type: &str, body: &'b str) -> Result<Doc<'b>, Box<Stop>> {
    if mime_type.contains("html") {
        return Err(Box::new(Stop {
            finding: reader::html_page(Subject::Body),
            span: 0..0,
        }));
    }
    guard::parse(Subject::Body, body)
}

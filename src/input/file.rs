//! Reads one JSON response from bytes: size limit, encoding, then the response check.

use super::Checked;
use crate::check::{check_text, placed, Settings};
use crate::finding::Finding;
use crate::json::Location;
use crate::rules::{INPUT_TOO_LARGE, INVALID_UTF8};

/// Resource limits of one run.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest input (file, line or HAR body) read, in bytes.
    pub max_size: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_size: 256 * 1024 * 1024,
        }
    }
}

/// Checks the bytes of a single-response input.
pub fn check_bytes(bytes: &[u8], settings: &Settings, limits: &Limits) -> Checked {
    if bytes.len() as u64 > limits.max_size {
        return Checked {
            findings: vec![Finding::new(
                &INPUT_TOO_LARGE,
                "",
                format!(
                    "the input is larger than the limit of {} bytes (--max-size)",
                    limits.max_size
                ),
            )],
            ..Checked::default()
        };
    }
    let text = match super::utf8(bytes) {
        Ok(text) => text,
        Err(error) => return not_utf8(bytes, error.valid_up_to()),
    };
    let check = check_text(text, settings);
    Checked {
        findings: check.findings,
        responses: u64::from(check.parsed),
        present: check.present.into_iter().map(|name| (name, 1)).collect(),
        ..Checked::default()
    }
}

fn not_utf8(bytes: &[u8], valid_up_to: usize) -> Checked {
    let utf16 = bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]);
    let message = if utf16 {
        "the input is UTF-16 (it starts with a UTF-16 byte order mark); JSON bodies must be UTF-8"
            .to_owned()
    } else if bytes.starts_with(&[0x1f, 0x8b]) {
        "the input is gzip-compressed (it starts with gzip's magic bytes): the body was saved before decompression".to_owned()
    } else {
        format!("the input is not UTF-8: byte {valid_up_to} (0x{:02x}) starts no valid character; binary data or another encoding", bytes.get(valid_up_to).copied().unwrap_or(0))
    };
    // Positions are computed on the valid prefix, which is all that can be shown as text.
    let prefix = std::str::from_utf8(&bytes[..valid_up_to]).unwrap_or("");
    let finding = Finding::new(&INVALID_UTF8, "", message)
        .with_help("save the body as UTF-8 bytes exactly as received");
    Checked {
        findings: placed(vec![finding], prefix, prefix, Location::START, |_| {
            Some(valid_up_to..valid_up_to)
        }),
        ..Checked::default()
    }
}

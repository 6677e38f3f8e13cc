//! NDJSON and application logs, copied line by line as they are read: memory holds one line.
//! A line of NDJSON that is a JSON value is scrubbed as a tree; one that is not (cut short,
//! broken) by pattern, so the copy still holds it where `check` reports it. A log line's body
//! (found where `check` finds it) is scrubbed as a tree, the text around it by pattern, and a
//! line with no body by pattern whole.

use std::io::{BufRead, Read, Write};

use super::pass::Pass;
use crate::privacy::tree::Tree;

/// How a line is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lines {
    /// One JSON value a line.
    Json,
    /// Log text, a body after any prefix.
    Log,
}

/// Reads lines from `reader`, each through `pass`, writing the copy to `out` when there is one;
/// a line may hold at most `limit` bytes. Line endings (`\n`, `\r\n`, none at the end) stay
/// as they are.
///
/// # Errors
/// The line (1-based) that is too long or not UTF-8, or where reading stopped.
pub(crate) fn walk(
    mut reader: impl BufRead,
    mut out: Option<&mut dyn Write>,
    pass: &mut Pass<'_>,
    limit: u64,
    lines: Lines,
) -> Result<(), String> {
    let mut bytes = Vec::new();
    let mut number = 0u64;
    loop {
        number += 1;
        bytes.clear();
        let read = reader
            .by_ref()
            .take(limit.saturating_add(2))
            .read_until(b'\n', &mut bytes)
            .map_err(|e| format!("line {number}: reading stopped: {e}"))?;
        if read == 0 {
            return Ok(());
        }
        if read as u64 > limit.saturating_add(1) && !bytes.ends_with(b"\n") {
            return Err(format!(
                "line {number} is longer than the limit of {limit} bytes (--max-size)"
            ));
        }
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            format!(
                "line {number}, byte {}: not UTF-8 text, which cannot be scrubbed",
                e.valid_up_to() + 1
            )
        })?;
        let (text, ending) = split_ending(text);
        let copy = line(text, pass, lines);
        if let Some(out) = out.as_deref_mut() {
            out.write_all(copy.as_bytes())
                .and_then(|()| out.write_all(ending.as_bytes()))
                .map_err(|e| format!("cannot write: {e}"))?;
        }
    }
}

/// A line without its ending, and the ending.
fn split_ending(text: &str) -> (&str, &str) {
    let body = text
        .strip_suffix('\n')
        .map_or(text, |t| t.strip_suffix('\r').unwrap_or(t));
    (body, &text[body.len()..])
}

/// The copy of one line.
fn line(text: &str, pass: &mut Pass<'_>, lines: Lines) -> String {
    if text.trim().is_empty() {
        return text.to_owned();
    }
    match lines {
        // A byte order mark before the first line stays where it is.
        Lines::Json => match text.strip_prefix('\u{feff}') {
            Some(rest) => format!("\u{feff}{}", json(rest, pass)),
            None => json(text, pass),
        },
        Lines::Log => match crate::input::log::body(text) {
            Some(body) => {
                let mut copy = pass.text(&text[..body.start]).into_owned();
                copy.push_str(&json(&text[body.clone()], pass));
                copy.push_str(&pass.text(&text[body.end..]));
                copy
            }
            None => pass.text(text).into_owned(),
        },
    }
}

/// A JSON text scrubbed as a tree (written compact, as a line holds it), or by pattern when it
/// does not parse.
fn json(text: &str, pass: &mut Pass<'_>) -> String {
    match Tree::parse(text) {
        Ok(mut tree) => {
            pass.tree(&mut tree);
            if pass.writes() {
                tree.to_json()
            } else {
                String::new()
            }
        }
        Err(_) => pass.not_json(text).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::copy::pass::Scrubbing;

    fn copied(input: &str, lines: Lines) -> (Result<String, String>, u64) {
        let mut scrubbing = Scrubbing::default();
        let mut out = Vec::new();
        let result = walk(
            input.as_bytes(),
            Some(&mut out),
            &mut Pass::Scrub(&mut scrubbing),
            64,
            lines,
        );
        (
            result.map(|()| String::from_utf8(out).unwrap_or_default()),
            scrubbing.as_text,
        )
    }

    #[test]
    fn broken_lines_and_endings_are_kept_in_place() {
        let (copy, as_text) = copied(
            "{\"access_token\":\"abcdefgh1\"}\r\n\n{\"errcode\":0,\"access_token\":\"abcdefgh2",
            Lines::Json,
        );
        assert_eq!(
            copy.as_deref(),
            Ok("{\"access_token\":\"REDACTED\"}\r\n\n{\"errcode\":0,\"access_token\":\"REDACTED")
        );
        assert_eq!(as_text, 1);
    }

    #[test]
    fn log_lines_keep_their_text_and_lose_their_credentials() {
        let (copy, _) = copied(
            "GET /gettoken?appsecret=abcdefgh3 ok\nrsp: {\"errcode\":0,\"sign\":\"abcdefgh4\"} (1 ms)\n",
            Lines::Log,
        );
        assert_eq!(
            copy.as_deref(),
            Ok("GET /gettoken?appsecret=REDACTED ok\nrsp: {\"errcode\":0,\"sign\":\"REDACTED\"} (1 ms)\n")
        );
    }

    #[test]
    fn a_line_too_long_or_not_utf8_is_an_error_that_names_it() {
        let long = format!("{{}}\n{}\n", "x".repeat(100));
        assert_eq!(
            copied(&long, Lines::Json).0,
            Err("line 2 is longer than the limit of 64 bytes (--max-size)".to_owned())
        );
        let mut scrubbing = Scrubbing::default();
        let error = walk(
            &b"{}\nab\xffc\n"[..],
            None,
            &mut Pass::Scrub(&mut scrubbing),
            64,
            Lines::Log,
        );
        assert_eq!(
            error,
            Err("line 2, byte 3: not UTF-8 text, which cannot be scrubbed".to_owned())
        );
    }
}

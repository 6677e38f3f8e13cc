//! Reads NDJSON / JSON Lines (one response per line) and application logs (a response after
//! any prefix text on its line), checked in parallel batches while the next lines are read.

use std::io::{BufRead, Read};

use super::pipeline::{self, Pace};
use super::{Deliver, Outcome};
use crate::engine::guard::{self, Subject};
use crate::engine::pipeline::{check_text_at, Settings};
use crate::engine::place::placed;
use crate::json::Location;

/// One line of the input with where it starts.
pub(super) struct Line {
    /// Its 0-based index (the `entry` of its findings).
    pub(super) index: u64,
    /// Where it starts.
    pub(super) at: Location,
    /// Its bytes with the line feed, or the size of a line too long to keep.
    pub(super) bytes: Result<Vec<u8>, u64>,
}

/// Checks an NDJSON stream and delivers an outcome per line as soon as its batch is checked.
pub fn ndjson_outcomes<R: BufRead + Send>(
    reader: R,
    settings: &Settings,
    limit: u64,
    pace: Pace,
    deliver: &mut Deliver<'_>,
) {
    line_outcomes(reader, settings, limit, pace, deliver, Lines::Json);
}

/// Checks an application log and delivers an outcome per line; lines without a user/get body
/// are passed over and counted.
pub fn log_outcomes<R: BufRead + Send>(
    reader: R,
    settings: &Settings,
    limit: u64,
    pace: Pace,
    deliver: &mut Deliver<'_>,
) {
    line_outcomes(reader, settings, limit, pace, deliver, Lines::Log);
}

/// What a line holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lines {
    /// One JSON value, the whole line.
    Json,
    /// Log text, perhaps with a user/get body after a prefix.
    Log,
}

impl pipeline::Weighed for Line {
    fn weight(&self) -> usize {
        self.bytes.as_ref().map_or(0, Vec::capacity)
    }
}

fn line_outcomes<R: BufRead + Send>(
    mut reader: R,
    settings: &Settings,
    limit: u64,
    pace: Pace,
    deliver: &mut Deliver<'_>,
    lines: Lines,
) {
    let mut offset = 0usize;
    let mut index = 0u64;
    let mut failed = None;
    // Lines are read into one buffer and copied out at their size: reading into a fresh
    // vector grows it by doubling, and each long line would leave the allocator a trail of
    // large blocks freed on another thread, which it gives back to the system only later.
    let mut buffer = Vec::new();
    let produce = || {
        let bytes = &mut buffer;
        bytes.clear();
        let at = Location::point(offset, usize::try_from(index).unwrap_or(usize::MAX) + 1, 1);
        let read = match reader
            .by_ref()
            .take(limit.saturating_add(2))
            .read_until(b'\n', bytes)
        {
            Ok(0) => return None,
            Ok(n) => n,
            Err(error) => {
                failed = Some(error);
                return None;
            }
        };
        let mut size = read as u64;
        let whole = if size > limit.saturating_add(1) && !bytes.ends_with(b"\n") {
            // Too long: skip the rest of the line without keeping it.
            size += skip_line(&mut reader, u64::MAX);
            Err(size)
        } else {
            Ok(bytes.as_slice().to_vec())
        };
        offset += usize::try_from(size).unwrap_or(usize::MAX);
        let line = Line {
            index,
            at,
            bytes: whole,
        };
        index += 1;
        Some(line)
    };
    let held = check_lines(produce, settings, limit, pace, deliver, lines);
    if !held && failed.is_none() && lines == Lines::Json {
        // As an empty JSON file is: JSON Lines with no line that holds a value check nothing.
        let empty = crate::rules::reader::empty_input(Subject::Input);
        deliver(Outcome::about_input(placed(
            vec![empty],
            "",
            Some(""),
            Location::START,
            |_| Some(0..0),
        )));
    }
    if let Some(error) = failed {
        let mut outcome = Outcome::about_input(vec![crate::rules::reader::unreadable(format!(
            "reading stopped: {error}"
        ))]);
        outcome.unreadable = true;
        deliver(outcome);
    }
}

/// Reads past the rest of a line too long to keep, up to and with its line feed but no further
/// than `bound` bytes, a megabyte at a time; the bytes passed over.
pub(super) fn skip_line(reader: &mut impl BufRead, bound: u64) -> u64 {
    let mut skipped = 0;
    let mut rest = Vec::new();
    while skipped < bound {
        rest.clear();
        let step = (bound - skipped).min(1 << 20);
        match reader.by_ref().take(step).read_until(b'\n', &mut rest) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                skipped += n as u64;
                if rest.ends_with(b"\n") {
                    break;
                }
            }
        }
    }
    skipped
}

/// Checks the lines `produce` gives in parallel batches, delivering an outcome per line in
/// order; whether any line held something (blank lines come back with no index).
pub(super) fn check_lines(
    produce: impl FnMut() -> Option<Line> + Send,
    settings: &Settings,
    limit: u64,
    pace: Pace,
    deliver: &mut Deliver<'_>,
    lines: Lines,
) -> bool {
    let mut held = false;
    pipeline::run(
        produce,
        |line| check_line(line, settings, limit, lines),
        pace,
        &mut |outcome: Outcome| {
            held |= outcome.index.is_some();
            deliver(outcome)
        },
    );
    held
}

fn check_line(line: Line, settings: &Settings, limit: u64, lines: Lines) -> Outcome {
    let subject = Subject::Line(line.index);
    let bytes = match line.bytes {
        Ok(bytes) => bytes,
        Err(size) => {
            let finding = crate::rules::reader::too_large(subject, Some(size), limit);
            return Outcome::with(
                line.index,
                placed(vec![finding], "", Some(""), line.at, |_| Some(0..0)),
            );
        }
    };
    let text = match guard::bytes(subject, &bytes, None) {
        Ok(text) => text,
        Err(stop) => {
            let prefix = std::str::from_utf8(&bytes[..stop.span.start]).unwrap_or("");
            return Outcome::with(
                line.index,
                placed(vec![stop.finding], prefix, Some(prefix), line.at, |_| {
                    Some(stop.span.clone())
                }),
            );
        }
    };
    let text = text
        .strip_suffix('\n')
        .map_or(text, |t| t.strip_suffix('\r').unwrap_or(t));
    if text.trim().is_empty() {
        // Blank lines (a trailing newline, spacing) separate nothing in JSON Lines; pass over them.
        return Outcome::default();
    }
    let (text, at) = match lines {
        Lines::Json => (text, line.at),
        Lines::Log => match super::log::body(text) {
            Some(body) => (&text[body.clone()], line.at.after(&text[..body.start])),
            None => return Outcome::passed_over(line.index),
        },
    };
    let check = check_text_at(text, at, settings);
    let mut outcome = Outcome::with(line.index, check.findings);
    outcome.responses = u64::from(check.parsed);
    outcome.present = check.present;
    outcome.result_only = check.result_only;
    outcome
}

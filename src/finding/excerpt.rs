//! A few lines of input around a finding, cut when the finding is placed, so reports never hold whole inputs.

#[cfg(feature = "cli")]
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use memchr::{memchr, memrchr};

use crate::json::Location;

/// Lines longer than this are shown as a window around the finding, not whole.
const MAX_LINE: usize = 240;
/// Bytes kept on each side of the finding in a windowed line.
const WINDOW: usize = 80;
/// The longest stretch of a finding's own value that is shown.
const MAX_SPAN: usize = 160;

/// The source lines around one finding, already redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    pub name: String,
    text: String,
    /// Where `text` starts in the input.
    start: Location,
    /// The part of the finding's location that lies in the excerpt.
    pub span: Location,
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

impl Excerpt {
    /// Cuts the line of `at` (one line of context each side when lines are short) out of `text`.
    /// `text` starts at `origin` in the input; `at` is measured in `text`.
    pub fn cut(text: &str, origin: Location, at: Location) -> Self {
        let Location { line, column, .. } = at.within(origin);
        let start = floor_boundary(text, at.offset);
        let end = ceil_boundary(text, start + at.len.min(MAX_SPAN));
        let bytes = text.as_bytes();
        // memchr, not a loop over bytes: an NDJSON body is one line of a few kilobytes, and
        // each of its findings looks for both ends of that line.
        let line_start = memrchr(b'\n', &bytes[..start]).map_or(0, |i| i + 1);
        let line_end = memchr(b'\n', &bytes[start..]).map_or(text.len(), |i| start + i);
        let (from, to) = if line_end - line_start > MAX_LINE {
            (
                floor_boundary(text, start.saturating_sub(WINDOW).max(line_start)),
                ceil_boundary(text, (end + WINDOW).min(line_end)),
            )
        } else {
            // One short line of context on each side, as long as those lines are short too.
            let before = if line_start > 0 {
                let prev = memrchr(b'\n', &bytes[..line_start - 1]).map_or(0, |i| i + 1);
                if line_start - prev <= MAX_LINE {
                    prev
                } else {
                    line_start
                }
            } else {
                line_start
            };
            let after = if line_end < text.len() {
                let next =
                    memchr(b'\n', &bytes[line_end + 1..]).map_or(text.len(), |i| line_end + 1 + i);
                if next - line_end <= MAX_LINE {
                    next
                } else {
                    line_end
                }
            } else {
                line_end
            };
            (before, after)
        };
        let from_line = line.saturating_sub(1 + bytecount::count(&bytes[from..start], b'\n'));
        let from_column = if from >= line_start {
            column.saturating_sub(1 + bytecount::num_chars(&bytes[from..start]))
        } else if from == 0 {
            origin.column - 1
        } else {
            0
        };
        // A value spanning lines is underlined on its first line only; the excerpt holds that line.
        let end = end.min(line_end).min(to.max(start));
        Self {
            name: String::new(),
            text: text[from..to].to_owned(),
            start: Location {
                offset: origin.offset + from,
                len: to - from,
                line: from_line + 1,
                column: from_column + 1,
            },
            span: Location {
                offset: origin.offset + start,
                len: end - start,
                line,
                column,
            },
        }
    }
}

impl Excerpt {
    /// The (redacted) text of the finding's own span, as shown.
    pub fn value(&self) -> &str {
        let start = self.span.offset.saturating_sub(self.start.offset);
        self.text.get(start..start + self.span.len).unwrap_or("")
    }
}

// How the human format (miette, with the command line) reads the excerpt.
#[cfg(feature = "cli")]
impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let local_start = span
            .offset()
            .checked_sub(self.start.offset)
            .ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::new(
            local_start.into(),
            span.len().min(self.text.len().saturating_sub(local_start)),
        );
        let contents =
            self.text
                .as_str()
                .read_span(&local, context_lines_before, context_lines_after)?;
        let column = if contents.line() == 0 {
            contents.column() + self.start.column - 1
        } else {
            contents.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            SourceSpan::new(
                (contents.span().offset() + self.start.offset).into(),
                contents.span().len(),
            ),
            contents.line() + self.start.line - 1,
            column,
            contents.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_keep_one_line_of_context() {
        let text = "{\n  \"a\": 1,\n  \"b\": \"x\",\n  \"c\": 2\n}";
        let at = text.find("\"x\"").expect("value");
        let e = Excerpt::cut(text, Location::START, Location::at(at..at + 3, 3, 8));
        assert_eq!(e.text, "  \"a\": 1,\n  \"b\": \"x\",\n  \"c\": 2");
        assert_eq!((e.start.line, e.start.column), (2, 1));
    }

    #[test]
    #[cfg(feature = "cli")]
    fn long_lines_are_windowed_with_the_right_column() {
        let text = format!("{{\"pad\":\"{}\",\"boss\":\"true\"}}", "x".repeat(10_000));
        let at = text.find("\"true\"").expect("value");
        let e = Excerpt::cut(&text, Location::START, Location::at(at..at + 6, 1, at + 1));
        assert!(e.text.len() < 200);
        let contents = e
            .read_span(&SourceSpan::new(at.into(), 6), 0, 0)
            .expect("readable");
        assert_eq!((contents.line(), contents.column()), (0, at));
    }

    #[test]
    #[cfg(feature = "cli")]
    fn origin_shifts_offsets_lines_and_columns() {
        let text = "{\"boss\":\"true\"}";
        let origin = Location::point(1000, 7, 5);
        let e = Excerpt::cut(text, origin, Location::at(8..14, 1, 9));
        let contents = e
            .read_span(&SourceSpan::new(1008.into(), 6), 0, 0)
            .expect("readable");
        assert_eq!((contents.line(), contents.column()), (6, 12));
    }
}

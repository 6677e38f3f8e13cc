//! A few lines of input around a finding, cut when the finding is placed, so reports never hold whole inputs.

#[cfg(feature = "cli")]
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// Lines longer than this are shown as a window around the finding, not whole.
const MAX_LINE: usize = 240;
/// Bytes kept on each side of the finding in a windowed line.
const WINDOW: usize = 80;
/// The longest stretch of a finding's own value that is shown.
const MAX_SPAN: usize = 160;

/// Where a text starts inside its input: byte offset, 1-based line and 1-based column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Base {
    pub offset: usize,
    pub line: usize,
    pub column: usize,
}

impl Base {
    pub const START: Self = Self {
        offset: 0,
        line: 1,
        column: 1,
    };
}

/// The source lines around one finding, already redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    pub name: String,
    text: String,
    /// Absolute byte offset of `text[0]` in the input.
    offset: usize,
    /// 0-based line of `text[0]` in the input.
    line: usize,
    /// 0-based column (in characters) of `text[0]` within its line.
    column: usize,
    /// The part of the finding's span that lies in the excerpt (absolute offsets).
    pub span: (usize, usize),
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
    /// Cuts the line of `span` (one line of context each side when lines are short) out of `text`.
    /// `text` starts at `base` in the input; `span` is (offset, len) relative to `text`.
    pub fn cut(text: &str, base: Base, span: (usize, usize), line: usize, column: usize) -> Self {
        let start = floor_boundary(text, span.0);
        let end = ceil_boundary(text, start + span.1.min(MAX_SPAN));
        let bytes = text.as_bytes();
        let line_start = bytes[..start]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line_end = bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| start + i);
        let (from, to) = if line_end - line_start > MAX_LINE {
            (
                floor_boundary(text, start.saturating_sub(WINDOW).max(line_start)),
                ceil_boundary(text, (end + WINDOW).min(line_end)),
            )
        } else {
            // One short line of context on each side, as long as those lines are short too.
            let before = if line_start > 0 {
                let prev = bytes[..line_start - 1]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |i| i + 1);
                if line_start - prev <= MAX_LINE {
                    prev
                } else {
                    line_start
                }
            } else {
                line_start
            };
            let after = if line_end < text.len() {
                let next = bytes[line_end + 1..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(text.len(), |i| line_end + 1 + i);
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
        let from_line = line.saturating_sub(1 + text[from..start].matches('\n').count());
        let from_column = if from >= line_start {
            column.saturating_sub(1 + text[from..start].chars().count())
        } else if from == 0 {
            base.column - 1
        } else {
            0
        };
        // A value spanning lines is underlined on its first line only; the excerpt holds that line.
        let end = end.min(line_end).min(to.max(start));
        Self {
            name: String::new(),
            text: text[from..to].to_owned(),
            offset: base.offset + from,
            line: from_line,
            column: from_column,
            span: (base.offset + start, end - start),
        }
    }
}

impl Excerpt {
    /// The (redacted) text of the finding's own span, as shown.
    pub fn value(&self) -> &str {
        let start = self.span.0.saturating_sub(self.offset);
        self.text.get(start..start + self.span.1).unwrap_or("")
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
            .checked_sub(self.offset)
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
            contents.column() + self.column
        } else {
            contents.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            SourceSpan::new(
                (contents.span().offset() + self.offset).into(),
                contents.span().len(),
            ),
            contents.line() + self.line,
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
        let e = Excerpt::cut(text, Base::START, (at, 3), 3, 8);
        assert_eq!(e.text, "  \"a\": 1,\n  \"b\": \"x\",\n  \"c\": 2");
        assert_eq!((e.line, e.column), (1, 0));
    }

    #[test]
    #[cfg(feature = "cli")]
    fn long_lines_are_windowed_with_the_right_column() {
        let text = format!("{{\"pad\":\"{}\",\"boss\":\"true\"}}", "x".repeat(10_000));
        let at = text.find("\"true\"").expect("value");
        let e = Excerpt::cut(&text, Base::START, (at, 6), 1, at + 1);
        assert!(e.text.len() < 200);
        let contents = e
            .read_span(&SourceSpan::new(at.into(), 6), 0, 0)
            .expect("readable");
        assert_eq!((contents.line(), contents.column()), (0, at));
    }

    #[test]
    #[cfg(feature = "cli")]
    fn base_shifts_offsets_lines_and_columns() {
        let text = "{\"boss\":\"true\"}";
        let base = Base {
            offset: 1000,
            line: 7,
            column: 5,
        };
        let e = Excerpt::cut(text, base, (8, 6), 7, 13);
        let contents = e
            .read_span(&SourceSpan::new(1008.into(), 6), 0, 0)
            .expect("readable");
        assert_eq!((contents.line(), contents.column()), (6, 12));
    }
}

//! Offsets in a YAML scalar that holds a body (a VCR cassette's): a place found in the decoded
//! body is carried to the scalar's text in the file, for the styles whose decoding can be
//! retraced exactly; the index is only made when retracing gives back the parser's value.

/// How a scalar is written in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Unquoted.
    Plain,
    /// `'...'`: `''` is a quote; line breaks fold.
    SingleQuoted,
    /// `"..."`: backslash escapes (JSON's among them); line breaks fold.
    DoubleQuoted,
    /// `|`: lines kept, their indentation removed.
    Literal,
    /// `>`: lines folded; not retraced.
    Folded,
}

/// For each byte offset of the decoded value (and its end), the offset in the scalar's text.
/// Only the pieces where the two differ are recorded (escapes, indentation, folded breaks):
/// between them decoded and written bytes correspond one to one.
#[derive(Debug, Clone)]
pub struct ScalarIndex {
    pieces: Vec<Piece>,
    decoded_len: usize,
    end: usize,
}

/// Decoded bytes `decoded..decoded + decoded_len` come from `raw..raw + raw_len`.
#[derive(Debug, Clone, Copy)]
struct Piece {
    decoded: usize,
    raw: usize,
    decoded_len: usize,
    raw_len: usize,
}

/// The decoding of a scalar's text, recording its pieces as it goes.
struct Decoder<'t> {
    raw: &'t str,
    at: usize,
    out: String,
    pieces: Vec<Piece>,
}

impl<'t> Decoder<'t> {
    fn new(raw: &'t str, at: usize) -> Self {
        Self {
            raw,
            at,
            out: String::with_capacity(raw.len()),
            pieces: Vec::new(),
        }
    }

    fn bytes(&self) -> &'t [u8] {
        self.raw.as_bytes()
    }

    /// Copies one char as written.
    fn copy(&mut self) -> Option<()> {
        let c = self.raw.get(self.at..)?.chars().next()?;
        self.out.push(c);
        self.at += c.len_utf8();
        Some(())
    }

    /// `written` bytes of the text decode to `decoded`.
    fn replace(&mut self, written: usize, decoded: &str) {
        self.pieces.push(Piece {
            decoded: self.out.len(),
            raw: self.at,
            decoded_len: decoded.len(),
            raw_len: written,
        });
        self.out.push_str(decoded);
        self.at += written;
    }

    /// At a run of blanks: if a line break follows it, folds the break (and the empty lines
    /// and the indentation after it) as flow scalars do and says so.
    fn fold(&mut self) -> bool {
        let bytes = self.bytes();
        let mut k = self.at;
        while matches!(bytes.get(k), Some(b' ' | b'\t')) {
            k += 1;
        }
        if !matches!(bytes.get(k), Some(b'\n' | b'\r')) {
            return false;
        }
        let mut breaks = 0;
        loop {
            match bytes.get(k) {
                Some(b'\r') if bytes.get(k + 1) == Some(&b'\n') => {
                    k += 2;
                    breaks += 1;
                }
                Some(b'\n' | b'\r') => {
                    k += 1;
                    breaks += 1;
                }
                Some(b' ' | b'\t') => k += 1,
                _ => break,
            }
        }
        let folded = if breaks > 1 {
            "\n".repeat(breaks - 1)
        } else {
            " ".to_owned()
        };
        self.replace(k - self.at, &folded);
        true
    }

    fn finish(self, end: usize) -> (String, ScalarIndex) {
        let decoded_len = self.out.len();
        (
            self.out,
            ScalarIndex {
                pieces: self.pieces,
                decoded_len,
                end,
            },
        )
    }
}

impl ScalarIndex {
    /// The index of a scalar written as `raw` (from its first byte: a quote, `|`, or the value)
    /// in `style`, when decoding it again gives `value`; `None` when the style is not retraced
    /// or retracing disagrees with the parser, so that no place is ever carried wrong.
    pub fn new(raw: &str, style: Style, value: &str) -> Option<Self> {
        let (decoded, index) = match style {
            Style::Plain => flow(raw, 0, raw.len(), None)?,
            Style::SingleQuoted => flow(raw, 1, raw.rfind('\'')?, Some(b'\''))?,
            Style::DoubleQuoted => flow(raw, 1, raw.rfind('"')?, Some(b'"'))?,
            Style::Literal => literal(raw, value)?,
            // Folding joins lines by rules that depend on each line's indentation: the body
            // is placed at the scalar's start instead.
            Style::Folded => return None,
        };
        (decoded == value).then_some(index)
    }

    /// Where decoded byte `decoded` comes from in the scalar's text (the bytes of an escape
    /// all come from where it starts); the decoded end maps to the text's end.
    pub fn raw(&self, decoded: usize) -> Option<usize> {
        if decoded >= self.decoded_len {
            return (decoded == self.decoded_len).then_some(self.end);
        }
        let before = self.pieces.partition_point(|p| p.decoded <= decoded);
        let Some(p) = before.checked_sub(1).map(|i| self.pieces[i]) else {
            return Some(decoded);
        };
        if decoded < p.decoded + p.decoded_len {
            Some(p.raw)
        } else {
            Some(p.raw + p.raw_len + (decoded - p.decoded - p.decoded_len))
        }
    }
}

/// A flow scalar between `start` and `end` of `raw`: folded line breaks, and the escapes of
/// its quote (`''`, or backslash escapes for `"`).
fn flow(raw: &str, start: usize, end: usize, quote: Option<u8>) -> Option<(String, ScalarIndex)> {
    if end < start {
        return None;
    }
    let mut d = Decoder::new(raw.get(..end)?, start);
    // The content starts after the quote: record it so offsets before any escape shift too.
    d.pieces.push(Piece {
        decoded: 0,
        raw: start,
        decoded_len: 0,
        raw_len: 0,
    });
    while d.at < end {
        let b = d.bytes()[d.at];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' if d.fold() => {}
            b'\'' if quote == Some(b'\'') => {
                if d.bytes().get(d.at + 1) != Some(&b'\'') {
                    return None;
                }
                d.replace(2, "'");
            }
            b'\\' if quote == Some(b'"') => escape(&mut d)?,
            _ => d.copy()?,
        }
    }
    Some(d.finish(end))
}

/// One backslash escape of a double-quoted scalar (YAML's set, which holds JSON's).
fn escape(d: &mut Decoder<'_>) -> Option<()> {
    let bytes = d.bytes();
    let next = *bytes.get(d.at + 1)?;
    let simple = match next {
        b'0' => Some("\0"),
        b'a' => Some("\u{7}"),
        b'b' => Some("\u{8}"),
        b't' | b'\t' => Some("\t"),
        b'n' => Some("\n"),
        b'v' => Some("\u{b}"),
        b'f' => Some("\u{c}"),
        b'r' => Some("\r"),
        b'e' => Some("\u{1b}"),
        b' ' => Some(" "),
        b'"' => Some("\""),
        b'/' => Some("/"),
        b'\\' => Some("\\"),
        b'N' => Some("\u{85}"),
        b'_' => Some("\u{a0}"),
        b'L' => Some("\u{2028}"),
        b'P' => Some("\u{2029}"),
        _ => None,
    };
    if let Some(decoded) = simple {
        d.replace(2, decoded);
        return Some(());
    }
    if next == b'\n' || next == b'\r' {
        // An escaped line break: it and the next line's indentation are nothing.
        let mut k = d.at + 1;
        if bytes.get(k) == Some(&b'\r') {
            k += 1;
        }
        if bytes.get(k) == Some(&b'\n') {
            k += 1;
        }
        while matches!(bytes.get(k), Some(b' ' | b'\t')) {
            k += 1;
        }
        d.replace(k - d.at, "");
        return Some(());
    }
    let digits = match next {
        b'x' => 2,
        b'u' => 4,
        b'U' => 8,
        _ => return None,
    };
    let hex = d.raw.get(d.at + 2..d.at + 2 + digits)?;
    let mut code = u32::from_str_radix(hex, 16).ok()?;
    let mut written = 2 + digits;
    if (0xd800..0xdc00).contains(&code) && d.raw.get(d.at + 6..d.at + 8) == Some("\\u") {
        // JSON writes a character beyond the BMP as a surrogate pair.
        let low = u32::from_str_radix(d.raw.get(d.at + 8..d.at + 12)?, 16).ok()?;
        if (0xdc00..0xe000).contains(&low) {
            code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
            written = 12;
        }
    }
    let c = char::from_u32(code)?;
    let mut buf = [0u8; 4];
    d.replace(written, c.encode_utf8(&mut buf));
    Some(())
}

/// A literal block scalar: its header line, then lines with their indentation removed; the
/// chomping indicator decides the final line breaks, which are checked against `value`.
fn literal(raw: &str, value: &str) -> Option<(String, ScalarIndex)> {
    let bytes = raw.as_bytes();
    let header_end = memchr::memchr(b'\n', bytes)? + 1;
    let header = raw.get(1..header_end)?.trim_end();
    let header = header.split(" #").next().unwrap_or(header).trim();
    let explicit = header
        .chars()
        .find(char::is_ascii_digit)
        .and_then(|c| c.to_digit(10));
    // The indentation is the first line with content's, unless the header gives it; for
    // an explicit one, the parent's indentation is not known here: not retraced.
    if explicit.is_some() {
        return None;
    }
    let mut indent = None;
    let mut d = Decoder::new(raw, header_end);
    while d.at < raw.len() {
        let line_end = memchr::memchr(b'\n', &bytes[d.at..]).map_or(raw.len(), |k| d.at + k);
        let line = &raw[d.at..line_end];
        let blanks = line.len() - line.trim_start_matches(' ').len();
        let content = line.trim_start_matches(' ');
        if indent.is_none() && !content.trim().is_empty() {
            indent = Some(blanks);
        }
        let skip = match indent {
            Some(n) if blanks < n && !content.trim().is_empty() => break,
            Some(n) => n.min(blanks),
            None => blanks,
        };
        d.replace(skip, "");
        while d.at < line_end {
            d.copy()?;
        }
        if line_end < raw.len() {
            d.copy()?;
        }
    }
    // Chomping: the value says how many final line breaks were kept.
    let trailing = |s: &str| s.len() - s.trim_end_matches('\n').len();
    let keep = d.out.trim_end_matches('\n').len() + trailing(value).min(trailing(&d.out));
    d.out.truncate(keep);
    let end = d.at;
    Some(d.finish(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every char of the value, found where the index says, reads the same in the text
    /// (escapes aside, which are checked to start with a backslash, and folded breaks).
    fn agrees(raw: &str, style: Style, value: &str) {
        let index = ScalarIndex::new(raw, style, value).expect("retraced");
        for (i, c) in value.char_indices() {
            let at = index.raw(i).expect("inside");
            let written = &raw[at..];
            assert!(
                written.starts_with(c)
                    || written.starts_with('\\')
                    || written.starts_with("''")
                    // A folded line break decodes to a space.
                    || (c == ' ' && written.starts_with('\n')),
                "{raw:?} offset {i} ({c:?}) at {at}: {written:?}"
            );
        }
        assert!(index.raw(value.len()).is_some());
        assert_eq!(index.raw(value.len() + 1), None);
    }

    #[test]
    fn each_retraced_style_places_each_char() {
        agrees("'{\"a\":''x''}'", Style::SingleQuoted, "{\"a\":'x'}");
        agrees(
            "\"{\\\"name\\\":\\\"\\u5F20\\u4E09\\\", \\\n  \\\"b\\\":1}\"",
            Style::DoubleQuoted,
            "{\"name\":\"张三\", \"b\":1}",
        );
        agrees("\"\\ud83d\\ude00 x\"", Style::DoubleQuoted, "😀 x");
        agrees("{\"a\":1}", Style::Plain, "{\"a\":1}");
        agrees("'a b\n  c'", Style::SingleQuoted, "a b c");
        agrees("|-\n  {\"a\":\n    1}\n", Style::Literal, "{\"a\":\n  1}");
        agrees("|\n  x\n\n", Style::Literal, "x\n");
    }

    #[test]
    fn a_disagreement_gives_no_index() {
        assert!(ScalarIndex::new("'abc'", Style::SingleQuoted, "abd").is_none());
        assert!(ScalarIndex::new(">\n  a\n  b\n", Style::Folded, "a b\n").is_none());
        assert!(ScalarIndex::new("\"\\q\"", Style::DoubleQuoted, "q").is_none());
    }
}

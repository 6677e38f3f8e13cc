//! Lines and columns of byte offsets, and the [`Location`] a finding carries from placing to the reporters.
//!
//! Editors count characters, not bytes, so a byte column would drift on any non-ASCII text.
//! Lines end at `'\n'` only (so a CRLF's `'\r'` stays on the line it ends). An offset inside a
//! multi-byte char is taken as that char, one past the end as the end. A leading BOM is not
//! counted as a column because editors do not display it.

use std::ops::Range;

/// Where something sits in an input: its bytes, and the line and column its first byte is on.
///
/// A finding's place in its input; also where a text checked on its own (an NDJSON line, a HAR
/// entry) starts inside the input, so that places measured in that text can be carried into
/// the input with [`within`](Self::within).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// Byte offset of the first byte.
    pub offset: usize,
    /// Byte length (0 when only a point is known).
    pub len: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in chars.
    pub column: usize,
}

impl Location {
    /// The start of an input.
    pub const START: Self = Self::point(0, 1, 1);

    /// A place without length.
    #[must_use]
    pub const fn point(offset: usize, line: usize, column: usize) -> Self {
        Self {
            offset,
            len: 0,
            line,
            column,
        }
    }

    /// The bytes `range` of `text`, with the line and column [`line_col`] gives.
    #[must_use]
    pub fn of(text: &str, range: Range<usize>) -> Self {
        let (line, column) = line_col(text, range.start);
        Self::at(range, line, column)
    }

    /// The bytes `range`, on `line` and `column`.
    #[must_use]
    pub fn at(range: Range<usize>, line: usize, column: usize) -> Self {
        Self {
            offset: range.start,
            len: range.end.saturating_sub(range.start),
            line,
            column,
        }
    }

    /// The place just after `prefix`, which starts here and holds no line break (the text
    /// before a body on a log line).
    #[must_use]
    pub fn after(self, prefix: &str) -> Self {
        Self {
            offset: self.offset + prefix.len(),
            len: 0,
            line: self.line,
            column: self.column + prefix.chars().count(),
        }
    }

    /// This place, measured in a text that starts at `origin`, as a place in the whole input.
    /// Only the text's first line is shifted right by the column the text starts at.
    #[must_use]
    pub fn within(self, origin: Self) -> Self {
        Self {
            offset: origin.offset + self.offset,
            len: self.len,
            line: origin.line + self.line - 1,
            column: if self.line == 1 {
                origin.column + self.column - 1
            } else {
                self.column
            },
        }
    }
}

/// 1-based line and 1-based column (in chars) of a byte offset; O(offset) per call.
#[must_use]
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let offset = char_floor(bytes, offset);
    let before = bytes.get(..offset).unwrap_or_default();
    let line = 1 + bytecount::count(before, b'\n');
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let from = line_start.max(bom_len(bytes));
    let col = 1 + count_chars(bytes.get(from..offset).unwrap_or_default());
    (line, col)
}

/// [`line_col`] for many lookups in one text: O(log n) plus a bounded scan per lookup.
///
/// Minified bodies are one line of megabytes, so line starts alone would still leave a
/// scan from the line start for every column; sampled char counts bound that scan.
#[derive(Debug, Clone)]
pub struct LineIndex<'t> {
    text: &'t str,
    line_starts: Vec<usize>,
    /// `(byte offset, chars before it not counting a BOM)`, at char boundaries about
    /// `CHECKPOINT_STRIDE` apart.
    checkpoints: Vec<(usize, usize)>,
    bom: usize,
}

const CHECKPOINT_STRIDE: usize = 1024;

impl<'t> LineIndex<'t> {
    /// Indexes `text` in one pass.
    #[must_use]
    pub fn new(text: &'t str) -> Self {
        let bytes = text.as_bytes();
        let bom = bom_len(bytes);
        let mut line_starts = vec![0];
        let mut checkpoints = Vec::with_capacity(bytes.len() / CHECKPOINT_STRIDE + 1);
        let mut next_checkpoint = 0;
        let mut chars = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let char_start = !is_continuation(b);
            if char_start && i >= next_checkpoint {
                checkpoints.push((i, chars));
                next_checkpoint = i + CHECKPOINT_STRIDE;
            }
            if b == b'\n' {
                line_starts.push(i + 1);
            }
            if char_start && i >= bom {
                chars += 1;
            }
        }
        Self {
            text,
            line_starts,
            checkpoints,
            bom,
        }
    }

    /// Same answer as [`line_col`] on the indexed text.
    #[must_use]
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let bytes = self.text.as_bytes();
        let offset = char_floor(bytes, offset);
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let line_start = line
            .checked_sub(1)
            .and_then(|i| self.line_starts.get(i))
            .copied()
            .unwrap_or(0);
        let col = self
            .chars_before(bytes, offset)
            .saturating_sub(self.chars_before(bytes, line_start))
            + 1;
        (line.max(1), col)
    }

    /// The bytes `range` of the indexed text as a [`Location`].
    #[must_use]
    pub fn location(&self, range: Range<usize>) -> Location {
        let (line, column) = self.line_col(range.start);
        Location::at(range, line, column)
    }

    fn chars_before(&self, bytes: &[u8], offset: usize) -> usize {
        let i = self.checkpoints.partition_point(|&(o, _)| o <= offset);
        let (base, chars) = i
            .checked_sub(1)
            .and_then(|i| self.checkpoints.get(i))
            .copied()
            .unwrap_or((0, 0));
        chars + count_chars(bytes.get(base.max(self.bom)..offset).unwrap_or_default())
    }
}

/// [`line_col`] for offsets asked in increasing order, as when the findings of one text are
/// placed in report order: each answer counts only the bytes since the previous one, so all of
/// them together cost one pass over the text up to the last, and nothing is built first
/// (a [`LineIndex`] reads the whole text before its first answer).
#[derive(Debug, Clone)]
pub(crate) struct LineCursor<'t> {
    bytes: &'t [u8],
    bom: usize,
    /// The offset of the last answer, backed up to its char's start.
    at: usize,
    line: usize,
    /// Chars between the start of `at`'s line (after a BOM) and `at`.
    chars: usize,
}

impl<'t> LineCursor<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        let bytes = text.as_bytes();
        Self {
            bytes,
            bom: bom_len(bytes),
            at: 0,
            line: 1,
            chars: 0,
        }
    }

    /// Same answer as [`line_col`]; an offset before the previous one starts over from the top.
    pub(crate) fn line_col(&mut self, offset: usize) -> (usize, usize) {
        let offset = char_floor(self.bytes, offset);
        if offset < self.at {
            (self.at, self.line, self.chars) = (0, 1, 0);
        }
        let between = &self.bytes[self.at..offset];
        if let Some(last) = memchr::memrchr(b'\n', between) {
            self.line += bytecount::count(between, b'\n');
            let from = (self.at + last + 1).max(self.bom);
            self.chars = count_chars(self.bytes.get(from..offset).unwrap_or_default());
        } else {
            let from = self.at.max(self.bom);
            self.chars += count_chars(self.bytes.get(from..offset).unwrap_or_default());
        }
        self.at = offset;
        (self.line, self.chars + 1)
    }
}

/// Length of a leading UTF-8 BOM: parsers and editors skip it, so offsets and columns do too.
pub(crate) fn bom_len(bytes: &[u8]) -> usize {
    if bytes.starts_with("\u{feff}".as_bytes()) {
        3
    } else {
        0
    }
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

fn count_chars(bytes: &[u8]) -> usize {
    bytecount::num_chars(bytes)
}

/// Clamps to the text and backs up to the start of the char containing the offset.
fn char_floor(bytes: &[u8], offset: usize) -> usize {
    let mut offset = offset.min(bytes.len());
    while offset > 0 && bytes.get(offset).is_some_and(|&b| is_continuation(b)) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::select;

    /// Independent of the implementation: walks chars one by one.
    fn naive_line_col(text: &str, offset: usize) -> (usize, usize) {
        let (mut line, mut col) = (1, 1);
        for (i, ch) in text.char_indices() {
            if i + ch.len_utf8() > offset {
                break;
            }
            if ch == '\n' {
                line += 1;
                col = 1;
            } else if !(i == 0 && ch == '\u{feff}') {
                col += 1;
            }
        }
        (line, col)
    }

    #[test]
    fn line_col_edges() {
        assert_eq!(line_col("", 0), (1, 1));
        assert_eq!(line_col("", 5), (1, 1));
        let t = "ab\ncdé\n\nx";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 2), (1, 3)); // the '\n' itself
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, 5), (2, 3)); // 'é' starts here
        assert_eq!(line_col(t, 6), (2, 3)); // inside 'é'
        assert_eq!(line_col(t, 7), (2, 4));
        assert_eq!(line_col(t, 8), (3, 1));
        assert_eq!(line_col(t, 9), (4, 1));
        assert_eq!(line_col(t, 10), (4, 2)); // end of text
        assert_eq!(line_col(t, 1000), (4, 2));
        let s = "😀";
        for off in 0..4 {
            assert_eq!(line_col(s, off), (1, 1));
        }
        assert_eq!(line_col(s, 4), (1, 2));
        assert_eq!(LineIndex::new("").line_col(0), (1, 1));
    }

    #[test]
    fn columns_count_chars() {
        let t = "{\"名字\": \"中文文本😀\", \"id\": 7}";
        let at = t.find('7').unwrap();
        // {"名字": "中文文本😀", "id": 7  -> '7' is the 23rd char.
        assert_eq!(line_col(t, at), (1, 23));
        assert_eq!(LineIndex::new(t).line_col(at), (1, 23));
        assert_ne!(at + 1, 23, "byte and char columns differ here");
    }

    #[test]
    fn crlf_line_ends() {
        let t = "{\r\n  \"a\": 1,\r\n  \"b\": [\r\n    true\r\n  ]\r\n}\r\n";
        assert_eq!(line_col(t, t.find("true").unwrap()), (4, 5));
        assert_eq!(line_col(t, t.find('1').unwrap()), (2, 8));
        // The '\r' itself is the last column of its line, never a column of the next.
        let cr = t.find('\r').unwrap();
        assert_eq!(line_col(t, cr), (1, 2));
        assert_eq!(line_col(t, cr + 1), (1, 3));
        assert_eq!(line_col(t, cr + 2), (2, 1));
    }

    #[test]
    fn bom_is_not_a_column() {
        let t = "\u{feff}{\"a\":1}";
        assert_eq!(line_col(t, 8), (1, 6));
        assert_eq!(line_col(t, 3), (1, 1));
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 1), (1, 1));
        let index = LineIndex::new(t);
        for off in 0..=t.len() + 1 {
            assert_eq!(index.line_col(off), naive_line_col(t, off), "offset {off}");
        }
    }

    #[test]
    fn the_cursor_skips_ahead_and_starts_over_when_asked_behind() {
        let t = "\u{feff}ab\ncdé\r\n\nx";
        let mut cursor = LineCursor::new(t);
        for off in [0, 4, 4, 9, 8, 1000, 2, 3, 13, 14, 6] {
            assert_eq!(cursor.line_col(off), naive_line_col(t, off), "offset {off}");
        }
    }

    #[test]
    fn within_shifts_only_the_first_line_right() {
        let origin = Location::point(1000, 7, 5);
        let first = Location::at(8..14, 1, 9);
        assert_eq!(first.within(origin), Location::at(1008..1014, 7, 13));
        let later = Location::at(20..21, 3, 2);
        assert_eq!(later.within(origin), Location::at(1020..1021, 9, 2));
        assert_eq!(first.within(Location::START), first);
        let t = "ab\ncé";
        assert_eq!(Location::of(t, 4..6), Location::at(4..6, 2, 2));
        assert_eq!(LineIndex::new(t).location(4..6), Location::of(t, 4..6));
    }

    const PIECES: &[&str] = &["a", "é", "中", "😀", " ", "{", "\"", "\t"];
    const BREAKS: &[&str] = &["\n", "\r\n"];

    /// Texts past several checkpoints: one long line (a minified body) or many short ones.
    fn long_text() -> impl Strategy<Value = String> {
        let pieces = |newline_weight| {
            proptest::collection::vec(
                prop_oneof![newline_weight => select(PIECES), 1 => select(BREAKS)],
                2 * CHECKPOINT_STRIDE..3 * CHECKPOINT_STRIDE,
            )
        };
        (any::<bool>(), prop_oneof![pieces(400), pieces(4)]).prop_map(|(bom, pieces)| {
            let mut t = String::from(if bom { "\u{feff}" } else { "" });
            for piece in pieces.iter().cycle() {
                if t.len() >= 5 * CHECKPOINT_STRIDE {
                    break;
                }
                t.push_str(piece);
            }
            t
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 8, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn line_index_matches_naive_across_checkpoints(t in long_text()) {
            // Expected positions for every byte in one walk, so the check stays linear.
            let mut want = Vec::with_capacity(t.len() + 1);
            let (mut line, mut col) = (1, 1);
            for (i, ch) in t.char_indices() {
                want.extend(std::iter::repeat_n((line, col), ch.len_utf8()));
                if ch == '\n' {
                    (line, col) = (line + 1, 1);
                } else if !(i == 0 && ch == '\u{feff}') {
                    col += 1;
                }
            }
            want.push((line, col));
            let index = LineIndex::new(&t);
            let mut cursor = LineCursor::new(&t);
            for off in 0..=t.len() + 2 {
                let want = want[off.min(t.len())];
                prop_assert_eq!(index.line_col(off), want, "offset {}", off);
                prop_assert_eq!(cursor.line_col(off), want, "offset {}", off);
                if off % 61 == 0 || off + 70 > t.len() {
                    prop_assert_eq!(line_col(&t, off), want, "offset {}", off);
                    prop_assert_eq!(naive_line_col(&t, off), want, "offset {}", off);
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1024, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn short_texts_agree_with_naive_at_every_offset(
            pieces in proptest::collection::vec(
                select(&["{", "}", "\"", "\\", "0", " ", "\r\n", "\n", "é", "😀", "a", "\u{feff}"][..]),
                0..24,
            )
        ) {
            let t = pieces.concat();
            let index = LineIndex::new(&t);
            let mut cursor = LineCursor::new(&t);
            for off in 0..=t.len() + 2 {
                let want = naive_line_col(&t, off);
                prop_assert_eq!(line_col(&t, off), want, "offset {} of {:?}", off, t);
                prop_assert_eq!(index.line_col(off), want, "offset {} of {:?}", off, t);
                prop_assert_eq!(cursor.line_col(off), want, "offset {} of {:?}", off, t);
            }
        }
    }
}

//! A lexer over the bytes of a JSON text: skips one string, number or literal as `serde_json` would accept it, and decodes keys.
//!
//! It checks only what the locator needs in order to agree with `serde_json` on where each value
//! starts and ends; the structure (brackets, commas, colons) is the locator's to follow.

use super::lines::bom_len;

/// A cursor over a JSON text, starting past a leading BOM as parsers do.
pub(super) struct Scanner<'a> {
    pub(super) b: &'a [u8],
    /// The next byte to read.
    pub(super) pos: usize,
}

impl<'a> Scanner<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        let b = text.as_bytes();
        Self { b, pos: bom_len(b) }
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    pub(super) fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// Consumes a string starting at the opening quote; returns whether it has escapes.
    pub(super) fn string(&mut self) -> Option<bool> {
        let b = self.b;
        let mut i = self.pos + 1;
        let mut escaped = false;
        loop {
            let c = *b.get(i)?;
            if c >= 0x20 && c != b'"' && c != b'\\' {
                i += 1;
                continue;
            }
            match c {
                b'"' => {
                    self.pos = i + 1;
                    return Some(escaped);
                }
                b'\\' => {
                    escaped = true;
                    match b.get(i + 1)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 2,
                        b'u' => {
                            hex4(b.get(i + 2..i + 6)?)?;
                            i += 6;
                        }
                        _ => return None,
                    }
                }
                // Raw control characters are invalid JSON, and serde_json rejects them.
                _ => return None,
            }
        }
    }

    pub(super) fn number(&mut self) -> Option<()> {
        let b = self.b;
        let mut i = self.pos;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i)? {
            b'0' => i += 1,
            b'1'..=b'9' => i = digits(b, i),
            _ => return None,
        }
        if b.get(i) == Some(&b'.') {
            let after = digits(b, i + 1);
            if after == i + 1 {
                return None;
            }
            i = after;
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let after = digits(b, i);
            if after == i {
                return None;
            }
            i = after;
        }
        self.pos = i;
        Some(())
    }

    /// Consumes the first `count` items of an array whose `[` is behind, each with its comma,
    /// in text known to parse; `None` when the array holds fewer.
    pub(super) fn skip_parsed_items(&mut self, count: usize) -> Option<()> {
        for _ in 0..count {
            self.skip_parsed_value()?;
            self.skip_ws();
            if self.peek()? != b',' {
                return None;
            }
            self.pos += 1;
            self.skip_ws();
        }
        Some(())
    }

    /// Consumes one whole value of any kind. Only the nesting is followed, not the grammar
    /// between tokens: for text that is known to parse (its arena exists), never for judging it.
    pub(super) fn skip_parsed_value(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            self.skip_ws();
            match self.peek()? {
                b'{' | b'[' => {
                    self.pos += 1;
                    depth += 1;
                    continue;
                }
                b',' | b':' if depth > 0 => {
                    self.pos += 1;
                    continue;
                }
                b'}' | b']' if depth > 0 => {
                    self.pos += 1;
                    depth -= 1;
                }
                b'"' => self.pos = parsed_string_end(self.b, self.pos)?,
                b'-' | b'0'..=b'9' => self.number()?,
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                _ => return None,
            }
            if depth == 0 {
                return Some(());
            }
        }
    }

    pub(super) fn literal(&mut self, word: &[u8]) -> Option<()> {
        if self.b.get(self.pos..)?.starts_with(word) {
            self.pos += word.len();
            Some(())
        } else {
            None
        }
    }
}

/// Just past the closing quote of the string opening at `open`, in text known to parse: only
/// quotes and backslashes are looked for, not checked escapes or control characters.
fn parsed_string_end(b: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    loop {
        i += quote_or_backslash(b.get(i..)?)?;
        if b[i] == b'"' {
            return Some(i + 1);
        }
        // An escape: whatever follows the backslash belongs to it (a `\u` has no quote).
        i += 2;
    }
}

/// The index of the first `"` or `\` in `bytes`. Most strings of a body, and the stretches
/// between escaped quotes in a body embedded as a string, are a few bytes long: those are
/// looked at a word (8 bytes) at a time, since a `memchr2` call costs more to set up than it
/// saves there. Longer stretches of plain text go to `memchr2`.
pub(crate) fn quote_or_backslash(bytes: &[u8]) -> Option<usize> {
    const NEAR: usize = 32;
    let near = bytes.len().min(NEAR);
    let mut words = bytes[..near].chunks_exact(8);
    let mut at = 0;
    for word in words.by_ref() {
        let marks = marks(u64::from_le_bytes(word.try_into().unwrap_or_default()));
        if marks != 0 {
            return Some(at + marks.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    if let Some(k) = words
        .remainder()
        .iter()
        .position(|&b| b == b'"' || b == b'\\')
    {
        return Some(at + k);
    }
    memchr::memchr2(b'"', b'\\', &bytes[near..]).map(|k| k + near)
}

/// Skips string content at the start of `bytes` (past the opening quote), in text whose
/// strings are only known to close: the index just past the closing quote, or, when the
/// bytes end first, whether they end inside an escape (its escaped byte still to come). A
/// body kept as a HAR string has an escaped quote every few bytes: each is stepped over here,
/// and the search goes on a word at a time, without a call per escape.
pub(crate) fn string_rest(bytes: &[u8]) -> Result<usize, bool> {
    let mut i = 0;
    loop {
        let mut plain = 0;
        let mark = loop {
            if let Some(word) = bytes.get(i..i + 8) {
                let marks = marks(u64::from_le_bytes(word.try_into().unwrap_or_default()));
                if marks != 0 {
                    break i + marks.trailing_zeros() as usize / 8;
                }
                i += 8;
                plain += 1;
                if plain == 4 {
                    // A long run of plain text (a script, base64): memchr2 goes faster there.
                    match quote_or_backslash(&bytes[i..]) {
                        Some(k) => break i + k,
                        None => return Err(false),
                    }
                }
            } else {
                let rest = bytes.get(i..).unwrap_or_default();
                match rest.iter().position(|&b| b == b'"' || b == b'\\') {
                    Some(k) => break i + k,
                    None => return Err(false),
                }
            }
        };
        if bytes[mark] == b'"' {
            return Ok(mark + 1);
        }
        i = mark + 2;
        if i > bytes.len() {
            return Err(true);
        }
    }
}

/// The high bit of each byte of `word` (read little-endian) that is `"` or `\`, and perhaps of
/// bytes after the first such one (the borrow of the subtraction runs on): only the lowest
/// set bit is to be trusted, which is all a search needs.
fn marks(word: u64) -> u64 {
    const ONES: u64 = u64::MAX / 255;
    let quote = word ^ (ONES * u64::from(b'"'));
    let backslash = word ^ (ONES * u64::from(b'\\'));
    ((quote.wrapping_sub(ONES) & !quote) | (backslash.wrapping_sub(ONES) & !backslash))
        & (ONES << 7)
}

/// Decodes the JSON string literal whose opening quote is at `open` in `text`, as
/// `serde_json` reads a string; yields it with the index just past its closing quote. `None`
/// where `serde_json` would not read it (a raw control character, a bad escape, a lone
/// surrogate, no closing quote). A body kept as a HAR string has an escape every few bytes,
/// which `serde_json` decodes one call at a time: here each word (8 bytes) is copied as it is
/// and only then looked into, so a short run between escapes costs a word or two.
pub fn string_at(text: &str, open: usize) -> Option<(String, usize)> {
    let b = text.as_bytes();
    let mut r = open + 1;
    // What is written never outruns what is read, so the text's length past the quote bounds it.
    let mut out = vec![0u8; b.len().checked_sub(r)?];
    let mut w = 0;
    loop {
        if let Some(word) = b.get(r..r + 8) {
            out.get_mut(w..w + 8)?.copy_from_slice(word);
            let marks = string_marks(u64::from_le_bytes(word.try_into().ok()?));
            if marks == 0 {
                r += 8;
                w += 8;
                continue;
            }
            let k = marks.trailing_zeros() as usize / 8;
            r += k;
            w += k;
        } else {
            let c = *b.get(r)?;
            if c >= 0x20 && c != b'"' && c != b'\\' {
                *out.get_mut(w)? = c;
                r += 1;
                w += 1;
                continue;
            }
        }
        let byte = match *b.get(r)? {
            b'"' => {
                out.truncate(w);
                return Some((String::from_utf8(out).ok()?, r + 1));
            }
            b'\\' => match *b.get(r + 1)? {
                b'"' => b'"',
                b'\\' => b'\\',
                b'/' => b'/',
                b'b' => 8,
                b'f' => 12,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'u' => {
                    let (ch, len) = unicode_escape(b.get(r + 2..)?)?;
                    r += 2 + len;
                    w += ch.encode_utf8(out.get_mut(w..w + ch.len_utf8())?).len();
                    continue;
                }
                _ => return None,
            },
            // Raw control characters are invalid JSON, and serde_json rejects them.
            _ => return None,
        };
        *out.get_mut(w)? = byte;
        r += 2;
        w += 1;
    }
}

/// [`marks`], and also of the bytes below 0x20 (raw control characters, not allowed in a string).
fn string_marks(word: u64) -> u64 {
    const ONES: u64 = u64::MAX / 255;
    marks(word) | (word.wrapping_sub(ONES * 0x20) & !word & (ONES << 7))
}

/// The character of a `\u` escape whose hex digits start `b`, with the length read: a high
/// surrogate takes the `\uXXXX` of its low one with it. `None` for a lone surrogate.
fn unicode_escape(b: &[u8]) -> Option<(char, usize)> {
    let high = hex4(b.get(..4)?)?;
    if !(0xD800..0xDC00).contains(&high) {
        // A lone low surrogate is not a char, so this rejects it.
        return Some((char::from_u32(high)?, 4));
    }
    if b.get(4..6)? != b"\\u" {
        return None;
    }
    let low = hex4(b.get(6..10)?)?;
    if !(0xDC00..0xE000).contains(&low) {
        return None;
    }
    Some((
        char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))?,
        10,
    ))
}

fn digits(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i
}

fn hex4(b: &[u8]) -> Option<u32> {
    if b.len() != 4 {
        return None;
    }
    b.iter()
        .try_fold(0u32, |acc, &c| Some(acc * 16 + char::from(c).to_digit(16)?))
}

/// Compares a raw key (between its quotes) with a decoded token, decoding only if needed.
pub(super) fn key_matches(raw: &[u8], escaped: bool, token: &str, scratch: &mut String) -> bool {
    if !escaped {
        return raw == token.as_bytes();
    }
    // Every escape is at least as long as the UTF-8 it stands for.
    if raw.len() < token.len() {
        return false;
    }
    decode_into(raw, scratch).is_some() && scratch == token
}

/// Decodes JSON string content; `None` for what `serde_json` would reject (lone surrogates).
fn decode_into(raw: &[u8], out: &mut String) -> Option<()> {
    out.clear();
    let mut i = 0;
    let mut run = 0;
    while let Some(&c) = raw.get(i) {
        if c != b'\\' {
            i += 1;
            continue;
        }
        out.push_str(std::str::from_utf8(raw.get(run..i)?).ok()?);
        let escape = *raw.get(i + 1)?;
        i += 2;
        let ch = match escape {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let (ch, len) = unicode_escape(raw.get(i..)?)?;
                i += len;
                ch
            }
            _ => return None,
        };
        out.push(ch);
        run = i;
    }
    out.push_str(std::str::from_utf8(raw.get(run..)?).ok()?);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::select;

    #[test]
    fn the_word_search_finds_what_memchr2_finds_whatever_surrounds_the_mark() {
        // Bytes one off a mark, or a mark with the high bit set, next to the mark or before it.
        for filler in [b'a', b'!', b'#', b'[', b']', 0xa2, 0xdc, 0xff, 0x00, 0x01] {
            for len in 0..72 {
                for at in (0..len).chain([len]) {
                    for mark in [b'"', b'\\'] {
                        let mut bytes = vec![filler; len];
                        if at < len {
                            bytes[at] = mark;
                            // A second mark after the first must not win.
                            if at + 3 < len {
                                bytes[at + 3] = b'"';
                            }
                        }
                        let want = memchr::memchr2(b'"', b'\\', &bytes);
                        assert_eq!(quote_or_backslash(&bytes), want, "{filler} {len} {at}");
                    }
                }
            }
        }
    }

    #[test]
    fn string_rest_stops_past_the_closing_quote_or_says_where_the_bytes_end() {
        for (text, want) in [
            (r#"abc" x"#, Ok(4)),
            (r#"a\"b\\" x"#, Ok(7)),
            (
                r#"0123456789\"0123456789012345678901234567890123456789\\\"" x"#,
                Ok(57),
            ),
            ("abc", Err(false)),
            (r"abc\", Err(true)),
            (r#"abc\""#, Err(false)),
            ("", Err(false)),
        ] {
            assert_eq!(string_rest(text.as_bytes()), want, "{text}");
        }
        // Every length of plain run, before and after an escape.
        for before in 0..80 {
            for after in 0..80 {
                let text = format!("{}\\\"{}\"tail", "x".repeat(before), "y".repeat(after));
                assert_eq!(string_rest(text.as_bytes()), Ok(before + after + 3));
                assert_eq!(string_rest(&text.as_bytes()[..before + 1]), Err(true));
            }
        }
    }

    /// What `serde_json` makes of the literal with this content, as a `String`.
    fn serde(content: &str) -> Option<String> {
        serde_json::from_str::<String>(&format!("\"{content}\"")).ok()
    }

    /// What [`string_at`] makes of it, written after some text and followed by more, checking
    /// that it ends where the literal does.
    fn unescape(content: &str) -> Option<String> {
        let text = format!("{{\"a\": \"{content}\", \"b\\\"\": 1}}");
        let (decoded, end) = string_at(&text, 6)?;
        assert_eq!(&text[end..], ", \"b\\\"\": 1}", "{content}");
        Some(decoded)
    }

    #[test]
    fn escapes_decode_as_serde_json_decodes_them() {
        for content in [
            "",
            "plain",
            r#"\"\\\/\b\f\n\r\t"#,
            r"\u0041\u00e9\u4E2D\u0000\u001f\uffff",
            r"\ud83d\ude00 and \uD834\uDD1E",
            r#"{\"errcode\":0,\"extension\":\"{\\\"用户名\\\": \\\"user0\\\"}\"}"#,
            r"\ud800",
            r"\udc00",
            r"\ud800\u0041",
            r"\ud800\ud800",
            r"\ud800x",
            r"\ud800\n",
            r"tail \ud83d",
            "raw\ncontrol",
            "\u{1f}",
            "\u{7f} is no control character",
        ] {
            assert_eq!(unescape(content), serde(content), "{content}");
        }
    }

    #[test]
    fn a_literal_that_does_not_close_is_not_read() {
        for text in ["\"abc", "\"abc\\", "\"abc\\\"", "\"\\u12", "\""] {
            assert_eq!(string_at(text, 0), None, "{text}");
        }
        assert_eq!(string_at("x\"ab\"", 1), Some(("ab".to_owned(), 5)));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2048, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn literals_of_escapes_and_text_decode_as_serde_json_decodes_them(
            pieces in proptest::collection::vec(
                select(&[
                    r#"\""#, r"\\", r"\/", r"\b", r"\f", r"\n", r"\r", r"\t", r"\u0041",
                    r"\u00E9", r"\u4e2d", r"\ud83d\ude00", r"\ud800", r"\udfff", r"\u0000",
                    "a", "é", "中", "😀", "{", ":", " ", "0123456789abcdefghijklmnopqrstuvwxyz",
                    "\t", "\u{1}",
                ][..]),
                0..40,
            )
        ) {
            let content = pieces.concat();
            prop_assert_eq!(unescape(&content), serde(&content));
        }

        #[test]
        fn any_string_written_by_serde_json_decodes_to_itself(text in any::<String>()) {
            let literal = serde_json::to_string(&text).expect("a string serializes");
            let content = &literal[1..literal.len() - 1];
            prop_assert_eq!(unescape(content), Some(text));
        }

        #[test]
        fn any_string_written_as_unicode_escapes_decodes_to_itself(text in any::<String>()) {
            let mut content = String::new();
            for unit in text.encode_utf16() {
                content.push_str(&format!("\\u{unit:04x}"));
            }
            prop_assert_eq!(unescape(&content), Some(text));
        }
    }
}

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
/// looked at directly, since a `memchr2` call costs more to set up than it saves there.
/// Longer stretches of plain text go to `memchr2`.
pub(crate) fn quote_or_backslash(bytes: &[u8]) -> Option<usize> {
    const NEAR: usize = 16;
    let near = bytes.len().min(NEAR);
    if let Some(k) = bytes[..near].iter().position(|&b| b == b'"' || b == b'\\') {
        return Some(k);
    }
    memchr::memchr2(b'"', b'\\', &bytes[near..]).map(|k| k + near)
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
                let high = hex4(raw.get(i..i + 4)?)?;
                i += 4;
                if (0xD800..0xDC00).contains(&high) {
                    if raw.get(i..i + 2)? != b"\\u" {
                        return None;
                    }
                    let low = hex4(raw.get(i + 2..i + 6)?)?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return None;
                    }
                    i += 6;
                    char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))?
                } else {
                    // A lone low surrogate is not a char, so this rejects it.
                    char::from_u32(high)?
                }
            }
            _ => return None,
        };
        out.push(ch);
        run = i;
    }
    out.push_str(std::str::from_utf8(raw.get(run..)?).ok()?);
    Some(())
}

//! Turns an RFC 6901 JSON pointer into a byte span of the source text, only when a reporter needs a position.
//!
//! Findings are produced on a parsed `serde_json::Value`, which has no positions; keeping
//! positions for every node would cost memory on every response, while only the few
//! values that end up in a report need one. So the text is scanned again, lazily, here.
//!
//! The scanner is a single forward pass with an explicit stack instead of recursive
//! descent: bodies can nest far deeper than the thread stack allows, and descending level
//! by level would rescan the chosen member's subtree once per pointer token (quadratic on
//! deep documents), because the last duplicate key wins and each object must be read to
//! its end before its chosen member is known.

/// Byte range of a JSON value (or key) in the source text; `end` is exclusive.
///
/// A string's span includes both quotes, so the slice can be fed back to a JSON parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset just past the last byte.
    pub end: usize,
}

/// Span of the value the pointer designates (`""` = the root value).
///
/// `None` if the pointer is invalid, the value does not exist, or the text is malformed
/// before the answer is certain. Because `serde_json` keeps the last of duplicate keys, an
/// object on the path is read to its closing brace, so a malformed or truncated object
/// anywhere around the value also gives `None`; content after a value reached only
/// through arrays is not looked at.
#[must_use]
pub fn locate(text: &str, pointer: &str) -> Option<Span> {
    let tokens = pointer_tokens(pointer)?;
    find(text, &tokens).map(|found| found.value)
}

/// Span of the key string (quotes included) of the member the pointer designates.
///
/// `None` unless the pointer's last token names a member of an object (the root and
/// array elements have no key), and under the same conditions as [`locate`].
#[must_use]
pub fn locate_key(text: &str, pointer: &str) -> Option<Span> {
    let tokens = pointer_tokens(pointer)?;
    if tokens.is_empty() {
        return None;
    }
    find(text, &tokens)?.key
}

/// 1-based line and 1-based column of a byte offset, the column counted in chars.
///
/// Editors count characters, not bytes, so a byte column would drift on any non-ASCII
/// text. Lines end at `'\n'` only (so a CRLF's `'\r'` stays on the line it ends). An
/// offset inside a multi-byte char is taken as that char, one past the end as the end. A
/// leading BOM is not counted as a column because editors do not display it.
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
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// `(byte offset, chars before it not counting a BOM)`, at char boundaries about
    /// `CHECKPOINT_STRIDE` apart.
    checkpoints: Vec<(usize, usize)>,
    len: usize,
    bom: usize,
}

const CHECKPOINT_STRIDE: usize = 1024;

impl LineIndex {
    #[must_use]
    /// Indexes the lines of `text` (one pass).
    pub fn new(text: &str) -> Self {
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
            line_starts,
            checkpoints,
            len: bytes.len(),
            bom,
        }
    }

    /// Same answer as [`line_col`]; `text` must be the text the index was built from.
    #[must_use]
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        // A different text would make the stored offsets meaningless; a slow right answer
        // beats a fast wrong one.
        if text.len() != self.len {
            return line_col(text, offset);
        }
        let bytes = text.as_bytes();
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

/// Decodes an RFC 6901 pointer into its unescaped reference tokens.
///
/// `""` gives no tokens (the root). `None` for a non-empty pointer not starting with `/`
/// and for a `~` not followed by `0` or `1`, which RFC 6901 leaves undefined (`serde_json`
/// keeps such a `~` literally; a pointer built by escaping keys never contains one).
#[must_use]
pub fn pointer_tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    pointer
        .strip_prefix('/')?
        .split('/')
        .map(unescape_token)
        .collect()
}

fn unescape_token(raw: &str) -> Option<String> {
    if !raw.contains('~') {
        return Some(raw.to_owned());
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.next()? {
                '0' => out.push('~'),
                '1' => out.push('/'),
                _ => return None,
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// Matches `serde_json`'s index rules so both agree on which element a token names.
fn array_index(token: &str) -> Option<usize> {
    let bytes = token.as_bytes();
    let leading_zero = bytes.len() > 1 && bytes.first() == Some(&b'0');
    if bytes.is_empty() || leading_zero || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    token.parse().ok()
}

fn bom_len(bytes: &[u8]) -> usize {
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

struct Found {
    value: Span,
    key: Option<Span>,
}

/// An open container. `on_path` means it is the value designated by the first `depth`
/// tokens in the current reading (a later duplicate key can start another reading).
struct Frame {
    closer: u8,
    on_path: bool,
    index: usize,
    start: usize,
    key: Option<Span>,
}

/// How the value about to be read relates to the pointer.
#[derive(Clone, Copy)]
struct Pending {
    on_path: bool,
    key: Option<Span>,
}

/// What reading one value, or ending some, left the walk facing.
enum Step {
    /// A container was opened or continued; its next child is described here.
    Child(Pending),
    /// A scalar or empty container was read whole.
    Ended,
    /// Nothing further can change the answer.
    Finished,
}

struct Walk<'t, 'p> {
    s: Scanner<'t>,
    tokens: &'p [String],
    /// Parsed once here rather than at every element of every array on the path.
    indexes: Vec<Option<usize>>,
    /// Reused across escaped keys so decoding does not allocate per key.
    scratch: String,
    stack: Vec<Frame>,
    /// Only objects can hold a later duplicate that changes the answer.
    open_objects: usize,
    result: Option<Found>,
}

fn find(text: &str, tokens: &[String]) -> Option<Found> {
    let mut w = Walk {
        s: Scanner::new(text),
        tokens,
        indexes: tokens.iter().map(|t| array_index(t)).collect(),
        scratch: String::new(),
        stack: Vec::new(),
        open_objects: 0,
        result: None,
    };
    let mut next = Pending {
        on_path: true,
        key: None,
    };
    w.s.skip_ws();
    loop {
        let start = w.s.pos;
        if next.on_path {
            // A value on the path supersedes whatever an earlier duplicate key led to.
            w.result = None;
        }
        let step = match w.open_value(next, start)? {
            Step::Ended => w.end_values(next, start)?,
            step => step,
        };
        match step {
            Step::Child(child) => next = child,
            Step::Ended | Step::Finished => return w.result,
        }
    }
}

impl Walk<'_, '_> {
    /// Reads a scalar whole, or opens a container and reads up to its first child.
    fn open_value(&mut self, next: Pending, start: usize) -> Option<Step> {
        let s = &mut self.s;
        let opener = s.peek()?;
        match opener {
            b'{' | b'[' => {
                let closer = if opener == b'{' { b'}' } else { b']' };
                s.pos += 1;
                s.skip_ws();
                if s.peek()? == closer {
                    s.pos += 1;
                    return Some(Step::Ended);
                }
                if opener == b'{' {
                    self.open_objects += 1;
                }
                self.stack.push(Frame {
                    closer,
                    on_path: next.on_path,
                    index: 0,
                    start,
                    key: next.key,
                });
                return self.child().map(Step::Child);
            }
            b'"' => {
                s.string()?;
            }
            b'-' | b'0'..=b'9' => s.number()?,
            b't' => s.literal(b"true")?,
            b'f' => s.literal(b"false")?,
            b'n' => s.literal(b"null")?,
            _ => return None,
        }
        Some(Step::Ended)
    }

    /// A value just ended at the cursor; records it if it is the target and closes every
    /// container it completes, until a `,` leads to the next child.
    fn end_values(&mut self, mut done: Pending, mut start: usize) -> Option<Step> {
        loop {
            if done.on_path {
                if self.stack.len() == self.tokens.len() {
                    self.result = Some(Found {
                        value: Span {
                            start,
                            end: self.s.pos,
                        },
                        key: done.key,
                    });
                }
                if self.open_objects == 0 {
                    // Only arrays enclose it and an index can't repeat, so nothing later
                    // can change the answer; just make sure the value really ended.
                    if !self.stack.is_empty() {
                        self.s.skip_ws();
                        if !matches!(self.s.peek()?, b',' | b']') {
                            return None;
                        }
                    }
                    return Some(Step::Finished);
                }
            }
            let Some(top) = self.stack.last_mut() else {
                return Some(Step::Finished);
            };
            self.s.skip_ws();
            let b = self.s.peek()?;
            if b == b',' {
                self.s.pos += 1;
                self.s.skip_ws();
                top.index += 1;
                return self.child().map(Step::Child);
            }
            if b != top.closer {
                return None;
            }
            self.s.pos += 1;
            let frame = self.stack.pop()?;
            if frame.closer == b'}' {
                self.open_objects -= 1;
            }
            done = Pending {
                on_path: frame.on_path,
                key: frame.key,
            };
            start = frame.start;
        }
    }

    /// Reads what precedes the top container's next child (a key and colon in an
    /// object) and tells whether that child is on the pointer's path.
    fn child(&mut self) -> Option<Pending> {
        let level = self.stack.len();
        let top = self.stack.last()?;
        let wanted = top.on_path && level <= self.tokens.len();
        let token_at = level.checked_sub(1)?;
        if top.closer == b']' {
            let on_path =
                wanted && self.indexes.get(token_at).copied().flatten() == Some(top.index);
            return Some(Pending { on_path, key: None });
        }
        let s = &mut self.s;
        if s.peek()? != b'"' {
            return None;
        }
        let start = s.pos;
        let escaped = s.string()?;
        let end = s.pos;
        s.skip_ws();
        if s.peek()? != b':' {
            return None;
        }
        s.pos += 1;
        s.skip_ws();
        let on_path = wanted
            && self.tokens.get(token_at).is_some_and(|token| {
                let raw = s.b.get(start + 1..end - 1).unwrap_or_default();
                key_matches(raw, escaped, token, &mut self.scratch)
            });
        Some(Pending {
            on_path,
            key: Some(Span { start, end }),
        })
    }
}

struct Scanner<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        let b = text.as_bytes();
        Self { b, pos: bom_len(b) }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// Consumes a string starting at the opening quote; returns whether it has escapes.
    fn string(&mut self) -> Option<bool> {
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

    fn number(&mut self) -> Option<()> {
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

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        if self.b.get(self.pos..)?.starts_with(word) {
            self.pos += word.len();
            Some(())
        } else {
            None
        }
    }
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
fn key_matches(raw: &[u8], escaped: bool, token: &str, scratch: &mut String) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    fn at<'a>(text: &'a str, pointer: &str) -> Option<&'a str> {
        locate(text, pointer).map(|s| slice(text, s))
    }

    fn key_at<'a>(text: &'a str, pointer: &str) -> Option<&'a str> {
        locate_key(text, pointer).map(|s| slice(text, s))
    }

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

    fn escape_token(key: &str) -> String {
        key.replace('~', "~0").replace('/', "~1")
    }

    const ROLES_PRETTY: &str = r#"{
  "code": 0,
  "result": {
    "role_list": [
      {
        "id": 11,
        "name": "admin"
      },
      {
        "id": 22,
        "name": "viewer",
        "tags": ["a", "b"]
      }
    ],
    "total": 2
  }
}"#;

    #[test]
    fn pointer_tokens_decode_rfc6901() {
        assert_eq!(pointer_tokens(""), Some(vec![]));
        assert_eq!(pointer_tokens("/"), Some(vec![String::new()]));
        assert_eq!(
            pointer_tokens("//"),
            Some(vec![String::new(), String::new()])
        );
        assert_eq!(pointer_tokens("/a/b"), Some(vec!["a".into(), "b".into()]));
        assert_eq!(pointer_tokens("/a~1b"), Some(vec!["a/b".into()]));
        assert_eq!(pointer_tokens("/m~0n"), Some(vec!["m~n".into()]));
        // ~01 is "~" then "1", not "/": decoding is left to right.
        assert_eq!(pointer_tokens("/~01"), Some(vec!["~1".into()]));
        assert_eq!(pointer_tokens("/~10"), Some(vec!["/0".into()]));
        assert_eq!(
            pointer_tokens("/中文/😀"),
            Some(vec!["中文".into(), "😀".into()])
        );
        assert_eq!(pointer_tokens("a"), None);
        assert_eq!(pointer_tokens("#/a"), None);
        assert_eq!(pointer_tokens("/~"), None);
        assert_eq!(pointer_tokens("/a~2"), None);
        assert_eq!(pointer_tokens("/a/~x"), None);
    }

    #[test]
    fn array_index_rules_match_serde_json() {
        assert_eq!(array_index("0"), Some(0));
        assert_eq!(array_index("12"), Some(12));
        for bad in [
            "",
            "-",
            "01",
            "00",
            "+1",
            "-1",
            " 1",
            "1 ",
            "1a",
            "99999999999999999999999",
        ] {
            assert_eq!(array_index(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn pretty_nested_arrays_of_objects() {
        let t = ROLES_PRETTY;
        assert_eq!(at(t, "/result/role_list/1/id"), Some("22"));
        assert_eq!(at(t, "/result/role_list/0/name"), Some("\"admin\""));
        assert_eq!(at(t, "/result/role_list/1/tags/1"), Some("\"b\""));
        assert_eq!(at(t, "/result/total"), Some("2"));
        assert_eq!(at(t, "/code"), Some("0"));
        let span = locate(t, "/result/role_list/1/id").unwrap();
        assert_eq!(line_col(t, span.start), (10, 15));
        assert_eq!(key_at(t, "/result/role_list/1/id"), Some("\"id\""));
        let key = locate_key(t, "/result/role_list/1/id").unwrap();
        assert_eq!(line_col(t, key.start), (10, 9));
        let list = at(t, "/result/role_list").unwrap();
        assert!(list.starts_with('[') && list.ends_with(']'));
        assert_eq!(
            serde_json::from_str::<Value>(list).unwrap(),
            serde_json::from_str::<Value>(t).unwrap()["result"]["role_list"]
        );
    }

    #[test]
    fn minified_nested_arrays_of_objects() {
        let v: Value = serde_json::from_str(ROLES_PRETTY).unwrap();
        let t = serde_json::to_string(&v).unwrap();
        assert_eq!(at(&t, "/result/role_list/1/id"), Some("22"));
        assert_eq!(
            at(&t, "/result/role_list/1"),
            Some(r#"{"id":22,"name":"viewer","tags":["a","b"]}"#)
        );
        assert_eq!(at(&t, "/result/role_list/2"), None);
        assert_eq!(at(&t, "/result/role_list/1/tags/2"), None);
        let span = locate(&t, "/result/role_list/1/id").unwrap();
        assert_eq!(line_col(&t, span.start), (1, span.start + 1));
    }

    #[test]
    fn root_pointer_is_whole_value_without_surrounding_whitespace() {
        assert_eq!(locate("  [1, 2]\n", ""), Some(Span { start: 2, end: 8 }));
        assert_eq!(at("\r\n\t{\"a\":1} ", ""), Some("{\"a\":1}"));
        assert_eq!(at("42", ""), Some("42"));
        assert_eq!(at(" \"s\" ", ""), Some("\"s\""));
        assert_eq!(at("null", ""), Some("null"));
        assert_eq!(at("[]", ""), Some("[]"));
        assert_eq!(at("{ }", ""), Some("{ }"));
        assert_eq!(locate_key("{\"a\":1}", ""), None);
    }

    #[test]
    fn keys_with_escapes_are_compared_decoded() {
        let t = r#"{"a\/b": 1, "caf\u00e9": 2, "\ud83d\ude00": 3, "q\"uote": 4, "back\\slash": 5, "tab\tnl\n": 6, "m~n": 7, "\u0041BC": 8, "caf\u00E9x": 9}"#;
        assert_eq!(at(t, "/a~1b"), Some("1"));
        assert_eq!(at(t, "/café"), Some("2"));
        assert_eq!(at(t, "/😀"), Some("3"));
        assert_eq!(at(t, "/q\"uote"), Some("4"));
        assert_eq!(at(t, "/back\\slash"), Some("5"));
        assert_eq!(at(t, "/tab\tnl\n"), Some("6"));
        assert_eq!(at(t, "/m~0n"), Some("7"));
        assert_eq!(at(t, "/ABC"), Some("8"));
        assert_eq!(at(t, "/caféx"), Some("9"));
        // The raw spelling is not the key.
        assert_eq!(at(t, "/a\\~1b"), None);
        assert_eq!(at(t, "/caf\\u00e9"), None);
        assert_eq!(at(t, "/m~1n"), None);
        assert_eq!(key_at(t, "/café"), Some(r#""caf\u00e9""#));
        assert_eq!(key_at(t, "/😀"), Some(r#""\ud83d\ude00""#));
    }

    #[test]
    fn lone_surrogate_key_matches_nothing() {
        let t = r#"{"\ud83d": 1, "\ude00": 2, "\ud83dx": 3, "ok": 4}"#;
        assert_eq!(at(t, "/ok"), Some("4"));
        assert_eq!(at(t, "/\u{fffd}"), None);
        assert_eq!(at(t, "/x"), None);
    }

    #[test]
    fn escaped_slashes_in_values() {
        let t = r#"{"url":"https:\/\/example.com\/a\/b","next":{"href":"\/v1\/x"},"n":1}"#;
        assert_eq!(at(t, "/url"), Some(r#""https:\/\/example.com\/a\/b""#));
        assert_eq!(at(t, "/next/href"), Some(r#""\/v1\/x""#));
        assert_eq!(at(t, "/n"), Some("1"));
        let url: String = serde_json::from_str(at(t, "/url").unwrap()).unwrap();
        assert_eq!(url, "https://example.com/a/b");
    }

    #[test]
    fn strings_with_brackets_quotes_and_escapes_do_not_confuse_the_scan() {
        let t = r#"{"s":"]}\"\\[{","u":"\\","v":"\\\"]","t":[1,"]",{"k":"}"}],"w":2}"#;
        assert_eq!(at(t, "/s"), Some(r#""]}\"\\[{""#));
        assert_eq!(at(t, "/u"), Some(r#""\\""#));
        assert_eq!(at(t, "/v"), Some(r#""\\\"]""#));
        assert_eq!(at(t, "/t/1"), Some(r#""]""#));
        assert_eq!(at(t, "/t/2/k"), Some(r#""}""#));
        assert_eq!(at(t, "/w"), Some("2"));
    }

    #[test]
    fn unicode_before_value_counts_columns_in_chars() {
        let t = "{\"名字\": \"中文文本😀\", \"id\": 7}";
        let span = locate(t, "/id").unwrap();
        assert_eq!(slice(t, span), "7");
        // {"名字": "中文文本😀", "id": 7  -> '7' is the 23rd char.
        assert_eq!(line_col(t, span.start), (1, 23));
        assert_eq!(LineIndex::new(t).line_col(t, span.start), (1, 23));
        assert_ne!(span.start + 1, 23, "byte and char columns differ here");
        assert_eq!(at(t, "/名字"), Some("\"中文文本😀\""));
        let key = locate_key(t, "/名字").unwrap();
        assert_eq!(line_col(t, key.start), (1, 2));
        assert_eq!(line_col(t, key.end), (1, 6));
    }

    #[test]
    fn crlf_line_ends() {
        let t = "{\r\n  \"a\": 1,\r\n  \"b\": [\r\n    true\r\n  ]\r\n}\r\n";
        assert_eq!(at(t, "/a"), Some("1"));
        assert_eq!(at(t, "/b/0"), Some("true"));
        let span = locate(t, "/b/0").unwrap();
        assert_eq!(line_col(t, span.start), (4, 5));
        assert_eq!(line_col(t, locate(t, "/a").unwrap().start), (2, 8));
        // The '\r' itself is the last column of its line, never a column of the next.
        let cr = t.find('\r').unwrap();
        assert_eq!(line_col(t, cr), (1, 2));
        assert_eq!(line_col(t, cr + 1), (1, 3));
        assert_eq!(line_col(t, cr + 2), (2, 1));
    }

    #[test]
    fn bom_is_skipped() {
        let t = "\u{feff}{\"a\":1}";
        assert_eq!(locate(t, "/a"), Some(Span { start: 8, end: 9 }));
        assert_eq!(locate(t, ""), Some(Span { start: 3, end: 10 }));
        assert_eq!(line_col(t, 8), (1, 6));
        assert_eq!(line_col(t, 3), (1, 1));
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 1), (1, 1));
        let index = LineIndex::new(t);
        for off in 0..=t.len() + 1 {
            assert_eq!(
                index.line_col(t, off),
                naive_line_col(t, off),
                "offset {off}"
            );
        }
        // Only a leading BOM is special.
        assert_eq!(locate("{\"a\":\u{feff}1}", "/a"), None);
        assert_eq!(locate(" \u{feff}1", ""), None);
    }

    #[test]
    fn duplicate_keys_last_wins() {
        let t = r#"{"a":1,"b":2,"a":{"c":3}}"#;
        assert_eq!(at(t, "/a"), Some(r#"{"c":3}"#));
        assert_eq!(at(t, "/a/c"), Some("3"));
        assert_eq!(locate_key(t, "/a"), Some(Span { start: 13, end: 16 }));
        // The later duplicate replaces the earlier subtree even when it lacks the path.
        assert_eq!(at(r#"{"a":{"c":3},"a":4}"#, "/a/c"), None);
        assert_eq!(at(r#"{"x":{"y":1},"x":{"z":2}}"#, "/x/y"), None);
        assert_eq!(at(r#"{"x":{"y":1},"x":{"z":2}}"#, "/x/z"), Some("2"));
        assert_eq!(
            at(r#"{"x":{"y":1,"y":5},"x":{"y":2,"y":6}}"#, "/x/y"),
            Some("6")
        );
        assert_eq!(at(r#"{"x":[{"y":1}],"x":[{"y":2}]}"#, "/x/0/y"), Some("2"));
        // Escaped and plain spellings of one key are duplicates too.
        assert_eq!(at(r#"{"a/b":1,"a\/b":2}"#, "/a~1b"), Some("2"));
        assert_eq!(at(r#"{"a\/b":1,"a/b":2}"#, "/a~1b"), Some("2"));
        for (text, pointer) in [
            (r#"{"a":1,"b":2,"a":{"c":3}}"#, "/a/c"),
            (r#"{"x":{"y":1,"y":5},"x":{"y":2,"y":6}}"#, "/x/y"),
            (r#"{"x":[{"y":1}],"x":[{"y":2}]}"#, "/x/0/y"),
        ] {
            let v: Value = serde_json::from_str(text).unwrap();
            let got: Value = serde_json::from_str(at(text, pointer).unwrap()).unwrap();
            assert_eq!(Some(&got), v.pointer(pointer));
        }
    }

    #[test]
    fn missing_members_and_indexes() {
        let t = r#"{"a":[10,20,{"0":"zero"}],"s":"x","n":null}"#;
        assert_eq!(at(t, "/missing"), None);
        assert_eq!(at(t, "/a/3"), None);
        assert_eq!(at(t, "/a/-"), None);
        assert_eq!(at(t, "/a/01"), None);
        assert_eq!(at(t, "/a/+1"), None);
        assert_eq!(at(t, "/a/1"), Some("20"));
        // "0" names a member in an object and an index in an array.
        assert_eq!(at(t, "/a/2/0"), Some("\"zero\""));
        assert_eq!(at(t, "/a/0/0"), None);
        assert_eq!(at(t, "/s/0"), None);
        assert_eq!(at(t, "/n/x"), None);
        assert_eq!(at(t, "/A"), None);
        assert_eq!(at(t, "a"), None);
        assert_eq!(at(t, "/a~"), None);
        assert_eq!(at("[]", "/0"), None);
        assert_eq!(at("{}", "/"), None);
        assert_eq!(at(r#"{"":5}"#, "/"), Some("5"));
        assert_eq!(key_at(t, "/a/1"), None);
        assert_eq!(key_at(t, "/missing"), None);
        assert_eq!(key_at(t, "/a/2/0"), Some("\"0\""));
    }

    #[test]
    fn malformed_text_gives_none() {
        let cases: &[(&str, &str)] = &[
            ("", ""),
            ("   ", ""),
            ("}", ""),
            ("]]]", "/0"),
            ("\"unterminated", ""),
            ("[\"\\", "/0"),
            ("[\"\\u12\"]", "/0"),
            ("[\"\\x\"]", "/0"),
            ("[\"a\u{1}\"]", "/0"),
            ("{\"a\" 1}", "/a"),
            ("{\"a\":1 \"b\":2}", "/b"),
            ("{\"a\":[1 2],\"b\":3}", "/b"),
            ("{\"a\":1,}", "/a"),
            ("{,\"a\":1}", "/a"),
            ("{a:1}", "/a"),
            ("{'a':1}", "/a"),
            ("[,1]", "/0"),
            ("[1}", "/0"),
            ("{\"a\":1]", "/a"),
            ("{\"a\":tru}", "/a"),
            ("{\"a\":truex}", "/a"),
            ("[01]", "/0"),
            ("[-]", "/0"),
            ("[1.]", "/0"),
            ("[.5]", "/0"),
            ("[1e]", "/0"),
            ("[1e+]", "/0"),
            ("[+1]", "/0"),
            ("[NaN]", "/0"),
            ("[1 x]", "/0"),
            ("{\"a\": [1, 2", "/a/0"),
            ("{\"a\": 1", "/a"),
            ("{\"a\": 1, \"b\"", "/a"),
            ("[1, 2", "/1"),
            ("[\"a\" \"b\"]", "/0"),
        ];
        for &(text, pointer) in cases {
            assert_eq!(locate(text, pointer), None, "{text:?} {pointer:?}");
            assert_eq!(locate_key(text, pointer), None, "{text:?} {pointer:?}");
        }
        // Past the answer, through arrays only, the rest of the text is not read.
        assert_eq!(at("[1, 2", "/0"), Some("1"));
        assert_eq!(at("[[1, 2], {", "/0/1"), Some("2"));
        assert_eq!(at("[1] trailing", ""), Some("[1]"));
        assert_eq!(at("[1,]", "/0"), Some("1"));
        assert_eq!(at("[1, 2,", "/1"), Some("2"));
        assert_eq!(at("[[1] 2]", "/0/0"), Some("1"));
        assert_eq!(at("[[1] 2]", "/0"), None);
        assert_eq!(at("[1,]", ""), None);
    }

    #[test]
    fn deep_arrays_do_not_overflow_the_stack() {
        let n = 100_000;
        let t = format!("{}1{}", "[".repeat(n), "]".repeat(n));
        assert_eq!(
            locate(&t, "/0/0/0"),
            Some(Span {
                start: 3,
                end: t.len() - 3
            })
        );
        assert_eq!(
            locate(&t, ""),
            Some(Span {
                start: 0,
                end: t.len()
            })
        );
        assert_eq!(locate(&t, "/0/1"), None);
        let deepest = "/0".repeat(n);
        assert_eq!(
            locate(&t, &deepest),
            Some(Span {
                start: n,
                end: n + 1
            })
        );
        assert_eq!(locate(&t, &"/0".repeat(n + 1)), None);
        assert_eq!(line_col(&t, n), (1, n + 1));
        // Unbalanced: one closer short.
        let short = &t[..t.len() - 1];
        assert_eq!(locate(short, ""), None);
        assert_eq!(
            locate(short, "/0/0/0"),
            Some(Span {
                start: 3,
                end: t.len() - 3
            })
        );
        let empty = format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert_eq!(
            locate(&empty, "/0/0/0"),
            Some(Span {
                start: 3,
                end: empty.len() - 3
            })
        );
        assert_eq!(locate(&"[".repeat(n), "/0/0/0"), None);
    }

    #[test]
    fn deep_objects_are_linear_not_quadratic() {
        // Rescanning each chosen subtree per token would be ~10^10 steps here.
        let n = 100_000;
        let t = format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n));
        let deepest = "/a".repeat(n);
        assert_eq!(
            locate(&t, &deepest),
            Some(Span {
                start: 5 * n,
                end: 5 * n + 1
            })
        );
        assert_eq!(
            locate_key(&t, &deepest),
            Some(Span {
                start: 5 * n - 4,
                end: 5 * n - 1
            })
        );
        assert_eq!(
            locate(&t, "/a/a"),
            Some(Span {
                start: 10,
                end: t.len() - 2
            })
        );
        assert_eq!(locate(&t, "/a/b"), None);
        assert_eq!(locate(&t[..t.len() - 1], "/a"), None);
        let mixed = format!("{}1{}", "{\"a\":[".repeat(n / 2), "]}".repeat(n / 2));
        assert_eq!(
            locate(&mixed, &"/a/0".repeat(n / 2)).map(|s| slice(&mixed, s)),
            Some("1")
        );
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
    }

    #[test]
    fn line_index_matches_naive_across_checkpoints() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let pieces = ["a", "é", "中", "😀", "\n", "\r\n", " ", "{", "\"", "\t"];
        for round in 0..6 {
            let mut t = String::new();
            if round % 2 == 1 {
                t.push('\u{feff}');
            }
            // Long single lines (minified bodies) and many short lines both matter.
            let newline_weight = if round < 3 { 400 } else { 4 };
            while t.len() < 5 * CHECKPOINT_STRIDE {
                let piece = pieces[rng.below(pieces.len())];
                if piece.contains('\n') && rng.below(newline_weight) != 0 {
                    continue;
                }
                t.push_str(piece);
            }
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
            for off in 0..=t.len() + 2 {
                let want = want[off.min(t.len())];
                assert_eq!(index.line_col(&t, off), want, "round {round} offset {off}");
                if off % 61 == 0 || off + 70 > t.len() {
                    assert_eq!(line_col(&t, off), want, "round {round} offset {off}");
                    assert_eq!(naive_line_col(&t, off), want, "round {round} offset {off}");
                }
            }
        }
        assert_eq!(LineIndex::new("").line_col("", 0), (1, 1));
        // A text of another length falls back to the direct count instead of misreading.
        let index = LineIndex::new("a\nb\nc");
        assert_eq!(index.line_col("xyz", 2), (1, 3));
        assert_eq!(index.line_col("é\né\n", 3), (2, 1));
    }

    #[test]
    fn locate_key_span_parses_to_last_token() {
        let t = r#"{"plain":1,"a\/b":{"q\"x":[{"caf\u00e9":2}]},"\u4e2d":3,"":4}"#;
        let v: Value = serde_json::from_str(t).unwrap();
        for pointer in [
            "/plain",
            "/a~1b",
            "/a~1b/q\"x",
            "/a~1b/q\"x/0/café",
            "/中",
            "/",
        ] {
            let span = locate_key(t, pointer).unwrap();
            let key: String = serde_json::from_str(slice(t, span)).unwrap();
            let tokens = pointer_tokens(pointer).unwrap();
            assert_eq!(&key, tokens.last().unwrap(), "{pointer}");
            // The value follows its key after a colon.
            let value = locate(t, pointer).unwrap();
            assert!(value.start > span.end);
            assert_eq!(t[span.end..value.start].trim(), ":");
            assert!(v.pointer(pointer).is_some());
        }
        assert_eq!(locate_key(t, "/a~1b/q\"x/0"), None);
    }

    // ---- property-style tests -------------------------------------------------------

    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }

        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % n as u64).unwrap()
        }

        fn chance(&mut self, one_in: usize) -> bool {
            self.below(one_in) == 0
        }
    }

    const CHARS: &[char] = &[
        'a', 'b', 'z', '0', '/', '~', '"', '\\', '\n', '\r', '\t', '\u{1}', '\u{1f}', '\u{7f}',
        'é', '中', '😀', ']', '}', '[', '{', ',', ':', ' ', '\u{feff}', '\u{2028}',
    ];

    fn gen_string(rng: &mut Rng, max_len: usize) -> String {
        let len = rng.below(max_len + 1);
        (0..len).map(|_| CHARS[rng.below(CHARS.len())]).collect()
    }

    fn gen_number(rng: &mut Rng) -> Value {
        match rng.below(4) {
            0 => Value::from(rng.below(1000)),
            1 => Value::from(-i64::try_from(rng.below(1_000_000)).unwrap()),
            2 => Value::from(rng.next()),
            // Dyadic fractions print and parse back exactly.
            _ => Value::from(f64::from(u32::try_from(rng.below(100_000)).unwrap()) / 8.0 - 5000.0),
        }
    }

    // Test-only recursion, bounded by `depth` (at most a handful of levels).
    fn gen_value(rng: &mut Rng, depth: usize) -> Value {
        let kinds = if depth == 0 { 4 } else { 7 };
        match rng.below(kinds) {
            0 => gen_number(rng),
            1 => Value::String(gen_string(rng, 6)),
            2 => match rng.below(3) {
                0 => Value::Null,
                1 => Value::Bool(true),
                _ => Value::Bool(false),
            },
            3 => Value::String(String::new()),
            4 | 5 => {
                let mut map = serde_json::Map::new();
                for _ in 0..rng.below(5) {
                    map.insert(gen_string(rng, 3), gen_value(rng, depth - 1));
                }
                Value::Object(map)
            }
            _ => Value::Array(
                (0..rng.below(5))
                    .map(|_| gen_value(rng, depth - 1))
                    .collect(),
            ),
        }
    }

    fn gen_root(rng: &mut Rng) -> Value {
        loop {
            let v = gen_value(rng, 5);
            if v.is_object() || v.is_array() {
                return v;
            }
        }
    }

    fn wild_ws(rng: &mut Rng, out: &mut String) {
        const WS: &[&str] = &["", "", "", " ", "\n", "\r\n", "\t", "  \r\n    ", "\n\n"];
        out.push_str(WS[rng.below(WS.len())]);
    }

    fn push_u_escape(rng: &mut Rng, unit: u32, out: &mut String) {
        use std::fmt::Write;
        if rng.chance(2) {
            write!(out, "\\u{unit:04x}").unwrap();
        } else {
            write!(out, "\\u{unit:04X}").unwrap();
        }
    }

    /// Spells a string the ways raw API bodies do: `\/`, `\u` escapes, surrogate pairs.
    fn wild_string(rng: &mut Rng, s: &str, out: &mut String) {
        out.push('"');
        for ch in s.chars() {
            match ch {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '/' if rng.chance(2) => out.push_str("\\/"),
                '\n' if rng.chance(2) => out.push_str("\\n"),
                '\r' if rng.chance(2) => out.push_str("\\r"),
                '\t' if rng.chance(2) => out.push_str("\\t"),
                c if u32::from(c) < 0x20 || (!c.is_ascii() && rng.chance(2)) || rng.chance(8) => {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        push_u_escape(rng, u32::from(*unit), out);
                    }
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }

    /// A third serialisation with random whitespace (CRLF included), odd escapes and,
    /// before real members, decoy duplicates that a correct reader must skip.
    fn wild(rng: &mut Rng, v: &Value, out: &mut String) {
        match v {
            Value::Object(map) => {
                out.push('{');
                let mut first = true;
                for (k, val) in map {
                    let decoys = if rng.chance(4) { 1 + rng.below(2) } else { 0 };
                    for _ in 0..decoys {
                        let decoy = gen_value(rng, 2);
                        wild_member(rng, k, &decoy, &mut first, out);
                    }
                    wild_member(rng, k, val, &mut first, out);
                }
                wild_ws(rng, out);
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    wild_ws(rng, out);
                    wild(rng, item, out);
                    wild_ws(rng, out);
                }
                out.push(']');
            }
            Value::String(s) => wild_string(rng, s, out),
            other => out.push_str(&other.to_string()),
        }
    }

    fn wild_member(rng: &mut Rng, k: &str, val: &Value, first: &mut bool, out: &mut String) {
        if !*first {
            out.push(',');
        }
        *first = false;
        wild_ws(rng, out);
        wild_string(rng, k, out);
        wild_ws(rng, out);
        out.push(':');
        wild_ws(rng, out);
        wild(rng, val, out);
    }

    /// Every pointer into `v`, each with the key it ends in when it ends in a member.
    fn all_pointers(v: &Value) -> Vec<(String, Option<String>)> {
        let mut out = Vec::new();
        let mut todo = vec![(String::new(), None, v)];
        while let Some((ptr, key, v)) = todo.pop() {
            match v {
                Value::Object(map) => {
                    for (k, child) in map {
                        todo.push((format!("{ptr}/{}", escape_token(k)), Some(k.clone()), child));
                    }
                }
                Value::Array(items) => {
                    for (i, child) in items.iter().enumerate() {
                        todo.push((format!("{ptr}/{i}"), None, child));
                    }
                }
                _ => {}
            }
            out.push((ptr, key));
        }
        out
    }

    /// Pointers that must not resolve: off the end, wrong kind of token, unknown keys.
    fn near_miss_pointers(rng: &mut Rng, v: &Value) -> Vec<String> {
        let mut out = Vec::new();
        for (ptr, _) in all_pointers(v) {
            match v.pointer(&ptr) {
                Some(Value::Array(items)) => {
                    out.push(format!("{ptr}/{}", items.len()));
                    out.push(format!("{ptr}/-"));
                    if !items.is_empty() {
                        out.push(format!("{ptr}/00"));
                    }
                }
                Some(Value::Object(_)) => {
                    out.push(format!("{ptr}/{}", escape_token(&gen_string(rng, 3))));
                }
                _ => out.push(format!("{ptr}/0")),
            }
        }
        out
    }

    fn check_document(text: &str, expected: &Value, rng: &mut Rng) -> usize {
        let index = LineIndex::new(text);
        let mut checks = 0;
        for (ptr, key) in all_pointers(expected) {
            let span =
                locate(text, &ptr).unwrap_or_else(|| panic!("{ptr:?} not found in {text:?}"));
            let got: Value = serde_json::from_str(slice(text, span))
                .unwrap_or_else(|e| panic!("{ptr:?} -> {:?}: {e}", slice(text, span)));
            assert_eq!(Some(&got), expected.pointer(&ptr), "{ptr:?} in {text:?}");
            let want = naive_line_col(text, span.start);
            assert_eq!(line_col(text, span.start), want);
            assert_eq!(index.line_col(text, span.start), want);
            match key {
                Some(key) => {
                    let kspan = locate_key(text, &ptr).unwrap();
                    let parsed: String = serde_json::from_str(slice(text, kspan)).unwrap();
                    assert_eq!(parsed, key, "{ptr:?} in {text:?}");
                    assert!(kspan.end <= span.start);
                }
                None => assert_eq!(locate_key(text, &ptr), None),
            }
            checks += 1;
        }
        for ptr in near_miss_pointers(rng, expected) {
            let want = expected.pointer(&ptr).is_some();
            assert_eq!(locate(text, &ptr).is_some(), want, "{ptr:?} in {text:?}");
            checks += 1;
        }
        checks
    }

    #[test]
    fn every_pointer_resolves_to_the_value_serde_json_sees() {
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        let mut checks = 0;
        for case in 0..3000 {
            let value = gen_root(&mut rng);
            let compact = serde_json::to_string(&value).unwrap();
            let pretty = serde_json::to_string_pretty(&value).unwrap();
            let mut wild_text = String::new();
            if rng.chance(4) {
                wild_text.push('\u{feff}');
            }
            wild_ws(&mut rng, &mut wild_text);
            wild(&mut rng, &value, &mut wild_text);
            wild_ws(&mut rng, &mut wild_text);
            let wild_text = wild_text.replace("\r\n", if case % 2 == 0 { "\r\n" } else { "\n" });
            let parse_as = wild_text.trim_start_matches('\u{feff}');
            assert_eq!(
                serde_json::from_str::<Value>(parse_as).unwrap(),
                value,
                "{wild_text:?}"
            );
            for text in [&compact, &pretty, &wild_text] {
                checks += check_document(text, &value, &mut rng);
            }
        }
        assert!(checks > 50_000, "only {checks} checks");
    }

    #[test]
    fn truncated_text_never_gives_a_different_span() {
        let mut rng = Rng(0xD1B5_4A32_D192_ED03);
        let mut cases = 0;
        while cases < 250 {
            let value = gen_root(&mut rng);
            let mut text = String::new();
            wild(&mut rng, &value, &mut text);
            // Every cut times every pointer is quadratic; short texts keep it quick.
            if text.len() > 300 {
                continue;
            }
            cases += 1;
            let pointers = all_pointers(&value);
            let full: Vec<_> = pointers
                .iter()
                .map(|(p, _)| (locate(&text, p), locate_key(&text, p)))
                .collect();
            for cut in (0..text.len()).filter(|&c| text.is_char_boundary(c)) {
                let prefix = &text[..cut];
                for ((p, _), want) in pointers.iter().zip(&full) {
                    let got = locate(prefix, p);
                    if p.is_empty() {
                        // The root is a container, so a cut always loses its closer.
                        assert_eq!(got, None);
                        continue;
                    }
                    assert!(got.is_none() || got == want.0, "{p:?} in {prefix:?}");
                    let got_key = locate_key(prefix, p);
                    assert!(
                        got_key.is_none() || got_key == want.1,
                        "{p:?} in {prefix:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn mutated_text_never_panics_and_agrees_with_serde_json_when_valid() {
        const BYTES: &[u8] = b"{}[]\":,\\ \n0a-e.tu/";
        let mut rng = Rng(0xA076_1D64_78BD_642F);
        let mut still_valid = 0;
        for _ in 0..3000 {
            let value = gen_root(&mut rng);
            let mut bytes = if rng.chance(2) {
                serde_json::to_string(&value).unwrap().into_bytes()
            } else {
                let mut s = String::new();
                wild(&mut rng, &value, &mut s);
                s.into_bytes()
            };
            for _ in 0..=rng.below(3) {
                let ascii: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i].is_ascii()).collect();
                if ascii.is_empty() {
                    break;
                }
                let i = ascii[rng.below(ascii.len())];
                match rng.below(3) {
                    0 => bytes[i] = BYTES[rng.below(BYTES.len())],
                    1 => {
                        bytes.remove(i);
                    }
                    _ => bytes.insert(i, BYTES[rng.below(BYTES.len())]),
                }
            }
            let text = String::from_utf8(bytes).unwrap();
            let mut pointers: Vec<String> =
                all_pointers(&value).into_iter().map(|(p, _)| p).collect();
            let reparsed = serde_json::from_str::<Value>(&text).ok();
            if let Some(doc) = &reparsed {
                pointers.extend(all_pointers(doc).into_iter().map(|(p, _)| p));
            }
            for p in &pointers {
                let got = locate(&text, p);
                let got_key = locate_key(&text, p);
                for span in got.iter().chain(&got_key) {
                    assert!(span.start <= span.end && text.get(span.start..span.end).is_some());
                }
                if let Some(doc) = &reparsed {
                    let got = got.map(|s| serde_json::from_str::<Value>(slice(&text, s)).unwrap());
                    assert_eq!(got.as_ref(), doc.pointer(p), "{p:?} in {text:?}");
                }
            }
            still_valid += usize::from(reparsed.is_some());
        }
        assert!(
            still_valid > 100,
            "only {still_valid} mutated texts stayed valid"
        );
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let mut rng = Rng(0x1234_5678_9ABC_DEF1);
        let alphabet = [
            "{", "}", "[", "]", "\"", ":", ",", "\\", "u", "d8", "0", "1", " ", "\r\n", "é", "a",
            "/", "~",
        ];
        let pointers = ["", "/0", "/a", "/0/0", "/a/0", "/", "/~1", "/-", "x"];
        for _ in 0..20_000 {
            let text: String = (0..rng.below(24))
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            for p in pointers {
                for span in locate(&text, p).iter().chain(&locate_key(&text, p)) {
                    assert!(text.get(span.start..span.end).is_some());
                }
            }
            let off = rng.below(text.len() + 3);
            assert_eq!(line_col(&text, off), naive_line_col(&text, off));
        }
    }
}

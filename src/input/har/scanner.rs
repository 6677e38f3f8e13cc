//! Cuts a HAR file into its raw `log.entries` items while reading it, so memory holds one batch of entries, never the file.

use std::io::BufRead;

// The search the scanner used before `string_rest`, still tested here against memchr2.
#[cfg(test)]
use crate::json::scan::quote_or_backslash;
use crate::json::scan::string_rest;
use crate::json::Location;

/// Where and why a HAR file stops being readable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub message: String,
    pub at: Location,
}

/// One item of `log.entries`, as text, with where it starts in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Entry {
        index: u64,
        text: String,
        at: Location,
    },
    /// An item larger than the size limit: not kept. `call` is what its first `limit` bytes
    /// say it records, as [`super::call::user_get`] says it of a whole entry.
    TooLarge {
        index: u64,
        size: u64,
        at: Location,
        call: Option<bool>,
    },
    /// An item that is not valid UTF-8, kept for the guard to say where.
    NotUtf8 {
        index: u64,
        bytes: Vec<u8>,
        at: Location,
    },
}

/// A cursor over the file's bytes that knows its offset, line and column.
struct Cursor<R> {
    reader: R,
    offset: usize,
    line: usize,
    column: usize,
    failed: Option<String>,
}

impl<R: BufRead> Cursor<R> {
    fn peek(&mut self) -> Option<u8> {
        match self.reader.fill_buf() {
            Ok(buf) => buf.first().copied(),
            Err(error) => {
                self.failed.get_or_insert_with(|| error.to_string());
                None
            }
        }
    }

    fn advance(&mut self, byte: u8) {
        self.offset += 1;
        if byte == b'\n' {
            self.line += 1;
            self.column = 1;
        } else if byte & 0xc0 != 0x80 {
            self.column += 1;
        }
    }

    fn bump(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.reader.consume(1);
        self.advance(byte);
        Some(byte)
    }

    fn at(&self) -> Location {
        Location::point(self.offset, self.line, self.column)
    }

    fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                break;
            }
            self.bump();
        }
    }

    fn broken(&self, message: impl Into<String>) -> Broken {
        let mut message = message.into();
        if let Some(io) = &self.failed {
            message = format!("{message} (read error: {io})");
        }
        Broken {
            message,
            at: self.at(),
        }
    }

    fn expect(&mut self, wanted: u8, what: &str) -> Result<(), Broken> {
        self.skip_ws();
        match self.peek() {
            Some(b) if b == wanted => {
                self.bump();
                Ok(())
            }
            Some(b) => Err(self.broken(format!(
                "expected {what}, found `{}`",
                char::from(b).escape_default()
            ))),
            None => Err(self.broken(format!(
                "the file ends where {what} was expected (truncated HAR)"
            ))),
        }
    }

    /// Reads an object key (the opening quote not yet read); keys of interest are plain ASCII.
    /// Only the first [`KEY_KEPT`] bytes are kept (a name can be any length); its length and a
    /// hash of all of it tell names apart.
    fn key(&mut self) -> Result<Key, Broken> {
        self.expect(b'"', "a member name")?;
        let at = Location::point(self.offset - 1, self.line, self.column - 1);
        let mut key = Key {
            kept: Vec::new(),
            len: 0,
            hash: 0xcbf2_9ce4_8422_2325,
            at,
        };
        loop {
            match self.bump() {
                None => {
                    return Err(self.broken("the file ends inside a member name (truncated HAR)"))
                }
                Some(b'"') => break,
                Some(b'\\') => {
                    key.push(b'\\');
                    if let Some(b) = self.bump() {
                        key.push(b);
                    }
                }
                Some(b) => key.push(b),
            }
        }
        self.expect(b':', "`:` after a member name")?;
        Ok(key)
    }

    /// Reads one JSON value, copying its first `limit` bytes into `sink` (no more are kept).
    /// Checks that brackets balance and strings close; the copy is parsed properly later.
    fn value(&mut self, mut sink: Option<&mut Vec<u8>>, limit: usize) -> Result<usize, Broken> {
        self.skip_ws();
        let mut stack: Vec<u8> = Vec::new();
        let mut in_string = false;
        let mut escaped = false;
        let mut size = 0usize;
        let first = self.peek().ok_or_else(|| {
            self.broken("the file ends where a value was expected (truncated HAR)")
        })?;
        if !matches!(
            first,
            b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
        ) {
            return Err(self.broken(format!(
                "expected a JSON value, found `{}`",
                char::from(first).escape_default()
            )));
        }
        let scalar = !matches!(first, b'{' | b'[' | b'"');
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(buf) if !buf.is_empty() => buf,
                Ok(_) => {
                    return if scalar && stack.is_empty() {
                        Ok(size)
                    } else {
                        Err(self.broken("the file ends inside a value (truncated HAR)"))
                    };
                }
                Err(error) => {
                    self.failed.get_or_insert_with(|| error.to_string());
                    return Err(self.broken("the file could not be read to its end"));
                }
            };
            let mut used = 0;
            let mut done = false;
            let mut mismatch = None;
            while used < buf.len() {
                if scalar {
                    let b = buf[used];
                    if matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r') {
                        done = true;
                        break;
                    }
                    used += 1;
                    continue;
                }
                if escaped {
                    escaped = false;
                    used += 1;
                    continue;
                }
                if in_string {
                    // Most of a HAR is string content (bodies, headers): jump from quote or
                    // backslash to the next. A body embedded as a string has an escaped quote
                    // every few bytes, so the byte after a backslash is stepped over here,
                    // without going round the outer loop.
                    match string_rest(&buf[used..]) {
                        Ok(k) => {
                            used += k;
                            in_string = false;
                        }
                        Err(inside_escape) => {
                            // The rest of the string (or the escaped byte) is in the next buffer.
                            used = buf.len();
                            escaped = inside_escape;
                        }
                    }
                    if !in_string && stack.is_empty() {
                        done = true;
                        break;
                    }
                    continue;
                }
                let b = buf[used];
                used += 1;
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => stack.push(b),
                    b'}' | b']' => {
                        let open = if b == b'}' { b'{' } else { b'[' };
                        if stack.pop() != Some(open) {
                            used -= 1;
                            mismatch = Some(b);
                            break;
                        }
                        if stack.is_empty() {
                            done = true;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let chunk = &buf[..used];
            let (mut line, mut column) = (self.line, self.column);
            let tail = match memchr::memrchr(b'\n', chunk) {
                Some(last) => {
                    line += bytecount::count(chunk, b'\n');
                    column = 1;
                    &chunk[last + 1..]
                }
                None => chunk,
            };
            column += bytecount::num_chars(tail);
            if let Some(sink) = sink.as_deref_mut() {
                // Up to the limit and no further: an oversized entry is judged by its first bytes.
                let take = used.min(limit.saturating_sub(size));
                if sink.len() + take > sink.capacity() {
                    // Doubling as Vec does, but never past the limit.
                    let want = (sink.capacity() * 2).max(sink.len() + take).min(limit);
                    sink.reserve_exact(want.saturating_sub(sink.len()));
                }
                sink.extend_from_slice(&chunk[..take]);
            }
            size += used;
            self.reader.consume(used);
            self.offset += used;
            self.line = line;
            self.column = column;
            if let Some(b) = mismatch {
                return Err(self.broken(format!(
                    "`{}` closes a bracket that was not opened here",
                    char::from(b)
                )));
            }
            if done {
                return Ok(size);
            }
        }
    }
}

/// Bytes of a member name kept: enough to name it in a message.
const KEY_KEPT: usize = 64;
/// Distinct names of the HAR object whose repeats are counted; a HAR has one (`log`).
const NAMES_COUNTED: usize = 64;

/// A member name as read: its first bytes, its length and a hash of all of it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    kept: Vec<u8>,
    len: usize,
    hash: u64,
    /// Where its opening quote is.
    at: Location,
}

impl Key {
    fn push(&mut self, byte: u8) {
        if self.kept.len() < KEY_KEPT {
            self.kept.push(byte);
        }
        self.len += 1;
        self.hash = (self.hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }

    fn is(&self, name: &str) -> bool {
        self.len == name.len() && self.kept == name.as_bytes()
    }

    fn same(&self, other: &Self) -> bool {
        (self.len, self.hash, &self.kept) == (other.len, other.hash, &other.kept)
    }
}

/// A member name that occurs more than once in the HAR object or in `log`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repeated {
    /// The name as written (cut after its first bytes, with its length then).
    pub name: String,
    /// `log` when it repeats inside `log`, empty for the HAR object itself.
    pub parent: &'static str,
    /// How many times it occurs.
    pub count: u64,
    /// Where it first occurs.
    pub first: Location,
    /// Where it occurs the second time.
    pub again: Location,
}

/// Counts of the names met in one object; only the first occurrence's place is kept.
#[derive(Debug, Default)]
struct Names(Vec<(Key, u64, Option<Location>)>);

impl Names {
    fn note(&mut self, key: Key) {
        if let Some((_, count, again)) = self.0.iter_mut().find(|(k, _, _)| k.same(&key)) {
            *count += 1;
            again.get_or_insert(key.at);
        } else if self.0.len() < NAMES_COUNTED {
            self.0.push((key, 1, None));
        }
    }

    fn repeated(&self, parent: &'static str) -> impl Iterator<Item = Repeated> + '_ {
        self.0.iter().filter_map(move |(key, count, again)| {
            let again = (*again)?;
            let mut name = String::from_utf8_lossy(&key.kept).into_owned();
            if key.len > key.kept.len() {
                name = format!("{name}... ({} bytes)", key.len);
            }
            Some(Repeated {
                name,
                parent,
                count: *count,
                first: key.at,
                again,
            })
        })
    }
}

/// Where the scanner is in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before `log.entries` was found.
    Start,
    /// Inside the entries array; the flag says whether an item was read already.
    Entries(bool),
    /// Past the entries array.
    Finished,
}

/// Streams the items of `log.entries`.
pub struct Scanner<R> {
    cursor: Cursor<R>,
    state: State,
    index: u64,
    limit: usize,
    /// How many objects (root, log) are still open after the entries array.
    open_objects: usize,
    /// The names of the HAR object, and `entries` in `log`, as far as read: a repeated one
    /// makes tools disagree on which holds the capture.
    root_names: Names,
    entries_names: Names,
    /// Where each entry is read before it is copied out.
    buffer: Vec<u8>,
}

impl<R: BufRead> Scanner<R> {
    pub fn new(reader: R, limit: u64) -> Self {
        Self {
            cursor: Cursor {
                reader,
                offset: 0,
                line: 1,
                column: 1,
                failed: None,
            },
            state: State::Start,
            index: 0,
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
            open_objects: 0,
            root_names: Names::default(),
            entries_names: Names::default(),
            buffer: Vec::new(),
        }
    }

    /// The member names of the HAR object, and `entries` in `log`, that occur more than once
    /// in what was read. Only the first `log` and its first `entries` are read for entries; the
    /// values of repeats are read past without being kept.
    pub fn repeated(&self) -> Vec<Repeated> {
        self.root_names
            .repeated("")
            .chain(self.entries_names.repeated("log"))
            .collect()
    }

    /// The next item, `None` after the last one (once the rest of the file was checked), or where the file breaks.
    ///
    /// # Errors
    /// A HAR that is not JSON, has no `log.entries` array, or ends early.
    pub fn next_item(&mut self) -> Result<Option<Item>, Broken> {
        if self.state == State::Start {
            self.open()?;
        }
        let State::Entries(started) = self.state else {
            return Ok(None);
        };
        self.cursor.skip_ws();
        if started {
            match self.cursor.peek() {
                Some(b',') => {
                    self.cursor.bump();
                }
                Some(b']') => {}
                Some(b) => {
                    return Err(self.cursor.broken(format!(
                        "expected `,` or `]` after an entry, found `{}`",
                        char::from(b).escape_default()
                    )))
                }
                None => {
                    return Err(self
                        .cursor
                        .broken("the file ends inside log.entries (truncated HAR)"))
                }
            }
            self.cursor.skip_ws();
        }
        if self.cursor.peek() == Some(b']') {
            self.cursor.bump();
            self.state = State::Finished;
            self.close()?;
            return Ok(None);
        }
        if self.cursor.peek().is_none() {
            return Err(self
                .cursor
                .broken("the file ends inside log.entries (truncated HAR)"));
        }
        self.state = State::Entries(true);
        let at = self.cursor.at();
        let index = self.index;
        self.index += 1;
        // Read into one buffer and copied out at its size: a fresh vector per entry grows by
        // doubling, and the large blocks each big entry leaves behind, freed on the checking
        // threads, are handed back to the system only later, so memory would climb with them.
        let mut text = std::mem::take(&mut self.buffer);
        text.clear();
        let read = self.cursor.value(Some(&mut text), self.limit);
        let kept = text.as_slice().to_vec();
        self.buffer = text;
        let text = kept;
        let size = read?;
        if size > self.limit {
            // What the kept part (the request comes first) says; then it is dropped.
            let call = super::call::user_get_in_part(&text);
            return Ok(Some(Item::TooLarge {
                index,
                size: size as u64,
                at,
                call,
            }));
        }
        Ok(Some(match String::from_utf8(text) {
            Ok(text) => Item::Entry { index, text, at },
            Err(error) => Item::NotUtf8 {
                index,
                bytes: error.into_bytes(),
                at,
            },
        }))
    }

    /// Walks from the start of the file into `log.entries`.
    fn open(&mut self) -> Result<(), Broken> {
        let bom = [0xef, 0xbb, 0xbf];
        for expected in bom {
            if self.cursor.peek() == Some(expected) {
                self.cursor.bump();
            } else {
                break;
            }
        }
        self.cursor.skip_ws();
        if self.cursor.peek().is_none() {
            return Err(self
                .cursor
                .broken("the file is empty: a HAR is a JSON object with `log.entries`"));
        }
        self.cursor.expect(b'{', "`{` starting the HAR object")?;
        if !self.find_member("log", true)? {
            return Err(self.cursor.broken("the HAR has no `log` member"));
        }
        self.cursor.expect(b'{', "`{` starting `log`")?;
        if !self.find_member("entries", false)? {
            return Err(self.cursor.broken("`log` has no `entries` member"));
        }
        self.cursor.expect(b'[', "`[` starting `log.entries`")?;
        self.open_objects = 2;
        self.state = State::Entries(false);
        Ok(())
    }

    /// Reads members of the current object until `name`, skipping others; false at the object's end.
    fn find_member(&mut self, name: &str, root: bool) -> Result<bool, Broken> {
        let mut first = true;
        loop {
            self.cursor.skip_ws();
            match self.cursor.peek() {
                Some(b'}') => {
                    self.cursor.bump();
                    return Ok(false);
                }
                Some(b',') if !first => {
                    self.cursor.bump();
                }
                _ if first => {}
                Some(b) => {
                    return Err(self.cursor.broken(format!(
                        "expected `,` or `}}`, found `{}`",
                        char::from(b).escape_default()
                    )))
                }
                None => {
                    return Err(self
                        .cursor
                        .broken("the file ends inside an object (truncated HAR)"))
                }
            }
            first = false;
            let key = self.cursor.key()?;
            let found = key.is(name);
            self.note(key, root);
            if found {
                return Ok(true);
            }
            self.cursor.value(None, 0)?;
        }
    }

    /// Counts a member name of the HAR object (`root`) or of `log`, where only `entries` matters.
    fn note(&mut self, key: Key, root: bool) {
        if root {
            self.root_names.note(key);
        } else if key.is("entries") {
            self.entries_names.note(key);
        }
    }

    /// Checks the rest of the file after `log.entries`: the remaining members of `log` and of the root.
    fn close(&mut self) -> Result<(), Broken> {
        while self.open_objects > 0 {
            loop {
                self.cursor.skip_ws();
                match self.cursor.peek() {
                    Some(b'}') => {
                        self.cursor.bump();
                        break;
                    }
                    Some(b',') => {
                        self.cursor.bump();
                        let key = self.cursor.key()?;
                        self.note(key, self.open_objects == 1);
                        self.cursor.value(None, 0)?;
                    }
                    Some(b) => {
                        return Err(self.cursor.broken(format!(
                            "expected `,` or `}}`, found `{}`",
                            char::from(b).escape_default()
                        )))
                    }
                    None => {
                        return Err(self.cursor.broken(
                            "the file ends before the HAR object is closed (truncated HAR)",
                        ))
                    }
                }
            }
            self.open_objects -= 1;
        }
        self.cursor.skip_ws();
        match self.cursor.peek() {
            None if self.cursor.failed.is_some() => {
                Err(self.cursor.broken("the file could not be read to its end"))
            }
            None => Ok(()),
            Some(_) => Err(self.cursor.broken("text follows the end of the HAR object")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_or_backslash_finds_what_memchr2_finds() {
        for len in [0, 1, 15, 16, 17, 31, 32, 100] {
            for at in [0, 1, 14, 15, 16, 17, 40, 99] {
                for mark in [b'"', b'\\'] {
                    let mut bytes = vec![b'a'; len];
                    if at < len {
                        bytes[at] = mark;
                    }
                    let want = memchr::memchr2(b'"', b'\\', &bytes);
                    assert_eq!(quote_or_backslash(&bytes), want, "len {len}, at {at}");
                }
            }
        }
    }

    fn items(text: &str) -> (Vec<Item>, Option<Broken>) {
        let mut scanner = Scanner::new(text.as_bytes(), 1 << 20);
        let mut out = Vec::new();
        loop {
            match scanner.next_item() {
                Ok(Some(item)) => out.push(item),
                Ok(None) => return (out, None),
                Err(broken) => return (out, Some(broken)),
            }
        }
    }

    #[test]
    fn entries_come_out_with_their_positions() {
        let har = "{\"log\":{\"version\":\"1.2\",\"pages\":[{\"x\":\"]}\"}],\n  \"entries\":[\n    {\"a\":\"}\\\"\"},\n    {\"b\":[1,2]}\n  ]}}\n";
        let (items, broken) = items(har);
        assert_eq!(broken, None);
        let first = har.find("{\"a\"").expect("entry");
        let second = har.find("{\"b\"").expect("entry");
        assert_eq!((first, second), (64, 81));
        assert_eq!(
            items,
            vec![
                Item::Entry {
                    index: 0,
                    text: "{\"a\":\"}\\\"\"}".into(),
                    at: Location::point(64, 3, 5)
                },
                Item::Entry {
                    index: 1,
                    text: "{\"b\":[1,2]}".into(),
                    at: Location::point(81, 4, 5)
                },
            ]
        );
    }

    #[test]
    fn truncation_is_reported_after_the_complete_entries() {
        let har = "{\"log\":{\"entries\":[{\"a\":1},{\"b\":";
        let (items, broken) = items(har);
        assert_eq!(items.len(), 1);
        let broken = broken.expect("broken");
        assert!(broken.message.contains("truncated"), "{}", broken.message);
        assert_eq!(broken.at.offset, har.len());
    }

    #[test]
    fn every_cut_of_a_har_ends_without_panic_and_keeps_earlier_entries() {
        let har = "{\"log\":{\"creator\":{\"name\":\"x\"},\"entries\":[{\"a\":\"1\"},{\"b\":[true,null]},{\"c\":{}}]},\"z\":1}";
        let (all, broken) = items(har);
        assert_eq!((all.len(), broken), (3, None));
        for cut in 0..har.len() {
            let (some, broken) = items(&har[..cut]);
            assert!(broken.is_some(), "cut at {cut} must be reported");
            assert!(some.len() <= 3);
            assert_eq!(some[..], all[..some.len()], "cut at {cut}");
        }
    }

    #[test]
    fn mismatched_brackets_and_stray_text() {
        let (_, broken) = items("{\"log\":{\"entries\":[{\"a\":[1}]}}");
        assert!(broken.expect("broken").message.contains("closes a bracket"));
        let (items_ok, broken) = items("{\"log\":{\"entries\":[1, \"x\", {}]}} trailing");
        assert_eq!(items_ok.len(), 3);
        assert!(broken.expect("broken").message.contains("follows the end"));
        let (_, broken) = items("{\"log\":{}}");
        assert!(broken.expect("broken").message.contains("no `entries`"));
    }

    #[test]
    fn oversized_entries_are_skipped_not_kept() {
        let mut scanner = Scanner::new("{\"log\":{\"entries\":[\"0123456789\",{}]}}".as_bytes(), 5);
        assert!(matches!(
            scanner.next_item(),
            Ok(Some(Item::TooLarge {
                index: 0,
                size: 12,
                ..
            }))
        ));
        assert!(matches!(
            scanner.next_item(),
            Ok(Some(Item::Entry { index: 1, .. }))
        ));
        assert_eq!(scanner.next_item(), Ok(None));
    }

    fn repeats(text: &str) -> (usize, Vec<Repeated>, Option<Broken>) {
        let mut scanner = Scanner::new(text.as_bytes(), 1 << 20);
        let mut entries = 0;
        let broken = loop {
            match scanner.next_item() {
                Ok(Some(_)) => entries += 1,
                Ok(None) => break None,
                Err(broken) => break Some(broken),
            }
        };
        (entries, scanner.repeated(), broken)
    }

    #[test]
    fn repeated_log_and_entries_are_counted_and_the_first_is_read() {
        let har = format!(
            "{{\"log\":{{\"entries\":[{{}},{{}}],\"pages\":[],\"entries\":[{{}}]}}{}}}",
            ",\"log\":{\"entries\":[{},{},{}]}".repeat(3)
        );
        let (entries, repeated, broken) = repeats(&har);
        assert_eq!((entries, broken), (2, None), "the first log's entries");
        let second_log = har.find(",\"log\"").expect("again") + 1;
        let second_entries = har.find("\"entries\":[{}]").expect("again");
        assert_eq!(
            repeated,
            vec![
                Repeated {
                    name: "log".into(),
                    parent: "",
                    count: 4,
                    first: Location::point(1, 1, 2),
                    again: Location::point(second_log, 1, second_log + 1),
                },
                Repeated {
                    name: "entries".into(),
                    parent: "log",
                    count: 2,
                    first: Location::point(8, 1, 9),
                    again: Location::point(second_entries, 1, second_entries + 1),
                },
            ]
        );
        // Other names of `log` may repeat; names of the HAR object are counted before `log` too.
        let (_, repeated, _) =
            repeats("{\"x\":1,\"x\":[2],\"log\":{\"pages\":1,\"pages\":2,\"entries\":[]}}");
        assert_eq!(repeated.len(), 1);
        assert_eq!((repeated[0].name.as_str(), repeated[0].count), ("x", 2));
        let (_, repeated, _) = repeats("{\"log\":{\"entries\":[]}}");
        assert_eq!(repeated, vec![]);
    }

    #[test]
    fn a_long_member_name_is_kept_cut_and_names_alike_at_first_stay_apart() {
        let long = "k".repeat(100_000);
        let har = format!("{{\"{long}\":1,\"{long}x\":1,\"{long}\":2,\"log\":{{\"entries\":[]}}}}");
        let (_, repeated, broken) = repeats(&har);
        assert_eq!(broken, None);
        assert_eq!(repeated.len(), 1, "{repeated:?}");
        assert_eq!(repeated[0].count, 2);
        assert_eq!(
            repeated[0].name,
            format!("{}... (100000 bytes)", "k".repeat(KEY_KEPT))
        );
    }

    #[test]
    fn an_oversized_entry_is_judged_by_its_kept_part() {
        let part = |url: &str| {
            format!(
                r#"{{"request":{{"method":"POST","url":"{url}"}},"response":{{"content":{{"text":"{}"}}}}}}"#,
                "x".repeat(500)
            )
        };
        let har = format!(
            r#"{{"log":{{"entries":[{},{},{{"response":"{}","request":{{"url":"/topapi/v2/user/get"}}}}]}}}}"#,
            part("https://oapi.dingtalk.com/topapi/v2/user/get"),
            part("https://g.alicdn.com/app.js"),
            "y".repeat(500)
        );
        let mut scanner = Scanner::new(har.as_bytes(), 200);
        let mut calls = Vec::new();
        while let Ok(Some(item)) = scanner.next_item() {
            match item {
                Item::TooLarge { call, .. } => calls.push(call),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(calls, [Some(true), Some(false), None]);
    }
}

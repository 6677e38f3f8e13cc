//! Cuts a HAR file into its raw `log.entries` items while reading it, so memory holds one batch of entries, never the file.

use std::io::BufRead;

use crate::json::scan::quote_or_backslash;
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
    /// An item larger than the size limit: skipped, not kept.
    TooLarge { index: u64, size: u64, at: Location },
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
    fn key(&mut self) -> Result<String, Broken> {
        self.expect(b'"', "a member name")?;
        let mut key = Vec::new();
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
        Ok(String::from_utf8_lossy(&key).into_owned())
    }

    /// Reads one JSON value, copying it into `sink` while `sink` is within `limit` bytes.
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
                    // Most of a HAR is string content (bodies, headers): jump to the next quote or backslash.
                    match quote_or_backslash(&buf[used..]) {
                        None => used = buf.len(),
                        Some(k) => {
                            used += k + 1;
                            if buf[used - 1] == b'\\' {
                                escaped = true;
                            } else {
                                in_string = false;
                                if stack.is_empty() {
                                    done = true;
                                    break;
                                }
                            }
                        }
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
                if size + used <= limit {
                    sink.extend_from_slice(chunk);
                }
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
        }
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
        let mut text = Vec::new();
        let size = self.cursor.value(Some(&mut text), self.limit)?;
        if size > self.limit {
            return Ok(Some(Item::TooLarge {
                index,
                size: size as u64,
                at,
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
        if !self.find_member("log")? {
            return Err(self.cursor.broken("the HAR has no `log` member"));
        }
        self.cursor.expect(b'{', "`{` starting `log`")?;
        if !self.find_member("entries")? {
            return Err(self.cursor.broken("`log` has no `entries` member"));
        }
        self.cursor.expect(b'[', "`[` starting `log.entries`")?;
        self.open_objects = 2;
        self.state = State::Entries(false);
        Ok(())
    }

    /// Reads members of the current object until `name`, skipping others; false at the object's end.
    fn find_member(&mut self, name: &str) -> Result<bool, Broken> {
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
            if key == name {
                return Ok(true);
            }
            self.cursor.value(None, 0)?;
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
                        self.cursor.key()?;
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
}

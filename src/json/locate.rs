//! Turns an RFC 6901 JSON pointer into the byte range of its value in the source text, only when a reporter needs a position.
//!
//! Findings are produced on a parsed body, which has no positions; keeping positions for every
//! node would cost memory on every response, while only the few values that end up in a report
//! need one. So the text is scanned again, lazily, here. When the body's arena is still at hand
//! (it is when findings are placed), `locate_or_ancestor_in` finds the same range from the
//! arena's member names, which are slices of the text, without scanning from the start.
//!
//! The walk is a single forward pass with an explicit stack instead of recursive descent: bodies
//! can nest far deeper than the thread stack allows, and descending level by level would rescan
//! the chosen member's subtree once per pointer token (quadratic on deep documents), because the
//! last duplicate key wins and each object must be read to its end before its chosen member is
//! known.

use std::borrow::Cow;
use std::ops::Range;

use super::pointer;
use super::scan::{key_matches, Scanner};

mod parsed;
mod unique;

#[cfg(test)]
pub(crate) use parsed::locate_or_ancestor_in;
pub(crate) use parsed::{locate_in_order, Hints};
pub(crate) use unique::locate_unique;

/// Byte range of the value the pointer designates (`""` = the root value), without surrounding
/// whitespace; a string's range includes both quotes, so the slice can be fed back to a parser.
///
/// `None` if the text is not a pointer, the value does not exist, or the text is malformed
/// before the answer is certain. Because `serde_json` keeps the last of duplicate keys, an
/// object on the path is read to its closing brace, so a malformed or truncated object
/// anywhere around the value also gives `None`; content after a value reached only
/// through arrays is not looked at.
#[must_use]
pub fn locate(text: &str, pointer: &str) -> Option<Range<usize>> {
    let path: Vec<Token<'_>> = pointer::tokens(pointer)?
        .map(|key| Token {
            index: pointer::index(&key),
            key,
        })
        .collect();
    find(text, &path)
}

/// The range of the value at a pointer or, for a missing member, the first byte of its nearest
/// existing ancestor.
#[must_use]
pub fn locate_or_ancestor(text: &str, pointer: &str) -> Option<Range<usize>> {
    if let Some(range) = locate(text, pointer) {
        return Some(range);
    }
    let mut pointer = pointer;
    loop {
        pointer = pointer::parent(pointer)?;
        if let Some(range) = locate(text, pointer) {
            return Some(range.start..range.start + 1);
        }
    }
}

/// One token of the pointer, as the walk compares it: with a member key and as an array index.
struct Token<'p> {
    key: Cow<'p, str>,
    /// Parsed once here rather than at every element of every array on the path.
    index: Option<usize>,
}

/// An open container. `on_path` means it is the value designated by the first `depth`
/// tokens in the current reading (a later duplicate key can start another reading).
struct Frame {
    closer: u8,
    on_path: bool,
    index: usize,
    start: usize,
}

/// What reading one value, or ending some, left the walk facing.
enum Step {
    /// A container was opened or continued; whether its next child is on the path.
    Child(bool),
    /// A scalar or empty container was read whole.
    Ended,
    /// Nothing further can change the answer.
    Finished,
}

struct Walk<'t, 'p> {
    s: Scanner<'t>,
    path: &'p [Token<'p>],
    /// Reused across escaped keys so decoding does not allocate per key.
    scratch: String,
    stack: Vec<Frame>,
    /// Only objects can hold a later duplicate that changes the answer.
    open_objects: usize,
    result: Option<Range<usize>>,
}

fn find(text: &str, path: &[Token<'_>]) -> Option<Range<usize>> {
    let mut w = Walk {
        s: Scanner::new(text),
        path,
        scratch: String::new(),
        stack: Vec::new(),
        open_objects: 0,
        result: None,
    };
    let mut on_path = true;
    w.s.skip_ws();
    loop {
        let start = w.s.pos;
        if on_path {
            // A value on the path supersedes whatever an earlier duplicate key led to.
            w.result = None;
        }
        let step = match w.open_value(on_path, start)? {
            Step::Ended => w.end_values(on_path, start)?,
            step => step,
        };
        match step {
            Step::Child(child) => on_path = child,
            Step::Ended | Step::Finished => return w.result,
        }
    }
}

impl Walk<'_, '_> {
    /// Reads a scalar whole, or opens a container and reads up to its first child.
    fn open_value(&mut self, on_path: bool, start: usize) -> Option<Step> {
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
                    on_path,
                    index: 0,
                    start,
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
    fn end_values(&mut self, mut on_path: bool, mut start: usize) -> Option<Step> {
        loop {
            if on_path {
                if self.stack.len() == self.path.len() {
                    self.result = Some(start..self.s.pos);
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
            on_path = frame.on_path;
            start = frame.start;
        }
    }

    /// Reads what precedes the top container's next child (a key and colon in an
    /// object) and tells whether that child is on the pointer's path.
    fn child(&mut self) -> Option<bool> {
        let level = self.stack.len();
        let top = self.stack.last()?;
        let path = self.path;
        let token = path.get(level.checked_sub(1)?).filter(|_| top.on_path);
        if top.closer == b']' {
            return Some(token.is_some_and(|t| t.index == Some(top.index)));
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
        Some(token.is_some_and(|token| {
            let raw = s.b.get(start + 1..end - 1).unwrap_or_default();
            key_matches(raw, escaped, &token.key, &mut self.scratch)
        }))
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;

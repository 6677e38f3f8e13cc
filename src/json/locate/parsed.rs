//! Locating in a text that has been parsed into the arena, which is every text whose findings are
//! placed: the arena already knows which member a pointer names and, through its names, where
//! each member stands.
//!
//! A member's name is a slice of the text unless it was written with escapes, so its address
//! is its offset: the value follows its closing quote and colon. The walk then reads only what
//! lies between a name and its value, and the values before an array item; nothing is read
//! from the start of the body, and no object is read to its end, because the arena has already
//! settled which of two equal names is the member (the last). A body with a dozen findings
//! costs a dozen short steps instead of a dozen scans of the body.
//!
//! Where the arena cannot tell (a name written with escapes, text that is not the arena's),
//! the answer is [`super::locate_or_ancestor`]'s, read from the text as before; the property
//! tests check that both always agree.

use std::collections::HashMap;
use std::ops::Range;

use super::pointer;
use super::Scanner;
use crate::json::doc::Node;

/// [`super::locate_or_ancestor`] for a `text` that was parsed into the arena whose top-level
/// value is `root`: the same range, found from the arena's names rather than by scanning.
#[cfg(test)]
#[must_use]
pub(crate) fn locate_or_ancestor_in(
    text: &str,
    root: Node<'_>,
    pointer: &str,
) -> Option<Range<usize>> {
    locate_in_order(text, root, pointer, &mut Hints::default())
}

/// What walks through one text have learnt of its long arrays and objects. A body's findings
/// are placed one after another, in pointer order (`/10` before `/2`): without these, each
/// finding in a list of 10,000 items read the list from its start, and placing them all took
/// seconds per thousand.
#[derive(Default)]
pub(crate) struct Hints<'a> {
    /// Array (by arena place) -> where item 0, `STRIDE`, 2 x `STRIDE`, ... start, as far as
    /// walks have gone.
    items: HashMap<usize, Vec<usize>>,
    /// Object with more than `STRIDE` members (by arena place) -> its members by name.
    members: HashMap<usize, HashMap<&'a str, (&'a str, Node<'a>)>>,
}

/// Items between two marks of an array; objects with more members than this get an index.
const STRIDE: usize = 32;

/// [`locate_or_ancestor_in`] for one of a series of pointers into the same `text` and arena,
/// sharing `hints` between them.
#[must_use]
pub(crate) fn locate_in_order<'a>(
    text: &str,
    root: Node<'a>,
    pointer: &str,
    hints: &mut Hints<'a>,
) -> Option<Range<usize>> {
    match walk(text, root, pointer, hints) {
        Some(answer) => answer,
        None => super::locate_or_ancestor(text, pointer),
    }
}

/// What the arena settles: `Some(answer)`, or `None` when the text must be read instead.
pub(super) fn walk<'a>(
    text: &str,
    root: Node<'a>,
    pointer: &str,
    hints: &mut Hints<'a>,
) -> Option<Option<Range<usize>>> {
    let mut s = Scanner::new(text);
    s.skip_ws();
    let mut node = root;
    for token in pointer::tokens(pointer)? {
        let start = s.pos;
        // A missing member or item: as for the text walk, the nearest existing ancestor's
        // first byte.
        let ancestor = Some(Some(start..start + 1));
        if node.is_object() {
            let member = if node.member_slots() > STRIDE {
                let by_name = hints.members.entry(node.id()).or_insert_with(|| {
                    // `entries` yields a repeated name once, as the member it is (the last).
                    node.entries()
                        .map(|(name, value)| (name, (name, value)))
                        .collect()
                });
                by_name.get(&*token).copied()
            } else {
                node.member(&token)
            };
            let Some((name, value)) = member else {
                return ancestor;
            };
            s.pos = name_end(text, name)?;
            s.skip_ws();
            if s.peek()? != b':' {
                return None;
            }
            s.pos += 1;
            node = value;
        } else if node.is_array() {
            let Some((index, item)) = pointer::index(&token).and_then(|i| Some((i, node.item(i)?)))
            else {
                return ancestor;
            };
            if s.peek()? != b'[' {
                return None;
            }
            let marks = hints
                .items
                .entry(node.id())
                .or_insert_with(|| vec![s.pos + 1]);
            let mut reached = (index / STRIDE).min(marks.len() - 1) * STRIDE;
            s.pos = marks[reached / STRIDE];
            while reached < index {
                s.skip_parsed_items(1)?;
                reached += 1;
                if reached % STRIDE == 0 && reached / STRIDE == marks.len() {
                    marks.push(s.pos);
                }
            }
            node = item;
        } else {
            return ancestor;
        }
        s.skip_ws();
    }
    let start = s.pos;
    // A string the arena borrowed ends where its slice does; anything else is read to its end.
    if let Some(end) = node
        .as_str()
        .and_then(|value| slice_end(text, value, start + 1))
    {
        return Some(Some(start..end + 1));
    }
    s.skip_parsed_value()?;
    Some(Some(start..s.pos))
}

/// Where `slice` ends in `text` if it is the part of `text` from `start` on, as a string
/// without escapes the arena borrowed is (an empty one included); `None` otherwise.
fn slice_end(text: &str, slice: &str, start: usize) -> Option<usize> {
    let at = (slice.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    let end = at.checked_add(slice.len())?;
    (at == start && text.as_bytes().get(end) == Some(&b'"')).then_some(end)
}

/// The offset just past the closing quote of a member name the arena borrowed from `text`;
/// `None` for a name it decoded (escapes) or took from elsewhere.
fn name_end(text: &str, name: &str) -> Option<usize> {
    let start = (name.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    let end = start.checked_add(name.len())?;
    let bytes = text.as_bytes();
    let quoted = start > 0 && bytes.get(start - 1) == Some(&b'"') && bytes.get(end) == Some(&b'"');
    // The address lies inside the text only if the name is a slice of it.
    (quoted && text.get(start..end) == Some(name)).then_some(end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::doc::Doc;

    fn both(text: &str, pointer: &str) -> (Option<Range<usize>>, Option<Range<usize>>) {
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        let doc = Doc::parse(body).expect("valid JSON");
        (
            locate_or_ancestor_in(text, doc.root(), pointer),
            super::super::locate_or_ancestor(text, pointer),
        )
    }

    #[test]
    fn agrees_with_the_text_walk() {
        let text = "\u{feff} {\"a\" : {\"b\":[1, {\"c\":\"x\"}, [2]]}, \"a\\u0062\":\"y\", \"d\":{\"e\":1,\"e\":{}}, \"\":0}";
        for pointer in [
            "",
            "/a",
            "/a/b",
            "/a/b/0",
            "/a/b/1/c",
            "/a/b/2/0",
            "/a/b/3",
            "/a/b/-",
            "/a/b/01",
            "/a/b/1/c/z",
            "/ab",
            "/d/e",
            "/d/e/f",
            "/",
            "/zz/y",
            "x",
        ] {
            let (ours, text_walk) = both(text, pointer);
            assert_eq!(ours, text_walk, "{pointer}");
        }
    }

    #[test]
    fn the_arena_answers_without_the_text_walk() {
        let text = r#"{"a":{"b":[1,{"c":"x"}]}}"#;
        let doc = Doc::parse(text).expect("valid JSON");
        let at = |p: &str| {
            walk(text, doc.root(), p, &mut Hints::default()).expect("settled by the arena")
        };
        assert_eq!(at("/a/b/1/c").map(|r| &text[r]), Some("\"x\""));
        assert_eq!(at("/a/q").map(|r| &text[r]), Some("{"));
        // A name written with escapes is not a slice of the text: the text walk answers.
        let escaped = r#"{"\u0061":1}"#;
        let doc = Doc::parse(escaped).expect("valid JSON");
        assert_eq!(walk(escaped, doc.root(), "/a", &mut Hints::default()), None);
        // Nor is a name of another text.
        let other = "{\"a\":{\"b\":[1,{\"c\":\"x\"}]}}".to_owned();
        let doc = Doc::parse(&other).expect("valid JSON");
        assert_eq!(walk(text, doc.root(), "/a", &mut Hints::default()), None);
    }
}

//! Locating in a text that is known to parse and to name each member of the path once, as a
//! text `serde` has read into a derived struct is (it refuses a field that comes twice, however
//! its name is spelled). The first member of the name is then the member: the walk stops there,
//! and skips every other value at full speed instead of reading it to an object's end.

use std::ops::Range;

use super::pointer;
use super::{key_matches, Scanner};

/// [`super::locate`] for a text that parses and repeats no member along the pointer's path;
/// on any other text the answer may differ (the first of two members, not the last).
#[must_use]
pub(crate) fn locate_unique(text: &str, pointer: &str) -> Option<Range<usize>> {
    let mut s = Scanner::new(text);
    let mut scratch = String::new();
    s.skip_ws();
    for token in pointer::tokens(pointer)? {
        match s.peek()? {
            b'{' => {
                s.pos += 1;
                loop {
                    s.skip_ws();
                    // Anything but a name (the object's end) means the member is missing.
                    if s.peek()? != b'"' {
                        return None;
                    }
                    let start = s.pos;
                    let escaped = s.string()?;
                    let raw = s.b.get(start + 1..s.pos - 1)?;
                    let found = key_matches(raw, escaped, &token, &mut scratch);
                    s.skip_ws();
                    if s.peek()? != b':' {
                        return None;
                    }
                    s.pos += 1;
                    s.skip_ws();
                    if found {
                        break;
                    }
                    s.skip_parsed_value()?;
                    s.skip_ws();
                    if s.peek()? != b',' {
                        return None;
                    }
                    s.pos += 1;
                }
            }
            b'[' => {
                let index = pointer::index(&token)?;
                s.pos += 1;
                s.skip_ws();
                s.skip_parsed_items(index)?;
                if s.peek()? == b']' {
                    return None;
                }
            }
            _ => return None,
        }
    }
    let start = s.pos;
    s.skip_parsed_value()?;
    Some(start..s.pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_the_full_walk_finds_when_no_member_repeats() {
        let text = "\u{feff} {\"request\":{\"postData\":{\"text\":\"a\\\"b\"}},\"response\" : {\"status\":200,\"content\":{\"size\":[1,{\"x\":\"}\"}],\"te\\u0078t\":\"{\\\"errcode\\\":0}\"}},\"list\":[[],{},\"x\"]}";
        for pointer in [
            "",
            "/request/postData/text",
            "/response/content/text",
            "/response/content/size/1/x",
            "/response/content/missing",
            "/response/status/x",
            "/list/0",
            "/list/1",
            "/list/2",
            "/list/3",
            "/list/0/0",
            "/list/-",
            "/",
            "x",
        ] {
            assert_eq!(
                locate_unique(text, pointer),
                super::super::locate(text, pointer),
                "{pointer}"
            );
        }
    }
}

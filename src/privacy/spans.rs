//! Where a JSON text (a HAR entry, a body) holds what an excerpt must not show, found by
//! decoding what the regular expressions of [`super::mask`] read raw: member names with JSON
//! escapes (`\u0061ccess_token`), bodies held in strings (a request's form or JSON
//! `postData.text`, an answer's `content.text`), percent-encoded form names
//! (`%61ccess_token=…`, `access_token%3D…`), HAR name/value pairs. Spans are in the text given,
//! so excerpts cut from it keep their positions.

use std::ops::Range;

use super::credentials;
use super::name;
use super::scrub::personal;
use crate::api::fields::Personal;

/// How a span is hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hide {
    /// A credential, or a name that is not plain: hidden whole, always.
    Secret,
    /// A personal value: masked as its kind says, unless values are shown.
    Personal(Personal),
}

/// Strings held in strings are decoded this deep at most (a HAR entry holds a body that may hold
/// a JSON text in a string: three levels are real, more are an attack on the time we take).
const DEPTH: usize = 4;

/// Containers nested deeper are not read: the walk recurses, and a body of nested brackets must
/// not overflow the stack (what lies deeper is still starred by the patterns).
const NESTING: usize = 128;

/// Every span of `text` (a JSON value) to hide. Text that is not JSON gets what a best-effort
/// read finds before it stops.
pub fn json(text: &str) -> Vec<(Range<usize>, Hide)> {
    let mut out = Vec::new();
    Walker {
        text,
        at: 0,
        out: &mut out,
        depth: 0,
        nesting: 0,
    }
    .value(None);
    out
}

/// Every span of a form body or query string (`a=1&b=2`, or a URL with one) to hide.
pub fn form(text: &str) -> Vec<(Range<usize>, Hide)> {
    let mut out = Vec::new();
    form_into(text, 0, &mut out);
    out
}

/// Hides in `shown` (a same-length copy of `text`) every span [`json`] finds in `text`:
/// credentials and names that are not plain always, personal values unless `show_values`.
pub fn hide_json(text: &str, shown: &mut String, show_values: bool) {
    for (range, hide) in json(text) {
        match hide {
            Hide::Secret => super::mask::mask(shown, range, Personal::Text),
            Hide::Personal(kind) if !show_values => super::mask::mask(shown, range, kind),
            Hide::Personal(_) => {}
        }
    }
}

/// The hiding a value below a member or pair called `name` gets, if any.
fn by_name(name: &str) -> Option<Hide> {
    if let Some(_kind) = credentials::credential(name) {
        return Some(Hide::Secret);
    }
    if credentials::is_kept_id(name) {
        return None;
    }
    personal(name).map(Hide::Personal)
}

fn form_into(text: &str, base: usize, out: &mut Vec<(Range<usize>, Hide)>) {
    let mut start = 0;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), '&')))
    {
        if !matches!(c, '&' | '?' | '#' | ';') {
            continue;
        }
        form_part(&text[start..i], base + start, out);
        start = i + c.len_utf8();
    }
}

fn decoded(raw: &str) -> String {
    let plus = raw.replace('+', " ");
    percent_encoding::percent_decode_str(&plus)
        .decode_utf8_lossy()
        .into_owned()
}

/// One `name=value` part of a form, at `base`.
fn form_part(part: &str, base: usize, out: &mut Vec<(Range<usize>, Hide)>) {
    let Some(eq) = part.find('=') else {
        // A bare name: harmless (`https://host/path`) unless decoding shows a pair
        // (`access_token%3D…`) or it is value-shaped (a phone number, an email address).
        let name = decoded(part);
        if name.contains('=') || name.contains('@') || has_mobile_number(&name) {
            out.push((base..base + part.len(), Hide::Secret));
        }
        return;
    };
    let (raw_name, raw_value) = (&part[..eq], &part[eq + 1..]);
    let name = decoded(raw_name);
    if !name.is_empty() && !name::is_plain(&name) && !raw_name.contains(['/', ':']) {
        out.push((base..base + eq, Hide::Secret));
    }
    let value = base + eq + 1..base + part.len();
    let hide = if name.contains('=') {
        Some(Hide::Secret)
    } else {
        by_name(&name)
    };
    match hide {
        // An encoded value masked raw would keep escape digits in place of its own: hide it whole.
        Some(Hide::Personal(kind)) if decoded(raw_value) != raw_value && kind != Personal::Text => {
            out.push((value, Hide::Personal(Personal::Text)));
        }
        Some(hide) => out.push((value, hide)),
        None => {
            let shown = decoded(raw_value);
            if shown.contains('@') || has_mobile_number(&shown) {
                // Only pattern-found data under a name that says nothing: a kept id stays.
                if !credentials::is_kept_id(&name) {
                    out.push((value, Hide::Personal(Personal::Text)));
                }
            }
        }
    }
}

fn has_mobile_number(text: &str) -> bool {
    !super::mask::mobile_numbers(text).is_empty()
}

/// A JSON string literal decoded, with where each decoded byte (and the end) came from in it.
fn decode_literal(literal: &str) -> Option<(String, Vec<usize>)> {
    let decoded: String = serde_json::from_str(literal).ok()?;
    if !literal[1..literal.len() - 1].contains('\\') {
        let map = (1..=decoded.len() + 1).collect();
        return Some((decoded, map));
    }
    // Walk the literal escape by escape; each decoded char maps to where its source starts.
    let bytes = literal.as_bytes();
    let mut map = Vec::with_capacity(decoded.len() + 1);
    let mut raw = 1;
    let end = literal.len() - 1;
    for c in decoded.chars() {
        let from = raw;
        if bytes[raw] == b'\\' {
            raw += if bytes.get(raw + 1) == Some(&b'u') {
                // A character outside the BMP is two `\uXXXX` escapes.
                if c.len_utf16() == 2 {
                    12
                } else {
                    6
                }
            } else {
                2
            };
        } else {
            raw += c.len_utf8();
        }
        map.extend(std::iter::repeat_n(from, c.len_utf8()));
    }
    map.push(raw.min(end));
    Some((decoded, map))
}

struct Walker<'t, 'o> {
    text: &'t str,
    at: usize,
    out: &'o mut Vec<(Range<usize>, Hide)>,
    depth: usize,
    nesting: usize,
}

impl Walker<'_, '_> {
    fn skip_space(&mut self) {
        let bytes = self.text.as_bytes();
        while self.at < bytes.len() && bytes[self.at].is_ascii_whitespace() {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// The range of the string literal at `at` (quotes included), stepped over.
    fn string(&mut self) -> Option<Range<usize>> {
        let bytes = self.text.as_bytes();
        let start = self.at;
        let mut i = start + 1;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b'"' => {
                    self.at = i + 1;
                    return Some(start..i + 1);
                }
                _ => i += 1,
            }
        }
        self.at = bytes.len();
        None
    }

    /// Reads one value; `hide` is what its name (or an enclosing one) says of it.
    fn value(&mut self, hide: Option<Hide>) {
        self.skip_space();
        if matches!(self.peek(), Some(b'{' | b'[')) {
            if self.nesting >= NESTING {
                self.at = self.text.len();
                return;
            }
            self.nesting += 1;
            self.container(hide);
            self.nesting -= 1;
            return;
        }
        self.scalar(hide);
    }

    fn container(&mut self, hide: Option<Hide>) {
        match self.peek() {
            Some(b'{') => self.object(hide),
            Some(b'[') => {
                self.at += 1;
                loop {
                    self.skip_space();
                    match self.peek() {
                        Some(b']') => {
                            self.at += 1;
                            return;
                        }
                        Some(b',') => self.at += 1,
                        None => return,
                        Some(_) => {
                            let before = self.at;
                            self.value(hide);
                            if self.at == before {
                                return;
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn scalar(&mut self, hide: Option<Hide>) {
        match self.peek() {
            Some(b'"') => {
                let Some(range) = self.string() else {
                    return;
                };
                self.string_value(range, hide);
            }
            Some(_) => {
                let bytes = self.text.as_bytes();
                let start = self.at;
                while self.at < bytes.len()
                    && !matches!(bytes[self.at], b',' | b'}' | b']')
                    && !bytes[self.at].is_ascii_whitespace()
                {
                    self.at += 1;
                }
                let token = &self.text[start..self.at];
                if let Some(hide) = hide {
                    if !matches!(token, "true" | "false" | "null") && !token.is_empty() {
                        self.out.push((start..self.at, hide));
                    }
                }
            }
            None => {}
        }
    }

    fn object(&mut self, hide: Option<Hide>) {
        self.at += 1;
        // A HAR name/value pair: its `value` is judged by its `name`.
        let mut pair_name: Option<String> = None;
        loop {
            self.skip_space();
            match self.peek() {
                Some(b'}') => {
                    self.at += 1;
                    return;
                }
                Some(b',') => self.at += 1,
                Some(b'"') => {
                    let Some(range) = self.string() else {
                        return;
                    };
                    let raw = &self.text[range.start + 1..range.end - 1];
                    // Most names have no escape, and need no decoding to be read.
                    let member: std::borrow::Cow<str> = if raw.contains('\\') {
                        serde_json::from_str::<String>(&self.text[range.clone()])
                            .unwrap_or_default()
                            .into()
                    } else {
                        raw.into()
                    };
                    if !member.is_empty() && !name::is_plain(&member) {
                        self.out
                            .push((range.start + 1..range.end - 1, Hide::Secret));
                    }
                    self.skip_space();
                    if self.peek() != Some(b':') {
                        return;
                    }
                    self.at += 1;
                    self.skip_space();
                    let own = if member == "value" {
                        pair_name.as_deref().and_then(by_name)
                    } else if member == "name" {
                        None
                    } else {
                        by_name(&member)
                    };
                    if member == "name" && self.peek() == Some(b'"') {
                        let start = self.at;
                        if let Some(range) = self.string() {
                            pair_name = serde_json::from_str(&self.text[range.clone()]).ok();
                            self.at = start;
                        }
                    }
                    let before = self.at;
                    self.value(own.or(hide));
                    if self.at == before {
                        return;
                    }
                }
                _ => return,
            }
        }
    }

    /// A string value: hidden whole when its name says so; otherwise read inside when it holds
    /// a JSON text or a form (its spans carried back through its escapes).
    fn string_value(&mut self, range: Range<usize>, hide: Option<Hide>) {
        let content = range.start + 1..range.end - 1;
        if content.is_empty() {
            return;
        }
        let literal = &self.text[range.clone()];
        if let Some(hide) = hide {
            // Escapes in a personal value would keep their digits under a phone's mask.
            let hide = match hide {
                Hide::Personal(kind) if literal.contains('\\') && kind != Personal::Text => {
                    Hide::Personal(Personal::Text)
                }
                other => other,
            };
            self.out.push((content, hide));
            return;
        }
        if self.depth >= DEPTH {
            return;
        }
        let Some((decoded, map)) = decode_literal(literal) else {
            return;
        };
        let trimmed = decoded.trim_start();
        let inner = if trimmed.starts_with('{') || trimmed.starts_with('[') {
            let mut found = Vec::new();
            Walker {
                text: &decoded,
                at: 0,
                out: &mut found,
                depth: self.depth + 1,
                nesting: 0,
            }
            .value(None);
            found
        } else if decoded.contains(['=', '@']) || has_mobile_number(&decoded) {
            if decoded.contains(char::is_whitespace) {
                // Free text, not a form: only what patterns find.
                let mut found: Vec<_> = super::mask::mobile_numbers(&decoded)
                    .into_iter()
                    .map(|r| (r, Hide::Personal(Personal::Phone)))
                    .collect();
                found.extend(
                    decoded
                        .split(char::is_whitespace)
                        .filter(|w| w.contains('@'))
                        .map(|w| {
                            let start = w.as_ptr() as usize - decoded.as_ptr() as usize;
                            (start..start + w.len(), Hide::Personal(Personal::Email))
                        }),
                );
                found
            } else {
                form(&decoded)
            }
        } else {
            Vec::new()
        };
        for (r, hide) in inner {
            let from = range.start + map.get(r.start).copied().unwrap_or(0);
            let to = range.start + map.get(r.end).copied().unwrap_or(0);
            if to > from {
                let hide = match hide {
                    Hide::Personal(_) if to - from != r.len() => Hide::Personal(Personal::Text),
                    other => other,
                };
                self.out.push((from..to, hide));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hidden(text: &str, show_values: bool) -> String {
        let mut shown = text.to_owned();
        hide_json(text, &mut shown, show_values);
        assert_eq!(shown.len(), text.len());
        shown
    }

    #[test]
    fn request_bodies_in_an_entry_are_read_inside() {
        let entry = r#"{"request":{"url":"https://h/p?%61ccess_token=TOKEN1&userid=13900139000","postData":{"mimeType":"application/x-www-form-urlencoded","text":"userid=u1&access_token%3DTOKEN2&mobile=13912349000&email=zhang.wei%40example.com&13912340000=1"}}}"#;
        let shown = hidden(entry, false);
        for gone in [
            "TOKEN1",
            "TOKEN2",
            "13912349000",
            "zhang.wei",
            "13912340000",
        ] {
            assert!(!shown.contains(gone), "{gone}: {shown}");
        }
        // Ids stay, so the excerpt still says which user was asked for.
        assert!(shown.contains("userid=13900139000") && shown.contains("userid=u1"));
        assert!(shown.contains("mobile=139****9000"), "{shown}");
    }

    #[test]
    fn deep_nesting_stops_the_walk_not_the_process() {
        let deep = format!("{}{}", "[".repeat(1 << 20), "]".repeat(1 << 20));
        assert!(json(&deep).is_empty());
    }

    #[test]
    fn escaped_names_json_bodies_and_pairs_are_decoded() {
        let entry = r#"{"request":{"headers":[{"name":"X-Token","value":"TOKEN3"},{"name":"tel","value":"13912345678"}],"postData":{"text":"{\"\\u0061ccess_token\":\"TOKEN4\",\"\\u006dobile\":\"13912341111\",\"x\":{\"appSecret\":[\"TOKEN5\",12345678]}}"}},"response":{"content":{"text":"{\"result\":{\"email\":\"a.b@example.com\",\"13912342222\":1}}"}}}"#;
        let shown = hidden(entry, false);
        for gone in [
            "TOKEN3",
            "TOKEN4",
            "TOKEN5",
            "12345678",
            "13912345678",
            "13912341111",
            "a.b@",
            "13912342222",
        ] {
            assert!(!shown.contains(gone), "{gone}: {shown}");
        }
        let shown = hidden(entry, true);
        assert!(!shown.contains("TOKEN4") && shown.contains("13912345678"));
    }
}

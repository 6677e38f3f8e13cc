//! RFC 6901 JSON pointers: the one place a reference token is escaped into a pointer or read back out of one.
//!
//! Rules emit pointers and stay symbolic; the arena, the schema, the locator and the reports read
//! them back. All of them go through [`tokens`], which decodes exactly as
//! `serde_json::Value::pointer` does, so no two readers can disagree on which value a finding names.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::ops::Deref;

use serde::{Deserialize, Serialize};

/// An RFC 6901 pointer into a JSON document (`""` is the whole document), held escaped.
///
/// Built token by token with [`push`](Self::push), which escapes. A `&str` or `String` converts
/// as text that is escaped already, as in the fixed pointers rules write (`"/result/boss"`).
/// It reads as the `str` it holds, so it compares, sorts and prints as that text.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Pointer(String);

impl Pointer {
    /// The pointer to the whole document.
    #[must_use]
    pub const fn root() -> Self {
        Self(String::new())
    }

    /// The escaped text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Appends a member name or any other token, escaping `~` and `/`.
    pub fn push(&mut self, token: &str) {
        self.0.push('/');
        if !token.contains(['~', '/']) {
            self.0.push_str(token);
            return;
        }
        for c in token.chars() {
            match c {
                '~' => self.0.push_str("~0"),
                '/' => self.0.push_str("~1"),
                c => self.0.push(c),
            }
        }
    }

    /// Appends an array index.
    pub fn push_index(&mut self, index: usize) {
        // Writing into a String cannot fail.
        let _ = write!(self.0, "/{index}");
    }

    /// This pointer with one more token.
    #[must_use]
    pub fn child(&self, token: &str) -> Self {
        let mut child = Self(String::with_capacity(self.0.len() + 1 + token.len()));
        child.0.push_str(&self.0);
        child.push(token);
        child
    }

    /// The unescaped tokens, or `None` when the pointer is not well formed.
    #[must_use]
    pub fn tokens(&self) -> Option<Tokens<'_>> {
        tokens(&self.0)
    }

    /// The pointer one level up (`None` for the root).
    #[must_use]
    pub fn parent(&self) -> Option<&str> {
        parent(&self.0)
    }

    /// The last token, unescaped (`None` for the root).
    #[must_use]
    pub fn last(&self) -> Option<Cow<'_, str>> {
        last(&self.0)
    }
}

impl Deref for Pointer {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Pointer {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for Pointer {
    fn from(escaped: String) -> Self {
        Self(escaped)
    }
}

impl From<&str> for Pointer {
    fn from(escaped: &str) -> Self {
        Self(escaped.to_owned())
    }
}

impl From<&String> for Pointer {
    fn from(escaped: &String) -> Self {
        Self(escaped.clone())
    }
}

impl From<&Pointer> for Pointer {
    fn from(pointer: &Pointer) -> Self {
        pointer.clone()
    }
}

impl PartialEq<str> for Pointer {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Pointer {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// The unescaped reference tokens of pointer text, borrowed unless a token holds an escape.
///
/// Split by bytes rather than with `str::split`: every finding's pointer is read when it is
/// placed, and its few short tokens do not repay a general pattern searcher.
#[derive(Debug, Clone)]
pub struct Tokens<'p> {
    /// The tokens not yet read, still joined by `/` (`None` once all are read).
    rest: Option<&'p str>,
}

impl<'p> Iterator for Tokens<'p> {
    type Item = Cow<'p, str>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.rest?;
        // `/` is ASCII, so the cut is at a char boundary.
        let token = match rest.bytes().position(|b| b == b'/') {
            Some(slash) => {
                self.rest = Some(&rest[slash + 1..]);
                &rest[..slash]
            }
            None => {
                self.rest = None;
                rest
            }
        };
        Some(unescape(token))
    }
}

impl DoubleEndedIterator for Tokens<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let rest = self.rest?;
        let token = match rest.bytes().rposition(|b| b == b'/') {
            Some(slash) => {
                self.rest = Some(&rest[..slash]);
                &rest[slash + 1..]
            }
            None => {
                self.rest = None;
                rest
            }
        };
        Some(unescape(token))
    }
}

/// The tokens of pointer text: none for `""` (the whole document), `None` for text that is not a
/// pointer (non-empty without a leading `/`).
///
/// `~1` is `/` and `~0` is `~`, read left to right (`~01` is `~1`). RFC 6901 leaves any other `~`
/// undefined; `serde_json` keeps it as it is, and so does this, so that every reader here finds
/// what `Value::pointer` finds.
#[must_use]
pub fn tokens(pointer: &str) -> Option<Tokens<'_>> {
    if pointer.is_empty() {
        return Some(Tokens { rest: None });
    }
    let rest = pointer.strip_prefix('/')?;
    Some(Tokens { rest: Some(rest) })
}

/// The pointer one level up (`/a/b` → `/a`, `/a` → `""`); `None` for the whole document.
#[must_use]
pub fn parent(pointer: &str) -> Option<&str> {
    pointer.rsplit_once('/').map(|(parent, _)| parent)
}

/// The last token, unescaped; `None` for the whole document and for text that is not a pointer.
#[must_use]
pub fn last(pointer: &str) -> Option<Cow<'_, str>> {
    tokens(pointer)?.next_back()
}

/// What follows `ancestor` in `pointer` (`""` for `pointer` itself) when `ancestor` is `pointer` or
/// one of its ancestors. Tokens are compared whole, so `/a` is no ancestor of `/ab`.
#[must_use]
pub fn strip_prefix<'p>(pointer: &'p str, ancestor: &str) -> Option<&'p str> {
    let rest = pointer.strip_prefix(ancestor)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

/// The array index a token names, by `serde_json`'s rules: digits only, no leading zero.
#[must_use]
pub fn index(token: &str) -> Option<usize> {
    let bytes = token.as_bytes();
    let leading_zero = bytes.len() > 1 && bytes.first() == Some(&b'0');
    if bytes.is_empty() || leading_zero || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    token.parse().ok()
}

fn unescape(raw: &str) -> Cow<'_, str> {
    // Tokens are a few bytes: a plain loop beats setting up a vectorised search.
    if !raw.bytes().any(|b| b == b'~') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some((before, after)) = rest.split_once('~') {
        out.push_str(before);
        rest = if let Some(after) = after.strip_prefix('0') {
            out.push('~');
            after
        } else if let Some(after) = after.strip_prefix('1') {
            out.push('/');
            after
        } else {
            out.push('~');
            after
        };
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn all(pointer: &str) -> Option<Vec<String>> {
        tokens(pointer).map(|t| t.map(Cow::into_owned).collect())
    }

    #[test]
    fn tokens_decode_rfc6901() {
        assert_eq!(all(""), Some(vec![]));
        assert_eq!(all("/"), Some(vec![String::new()]));
        assert_eq!(all("//"), Some(vec![String::new(), String::new()]));
        assert_eq!(all("/a/b"), Some(vec!["a".into(), "b".into()]));
        assert_eq!(all("/a~1b"), Some(vec!["a/b".into()]));
        assert_eq!(all("/m~0n"), Some(vec!["m~n".into()]));
        // ~01 is "~" then "1", not "/": decoding is left to right.
        assert_eq!(all("/~01"), Some(vec!["~1".into()]));
        assert_eq!(all("/~10"), Some(vec!["/0".into()]));
        assert_eq!(all("/中文/😀"), Some(vec!["中文".into(), "😀".into()]));
        assert_eq!(all("a"), None);
        assert_eq!(all("#/a"), None);
        // Undefined escapes stay literal, as serde_json keeps them.
        assert_eq!(all("/~"), Some(vec!["~".into()]));
        assert_eq!(all("/a~2"), Some(vec!["a~2".into()]));
        assert_eq!(all("/~~1"), Some(vec!["~/".into()]));
        assert!(matches!(
            tokens("/a/b").and_then(|mut t| t.next()),
            Some(Cow::Borrowed("a"))
        ));
    }

    #[test]
    fn push_escapes_and_the_rest_reads_back() {
        let mut p = Pointer::root();
        p.push("result");
        p.push("a/b~c");
        p.push_index(3);
        assert_eq!(p, "/result/a~1b~0c/3");
        assert_eq!(p.child(""), "/result/a~1b~0c/3/");
        assert_eq!(p.last().as_deref(), Some("3"));
        assert_eq!(p.parent(), Some("/result/a~1b~0c"));
        assert_eq!(last("/result/a~1b~0c").as_deref(), Some("a/b~c"));
        assert_eq!(parent("/a"), Some(""));
        assert_eq!(parent(""), None);
        assert_eq!(last(""), None);
        assert_eq!(p.to_string(), p.as_str());
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"/result/a~1b~0c/3\"");
    }

    #[test]
    fn prefixes_are_whole_tokens() {
        assert_eq!(strip_prefix("/a/b", "/a"), Some("/b"));
        assert_eq!(strip_prefix("/a", "/a"), Some(""));
        assert_eq!(strip_prefix("/ab", "/a"), None);
        assert_eq!(strip_prefix("/a", "/a/b"), None);
        assert_eq!(strip_prefix("/a", ""), Some("/a"));
    }

    #[test]
    fn index_rules_match_serde_json() {
        assert_eq!(index("0"), Some(0));
        assert_eq!(index("12"), Some(12));
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
            assert_eq!(index(bad), None, "{bad:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn pushed_tokens_read_back_and_resolve_as_serde_json_does(
            keys in proptest::collection::vec(
                proptest::collection::vec(proptest::sample::select(&['a', '~', '/', '0', '1', 'é'][..]), 0..5),
                0..5,
            )
        ) {
            let keys: Vec<String> = keys.into_iter().map(String::from_iter).collect();
            let mut p = Pointer::root();
            let mut value = serde_json::Value::Null;
            for key in keys.iter().rev() {
                value = serde_json::Value::Object(std::iter::once((key.clone(), value)).collect());
            }
            for key in &keys {
                p.push(key);
            }
            let read: Vec<Cow<'_, str>> = p.tokens().into_iter().flatten().collect();
            prop_assert_eq!(&read, &keys);
            let mut backwards: Vec<Cow<'_, str>> = p.tokens().into_iter().flatten().rev().collect();
            backwards.reverse();
            prop_assert_eq!(&backwards, &keys);
            // Read from both ends at once, the tokens still meet in the middle.
            if let Some(mut tokens) = p.tokens() {
                let (first, last) = (tokens.next(), tokens.next_back());
                let middle: Vec<Cow<'_, str>> = tokens.collect();
                let joined: Vec<Cow<'_, str>> = first.into_iter().chain(middle).chain(last).collect();
                prop_assert_eq!(&joined, &keys);
            }
            prop_assert_eq!(value.pointer(&p), Some(&serde_json::Value::Null));
        }

        #[test]
        fn decoding_agrees_with_serde_json_on_any_text(
            token in proptest::collection::vec(proptest::sample::select(&['a', '~', '/', '0', '1', '2'][..]), 0..8)
        ) {
            let raw: String = token.into_iter().filter(|&c| c != '/').collect();
            let decoded = unescape(&raw).into_owned();
            let value = serde_json::Value::Object(std::iter::once((decoded, serde_json::Value::Null)).collect());
            prop_assert_eq!(value.pointer(&format!("/{raw}")), Some(&serde_json::Value::Null));
        }
    }
}

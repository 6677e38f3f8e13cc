//! What one reading of an input does with each part it meets: scrubs it for the copy, or looks
//! into it for removed values (the self-check of the copy). Every shape is read by one walk,
//! steered by a pass, so a copy is read back exactly as it was written.

use std::borrow::Cow;
use std::collections::BTreeSet;

use aho_corasick::AhoCorasick;
use base64::Engine;

use super::super::scrub::Scrubber;
use super::super::tree::Tree;

/// The scrubbing of a run: what it removed, and what it could only scrub by pattern.
#[derive(Debug, Default)]
pub(crate) struct Scrubbing {
    pub(crate) scrubber: Scrubber,
    /// Texts meant to be JSON that are not (a line of NDJSON cut short, a log's cut body, a
    /// `.json` file that does not parse): scrubbed by pattern only.
    pub(crate) as_text: u64,
}

/// The removed values looked for in a copy, and those found.
pub(crate) struct Looker {
    finder: AhoCorasick,
    found: BTreeSet<usize>,
}

impl Looker {
    /// A looker for `removed` (which may be empty: the copy is still read back whole).
    pub(crate) fn new(removed: &BTreeSet<String>) -> Result<Self, String> {
        let finder = AhoCorasick::new(removed).map_err(|e| e.to_string())?;
        Ok(Self {
            finder,
            found: BTreeSet::new(),
        })
    }

    /// How many distinct removed values were found.
    pub(crate) fn survivors(&self) -> usize {
        self.found.len()
    }
}

/// One reading of an input.
pub(crate) enum Pass<'a> {
    /// Writing the copy: every part is scrubbed.
    Scrub(&'a mut Scrubbing),
    /// Reading the copy back: every part is looked into.
    Look(&'a mut Looker),
}

impl Pass<'_> {
    /// A JSON tree: scrubbed in place, or looked into (every string, names included, and
    /// the JSON texts and base64 bodies they hold).
    pub(crate) fn tree(&mut self, tree: &mut Tree) {
        match self {
            Self::Scrub(scrubbing) => scrubbing.scrubber.tree(tree),
            Self::Look(looker) => tree.each_string(&mut |s| look_into(looker, s, 0)),
        }
    }

    /// Free text (a log line, its prefix before a body): scrubbed by pattern, or looked into.
    pub(crate) fn text<'t>(&mut self, text: &'t str) -> Cow<'t, str> {
        match self {
            Self::Scrub(scrubbing) => {
                let clean = scrubbing.scrubber.text(text);
                if clean == text {
                    Cow::Borrowed(text)
                } else {
                    Cow::Owned(clean)
                }
            }
            Self::Look(looker) => {
                look_into(looker, text, 0);
                Cow::Borrowed(text)
            }
        }
    }

    /// A text meant to be JSON that does not parse: scrubbed by pattern, and counted.
    pub(crate) fn not_json<'t>(&mut self, text: &'t str) -> Cow<'t, str> {
        if let Self::Scrub(scrubbing) = self {
            scrubbing.as_text += 1;
        }
        self.text(text)
    }

    /// A body held apart (a HAR's side file, a member of its archive): a JSON text is
    /// scrubbed as a tree, other text by pattern, and bytes that are not text are kept as they
    /// are, as base64 bodies that are not text are. The scrubbed bytes when they changed.
    pub(crate) fn body(&mut self, bytes: &[u8]) -> Option<Vec<u8>> {
        match (self, std::str::from_utf8(bytes)) {
            (Self::Scrub(scrubbing), Ok(text)) => {
                scrubbing.scrubber.string(text).map(String::into_bytes)
            }
            (Self::Scrub(_), Err(_)) => None,
            (Self::Look(looker), Ok(text)) => {
                look_into(looker, text, 0);
                None
            }
            (Self::Look(looker), Err(_)) => {
                looker.bytes(bytes);
                None
            }
        }
    }

    /// Bytes that are not text: a copy keeps them; the self-check looks into them as they are.
    pub(crate) fn bytes(&mut self, bytes: &[u8]) {
        if let Self::Look(looker) = self {
            looker.bytes(bytes);
        }
    }

    /// Whether this reading writes a copy.
    pub(crate) fn writes(&self) -> bool {
        matches!(self, Self::Scrub(_))
    }
}

impl Looker {
    fn bytes(&mut self, bytes: &[u8]) {
        for m in self.finder.find_overlapping_iter(bytes) {
            self.found.insert(m.pattern().as_usize());
        }
    }
}

/// Looks for removed values in `text`, in the JSON texts it holds, and in base64 it holds
/// once decoded.
fn look_into(looker: &mut Looker, text: &str, depth: usize) {
    for m in looker.finder.find_overlapping_iter(text) {
        looker.found.insert(m.pattern().as_usize());
    }
    if depth > 8 {
        return;
    }
    let trimmed = text.trim();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        if let Ok(inner) = Tree::parse(trimmed) {
            inner.each_string(&mut |s| look_into(looker, s, depth + 1));
        }
    } else if trimmed.len() >= 12
        && trimmed.len() % 4 == 0
        && trimmed
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
    {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(trimmed)
            .ok()
            .and_then(|b| String::from_utf8(b).ok());
        if let Some(decoded) = decoded {
            look_into(looker, &decoded, depth + 1);
        }
    }
}

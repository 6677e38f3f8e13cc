//! VCR cassettes (YAML, or JSON, which YAML reads too), copied by editing the text in place:
//! the cassette is read as the tree `check` reads, each value becomes a JSON tree (bodies tagged
//! `!!binary` or held in `base64_string` decoded, and decompressed when their bytes are gzip or
//! zstd), the tree is scrubbed, and only the values that changed are written again, as
//! double-quoted scalars (valid YAML and JSON alike), binary ones encoded back the way they
//! came. Everything else (order, styles, comments, anchors, tags) stays byte for byte, so the
//! copy is still the cassette its recorder would replay. Comments, which hold no value, are
//! scrubbed by pattern.

use std::ops::Range;

use base64::Engine;
use serde_json::value::RawValue;

use super::pass::Pass;
use crate::engine::place::scalar::Style;
use crate::input::decompress::{self, Compression};
use crate::input::vcr::yaml::{self, Kind, Node};
use crate::input::vcr::{block_header, MAX_NODES};
use crate::privacy::tree::Tree;

/// Reads the cassette `text` through `pass`; the copy's text when the pass writes one.
///
/// # Errors
/// Where the text stops being YAML (or JSON, for a JSON cassette), or a value that cannot be
/// written again.
pub(crate) fn walk(text: &str, pass: &mut Pass<'_>, limit: u64) -> Result<Option<String>, String> {
    let at = |offset: usize| {
        let line = text[..offset.min(text.len())].matches('\n').count() + 1;
        format!("line {line}")
    };
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    if body.trim_start().starts_with('{') {
        // As `check` holds a JSON cassette to JSON's grammar.
        if let Err(error) = serde_json::from_str::<serde::de::IgnoredAny>(body) {
            return Err(format!("not JSON: {error}"));
        }
    }
    let yaml = yaml::Tree::parse(text, MAX_NODES)
        .map_err(|broken| format!("{}: not YAML: {}", at(broken.at), broken.message))?;
    let root = yaml.root();
    if let Some(rest) = after_document(text, root.span.end) {
        return Err(format!(
            "{}: a second YAML document; only a cassette of one document is copied",
            at(rest)
        ));
    }
    let mut reader = Reader {
        yaml: &yaml,
        text,
        limit,
        values: 0,
    };
    let mut tree = reader.tree(0, false, pass)?;
    if !pass.writes() {
        pass.tree(&mut tree);
        pass.text(text);
        return Ok(None);
    }
    let original = tree.clone();
    pass.tree(&mut tree);
    let mut edits = Vec::new();
    reader.edits(0, &original, &tree, false, &mut edits)?;
    comments(text, &yaml, pass, &mut edits);
    edits.sort_by_key(|(range, _)| range.start);
    let mut copy = String::with_capacity(text.len());
    let mut from = 0;
    for (range, replacement) in edits {
        if range.start < from {
            return Err(format!(
                "{}: values overlap; the cassette cannot be edited",
                at(range.start)
            ));
        }
        copy.push_str(&text[from..range.start]);
        copy.push_str(&replacement);
        from = range.end;
    }
    copy.push_str(&text[from..]);
    Ok(Some(copy))
}

/// Where a second document starts after the first ends at `end`, if one does: anything
/// but white space, comments and the end marker `...`.
fn after_document(text: &str, end: usize) -> Option<usize> {
    let mut at = end;
    for line in text[end..].split_inclusive('\n') {
        let content = line.trim();
        if !(content.is_empty() || content.starts_with('#') || content == "...") {
            return Some(at + line.len() - line.trim_start().len());
        }
        at += line.len();
    }
    None
}

/// What reads a cassette's values into a tree and writes back those that changed.
struct Reader<'y, 't> {
    yaml: &'y yaml::Tree<'t>,
    text: &'t str,
    limit: u64,
    /// Values read, aliases counted each time they are followed.
    values: usize,
}

/// How a binary scalar's bytes were held.
struct Binary {
    compression: Option<Compression>,
}

impl Reader<'_, '_> {
    /// The tree of node `index`; `base64` when its key says it is base64 (`base64_string`).
    fn tree(&mut self, index: usize, base64: bool, pass: &mut Pass<'_>) -> Result<Tree, String> {
        self.values += 1;
        if self.values > MAX_NODES {
            return Err(format!(
                "its aliases expand to more than {MAX_NODES} values, more than a cassette holds"
            ));
        }
        let node = self.yaml.node(index);
        Ok(match &node.kind {
            Kind::Alias(target) => self.tree(*target, base64, pass)?,
            Kind::Sequence(items) => Tree::Array(
                items
                    .iter()
                    .map(|&i| self.tree(i, false, pass))
                    .collect::<Result<_, _>>()?,
            ),
            Kind::Mapping(entries) => Tree::Object(
                entries
                    .iter()
                    .map(|&(k, v)| {
                        let name = self.key(k)?;
                        let value = self.tree(v, name == "base64_string", pass)?;
                        Ok((name, value))
                    })
                    .collect::<Result<_, String>>()?,
            ),
            Kind::Scalar { value, style, tag } => {
                if let Some(binary) = self.binary(node, base64) {
                    let bytes = self.decoded(node, &binary)?;
                    match String::from_utf8(bytes) {
                        Ok(text) => Tree::String(text),
                        Err(bytes) => {
                            // Not text (an image): kept as it is, and looked into as bytes.
                            pass.bytes(bytes.as_bytes());
                            null()
                        }
                    }
                } else {
                    scalar(value, *style, tag.as_deref())
                }
            }
        })
    }

    /// A mapping key's text.
    fn key(&self, index: usize) -> Result<String, String> {
        match &self.yaml.get(index).kind {
            Kind::Scalar { value, .. } => Ok(value.clone().into_owned()),
            _ => Err(format!(
                "line {}: a mapping key that is not a scalar cannot be copied",
                self.line(self.yaml.node(index).span.start)
            )),
        }
    }

    fn line(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())]
            .matches('\n')
            .count()
            + 1
    }

    /// Whether a scalar is base64 (tagged binary, or its key says so), and how its bytes are
    /// compressed.
    fn binary(&self, node: &Node<'_>, base64: bool) -> Option<Binary> {
        let Kind::Scalar { value, tag, .. } = &node.kind else {
            return None;
        };
        if !(base64 || tag.as_deref() == Some("binary")) {
            return None;
        }
        let compact: String = value.split_ascii_whitespace().collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(compact)
            .ok()?;
        Some(Binary {
            compression: Compression::of(&bytes),
        })
    }

    /// A binary scalar's bytes, decompressed.
    fn decoded(&self, node: &Node<'_>, binary: &Binary) -> Result<Vec<u8>, String> {
        let Kind::Scalar { value, .. } = &node.kind else {
            return Ok(Vec::new());
        };
        let compact: String = value.split_ascii_whitespace().collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(compact)
            .map_err(|e| e.to_string())?;
        if binary.compression.is_none() {
            return Ok(bytes);
        }
        let line = self.line(node.span.start);
        let (plain, _) = decompress::whole(bytes, self.limit)
            .map_err(|e| format!("line {line}: a body of compressed bytes: {e}"))?;
        if plain.len() as u64 > self.limit {
            return Err(format!(
                "line {line}: a body decompresses to more than {} bytes (--max-size)",
                self.limit
            ));
        }
        Ok(plain)
    }

    /// The edits that write node `index` as `scrubbed` where it differs from `original`.
    fn edits(
        &self,
        index: usize,
        original: &Tree,
        scrubbed: &Tree,
        base64: bool,
        edits: &mut Vec<(Range<usize>, String)>,
    ) -> Result<(), String> {
        if same(original, scrubbed) {
            return Ok(());
        }
        let node = self.yaml.node(index);
        match (&node.kind, original, scrubbed) {
            (Kind::Alias(target), _, _) => {
                // The anchored value is written where it is, as it is there; here, as this
                // place needs it (a flow collection, which YAML allows anywhere).
                edits.push((node.span.clone(), self.render(*target, scrubbed, base64)?));
            }
            (Kind::Sequence(items), Tree::Array(before), Tree::Array(after)) => {
                for ((&item, before), after) in items.iter().zip(before).zip(after) {
                    self.edits(item, before, after, false, edits)?;
                }
            }
            (Kind::Mapping(entries), Tree::Object(before), Tree::Object(after)) => {
                for (&(key, value), ((old_name, before), (new_name, after))) in
                    entries.iter().zip(before.iter().zip(after))
                {
                    if old_name != new_name {
                        let key_node = self.yaml.node(key);
                        edits.push((self.region(key_node)?, quoted(new_name)?));
                    }
                    self.edits(value, before, after, old_name == "base64_string", edits)?;
                }
            }
            (Kind::Scalar { .. }, _, _) => {
                edits.push((
                    self.region(node)?,
                    self.scalar_text(node, scrubbed, base64)?,
                ));
            }
            _ => {
                return Err(format!(
                    "line {}: a value changed shape; the cassette cannot be edited",
                    self.line(node.span.start)
                ))
            }
        }
        Ok(())
    }

    /// The text a scalar's value is written as: a double-quoted string, binary bytes encoded
    /// back (compressed as they were, then base64), or a number as it is.
    fn scalar_text(
        &self,
        node: &Node<'_>,
        scrubbed: &Tree,
        base64: bool,
    ) -> Result<String, String> {
        match scrubbed {
            Tree::String(text) => match self.binary(node, base64) {
                Some(binary) => quoted(&encode(text.as_bytes(), binary.compression)?),
                None => quoted(text),
            },
            Tree::Other(raw) => Ok(raw.get().to_owned()),
            _ => Err(format!(
                "line {}: a value changed shape; the cassette cannot be edited",
                self.line(node.span.start)
            )),
        }
    }

    /// Node `index` written as `scrubbed` in flow style, wherever it stands.
    fn render(&self, index: usize, scrubbed: &Tree, base64: bool) -> Result<String, String> {
        let node = self.yaml.node(index);
        match (&node.kind, scrubbed) {
            (Kind::Alias(target), _) => self.render(*target, scrubbed, base64),
            (Kind::Sequence(items), Tree::Array(after)) => {
                let items: Vec<String> = items
                    .iter()
                    .zip(after)
                    .map(|(&i, t)| self.render(i, t, false))
                    .collect::<Result<_, _>>()?;
                Ok(format!("[{}]", items.join(", ")))
            }
            (Kind::Mapping(entries), Tree::Object(after)) => {
                let members: Vec<String> = entries
                    .iter()
                    .zip(after)
                    .map(|(&(_, v), (name, t))| {
                        Ok(format!(
                            "{}: {}",
                            quoted(name)?,
                            self.render(v, t, name == "base64_string")?
                        ))
                    })
                    .collect::<Result<_, String>>()?;
                Ok(format!("{{{}}}", members.join(", ")))
            }
            (Kind::Scalar { tag, .. }, _) => {
                let text = match scrubbed {
                    // A binary value that is not text was never changed: as it stands.
                    Tree::Other(raw)
                        if raw.get() == "null" && self.binary(node, base64).is_some() =>
                    {
                        self.text[node.value_at..node.span.end.max(node.value_at)]
                            .trim_end()
                            .to_owned()
                    }
                    _ => self.scalar_text(node, scrubbed, base64)?,
                };
                Ok(match tag {
                    Some(_) => {
                        let tag_text = &self.text[node.span.start..node.value_at];
                        format!("{} {text}", tag_text.trim_end())
                    }
                    None => text,
                })
            }
            _ => Err(format!(
                "line {}: a value changed shape; the cassette cannot be edited",
                self.line(node.span.start)
            )),
        }
    }

    /// The bytes a scalar's value takes in the text, from after its tag and anchor; a block
    /// scalar's from its `|` or `>` header, without the line break that ends it.
    fn region(&self, node: &Node<'_>) -> Result<Range<usize>, String> {
        let Kind::Scalar { style, .. } = &node.kind else {
            return Ok(node.span.clone());
        };
        let end = node.span.end.max(node.value_at);
        let start = match style {
            Style::Literal | Style::Folded => {
                if matches!(self.text.as_bytes().get(node.value_at), Some(b'|' | b'>')) {
                    node.value_at
                } else {
                    block_header(self.text, node.value_at).ok_or_else(|| {
                        format!(
                            "line {}: a block scalar whose header cannot be found",
                            self.line(node.value_at)
                        )
                    })?
                }
            }
            _ => node.value_at,
        };
        let end = start + self.text[start..end].trim_end().len();
        Ok(start..end)
    }
}

/// A scalar as a tree: numbers, booleans and nulls written plain stay what they are; every
/// other value is a string.
fn scalar(value: &str, style: Style, tag: Option<&str>) -> Tree {
    if style == Style::Plain && tag.is_none() {
        if matches!(value, "" | "~" | "null" | "Null" | "NULL") {
            return null();
        }
        if value == "true" || value == "false" || value.parse::<f64>().is_ok() {
            if let Ok(raw) = serde_json::from_str::<Box<RawValue>>(value) {
                return Tree::Other(raw);
            }
        }
    }
    Tree::String(value.to_owned())
}

fn null() -> Tree {
    Tree::Other(RawValue::NULL.to_owned())
}

/// A double-quoted scalar: a JSON string, which YAML reads as the same text.
fn quoted(text: &str) -> Result<String, String> {
    serde_json::to_string(text).map_err(|e| e.to_string())
}

/// Bytes encoded back as a binary scalar holds them: compressed as they were, then base64.
fn encode(bytes: &[u8], compression: Option<Compression>) -> Result<String, String> {
    let packed = match compression {
        None => bytes.to_vec(),
        Some(compression) => super::pack::whole(bytes, compression).map_err(|e| e.to_string())?,
    };
    Ok(base64::engine::general_purpose::STANDARD.encode(packed))
}

/// Whether two trees are the same, text for text.
fn same(a: &Tree, b: &Tree) -> bool {
    match (a, b) {
        (Tree::String(x), Tree::String(y)) => x == y,
        (Tree::Other(x), Tree::Other(y)) => x.get() == y.get(),
        (Tree::Array(x), Tree::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Tree::Object(x), Tree::Object(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((n, a), (m, b))| n == m && same(a, b))
        }
        _ => false,
    }
}

/// Comments (`# …` outside every value) scrubbed by pattern: they hold no value, but a
/// recorder's user may have written anything in one.
fn comments(
    text: &str,
    yaml: &yaml::Tree<'_>,
    pass: &mut Pass<'_>,
    edits: &mut Vec<(Range<usize>, String)>,
) {
    if !text.contains('#') {
        return;
    }
    // Scalars, whose text may hold `#`, in order; gaps between them hold the comments.
    let mut scalars: Vec<Range<usize>> = yaml
        .nodes()
        .iter()
        .filter(|node| matches!(node.kind, Kind::Scalar { .. } | Kind::Alias(_)))
        .map(|node| node.span.start..node.span.end.max(node.value_at))
        .collect();
    scalars.sort_by_key(|r| r.start);
    let mut from = 0;
    for span in scalars
        .iter()
        .cloned()
        .chain(std::iter::once(text.len()..text.len()))
    {
        if span.start > from {
            gap_comments(text, from..span.start, pass, edits);
        }
        from = from.max(span.end);
    }
}

/// The comments in `gap` of `text` (which holds no value), scrubbed.
fn gap_comments(
    text: &str,
    gap: Range<usize>,
    pass: &mut Pass<'_>,
    edits: &mut Vec<(Range<usize>, String)>,
) {
    let bytes = text.as_bytes();
    let mut at = gap.start;
    while let Some(hash) = memchr::memchr(b'#', &bytes[at..gap.end]) {
        let start = at + hash;
        // A `#` glued to what is before it starts no comment.
        let glued = start > 0 && !matches!(bytes[start - 1], b' ' | b'\t' | b'\n' | b'\r');
        let end = memchr::memchr(b'\n', &bytes[start..gap.end]).map_or(gap.end, |n| start + n);
        if !glued {
            let original = &text[start..end];
            let clean = pass.text(original);
            if clean != original {
                edits.push((start..end, clean.into_owned()));
            }
        }
        at = end.max(start + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::copy::pass::Scrubbing;

    fn copied(text: &str) -> String {
        let mut scrubbing = Scrubbing::default();
        walk(text, &mut Pass::Scrub(&mut scrubbing), 1 << 20)
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_default()
    }

    #[test]
    fn only_values_that_change_are_written_again() {
        let text = "# recorded with access_token=abcdefgh1\ninteractions:\n- request:\n    uri: http://h/topapi/v2/user/get?access_token=abcdefgh2\n    headers:\n      Authorization:\n      - Bearer abcdefgh3\n      Accept: ['*/*']\n    body: |-\n      {\"userid\": \"u1\", \"mobile\": \"13900139000\"}\n  response:\n    status: {code: 200, message: OK}\n";
        let copy = copied(text);
        assert_eq!(
            copy,
            "# recorded with access_token=REDACTED\ninteractions:\n- request:\n    uri: \"http://h/topapi/v2/user/get?access_token=REDACTED\"\n    headers:\n      Authorization:\n      - \"REDACTED\"\n      Accept: ['*/*']\n    body: \"{\\\"userid\\\":\\\"u1\\\",\\\"mobile\\\":\\\"139****9000\\\"}\"\n  response:\n    status: {code: 200, message: OK}\n"
        );
    }

    #[test]
    fn binary_bodies_are_encoded_back_as_they_came() {
        let body = br#"{"access_token":"abcdefgh4","errcode":0}"#;
        let gz = super::super::pack::whole(body, Compression::Gzip).unwrap_or_default();
        let encoded = base64::engine::general_purpose::STANDARD.encode(gz);
        let text = format!(
            "interactions:\n- response:\n    body:\n      string: !!binary |\n        {}\n        {}\n    x: 1\n",
            &encoded[..20],
            &encoded[20..]
        );
        let copy = copied(&text);
        let value = copy
            .split("!!binary \"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(value)
            .unwrap_or_default();
        let (plain, compression) = decompress::whole(bytes, 1 << 20).unwrap_or_default();
        assert_eq!(compression, Some(Compression::Gzip));
        assert_eq!(plain, br#"{"access_token":"REDACTED","errcode":0}"#);
        assert!(copy.ends_with("\"\n    x: 1\n"), "{copy}");
    }

    #[test]
    fn aliases_and_second_documents_are_handled() {
        let text = "a: &h {Authorization: [Bearer abcdefgh5]}\nb: *h\n";
        let copy = copied(text);
        assert!(!copy.contains("abcdefgh5"), "{copy}");
        assert!(
            copy.contains("b: {\"Authorization\": [\"REDACTED\"]}"),
            "{copy}"
        );
        let mut scrubbing = Scrubbing::default();
        let error = walk(
            "a: 1\n---\nb: 2\n",
            &mut Pass::Scrub(&mut scrubbing),
            1 << 20,
        );
        assert!(error.is_err_and(|e| e.starts_with("line 2: a second YAML document")));
    }
}

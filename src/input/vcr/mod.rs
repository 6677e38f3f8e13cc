//! Reads VCR cassettes (VCR.py and pytest-recording: YAML or JSON holding `interactions`; Ruby
//! VCR: YAML holding `http_interactions`) and checks each `/topapi/v2/user/get` interaction as
//! an exchange, its findings placed in the cassette's text.

pub(crate) mod yaml;

use std::borrow::Cow;
use std::io::Read;
use std::ops::Range;
use std::path::Path;

use base64::Engine;

use crate::api::request::HarRequest;
use crate::engine::answer::{Answer, Payload};
use crate::engine::exchange::{self, Exchange, Held};
use crate::engine::guard::{self, Subject};
use crate::engine::outcome::Outcome;
use crate::engine::pipeline::Settings;
use crate::engine::place::cassette::{BodyScalar, Interaction};
use crate::engine::place::placed;
use crate::engine::place::scalar::{ScalarIndex, Style};
use crate::finding::Finding;
use crate::input::decompress;
use crate::input::file::Limits;
use crate::input::API_PATH;
use crate::json::{LineIndex, Location};
use crate::rules::{cassette, reader};
use yaml::{Kind, Node, Tree};

/// How much of a file is looked at to tell a cassette: recorders write the list's key first.
const SNIFF: usize = 64 * 1024;

/// Values a cassette may hold: thousands of interactions, and a bound on the memory of one.
pub(crate) const MAX_NODES: usize = 250_000;

/// Whether these first bytes of a text are a cassette's: a JSON object whose first member is
/// `interactions` or `http_interactions` (Ruby VCR's json serializer), or `version` with
/// `interactions` after it (VCR.py's), or YAML with either list's key at the start of a line.
pub fn is_cassette(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(SNIFF)];
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    if head.get(start) == Some(&b'{') {
        let rest = &head[start + 1..];
        let key = rest
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map_or(&[][..], |k| &rest[k..]);
        // VCR.py's json serializer writes `version` first.
        return key.starts_with(b"\"interactions\"")
            || key.starts_with(b"\"http_interactions\"")
            || (key.starts_with(b"\"version\"")
                && memchr::memmem::find(key, b"\"interactions\"").is_some());
    }
    head.split(|&b| b == b'\n')
        .any(|line| line.starts_with(b"interactions:") || line.starts_with(b"http_interactions:"))
}

/// Whether the file at `path` holds a cassette, by its first bytes (decompressed when it is
/// compressed): a YAML file met in a folder that is none is passed over as no capture.
pub fn file_is_cassette(path: &Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        // Reading it will say why it cannot be read.
        return true;
    };
    let Ok((reader, _)) = decompress::opened(std::io::BufReader::new(file)) else {
        return true;
    };
    let mut head = Vec::with_capacity(SNIFF);
    if reader.take(SNIFF as u64).read_to_end(&mut head).is_err() {
        return true;
    }
    is_cassette(&head)
}

/// Checks a cassette held whole: one outcome per interaction (other calls skipped), then any
/// about the cassette as a whole.
pub fn vcr_outcomes(bytes: &[u8], settings: &Settings, limits: &Limits) -> Vec<Outcome> {
    let text = match guard::bytes(Subject::Input, bytes, Some(limits.max_size)) {
        Ok(text) => text,
        Err(stop) => {
            let prefix = std::str::from_utf8(&bytes[..stop.span.start]).unwrap_or("");
            let at = Location::of(prefix, stop.span.start..stop.span.start);
            return vec![about_input(stop.finding, at)];
        }
    };
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - body.len();
    if body.trim().is_empty() {
        return vec![about_input(
            reader::empty_input(Subject::Input),
            Location::START,
        )];
    }
    // A JSON cassette is held to JSON's grammar, and its errors are told as JSON's; it is then
    // read as YAML, which JSON is, for the places of its values.
    if body.trim_start().starts_with('{') {
        if let Err(error) = serde_json::from_str::<serde::de::IgnoredAny>(body) {
            let offset = bom + offset_of(body, error.line(), error.column());
            let finding = reader::invalid_json(Subject::Input, &error, false);
            return vec![about_input(finding, Location::of(text, offset..offset))];
        }
    }
    let tree = match Tree::parse(text, MAX_NODES) {
        Ok(tree) => tree,
        Err(broken) => {
            let finding = cassette::cassette_broken(&broken.message);
            return vec![about_input(
                finding,
                Location::of(text, broken.at..broken.at),
            )];
        }
    };
    let root = tree.root();
    let Some(list) = tree
        .member(root, "interactions", false)
        .or_else(|| tree.member(root, "http_interactions", false))
        .filter(|list| matches!(list.kind, Kind::Sequence(_)))
    else {
        let finding = cassette::cassette_broken(
            "no list of `interactions` (VCR.py) or `http_interactions` (Ruby VCR) at its top",
        );
        let at = Location::of(text, root.span.start..root.span.start);
        return vec![about_input(finding, at)];
    };
    let lines = LineIndex::new(text);
    let cassette = Cassette {
        tree: &tree,
        text,
        lines: &lines,
        settings,
        limits,
    };
    tree.items(list)
        .zip(0u64..)
        .map(|(node, index)| cassette.interaction(index, node))
        .collect()
}

/// A finding about the whole cassette at `at`, with no excerpt: the text around a place where
/// reading stopped is not known to be free of credentials.
fn about_input(finding: Finding, at: Location) -> Outcome {
    Outcome::about_input(placed(vec![finding], "", Some(""), at, |_| Some(0..0)))
}

/// Byte offset of serde_json's 1-based line and column (column counted in bytes).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

/// What reading one cassette needs for each of its interactions.
struct Cassette<'c, 't> {
    tree: &'c Tree<'t>,
    text: &'t str,
    lines: &'c LineIndex<'t>,
    settings: &'c Settings,
    limits: &'c Limits,
}

/// A body as the cassette holds it, decoded.
struct Decoded<'t> {
    bytes: Cow<'t, [u8]>,
    /// Base64 or compressed: positions cannot be inside it.
    encoded: bool,
}

impl<'t> Cassette<'_, 't> {
    /// An interaction's finding placed at `node` (with no excerpt, as for the whole cassette).
    fn invalid(&self, index: u64, node: &Node<'_>, pointer: &str, reason: &str) -> Outcome {
        let finding = cassette::cassette_interaction_invalid(index, pointer, reason);
        self.at_node(index, finding, node)
    }

    fn at_node(&self, index: u64, finding: Finding, node: &Node<'_>) -> Outcome {
        let at = self.lines.location(node.value_at..node.value_at);
        Outcome::with(
            index,
            placed(vec![finding], "", Some(""), at, |_| Some(0..0)),
        )
    }

    fn interaction(&self, index: u64, node: &Node<'t>) -> Outcome {
        let tree = self.tree;
        if !matches!(node.kind, Kind::Mapping(_)) {
            return self.invalid(index, node, "", "is not a mapping");
        }
        let request = tree
            .member(node, "request", false)
            .filter(|r| matches!(r.kind, Kind::Mapping(_)));
        let uri = request.and_then(|r| tree.member(r, "uri", false));
        let (Some(request), Some(uri)) = (request, uri.and_then(|u| u.text().map(|t| (u, t))))
        else {
            return self.invalid(index, node, "/request", "has no `request` with a `uri`");
        };
        let (uri_node, uri) = uri;
        let method_node = tree.member(request, "method", false);
        let method = method_node.and_then(Node::text).unwrap_or("");
        if !is_user_get(method, uri) {
            return Outcome::passed_over(index);
        }
        let Some(response) = tree
            .member(node, "response", false)
            .filter(|r| matches!(r.kind, Kind::Mapping(_)))
        else {
            return self.invalid(index, node, "/response", "has no `response` mapping");
        };
        let status_node = tree
            .member(response, "status", false)
            .and_then(|s| tree.member(s, "code", false));
        let Some((status_node, status)) =
            status_node.and_then(|s| Some((s, s.text()?.trim().parse::<i64>().ok()?)))
        else {
            return self.invalid(
                index,
                response,
                "/response/status",
                "has no numeric `response.status.code`",
            );
        };
        let limit = self.limits.max_size;
        let request_found = body_node(tree, request);
        let request_body = request_found.map(|(node, _)| node);
        let sent = match request_found
            .map(|(b, base64)| self.decode(b, base64, limit))
            .transpose()
        {
            Ok(sent) => sent,
            Err(reason) => {
                let node = request_body.unwrap_or(request);
                return self.at_node(index, reason.finding(index, "/request/postData"), node);
            }
        };
        let response_found = body_node(tree, response);
        let response_body = response_found.map(|(node, _)| node);
        let kept = match response_found
            .map(|(b, base64)| self.decode(b, base64, limit))
            .transpose()
        {
            Ok(kept) => kept,
            Err(reason) => {
                let node = response_body.unwrap_or(response);
                return self.at_node(index, reason.finding(index, "/response/content"), node);
            }
        };
        let request_type = header(tree, request, "content-type").unwrap_or("");
        let harr = HarRequest::sent(
            &method.to_ascii_uppercase(),
            uri,
            request_type,
            sent.as_ref().map_or(&[][..], |s| &s.bytes),
        );
        let mime_type = header(tree, response, "content-type").unwrap_or("");
        // The interaction's text, and its parts as ranges in it.
        let base = node.span.start;
        let within = |n: &Node<'_>| n.value_at - base..n.span.end.max(n.value_at) - base;
        let point = |n: &Node<'_>| n.value_at - base..n.value_at - base;
        let mut parts = vec![("/request/url", within(uri_node))];
        parts.push(("/request/queryString", within(uri_node)));
        if let Some(m) = method_node {
            parts.push(("/request/method", within(m)));
        }
        if let Some(b) = request_body {
            parts.push(("/request/postData", within(b)));
        }
        if let Some(h) = tree.member(request, "headers", false) {
            parts.push(("/request/headers", point(h)));
        }
        parts.push(("/request", point(request)));
        parts.push(("/response/status", within(status_node)));
        if let Some(b) = response_body {
            parts.push(("/response/content", point(b)));
        }
        parts.push(("/response", point(response)));
        parts.push(("", 0..0));
        let mut hidden = credential_values(tree, request, &within);
        hidden.extend(credential_values(tree, response, &within));
        if let (Some(sent), Some(b)) = (&sent, request_body) {
            let text = String::from_utf8_lossy(&sent.bytes);
            let mut starred = text.clone().into_owned();
            crate::privacy::mask::redact_secrets(&mut starred);
            if sent.encoded || starred != text {
                hidden.push(within(b));
            }
        }
        let body = match (&kept, response_body) {
            (Some(kept), Some(node)) => {
                let mut start = node.value_at;
                let index = match (&node.kind, kept.encoded) {
                    (Kind::Scalar { value, style, .. }, false) => {
                        if *style == Style::Literal {
                            start = block_header(self.text, start).unwrap_or(start);
                        }
                        let raw = &self.text[start..node.span.end.max(start)];
                        ScalarIndex::new(raw, *style, value)
                    }
                    _ => None,
                };
                Some(BodyScalar {
                    span: start - base..node.span.end.max(start) - base,
                    index,
                    encoded: kept.encoded,
                })
            }
            _ => None,
        };
        let payload = match (&kept, response_body.and_then(Node::text)) {
            (None, _) => Payload::Missing,
            (Some(kept), Some(text)) if !kept.encoded => Payload::Text(text),
            (Some(kept), _) => Payload::Bytes(&kept.bytes),
        };
        let place = Interaction {
            text: &self.text[node.span.clone()],
            at: self.lines.location(node.span.clone()),
            parts,
            body,
            hidden,
        };
        let exchange = Exchange {
            request: &harr,
            answer: Answer::new(status, mime_type, payload),
            held: Held::Cassette(&place),
        };
        exchange::check(index, &exchange, self.settings)
    }

    /// A body scalar's bytes: its text, base64-decoded when tagged binary, decompressed when
    /// its bytes are gzip or zstd whatever the headers say (VCR.py with requests keeps the
    /// body decompressed under `Content-Encoding: gzip`; with httpx, the gzip bytes).
    fn decode(
        &self,
        node: &'t Node<'t>,
        base64: bool,
        limit: u64,
    ) -> Result<Decoded<'t>, Undecodable> {
        let Kind::Scalar { value, tag, .. } = &node.kind else {
            return Err(Undecodable::Shape);
        };
        let binary = base64 || tag.as_deref() == Some("binary");
        let bytes: Cow<'t, [u8]> = if binary {
            let compact: String = value.split_ascii_whitespace().collect();
            match base64::engine::general_purpose::STANDARD.decode(compact) {
                Ok(bytes) => Cow::Owned(bytes),
                Err(_) => return Err(Undecodable::Base64),
            }
        } else {
            match value {
                Cow::Borrowed(text) => Cow::Borrowed(text.as_bytes()),
                Cow::Owned(text) => Cow::Owned(text.as_bytes().to_vec()),
            }
        };
        if decompress::Compression::of(&bytes).is_none() {
            return Ok(Decoded {
                bytes,
                encoded: binary,
            });
        }
        match decompress::whole(bytes.into_owned(), limit) {
            Ok((plain, _)) if plain.len() as u64 > limit => Err(Undecodable::TooLarge(limit)),
            Ok((plain, _)) => Ok(Decoded {
                bytes: Cow::Owned(plain),
                encoded: true,
            }),
            Err(error) => Err(Undecodable::Compressed(error.to_string())),
        }
    }
}

/// Why a body cannot be read.
enum Undecodable {
    Shape,
    Base64,
    Compressed(String),
    TooLarge(u64),
}

impl Undecodable {
    fn finding(&self, index: u64, pointer: &str) -> Finding {
        let which = if pointer.starts_with("/request") {
            "request"
        } else {
            "response"
        };
        let reason = match self {
            Self::Shape => format!("has a {which} body that is not a string"),
            Self::Base64 => format!("has a {which} body marked binary that is not base64"),
            Self::Compressed(error) => {
                format!("has a {which} body of compressed bytes that do not decompress: {error}")
            }
            Self::TooLarge(limit) => {
                return reader::too_large(Subject::Body, None, *limit);
            }
        };
        cassette::cassette_interaction_invalid(index, pointer, &reason)
    }
}

/// The scalar holding a request's or response's body, and whether it is base64 whatever its
/// tag: `body` itself (VCR.py's request), its `string` (VCR.py's response, Ruby's both), or its
/// `base64_string` (Ruby VCR with `preserve_exact_body_bytes`); none when it is null.
fn body_node<'a, 't>(tree: &'a Tree<'t>, part: &'a Node<'t>) -> Option<(&'a Node<'t>, bool)> {
    let body = tree.member(part, "body", false)?;
    let (scalar, base64) = match body.kind {
        Kind::Mapping(_) => match tree.member(body, "string", false) {
            Some(string) => (string, false),
            None => (tree.member(body, "base64_string", false)?, true),
        },
        _ => (body, false),
    };
    (!scalar.is_null()).then_some((scalar, base64))
}

/// A header's first value: VCR.py and Ruby VCR keep each as a list of values.
fn header<'a>(tree: &'a Tree<'_>, part: &'a Node<'_>, name: &str) -> Option<&'a str> {
    let headers = tree.member(part, "headers", false)?;
    let value = tree.member(headers, name, true)?;
    match value.kind {
        Kind::Sequence(_) => tree.items(value).next()?.text(),
        _ => value.text(),
    }
}

/// The ranges of header values named as credentials (`Authorization`, `Cookie`, ...), hidden
/// whole in excerpts.
fn credential_values(
    tree: &Tree<'_>,
    part: &Node<'_>,
    within: &dyn Fn(&Node<'_>) -> Range<usize>,
) -> Vec<Range<usize>> {
    let Some(headers) = tree.member(part, "headers", false) else {
        return Vec::new();
    };
    let Kind::Mapping(entries) = &headers.kind else {
        return Vec::new();
    };
    entries
        .iter()
        .filter(|(k, _)| {
            tree.get(*k)
                .text()
                .is_some_and(|name| crate::privacy::credentials::credential(name).is_some())
        })
        .map(|&(_, v)| within(tree.get(v)))
        .collect()
}

/// Whether a request with this method and URI is a user/get call (a CORS preflight is not).
fn is_user_get(method: &str, uri: &str) -> bool {
    let rest = uri.split_once("://").map_or(uri, |(_, rest)| rest);
    let path_start = rest.find('/').unwrap_or(rest.len());
    let path = &rest[path_start..];
    let path = path.split(['?', '#']).next().unwrap_or("");
    path.ends_with(API_PATH) && !method.eq_ignore_ascii_case("OPTIONS")
}

/// Where the `|` header of a block scalar whose content starts at `content` is: the parser's
/// span starts at the content, and the header is the last thing on the line before it.
/// `None` when that line does not end with a header (empty lines came first): the body is
/// then placed at the scalar as a whole.
pub(crate) fn block_header(text: &str, content: usize) -> Option<usize> {
    let line_start = text[..content].rfind('\n')?;
    let header_line = text[..line_start].rfind('\n').map_or(0, |k| k + 1);
    let header = text[header_line..line_start].trim_end();
    let bar = header.rfind('|')?;
    let rest = &header[bar + 1..];
    rest.bytes()
        .all(|b| matches!(b, b'-' | b'+' | b'1'..=b'9'))
        .then_some(header_line + bar)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cassettes_are_told_by_their_first_bytes() {
        assert!(is_cassette(b"interactions:\n- request:\n"));
        assert!(is_cassette(b"---\nhttp_interactions:\n- request:\n"));
        assert!(is_cassette(b"{\n    \"interactions\": ["));
        assert!(is_cassette(b"{\"http_interactions\":[]}"));
        assert!(is_cassette(
            b"{\n    \"version\": 1,\n    \"interactions\": ["
        ));
        assert!(!is_cassette(b"{\"errcode\":0,\"interactions\":1}"));
        assert!(!is_cassette(b"name: ci\non: push\n"));
    }

    #[test]
    fn the_path_is_what_decides() {
        assert!(is_user_get(
            "post",
            "https://oapi.dingtalk.com/topapi/v2/user/get?access_token=x"
        ));
        assert!(is_user_get("POST", "http://127.0.0.1:1/topapi/v2/user/get"));
        assert!(!is_user_get(
            "OPTIONS",
            "https://oapi.dingtalk.com/topapi/v2/user/get"
        ));
        assert!(!is_user_get(
            "GET",
            "https://oapi.dingtalk.com/gettoken?x=/topapi/v2/user/get"
        ));
    }
}

//! A YAML document (or a JSON one, which YAML reads too) as a small arena of nodes that know
//! their place in the text, built from saphyr-parser's events with bounds on depth and size.

use std::borrow::Cow;
use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

use crate::engine::place::scalar::Style;

/// Nesting deeper than any cassette has (an interaction's parts nest 5 levels below the root).
pub const MAX_DEPTH: usize = 64;

/// One node: what it is, and where its text is.
#[derive(Debug)]
pub struct Node<'t> {
    pub kind: Kind<'t>,
    /// Its bytes in the text: a scalar's from its first byte (a quote, `|`, a tag) to its end.
    pub span: Range<usize>,
    /// Where its value starts, after any tag or anchor.
    pub value_at: usize,
}

#[derive(Debug)]
pub enum Kind<'t> {
    Scalar {
        value: Cow<'t, str>,
        style: Style,
        /// The tag's suffix (`binary` for `!!binary` and Ruby's `!binary`), when it has one.
        tag: Option<String>,
    },
    Sequence(Vec<usize>),
    Mapping(Vec<(usize, usize)>),
    /// `*name`: the node its anchor marked (never copied, so no alias can multiply a document).
    Alias(usize),
}

/// A parsed document: its nodes, the root at index 0.
#[derive(Debug, Default)]
pub struct Tree<'t> {
    nodes: Vec<Node<'t>>,
}

/// Why a text is not a document, and where (a byte offset).
#[derive(Debug)]
pub struct Broken {
    pub message: String,
    pub at: usize,
}

/// Char indices (as the parser counts) to byte offsets, sampled so a lookup walks a few chars.
struct Bytes<'t> {
    text: &'t str,
    ascii: bool,
    /// The byte offset of every `STRIDE`th char.
    samples: Vec<usize>,
}

const STRIDE: usize = 256;

impl<'t> Bytes<'t> {
    fn new(text: &'t str) -> Self {
        let ascii = text.is_ascii();
        let samples = if ascii {
            Vec::new()
        } else {
            text.char_indices()
                .step_by(STRIDE)
                .map(|(i, _)| i)
                .collect()
        };
        Self {
            text,
            ascii,
            samples,
        }
    }

    fn offset(&self, chars: usize) -> usize {
        if self.ascii {
            return chars.min(self.text.len());
        }
        let Some(&base) = self.samples.get(chars / STRIDE) else {
            return self.text.len();
        };
        self.text[base..]
            .char_indices()
            .nth(chars % STRIDE)
            .map_or(self.text.len(), |(i, _)| base + i)
    }
}

/// A collection being built, and the key of the mapping entry it is the value of.
struct Open {
    node: usize,
    pending_key: Option<usize>,
}

impl<'t> Tree<'t> {
    /// Parses the first document of `text`, with at most `max_nodes` nodes.
    ///
    /// # Errors
    /// Where the text stops being YAML, nests deeper than [`MAX_DEPTH`] or holds more nodes.
    pub fn parse(text: &'t str, max_nodes: usize) -> Result<Self, Broken> {
        let bytes = Bytes::new(text);
        let broken = |e: &ScanError| Broken {
            // The scanner reads ahead: flow collections deeper than it follows stop it first.
            message: if e.info().contains("recursion limit") {
                format!("nesting too deep for a cassette ({})", e.info())
            } else {
                e.info().to_owned()
            },
            at: bytes.offset(e.marker().index()),
        };
        let mut tree = Self::default();
        let mut anchors: Vec<(usize, usize)> = Vec::new();
        let mut stack: Vec<Open> = Vec::new();
        let mut parser = Parser::new_from_str(text);
        let mut started = false;
        while let Some(next) = parser.next_event() {
            let (event, span) = next.map_err(|e| broken(&e))?;
            let start = bytes.offset(span.start.index());
            let end = bytes.offset(span.end.index()).max(start);
            let (kind, anchor) = match event {
                Event::DocumentStart(_) => {
                    if started {
                        break;
                    }
                    started = true;
                    continue;
                }
                Event::StreamEnd | Event::DocumentEnd if !tree.nodes.is_empty() => break,
                Event::SequenceEnd | Event::MappingEnd => {
                    let Some(open) = stack.pop() else {
                        continue;
                    };
                    let node = &mut tree.nodes[open.node];
                    node.span.end = node.span.end.max(end);
                    tree.attach(&mut stack, open.node);
                    continue;
                }
                Event::Scalar(value, style, anchor, tag) => (
                    Kind::Scalar {
                        value,
                        style: match style {
                            ScalarStyle::Plain => Style::Plain,
                            ScalarStyle::SingleQuoted => Style::SingleQuoted,
                            ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                            ScalarStyle::Literal => Style::Literal,
                            ScalarStyle::Folded => Style::Folded,
                        },
                        tag: tag.map(|t| t.suffix.clone()),
                    },
                    anchor,
                ),
                Event::SequenceStart(anchor, _) => (Kind::Sequence(Vec::new()), anchor),
                Event::MappingStart(anchor, _) => (Kind::Mapping(Vec::new()), anchor),
                Event::Alias(id) => {
                    let Some(&(_, node)) = anchors.iter().find(|(a, _)| *a == id) else {
                        return Err(Broken {
                            message: "an alias names no anchor before it".to_owned(),
                            at: start,
                        });
                    };
                    (Kind::Alias(node), 0)
                }
                _ => continue,
            };
            if tree.nodes.len() >= max_nodes {
                return Err(Broken {
                    message: format!(
                        "it holds more than {max_nodes} YAML values, more than a cassette holds"
                    ),
                    at: start,
                });
            }
            let collection = matches!(kind, Kind::Sequence(_) | Kind::Mapping(_));
            if collection && stack.len() >= MAX_DEPTH {
                return Err(Broken {
                    message: format!("nesting too deep for a cassette (more than {MAX_DEPTH} levels; a cassette nests 6)"),
                    at: start,
                });
            }
            let index = tree.nodes.len();
            tree.nodes.push(Node {
                value_at: value_start(text, start, end, &kind),
                kind,
                span: start..end,
            });
            if anchor > 0 {
                anchors.push((anchor, index));
            }
            if collection {
                stack.push(Open {
                    node: index,
                    pending_key: None,
                });
            } else {
                tree.attach(&mut stack, index);
            }
        }
        if !stack.is_empty() || tree.nodes.is_empty() {
            return Err(Broken {
                message: if tree.nodes.is_empty() {
                    "it holds no document".to_owned()
                } else {
                    "it ends inside a collection".to_owned()
                },
                at: text.len(),
            });
        }
        Ok(tree)
    }

    /// Puts a finished node in the collection open around it.
    fn attach(&mut self, stack: &mut [Open], index: usize) {
        let Some(open) = stack.last_mut() else {
            return;
        };
        let end = self.nodes[index].span.end;
        let parent = &mut self.nodes[open.node];
        parent.span.end = parent.span.end.max(end);
        match &mut parent.kind {
            Kind::Sequence(items) => items.push(index),
            Kind::Mapping(entries) => match open.pending_key.take() {
                None => open.pending_key = Some(index),
                Some(key) => entries.push((key, index)),
            },
            _ => {}
        }
    }

    /// Every node, in the order they start.
    pub fn nodes(&self) -> &[Node<'t>] {
        &self.nodes
    }

    /// Node `index` as it is: an alias stays one.
    pub fn node(&self, index: usize) -> &Node<'t> {
        &self.nodes[index]
    }

    /// The root node.
    pub fn root(&self) -> &Node<'t> {
        &self.nodes[0]
    }

    /// Node `index`, an alias taken as the node it names.
    pub fn get(&self, index: usize) -> &Node<'t> {
        match self.nodes[index].kind {
            Kind::Alias(target) => &self.nodes[target],
            _ => &self.nodes[index],
        }
    }

    /// The value of `key` in a mapping node (the first, if it repeats); keys compared as
    /// written, or without regard to case when `any_case` (HTTP header names).
    pub fn member(&self, node: &Node<'t>, key: &str, any_case: bool) -> Option<&Node<'t>> {
        let Kind::Mapping(entries) = &node.kind else {
            return None;
        };
        entries.iter().find_map(|&(k, v)| {
            let Kind::Scalar { value, .. } = &self.get(k).kind else {
                return None;
            };
            let same = if any_case {
                value.eq_ignore_ascii_case(key)
            } else {
                value == key
            };
            same.then(|| self.get(v))
        })
    }

    /// The items of a sequence node.
    pub fn items<'a>(&'a self, node: &'a Node<'t>) -> impl Iterator<Item = &'a Node<'t>> + 'a {
        let items: &[usize] = match &node.kind {
            Kind::Sequence(items) => items,
            _ => &[],
        };
        items.iter().map(|&i| self.get(i))
    }
}

impl Node<'_> {
    /// A scalar's text, if the node is one (a null is `~`, `null` or nothing).
    pub fn text(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// Whether the node is a null: `~`, `null`, or nothing, unquoted.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar { value, style: Style::Plain, tag: None }
            if matches!(value.as_ref(), "" | "~" | "null" | "Null" | "NULL"))
    }
}

/// Where a node's value starts in its span: after a tag (`!!binary `) and an anchor (`&a `),
/// which the parser's span of a scalar includes.
fn value_start(text: &str, start: usize, end: usize, kind: &Kind<'_>) -> usize {
    if !matches!(kind, Kind::Scalar { .. }) {
        return start;
    }
    let mut at = start;
    let bytes = text.as_bytes();
    while matches!(bytes.get(at), Some(b'!' | b'&')) && at < end {
        while at < end && !matches!(bytes.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            at += 1;
        }
        while at < end && matches!(bytes.get(at), Some(b' ' | b'\t')) {
            at += 1;
        }
    }
    at
}

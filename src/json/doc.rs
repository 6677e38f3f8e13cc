//! A parsed body held in one flat arena: strings borrowed from the text, objects as lists of members.
//!
//! A `serde_json::Value` costs a `String` per key and a B-tree per object, which made building it
//! dearer than validating it. Bodies are parsed into this arena instead, with the same
//! `serde_json` parser (so syntax errors, their positions and the nesting limit are unchanged),
//! validated by jsonschema through its custom-representation interface and read by the rules.
//! Only the rare invalid body is turned into a `Value`, for the quirk-repair path.

use std::borrow::Cow;
use std::fmt;

use jsonschema::json::{Array, Json, Node as JsonNode, NodeIdentity, Object};
use jsonschema::JsonType;
use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// The most values one text may hold. A user/get answer holds a few hundred; a text of
/// `[[],[],…]` holds one value per three bytes, and each costs the arena (and, for an invalid
/// body, the repair copy) far more than its bytes, so a size limit alone does not bound memory.
pub const MAX_VALUES: usize = 50_000;

/// The start of the parse error for a text over [`MAX_VALUES`].
const TOO_MANY_VALUES: &str = "more than 50000 values";

/// Whether `error` is [`Doc::parse`] stopping at [`MAX_VALUES`] rather than a syntax error.
pub fn is_too_many_values(error: &serde_json::Error) -> bool {
    error.is_data() && error.to_string().starts_with(TOO_MANY_VALUES)
}

/// The most slots the arena reserves before it sees the text's values: a body of 100 KB.
const PRESIZED: usize = 4096;

/// One parsed JSON text.
#[derive(Default)]
pub struct Doc<'t> {
    nodes: Vec<Slot<'t>>,
    members: Vec<(Cow<'t, str>, usize)>,
    items: Vec<usize>,
    /// Members and items of containers still open while parsing; moved to `members`/`items`
    /// when their container closes, so each container's children end up contiguous.
    open_members: Vec<(Cow<'t, str>, usize)>,
    open_items: Vec<usize>,
    /// A number was read as a floating-point zero: it may be a literal below f64's range.
    float_zero: bool,
}

enum Slot<'t> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'t, str>),
    Array {
        start: usize,
        len: usize,
    },
    Object {
        start: usize,
        len: usize,
        /// A key occurs twice; as in `serde_json`, the last occurrence is the member.
        shadowed: bool,
    },
}

impl<'t> Doc<'t> {
    /// Parses one JSON text as `serde_json::from_str::<Value>` would accept or reject it, except
    /// for numbers beyond f64's range, which serde_json rejects (`1e400`) or reads as 0
    /// (`1e-400`): they are read as the nearest f64 that keeps what they are, ±1e308 (a
    /// whole number beyond 64 bits, DT111) and ±5e-324 (not an integer, DT101), so that the
    /// body is checked and such a number reported as one just inside the range is.
    ///
    /// # Errors
    /// `serde_json`'s own error, with its line and column.
    pub fn parse(text: &'t str) -> Result<Self, serde_json::Error> {
        match Self::parse_as_is(text) {
            Ok(doc) if !doc.float_zero => Ok(doc),
            Err(error) if !error.to_string().starts_with("number out of range") => Err(error),
            parsed => match in_range(text) {
                // The copy differs only inside number literals: its strings are the text's.
                Some(copy) => Doc::parse_as_is(&copy).map(|doc| doc.rebased(&copy, text)),
                None => parsed,
            },
        }
    }

    fn parse_as_is(text: &'t str) -> Result<Self, serde_json::Error> {
        // Rough sizes for pretty-printed responses, so the arena rarely grows while parsing;
        // capped, since a large text is more often one long string than many small values.
        let mut doc = Doc {
            nodes: Vec::with_capacity((text.len() / 24).clamp(8, PRESIZED)),
            members: Vec::with_capacity((text.len() / 32).clamp(8, PRESIZED)),
            items: Vec::with_capacity((text.len() / 256).min(PRESIZED)),
            open_members: Vec::with_capacity((text.len() / 32).clamp(8, 64)),
            open_items: Vec::with_capacity((text.len() / 128).min(16)),
            float_zero: false,
        };
        let mut deserializer = serde_json::Deserializer::from_str(text);
        Seed(&mut doc).deserialize(&mut deserializer)?;
        deserializer.end()?;
        doc.open_members = Vec::new();
        doc.open_items = Vec::new();
        Ok(doc)
    }

    /// The same tree, borrowing the strings of a `Value` (for bodies that already are one).
    pub fn from_value(value: &'t Value) -> Self {
        let mut doc = Doc::default();
        doc.push_value(value);
        doc
    }

    fn push_value(&mut self, value: &'t Value) -> usize {
        let slot = match value {
            Value::Null => Slot::Null,
            Value::Bool(b) => Slot::Bool(*b),
            Value::Number(n) => Slot::Number(n.clone()),
            Value::String(s) => Slot::String(Cow::Borrowed(s)),
            Value::Array(list) => {
                let children: Vec<usize> = list.iter().map(|v| self.push_value(v)).collect();
                let start = self.items.len();
                self.items.extend(children);
                Slot::Array {
                    start,
                    len: list.len(),
                }
            }
            Value::Object(map) => {
                let children: Vec<(Cow<'t, str>, usize)> = map
                    .iter()
                    .map(|(k, v)| (Cow::Borrowed(k.as_str()), self.push_value(v)))
                    .collect();
                let start = self.members.len();
                self.members.extend(children);
                Slot::Object {
                    start,
                    len: map.len(),
                    shadowed: false,
                }
            }
        };
        self.push(slot)
    }

    /// Stops the parse once the text holds more than [`MAX_VALUES`] values.
    fn within_budget<E: serde::de::Error>(&self) -> Result<(), E> {
        if self.nodes.len() > MAX_VALUES {
            return Err(E::custom(TOO_MANY_VALUES));
        }
        Ok(())
    }

    /// The same tree over `to`, a text of the same layout as `from`, which this one borrows.
    fn rebased<'u>(self, from: &str, to: &'u str) -> Doc<'u> {
        let moved = |s: Cow<'_, str>| -> Cow<'u, str> {
            let start = (s.as_ptr() as usize).wrapping_sub(from.as_ptr() as usize);
            match (&s, to.get(start..start.wrapping_add(s.len()))) {
                (Cow::Borrowed(_), Some(same)) if same == s => Cow::Borrowed(same),
                _ => Cow::Owned(s.into_owned()),
            }
        };
        let nodes = self.nodes.into_iter().map(|slot| match slot {
            Slot::Null => Slot::Null,
            Slot::Bool(b) => Slot::Bool(b),
            Slot::Number(n) => Slot::Number(n),
            Slot::String(s) => Slot::String(moved(s)),
            Slot::Array { start, len } => Slot::Array { start, len },
            Slot::Object {
                start,
                len,
                shadowed,
            } => Slot::Object {
                start,
                len,
                shadowed,
            },
        });
        Doc {
            nodes: nodes.collect(),
            members: self
                .members
                .into_iter()
                .map(|(k, i)| (moved(k), i))
                .collect(),
            items: self.items,
            open_members: Vec::new(),
            open_items: Vec::new(),
            float_zero: false,
        }
    }

    fn push(&mut self, slot: Slot<'t>) -> usize {
        self.nodes.push(slot);
        self.nodes.len() - 1
    }

    /// The top-level value (containers are stored after their children, so it is the last node).
    pub fn root(&self) -> Node<'_> {
        Node {
            doc: self,
            index: self.nodes.len().saturating_sub(1),
        }
    }
}

impl fmt::Debug for Doc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Doc({})", self.root().to_value())
    }
}

/// A copy of `text` with each number literal beyond f64's range (as serde_json reads it:
/// an error above, zero below) replaced by the nearest one inside, padded with spaces so that
/// every other byte stays where it was; `None` when there is none.
fn in_range(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut copy: Option<Vec<u8>> = None;
    let (mut at, mut in_string, mut escaped) = (0, false, false);
    while let Some(&b) = bytes.get(at) {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            at += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
        }
        if b != b'-' && !b.is_ascii_digit() {
            at += 1;
            continue;
        }
        let end = at
            + bytes[at..]
                .iter()
                .position(|c| !matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                .unwrap_or(bytes.len() - at);
        let literal = &text[at..end];
        let mantissa = literal.split(['e', 'E']).next().unwrap_or_default();
        let nearest = match serde_json::from_str::<f64>(literal) {
            Err(e) if e.to_string().starts_with("number out of range") => "1e308",
            Ok(f) if f == 0.0 && mantissa.bytes().any(|c| matches!(c, b'1'..=b'9')) => "5e-324",
            _ => "",
        };
        let sign = if literal.starts_with('-') { "-" } else { "" };
        if !nearest.is_empty() && sign.len() + nearest.len() <= literal.len() {
            let copy = copy.get_or_insert_with(|| bytes.to_vec());
            let mut with = format!("{sign}{nearest}").into_bytes();
            with.resize(literal.len(), b' ');
            copy[at..end].copy_from_slice(&with);
        }
        at = end;
    }
    // Only ASCII within number literals was replaced by ASCII.
    copy.and_then(|copy| String::from_utf8(copy).ok())
}

/// Whether a key occurs twice among an object's members. A 128-bit filter over each key's length
/// and end bytes keeps the usual case (no repeat) cheap; only a filter hit compares strings.
fn has_repeated_key(members: &[(Cow<'_, str>, usize)]) -> bool {
    if members.len() <= 6 {
        // Items of lists hold two or three members: comparing them pairwise is cheapest.
        return members
            .iter()
            .enumerate()
            .any(|(i, (key, _))| members[i + 1..].iter().any(|(k, _)| k == key));
    }
    if members.len() > 64 {
        // The filter fills up past a few dozen keys; a set keeps a hostile object of 100,000
        // members linear.
        let mut names = std::collections::HashSet::with_capacity(members.len());
        return !members.iter().all(|(key, _)| names.insert(&**key));
    }
    let mut seen = 0u128;
    for (i, (key, _)) in members.iter().enumerate() {
        let bytes = key.as_bytes();
        let ends = bytes.first().map_or(0, |b| u64::from(*b) * 7)
            + bytes.last().map_or(0, |b| u64::from(*b) * 13);
        let hash = (key.len() as u64 * 31 + ends).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let bit = 1u128 << (hash >> 57);
        if seen & bit != 0 && members[..i].iter().any(|(k, _)| k == key) {
            return true;
        }
        seen |= bit;
    }
    false
}

/// Parses one value into the arena; yields the index of its node.
struct Seed<'d, 't>(&'d mut Doc<'t>);

impl<'t> DeserializeSeed<'t> for Seed<'_, 't> {
    type Value = usize;

    fn deserialize<D: serde::Deserializer<'t>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'t> Visitor<'t> for Seed<'_, 't> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<usize, E> {
        Ok(self.0.push(Slot::Null))
    }

    fn visit_bool<E>(self, v: bool) -> Result<usize, E> {
        Ok(self.0.push(Slot::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<usize, E> {
        Ok(self.0.push(Slot::Number(v.into())))
    }

    fn visit_u64<E>(self, v: u64) -> Result<usize, E> {
        Ok(self.0.push(Slot::Number(v.into())))
    }

    fn visit_f64<E>(self, v: f64) -> Result<usize, E> {
        self.0.float_zero |= v == 0.0;
        // What `Value` does: the parser never yields a non-finite number, but stay total.
        Ok(self
            .0
            .push(Number::from_f64(v).map_or(Slot::Null, Slot::Number)))
    }

    fn visit_borrowed_str<E>(self, v: &'t str) -> Result<usize, E> {
        Ok(self.0.push(Slot::String(Cow::Borrowed(v))))
    }

    fn visit_str<E>(self, v: &str) -> Result<usize, E> {
        Ok(self.0.push(Slot::String(Cow::Owned(v.to_owned()))))
    }

    fn visit_string<E>(self, v: String) -> Result<usize, E> {
        Ok(self.0.push(Slot::String(Cow::Owned(v))))
    }

    fn visit_seq<A: SeqAccess<'t>>(self, mut seq: A) -> Result<usize, A::Error> {
        let doc = self.0;
        let mark = doc.open_items.len();
        while let Some(index) = seq.next_element_seed(Seed(&mut *doc))? {
            doc.open_items.push(index);
            doc.within_budget::<A::Error>()?;
        }
        let start = doc.items.len();
        let len = doc.open_items.len() - mark;
        let Doc {
            items, open_items, ..
        } = &mut *doc;
        items.extend(open_items.drain(mark..));
        Ok(doc.push(Slot::Array { start, len }))
    }

    fn visit_map<A: MapAccess<'t>>(self, mut map: A) -> Result<usize, A::Error> {
        let doc = self.0;
        let mark = doc.open_members.len();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let index = map.next_value_seed(Seed(&mut *doc))?;
            doc.open_members.push((key, index));
            doc.within_budget::<A::Error>()?;
        }
        let start = doc.members.len();
        let len = doc.open_members.len() - mark;
        let shadowed = has_repeated_key(&doc.open_members[mark..]);
        let Doc {
            members,
            open_members,
            ..
        } = &mut *doc;
        members.extend(open_members.drain(mark..));
        Ok(doc.push(Slot::Object {
            start,
            len,
            shadowed,
        }))
    }
}

/// Reads a member name, borrowed from the text unless it holds escapes.
struct KeySeed;

impl<'t> DeserializeSeed<'t> for KeySeed {
    type Value = Cow<'t, str>;

    fn deserialize<D: serde::Deserializer<'t>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'t> Visitor<'t> for KeySeed {
    type Value = Cow<'t, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E>(self, v: &'t str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// One value of a [`Doc`]; copying it is free.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    doc: &'a Doc<'a>,
    index: usize,
}

impl fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_value())
    }
}

impl<'a> Node<'a> {
    fn slot(self) -> &'a Slot<'a> {
        &self.doc.nodes[self.index]
    }

    fn at(self, index: usize) -> Self {
        Node {
            doc: self.doc,
            index,
        }
    }

    /// The member named `key` of an object (the last one, if the name repeats).
    pub fn get(self, key: &str) -> Option<Self> {
        self.member(key).map(|(_, value)| value)
    }

    /// [`Node::get`] with the member's name as the arena holds it: a slice of the parsed text
    /// unless the name was written with escapes. Where the name stands is where the member
    /// stands, which is how findings are placed without reading the text again
    /// (`locate::locate_in_order`).
    pub fn member(self, key: &str) -> Option<(&'a str, Self)> {
        match self.slot() {
            Slot::Object { start, len, .. } => self.doc.members[*start..*start + *len]
                .iter()
                .rev()
                // The first byte tells most names apart without a call to compare them.
                .find(|(k, _)| {
                    k.len() == key.len()
                        && k.as_bytes().first() == key.as_bytes().first()
                        && k == key
                })
                .map(|(k, i)| (&**k, self.at(*i))),
            _ => None,
        }
    }

    /// This value's place in its arena, the same for every handle of it.
    pub(crate) fn id(self) -> usize {
        self.index
    }

    /// Whether any number in this value satisfies `test`. For the top-level value it is one pass
    /// over the arena (a shadowed member counts too, so a hit is a hint, not a proof).
    pub fn any_number(self, test: impl Fn(&Number) -> bool) -> bool {
        let slots = if self.index + 1 == self.doc.nodes.len() {
            &self.doc.nodes[..]
        } else {
            // A container's descendants are not contiguous with it in general: walk them.
            let mut stack = vec![self];
            while let Some(node) = stack.pop() {
                match node.slot() {
                    Slot::Number(n) if test(n) => return true,
                    Slot::Array { .. } => stack.extend(node.items()),
                    Slot::Object { .. } => stack.extend(node.entries().map(|(_, v)| v)),
                    _ => {}
                }
            }
            return false;
        };
        slots
            .iter()
            .any(|slot| matches!(slot, Slot::Number(n) if test(n)))
    }

    /// Whether an object has a member named `key`.
    pub fn contains_key(self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The members of an object in the order written, a repeated name only once (its last occurrence).
    pub fn entries(self) -> Entries<'a> {
        let (members, shadowed) = match self.slot() {
            Slot::Object {
                start,
                len,
                shadowed,
            } => (&self.doc.members[*start..*start + *len], *shadowed),
            _ => (&[][..], false),
        };
        Entries {
            doc: self.doc,
            members,
            next: 0,
            shadowed,
        }
    }

    /// The items of an array.
    pub fn items(self) -> Items<'a> {
        let items = match self.slot() {
            Slot::Array { start, len } => &self.doc.items[*start..*start + *len],
            _ => &[][..],
        };
        Items {
            doc: self.doc,
            items: items.iter(),
        }
    }

    /// The item at `index` of an array.
    pub fn item(self, index: usize) -> Option<Self> {
        match self.slot() {
            Slot::Array { start, len } if index < *len => {
                Some(self.at(self.doc.items[start + index]))
            }
            _ => None,
        }
    }

    /// The value a JSON pointer names, as `Value::pointer` finds it.
    pub fn pointer(self, pointer: &str) -> Option<Self> {
        super::pointer::tokens(pointer)?.try_fold(self, |node, token| match node.slot() {
            Slot::Object { .. } => node.get(&token),
            Slot::Array { .. } => node.item(super::pointer::index(&token)?),
            _ => None,
        })
    }

    pub fn is_object(self) -> bool {
        matches!(self.slot(), Slot::Object { .. })
    }

    pub fn is_array(self) -> bool {
        matches!(self.slot(), Slot::Array { .. })
    }

    pub fn is_string(self) -> bool {
        matches!(self.slot(), Slot::String(_))
    }

    pub fn is_null(self) -> bool {
        matches!(self.slot(), Slot::Null)
    }

    pub fn as_str(self) -> Option<&'a str> {
        match self.slot() {
            Slot::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(self) -> Option<bool> {
        match self.slot() {
            Slot::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_number(self) -> Option<&'a Number> {
        match self.slot() {
            Slot::Number(n) => Some(n),
            _ => None,
        }
    }

    pub fn as_i64(self) -> Option<i64> {
        self.as_number().and_then(Number::as_i64)
    }

    /// Members of an object, items of an array, bytes of a string; 0 for other values.
    /// How many members an object holds, a repeated name counted each time (0 for others):
    /// what looking one up costs, without the walk [`Node::len`] takes.
    pub(crate) fn member_slots(self) -> usize {
        match self.slot() {
            Slot::Object { len, .. } => *len,
            _ => 0,
        }
    }

    pub fn len(self) -> usize {
        match self.slot() {
            Slot::Object { .. } => self.entries().count(),
            Slot::Array { len, .. } => *len,
            Slot::String(s) => s.len(),
            _ => 0,
        }
    }

    /// Whether [`Node::len`] is 0.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The value as a `serde_json::Value` (for cold paths: messages, repairs, hashes).
    pub fn to_value(self) -> Value {
        match self.slot() {
            Slot::Null => Value::Null,
            Slot::Bool(b) => Value::Bool(*b),
            Slot::Number(n) => Value::Number(n.clone()),
            Slot::String(s) => Value::String(s.to_string()),
            Slot::Array { .. } => Value::Array(self.items().map(Node::to_value).collect()),
            Slot::Object { .. } => {
                let mut map = Map::new();
                for (key, value) in self.entries() {
                    map.insert(key.to_owned(), value.to_value());
                }
                Value::Object(map)
            }
        }
    }

    fn kind(self) -> JsonType {
        match self.slot() {
            Slot::Null => JsonType::Null,
            Slot::Bool(_) => JsonType::Boolean,
            Slot::Number(_) => JsonType::Number,
            Slot::String(_) => JsonType::String,
            Slot::Array { .. } => JsonType::Array,
            Slot::Object { .. } => JsonType::Object,
        }
    }
}

/// The members of an object node.
pub struct Entries<'a> {
    doc: &'a Doc<'a>,
    members: &'a [(Cow<'a, str>, usize)],
    next: usize,
    shadowed: bool,
}

impl<'a> Iterator for Entries<'a> {
    type Item = (&'a str, Node<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (key, index) = self.members.get(self.next)?;
            self.next += 1;
            if self.shadowed && self.members[self.next..].iter().any(|(k, _)| k == key) {
                continue;
            }
            return Some((
                key,
                Node {
                    doc: self.doc,
                    index: *index,
                },
            ));
        }
    }
}

/// The items of an array node.
pub struct Items<'a> {
    doc: &'a Doc<'a>,
    items: std::slice::Iter<'a, usize>,
}

impl<'a> Iterator for Items<'a> {
    type Item = Node<'a>;

    fn next(&mut self) -> Option<Node<'a>> {
        self.items.next().map(|index| Node {
            doc: self.doc,
            index: *index,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.items.size_hint()
    }
}

impl DoubleEndedIterator for Items<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.items.next_back().map(|index| Node {
            doc: self.doc,
            index: *index,
        })
    }
}

impl ExactSizeIterator for Items<'_> {}

/// The arena as a representation jsonschema validates in place.
pub struct DocJson;

impl Json for DocJson {
    type Node<'a> = Node<'a>;
    type PreparedKey = Box<str>;
    type StringBuffer = Doc<'static>;

    // A lookup scans the members, so one pass over them is never dearer than a lookup.
    const KEYS_PER_LOOKUP: usize = 64;
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> Box<str> {
        key.into()
    }

    fn with_string_node<T>(
        buffer: &mut Doc<'static>,
        string: &str,
        f: impl FnOnce(Node<'_>) -> T,
    ) -> T {
        buffer.nodes.clear();
        buffer
            .nodes
            .push(Slot::String(Cow::Owned(string.to_owned())));
        f(buffer.root())
    }
}

impl<'a> JsonNode<'a, DocJson> for Node<'a> {
    type Object = Node<'a>;
    type Array = Node<'a>;
    type Number = &'a Number;

    fn as_object(&self) -> Option<Node<'a>> {
        self.is_object().then_some(*self)
    }

    fn as_array(&self) -> Option<Node<'a>> {
        self.is_array().then_some(*self)
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        Node::as_str(*self).map(Cow::Borrowed)
    }

    fn as_number(&self) -> Option<&'a Number> {
        Node::as_number(*self)
    }

    fn as_boolean(&self) -> Option<bool> {
        self.as_bool()
    }

    fn is_null(&self) -> bool {
        Node::is_null(*self)
    }

    fn json_type(&self) -> JsonType {
        self.kind()
    }

    fn equals_value(&self, expected: &Value) -> bool {
        match (self.slot(), expected) {
            (Slot::String(s), Value::String(e)) => s == e,
            (Slot::String(_), _) | (_, Value::String(_)) => false,
            (Slot::Bool(b), Value::Bool(e)) => b == e,
            (Slot::Null, Value::Null) => true,
            _ => jsonschema::json::cmp::equal(&self.to_value(), expected),
        }
    }

    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(Node::to_value(*self))
    }

    fn identity(&self) -> Option<NodeIdentity> {
        let doc = std::ptr::from_ref::<Doc<'a>>(self.doc) as usize;
        u32::try_from(self.index)
            .ok()
            .map(|index| NodeIdentity::tagged(doc, index))
    }
}

impl<'a> Object<'a, DocJson> for Node<'a> {
    type Node = Node<'a>;
    type MemberName = &'a str;
    type MembersIter = Entries<'a>;

    fn len(&self) -> usize {
        Node::len(*self)
    }

    fn get(&self, key: &Box<str>) -> Option<Node<'a>> {
        Node::get(*self, key)
    }

    fn members(&self) -> Entries<'a> {
        self.entries()
    }
}

impl<'a> Array<'a, DocJson> for Node<'a> {
    type Node = Node<'a>;
    type ElementsIter = Items<'a>;

    fn len(&self) -> usize {
        Node::len(*self)
    }

    fn elements(&self) -> Items<'a> {
        self.items()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) {
        let doc = Doc::parse(text).expect("valid JSON");
        let value: Value = serde_json::from_str(text).expect("valid JSON");
        assert_eq!(doc.root().to_value(), value, "{text}");
        let again = Doc::from_value(&value);
        assert_eq!(again.root().to_value(), value, "{text}");
    }

    #[test]
    fn parses_like_serde_json() {
        for text in [
            "null",
            "true",
            "-12",
            "18446744073709551615",
            "184467440737095516150",
            "1.5e3",
            "\"a\\u00e9\\n\"",
            "[]",
            "{}",
            "[1,[2,[3,{}]],{\"a\":[]}]",
            r#"{"errcode":0,"result":{"name":"张三","dept_id_list":[1,2],"role_list":[{"id":1,"name":"x"}]}}"#,
            r#"{"a":1,"a":2,"b":{"c":true,"c":null}}"#,
            r#"{"a\"b":1,"\u0061":2}"#,
        ] {
            round_trip(text);
        }
    }

    #[test]
    fn errors_are_serde_json_errors() {
        for text in [
            "",
            "{",
            "[1,]",
            "{\"a\":1}x",
            "{\"a\" 1}",
            "\"\\ud800\"",
            &"[".repeat(200),
        ] {
            let ours = Doc::parse(text).expect_err(text).to_string();
            let theirs = serde_json::from_str::<Value>(text)
                .expect_err(text)
                .to_string();
            assert_eq!(ours, theirs, "{text}");
        }
    }

    #[test]
    fn repeated_keys_keep_the_last_member() {
        let doc = Doc::parse(r#"{"a":1,"b":2,"a":3}"#).expect("valid JSON");
        let root = doc.root();
        assert_eq!(root.get("a").and_then(Node::as_i64), Some(3));
        let keys: Vec<_> = root.entries().map(|(k, v)| (k, v.as_i64())).collect();
        assert_eq!(keys, [("b", Some(2)), ("a", Some(3))]);
        assert_eq!(root.len(), 2);
    }

    #[test]
    fn pointers_resolve_like_value_pointer() {
        let text = r#"{"a/b":{"c~d":[10,{"e":"f"}]},"":1}"#;
        let doc = Doc::parse(text).expect("valid JSON");
        let value: Value = serde_json::from_str(text).expect("valid JSON");
        for pointer in [
            "",
            "/a~1b",
            "/a~1b/c~0d/1/e",
            "/a~1b/c~0d/01",
            "/a~1b/c~0d/2",
            "/",
            "/x",
            "x",
        ] {
            assert_eq!(
                doc.root().pointer(pointer).map(Node::to_value).as_ref(),
                value.pointer(pointer),
                "{pointer}"
            );
        }
    }

    #[test]
    fn meets_jsonschemas_accessor_contract() {
        let value = jsonschema::json::conformance::document();
        let text = value.to_string();
        let parsed = Doc::parse(&text).expect("valid JSON");
        jsonschema::json::conformance::assert_conformance::<DocJson>(&parsed.root());
        let converted = Doc::from_value(&value);
        jsonschema::json::conformance::assert_conformance::<DocJson>(&converted.root());
    }

    #[test]
    fn validates_as_the_value_validator_does() {
        let schema = serde_json::json!({
            "type": "object",
            "required": ["a"],
            "properties": {"a": {"type": "integer"}, "b": {"enum": ["x", "y"]}, "c": {"type": "array", "items": {"type": "string"}}},
            "additionalProperties": false
        });
        let on_docs = jsonschema::options_for::<DocJson>()
            .build(&schema)
            .expect("compiles");
        let on_values = jsonschema::validator_for(&schema).expect("compiles");
        for text in [
            r#"{"a":1}"#,
            r#"{"a":"1"}"#,
            r#"{"a":1,"b":"x"}"#,
            r#"{"a":1,"b":"z"}"#,
            r#"{"a":1,"c":["s",2]}"#,
            r#"{"a":1,"d":0}"#,
            r#"{"b":"x"}"#,
            r#"{"a":"bad","a":1}"#,
        ] {
            let doc = Doc::parse(text).expect("valid JSON");
            let value: Value = serde_json::from_str(text).expect("valid JSON");
            let doc_valid = on_docs.is_valid(doc.root());
            // A repeated name may hide an invalid earlier member from `Value`, never the reverse.
            assert!(!doc_valid || on_values.is_valid(&value), "{text}");
            if !text.contains("\"a\":\"bad\"") {
                assert_eq!(doc_valid, on_values.is_valid(&value), "{text}");
            }
        }
    }

    #[test]
    fn numbers_beyond_f64_are_read_as_the_nearest_inside() {
        let zeros = "0".repeat(400);
        let huge = format!("1{zeros}");
        let text = format!(
            r#"{{"a":1e-400,"b":-1e-400,"c":1e400,"d":-1E+400,"e":{huge},"f":-{huge},"s":"1e400 \" 1e-400","g":[0.0,-0,0e-999,1e-300]}}"#
        );
        let doc = Doc::parse(&text).expect("read, not rejected");
        let root = doc.root();
        let f = |p: &str| {
            root.pointer(p)
                .and_then(|n| n.as_number())
                .and_then(Number::as_f64)
        };
        assert_eq!(f("/a"), Some(5e-324));
        assert_eq!(f("/b"), Some(-5e-324));
        assert_eq!(f("/c"), Some(1e308));
        assert_eq!(f("/d"), Some(-1e308));
        assert_eq!(f("/e"), Some(1e308));
        assert_eq!(f("/f"), Some(-1e308));
        assert_eq!(f("/g/3"), Some(1e-300));
        for zero in ["/g/0", "/g/1", "/g/2"] {
            assert_eq!(f(zero), Some(0.0), "a true zero stays zero");
        }
        // Strings are the text's own, so findings are placed without reading it again.
        let s = root.get("s").and_then(Node::as_str).expect("string");
        assert_eq!(s, "1e400 \" 1e-400");
        let (name, _) = root.member("s").expect("member");
        let start = name.as_ptr() as usize - text.as_ptr() as usize;
        assert_eq!(&text[start..start + 1], "s");
        // A syntax error after such a number is still reported where it is.
        let ours = Doc::parse("{\"a\":1e400,\"b\":}")
            .expect_err("broken")
            .to_string();
        assert_eq!(ours, "expected value at line 1 column 16");
    }
}

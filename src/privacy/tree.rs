//! A JSON tree for rewriting copies: members keep their order and repeats, numbers their text,
//! so a redacted copy differs from its original only where something was removed or masked.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// One JSON value; scalars other than strings are kept as their original text.
#[derive(Debug, Clone)]
pub enum Tree {
    /// Members in their order, repeated names kept.
    Object(Vec<(String, Tree)>),
    /// Items in order.
    Array(Vec<Tree>),
    /// A string, decoded.
    String(String),
    /// A number, `true`, `false` or `null`, as written.
    Other(Box<RawValue>),
}

/// An object's members as raw values, in order and with repeats.
struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for Members<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Pairs<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for Pairs<'a> {
            type Value = Members<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut members = Vec::new();
                while let Some(pair) = map.next_entry::<String, &'de RawValue>()? {
                    members.push(pair);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(Pairs(std::marker::PhantomData))
    }
}

impl Tree {
    /// Reads a tree from JSON text.
    ///
    /// # Errors
    /// When the text is not one JSON value.
    pub fn parse(text: &str) -> serde_json::Result<Self> {
        let raw: &RawValue = serde_json::from_str(text)?;
        Self::from_raw(raw)
    }

    /// Reads a tree from a raw value, one level at a time.
    ///
    /// # Errors
    /// Only on text that is not JSON, which a `RawValue` never holds.
    pub fn from_raw(raw: &RawValue) -> serde_json::Result<Self> {
        let text = raw.get();
        Ok(match text.trim_start().as_bytes().first() {
            Some(b'{') => Self::Object(
                serde_json::from_str::<Members>(text)?
                    .0
                    .into_iter()
                    .map(|(name, value)| Ok((name, Self::from_raw(value)?)))
                    .collect::<serde_json::Result<_>>()?,
            ),
            Some(b'[') => Self::Array(
                serde_json::from_str::<Vec<&RawValue>>(text)?
                    .into_iter()
                    .map(Self::from_raw)
                    .collect::<serde_json::Result<_>>()?,
            ),
            Some(b'"') => Self::String(serde_json::from_str(text)?),
            _ => Self::Other(raw.to_owned()),
        })
    }

    /// The string member called `name`, if this is an object that has one (the last, as readers take it).
    #[cfg(test)]
    pub fn str_member(&self, name: &str) -> Option<&str> {
        let Self::Object(members) = self else {
            return None;
        };
        members.iter().rev().find_map(|(n, v)| match v {
            Self::String(s) if n == name => Some(s.as_str()),
            _ => None,
        })
    }

    /// Calls `visit` with every string of the tree, names included.
    pub fn each_string(&self, visit: &mut dyn FnMut(&str)) {
        match self {
            Self::Object(members) => {
                for (name, value) in members {
                    visit(name);
                    value.each_string(visit);
                }
            }
            Self::Array(items) => items.iter().for_each(|i| i.each_string(visit)),
            Self::String(s) => visit(s),
            Self::Other(_) => {}
        }
    }

    /// Compact JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl Serialize for Tree {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (name, value) in members {
                    map.serialize_entry(name, value)?;
                }
                map.end()
            }
            Self::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Self::String(s) => serializer.serialize_str(s),
            Self::Other(raw) => raw.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Tree {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        Self::from_raw(&raw).map_err(de::Error::custom)
    }
}

/// Items of a sequence, read one at a time: lets a caller stream `log.entries`.
pub fn each_item<'de, A: SeqAccess<'de>>(
    mut seq: A,
    mut each: impl FnMut(Tree) -> Result<(), String>,
) -> Result<(), A::Error> {
    while let Some(item) = seq.next_element::<Tree>()? {
        each(item).map_err(de::Error::custom)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_repeats_and_number_text_survive_a_round_trip() {
        let text =
            r#"{"b":1,"a":[1.50,-0,12345678901234567890123,true,null],"b":"x\/y","c":{"z":1e400}}"#;
        let tree = Tree::parse(text).expect("parses");
        assert_eq!(
            tree.to_json(),
            r#"{"b":1,"a":[1.50,-0,12345678901234567890123,true,null],"b":"x/y","c":{"z":1e400}}"#
        );
        assert_eq!(tree.str_member("b"), Some("x/y"));
    }

    #[test]
    fn broken_text_is_an_error_with_a_position() {
        let error = Tree::parse("{\"a\":\n[1,").expect_err("truncated");
        assert_eq!(error.line(), 2);
    }
}

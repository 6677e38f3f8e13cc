//! `result`'s members by name, built once per response for the rules' lookups.
//!
//! The rules look up some forty names in `result` per response, and `result` has about as many
//! members: a linear scan per lookup was the largest single cost of the rules. A small
//! open-addressing table over the members' names costs one pass to build.

use crate::json::doc::Node;

/// Slots in the table; more than twice the members of a full `result`, so probes stay short.
const SLOTS: usize = 128;

/// Objects with more members than this are left to [`Node::get`] (the table would fill up).
const MAX_MEMBERS: usize = SLOTS / 2;

pub struct Members<'a> {
    object: Node<'a>,
    /// Position in `entries` plus one; 0 is an empty slot. `None` when the object is too big.
    slots: Option<[u8; SLOTS]>,
    entries: Vec<(&'a str, Node<'a>)>,
}

impl<'a> Members<'a> {
    pub fn new(object: Node<'a>) -> Self {
        if !object.is_object() || object.len() > MAX_MEMBERS {
            return Members {
                object,
                slots: None,
                entries: Vec::new(),
            };
        }
        // `entries` yields each name once, its last occurrence: the member `get` returns.
        let entries: Vec<(&'a str, Node<'a>)> = object.entries().collect();
        let mut slots = [0u8; SLOTS];
        for (position, (name, _)) in entries.iter().enumerate() {
            let mut slot = slot_of(name);
            while slots[slot] != 0 {
                slot = (slot + 1) % SLOTS;
            }
            // At most MAX_MEMBERS (64) entries: the position always fits.
            slots[slot] = u8::try_from(position + 1).unwrap_or(u8::MAX);
        }
        Members {
            object,
            slots: Some(slots),
            entries,
        }
    }

    /// The member named `name`, as [`Node::get`] finds it.
    pub fn get(&self, name: &str) -> Option<Node<'a>> {
        let Some(slots) = &self.slots else {
            return self.object.get(name);
        };
        let mut slot = slot_of(name);
        loop {
            let position = usize::from(slots[slot]).checked_sub(1)?;
            let (key, node) = *self.entries.get(position)?;
            if key == name {
                return Some(node);
            }
            slot = (slot + 1) % SLOTS;
        }
    }
}

/// A slot from the name's length and three of its bytes: cheap, and enough to spread the
/// documented names (which share prefixes such as `dept_` and `exclusive_account_`).
fn slot_of(name: &str) -> usize {
    let bytes = name.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return 0;
    };
    let middle = bytes[bytes.len() / 2];
    let mixed = (bytes.len() as u64)
        | u64::from(first) << 8
        | u64::from(middle) << 16
        | u64::from(last) << 24;
    // Fibonacci hashing: the top seven bits of the product.
    (mixed.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 57) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::doc::Doc;

    #[test]
    fn finds_what_get_finds() {
        let names: Vec<String> = crate::api::fields::result_fields()
            .iter()
            .map(|f| f.name.clone())
            .collect();
        let mut body = serde_json::Map::new();
        for (i, name) in names.iter().enumerate() {
            body.insert(name.clone(), serde_json::json!(i));
        }
        let text = serde_json::Value::Object(body).to_string();
        // A repeated name: the last occurrence is the member, as for `get`.
        let text = format!("{{\"mobile\":\"first\",{}", &text[1..]);
        let doc = Doc::parse(&text).expect("valid JSON");
        let object = doc.root();
        let members = Members::new(object);
        assert!(members.slots.is_some());
        let probes = names
            .iter()
            .map(String::as_str)
            .chain(["", "x", "mobil", "mobilee", "dept_", "result", "Mobile"]);
        for name in probes {
            assert_eq!(
                members.get(name).map(Node::to_value),
                object.get(name).map(Node::to_value),
                "{name}"
            );
        }
    }

    #[test]
    fn large_objects_and_non_objects_fall_back_to_get() {
        let text = serde_json::Value::Object(
            (0..200)
                .map(|i| (format!("k{i}"), serde_json::json!(i)))
                .collect(),
        )
        .to_string();
        let doc = Doc::parse(&text).expect("valid JSON");
        let members = Members::new(doc.root());
        assert!(members.slots.is_none());
        assert_eq!(members.get("k150").and_then(Node::as_i64), Some(150));
        let list = Doc::parse("[1,2]").expect("valid JSON");
        assert!(Members::new(list.root()).get("a").is_none());
    }
}

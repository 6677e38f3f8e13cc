//! Fingerprints: what a baseline remembers of a finding's value instead of the value, with
//! personal data masked first.

use serde_json::Value;

use crate::finding::Finding;
use crate::json::doc::Node;
use crate::json::pointer;

/// Gives each finding the fingerprint of the value at its pointer in `root` (the document as
/// received): what a baseline remembers instead of the value.
pub fn set_fingerprints(findings: &mut [Finding], root: Node<'_>) {
    for finding in findings {
        let value = root.pointer(&finding.pointer).map(Node::to_value);
        finding.fingerprint = Some(fingerprint_at(&finding.pointer, value.as_ref()));
    }
}

/// [`fingerprint`] of the value at `pointer`, with personal data masked first as reports mask
/// it. Baselines are committed, and a hash of an 11-digit phone number is undone by hashing all
/// of them; the masked form keeps only what a report shows. Other values hash as before.
fn fingerprint_at(pointer: &str, value: Option<&Value>) -> String {
    let masked = match value {
        // A personal member's own value: masked by the member's kind.
        Some(Value::String(text)) => {
            let name = pointer::last(pointer).unwrap_or_default();
            crate::privacy::mask::personal_kind(&name).map(|kind| {
                let mut shown = text.clone();
                crate::privacy::mask::mask(&mut shown, 0..text.len(), kind);
                Value::String(shown).to_string()
            })
        }
        // A container: its personal members, by name, wherever they stand.
        Some(container @ (Value::Object(_) | Value::Array(_))) => {
            let plain = container.to_string();
            let mut shown = plain.clone();
            crate::privacy::mask::mask_personal(&mut shown);
            (shown != plain).then_some(shown)
        }
        _ => None,
    };
    match masked {
        Some(shown) => fingerprint(Some(&Value::String(format!("masked:{shown}")))),
        None => fingerprint(value),
    }
}

/// A short hash of a value as JSON (or of its absence): what a baseline remembers instead of the value.
pub fn fingerprint(value: Option<&Value>) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    match value {
        // The value's JSON goes straight into the hash, as the text `to_string` would make.
        Some(value) => {
            if serde_json::to_writer(Hashing(&mut hash), value).is_err() {
                hash = Sha256::new();
                hash.update(value.to_string().as_bytes());
            }
        }
        None => hash.update(b"<absent>"),
    }
    let digest = hash.finalize();
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(24);
    for byte in &digest[..12] {
        text.push(char::from(HEX[usize::from(byte >> 4)]));
        text.push(char::from(HEX[usize::from(byte & 15)]));
    }
    text
}

/// Feeds what serde_json writes into a hash.
struct Hashing<'h>(&'h mut sha2::Sha256);

impl std::io::Write for Hashing<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        sha2::Digest::update(self.0, bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_the_hash_of_the_values_json() {
        use sha2::{Digest, Sha256};
        let hex = |text: &str| -> String {
            Sha256::digest(text.as_bytes())
                .iter()
                .take(12)
                .map(|b| format!("{b:02x}"))
                .collect()
        };
        let value = serde_json::json!({"a": [1, "x\"y", null], "b": "张三"});
        assert_eq!(fingerprint(Some(&value)), hex(&value.to_string()));
        assert_eq!(fingerprint(None), hex("<absent>"));
    }

    #[test]
    fn fingerprints_hold_personal_values_only_masked() {
        let phone = |number: &str| Value::String(number.to_owned());
        let a = fingerprint_at("/result/mobile", Some(&phone("13912345678")));
        // Same shown digits: the baseline cannot tell them apart, and holds no hash of either.
        assert_eq!(
            a,
            fingerprint_at("/result/mobile", Some(&phone("13900005678")))
        );
        assert_ne!(a, fingerprint(Some(&phone("13912345678"))));
        assert_ne!(
            a,
            fingerprint_at("/result/mobile", Some(&phone("13712345678")))
        );
        // Inside a container too.
        let result = |number: &str| serde_json::json!({"name": "x", "mobile": number});
        assert_eq!(
            fingerprint_at("/result", Some(&result("13912345678"))),
            fingerprint_at("/result", Some(&result("13900005678")))
        );
        // Anything else hashes as it always did, so earlier baselines still match.
        let other = serde_json::json!("true");
        assert_eq!(
            fingerprint_at("/result/boss", Some(&other)),
            fingerprint(Some(&other))
        );
        assert_eq!(fingerprint_at("/result/x", None), fingerprint(None));
    }
}

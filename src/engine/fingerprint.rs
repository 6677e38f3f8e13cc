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
    let text = value.map_or_else(|| "<absent>".to_owned(), Value::to_string);
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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

//! `format: email` with a shortcut for the usual address shape.
//!
//! jsonschema's own email check (a full RFC 5321 parse, then hostname and IDNA rules) cost more
//! than the rest of a response's validation. Almost every address is a plain `local@host.tld`,
//! which every reading of RFC 5321 accepts, so that shape is accepted here by looking at its bytes;
//! everything else is handed to jsonschema's own check, unchanged.

use std::sync::OnceLock;

use jsonschema::Validator;
use serde_json::Value;

/// The check registered for `format: email` in both validators.
pub fn is_email(address: &str) -> bool {
    is_plain_address(address) || builtin_check(address)
}

/// jsonschema's built-in email format, through a validator of `{"format": "email"}`.
fn builtin_check(address: &str) -> bool {
    static BUILTIN: OnceLock<Option<Validator>> = OnceLock::new();
    BUILTIN
        .get_or_init(|| {
            jsonschema::draft202012::options()
                .should_validate_formats(true)
                .build(&serde_json::json!({"format": "email"}))
                .ok()
        })
        .as_ref()
        .is_some_and(|v| v.is_valid(&Value::String(address.to_owned())))
}

/// A dot-atom local part of letters, digits and `._+-`, and a host of two or more LDH labels
/// ending in a letters-only label, within RFC 5321's lengths. A subset of what the built-in
/// check accepts (tested); anything outside it is not judged here.
fn is_plain_address(address: &str) -> bool {
    let Some((local, host)) = address.split_once('@') else {
        return false;
    };
    if address.len() > 254 || local.is_empty() || local.len() > 64 || host.len() > 253 {
        return false;
    }
    let local_ok = local.split('.').all(|atom| {
        !atom.is_empty()
            && atom
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'+' | b'-'))
    });
    let labels: Vec<&str> = host.split('.').collect();
    let labels_ok = labels.len() >= 2
        && labels.iter().all(|label| {
            (1..=63).contains(&label.len())
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
                // `ab--` labels must be valid punycode: leave them to the full check.
                && !label.contains("--")
        })
        && labels
            .last()
            .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_alphabetic()));
    local_ok && labels_ok
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn plain_addresses_take_the_shortcut_and_others_do_not() {
        for plain in [
            "user0@example.com",
            "u0@corp.example",
            "a.b+c_d-e@x-y.example.cn",
        ] {
            assert!(is_plain_address(plain), "{plain}");
            assert!(builtin_check(plain), "{plain}");
        }
        for other in [
            "",
            "@example.com",
            "user@",
            "user@localhost",
            "a..b@example.com",
            ".a@example.com",
            "user@-x.com",
            "user@xn--bcher-kva.example",
            "user@ab--cd.com",
            "user@example.123",
            "\"quoted\"@example.com",
            "user@[127.0.0.1]",
            "用户@example.com",
            "a@b@example.com",
        ] {
            assert!(!is_plain_address(other), "{other}");
            assert_eq!(is_email(other), builtin_check(other), "{other}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        // The shortcut only ever says yes where jsonschema's own check says yes.
        #[test]
        fn the_shortcut_accepts_nothing_the_builtin_check_rejects(
            address in "[a-zA-Z0-9._+\\-]{0,70}@[a-zA-Z0-9.\\-]{0,70}"
        ) {
            if is_plain_address(&address) {
                prop_assert!(builtin_check(&address), "{}", address);
            }
            prop_assert_eq!(is_email(&address), builtin_check(&address), "{}", address);
        }

        #[test]
        fn the_shortcut_holds_for_address_like_strings(
            address in "[a-z0-9]{1,10}(\\.[a-zA-Z0-9_+\\-]{0,5}){0,2}@[a-z0-9\\-]{1,10}(\\.[a-z0-9\\-]{0,10}){0,2}\\.[a-zA-Z0-9]{1,6}"
        ) {
            if is_plain_address(&address) {
                prop_assert!(builtin_check(&address), "{}", address);
            }
        }
    }
}

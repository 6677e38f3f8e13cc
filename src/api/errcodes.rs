//! The platform's numeric error codes: the page's own table, the shipped global list and codes seen live.

use std::collections::HashMap;
use std::sync::OnceLock;

/// DingTalk's global error codes (errcode, tab, Chinese errmsg), shipped as data.
const GLOBAL: &str = include_str!("../../data/global-error-codes.tsv");

/// The page's own error table, in our words, with its remedies.
const PAGE: [(i64, &str, &str); 3] = [
    (33012, "invalid userid", "check that the userid is correct"),
    (
        400002,
        "invalid parameter",
        "check each parameter against the page",
    ),
    (-1, "the platform is busy", "try again later"),
];

/// Codes seen in real traffic that the global list lacks.
const SEEN_LIVE: [(i64, &str); 4] = [
    (
        22,
        "invalid method: the API name is unknown (detail in sub_msg)",
    ),
    (40096, "seen live; not in the global list"),
    (660026, "seen live; not in the global list"),
    (300005, "seen live; not in the global list"),
];

/// Codes that real traffic explains better than the global list.
const KNOWN: [(i64, &str); 4] = [
    (0, "success"),
    (88, "authentication failed; the cause is in sub_code"),
    (
        60121,
        "user not found: the userid is unknown or belongs to an external contact",
    ),
    (50002, "the user is outside the app's authorised scope"),
];

/// `sub_code`s of errcode 88 seen live.
const SUB_CODES: [(&str, &str, &str); 3] = [
    ("40014", "invalid access_token", "obtain a fresh access_token for this app and pass it in the query string"),
    ("40000", "access_token blank", "pass access_token as a query parameter; a token in a header or the body is not read"),
    ("60011", "the app lacks a required permission", "grant the app qyapi_get_member (and the Contacts permissions it needs) in the developer console"),
];

fn global() -> &'static HashMap<i64, String> {
    static TABLE: OnceLock<HashMap<i64, String>> = OnceLock::new();
    TABLE.get_or_init(|| {
        GLOBAL
            .lines()
            .skip(1)
            .filter_map(|line| {
                let (code, message) = line.split_once('\t')?;
                Some((code.trim().parse().ok()?, message.trim().to_owned()))
            })
            .collect()
    })
}

/// What a code means, if any table knows it.
pub fn describe(code: i64) -> Option<&'static str> {
    PAGE.iter()
        .find(|(c, ..)| *c == code)
        .map(|(_, m, _)| *m)
        .or_else(|| KNOWN.iter().find(|(c, _)| *c == code).map(|(_, m)| *m))
        .or_else(|| SEEN_LIVE.iter().find(|(c, _)| *c == code).map(|(_, m)| *m))
        .or_else(|| global().get(&code).map(String::as_str))
}

/// The page's remedy for one of its own codes.
pub fn remedy(code: i64) -> Option<&'static str> {
    PAGE.iter().find(|(c, ..)| *c == code).map(|(.., r)| *r)
}

/// Meaning and remedy of an errcode-88 `sub_code`.
pub fn describe_sub_code(sub: &str) -> Option<(&'static str, &'static str)> {
    SUB_CODES
        .iter()
        .find(|(s, ..)| *s == sub)
        .map(|(_, m, r)| (*m, *r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_table_is_complete() {
        assert_eq!(global().len(), 379);
        assert!(describe(33012).is_some());
        assert!(describe(22).is_some());
        assert!(describe(88).is_some());
        assert!(describe(123_456_789).is_none());
    }
}

//! Names quoted from the input: whether a name is a plain one a report may print, and the
//! stand-in that is printed for the rest. A name is input like any value: a buggy client that
//! percent-encodes its `=` (`access_token%3DSECRET`) turns a whole credential into a name, and
//! a form or JSON body may use a phone number or an email address as one.

use std::borrow::Cow;

/// Longer names are not plain: nobody names a parameter or a member with 65 characters, and a
/// token or a pasted body does.
const LONGEST: usize = 64;

/// Runs of this many digits make a name value-shaped: a phone number (11 digits with or
/// without `86`) or a number long enough to be an account id printed in a message.
const DIGIT_RUN: usize = 7;

/// Names at least this long, of hex digits only or holding this many digits among letters,
/// look like tokens (`a894388c...`, `dingxxxxxxxx0123456789`), not like words.
const TOKEN_LENGTH: usize = 16;
const TOKEN_DIGITS: usize = 4;

/// Whether `name` is a plain parameter or member name, safe to print: letters and digits of
/// any script, `_`, `-` and `.`, at most 64 characters, not value-shaped (no run of 7 digits,
/// no hex or token-like string). `=`, `&`, `%`, `@`, `:`, `/`, quotes, backslashes and
/// whitespace never stand in a plain name: they are what a value or an encoded pair is made of.
pub fn is_plain(name: &str) -> bool {
    let mut chars = 0;
    let (mut digits, mut run, mut longest_run) = (0, 0, 0);
    let mut hex = true;
    for c in name.chars() {
        chars += 1;
        if chars > LONGEST || !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')) {
            return false;
        }
        if c.is_ascii_digit() {
            digits += 1;
            run += 1;
            longest_run = longest_run.max(run);
        } else {
            run = 0;
        }
        hex &= c.is_ascii_hexdigit();
    }
    let token_like = chars >= TOKEN_LENGTH && (hex || digits >= TOKEN_DIGITS);
    chars > 0 && longest_run < DIGIT_RUN && !token_like
}

/// The name as a message may print it: itself when plain, otherwise a stand-in that says
/// only how long it is (`<masked name, 23 chars>`), so the report still tells the reader
/// where to look without repeating what the name holds.
pub fn shown(name: &str) -> Cow<'_, str> {
    if is_plain(name) {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(stand_in(name))
    }
}

/// The stand-in for a name that is not plain.
pub fn stand_in(name: &str) -> String {
    format!("<masked name, {} chars>", name.chars().count())
}

/// `name` quoted for a message: `` `userid` `` when plain, the bare stand-in otherwise (its
/// angle brackets already set it apart, and backticks would make it read as the real name).
pub fn quoted(name: &str) -> String {
    if is_plain(name) {
        format!("`{name}`")
    } else {
        stand_in(name)
    }
}

/// `pointer` with every member name that is not plain replaced by its stand-in; `None` when
/// every name is plain (the common case costs no allocation).
pub fn pointer(pointer: &str) -> Option<String> {
    let tokens = crate::json::pointer::tokens(pointer)?;
    let mut masked = false;
    let mut out = String::with_capacity(pointer.len());
    for token in tokens {
        out.push('/');
        if is_plain(&token) {
            out.push_str(&token.replace('~', "~0").replace('/', "~1"));
        } else {
            masked = true;
            out.push_str(&stand_in(&token));
        }
    }
    masked.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_and_member_names_are_plain() {
        for name in [
            "userid",
            "login_id",
            "access_token",
            "x-acs-dingtalk-access-token",
            "exclusiveAccountCorpName",
            "dept_id_list",
            "紧急电话",
            "utm.source",
            "v2",
            "role_list",
        ] {
            assert!(is_plain(name), "{name}");
            assert_eq!(shown(name), name);
        }
    }

    #[test]
    fn encoded_pairs_and_value_shaped_names_are_masked() {
        for name in [
            "access_token=SECRET",
            "access_token%3DSECRET",
            "%61ccess_token",
            "a&b",
            "with space",
            "13912345678",
            "u13912345678",
            "zhang.wei@example.com",
            "zhang.wei%40example.com",
            "a894388c0d1e2f30",
            "dingabcdefghij0123456789",
            "",
            &"k".repeat(65),
        ] {
            assert!(!is_plain(name), "{name}");
            assert!(!shown(name).contains(name) || name.is_empty(), "{name}");
        }
        assert_eq!(quoted("access_token%3DSECRET"), "<masked name, 21 chars>");
        assert_eq!(quoted("user_id"), "`user_id`");
        assert_eq!(pointer("/result/role_list/0/name"), None);
        assert_eq!(
            pointer("/result/access_token=SECRET/0"),
            Some("/result/<masked name, 19 chars>/0".to_owned())
        );
    }
}

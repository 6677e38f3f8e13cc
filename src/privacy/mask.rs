//! Masks what reports must never show, in place and at the same length so positions stay right:
//! credentials always (the names of [`super::credentials`]), personal values unless asked.

use std::sync::OnceLock;

use regex::Regex;

use super::credentials;
use crate::api::fields::Personal;

/// The alternation of every credential name as it can stand in lowercased text: listed names
/// whole, and any name around one of the listed words. Matches are confirmed by
/// [`credentials::credential`], which knows the exceptions.
fn name_alternation() -> String {
    let words: Vec<String> = credentials::WORDS
        .iter()
        .map(|(w, _)| regex::escape(w))
        .collect();
    let whole: Vec<String> = credentials::spellings()
        .into_iter()
        .filter(|s| !credentials::WORDS.iter().any(|(w, _)| s.contains(w)))
        .map(|s| regex::escape(&s))
        .collect();
    format!(
        "[a-z0-9_\\-]*(?:{})[a-z0-9_\\-]*|{}",
        words.join("|"),
        whole.join("|")
    )
}

/// Patterns with a `value` group that holds a credential, and a `name` group where a name says
/// so. They are matched against an ASCII-lowercased copy of the text (same length, same
/// positions), so they are case-sensitive and their literals make fast prefilters.
fn secret_patterns() -> &'static [Regex] {
    static PATTERNS: OnceLock<Vec<Regex>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let names = name_alternation();
        [
            // name=VALUE in a URL, a fragment or a form body.
            format!(r#"(?:^|[?&#;\s"'])(?P<name>{names})(?:=|%3d)(?P<value>[^&"\s\\#]+)"#),
            // "name":"VALUE" in a JSON body, escaped or not.
            format!(r#""(?P<name>{names})\\*"\s*:\s*\\*"(?P<value>[^"\\]+)"#),
            // HAR name/value pairs: queryString, params, headers and cookies.
            format!(
                r#""name"\s*:\s*"(?P<name>{names})"\s*,\s*"value"\s*:\s*"(?P<value>(?:[^"\\]|\\.)*)""#
            ),
            format!(
                r#""value"\s*:\s*"(?P<value>(?:[^"\\]|\\.)*)"\s*,\s*"name"\s*:\s*"(?P<name>{names})""#
            ),
            // Raw header lines (Fiddler and Charles keep them in comments).
            format!(r"(?m)^(?P<name>{names}):\s*(?P<value>.+)$"),
            // Bearer and basic credentials, whatever carries them.
            r"\b(?:bearer|basic)\s+(?P<value>[a-z0-9._~+/=\-]{8,})".to_owned(),
        ]
        .iter()
        .filter_map(|p| Regex::new(p).ok())
        .collect()
    })
}

/// Whether `text` holds `word` (ASCII, not empty), in any case.
pub(crate) fn contains_ignoring_case(text: &str, word: &str) -> bool {
    let (bytes, word) = (text.as_bytes(), word.as_bytes());
    let Some(&first) = word.first() else {
        return true;
    };
    memchr::memchr2_iter(
        first.to_ascii_lowercase(),
        first.to_ascii_uppercase(),
        bytes,
    )
    .any(|at| {
        bytes
            .get(at..at + word.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
    })
}

/// Replaces every credential in `text` with `*`, keeping its length so positions stay right.
pub fn redact_secrets(text: &mut String) {
    // Every pattern needs `=` (or `%3d`), `:` or a scheme word: text without them (most
    // messages, most values) holds no credential they could find.
    let marked = text.contains(['=', ':', '%']);
    if !marked && !contains_ignoring_case(text, "bearer") && !contains_ignoring_case(text, "basic")
    {
        return;
    }
    let lower = text.to_ascii_lowercase();
    let mut ranges = Vec::new();
    for pattern in secret_patterns() {
        for captures in pattern.captures_iter(&lower) {
            let named = captures.name("name");
            if named.is_some_and(|n| credentials::credential(n.as_str()).is_none()) {
                continue;
            }
            if let Some(m) = captures.name("value") {
                ranges.push(m.range());
            }
        }
    }
    if ranges.is_empty() {
        return;
    }
    let mut bytes = std::mem::take(text).into_bytes();
    for range in ranges {
        for b in &mut bytes[range] {
            // Only ASCII bytes are replaced, so the text stays UTF-8 and keeps its length.
            if b.is_ascii() {
                *b = b'*';
            }
        }
    }
    *text = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
}

/// The last net for text a report prints outside excerpts (messages, help, pointers): rules
/// quote names and a few values from the input (`errmsg`, a method), and whatever they quote,
/// credentials are starred and mobile numbers and email addresses masked, at any setting:
/// messages never carry personal values, `--show-values` or not.
pub fn message(text: &mut String) {
    redact_secrets(text);
    if text.contains('@') {
        let spans: Vec<_> = email_pattern().find_iter(text).map(|m| m.range()).collect();
        for range in spans {
            mask(text, range, Personal::Email);
        }
    }
    for range in mobile_numbers(text) {
        mask(text, range, Personal::Phone);
    }
}

/// Email addresses, as the scrubber finds them in free text.
fn email_pattern() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
            .expect("a valid constant pattern")
    })
}

/// Where mainland mobile numbers stand alone in `text` (`13912345678`, `8613912345678`).
pub fn mobile_numbers(text: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let alnum = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_alphanumeric);
    let mut found = Vec::new();
    // A number starts with `1`: only those places are looked at.
    for at in memchr::memchr_iter(b'1', bytes) {
        let end = at + 11;
        if end > bytes.len() || !bytes[at..end].iter().all(u8::is_ascii_digit) || alnum(end) {
            continue;
        }
        let start = if at >= 2 && &bytes[at - 2..at] == b"86" && !(at >= 3 && alnum(at - 3)) {
            at - 2
        } else {
            at
        };
        if start > 0 && alnum(start - 1) {
            continue;
        }
        if is_mobile_number(&text[start..end]) {
            found.push(start..end);
        }
    }
    found
}

/// A pattern matching personal members, with the masking kind of each member name.
type PersonalPattern = (Regex, Vec<(String, Personal)>);

/// Members whose string values are personal data (`x-personal` in the schema), in plain JSON text.
fn personal_pattern() -> Option<&'static PersonalPattern> {
    static PATTERN: OnceLock<Option<PersonalPattern>> = OnceLock::new();
    PATTERN
        .get_or_init(|| {
            let kinds: Vec<(String, Personal)> = crate::api::fields::result_fields()
                .iter()
                .filter_map(|f| Some((f.name.clone(), f.personal?)))
                .collect();
            let names: Vec<String> = kinds.iter().map(|(n, _)| regex::escape(n)).collect();
            // No leading quote in the pattern: the names themselves then make its prefilter, where
            // a leading `"` would stop at every string. The quote is checked after a match.
            let pattern = format!(r#"({})"\s*:\s*"((?:[^"\\]|\\.)*)""#, names.join("|"));
            Regex::new(&pattern).ok().map(|r| (r, kinds))
        })
        .as_ref()
}

/// How a member's string value is masked, if `name` is a personal member.
pub fn personal_kind(name: &str) -> Option<Personal> {
    let (_, kinds) = personal_pattern()?;
    kinds.iter().find(|(n, _)| n == name).map(|(_, kind)| *kind)
}

/// Masks the value of every personal member in a JSON text, wherever it stands: one pass, and
/// erring on the side of hiding (a member of that name anywhere is masked).
pub fn mask_personal(text: &mut String) {
    for (range, kind) in personal_spans(text) {
        mask(text, range, kind);
    }
}

/// Where [`mask_personal`] would mask: the contents of every personal member's string value.
pub fn personal_spans(text: &str) -> Vec<(std::ops::Range<usize>, Personal)> {
    let Some((pattern, _)) = personal_pattern() else {
        return Vec::new();
    };
    // Whole matches only (resolving capture groups costs several times more); a match is
    // `name" : "value"`, so the name ends at its first quote and the value opens at the next one.
    let found: Vec<(std::ops::Range<usize>, Personal)> = pattern
        .find_iter(text)
        .filter_map(|m| {
            if m.start() == 0 || text.as_bytes()[m.start() - 1] != b'"' {
                return None;
            }
            let matched = m.as_str();
            let name_end = matched.find('"')?;
            let kind = personal_kind(&matched[..name_end])?;
            let value_start = name_end + 1 + matched[name_end + 1..].find('"')? + 1;
            Some((m.start() + value_start..m.end() - 1, kind))
        })
        .collect();
    found
}

/// Masks every cookie value of a HAR entry (`request.cookies`, `response.cookies`): exporters copy
/// the Cookie header into these lists under the cookie's own name, which no name pattern can know.
pub fn redact_cookies(entry_text: &str, shown: &mut String) {
    if !has_cookie_list(entry_text) {
        return;
    }
    let Ok(entry) = serde_json::from_str::<serde_json::Value>(entry_text) else {
        return;
    };
    for side in ["request", "response"] {
        let count = entry
            .pointer(&format!("/{side}/cookies"))
            .and_then(serde_json::Value::as_array)
            .map_or(0, Vec::len);
        for i in 0..count {
            if let Some(span) =
                crate::json::locate::locate(entry_text, &format!("/{side}/cookies/{i}/value"))
            {
                if span.end > span.start + 1 {
                    mask(shown, span.start + 1..span.end - 1, Personal::Text);
                }
            }
        }
    }
}

/// Whether some `"cookies"` member of the text holds a non-empty array; most entries have `[]`,
/// and parsing the entry to find out would cost more than the rest of its redaction.
fn has_cookie_list(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memmem::find_iter(bytes, b"\"cookies\"").any(|at| {
        let rest = bytes[at + 9..]
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace());
        let mut rest = rest.skip_while(|b| *b == b':');
        rest.next() == Some(b'[') && rest.next().is_some_and(|b| b != b']')
    })
}

/// A same-length stand-in for one character: `*` for ASCII, a wider symbol of equal byte length otherwise.
fn stand_in(c: char) -> char {
    match c.len_utf8() {
        1 => '*',
        // Common glyphs of the same UTF-8 length, so any font shows them and offsets stay right.
        2 => '·',
        3 => '•',
        _ => '🔒',
    }
}

/// Masks the raw content of a personal value (without its quotes) in place, keeping byte length and character count:
/// phones keep their first 3 and last 4 digits (`199****0001`), emails their first character and domain
/// (`u***@example.com`), other text is hidden whole.
pub fn mask(text: &mut String, range: std::ops::Range<usize>, kind: Personal) {
    let Some(raw) = text.get(range.clone()) else {
        return;
    };
    // Same length as the value: one allocation, never grown.
    let mut masked = String::with_capacity(raw.len());
    match kind {
        Personal::Phone => {
            let digits = raw.chars().filter(char::is_ascii_digit).count();
            let mut seen = 0;
            masked.extend(raw.chars().map(|c| {
                if c.is_ascii_digit() {
                    seen += 1;
                    if digits > 7 && (seen <= 3 || seen > digits - 4) {
                        c
                    } else {
                        '*'
                    }
                } else {
                    c
                }
            }));
        }
        Personal::Email => {
            let at = raw.find('@').unwrap_or(raw.len());
            masked.extend(
                raw.char_indices()
                    .map(|(i, c)| if i == 0 || i >= at { c } else { stand_in(c) }),
            );
        }
        Personal::Text => masked.extend(raw.chars().map(stand_in)),
    }
    text.replace_range(range, &masked);
}

/// A mainland mobile number, alone in its token (`13912345678`, or with `86` before it).
pub(crate) fn is_mobile_number(token: &str) -> bool {
    let digits = token
        .strip_prefix("86")
        .filter(|d| d.len() == 11)
        .unwrap_or(token);
    let bytes = digits.as_bytes();
    bytes.len() == 11
        && bytes.iter().all(u8::is_ascii_digit)
        && bytes[0] == b'1'
        && (b'3'..=b'9').contains(&bytes[1])
}

#[cfg(test)]
mod tests {
    /// Mobile numbers as whole alphanumeric tokens: the reference the scan must agree with.
    fn mobile_tokens(text: &str) -> Vec<std::ops::Range<usize>> {
        let bytes = text.as_bytes();
        let (mut found, mut i) = (Vec::new(), 0);
        while i < bytes.len() {
            if !bytes[i].is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            if is_mobile_number(&text[start..i]) {
                found.push(start..i);
            }
        }
        found
    }

    #[test]
    fn the_mobile_scan_finds_the_whole_tokens_that_are_numbers() {
        for text in [
            "13912345678",
            "call 13912345678.",
            "8613912345678 and +8613912345678",
            "x8613912345678 139123456789 a13912345678 13912345678b",
            "\"userid\":\"11113912345678\",\"m\":\"19900000000\"",
            "1391234567 12012345678 1",
            "861391234567886",
        ] {
            assert_eq!(mobile_numbers(text), mobile_tokens(text), "{text}");
        }
    }

    use super::*;

    #[test]
    fn tokens_are_starred_everywhere_with_their_length() {
        let mut text = r#"{"url":"https://oapi.dingtalk.com/topapi/v2/user/get?access_token=abc123&x=1","queryString":[{"name":"access_token","value":"abc123"}],"postData":{"text":"access_token=abc123&userid=1"},"body":"{\"access_token\":\"abc123\"}","headers":[{"name":"Cookie","value":"sid=abc123"}]}"#.to_owned();
        let before = text.len();
        redact_secrets(&mut text);
        assert!(!text.contains("abc123"), "{text}");
        assert_eq!(text.len(), before);
        assert!(text.contains("access_token=******&x=1"));
    }

    #[test]
    fn every_listed_credential_is_starred_in_reports_too() {
        let mut text = r#"{"comment":"GET /cb?authCode=CODE1&state=1","postData":{"text":"{\"appSecret\":\"SECRET1\",\"suiteTicket\":\"TICKET1\"}"},"headers":[{"name":"x-acs-dingtalk-access-token","value":"TOKEN1"},{"name":"Authorization","value":"Bearer BEARER12"}],"note":"Authorization: Basic BASIC123"}"#.to_owned();
        let before = text.len();
        redact_secrets(&mut text);
        assert_eq!(text.len(), before);
        for secret in [
            "CODE1", "SECRET1", "TICKET1", "TOKEN1", "BEARER12", "BASIC123",
        ] {
            assert!(!text.contains(secret), "{secret}: {text}");
        }
        // Neighbours of the listed names stay.
        let mut text = r#"{"errcode":0,"state_code":"86","token_type":"bearer"}"#.to_owned();
        let kept = text.clone();
        redact_secrets(&mut text);
        assert_eq!(text, kept);
    }

    #[test]
    fn personal_members_are_masked_in_one_pass() {
        let mut text = r#"{"result":{"mobile":"19900000001","name":"张三","email" : "user@example.com","remark":"备注\"x"}}"#.to_owned();
        let len = text.len();
        mask_personal(&mut text);
        assert_eq!(text.len(), len);
        assert!(text.contains(r#""mobile":"199****0001""#), "{text}");
        assert!(text.contains(r#""email" : "u***@example.com""#), "{text}");
        assert!(text.contains("张三") && !text.contains("备注"), "{text}");
    }

    #[test]
    fn cookie_lists_are_masked_whatever_the_cookie_is_called() {
        let entry = r#"{"request":{"cookies":[{"name":"dt_session","value":"SECRET-1"}]},"response":{"cookies":[{"name":"sid","value":"SECRET-2"}]}}"#;
        let mut shown = entry.to_owned();
        redact_cookies(entry, &mut shown);
        assert!(!shown.contains("SECRET"), "{shown}");
        assert_eq!(shown.len(), entry.len());
    }

    #[test]
    fn masks_keep_length_and_shape() {
        let mut text = "19900000001|user@example.com|未来园区".to_owned();
        let (len, chars) = (text.len(), text.chars().count());
        mask(&mut text, 0..11, Personal::Phone);
        mask(&mut text, 12..28, Personal::Email);
        let end = text.len();
        mask(&mut text, 29..end, Personal::Text);
        assert_eq!(text, "199****0001|u***@example.com|••••");
        assert_eq!((text.len(), text.chars().count()), (len, chars));
    }
}

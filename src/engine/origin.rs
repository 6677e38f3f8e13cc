//! Where a HAR entry came from, as the audit groups it: a label for the app that made the call
//! (a salted hash of its access token, never the token) and the time the call started.

use sha2::{Digest, Sha256};

use crate::api::request::Normalised;
pub use crate::engine::outcome::Origin;
use crate::privacy::credentials::{credential, Credential, NAMES};

/// The salt of app labels. It is fixed so that the same token gives the same label in every
/// report (an auditor compares reports); the label keeps 32 bits of the hash, too few to
/// confirm a guessed token with any confidence, and tokens are random anyway.
const SALT: &[u8] = b"dtlint audit app label v1\0";

impl Origin {
    /// The origin of a user/get call from its request and the text of its entry: its token's
    /// label and its start time. The time is read here, for the audit alone, rather than by
    /// the HAR reader for every run.
    pub fn of(request: &Normalised, entry: &str) -> Self {
        Self {
            app: token(request).map(|t| label(&t)),
            started: started(entry),
        }
    }
}

/// The access token of a call: in its query (`queryString`, else the URL's), else its body,
/// else its headers, where the newer API family sends it (`x-acs-dingtalk-access-token`). The
/// names are those the credential list knows as access tokens; a header must bear one of its
/// names whole, since any header with `token` in its name (`x-csrf-token`) is a credential to
/// hide but not the app's. The values are read by the one reader of request parameters, so an
/// absent one (`null`, empty) is no token, and the same token gives the same label wherever it
/// was sent.
fn token(request: &Normalised) -> Option<String> {
    let access = |name: &str| credential(name) == Some(Credential::AccessToken);
    let named = |name: &str| {
        NAMES
            .iter()
            .any(|(n, kind)| *kind == Credential::AccessToken && n.eq_ignore_ascii_case(name))
    };
    request
        .query
        .given()
        .chain(request.body.given())
        .find(|p| access(&p.name))
        .or_else(|| {
            request
                .headers
                .given()
                .find(|p| access(&p.name) && named(&p.name))
        })
        .map(|p| p.text.clone())
}

/// The label of a token: `app-` and the first 8 hex digits of SHA-256 over salt and token.
pub fn label(token: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(SALT);
    hash.update(token.as_bytes());
    let digest = hash.finalize();
    let mut text = String::from("app-");
    for byte in &digest[..4] {
        text.push_str(&format!("{byte:02x}"));
    }
    text
}

/// The entry's `startedDateTime` when it is text. The member is found by its key rather than
/// by reading the entry again: the key quoted this way cannot occur inside the body, which is
/// a JSON string there (its quotes are escaped).
fn started(entry: &str) -> Option<String> {
    const KEY: &str = "\"startedDateTime\"";
    let at = entry.find(KEY)? + KEY.len();
    let rest = entry[at..].trim_start().strip_prefix(':')?;
    match serde_json::Deserializer::from_str(rest)
        .into_iter::<serde_json::Value>()
        .next()?
    {
        Ok(serde_json::Value::String(text)) => Some(text),
        _ => None,
    }
}

/// Milliseconds since 1970 of an ISO 8601 date-time (`2024-05-06T07:08:09.123+08:00`, `...Z`),
/// so that times written with different offsets order correctly; `None` when it is not one.
pub fn instant(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &text[19..];
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        let first: String = fraction[..digits]
            .chars()
            .chain("000".chars())
            .take(3)
            .collect();
        millis = first.parse::<i64>().ok()?;
        rest = &fraction[digits..];
    }
    let offset = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return None,
            };
            let digits: String = rest[1..].chars().filter(char::is_ascii_digit).collect();
            if digits.len() != 4 {
                return None;
            }
            let hours: i64 = digits[..2].parse().ok()?;
            let minutes: i64 = digits[2..].parse().ok()?;
            sign * (hours * 60 + minutes)
        }
    };
    let days = days_from_civil(year, month, day);
    Some(((days * 24 + hour) * 60 + minute - offset) * 60_000 + second * 1000 + millis)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// An instant in seconds since 1970 as `YYYY-MM-DDTHH:MM:SSZ` (for file modification times;
/// times before 1970 are shown as 1970).
pub fn utc_text(seconds: i64) -> String {
    let since = std::time::Duration::from_secs(u64::try_from(seconds).unwrap_or(0));
    humantime::format_rfc3339_seconds(std::time::UNIX_EPOCH + since).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(url: &str) -> Normalised {
        serde_json::from_str::<crate::api::request::HarRequest>(&format!(
            r#"{{"method":"POST","url":"{url}"}}"#
        ))
        .expect("request")
        .normalise()
    }

    #[test]
    fn the_start_time_is_read_when_it_is_text() {
        let request = request("https://h/topapi/v2/user/get");
        let of = |entry: &str| Origin::of(&request, entry).started;
        assert_eq!(
            of(r#"{"startedDateTime":"2025-01-02T03:04:05Z","request":{}}"#).as_deref(),
            Some("2025-01-02T03:04:05Z")
        );
        assert_eq!(of(r#"{"startedDateTime":12,"request":{}}"#), None);
        assert_eq!(of(r#"{"request":{}}"#), None);
        assert_eq!(
            of(r#"{"startedDateTime" : "2025-01-02T03:04:05Z" ,"request":{}}"#).as_deref(),
            Some("2025-01-02T03:04:05Z")
        );
        // A body that mentions the member is no start time.
        assert_eq!(
            of(r#"{"response":{"content":{"text":"{\"startedDateTime\":\"x\"}"}}}"#),
            None
        );
    }

    #[test]
    fn a_label_is_stable_and_shows_nothing_of_the_token() {
        let token = "0fake0token0sample0000000000000a";
        let origin = Origin::of(
            &request(&format!(
                "https://oapi.dingtalk.com/topapi/v2/user/get?access_token={token}"
            )),
            r#"{"startedDateTime":"2024-05-06T07:08:09Z"}"#,
        );
        let app = origin.app.expect("a label");
        assert_eq!(app, label(token));
        assert_eq!(app.len(), "app-".len() + 8);
        assert!(!app.contains("fake") && !token.contains(&app[4..]));
        assert_ne!(label(token), label("another token"));
        assert_eq!(
            Origin::of(&request("https://h/topapi/v2/user/get"), "{}").app,
            None
        );
    }

    #[test]
    fn the_newer_familys_header_token_has_the_label_of_the_same_token_in_the_query() {
        let token = "0fake0token0sample0000000000000b";
        let url = "https://oapi.dingtalk.com/topapi/v2/user/get";
        let in_query = Origin::of(&request(&format!("{url}?access_token={token}")), "{}").app;
        let in_header = serde_json::from_str::<crate::api::request::HarRequest>(&format!(
            r#"{{"method":"POST","url":"{url}","headers":[{{"name":"Content-Type","value":"application/json"}},{{"name":"X-Acs-Dingtalk-Access-Token","value":"{token}"}}]}}"#
        ))
        .expect("request")
        .normalise();
        assert_eq!(Origin::of(&in_header, "{}").app, in_query);
        assert_eq!(in_query, Some(label(token)));
        // A JSON body's token is read as the query's; a null one is none.
        let in_body = |body: &str| {
            let text = format!(
                r#"{{"method":"POST","url":"{url}","postData":{{"mimeType":"application/json","text":{}}}}}"#,
                serde_json::Value::from(body)
            );
            let request = serde_json::from_str::<crate::api::request::HarRequest>(&text)
                .expect("request")
                .normalise();
            Origin::of(&request, "{}").app
        };
        assert_eq!(
            in_body(&format!(r#"{{"access_token":"{token}"}}"#)),
            in_query
        );
        assert_eq!(in_body(r#"{"access_token":null}"#), None);
        // Other headers are no token, an Authorization one neither.
        let other = serde_json::from_str::<crate::api::request::HarRequest>(&format!(
            r#"{{"method":"POST","url":"{url}","headers":[{{"name":"Authorization","value":"Bearer {token}"}}]}}"#
        ))
        .expect("request")
        .normalise();
        assert_eq!(Origin::of(&other, "{}").app, None);
        let csrf = serde_json::from_str::<crate::api::request::HarRequest>(&format!(
            r#"{{"method":"POST","url":"{url}","headers":[{{"name":"X-Csrf-Token","value":"{token}"}}]}}"#
        ))
        .expect("request")
        .normalise();
        assert_eq!(Origin::of(&csrf, "{}").app, None);
    }

    #[test]
    fn instants_order_across_offsets_and_format_back() {
        let z = instant("2024-05-06T00:00:00Z").expect("z");
        assert_eq!(instant("2024-05-06T08:00:00.000+08:00"), Some(z));
        assert_eq!(instant("2024-05-06T08:00:00.5+0800"), Some(z + 500));
        assert_eq!(utc_text(z / 1000), "2024-05-06T00:00:00Z");
        assert_eq!(utc_text(0), "1970-01-01T00:00:00Z");
        for bad in [
            "",
            "yesterday",
            "2024-13-01T00:00:00Z",
            "2024-05-06T00:00:00+8",
        ] {
            assert_eq!(instant(bad), None, "{bad}");
        }
    }
}

//! Which call an entry records, read from its request line alone. A capture holds every call
//! the page or app made, in whatever shape its exporter writes them (calls still in flight
//! with no response, nulls where HAR 1.2 wants strings, `_`-prefixed extras): only user/get
//! calls are dtlint's business, so the rest of an entry is not read before that is known.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::API_PATH;
use crate::api::request::url_path;

/// The two members of `request` that say which call an entry is; everything else in the
/// entry, `response` included, is skipped by serde unread, whatever its shape.
#[derive(Deserialize)]
struct Line {
    #[serde(default)]
    request: Option<RequestLine>,
}

#[derive(Deserialize)]
struct RequestLine {
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

/// Whether a request with this method and URL is a user/get call.
pub fn is_user_get(method: Option<&str>, url: &str) -> bool {
    // A CORS preflight carries no call of its own; browsers send one before cross-origin POSTs.
    url_path(url) == API_PATH && !method.is_some_and(|m| m.eq_ignore_ascii_case("OPTIONS"))
}

/// `Some(false)` when the entry's request URL names another call (or an OPTIONS preflight),
/// `Some(true)` for a user/get call, `None` when no request URL can be read: such an item
/// could be a damaged user/get call, so the full read decides (and reports DT008).
pub fn user_get(text: &str) -> Option<bool> {
    let line: Line = serde_json::from_str(text).ok()?;
    let request = line.request?;
    let url = request.url?;
    Some(is_user_get(request.method.as_deref(), &url))
}

/// [`user_get`] of the first bytes of an entry too large to keep whole: its request is read
/// as far as it goes (exporters write `request` before `response`), and the cut is no error.
/// `None` when the part holds no request URL.
pub fn user_get_in_part(part: &[u8]) -> Option<bool> {
    let mut seen = Seen::default();
    let mut deserializer = serde_json::Deserializer::from_slice(part);
    // The part ends mid-entry, so the read always fails there; what it saw before counts.
    let _ = EntrySeed(&mut seen).deserialize(&mut deserializer);
    let url = seen.url?;
    Some(is_user_get(seen.method.as_deref(), &url))
}

/// What a partial read saw of the request line, kept as soon as each member is read.
#[derive(Default)]
struct Seen {
    method: Option<String>,
    url: Option<String>,
}

/// An entry object: `request` is read into [`Seen`], other members are skipped.
struct EntrySeed<'s>(&'s mut Seen);

/// The `request` object: `method` and `url` go into [`Seen`] one by one.
struct RequestSeed<'s>(&'s mut Seen);

impl<'de> DeserializeSeed<'de> for EntrySeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for EntrySeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a HAR entry")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == "request" {
                map.next_value_seed(RequestSeed(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for RequestSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RequestSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a HAR request")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match &*key {
                "method" => self.0.method = map.next_value()?,
                "url" => self.0.url = map.next_value()?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER_GET: &str = "https://oapi.dingtalk.com/topapi/v2/user/get?access_token=x";

    #[test]
    fn a_neighbour_is_known_whatever_the_rest_of_it() {
        for entry in [
            r#"{"request":{"method":"GET","url":"https://oapi.dingtalk.com/gettoken"}}"#,
            r#"{"request":{"method":"POST","url":"https://x.example/a"},"response":null}"#,
            r#"{"request":{"method":null,"url":"https://x.example/a","headers":null},"response":{"content":{"mimeType":null}}}"#,
            r#"{"_id":3,"request":{"url":"https:\/\/x.example\/a"},"response":"pending","timings":null}"#,
        ] {
            assert_eq!(user_get(entry), Some(false), "{entry}");
        }
    }

    #[test]
    fn a_user_get_call_is_known_before_its_shape_is_read() {
        let entry = format!(r#"{{"request":{{"method":"POST","url":"{USER_GET}"}}}}"#);
        assert_eq!(user_get(&entry), Some(true));
        let escaped = r#"{"request":{"url":"https:\/\/oapi.dingtalk.com\/topapi\/v2\/user\/get\u003faccess_token=x"}}"#;
        assert_eq!(user_get(escaped), Some(true));
        let preflight = format!(r#"{{"request":{{"method":"OPTIONS","url":"{USER_GET}"}}}}"#);
        assert_eq!(user_get(&preflight), Some(false));
    }

    #[test]
    fn without_a_readable_url_the_full_read_decides() {
        for entry in [
            "[1]",
            "{}",
            r#"{"request":null}"#,
            r#"{"request":{"method":"POST","url":null}}"#,
            r#"{"request":{"method":"POST","url":7}}"#,
        ] {
            assert_eq!(user_get(entry), None, "{entry}");
        }
    }

    #[test]
    fn a_part_of_an_entry_says_which_call_it_is_when_its_url_is_in_it() {
        let whole = format!(
            r#"{{"startedDateTime":"x","request":{{"method":"POST","url":"{USER_GET}","postData":{{"text":"{}"}}}},"response":{{"content":{{"text":"{}"}}}}}}"#,
            "a".repeat(100),
            "b".repeat(100)
        );
        let url_ends = whole.find("\",\"postData").expect("url") + 1;
        for cut in 0..=whole.len() {
            let want = if cut >= url_ends { Some(true) } else { None };
            assert_eq!(
                user_get_in_part(&whole.as_bytes()[..cut]),
                want,
                "cut at {cut}"
            );
        }
        let other = whole.replace("/topapi/v2/user/get", "/gettoken");
        assert_eq!(
            user_get_in_part(&other.as_bytes()[..other.len() / 2]),
            Some(false)
        );
        let preflight = whole.replace("POST", "OPTIONS");
        assert_eq!(
            user_get_in_part(&preflight.as_bytes()[..preflight.len() / 2]),
            Some(false)
        );
        for part in [
            "",
            "[",
            "\"request\"",
            "{\"request\":[",
            "{\"response\":{\"content\":{\"text\":\"xx",
        ] {
            assert_eq!(user_get_in_part(part.as_bytes()), None, "{part}");
        }
    }
}

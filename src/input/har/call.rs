//! Which call an entry records, read from its request line alone. A capture holds every call
//! the page or app made, in whatever shape its exporter writes them (calls still in flight
//! with no response, nulls where HAR 1.2 wants strings, `_`-prefixed extras): only user/get
//! calls are dtlint's business, so the rest of an entry is not read before that is known.

use serde::Deserialize;

use super::API_PATH;
use crate::request::url_path;

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
}

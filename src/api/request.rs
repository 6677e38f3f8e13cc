//! The request side of a captured exchange: the members of HAR's `request` dtlint reads, and the
//! request as the page describes it (method, query and body parameters). The rules that judge it
//! are in `rules::request`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// A null where HAR 1.2 wants a string or a list, read as empty: exporters write `null` for
/// what they did not see (Charles a response's `mimeType`, others a parameter's value), and
/// that is the same fact as an empty member.
///
/// # Errors
/// Whatever the member's own type refuses.
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A name/value pair of HAR 1.2 (headers, query string, form parameters).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NameValue {
    /// The name, as sent.
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    /// The value, decoded.
    #[serde(default, deserialize_with = "null_as_default")]
    pub value: String,
}

/// `request.postData` of HAR 1.2.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PostData {
    /// The body's `Content-Type`.
    #[serde(rename = "mimeType", default, deserialize_with = "null_as_default")]
    pub mime_type: String,
    /// The body as text.
    #[serde(default)]
    pub text: Option<String>,
    /// The form's parameters, when the capture decoded them.
    #[serde(default, deserialize_with = "null_as_default")]
    pub params: Vec<NameValue>,
}

/// `request` of HAR 1.2, the members dtlint reads.
#[derive(Debug, Clone, Deserialize)]
pub struct HarRequest {
    /// The method, as sent.
    pub method: String,
    /// The whole URL.
    pub url: String,
    /// The query's pairs; empty: read from the URL.
    #[serde(rename = "queryString", default, deserialize_with = "null_as_default")]
    pub query_string: Vec<NameValue>,
    /// The body, when the request had one.
    #[serde(rename = "postData", default)]
    pub post_data: Option<PostData>,
}

/// The request as the page describes it: method, query parameters, body parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalised {
    /// The method, upper case.
    pub method: String,
    /// The query string's parameters.
    pub query: BTreeMap<String, String>,
    /// The body's parameters.
    pub body: BTreeMap<String, String>,
}

/// The parameters the page documents for the body.
pub const BODY_PARAMETERS: [&str; 3] = ["userid", "language", "login_id"];

impl Normalised {
    /// Whether the call is a GET. The page documents POST only, but the platform answers a GET
    /// that carries the parameters in its query string, as identity providers send it.
    pub fn is_get(&self) -> bool {
        self.method == "GET"
    }

    /// The documented parameters as the platform reads them: the body's, and for a GET also
    /// those of the query string (a body parameter of the same name wins).
    pub fn parameters(&self) -> Cow<'_, BTreeMap<String, String>> {
        if !self.is_get() {
            return Cow::Borrowed(&self.body);
        }
        let mut all = self.body.clone();
        for name in BODY_PARAMETERS {
            if let Some(value) = self.query.get(name) {
                all.entry(name.to_owned()).or_insert_with(|| value.clone());
            }
        }
        Cow::Owned(all)
    }

    /// The language the request asks for, when it names one of the page's two.
    pub fn language(&self) -> Option<crate::api::language::Language> {
        crate::api::language::Language::parse(self.parameters().get("language")?)
    }
}

/// The path of a URL, without scheme, host, query or fragment.
pub fn url_path(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path_start = if url.contains("://") {
        rest.find('/').unwrap_or(rest.len())
    } else {
        0
    };
    let path = &rest[path_start..];
    let end = path.find(['?', '#']).unwrap_or(path.len());
    &path[..end]
}

impl HarRequest {
    /// The request as the page describes it: the query from `queryString` (or the URL), the
    /// body from form params or the JSON or form text.
    pub fn normalise(&self) -> Normalised {
        let mut query: BTreeMap<String, String> = self
            .query_string
            .iter()
            .map(|p| (p.name.clone(), p.value.clone()))
            .collect();
        if query.is_empty() {
            if let Some((_, q)) = self.url.split_once('?') {
                let q = q.split('#').next().unwrap_or("");
                query = form_urlencoded::parse(q.as_bytes()).into_owned().collect();
            }
        }
        let mut body = BTreeMap::new();
        if let Some(post) = &self.post_data {
            if !post.params.is_empty() {
                body = post
                    .params
                    .iter()
                    .map(|p| (p.name.clone(), p.value.clone()))
                    .collect();
            } else if let Some(text) = post.text.as_deref().filter(|t| !t.trim().is_empty()) {
                if post.mime_type.contains("json") || text.trim_start().starts_with('{') {
                    if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) {
                        body = map
                            .into_iter()
                            .map(|(k, v)| {
                                let v = match v {
                                    Value::String(s) => s,
                                    other => other.to_string(),
                                };
                                (k, v)
                            })
                            .collect();
                    }
                } else {
                    body = form_urlencoded::parse(text.as_bytes())
                        .into_owned()
                        .collect();
                }
            }
        }
        Normalised {
            method: self.method.to_ascii_uppercase(),
            query,
            body,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_of_urls() {
        assert_eq!(
            url_path("https://oapi.dingtalk.com/topapi/v2/user/get?access_token=x#f"),
            "/topapi/v2/user/get"
        );
        assert_eq!(url_path("/topapi/v2/user/get"), "/topapi/v2/user/get");
        assert_eq!(url_path("https://host"), "");
    }

    #[test]
    fn a_get_reads_its_parameters_from_the_query() {
        let get = HarRequest {
            method: "get".into(),
            url: "https://oapi.dingtalk.com/topapi/v2/user/get?access_token=t&userid=manager4921&language=en_US&x=1".into(),
            query_string: Vec::new(),
            post_data: None,
        }
        .normalise();
        let params = get.parameters();
        assert_eq!(
            params.get("userid").map(String::as_str),
            Some("manager4921")
        );
        assert!(!params.contains_key("access_token") && !params.contains_key("x"));
        assert_eq!(get.language(), Some(crate::api::language::Language::EnUs));
        // A POST reads its body only.
        let post = Normalised {
            method: "POST".into(),
            query: get.query.clone(),
            body: BTreeMap::new(),
        };
        assert!(post.parameters().is_empty());
        assert_eq!(post.language(), None);
    }
}

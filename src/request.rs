//! The request side of a captured exchange: the members of HAR's `request` dtlint reads, and the
//! request as the page describes it (method, query and body parameters). The rules that judge it
//! are in `rules::request`.

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
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub value: String,
}

/// `request.postData` of HAR 1.2.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PostData {
    #[serde(rename = "mimeType", default, deserialize_with = "null_as_default")]
    pub mime_type: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub params: Vec<NameValue>,
}

/// `request` of HAR 1.2, the members dtlint reads.
#[derive(Debug, Clone, Deserialize)]
pub struct HarRequest {
    pub method: String,
    pub url: String,
    #[serde(rename = "queryString", default, deserialize_with = "null_as_default")]
    pub query_string: Vec<NameValue>,
    #[serde(rename = "postData", default)]
    pub post_data: Option<PostData>,
}

/// The request as the page describes it: method, query parameters, body parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalised {
    pub method: String,
    pub query: BTreeMap<String, String>,
    pub body: BTreeMap<String, String>,
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
}

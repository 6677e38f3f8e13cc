//! The request side of a captured exchange: the members of HAR's `request` dtlint reads, and the
//! one reader of its parameters (query string, form or JSON body, headers) that the request
//! rules, the mock, the audit and, through the rules, the proxy all ask. The rules that judge
//! the request are in `rules::request`.
//!
//! How the reader answers what the page leaves open, so that a rule's finding and the mock's
//! answer are the same decision (`language=fr` is DT705 for the rules and errcode 400002 from
//! the mock; `"language":null` is neither):
//!
//! - **JSON `null`** is an absent parameter. Every documented body parameter is optional
//!   (`userid` and `login_id` each, the schema wants one of them), and published clients send
//!   the ones they were not given as `null` (`{"userid":"…","language":null}` from a Python and
//!   a PHP client); the page's SDK examples simply leave them out, which is the same request.
//! - **An empty value** (`userid=`, `"language":""`) is absent too. The page itself reads it so
//!   ("when `login_id` is not empty, `userid` is ignored"), and real-traffic.md treats `""` and
//!   absence as the same "no value" for presence.
//! - **A parameter given twice**: in a form or query string the first occurrence counts, as
//!   WHATWG's `URLSearchParams.get` and the Java servlet's `getParameter` read one; in a JSON
//!   object the last one counts, as ECMAScript's `JSON.parse` specifies and as every JSON reader
//!   that builds a map (serde_json's `Value` among them) keeps it. Neither the page nor
//!   real-traffic.md says more; every occurrence stays readable ([`Params::all`]).
//! - **A number, boolean, object or array** where the page documents a string
//!   (`{"userid":123}`) is read as its JSON text, digits exactly as written (never through an
//!   f64): a form carries `userid=123` as text too, so the two are the same request. Its
//!   [`Kind`] is kept for whoever needs to tell them apart.

use std::collections::BTreeSet;
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::api::language::Language;

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

/// `request.headers`, leniently: null is empty, and an item that is not a name/value pair is
/// passed over. dtlint reads headers only for the audit's token, so an exporter's odd header
/// list must not make the whole entry unreadable (DT008) as it did not before headers were read.
///
/// # Errors
/// Only when the member is not JSON at all.
fn lenient_pairs<'de, D>(deserializer: D) -> Result<Vec<NameValue>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let Value::Array(items) = Value::deserialize(deserializer)? else {
        return Ok(Vec::new());
    };
    Ok(items
        .into_iter()
        .filter_map(|item| serde_json::from_value(item).ok())
        .collect())
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
    /// The file the body is kept in beside the HAR, or the zip member (Playwright's
    /// `_file`), when `text` is empty; the reader puts what it holds in `text`.
    #[serde(rename = "_file", default)]
    pub file: Option<String>,
}

/// `request` of HAR 1.2, the members dtlint reads. It is also the one representation of a
/// request the reader knows: the mock builds one from what it was sent.
#[derive(Debug, Clone, Default, Deserialize)]
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
    /// The headers as sent (read leniently: an exporter's odd item is passed over).
    #[serde(default, deserialize_with = "lenient_pairs")]
    pub headers: Vec<NameValue>,
}

/// What a parameter's value was: a JSON body keeps its kind, a form, query string or header
/// has text only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text: a JSON string, or any value of a form, query string or header.
    Text,
    /// A JSON number; its text is the digits as written.
    Number,
    /// A JSON `true` or `false`; its text is that word.
    Bool,
    /// JSON `null`: the parameter is absent. Its text is empty.
    Null,
    /// A JSON object or array; its text is the JSON, compact.
    Structure,
}

/// One occurrence of a parameter as the request gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The name, as given.
    pub name: String,
    /// What the value was.
    pub kind: Kind,
    /// The value as text (see [`Kind`] for what each kind's text is).
    pub text: String,
}

impl Param {
    /// A text parameter, as a form or query string gives it.
    pub fn text(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            kind: Kind::Text,
            text: text.into(),
        }
    }

    /// Whether the parameter counts as given: JSON `null` and an empty value are absent (see
    /// the module's documentation for why).
    pub fn is_given(&self) -> bool {
        self.kind != Kind::Null && !self.text.is_empty()
    }
}

/// Where a list of parameters was read, which decides which of a repeated name's occurrences
/// counts and whether names are compared with their case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Source {
    /// The query string (HAR's `queryString`, else the URL's).
    Query,
    /// A form body (HAR's `postData.params`, else its urlencoded text).
    #[default]
    Form,
    /// A JSON object body.
    Json,
    /// Request headers, whose names are compared without their case.
    Headers,
}

/// The parameters of one part of a request, every occurrence in the order given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    source: Source,
    list: Vec<Param>,
}

impl Params {
    /// Parameters read from `source`.
    pub fn new(source: Source, list: Vec<Param>) -> Self {
        Self { source, list }
    }

    /// Text pairs read from `source` (a query string, a form, headers).
    fn of_pairs(source: Source, pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        Self::new(
            source,
            pairs
                .into_iter()
                .map(|(name, value)| Param::text(name, value))
                .collect(),
        )
    }

    /// An urlencoded text's parameters.
    fn of_form(source: Source, text: &str) -> Self {
        Self::of_pairs(source, form_urlencoded::parse(text.as_bytes()).into_owned())
    }

    /// A JSON body's parameters, each with its kind; none when the text is not a JSON object.
    fn of_json(text: &str) -> Self {
        let list = serde_json::from_str::<Members>(text)
            .map(|m| m.0)
            .unwrap_or_default();
        Self::new(Source::Json, list)
    }

    /// Where these were read.
    pub fn source(&self) -> Source {
        self.source
    }

    /// Every occurrence, in the order the request gave them.
    pub fn all(&self) -> &[Param] {
        &self.list
    }

    /// Whether the request gave none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    fn named<'a, 'n>(
        &'a self,
        name: &'n str,
    ) -> impl DoubleEndedIterator<Item = &'a Param> + use<'a, 'n> {
        let headers = self.source == Source::Headers;
        self.list.iter().filter(move |p| {
            if headers {
                p.name.eq_ignore_ascii_case(name)
            } else {
                p.name == name
            }
        })
    }

    /// The occurrence of `name` that counts: the first of a form, query string or headers, the
    /// last of a JSON object (see the module's documentation). `None` when never given; a
    /// given `null` or empty value is returned, see [`Param::is_given`].
    pub fn get(&self, name: &str) -> Option<&Param> {
        if self.source == Source::Json {
            self.named(name).next_back()
        } else {
            self.named(name).next()
        }
    }

    /// The value of `name` as the platform reads it: the occurrence that counts, unless it is
    /// `null` or empty (then the parameter is absent).
    pub fn value(&self, name: &str) -> Option<&str> {
        self.get(name)
            .filter(|p| p.is_given())
            .map(|p| p.text.as_str())
    }

    /// The names given, each once, in order of name.
    pub fn names(&self) -> BTreeSet<&str> {
        self.list.iter().map(|p| p.name.as_str()).collect()
    }

    /// The parameters as the platform reads them, each name once in order of name: the
    /// occurrence that counts, absent ones (null, empty) left out.
    pub fn given(&self) -> impl Iterator<Item = &Param> + '_ {
        self.names()
            .into_iter()
            .filter_map(|name| self.get(name))
            .filter(|p| p.is_given())
    }

    /// Sets `name` to a text value, replacing every occurrence (for requests built by hand).
    pub fn insert(&mut self, name: String, value: String) {
        self.list.retain(|p| p.name != name);
        self.list.push(Param::text(name, value));
    }
}

/// A JSON object's members in order, duplicates kept, each value with its kind.
struct Members(Vec<Param>);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Object;
        impl<'de> Visitor<'de> for Object {
            type Value = Members;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut list = Vec::new();
                while let Some((name, raw)) = map.next_entry::<String, Box<RawValue>>()? {
                    list.push(member(name, &raw));
                }
                Ok(Members(list))
            }
        }
        deserializer.deserialize_map(Object)
    }
}

/// One member of a JSON body, read by its first character (the raw value is valid JSON).
fn member(name: String, raw: &RawValue) -> Param {
    let json = raw.get();
    let (kind, text) = match json.as_bytes().first() {
        Some(b'"') => (
            Kind::Text,
            serde_json::from_str::<String>(json).unwrap_or_default(),
        ),
        Some(b'n') => (Kind::Null, String::new()),
        Some(b't' | b'f') => (Kind::Bool, json.to_owned()),
        Some(b'{' | b'[') => (
            Kind::Structure,
            serde_json::from_str::<Value>(json)
                .map(|v| v.to_string())
                .unwrap_or_default(),
        ),
        _ => (Kind::Number, json.to_owned()),
    };
    Param { name, kind, text }
}

/// The request as the page describes it: method, query parameters, body parameters; and its
/// headers, where the newer API family carries its token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalised {
    /// The method, upper case.
    pub method: String,
    /// The query string's parameters.
    pub query: Params,
    /// The body's parameters.
    pub body: Params,
    /// The request's headers (where the newer API family carries its token).
    pub headers: Params,
}

/// The parameters the page documents for the body.
pub const BODY_PARAMETERS: [&str; 3] = ["userid", "language", "login_id"];

impl Normalised {
    /// Whether the call is a GET. The page documents POST only, but the platform answers a GET
    /// that carries the parameters in its query string, as identity providers send it.
    pub fn is_get(&self) -> bool {
        self.method == "GET"
    }

    /// A documented parameter as the platform reads it: the body's, and for a GET, when the
    /// body does not give it, the query string's. `None` when absent (never given, `null` or
    /// empty).
    pub fn parameter(&self, name: &str) -> Option<&Param> {
        let from_body = self.body.get(name).filter(|p| p.is_given());
        if from_body.is_some() || !self.is_get() || !BODY_PARAMETERS.contains(&name) {
            return from_body;
        }
        self.query.get(name).filter(|p| p.is_given())
    }

    /// The text of [`Self::parameter`].
    pub fn value(&self, name: &str) -> Option<&str> {
        self.parameter(name).map(|p| p.text.as_str())
    }

    /// The language the request asks for, when it names one of the page's two.
    pub fn language(&self) -> Option<Language> {
        Language::parse(self.value("language")?)
    }

    /// Whether the request gives a `language` that is neither of the page's two: DT705 for the
    /// rules, errcode 400002 from the mock.
    pub fn language_is_invalid(&self) -> bool {
        self.value("language")
            .is_some_and(|l| Language::parse(l).is_none())
    }

    /// Whether the request names a user, by `userid` or `login_id`: without one, DT703 for the
    /// rules, errcode 400002 from the mock.
    pub fn names_a_user(&self) -> bool {
        self.value("userid").is_some() || self.value("login_id").is_some()
    }

    /// The `access_token` the old API family reads: the query string's.
    pub fn access_token(&self) -> Option<&str> {
        self.query.value("access_token")
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

/// Whether a body is read as JSON: its content type says so (in any case), or, when exporters
/// left the type out or wrote another, its text opens an object.
fn is_json(mime_type: &str, text: &str) -> bool {
    mime_type.to_ascii_lowercase().contains("json") || text.trim_start().starts_with('{')
}

impl HarRequest {
    /// A request as a server received it: method, path, query string (without `?`), content
    /// type and body. The mock (feature `live`) reads what it is sent through this.
    #[cfg(any(feature = "live", test))]
    pub fn received(
        method: &str,
        path: &str,
        query: &str,
        content_type: &str,
        body: &[u8],
    ) -> Self {
        if query.is_empty() {
            Self::sent(method, path, content_type, body)
        } else {
            Self::sent(method, &format!("{path}?{query}"), content_type, body)
        }
    }

    /// A request as a client sent it (the proxy, a test's HTTP client): method, the whole URL
    /// with its query, content type and body, read as a HAR entry's request is read. Bytes that
    /// are not UTF-8 are read as U+FFFD, as HAR's text would hold them.
    pub fn sent(method: &str, url: &str, content_type: &str, body: &[u8]) -> Self {
        Self {
            method: method.to_owned(),
            url: url.to_owned(),
            query_string: Vec::new(),
            post_data: (!body.is_empty()).then(|| PostData {
                mime_type: content_type.to_owned(),
                text: Some(String::from_utf8_lossy(body).into_owned()),
                params: Vec::new(),
                file: None,
            }),
            headers: vec![NameValue {
                name: "content-type".to_owned(),
                value: content_type.to_owned(),
            }],
        }
    }

    /// The one reading of the request's parameters: the query from `queryString` (or the
    /// URL), the body from form params or the JSON or form text, and the headers.
    pub fn normalise(&self) -> Normalised {
        let query = if self.query_string.is_empty() {
            let text = self.url.split_once('?').map_or("", |(_, q)| q);
            Params::of_form(Source::Query, text.split('#').next().unwrap_or(""))
        } else {
            Params::of_pairs(Source::Query, pairs(&self.query_string))
        };
        let mut body = Params::default();
        if let Some(post) = &self.post_data {
            if !post.params.is_empty() {
                body = Params::of_pairs(Source::Form, pairs(&post.params));
            } else if let Some(text) = post.text.as_deref().filter(|t| !t.trim().is_empty()) {
                body = if is_json(&post.mime_type, text) {
                    Params::of_json(text)
                } else {
                    Params::of_form(Source::Form, text)
                };
            }
        }
        Normalised {
            method: self.method.to_ascii_uppercase(),
            query,
            body,
            headers: Params::of_pairs(Source::Headers, pairs(&self.headers)),
        }
    }
}

fn pairs(list: &[NameValue]) -> impl Iterator<Item = (String, String)> + '_ {
    list.iter().map(|p| (p.name.clone(), p.value.clone()))
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
            ..HarRequest::default()
        }
        .normalise();
        assert_eq!(get.value("userid"), Some("manager4921"));
        assert!(get.value("access_token").is_none() && get.value("x").is_none());
        assert_eq!(get.language(), Some(crate::api::language::Language::EnUs));
        // A POST reads its body only.
        let post = Normalised {
            method: "POST".into(),
            query: get.query.clone(),
            ..Normalised::default()
        };
        assert!(BODY_PARAMETERS.iter().all(|p| post.value(p).is_none()));
        assert_eq!(post.language(), None);
    }

    fn json(text: &str) -> Normalised {
        HarRequest::received(
            "POST",
            "/topapi/v2/user/get",
            "",
            "application/json",
            text.as_bytes(),
        )
        .normalise()
    }

    fn form(text: &str) -> Normalised {
        HarRequest::received(
            "POST",
            "/topapi/v2/user/get",
            "",
            "application/x-www-form-urlencoded",
            text.as_bytes(),
        )
        .normalise()
    }

    #[test]
    fn json_values_keep_their_kind_and_null_is_absent() {
        let r = json(
            r#"{"userid":123456789012345678901,"language":null,"login_id":true,"x":{"a": [1]},"y":"t"}"#,
        );
        let kind = |name: &str| r.body.get(name).map(|p| p.kind);
        assert_eq!(kind("userid"), Some(Kind::Number));
        assert_eq!(kind("language"), Some(Kind::Null));
        assert_eq!(kind("login_id"), Some(Kind::Bool));
        assert_eq!(kind("x"), Some(Kind::Structure));
        assert_eq!(kind("y"), Some(Kind::Text));
        // Digits as written, beyond what an f64 holds.
        assert_eq!(r.value("userid"), Some("123456789012345678901"));
        assert_eq!(r.value("language"), None);
        assert!(!r.language_is_invalid());
        assert_eq!(r.value("login_id"), Some("true"));
        assert_eq!(r.body.value("x"), Some(r#"{"a":[1]}"#));
        // The null member was sent, and stays visible as such.
        assert!(r.body.names().contains("language"));
        assert_eq!(r.body.given().count(), 4);
    }

    #[test]
    fn repeats_empties_and_gets_are_read_as_documented() {
        // A form's first occurrence counts, a JSON object's last.
        assert_eq!(form("userid=a&userid=b").value("userid"), Some("a"));
        assert_eq!(
            json(r#"{"userid":"a","userid":"b"}"#).value("userid"),
            Some("b")
        );
        assert_eq!(form("userid=a&userid=b").body.all().len(), 2);
        // An empty value is absent, whatever follows.
        assert!(!form("userid=&userid=b").names_a_user());
        assert!(!form("userid=&language=").language_is_invalid());
        assert!(!json(r#"{"userid":""}"#).names_a_user());
        assert!(form("userid=x&language=fr").language_is_invalid());
        // A GET's query fills in what its body does not give.
        let get = HarRequest::received(
            "GET",
            "/topapi/v2/user/get",
            "access_token=t&userid=q&language=en_US",
            "application/json",
            br#"{"userid":"b","language":null}"#,
        )
        .normalise();
        assert_eq!(get.value("userid"), Some("b"));
        assert_eq!(get.language(), Some(Language::EnUs));
        assert_eq!(get.access_token(), Some("t"));
        // A body that is no JSON object gives nothing.
        assert!(json("[1]").body.is_empty() && json("{").body.is_empty());
    }

    #[test]
    fn headers_are_read_leniently_and_without_case() {
        let request: HarRequest = serde_json::from_str(
            r#"{"method":"POST","url":"/u","headers":[{"name":"X-Acs-Dingtalk-Access-Token","value":"t"},5,{"name":null}]}"#,
        )
        .expect("reads");
        let normalised = request.normalise();
        assert_eq!(normalised.headers.all().len(), 2);
        assert_eq!(
            normalised.headers.value("x-acs-dingtalk-access-token"),
            Some("t")
        );
        for headers in ["null", "{}", "\"x\""] {
            let text = format!(r#"{{"method":"POST","url":"/u","headers":{headers}}}"#);
            let request: HarRequest = serde_json::from_str(&text).expect("reads");
            assert!(request.headers.is_empty(), "{headers}");
        }
    }
}

//! Checks the request side of a captured exchange against the request schema and the page, and pairs it with its response.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use jsonschema::Validator;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::fields::REQUEST_SCHEMA;
use crate::finding::Finding;
use crate::rules::{
    ACCESS_TOKEN_NOT_IN_QUERY, HTTP_STATUS_NOT_200, INVALID_LANGUAGE, LOGIN_ID_RESPONSE_MISMATCH,
    NO_USER_IDENTIFIER, REQUEST_NOT_POST, UNKNOWN_REQUEST_PARAMETER, USERID_IGNORED_WITH_LOGIN_ID,
    USERID_RESPONSE_MISMATCH,
};

/// The body parameters the page documents.
const BODY_PARAMETERS: [&str; 3] = ["userid", "language", "login_id"];

/// A name/value pair of HAR 1.2 (headers, query string, form parameters).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NameValue {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub value: String,
}

/// `request.postData` of HAR 1.2.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PostData {
    #[serde(rename = "mimeType", default)]
    pub mime_type: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub params: Vec<NameValue>,
}

/// `request` of HAR 1.2, the members dtlint reads.
#[derive(Debug, Clone, Deserialize)]
pub struct HarRequest {
    pub method: String,
    pub url: String,
    #[serde(rename = "queryString", default)]
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

fn validator() -> Option<&'static Validator> {
    static VALIDATOR: OnceLock<Option<Validator>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            let schema: Value = serde_json::from_str(REQUEST_SCHEMA).ok()?;
            jsonschema::draft202012::options().build(&schema).ok()
        })
        .as_ref()
}

fn non_empty<'a>(map: &'a BTreeMap<String, String>, key: &str) -> Option<&'a str> {
    map.get(key).map(String::as_str).filter(|v| !v.is_empty())
}

/// Checks one request; pointers are into the HAR entry.
pub fn check(request: &HarRequest) -> (Normalised, Vec<Finding>) {
    let normalised = request.normalise();
    let mut out = Vec::new();
    let instance = json!({
        "method": normalised.method,
        "query": normalised.query,
        "body": normalised.body,
    });
    let body_pointer = if request.post_data.is_some() {
        "/request/postData"
    } else {
        "/request"
    };
    if let Some(validator) = validator().filter(|v| !v.is_valid(&instance)) {
        for error in validator.iter_errors(&instance) {
            let schema_path = error.schema_path().as_str().to_owned();
            if schema_path.starts_with("/properties/method") {
                out.push(
                    Finding::new(
                        &REQUEST_NOT_POST,
                        "/request/method",
                        format!(
                            "the request uses {}; the page documents POST only",
                            normalised.method
                        ),
                    )
                    .with_help("call the API with POST"),
                );
            } else if schema_path.starts_with("/properties/query") {
                let in_body = non_empty(&normalised.body, "access_token").is_some();
                let message = if in_body {
                    "`access_token` is sent in the body, as the page's own curl example does, but the page's parameter table puts it in the query string"
                } else {
                    "the query string has no `access_token`; the platform answers errcode 88 / sub_code 40000 (access_token blank)"
                };
                out.push(
                    Finding::new(&ACCESS_TOKEN_NOT_IN_QUERY, "/request/url", message)
                        .with_help("append ?access_token=... to the URL"),
                );
            } else if schema_path.starts_with("/properties/body/anyOf") {
                out.push(
                    Finding::new(&NO_USER_IDENTIFIER, body_pointer, "the body names neither `userid` nor `login_id`")
                        .with_help("send the userid of the user to read (or login_id for a DingTalk-built Enterprise Account)"),
                );
            } else if schema_path.starts_with("/properties/body/properties/language") {
                out.push(
                    Finding::new(
                        &INVALID_LANGUAGE,
                        body_pointer,
                        "`language` is neither zh_CN nor en_US",
                    )
                    .with_help("send zh_CN (the default) or en_US"),
                );
            }
        }
    }
    let login_id = non_empty(&normalised.body, "login_id");
    if login_id.is_some() && normalised.body.contains_key("userid") {
        out.push(
            Finding::new(
                &USERID_IGNORED_WITH_LOGIN_ID,
                body_pointer,
                "both `login_id` and `userid` are sent; the page says `userid` is ignored when `login_id` is not empty",
            )
            .with_help("send only the identifier you mean"),
        );
    }
    for name in normalised.body.keys() {
        if !BODY_PARAMETERS.contains(&name.as_str()) && name != "access_token" {
            out.push(Finding::new(
                &UNKNOWN_REQUEST_PARAMETER,
                body_pointer,
                format!("the body parameter `{}` is not documented (the page knows userid, language and login_id)", shorten(name)),
            ));
        }
    }
    (normalised, out)
}

fn shorten(text: &str) -> String {
    text.chars().take(40).collect()
}

/// Pairs a request with its parsed response body; pointers are into the response body.
pub fn correlate(
    request: &Normalised,
    body: crate::json::doc::Node<'_>,
    status: i64,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if status != 200 {
        out.push(
            Finding::new(&HTTP_STATUS_NOT_200, "", format!("the JSON answer came with HTTP status {status}; the platform answers with 200 and decides by errcode"))
                .with_help("a proxy, gateway or mock produced this answer; check the path the call took"),
        );
    }
    // A quoted errcode ("0", as the page's example writes it) is reported as a quirk; read it as its value here.
    let errcode = body
        .get("errcode")
        .and_then(|c| c.as_i64().or_else(|| c.as_str()?.parse().ok()));
    let success = errcode == Some(0);
    let Some(result) = body.get("result").filter(|_| success) else {
        return out;
    };
    let text = |key: &str| result.get(key).and_then(crate::json::doc::Node::as_str);
    if let Some(login_id) = non_empty(&request.body, "login_id") {
        if text("login_id") != Some(login_id) {
            out.push(
                Finding::new(&LOGIN_ID_RESPONSE_MISMATCH, "/result/login_id", "the request asked for a `login_id`, but `result.login_id` is another or missing")
                    .with_help("check that the capture pairs the right request and response"),
            );
        }
        if text("exclusive_account_type") != Some("dingtalk") {
            out.push(
                Finding::new(&LOGIN_ID_RESPONSE_MISMATCH, "/result", "the request asked by `login_id`, which the page supports only for DingTalk-built Enterprise Accounts, but the response is not one")
                    .with_help("only DingTalk-built Enterprise Accounts of the caller's organization can be looked up by sign-in name"),
            );
        }
    } else if let Some(userid) = non_empty(&request.body, "userid") {
        if text("userid") != Some(userid) {
            out.push(
                Finding::new(
                    &USERID_RESPONSE_MISMATCH,
                    "/result/userid",
                    "the request asked for a `userid`, but `result.userid` is another or missing",
                )
                .with_help("check that the capture pairs the right request and response"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: &str, url: &str, mime: &str, text: &str) -> HarRequest {
        HarRequest {
            method: method.into(),
            url: url.into(),
            query_string: Vec::new(),
            post_data: Some(PostData {
                mime_type: mime.into(),
                text: Some(text.into()),
                params: Vec::new(),
            }),
        }
    }

    fn codes(findings: &[Finding]) -> Vec<&str> {
        findings.iter().map(|f| f.rule.code).collect()
    }

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
    fn the_pages_curl_example_is_flagged() {
        let r = request(
            "POST",
            "https://oapi.dingtalk.io/topapi/v2/user/get",
            "application/x-www-form-urlencoded;charset=utf-8",
            "access_token=a894388c&language=zh_CN&login_id=zhangsan&userid=zhangsan",
        );
        let (normalised, findings) = check(&r);
        assert_eq!(codes(&findings), vec!["DT702", "DT704"]);
        assert!(findings[0].message.contains("curl example"));
        assert_eq!(
            normalised.body.get("login_id").map(String::as_str),
            Some("zhangsan")
        );
    }

    #[test]
    fn a_good_request_passes_and_json_bodies_are_read() {
        let r = request(
            "post",
            "https://oapi.dingtalk.com/topapi/v2/user/get?access_token=t",
            "application/json",
            r#"{"userid":"0001","language":"en_US"}"#,
        );
        assert!(check(&r).1.is_empty());
        let r = request(
            "GET",
            "https://oapi.dingtalk.com/topapi/v2/user/get",
            "application/json",
            r#"{"language":"fr","user_id":"1"}"#,
        );
        let findings = check(&r).1;
        let mut found = codes(&findings);
        found.sort_unstable();
        assert_eq!(found, vec!["DT701", "DT702", "DT703", "DT705", "DT706"]);
    }

    #[test]
    fn responses_must_answer_their_request() {
        let mut q = Normalised::default();
        q.body.insert("userid".into(), "0001".into());
        let answer = |body: Value, status| {
            let doc = crate::json::doc::Doc::from_value(&body);
            correlate(&q, doc.root(), status)
        };
        let body = json!({"errcode":0,"result":{"userid":"0002"}});
        assert_eq!(codes(&answer(body, 200)), vec!["DT708"]);
        assert_eq!(codes(&answer(json!({"errcode":60121}), 502)), vec!["DT709"]);
        q.body.insert("login_id".into(), "zhangsan".into());
        let body = json!({"errcode":0,"result":{"userid":"0001","login_id":"zhangsan","exclusive_account_type":"dingtalk"}});
        let doc = crate::json::doc::Doc::from_value(&body);
        assert!(correlate(&q, doc.root(), 200).is_empty());
    }
}

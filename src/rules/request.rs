//! DT701-DT709: the request of a captured HAR exchange and its agreement with the response.

use std::sync::OnceLock;

use jsonschema::Validator;
use serde_json::{json, Map, Value};

use super::define::{declare_rules, request};
use super::Check;
use crate::api::fields::REQUEST_SCHEMA;
use crate::finding::{Finding, Severity};
use crate::privacy::name;
use crate::api::request::{HarRequest, Normalised, BODY_PARAMETERS};

declare_rules! {
    /// ## What it does
    /// Checks the captured request's method; the page documents `POST` only. For a `GET`, the request checks and the pairing with the response read `userid`, `login_id` and `language` from the query string.
    ///
    /// ## Why is this bad?
    /// The platform answers a `GET` with the parameters in the query too (identity providers call it so), but that is not the documented contract and may stop working; any other method usually means a proxy rewrote the call.
    ///
    /// ## Example
    /// Fails: `GET /topapi/v2/user/get?access_token=...&userid=...`
    ///
    /// Passes: `POST /topapi/v2/user/get?access_token=...` with body `userid=...`
    pub const REQUEST_NOT_POST = request(
        "DT701",
        "request-not-post",
        Severity::Warning,
        "the API was called with another HTTP method than POST, the only one the page documents",
    );

    /// ## What it does
    /// Checks that the request carries `access_token` as a query parameter, where the page's parameter table puts it. The page's own curl example sends it in the form body instead; dtlint says so when it finds it there.
    ///
    /// ## Why is this bad?
    /// Without a token in the query the platform answers errcode 88 with sub_code 40000 (access_token blank).
    ///
    /// ## Example
    /// Fails: `POST /topapi/v2/user/get` with body `access_token=...&userid=...`
    ///
    /// Passes: `POST /topapi/v2/user/get?access_token=...` with body `userid=...`
    pub const ACCESS_TOKEN_NOT_IN_QUERY = request(
        "DT702",
        "access-token-not-in-query",
        Severity::Error,
        "`access_token` is not in the query string (the page's own curl example puts it in the body)",
    );

    /// ## What it does
    /// Checks that the body carries a non-empty `userid` (required by the page) or `login_id`.
    ///
    /// ## Why is this bad?
    /// The platform cannot know which user to return.
    ///
    /// ## Example
    /// Fails: body `language=zh_CN`
    ///
    /// Passes: body `userid=10000000000000001`
    pub const NO_USER_IDENTIFIER = request(
        "DT703",
        "no-user-identifier",
        Severity::Error,
        "the request names neither `userid` nor `login_id`",
    );

    /// ## What it does
    /// Notes a request with both a non-empty `login_id` and a `userid`, as the page's own request example sends them. The page says `userid` is ignored when `login_id` is not empty.
    ///
    /// ## Why is this bad?
    /// The caller may believe it asked for the `userid`, but gets the `login_id`'s account.
    ///
    /// ## Example
    /// Fails: body `login_id=zhangsan&userid=zhangsan`
    pub const USERID_IGNORED_WITH_LOGIN_ID = request(
        "DT704",
        "userid-ignored-with-login-id",
        Severity::Warning,
        "both `userid` and `login_id` are sent; the page says `userid` is then ignored",
    );

    /// ## What it does
    /// Checks the optional `language` parameter against the two values the page lists.
    ///
    /// ## Why is this bad?
    /// The platform falls back or rejects the call (errcode 400002).
    ///
    /// ## Example
    /// Fails: `language=en`
    ///
    /// Passes: `language=en_US`
    pub const INVALID_LANGUAGE = request(
        "DT705",
        "invalid-language",
        Severity::Error,
        "`language` is neither zh_CN nor en_US",
    );

    /// ## What it does
    /// Reports body parameters other than `userid`, `language` and `login_id` (and `access_token`, reported by DT702).
    ///
    /// ## Why is this bad?
    /// The platform ignores them; a misspelt parameter (`user_id`) means the intended one is missing.
    ///
    /// ## Example
    /// Fails: body `user_id=10000000000000001`
    pub const UNKNOWN_REQUEST_PARAMETER = request(
        "DT706",
        "unknown-request-parameter",
        Severity::Warning,
        "the body carries a parameter the page does not document",
    );

    /// ## What it does
    /// For a request with `login_id`, checks that the successful response's `result.login_id` equals it and that the account is DingTalk-built (`exclusive_account_type` dingtalk): the page says querying by sign-in name works only for those.
    ///
    /// ## Why is this bad?
    /// The capture pairs a request with another call's answer, or the platform answered for another account.
    ///
    /// ## Example
    /// Fails: request `login_id=zhangsan`, response `"login_id":"login_id3"` (the page's own example pair).
    pub const LOGIN_ID_RESPONSE_MISMATCH = request(
        "DT707",
        "login-id-response-mismatch",
        Severity::Error,
        "a response to a `login_id` query is not that DingTalk-built Enterprise Account",
    );

    /// ## What it does
    /// For a request by `userid` (without `login_id`), checks that the successful response's `result.userid` equals it.
    ///
    /// ## Why is this bad?
    /// The capture pairs a request with another call's answer, or a cache served the wrong user.
    ///
    /// ## Example
    /// Fails: request `userid=0001`, response `"userid":"0002"`.
    pub const USERID_RESPONSE_MISMATCH = request(
        "DT708",
        "userid-response-mismatch",
        Severity::Error,
        "a response to a `userid` query describes another user",
    );

    /// ## What it does
    /// Reports a captured response whose HTTP status is not 200 although its body is JSON. The platform answers errors with 200 and decides by `errcode`.
    ///
    /// ## Why is this bad?
    /// A proxy, gateway or mock produced the answer; clients that branch on the status code see an error where the body may say success.
    ///
    /// ## Example
    /// Fails: status 502 with `{"errcode":-1,...}`.
    pub const HTTP_STATUS_NOT_200 = request(
        "DT709",
        "http-status-not-200",
        Severity::Warning,
        "a JSON answer came with an HTTP status other than 200",
    );
}

/// No body checks: a HAR entry's request and its pairing with the response are checked by `check` and `correlate`.
pub(crate) const CHECKS: &[Check] = &[];

fn validator() -> Option<&'static Validator> {
    static VALIDATOR: OnceLock<Option<Validator>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            let schema: Value = serde_json::from_str(REQUEST_SCHEMA).ok()?;
            jsonschema::draft202012::options().build(&schema).ok()
        })
        .as_ref()
}

/// Checks one request; pointers are into the HAR entry. The request is read by the one reader
/// the mock also asks ([`HarRequest::normalise`]), so a finding here and the mock's answer are
/// the same decision: DT703 or DT705 where the mock answers errcode 400002.
pub fn check(request: &HarRequest) -> (Normalised, Vec<Finding>) {
    let normalised = request.normalise();
    let mut out = Vec::new();
    // The schema's `query` and `body` are the parameters as the platform reads them: absent
    // ones (`null`, empty) left out, a repeated one once, a GET's body parameters from its query.
    let query: Map<String, Value> = normalised
        .query
        .given()
        .map(|p| (p.name.clone(), Value::from(p.text.as_str())))
        .collect();
    let body: Map<String, Value> = BODY_PARAMETERS
        .iter()
        .filter_map(|name| Some(((*name).to_owned(), Value::from(normalised.value(name)?))))
        .collect();
    let instance = json!({
        "method": normalised.method,
        "query": query,
        "body": body,
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
                let message = if normalised.is_get() {
                    "the request uses GET; the platform answers GET with the parameters in the query string too, but the page documents POST only".to_owned()
                } else {
                    format!(
                        "the request uses {}; the page documents POST only",
                        shorten(&name::shown(&normalised.method))
                    )
                };
                out.push(
                    Finding::new(&REQUEST_NOT_POST, "/request/method", message)
                        .with_help("call the API with POST and the parameters in the body"),
                );
            } else if schema_path.starts_with("/properties/query") {
                let in_body = normalised.body.value("access_token").is_some();
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
                let message = if normalised.is_get() {
                    "the request names neither `userid` nor `login_id`, in its body or query string"
                } else {
                    "the body names neither `userid` nor `login_id`"
                };
                out.push(
                    Finding::new(&NO_USER_IDENTIFIER, body_pointer, message)
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
    if normalised.value("login_id").is_some() && normalised.value("userid").is_some() {
        out.push(
            Finding::new(
                &USERID_IGNORED_WITH_LOGIN_ID,
                body_pointer,
                "both `login_id` and `userid` are sent; the page says `userid` is ignored when `login_id` is not empty",
            )
            .with_help("send only the identifier you mean"),
        );
    }
    // Every name sent counts here, a `null` one too: it was written, and a misspelt name is
    // the defect whatever its value.
    for parameter in normalised.body.names() {
        if !BODY_PARAMETERS.contains(&parameter) && parameter != "access_token" {
            out.push(Finding::new(
                &UNKNOWN_REQUEST_PARAMETER,
                body_pointer,
                format!("the body parameter {} is not documented (the page knows userid, language and login_id)", name::quoted(parameter)),
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
    if let Some(login_id) = request.value("login_id") {
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
    } else if let Some(userid) = request.value("userid") {
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
    use crate::api::request::PostData;

    fn request(method: &str, url: &str, mime: &str, text: &str) -> HarRequest {
        HarRequest {
            method: method.into(),
            url: url.into(),
            query_string: Vec::new(),
            post_data: Some(PostData {
                mime_type: mime.into(),
                text: Some(text.into()),
                params: Vec::new(),
                file: None,
            }),
            headers: Vec::new(),
        }
    }

    fn codes(findings: &[Finding]) -> Vec<&str> {
        findings.iter().map(|f| f.rule.code).collect()
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
        assert_eq!(normalised.body.value("login_id"), Some("zhangsan"));
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
    fn a_get_is_a_warning_and_its_query_names_the_user() {
        let get = HarRequest {
            method: "GET".into(),
            url: "https://oapi.dingtalk.com/topapi/v2/user/get?access_token=t&userid=manager4921"
                .into(),
            query_string: Vec::new(),
            post_data: None,
            headers: Vec::new(),
        };
        let (normalised, findings) = check(&get);
        assert_eq!(codes(&findings), vec!["DT701"]);
        assert_eq!(findings[0].severity, Severity::Warning);
        assert!(findings[0].message.contains("answers GET"));
        // The pairing reads the query's userid too.
        let body = json!({"errcode":0,"result":{"userid":"manager0001"}});
        let doc = crate::json::doc::Doc::from_value(&body);
        assert_eq!(
            codes(&correlate(&normalised, doc.root(), 200)),
            vec!["DT708"]
        );
        // Without userid or login_id anywhere, the request still names no user.
        let bare = HarRequest {
            url: "https://oapi.dingtalk.com/topapi/v2/user/get?access_token=t&language=en".into(),
            ..get
        };
        let findings = check(&bare).1;
        let mut found = codes(&findings);
        found.sort_unstable();
        assert_eq!(found, vec!["DT701", "DT703", "DT705"]);
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

//! One forwarded exchange as the proxy holds it: what the engine checks (the request as sent
//! and the answer), and what `--record` writes as a HAR 1.2 entry, built as a tree and
//! redacted once, never written as text to be read back.

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use hyper::body::Bytes;
use hyper::HeaderMap;
use serde_json::value::RawValue;

use crate::api::request::{HarRequest, NameValue, PostData};
use crate::engine::answer::{Answer, Payload};
use crate::privacy::tree::Tree;

/// The request side of an exchange.
pub(crate) struct Sent<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub query: &'a str,
    pub headers: &'a HeaderMap,
    pub body: &'a Bytes,
}

/// The response side of an exchange.
pub(crate) struct Received<'a> {
    pub status: u16,
    pub headers: &'a HeaderMap,
    pub body: &'a Bytes,
    /// The body decompressed, when the upstream compressed it ([`super::decode`]).
    pub decoded: Option<&'a [u8]>,
}

fn header(headers: &HeaderMap, name: hyper::header::HeaderName) -> &str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// The request as the engine reads it: method, URL, the query's pairs and the body with its
/// type, the same reading a HAR entry's request gets.
pub(crate) fn request(sent: &Sent<'_>) -> HarRequest {
    HarRequest {
        method: sent.method.to_owned(),
        url: sent.url.to_owned(),
        query_string: form_urlencoded::parse(sent.query.as_bytes())
            .map(|(name, value)| NameValue {
                name: name.into_owned(),
                value: value.into_owned(),
            })
            .collect(),
        post_data: (!sent.body.is_empty()).then(|| PostData {
            mime_type: header(sent.headers, hyper::header::CONTENT_TYPE).to_owned(),
            text: Some(String::from_utf8_lossy(sent.body).into_owned()),
            params: Vec::new(),
        }),
        // Only the audit reads a request's headers (for the newer family's token), and the
        // proxy runs none: copying them for every exchange would buy nothing.
        headers: Vec::new(),
    }
}

/// The answer as the engine reads it: the body decompressed, as bytes the guard judges.
pub(crate) fn answer<'a>(received: &Received<'a>) -> Answer<'a> {
    Answer {
        status: i64::from(received.status),
        mime_type: header(received.headers, hyper::header::CONTENT_TYPE),
        body: Payload::Bytes(received.decoded.unwrap_or(received.body)),
    }
}

fn string(text: &str) -> Tree {
    Tree::String(text.to_owned())
}

/// A number (or other scalar) as serde_json writes it.
fn scalar<T: serde::Serialize + ?Sized>(value: &T) -> Tree {
    let raw = serde_json::value::to_raw_value(value)
        .or_else(|_| RawValue::from_string("null".to_owned()));
    // Both are JSON serde_json wrote itself: the second cannot fail.
    raw.map_or_else(|_| Tree::Array(Vec::new()), Tree::Other)
}

fn object(members: Vec<(&str, Tree)>) -> Tree {
    Tree::Object(
        members
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect(),
    )
}

fn pair(name: &str, value: &str) -> Tree {
    object(vec![("name", string(name)), ("value", string(value))])
}

fn header_list(headers: &HeaderMap) -> Tree {
    Tree::Array(
        headers
            .iter()
            .map(|(name, value)| pair(name.as_str(), &String::from_utf8_lossy(value.as_bytes())))
            .collect(),
    )
}

/// The response body as its content says it: decompressed when the upstream compressed it
/// (the client still gets the compressed bytes), base64 when it is not UTF-8.
fn content(headers: &HeaderMap, body: &[u8], decoded: Option<&[u8]>) -> Tree {
    let mime = string(header(headers, hyper::header::CONTENT_TYPE));
    let bytes = decoded.unwrap_or(body);
    match std::str::from_utf8(bytes) {
        Ok(text) => object(vec![
            ("mimeType", mime),
            ("size", scalar(&bytes.len())),
            ("text", string(text)),
        ]),
        Err(_) => object(vec![
            ("encoding", string("base64")),
            ("mimeType", mime),
            ("size", scalar(&bytes.len())),
            (
                "text",
                Tree::String(base64::engine::general_purpose::STANDARD.encode(bytes)),
            ),
        ]),
    }
}

/// The exchange as a HAR entry, for `--record`. The members come sorted by name, as when the
/// entry was built as a `serde_json::Map`, so recordings read as before.
pub(crate) fn entry(
    sent: &Sent<'_>,
    received: &Received<'_>,
    started: SystemTime,
    took: Duration,
) -> Tree {
    let millis = took.as_secs_f64() * 1000.0;
    let mut request = vec![
        ("bodySize", scalar(&sent.body.len())),
        ("cookies", Tree::Array(Vec::new())),
        ("headers", header_list(sent.headers)),
        ("headersSize", scalar(&-1)),
        ("httpVersion", string("HTTP/1.1")),
        ("method", string(sent.method)),
    ];
    if !sent.body.is_empty() {
        request.push((
            "postData",
            object(vec![
                (
                    "mimeType",
                    string(header(sent.headers, hyper::header::CONTENT_TYPE)),
                ),
                ("text", string(&String::from_utf8_lossy(sent.body))),
            ]),
        ));
    }
    request.push((
        "queryString",
        Tree::Array(
            form_urlencoded::parse(sent.query.as_bytes())
                .map(|(name, value)| pair(&name, &value))
                .collect(),
        ),
    ));
    request.push(("url", string(sent.url)));
    object(vec![
        ("cache", Tree::Object(Vec::new())),
        ("request", object(request)),
        (
            "response",
            object(vec![
                ("bodySize", scalar(&received.body.len())),
                (
                    "content",
                    content(received.headers, received.body, received.decoded),
                ),
                ("cookies", Tree::Array(Vec::new())),
                ("headers", header_list(received.headers)),
                ("headersSize", scalar(&-1)),
                ("httpVersion", string("HTTP/1.1")),
                ("redirectURL", string("")),
                ("status", scalar(&received.status)),
                ("statusText", string("")),
            ]),
        ),
        ("startedDateTime", Tree::String(rfc3339(started))),
        ("time", scalar(&millis)),
        (
            "timings",
            object(vec![
                ("receive", scalar(&0)),
                ("send", scalar(&0)),
                ("wait", scalar(&millis)),
            ]),
        ),
    ])
}

/// A time as HAR wants it (ISO 8601 in UTC, milliseconds).
pub(crate) fn rfc3339(time: SystemTime) -> String {
    humantime::format_rfc3339_millis(time).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn times_are_written_as_har_wants_them() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_709_251_200_123);
        assert_eq!(rfc3339(t), "2024-03-01T00:00:00.123Z");
        assert_eq!(rfc3339(SystemTime::UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
    }

    // The entry as a `serde_json` tree, as it was built before: the oracle the recording's
    // tree must equal byte for byte once written.
    fn header_list(headers: &HeaderMap) -> Value {
        Value::Array(
            headers
                .iter()
                .map(|(name, value)| {
                    json!({"name": name.as_str(), "value": String::from_utf8_lossy(value.as_bytes())})
                })
                .collect(),
        )
    }

    fn content_of(headers: &HeaderMap, body: &Bytes) -> Value {
        serde_json::from_str(&content(headers, body, None).to_json()).expect("content is JSON")
    }

    fn tree_entry(
        sent: &Sent<'_>,
        received: &Received<'_>,
        started: SystemTime,
        took: Duration,
    ) -> String {
        let query: Vec<Value> = form_urlencoded::parse(sent.query.as_bytes())
            .map(|(name, value)| json!({"name": name, "value": value}))
            .collect();
        let millis = took.as_secs_f64() * 1000.0;
        let mut request = json!({
            "method": sent.method,
            "url": sent.url,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": header_list(sent.headers),
            "queryString": query,
            "headersSize": -1,
            "bodySize": sent.body.len(),
        });
        if !sent.body.is_empty() {
            request["postData"] = json!({
                "mimeType": header(sent.headers, hyper::header::CONTENT_TYPE),
                "text": String::from_utf8_lossy(sent.body),
            });
        }
        json!({
            "startedDateTime": rfc3339(started),
            "time": millis,
            "request": request,
            "response": {
                "status": received.status,
                "statusText": "",
                "httpVersion": "HTTP/1.1",
                "cookies": [],
                "headers": header_list(received.headers),
                "content": content_of(received.headers, received.body),
                "redirectURL": "",
                "headersSize": -1,
                "bodySize": received.body.len(),
            },
            "cache": {},
            "timings": {"send": 0, "wait": millis, "receive": 0},
        })
        .to_string()
    }

    #[test]
    fn the_entry_is_built_as_its_json_tree_was() {
        use hyper::header::{HeaderName, HeaderValue};
        let mut asked = HeaderMap::new();
        asked.insert(
            hyper::header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        asked.append(
            HeaderName::from_static("x-a"),
            HeaderValue::from_static("1 \"q\" \\ /"),
        );
        asked.append(
            HeaderName::from_static("x-a"),
            HeaderValue::from_bytes(b"caf\xc3\xa9 \xff").expect("header"),
        );
        let mut answered = HeaderMap::new();
        answered.insert(
            hyper::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json;charset=UTF-8"),
        );
        let started = SystemTime::UNIX_EPOCH + Duration::from_millis(1_709_251_200_123);
        let texts: [&[u8]; 4] = [
            b"",
            b"userid=a%20b&language=zh_CN",
            "{\"errcode\":0,\"result\":{\"name\":\"\u{5f20}\\/\\u0001\"}}".as_bytes(),
            b"\xff\xfe not utf-8 \x00",
        ];
        for (i, text) in texts.iter().enumerate() {
            let body = Bytes::copy_from_slice(text);
            for (query, took) in [
                ("", Duration::ZERO),
                (
                    "access_token=t%26&x=%E4%B8%AD&flag",
                    Duration::from_nanos(1_234_567),
                ),
            ] {
                let sent = Sent {
                    method: if i == 0 { "GET" } else { "POST" },
                    url: "http://127.0.0.1:9/topapi/v2/user/get?a=\"b\"",
                    query,
                    headers: &asked,
                    body: &body,
                };
                let received = Received {
                    status: 200,
                    headers: &answered,
                    body: &body,
                    decoded: None,
                };
                assert_eq!(
                    entry(&sent, &received, started, took).to_json(),
                    tree_entry(&sent, &received, started, took)
                );
            }
        }
    }
}

//! One exchange written as a HAR 1.2 entry: what the checker reads (the same reading as a HAR
//! file's entry) and what `--record` writes once redacted.

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use hyper::body::Bytes;
use hyper::HeaderMap;

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

/// The response body as its content says it: decompressed when the upstream compressed it
/// (the client still gets the compressed bytes), base64 when it is not UTF-8.
fn put_content(out: &mut Vec<u8>, headers: &HeaderMap, body: &[u8], decoded: Option<&[u8]>) {
    let mime = header(headers, hyper::header::CONTENT_TYPE);
    let bytes = decoded.unwrap_or(body);
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            out.extend_from_slice(b"{\"mimeType\":");
            put(out, mime);
            out.extend_from_slice(b",\"size\":");
            put(out, &bytes.len());
            out.extend_from_slice(b",\"text\":");
            put(out, text);
        }
        Err(_) => {
            out.extend_from_slice(b"{\"encoding\":\"base64\",\"mimeType\":");
            put(out, mime);
            out.extend_from_slice(b",\"size\":");
            put(out, &bytes.len());
            out.extend_from_slice(b",\"text\":");
            put(
                out,
                &base64::engine::general_purpose::STANDARD.encode(bytes),
            );
        }
    }
    out.push(b'}');
}

/// Appends `value` as JSON (a string escaped as JSON escapes it, a number as serde_json writes
/// it): the same text `json!` would give, without building a tree first.
fn put<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    // Writing to a Vec cannot fail, and every value here is a string or a number.
    let _ = serde_json::to_writer(&mut *out, value);
}

fn put_header_list(out: &mut Vec<u8>, headers: &HeaderMap) {
    out.push(b'[');
    for (i, (name, value)) in headers.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"name\":");
        put(out, name.as_str());
        out.extend_from_slice(b",\"value\":");
        put(out, &String::from_utf8_lossy(value.as_bytes()));
        out.push(b'}');
    }
    out.push(b']');
}

/// The exchange as a HAR entry's JSON text. The members come in the order of a
/// `serde_json::Map` (sorted by name), as when this text was built as a tree, so checks place
/// their findings and `--record` writes entries exactly as before; written straight, it costs
/// the proxy a fraction of the tree's allocations.
pub(crate) fn entry(
    sent: &Sent<'_>,
    received: &Received<'_>,
    started: SystemTime,
    took: Duration,
) -> String {
    let millis = took.as_secs_f64() * 1000.0;
    let mut out = Vec::with_capacity(1024 + sent.body.len() + received.body.len() * 2);
    out.extend_from_slice(b"{\"cache\":{},\"request\":{\"bodySize\":");
    put(&mut out, &sent.body.len());
    out.extend_from_slice(b",\"cookies\":[],\"headers\":");
    put_header_list(&mut out, sent.headers);
    out.extend_from_slice(b",\"headersSize\":-1,\"httpVersion\":\"HTTP/1.1\",\"method\":");
    put(&mut out, sent.method);
    if !sent.body.is_empty() {
        out.extend_from_slice(b",\"postData\":{\"mimeType\":");
        put(&mut out, header(sent.headers, hyper::header::CONTENT_TYPE));
        out.extend_from_slice(b",\"text\":");
        put(&mut out, &String::from_utf8_lossy(sent.body));
        out.push(b'}');
    }
    out.extend_from_slice(b",\"queryString\":[");
    for (i, (name, value)) in form_urlencoded::parse(sent.query.as_bytes()).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"name\":");
        put(&mut out, &name);
        out.extend_from_slice(b",\"value\":");
        put(&mut out, &value);
        out.push(b'}');
    }
    out.extend_from_slice(b"],\"url\":");
    put(&mut out, sent.url);
    out.extend_from_slice(b"},\"response\":{\"bodySize\":");
    put(&mut out, &received.body.len());
    out.extend_from_slice(b",\"content\":");
    put_content(&mut out, received.headers, received.body, received.decoded);
    out.extend_from_slice(b",\"cookies\":[],\"headers\":");
    put_header_list(&mut out, received.headers);
    out.extend_from_slice(
        b",\"headersSize\":-1,\"httpVersion\":\"HTTP/1.1\",\"redirectURL\":\"\",\"status\":",
    );
    put(&mut out, &received.status);
    out.extend_from_slice(b",\"statusText\":\"\"},\"startedDateTime\":");
    put(&mut out, &rfc3339(started));
    out.extend_from_slice(b",\"time\":");
    put(&mut out, &millis);
    out.extend_from_slice(b",\"timings\":{\"receive\":0,\"send\":0,\"wait\":");
    put(&mut out, &millis);
    out.extend_from_slice(b"}}");
    // Only JSON text was written, and serde_json writes UTF-8.
    String::from_utf8(out).unwrap_or_default()
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

    // The tree this text was built as before it was written straight: the oracle the
    // straight text must equal byte for byte.
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

    fn content(headers: &HeaderMap, body: &Bytes) -> Value {
        let mut out = Vec::new();
        put_content(&mut out, headers, body, None);
        serde_json::from_slice(&out).expect("content is JSON")
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
                "content": content(received.headers, received.body),
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
    fn the_entry_is_written_as_its_tree_was() {
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
                    entry(&sent, &received, started, took),
                    tree_entry(&sent, &received, started, took)
                );
            }
        }
    }
}

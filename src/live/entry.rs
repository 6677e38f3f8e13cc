//! One forwarded exchange as the proxy holds it: what the engine checks (the request as sent
//! and the answer), and what `--record` writes as a HAR 1.2 entry, redacted part by part as it
//! is written, never written as text to be read back.

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use hyper::body::Bytes;
use hyper::HeaderMap;

use std::borrow::Cow;

use crate::api::request::HarRequest;
use crate::privacy::scrub::Scrubber;

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

/// A header's value as text (`""` when absent or not text).
pub(crate) fn header(headers: &HeaderMap, name: hyper::header::HeaderName) -> &str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// The request as the engine reads it: method, URL, the query's pairs and the body with its
/// type, the same reading a HAR entry's request gets.
pub(crate) fn request(sent: &Sent<'_>) -> HarRequest {
    HarRequest::sent(
        sent.method,
        sent.url,
        header(sent.headers, hyper::header::CONTENT_TYPE),
        sent.body,
    )
}

/// Appends `value` as JSON (a string escaped as JSON escapes it, a number as serde_json writes
/// it), without building a tree first.
fn put<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    // Writing to a Vec cannot fail, and every value here is a string or a number.
    let _ = serde_json::to_writer(&mut *out, value);
}

/// `[{"name":…,"value":…},…]`, each value as the scrubber leaves it for its name.
fn put_pairs<'p>(
    out: &mut Vec<u8>,
    pairs: impl Iterator<Item = (Cow<'p, str>, Cow<'p, str>)>,
    scrubber: &mut Scrubber,
) {
    out.push(b'[');
    for (i, (name, value)) in pairs.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"name\":");
        put(out, &scrubber.name_of_pair(&name));
        out.extend_from_slice(b",\"value\":");
        put(out, &scrubber.pair_value(&name, &value));
        out.push(b'}');
    }
    out.push(b']');
}

fn header_pairs(headers: &HeaderMap) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> {
    headers.iter().map(|(name, value)| {
        (
            Cow::Borrowed(name.as_str()),
            String::from_utf8_lossy(value.as_bytes()),
        )
    })
}

/// The answer's body as its content says it: decompressed when the upstream compressed it
/// (the client still gets the compressed bytes), base64 when it is not UTF-8; text scrubbed.
fn put_content(out: &mut Vec<u8>, received: &Received<'_>, scrubber: &mut Scrubber) {
    let mime = header(received.headers, hyper::header::CONTENT_TYPE);
    let bytes = received.decoded.unwrap_or(received.body);
    out.extend_from_slice(b"{");
    let text = match std::str::from_utf8(bytes) {
        Ok(text) if mime.contains("json") || text.trim_start().starts_with('{') => {
            scrubber.json_text(text)
        }
        Ok(text) => scrubber.text(text),
        Err(_) => {
            // Bytes that are not text (an image, a broken gzip) carry nothing to scrub.
            out.extend_from_slice(b"\"encoding\":\"base64\",");
            base64::engine::general_purpose::STANDARD.encode(bytes)
        }
    };
    out.extend_from_slice(b"\"mimeType\":");
    put(out, mime);
    out.extend_from_slice(b",\"size\":");
    put(out, &bytes.len());
    out.extend_from_slice(b",\"text\":");
    put(out, &text);
    out.push(b'}');
}

/// The exchange as a redacted HAR entry, for `--record`: written straight from the exchange
/// with each part scrubbed once as what its name says it is, never written as text to be
/// parsed back. The members come sorted by name, as they always have.
pub(crate) fn recorded(
    sent: &Sent<'_>,
    received: &Received<'_>,
    started: SystemTime,
    took: Duration,
    scrubber: &mut Scrubber,
) -> Vec<u8> {
    let millis = took.as_secs_f64() * 1000.0;
    let mut out = Vec::with_capacity(1024 + sent.body.len() + received.body.len() * 2);
    out.extend_from_slice(b"{\"cache\":{},\"request\":{\"bodySize\":");
    let post = (!sent.body.is_empty()).then(|| {
        let text = String::from_utf8_lossy(sent.body);
        if header(sent.headers, hyper::header::CONTENT_TYPE).contains("x-www-form-urlencoded") {
            scrubber.form(&text)
        } else if text.trim_start().starts_with('{') {
            scrubber.json_text(&text)
        } else {
            scrubber.text(&text)
        }
    });
    // The size of the body as recorded, which a redacted value changes.
    put(&mut out, &post.as_ref().map_or(0, String::len));
    out.extend_from_slice(b",\"cookies\":[],\"headers\":");
    put_pairs(&mut out, header_pairs(sent.headers), scrubber);
    out.extend_from_slice(b",\"headersSize\":-1,\"httpVersion\":\"HTTP/1.1\",\"method\":");
    put(&mut out, sent.method);
    if let Some(text) = &post {
        out.extend_from_slice(b",\"postData\":{\"mimeType\":");
        put(&mut out, header(sent.headers, hyper::header::CONTENT_TYPE));
        out.extend_from_slice(b",\"text\":");
        put(&mut out, text);
        out.push(b'}');
    }
    out.extend_from_slice(b",\"queryString\":");
    put_pairs(
        &mut out,
        form_urlencoded::parse(sent.query.as_bytes()),
        scrubber,
    );
    out.extend_from_slice(b",\"url\":");
    put(&mut out, &scrubber.url(sent.url));
    out.extend_from_slice(b"},\"response\":{\"bodySize\":");
    put(&mut out, &received.body.len());
    out.extend_from_slice(b",\"content\":");
    put_content(&mut out, received, scrubber);
    out.extend_from_slice(b",\"cookies\":[],\"headers\":");
    put_pairs(&mut out, header_pairs(received.headers), scrubber);
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
    out
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

    // The entry as a `serde_json` tree, as it was built before it was written straight: once
    // scrubbed by `dtlint redact`'s tree walk, the oracle of what the recording writes.
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
        let text = std::str::from_utf8(body);
        let mime = header(headers, hyper::header::CONTENT_TYPE);
        match text {
            Ok(text) => json!({"mimeType": mime, "size": body.len(), "text": text}),
            Err(_) => json!({"encoding": "base64", "mimeType": mime, "size": body.len(),
                "text": base64::engine::general_purpose::STANDARD.encode(body)}),
        }
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
    fn the_recording_is_what_redact_makes_of_the_entry() {
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
                let written = recorded(
                    &sent,
                    &received,
                    started,
                    took,
                    &mut Scrubber::forgetful(false),
                );
                let written: Value = serde_json::from_slice(&written).expect("JSON");
                let mut oracle =
                    crate::privacy::tree::Tree::parse(&tree_entry(&sent, &received, started, took))
                        .expect("JSON");
                Scrubber::new(false).tree(&mut oracle);
                let mut oracle: Value = serde_json::from_str(&oracle.to_json()).expect("JSON");
                // The walk marks a request it changed as of unknown size; the recording
                // gives the size of the body as it wrote it.
                let post = written["request"]["postData"]["text"]
                    .as_str()
                    .map_or(0, str::len);
                assert_eq!(written["request"]["bodySize"], post);
                oracle["request"]["bodySize"] = written["request"]["bodySize"].clone();
                assert_eq!(written, oracle, "body {i}, query {query:?}");
            }
        }
    }
}

//! One exchange written as a HAR 1.2 entry: what the checker reads (the same reading as a HAR
//! file's entry) and what `--record` writes once redacted.

use std::io::Read;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use hyper::body::Bytes;
use hyper::HeaderMap;
use serde_json::{json, Value};

/// The largest decompressed body read for checking: a compressed answer may not expand without
/// bound in the proxy's memory.
const MAX_DECODED: u64 = 64 << 20;

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
}

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

fn header(headers: &HeaderMap, name: hyper::header::HeaderName) -> &str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// The response body as its content says it: decompressed when the upstream compressed it
/// (the client still gets the compressed bytes), base64 when it is not UTF-8.
fn content(headers: &HeaderMap, body: &Bytes) -> Value {
    let mime = header(headers, hyper::header::CONTENT_TYPE);
    let encoding = header(headers, hyper::header::CONTENT_ENCODING).to_ascii_lowercase();
    let mut decoded = Vec::new();
    let bytes: &[u8] = match encoding.as_str() {
        "gzip" | "x-gzip" => {
            let reader = flate2::read::GzDecoder::new(&body[..]).take(MAX_DECODED);
            match { reader }.read_to_end(&mut decoded) {
                Ok(_) => &decoded,
                Err(_) => body,
            }
        }
        "deflate" => {
            let reader = flate2::read::ZlibDecoder::new(&body[..]).take(MAX_DECODED);
            match { reader }.read_to_end(&mut decoded) {
                Ok(_) => &decoded,
                Err(_) => body,
            }
        }
        _ => body,
    };
    match std::str::from_utf8(bytes) {
        Ok(text) => json!({"size": bytes.len(), "mimeType": mime, "text": text}),
        Err(_) => json!({
            "size": bytes.len(),
            "mimeType": mime,
            "text": base64::engine::general_purpose::STANDARD.encode(bytes),
            "encoding": "base64",
        }),
    }
}

/// The exchange as a HAR entry's JSON text.
pub(crate) fn entry(
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

/// A time as HAR wants it (ISO 8601 in UTC, milliseconds).
pub(crate) fn rfc3339(time: SystemTime) -> String {
    let since = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = since.as_secs();
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        since.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_as_har_wants_them() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_709_251_200_123);
        assert_eq!(rfc3339(t), "2024-03-01T00:00:00.123Z");
        assert_eq!(rfc3339(SystemTime::UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn a_compressed_answer_is_read_decompressed() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(br#"{"errcode":0}"#).expect("gzip");
        let body = Bytes::from(gz.finish().expect("gzip"));
        let mut headers = HeaderMap::new();
        headers.insert(
            hyper::header::CONTENT_ENCODING,
            hyper::header::HeaderValue::from_static("gzip"),
        );
        assert_eq!(content(&headers, &body)["text"], r#"{"errcode":0}"#);
    }
}

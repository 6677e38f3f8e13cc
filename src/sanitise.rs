//! `dtlint redact`: a copy of a HAR capture for tickets, without credentials and with personal values masked,
//! that dtlint still checks with the same findings.

use base64::Engine;
use serde_json::Value;

use crate::fields::{result_fields, Personal};
use crate::redact;

/// What replaces a credential.
const REDACTED: &str = "REDACTED";

fn masked(value: &str, kind: Personal) -> String {
    let mut text = value.to_owned();
    let len = text.len();
    redact::mask(&mut text, 0..len, kind);
    text
}

/// Masks personal values of a response body in place; `extension` keeps its JSON shape.
fn mask_body(body: &mut Value) {
    let Some(result) = body.get_mut("result").and_then(Value::as_object_mut) else {
        return;
    };
    for field in result_fields() {
        let Some(kind) = field.personal else { continue };
        let Some(Value::String(text)) = result.get_mut(&field.name) else {
            continue;
        };
        if field.name == "extension" {
            if let Ok(Value::Object(mut map)) = serde_json::from_str::<Value>(text) {
                for value in map.values_mut() {
                    if let Value::String(s) = value {
                        *s = masked(s, Personal::Text);
                    }
                }
                *text = Value::Object(map).to_string();
                continue;
            }
        }
        *text = masked(text, kind);
    }
}

fn scrub_pairs(list: Option<&mut Value>) {
    for pair in list.and_then(Value::as_array_mut).into_iter().flatten() {
        let secret = pair
            .get("name")
            .and_then(Value::as_str)
            .is_some_and(redact::is_secret_name);
        if secret {
            pair["value"] = Value::from(REDACTED);
        } else if let Some(Value::String(value)) = pair.get_mut("value") {
            // Other values may quote the URL (HTTP/2's `:path`, `Referer`).
            *value = scrub_text(value);
        }
    }
}

fn scrub_all_values(list: Option<&mut Value>) {
    for pair in list.and_then(Value::as_array_mut).into_iter().flatten() {
        if pair.get("value").is_some() {
            pair["value"] = Value::from(REDACTED);
        }
    }
}

/// Replaces credential values inside a URL or form text, keeping the parameter.
fn scrub_text(text: &str) -> String {
    let mut out = text.to_owned();
    redact::redact_secrets(&mut out);
    // Starred values would still be long runs of '*': say plainly what happened.
    let mut result = String::with_capacity(out.len());
    let mut stars = false;
    for c in out.chars() {
        if c == '*' {
            if !stars {
                result.push_str(REDACTED);
            }
            stars = true;
        } else {
            stars = false;
            result.push(c);
        }
    }
    result
}

/// Scrubs credentials from every string of a value: exporters quote URLs in fields of their own
/// (Chrome's `_initiator.url`, Charles' comments).
fn scrub_strings(value: &mut Value) {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s)
                if s.contains("access_token")
                    || s.contains("ppsecret")
                    || s.contains("lient_secret") =>
            {
                *s = scrub_text(s)
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            Value::Object(map) => stack.extend(map.values_mut()),
            _ => {}
        }
    }
}

fn sanitise_entry(entry: &mut Value, show_values: bool) {
    scrub_strings(entry);
    if let Some(request) = entry.get_mut("request") {
        if let Some(Value::String(url)) = request.get_mut("url") {
            *url = scrub_text(url);
        }
        scrub_pairs(request.get_mut("queryString"));
        scrub_pairs(request.get_mut("headers"));
        scrub_all_values(request.get_mut("cookies"));
        if let Some(post) = request.get_mut("postData") {
            if let Some(Value::String(text)) = post.get_mut("text") {
                *text = scrub_text(text);
            }
            scrub_pairs(post.get_mut("params"));
        }
    }
    let Some(response) = entry.get_mut("response") else {
        return;
    };
    scrub_pairs(response.get_mut("headers"));
    scrub_all_values(response.get_mut("cookies"));
    if show_values {
        return;
    }
    let Some(content) = response.get_mut("content") else {
        return;
    };
    let base64 = content.get("encoding").and_then(Value::as_str) == Some("base64");
    let Some(Value::String(text)) = content.get_mut("text") else {
        return;
    };
    let decoded = if base64 {
        base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
    } else {
        Some(text.clone())
    };
    let Some(mut body) = decoded.and_then(|d| serde_json::from_str::<Value>(&d).ok()) else {
        return;
    };
    mask_body(&mut body);
    let body = body.to_string();
    *text = if base64 {
        base64::engine::general_purpose::STANDARD.encode(body)
    } else {
        body
    };
}

/// Sanitises a whole HAR document.
///
/// # Errors
/// When the text is not a HAR (JSON with `log.entries`).
pub fn sanitise_har(text: &str, show_values: bool) -> Result<String, String> {
    let mut har: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| format!("not JSON: {e}"))?;
    let entries = har
        .pointer_mut("/log/entries")
        .and_then(Value::as_array_mut)
        .ok_or("the HAR has no log.entries array")?;
    for entry in entries {
        sanitise_entry(entry, show_values);
    }
    serde_json::to_string_pretty(&har)
        .map(|t| t + "\n")
        .map_err(|e| e.to_string())
}

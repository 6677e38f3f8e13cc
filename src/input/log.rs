//! Finds a user/get body on a log line: a JSON object after any prefix (a time stamp, a level,
//! a logger's name, "response:"), with any text after it.

use std::ops::Range;

use serde::de::IgnoredAny;
use serde::Deserialize;

/// Members that make an object a user/get body: an envelope's, or the ids every `result`
/// carries (SDKs log `rsp.getResult()` too).
#[derive(Deserialize)]
struct Envelope {
    errcode: Option<IgnoredAny>,
    errmsg: Option<IgnoredAny>,
    result: Option<IgnoredAny>,
    userid: Option<IgnoredAny>,
    unionid: Option<IgnoredAny>,
}

impl Envelope {
    fn is_body(&self) -> bool {
        [
            &self.errcode,
            &self.errmsg,
            &self.result,
            &self.userid,
            &self.unionid,
        ]
        .iter()
        .any(|m| m.is_some())
    }
}

/// Objects tried per line: a line of log text rarely holds more braces before its body.
const TRIES: usize = 8;

/// Where the first JSON object on the line that is a user/get envelope is.
pub fn body(line: &str) -> Option<Range<usize>> {
    let mut from = 0;
    for _ in 0..TRIES {
        let start = from + memchr::memchr(b'{', &line.as_bytes()[from..])?;
        let mut values = serde_json::Deserializer::from_str(&line[start..]).into_iter::<Envelope>();
        match values.next() {
            Some(Ok(found)) if found.is_body() => {
                return Some(start..start + values.byte_offset());
            }
            // A body cut short or broken (loggers truncate long values, often with a marker
            // after the cut) is still a body: checked, it is reported as broken JSON.
            Some(Err(error))
                if (error.is_eof() || error.is_syntax()) && envelope_start(&line[start..]) =>
            {
                return Some(start..line.len());
            }
            _ => {}
        }
        from = start + 1;
    }
    None
}

/// Whether a cut-off object starts as a user/get envelope does.
fn envelope_start(object: &str) -> bool {
    let head = object.get(..object.len().min(64)).unwrap_or(object);
    [
        "\"errcode\"",
        "\"errmsg\"",
        "\"result\"",
        "\"userid\"",
        "\"unionid\"",
    ]
    .iter()
    .any(|key| head.contains(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_found_after_any_prefix_and_before_any_suffix() {
        let line = r#"2024-05-01 10:00:01 INFO  DingTalkClient - user/get response: {"errcode":0,"errmsg":"ok","result":{"userid":"a{b"}} (12 ms)"#;
        let range = body(line).expect("a body");
        assert!(line[range.clone()].starts_with("{\"errcode\""));
        assert!(line[range].ends_with("}}"));
    }

    #[test]
    fn other_objects_and_plain_text_are_not_bodies() {
        assert_eq!(body("INFO started {\"port\":8080}"), None);
        let result = "rsp.getResult()={\"userid\":\"manager4921\",\"name\":\"x\"}";
        assert_eq!(
            body(result),
            Some(16..result.len()),
            "a result object alone"
        );
        assert_eq!(body("INFO nothing here"), None);
        assert_eq!(body("ERROR {broken"), None);
        let cut = "rsp {\"errcode\":0,\"errmsg\":\"ok\",\"result\":{\"userid\":\"ab";
        assert_eq!(body(cut), Some(4..cut.len()), "a body cut short is a body");
        let after_other = "ctx {\"trace\":1} rsp {\"errcode\":88,\"errmsg\":\"invalid\"}";
        let range = body(after_other).expect("the second object");
        assert_eq!(
            &after_other[range],
            "{\"errcode\":88,\"errmsg\":\"invalid\"}"
        );
    }
}

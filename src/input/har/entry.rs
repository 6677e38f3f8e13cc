//! A user/get call's HAR entry as dtlint reads it: the request, the response's status and
//! content. An item of `log.entries` that is not one is DT008; entries of other calls are
//! skipped before this read (`call`), so only a user/get entry's shape is judged. A missing or
//! null `response` stays DT008 here: a user/get call without its answer is a finding.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::api::request::{null_as_default, HarRequest, NameValue, PostData};
use crate::finding::Finding;
use crate::json::scan::string_at;
use crate::rules::reader;

#[derive(Debug, Deserialize)]
pub struct Content {
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub encoding: Option<String>,
    #[serde(rename = "mimeType", default, deserialize_with = "null_as_default")]
    pub mime_type: String,
    /// Where the body is kept apart from the HAR (Playwright's `_file`), read by `attached`.
    #[serde(rename = "_file", default)]
    pub file: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct HarResponse {
    #[serde(default)]
    pub status: i64,
    pub content: Content,
    /// Why the call failed, as Playwright writes it (`net::ERR_ABORTED`).
    #[serde(rename = "_failureText", default)]
    pub failure_text: Option<serde_json::Value>,
    /// Why the call failed, as Chromium's devtools write it.
    #[serde(rename = "_error", default)]
    pub error: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
pub struct Entry {
    pub request: HarRequest,
    pub response: HarResponse,
    /// Why the call failed, as mitmproxy writes it (`Client disconnected.`).
    #[serde(rename = "_error", default)]
    pub error: Option<serde_json::Value>,
}

impl Entry {
    /// Whether the call never got an answer, as producers write one: no body, and a status of
    /// 0 or -1 or a failure text. An answer whose body the export left out has a status.
    pub fn unanswered(&self) -> bool {
        let response = &self.response;
        let no_body = response.content.text.as_deref().is_none_or(str::is_empty);
        no_body && (matches!(response.status, 0 | -1) || self.failure().is_some())
    }

    /// What the producer wrote about why the call failed, if it wrote a text.
    pub fn failure(&self) -> Option<&str> {
        [
            &self.response.failure_text,
            &self.response.error,
            &self.error,
        ]
        .into_iter()
        .find_map(|v| v.as_ref().and_then(serde_json::Value::as_str))
        .filter(|text| !text.trim().is_empty())
    }
}

/// [`Entry`] as read from a copy of the entry whose body literal is emptied, the body being
/// decoded apart by [`string_at`]. `serde_json` goes through a string escape by escape, and a
/// JSON body kept as a HAR string has an escaped quote every few bytes. The members are those
/// of [`Entry`], declared alike, so that an entry reads the same way (missing members,
/// defaults, nulls); `text` is taken raw to see where it is.
#[derive(Deserialize)]
struct Emptied<'a, R> {
    request: R,
    #[serde(borrow)]
    response: EmptiedResponse<'a>,
}

/// `request` without its headers, which only the audit reads (for the newer family's
/// token): a run that does not audit is spared copying every header of every entry.
#[derive(Deserialize)]
struct Headless {
    method: String,
    url: String,
    #[serde(rename = "queryString", default, deserialize_with = "null_as_default")]
    query_string: Vec<NameValue>,
    #[serde(rename = "postData", default)]
    post_data: Option<PostData>,
}

impl From<Headless> for HarRequest {
    fn from(request: Headless) -> Self {
        Self {
            method: request.method,
            url: request.url,
            query_string: request.query_string,
            post_data: request.post_data,
            headers: Vec::new(),
        }
    }
}

#[derive(Deserialize)]
struct EmptiedResponse<'a> {
    #[serde(default)]
    status: i64,
    #[serde(borrow)]
    content: EmptiedContent<'a>,
}

#[derive(Deserialize)]
struct EmptiedContent<'a> {
    #[serde(default, borrow)]
    text: Option<&'a RawValue>,
    #[serde(default)]
    encoding: Option<String>,
    #[serde(rename = "mimeType", default, deserialize_with = "null_as_default")]
    mime_type: String,
    #[serde(rename = "_file", default)]
    file: Option<String>,
}

/// The entry read the quick way, or `None` for the usual read to do it: the body literal is
/// taken to be the string after the last `"text":`, decoded, and emptied in a copy of the entry
/// that serde reads. That copy is the entry up to the literal's opening quote and after its
/// closing one, so serde reads every other member as in the entry; the read counts only if
/// serde read `response.content.text` right at that quote, which makes it the body literal.
fn quick<R: serde::de::DeserializeOwned + Into<HarRequest>>(text: &str) -> Option<Entry> {
    let open = memchr::memmem::find_iter(text.as_bytes(), b"\"text\"")
        .filter_map(|key| literal_after(text.as_bytes(), key + 6))
        .last()?;
    let (body, end) = string_at(text, open)?;
    let mut emptied = String::with_capacity(text.len() - (end - open) + 2);
    emptied.push_str(text.get(..=open)?);
    emptied.push_str(text.get(end - 1..)?);
    let Emptied::<R> { request, response } = serde_json::from_str(&emptied).ok()?;
    let EmptiedContent {
        text: literal,
        encoding,
        mime_type,
        file,
    } = response.content;
    let at = literal?.get();
    let here = at.as_ptr() as usize == emptied.as_ptr() as usize + open;
    if !here || at != "\"\"" {
        return None;
    }
    Some(Entry {
        request: request.into(),
        response: HarResponse {
            status: response.status,
            content: Content {
                text: Some(body),
                encoding,
                mime_type,
                file,
            },
            // A body was kept: the call was answered, whatever else the producer wrote.
            failure_text: None,
            error: None,
        },
        error: None,
    })
}

/// Where the string value of a member starts, when `b[from..]` is the rest of a member name:
/// the index of its opening quote.
fn literal_after(b: &[u8], from: usize) -> Option<usize> {
    let ws = |i: usize| {
        i + b.get(i..).map_or(0, |rest| {
            rest.iter()
                .take_while(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
                .count()
        })
    };
    let colon = ws(from);
    (b.get(colon) == Some(&b':')).then_some(())?;
    let open = ws(colon + 1);
    (b.get(open) == Some(&b'"')).then_some(open)
}

/// Reads item `index` of `log.entries`; the request's headers only `with_headers`.
///
/// # Errors
/// DT008, saying what the item lacks.
pub fn parse(index: u64, text: &str, with_headers: bool) -> Result<Entry, Box<Finding>> {
    let quick = if with_headers {
        quick::<HarRequest>(text)
    } else {
        quick::<Headless>(text)
    };
    if let Some(entry) = quick {
        return Ok(entry);
    }
    // What the quick read does not take, `Entry` reads (or rejects) as it always did: the
    // message is serde's about the first thing wrong, wherever it is.
    serde_json::from_str(text).map_err(|error| {
        let reason = error.to_string();
        let reason = reason.split(" at line ").next().unwrap_or_default();
        Box::new(reader::har_entry_invalid(
            index,
            text.starts_with('{'),
            reason,
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://oapi.dingtalk.com/topapi/v2/user/get?access_token=x";

    #[test]
    fn what_exporters_write_in_a_user_get_entry_reads() {
        // Charles's `mimeType: null`, null lists and values, and members dtlint does not read
        // (HTTP/2 pseudo-headers, -1 and null sizes, a null redirectURL).
        let text = format!(
            r#"{{"_charlesStatus":"COMPLETE","request":{{"method":"POST","url":"{URL}","httpVersion":"h3",
            "headers":[{{"name":":authority","value":"oapi.dingtalk.com"}}],"queryString":null,
            "postData":{{"mimeType":null,"text":"userid=manager4921","params":[{{"name":"userid","value":null}}]}},
            "headersSize":null,"bodySize":null}},"response":{{"status":200,"httpVersion":"HTTP/2.0",
            "content":{{"size":-1,"mimeType":null,"text":"{{}}"}},"redirectURL":null,"headersSize":null}}}}"#
        );
        let entry = parse(0, &text, true).expect("reads");
        assert_eq!(entry.response.content.mime_type, "");
        assert!(entry.request.query_string.is_empty());
        let post = entry.request.post_data.expect("postData");
        assert_eq!(post.mime_type, "");
        assert_eq!(post.params[0].value, "");
    }

    #[test]
    fn the_quick_read_reads_what_the_full_read_reads_or_leaves_it_to_it() {
        let request = format!(
            r#""request":{{"method":"POST","url":"{URL}","headers":[{{"name":"x-acs-dingtalk-access-token","value":"t"}}],"postData":{{"text":"a\"b"}}}}"#
        );
        let bodies = [
            r#""text":"{\"errcode\":0,\"name\":\"\u674e\ud83d\ude00\\\"\"}""#,
            r#""text" : "plain", "mimeType":"application/json""#,
            r#""mimeType":null,"text":"""#,
            r#""text":null"#,
            r#""text":5"#,
            r#""text":"\ud800""#,
            r#""text":"raw
control""#,
            r#""text":"a","text":"b""#,
            r#""size":1"#,
        ];
        let mut quick_reads = 0;
        for body in bodies {
            for tail in ["", r#","comment":"text","x":{"text":"not the body"}"#] {
                let text = format!(
                    r#"{{{request},"response":{{"status":200,"content":{{{body}}}{tail}}}}}"#
                );
                let full = serde_json::from_str::<Entry>(&text);
                // Without its headers, the quick read is the full read with no headers.
                if let (Some(headless), Ok(mut full)) = (
                    quick::<Headless>(&text),
                    serde_json::from_str::<Entry>(&text),
                ) {
                    full.request.headers.clear();
                    assert_eq!(format!("{headless:?}"), format!("{full:?}"), "{text}");
                }
                match quick::<HarRequest>(&text) {
                    Some(entry) => {
                        quick_reads += 1;
                        assert_eq!(
                            format!("{entry:?}"),
                            format!("{:?}", full.expect("the full read agrees")),
                            "{text}"
                        );
                    }
                    None => assert!(
                        full.is_err() || !body.contains("\"text\":\"") || tail.contains("body"),
                        "{text}"
                    ),
                }
            }
        }
        // The body with escapes, the spaced one and the empty one, with nothing after them.
        assert_eq!(quick_reads, 3);
    }

    #[test]
    fn a_user_get_call_without_its_response_is_dt008() {
        for response in ["", r#","response":null"#] {
            let text = format!(r#"{{"request":{{"method":"POST","url":"{URL}"}}{response}}}"#);
            let finding = parse(2, &text, true).expect_err("no response");
            assert_eq!(finding.rule.code, "DT008", "{text}");
            assert!(finding.message.contains("response"), "{}", finding.message);
        }
    }
}

//! A user/get call's HAR entry as dtlint reads it: the request, the response's status and
//! content. An item of `log.entries` that is not one is DT008; entries of other calls are
//! skipped before this read (`call`), so only a user/get entry's shape is judged. A missing or
//! null `response` stays DT008 here: a user/get call without its answer is a finding.

use serde::Deserialize;

use crate::api::request::{null_as_default, HarRequest};
use crate::finding::Finding;
use crate::rules::reader;

#[derive(Debug, Deserialize)]
pub struct Content {
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub encoding: Option<String>,
    #[serde(rename = "mimeType", default, deserialize_with = "null_as_default")]
    pub mime_type: String,
}

#[derive(Debug, Deserialize)]
pub struct HarResponse {
    #[serde(default)]
    pub status: i64,
    pub content: Content,
}

#[derive(Debug, Deserialize)]
pub struct Entry {
    pub request: HarRequest,
    pub response: HarResponse,
}

/// Reads item `index` of `log.entries`.
///
/// # Errors
/// DT008, saying what the item lacks.
pub fn parse(index: u64, text: &str) -> Result<Entry, Box<Finding>> {
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
        let entry = parse(0, &text).expect("reads");
        assert_eq!(entry.response.content.mime_type, "");
        assert!(entry.request.query_string.is_empty());
        let post = entry.request.post_data.expect("postData");
        assert_eq!(post.mime_type, "");
        assert_eq!(post.params[0].value, "");
    }

    #[test]
    fn a_user_get_call_without_its_response_is_dt008() {
        for response in ["", r#","response":null"#] {
            let text = format!(r#"{{"request":{{"method":"POST","url":"{URL}"}}{response}}}"#);
            let finding = parse(2, &text).expect_err("no response");
            assert_eq!(finding.rule.code, "DT008", "{text}");
            assert!(finding.message.contains("response"), "{}", finding.message);
        }
    }
}

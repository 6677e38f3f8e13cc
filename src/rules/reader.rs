//! DT001-DT009: the input could not be read as one response (emitted by the readers and the guard).
use super::define::emitted;
use super::Rule;
use crate::finding::{Category, Severity};

pub const INVALID_JSON: Rule = emitted(
    "DT001",
    "invalid-json",
    Category::Parse,
    Severity::Error,
    "the input is not well-formed JSON",
    "## What it does\nReports text that a JSON parser rejects, at the line and column where the parser stopped.\n\n## Why is this bad?\nNo client can read the response; a capture cut short by a proxy looks like this too.\n\n## Example\nFails: `{\"errcode\":0,\"errmsg\":\"ok\"`\n\nPasses: `{\"errcode\":0,\"errmsg\":\"ok\",\"request_id\":\"16lzmj9nqoklx\",\"result\":{...}}`",
);

pub const UNREADABLE_INPUT: Rule = emitted(
    "DT002",
    "unreadable-input",
    Category::Parse,
    Severity::Error,
    "an input path does not exist or cannot be read",
    "## What it does\nReports a path given on the command line (or met while walking a folder) that cannot be opened or read. The rest of the run goes on, and the run exits with 2.\n\n## Why is this bad?\nA gate that silently skips an input it was asked to check would pass for the wrong reason.\n\n## Example\nFails: `dtlint check captures/missing.json`",
);

pub const INVALID_UTF8: Rule = emitted(
    "DT003",
    "invalid-utf8",
    Category::Parse,
    Severity::Error,
    "the input is not valid UTF-8 (binary data or another encoding)",
    "## What it does\nReports input bytes that are not UTF-8, at the first bad byte. JSON exchanged between systems must be UTF-8 (RFC 8259).\n\n## Why is this bad?\nThe platform answers in UTF-8; other bytes mean a binary file, a compressed body saved raw, or a re-encoded capture.\n\n## Example\nFails: a body saved as GBK or UTF-16.",
);

pub const EMPTY_INPUT: Rule = emitted(
    "DT004",
    "empty-input",
    Category::Parse,
    Severity::Error,
    "the input holds no JSON value at all",
    "## What it does\nReports an input that is empty or only white space.\n\n## Why is this bad?\nEvery call of this API answers with a JSON body; an empty one means the capture lost it.\n\n## Example\nFails: a zero-byte `response.json`.",
);

pub const NOT_A_USER_GET_RESPONSE: Rule = emitted(
    "DT005",
    "not-a-user-get-response",
    Category::Parse,
    Severity::Warning,
    "the body is another kind of answer: a throttling page or a body of DingTalk's newer API family",
    "## What it does\nRecognises bodies that are not answers of this API at all: the throttling answer `{\"status\":1111,\"wait\":5,...}`, an HTML page, or a body of DingTalk's newer API family (`{\"code\":...,\"message\":...}`), and reports them once instead of a list of missing fields.\n\n## Why is this bad?\nThe client met rate limiting or called another endpoint; the capture says nothing about this API's contract.\n\n## Example\nFails: `{\"status\":1111,\"wait\":5,\"source\":\"x5\",\"punish\":\"deny\"}`",
);

pub const INPUT_TOO_LARGE: Rule = emitted(
    "DT006",
    "input-too-large",
    Category::Parse,
    Severity::Error,
    "an input is larger than the configured size limit (--max-size)",
    "## What it does\nReports a file, NDJSON line or HAR body larger than `--max-size` instead of reading it, and goes on with the rest.\n\n## Why is this bad?\nA user/get body is a few kilobytes; hundreds of megabytes in one response is not a response of this API and would only cost memory.\n\n## Example\nFails: a 300 MB `.json` file with the default limit of 256 MiB.",
);

pub const HAR_BROKEN: Rule = emitted(
    "DT007",
    "har-broken",
    Category::Parse,
    Severity::Error,
    "a HAR file stops being readable here (truncated or malformed); the entries before it were checked",
    "## What it does\nReports the point where a HAR file stops being well-formed JSON or stops having the HAR shape (`log.entries`), after every entry before that point was checked.\n\n## Why is this bad?\nA truncated export hides the entries after the break: the capture is incomplete.\n\n## Example\nFails: a `.har` cut off in the middle of `log.entries`.",
);

pub const HAR_ENTRY_INVALID: Rule = emitted(
    "DT008",
    "har-entry-invalid",
    Category::Parse,
    Severity::Error,
    "an item of `log.entries` is not a HAR entry (an object with `request` and `response`)",
    "## What it does\nReports an item of `log.entries` that is not an object with a `request` (method, url) and a `response` (status, content), as HAR 1.2 defines them.\n\n## Why is this bad?\nThe exchange cannot be checked; the exporter or an edit broke the file.\n\n## Example\nFails: `\"entries\":[\"GET /topapi/v2/user/get\"]`",
);

pub const RESPONSE_BODY_MISSING: Rule = emitted(
    "DT009",
    "response-body-missing",
    Category::Parse,
    Severity::Error,
    "a captured call of the API has no response body, or one that cannot be decoded",
    "## What it does\nReports a HAR entry for `/topapi/v2/user/get` whose `response.content.text` is missing or empty, or whose base64 body does not decode to UTF-8 text.\n\n## Why is this bad?\nThe response cannot be checked. Browsers leave bodies out when the capture was started late or content saving was off.\n\n## Example\nFails: `\"content\":{\"size\":812,\"mimeType\":\"application/json\"}` without `text`.",
);

//! DT001-DT009, DT014-DT015: the input could not be read as one response or cassette (emitted by the readers and the guard).
use super::define::{declare_rules, emitted};
use super::Check;
use crate::finding::{Category, Finding, Rule, Severity};
use crate::json::doc::Node;

declare_rules! {
    /// ## What it does
    /// Reports text that a JSON parser rejects, at the line and column where the parser stopped.
    ///
    /// ## Why is this bad?
    /// No client can read the response; a capture cut short by a proxy looks like this too.
    ///
    /// ## Example
    /// Fails: `{"errcode":0,"errmsg":"ok"`
    ///
    /// Passes: `{"errcode":0,"errmsg":"ok","request_id":"16lzmj9nqoklx","result":{...}}`
    pub const INVALID_JSON = emitted(
        "DT001",
        "invalid-json",
        Category::Parse,
        Severity::Error,
        "the input is not well-formed JSON",
    );

    /// ## What it does
    /// Reports a path given on the command line (or met while walking a folder) that cannot be opened or read. The rest of the run goes on, and the run exits with 2.
    ///
    /// ## Why is this bad?
    /// A gate that silently skips an input it was asked to check would pass for the wrong reason.
    ///
    /// ## Example
    /// Fails: `dtlint check captures/missing.json`
    pub const UNREADABLE_INPUT = emitted(
        "DT002",
        "unreadable-input",
        Category::Parse,
        Severity::Error,
        "an input path does not exist or cannot be read",
    );

    /// ## What it does
    /// Reports input bytes that are not UTF-8, at the first bad byte. JSON exchanged between systems must be UTF-8 (RFC 8259).
    ///
    /// ## Why is this bad?
    /// The platform answers in UTF-8; other bytes mean a binary file, a compressed body saved raw, or a re-encoded capture.
    ///
    /// ## Example
    /// Fails: a body saved as GBK or UTF-16.
    pub const INVALID_UTF8 = emitted(
        "DT003",
        "invalid-utf8",
        Category::Parse,
        Severity::Error,
        "the input is not valid UTF-8 (binary data or another encoding)",
    );

    /// ## What it does
    /// Reports an input that is empty or only white space.
    ///
    /// ## Why is this bad?
    /// Every call of this API answers with a JSON body; an empty one means the capture lost it.
    ///
    /// ## Example
    /// Fails: a zero-byte `response.json`.
    pub const EMPTY_INPUT = emitted(
        "DT004",
        "empty-input",
        Category::Parse,
        Severity::Error,
        "the input holds no JSON value at all",
    );

    /// ## What it does
    /// Recognises bodies that are not answers of this API at all: the throttling answer `{"status":1111,"wait":5,...}`, an HTML page, or a body of DingTalk's newer API family (`{"code":...,"message":...}`), and reports them once instead of a list of missing fields.
    ///
    /// ## Why is this bad?
    /// The client met rate limiting or called another endpoint; the capture says nothing about this API's contract.
    ///
    /// ## Example
    /// Fails: `{"status":1111,"wait":5,"source":"x5","punish":"deny"}`
    pub const NOT_A_USER_GET_RESPONSE = emitted(
        "DT005",
        "not-a-user-get-response",
        Category::Parse,
        Severity::Warning,
        "the body is another kind of answer: a throttling page or a body of DingTalk's newer API family",
    );

    /// ## What it does
    /// Reports a file, NDJSON line or HAR body larger than `--max-size` instead of reading it, or one holding more than 50,000 JSON values, and goes on with the rest. The default limit, 8 MiB, keeps dtlint under 100 MB of memory whatever it reads; an oversized line or entry is skipped without being held. A HAR entry over the limit whose first bytes show another call than user/get is passed over quietly and counted as a skipped entry.
    ///
    /// ## Why is this bad?
    /// A user/get body is a few kilobytes and a few hundred values; megabytes in one response is not a response of this API and would only cost memory.
    ///
    /// ## Example
    /// Fails: a 300 MB NDJSON line, or a 20 MB `.json` file.
    pub const INPUT_TOO_LARGE = emitted(
        "DT006",
        "input-too-large",
        Category::Parse,
        Severity::Error,
        "an input is larger than the configured size limit (--max-size)",
    );

    /// ## What it does
    /// Reports the point where a HAR file stops being well-formed JSON or stops having the HAR shape (`log.entries`), after every entry before that point was checked. A member name that occurs again in the HAR object (`log`) or in `log` (`entries`) is reported at its second occurrence with how often it occurs: the entries of the first are checked, and the repeats are read past without being kept.
    ///
    /// ## Why is this bad?
    /// A truncated export hides the entries after the break: the capture is incomplete. A repeated `log` or `entries` makes tools disagree on which entries the file holds (serde_json and JavaScript keep the last).
    ///
    /// ## Example
    /// Fails: a `.har` cut off in the middle of `log.entries`, or `{"log":{"entries":[]},"log":{"entries":[...]}}`.
    pub const HAR_BROKEN = emitted(
        "DT007",
        "har-broken",
        Category::Parse,
        Severity::Error,
        "a HAR file stops being readable here (truncated or malformed); the entries before it were checked",
    );

    /// ## What it does
    /// Reports an item of `log.entries` that is not an object with a `request` (method, url) and a `response` (status, content), as HAR 1.2 defines them.
    ///
    /// ## Why is this bad?
    /// The exchange cannot be checked; the exporter or an edit broke the file.
    ///
    /// ## Example
    /// Fails: `"entries":["GET /topapi/v2/user/get"]`
    pub const HAR_ENTRY_INVALID = emitted(
        "DT008",
        "har-entry-invalid",
        Category::Parse,
        Severity::Error,
        "an item of `log.entries` is not a HAR entry (an object with `request` and `response`)",
    );

    /// ## What it does
    /// Reports a HAR entry for `/topapi/v2/user/get` whose `response.content.text` is missing or empty, or whose base64 body does not decode to UTF-8 text.
    ///
    /// ## Why is this bad?
    /// The response cannot be checked. Browsers leave bodies out when the capture was started late or content saving was off.
    ///
    /// ## Example
    /// Fails: `"content":{"size":812,"mimeType":"application/json"}` without `text`.
    pub const RESPONSE_BODY_MISSING = emitted(
        "DT009",
        "response-body-missing",
        Category::Parse,
        Severity::Error,
        "a captured call of the API has no response body, or one that cannot be decoded",
    );

    /// ## What it does
    /// Reports a captured call of `/topapi/v2/user/get` that never got an answer: the producer
    /// wrote no response body and a status of 0 or -1, or a failure text (Playwright's
    /// `_failureText`, mitmproxy's `_error`). Each such call is counted as unanswered in the
    /// summary.
    ///
    /// ## Why is this bad?
    /// It is no defect of an answer, since the platform answered nothing: the call was cancelled,
    /// timed out or failed on the way (a page navigated away, a client disconnected). A test
    /// that cancels calls on purpose can ignore this rule; otherwise, find out why the call
    /// failed, and check its answer when it gets one.
    ///
    /// ## Example
    /// Reported: `"response":{"status":-1,"content":{"size":-1,"mimeType":"x-unknown"},"_failureText":"net::ERR_ABORTED"}`.
    pub const CALL_UNANSWERED = emitted(
        "DT010",
        "call-unanswered",
        Category::Parse,
        Severity::Warning,
        "a captured call of the API never got an answer (cancelled or failed on the way)",
    );
}

/// No body checks: these rules are emitted while reading, before there is a body to check.
pub(crate) const CHECKS: &[Check] = &[];

/// What a reader-level finding is about, as its message names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A whole input: a file or standard input.
    Input,
    /// A line of an NDJSON input (0-based).
    Line(u64),
    /// An item of a HAR's `log.entries` (0-based).
    Entry(u64),
    /// The response body of a HAR entry.
    Body,
}

impl Subject {
    /// Whether the subject is one part of a stream that goes on without it.
    fn is_part(self) -> bool {
        matches!(self, Self::Line(_) | Self::Entry(_))
    }
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Input => f.write_str("the input"),
            Self::Line(index) => write!(f, "line {}", index + 1),
            Self::Entry(index) => write!(f, "HAR entry {index}"),
            Self::Body => f.write_str("the response body"),
        }
    }
}

/// DT001: the text is not JSON; `non_finite` when the parser stopped at `NaN` or `Infinity`.
pub fn invalid_json(subject: Subject, error: &serde_json::Error, non_finite: bool) -> Finding {
    let message = if non_finite {
        format!("{subject} is not valid JSON: NaN and Infinity are JavaScript, not JSON (a serializer wrote a non-finite number)")
    } else {
        // serde_json's message without its own " at line L column C": the finding carries them.
        let full = error.to_string();
        let text = full
            .rfind(" at line ")
            .map_or(full.as_str(), |cut| &full[..cut]);
        let kind = match error.classify() {
            serde_json::error::Category::Eof if subject == Subject::Input => {
                "the JSON ends too early".to_owned()
            }
            serde_json::error::Category::Eof => format!("{subject} ends too early"),
            _ => format!("{subject} is not valid JSON"),
        };
        if text.contains("recursion limit") {
            format!(
                "{kind}: nesting deeper than 128 levels (no response of this API nests beyond 4)"
            )
        } else {
            format!("{kind}: {text}")
        }
    };
    Finding::new(&INVALID_JSON, "", message)
        .with_help("the capture may be truncated or re-encoded; compare with the raw body")
}

/// DT002: an input that cannot be opened or read.
pub fn unreadable(reason: String) -> Finding {
    Finding::new(&UNREADABLE_INPUT, "", reason)
}

/// What bytes that are not UTF-8 look like instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotUtf8 {
    /// They start with a UTF-16 byte order mark.
    Utf16,
    /// They start with gzip's magic bytes.
    Gzip,
    /// The byte at this offset starts no valid character.
    At(usize, u8),
}

/// DT003: the bytes are not UTF-8.
pub fn invalid_utf8(subject: Subject, what: NotUtf8) -> Finding {
    let message = match what {
        NotUtf8::Utf16 => format!("{subject} is UTF-16 (it starts with a UTF-16 byte order mark); JSON bodies must be UTF-8"),
        NotUtf8::Gzip => format!("{subject} is gzip-compressed (it starts with gzip's magic bytes): the body was saved before decompression"),
        NotUtf8::At(offset, byte) => format!("{subject} is not UTF-8: byte {offset} (0x{byte:02x}) starts no valid character; binary data or another encoding"),
    };
    Finding::new(&INVALID_UTF8, "", message)
        .with_help("save the body as UTF-8 bytes exactly as received")
}

/// DT004: nothing but white space.
pub fn empty_input(subject: Subject) -> Finding {
    Finding::new(
        &EMPTY_INPUT,
        "",
        format!("{subject} is empty: no JSON value to check"),
    )
}

/// DT005: an HTML page where a JSON body should be.
pub fn html_page(subject: Subject) -> Finding {
    // A page is a body whatever carried it; "the input" would read as the file's fault.
    let subject = match subject {
        Subject::Input => "the body".to_owned(),
        other => other.to_string(),
    };
    Finding::new(
        &NOT_A_USER_GET_RESPONSE,
        "",
        format!("{subject} is an HTML page, not JSON (DingTalk answers throttled calls with such a page)"),
    )
    .with_help("retry later, or check that the capture saved the API's body and not a login or error page")
}

/// Whether `rule` says a text broke its format's own grammar (JSON, UTF-8, an empty input, a
/// HAR, a cassette): read in another format, it might not have, so an input whose format was
/// guessed says how to force one.
pub fn broke_its_format(rule: &Rule) -> bool {
    [
        &INVALID_JSON,
        &INVALID_UTF8,
        &EMPTY_INPUT,
        &HAR_BROKEN,
        &super::cassette::CASSETTE_BROKEN,
    ]
    .contains(&rule)
}

/// DT005: a JSON body of another kind of answer, recognised by its members.
pub fn foreign_body(body: Node<'_>) -> Option<Finding> {
    let object = body.is_object().then_some(body)?;
    if object.contains_key("errcode") {
        return None;
    }
    let message = if object.contains_key("status") && object.contains_key("wait") {
        "the body is DingTalk's throttling answer ({\"status\":...,\"wait\":...}), not a response of this API"
    } else if object.contains_key("code") && object.contains_key("message") {
        "the body has `code` and `message`: it comes from DingTalk's newer API family, not from topapi/v2/user/get"
    } else {
        return None;
    };
    Some(
        Finding::new(&NOT_A_USER_GET_RESPONSE, "", message).with_help(
            "retry later for throttling; check the URL the client called for a newer-API body",
        ),
    )
}

/// DT006: larger than `limit`; `size` when it is known (a stream read up to the limit is not).
pub fn too_large(subject: Subject, size: Option<u64>, limit: u64) -> Finding {
    let skipped = if subject.is_part() {
        "; it was skipped"
    } else {
        ""
    };
    let message = match size {
        Some(size) => {
            format!(
                "{subject} has {size} bytes, more than the limit of {limit} (--max-size){skipped}"
            )
        }
        None => {
            format!("{subject} is larger than the limit of {limit} bytes (--max-size){skipped}")
        }
    };
    Finding::new(&INPUT_TOO_LARGE, "", message)
}

/// DT006: a text within the size limit that holds more values than any answer does; checking
/// it would cost memory out of proportion to its size.
pub fn too_many_values(subject: Subject) -> Finding {
    Finding::new(
        &INPUT_TOO_LARGE,
        "",
        format!(
            "{subject} holds more than {} JSON values; reading stopped here",
            crate::json::doc::MAX_VALUES
        ),
    )
    .with_help("a user/get answer holds a few hundred values; this is not one")
}

/// DT007: the HAR stops being readable.
pub fn har_broken(reason: &str) -> Finding {
    Finding::new(&HAR_BROKEN, "", format!("the HAR breaks here: {reason}"))
        .with_help("export the capture again; every entry before this point was checked")
}

/// DT006: item `index` of `log.entries` is larger than `limit`; `user_get` when its kept part
/// shows a user/get call, otherwise its request URL was not within that part.
pub fn entry_too_large(index: u64, size: u64, limit: u64, user_get: bool) -> Finding {
    let message = if user_get {
        format!("HAR entry {index}, a call of /topapi/v2/user/get, has {size} bytes, more than the limit of {limit} (--max-size); it was skipped")
    } else {
        format!("HAR entry {index} has {size} bytes, more than the limit of {limit} (--max-size), and no request URL in its first {limit} bytes, so it may be a user/get call; it was skipped")
    };
    Finding::new(&INPUT_TOO_LARGE, "", message).with_help(
        "raise --max-size above the entry's size to check it; entries of other calls over the limit are passed over",
    )
}

/// DT007: `name` occurs `count` times in `parent` (`log`, or the HAR object when empty);
/// `broken` when the file breaks later, so the count is of the part read.
pub fn har_repeated_member(
    name: &str,
    parent: &str,
    count: u64,
    first: crate::json::Location,
    broken: bool,
) -> Finding {
    let within = if parent.is_empty() {
        "the HAR object".to_owned()
    } else {
        format!("`{parent}`")
    };
    let times = if broken {
        format!("at least {count} times")
    } else {
        format!("{count} times")
    };
    let checked = match (parent, name) {
        ("", "log") => "; only the entries of the first `log` were checked",
        ("log", "entries") => "; only the items of the first `entries` were checked",
        _ => "",
    };
    Finding::new(
        &HAR_BROKEN,
        "",
        format!(
            "the HAR is ambiguous here: {} occurs {times} in {within} (first at line {}, column {}){checked}",
            crate::privacy::name::quoted(name), first.line, first.column
        ),
    )
    .with_help("readers disagree on a repeated member (serde_json and JavaScript keep the last, a streaming reader the first): export the capture again")
}

/// DT008: item `index` of `log.entries` is not a HAR entry; `object` when it is a JSON object.
pub fn har_entry_invalid(index: u64, object: bool, reason: &str) -> Finding {
    let what = if object {
        "lacks what a HAR entry has (request.method, request.url, response.content)"
    } else {
        "is not an object"
    };
    Finding::new(
        &HAR_ENTRY_INVALID,
        "",
        format!("item {index} of log.entries {what}: {reason}"),
    )
    .with_help("each item of log.entries is an object with request and response (HAR 1.2)")
}

/// DT009: the entry has no body text.
pub fn response_body_missing() -> Finding {
    Finding::new(
        &RESPONSE_BODY_MISSING,
        "/response/content",
        "the captured response has no body text (the export left it out)",
    )
    .with_help(
        "capture again with response bodies saved (devtools: 'Save all as HAR with content')",
    )
}

/// DT010: the call got no answer; `failure` is what the producer wrote about why.
pub fn call_unanswered(status: i64, failure: Option<&str>) -> Finding {
    let why = failure
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(|f| format!(" ({f})"))
        .unwrap_or_default();
    Finding::new(
        &CALL_UNANSWERED,
        "/response/status",
        format!("the call never got an answer: status {status}, no body{why}; there is no answer to check"),
    )
    .with_help("a cancelled or failed call is no defect of an answer: find out why it failed, or ignore DT010 where calls are cancelled on purpose")
}

/// DT009: the body is marked base64 but cannot be decoded.
pub fn response_body_not_base64() -> Finding {
    Finding::new(
        &RESPONSE_BODY_MISSING,
        "/response/content/text",
        "the response body is marked base64 but is not valid base64",
    )
}

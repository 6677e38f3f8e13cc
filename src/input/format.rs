//! The formats of inputs: how a text holds responses, as a file's name or `--stdin-format` says,
//! or as the first bytes of standard input show.

use std::path::Path;

use crate::input::decompress::Compression;

/// How an input's text holds responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum InputFormat {
    /// One response body.
    Json,
    /// One response per line (NDJSON, JSON Lines).
    Ndjson,
    /// A HAR 1.2 capture.
    Har,
    /// An application log: a response after any prefix on its line; other lines are skipped.
    Log,
    /// A VCR cassette (VCR.py, pytest-recording, Ruby VCR): YAML, or JSON told by its content.
    Vcr,
    /// Framed records (standard input only): lines of NDJSON or log files, each carrying its
    /// source, its position and the source's modification time, as a cluster job shards them.
    Framed,
    /// Recognised by its content (standard input, special files): a HAR, a cassette, NDJSON,
    /// one JSON body or a log, compressed or not. Framed records are never guessed.
    Auto,
}

impl InputFormat {
    /// The format a file name says, if dtlint reads such files; a compressed file's is the
    /// name's before `.gz` or `.zst` (`capture.har.gz`).
    pub fn of(path: &Path) -> Option<Self> {
        if Compression::named(path) {
            return Self::of(Path::new(path.file_stem()?));
        }
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "json" => Some(Self::Json),
            "ndjson" | "jsonl" => Some(Self::Ndjson),
            // Playwright's `record_har_path="capture.zip"`: a HAR and its bodies as one archive.
            "har" | "zip" => Some(Self::Har),
            "log" => Some(Self::Log),
            "yaml" | "yml" => Some(Self::Vcr),
            _ => None,
        }
    }
}

/// Bytes of standard input looked at to tell its format: enough for a HAR's or a cassette's
/// first key, and for the first two lines of NDJSON or of a log.
pub const SNIFF: usize = 64 * 1024;

/// Members that only a user/get answer (or its `result` alone) carries at its top level: a JSON
/// object with none of them in its first bytes is some other file (`package.json`).
const CAPTURE_KEYS: [&[u8]; 6] = [
    b"\"errcode\"",
    b"\"errmsg\"",
    b"\"result\"",
    b"\"request_id\"",
    b"\"userid\"",
    b"\"unionid\"",
];

impl InputFormat {
    /// The format's name in messages, as `--stdin-format` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Ndjson => "ndjson",
            Self::Har => "har",
            Self::Log => "log",
            Self::Vcr => "vcr",
            Self::Framed => "framed",
            Self::Auto => "auto",
        }
    }

    /// The format of a text from its first (decompressed) bytes: `{"log"` a HAR, a cassette's
    /// key a cassette, a first line that is a whole JSON value followed by another line NDJSON,
    /// any other JSON one body, and text with a `{` after a prefix on a line a log. What is none
    /// of these is read as one body, whose reader says what is wrong with it.
    pub fn sniff(head: &[u8]) -> Self {
        let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
        let start = text
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(text.len());
        let text = &text[start..];
        if crate::input::is_cassette(text) {
            return Self::Vcr;
        }
        match text.first() {
            None | Some(b'[') => Self::Json,
            Some(b'{') if first_key(text) == Some(&b"log"[..]) => Self::Har,
            Some(b'{') => {
                let mut lines = text.split(|&b| b == b'\n');
                let first = lines.next().unwrap_or_default();
                let more = lines.any(|line| !line.trim_ascii().is_empty());
                let whole = serde_json::from_slice::<serde::de::IgnoredAny>(first).is_ok();
                if whole && more {
                    Self::Ndjson
                } else {
                    Self::Json
                }
            }
            Some(_) if looks_like_log(text) => Self::Log,
            Some(_) => Self::Json,
        }
    }
}

/// Whether the first bytes of a JSON file met in a folder may be a capture: anything but an
/// object that names none of an answer's members (a project's `package.json`, `tsconfig.json`).
/// Text that is no JSON object at all is kept, so its reader can say what is wrong with it.
pub fn may_hold_capture(head: &[u8]) -> bool {
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let object = text
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'{');
    let has = |key: &[u8]| memchr::memmem::find(text, key).is_some();
    // A HAR or a cassette saved as `.json` is read as what it is; the platform's throttling
    // answer and a newer-API body are answers a tester saved, which DT005 names.
    !object
        || CAPTURE_KEYS.iter().any(|key| has(key))
        || (has(b"\"status\"") && has(b"\"wait\""))
        || (has(b"\"code\"") && has(b"\"message\""))
        || crate::input::is_cassette(text)
        || memchr::memmem::find(text, b"\"log\"").is_some()
}

/// The first member name of a JSON object's text, if it starts with one.
fn first_key(object: &[u8]) -> Option<&[u8]> {
    let rest = object.strip_prefix(b"{")?.trim_ascii_start();
    let rest = rest.strip_prefix(b"\"")?;
    let end = memchr::memchr(b'"', rest)?;
    Some(&rest[..end])
}

/// Whether a text is lines of words with a JSON object after a prefix on some line, as a
/// service's log is; binary or other text is not.
fn looks_like_log(text: &[u8]) -> bool {
    let valid = match std::str::from_utf8(text) {
        Ok(_) => true,
        // The head may end inside a character.
        Err(error) => error.error_len().is_none(),
    };
    valid && text.split(|&b| b == b'\n').any(|line| line.contains(&b'{'))
}

/// What an input holds, told by its format and its first bytes once decompressed: the one
/// decision `dtlint check` and `dtlint redact` both read an input by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// One response body, read whole.
    Body,
    /// A VCR cassette, read whole: named so, or a JSON one told by its first member.
    Cassette,
    /// A HAR, streamed entry by entry.
    Har,
    /// A HAR zip archive (Playwright's `capture.zip`), told by its first bytes whatever it is
    /// called.
    Zip,
    /// One JSON value per line (NDJSON, JSON Lines, framed records).
    Lines,
    /// An application log: a body after any prefix on its line.
    Log,
}

impl InputFormat {
    /// What an input of this format holds, given its first bytes (decompressed): the whole
    /// text for a format read whole (JSON, a cassette), as much as is at hand for a stream.
    pub fn content(self, head: &[u8]) -> Content {
        match self {
            Self::Vcr => Content::Cassette,
            Self::Json if crate::input::is_cassette(head) => Content::Cassette,
            Self::Json => Content::Body,
            _ if crate::input::archive::is_zip(head) => Content::Zip,
            // `sniff` never answers `Auto`, so this asks once.
            Self::Auto => Self::sniff(head).content(head),
            Self::Har => Content::Har,
            Self::Log => Content::Log,
            Self::Ndjson | Self::Framed => Content::Lines,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::InputFormat;

    #[test]
    fn sniffing_tells_each_format_by_its_first_bytes() {
        let cases: [(&[u8], InputFormat); 10] = [
            (b"{\n  \"log\": {\"version\": \"1.2\"", InputFormat::Har),
            (b"\xef\xbb\xbf{\"log\":{}}", InputFormat::Har),
            (b"{\"errcode\":0}\n{\"errcode\":0}\n", InputFormat::Ndjson),
            (b"{\"errcode\":0,\"result\":{}}\n", InputFormat::Json),
            (
                b"{\n  \"errcode\": 0,\n  \"result\": {}\n}\n",
                InputFormat::Json,
            ),
            (b"interactions:\n- request:\n", InputFormat::Vcr),
            (b"{\"version\": 1, \"interactions\": []}", InputFormat::Vcr),
            (
                b"2026-12-07 10:00:00 INFO rsp={\"errcode\":0}\n",
                InputFormat::Log,
            ),
            (b"\x00\x01\xff binary", InputFormat::Json),
            (b"", InputFormat::Json),
        ];
        for (head, expected) in cases {
            assert_eq!(
                InputFormat::sniff(head),
                expected,
                "{}",
                String::from_utf8_lossy(head)
            );
        }
    }

    #[test]
    fn a_folder_s_json_is_a_capture_unless_it_is_an_object_naming_no_answer_member() {
        assert!(!super::may_hold_capture(
            b"{\"name\": \"app\", \"version\": \"1.0.0\"}"
        ));
        assert!(super::may_hold_capture(b"{\"errcode\": 40078}"));
        assert!(super::may_hold_capture(
            b"{\"status\":1111,\"wait\":5,\"source\":\"x5\",\"punish\":\"deny\"}"
        ));
        assert!(super::may_hold_capture(
            b"{\"code\":\"InvalidAuthentication\",\"message\":\"no token\"}"
        ));
        assert!(super::may_hold_capture(
            b"{\"userid\": \"u1\", \"name\": \"A\"}"
        ));
        assert!(super::may_hold_capture(b"{\"errcode\": 0,"));
        assert!(super::may_hold_capture(b"[[[["));
        assert!(super::may_hold_capture(b"not json"));
        assert!(super::may_hold_capture(b""));
    }
}

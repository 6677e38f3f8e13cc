//! The formats of inputs: how a text holds responses, as a file's name or `--stdin-format` says.

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
            Self::Har => Content::Har,
            Self::Log => Content::Log,
            Self::Ndjson | Self::Framed => Content::Lines,
        }
    }
}

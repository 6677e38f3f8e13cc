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

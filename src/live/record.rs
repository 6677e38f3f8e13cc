//! `dtlint proxy --record`: the session as a HAR, each entry redacted as it is written (the
//! proxy scrubs each part of the exchange by what its name says it is) and flushed whenever no
//! exchange waits, so the file is whole but for its closing, which [`Recorder::finish`] writes
//! at Ctrl-C or SIGTERM. With a rotation, a file
//! that reaches its size or entry count is closed (a whole HAR) and the next one begun:
//! `capture.har`, `capture.2.har`, `capture.3.har`…

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::privacy::scrub::Scrubber;
use crate::privacy::tree::Tree;

/// When a recording moves on to its next file; `None` never.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rotation {
    /// Bytes a file may reach: an entry that would take it past this begins the next file
    /// (a single entry larger than this has a file to itself).
    pub max_bytes: Option<u64>,
    /// Entries a file holds.
    pub max_entries: Option<u64>,
}

/// A HAR being written.
pub struct Recorder {
    path: PathBuf,
    rotation: Rotation,
    out: BufWriter<File>,
    scrubber: Scrubber,
    /// Entries in the current file, and in all files.
    in_file: u64,
    entries: u64,
    written: u64,
    files: u64,
}

/// The opening of every file.
fn opening() -> String {
    format!(
        "{{\"log\":{{\"version\":\"1.2\",\"creator\":{{\"name\":\"dtlint proxy\",\"version\":\"{}\"}},\"entries\":[",
        env!("CARGO_PKG_VERSION")
    )
}

const CLOSING: &[u8] = b"\n]}}\n";

/// The name of the `n`th file (from 1) of a recording to `path`.
pub fn rotated_path(path: &Path, n: u64) -> PathBuf {
    if n <= 1 {
        return path.to_path_buf();
    }
    let stem = path.file_stem().map_or_else(
        || "recording".to_owned(),
        |s| s.to_string_lossy().into_owned(),
    );
    let extension = path
        .extension()
        .map_or_else(|| "har".to_owned(), |e| e.to_string_lossy().into_owned());
    path.with_file_name(format!("{stem}.{n}.{extension}"))
}

impl Recorder {
    /// Starts a HAR at `path`; `show_values` keeps personal values (credentials never).
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn start(path: &Path, show_values: bool, rotation: Rotation) -> io::Result<Self> {
        let out = Self::open(path)?;
        Ok(Self {
            path: path.to_path_buf(),
            rotation,
            out,
            scrubber: Scrubber::new(show_values),
            in_file: 0,
            entries: 0,
            written: opening().len() as u64,
            files: 1,
        })
    }

    fn open(path: &Path) -> io::Result<BufWriter<File>> {
        let mut out = BufWriter::with_capacity(64 * 1024, File::create(path)?);
        out.write_all(opening().as_bytes())?;
        out.flush()?;
        Ok(out)
    }

    /// Appends one entry given as a HAR entry's JSON text, redacted here (the tests' way in;
    /// the proxy writes entries it redacted as it wrote them, with [`Recorder::write`]).
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn entry(&mut self, text: &str) -> io::Result<()> {
        let Ok(mut tree) = Tree::parse(text) else {
            return Ok(());
        };
        self.scrubber.tree(&mut tree);
        self.write(tree.to_json().as_bytes())?;
        self.flush()
    }

    /// Whether personal values are kept.
    pub fn show_values(&self) -> bool {
        self.scrubber.show_values
    }

    /// Makes what was written whole on disk (but for the closing, which [`Recorder::finish`]
    /// writes): the proxy flushes whenever no exchange waits, not after each one.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Appends one entry, already redacted.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn write(&mut self, json: &[u8]) -> io::Result<()> {
        let size = json.len() as u64 + 2;
        let full = self.in_file > 0
            && (self.rotation.max_entries.is_some_and(|n| self.in_file >= n)
                || self
                    .rotation
                    .max_bytes
                    .is_some_and(|n| self.written + size + CLOSING.len() as u64 > n));
        if full {
            self.out.write_all(CLOSING)?;
            self.out.flush()?;
            self.files += 1;
            self.out = Self::open(&rotated_path(&self.path, self.files))?;
            self.in_file = 0;
            self.written = opening().len() as u64;
        }
        if self.in_file > 0 {
            self.out.write_all(b",")?;
        }
        self.out.write_all(b"\n")?;
        self.out.write_all(json)?;
        self.in_file += 1;
        self.entries += 1;
        self.written += size;
        Ok(())
    }

    /// Closes the HAR; the entries written, in all files.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn finish(mut self) -> io::Result<u64> {
        self.out.write_all(CLOSING)?;
        self.out.flush()?;
        Ok(self.entries)
    }

    /// Files begun so far.
    pub fn files(&self) -> u64 {
        self.files
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recording_rotates_by_entries_and_by_size_each_file_a_whole_har() {
        let dir = tempfile::tempdir().expect("temp");
        let path = dir.path().join("capture.har");
        let entry = r#"{"request":{"method":"POST","url":"http://127.0.0.1/x?access_token=SECRET1234"},"response":{"status":200}}"#;
        let mut recorder = Recorder::start(
            &path,
            false,
            Rotation {
                max_entries: Some(2),
                max_bytes: None,
            },
        )
        .expect("start");
        for _ in 0..5 {
            recorder.entry(entry).expect("entry");
        }
        // The fifth entry begins the third file.
        assert_eq!(recorder.files(), 3);
        assert_eq!(recorder.finish().expect("finish"), 5);
        let counts: Vec<usize> = (1..=3)
            .map(|n| {
                let text = std::fs::read_to_string(rotated_path(&path, n)).expect("file");
                assert!(!text.contains("SECRET1234"));
                let har: serde_json::Value = serde_json::from_str(&text).expect("a whole HAR");
                har["log"]["entries"].as_array().expect("entries").len()
            })
            .collect();
        assert_eq!(counts, [2, 2, 1]);
        assert_eq!(
            rotated_path(&path, 2).file_name().and_then(|n| n.to_str()),
            Some("capture.2.har")
        );

        let path = dir.path().join("sized.har");
        let mut recorder = Recorder::start(
            &path,
            false,
            Rotation {
                max_entries: None,
                max_bytes: Some(400),
            },
        )
        .expect("start");
        for _ in 0..6 {
            recorder.entry(entry).expect("entry");
        }
        recorder.finish().expect("finish");
        for n in 1..=3 {
            let text = std::fs::read_to_string(rotated_path(&path, n)).expect("file");
            assert!(text.len() <= 400, "{n}: {}", text.len());
            serde_json::from_str::<serde_json::Value>(&text).expect("a whole HAR");
        }
    }
}

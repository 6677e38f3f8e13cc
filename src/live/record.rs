//! `dtlint proxy --record`: the session as a HAR, each entry redacted as `dtlint redact`
//! redacts it and written as it is checked, so the file is whole after each entry but for its
//! closing, which [`Recorder::finish`] writes at Ctrl-C or SIGTERM.

use std::fs::File;
use std::io::{self, BufWriter, Write};

use crate::privacy::scrub::Scrubber;
use crate::privacy::tree::Tree;

/// A HAR being written.
pub struct Recorder {
    out: BufWriter<File>,
    scrubber: Scrubber,
    entries: u64,
}

impl Recorder {
    /// Starts a HAR in `file`; `show_values` keeps personal values (credentials never).
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn start(file: File, show_values: bool) -> io::Result<Self> {
        let mut out = BufWriter::new(file);
        write!(
            out,
            "{{\"log\":{{\"version\":\"1.2\",\"creator\":{{\"name\":\"dtlint proxy\",\"version\":\"{}\"}},\"entries\":[",
            env!("CARGO_PKG_VERSION")
        )?;
        out.flush()?;
        Ok(Self {
            out,
            scrubber: Scrubber::new(show_values),
            entries: 0,
        })
    }

    /// Appends one entry (a HAR entry's JSON text), redacted.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn entry(&mut self, text: &str) -> io::Result<()> {
        let Ok(mut tree) = Tree::parse(text) else {
            return Ok(());
        };
        self.scrubber.tree(&mut tree);
        if self.entries > 0 {
            self.out.write_all(b",")?;
        }
        self.out.write_all(b"\n")?;
        self.out.write_all(tree.to_json().as_bytes())?;
        self.out.flush()?;
        self.entries += 1;
        Ok(())
    }

    /// Closes the HAR.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn finish(mut self) -> io::Result<u64> {
        self.out.write_all(b"\n]}}\n")?;
        self.out.flush()?;
        Ok(self.entries)
    }
}

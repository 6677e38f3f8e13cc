//! `--format ndjson`: one finding object per line, written as each finding is final.

use std::io::{self, Write};

use super::{finding_json, Reporter, RunEnd};
use crate::finding::Finding;

pub struct Ndjson<'a> {
    out: &'a mut dyn Write,
    /// The line being written: serde_json makes many small writes, cheaper into a `Vec` than
    /// through `dyn Write`, and the line then goes out whole.
    line: Vec<u8>,
}

impl<'a> Ndjson<'a> {
    pub fn new(out: &'a mut dyn Write) -> Self {
        Self {
            out,
            line: Vec::with_capacity(512),
        }
    }
}

impl Reporter for Ndjson<'_> {
    fn finding(&mut self, finding: &Finding) -> io::Result<()> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, &finding_json(finding))?;
        self.line.push(b'\n');
        self.out.write_all(&self.line)
    }

    fn finish(&mut self, _end: &RunEnd<'_>) -> io::Result<()> {
        Ok(())
    }
}

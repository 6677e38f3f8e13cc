//! `--format ndjson`: one finding object per line, written as each finding is final.

use std::io::{self, Write};

use super::{finding_json, Reporter, RunEnd};
use crate::finding::Finding;

pub struct Ndjson<'a> {
    out: &'a mut dyn Write,
}

impl<'a> Ndjson<'a> {
    pub fn new(out: &'a mut dyn Write) -> Self {
        Self { out }
    }
}

impl Reporter for Ndjson<'_> {
    fn finding(&mut self, finding: &Finding) -> io::Result<()> {
        serde_json::to_writer(&mut *self.out, &finding_json(finding))?;
        self.out.write_all(b"\n")
    }

    fn finish(&mut self, _end: &RunEnd<'_>) -> io::Result<()> {
        Ok(())
    }
}

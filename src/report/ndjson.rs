//! `--format ndjson`: one finding object per line, for streaming into other tools.

use std::io::{self, Write};

use super::{finding_json, Run};

pub fn write(run: &Run, out: &mut dyn Write) -> io::Result<()> {
    for finding in run.findings() {
        serde_json::to_writer(&mut *out, &finding_json(finding))?;
        writeln!(out)?;
    }
    Ok(())
}

//! Parses the command line, runs it, and maps the outcome to an exit code.

mod app;

use std::io::{self, Write};
use std::process::ExitCode;

use app::{cli::Cli, ExitStatus, RunError};
use clap::Parser;

// Checking allocates many small maps and strings per response; mimalloc halves that cost.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[allow(clippy::print_stderr)]
fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let status =
        match app::run(cli, &mut out).and_then(|s| out.flush().map(|()| s).map_err(RunError::Io)) {
            Ok(status) => status,
            // A reader that stops early (`| head`) is not an error of ours.
            Err(RunError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitStatus::Clean,
            Err(RunError::Io(e)) => {
                eprintln!("dtlint: cannot write the report: {e}");
                ExitStatus::Error
            }
            Err(RunError::Usage(report)) => {
                eprintln!("{report:?}");
                ExitStatus::Error
            }
        };
    if std::env::var_os("DTLINT_PEAK_MEMORY").is_some() {
        // The process's own high-water mark, for the memory tests and the benchmark: read from
        // the inside, it is exact, where a parent polling it could miss the last moments.
        if let Some(peak) = peak_memory_kib() {
            eprintln!("dtlint: peak memory {peak} KiB");
        }
    }
    ExitCode::from(status as u8)
}

/// The peak resident set size so far, in KiB (Linux's `VmHWM`); `None` elsewhere.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

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
    ExitCode::from(status as u8)
}

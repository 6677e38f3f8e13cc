//! The Rust side of `bench/python.py`: bodies per second of the library doing what one
//! `dtlint.check(body)` asks of it (`run::check_bytes`, then `Checked::finished_with` through
//! a run's exit, with the binding's settings: no snippets, no fingerprints), on one thread, over
//! the first N lines of an NDJSON file. Prints one JSON object for the driver.
//!
//! `cargo run --profile dist --example python_baseline -- FILE N RUNS`

#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::io::BufRead;
use std::time::Instant;

use dtlint::input::Limits;
use dtlint::run::check_bytes;
use dtlint::{Needs, Settings};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("an NDJSON file");
    let n: usize = args.next().map_or(20_000, |n| n.parse().expect("a count"));
    let runs: usize = args.next().map_or(5, |n| n.parse().expect("a count"));
    let file = std::io::BufReader::new(std::fs::File::open(&path).expect("readable"));
    let lines: Vec<Vec<u8>> = file
        .split(b'\n')
        .take(n)
        .map(|l| l.expect("a line"))
        .collect();
    let limits = Limits::default();
    let mut settings = Settings::default();
    settings.needs = Needs::new(false, false);
    let mut best = f64::MAX;
    let mut findings = 0;
    for _ in 0..runs {
        let start = Instant::now();
        findings = 0;
        for line in &lines {
            let checked = check_bytes(line, &settings, &limits).finished_with(
                "<body>",
                &settings.selection,
                &[],
            );
            findings += checked.findings.len();
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "{{\"bodies\": {}, \"findings\": {findings}, \"seconds\": {best}}}",
        lines.len()
    );
}

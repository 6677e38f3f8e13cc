//! The Rust side of python/bench: bodies per second of `run::check_bytes` + `Checked::finished`
//! on one thread over the first N lines of an NDJSON file, with the settings the binding uses
//! (no excerpts, no fingerprints) and with the library's defaults.
//!
//! `RAYON_NUM_THREADS=1 cargo run --release --example rust_bench -- FILE [N]`

use std::io::BufRead;
use std::time::Instant;

use dtlint::input::Limits;
use dtlint::run::check_bytes;
use dtlint::{Needs, Settings};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("an NDJSON file");
    let n: usize = args.next().map_or(20_000, |n| n.parse().expect("a count"));
    let file = std::io::BufReader::new(std::fs::File::open(&path).expect("readable"));
    let lines: Vec<String> = file.lines().take(n).map(|l| l.expect("a line")).collect();
    let limits = Limits::default();
    let mut lean = Settings::default();
    lean.needs = Needs::new(false, false);
    for (label, settings) in [("binding settings (no excerpts/fingerprints)", &lean), ("library defaults", &Settings::default())] {
        let mut best = f64::MAX;
        let mut findings = 0;
        for _ in 0..5 {
            let start = Instant::now();
            findings = 0;
            for line in &lines {
                let checked = check_bytes(line.as_bytes(), settings, &limits).finished("<body>", &settings.selection);
                findings += checked.findings.len();
            }
            best = best.min(start.elapsed().as_secs_f64());
        }
        println!("{label}: {} bodies, {findings} findings, best of 5 {:.3} s, {:.0} bodies/s", lines.len(), best, lines.len() as f64 / best);
    }
}

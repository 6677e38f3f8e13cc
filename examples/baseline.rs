//! The benchmark's baselines: read every `.json` file of a folder and parse it, with the same thread count as dtlint.
//!
//! `cargo run --release --example baseline -- value FOLDER` parses into `serde_json::Value`;
//! `... ignored FOLDER` only checks the syntax (`serde::de::IgnoredAny`).

use rayon::prelude::*;
use serde::de::IgnoredAny;

#[allow(clippy::print_stdout, clippy::print_stderr)]
fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(mode), Some(folder)) = (args.next(), args.next()) else {
        eprintln!("usage: baseline value|ignored FOLDER | baseline lines FILE");
        std::process::exit(2);
    };
    if mode == "lines" {
        // One Value per line, on all threads: what reading NDJSON costs before any checking.
        let Ok(text) = std::fs::read_to_string(&folder) else {
            std::process::exit(2)
        };
        let lines: Vec<&str> = text.lines().collect();
        let parsed: usize = lines
            .par_iter()
            .map(|line| usize::from(serde_json::from_str::<serde_json::Value>(line).is_ok()))
            .sum();
        println!("{parsed} of {} lines parsed", lines.len());
        return;
    }
    // Unsorted, as dtlint walks (it sorts the paths it found afterwards, for its report).
    let files: Vec<_> = walkdir::WalkDir::new(folder)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .map(walkdir::DirEntry::into_path)
        .collect();
    let parsed: usize = files
        .par_iter()
        .map(|path| {
            let Ok(bytes) = std::fs::read(path) else {
                return 0;
            };
            let ok = if mode == "value" {
                serde_json::from_slice::<serde_json::Value>(&bytes).is_ok()
            } else {
                serde_json::from_slice::<IgnoredAny>(&bytes).is_ok()
            };
            usize::from(ok)
        })
        .sum();
    println!("{parsed} of {} files parsed", files.len());
}

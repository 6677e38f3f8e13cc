//! Any bytes as an NDJSON stream: never a panic or a hang, and no line lost: every line that is
//! not blank is either a checked response or has a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let settings = dtlint::Settings::default();
    let checked = dtlint::run::check_ndjson(data, &settings, 1 << 20);
    let lines = data
        .split(|b| *b == b'\n')
        .filter(|l| !String::from_utf8_lossy(l).trim().is_empty())
        .count() as u64;
    let with_findings = checked
        .findings
        .iter()
        .filter_map(|f| f.entry)
        .collect::<std::collections::BTreeSet<_>>()
        .len() as u64;
    assert!(
        checked.tally.responses + with_findings >= lines,
        "{lines} lines, {} responses, {with_findings} with findings",
        checked.tally.responses
    );
    for finding in &checked.findings {
        if let Some(p) = finding.position() {
            assert!(p.offset <= data.len(), "{finding:?}");
        }
    }
});

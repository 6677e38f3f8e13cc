//! Any bytes as an application log: never a panic or a hang, and no line lost: every line that
//! holds something is delivered once, in order, as a checked body, a finding or a line passed over.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let settings = dtlint::Settings::default();
    let mut seen = Vec::new();
    dtlint::input::log_outcomes(
        data,
        &settings,
        1 << 20,
        dtlint::input::Pace::Batched,
        &mut |outcome| {
            for finding in &outcome.findings {
                if let Some(p) = finding.position() {
                    assert!(p.offset <= data.len(), "{finding:?}");
                }
            }
            if let Some(index) = outcome.index {
                assert!(
                    outcome.skipped || outcome.responses == 1 || !outcome.findings.is_empty(),
                    "line {index} delivered with nothing: {outcome:?}"
                );
                seen.push(index);
            }
            true
        },
    );
    let mut lines: Vec<&[u8]> = data.split(|b| *b == b'\n').collect();
    if data.ends_with(b"\n") || data.is_empty() {
        lines.pop();
    }
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "out of order: {seen:?}"
    );
    assert!(seen.iter().all(|i| *i < lines.len() as u64), "{seen:?}");
    for (index, line) in lines.iter().enumerate() {
        let text = String::from_utf8_lossy(line);
        let blank = text
            .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
            .is_empty();
        assert!(
            blank || seen.contains(&(index as u64)),
            "line {index} lost: {text:?}"
        );
    }
});

//! Any bytes as a HAR file: the reader must never panic or hang, and must account for every input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let settings = dtlint::Settings::default();
    let checked = dtlint::run::check_har(data, &settings, 1 << 20);
    // A HAR that is not one gives a finding; positions stay inside the input.
    for finding in &checked.findings {
        if let Some(p) = finding.position() {
            assert!(p.offset <= data.len(), "{finding:?}");
        }
    }
});

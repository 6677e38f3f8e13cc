//! Any bytes as a VCR cassette (YAML or JSON): the reader must never panic or hang, and its
//! positions stay inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let settings = dtlint::Settings::default();
    let checked = dtlint::run::check_vcr(data, &settings, 1 << 20);
    for finding in &checked.findings {
        if let Some(p) = finding.position() {
            assert!(p.offset + p.len <= data.len(), "{finding:?}");
        }
    }
});

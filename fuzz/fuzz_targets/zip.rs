//! Any bytes as a HAR zip archive: the archive reader must never panic, hang or inflate past its
//! bounds, and every finding stays placed within what it points into.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let settings = dtlint::Settings::default();
    // A small limit, so that bombs and oversized members are met quickly.
    let checked = dtlint::run::check_zip(data, &settings, 1 << 16);
    for finding in &checked.findings {
        assert!(!finding.rule().code.is_empty());
    }
});

//! The locator on any text and pointer: never a panic; on valid JSON the span found re-parses to
//! exactly the value serde_json finds at that pointer.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    // The first line is the pointer, the rest the document.
    let (pointer, text) = input.split_once('\n').unwrap_or(("", input));
    let span = dtlint::locate::locate(text, pointer);
    if let Some(span) = span {
        assert!(span.start <= span.end && span.end <= text.len());
        let _ = dtlint::locate::line_col(text, span.start);
    }
    let _ = dtlint::locate::locate_key(text, pointer);
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
        if let Some(expected) = value.pointer(pointer) {
            let span = span.expect("a pointer serde_json resolves is located");
            let found: serde_json::Value = serde_json::from_str(&text[span.start..span.end]).expect("the span is a value");
            assert_eq!(&found, expected);
        }
    }
});

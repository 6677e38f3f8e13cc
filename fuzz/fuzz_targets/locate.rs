//! The locator on any text and pointer: never a panic; on valid JSON the range found re-parses to
//! exactly the value serde_json finds at that pointer.
#![no_main]

use dtlint::json::{lines, locate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    // The first line is the pointer, the rest the document.
    let (pointer, text) = input.split_once('\n').unwrap_or(("", input));
    let range = locate::locate(text, pointer);
    if let Some(range) = &range {
        assert!(range.start <= range.end && range.end <= text.len());
        let _ = lines::line_col(text, range.start);
        let _ = lines::LineIndex::new(text).location(range.clone());
    }
    if let Some(range) = locate::locate_or_ancestor(text, pointer) {
        assert!(text.get(range).is_some());
    }
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
        if let Some(expected) = value.pointer(pointer) {
            let range = range.expect("a pointer serde_json resolves is located");
            let found: serde_json::Value = serde_json::from_str(&text[range]).expect("the range is a value");
            assert_eq!(&found, expected);
        }
    }
});

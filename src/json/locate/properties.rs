//! Properties of the locator searched with proptest: on texts spelled the ways raw API bodies are
//! (odd escapes, CRLF, a BOM, duplicate keys), truncated, mutated or random, every span it gives
//! is the value `serde_json` finds, and nothing panics.

use std::cell::Cell;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{select, Index, Select};
use proptest::test_runner::{TestRng, TestRunner};
use serde_json::Value;

use super::*;
use crate::json::Pointer;

/// Characters that stress keys and strings: pointer escapes, JSON escapes, controls, multi-byte
/// chars, structure, a BOM and a JavaScript line separator.
const CHARS: &[char] = &[
    'a', 'b', 'z', '0', '/', '~', '"', '\\', '\n', '\r', '\t', '\u{1}', '\u{1f}', '\u{7f}', 'é',
    '中', '😀', ']', '}', '[', '{', ',', ':', ' ', '\u{feff}', '\u{2028}',
];

const WS: &[&str] = &["", "", "", " ", "\n", "\r\n", "\t", "  \r\n    ", "\n\n"];

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn ws() -> Select<&'static str> {
    select(WS)
}

/// A char inside a JSON string, with how to write it: as itself, as its short escape, or as `\u`
/// escapes in lower or upper case. Quotes, backslashes and controls are escaped whatever is drawn.
fn spelled_char() -> impl Strategy<Value = (char, u8)> {
    (select(CHARS), 0u8..4)
}

/// A string literal spelled the ways raw API bodies do: `\/`, `\u` escapes, surrogate pairs.
fn spell(chars: impl IntoIterator<Item = (char, u8)>) -> String {
    use std::fmt::Write;
    let mut out = String::from('"');
    for (c, how) in chars {
        match (c, how) {
            ('"', _) => out.push_str("\\\""),
            ('\\', _) => out.push_str("\\\\"),
            ('/', 1) => out.push_str("\\/"),
            ('\n', 1) => out.push_str("\\n"),
            ('\r', 1) => out.push_str("\\r"),
            ('\t', 1) => out.push_str("\\t"),
            (c, _) if how >= 2 || u32::from(c) < 0x20 => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = if how == 3 {
                        write!(out, "\\u{unit:04X}")
                    } else {
                        write!(out, "\\u{unit:04x}")
                    };
                }
            }
            (c, _) => out.push(c),
        }
    }
    out.push('"');
    out
}

fn string(max_len: usize) -> impl Strategy<Value = String> {
    vec(spelled_char(), 0..=max_len).prop_map(spell)
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..1000).prop_map(Value::from),
        (0i64..1_000_000).prop_map(|n| Value::from(-n)),
        any::<u64>().prop_map(Value::from),
        // Dyadic fractions print and parse back exactly.
        (0u32..100_000).prop_map(|n| Value::from(f64::from(n) / 8.0 - 5000.0)),
    ]
    .prop_map(|n| n.to_string())
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        number(),
        string(6),
        select(&["null", "true", "false", "\"\""][..]).prop_map(str::to_owned),
    ]
}

fn array(item: BoxedStrategy<String>) -> impl Strategy<Value = String> {
    vec((ws(), item, ws()), 0..5).prop_map(|items| {
        let items: Vec<String> = items
            .into_iter()
            .map(|(before, item, after)| format!("{before}{item}{after}"))
            .collect();
        format!("[{}]", items.join(","))
    })
}

/// An object whose members may repeat their key, each time spelled anew, before the member a
/// correct reader must pick (the last).
fn object(value: BoxedStrategy<String>) -> impl Strategy<Value = String> {
    let occurrence = (vec(0u8..4, 3), ws(), ws(), ws(), value);
    let occurrences = prop_oneof![
        3 => vec(occurrence.clone(), 1..=1),
        1 => vec(occurrence, 2..=3),
    ];
    let member = (vec(select(CHARS), 0..=3), occurrences);
    (vec(member, 0..5), ws()).prop_map(|(members, end)| {
        let mut parts = Vec::new();
        for (key, occurrences) in members {
            for (spelling, before, colon, after, value) in occurrences {
                let name = spell(key.iter().copied().zip(spelling));
                parts.push(format!("{before}{name}{colon}:{after}{value}"));
            }
        }
        format!("{{{}{end}}}", parts.join(","))
    })
}

/// A JSON value `depth` containers deep at most.
fn value(depth: u32) -> BoxedStrategy<String> {
    scalar()
        .prop_recursive(depth, 48, 5, |inner| {
            prop_oneof![array(inner.clone()), object(inner)]
        })
        .boxed()
}

/// A whole body: an object or array, maybe after a BOM, with whitespace around.
fn document(depth: u32) -> impl Strategy<Value = String> {
    let root = prop_oneof![array(value(depth)), object(value(depth))];
    (
        prop_oneof![3 => Just(""), 1 => Just("\u{feff}")],
        ws(),
        root,
        ws(),
    )
        .prop_map(|(bom, before, root, after)| format!("{bom}{before}{root}{after}"))
}

fn parse(text: &str) -> Option<Value> {
    serde_json::from_str(text.strip_prefix('\u{feff}').unwrap_or(text)).ok()
}

/// Every pointer into `v`.
fn all_pointers(v: &Value) -> Vec<Pointer> {
    let mut out = Vec::new();
    let mut todo = vec![(Pointer::root(), v)];
    while let Some((pointer, v)) = todo.pop() {
        match v {
            Value::Object(map) => {
                todo.extend(map.iter().map(|(k, child)| (pointer.child(k), child)));
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    let mut p = pointer.clone();
                    p.push_index(i);
                    todo.push((p, child));
                }
            }
            _ => {}
        }
        out.push(pointer);
    }
    out
}

/// Pointers that may not resolve: off the end, wrong kind of token, unknown keys.
fn near_misses(v: &Value) -> Vec<Pointer> {
    let mut out = Vec::new();
    for p in all_pointers(v) {
        match v.pointer(&p) {
            Some(Value::Array(items)) => {
                let mut past = p.clone();
                past.push_index(items.len());
                out.extend([past, p.child("-"), p.child("00")]);
            }
            Some(Value::Object(_)) => {
                out.extend(["", "~", "/", "x", "a~b/"].map(|k| p.child(k)));
            }
            _ => out.push(p.child("0")),
        }
    }
    out
}

fn check_document(text: &str, expected: &Value) -> Result<(), TestCaseError> {
    for p in all_pointers(expected) {
        let range = locate(text, &p);
        prop_assert!(range.is_some(), "{:?} not found in {:?}", p, text);
        let slice = text.get(range.unwrap_or_default()).unwrap_or_default();
        let got: Option<Value> = serde_json::from_str(slice).ok();
        prop_assert!(got.is_some(), "{:?} -> {:?}", p, slice);
        prop_assert_eq!(got.as_ref(), expected.pointer(&p), "{:?} in {:?}", p, text);
    }
    for p in near_misses(expected) {
        let want = expected.pointer(&p).is_some();
        prop_assert_eq!(locate(text, &p).is_some(), want, "{:?} in {:?}", p, text);
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn every_pointer_resolves_to_the_value_serde_json_sees(text in document(5)) {
        let value = parse(&text);
        prop_assert!(value.is_some(), "{:?}", text);
        let value = value.unwrap_or_default();
        check_document(&text, &value)?;
        check_document(&serde_json::to_string(&value).unwrap_or_default(), &value)?;
        check_document(&serde_json::to_string_pretty(&value).unwrap_or_default(), &value)?;
    }
}

/// The arena's answer is the text walk's, for every pointer and near miss; counts the answers
/// the arena settled without the text walk.
fn check_arena(text: &str, expected: &Value, settled: &Cell<usize>) -> Result<(), TestCaseError> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc = crate::json::doc::Doc::parse(body);
    prop_assert!(doc.is_ok(), "{:?}", text);
    let Ok(doc) = doc else { return Ok(()) };
    let pointers: Vec<Pointer> = all_pointers(expected)
        .into_iter()
        .chain(near_misses(expected))
        .collect();
    // Hints carried along a series of pointers, in order and in reverse (the hints must also
    // be right when a later pointer goes back), give the answers fresh walks give.
    let mut forward = parsed::Hints::default();
    let mut backward = parsed::Hints::default();
    for p in &pointers {
        let by_arena = parsed::walk(text, doc.root(), p, &mut parsed::Hints::default());
        settled.set(settled.get() + usize::from(by_arena.is_some()));
        let by_text = locate_or_ancestor(text, p);
        prop_assert_eq!(
            locate_or_ancestor_in(text, doc.root(), p),
            by_text.clone(),
            "{:?} in {:?}",
            p,
            text
        );
        prop_assert_eq!(
            parsed::locate_in_order(text, doc.root(), p, &mut forward),
            by_text,
            "in order: {:?} in {:?}",
            p,
            text
        );
    }
    for p in pointers.iter().rev() {
        prop_assert_eq!(
            parsed::locate_in_order(text, doc.root(), p, &mut backward),
            locate_or_ancestor(text, p),
            "in reverse: {:?} in {:?}",
            p,
            text
        );
    }
    Ok(())
}

#[test]
fn the_arena_places_every_pointer_where_the_text_walk_does() {
    const CASES: u32 = 512;
    let config = config(CASES);
    let mut runner = TestRunner::new_with_rng(
        config.clone(),
        TestRng::deterministic_rng(config.rng_algorithm),
    );
    let settled = Cell::new(0usize);
    let result = runner.run(&document(5), |text| {
        let value = parse(&text).unwrap_or_default();
        check_arena(&text, &value, &settled)?;
        let compact = serde_json::to_string(&value).unwrap_or_default();
        check_arena(&compact, &value, &settled)?;
        let pretty = serde_json::to_string_pretty(&value).unwrap_or_default();
        check_arena(&pretty, &value, &settled)?;
        // `Value` keeps one member per name, so what it writes repeats none.
        for text in [compact, pretty] {
            for p in all_pointers(&value).into_iter().chain(near_misses(&value)) {
                prop_assert_eq!(
                    locate_unique(&text, &p),
                    locate(&text, &p),
                    "{:?} in {:?}",
                    p,
                    text
                );
            }
        }
        Ok(())
    });
    result.unwrap();
    // The comparison means something only if the arena, not the fallback, answered most.
    assert!(
        settled.get() > CASES as usize * 10,
        "the arena settled only {} answers",
        settled.get()
    );
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn truncated_text_never_gives_a_different_span(text in document(3)) {
        // Every cut times every pointer is quadratic; short texts keep it quick.
        prop_assume!(text.len() <= 300);
        // Any cut then ends inside the root.
        let text = text.trim_end();
        let value = parse(text).unwrap_or_default();
        let pointers = all_pointers(&value);
        let full: Vec<_> = pointers.iter().map(|p| locate(text, p)).collect();
        for cut in (0..text.len()).filter(|&c| text.is_char_boundary(c)) {
            let prefix = &text[..cut];
            for (p, want) in pointers.iter().zip(&full) {
                let got = locate(prefix, p);
                if p.is_empty() {
                    // The root is a container, so a cut always loses its closer.
                    prop_assert_eq!(got, None);
                } else {
                    prop_assert!(got.is_none() || got == *want, "{:?} in {:?}", p, prefix);
                }
            }
        }
    }

}

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn arbitrary_text_never_panics(
        pieces in vec(
            select(&["{", "}", "[", "]", "\"", ":", ",", "\\", "u", "d8", "0", "1", " ", "\r\n", "é", "a", "/", "~"][..]),
            0..24,
        )
    ) {
        let text = pieces.concat();
        for p in ["", "/0", "/a", "/0/0", "/a/0", "/", "/~1", "/-", "x"] {
            for range in locate(&text, p).into_iter().chain(locate_or_ancestor(&text, p)) {
                prop_assert!(text.get(range).is_some());
            }
        }
    }
}

/// An edit of one ASCII byte: replaced, removed, or with a byte inserted before it.
fn edits() -> impl Strategy<Value = Vec<(Index, u8, u8)>> {
    vec(
        (
            any::<Index>(),
            0u8..3,
            select(b"{}[]\":,\\ \n0a-e.tu/".as_slice()),
        ),
        1..=3,
    )
}

#[test]
fn mutated_text_never_panics_and_agrees_with_serde_json_when_valid() {
    const CASES: u32 = 1024;
    let config = config(CASES);
    // A fixed seed, so the count of texts that stay valid is the same on every run.
    let mut runner = TestRunner::new_with_rng(
        config.clone(),
        TestRng::deterministic_rng(config.rng_algorithm),
    );
    let still_valid = Cell::new(0usize);
    let strategy = (document(4), any::<bool>(), edits());
    let result = runner.run(&strategy, |(text, compact, edits)| {
        let value = parse(&text).unwrap_or_default();
        let mut bytes = if compact {
            serde_json::to_string(&value)
                .unwrap_or_default()
                .into_bytes()
        } else {
            text.into_bytes()
        };
        for (at, op, byte) in edits {
            let ascii: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i].is_ascii()).collect();
            if ascii.is_empty() {
                break;
            }
            let i = ascii[at.index(ascii.len())];
            match op {
                0 => bytes[i] = byte,
                1 => {
                    bytes.remove(i);
                }
                _ => bytes.insert(i, byte),
            }
        }
        // Only ASCII bytes were touched, before ASCII bytes, so the text is still UTF-8.
        let text = String::from_utf8(bytes).unwrap_or_default();
        let reparsed = parse(&text);
        let mut pointers = all_pointers(&value);
        if let Some(doc) = &reparsed {
            pointers.extend(all_pointers(doc));
        }
        for p in &pointers {
            let got = locate(&text, p);
            for range in got.iter().cloned().chain(locate_or_ancestor(&text, p)) {
                prop_assert!(range.start <= range.end && text.get(range).is_some());
            }
            if let Some(doc) = &reparsed {
                let got = got.and_then(|r| serde_json::from_str::<Value>(&text[r]).ok());
                prop_assert_eq!(got.as_ref(), doc.pointer(p), "{:?} in {:?}", p, text);
            }
        }
        still_valid.set(still_valid.get() + usize::from(reparsed.is_some()));
        Ok(())
    });
    result.unwrap();
    let still_valid = still_valid.get();
    assert!(
        still_valid * 20 > CASES as usize,
        "only {still_valid} mutated texts stayed valid"
    );
}

//! Examples of the locator on hand-written texts: escapes, duplicates, malformed and deep documents.

use serde_json::Value;

use super::*;

fn slice(text: &str, range: Range<usize>) -> &str {
    &text[range]
}

fn at<'a>(text: &'a str, pointer: &str) -> Option<&'a str> {
    locate(text, pointer).map(|r| slice(text, r))
}

const ROLES_PRETTY: &str = r#"{
  "code": 0,
  "result": {
    "role_list": [
      {
        "id": 11,
        "name": "admin"
      },
      {
        "id": 22,
        "name": "viewer",
        "tags": ["a", "b"]
      }
    ],
    "total": 2
  }
}"#;

#[test]
fn pretty_nested_arrays_of_objects() {
    let t = ROLES_PRETTY;
    assert_eq!(at(t, "/result/role_list/1/id"), Some("22"));
    assert_eq!(at(t, "/result/role_list/0/name"), Some("\"admin\""));
    assert_eq!(at(t, "/result/role_list/1/tags/1"), Some("\"b\""));
    assert_eq!(at(t, "/result/total"), Some("2"));
    assert_eq!(at(t, "/code"), Some("0"));
    let list = at(t, "/result/role_list").unwrap();
    assert!(list.starts_with('[') && list.ends_with(']'));
    assert_eq!(
        serde_json::from_str::<Value>(list).unwrap(),
        serde_json::from_str::<Value>(t).unwrap()["result"]["role_list"]
    );
}

#[test]
fn minified_nested_arrays_of_objects() {
    let v: Value = serde_json::from_str(ROLES_PRETTY).unwrap();
    let t = serde_json::to_string(&v).unwrap();
    assert_eq!(at(&t, "/result/role_list/1/id"), Some("22"));
    assert_eq!(
        at(&t, "/result/role_list/1"),
        Some(r#"{"id":22,"name":"viewer","tags":["a","b"]}"#)
    );
    assert_eq!(at(&t, "/result/role_list/2"), None);
    assert_eq!(at(&t, "/result/role_list/1/tags/2"), None);
}

#[test]
fn root_pointer_is_whole_value_without_surrounding_whitespace() {
    assert_eq!(locate("  [1, 2]\n", ""), Some(2..8));
    assert_eq!(at("\r\n\t{\"a\":1} ", ""), Some("{\"a\":1}"));
    assert_eq!(at("42", ""), Some("42"));
    assert_eq!(at(" \"s\" ", ""), Some("\"s\""));
    assert_eq!(at("null", ""), Some("null"));
    assert_eq!(at("[]", ""), Some("[]"));
    assert_eq!(at("{ }", ""), Some("{ }"));
}

#[test]
fn keys_with_escapes_are_compared_decoded() {
    let t = r#"{"a\/b": 1, "caf\u00e9": 2, "\ud83d\ude00": 3, "q\"uote": 4, "back\\slash": 5, "tab\tnl\n": 6, "m~n": 7, "\u0041BC": 8, "caf\u00E9x": 9}"#;
    assert_eq!(at(t, "/a~1b"), Some("1"));
    assert_eq!(at(t, "/café"), Some("2"));
    assert_eq!(at(t, "/😀"), Some("3"));
    assert_eq!(at(t, "/q\"uote"), Some("4"));
    assert_eq!(at(t, "/back\\slash"), Some("5"));
    assert_eq!(at(t, "/tab\tnl\n"), Some("6"));
    assert_eq!(at(t, "/m~0n"), Some("7"));
    assert_eq!(at(t, "/ABC"), Some("8"));
    assert_eq!(at(t, "/caféx"), Some("9"));
    // The raw spelling is not the key.
    assert_eq!(at(t, "/a\\~1b"), None);
    assert_eq!(at(t, "/caf\\u00e9"), None);
    assert_eq!(at(t, "/m~1n"), None);
}

#[test]
fn lone_surrogate_key_matches_nothing() {
    let t = r#"{"\ud83d": 1, "\ude00": 2, "\ud83dx": 3, "ok": 4}"#;
    assert_eq!(at(t, "/ok"), Some("4"));
    assert_eq!(at(t, "/\u{fffd}"), None);
    assert_eq!(at(t, "/x"), None);
}

#[test]
fn escaped_slashes_in_values() {
    let t = r#"{"url":"https:\/\/example.com\/a\/b","next":{"href":"\/v1\/x"},"n":1}"#;
    assert_eq!(at(t, "/url"), Some(r#""https:\/\/example.com\/a\/b""#));
    assert_eq!(at(t, "/next/href"), Some(r#""\/v1\/x""#));
    assert_eq!(at(t, "/n"), Some("1"));
    let url: String = serde_json::from_str(at(t, "/url").unwrap()).unwrap();
    assert_eq!(url, "https://example.com/a/b");
}

#[test]
fn strings_with_brackets_quotes_and_escapes_do_not_confuse_the_scan() {
    let t = r#"{"s":"]}\"\\[{","u":"\\","v":"\\\"]","t":[1,"]",{"k":"}"}],"w":2}"#;
    assert_eq!(at(t, "/s"), Some(r#""]}\"\\[{""#));
    assert_eq!(at(t, "/u"), Some(r#""\\""#));
    assert_eq!(at(t, "/v"), Some(r#""\\\"]""#));
    assert_eq!(at(t, "/t/1"), Some(r#""]""#));
    assert_eq!(at(t, "/t/2/k"), Some(r#""}""#));
    assert_eq!(at(t, "/w"), Some("2"));
}

#[test]
fn unicode_keys_and_values() {
    let t = "{\"名字\": \"中文文本😀\", \"id\": 7}";
    assert_eq!(at(t, "/id"), Some("7"));
    assert_eq!(at(t, "/名字"), Some("\"中文文本😀\""));
}

#[test]
fn crlf_line_ends() {
    let t = "{\r\n  \"a\": 1,\r\n  \"b\": [\r\n    true\r\n  ]\r\n}\r\n";
    assert_eq!(at(t, "/a"), Some("1"));
    assert_eq!(at(t, "/b/0"), Some("true"));
    assert_eq!(at(t, ""), Some(t.trim_end()));
}

#[test]
fn bom_is_skipped() {
    let t = "\u{feff}{\"a\":1}";
    assert_eq!(locate(t, "/a"), Some(8..9));
    assert_eq!(locate(t, ""), Some(3..10));
    // Only a leading BOM is special.
    assert_eq!(locate("{\"a\":\u{feff}1}", "/a"), None);
    assert_eq!(locate(" \u{feff}1", ""), None);
}

#[test]
fn duplicate_keys_last_wins() {
    let t = r#"{"a":1,"b":2,"a":{"c":3}}"#;
    assert_eq!(at(t, "/a"), Some(r#"{"c":3}"#));
    assert_eq!(at(t, "/a/c"), Some("3"));
    // The later duplicate replaces the earlier subtree even when it lacks the path.
    assert_eq!(at(r#"{"a":{"c":3},"a":4}"#, "/a/c"), None);
    assert_eq!(at(r#"{"x":{"y":1},"x":{"z":2}}"#, "/x/y"), None);
    assert_eq!(at(r#"{"x":{"y":1},"x":{"z":2}}"#, "/x/z"), Some("2"));
    assert_eq!(
        at(r#"{"x":{"y":1,"y":5},"x":{"y":2,"y":6}}"#, "/x/y"),
        Some("6")
    );
    assert_eq!(at(r#"{"x":[{"y":1}],"x":[{"y":2}]}"#, "/x/0/y"), Some("2"));
    // Escaped and plain spellings of one key are duplicates too.
    assert_eq!(at(r#"{"a/b":1,"a\/b":2}"#, "/a~1b"), Some("2"));
    assert_eq!(at(r#"{"a\/b":1,"a/b":2}"#, "/a~1b"), Some("2"));
    for (text, pointer) in [
        (r#"{"a":1,"b":2,"a":{"c":3}}"#, "/a/c"),
        (r#"{"x":{"y":1,"y":5},"x":{"y":2,"y":6}}"#, "/x/y"),
        (r#"{"x":[{"y":1}],"x":[{"y":2}]}"#, "/x/0/y"),
    ] {
        let v: Value = serde_json::from_str(text).unwrap();
        let got: Value = serde_json::from_str(at(text, pointer).unwrap()).unwrap();
        assert_eq!(Some(&got), v.pointer(pointer));
    }
}

#[test]
fn missing_members_and_indexes() {
    let t = r#"{"a":[10,20,{"0":"zero"}],"s":"x","n":null}"#;
    assert_eq!(at(t, "/missing"), None);
    assert_eq!(at(t, "/a/3"), None);
    assert_eq!(at(t, "/a/-"), None);
    assert_eq!(at(t, "/a/01"), None);
    assert_eq!(at(t, "/a/+1"), None);
    assert_eq!(at(t, "/a/1"), Some("20"));
    // "0" names a member in an object and an index in an array.
    assert_eq!(at(t, "/a/2/0"), Some("\"zero\""));
    assert_eq!(at(t, "/a/0/0"), None);
    assert_eq!(at(t, "/s/0"), None);
    assert_eq!(at(t, "/n/x"), None);
    assert_eq!(at(t, "/A"), None);
    assert_eq!(at(t, "a"), None);
    assert_eq!(at(t, "/a~"), None);
    assert_eq!(at("[]", "/0"), None);
    assert_eq!(at("{}", "/"), None);
    assert_eq!(at(r#"{"":5}"#, "/"), Some("5"));
}

#[test]
fn malformed_text_gives_none() {
    let cases: &[(&str, &str)] = &[
        ("", ""),
        ("   ", ""),
        ("}", ""),
        ("]]]", "/0"),
        ("\"unterminated", ""),
        ("[\"\\", "/0"),
        ("[\"\\u12\"]", "/0"),
        ("[\"\\x\"]", "/0"),
        ("[\"a\u{1}\"]", "/0"),
        ("{\"a\" 1}", "/a"),
        ("{\"a\":1 \"b\":2}", "/b"),
        ("{\"a\":[1 2],\"b\":3}", "/b"),
        ("{\"a\":1,}", "/a"),
        ("{,\"a\":1}", "/a"),
        ("{a:1}", "/a"),
        ("{'a':1}", "/a"),
        ("[,1]", "/0"),
        ("[1}", "/0"),
        ("{\"a\":1]", "/a"),
        ("{\"a\":tru}", "/a"),
        ("{\"a\":truex}", "/a"),
        ("[01]", "/0"),
        ("[-]", "/0"),
        ("[1.]", "/0"),
        ("[.5]", "/0"),
        ("[1e]", "/0"),
        ("[1e+]", "/0"),
        ("[+1]", "/0"),
        ("[NaN]", "/0"),
        ("[1 x]", "/0"),
        ("{\"a\": [1, 2", "/a/0"),
        ("{\"a\": 1", "/a"),
        ("{\"a\": 1, \"b\"", "/a"),
        ("[1, 2", "/1"),
        ("[\"a\" \"b\"]", "/0"),
    ];
    for &(text, pointer) in cases {
        assert_eq!(locate(text, pointer), None, "{text:?} {pointer:?}");
    }
    // Past the answer, through arrays only, the rest of the text is not read.
    assert_eq!(at("[1, 2", "/0"), Some("1"));
    assert_eq!(at("[[1, 2], {", "/0/1"), Some("2"));
    assert_eq!(at("[1] trailing", ""), Some("[1]"));
    assert_eq!(at("[1,]", "/0"), Some("1"));
    assert_eq!(at("[1, 2,", "/1"), Some("2"));
    assert_eq!(at("[[1] 2]", "/0/0"), Some("1"));
    assert_eq!(at("[[1] 2]", "/0"), None);
    assert_eq!(at("[1,]", ""), None);
}

#[test]
fn deep_arrays_do_not_overflow_the_stack() {
    let n = 100_000;
    let t = format!("{}1{}", "[".repeat(n), "]".repeat(n));
    assert_eq!(locate(&t, "/0/0/0"), Some(3..t.len() - 3));
    assert_eq!(locate(&t, ""), Some(0..t.len()));
    assert_eq!(locate(&t, "/0/1"), None);
    let deepest = "/0".repeat(n);
    assert_eq!(locate(&t, &deepest), Some(n..n + 1));
    assert_eq!(locate(&t, &"/0".repeat(n + 1)), None);
    // Unbalanced: one closer short.
    let short = &t[..t.len() - 1];
    assert_eq!(locate(short, ""), None);
    assert_eq!(locate(short, "/0/0/0"), Some(3..t.len() - 3));
    let empty = format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert_eq!(locate(&empty, "/0/0/0"), Some(3..empty.len() - 3));
    assert_eq!(locate(&"[".repeat(n), "/0/0/0"), None);
}

#[test]
fn undefined_escapes_read_as_serde_json_reads_them() {
    let t = r#"{"a~2":1,"~":2}"#;
    let v: Value = serde_json::from_str(t).unwrap();
    for pointer in ["/a~2", "/~"] {
        let got: Value = serde_json::from_str(at(t, pointer).unwrap()).unwrap();
        assert_eq!(Some(&got), v.pointer(pointer), "{pointer}");
    }
}

#[test]
fn a_missing_member_is_placed_on_its_nearest_ancestor() {
    let t = r#"{"result":{"role_list":[{"id":1}]}}"#;
    let list = t.find('[').unwrap();
    assert_eq!(
        locate_or_ancestor(t, "/result/role_list"),
        locate(t, "/result/role_list")
    );
    assert_eq!(
        locate_or_ancestor(t, "/result/role_list/0/name"),
        Some(list + 1..list + 2)
    );
    assert_eq!(locate_or_ancestor(t, "/result/x~1y/z"), Some(10..11));
    assert_eq!(locate_or_ancestor(t, "/nope"), Some(0..1));
    assert_eq!(locate_or_ancestor("[1,", "/5"), None);
}

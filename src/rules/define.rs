//! The shapes rules are declared in: one constructor per family that shares defaults, so each
//! rule's declaration holds only what is its own, and `declare_rules!`, which makes a rule's doc
//! comment both its rustdoc and the text `dtlint explain` prints.

use super::Rule;
use crate::finding::{Category, Severity};

/// Declares a family's rules: each `pub const NAME = value;` with its doc comment becomes a
/// `Rule` whose `explanation` is that comment, and the family gets `RULES`, every rule it
/// declares in order, and `declared`, the module `rules` re-exports them from.
///
/// The doc comment is the single source of the explanation, so rustdoc and `dtlint explain`
/// cannot drift apart; `///` keeps the space after the slashes, which `explanation` removes so
/// the text reads as written.
macro_rules! declare_rules {
    ($(
        $(#[doc = $doc:literal])+
        pub const $name:ident = $value:expr;
    )*) => {
        $(
            $(#[doc = $doc])+
            pub const $name: $crate::rules::Rule = $crate::rules::Rule {
                explanation: {
                    const DOC: &str = concat!($($doc, "\n"),+);
                    const LEN: usize = $crate::rules::define::explanation_len(DOC);
                    const TEXT: &[u8] = &$crate::rules::define::explanation::<LEN>(DOC);
                    match ::core::str::from_utf8(TEXT) {
                        Ok(text) => text,
                        Err(_) => panic!("an explanation cut inside a UTF-8 character"),
                    }
                },
                ..$value
            };
        )*

        /// Every rule of this family, in code order.
        pub(crate) const RULES: &[&$crate::rules::Rule] = &[$(&$name),*];

        /// This family's rules, which `rules` re-exports as its own (a glob of the family
        /// itself would also export its checks and helpers).
        pub mod declared {
            pub use super::{$($name),*};
        }
    };
}
pub(crate) use declare_rules;

/// The length of `explanation(doc)`: every line loses one leading space, and the text its last
/// newline.
pub const fn explanation_len(doc: &str) -> usize {
    let bytes = doc.as_bytes();
    let mut len = 0;
    let mut i = 0;
    let mut line_start = true;
    while i < bytes.len() {
        if !(line_start && bytes[i] == b' ') {
            len += 1;
        }
        line_start = bytes[i] == b'\n';
        i += 1;
    }
    assert!(len > 0, "a rule's doc comment is empty");
    len - 1
}

/// `doc`, the doc comment's lines each followed by a newline, as the author wrote it: without
/// the space `///` leaves before each line, and without the last newline. Only a space is
/// taken, so no UTF-8 character is cut.
pub const fn explanation<const N: usize>(doc: &str) -> [u8; N] {
    let bytes = doc.as_bytes();
    let mut out = [0; N];
    let mut len = 0;
    let mut i = 0;
    let mut line_start = true;
    while i < bytes.len() {
        if !(line_start && bytes[i] == b' ') {
            if len < N {
                out[len] = bytes[i];
            }
            len += 1;
        }
        line_start = bytes[i] == b'\n';
        i += 1;
    }
    assert!(len == N + 1, "explanation_len disagrees with explanation");
    out
}

/// How many items `parts` hold together.
pub const fn total<T>(parts: &[&[T]]) -> usize {
    let mut count = 0;
    let mut i = 0;
    while i < parts.len() {
        count += parts[i].len();
        i += 1;
    }
    count
}

/// `parts` one after the other; `N` is their `total`.
pub const fn concat<T: Copy, const N: usize>(parts: &[&[T]]) -> [T; N] {
    assert!(N > 0 && total(parts) == N, "N is not the parts' total");
    let mut first = 0;
    while parts[first].is_empty() {
        first += 1;
    }
    // Every slot is overwritten below; the array needs some value to start from.
    let mut out = [parts[first][0]; N];
    let mut filled = 0;
    let mut i = 0;
    while i < parts.len() {
        let mut j = 0;
        while j < parts[i].len() {
            out[filled] = parts[i][j];
            filled += 1;
            j += 1;
        }
        i += 1;
    }
    out
}

/// Whether every rule's code sorts after the one before it (so codes are unique too).
pub const fn in_code_order(rules: &[&Rule]) -> bool {
    let mut i = 1;
    while i < rules.len() {
        if !str_less(rules[i - 1].code, rules[i].code) {
            return false;
        }
        i += 1;
    }
    true
}

/// `a < b` byte by byte, as `str`'s `Ord`, which is not `const`.
const fn str_less(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    a.len() < b.len()
}

/// A rule of any family, on by default, that needs no app type. `declare_rules!` supplies the
/// explanation from the rule's doc comment.
pub const fn emitted(
    code: &'static str,
    name: &'static str,
    category: Category,
    severity: Severity,
    summary: &'static str,
) -> Rule {
    Rule {
        code,
        name,
        category,
        severity,
        enabled: true,
        needs_app_type: false,
        summary,
        explanation: "",
    }
}

/// An exposure rule: on by default, and run only when the app type is known.
pub const fn exposure(
    code: &'static str,
    name: &'static str,
    severity: Severity,
    summary: &'static str,
) -> Rule {
    Rule {
        needs_app_type: true,
        ..emitted(code, name, Category::Exposure, severity, summary)
    }
}

/// A consistency rule: a warning, on by default.
pub const fn consistency(code: &'static str, name: &'static str, summary: &'static str) -> Rule {
    emitted(
        code,
        name,
        Category::Consistency,
        Severity::Warning,
        summary,
    )
}

/// An envelope rule, on by default.
pub const fn envelope(
    code: &'static str,
    name: &'static str,
    severity: Severity,
    summary: &'static str,
) -> Rule {
    emitted(code, name, Category::Envelope, severity, summary)
}

/// A request rule of a HAR exchange, on by default.
pub const fn request(
    code: &'static str,
    name: &'static str,
    severity: Severity,
    summary: &'static str,
) -> Rule {
    emitted(code, name, Category::Request, severity, summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    declare_rules! {
        /// ## What it does
        ///  kept: one of two leading spaces
        ///
        /// Fails: `{"a":"ü"}` \n stays a backslash and an n
        pub const SAMPLE = emitted("DT000", "sample", Category::Parse, Severity::Info, "a sample");
    }

    #[test]
    fn the_doc_comment_is_the_explanation_as_written() {
        assert_eq!(
            SAMPLE.explanation,
            "## What it does\n kept: one of two leading spaces\n\nFails: `{\"a\":\"ü\"}` \\n stays a backslash and an n"
        );
        assert_eq!(SAMPLE.summary, "a sample");
        assert_eq!(RULES, [&SAMPLE]);
        assert_eq!(declared::SAMPLE, SAMPLE);
    }

    #[test]
    fn concat_keeps_order_and_skips_empty_parts() {
        const PARTS: &[&[u8]] = &[&[], &[1, 2], &[], &[3]];
        assert_eq!(concat::<u8, 3>(PARTS), [1, 2, 3]);
        assert_eq!(total(PARTS), 3);
    }

    #[test]
    fn code_order_is_byte_order() {
        let (a, b) = (
            emitted("DT009", "a", Category::Parse, Severity::Info, ""),
            SAMPLE,
        );
        let c = emitted("DT101", "c", Category::Parse, Severity::Info, "");
        assert!(in_code_order(&[&b, &a, &c]));
        assert!(!in_code_order(&[&a, &b]));
        assert!(!in_code_order(&[&a, &a]));
        assert!(str_less("DT1", "DT10") && !str_less("DT10", "DT1"));
    }
}

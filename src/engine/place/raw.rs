//! Offsets in a HAR body, which is a JSON string literal of the entry: a place found in the
//! decoded body is carried to the escaped literal it was decoded from.

/// For each byte offset of the decoded body (and its end), the offset in the literal (which
/// starts with its quote). Only escapes are recorded: between two of them, decoded and literal
/// bytes correspond one to one, so an entry's index costs one hop per escape instead of an
/// entry per byte of its body.
#[derive(Debug)]
pub struct RawIndex {
    escapes: Vec<Escape>,
    /// The decoded length, and where decoding ended in the literal.
    decoded_len: usize,
    end: usize,
}

/// One escape: where its bytes start, decoded and in the literal, and how many of each.
#[derive(Debug, Clone, Copy)]
struct Escape {
    decoded: usize,
    raw: usize,
    decoded_len: usize,
    raw_len: usize,
}

impl RawIndex {
    /// Indexes a literal in one pass over its escapes.
    pub fn new(literal: &str) -> Self {
        let bytes = literal.as_bytes();
        // A JSON body escapes each of its quotes: about one escape in eight bytes.
        let mut escapes = Vec::with_capacity(literal.len() / 8);
        let (mut raw, mut decoded) = (1usize, 0usize);
        // The closing quote is not content.
        let end = literal.len().saturating_sub(1);
        while raw < end {
            let Some(k) = backslash(&bytes[raw..end]) else {
                decoded += end - raw;
                raw = end;
                break;
            };
            raw += k;
            decoded += k;
            let (raw_len, decoded_len) = escape_lengths(literal, raw);
            escapes.push(Escape {
                decoded,
                raw,
                decoded_len,
                raw_len,
            });
            raw += raw_len;
            decoded += decoded_len;
        }
        Self {
            escapes,
            decoded_len: decoded,
            end: raw.min(literal.len()),
        }
    }

    /// Where decoded byte `decoded` comes from in the literal (the bytes of an escaped
    /// character all come from where its escape starts); the decoded end maps to the
    /// literal's end, and past it there is nothing.
    pub fn raw(&self, decoded: usize) -> Option<usize> {
        if decoded >= self.decoded_len {
            return (decoded == self.decoded_len).then_some(self.end);
        }
        let before = self.escapes.partition_point(|e| e.decoded <= decoded);
        let Some(e) = before.checked_sub(1).map(|i| self.escapes[i]) else {
            return Some(1 + decoded);
        };
        if decoded < e.decoded + e.decoded_len {
            Some(e.raw)
        } else {
            Some(e.raw + e.raw_len + (decoded - e.decoded - e.decoded_len))
        }
    }
}

/// How many literal and decoded bytes the escape at `raw` spans: a `\uXXXX` (a surrogate pair
/// counts as one), or a backslash and one character.
fn escape_lengths(literal: &str, raw: usize) -> (usize, usize) {
    if literal.as_bytes().get(raw + 1) != Some(&b'u') {
        return (2, 1);
    }
    let code = literal
        .get(raw + 2..raw + 6)
        .and_then(|h| u32::from_str_radix(h, 16).ok())
        .unwrap_or(0);
    if (0xd800..0xdc00).contains(&code) && literal.get(raw + 6..raw + 8) == Some("\\u") {
        (12, 4)
    } else {
        (6, char::from_u32(code).map_or(3, char::len_utf8))
    }
}

/// The first backslash. An embedded body escapes every quote it holds, so most hops are a few
/// bytes: those are looked at directly, longer ones go to `memchr`.
fn backslash(bytes: &[u8]) -> Option<usize> {
    const NEAR: usize = 16;
    let near = bytes.len().min(NEAR);
    if let Some(k) = bytes[..near].iter().position(|&b| b == b'\\') {
        return Some(k);
    }
    memchr::memchr(b'\\', &bytes[near..]).map(|k| k + near)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference: an entry for every decoded byte, walked char by char.
    fn dense(literal: &str) -> Vec<usize> {
        let bytes = literal.as_bytes();
        let mut index = Vec::with_capacity(literal.len());
        let mut raw = 1usize;
        let end = literal.len().saturating_sub(1);
        while raw < end {
            let (raw_len, decoded_len) = if bytes[raw] == b'\\' {
                escape_lengths(literal, raw)
            } else {
                let width = literal[raw..].chars().next().map_or(1, char::len_utf8);
                (width, width)
            };
            for k in 0..decoded_len {
                index.push(if raw_len == decoded_len { raw + k } else { raw });
            }
            raw += raw_len;
        }
        index.push(raw.min(literal.len()));
        index
    }

    #[test]
    fn agrees_with_a_walk_of_every_byte() {
        let long = format!("\"{}\\\"x{}\"", "a".repeat(40), "é".repeat(30));
        for literal in [
            r#""""#,
            r#""a""#,
            r#""\"""#,
            r#""{\"a\":\"\u00e9\/x\"}""#,
            r#""\ud83d\ude00 \u4e2d\n\t\\""#,
            r#""中文\"😀\"""#,
            &long,
        ] {
            let index = RawIndex::new(literal);
            let want = dense(literal);
            for (decoded, want) in want.iter().enumerate() {
                assert_eq!(index.raw(decoded), Some(*want), "{literal}: {decoded}");
            }
            assert_eq!(index.raw(want.len()), None, "{literal}");
        }
    }

    #[test]
    fn decoded_offsets_land_where_their_text_is() {
        let literal = r#""{\"a\":\"\u00e9\/x\"}""#;
        let decoded: String = serde_json::from_str(literal).expect("string");
        assert_eq!(decoded, "{\"a\":\"é/x\"}");
        let index = RawIndex::new(literal);
        for (i, _) in decoded.char_indices() {
            let raw = index.raw(i).expect("inside");
            let piece: String =
                serde_json::from_str(&format!("\"{}", &literal[raw..])).unwrap_or_default();
            assert_eq!(piece, decoded[i..], "offset {i}");
        }
    }
}

//! Writes one array of a pretty-printed JSON document element by element, byte for byte as
//! serde_json would print the whole document, so the JSON and SARIF reports can stream.

use std::io::{self, Write};

use serde::Serialize;

/// The document around a streamed array: what comes before its first element, and how deep
/// the array sits.
#[derive(Debug)]
pub struct Frame {
    /// Everything up to and including the array's `[`.
    pub head: String,
    /// The indentation of the line the array opens on.
    depth: String,
}

/// Splits the pretty-printed `skeleton` (the document with the array empty, written `key:
/// []`) at the array named `key`. Returns the frame and the rest of the document from the
/// array's `]` on.
pub fn split(skeleton: &str, key: &str) -> io::Result<(Frame, String)> {
    let marker = format!("\"{key}\": []");
    let at = skeleton
        .find(&marker)
        .ok_or_else(|| io::Error::other(format!("no empty `{key}` array in the report")))?;
    let open = at + marker.len() - 1;
    let line_start = skeleton[..at].rfind('\n').map_or(0, |i| i + 1);
    let depth = skeleton[line_start..at]
        .chars()
        .take_while(|c| *c == ' ')
        .collect();
    Ok((
        Frame {
            head: skeleton[..open].to_owned(),
            depth,
        },
        skeleton[open..].to_owned(),
    ))
}

/// The elements of a streamed array.
#[derive(Debug)]
pub struct Elements {
    frame: Frame,
    /// Indentation of the elements: one level below the array.
    indent: Vec<u8>,
    written: u64,
    /// The element as serialised, then as written (indented).
    buffer: Vec<u8>,
    element: Vec<u8>,
}

impl Elements {
    /// Elements inside `frame`, whose head the caller has written.
    pub fn new(frame: Frame) -> Self {
        let mut indent = frame.depth.clone().into_bytes();
        indent.extend_from_slice(b"  ");
        Self {
            frame,
            indent,
            written: 0,
            buffer: Vec::new(),
            element: Vec::new(),
        }
    }

    /// Writes one element at its depth.
    ///
    /// # Errors
    /// When the writer fails.
    pub fn push(&mut self, value: &impl Serialize, out: &mut dyn Write) -> io::Result<()> {
        self.buffer.clear();
        sonic_rs::to_writer_pretty(&mut self.buffer, value).map_err(io::Error::other)?;
        self.element.clear();
        self.element
            .extend_from_slice(if self.written == 0 { b"\n" } else { b",\n" });
        self.element.extend_from_slice(&self.indent);
        // JSON strings hold no raw newline, so every newline starts a line to indent.
        let mut from = 0;
        for at in memchr::memchr_iter(b'\n', &self.buffer) {
            self.element.extend_from_slice(&self.buffer[from..=at]);
            self.element.extend_from_slice(&self.indent);
            from = at + 1;
        }
        self.element.extend_from_slice(&self.buffer[from..]);
        self.written += 1;
        // One write per element: each call through `dyn Write` costs more than the copy.
        out.write_all(&self.element)
    }

    /// Ends the elements: what comes before the array's `]`.
    ///
    /// # Errors
    /// When the writer fails.
    pub fn close(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.written > 0 {
            out.write_all(b"\n")?;
            out.write_all(self.frame.depth.as_bytes())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Doc {
        version: u32,
        items: Vec<serde_json::Value>,
        after: serde_json::Value,
    }

    #[test]
    fn streamed_elements_print_as_the_whole_document_does() {
        let items = [
            serde_json::json!({"a": 1, "b": [1, 2], "c": {"d": "x\ny"}}),
            serde_json::json!([]),
            serde_json::json!("plain"),
        ];
        let after = serde_json::json!({"n": [3]});
        for count in 0..=items.len() {
            let whole = Doc {
                version: 1,
                items: items[..count].to_vec(),
                after: after.clone(),
            };
            let expected = serde_json::to_string_pretty(&whole).unwrap();
            let skeleton = serde_json::to_string_pretty(&Doc {
                version: 1,
                items: Vec::new(),
                after: after.clone(),
            })
            .unwrap();
            let (frame, tail) = split(&skeleton, "items").unwrap();
            let mut out = frame.head.clone().into_bytes();
            let mut elements = Elements::new(frame);
            for item in &items[..count] {
                elements.push(item, &mut out).unwrap();
            }
            elements.close(&mut out).unwrap();
            out.extend_from_slice(tail.as_bytes());
            assert_eq!(String::from_utf8(out).unwrap(), expected, "{count} items");
        }
    }
}

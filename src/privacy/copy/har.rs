//! A HAR streamed for a copy: every value outside `log.entries` and every entry is read as a
//! tree, handed to the pass and written out pretty-printed in its place, so memory holds one
//! entry at a time. The names of the bodies entries keep apart (Playwright's `_file`) are
//! gathered on the way, for their copies.

use std::cell::Cell;
use std::fmt;
use std::io::{self, Read, Write};
use std::rc::Rc;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::pass::Pass;
use crate::privacy::tree::{self, Tree};

/// Reads a HAR from `reader`, each value and entry through `pass`, writing the copy to `out`
/// when there is one. No value or entry may take more than `bound` bytes of text; the names
/// the entries give in `_file`, in order, without repeats.
///
/// # Errors
/// Where the text stops being a HAR, as serde_json says it (line and column).
pub(crate) fn walk(
    reader: impl Read,
    out: Option<&mut dyn Write>,
    pass: &mut Pass<'_>,
    bound: u64,
) -> Result<Vec<String>, String> {
    let read = Rc::new(Cell::new(0));
    let bounded = Bounded {
        inner: reader,
        read: Rc::clone(&read),
        bound,
    };
    let mut deserializer = serde_json::Deserializer::from_reader(bounded);
    let mut har = Har {
        out,
        pass,
        entries: None,
        read,
        files: Vec::new(),
    };
    (&mut har)
        .deserialize(&mut deserializer)
        .map_err(|e| e.to_string())?;
    deserializer.end().map_err(|e| e.to_string())?;
    if har.entries.is_none() {
        return Err("not a HAR: there is no log.entries array".to_owned());
    }
    Ok(har.files)
}

/// A reader that fails once more than `bound` bytes were read since the count was last set
/// back (at the start of each value and entry): a HAR whose one entry inflates without end (a
/// compression bomb) stops there instead of filling the memory.
struct Bounded<R> {
    inner: R,
    read: Rc<Cell<u64>>,
    bound: u64,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let read = self.read.get() + n as u64;
        self.read.set(read);
        if read > self.bound {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "an entry or value of the HAR is larger than {} bytes, the most one is read for a copy",
                    self.bound
                ),
            ));
        }
        Ok(n)
    }
}

/// The state of a HAR being streamed: where it goes and what is done to each part.
struct Har<'o, 'p, 'a> {
    /// Where the copy goes; `None` when the HAR is only looked into.
    out: Option<&'o mut dyn Write>,
    pass: &'p mut Pass<'a>,
    /// How many entries were written; `None` until `log.entries` is seen.
    entries: Option<u64>,
    /// Bytes read since the current value or entry started.
    read: Rc<Cell<u64>>,
    /// The bodies the entries keep apart, by name.
    files: Vec<String>,
}

impl Har<'_, '_, '_> {
    fn write(&mut self, text: &str) -> io::Result<()> {
        match self.out.as_deref_mut() {
            Some(out) => out.write_all(text.as_bytes()),
            None => Ok(()),
        }
    }

    /// Writes a tree pretty-printed, its later lines indented to `depth`.
    fn tree(&mut self, tree: &Tree, depth: usize) -> io::Result<()> {
        if self.out.is_none() {
            return Ok(());
        }
        let pretty = serde_json::to_string_pretty(tree).map_err(io::Error::other)?;
        // JSON strings hold no raw line breaks, so every one of them is between tokens.
        let indented = pretty.replace('\n', &format!("\n{}", "  ".repeat(depth)));
        self.write(&indented)
    }

    fn member<E: de::Error>(&mut self, first: bool, name: &str, depth: usize) -> Result<(), E> {
        let name = serde_json::to_string(name).map_err(E::custom)?;
        let sep = if first { "" } else { "," };
        self.write(&format!("{sep}\n{}{name}: ", "  ".repeat(depth)))
            .map_err(E::custom)
    }

    fn value<'de, A: MapAccess<'de>>(&mut self, map: &mut A, depth: usize) -> Result<(), A::Error> {
        self.read.set(0);
        let mut value: Tree = map.next_value()?;
        self.pass.tree(&mut value);
        self.tree(&value, depth).map_err(de::Error::custom)
    }

    /// Notes the bodies an entry keeps apart: `request.postData._file`, `response.content._file`.
    fn note_files(&mut self, entry: &Tree) {
        for path in [
            ["request", "postData", "_file"],
            ["response", "content", "_file"],
        ] {
            let found = path.iter().try_fold(entry, |node, name| member(node, name));
            if let Some(Tree::String(name)) = found {
                if !self.files.contains(name) {
                    self.files.push(name.clone());
                }
            }
        }
    }
}

/// The member called `name` of an object (the last, as readers take it).
fn member<'t>(node: &'t Tree, name: &str) -> Option<&'t Tree> {
    let Tree::Object(members) = node else {
        return None;
    };
    members
        .iter()
        .rev()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
}

/// Which level of the HAR a seed reads.
#[derive(Clone, Copy)]
enum Level {
    Top,
    Log,
    Entries,
}

struct Seed<'h, 'o, 'p, 'a> {
    har: &'h mut Har<'o, 'p, 'a>,
    level: Level,
}

impl<'de> DeserializeSeed<'de> for &mut Har<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(Seed {
            har: self,
            level: Level::Top,
        })
    }
}

impl<'de> DeserializeSeed<'de> for Seed<'_, '_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        match self.level {
            Level::Entries => deserializer.deserialize_seq(self),
            _ => deserializer.deserialize_map(self),
        }
    }
}

impl<'de> Visitor<'de> for Seed<'_, '_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self.level {
            Level::Top => "a HAR document (a JSON object with `log`)",
            Level::Log => "the `log` object of a HAR",
            Level::Entries => "the `log.entries` array of a HAR",
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let depth = match self.level {
            Level::Top => 1,
            _ => 2,
        };
        self.har.write("{").map_err(de::Error::custom)?;
        let mut first = true;
        while let Some(name) = map.next_key::<String>()? {
            self.har.member::<A::Error>(first, &name, depth)?;
            first = false;
            let inner = match (self.level, name.as_str()) {
                (Level::Top, "log") => Some(Level::Log),
                (Level::Log, "entries") => Some(Level::Entries),
                _ => None,
            };
            match inner {
                Some(level) => map.next_value_seed(Seed {
                    har: &mut *self.har,
                    level,
                })?,
                None => self.har.value(&mut map, depth)?,
            }
        }
        let close = format!("\n{}}}", "  ".repeat(depth - 1));
        self.har.write(&close).map_err(de::Error::custom)?;
        if let Level::Top = self.level {
            self.har.write("\n").map_err(de::Error::custom)?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        self.har.write("[").map_err(de::Error::custom)?;
        self.har.entries = Some(0);
        let har = &mut *self.har;
        har.read.set(0);
        tree::each_item(seq, |mut entry| {
            har.note_files(&entry);
            har.pass.tree(&mut entry);
            let count = har.entries.unwrap_or(0);
            let sep = if count == 0 { "" } else { "," };
            har.write(&format!("{sep}\n      "))
                .map_err(|e| e.to_string())?;
            har.tree(&entry, 3).map_err(|e| e.to_string())?;
            har.entries = Some(count + 1);
            har.read.set(0);
            Ok(())
        })?;
        let close = if har.entries == Some(0) {
            "]"
        } else {
            "\n    ]"
        };
        har.write(close).map_err(de::Error::custom)
    }
}

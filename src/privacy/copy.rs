//! `dtlint redact`: copies of captures (HAR, JSON bodies, NDJSON, folders of them) that can be
//! attached to a ticket. Written beside the target and renamed into place only after a second
//! reading finds none of the removed values in them.

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use aho_corasick::AhoCorasick;
use base64::Engine;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::credentials::Credential;
use super::scrub::{Scrubber, Tally};
use super::tree::{self, Tree};
use crate::api::fields::Personal;

/// The shapes of input `redact` copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A HAR 1.2 capture, streamed entry by entry.
    Har,
    /// One JSON body.
    Json,
    /// One JSON body per line.
    Ndjson,
}

impl Shape {
    /// The shape a file's name says, if it names one `redact` copies.
    pub fn of(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "har" => Some(Self::Har),
            "json" => Some(Self::Json),
            "ndjson" | "jsonl" => Some(Self::Ndjson),
            _ => None,
        }
    }
}

/// What a `redact` run did.
#[derive(Debug, Default)]
pub struct Summary {
    /// Copies written, in order.
    pub written: Vec<PathBuf>,
    /// Files of a folder that are not captures, left out.
    pub passed_over: usize,
    /// What was removed and masked.
    pub tally: Tally,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let credentials: Vec<String> = Credential::ALL
            .iter()
            .filter_map(|k| {
                let n = self.tally.credentials.get(k).copied().unwrap_or(0);
                (n > 0).then(|| counted(n, k.nouns()))
            })
            .collect();
        let personal: Vec<String> = [
            (Personal::Phone, ("phone number", "phone numbers")),
            (Personal::Email, ("email address", "email addresses")),
            (
                Personal::Text,
                ("other personal value", "other personal values"),
            ),
        ]
        .iter()
        .filter_map(|(k, nouns)| {
            let n = self.tally.personal.get(k).copied().unwrap_or(0);
            (n > 0).then(|| counted(n, *nouns))
        })
        .collect();
        let list = |items: Vec<String>| {
            if items.is_empty() {
                "nothing".to_owned()
            } else {
                items.join(", ")
            }
        };
        write!(
            f,
            "redacted {} file{}: removed {}; masked {}",
            self.written.len(),
            if self.written.len() == 1 { "" } else { "s" },
            list(credentials),
            list(personal)
        )?;
        if self.passed_over > 0 {
            write!(
                f,
                "; {} files that are not captures passed over",
                self.passed_over
            )?;
        }
        Ok(())
    }
}

fn counted(n: u64, (one, many): (&str, &str)) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Copies `input` (a file, or a folder of captures) to `out` without credentials and, unless
/// `show_values`, with personal values masked.
///
/// # Errors
/// A message naming the file (and the position, for broken input); no copy of that file is left.
pub fn redact(input: &Path, out: &Path, show_values: bool) -> Result<Summary, String> {
    let mut scrubber = Scrubber::new(show_values);
    let mut summary = Summary::default();
    if input.is_dir() {
        if out.exists() && !out.is_dir() {
            return Err(format!(
                "{}: a folder is copied to a folder, and this is a file",
                out.display()
            ));
        }
        refuse_overwrite(input, out)?;
        // Listed first, so copies written inside the input folder are never read back.
        let files: Vec<PathBuf> = walkdir::WalkDir::new(input)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(walkdir::DirEntry::into_path)
            .collect();
        for file in files {
            let Some(shape) = Shape::of(&file) else {
                summary.passed_over += 1;
                continue;
            };
            let relative = file.strip_prefix(input).unwrap_or(&file);
            let target = out.join(relative);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("{}: cannot create the folder: {e}", parent.display()))?;
            }
            copy_file(&file, &target, shape, &mut scrubber)?;
            summary.written.push(target);
        }
    } else {
        let shape = Shape::of(input).unwrap_or(Shape::Json);
        copy_file(input, out, shape, &mut scrubber)?;
        summary.written.push(out.to_path_buf());
    }
    summary.tally = scrubber.tally;
    Ok(summary)
}

/// An error when `out` is `input`, by name or through another path to the same file.
fn refuse_overwrite(input: &Path, out: &Path) -> Result<(), String> {
    if out == input || same_file::is_same_file(input, out).unwrap_or(false) {
        return Err(format!(
            "{}: refusing to write over the input",
            out.display()
        ));
    }
    Ok(())
}

/// Copies one file through a temporary file beside the target, checked before it is renamed.
fn copy_file(
    input: &Path,
    out: &Path,
    shape: Shape,
    scrubber: &mut Scrubber,
) -> Result<(), String> {
    let shown = input.display();
    refuse_overwrite(input, out)?;
    let reader = File::open(input).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let temp = tempfile::Builder::new()
        .prefix(".dtlint-redact-")
        .tempfile_in(dir)
        .map_err(|e| format!("{}: cannot write beside it: {e}", out.display()))?;
    {
        let mut writer = BufWriter::new(temp.as_file());
        let mut reader = BufReader::new(reader);
        skip_bom(&mut reader).map_err(|e| format!("{shown}: cannot read: {e}"))?;
        let mut scrub = |t: &mut Tree| {
            scrubber.tree(t);
            Ok(())
        };
        walk(shape, reader, Some(&mut writer), &mut scrub).map_err(|e| format!("{shown}: {e}"))?;
        writer
            .flush()
            .map_err(|e| format!("{}: cannot write: {e}", out.display()))?;
    }
    let survivors = self_check(temp.path(), shape, scrubber.removed.iter())
        .map_err(|e| format!("{}: cannot read the copy back: {e}", out.display()))?;
    if survivors > 0 {
        // `temp` is removed when dropped: no copy is left behind.
        return Err(format!(
            "{shown}: self-check failed: {survivors} removed value{} still present in the copy; no copy written",
            if survivors == 1 { " is" } else { "s are" }
        ));
    }
    temp.persist(out)
        .map_err(|e| format!("{}: cannot write: {}", out.display(), e.error))?;
    Ok(())
}

/// Skips a UTF-8 byte order mark, which editors on Windows write and JSON forbids.
fn skip_bom(reader: &mut impl BufRead) -> io::Result<()> {
    if reader.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    Ok(())
}

/// What is done to each tree of an input: scrubbing it, or looking into it.
type Each<'a> = dyn FnMut(&mut Tree) -> Result<(), String> + 'a;

/// Reads an input of `shape`, hands each tree to `each`, and writes the trees to `out` when
/// there is one (the self-check only looks).
fn walk(
    shape: Shape,
    reader: impl BufRead,
    mut out: Option<&mut dyn Write>,
    each: &mut Each,
) -> Result<(), String> {
    match shape {
        Shape::Har => walk_har(reader, out, each),
        Shape::Json => {
            let mut text = String::new();
            let mut reader = reader;
            reader
                .read_to_string(&mut text)
                .map_err(|e| e.to_string())?;
            let mut tree = Tree::parse(&text).map_err(|e| e.to_string())?;
            each(&mut tree)?;
            let Some(out) = out else {
                return Ok(());
            };
            let mut pretty = serde_json::to_vec_pretty(&tree).map_err(|e| e.to_string())?;
            pretty.push(b'\n');
            out.write_all(&pretty).map_err(|e| e.to_string())
        }
        Shape::Ndjson => {
            for (number, line) in reader.split(b'\n').enumerate() {
                let line = line.map_err(|e| e.to_string())?;
                let text = String::from_utf8(line)
                    .map_err(|e| format!("line {}: not UTF-8: {e}", number + 1))?;
                let text = text.strip_suffix('\r').unwrap_or(&text);
                if text.trim().is_empty() {
                    if let Some(out) = out.as_deref_mut() {
                        writeln!(out, "{text}").map_err(|e| e.to_string())?;
                    }
                    continue;
                }
                let mut tree =
                    Tree::parse(text).map_err(|e| format!("line {}: {e}", number + 1))?;
                each(&mut tree)?;
                if let Some(out) = out.as_deref_mut() {
                    writeln!(out, "{}", tree.to_json()).map_err(|e| e.to_string())?;
                }
            }
            Ok(())
        }
    }
}

/// Streams a HAR: every value outside `log.entries` and every entry is read as a tree, handed
/// to `each` and written out pretty-printed in its place, so memory holds one entry at a time.
fn walk_har(reader: impl Read, out: Option<&mut dyn Write>, each: &mut Each) -> Result<(), String> {
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let mut har = Har {
        out,
        each,
        entries: None,
    };
    (&mut har)
        .deserialize(&mut deserializer)
        .map_err(|e| e.to_string())?;
    deserializer.end().map_err(|e| e.to_string())?;
    if har.entries.is_none() {
        return Err("not a HAR: there is no log.entries array".to_owned());
    }
    Ok(())
}

/// The state of a HAR being streamed: where it goes and what is done to each part.
struct Har<'o, 'e, 'f> {
    /// Where the copy goes; `None` when the HAR is only looked into.
    out: Option<&'o mut dyn Write>,
    each: &'e mut Each<'f>,
    /// How many entries were written; `None` until `log.entries` is seen.
    entries: Option<u64>,
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
        let mut value: Tree = map.next_value()?;
        (self.each)(&mut value).map_err(de::Error::custom)?;
        self.tree(&value, depth).map_err(de::Error::custom)
    }
}

/// Which level of the HAR a seed reads.
#[derive(Clone, Copy)]
enum Level {
    Top,
    Log,
    Entries,
}

struct Seed<'h, 'o, 'e, 'f> {
    har: &'h mut Har<'o, 'e, 'f>,
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
        tree::each_item(seq, |mut entry| {
            (har.each)(&mut entry)?;
            let count = har.entries.unwrap_or(0);
            let sep = if count == 0 { "" } else { "," };
            har.write(&format!("{sep}\n      "))
                .map_err(|e| e.to_string())?;
            har.tree(&entry, 3).map_err(|e| e.to_string())?;
            har.entries = Some(count + 1);
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

/// Reads a written copy again and counts the removed values still found in it: in every string,
/// in JSON texts held in strings, and in base64 bodies once decoded.
fn self_check<'a>(
    path: &Path,
    shape: Shape,
    removed: impl Iterator<Item = &'a String>,
) -> Result<usize, String> {
    let needles: Vec<&String> = removed.collect();
    if needles.is_empty() {
        return Ok(0);
    }
    let finder = AhoCorasick::new(&needles).map_err(|e| e.to_string())?;
    let mut found = std::collections::BTreeSet::new();
    let mut look = |tree: &mut Tree| {
        tree.each_string(&mut |s| look_into(&finder, s, &mut found, 0));
        Ok(())
    };
    let reader = BufReader::new(File::open(path).map_err(|e| e.to_string())?);
    walk(shape, reader, None, &mut look)?;
    Ok(found.len())
}

fn look_into(
    finder: &AhoCorasick,
    text: &str,
    found: &mut std::collections::BTreeSet<usize>,
    depth: usize,
) {
    for m in finder.find_overlapping_iter(text) {
        found.insert(m.pattern().as_usize());
    }
    if depth > 8 {
        return;
    }
    let trimmed = text.trim();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        if let Ok(inner) = Tree::parse(trimmed) {
            inner.each_string(&mut |s| look_into(finder, s, found, depth + 1));
        }
    } else if trimmed.len() >= 12
        && trimmed.len() % 4 == 0
        && trimmed
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
    {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(trimmed)
            .ok()
            .and_then(|b| String::from_utf8(b).ok());
        if let Some(decoded) = decoded {
            look_into(finder, &decoded, found, depth + 1);
        }
    }
}

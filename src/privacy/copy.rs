//! `dtlint redact`: copies of captures that can be attached to a ticket. Whatever `dtlint check`
//! reads, `redact` copies: the inputs are found and told apart as `check` finds and tells them
//! (its folder walk, [`InputFormat::content`]), and each is copied in its own shape (a HAR, its
//! zip archive and the bodies it keeps apart, a JSON body, NDJSON, a log, a VCR cassette),
//! compressed again as it was. Each copy is written beside its target and renamed into place
//! only after a second reading finds none of the removed values in it. A file that cannot be
//! copied is reported with where it stopped, and the others are still written.

mod archive;
mod cassette;
mod har;
mod lines;
mod pack;
pub(crate) mod pass;
mod summary;

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use self::lines::Lines;
use self::pack::Packer;
use self::pass::{Looker, Pass, Scrubbing};
use super::scrub::Scrubber;
use super::tree::Tree;
use crate::input::decompress::{self, Compression};
use crate::input::format::{Content, InputFormat};
use crate::input::Bodies;
use crate::run::walk::{self, Input, WalkOptions};

pub use self::summary::{Failure, Summary};

/// Copies `input` (a file, or a folder of captures) to `out` without credentials and, unless
/// `show_values`, with personal values masked. `max_size` bounds what is read as `check`'s
/// `--max-size` does: a body or a line, and what a compressed input may inflate to.
///
/// # Errors
/// When the run cannot start (a folder copied to a file, onto itself). Files that cannot be
/// copied are in [`Summary::failed`].
pub fn redact(
    input: &Path,
    out: &Path,
    show_values: bool,
    max_size: u64,
) -> Result<Summary, String> {
    let folder = input.is_dir();
    if folder {
        if out.exists() && !out.is_dir() {
            return Err(format!(
                "{}: a folder is copied to a folder, and this is a file",
                out.display()
            ));
        }
        refuse_overwrite(input, out)?;
    }
    // Listed first, so copies written inside the input folder are never read back.
    let options = WalkOptions {
        list_skipped: true,
        ..WalkOptions::default()
    };
    let collected = walk::collect(&[input.to_path_buf()], &options);
    let mut run = Run {
        scrubbing: Scrubbing {
            scrubber: Scrubber::new(show_values),
            as_text: 0,
        },
        limit: max_size,
        summary: Summary::default(),
        targets: HashSet::new(),
        kept_apart: HashSet::new(),
    };
    let mut not_captures = 0;
    for target in &collected.targets {
        let failure = |reason: String| Failure {
            path: target.display().to_owned(),
            reason,
        };
        match &**target {
            Input::File {
                path,
                format,
                sniff,
                ..
            } => {
                if *sniff && not_a_capture(path, *format, max_size) {
                    not_captures += 1;
                    continue;
                }
                let dest = if folder {
                    out.join(path.strip_prefix(input).unwrap_or(path))
                } else {
                    out.to_path_buf()
                };
                if let Err(reason) = run.capture(path, *format, &dest) {
                    run.summary.failed.push(failure(reason));
                }
            }
            Input::Missing { reason, .. } => run.summary.failed.push(failure(reason.clone())),
            Input::Stdin(..) | Input::Special { .. } => run.summary.failed.push(failure(
                "not a regular file; only files are copied".to_owned(),
            )),
        }
    }
    // A body a HAR keeps apart is passed over by the walk and copied with its HAR.
    run.summary.passed_over = collected
        .passed_over
        .iter()
        .filter(|(path, _)| !run.kept_apart.contains(Path::new(path)))
        .count()
        + not_captures;
    run.summary.as_text = run.scrubbing.as_text;
    run.summary.tally = run.scrubbing.scrubber.tally;
    Ok(run.summary)
}

/// Whether a `.json` file met in a folder is some other JSON (`package.json`), which `check`
/// passes over as no capture; one too large to look at is left to the copy to refuse.
fn not_a_capture(path: &Path, format: InputFormat, limit: u64) -> bool {
    format == InputFormat::Json
        && std::fs::metadata(path).is_ok_and(|meta| meta.len() <= limit)
        && std::fs::read(path).is_ok_and(|bytes| walk::holds_no_capture(path, format, &bytes))
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

/// The state of a run.
struct Run {
    scrubbing: Scrubbing,
    /// `--max-size`.
    limit: u64,
    summary: Summary,
    /// Every file written, so none is written twice.
    targets: HashSet<PathBuf>,
    /// The bodies kept apart that were copied with their HAR, as the walk names them.
    kept_apart: HashSet<PathBuf>,
}

impl Run {
    /// The most a HAR entry, or a member of an archive, is read whole for a copy: sixteen
    /// times `--max-size`. `check` passes over what is larger than `--max-size` without keeping
    /// it; a copy holds every entry, and captures from browsers hold scripts and images larger
    /// than a body.
    fn bound(&self) -> u64 {
        self.limit.saturating_mul(16)
    }

    /// Copies one capture to `dest`, then the bodies it keeps apart, if it is a HAR.
    fn capture(&mut self, path: &Path, format: InputFormat, dest: &Path) -> Result<(), String> {
        refuse_overwrite(path, dest)?;
        if !self.targets.insert(dest.to_path_buf()) {
            // Copied already, as a body kept apart by a HAR.
            return Ok(());
        }
        if let Some(parent) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("{}: cannot create the folder: {e}", parent.display()))?;
        }
        let (limit, bound) = (self.limit, self.bound());
        let opened = Opened::open(path, format, None, limit, bound)?;
        let (content, compression) = (opened.content, opened.compression);
        let files = self.write_checked(
            dest,
            compression,
            |out, pass| opened.walk(Some(out), pass, limit, bound),
            |copy, pass| {
                // The copy may be larger than its input (pretty-printed): read up to the bound.
                Opened::open(copy, format, Some(content), bound, bound)?
                    .walk(None, pass, limit, bound)
                    .map(drop)
            },
            |files| {
                // The copies of its bodies would be written over the bodies themselves, and
                // the copy would name bodies that were never redacted.
                if files.is_empty() || !same_folder(path, dest) {
                    return Ok(());
                }
                let n = files.len() as u64;
                Err(format!(
                    "it keeps {n} {} apart beside it (`_file`), whose copies would be written over {}; write the copy to another folder",
                    crate::report::plural(n, "body", "bodies"),
                    crate::report::plural(n, "it", "them"),
                ))
            },
        )?;
        self.summary.written.push(dest.to_path_buf());
        if !files.is_empty() {
            self.kept_apart(path, dest, &files);
        }
        Ok(())
    }

    /// Copies the bodies a HAR at `har` keeps apart in its folder, named by its entries, beside
    /// its copy at `dest`. A body that cannot be read is left out of the copy as `check` says
    /// of the input (DT011, DT012); one that cannot be copied is a failure of its own.
    fn kept_apart(&mut self, har: &Path, dest: &Path, names: &[String]) {
        let folder = har.parent().unwrap_or(Path::new(""));
        let dest_folder = dest.parent().unwrap_or(Path::new(""));
        let bodies = Bodies::Folder(folder.to_path_buf());
        for name in names {
            let Ok(kept) = bodies.read(crate::rules::attached::Side::Response, name, self.limit)
            else {
                continue;
            };
            let source = folder.join(name);
            let target = dest_folder.join(name);
            let written = refuse_overwrite(&source, &target)
                .map_err(|e| {
                    format!("{e}: the copy of a HAR that keeps bodies apart goes to another folder")
                })
                .and_then(|()| self.body(&kept.bytes, &target));
            match written {
                Ok(true) => {
                    self.kept_apart.insert(source);
                    self.summary.bodies.push(target);
                }
                Ok(false) => {
                    self.kept_apart.insert(source);
                }
                Err(reason) => self.summary.failed.push(Failure {
                    path: source.to_string_lossy().into_owned(),
                    reason,
                }),
            }
        }
    }

    /// Copies a body kept apart to `target`; `false` when it was written already.
    fn body(&mut self, bytes: &[u8], target: &Path) -> Result<bool, String> {
        if !self.targets.insert(target.to_path_buf()) {
            return Ok(false);
        }
        if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("{}: cannot create the folder: {e}", parent.display()))?;
        }
        let bound = self.bound();
        self.write_checked(
            target,
            None,
            |out, pass| {
                let copy = pass.body(bytes);
                out.write_all(copy.as_deref().unwrap_or(bytes))
                    .map_err(|e| format!("cannot write: {e}"))
            },
            |copy, pass| {
                let mut bytes = Vec::new();
                File::open(copy)
                    .and_then(|f| f.take(bound).read_to_end(&mut bytes))
                    .map_err(|e| e.to_string())?;
                pass.body(&bytes);
                Ok(())
            },
            |()| Ok(()),
        )?;
        Ok(true)
    }

    /// Writes a copy through a temporary file beside `dest`, compressed as `compression` says,
    /// reads it back (decompressed) and renames it into place only when none of the values
    /// removed from it is found in it, and `accept` takes what the writing gave. What a copy
    /// that is not kept removed and masked is not counted.
    fn write_checked<T>(
        &mut self,
        dest: &Path,
        compression: Option<Compression>,
        write: impl FnOnce(&mut dyn Write, &mut Pass<'_>) -> Result<T, String>,
        read_back: impl FnOnce(&Path, &mut Pass<'_>) -> Result<(), String>,
        accept: impl FnOnce(&T) -> Result<(), String>,
    ) -> Result<T, String> {
        let counted = (
            self.scrubbing.scrubber.tally.clone(),
            self.scrubbing.as_text,
        );
        let written = self.checked(dest, compression, write, read_back, accept);
        if written.is_err() {
            (self.scrubbing.scrubber.tally, self.scrubbing.as_text) = counted;
        }
        written
    }

    fn checked<T>(
        &mut self,
        dest: &Path,
        compression: Option<Compression>,
        write: impl FnOnce(&mut dyn Write, &mut Pass<'_>) -> Result<T, String>,
        read_back: impl FnOnce(&Path, &mut Pass<'_>) -> Result<(), String>,
        accept: impl FnOnce(&T) -> Result<(), String>,
    ) -> Result<T, String> {
        let shown = dest.display();
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let temp = tempfile::Builder::new()
            .prefix(".dtlint-redact-")
            .tempfile_in(dir)
            .map_err(|e| format!("{shown}: cannot write beside it: {e}"))?;
        let file = temp
            .as_file()
            .try_clone()
            .map_err(|e| format!("{shown}: cannot write: {e}"))?;
        let mut packer =
            Packer::new(file, compression).map_err(|e| format!("{shown}: cannot write: {e}"))?;
        // Each copy is checked for what was removed from it: a value masked in one file may
        // stand in another where it is kept (an id that is also a misplaced email).
        self.scrubbing.scrubber.removed.clear();
        // `temp` is removed when dropped on any error below: no copy is left behind.
        let value = write(&mut packer, &mut Pass::Scrub(&mut self.scrubbing))?;
        packer
            .finish()
            .map_err(|e| format!("{shown}: cannot write: {e}"))?;
        let mut looker = Looker::new(&self.scrubbing.scrubber.removed)?;
        read_back(temp.path(), &mut Pass::Look(&mut looker))
            .map_err(|e| format!("{shown}: cannot read the copy back: {e}"))?;
        let survivors = looker.survivors();
        if survivors > 0 {
            return Err(format!(
                "self-check failed: {survivors} removed {} still present in the copy; no copy written",
                crate::report::plural(survivors as u64, "value is", "values are")
            ));
        }
        accept(&value)?;
        temp.persist(dest)
            .map_err(|e| format!("{shown}: cannot write: {}", e.error))?;
        Ok(value)
    }
}

/// Whether the files at `a` and `b` are in the same folder.
fn same_folder(a: &Path, b: &Path) -> bool {
    let folder = |p: &Path| match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    same_file::is_same_file(folder(a), folder(b)).unwrap_or(false)
}

/// A UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// An input opened for reading, decompressed, and what it holds.
struct Opened {
    content: Content,
    compression: Option<Compression>,
    source: Source,
}

/// Where an input's text is read from.
enum Source {
    /// A body or cassette, read whole (decompressed).
    Whole(Vec<u8>),
    /// A stream of lines or a HAR (decompressed as it is read).
    Stream(BufReader<Counted<Box<dyn Read + Send>>>),
    /// A zip archive in a file, read from its path (the reader seeks).
    ZipFile(PathBuf),
    /// A zip archive that was compressed, decompressed in memory.
    ZipBytes(Vec<u8>),
}

impl Opened {
    /// Opens `path` as `check` would: decompressed when its first bytes say it is compressed,
    /// what it holds told by its format and first bytes (or `content`, known already). What
    /// is read whole may be at most `limit` bytes; a compressed archive at most `bound`.
    fn open(
        path: &Path,
        format: InputFormat,
        content: Option<Content>,
        limit: u64,
        bound: u64,
    ) -> Result<Self, String> {
        let file = File::open(path).map_err(|e| format!("cannot read: {e}"))?;
        let (plain, compression) = decompress::opened(BufReader::with_capacity(1 << 16, file))
            .map_err(|e| e.to_string())?;
        let mut reader = BufReader::with_capacity(1 << 16, Counted::new(plain));
        let inflated = if compression.is_some() {
            " once decompressed"
        } else {
            ""
        };
        if matches!(format, InputFormat::Json | InputFormat::Vcr) {
            let mut bytes = Vec::new();
            (&mut reader)
                .take(limit.saturating_add(1))
                .read_to_end(&mut bytes)
                .map_err(|e| stopped(&e.to_string(), reader.get_ref().read))?;
            if bytes.len() as u64 > limit {
                return Err(format!(
                    "larger than the limit of {limit} bytes (--max-size){inflated}"
                ));
            }
            return Ok(Self {
                content: content.unwrap_or_else(|| format.content(&bytes)),
                compression,
                source: Source::Whole(bytes),
            });
        }
        let mut head = reader.fill_buf().map_err(|e| stopped(&e.to_string(), 0))?;
        if format == InputFormat::Har && head.starts_with(BOM) {
            // Editors on Windows write one, and JSON forbids it: the copy is written without.
            reader.consume(BOM.len());
            head = reader.fill_buf().map_err(|e| stopped(&e.to_string(), 0))?;
        }
        let content = content.unwrap_or_else(|| format.content(head));
        let source = match (content, compression) {
            (Content::Zip, None) => Source::ZipFile(path.to_path_buf()),
            (Content::Zip, Some(_)) => {
                let mut bytes = Vec::new();
                (&mut reader)
                    .take(bound.saturating_add(1))
                    .read_to_end(&mut bytes)
                    .map_err(|e| stopped(&e.to_string(), reader.get_ref().read))?;
                if bytes.len() as u64 > bound {
                    return Err(format!(
                        "a zip archive larger than {bound} bytes{inflated}, more than one is read for a copy"
                    ));
                }
                Source::ZipBytes(bytes)
            }
            _ => Source::Stream(reader),
        };
        Ok(Self {
            content,
            compression,
            source,
        })
    }

    /// Reads the input through `pass`, writing the copy to `out` when there is one; the
    /// bodies a HAR keeps apart, by name.
    fn walk(
        self,
        out: Option<&mut dyn Write>,
        pass: &mut Pass<'_>,
        limit: u64,
        bound: u64,
    ) -> Result<Vec<String>, String> {
        let budget = crate::input::archive::budget(limit);
        match self.source {
            Source::Whole(bytes) => {
                let text = utf8(&bytes)?;
                let copy = match self.content {
                    Content::Cassette => cassette::walk(text, pass, limit)?,
                    _ => body(text, pass),
                };
                if let (Some(out), Some(copy)) = (out, copy) {
                    out.write_all(copy.as_bytes())
                        .map_err(|e| format!("cannot write: {e}"))?;
                }
                Ok(Vec::new())
            }
            Source::Stream(mut reader) => {
                let result =
                    match self.content {
                        Content::Har => har::walk(&mut reader, out, pass, bound),
                        Content::Log => lines::walk(&mut reader, out, pass, limit, Lines::Log)
                            .map(|()| Vec::new()),
                        _ => lines::walk(&mut reader, out, pass, limit, Lines::Json)
                            .map(|()| Vec::new()),
                    };
                result.map_err(|e| stopped(&e, reader.get_ref().read))
            }
            Source::ZipFile(path) => {
                let file = File::open(&path).map_err(|e| format!("cannot read: {e}"))?;
                archive::walk(BufReader::new(file), out, pass, bound, budget).map(|()| Vec::new())
            }
            Source::ZipBytes(bytes) => {
                archive::walk(io::Cursor::new(bytes), out, pass, bound, budget).map(|()| Vec::new())
            }
        }
    }
}

/// A reader that counts the bytes it reads, for saying where reading stopped.
struct Counted<R> {
    inner: R,
    read: u64,
}

impl<R> Counted<R> {
    fn new(inner: R) -> Self {
        Self { inner, read: 0 }
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

/// A reading error with where it stopped, unless it says so already (a line, an entry).
fn stopped(error: &str, read: u64) -> String {
    if error.contains("line ") {
        error.to_owned()
    } else {
        format!("{error} (reading stopped at byte {read})")
    }
}

/// The text of a body or cassette read whole.
fn utf8(bytes: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(bytes).map_err(|e| {
        let before = &bytes[..e.valid_up_to()];
        let line = bytecount::count(before, b'\n') + 1;
        let column = before.len()
            - before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |n| n + 1)
            + 1;
        format!("line {line} column {column}: not UTF-8 text, which cannot be scrubbed")
    })
}

/// The copy of one body: a JSON value scrubbed as a tree and pretty-printed; text that is not
/// JSON (a body cut short) scrubbed by pattern and kept as it stands, so `check` finds it broken
/// where it found the input broken. `None` when the pass writes nothing.
fn body(text: &str, pass: &mut Pass<'_>) -> Option<String> {
    let json = text.strip_prefix('\u{feff}').unwrap_or(text);
    if json.trim().is_empty() {
        return pass.writes().then(|| text.to_owned());
    }
    match Tree::parse(json) {
        Ok(mut tree) => {
            pass.tree(&mut tree);
            if !pass.writes() {
                return None;
            }
            let mut pretty = serde_json::to_string_pretty(&tree).unwrap_or_default();
            pretty.push('\n');
            Some(pretty)
        }
        Err(_) => {
            let copy = pass.not_json(text).into_owned();
            pass.writes().then_some(copy)
        }
    }
}

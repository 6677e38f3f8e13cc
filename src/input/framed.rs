//! Reads framed records (`--stdin-format framed`): the lines of many sources, each carrying
//! its origin, as a cluster job hands a shard of its inputs to dtlint:
//!
//! ```text
//! SOURCE \t POSITION \t MTIME \t LINE \n
//! ```
//!
//! SOURCE names the input as a single run would; POSITION orders its lines (the line's byte
//! offset, as Hadoop's `TextInputFormat` gives it, or the start of the split that holds it);
//! MTIME is the source's modification time in seconds, or empty; LINE is the line's bytes as
//! they are, a carriage return or bytes that are not UTF-8 included. Consecutive records of a
//! source that follow each other in it form a run, checked as one input whose lines are counted
//! from the run's start; its [`Span`] says where it stands, so that `dtlint merge` can number
//! every line as one run over the whole source would.

use std::io::{BufRead, Read};
use std::path::Path;

use super::ndjson::{check_lines, skip_line, Line, Lines};
use super::{Deliver, Outcome, Pace};
use crate::engine::outcome::Span;
use crate::engine::pipeline::Settings;
use crate::input::format::InputFormat;
use crate::json::Location;

/// Bytes a record's head (source, position, time) may take: a path is rarely longer than a
/// few hundred bytes, and a head without its tabs must not make the reader keep a whole line.
const HEAD_MAX: u64 = 16 << 10;

/// Bad records inside one run reported each; the rest are counted, so that a stream of
/// garbage between two records of a run cannot make the reader hold it.
const BAD_KEPT: usize = 100;

/// The first record of a run: where its lines come from and how they are read.
#[derive(Debug, Clone)]
pub struct Head {
    /// The source as a single run names it.
    pub source: String,
    /// Where the run starts in it.
    pub position: u64,
    /// The source's modification time, when the record carried it.
    pub mtime: Option<i64>,
}

/// What the stream holds next.
#[derive(Debug)]
pub enum Next {
    /// A run of lines of one source: check it with [`Framed::check_run`].
    Run(Head),
    /// A record that is not one, reported on the stream itself; reading goes on after it.
    Bad(Outcome),
    /// The stream has ended.
    End,
}

/// One record as read.
struct Record {
    head: Head,
    /// The line without its line feed, or the size of a line too long to keep; `None` for an
    /// empty chunk (a source with no lines).
    line: Option<Result<Vec<u8>, u64>>,
}

impl Record {
    fn size(&self) -> u64 {
        match &self.line {
            Some(Ok(bytes)) => bytes.len() as u64,
            // The size of a line too long to keep counts its line feed.
            Some(Err(size)) => size.saturating_sub(1),
            None => 0,
        }
    }
}

/// A chunk being read: whole lines of a source sent as one record.
struct Chunk {
    source: String,
    mtime: Option<i64>,
    /// Where its next line starts in the source.
    position: u64,
    /// Its bytes not read yet.
    remaining: u64,
}

/// A stream of framed records, read run by run.
pub struct Framed<R> {
    reader: R,
    limit: u64,
    /// A record read but not yet checked: the first of the next run.
    next: Option<Record>,
    /// Bad records met inside a run, reported once the run has ended.
    bad: Vec<Outcome>,
    /// Bad records met inside a run beyond [`BAD_KEPT`], counted only.
    bad_dropped: u64,
    /// Records read, for the positions of bad ones.
    records: u64,
    /// Bytes of the stream read.
    offset: u64,
    /// The position and size of the run's last line so far.
    last: Option<(u64, u64)>,
    /// Reading failed: nothing more is read.
    reader_failed: bool,
    /// The chunk whose lines are being read.
    chunk: Option<Chunk>,
    /// An empty chunk at the start of its source was met in the current run.
    empty_source: bool,
}

impl<R: BufRead + Send> Framed<R> {
    /// Reads records from `reader`; lines longer than `limit` are reported, not kept.
    pub fn new(reader: R, limit: u64) -> Self {
        Self {
            reader,
            limit,
            next: None,
            bad: Vec::new(),
            bad_dropped: 0,
            records: 0,
            offset: 0,
            last: None,
            reader_failed: false,
            chunk: None,
            empty_source: false,
        }
    }

    /// What comes next: a run to check, a bad record, or the end.
    pub fn next_run(&mut self) -> Next {
        if !self.bad.is_empty() {
            return Next::Bad(self.bad.remove(0));
        }
        if self.bad_dropped > 0 {
            let more = std::mem::take(&mut self.bad_dropped);
            return Next::Bad(unreadable(format!(
                "{more} more framed records inside a run of lines were not records either; they were skipped"
            )));
        }
        if let Some(record) = &self.next {
            return Next::Run(record.head.clone());
        }
        match self.read() {
            None => Next::End,
            Some(Ok(record)) => {
                let head = record.head.clone();
                self.next = Some(record);
                Next::Run(head)
            }
            Some(Err(bad)) => Next::Bad(bad),
        }
    }

    /// Checks the run that starts with the record [`Framed::next_run`] gave, delivering an
    /// outcome per line in order (their entries and lines counted from the run's start), and
    /// says where the run stands in its source.
    pub fn check_run(
        &mut self,
        head: &Head,
        settings: &Settings,
        pace: Pace,
        deliver: &mut Deliver<'_>,
    ) -> Span {
        let mut span = Span::at(head.position, head.mtime);
        self.last = None;
        self.empty_source = false;
        let lines = match InputFormat::of(Path::new(&head.source)) {
            Some(InputFormat::Log) => Lines::Log,
            Some(InputFormat::Ndjson) => Lines::Json,
            other => {
                // Whole documents cannot be checked line by line: the run is passed over.
                let what = match other {
                    Some(InputFormat::Har) => "a HAR capture",
                    Some(InputFormat::Json) => "a JSON document",
                    Some(InputFormat::Vcr) => "a VCR cassette",
                    _ => "no NDJSON or log file",
                };
                let mut outcome = Outcome::about_input(vec![crate::rules::reader::unreadable(
                    format!(
                        "framed records carry lines of NDJSON or log files, and this source is {what} by its name: its lines were not checked (read it whole instead)"
                    ),
                )]);
                outcome.unreadable = true;
                deliver(outcome);
                while self.continued(head, &mut span).is_some() {}
                return span;
            }
        };
        if crate::input::decompress::Compression::named(Path::new(&head.source)) {
            // The job decompressed it: positions are in its decompressed text, as a single run's.
            deliver(Outcome {
                decompressed: true,
                ..Outcome::default()
            });
        }
        let limit = self.limit;
        let produce = || {
            let index = span.lines;
            let at = Location::point(
                usize::try_from(span.bytes).unwrap_or(usize::MAX),
                usize::try_from(index).unwrap_or(usize::MAX) + 1,
                1,
            );
            let line = self.continued(head, &mut span)?;
            Some(Line {
                index,
                at,
                bytes: line.map(|mut bytes| {
                    bytes.push(b'\n');
                    bytes
                }),
            })
        };
        let held = check_lines(produce, settings, limit, pace, deliver, lines);
        if std::mem::take(&mut self.empty_source) && !held && lines == Lines::Json {
            // An empty file, sent as an empty chunk, is reported as a single run reports it.
            let empty = crate::rules::reader::empty_input(crate::engine::guard::Subject::Input);
            deliver(Outcome::about_input(crate::engine::place::placed(
                vec![empty],
                "",
                Some(""),
                Location::START,
                |_| Some(0..0),
            )));
        }
        span
    }

    /// The next record's line if it continues the run (same source, and the same position or
    /// the one right after the previous line), counted into `span`.
    fn continued(&mut self, head: &Head, span: &mut Span) -> Option<Result<Vec<u8>, u64>> {
        let record = match self.next.take() {
            Some(record) => record,
            None => loop {
                match self.read()? {
                    Ok(record) => break record,
                    // A bad record does not end the run: it is reported once the run has.
                    Err(bad) if self.bad.len() < BAD_KEPT => self.bad.push(bad),
                    Err(_) => self.bad_dropped += 1,
                }
            },
        };
        let follows = record.head.source == head.source
            && self.last.is_none_or(|(position, size)| {
                record.head.position == position || record.head.position == position + size + 1
            });
        if !follows {
            self.next = Some(record);
            return None;
        }
        let size = record.size();
        let Some(line) = record.line else {
            // A source with no lines: nothing to check, but the run knows it was whole.
            self.empty_source |= record.head.position == 0;
            return self.continued(head, span);
        };
        self.last = Some((record.head.position, size));
        span.lines += 1;
        span.bytes += size + 1;
        Some(line)
    }

    /// Reads one record; `None` at the end of the stream (or once reading failed, which is
    /// reported as a bad record first).
    fn read(&mut self) -> Option<Result<Record, Outcome>> {
        if self.reader_failed {
            return None;
        }
        if self.chunk.as_ref().is_some_and(|c| c.remaining > 0) {
            return Some(self.chunk_line().map_err(unreadable));
        }
        self.chunk = None;
        let mut bytes = Vec::new();
        let bound = self.limit.saturating_add(HEAD_MAX).saturating_add(1);
        let read = match self
            .reader
            .by_ref()
            .take(bound)
            .read_until(b'\n', &mut bytes)
        {
            Ok(0) => return None,
            Ok(n) => n as u64,
            Err(error) => {
                // Nothing more can be read: the stream ends here, reported as unreadable.
                self.reader_failed = true;
                return Some(Err(unreadable(format!("reading stopped: {error}"))));
            }
        };
        let at = (self.records, self.offset);
        self.records += 1;
        let mut size = read;
        let whole = bytes.ends_with(b"\n");
        if !whole && read == bound {
            // Too long: the rest of the record is skipped without being kept.
            size += skip_line(&mut self.reader, u64::MAX);
        }
        self.offset += size;
        if whole {
            bytes.pop();
        }
        let parsed = parse(bytes, size, whole || read < bound, self.limit).map_err(|why| {
            unreadable(format!(
                "framed record {} (byte {} of the stream) is not SOURCE<TAB>POSITION<TAB>MTIME<TAB>LINE: {why}; it was skipped",
                at.0 + 1,
                at.1
            ))
        });
        match parsed {
            Ok(Parsed::Line(record)) => Some(Ok(record)),
            Ok(Parsed::Chunk(head, 0)) => Some(Ok(Record { head, line: None })),
            Ok(Parsed::Chunk(head, length)) => {
                self.chunk = Some(Chunk {
                    source: head.source,
                    mtime: head.mtime,
                    position: head.position,
                    remaining: length,
                });
                Some(self.chunk_line().map_err(unreadable))
            }
            Err(bad) => Some(Err(bad)),
        }
    }

    /// The next line of the chunk being read, as a record of its own.
    fn chunk_line(&mut self) -> Result<Record, String> {
        let limit = self.limit;
        let Some(chunk) = self.chunk.as_mut() else {
            return Err("no chunk is being read".to_owned());
        };
        let cap = chunk.remaining.min(limit.saturating_add(2));
        let mut bytes = Vec::new();
        let read = match self.reader.by_ref().take(cap).read_until(b'\n', &mut bytes) {
            Ok(n) => n as u64,
            Err(error) => {
                self.reader_failed = true;
                return Err(format!("reading stopped: {error}"));
            }
        };
        if read == 0 {
            self.reader_failed = true;
            return Err(format!(
                "the stream ended {} bytes before the end of the chunk of {} it announced",
                chunk.remaining, chunk.source
            ));
        }
        let mut size = read;
        let whole = bytes.ends_with(b"\n");
        if !whole && read == cap && read < chunk.remaining {
            // Too long: the rest of the line, within the chunk, is skipped without being kept.
            size += skip_line(&mut self.reader, chunk.remaining - size);
        }
        self.offset += size;
        let head = Head {
            source: chunk.source.clone(),
            position: chunk.position,
            mtime: chunk.mtime,
        };
        chunk.position += size;
        chunk.remaining = chunk.remaining.saturating_sub(size);
        if whole {
            bytes.pop();
        }
        let kept = size == read && size <= limit.saturating_add(1);
        let line = if kept { Ok(bytes) } else { Err(size) };
        Ok(Record {
            head,
            line: Some(line),
        })
    }
}

/// A finding on the stream that makes the run fail (exit 2), as an unreadable input does.
fn unreadable(message: String) -> Outcome {
    let mut outcome = Outcome::about_input(vec![crate::rules::reader::unreadable(message)]);
    outcome.unreadable = true;
    outcome
}

/// A record from its bytes (without the line feed); `size` is the record's whole size and
/// `kept` whether `bytes` holds all of it.
/// What a record is: a line, or the head of a chunk of whole lines (`START+LENGTH` as its
/// position, no line, the chunk's bytes right after the line feed).
enum Parsed {
    Line(Record),
    Chunk(Head, u64),
}

fn parse(bytes: Vec<u8>, size: u64, kept: bool, limit: u64) -> Result<Parsed, String> {
    let mut tabs = memchr::memchr_iter(b'\t', &bytes);
    let (Some(first), Some(second), Some(third)) = (tabs.next(), tabs.next(), tabs.next()) else {
        return Err("it has fewer than three tabs".to_owned());
    };
    let source =
        std::str::from_utf8(&bytes[..first]).map_err(|_| "its source is not UTF-8".to_owned())?;
    if source.is_empty() {
        return Err("its source is empty".to_owned());
    }
    fn number(field: &[u8]) -> Option<&str> {
        std::str::from_utf8(field).ok().map(str::trim)
    }
    let position_field = number(&bytes[first + 1..second]).unwrap_or("-");
    let (position_text, length) = match position_field.split_once('+') {
        Some((start, length)) => (
            start,
            Some(
                length
                    .parse::<u64>()
                    .map_err(|_| "its chunk length is not a whole number".to_owned())?,
            ),
        ),
        None => (position_field, None),
    };
    let position = position_text
        .parse::<u64>()
        .map_err(|_| "its position is not a whole number".to_owned())?;
    let mtime = match number(&bytes[second + 1..third]) {
        Some("") => None,
        // Whole seconds; a time given in fractions keeps its whole part.
        Some(text) => Some(
            text.split('.')
                .next()
                .and_then(|whole| whole.parse::<i64>().ok())
                .ok_or_else(|| "its modification time is not a number of seconds".to_owned())?,
        ),
        None => return Err("its modification time is not a number of seconds".to_owned()),
    };
    let head = Head {
        source: source.to_owned(),
        position,
        mtime,
    };
    if let Some(length) = length {
        if bytes.len() != third + 1 {
            return Err("a chunk's head has nothing after its third tab".to_owned());
        }
        return Ok(Parsed::Chunk(head, length));
    }
    let line_size = size.saturating_sub(third as u64 + 1);
    let line = if !kept || line_size > limit.saturating_add(1) {
        Err(line_size)
    } else {
        let mut bytes = bytes;
        bytes.drain(..=third);
        Ok(bytes)
    };
    Ok(Parsed::Line(Record {
        head,
        line: Some(line),
    }))
}

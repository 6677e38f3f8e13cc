//! HAR zip archives, as Playwright writes them with `record_har_path="capture.zip"`: a `.har`
//! member whose entries name their bodies in `_file`, the bodies as members named by SHA-1.
//! Recognised by the first bytes (`PK\x03\x04`) whatever the file is called. Every member is
//! read bounded (`--max-size` for a body, a budget for the whole), and zip bombs (a member that
//! inflates beyond its declared size or far beyond its compressed size, too many members) and
//! names that climb out of the archive are refused with a finding. Findings in a member name it
//! as `!/member`, which the report shows as `capture.zip!/member`.

use std::io::{self, BufRead, Read, Seek};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use zip::ZipArchive;

use super::har::{har_outcomes_in, Bodies};
use super::pipeline::Pace;
use super::{Deliver, Outcome};
use crate::engine::pipeline::Settings;
use crate::engine::place::placed;
use crate::finding::Finding;
use crate::json::Location;
use crate::rules::attached::{self, Side};

/// The first bytes of a zip archive (a local file header).
pub const MAGIC: [u8; 4] = *b"PK\x03\x04";

/// More members than any capture's archive holds: one per distinct body and the HAR.
pub const MAX_MEMBERS: usize = 50_000;

/// How many times its compressed size a member may inflate to, once it is over 1 MiB: JSON
/// compresses ten to fifty times; a bomb a thousand times and more.
pub const MAX_RATIO: u64 = 1_000;

/// Whether `head`, an input's first bytes, starts a zip archive.
pub fn is_zip(head: &[u8]) -> bool {
    head.starts_with(&MAGIC)
}

/// Something an archive can be read from, as many times as it is opened.
#[derive(Clone)]
pub enum Stored {
    /// A file, opened again for each reader.
    Path(PathBuf),
    /// Bytes in memory (standard input, a decompressed stream).
    Bytes(Arc<[u8]>),
}

trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

impl Stored {
    fn open(&self) -> io::Result<ZipArchive<Box<dyn ReadSeek>>> {
        let reader: Box<dyn ReadSeek> = match self {
            Self::Path(path) => Box::new(io::BufReader::new(std::fs::File::open(path)?)),
            Self::Bytes(bytes) => Box::new(io::Cursor::new(Arc::clone(bytes))),
        };
        ZipArchive::new(reader).map_err(|error| io::Error::new(io::ErrorKind::InvalidData, error))
    }
}

/// An archive whose members are read as bodies, one at a time, while its HAR is read.
pub struct Archive {
    zip: Mutex<ZipArchive<Box<dyn ReadSeek>>>,
    /// Bytes the members may still inflate to, together.
    budget: AtomicU64,
    /// A member broke its bounds (a bomb): said once, at the end.
    bomb: AtomicBool,
}

/// Why a member's bytes are refused before they are read, if they are.
pub(crate) fn bomb(size: u64, compressed: u64) -> Option<String> {
    (size > 1 << 20 && size / compressed.max(1) > MAX_RATIO).then(|| {
        format!("a member declares {size} bytes from {compressed} compressed bytes, more than {MAX_RATIO} times (a zip bomb)")
    })
}

impl Archive {
    /// The body held in member `name`, at most `limit` bytes.
    ///
    /// # Errors
    /// DT011 when there is no such member, it is too large or cannot be read.
    pub fn body(
        &self,
        side: Side,
        name: &str,
        limit: u64,
    ) -> Result<super::har::Kept, Box<Finding>> {
        let unreadable = |reason: &str| Box::new(attached::attached_unreadable(side, reason));
        let mut zip = self
            .zip
            .lock()
            .map_err(|_| unreadable("the archive's reader failed"))?;
        let Some(index) = zip.index_for_name(name) else {
            return Err(unreadable("the archive holds no member of that name"));
        };
        let mut member = zip
            .by_index(index)
            .map_err(|error| unreadable(&format!("cannot read the member: {error}")))?;
        let declared = member.size();
        if let Some(why) = bomb(declared, member.compressed_size()) {
            self.bomb.store(true, Ordering::Relaxed);
            return Err(unreadable(&why));
        }
        if declared > limit {
            return Err(unreadable(&format!(
                "the member has {declared} bytes, more than the limit of {limit} (--max-size)"
            )));
        }
        let mut bytes = Vec::new();
        let read = (&mut member)
            .take(declared.min(limit).saturating_add(1))
            .read_to_end(&mut bytes);
        if bytes.len() as u64 > declared {
            self.bomb.store(true, Ordering::Relaxed);
            return Err(unreadable(
                "the member inflates beyond the size it declares (a zip bomb)",
            ));
        }
        read.map_err(|error| unreadable(&format!("cannot read the member: {error}")))?;
        let spent = bytes.len() as u64;
        let left = self.budget.load(Ordering::Relaxed);
        if spent > left {
            self.bomb.store(true, Ordering::Relaxed);
            return Err(unreadable(
                "the archive's members together inflate beyond its budget (a zip bomb)",
            ));
        }
        self.budget.fetch_sub(spent, Ordering::Relaxed);
        Ok(super::har::Kept {
            bytes,
            within: format!("!/{name}"),
        })
    }
}

/// A member's inflated bytes, counted against its declared size and the archive's budget.
struct Bounded<'a, R> {
    inner: R,
    declared: u64,
    read: u64,
    budget: &'a AtomicU64,
    bomb: &'a AtomicBool,
}

impl<R: Read> Read for Bounded<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        let left = self.budget.load(Ordering::Relaxed);
        if self.read > self.declared || n as u64 > left {
            self.bomb.store(true, Ordering::Relaxed);
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the archive member inflates beyond its declared size or the archive's budget (a zip bomb)",
            ));
        }
        self.budget.fetch_sub(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// A finding about the archive as a whole (or one of its members, `within`), at its start.
fn about(finding: Finding, within: Option<&str>) -> Outcome {
    let mut findings = placed(vec![finding], "", Some(""), Location::START, |_| Some(0..0));
    if let Some(within) = within {
        for finding in &mut findings {
            finding.source = format!("!/{within}");
        }
    }
    Outcome::about_input(findings)
}

/// Reads a HAR zip archive: its first `.har` member entry by entry, as a HAR file is read,
/// its bodies from the members its entries name. The archive's members together may inflate
/// to `budget` bytes.
pub fn zip_outcomes(
    stored: &Stored,
    settings: &Settings,
    limit: u64,
    budget: u64,
    pace: Pace,
    deliver: &mut Deliver<'_>,
) {
    let mut zip = match stored.open() {
        Ok(zip) => zip,
        Err(error) => {
            deliver(about(
                attached::zip_broken(&format!("it is truncated or malformed ({error})")),
                None,
            ));
            return;
        }
    };
    if zip.len() > MAX_MEMBERS {
        deliver(about(
            attached::zip_broken(&format!(
                "it holds {} members, more than the {MAX_MEMBERS} a capture's archive holds",
                zip.len()
            )),
            None,
        ));
        return;
    }
    let mut har = None;
    for index in 0..zip.len() {
        let Some(name) = zip.name_for_index(index).map(str::to_owned) else {
            continue;
        };
        if let Some(why) = super::har::climbs_out(&name) {
            if !deliver(about(attached::member_outside(why), Some(&name))) {
                return;
            }
            continue;
        }
        if har.is_none()
            && std::path::Path::new(&name)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("har"))
        {
            har = Some((index, name));
        }
    }
    let Some((index, name)) = har else {
        deliver(about(
            attached::zip_broken("it holds no `.har` member (Playwright names it `har.har`)"),
            None,
        ));
        return;
    };
    let bodies = match stored.open() {
        Ok(second) => Arc::new(Archive {
            zip: Mutex::new(second),
            budget: AtomicU64::new(budget),
            bomb: AtomicBool::new(false),
        }),
        Err(error) => {
            deliver(about(
                attached::zip_broken(&format!("it cannot be opened again ({error})")),
                None,
            ));
            return;
        }
    };
    let member = match zip.by_index(index) {
        Ok(member) => member,
        Err(error) => {
            deliver(about(
                attached::zip_broken(&format!("its HAR member cannot be read ({error})")),
                Some(&name),
            ));
            return;
        }
    };
    if let Some(why) = bomb(member.size(), member.compressed_size()) {
        deliver(about(attached::zip_broken(&why), Some(&name)));
        return;
    }
    let bounded = Bounded {
        declared: member.size(),
        inner: member,
        read: 0,
        budget: &bodies.budget,
        bomb: &bodies.bomb,
    };
    let within = format!("!/{name}");
    let mut going = true;
    har_outcomes_in(
        io::BufReader::with_capacity(1 << 16, bounded),
        settings,
        limit,
        &Bodies::Archive(Arc::clone(&bodies)),
        pace,
        &mut |mut outcome: Outcome| {
            for finding in &mut outcome.findings {
                if finding.source.is_empty() {
                    within.clone_into(&mut finding.source);
                }
            }
            going = deliver(outcome);
            going
        },
    );
    if going && bodies.bomb.load(Ordering::Relaxed) {
        deliver(about(
            attached::zip_broken(
                "a member inflates beyond its declared size, far beyond its compressed size, or beyond the archive's budget (a zip bomb); it was not read",
            ),
            None,
        ));
    }
}

/// Reads a whole stream (standard input, a decompressed file) that starts a zip archive into
/// memory, at most `budget` bytes.
///
/// # Errors
/// The stream's error, or one saying the archive is larger than `budget`.
pub fn stored_from(mut reader: impl BufRead, budget: u64) -> io::Result<Stored> {
    let mut bytes = Vec::new();
    (&mut reader)
        .take(budget.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > budget {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the zip archive is larger than {budget} bytes, more than a stream's archive is read"),
        ));
    }
    Ok(Stored::Bytes(bytes.into()))
}

/// The bytes the members of an archive may inflate to together, for a run whose size limit
/// is `limit`: sixteen bodies of the largest size, or 256 MiB.
pub fn budget(limit: u64) -> u64 {
    limit.saturating_mul(16).max(256 << 20)
}

//! HAR zip archives (Playwright's `record_har_path="capture.zip"`), copied member by member
//! under the same names: the first `.har` member, as `check` chooses it, streamed as a HAR is;
//! every other member as a body held apart. Members are read bounded as `check` reads them:
//! none past its declared size or far past its compressed size (a zip bomb), and all of them
//! together no more than the archive's budget.

use std::io::{self, Read, Seek, Write};

use ::zip::write::SimpleFileOptions;
use ::zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::pass::Pass;
use crate::input::archive::{bomb, MAX_MEMBERS};

/// Reads the archive in `source` through `pass`, writing the copy to `out` when there is one.
/// `limit` bounds an entry of the HAR and a member, `budget` the members together.
///
/// # Errors
/// The member, and what is wrong with it or the archive.
pub(crate) fn walk<R: Read + Seek>(
    source: R,
    out: Option<&mut dyn Write>,
    pass: &mut Pass<'_>,
    bound: u64,
    budget: u64,
) -> Result<(), String> {
    let mut zip =
        ZipArchive::new(source).map_err(|e| format!("not a zip archive that can be read: {e}"))?;
    if zip.len() > MAX_MEMBERS {
        return Err(format!(
            "the archive holds {} members, more than the {MAX_MEMBERS} a capture's archive holds",
            zip.len()
        ));
    }
    let har = (0..zip.len()).find(|&i| {
        zip.name_for_index(i).is_some_and(|name| {
            crate::input::climbs_out(name).is_none()
                && std::path::Path::new(name)
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("har"))
        })
    });
    let mut writer = out.map(ZipWriter::new_stream);
    let mut left = budget;
    for index in 0..zip.len() {
        let mut member = zip
            .by_index(index)
            .map_err(|e| format!("member {}: cannot be read: {e}", index + 1))?;
        let name = member.name().to_owned();
        let within = |what: &str| format!("!/{name}: {what}");
        if let Some(why) = bomb(member.size(), member.compressed_size()) {
            return Err(within(&why));
        }
        if member.size() > left {
            return Err(within(
                "the archive's members together inflate beyond its budget (a zip bomb)",
            ));
        }
        let options = SimpleFileOptions::default()
            .compression_method(match member.compression() {
                CompressionMethod::Stored => CompressionMethod::Stored,
                _ => CompressionMethod::Deflated,
            })
            .last_modified_time(member.last_modified().unwrap_or_default())
            .large_file(member.size() >= u64::from(u32::MAX));
        if member.is_dir() {
            if let Some(writer) = writer.as_mut() {
                writer
                    .add_directory(name.clone(), options)
                    .map_err(|e| within(&format!("cannot write: {e}")))?;
            }
            continue;
        }
        if let Some(writer) = writer.as_mut() {
            writer
                .start_file(name.clone(), options)
                .map_err(|e| within(&format!("cannot write: {e}")))?;
        }
        let declared = member.size();
        let mut bounded = (&mut member).take(declared.saturating_add(1));
        if Some(index) == har {
            let mut counted = Counted {
                inner: &mut bounded,
                read: 0,
            };
            let body: Option<&mut dyn Write> = writer.as_mut().map(|w| w as &mut dyn Write);
            super::har::walk(
                io::BufReader::with_capacity(1 << 16, &mut counted),
                body,
                pass,
                bound,
            )
            .map_err(|e| within(&e))?;
            let read = counted.read;
            if read > declared {
                return Err(within(
                    "the member inflates beyond the size it declares (a zip bomb)",
                ));
            }
            left = left.saturating_sub(read);
            continue;
        }
        if declared > bound {
            return Err(within(&format!(
                "the member has {declared} bytes, more than {bound}, the most a body is read for a copy"
            )));
        }
        let mut bytes = Vec::new();
        bounded
            .read_to_end(&mut bytes)
            .map_err(|e| within(&format!("cannot be read: {e}")))?;
        if bytes.len() as u64 > declared {
            return Err(within(
                "the member inflates beyond the size it declares (a zip bomb)",
            ));
        }
        left = left.saturating_sub(bytes.len() as u64);
        let copy = pass.body(&bytes);
        if let Some(writer) = writer.as_mut() {
            writer
                .write_all(copy.as_deref().unwrap_or(&bytes))
                .map_err(|e| within(&format!("cannot write: {e}")))?;
        }
    }
    if har.is_none() {
        return Err(
            "the archive holds no `.har` member (Playwright names it `har.har`)".to_owned(),
        );
    }
    if let Some(writer) = writer {
        writer
            .finish()
            .map_err(|e| format!("cannot write the archive: {e}"))?;
    }
    Ok(())
}

/// A reader that counts what it reads.
struct Counted<R> {
    inner: R,
    read: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

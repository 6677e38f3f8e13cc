//! Compressed inputs: gzip and zstd, recognised by their magic bytes whatever the file is
//! called, decompressed as they are read. Limits apply to the decompressed bytes, so a
//! compression bomb stops at `--max-size` like any other oversized input.

use std::io::{self, BufRead, Read};
use std::path::Path;

/// A compression dtlint reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// gzip (RFC 1952), members one after another as `cat a.gz b.gz` makes them.
    Gzip,
    /// Zstandard (RFC 8878), one frame.
    Zstd,
}

impl Compression {
    /// The compression `head`, an input's first bytes, says.
    pub fn of(head: &[u8]) -> Option<Self> {
        if head.starts_with(&[0x1f, 0x8b]) {
            Some(Self::Gzip)
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Self::Zstd)
        } else {
            None
        }
    }

    /// Whether a file name ends as compressed files are named.
    pub fn named(path: &Path) -> bool {
        path.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| ["gz", "zst", "zstd"].contains(&e.to_ascii_lowercase().as_str()))
    }

    /// Decompresses `compressed` as it is read.
    ///
    /// # Errors
    /// A zstd frame header that cannot be read.
    pub fn decoder<'a, R: BufRead + Send + 'a>(
        self,
        compressed: R,
    ) -> io::Result<Box<dyn Read + Send + 'a>> {
        Ok(match self {
            Self::Gzip => Box::new(Named(
                self,
                flate2::bufread::MultiGzDecoder::new(compressed),
            )),
            Self::Zstd => Box::new(Named(
                self,
                ruzstd::decoding::StreamingDecoder::new(compressed)
                    .map_err(|e| self.broken(&e.to_string()))?,
            )),
        })
    }

    fn broken(self, reason: &str) -> io::Error {
        let name = match self {
            Self::Gzip => "gzip",
            Self::Zstd => "zstd",
        };
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the {name} data is broken (cannot decompress): {reason}"),
        )
    }
}

/// A decoder whose errors say which compression broke, so a report reads "the gzip data is
/// broken" rather than a bare "incomplete deflate stream".
struct Named<R>(Compression, R);

impl<R: Read> Read for Named<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.1.read(buf).map_err(|e| self.0.broken(&e.to_string()))
    }
}

/// `reader`, decompressed if its first bytes say it is compressed; the compression found.
///
/// # Errors
/// When the first bytes cannot be read, or a zstd header is broken.
pub fn opened<'a, R: BufRead + Send + 'a>(
    mut reader: R,
) -> io::Result<(Box<dyn Read + Send + 'a>, Option<Compression>)> {
    match Compression::of(reader.fill_buf()?) {
        Some(compression) => Ok((compression.decoder(reader)?, Some(compression))),
        None => Ok((Box::new(reader), None)),
    }
}

/// The whole of an in-memory input, decompressed if it is compressed, at most `limit + 1`
/// bytes (one more than allowed, so that the caller sees it was too large).
///
/// # Errors
/// Broken compressed data.
pub fn whole(bytes: Vec<u8>, limit: u64) -> io::Result<(Vec<u8>, Option<Compression>)> {
    let Some(compression) = Compression::of(&bytes) else {
        return Ok((bytes, None));
    };
    let mut plain = Vec::new();
    compression
        .decoder(&bytes[..])?
        .take(limit.saturating_add(1))
        .read_to_end(&mut plain)?;
    Ok((plain, Some(compression)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn gzip_is_read_through_and_plain_text_is_left_alone() {
        let (plain, found) = whole(gzip(b"{\"errcode\":0}"), 1 << 20).unwrap();
        assert_eq!(
            (plain.as_slice(), found),
            (&b"{\"errcode\":0}"[..], Some(Compression::Gzip))
        );
        let (plain, found) = whole(b"{}".to_vec(), 1 << 20).unwrap();
        assert_eq!((plain.as_slice(), found), (&b"{}"[..], None));
    }

    #[test]
    fn a_bomb_stops_one_byte_past_the_limit() {
        let bomb = gzip(&vec![b' '; 8 << 20]);
        assert!(bomb.len() < 64 << 10);
        let (plain, _) = whole(bomb, 1000).unwrap();
        assert_eq!(plain.len(), 1001);
    }

    #[test]
    fn broken_compressed_data_is_an_error() {
        let mut cut = gzip(&vec![b'x'; 10_000]);
        cut.truncate(cut.len() / 2);
        assert!(whole(cut, 1 << 20).is_err());
        assert!(whole(vec![0x28, 0xb5, 0x2f, 0xfd, 0, 0], 1 << 20).is_err());
    }
}

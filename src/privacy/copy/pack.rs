//! Compressing a copy the way its input was compressed, as it is written: a `.har.gz` stays
//! gzip, a `.ndjson.zst` zstd, so the copy's name stays true and `check` reads it as it read
//! the input.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::JoinHandle;

use crate::input::decompress::Compression;

/// A writer that compresses what it is given into a file, or writes it as it is.
pub(crate) enum Packer {
    Plain(BufWriter<File>),
    Gzip(flate2::write::GzEncoder<BufWriter<File>>),
    /// zstd's encoder reads its input: it runs on a thread of its own, fed in chunks.
    Zstd {
        chunk: Vec<u8>,
        feed: Option<SyncSender<Vec<u8>>>,
        encoder: Option<JoinHandle<io::Result<()>>>,
    },
}

/// Bytes handed to the zstd thread at a time.
const CHUNK: usize = 1 << 16;

impl Packer {
    /// A writer into `file`, compressing as `compression` says.
    ///
    /// # Errors
    /// When the zstd thread cannot start.
    pub(crate) fn new(file: File, compression: Option<Compression>) -> io::Result<Self> {
        let out = BufWriter::new(file);
        Ok(match compression {
            None => Self::Plain(out),
            Some(Compression::Gzip) => Self::Gzip(flate2::write::GzEncoder::new(
                out,
                flate2::Compression::default(),
            )),
            Some(Compression::Zstd) => {
                let (feed, chunks) = mpsc::sync_channel(4);
                let encoder = std::thread::Builder::new()
                    .name("dtlint-zstd".to_owned())
                    .spawn(move || zstd(chunks, out))?;
                Self::Zstd {
                    chunk: Vec::with_capacity(CHUNK),
                    feed: Some(feed),
                    encoder: Some(encoder),
                }
            }
        })
    }

    /// Ends the compressed stream and writes everything out.
    ///
    /// # Errors
    /// The file's, or the encoder's.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        match &mut self {
            Self::Plain(out) => out.flush(),
            Self::Gzip(encoder) => encoder
                .try_finish()
                .and_then(|()| encoder.get_mut().flush()),
            Self::Zstd {
                chunk,
                feed,
                encoder,
            } => {
                if let Some(sender) = feed.take() {
                    if !chunk.is_empty() {
                        // A closed channel means the encoder stopped; its result says why.
                        let _ = sender.send(std::mem::take(chunk));
                    }
                }
                match encoder.take().map(JoinHandle::join) {
                    Some(Ok(result)) => result,
                    Some(Err(_)) => Err(io::Error::other("the zstd encoder stopped")),
                    None => Ok(()),
                }
            }
        }
    }
}

impl Write for Packer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Self::Plain(out) => out.write(buf),
            Self::Gzip(encoder) => encoder.write(buf),
            Self::Zstd { chunk, feed, .. } => {
                chunk.extend_from_slice(buf);
                if chunk.len() >= CHUNK {
                    let full = std::mem::replace(chunk, Vec::with_capacity(CHUNK));
                    let sent = feed.as_ref().is_some_and(|f| f.send(full).is_ok());
                    if !sent {
                        return Err(io::Error::other("the zstd encoder stopped"));
                    }
                }
                Ok(buf.len())
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Self::Plain(out) => out.flush(),
            Self::Gzip(encoder) => encoder.flush(),
            Self::Zstd { .. } => Ok(()),
        }
    }
}

impl Drop for Packer {
    fn drop(&mut self) {
        // A copy given up half-way: the encoder thread ends when its feed closes.
        if let Self::Zstd { feed, encoder, .. } = self {
            feed.take();
            if let Some(encoder) = encoder.take() {
                let _ = encoder.join();
            }
        }
    }
}

/// Compresses the chunks it receives into `out`, as one zstd frame. ruzstd's encoder unwraps
/// its reads and writes, so neither may fail: an error of the file is kept aside and returned.
fn zstd(chunks: Receiver<Vec<u8>>, out: BufWriter<File>) -> io::Result<()> {
    let source = Chunks {
        chunks,
        current: Vec::new(),
        at: 0,
    };
    let mut drain = Drain { out, error: None };
    ruzstd::encoding::compress(
        source,
        &mut drain,
        ruzstd::encoding::CompressionLevel::Fastest,
    );
    if let Some(error) = drain.error {
        return Err(error);
    }
    drain.out.flush()
}

/// The chunks of a channel as one stream, ending when the channel closes.
struct Chunks {
    chunks: Receiver<Vec<u8>>,
    current: Vec<u8>,
    at: usize,
}

impl Read for Chunks {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.current.len() {
            match self.chunks.recv() {
                Ok(next) => {
                    self.current = next;
                    self.at = 0;
                }
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len() - self.at);
        buf[..n].copy_from_slice(&self.current[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// A writer whose first error is kept, not returned: what follows it is dropped.
struct Drain {
    out: BufWriter<File>,
    error: Option<io::Error>,
}

impl Write for Drain {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.error.is_none() {
            if let Err(error) = self.out.write_all(buf) {
                self.error = Some(error);
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `bytes` compressed whole (a body a cassette keeps compressed).
///
/// # Errors
/// gzip's encoder's, which writes to memory.
pub(crate) fn whole(bytes: &[u8], compression: Compression) -> io::Result<Vec<u8>> {
    match compression {
        Compression::Gzip => {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            encoder.write_all(bytes)?;
            encoder.finish()
        }
        Compression::Zstd => Ok(ruzstd::encoding::compress_to_vec(
            bytes,
            ruzstd::encoding::CompressionLevel::Fastest,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_compression_reads_back_as_written() {
        let text = "{\"errcode\":0}\n".repeat(20_000);
        for compression in [None, Some(Compression::Gzip), Some(Compression::Zstd)] {
            let temp = tempfile::NamedTempFile::new().expect("temp");
            let mut packer =
                Packer::new(temp.reopen().expect("reopened"), compression).expect("packer");
            for line in text.split_inclusive('\n') {
                packer.write_all(line.as_bytes()).expect("written");
            }
            packer.finish().expect("finished");
            let bytes = std::fs::read(temp.path()).expect("read");
            let (plain, found) =
                crate::input::decompress::whole(bytes, 1 << 30).expect("decompressed");
            assert_eq!(found, compression);
            assert_eq!(plain, text.as_bytes());
        }
    }
}

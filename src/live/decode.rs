//! An upstream answer as its content says it: decompressed when the upstream compressed it, in
//! steps paid for before they are kept, and refused at `--max-size` decoded bytes, so a small
//! compressed bomb costs no more memory than a plain answer of the limit's size.

use std::io::Read;
use std::time::Duration;

use hyper::body::Bytes;
use hyper::HeaderMap;

use super::server::{Hold, Unread, SMALL};

/// Bytes decoded a step.
const STEP: usize = 64 << 10;

/// The decoded answer, or `None` when it was not compressed (or not in a way dtlint reads,
/// or not validly: then its bytes are checked as they came). A decoded answer past
/// [`SMALL`] pays for `max` bytes from `pool` at once, so decoders never hold part of the pool
/// while waiting for more.
///
/// # Errors
/// [`Unread::TooLarge`] past `max` decoded bytes; [`Unread::NoMemory`] when no room came
/// within `wait`.
pub(crate) async fn decoded(
    headers: &HeaderMap,
    raw: &Bytes,
    max: usize,
    hold: &mut Hold,
    wait: Duration,
) -> Result<Option<Vec<u8>>, Unread> {
    let encoding = headers
        .get(hyper::header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let mut reader: Box<dyn Read + Send> = match encoding.as_str() {
        "gzip" | "x-gzip" => Box::new(flate2::read::GzDecoder::new(&raw[..])),
        "deflate" => Box::new(flate2::read::ZlibDecoder::new(&raw[..])),
        _ => return Ok(None),
    };
    let mut out = Vec::new();
    let mut step = vec![0; STEP];
    loop {
        let read = match reader.read(&mut step) {
            Ok(0) => return Ok(Some(out)),
            Ok(read) => read,
            Err(_) => return Ok(None),
        };
        if out.len() + read > max {
            return Err(Unread::TooLarge);
        }
        if out.len() <= SMALL && out.len() + read > SMALL && !hold.grow(max, wait).await {
            return Err(Unread::NoMemory);
        }
        out.extend_from_slice(&step[..read]);
    }
}

#[cfg(test)]
mod tests {
    use super::super::server::Pool;
    use super::*;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Bytes {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(bytes).expect("gzip");
        Bytes::from(gz.finish().expect("gzip"))
    }

    fn gzipped() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            hyper::header::CONTENT_ENCODING,
            hyper::header::HeaderValue::from_static("gzip"),
        );
        headers
    }

    #[tokio::test(flavor = "current_thread")]
    async fn answers_are_decoded_within_the_limit_and_bombs_refused() {
        let pool = Pool::new(64 << 20);
        // Two decoders of large answers with room for one: the second waits, then has none.
        let mut first = pool.hold();
        let large = gzip(&vec![b'a'; 1 << 20]);
        let read = decoded(&gzipped(), &large, 40 << 20, &mut first, Duration::ZERO).await;
        assert_eq!(read.ok().flatten().map(|d| d.len()), Some(1 << 20));
        let read = decoded(
            &gzipped(),
            &large,
            40 << 20,
            &mut pool.hold(),
            Duration::from_millis(20),
        )
        .await;
        assert!(matches!(read, Err(Unread::NoMemory)));
        drop(first);
        let text = br#"{"errcode":0}"#;
        let read = decoded(
            &gzipped(),
            &gzip(text),
            100,
            &mut pool.hold(),
            Duration::ZERO,
        )
        .await;
        assert_eq!(read.ok().flatten().as_deref(), Some(&text[..]));
        // 16 MiB of zeros compress to a few kilobytes: refused one step past the limit.
        let bomb = gzip(&vec![0; 16 << 20]);
        assert!(bomb.len() < 64 << 10);
        let mut hold = pool.hold();
        let read = decoded(&gzipped(), &bomb, 1 << 20, &mut hold, Duration::ZERO).await;
        assert!(matches!(read, Err(Unread::TooLarge)));
        let plain = decoded(
            &HeaderMap::new(),
            &Bytes::from_static(text),
            100,
            &mut hold,
            Duration::ZERO,
        )
        .await;
        assert!(matches!(plain, Ok(None)));
        let broken = decoded(
            &gzipped(),
            &Bytes::from_static(b"not gzip"),
            100,
            &mut hold,
            Duration::ZERO,
        )
        .await;
        assert!(matches!(broken, Ok(None)));
    }
}

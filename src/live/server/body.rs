//! A body read whole, paid for before it is held, refused at its limit, copied once.

use std::error::Error;
use std::time::{Duration, Instant};

use http_body_util::BodyExt;
use hyper::body::{Body, Bytes};

use super::budget::Hold;

/// Why a body was not read.
#[derive(Debug)]
pub(crate) enum Unread {
    /// Larger than the limit (by its declared length, or once that many bytes came).
    TooLarge,
    /// Its sender missed a deadline.
    TooSlow,
    /// No memory for it within the wait.
    NoMemory,
    /// Malformed framing, or the sender went away; the cause in words.
    Broken(String),
}

/// Bodies up to this size are not paid for: as many of them as there are connections fit in a
/// few megabytes, and they never queue behind a large body waiting for room.
pub(crate) const SMALL: usize = 64 << 10;

/// What a body of `had` bytes that grows by `more` pays now: nothing while it stays small, all
/// of itself when it outgrows that, its growth after.
pub(crate) fn due(had: usize, more: usize) -> usize {
    let now = had + more;
    if now <= SMALL {
        0
    } else if had <= SMALL {
        now
    } else {
        more
    }
}

/// Reads `body` whole, at most `max` bytes, paying for each byte of a body past [`SMALL`]
/// from `hold` before keeping it (waiting at most `wait` for room); `paused` hears how long
/// that waiting took.
pub(crate) async fn read_whole<B>(
    mut body: B,
    max: usize,
    hold: &mut Hold,
    wait: Duration,
    paused: impl Fn(Duration),
) -> Result<Bytes, Unread>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<Box<dyn Error + Send + Sync>>,
{
    let declared = body.size_hint().exact();
    if let Some(length) = declared {
        let length = usize::try_from(length).unwrap_or(usize::MAX);
        if length > max {
            return Err(Unread::TooLarge);
        }
        pay(hold, due(0, length), wait, &paused).await?;
    }
    let mut first: Option<Bytes> = None;
    let mut whole: Vec<u8> = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| classify(e.into()))?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        if data.is_empty() {
            continue;
        }
        let had = first.as_ref().map_or(0, Bytes::len) + whole.len();
        if had + data.len() > max {
            return Err(Unread::TooLarge);
        }
        if declared.is_none() {
            pay(hold, due(had, data.len()), wait, &paused).await?;
        }
        // A body that came in one piece is kept as it came; only one in several is copied,
        // once, into a buffer of its declared length.
        match first.take() {
            None if whole.is_empty() => first = Some(data),
            None => whole.extend_from_slice(&data),
            Some(earlier) => {
                let size = declared.map_or(0, |d| usize::try_from(d).unwrap_or(0));
                whole.reserve_exact(size.max(earlier.len() + data.len()));
                whole.extend_from_slice(&earlier);
                whole.extend_from_slice(&data);
            }
        }
    }
    Ok(match first {
        Some(only) => only,
        None => Bytes::from(whole),
    })
}

async fn pay(
    hold: &mut Hold,
    bytes: usize,
    wait: Duration,
    paused: &impl Fn(Duration),
) -> Result<(), Unread> {
    if bytes == 0 {
        return Ok(());
    }
    let started = Instant::now();
    let paid = hold.grow(bytes, wait).await;
    let waited = started.elapsed();
    if waited > Duration::from_millis(1) {
        paused(waited);
    }
    if paid {
        Ok(())
    } else {
        Err(Unread::NoMemory)
    }
}

/// A body error in words, or [`Unread::TooSlow`] when a deadline cut it.
fn classify(error: Box<dyn Error + Send + Sync>) -> Unread {
    let mut text = error.to_string();
    let mut source: Option<&(dyn Error + 'static)> = error.source();
    if timed_out(&*error) {
        return Unread::TooSlow;
    }
    while let Some(cause) = source {
        if timed_out(cause) {
            return Unread::TooSlow;
        }
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    Unread::Broken(text)
}

fn timed_out(error: &(dyn Error + 'static)) -> bool {
    error
        .downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::TimedOut)
}

#[cfg(test)]
mod tests {
    use super::super::budget::Pool;
    use super::*;
    use http_body_util::Full;
    use hyper::body::Frame;
    use std::collections::VecDeque;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    /// A body that comes in pieces, as a chunked one does.
    struct Pieces(VecDeque<&'static [u8]>);

    impl Body for Pieces {
        type Data = Bytes;
        type Error = std::io::Error;
        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
            Poll::Ready(
                self.0
                    .pop_front()
                    .map(|p| Ok(Frame::data(Bytes::from_static(p)))),
            )
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn bodies_are_read_whole_and_refused_past_the_limit() {
        let pool = Pool::new(1 << 20);
        let mut hold = pool.hold();
        let read = read_whole(
            Full::new(Bytes::from_static(b"userid=u1")),
            100,
            &mut hold,
            Duration::ZERO,
            |_| {},
        )
        .await;
        assert_eq!(read.ok().as_deref(), Some(&b"userid=u1"[..]));
        let too_large = read_whole(
            Full::new(Bytes::from(vec![b'a'; 101])),
            100,
            &mut pool.hold(),
            Duration::ZERO,
            |_| {},
        )
        .await;
        assert!(matches!(too_large, Err(Unread::TooLarge)));
        let pieces = Pieces(VecDeque::from([&b"userid"[..], b"=u1", b"&language=zh_CN"]));
        let read = read_whole(pieces, 100, &mut pool.hold(), Duration::ZERO, |_| {}).await;
        assert_eq!(read.ok().as_deref(), Some(&b"userid=u1&language=zh_CN"[..]));
        let pieces = Pieces(VecDeque::from([&b"0123456789"[..]; 11]));
        let read = read_whole(pieces, 100, &mut pool.hold(), Duration::ZERO, |_| {}).await;
        assert!(
            matches!(read, Err(Unread::TooLarge)),
            "a chunked body stops at its limit"
        );
    }
}

//! One connection's deadlines. The server tells the connection which phase it is in (waiting for
//! a head, reading a body, working, answering); the socket itself, wrapped in [`Watched`], turns
//! a read or write that waits past its phase's deadline into an error, which closes the
//! connection. Working on an answer has no client deadline: the upstream's `--timeout` bounds it.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;
use tokio::time::{Instant, Sleep};

/// How long a new connection (or a head just begun) is safe from eviction: ample for a client
/// that sends its request at once, short against one that stalls.
const GRACE: std::time::Duration = std::time::Duration::from_millis(100);

use super::limits::{Cut, Limits, Tally};

/// Where a connection is in its request-answer cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Opened, nothing read yet.
    Fresh,
    /// Kept alive after an answer, waiting for the next request.
    Idle,
    /// Part of a request head has arrived.
    Head,
    /// The head is complete; the body is being read.
    Body,
    /// The request is whole; its answer is being made.
    Working,
    /// The answer is being written.
    Answer,
}

#[derive(Debug)]
struct State {
    phase: Phase,
    since: Instant,
    /// Bytes read in this phase (the body's, for its rate).
    read: u64,
    /// Time the body spent waiting for memory, which is the server's delay and not the client's.
    paused: Duration,
    /// The read waiting for data, woken when the phase changes so its deadline is set anew.
    reader: Option<Waker>,
    evicted: bool,
}

/// A connection as the server and its socket share it.
#[derive(Debug)]
pub(crate) struct Conn {
    state: Mutex<State>,
    kill: Notify,
}

impl Conn {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(State {
                phase: Phase::Fresh,
                since: Instant::now(),
                read: 0,
                paused: Duration::ZERO,
                reader: None,
                evicted: false,
            }),
            kill: Notify::new(),
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the state half-written: every writer
        // sets whole fields.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Enters `phase` now.
    pub(crate) fn enter(&self, phase: Phase) {
        let reader = {
            let mut state = self.state();
            state.phase = phase;
            state.since = Instant::now();
            state.read = 0;
            state.paused = Duration::ZERO;
            state.reader.take()
        };
        if let Some(reader) = reader {
            reader.wake();
        }
    }

    /// The answer has been handed to the socket: the connection waits for its next request.
    pub(crate) fn answered(&self) {
        let answering = self.state().phase == Phase::Answer;
        if answering {
            self.enter(Phase::Idle);
        }
    }

    /// The body waited `time` for memory: its rate deadline moves by as much.
    pub(crate) fn paused(&self, time: Duration) {
        self.state().paused += time;
    }

    fn on_read(&self, bytes: usize) {
        let mut state = self.state();
        match state.phase {
            Phase::Fresh | Phase::Idle => {
                state.phase = Phase::Head;
                state.since = Instant::now();
                state.read = bytes as u64;
            }
            _ => state.read += bytes as u64,
        }
    }

    /// When a read waiting now must have data, and which deadline that is; `waker` is woken
    /// when the phase changes.
    fn read_deadline(&self, limits: &Limits, waker: &Waker) -> Option<(Instant, Cut)> {
        let mut state = self.state();
        state.reader = Some(waker.clone());
        match state.phase {
            Phase::Fresh | Phase::Head => Some((state.since + limits.head_timeout, Cut::Head)),
            Phase::Idle => Some((state.since + limits.idle_timeout, Cut::Idle)),
            Phase::Body => {
                let earned = if limits.body_min_rate == 0 {
                    Duration::MAX
                } else {
                    Duration::from_secs_f64(state.read as f64 / limits.body_min_rate as f64)
                };
                let allowed = limits
                    .body_timeout
                    .saturating_add(earned)
                    .saturating_add(state.paused);
                Some((
                    state
                        .since
                        .checked_add(allowed)
                        .unwrap_or_else(|| state.since + Duration::from_secs(86_400 * 365)),
                    Cut::Body,
                ))
            }
            Phase::Working | Phase::Answer => None,
        }
    }

    /// Whether the connection may be closed to make room, and how eagerly: kept-alive idle
    /// ones first, then those waiting on a slow client, the longest waiting first. A
    /// connection whose answer is being made is never taken.
    pub(crate) fn eviction_rank(&self) -> Option<(u8, Instant)> {
        let state = self.state();
        if state.evicted {
            return None;
        }
        match state.phase {
            Phase::Idle => Some((0, state.since)),
            // A connection just accepted, or whose head has just begun, has had no time to be
            // slow: taking it would let clients that reconnect as fast as they are evicted
            // keep an honest client from ever sending its head.
            Phase::Fresh | Phase::Head if state.since.elapsed() < GRACE => None,
            Phase::Fresh | Phase::Head | Phase::Body | Phase::Answer => Some((1, state.since)),
            Phase::Working => None,
        }
    }

    /// Closes the connection to free its place.
    pub(crate) fn evict(&self) {
        self.state().evicted = true;
        self.kill.notify_one();
    }

    /// Resolves when the connection is evicted.
    pub(crate) async fn evicted(&self) {
        self.kill.notified().await;
    }
}

/// A socket whose reads and writes keep their connection's deadlines.
pub(crate) struct Watched<S> {
    io: S,
    conn: Arc<Conn>,
    limits: Arc<Limits>,
    tally: Arc<Tally>,
    read_timer: Pin<Box<Sleep>>,
    read_due: Option<Instant>,
    write_timer: Pin<Box<Sleep>>,
    write_due: Option<Instant>,
}

impl<S> Watched<S> {
    pub(crate) fn new(io: S, conn: Arc<Conn>, limits: Arc<Limits>, tally: Arc<Tally>) -> Self {
        let now = Instant::now();
        Self {
            io,
            conn,
            limits,
            tally,
            read_timer: Box::pin(tokio::time::sleep_until(now)),
            read_due: None,
            write_timer: Box::pin(tokio::time::sleep_until(now)),
            write_due: None,
        }
    }

    fn timed_out(&self, cut: Cut) -> io::Error {
        self.tally.count(cut);
        io::Error::new(io::ErrorKind::TimedOut, cut.words())
    }

    /// A write made no progress: fails once it has made none for `write_timeout`.
    fn write_waits(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        let due = *self
            .write_due
            .get_or_insert_with(|| Instant::now() + self.limits.write_timeout);
        if self.write_timer.deadline() != due {
            self.write_timer.as_mut().reset(due);
        }
        match self.write_timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(self.timed_out(Cut::Write)),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.io).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                let read = buf.filled().len() - before;
                if read > 0 {
                    self.conn.on_read(read);
                }
                self.read_due = None;
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                let Some((due, cut)) = self.conn.read_deadline(&self.limits, cx.waker()) else {
                    return Poll::Pending;
                };
                if self.read_due != Some(due) {
                    self.read_timer.as_mut().reset(due);
                    self.read_due = Some(due);
                }
                match self.read_timer.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Err(self.timed_out(cut))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.io).poll_write(cx, buf) {
            Poll::Ready(done) => {
                self.write_due = None;
                Poll::Ready(done)
            }
            Poll::Pending => self.write_waits(cx).map(Err),
        }
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.io).poll_write_vectored(cx, bufs) {
            Poll::Ready(done) => {
                self.write_due = None;
                Poll::Ready(done)
            }
            Poll::Pending => self.write_waits(cx).map(Err),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match Pin::new(&mut self.io).poll_flush(cx) {
            Poll::Ready(done) => {
                self.write_due = None;
                Poll::Ready(done)
            }
            Poll::Pending => self.write_waits(cx).map(Err),
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match Pin::new(&mut self.io).poll_shutdown(cx) {
            Poll::Ready(done) => Poll::Ready(done),
            Poll::Pending => self.write_waits(cx).map(Err),
        }
    }
}

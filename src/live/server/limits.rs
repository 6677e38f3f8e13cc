//! What one client may cost the server: its deadlines, its place, its memory; and what the
//! server counted when a client overstepped them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The bounds of `mock` and `proxy`, each with a flag of its own.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Connections served at once.
    pub max_connections: usize,
    /// How long a connection past `max_connections` waits for a place before it is refused.
    pub queue_timeout: Duration,
    /// From a connection's first byte (or its opening) to its complete request head.
    pub head_timeout: Duration,
    /// How long a kept-alive connection may wait for its next request.
    pub idle_timeout: Duration,
    /// The grace a request body gets before `body_min_rate` is asked of it.
    pub body_timeout: Duration,
    /// Bytes a second a request body must average once its grace is spent.
    pub body_min_rate: u64,
    /// How long writing an answer may make no progress (a client that does not read).
    pub write_timeout: Duration,
    /// Largest request body read, in bytes.
    pub max_size: usize,
    /// Bytes of bodies held at once by every connection together.
    pub memory: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 256,
            queue_timeout: Duration::from_secs(5),
            head_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            body_timeout: Duration::from_secs(10),
            body_min_rate: 1024,
            write_timeout: Duration::from_secs(10),
            max_size: 8 << 20,
            memory: MEMORY,
        }
    }
}

/// The default memory budget: with the runtime, the check and the recording around it, the
/// whole process stays under 100 MB (the figure `tests/live_attack.rs` holds it to).
pub const MEMORY: usize = 24 << 20;

/// Why a connection was closed or refused by the server rather than by its client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// No complete request head within `head_timeout`.
    Head,
    /// A request body slower than `body_min_rate`.
    Body,
    /// An answer the client did not read within `write_timeout`.
    Write,
    /// A kept-alive connection idle past `idle_timeout`.
    Idle,
    /// Closed to give its place to a new connection while it waited on its client.
    Evicted,
    /// Past the connection limit for `queue_timeout`: refused with 503.
    Refused,
    /// A body that could not get memory in time: answered 503.
    Memory,
}

impl Cut {
    /// The deadline's words in the timed-out error and the summary.
    pub fn words(self) -> &'static str {
        match self {
            Self::Head => "request head too slow",
            Self::Body => "request body too slow",
            Self::Write => "answer not read",
            Self::Idle => "idle",
            Self::Evicted => "evicted for a new connection",
            Self::Refused => "refused past the connection limit",
            Self::Memory => "refused for memory",
        }
    }
}

/// What the server counted, shared by every connection.
#[derive(Debug, Default)]
pub struct Tally {
    head: AtomicU64,
    body: AtomicU64,
    write: AtomicU64,
    idle: AtomicU64,
    evicted: AtomicU64,
    refused: AtomicU64,
    memory: AtomicU64,
    rejected: AtomicU64,
}

impl Tally {
    /// A request refused before its handler saw it (its target, its method, its body).
    pub(crate) fn reject(&self) {
        self.rejected.fetch_add(1, Ordering::Relaxed);
    }

    /// Requests refused before their handler saw them.
    pub fn rejected(&self) -> u64 {
        self.rejected.load(Ordering::Relaxed)
    }

    pub(crate) fn count(&self, cut: Cut) {
        self.counter(cut).fetch_add(1, Ordering::Relaxed);
    }

    fn counter(&self, cut: Cut) -> &AtomicU64 {
        match cut {
            Cut::Head => &self.head,
            Cut::Body => &self.body,
            Cut::Write => &self.write,
            Cut::Idle => &self.idle,
            Cut::Evicted => &self.evicted,
            Cut::Refused => &self.refused,
            Cut::Memory => &self.memory,
        }
    }

    /// How often `cut` happened.
    pub fn get(&self, cut: Cut) -> u64 {
        self.counter(cut).load(Ordering::Relaxed)
    }

    /// The non-zero counts in words ("3 request head too slow, 1 evicted…"), idle closes left
    /// out: they are how kept-alive connections normally end.
    pub fn describe(&self) -> Option<String> {
        let parts: Vec<String> = [
            Cut::Head,
            Cut::Body,
            Cut::Write,
            Cut::Evicted,
            Cut::Refused,
            Cut::Memory,
        ]
        .into_iter()
        .filter_map(|cut| match self.get(cut) {
            0 => None,
            n => Some(format!("{n} {}", cut.words())),
        })
        .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

//! Streams the items of one large input through a reader thread and checks them in parallel
//! batches; outcomes leave in the items' order as each batch completes, so memory stays flat.

use std::sync::mpsc::sync_channel;

use rayon::prelude::*;

use super::Deliver;
use crate::finding::Finding;

/// Items per batch: large enough to keep both cores busy, small enough that memory stays flat.
/// A batch is also the reorder window: its outcomes wait until the whole batch is checked.
const BATCH: usize = 512;
/// Batches read ahead while one is being checked.
const AHEAD: usize = 2;

/// What checking one item (a response, an NDJSON line, a HAR entry) gave.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The item's index in a multi-response input (the `entry` of its findings).
    pub index: Option<u64>,
    /// Its findings, in order.
    pub findings: Vec<Finding>,
    /// Responses checked (0 or 1).
    pub responses: u64,
    /// With `Settings::observe`: the documented members the response carried.
    pub present: Vec<&'static str>,
    /// The item was passed over (a HAR entry of another endpoint, a blank line).
    pub skipped: bool,
    /// The input could not be read (further); its findings say why.
    pub unreadable: bool,
}

impl Outcome {
    /// The outcome of item `index` with these findings, each marked with the index.
    pub fn with(index: u64, mut findings: Vec<Finding>) -> Self {
        for finding in &mut findings {
            finding.entry = Some(index);
        }
        Self {
            index: Some(index),
            findings,
            ..Self::default()
        }
    }

    /// Findings about the input as a whole, at no entry.
    pub fn about_input(findings: Vec<Finding>) -> Self {
        Self {
            findings,
            ..Self::default()
        }
    }
}

/// Reads items with `produce` on its own thread, checks them with `check` and delivers the
/// outcomes in the items' order; stops reading when `deliver` says so.
pub fn run<T, P, C>(mut produce: P, check: C, deliver: &mut Deliver<'_>)
where
    T: Send,
    P: FnMut() -> Option<T> + Send,
    C: Fn(T) -> Outcome + Sync,
{
    let (sender, receiver) = sync_channel::<Vec<T>>(AHEAD);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH);
            while let Some(item) = produce() {
                batch.push(item);
                if batch.len() == BATCH
                    && sender
                        .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                        .is_err()
                {
                    return;
                }
            }
            if !batch.is_empty() {
                // The receiver only goes away when the run is over.
                let _ = sender.send(batch);
            }
        });
        // A slow reader of the report holds `deliver`, which holds this loop, which fills the
        // channel and so stops the reading thread: back-pressure all the way to the input.
        for batch in receiver {
            let outcomes: Vec<Outcome> = batch.into_par_iter().map(&check).collect();
            for outcome in outcomes {
                if !deliver(outcome) {
                    // Dropping the receiver ends the reading thread at its next send.
                    return;
                }
            }
        }
    });
}

//! Streams the items of one large input through a reader thread and checks them in parallel
//! batches; outcomes leave in the items' order as each batch completes, so memory stays flat.

use std::sync::mpsc::{sync_channel, Receiver};

use rayon::prelude::*;

use super::Deliver;
use crate::outcome::Outcome;

/// Items per batch: large enough to keep both cores busy, small enough that memory stays flat.
/// A batch is also the reorder window: its outcomes wait until the whole batch is checked.
const BATCH: usize = 512;
/// Batches read ahead while one is being checked.
const AHEAD: usize = 2;

/// How items are gathered into batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pace {
    /// A file: full batches, the cheapest way through.
    #[default]
    Batched,
    /// A pipe or a terminal, whose next item may be long in coming: a batch is whatever has
    /// arrived, so each finding is reported as soon as its item is checked.
    Live,
}

/// Reads items with `produce` on its own thread, checks them with `check` and delivers the
/// outcomes in the items' order; stops reading when `deliver` says so.
pub fn run<T, P, C>(produce: P, check: C, pace: Pace, deliver: &mut Deliver<'_>)
where
    T: Send,
    P: FnMut() -> Option<T> + Send,
    C: Fn(T) -> Outcome + Sync,
{
    match pace {
        Pace::Batched => batched(produce, &check, deliver),
        Pace::Live => live(produce, &check, deliver),
    }
}

fn batched<T, P, C>(mut produce: P, check: &C, deliver: &mut Deliver<'_>)
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
        for batch in receiver {
            if !checked(batch, check, deliver) {
                // Dropping the receiver ends the reading thread at its next send.
                return;
            }
        }
    });
}

fn live<T, P, C>(mut produce: P, check: &C, deliver: &mut Deliver<'_>)
where
    T: Send,
    P: FnMut() -> Option<T> + Send,
    C: Fn(T) -> Outcome + Sync,
{
    let (sender, receiver) = sync_channel::<T>(BATCH * AHEAD);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            while let Some(item) = produce() {
                if sender.send(item).is_err() {
                    return;
                }
            }
        });
        // Owned here, so that stopping early drops it and ends the reading thread's sends.
        let receiver = receiver;
        while let Some(batch) = arrived(&receiver) {
            if !checked(batch, check, deliver) {
                return;
            }
        }
    });
}

/// The next item, waited for, and every item that is already there, up to a batch.
fn arrived<T>(receiver: &Receiver<T>) -> Option<Vec<T>> {
    let first = receiver.recv().ok()?;
    let mut batch = Vec::with_capacity(BATCH);
    batch.push(first);
    while batch.len() < BATCH {
        match receiver.try_recv() {
            Ok(item) => batch.push(item),
            Err(_) => break,
        }
    }
    Some(batch)
}

/// Checks a batch in parallel and delivers its outcomes in order; `false` when the run stops.
/// A slow reader of the report holds `deliver`, which holds the caller's loop, which lets the
/// channel fill and so stops the reading thread: back-pressure all the way to the input.
fn checked<T, C>(batch: Vec<T>, check: &C, deliver: &mut Deliver<'_>) -> bool
where
    T: Send,
    C: Fn(T) -> Outcome + Sync,
{
    let outcomes: Vec<Outcome> = batch.into_par_iter().map(check).collect();
    for outcome in outcomes {
        if !deliver(outcome) {
            return false;
        }
    }
    true
}

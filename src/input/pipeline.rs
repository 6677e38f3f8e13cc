//! Streams the items of one large input through a reader thread and checks them in parallel
//! batches; outcomes leave in the items' order as each batch completes, so memory stays flat.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

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

/// Reads items with `produce` on its own thread, checks them with `check` on the rayon pool and
/// delivers the outcomes in the items' order on the calling thread; stops reading when
/// `deliver` says so.
///
/// Three stages overlap: reading the next batch, checking one, and delivering the one before
/// (reporting can take as long as checking when every response has findings, and reporters
/// write to a locked stdout, so they stay on this thread).
pub fn run<T, P, C>(mut produce: P, check: C, pace: Pace, deliver: &mut Deliver<'_>)
where
    T: Send,
    P: FnMut() -> Option<T> + Send,
    C: Fn(T) -> Outcome + Sync,
{
    let (checked_sender, checked) = sync_channel::<Vec<Outcome>>(1);
    std::thread::scope(|scope| {
        let check = &check;
        match pace {
            Pace::Batched => {
                let (sender, receiver) = sync_channel::<Vec<T>>(AHEAD);
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
                scope.spawn(move || checking(receiver.iter(), check, &checked_sender));
            }
            Pace::Live => {
                let (sender, receiver) = sync_channel::<T>(BATCH * AHEAD);
                scope.spawn(move || {
                    while let Some(item) = produce() {
                        if sender.send(item).is_err() {
                            return;
                        }
                    }
                });
                scope.spawn(move || {
                    checking(
                        std::iter::from_fn(|| arrived(&receiver)),
                        check,
                        &checked_sender,
                    );
                });
            }
        }
        // Owned here, so that stopping early drops it: the checking thread's next send fails,
        // it drops its receiver, and the reading thread's next send fails in turn.
        let checked = checked;
        for outcomes in checked.iter() {
            for outcome in outcomes {
                if !deliver(outcome) {
                    return;
                }
            }
        }
    });
}

/// Checks each batch in parallel and sends its outcomes on, in order, until the batches end
/// or nobody listens. A slow reader of the report holds the delivering thread, which lets this
/// channel fill, which stops this thread, which lets the reading thread's channel fill:
/// back-pressure all the way to the input.
fn checking<T, C>(
    batches: impl Iterator<Item = Vec<T>>,
    check: &C,
    checked: &SyncSender<Vec<Outcome>>,
) where
    T: Send,
    C: Fn(T) -> Outcome + Sync,
{
    for batch in batches {
        let outcomes: Vec<Outcome> = batch.into_par_iter().map(check).collect();
        if checked.send(outcomes).is_err() {
            return;
        }
    }
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

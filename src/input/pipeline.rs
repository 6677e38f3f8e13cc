//! Streams the items of one large input through a reader thread and checks them in parallel
//! batches; outcomes leave in the items' order as each batch completes, so memory stays flat.

use std::sync::mpsc::sync_channel;

use rayon::prelude::*;

use super::Deliver;
use crate::outcome::Outcome;

/// Items per batch: large enough to keep both cores busy, small enough that memory stays flat.
/// A batch is also the reorder window: its outcomes wait until the whole batch is checked.
const BATCH: usize = 512;
/// Batches read ahead while one is being checked.
const AHEAD: usize = 2;

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

//! Streams the items of one large input through a reader thread and checks them in parallel
//! batches; outcomes leave in the items' order as each batch completes, so memory stays flat.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Condvar, Mutex, PoisonError};

use rayon::prelude::*;

use super::Deliver;
use crate::engine::outcome::Outcome;

/// Items per batch: large enough to keep both cores busy, small enough that memory stays flat.
/// A batch is also the reorder window: its outcomes wait until the whole batch is checked.
const BATCH: usize = 512;
/// Batches read ahead while one is being checked.
const AHEAD: usize = 2;
/// Bytes of items read but not yet checked. Item counts alone do not bound memory: a batch of
/// 512 lines each near `--max-size` would hold gigabytes.
const IN_FLIGHT_BYTES: usize = 8 << 20;

/// An item's size in memory, for the in-flight budget.
pub trait Weighed {
    fn weight(&self) -> usize;
}

/// The bytes in flight between the reading thread and the checking one: the reader waits
/// while the budget is spent, except that one item always gets through, however large.
#[derive(Default)]
struct Budget {
    state: Mutex<Spent>,
    freed: Condvar,
}

#[derive(Default)]
struct Spent {
    bytes: usize,
    /// The checking side has stopped; nothing will be freed again.
    closed: bool,
}

impl Budget {
    /// Waits until `weight` more bytes fit; false once the checking side has stopped.
    fn take(&self, weight: usize) -> bool {
        let mut spent = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        while !spent.closed && spent.bytes > 0 && spent.bytes + weight > IN_FLIGHT_BYTES {
            spent = self
                .freed
                .wait(spent)
                .unwrap_or_else(PoisonError::into_inner);
        }
        spent.bytes += weight;
        !spent.closed
    }

    /// Whether `weight` more bytes fit now (only the checking side frees bytes, so they still
    /// fit when taken).
    fn fits(&self, weight: usize) -> bool {
        let spent = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        spent.closed || spent.bytes == 0 || spent.bytes + weight <= IN_FLIGHT_BYTES
    }

    fn give(&self, weight: usize) {
        let mut spent = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        spent.bytes = spent.bytes.saturating_sub(weight);
        self.freed.notify_all();
    }

    fn close(&self) {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .closed = true;
        self.freed.notify_all();
    }
}

/// Closes the budget when the checking thread ends, however it ends, so a reader waiting on
/// it does not wait forever.
struct CloseOnDrop<'a>(&'a Budget);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

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
    T: Send + Weighed,
    P: FnMut() -> Option<T> + Send,
    C: Fn(T) -> Outcome + Sync,
{
    let (checked_sender, checked) = sync_channel::<Vec<Outcome>>(1);
    let budget = Budget::default();
    let budget = &budget;
    std::thread::scope(|scope| {
        let check = &check;
        match pace {
            Pace::Batched => {
                let (sender, receiver) = sync_channel::<Vec<T>>(AHEAD);
                scope.spawn(move || {
                    let mut batch = Vec::with_capacity(BATCH);
                    let mut weight = 0;
                    let send = |batch: &mut Vec<T>, weight: &mut usize| {
                        *weight = 0;
                        let full = std::mem::replace(batch, Vec::with_capacity(BATCH));
                        sender.send(full).is_ok()
                    };
                    while let Some(item) = produce() {
                        let item_weight = item.weight();
                        // The bytes this batch holds are freed only once it is checked: send it
                        // before waiting for room, or the wait would never end.
                        if !budget.fits(item_weight)
                            && !batch.is_empty()
                            && !send(&mut batch, &mut weight)
                        {
                            return;
                        }
                        if !budget.take(item_weight) {
                            return;
                        }
                        weight += item_weight;
                        batch.push(item);
                        if (batch.len() == BATCH || weight >= IN_FLIGHT_BYTES / (AHEAD + 1))
                            && !send(&mut batch, &mut weight)
                        {
                            return;
                        }
                    }
                    if !batch.is_empty() {
                        // The receiver only goes away when the run is over.
                        let _ = sender.send(batch);
                    }
                });
                scope.spawn(move || checking(receiver.iter(), check, &checked_sender, budget));
            }
            Pace::Live => {
                let (sender, receiver) = sync_channel::<T>(BATCH * AHEAD);
                scope.spawn(move || {
                    while let Some(item) = produce() {
                        if !budget.take(item.weight()) || sender.send(item).is_err() {
                            return;
                        }
                    }
                });
                scope.spawn(move || {
                    checking(
                        std::iter::from_fn(|| arrived(&receiver)),
                        check,
                        &checked_sender,
                        budget,
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
    budget: &Budget,
) where
    T: Send + Weighed,
    C: Fn(T) -> Outcome + Sync,
{
    let _close = CloseOnDrop(budget);
    for batch in batches {
        let weight = batch.iter().map(Weighed::weight).sum();
        let outcomes: Vec<Outcome> = batch.into_par_iter().map(check).collect();
        budget.give(weight);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// An item that claims `weight` bytes without holding them.
    struct Claimed(u64, usize);

    impl Weighed for Claimed {
        fn weight(&self) -> usize {
            self.1
        }
    }

    fn through(pace: Pace, weights: &[usize], stop_after: Option<usize>) -> Vec<u64> {
        let mut next = 0;
        let produce = || {
            let item = Claimed(next as u64, *weights.get(next % weights.len())?);
            next += 1;
            (stop_after.is_some() || next <= weights.len()).then_some(item)
        };
        let mut seen = Vec::new();
        run(
            produce,
            |Claimed(index, _)| Outcome::with(index, Vec::new()),
            pace,
            &mut |outcome: Outcome| {
                seen.extend(outcome.index);
                stop_after.is_none_or(|n| seen.len() < n)
            },
        );
        seen
    }

    #[test]
    fn items_larger_than_the_budget_still_pass_one_at_a_time_in_order() {
        // Mixed sizes: small ones that fill a batch, and ones near and over the whole budget.
        let weights = [10, IN_FLIGHT_BYTES - 1, 3, IN_FLIGHT_BYTES * 2, 1 << 20, 5];
        for pace in [Pace::Batched, Pace::Live] {
            let seen = through(pace, &weights.repeat(50), None);
            assert_eq!(seen, (0..300).collect::<Vec<u64>>(), "{pace:?}");
        }
    }

    #[test]
    fn stopping_early_releases_a_reader_waiting_for_room() {
        // An endless stream of large items: the reader is waiting for room when delivery stops.
        for pace in [Pace::Batched, Pace::Live] {
            let seen = through(pace, &[IN_FLIGHT_BYTES / 2 + 1], Some(3));
            assert_eq!(seen, vec![0, 1, 2], "{pace:?}");
        }
    }
}

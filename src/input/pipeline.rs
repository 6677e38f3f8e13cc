//! Streams the items of one large input through a reader thread and checks them in parallel batches, in bounded memory.

use std::sync::mpsc::sync_channel;

use rayon::prelude::*;

use super::Checked;
use crate::finding::Finding;

/// Items per batch: large enough to keep both cores busy, small enough that memory stays flat.
const BATCH: usize = 512;
/// Batches read ahead while one is being checked.
const AHEAD: usize = 2;

/// What checking one item gave.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The item's index (the `entry` of its findings).
    pub index: u64,
    pub findings: Vec<Finding>,
    /// Responses checked (0 or 1).
    pub responses: u64,
    /// With `Settings::observe`: the documented members the response carried.
    pub present: Vec<&'static str>,
    /// The item was passed over (a HAR entry of another endpoint, a blank line).
    pub skipped: bool,
}

impl Outcome {
    pub fn with(index: u64, mut findings: Vec<Finding>) -> Self {
        for finding in &mut findings {
            finding.entry = Some(index);
        }
        Self {
            index,
            findings,
            ..Self::default()
        }
    }
}

/// Reads items with `produce` on its own thread and checks them with `check`; results keep the items' order.
pub fn run<T, P, C>(mut produce: P, check: C) -> Checked
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
        let mut checked = Checked::default();
        for batch in receiver {
            let outcomes: Vec<Outcome> = batch.into_par_iter().map(&check).collect();
            for outcome in outcomes {
                checked.responses += outcome.responses;
                if outcome.responses > 0 {
                    checked.response_entries.push(outcome.index);
                }
                checked.skipped_entries += u64::from(outcome.skipped);
                checked.findings.extend(outcome.findings);
                for name in outcome.present {
                    *checked.present.entry(name).or_default() += 1;
                }
            }
        }
        checked
    })
}

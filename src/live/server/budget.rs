//! Memory as a budget: every body is paid for before it is held, from one of four pools taken
//! in one order (requests, answers, decoded answers, checks), so a holder of a later pool never
//! waits for an earlier one and the pools cannot wait on each other. Within the last two a
//! holding is paid for at once, so their holders never wait on each other either.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Bytes that may be held at once for one purpose.
#[derive(Debug)]
pub(crate) struct Pool {
    permits: Arc<Semaphore>,
    total: usize,
}

/// The three pools of a server, split from its `--memory`.
#[derive(Debug, Clone)]
pub(crate) struct Budget {
    /// Request bodies, from their first byte until their exchange is answered.
    pub requests: Arc<Pool>,
    /// Upstream answers as they came, until the client has them.
    pub answers: Arc<Pool>,
    /// Answers decompressed for checking, until their entry is written.
    pub decoded: Arc<Pool>,
    /// What checking and recording an exchange builds from its bodies.
    pub checks: Arc<Pool>,
}

impl Budget {
    pub(crate) fn new(memory: usize) -> Self {
        let quarter = (memory / 4).max(1 << 16);
        Self {
            requests: Pool::new(quarter),
            answers: Pool::new(quarter),
            decoded: Pool::new(quarter),
            checks: Pool::new(quarter),
        }
    }
}

/// Semaphores count in `u32`; bytes are counted in units of this many.
const UNIT: usize = 64;

impl Pool {
    pub(crate) fn new(total: usize) -> Arc<Self> {
        let units = (total / UNIT).clamp(1, Semaphore::MAX_PERMITS);
        Arc::new(Self {
            permits: Arc::new(Semaphore::new(units)),
            total: units,
        })
    }

    /// An empty holding, grown as bytes arrive.
    pub(crate) fn hold(self: &Arc<Self>) -> Hold {
        Hold {
            pool: Arc::clone(self),
            permit: None,
            units: 0,
            others: Vec::new(),
        }
    }
}

/// Bytes held from a pool, given back when dropped.
#[derive(Debug)]
pub(crate) struct Hold {
    pool: Arc<Pool>,
    permit: Option<OwnedSemaphorePermit>,
    units: usize,
    others: Vec<Arc<Hold>>,
}

impl Hold {
    /// Keeps `other`'s bytes held as long as this holding (they stay counted in their pool).
    pub(crate) fn merge(&mut self, other: Hold) {
        self.others.push(Arc::new(other));
    }

    /// Keeps a holding shared with another owner until both have let it go.
    pub(crate) fn keep(&mut self, other: Arc<Hold>) {
        self.others.push(other);
    }

    /// Pays for `bytes` more, waiting at most `wait`; false when the pool had no room in time.
    /// One holding never needs more than the whole pool: a body larger than the pool is held
    /// alone.
    pub(crate) async fn grow(&mut self, bytes: usize, wait: Duration) -> bool {
        let want = bytes
            .div_ceil(UNIT)
            .min(self.pool.total.saturating_sub(self.units));
        if want == 0 {
            return true;
        }
        let Ok(units) = u32::try_from(want) else {
            return false;
        };
        let permits = Arc::clone(&self.pool.permits);
        let permit = match permits.clone().try_acquire_many_owned(units) {
            Ok(permit) => permit,
            Err(_) => match tokio::time::timeout(wait, permits.acquire_many_owned(units)).await {
                Ok(Ok(permit)) => permit,
                _ => return false,
            },
        };
        match &mut self.permit {
            Some(held) => held.merge(permit),
            None => self.permit = Some(permit),
        }
        self.units += want;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn a_pool_admits_what_it_holds_and_waits_a_bounded_time() {
        let pool = Pool::new(1 << 20);
        let mut a = pool.hold();
        assert!(a.grow(700 << 10, Duration::ZERO).await);
        let mut b = pool.hold();
        assert!(!b.grow(700 << 10, Duration::from_millis(50)).await);
        drop(a);
        assert!(b.grow(700 << 10, Duration::ZERO).await);
        // A holding larger than the pool takes all of it and no more.
        let mut big = Pool::new(1 << 20).hold();
        assert!(big.grow(8 << 20, Duration::ZERO).await);
        assert!(big.grow(8 << 20, Duration::ZERO).await);
    }
}

//! The connections holding a place, so that one arriving past the limit can take the place of
//! one that only waits on its client (as nginx reuses kept-alive connections when it runs
//! out): a slow or silent client then cannot keep the others out.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::conn::Conn;

#[derive(Debug, Default)]
pub(crate) struct Places {
    open: Mutex<HashMap<u64, Arc<Conn>>>,
    next: AtomicU64,
}

/// A connection's place, given up when dropped.
pub(crate) struct Place<'a> {
    places: &'a Places,
    id: u64,
}

impl Drop for Place<'_> {
    fn drop(&mut self) {
        self.places.lock().remove(&self.id);
    }
}

impl Places {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Conn>>> {
        self.open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn enter(&self, conn: &Arc<Conn>) -> Place<'_> {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.lock().insert(id, Arc::clone(conn));
        Place { places: self, id }
    }

    /// Closes the connection that has waited longest on its client (kept-alive ones first);
    /// false when every connection is busy with an answer.
    pub(crate) fn evict_one(&self) -> bool {
        let open = self.lock();
        let chosen = open
            .values()
            .filter_map(|conn| conn.eviction_rank().map(|rank| (rank, conn)))
            .min_by_key(|(rank, _)| *rank)
            .map(|(_, conn)| Arc::clone(conn));
        drop(open);
        match chosen {
            Some(conn) => {
                conn.evict();
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::conn::Phase;
    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn the_idle_go_first_then_the_longest_waiting_and_never_the_working_or_the_new() {
        let places = Places::default();
        let working = Conn::new();
        working.enter(Phase::Working);
        let slow = Conn::new();
        slow.enter(Phase::Body);
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let later = Conn::new();
        later.enter(Phase::Head);
        let idle = Conn::new();
        idle.enter(Phase::Idle);
        let _held: Vec<_> = [&working, &slow, &later, &idle]
            .into_iter()
            .map(|c| places.enter(c))
            .collect();
        assert!(places.evict_one());
        assert_eq!(idle.eviction_rank(), None, "the idle one first");
        assert!(places.evict_one());
        assert_eq!(slow.eviction_rank(), None, "then the longest waiting");
        assert!(
            !places.evict_one(),
            "a head just begun has had no time to be slow"
        );
        tokio::time::sleep(std::time::Duration::from_millis(120)).await;
        assert!(places.evict_one(), "a head that waits past the grace");
        assert!(!places.evict_one(), "never one at work");
        assert!(working.eviction_rank().is_none());
    }
}

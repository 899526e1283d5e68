//! How deliveries reach the workers. Fresh ones are handed over in memory: ingest stores
//! them already leased to this process, in the same transaction as their event, and after
//! the commit puts them on a bounded queue, so a worker sends them without asking the
//! database. Everything else (retries, redeliveries, deliveries the full queue could not
//! take, and whatever a killed process held, whose leases start-up releases) is claimed from
//! the database. Nothing is only in memory: the queue is a shortcut, the table the truth.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::server::store::events::Due;
use tokio::sync::Notify;

/// Most deliveries waiting in memory; beyond this ingest leaves them to the database.
pub const CAPACITY: usize = 4096;

#[derive(Default)]
struct Inner {
    notify: Notify,
    /// On while workers run: without them nothing may be leased to this process.
    open: AtomicBool,
    /// The queue, and the room promised to transactions not yet committed.
    slots: Mutex<Slots>,
}

#[derive(Default)]
struct Slots {
    queue: VecDeque<Due>,
    reserved: usize,
}

/// Wakes the workers and carries fresh deliveries to them; shared through the state.
#[derive(Clone, Default)]
pub struct Wake(Arc<Inner>);

/// Room for `n` deliveries on the queue, promised before they are stored; given back when
/// dropped unless [`Reservation::hand`] used it.
pub struct Reservation {
    wake: Wake,
    n: usize,
}

impl Wake {
    /// Deliveries are due in the database (a redelivery, a test event): wake the idle
    /// workers to look.
    pub fn now(&self) {
        self.0.notify.notify_waiters();
    }

    /// Room for `n` deliveries, or `None` when the workers are not running or the queue is
    /// full (then the deliveries are stored unleased and claimed from the database).
    pub fn reserve(&self, n: usize) -> Option<Reservation> {
        if n == 0 || !self.0.open.load(Ordering::Acquire) {
            return None;
        }
        let mut slots = self.0.slots.lock().expect("queue lock");
        if slots.queue.len() + slots.reserved + n > CAPACITY {
            return None;
        }
        slots.reserved += n;
        Some(Reservation {
            wake: self.clone(),
            n,
        })
    }

    /// Up to `max` queued deliveries, oldest first.
    pub fn take(&self, max: usize) -> Vec<Due> {
        let mut slots = self.0.slots.lock().expect("queue lock");
        let n = slots.queue.len().min(max);
        slots.queue.drain(..n).collect()
    }

    /// Deliveries waiting in memory.
    pub fn queued(&self) -> usize {
        self.0.slots.lock().expect("queue lock").queue.len()
    }

    /// Workers are running: ingest may lease to them.
    pub(super) fn open(&self) {
        self.0.open.store(true, Ordering::Release);
    }

    /// Workers are stopping: no more leases; returns what was still queued, for the caller
    /// to release in the database.
    pub(super) fn close(&self) -> Vec<Due> {
        self.0.open.store(false, Ordering::Release);
        let mut slots = self.0.slots.lock().expect("queue lock");
        slots.queue.drain(..).collect()
    }

    /// A future that completes at the next wake-up; register it before looking for work.
    pub(super) fn notified(&self) -> tokio::sync::futures::Notified<'_> {
        self.0.notify.notified()
    }
}

impl Reservation {
    /// The deliveries are committed: queue them and wake a worker for each batch.
    pub fn hand(mut self, deliveries: Vec<Due>, batch: usize) {
        let n = deliveries.len();
        {
            let mut slots = self.wake.0.slots.lock().expect("queue lock");
            slots.reserved -= self.n;
            self.n = 0;
            slots.queue.extend(deliveries);
        }
        for _ in 0..n.div_ceil(batch.max(1)) {
            self.wake.0.notify.notify_one();
        }
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if self.n > 0 {
            let mut slots = self.wake.0.slots.lock().expect("queue lock");
            slots.reserved -= self.n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn due(id: i64) -> Due {
        Due {
            id,
            account_id: 1,
            webhook_id: format!("msg_{id}"),
            attempts: 0,
            kind: "http".into(),
            event_id: id,
            envelope: "{}".into(),
            bus: "b".into(),
            workspace: None,
            rule: None,
            target_id: None,
            config: None,
            lease_until: 0,
            reached: None,
        }
    }

    #[test]
    fn nothing_is_leased_while_no_worker_runs() {
        let wake = Wake::default();
        assert!(wake.reserve(1).is_none());
        wake.open();
        assert!(wake.reserve(1).is_some());
        wake.close();
        assert!(wake.reserve(1).is_none());
    }

    #[test]
    fn room_is_promised_then_used_or_given_back() {
        let wake = Wake::default();
        wake.open();
        let a = wake.reserve(CAPACITY - 10).expect("room");
        assert!(wake.reserve(11).is_none(), "promised room counts");
        let b = wake.reserve(10).expect("the rest");
        drop(b);
        assert!(
            wake.reserve(10).is_some(),
            "a dropped promise gives room back"
        );
        a.hand((0..3).map(due).collect(), 64);
        assert_eq!(wake.queued(), 3);
        assert!(wake.reserve(CAPACITY - 3).is_some());
        assert!(
            wake.reserve(CAPACITY - 2).is_none(),
            "queued deliveries count"
        );
        let taken: Vec<i64> = wake.take(2).into_iter().map(|d| d.id).collect();
        assert_eq!(taken, vec![0, 1], "oldest first, at most what was asked");
        assert_eq!(
            wake.close().into_iter().map(|d| d.id).collect::<Vec<_>>(),
            vec![2]
        );
        assert_eq!(wake.queued(), 0);
    }
}

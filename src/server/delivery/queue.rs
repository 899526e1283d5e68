//! How deliveries reach the dispatcher, and in what order. Fresh ones are handed over in
//! memory: ingest stores them already leased to this process, in the same transaction as
//! their event, and after the commit puts them here, so they are sent without asking the
//! database. Everything else (retries, redeliveries, deliveries the full queue could not
//! take, and whatever a killed process held, whose leases start-up releases) is claimed from
//! the database and waits here too. Nothing is only in memory: the queue is a shortcut, the
//! table the truth.
//!
//! Waiting deliveries are taken fairly: round-robin across accounts, and within an account
//! across targets, so an account flooding events, or a target that answers slowly, never
//! puts another account's or another target's deliveries behind its backlog. The caller
//! decides, target by target, how many it may start now (its free slots, its circuit).

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use crate::server::store::events::Due;
use tokio::sync::Notify;

/// Most deliveries waiting in memory; beyond this ingest leaves them to the database.
pub const CAPACITY: usize = 4096;
/// Most deliveries one database claim takes. A claim leaves out a target with this many
/// waiting in memory; when taking brings a target from at least half of it to below half,
/// the claimer is asked to look again ([`Wake::take`]), so a fast target with a backlog in
/// the database is refilled before its queue runs dry.
pub const CLAIM_CHUNK: usize = 256;

#[derive(Default)]
struct Inner {
    /// Wakes the dispatcher: deliveries arrived in memory.
    notify: Notify,
    /// Wakes the claimer: look in the database.
    claim: Notify,
    /// On while the engine runs: without it nothing may be leased to this process.
    open: AtomicBool,
    /// Someone asked the engine to look in the database now (a redelivery, a test event).
    look: AtomicBool,
    /// How long the engine's leases hold, in ms.
    lease_ms: AtomicI64,
    /// The queue, and the room promised to transactions not yet committed.
    slots: Mutex<Slots>,
}

#[derive(Default)]
struct Slots {
    fair: Fair,
    reserved: usize,
}

/// A delivery waiting, and since when (Unix ms).
struct Waiting {
    since_ms: i64,
    due: Due,
}

/// The waiting deliveries, by account and by target, each with its turn.
#[derive(Default)]
struct Fair {
    len: usize,
    /// Accounts with deliveries waiting, in the order of their next turn.
    turn: VecDeque<i64>,
    accounts: HashMap<i64, Account>,
}

#[derive(Default)]
struct Account {
    /// Targets with deliveries waiting (`None`: deleted targets), in turn order.
    turn: VecDeque<Option<i64>>,
    targets: HashMap<Option<i64>, VecDeque<Waiting>>,
}

impl Fair {
    fn push(&mut self, due: Due, since_ms: i64) {
        let account = match self.accounts.get_mut(&due.account_id) {
            Some(a) => a,
            None => {
                self.turn.push_back(due.account_id);
                self.accounts.entry(due.account_id).or_default()
            }
        };
        let key = due.target_id;
        let waiting = match account.targets.get_mut(&key) {
            Some(q) => q,
            None => {
                account.turn.push_back(key);
                account.targets.entry(key).or_default()
            }
        };
        waiting.push_back(Waiting { since_ms, due });
        self.len += 1;
    }

    /// See [`Wake::take`]; also whether a target's waiting deliveries fell below half a
    /// claim from at least that.
    fn take(
        &mut self,
        max: usize,
        quota: &mut dyn FnMut(&Due, usize) -> usize,
    ) -> (Vec<Due>, bool) {
        let mut out = Vec::new();
        let mut running_low = false;
        // Accounts visited in a row without anything taken: a whole round of them ends it.
        let mut idle = 0;
        while out.len() < max && idle < self.turn.len() {
            let Some(account_id) = self.turn.pop_front() else {
                break;
            };
            let account = self.accounts.get_mut(&account_id).expect("listed account");
            let mut took = false;
            // This account's turn: its next target that may start something.
            for _ in 0..account.turn.len() {
                let Some(key) = account.turn.pop_front() else {
                    break;
                };
                let waiting = account.targets.get_mut(&key).expect("listed target");
                let first = &waiting.front().expect("a listed target has some").due;
                let n = quota(first, waiting.len())
                    .min(waiting.len())
                    .min(max - out.len());
                let half = CLAIM_CHUNK / 2;
                running_low |= waiting.len() >= half && waiting.len() - n < half;
                out.extend(waiting.drain(..n).map(|w| w.due));
                self.len -= n;
                if waiting.is_empty() {
                    account.targets.remove(&key);
                } else {
                    account.turn.push_back(key);
                }
                if n > 0 {
                    took = true;
                    break;
                }
            }
            if account.targets.is_empty() {
                self.accounts.remove(&account_id);
            } else {
                self.turn.push_back(account_id);
            }
            idle = if took { 0 } else { idle + 1 };
        }
        (out, running_low)
    }

    /// Remove the deliveries that waited since before `cutoff_ms`.
    fn spill(&mut self, cutoff_ms: i64) -> Vec<Due> {
        let mut out = Vec::new();
        for account in self.accounts.values_mut() {
            for waiting in account.targets.values_mut() {
                while waiting.front().is_some_and(|w| w.since_ms < cutoff_ms) {
                    out.extend(waiting.pop_front().map(|w| w.due));
                }
            }
            account.targets.retain(|_, q| !q.is_empty());
            let targets = &account.targets;
            account.turn.retain(|k| targets.contains_key(k));
        }
        self.accounts.retain(|_, a| !a.targets.is_empty());
        let accounts = &self.accounts;
        self.turn.retain(|a| accounts.contains_key(a));
        self.len -= out.len();
        out
    }

    fn drain(&mut self) -> Vec<Due> {
        let out = self
            .accounts
            .drain()
            .flat_map(|(_, a)| a.targets.into_values().flatten().map(|w| w.due))
            .collect();
        self.turn.clear();
        self.len = 0;
        out
    }
}

/// Wakes the engine and carries deliveries to it; shared through the state.
#[derive(Clone, Default)]
pub struct Wake(Arc<Inner>);

/// Room for `n` deliveries on the queue, promised before they are stored; given back when
/// dropped unless [`Reservation::hand`] used it.
pub struct Reservation {
    wake: Wake,
    n: usize,
}

impl Wake {
    /// Deliveries are due in the database (a redelivery, a test event): wake the engine to
    /// look there.
    pub fn now(&self) {
        self.0.look.store(true, Ordering::Release);
        self.0.claim.notify_one();
    }

    /// Room for `n` deliveries, or `None` when the engine is not running or the queue is
    /// full (then the deliveries are stored unleased and claimed from the database).
    pub fn reserve(&self, n: usize) -> Option<Reservation> {
        if n == 0 || !self.0.open.load(Ordering::Acquire) {
            return None;
        }
        let mut slots = self.0.slots.lock().expect("queue lock");
        if slots.fair.len + slots.reserved + n > CAPACITY {
            return None;
        }
        slots.reserved += n;
        Some(Reservation {
            wake: self.clone(),
            n,
        })
    }

    /// Up to `max` waiting deliveries, taken in turn: one target of each account with
    /// deliveries waiting, then the next account, round after round. `quota(first, waiting)`
    /// says how many of a target's `waiting` deliveries (the oldest is `first`) may go now;
    /// 0 leaves them waiting. Each target's deliveries come out oldest first.
    pub fn take(&self, max: usize, mut quota: impl FnMut(&Due, usize) -> usize) -> Vec<Due> {
        let (taken, running_low) = {
            let mut slots = self.0.slots.lock().expect("queue lock");
            slots.fair.take(max, &mut quota)
        };
        if running_low {
            self.now();
        }
        taken
    }

    /// Deliveries claimed from the database, to wait with the others for their turn; the
    /// dispatcher is woken.
    pub(super) fn push(&self, deliveries: Vec<Due>, now_ms: i64) {
        {
            let mut slots = self.0.slots.lock().expect("queue lock");
            for due in deliveries {
                slots.fair.push(due, now_ms);
            }
        }
        self.0.notify.notify_one();
    }

    /// Deliveries that waited in memory since before `cutoff_ms` (their target cannot keep
    /// up), taken out for the caller to give back to the database, where they wait without
    /// holding a lease.
    pub(super) fn spill(&self, cutoff_ms: i64) -> Vec<Due> {
        self.0
            .slots
            .lock()
            .expect("queue lock")
            .fair
            .spill(cutoff_ms)
    }

    /// Deliveries waiting in memory, per target.
    pub(super) fn waiting_by_target(&self) -> Vec<(i64, usize)> {
        let slots = self.0.slots.lock().expect("queue lock");
        slots
            .fair
            .accounts
            .values()
            .flat_map(|a| a.targets.iter())
            .filter_map(|(t, q)| Some(((*t)?, q.len())))
            .collect()
    }

    /// Deliveries waiting in memory.
    pub fn queued(&self) -> usize {
        self.0.slots.lock().expect("queue lock").fair.len
    }

    /// Whether someone asked for a look in the database since the last call.
    pub(super) fn take_look(&self) -> bool {
        self.0.look.swap(false, Ordering::AcqRel)
    }

    /// The engine runs, with leases of `lease_ms`: ingest may lease to it.
    pub(super) fn open(&self, lease_ms: i64) {
        self.0.lease_ms.store(lease_ms, Ordering::Release);
        self.0.open.store(true, Ordering::Release);
    }

    /// The engine is stopping: no more leases; returns what was still queued, for the
    /// caller to release in the database.
    pub(super) fn close(&self) -> Vec<Due> {
        self.0.open.store(false, Ordering::Release);
        self.0.slots.lock().expect("queue lock").fair.drain()
    }

    /// A future that completes when deliveries arrive in memory; the dispatcher registers
    /// it before looking for work.
    pub(super) fn notified(&self) -> tokio::sync::futures::Notified<'_> {
        self.0.notify.notified()
    }

    /// A future that completes when someone asks for a look in the database ([`Wake::now`]).
    pub(super) fn claim_asked(&self) -> tokio::sync::futures::Notified<'_> {
        self.0.claim.notified()
    }
}

impl Reservation {
    /// Until when deliveries stored at `now_ms` are leased to the engine.
    pub fn lease_until(&self, now_ms: i64) -> i64 {
        now_ms + self.wake.0.lease_ms.load(Ordering::Acquire)
    }

    /// The deliveries are committed: queue them and wake the engine.
    pub fn hand(mut self, deliveries: Vec<Due>) {
        let now = crate::server::delivery::channels::now_ms();
        {
            let mut slots = self.wake.0.slots.lock().expect("queue lock");
            slots.reserved -= self.n;
            self.n = 0;
            for due in deliveries {
                slots.fair.push(due, now);
            }
        }
        self.wake.0.notify.notify_one();
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

    fn due(id: i64, account_id: i64, target: i64) -> Due {
        Due {
            id,
            account_id,
            webhook_id: format!("msg_{id}"),
            attempts: 0,
            kind: "http".into(),
            event_id: id,
            envelope: "{}".into(),
            bus: "b".into(),
            workspace: None,
            rule: None,
            target_id: Some(target),
            config: None,
            lease_until: 0,
            reached: None,
            language: crate::domain::lang::Lang::En,
            title_template: None,
            body_template: None,
        }
    }

    fn ids(v: Vec<Due>) -> Vec<i64> {
        v.into_iter().map(|d| d.id).collect()
    }

    #[test]
    fn nothing_is_leased_while_the_engine_is_not_running() {
        let wake = Wake::default();
        assert!(wake.reserve(1).is_none());
        wake.open(60_000);
        assert!(wake.reserve(1).is_some());
        wake.close();
        assert!(wake.reserve(1).is_none());
    }

    #[test]
    fn room_is_promised_then_used_or_given_back() {
        let wake = Wake::default();
        wake.open(60_000);
        let a = wake.reserve(CAPACITY - 10).expect("room");
        assert!(wake.reserve(11).is_none(), "promised room counts");
        let b = wake.reserve(10).expect("the rest");
        drop(b);
        assert!(
            wake.reserve(10).is_some(),
            "a dropped promise gives room back"
        );
        a.hand((0..3).map(|i| due(i, 1, 1)).collect());
        assert_eq!(wake.queued(), 3);
        assert!(wake.reserve(CAPACITY - 3).is_some());
        assert!(
            wake.reserve(CAPACITY - 2).is_none(),
            "queued deliveries count"
        );
        assert_eq!(ids(wake.take(2, |_, n| n)), vec![0, 1], "oldest first");
        assert_eq!(ids(wake.close()), vec![2]);
        assert_eq!(wake.queued(), 0);
    }

    #[test]
    fn taking_a_target_below_half_a_claim_asks_the_claimer_to_look_once() {
        let wake = Wake::default();
        let half = CLAIM_CHUNK / 2;
        wake.push((0..half as i64 + 2).map(|i| due(i, 1, 10)).collect(), 0);
        wake.push((1000..1010).map(|i| due(i, 2, 20)).collect(), 0);
        assert!(!wake.take_look(), "pushing asks nothing");
        // Target 10 from half + 2 to half: still at half.
        wake.take(2, |d, n| if d.target_id == Some(10) { n.min(2) } else { 0 });
        assert!(!wake.take_look(), "not below half yet");
        // Below half: the claimer is asked.
        wake.take(1, |d, n| if d.target_id == Some(10) { n.min(1) } else { 0 });
        assert!(wake.take_look(), "a target went below half a claim");
        // Already below half (target 10), and never at half (target 20): nothing more.
        wake.take(20, |_, n| n);
        assert!(!wake.take_look(), "only the crossing asks");
    }

    #[test]
    fn a_flooding_account_does_not_push_another_behind_its_backlog() {
        let wake = Wake::default();
        wake.push((0..1000).map(|i| due(i, 1, 10)).collect(), 0);
        wake.push(vec![due(5000, 2, 20)], 0);
        let taken = ids(wake.take(4, |_, n| n.min(1)));
        assert_eq!(taken, vec![0, 5000, 1, 2], "account 2 gets the second turn");
    }

    #[test]
    fn targets_of_one_account_take_turns_and_a_full_target_waits() {
        let wake = Wake::default();
        let mut v: Vec<Due> = (0..10).map(|i| due(i, 1, 10)).collect();
        v.extend((100..103).map(|i| due(i, 1, 11)));
        wake.push(v, 0);
        // Target 10 has no free slot: only target 11 goes.
        let taken = ids(wake.take(10, |d, n| if d.target_id == Some(10) { 0 } else { n }));
        assert_eq!(taken, vec![100, 101, 102]);
        assert_eq!(wake.queued(), 10);
        // Two slots each round.
        let taken = ids(wake.take(5, |_, n| n.min(2)));
        assert_eq!(taken, vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn deliveries_that_waited_too_long_are_spilled_oldest_first() {
        let wake = Wake::default();
        wake.push(vec![due(1, 1, 10), due(2, 1, 10)], 100);
        wake.push(vec![due(3, 1, 10), due(4, 2, 20)], 500);
        assert_eq!(ids(wake.spill(200)), vec![1, 2]);
        assert_eq!(wake.queued(), 2);
        let mut left = ids(wake.take(10, |_, n| n));
        left.sort();
        assert_eq!(left, vec![3, 4]);
    }
}

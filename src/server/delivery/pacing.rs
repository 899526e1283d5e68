//! Pacing: each chat robot gets messages below its provider's limit (DingTalk and WeCom
//! 20 a minute, Lark 5 a second and 100 a minute; Herald keeps a margin). A robot is its
//! webhook URL, so targets of several rules that post to one robot share its budget. A
//! delivery that finds the budget spent waits (it is never dropped), and when several wait
//! for one target they go out together as one digest message. Deliveries waiting for an HTTP target's
//! own rate are spread over its next free slots, so they come back one slot apart rather
//! than all at once.
//!
//! A robot's limit is the provider's, whichever node sends: on PostgreSQL, where several
//! nodes may share the database, the recent sends are kept in it ([`store::paces`]), keyed
//! by the SHA-256 of the robot's URL (which carries its token), and each take locks the
//! robot's row. On SQLite one process sends, and they stay in its memory.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::domain::catalog::TargetKind;
use crate::server::store::{self, Db};

/// How long a take waits when the shared sends cannot be read (the database is away):
/// the delivery is tried again then, rather than risk the robot's budget.
const UNREADABLE_WAIT_MS: i64 = 1_000;

/// Sliding-window limits: (most messages, per window).
pub fn limits(kind: TargetKind) -> &'static [(usize, Duration)] {
    const MINUTE: Duration = Duration::from_secs(60);
    const SECOND: Duration = Duration::from_secs(1);
    match kind {
        // 20/min documented; 18 leaves room for clock skew and test messages.
        TargetKind::DingTalk | TargetKind::WeCom => &[(18, MINUTE)],
        TargetKind::Lark => &[(4, SECOND), (90, MINUTE)],
        _ => &[],
    }
}

/// Recent sends per robot (its webhook URL) and per rate-limited HTTP target, in Unix
/// milliseconds: in this process's memory, or in the database every node shares.
#[derive(Default)]
pub struct Pacer {
    /// Where the sends are kept when other nodes may send too.
    shared: Option<Db>,
    robots: Mutex<HashMap<String, VecDeque<i64>>>,
    targets: Mutex<HashMap<i64, VecDeque<i64>>>,
    /// The last slot a waiting delivery was given, per HTTP target.
    slots: Mutex<HashMap<i64, i64>>,
}

impl Pacer {
    /// The pacer for Herald on `db`: shared through the database on PostgreSQL, in memory
    /// on SQLite.
    pub fn for_db(db: &Db) -> Pacer {
        if db.is_postgres() {
            Pacer::shared(db.clone())
        } else {
            Pacer::default()
        }
    }

    /// A pacer that keeps the sends in `db`, where every node sees them.
    pub fn shared(db: Db) -> Pacer {
        Pacer {
            shared: Some(db),
            ..Pacer::default()
        }
    }

    /// Take one send to the robot at `url` at `now_ms`: `Ok(())`, or `Err(when)` — the
    /// earliest time (ms) a send will fit.
    pub async fn take(&self, url: &str, kind: TargetKind, now_ms: i64) -> Result<(), i64> {
        let windows = limits(kind);
        if windows.is_empty() {
            return Ok(());
        }
        if let Some(db) = &self.shared {
            let key = format!(
                "robot:{}",
                super::sign::hex(&Sha256::digest(url.as_bytes()))
            );
            return decided(
                store::paces::with_pace(db, &key, now_ms, |p| {
                    take_within(&mut p.sends, windows, now_ms)
                })
                .await,
                now_ms,
            );
        }
        let mut map = self.robots.lock().unwrap_or_else(|e| e.into_inner());
        if !map.contains_key(url) {
            map.insert(url.to_string(), VecDeque::new());
        }
        let times = map.get_mut(url).expect("inserted above");
        take_within(times, windows, now_ms)
    }

    /// As [`Pacer::take`], for an HTTP target's own limit of `per_second`; each delivery
    /// that must wait gets the next free slot (`1000 / per_second` ms after the last one).
    pub async fn take_rate(&self, target: i64, per_second: u32, now_ms: i64) -> Result<(), i64> {
        let window = [(per_second as usize, Duration::from_secs(1))];
        if let Some(db) = &self.shared {
            let key = format!("target:{target}");
            return decided(
                store::paces::with_pace(db, &key, now_ms, |p| {
                    take_within(&mut p.sends, &window, now_ms)
                        .map_err(|when| next_slot(&mut p.last_slot, when, per_second))
                })
                .await,
                now_ms,
            );
        }
        let when = {
            let mut map = self.targets.lock().unwrap_or_else(|e| e.into_inner());
            take_within(map.entry(target).or_default(), &window, now_ms)
        };
        when.map_err(|when| {
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            next_slot(slots.entry(target).or_insert(i64::MIN), when, per_second)
        })
    }
}

/// A shared take's answer; when the database could not be asked, wait a little.
fn decided(answer: Result<Result<(), i64>, sqlx::Error>, now_ms: i64) -> Result<(), i64> {
    answer.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "reading a robot's recent sends; the delivery waits");
        Err(now_ms + UNREADABLE_WAIT_MS)
    })
}

/// The slot for a delivery that may go at `when` at the earliest: `when`, or one spacing
/// (`1000 / per_second` ms) after the `last` slot given out, whichever is later.
fn next_slot(last: &mut i64, when: i64, per_second: u32) -> i64 {
    let spacing = (1000 / i64::from(per_second.max(1))).max(1);
    let slot = if *last >= when { *last + spacing } else { when };
    *last = slot;
    slot
}

/// Take one send from the sliding `windows` over `times` (the recent sends), or say when one
/// fits.
fn take_within(
    times: &mut VecDeque<i64>,
    windows: &[(usize, Duration)],
    now_ms: i64,
) -> Result<(), i64> {
    let longest = windows
        .iter()
        .map(|(_, w)| w.as_millis() as i64)
        .max()
        .unwrap_or(0);
    while times.front().is_some_and(|t| *t <= now_ms - longest) {
        times.pop_front();
    }
    let mut wait_until = now_ms;
    for (max, window) in windows {
        let w = window.as_millis() as i64;
        let in_window: Vec<i64> = times.iter().copied().filter(|t| *t > now_ms - w).collect();
        if in_window.len() >= *max {
            // The send that leaves the window first makes room.
            let oldest = in_window[in_window.len() - max];
            wait_until = wait_until.max(oldest + w);
        }
    }
    if wait_until > now_ms {
        return Err(wait_until);
    }
    times.push_back(now_ms);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each kind of pacer: in memory, and kept in each database at hand.
    async fn pacers(test: &str) -> (Vec<Pacer>, tempfile::TempDir) {
        let (dbs, dir) = store::portable::databases(test).await;
        let mut all = vec![Pacer::default()];
        all.extend(dbs.into_iter().map(Pacer::shared));
        (all, dir)
    }

    #[tokio::test]
    async fn dingtalk_gets_eighteen_a_minute_then_waits_for_the_window() {
        let (all, _dir) = pacers("dingtalk").await;
        for p in &all {
            for i in 0..18 {
                assert!(p
                    .take("robot-1", TargetKind::DingTalk, 1_000 + i)
                    .await
                    .is_ok());
            }
            assert_eq!(
                p.take("robot-1", TargetKind::DingTalk, 2_000).await,
                Err(61_000)
            );
            assert!(
                p.take("robot-2", TargetKind::DingTalk, 2_000).await.is_ok(),
                "other robots are separate"
            );
            assert!(p
                .take("robot-1", TargetKind::DingTalk, 61_001)
                .await
                .is_ok());
        }
    }

    #[tokio::test]
    async fn lark_is_limited_per_second_and_per_minute() {
        let (all, _dir) = pacers("lark").await;
        for p in &all {
            for i in 0..4 {
                assert!(p.take("lark-9", TargetKind::Lark, 10_000 + i).await.is_ok());
            }
            assert_eq!(
                p.take("lark-9", TargetKind::Lark, 10_100).await,
                Err(11_000)
            );
            let mut t = 11_000;
            let mut sent = 4;
            while sent < 90 {
                if p.take("lark-9", TargetKind::Lark, t).await.is_ok() {
                    sent += 1;
                }
                t += 250;
            }
            assert!(p.take("lark-9", TargetKind::Lark, t).await.unwrap_err() >= 70_000);
        }
    }

    #[tokio::test]
    async fn an_http_target_may_set_its_own_rate() {
        let (all, _dir) = pacers("rate").await;
        for p in &all {
            assert!(p.take_rate(4, 2, 0).await.is_ok());
            assert!(p.take_rate(4, 2, 10).await.is_ok());
            assert_eq!(p.take_rate(4, 2, 20).await, Err(1000));
            assert_eq!(
                p.take_rate(4, 2, 30).await,
                Err(1500),
                "the next waits one slot more"
            );
            assert_eq!(p.take_rate(4, 2, 40).await, Err(2000));
            assert_eq!(
                p.take_rate(5, 2, 40).await,
                Ok(()),
                "other targets are separate"
            );
            assert!(p.take_rate(4, 2, 1000).await.is_ok());
            assert!(p.take_rate(4, 2, 1500).await.is_ok());
            assert_eq!(
                p.take_rate(4, 2, 1600).await,
                Err(2500),
                "slots already given out are not given twice"
            );
        }
    }

    #[tokio::test]
    async fn http_and_contact_targets_are_not_paced() {
        let (all, _dir) = pacers("unpaced").await;
        for p in &all {
            for i in 0..1000 {
                assert!(p.take("http-3", TargetKind::Http, i).await.is_ok());
            }
        }
    }

    #[tokio::test]
    async fn nodes_sharing_a_database_share_each_robots_budget_and_never_store_its_url() {
        let (dbs, _dir) = store::portable::databases("nodes").await;
        let url = "https://oapi.dingtalk.com/robot/send?access_token=secret-token-0123";
        for db in dbs {
            // Two nodes, each with its own pacer, taking at once in turn.
            let nodes = [Pacer::shared(db.clone()), Pacer::shared(db.clone())];
            let mut sent = 0;
            for i in 0..40 {
                let (a, b) = tokio::join!(
                    nodes[0].take(url, TargetKind::DingTalk, 1_000 + i),
                    nodes[1].take(url, TargetKind::DingTalk, 1_000 + i)
                );
                sent += usize::from(a.is_ok()) + usize::from(b.is_ok());
            }
            assert_eq!(sent, 18, "both nodes together send no more than the budget");
            assert_eq!(
                nodes[1].take(url, TargetKind::DingTalk, 2_000).await,
                Err(61_000)
            );
            // Each node's slots for a rate-limited target are never given twice either.
            let mut slots = Vec::new();
            for i in 0..6 {
                for p in &nodes {
                    if let Err(slot) = p.take_rate(7, 2, 5_000 + i).await {
                        slots.push(slot);
                    }
                }
            }
            assert_eq!(
                slots,
                [6_000, 6_500, 7_000, 7_500, 8_000, 8_500, 9_000, 9_500, 10_000, 10_500]
            );
            // The robot is known by a digest: the URL and its token are not in the database.
            let keys = store::paces::keys(&db).await.unwrap();
            assert_eq!(keys.len(), 2, "{keys:?}");
            assert!(keys[0].starts_with("robot:") && keys[0].len() == "robot:".len() + 64);
            assert_eq!(keys[1], "target:7");
            assert!(keys.iter().all(|k| !k.contains("secret-token")));
            assert_eq!(store::paces::forget_idle(&db, 5_000).await.unwrap(), 1);
        }
    }
}

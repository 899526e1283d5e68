//! The delivery queue's store functions on either backend, as several nodes use them: two
//! pools on one database stand for two nodes. Claims (fair, and disjoint when taken at
//! once), records, start-up's release, the wake-up one node sends another, and the
//! one-node-at-a-time jobs. The database is seeded with plain SQL (accounts, rules,
//! targets, events, deliveries), so these run whether or not sign-up and rules work on
//! the backend under test (`HERALD_TEST_BACKEND`).

use crate::common::{fresh_postgres_database, postgres_backend};
use herald::domain::models::DeliveryStatus;
use herald::server::store::events::{self, AttemptRecord, ClaimLimits, DueListener};
use herald::server::store::locks::{self, Job};
use herald::server::store::{self, Db};
use std::collections::HashSet;
use std::time::Duration;

/// A fresh, migrated database of the backend under test, opened twice (two "nodes"), and
/// the directory a SQLite file lives in.
async fn two_nodes() -> (Db, Db, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = if postgres_backend() {
        fresh_postgres_database().await
    } else {
        format!("sqlite://{}", dir.path().join("herald.db").display())
    };
    let a = store::connect(&url, 64 << 20).await.unwrap();
    store::migrate(&a).await.unwrap();
    let b = store::connect(&url, 64 << 20).await.unwrap();
    (a, b, dir)
}

/// Run `sql` (test seeding only); the first column of each row it returns.
async fn sql(db: &Db, sql: &str) -> Vec<i64> {
    match db {
        Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_all(p).await,
        Db::Postgres(p) => sqlx::query_scalar(sql).fetch_all(p).await,
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// An account with an owner, a bus, a rule with `kinds.len()` targets and one event; the
/// target ids, the event id and the account id.
async fn account(db: &Db, name: &str, kinds: &[&str]) -> (Vec<i64>, i64, i64) {
    let account = sql(db, "INSERT INTO accounts DEFAULT VALUES RETURNING id").await[0];
    sql(
        db,
        &format!(
            "INSERT INTO users (account_id, email, display_name, password_hash, is_owner)
             VALUES ({account}, '{name}@example.com', '{name}', 'x', TRUE) RETURNING id"
        ),
    )
    .await;
    let bus = sql(
        db,
        &format!(
            "INSERT INTO event_buses (account_id, name) VALUES ({account}, 'bus') RETURNING id"
        ),
    )
    .await[0];
    let rule = sql(
        db,
        &format!(
            "INSERT INTO rules (account_id, bus_id, name, source, types)
             VALUES ({account}, {bus}, 'rule', 'pai.dsw', '[]') RETURNING id"
        ),
    )
    .await[0];
    let mut targets = Vec::new();
    for (i, kind) in kinds.iter().enumerate() {
        targets.push(
            sql(
                db,
                &format!(
                    "INSERT INTO targets (rule_id, position, kind, config)
                     VALUES ({rule}, {i}, '{kind}', 'sealed') RETURNING id"
                ),
            )
            .await[0],
        );
    }
    let event = sql(
        db,
        &format!(
            "INSERT INTO events (account_id, bus_id, source, ce_id, type, time, envelope)
             VALUES ({account}, {bus}, 'pai.dsw', '{name}-1', 't', '2026-01-01T00:00:00Z', '{{}}')
             RETURNING id"
        ),
    )
    .await[0];
    (targets, event, account)
}

/// `n` deliveries of `event` to `target`, due at `due` and held by nobody; their ids.
async fn deliveries(
    db: &Db,
    account: i64,
    event: i64,
    target: i64,
    n: usize,
    due: i64,
) -> Vec<i64> {
    let rows: Vec<String> = (0..n)
        .map(|i| format!("({account}, {event}, {target}, 'webhook', 'msg_{target}_{i}', {due})"))
        .collect();
    sql(
        db,
        &format!(
            "INSERT INTO deliveries (account_id, event_id, target_id, kind, webhook_id, next_attempt_at)
             VALUES {} RETURNING id",
            rows.join(", ")
        ),
    )
    .await
}

fn limits(total: usize, per_target: usize) -> ClaimLimits<'static> {
    ClaimLimits {
        total,
        per_target,
        per_robot: 64,
        busy: &[],
        turn: 0,
    }
}

const NOW: i64 = 1_800_000_000_000;
const LEASE: i64 = 60_000;

#[tokio::test]
async fn two_nodes_claiming_at_once_take_different_deliveries_and_together_all_of_them() {
    let (a, b, _dir) = two_nodes().await;
    let mut all = HashSet::new();
    for name in ["ann", "bob", "cid"] {
        let (targets, event, account) = account(&a, name, &["webhook", "webhook"]).await;
        for t in targets {
            all.extend(deliveries(&a, account, event, t, 150, NOW - 1).await);
        }
    }

    let claim = |db: Db| async move {
        let mut mine = Vec::new();
        loop {
            let got = events::claim_due(&db, NOW, LEASE, &limits(32, 4))
                .await
                .unwrap();
            if got.is_empty() {
                return mine;
            }
            assert!(got.iter().all(|d| d.lease_until == NOW + LEASE));
            mine.extend(got.into_iter().map(|d| d.id));
        }
    };
    let (on_a, on_b) = tokio::join!(claim(a.clone()), claim(b.clone()));

    let a_set: HashSet<i64> = on_a.iter().copied().collect();
    let b_set: HashSet<i64> = on_b.iter().copied().collect();
    assert_eq!(a_set.len(), on_a.len(), "node a claimed a delivery twice");
    assert_eq!(b_set.len(), on_b.len(), "node b claimed a delivery twice");
    assert!(
        a_set.is_disjoint(&b_set),
        "a delivery was claimed by both nodes"
    );
    let together: HashSet<i64> = a_set.union(&b_set).copied().collect();
    assert_eq!(together, all, "every due delivery is claimed once");
}

#[tokio::test]
async fn a_claim_serves_every_account_and_target_before_a_backlog() {
    let (db, _, _dir) = two_nodes().await;
    let (big, big_event, big_account) = account(&db, "big", &["webhook"]).await;
    deliveries(&db, big_account, big_event, big[0], 300, NOW - 10).await;
    let (small, small_event, small_account) = account(&db, "small", &["webhook", "email"]).await;
    let first = deliveries(&db, small_account, small_event, small[0], 2, NOW - 1).await;
    let second = deliveries(&db, small_account, small_event, small[1], 2, NOW - 1).await;

    let got = events::claim_due(&db, NOW, LEASE, &limits(12, 2))
        .await
        .unwrap();

    let ids: HashSet<i64> = got.iter().map(|d| d.id).collect();
    for id in first.iter().chain(&second) {
        assert!(
            ids.contains(id),
            "the small account's delivery {id} waited behind a backlog"
        );
    }
    assert!(got.len() <= 12, "{} claimed", got.len());
    let of_big = got.iter().filter(|d| d.account_id == big_account).count();
    assert!(of_big > 0, "the big account got nothing");
    // Claimed ones carry what a worker needs.
    assert!(got
        .iter()
        .all(|d| d.bus == "bus" && d.config.as_deref() == Some("sealed")));
}

#[tokio::test]
async fn records_settle_held_deliveries_count_attempts_and_disable_a_gone_target() {
    let (db, _, _dir) = two_nodes().await;
    let (targets, event, account) = account(&db, "ann", &["webhook", "webhook"]).await;
    deliveries(&db, account, event, targets[0], 1, NOW - 1).await;
    deliveries(&db, account, event, targets[1], 1, NOW - 1).await;
    let got = events::claim_due(&db, NOW, LEASE, &limits(10, 1))
        .await
        .unwrap();
    assert_eq!(got.len(), 2);
    let record = |d: &events::Due, reason: &str, status, lease| AttemptRecord {
        delivery_id: d.id,
        lease_until: lease,
        target_id: d.target_id,
        started_at: "2027-01-15T08:00:00.000Z".into(),
        latency_ms: 12,
        request: "POST /hook".into(),
        response_status: Some(410),
        response_body: None,
        reason: reason.into(),
        detail: "d".into(),
        status,
        next_attempt_at: NOW + 1000,
        deferred: false,
        reached: Some("[\"+100\"]".into()),
    };
    let gone = got
        .iter()
        .find(|d| d.target_id == Some(targets[0]))
        .unwrap();
    let lost = got
        .iter()
        .find(|d| d.target_id == Some(targets[1]))
        .unwrap();
    let records = [
        record(gone, "gone", DeliveryStatus::Failed, gone.lease_until),
        // An attempt whose lease was lost meanwhile: dropped.
        record(lost, "ok", DeliveryStatus::Delivered, lost.lease_until - 1),
    ];

    let disabled = events::record(&db, &records, &[], NOW, 3_600_000)
        .await
        .unwrap();

    assert_eq!(disabled, vec![targets[0]]);
    let who = events::disabled_target(&db, targets[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(who.owner_name, "ann");
    assert_eq!(
        who.reason.as_deref(),
        Some("the endpoint answered 410 Gone")
    );
    let settled = sql(
        &db,
        &format!(
            "SELECT attempts FROM deliveries WHERE id = {} AND status = 'failed'
               AND lease_until IS NULL AND reached = '[\"+100\"]'",
            gone.id
        ),
    )
    .await;
    assert_eq!(settled, vec![1]);
    let numbers = sql(
        &db,
        &format!(
            "SELECT number FROM attempts WHERE delivery_id = {}",
            gone.id
        ),
    )
    .await;
    assert_eq!(numbers, vec![1]);
    let untouched = sql(
        &db,
        &format!(
            "SELECT attempts FROM deliveries WHERE id = {} AND status = 'pending'",
            lost.id
        ),
    )
    .await;
    assert_eq!(
        untouched,
        vec![0],
        "a record without its lease changed the delivery"
    );
    assert!(sql(
        &db,
        &format!("SELECT id FROM attempts WHERE delivery_id = {}", lost.id)
    )
    .await
    .is_empty());
}

/// A binary body or a receiver's answer may hold a zero byte, which PostgreSQL's TEXT
/// refuses: the attempt is still recorded (the NUL shown as U+FFFD, alike on both
/// backends), so its delivery does not stay pending for ever.
#[tokio::test]
async fn an_attempt_whose_request_answer_and_detail_hold_a_nul_is_recorded() {
    let (db, _, _dir) = two_nodes().await;
    let (targets, event, account) = account(&db, "ann", &["webhook"]).await;
    deliveries(&db, account, event, targets[0], 1, NOW - 1).await;
    let got = events::claim_due(&db, NOW, LEASE, &limits(10, 1))
        .await
        .unwrap();
    let d = &got[0];
    let records = [AttemptRecord {
        delivery_id: d.id,
        lease_until: d.lease_until,
        target_id: d.target_id,
        started_at: "2027-01-15T08:00:00.000Z".into(),
        latency_ms: 12,
        request: "POST /hook \u{ff}\0\u{7f}".into(),
        response_status: Some(500),
        response_body: Some("bad\0answer".into()),
        reason: "http_5xx".into(),
        detail: "HTTP 500: bad\0answer".into(),
        status: DeliveryStatus::Failed,
        next_attempt_at: NOW + 1000,
        deferred: false,
        reached: None,
    }];

    events::record(&db, &records, &[], NOW, 3_600_000)
        .await
        .unwrap();

    let stored = sql(
        &db,
        &format!(
            "SELECT number FROM attempts WHERE delivery_id = {}
               AND request = 'POST /hook \u{ff}\u{fffd}\u{7f}'
               AND response_body = 'bad\u{fffd}answer' AND detail = 'HTTP 500: bad\u{fffd}answer'",
            d.id
        ),
    )
    .await;
    assert_eq!(stored, vec![1], "the attempt was not stored as shown");
    let settled = sql(
        &db,
        &format!(
            "SELECT attempts FROM deliveries WHERE id = {} AND status = 'failed'
               AND last_detail = 'HTTP 500: bad\u{fffd}answer'",
            d.id
        ),
    )
    .await;
    assert_eq!(settled, vec![1], "the delivery was not settled");
}

#[tokio::test]
async fn released_leases_are_due_at_once_and_start_up_keeps_other_nodes_leases_on_postgres() {
    let (a, b, _dir) = two_nodes().await;
    let (targets, event, account) = account(&a, "ann", &["webhook"]).await;
    deliveries(&a, account, event, targets[0], 4, NOW - 1).await;
    let held = events::claim_due(&a, NOW, LEASE, &limits(10, 10))
        .await
        .unwrap();
    assert_eq!(held.len(), 4);
    events::release(&a, &[(held[0].id, held[0].lease_until)])
        .await
        .unwrap();

    // Node b starts while node a holds three.
    let released = events::release_leases(&b).await.unwrap();

    let again = events::claim_due(&b, NOW, LEASE, &limits(10, 10))
        .await
        .unwrap();
    let again: HashSet<i64> = again.iter().map(|d| d.id).collect();
    if postgres_backend() {
        assert_eq!(released, 0);
        assert_eq!(
            again,
            HashSet::from([held[0].id]),
            "another node's leases were taken"
        );
    } else {
        // One process owns a SQLite file: what is leased is a previous run's.
        assert_eq!(released, 3);
        assert_eq!(again.len(), 4);
    }
}

#[tokio::test]
async fn deliveries_stored_unheld_on_one_node_wake_the_others_on_postgres() {
    let (a, b, _dir) = two_nodes().await;
    let listener = DueListener::start(&b).await.unwrap();
    if !postgres_backend() {
        assert!(listener.is_none(), "SQLite hands deliveries over in memory");
        return;
    }
    let mut listener = listener.unwrap();
    let (targets, event, account) = account(&a, "ann", &["webhook"]).await;
    // Leased to the node that stores them: its own, nobody else is woken.
    sql(
        &a,
        &format!(
            "INSERT INTO deliveries (account_id, event_id, target_id, kind, webhook_id,
                                     next_attempt_at, lease_until)
             VALUES ({account}, {event}, {}, 'webhook', 'held', {NOW}, {}) RETURNING id",
            targets[0],
            NOW + LEASE
        ),
    )
    .await;
    deliveries(&a, account, event, targets[0], 1, NOW).await;

    tokio::time::timeout(Duration::from_secs(10), listener.next())
        .await
        .expect("node b is told within 10 s")
        .unwrap();
    let early = tokio::time::timeout(Duration::from_millis(300), listener.next()).await;
    assert!(
        early.is_err(),
        "one notice per unheld insert, none for the held one"
    );
}

#[tokio::test]
async fn a_job_runs_on_one_node_at_a_time() {
    let (a, b, _dir) = two_nodes().await;
    let first = locks::try_alone(&a, Job::Retention).await.unwrap();
    assert!(first.is_some());

    let meanwhile = locks::try_alone(&b, Job::Retention).await.unwrap();
    let other_job = locks::try_alone(&b, Job::Housekeeping).await.unwrap();

    assert!(other_job.is_some(), "jobs have locks of their own");
    if postgres_backend() {
        assert!(meanwhile.is_none(), "two nodes ran the job at once");
        drop(first);
        // The holder's connection closes in the background: wait for its lock to go.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            if locks::try_alone(&b, Job::Retention)
                .await
                .unwrap()
                .is_some()
            {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the lock was never given up"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    } else {
        assert!(meanwhile.is_some(), "one process owns a SQLite file");
    }
}

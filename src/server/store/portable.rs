//! The store functions of rules, targets, quota requests, ingest and the event list, run
//! on both databases: a fresh SQLite file always, and a fresh PostgreSQL database too when
//! `HERALD_TEST_POSTGRES` names a server (`scripts/with-postgres.sh cargo test --features
//! ssr --lib store::portable`). What the services see must not depend on the backend.

use super::events::{self, EventFilter, NewDelivery, NewEvent};
use super::rules::{self, RuleFields, TargetWrite};
use super::{begin_write, Db};
use crate::domain::models::UnknownTypes;

/// A fresh PostgreSQL database on the server `HERALD_TEST_POSTGRES` names, if it names one;
/// `test` names it apart from the other tests' running at the same time.
pub(crate) async fn fresh_postgres(test: &str) -> Option<Db> {
    use sqlx::Connection;
    let server = std::env::var("HERALD_TEST_POSTGRES").ok()?;
    let name = format!("herald_u_{}_{test}", std::process::id());
    let mut conn = sqlx::PgConnection::connect(&server).await.unwrap();
    for sql in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::query(&sql).execute(&mut conn).await.unwrap();
    }
    let mut url = url::Url::parse(&server).unwrap();
    url.set_path(&format!("/{name}"));
    Some(super::connect(url.as_str(), 1 << 20).await.unwrap())
}

/// A fresh, migrated database for each backend at hand: a SQLite file (in the directory
/// returned, which removes it when dropped) always, and PostgreSQL when
/// `HERALD_TEST_POSTGRES` names a server ([`fresh_postgres`]).
pub(crate) async fn databases(test: &str) -> (Vec<Db>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("h.db").display());
    let mut dbs = vec![super::connect(&url, 1 << 20).await.unwrap()];
    if let Some(pg) = fresh_postgres(test).await {
        dbs.push(pg);
    }
    for db in &dbs {
        super::migrate(db).await.unwrap();
    }
    (dbs, dir)
}

/// An account with an owner, a bus `b` and a contact: (account, user, bus, contact).
async fn seed(db: &Db) -> (i64, i64, i64, i64) {
    async fn id(db: &Db, sql: &str, account: Option<i64>) -> i64 {
        on!(db, c => {
            let q = sqlx::query_scalar(sql);
            let q = match account {
                Some(a) => q.bind(a),
                None => q,
            };
            q.fetch_one(c).await.unwrap()
        })
    }
    let account = id(
        db,
        "INSERT INTO accounts (eventbridge_activated_at) VALUES (NULL) RETURNING id",
        None,
    )
    .await;
    let user = id(
        db,
        "INSERT INTO users (account_id, display_name, password_hash, is_owner)
         VALUES ($1, 'Ada', 'x', TRUE) RETURNING id",
        Some(account),
    )
    .await;
    let bus = id(
        db,
        "INSERT INTO event_buses (account_id, name) VALUES ($1, 'b') RETURNING id",
        Some(account),
    )
    .await;
    let contact = id(
        db,
        "INSERT INTO contacts (account_id, name, phone) VALUES ($1, 'Bob', '+8613800000000')
         RETURNING id",
        Some(account),
    )
    .await;
    (account, user, bus, contact)
}

fn rule<'a>(name: &'a str, enabled: bool) -> RuleFields<'a> {
    RuleFields {
        name,
        description: "",
        enabled,
        source: "acs.pai",
        types: r#"["t"]"#,
        pattern: None,
        language: None,
        title_template: None,
        body_template: None,
    }
}

fn event<'a>(ce_id: &'a str, event_type: &'a str) -> NewEvent<'a> {
    NewEvent {
        source: "acs.pai",
        ce_id,
        event_type,
        subject: None,
        time: "2026-11-22T10:00:00Z",
        envelope: "{}",
    }
}

/// Rules with targets and contacts, a quota request, ingest with duplicates, deliveries,
/// the event list and its filters, the figures and the clean-up, in that order.
async fn rules_ingest_and_the_event_list(db: &Db) {
    let (account, user, bus, contact) = seed(db).await;
    assert_eq!(rules::bus_id(db, account, "b").await.unwrap(), Some(bus));

    // A rule with an SMS target to the contact and a webhook.
    let seal = |position: usize, id: i64| format!("sealed-{position}-{id}");
    let mut tx = begin_write(db).await.unwrap();
    let rule_id = rules::insert(&mut tx, account, bus, &rule("r1", true))
        .await
        .unwrap();
    let contacts = [contact];
    let targets = [
        TargetWrite {
            id: None,
            kind: "sms",
            contacts: &contacts,
        },
        TargetWrite {
            id: None,
            kind: "webhook",
            contacts: &[],
        },
    ];
    rules::replace_targets(&mut tx, rule_id, &targets, &seal)
        .await
        .unwrap();
    assert_eq!(rules::count_on_bus(&mut tx, bus).await.unwrap(), 1);
    tx.commit().await.unwrap();
    let listed = rules::list(db, account, bus).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].enabled);
    assert_eq!(listed[0].bus, "b");
    let stored = rules::targets_of(db, &[rule_id]).await.unwrap();
    let kinds: Vec<&str> = stored.iter().map(|t| t.kind.as_str()).collect();
    assert_eq!(kinds, ["sms", "webhook"]);
    assert_eq!(stored[0].config, format!("sealed-0-{}", stored[0].id));
    let reach = rules::contacts_of(db, &[rule_id]).await.unwrap();
    assert_eq!(reach.len(), 1);
    assert_eq!(
        (reach[0].target_id, reach[0].name.as_str()),
        (stored[0].id, "Bob")
    );

    // Saving the rule again with only the SMS target deletes the webhook.
    let mut tx = begin_write(db).await.unwrap();
    rules::update(&mut tx, rule_id, &rule("r1", true))
        .await
        .unwrap();
    let keep = [TargetWrite {
        id: Some(stored[0].id),
        kind: "sms",
        contacts: &contacts,
    }];
    rules::replace_targets(&mut tx, rule_id, &keep, &seal)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let target_id = stored[0].id;
    let stored = rules::targets_of(db, &[rule_id]).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id, target_id);

    // Ingest: the bus, its rules, a batch with the same event twice, then a re-sent one.
    let ingest = events::bus_for_ingest(db, account, "b")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (ingest.id, ingest.unknown_types),
        (bus, UnknownTypes::Refuse)
    );
    let matchers = events::enabled_rules(db, bus).await.unwrap();
    assert_eq!(matchers.len(), 1);
    assert_eq!(matchers[0].1.len(), 1);
    let target = matchers[0].1[0].clone();
    assert_eq!(target.rule_name, "r1");
    let mut tx = begin_write(db).await.unwrap();
    let batch = [event("e1", "t"), event("e2", "u"), event("e1", "t")];
    let stored_events = events::insert_events(&mut tx, account, bus, &batch)
        .await
        .unwrap();
    let (e1, e2) = (stored_events[0].0, stored_events[1].0);
    assert_eq!(stored_events, [(e1, false), (e2, false), (e1, true)]);
    let again = events::insert_events(&mut tx, account, bus, &[event("e2", "u")])
        .await
        .unwrap();
    assert_eq!(again, [(e2, true)]);
    let now_ms = 1_700_000_000_000;
    let delivery = NewDelivery {
        event_id: e1,
        target: &target,
        webhook_id: "msg_1".into(),
    };
    let ids = events::insert_deliveries(&mut tx, account, bus, &[delivery], now_ms, None)
        .await
        .unwrap();
    assert_eq!(ids.len(), 1);
    tx.commit().await.unwrap();

    // The event list, newest first, and its filters.
    let page = |filter: EventFilter| async move {
        events::list_events(db, account, bus, &filter, 50)
            .await
            .unwrap()
            .into_iter()
            .map(|e| (e.id, e.pending))
            .collect::<Vec<_>>()
    };
    assert_eq!(page(EventFilter::default()).await, [(e2, 0), (e1, 1)]);
    let pending = EventFilter {
        status: Some("pending".into()),
        ..Default::default()
    };
    assert_eq!(page(pending).await, [(e1, 1)]);
    let by_type = EventFilter {
        event_type: Some("u".into()),
        ..Default::default()
    };
    assert_eq!(page(by_type).await, [(e2, 0)]);
    let since = EventFilter {
        since: Some("2000-01-01T00:00:00.000Z".into()),
        before: Some(e2),
        ..Default::default()
    };
    assert_eq!(page(since).await, [(e1, 1)]);
    let found = events::find_event(db, account, e1).await.unwrap().unwrap();
    assert_eq!(
        (found.event.ce_id.as_str(), found.envelope.as_str()),
        ("e1", "{}")
    );
    let deliveries = events::deliveries_of(db, account, e1).await.unwrap();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].status, "pending");
    assert!(events::attempts_of_event(db, account, e1)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        events::rule_counts(db, bus).await.unwrap(),
        [(rule_id, 0, 0, 1)]
    );
    let figures = events::queue_figures(db, now_ms + 1_500).await.unwrap();
    assert_eq!((figures.depth, figures.due_lag_ms), (1, 1_500));
    assert!(figures.oldest_pending_s >= 0.0 && figures.oldest_pending_s < 600.0);
    // A pending delivery is not redelivered.
    assert!(!events::redeliver(db, account, bus, ids[0], now_ms)
        .await
        .unwrap());
    assert_eq!(
        events::redeliver_failed_since(db, account, bus, "2000-01-01T00:00:00.000Z", now_ms)
            .await
            .unwrap(),
        0
    );

    // Clean-up: never beyond the event of the newest delivery; a pending event stays.
    assert_eq!(
        events::purge_bound(db, "9999-01-01T00:00:00.000Z")
            .await
            .unwrap(),
        Some(e1)
    );
    let mut tx = begin_write(db).await.unwrap();
    assert_eq!(events::purge_settled(&mut tx, e2 + 1, 10).await.unwrap(), 1);
    tx.commit().await.unwrap();
    assert_eq!(page(EventFilter::default()).await, [(e1, 1)]);

    // A quota request, approved.
    let request = rules::insert_request(db, account, rule_id, 5, 10, "more", user)
        .await
        .unwrap();
    let pending = rules::pending_requests_of(db, &[rule_id]).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        (pending[0].id, pending[0].requested_by.as_str()),
        (request, "Ada")
    );
    let mut tx = begin_write(db).await.unwrap();
    assert!(rules::decide_request(&mut tx, request, true, user)
        .await
        .unwrap());
    tx.commit().await.unwrap();
    let found = rules::find_request(db, account, request)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.status, "approved");
    assert_eq!(rules::list_requests(db, account).await.unwrap().len(), 1);
    let r1 = rules::find(db, account, bus, "r1").await.unwrap().unwrap();
    assert_eq!(r1.quota, 10);

    // Disabled, the rule no longer matches; the contact's removal takes its only target.
    assert!(rules::set_enabled(db, rule_id, false).await.unwrap());
    assert!(events::enabled_rules(db, bus).await.unwrap().is_empty());
    let mut tx = begin_write(db).await.unwrap();
    rules::remove_contact_from_targets(&mut tx, contact)
        .await
        .unwrap();
    assert_eq!(
        rules::detach_deliveries(&mut tx, rule_id, 10)
            .await
            .unwrap(),
        1
    );
    tx.commit().await.unwrap();
    assert!(rules::targets_of(db, &[rule_id]).await.unwrap().is_empty());
    assert!(rules::delete(db, rule_id).await.unwrap());
    assert!(rules::list(db, account, bus).await.unwrap().is_empty());
}

#[tokio::test]
async fn rules_ingest_and_the_event_list_work_alike_on_sqlite_and_postgres() {
    let (dbs, _dir) = databases("rules").await;
    for db in &dbs {
        rules_ingest_and_the_event_list(db).await;
    }
}

/// The bench's history seeding: `n` events a second apart up to now, each with a delivered
/// delivery to the bus's first target; the event list finds them, newest first, and seeding
/// the same ids again stores nothing.
async fn bench_history(db: &Db) {
    let (account, _user, bus, _contact) = seed(db).await;
    let mut tx = begin_write(db).await.unwrap();
    let rule_id = rules::insert(&mut tx, account, bus, &rule("r1", true))
        .await
        .unwrap();
    let webhook = [TargetWrite {
        id: None,
        kind: "webhook",
        contacts: &[],
    }];
    rules::replace_targets(&mut tx, rule_id, &webhook, &|_, _| String::from("sealed"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let template = r#"{"specversion":"1.0","id":"x","source":"acs.pai","type":"t","data":{}}"#;
    assert_eq!(
        events::seed_bench_history(db, account, bus, template, 2_500)
            .await
            .unwrap(),
        2_500
    );
    assert_eq!(
        events::seed_bench_history(db, account, bus, template, 2_500)
            .await
            .unwrap(),
        0,
        "the same ids again"
    );
    let page = events::list_events(db, account, bus, &EventFilter::default(), 3)
        .await
        .unwrap();
    let newest: Vec<&str> = page.iter().map(|e| e.ce_id.as_str()).collect();
    assert_eq!(
        newest,
        ["bench-seed-2500", "bench-seed-2499", "bench-seed-2498"]
    );
    assert!(page
        .iter()
        .all(|e| e.time == e.received_at && e.delivered == 1));
    let delivered = events::list_events(
        db,
        account,
        bus,
        &EventFilter {
            status: Some("delivered".into()),
            ..EventFilter::default()
        },
        3,
    )
    .await
    .unwrap();
    assert_eq!(delivered.len(), 3, "each seeded event was delivered");
}

#[tokio::test]
async fn the_bench_history_seeds_alike_on_sqlite_and_postgres() {
    let (dbs, _dir) = databases("history").await;
    for db in &dbs {
        bench_history(db).await;
    }
}

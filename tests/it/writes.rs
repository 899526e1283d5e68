//! Writers of every kind against the one write gate, the session's save policy, and what a
//! stranger's failed logins may cost: console calls during full-speed ingest, a GET that
//! leaves the session row alone, failed logins on known and unknown accounts doing the same
//! work, and the audit log and login counters staying bounded.

use crate::common::{TestApp, Visitor, PASSWORD};
use herald::domain::catalog;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const BUS: &str = "pai-system-team";
const BATCH: &str = "application/cloudevents-batch+json";

/// A rule with no targets on the DLC source.
fn rule(name: &str, description: &str) -> Value {
    json!({
        "name": name,
        "description": description,
        "enabled": true,
        "source": "pai.dlc",
        "types": ["dlc:Job:Failed"],
        "pattern": "",
        "targets": [],
    })
}

fn events(producer: usize, round: u64) -> Vec<u8> {
    let sample = catalog::event_type("pai.dlc", "dlc:Job:Failed")
        .expect("in the catalog")
        .sample_data();
    let batch: Vec<Value> = (0..10)
        .map(|i| {
            json!({"specversion": "1.0", "id": format!("p{producer}-{round}-{i}"),
                   "source": "pai.dlc", "type": "dlc:Job:Failed",
                   "time": "2025-11-07T03:19:30Z", "data": sample.clone()})
        })
        .collect();
    serde_json::to_vec(&batch).unwrap()
}

async fn access_key(v: &mut Visitor) -> String {
    let r = v.call("create_access_key", &[("name", "load")]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    r.json()["token"].as_str().unwrap().to_string()
}

/// The audit entries matching `filter` (one page: at most 100).
async fn audit(v: &mut Visitor, filter: Value) -> Vec<Value> {
    let r = v
        .call_json("list_audit", &json!({ "filter": filter }))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    r.json().as_array().unwrap().clone()
}

fn p99(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    let i = ((samples.len() as f64) * 0.99).ceil() as usize;
    samples[i.saturating_sub(1).min(samples.len() - 1)]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn console_calls_stay_fast_and_audited_while_ingest_runs_at_full_speed() {
    let app = TestApp::spawn().await;
    let mut owner = app.team_owner("ada@example.com", true).await;
    let token = access_key(&mut owner).await;
    owner.save_new_rule(BUS, &rule("watch", "round 0")).await;

    // Several producers put batches back to back until told to stop.
    let stop = Arc::new(AtomicBool::new(false));
    let puts = Arc::new(AtomicU64::new(0));
    let mut producers = Vec::new();
    for p in 0..4 {
        let (stop, puts, base, token) = (stop.clone(), puts.clone(), app.base(), token.clone());
        producers.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut refused = Vec::new();
            for round in 0u64.. {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let res = http
                    .post(format!("{base}/api/v1/buses/{BUS}/events"))
                    .header("content-type", BATCH)
                    .header("authorization", format!("Bearer {token}"))
                    .body(events(p, round))
                    .send()
                    .await
                    .expect("put sent");
                if !res.status().is_success() && refused.len() < 5 {
                    let status = res.status();
                    refused.push(format!(
                        "{status}: {}",
                        res.text().await.unwrap_or_default()
                    ));
                }
                puts.fetch_add(1, Ordering::Relaxed);
            }
            refused
        }));
    }
    // Let ingest get going before the console starts.
    let deadline = Instant::now() + Duration::from_secs(30);
    while puts.load(Ordering::Relaxed) < 20 {
        assert!(Instant::now() < deadline, "ingest never got going");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let rounds = 25;
    let mut timings = Vec::new();
    let mut failures = Vec::new();
    let mut note = |what: &str, status: StatusCode, took: Duration| {
        if status.is_server_error() {
            failures.push(format!("{what}: {status}"));
        }
        timings.push(took);
    };
    for round in 1..=rounds {
        let t = Instant::now();
        let res = owner.get(&format!("/buses/{BUS}")).await;
        note("rules page", res.status(), t.elapsed());

        let t = Instant::now();
        let r = owner.call("list_rules", &[("bus", BUS)]).await;
        note("list_rules", r.status, t.elapsed());
        assert_eq!(r.status, StatusCode::OK, "{r:?}");

        let t = Instant::now();
        let r = owner
            .call_json(
                "save_rule",
                &json!({"bus": BUS, "original": "watch",
                        "rule": rule("watch", &format!("round {round}"))}),
            )
            .await;
        note("save_rule", r.status, t.elapsed());
        assert_eq!(r.status, StatusCode::OK, "{r:?}");

        let mut visitor = app.visitor();
        let t = Instant::now();
        let r = visitor.log_in("ada@example.com", PASSWORD).await;
        note("log_in", r.status, t.elapsed());
        assert!(r.is_redirect(), "{r:?}");
    }
    stop.store(true, Ordering::Relaxed);
    let mut refused = Vec::new();
    for p in producers {
        refused.extend(p.await.unwrap());
    }

    assert!(failures.is_empty(), "console calls failed: {failures:?}");
    assert!(refused.is_empty(), "puts refused: {refused:?}");
    assert!(
        puts.load(Ordering::Relaxed) > 40,
        "ingest did not run alongside"
    );
    let slowest = p99(timings);
    assert!(
        slowest < Duration::from_millis(500),
        "console p99 {slowest:?} during ingest"
    );
    // Every change and every login is in the audit log.
    let saves = audit(&mut owner, json!({"action": "eventbridge:UpdateRule"})).await;
    let rounds_saved: Vec<&str> = saves
        .iter()
        .filter_map(|e| e["detail"].as_str())
        .filter(|d| d.contains("round "))
        .collect();
    assert_eq!(
        saves.len(),
        rounds as usize,
        "rule updates audited: {saves:?}"
    );
    assert!(!rounds_saved.is_empty());
    let logins = audit(
        &mut owner,
        json!({"action": "herald:Login", "outcome": "ok"}),
    )
    .await;
    assert_eq!(logins.len(), rounds as usize, "logins audited: {logins:?}");
}

/// The session row's expiry as stored. tower-sessions' own table: `tower_sessions` on
/// SQLite, `tower_sessions.session` (a schema of its own) on PostgreSQL.
async fn stored_expiry(app: &TestApp) -> Vec<String> {
    let table = if crate::common::postgres_backend() {
        "tower_sessions.session"
    } else {
        "tower_sessions"
    };
    let pool = crate::common::read_db(&app.url).await;
    let rows: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT CAST(expiry_date AS TEXT) FROM {table} ORDER BY id"
    ))
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    rows
}

#[tokio::test]
async fn a_plain_authenticated_get_does_not_write_the_session() {
    let app = TestApp::spawn().await;
    let mut v = app.signed_up("ada@example.com").await;
    let before = stored_expiry(&app).await;
    assert_eq!(before.len(), 1, "one session: {before:?}");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    for path in ["/buses", "/workspaces", "/"] {
        let res = v.get(path).await;
        assert!(res.status().is_success(), "{path}: {}", res.status());
        assert!(
            res.headers().get("set-cookie").is_none(),
            "{path} set the session cookie again: {:?}",
            res.headers().get("set-cookie")
        );
    }
    let r = v.call("list_rules", &[("bus", BUS)]).await;
    assert_ne!(r.status, StatusCode::UNAUTHORIZED, "{r:?}");
    assert_eq!(
        stored_expiry(&app).await,
        before,
        "reads rewrote the session row"
    );
}

/// The state of a Herald on a fresh database in `dir`, without serving it: the test calls
/// the login service directly, on its own task, so the work it counts is its own.
async fn bare_state(dir: &tempfile::TempDir) -> herald::server::state::AppState {
    let url = format!("sqlite://{}", dir.path().join("herald.db").display());
    let mut args = herald::server::config::ServeArgs::new("127.0.0.1:0".parse().unwrap(), &url);
    args.allow_target_networks = vec!["127.0.0.0/8".into()];
    herald::server::web::state(args).await.expect("state")
}

/// The owner ada@example.com, signed up on `state`.
async fn ada(state: &herald::server::state::AppState) -> herald::server::auth::Actor {
    herald::server::service::accounts::sign_up(
        state,
        herald::server::service::accounts::SignUp {
            email: "ada@example.com".into(),
            display_name: "Ada".into(),
            password: PASSWORD.into(),
            language: String::new(),
        },
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn failed_logins_on_known_and_unknown_accounts_do_the_same_work() {
    use herald::server::service::{accounts, ram};
    use herald::server::work::counted;
    let dir = tempfile::tempdir().unwrap();
    let state = bare_state(&dir).await;
    let owner = ada(&state).await;
    ram::create_user(
        &state,
        &owner,
        ram::NewUser {
            login_name: "alice".into(),
            display_name: "Alice".into(),
            password: PASSWORD.into(),
        },
    )
    .await
    .unwrap();
    let account = owner.account_id;

    // Each login once, so none is locked; the answers and the work are compared.
    let tries = [
        ("ada@example.com".to_string(), "known owner"),
        ("nobody@example.com".to_string(), "unknown owner"),
        (format!("alice@{account}"), "known RAM user"),
        (format!("mallory@{account}"), "unknown RAM user"),
        (format!("alice@{}", account + 1000), "unknown account"),
    ];
    let mut seen = Vec::new();
    for (login, what) in &tries {
        let (result, work) = counted(accounts::log_in(&state, login, "wrong password 1")).await;
        let answer = format!("{:?}", result.expect_err("a wrong password fails"));
        seen.push((*what, answer, work));
    }
    let (first, answer, work) = &seen[0];
    assert_eq!(work.verifications, 1, "{first}: {work:?}");
    for (what, other_answer, other_work) in &seen[1..] {
        assert_eq!(other_answer, answer, "{what} answered unlike {first}");
        assert_eq!(other_work, work, "{what} did other work than {first}");
    }
}

/// The failed-login entries of the owner's audit log.
async fn failed_logins(owner: &mut Visitor) -> Vec<Value> {
    audit(
        owner,
        json!({"action": "herald:Login", "outcome": "failed"}),
    )
    .await
}

#[tokio::test]
async fn a_thousand_failed_logins_add_a_bounded_number_of_audit_rows_with_their_count() {
    let app = TestApp::spawn().await;
    let mut owner = app.signed_up("ada@example.com").await;
    let me = owner.call("who_am_i", &[]).await;
    let account = me.json()["account_id"].as_i64().expect("account id");
    let r = owner
        .call(
            "create_user",
            &[
                ("login_name", "alice"),
                ("display_name", "Alice"),
                ("password", "initial password 1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");

    // A stranger tries 1,000 logins on the account: alice's (locked after a few) and
    // unknown names, each tried once (no lock stops those).
    let mut stranger = app.visitor();
    let mut tried_unknown = 0;
    for i in 0..1000 {
        let login = if i % 10 == 0 {
            tried_unknown += 1;
            format!("guess{i}@{account}")
        } else {
            format!("alice@{account}")
        };
        let r = stranger.log_in(&login, "not the password").await;
        assert!(
            r.status == StatusCode::UNAUTHORIZED || r.status == StatusCode::TOO_MANY_REQUESTS,
            "{login}: {r:?}"
        );
    }

    let entries = failed_logins(&mut owner).await;
    assert!(
        entries.len() <= 4,
        "{} failed-login entries for 1,000 attempts: {entries:?}",
        entries.len()
    );
    let count_of = |reason: &str| -> i64 {
        entries
            .iter()
            .filter(|e| e["detail"].as_str().unwrap_or("").contains(reason))
            .map(|e| e["count"].as_i64().unwrap_or(1))
            .sum()
    };
    assert_eq!(count_of("unknown user"), tried_unknown, "{entries:?}");
    // Alice's name is locked after five failures: the attempts refused by the lock were
    // not checked, and are not counted.
    assert_eq!(count_of("wrong password"), 5, "{entries:?}");
}

#[tokio::test]
async fn old_login_counters_and_audit_entries_past_retention_are_deleted() {
    let app = TestApp::spawn_with(|a| a.audit_retention_days = 30).await;
    let mut owner = app.signed_up("ada@example.com").await;
    let mut stranger = app.visitor();
    let r = stranger.log_in("ada@example.com", "not the password").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{r:?}");
    assert_eq!(failed_logins(&mut owner).await.len(), 1);
    let dir = app.stop().await;

    // Age what is there: the counter's window and the audit entries go back 40 days; a
    // fresh counter and a fresh entry are added beside them.
    let url = dir.url().to_string();
    let pool = crate::common::read_db(&url).await;
    let old = crate::common::now_s() - 40 * 86_400;
    sqlx::query("UPDATE login_failures SET window_start = $1, locked_until = NULL")
        .bind(old)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO login_failures (login, failures, window_start) VALUES ('fresh@example.com', 1, $1)",
    )
    .bind(crate::common::now_s())
    .execute(&pool)
    .await
    .unwrap();
    let forty_days_ago = herald::server::store::time_text(
        time::OffsetDateTime::now_utc() - time::Duration::days(40),
    );
    sqlx::query("UPDATE audit_log SET at = $1")
        .bind(forty_days_ago)
        .execute(&pool)
        .await
        .unwrap();
    let counters = |pool: sqlx::AnyPool| async move {
        sqlx::query_scalar::<_, String>("SELECT login FROM login_failures ORDER BY login")
            .fetch_all(&pool)
            .await
            .unwrap()
    };
    assert_eq!(counters(pool.clone()).await.len(), 2);
    pool.close().await;

    // Housekeeping runs at start, then hourly.
    let app = TestApp::start_in(dir, |a| a.audit_retention_days = 30).await;
    let mut owner = owner.against(&app);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let pool = crate::common::read_db(&url).await;
        let left = counters(pool.clone()).await;
        pool.close().await;
        let entries = audit(&mut owner, json!({})).await;
        if left == ["fresh@example.com"] && entries.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "left: counters {left:?}, audit {entries:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_rule_with_a_long_history_is_deleted_a_slice_per_transaction() {
    use herald::server::service::{eventbridge, events, rules, workspaces};
    use herald::server::work::counted;
    let dir = tempfile::tempdir().unwrap();
    let state = bare_state(&dir).await;
    let owner = ada(&state).await;
    workspaces::create(&state, &owner, "team").await.unwrap();
    eventbridge::activate(&state, &owner).await.unwrap();
    eventbridge::grant(&state, &owner).await.unwrap();
    let mut watch = rule("watch", "kept history");
    watch["targets"] = json!([{"config": {"kind": "dingtalk",
        "url": "http://127.0.0.1:9/robot/send?access_token=ding-token",
        "secret": "SECdingtalk-fake-secret-0123456789"}}]);
    rules::create(&state, &owner, BUS, &serde_json::from_value(watch).unwrap())
        .await
        .unwrap();
    // 1,200 deliveries (no engine runs here: they stay pending).
    for round in 0..12 {
        let batch: Vec<Value> = serde_json::from_slice(&events(0, round)).unwrap();
        let entries = batch
            .into_iter()
            .cycle()
            .take(100)
            .enumerate()
            .map(|(i, mut e)| {
                e["id"] = json!(format!("r{round}-{i}"));
                Ok(e)
            })
            .collect();
        events::put(&state, &owner, BUS, entries).await.unwrap();
    }

    let (deleted, work) = counted(rules::delete(&state, &owner, BUS, "watch")).await;
    deleted.unwrap();
    let transactions = work.writes.iter().filter(|w| **w == "transaction").count();
    assert!(
        transactions >= 3,
        "1,200 deliveries detached in {transactions} transaction(s): {work:?}"
    );
}

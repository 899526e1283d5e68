//! Writers of every kind against the one write gate, the session's save policy, and what a
//! stranger's failed logins may cost: console calls during full-speed ingest, a GET that
//! leaves the session row alone, failed logins on known and unknown accounts doing the same
//! work, and the audit log and login counters staying bounded.

use crate::common::{TestApp, Visitor, PASSWORD};
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
    let batch: Vec<Value> = (0..10)
        .map(|i| {
            json!({"specversion": "1.0", "id": format!("p{producer}-{round}-{i}"),
                   "source": "pai.dlc", "type": "dlc:Job:Failed",
                   "time": "2025-11-07T03:19:30Z", "data": {"job": {"name": "train"}}})
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
    let r = v.call_json("list_audit", &json!({ "filter": filter })).await;
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
                if !res.status().is_success() {
                    refused.push(res.status());
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

/// The session row's expiry as stored.
async fn stored_expiry(app: &TestApp) -> Vec<i64> {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", app.db_path().display()))
        .await
        .unwrap();
    let rows: Vec<i64> = sqlx::query_scalar("SELECT expiry_date FROM tower_sessions ORDER BY id")
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
    let args = herald::server::config::ServeArgs::new("127.0.0.1:0".parse().unwrap(), &url);
    herald::server::web::state(args).await.expect("state")
}

#[tokio::test]
async fn failed_logins_on_known_and_unknown_accounts_do_the_same_work() {
    use herald::server::service::{accounts, ram};
    use herald::server::work::counted;
    let dir = tempfile::tempdir().unwrap();
    let state = bare_state(&dir).await;
    let owner = accounts::sign_up(
        &state,
        accounts::SignUp {
            email: "ada@example.com".into(),
            display_name: "Ada".into(),
            password: PASSWORD.into(),
        },
    )
    .await
    .unwrap();
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

//! The delivery engine under real-world conditions, against real loopback receivers: a
//! receiver that holds every request for 10 s does not delay another target; an account
//! flooding events does not delay another account; an attempt that outlives its lease
//! keeps it and sends nothing twice; a target that refuses connections has its circuit
//! opened, probed and closed, with nothing lost.

use crate::common::{TestApp, Visitor};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode as AxStatus};
use axum::routing::post;
use axum::Router;
use herald::domain::catalog;
use herald::server::config::{RetrySchedule, ServeArgs};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::AnyPool;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BUS: &str = "pai-system-team";
/// HTTP targets take model and DataRobot events.
const PROJECT: &str = "datarobot.project";
const CREATED: &str = "project.created";
const MODEL: &str = "pai.model";
const APPROVED: &str = "model:ModelVersion:Approved";

/// A loopback receiver: `/hook/{name}` answers 204 after the delay set for `name` (none by
/// default) and records when each request arrived, and how many ran at once per name.
#[derive(Clone, Default)]
struct Receiver {
    delays: Arc<Mutex<Vec<(String, Duration)>>>,
    got: Arc<Mutex<Vec<(String, String, Instant)>>>,
    running: Arc<Mutex<std::collections::HashMap<String, usize>>>,
    most_at_once: Arc<Mutex<std::collections::HashMap<String, usize>>>,
    total: Arc<AtomicUsize>,
}

impl Receiver {
    fn delay(&self, name: &str, d: Duration) {
        self.delays.lock().unwrap().push((name.to_string(), d));
    }

    fn arrivals(&self, name: &str) -> Vec<(String, Instant)> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .filter(|(n, _, _)| n == name)
            .map(|(_, id, at)| (id.clone(), *at))
            .collect()
    }

    fn most_at_once(&self, name: &str) -> usize {
        self.most_at_once
            .lock()
            .unwrap()
            .get(name)
            .copied()
            .unwrap_or(0)
    }

    /// Wait until `name` got `n` requests; the time the last of them arrived.
    async fn wait_for(&self, name: &str, n: usize, within: Duration) -> Instant {
        let deadline = Instant::now() + within;
        loop {
            let got = self.arrivals(name);
            if got.len() >= n {
                return got[n - 1].1;
            }
            assert!(
                Instant::now() < deadline,
                "{name} got {} of {n} requests in {within:?}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

async fn hook(State(r): State<Receiver>, Path(name): Path<String>, headers: HeaderMap) -> AxStatus {
    let id = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    r.got
        .lock()
        .unwrap()
        .push((name.clone(), id, Instant::now()));
    r.total.fetch_add(1, Ordering::Relaxed);
    {
        let mut running = r.running.lock().unwrap();
        let n = running.entry(name.clone()).or_default();
        *n += 1;
        let mut most = r.most_at_once.lock().unwrap();
        let m = most.entry(name.clone()).or_default();
        *m = (*m).max(*n);
    }
    let delay = r
        .delays
        .lock()
        .unwrap()
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, d)| *d);
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    *r.running.lock().unwrap().get_mut(&name).unwrap() -= 1;
    AxStatus::NO_CONTENT
}

async fn receiver_on(listener: tokio::net::TcpListener) -> (String, Receiver) {
    let r = Receiver::default();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = Router::new()
        .route("/hook/{name}", post(hook))
        .with_state(r.clone());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (base, r)
}

async fn receiver() -> (String, Receiver) {
    receiver_on(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap()).await
}

async fn herald_with(tweak: impl FnOnce(&mut ServeArgs)) -> TestApp {
    TestApp::spawn_with(|a| {
        a.allow_target_networks = vec!["127.0.0.0/8".into()];
        a.retry_schedule = RetrySchedule::parse("200ms,200ms").unwrap();
        tweak(a);
    })
    .await
}

fn http(base: &str, name: &str) -> Value {
    json!({"config": {"kind": "http", "url": format!("{base}/hook/{name}")}})
}

fn rule(name: &str, source: &str, event_type: &str, targets: Vec<Value>) -> Value {
    json!({
        "name": name, "enabled": true, "source": source, "types": [event_type],
        "pattern": "", "targets": targets,
    })
}

async fn save_rule(v: &mut Visitor, rule: &Value) {
    v.save_new_rule(BUS, rule).await;
}

async fn token(v: &mut Visitor) -> String {
    let r = v.call("create_access_key", &[("name", "ci")]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    r.json()["token"].as_str().unwrap().to_string()
}

fn event(source: &str, event_type: &str, id: &str) -> Value {
    let data = catalog::event_type(source, event_type)
        .expect("in the catalog")
        .sample_data();
    json!({"specversion": "1.0", "id": id, "source": source, "type": event_type, "data": data})
}

/// Put events in batches of 100, expecting each accepted.
async fn put(app: &TestApp, token: &str, events: &[Value]) {
    let http = reqwest::Client::new();
    for chunk in events.chunks(100) {
        let res = http
            .post(format!("{}/api/v1/buses/{BUS}/events", app.base()))
            .bearer_auth(token)
            .header("content-type", "application/cloudevents-batch+json")
            .body(serde_json::to_vec(chunk).unwrap())
            .send()
            .await
            .unwrap();
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["FailedEntryCount"], 0, "{body}");
    }
}

async fn db(app: &TestApp) -> AnyPool {
    crate::common::read_db(&app.url).await
}

async fn count(pool: &AnyPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

async fn metrics(app: &TestApp) -> String {
    reqwest::Client::new()
        .get(format!("{}/metrics", app.base()))
        .bearer_auth(crate::common::METRICS_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_receiver_holding_requests_ten_seconds_with_500_pending_does_not_delay_another_target() {
    let (base, rx) = receiver().await;
    rx.delay("slow", Duration::from_secs(10));
    let app = herald_with(|_| {}).await;
    let mut v = app.team_owner("ada@example.com", true).await;
    save_rule(
        &mut v,
        &rule("slow", PROJECT, CREATED, vec![http(&base, "slow")]),
    )
    .await;
    save_rule(
        &mut v,
        &rule("healthy", MODEL, APPROVED, vec![http(&base, "healthy")]),
    )
    .await;
    let token = token(&mut v).await;
    let backlog: Vec<Value> = (0..500)
        .map(|i| event(PROJECT, CREATED, &format!("slow-{i}")))
        .collect();
    put(&app, &token, &backlog).await;
    rx.wait_for("slow", 4, Duration::from_secs(5)).await;

    let sent = Instant::now();
    put(&app, &token, &[event(MODEL, APPROVED, "healthy-1")]).await;
    let arrived = rx.wait_for("healthy", 1, Duration::from_secs(10)).await;

    let waited = arrived.duration_since(sent);
    assert!(
        waited < Duration::from_millis(1500),
        "the healthy target waited {waited:?} behind the slow one's backlog"
    );
    assert_eq!(
        rx.most_at_once("slow"),
        4,
        "the slow target holds its four attempt slots, no more"
    );
}

#[tokio::test]
async fn an_account_flooding_events_does_not_delay_another_account() {
    let (base, rx) = receiver().await;
    for name in ["flood-1", "flood-2", "flood-3", "flood-4"] {
        rx.delay(name, Duration::from_millis(20));
    }
    // Few slots in all, so the flooding account alone could fill every one of them.
    let app = herald_with(|a| a.max_in_flight = 8).await;
    let mut flooder = app.team_owner("flood@example.com", true).await;
    let targets: Vec<Value> = (1..=4)
        .map(|i| http(&base, &format!("flood-{i}")))
        .collect();
    save_rule(&mut flooder, &rule("flood", PROJECT, CREATED, targets)).await;
    let flood_token = token(&mut flooder).await;
    let mut quiet = app.team_owner("quiet@example.com", true).await;
    save_rule(
        &mut quiet,
        &rule("quiet", MODEL, APPROVED, vec![http(&base, "quiet")]),
    )
    .await;
    let quiet_token = token(&mut quiet).await;

    // 2,000 events to four targets: 8,000 deliveries, more than waits in memory, so the
    // rest is claimed from the database.
    let flood: Vec<Value> = (0..2000)
        .map(|i| event(PROJECT, CREATED, &format!("flood-{i}")))
        .collect();
    put(&app, &flood_token, &flood).await;
    let pool = db(&app).await;
    let unleased = count(
        &pool,
        "SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND lease_until IS NULL",
    )
    .await;
    assert!(unleased > 0, "some of the flood waits in the database");

    let sent = Instant::now();
    put(&app, &quiet_token, &[event(MODEL, APPROVED, "quiet-1")]).await;
    let arrived = rx.wait_for("quiet", 1, Duration::from_secs(20)).await;
    let waited = arrived.duration_since(sent);
    assert!(
        waited < Duration::from_millis(1500),
        "the quiet account waited {waited:?} behind the flood"
    );
    let flooded = rx.total.load(Ordering::Relaxed);
    assert!(
        flooded < 4000,
        "the flood was still going ({flooded} delivered) when the quiet account's event came"
    );
}

#[tokio::test]
async fn an_attempt_that_outlives_its_lease_keeps_it_and_sends_nothing_twice() {
    let (base, rx) = receiver().await;
    rx.delay("long", Duration::from_secs(5));
    // A 2 s lease, renewed every 0.5 s; the receiver answers after 5 s.
    let app = herald_with(|a| a.delivery_lease_secs = 2).await;
    let mut v = app.team_owner("ada@example.com", true).await;
    save_rule(
        &mut v,
        &rule("long", PROJECT, CREATED, vec![http(&base, "long")]),
    )
    .await;
    let token = token(&mut v).await;
    put(&app, &token, &[event(PROJECT, CREATED, "long-1")]).await;

    let pool = db(&app).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    while count(
        &pool,
        "SELECT COUNT(*) FROM deliveries WHERE status = 'delivered'",
    )
    .await
        < 1
    {
        assert!(Instant::now() < deadline, "not delivered in 15 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Had the lease run out, the delivery would have been claimed and sent again by now.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(rx.arrivals("long").len(), 1, "sent once");
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM attempts").await,
        1,
        "one attempt, recorded under the renewed lease"
    );
}

#[tokio::test]
async fn a_target_refusing_connections_has_its_circuit_opened_probed_and_closed() {
    // A port with nobody listening: connections are refused until the receiver starts.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let base = format!("http://127.0.0.1:{port}");
    let app = herald_with(|a| {
        a.retry_schedule = RetrySchedule::parse(&["200ms"; 20].join(",")).unwrap();
        a.circuit_threshold = 3;
        a.circuit_open = Duration::from_secs(1);
    })
    .await;
    let mut v = app.team_owner("ada@example.com", true).await;
    save_rule(
        &mut v,
        &rule("down", PROJECT, CREATED, vec![http(&base, "down")]),
    )
    .await;
    let token = token(&mut v).await;
    let events: Vec<Value> = (0..10)
        .map(|i| event(PROJECT, CREATED, &format!("down-{i}")))
        .collect();
    put(&app, &token, &events).await;

    // The circuit opens: deliveries wait, short-circuited, instead of being sent.
    let pool = db(&app).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while count(
        &pool,
        "SELECT COUNT(*) FROM attempts WHERE reason = 'circuit_open'",
    )
    .await
        == 0
    {
        assert!(Instant::now() < deadline, "the circuit never opened");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let m = metrics(&app).await;
    assert!(
        m.contains("herald_circuits_open{state=\"open\"} 1")
            || m.contains("herald_circuits_open{state=\"half_open\"} 1"),
        "{m}"
    );
    let listed = v.call("list_rules", &[("bus", BUS)]).await;
    assert_eq!(listed.status, StatusCode::OK, "{listed:?}");
    let circuit = listed.json()[0]["targets"][0]["circuit"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        circuit.starts_with("Circuit"),
        "the rule list shows the circuit: {circuit:?}"
    );

    // The receiver comes up; a probe gets through, the circuit closes, what waited goes.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let refused = count(
        &pool,
        "SELECT COUNT(*) FROM attempts WHERE reason = 'connect'",
    )
    .await;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let (_, rx) = receiver_on(listener).await;
    rx.wait_for("down", 10, Duration::from_secs(15)).await;
    assert!(
        refused <= 6,
        "{refused} connection attempts in 1.5 s: the open circuit kept the rest from going"
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    while count(
        &pool,
        "SELECT COUNT(*) FROM deliveries WHERE status = 'delivered'",
    )
    .await
        < 10
    {
        assert!(Instant::now() < deadline, "not all recorded as delivered");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let m = metrics(&app).await;
    assert!(m.contains("herald_circuits_open{state=\"open\"} 0"), "{m}");
    let unique: std::collections::HashSet<String> =
        rx.arrivals("down").into_iter().map(|(id, _)| id).collect();
    assert_eq!(unique.len(), 10, "each delivery arrived");
}

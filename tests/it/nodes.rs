//! Several nodes on one PostgreSQL database behave as one Herald (issue 15, item 4): a
//! session made on one node works on the other; two `herald serve` processes share 10,000
//! events, each reaching its target, a delivery sent twice only under its one webhook-id; a
//! node killed with SIGKILL under load loses nothing, the other finishing its work once the
//! leases expire; a chat robot gets no more than its budget from both nodes together; a
//! circuit one node opens is held open by the other, and closes on both.
//!
//! PostgreSQL only (`HERALD_TEST_BACKEND=postgres`, as `make test` runs them): on SQLite one
//! process owns the file, and each test returns at once.

use crate::common::{self, TestApp, Visitor, PASSWORD, TEST_SECRET_KEY};
use crate::process::{free_port, Process};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxStatus};
use axum::routing::post;
use axum::Router;
use herald::domain::catalog;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BUS: &str = "pai-system-team";
const MODEL: &str = "pai.model";
const APPROVED: &str = "model:ModelVersion:Approved";
const METRICS_TOKEN: &str = "nodes-test-metrics-token";

// ---------------------------------------------------------------------------------------
// The receivers: an HTTP endpoint recording (event id, webhook-id) per request, slow if
// asked (one request at a time), and a DingTalk robot counting messages.

#[derive(Clone, Default)]
struct Sink {
    delay: Duration,
    one_at_a_time: Arc<tokio::sync::Mutex<()>>,
    arrivals: Arc<Mutex<Vec<(String, String)>>>,
    robot_messages: Arc<Mutex<usize>>,
}

impl Sink {
    fn arrivals(&self) -> Vec<(String, String)> {
        self.arrivals.lock().unwrap().clone()
    }

    fn distinct_events(&self) -> usize {
        let arrivals = self.arrivals.lock().unwrap();
        arrivals
            .iter()
            .map(|(e, _)| e)
            .collect::<BTreeSet<_>>()
            .len()
    }
}

async fn receive(
    State(sink): State<Sink>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> AxStatus {
    if !sink.delay.is_zero() {
        let _turn = sink.one_at_a_time.lock().await;
        tokio::time::sleep(sink.delay).await;
    }
    let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let webhook_id = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    sink.arrivals.lock().unwrap().push((
        event["id"].as_str().unwrap_or_default().to_string(),
        webhook_id,
    ));
    AxStatus::NO_CONTENT
}

async fn robot(State(sink): State<Sink>) -> axum::Json<Value> {
    *sink.robot_messages.lock().unwrap() += 1;
    axum::Json(json!({"errcode": 0, "errmsg": "ok"}))
}

/// Start the receivers with `delay` per HTTP request; their base URL.
async fn start_sink(delay: Duration) -> (String, Sink) {
    let sink = Sink {
        delay,
        ..Sink::default()
    };
    let app = Router::new()
        .route("/hook", post(receive))
        .route("/robot/send", post(robot))
        .with_state(sink.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), sink)
}

// ---------------------------------------------------------------------------------------
// The nodes and their account.

/// Start a `herald serve` node on the database `url`, its log in `dir`.
async fn node(url: &str, dir: &std::path::Path, name: &str, lease_secs: u32) -> Process {
    node_with(url, dir, name, lease_secs, &[]).await
}

/// As [`node`], with `extra` arguments.
async fn node_with(
    url: &str,
    dir: &std::path::Path,
    name: &str,
    lease_secs: u32,
    extra: &[&str],
) -> Process {
    let lease = lease_secs.to_string();
    let mut args = vec![
        "--secret-key",
        TEST_SECRET_KEY,
        "--allow-target-network",
        "127.0.0.0/8",
        "--retry-schedule",
        "100ms,200ms,400ms,800ms,1s,1s,1s,1s",
        "--metrics-token",
        METRICS_TOKEN,
        "--delivery-lease-secs",
        &lease,
    ];
    args.extend_from_slice(extra);
    let mut p = Process::start(url, free_port(), dir.join(format!("{name}.log")), &args);
    p.wait_up().await;
    p
}

/// On the node at `base`: an owner with the workspace activated and permissions granted, a
/// rule sending model approvals to `target`, and an AccessKey; the key's token.
async fn account(base: &str, target: Value) -> String {
    let mut v = Visitor {
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        base: base.to_string(),
        cookie: None,
    };
    let r = v.sign_up("ada@example.com", "Ada", PASSWORD).await;
    assert!(r.is_redirect(), "{r:?}");
    assert_eq!(v.create_workspace("team").await.status, StatusCode::OK);
    for f in ["activate_event_bridge", "grant_permissions"] {
        let r = v.call(f, &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{f}: {r:?}");
    }
    v.save_new_rule(
        BUS,
        &json!({"name": "approvals", "source": MODEL, "types": [APPROVED], "targets": [target]}),
    )
    .await;
    let r = v.call("create_access_key", &[("name", "nodes")]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    r.json()["token"].as_str().unwrap().to_string()
}

/// Events `first..first + n` as one PutEvents batch.
fn batch(first: usize, n: usize) -> Vec<Value> {
    let data = catalog::event_type(MODEL, APPROVED).unwrap().sample_data();
    (first..first + n)
        .map(|i| {
            let id = format!("node-event-{i:05}");
            json!({"specversion": "1.0", "id": id, "source": MODEL, "type": APPROVED, "data": data})
        })
        .collect()
}

/// PutEvents `events` on the node at `base`; every entry must be accepted.
async fn put(client: &reqwest::Client, base: &str, token: &str, events: &[Value]) {
    let res = client
        .post(format!("{base}/api/v1/buses/{BUS}/events"))
        .bearer_auth(token)
        .header("content-type", "application/cloudevents-batch+json")
        .body(serde_json::to_vec(events).unwrap())
        .send()
        .await
        .expect("PutEvents answered");
    let status = res.status();
    let answer: Value = res.json().await.expect("a JSON answer");
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["FailedEntryCount"], 0, "{answer}");
}

/// A counter of the node's `/metrics` (the sum of its lines starting with `prefix`).
async fn metric(base: &str, prefix: &str) -> f64 {
    let text = reqwest::Client::new()
        .get(format!("{base}/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| l.starts_with(prefix))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// Wait until `node`'s `/metrics` lines starting with `prefix` add up to at least 1, or
/// fail after `limit` saying `what` did not happen.
async fn wait_metric(node: &Process, prefix: &str, limit: Duration, what: &str) {
    let deadline = Instant::now() + limit;
    while metric(&node.base, prefix).await < 1.0 {
        assert!(Instant::now() < deadline, "{what}\n{}", node.log_tail());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Wait until the sink has every event of `expected`, or fail after `limit`.
async fn wait_for_all(sink: &Sink, expected: usize, limit: Duration, nodes: &[&Process]) {
    let deadline = Instant::now() + limit;
    loop {
        let got = sink.distinct_events();
        if got >= expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{got} of {expected} events arrived\n{}",
            nodes
                .iter()
                .map(|n| n.log_tail())
                .collect::<Vec<_>>()
                .join("\n---\n")
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every event `0..n` arrived, and an event that arrived twice came under one webhook-id.
fn each_event_once_or_resent_under_its_id(arrivals: &[(String, String)], n: usize) -> usize {
    let mut by_event: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (event, webhook_id) in arrivals {
        by_event.entry(event).or_default().insert(webhook_id);
    }
    for i in 0..n {
        let id = format!("node-event-{i:05}");
        let ids = by_event
            .get(id.as_str())
            .unwrap_or_else(|| panic!("{id} never arrived"));
        assert_eq!(
            ids.len(),
            1,
            "{id} arrived under several webhook-ids: {ids:?}"
        );
    }
    assert_eq!(by_event.len(), n, "an event arrived that was never put");
    arrivals.len() - n
}

// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_session_made_on_one_node_works_on_the_other() {
    if !common::postgres_backend() {
        return;
    }
    let a = TestApp::spawn().await;
    let b = a.another_node().await;
    let mut on_a = a.team_owner("ada@example.com", true).await;
    assert_eq!(
        on_a.call("list_rules", &[("bus", BUS)]).await.status,
        StatusCode::OK
    );
    let mut on_b = on_a.against(&b);
    let r = on_b.call("list_rules", &[("bus", BUS)]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    // Logging out on B ends the session on A too.
    let r = on_b.call("log_out", &[]).await;
    assert!(r.is_redirect(), "{r:?}");
    let r = on_a.call("list_rules", &[("bus", BUS)]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_share_ten_thousand_events_and_each_reaches_its_target() {
    if !common::postgres_backend() {
        return;
    }
    const BATCHES: usize = 100;
    const PER_BATCH: usize = 100;
    let dir = tempfile::tempdir().unwrap();
    let url = common::fresh_postgres_database().await;
    let (sink_url, sink) = start_sink(Duration::ZERO).await;
    let a = node(&url, dir.path(), "a", 30).await;
    let b = node(&url, dir.path(), "b", 30).await;
    let token = account(
        &a.base,
        json!({"config": {"kind": "http", "url": format!("{sink_url}/hook"), "payload_format": "cloudevents_structured"}}),
    )
    .await;

    // Four producers, each batch to one node or the other.
    let started = Instant::now();
    let mut producers = tokio::task::JoinSet::new();
    for p in 0..4 {
        let bases = [a.base.clone(), b.base.clone()];
        let token = token.clone();
        producers.spawn(async move {
            let client = reqwest::Client::new();
            for n in (p..BATCHES).step_by(4) {
                put(
                    &client,
                    &bases[n % 2],
                    &token,
                    &batch(n * PER_BATCH, PER_BATCH),
                )
                .await;
            }
        });
    }
    while let Some(done) = producers.join_next().await {
        done.expect("a producer finished");
    }
    wait_for_all(
        &sink,
        BATCHES * PER_BATCH,
        Duration::from_secs(180),
        &[&a, &b],
    )
    .await;
    let resent = each_event_once_or_resent_under_its_id(&sink.arrivals(), BATCHES * PER_BATCH);

    // Both nodes delivered: the work was shared, not left to one.
    let delivered = "herald_delivery_attempts_total{kind=\"http\",outcome=\"delivered\"}";
    let (by_a, by_b) = (
        metric(&a.base, delivered).await,
        metric(&b.base, delivered).await,
    );
    assert!(by_a > 0.0 && by_b > 0.0, "a delivered {by_a}, b {by_b}");
    assert!(by_a + by_b >= (BATCHES * PER_BATCH) as f64);
    eprintln!(
        "two nodes: {} events in {:.1}s, {by_a} delivered by a, {by_b} by b, {resent} sent twice",
        BATCHES * PER_BATCH,
        started.elapsed().as_secs_f64()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_node_killed_under_load_loses_nothing_and_the_other_finishes_its_work() {
    if !common::postgres_backend() {
        return;
    }
    const EVENTS: usize = 1000;
    let dir = tempfile::tempdir().unwrap();
    let url = common::fresh_postgres_database().await;
    // About 200 requests a second: a backlog builds while both nodes hold leases.
    let (sink_url, sink) = start_sink(Duration::from_millis(5)).await;
    let mut a = node(&url, dir.path(), "a", 3).await;
    let b = node(&url, dir.path(), "b", 3).await;
    let token = account(
        &a.base,
        json!({"config": {"kind": "http", "url": format!("{sink_url}/hook"), "payload_format": "cloudevents_structured"}}),
    )
    .await;
    let client = reqwest::Client::new();
    for n in 0..EVENTS / 100 {
        put(&client, &a.base, &token, &batch(n * 100, 100)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while sink.distinct_events() < 100 {
        assert!(
            Instant::now() < deadline,
            "nothing arrived\n{}",
            a.log_tail()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    a.kill();
    let arrived_at_kill = sink.distinct_events();
    assert!(
        arrived_at_kill < EVENTS,
        "the kill came after the work was done"
    );

    wait_for_all(&sink, EVENTS, Duration::from_secs(90), &[&b]).await;
    let resent = each_event_once_or_resent_under_its_id(&sink.arrivals(), EVENTS);
    let depth = metric(&b.base, "herald_queue_depth ").await;
    assert_eq!(depth, 0.0, "the queue is not empty");
    eprintln!("kill: {arrived_at_kill} arrived before the kill, {resent} sent twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_robot_gets_no_more_than_its_budget_from_both_nodes_together() {
    if !common::postgres_backend() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = common::fresh_postgres_database().await;
    let (sink_url, sink) = start_sink(Duration::ZERO).await;
    let a = node(&url, dir.path(), "a", 30).await;
    let b = node(&url, dir.path(), "b", 30).await;
    let token = account(
        &a.base,
        json!({"config": {"kind": "dingtalk",
            "url": format!("{sink_url}/robot/send?access_token=0123456789abcdef0123456789abcdef"),
            "secret": "SECnodes-test-secret-0123456789"}}),
    )
    .await;
    // Forty events, one at a time, to one node and then the other.
    let client = reqwest::Client::new();
    for n in 0..40 {
        let base = if n % 2 == 0 { &a.base } else { &b.base };
        put(&client, base, &token, &batch(n, 1)).await;
    }
    // DingTalk takes 20 a minute per robot (Herald sends at most 18): within seconds the
    // robot has had its budget, and not a message more, from both nodes together.
    let deadline = Instant::now() + Duration::from_secs(20);
    while *sink.robot_messages.lock().unwrap() < 18 {
        assert!(
            Instant::now() < deadline,
            "the robot got {} messages",
            sink.robot_messages.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let got = *sink.robot_messages.lock().unwrap();
    assert_eq!(got, 18, "the robot got {got} messages in its first minute");
}

#[tokio::test]
async fn a_circuit_one_node_opens_is_open_on_the_other_and_closes_on_both() {
    if !common::postgres_backend() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = common::fresh_postgres_database().await;
    // Nothing listens on the receiver's port yet: connections are refused.
    let port = free_port();
    let breaker = ["--circuit-threshold", "2", "--circuit-open", "8s"];
    let a = node_with(&url, dir.path(), "a", 30, &breaker).await;
    let token = account(
        &a.base,
        json!({"config": {"kind": "http", "url": format!("http://127.0.0.1:{port}/hook"),
            "payload_format": "cloudevents_structured"}}),
    )
    .await;
    let client = reqwest::Client::new();
    put(&client, &a.base, &token, &batch(0, 3)).await;
    let open = "herald_circuits_open{state=\"open\"}";
    wait_metric(&a, open, Duration::from_secs(5), "the circuit did not open").await;
    // A node started now has tried nothing itself, and holds the circuit open too.
    let b = node_with(&url, dir.path(), "b", 30, &breaker).await;
    wait_metric(
        &b,
        open,
        Duration::from_secs(3),
        "the other node does not hold the circuit open",
    )
    .await;
    // The receiver comes up: the probe after the open period closes the circuit on both
    // nodes, and every event arrives.
    let sink = Sink::default();
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(sink.clone());
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    wait_for_all(&sink, 3, Duration::from_secs(30), &[&a, &b]).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (on_a, on_b) = (
            metric(&a.base, "herald_circuits_open").await,
            metric(&b.base, "herald_circuits_open").await,
        );
        if on_a == 0.0 && on_b == 0.0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "circuits still open: {on_a} on a, {on_b} on b"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

//! At-least-once delivery across a crash, with the real binary: events are put in batches
//! while a slow receiver takes deliveries one at a time, the server is SIGKILLed mid-way and
//! started again on the same database; every event PutEvents accepted reaches the receiver,
//! and a delivery sent twice carries the same webhook-id both times.
//!
//! Deliveries a killed server had leased are released when the next run starts
//! (`store::events::release_leases`), so none waits for its lease (`--delivery-lease-secs`) to end.

use crate::common::Visitor;
use crate::process::Process;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxStatus};
use axum::routing::post;
use axum::Router;
use herald::domain::catalog;
use herald::server::delivery::sign::{standard_webhooks_verify, WebhookSecret};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SCHEDULE: &str = "100ms,200ms,400ms,800ms,1s,1s,1s,1s";
const BUS: &str = "pai-system-team";
const MODEL: &str = "pai.model";
const APPROVED: &str = "model:ModelVersion:Approved";
const BATCHES: usize = 30;
const PER_BATCH: usize = 10;
/// The bearer token `/metrics` asks for.
const METRICS_TOKEN: &str = "crash-test-metrics-token";
/// How long the receiver takes per request; it takes one at a time.
const SINK_DELAY: Duration = Duration::from_millis(20);

// ---------------------------------------------------------------------------------------
// The herald process.

/// Start `herald serve` on the SQLite file `db` at 127.0.0.1:`port`.
fn start_server(db: &Path, port: u16, log: PathBuf) -> Process {
    Process::start(
        &format!("sqlite://{}", db.display()),
        port,
        log,
        &[
            "--allow-target-network",
            "127.0.0.0/8",
            "--retry-schedule",
            SCHEDULE,
            "--metrics-token",
            METRICS_TOKEN,
        ],
    )
}

// ---------------------------------------------------------------------------------------
// The slow receiver: one request at a time, SINK_DELAY each; it checks the signature and
// records which event arrived under which webhook-id.

#[derive(Debug, Clone)]
struct Arrival {
    event_id: String,
    webhook_id: String,
    verified: bool,
}

#[derive(Clone, Default)]
struct Sink {
    one_at_a_time: Arc<tokio::sync::Mutex<()>>,
    secret: Arc<Mutex<Option<WebhookSecret>>>,
    arrivals: Arc<Mutex<Vec<Arrival>>>,
}

impl Sink {
    fn arrivals(&self) -> Vec<Arrival> {
        self.arrivals.lock().unwrap().clone()
    }
}

async fn receive(
    State(sink): State<Sink>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> AxStatus {
    let _turn = sink.one_at_a_time.lock().await;
    tokio::time::sleep(SINK_DELAY).await;
    let h = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let verified = sink.secret.lock().unwrap().as_ref().is_some_and(|secret| {
        standard_webhooks_verify(
            secret,
            &h("webhook-id"),
            h("webhook-timestamp").parse().unwrap_or(0),
            &body,
            &h("webhook-signature"),
            crate::common::now_s(),
        )
    });
    let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    sink.arrivals.lock().unwrap().push(Arrival {
        event_id: event["id"].as_str().unwrap_or_default().to_string(),
        webhook_id: h("webhook-id"),
        verified,
    });
    AxStatus::NO_CONTENT
}

async fn start_sink() -> (String, Sink) {
    let sink = Sink::default();
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(sink.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), sink)
}

// ---------------------------------------------------------------------------------------
// The producer: puts the batches in order, retrying a batch until it gets an answer (the
// server may be dead or restarting, or answer 5xx); records what was accepted.

#[derive(Default)]
struct Produced {
    /// Event ids answered with 200, in order, with whether the answer said Duplicate.
    accepted: Vec<(String, bool)>,
    /// Retries after a connection error (the server was down).
    unreachable: usize,
    /// Retries after a 5xx answer.
    server_errors: usize,
    done: bool,
}

fn batch(n: usize) -> Vec<Value> {
    let data = catalog::event_type(MODEL, APPROVED).unwrap().sample_data();
    (0..PER_BATCH)
        .map(|i| {
            let id = format!("crash-{n:02}-{i}");
            let mut data = data.clone();
            data["model_version"]["version_name"] = json!(id);
            json!({"specversion": "1.0", "id": id, "source": MODEL, "type": APPROVED, "data": data})
        })
        .collect()
}

async fn produce(
    base: String,
    token: String,
    out: Arc<Mutex<Produced>>,
    sending: Arc<tokio::sync::Notify>,
) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    for n in 0..BATCHES {
        let body = serde_json::to_vec(&batch(n)).unwrap();
        loop {
            assert!(Instant::now() < deadline, "the producer could not finish");
            sending.notify_waiters();
            let sent = client
                .post(format!("{base}/api/v1/buses/{BUS}/events"))
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/cloudevents-batch+json")
                .body(body.clone())
                .send()
                .await;
            let res = match sent {
                Ok(res) => res,
                Err(_) => {
                    out.lock().unwrap().unreachable += 1;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let status = res.status();
            let Ok(answer) = res.json::<Value>().await else {
                // The server died while answering.
                out.lock().unwrap().unreachable += 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            };
            if status.is_server_error() {
                out.lock().unwrap().server_errors += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
            assert_eq!(status, StatusCode::OK, "batch {n}: {answer}");
            assert_eq!(answer["FailedEntryCount"], 0, "batch {n}: {answer}");
            let mut out = out.lock().unwrap();
            for e in answer["Entries"].as_array().unwrap() {
                assert!(e["HeraldEventId"].is_i64(), "{e}");
                out.accepted.push((
                    e["EventId"].as_str().unwrap().to_string(),
                    e["Duplicate"] == true,
                ));
            }
            break;
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    out.lock().unwrap().done = true;
}

async fn queue_depth(base: &str) -> Option<i64> {
    let text = reqwest::Client::new()
        .get(format!("{base}/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("herald_queue_depth "))
        .and_then(|v| v.trim().parse().ok())
}

// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_accepted_event_is_delivered_across_a_sigkill() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("herald.db");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let base = format!("http://127.0.0.1:{port}");
    let (sink_url, sink) = start_sink().await;

    let mut server = start_server(&db, port, dir.path().join("herald-1.log"));
    server.wait_up().await;

    // Owner, workspace, EventBridge, grant, a rule with an HTTP target, an AccessKey.
    let mut v = Visitor {
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        base: base.clone(),
        cookie: None,
    };
    let r = v
        .sign_up("ada@example.com", "Ada", crate::common::PASSWORD)
        .await;
    assert!(r.is_redirect(), "{r:?}");
    assert_eq!(v.create_workspace("team").await.status, StatusCode::OK);
    for f in ["activate_event_bridge", "grant_permissions"] {
        let r = v.call(f, &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{f}: {r:?}");
    }
    let r = v
        .call_json(
            "save_rule",
            &json!({"bus": BUS, "original": null, "rule": {
                "name": "model-hook",
                "source": MODEL,
                "types": [APPROVED],
                "targets": [{"config": {"kind": "http", "url": sink_url, "payload_format": "cloudevents_structured"}}],
            }}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let secret = r.json()["new_secrets"][0]["secret"]
        .as_str()
        .unwrap()
        .to_string();
    *sink.secret.lock().unwrap() = Some(WebhookSecret::parse(&secret).unwrap());
    let r = v.call("create_access_key", &[("name", "crash")]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let token = r.json()["token"].as_str().unwrap().to_string();

    // Put events while the receiver is slow; kill the server once a backlog has built up.
    let produced = Arc::new(Mutex::new(Produced::default()));
    let sending = Arc::new(tokio::sync::Notify::new());
    let producer = tokio::spawn(produce(
        base.clone(),
        token,
        produced.clone(),
        sending.clone(),
    ));
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let accepted = produced.lock().unwrap().accepted.len();
        let arrived = sink.arrivals.lock().unwrap().len();
        if accepted >= 100 && arrived >= 10 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no backlog built up: {accepted} accepted, {arrived} arrived\n{}",
            server.log_tail()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Kill just after the producer starts a request, so a batch may be cut off half-way:
    // refused, or stored with its answer lost (then re-sent and reported Duplicate).
    sending.notified().await;
    tokio::time::sleep(Duration::from_millis(2)).await;
    server.kill();
    let killed_at = Instant::now();
    let before_kill: Vec<String> = produced
        .lock()
        .unwrap()
        .accepted
        .iter()
        .map(|(id, _)| id.clone())
        .collect();
    let arrived_at_kill = sink.arrivals.lock().unwrap().len();
    assert!(
        arrived_at_kill < before_kill.len(),
        "the kill came after everything was delivered ({arrived_at_kill} of {})",
        before_kill.len()
    );
    assert!(
        before_kill.len() < BATCHES * PER_BATCH,
        "the producer finished before the kill"
    );

    // Start again on the same database; the producer carries on.
    let mut server = start_server(&db, port, dir.path().join("herald-2.log"));
    server.wait_up().await;
    producer.await.expect("the producer finished");

    // Wait until the queue is empty and every accepted event has arrived.
    let accepted: BTreeSet<String> = produced
        .lock()
        .unwrap()
        .accepted
        .iter()
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(accepted.len(), BATCHES * PER_BATCH);
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let arrived: BTreeSet<String> = sink.arrivals().into_iter().map(|a| a.event_id).collect();
        let depth = queue_depth(&base).await;
        if depth == Some(0) && accepted.is_subset(&arrived) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "queue depth {depth:?}; {} accepted events never arrived\n{}",
            accepted.difference(&arrived).count(),
            server.log_tail()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Every event accepted before the kill arrived, and every duplicate at the receiver
    // carries the webhook-id of the first arrival of its event.
    let arrivals = sink.arrivals();
    assert!(
        arrivals.iter().all(|a| a.verified),
        "a signature did not verify"
    );
    let mut by_event: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for a in &arrivals {
        by_event
            .entry(a.event_id.clone())
            .or_default()
            .push(a.webhook_id.clone());
    }
    for id in &before_kill {
        assert!(
            by_event.contains_key(id),
            "{id} was accepted but never arrived"
        );
    }
    let mut resent = 0;
    for (id, ids) in &by_event {
        assert!(accepted.contains(id), "{id} arrived but was never put");
        let distinct: BTreeSet<&String> = ids.iter().collect();
        assert_eq!(
            distinct.len(),
            1,
            "{id} arrived under several webhook-ids: {ids:?}"
        );
        resent += ids.len() - 1;
    }

    // The database agrees: one delivery per event, delivered, under the id the receiver saw.
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(SqliteConnectOptions::new().filename(&db))
        .await
        .unwrap();
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT e.ce_id, d.webhook_id, d.status FROM events e JOIN deliveries d ON d.event_id = e.id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(rows.len(), BATCHES * PER_BATCH, "one delivery per event");
    let stored: HashMap<&str, &str> = rows
        .iter()
        .map(|(id, wh, status)| {
            assert_eq!(status, "delivered", "{id}");
            (id.as_str(), wh.as_str())
        })
        .collect();
    for (id, ids) in &by_event {
        assert_eq!(stored.get(id.as_str()), Some(&ids[0].as_str()), "{id}");
    }
    pool.close().await;

    let p = produced.lock().unwrap();
    eprintln!(
        "crash test: {} accepted before the kill ({} had arrived), {} accepted in all \
         ({} reported as duplicates after retrying), {} deliveries sent twice, \
         {} retries while the server was down, {} after a 5xx; drained {:.1}s after the kill, \
         {:.1}s in all",
        before_kill.len(),
        arrived_at_kill,
        p.accepted.len(),
        p.accepted.iter().filter(|(_, dup)| *dup).count(),
        resent,
        p.unreachable,
        p.server_errors,
        killed_at.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64(),
    );
    assert_eq!(
        p.server_errors, 0,
        "PutEvents answered 5xx while the server was up"
    );
    drop(server);
}

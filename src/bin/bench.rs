//! `make bench`: how fast events go from PutEvents to an HTTP receiver, against a bare
//! forwarder that receives and forwards without storing anything (the baseline).
//!
//! It starts the release server on a temporary database, a loopback sink, and the baseline
//! forwarder; sets up an account, a rule with an HTTP target and an AccessKey through the
//! same HTTP calls the UI makes; then drives PutEvents at full speed (batches of 100 from
//! several senders) and at a fixed 1,000 events/s, and prints deliveries/s, ingest→sink
//! latency percentiles, peak RSS and the ratio to the baseline. The last line is
//! machine-readable.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

const FULL_SPEED_EVENTS: u64 = 20_000;
const BATCH: usize = 100;
const SENDERS: usize = 4;
const FIXED_RATE: u64 = 1_000;
const FIXED_SECONDS: u64 = 5;

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

/// What the sink saw: a count and each event's ingest→sink latency.
#[derive(Default)]
struct Sink {
    received: AtomicU64,
    latencies_us: Mutex<Vec<u64>>,
}

async fn sink_receive(State(sink): State<Arc<Sink>>, body: Bytes) -> StatusCode {
    let now = now_us();
    if let Ok(v) = serde_json::from_slice::<Value>(&body) {
        // The standard template puts `data` at the top level; the forwarder sends data.
        let sent = v["bench_sent_us"]
            .as_u64()
            .or_else(|| v["data"]["bench_sent_us"].as_u64());
        if let Some(sent) = sent {
            sink.latencies_us
                .lock()
                .unwrap()
                .push(now.saturating_sub(sent));
        }
    }
    sink.received.fetch_add(1, Ordering::Relaxed);
    StatusCode::NO_CONTENT
}

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

/// The baseline: receive a batch, forward each event's data to the sink, answer after.
async fn forward(
    State((client, sink)): State<(reqwest::Client, String)>,
    body: Bytes,
) -> StatusCode {
    let Ok(Value::Array(events)) = serde_json::from_slice::<Value>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    let sends = events.into_iter().map(|e| {
        let client = client.clone();
        let sink = sink.clone();
        async move {
            let _ = client.post(&sink).json(&e["data"]).send().await;
        }
    });
    futures_join_all(sends).await;
    StatusCode::OK
}

async fn futures_join_all<F: std::future::Future<Output = ()> + Send + 'static>(
    futs: impl Iterator<Item = F>,
) {
    let mut set = tokio::task::JoinSet::new();
    for f in futs {
        set.spawn(f);
    }
    while set.join_next().await.is_some() {}
}

/// A client that keeps the session cookie by hand (the server functions use it).
struct Browser {
    client: reqwest::Client,
    base: String,
    cookie: Option<String>,
}

impl Browser {
    async fn call(&mut self, name: &str, form: &[(&str, &str)]) -> Value {
        let mut req = self
            .client
            .post(format!("{}/api/ui/{name}", self.base))
            .form(form);
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        let res = req.send().await.expect("server function call");
        if let Some(c) = res.headers().get("set-cookie") {
            let c = c.to_str().unwrap_or_default();
            self.cookie = Some(c.split(';').next().unwrap_or_default().to_string());
        }
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        assert!(status.is_success(), "{name}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    async fn call_json(&mut self, name: &str, body: &Value) -> Value {
        let mut req = self
            .client
            .post(format!("{}/api/ui/{name}", self.base))
            .json(body);
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        let res = req.send().await.expect("server function call");
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        assert!(status.is_success(), "{name}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }
}

fn event(i: u64) -> Value {
    // The catalog's sample carries every field DataRobot marks required.
    let mut data = herald::domain::catalog::event_type("datarobot.project", "project.created")
        .expect("the catalog has project.created")
        .sample_data();
    data["event"]["entity_id"] = json!(format!("p{i}"));
    data["bench_sent_us"] = json!(now_us());
    json!({
        "specversion": "1.0",
        "id": format!("bench-{i}-{}", now_us()),
        "source": "datarobot.project",
        "type": "project.created",
        "data": data,
    })
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx] as f64 / 1000.0
}

/// Put `total` events at full speed from `SENDERS` senders; returns events put.
async fn full_speed(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    total: u64,
    content_type: &str,
) {
    let per_sender = total / SENDERS as u64;
    let mut set = tokio::task::JoinSet::new();
    for s in 0..SENDERS as u64 {
        let client = client.clone();
        let url = url.to_string();
        let token = token.to_string();
        let ct = content_type.to_string();
        set.spawn(async move {
            let mut i = 0;
            while i < per_sender {
                let n = (per_sender - i).min(BATCH as u64);
                let batch: Vec<Value> = (0..n).map(|k| event(s * per_sender + i + k)).collect();
                let res = client
                    .post(&url)
                    .bearer_auth(&token)
                    .header("content-type", &ct)
                    .body(serde_json::to_vec(&batch).unwrap())
                    .send()
                    .await
                    .expect("put events");
                let status = res.status();
                assert!(
                    status.is_success(),
                    "put events: {status} {}",
                    res.text().await.unwrap_or_default()
                );
                i += n;
            }
        });
    }
    while let Some(done) = set.join_next().await {
        if let Err(e) = done {
            std::panic::resume_unwind(e.into_panic());
        }
    }
}

async fn wait_for(sink: &Sink, count: u64, limit: Duration) -> bool {
    let start = Instant::now();
    while sink.received.load(Ordering::Relaxed) < count {
        if start.elapsed() > limit {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    true
}

fn peak_rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

#[tokio::main]
async fn main() {
    let herald_bin = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/release/herald".into());
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();

    // The sink and the baseline forwarder.
    let sink = Arc::new(Sink::default());
    let sink_addr = serve(
        Router::new()
            .route("/hook", post(sink_receive))
            .with_state(sink.clone()),
    )
    .await;
    let sink_url = format!("http://{sink_addr}/hook");
    let forwarder_addr = serve(
        Router::new()
            .route("/events", post(forward))
            .with_state((client.clone(), sink_url.clone())),
    )
    .await;

    // Herald, on a temporary database.
    let dir = std::env::temp_dir().join(format!("herald-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let base = format!("http://127.0.0.1:{port}");
    let mut child = tokio::process::Command::new(&herald_bin)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            &format!("sqlite://{}/bench.db", dir.display()),
            "--allow-target-network",
            "127.0.0.0/8",
            "--log-format",
            "json",
        ])
        .env("HERALD_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("starting herald (run `make build` first)");
    let pid = child.id().unwrap_or(0);
    for _ in 0..200 {
        if client.get(format!("{base}/healthz")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Account, workspace, activation, grant, a rule with an HTTP target, an AccessKey.
    let mut b = Browser {
        client: client.clone(),
        base: base.clone(),
        cookie: None,
    };
    b.call(
        "sign_up",
        &[
            ("email", "bench@example.com"),
            ("display_name", "Bench"),
            ("password", "correct horse battery"),
        ],
    )
    .await;
    b.call("create_workspace", &[("name", "bench")]).await;
    b.call("activate_event_bridge", &[]).await;
    b.call("grant_permissions", &[]).await;
    b.call_json(
        "save_rule",
        &json!({"bus": "pai-system-bench", "original": null, "rule": {
            "name": "all-projects", "source": "datarobot.project", "types": ["project.created"],
            "targets": [{"config": {"kind": "http", "url": sink_url}}]
        }}),
    )
    .await;
    let token = b.call("create_access_key", &[("name", "bench")]).await["token"]
        .as_str()
        .expect("a token")
        .to_string();
    let put_url = format!("{base}/api/v1/buses/pai-system-bench/events");
    let batch_type = "application/cloudevents-batch+json";

    // Warm up.
    full_speed(&client, &put_url, &token, 400, batch_type).await;
    assert!(
        wait_for(&sink, 400, Duration::from_secs(60)).await,
        "warm-up did not arrive"
    );

    // Full speed through Herald.
    sink.received.store(0, Ordering::Relaxed);
    let started = Instant::now();
    full_speed(&client, &put_url, &token, FULL_SPEED_EVENTS, batch_type).await;
    let accepted_in = started.elapsed();
    let arrived = wait_for(&sink, FULL_SPEED_EVENTS, Duration::from_secs(300)).await;
    let herald_elapsed = started.elapsed();
    let delivered = sink.received.load(Ordering::Relaxed);
    let herald_per_s = delivered as f64 / herald_elapsed.as_secs_f64();

    // Fixed 1,000 events/s through Herald: batches of 10 every 10 ms.
    sink.latencies_us.lock().unwrap().clear();
    sink.received.store(0, Ordering::Relaxed);
    let total_fixed = FIXED_RATE * FIXED_SECONDS;
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    let mut sent = 0;
    let mut puts = tokio::task::JoinSet::new();
    while sent < total_fixed {
        tick.tick().await;
        let batch: Vec<Value> = (0..10).map(|k| event(1_000_000 + sent + k)).collect();
        sent += 10;
        let (client, url, token) = (client.clone(), put_url.clone(), token.clone());
        puts.spawn(async move {
            let _ = client
                .post(&url)
                .bearer_auth(&token)
                .header("content-type", batch_type)
                .body(serde_json::to_vec(&batch).unwrap())
                .send()
                .await;
        });
    }
    while puts.join_next().await.is_some() {}
    wait_for(&sink, total_fixed, Duration::from_secs(60)).await;
    let mut lat = sink.latencies_us.lock().unwrap().clone();
    lat.sort_unstable();
    let rss = peak_rss_mb(pid);

    // The baseline: the bare forwarder at full speed.
    sink.received.store(0, Ordering::Relaxed);
    let started = Instant::now();
    full_speed(
        &client,
        &format!("http://{forwarder_addr}/events"),
        "none",
        FULL_SPEED_EVENTS,
        "application/json",
    )
    .await;
    wait_for(&sink, FULL_SPEED_EVENTS, Duration::from_secs(300)).await;
    let baseline_per_s =
        sink.received.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();

    let _ = child.kill().await;
    let _ = std::fs::remove_dir_all(&dir);

    let ratio = herald_per_s / baseline_per_s;
    println!("Herald bench (2 cores; release build; SQLite in a temporary directory)");
    println!(
        "full speed: {FULL_SPEED_EVENTS} events in batches of {BATCH} from {SENDERS} senders: accepted in {:.2} s, {} delivered in {:.2} s{}",
        accepted_in.as_secs_f64(),
        delivered,
        herald_elapsed.as_secs_f64(),
        if arrived { "" } else { " (NOT ALL ARRIVED)" }
    );
    println!("  Herald   {herald_per_s:.0} deliveries/s");
    println!("  baseline {baseline_per_s:.0} deliveries/s (receive and forward, nothing stored)");
    println!(
        "fixed {FIXED_RATE} events/s for {FIXED_SECONDS} s: ingest→sink p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms ({} samples)",
        percentile(&lat, 0.50),
        percentile(&lat, 0.95),
        percentile(&lat, 0.99),
        lat.len()
    );
    println!("peak RSS of the server: {rss:.1} MB");
    println!(
        "bench: deliveries_per_s={herald_per_s:.0} baseline_per_s={baseline_per_s:.0} ratio={ratio:.2} p50_ms={:.1} p95_ms={:.1} p99_ms={:.1} rss_mb={rss:.1}",
        percentile(&lat, 0.50),
        percentile(&lat, 0.95),
        percentile(&lat, 0.99),
    );
}

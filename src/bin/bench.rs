//! `make bench`: how fast events go from PutEvents to HTTP receivers, on three runs, each
//! against the release server on its own temporary database. Accounts, rules with HTTP
//! targets and AccessKeys are set up through the same HTTP calls the UI makes.
//!
//! 1. **Fast sink.** One rule whose target is a loopback sink that answers at once. PutEvents
//!    at full speed (batches of 100 from several senders), then at a fixed 1,000 events/s;
//!    deliveries/s, ingest→sink latency percentiles and the server's peak RSS, beside a bare
//!    forwarder that receives and forwards without storing anything (the baseline).
//! 2. **Mixed receivers.** Eleven rules on one bus: 8 targets answer in 20 ms, 2 in 300 ms,
//!    and one is a black hole (it accepts the connection and never answers, so each attempt
//!    lasts the server's delivery timeout, started at 5 s for this run instead of 15 s).
//!    Events go at a fixed 100 a second for 20 s, one a request; every 20th is a
//!    `project.shared`, the only type the 300 ms targets take (5 a second: within what 4
//!    attempts at a time can answer). Then the same on a fresh server without the black
//!    hole. It prints the healthy targets' deliveries/s and their ingest→answer latency (the
//!    time the receiver answered, so it includes the receiver's own 20 or 300 ms) with and
//!    without the black hole, and whether the aims hold: the healthy targets keep ≥ 80 % of
//!    their throughput, and each class's p99 stays within 2× its receiver's latency + 50 ms.
//! 3. **History.** With 0 stored events and with 1,000,000: the ingest rate (5,000 events at
//!    full speed), the time of a re-sent batch (100 events already stored, all duplicates)
//!    and of the event list's first page filtered on a type that matches nothing (each the
//!    median of 5 after an untimed one, or the first alone when it takes a second or more).
//!    The 1,000,000 events are written straight into the database (the SQLite file, or the
//!    PostgreSQL database) while the server is stopped
//!    ([`herald::server::store::events::seed_bench_history`]), then the server is started
//!    again on it.
//!
//! `RUNS=fast` runs the first alone (for trying a change to the hot path).
//!
//! The last line is machine-readable: `mixed_p99_ms` is the 20 ms targets' p99 with the
//! black hole; `resent_batch_ms` and `list_ms` are at 1,000,000 events.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use herald::server::store;
use serde_json::{json, Value};

const FULL_SPEED_EVENTS: u64 = 20_000;
const BATCH: usize = 100;
const SENDERS: usize = 4;
const FIXED_RATE: u64 = 1_000;
const FIXED_SECONDS: u64 = 5;

const MIXED_RATE: u64 = 100;
const MIXED_SECONDS: u64 = 20;
const FAST_TARGETS: usize = 8;
const FAST_DELAY: Duration = Duration::from_millis(20);
const SLOW_TARGETS: usize = 2;
const SLOW_DELAY: Duration = Duration::from_millis(300);
/// Every this many events one is `project.shared`, which the slow targets take too.
const SLOW_EVERY: u64 = 20;
const MIXED_TIMEOUT_SECS: u64 = 5;

const HISTORY_EVENTS: u64 = 1_000_000;
const HISTORY_INGEST: u64 = 5_000;
/// Timed requests per figure (after one untimed); the median is printed.
const REPEAT: usize = 5;

const BUS: &str = "pai-system-bench";
const SOURCE: &str = "datarobot.project";
const CREATED: &str = "project.created";
const SHARED: &str = "project.shared";
const BATCH_TYPE: &str = "application/cloudevents-batch+json";

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The send time the bench put in an event, from what a receiver got.
fn sent_us(body: &[u8]) -> Option<u64> {
    let v = serde_json::from_slice::<Value>(body).ok()?;
    // The standard template puts `data` at the top level; the forwarder sends data.
    v["bench_sent_us"]
        .as_u64()
        .or_else(|| v["data"]["bench_sent_us"].as_u64())
}

/// A CloudEvent of `type_id` with this id, stamped with the time it is built.
fn cloud_event(type_id: &str, id: &str, i: u64) -> Value {
    // The catalog's samples carry every field DataRobot marks required.
    let mut data = herald::domain::catalog::event_type(SOURCE, type_id)
        .expect("the catalog has the type")
        .sample_data();
    data["event"]["entity_id"] = json!(format!("p{i}"));
    data["bench_sent_us"] = json!(now_us());
    json!({
        "specversion": "1.0",
        "id": id,
        "source": SOURCE,
        "type": type_id,
        "data": data,
    })
}

/// A new `project.created` event.
fn event(i: u64) -> Value {
    cloud_event(CREATED, &format!("bench-{i}-{}", now_us()), i)
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx] as f64 / 1000.0
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

// ---------------------------------------------------------------------------------------
// Receivers

/// What the fast sink saw: a count and each event's ingest→sink latency.
#[derive(Default)]
struct Sink {
    received: AtomicU64,
    latencies_us: Mutex<Vec<u64>>,
}

impl Sink {
    async fn start() -> (Arc<Sink>, String) {
        let sink = Arc::new(Sink::default());
        let addr = serve(
            Router::new()
                .route("/hook", post(sink_receive))
                .with_state(sink.clone()),
        )
        .await;
        (sink, format!("http://{addr}/hook"))
    }

    fn reset(&self) {
        self.received.store(0, Ordering::Relaxed);
        self.latencies_us.lock().unwrap().clear();
    }

    async fn wait_for(&self, count: u64, limit: Duration) -> bool {
        let start = Instant::now();
        while self.received.load(Ordering::Relaxed) < count {
            if start.elapsed() > limit {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        true
    }
}

async fn sink_receive(State(sink): State<Arc<Sink>>, body: Bytes) -> StatusCode {
    let now = now_us();
    if let Some(sent) = sent_us(&body) {
        sink.latencies_us
            .lock()
            .unwrap()
            .push(now.saturating_sub(sent));
    }
    sink.received.fetch_add(1, Ordering::Relaxed);
    StatusCode::NO_CONTENT
}

/// The baseline: receive a batch, forward each event's data to the sink, answer after.
async fn forward(
    State((client, sink)): State<(reqwest::Client, String)>,
    body: Bytes,
) -> StatusCode {
    let Ok(Value::Array(events)) = serde_json::from_slice::<Value>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    let mut set = tokio::task::JoinSet::new();
    for e in events {
        let (client, sink) = (client.clone(), sink.clone());
        set.spawn(async move {
            let _ = client.post(&sink).json(&e["data"]).send().await;
        });
    }
    while set.join_next().await.is_some() {}
    StatusCode::OK
}

/// The healthy receivers of the mixed run, by how fast they answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Fast,
    Slow,
}

impl Class {
    fn delay(self) -> Duration {
        match self {
            Class::Fast => FAST_DELAY,
            Class::Slow => SLOW_DELAY,
        }
    }

    /// The aim for this class's p99: 2× the receiver's latency + 50 ms.
    fn p99_aim_ms(self) -> f64 {
        2.0 * ms(self.delay()) + 50.0
    }
}

/// One receiver of the mixed run: it answers after its class's delay.
struct Endpoint {
    class: Class,
    received: AtomicU64,
    /// Ingest→answer, per event.
    latencies_us: Mutex<Vec<u64>>,
    /// When it last answered.
    last_us: AtomicU64,
}

/// The mixed run's healthy receivers, each at `/r/{index}`.
struct Receivers {
    endpoints: Vec<Endpoint>,
}

impl Receivers {
    async fn start(classes: &[Class]) -> (Arc<Receivers>, Vec<String>) {
        let receivers = Arc::new(Receivers {
            endpoints: classes
                .iter()
                .map(|&class| Endpoint {
                    class,
                    received: AtomicU64::new(0),
                    latencies_us: Mutex::new(Vec::new()),
                    last_us: AtomicU64::new(0),
                })
                .collect(),
        });
        let addr = serve(
            Router::new()
                .route("/r/{index}", post(answer_later))
                .with_state(receivers.clone()),
        )
        .await;
        let urls = (0..classes.len())
            .map(|i| format!("http://{addr}/r/{i}"))
            .collect();
        (receivers, urls)
    }

    fn received(&self) -> u64 {
        self.endpoints
            .iter()
            .map(|e| e.received.load(Ordering::Relaxed))
            .sum()
    }

    fn last_us(&self) -> u64 {
        self.endpoints
            .iter()
            .map(|e| e.last_us.load(Ordering::Relaxed))
            .max()
            .unwrap_or(0)
    }

    /// Received count and sorted latencies of one class.
    fn class(&self, class: Class) -> (u64, Vec<u64>) {
        let mut received = 0;
        let mut lat = Vec::new();
        for e in self.endpoints.iter().filter(|e| e.class == class) {
            received += e.received.load(Ordering::Relaxed);
            lat.extend(e.latencies_us.lock().unwrap().iter());
        }
        lat.sort_unstable();
        (received, lat)
    }
}

async fn answer_later(
    State(receivers): State<Arc<Receivers>>,
    Path(index): Path<usize>,
    body: Bytes,
) -> StatusCode {
    let Some(endpoint) = receivers.endpoints.get(index) else {
        return StatusCode::NOT_FOUND;
    };
    tokio::time::sleep(endpoint.class.delay()).await;
    let now = now_us();
    if let Some(sent) = sent_us(&body) {
        endpoint
            .latencies_us
            .lock()
            .unwrap()
            .push(now.saturating_sub(sent));
    }
    endpoint.received.fetch_add(1, Ordering::Relaxed);
    endpoint.last_us.fetch_max(now, Ordering::Relaxed);
    StatusCode::NO_CONTENT
}

/// A receiver that accepts connections and never answers; counts the connections.
async fn black_hole() -> (String, Arc<AtomicU64>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicU64::new(0));
    let count = connections.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::Relaxed);
            // Held open, never read or answered, until the bench ends.
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                drop(socket);
            });
        }
    });
    (format!("http://{addr}/hook"), connections)
}

// ---------------------------------------------------------------------------------------
// The server and its API

/// Where the bench's servers keep their data: `BACKEND=sqlite` (the default: a SQLite file in
/// a temporary directory) or `BACKEND=postgres` (a fresh database per server on the
/// PostgreSQL server `HERALD_TEST_POSTGRES` names, which `make bench` starts), with `NODES`
/// `herald serve` processes sharing it (PostgreSQL only).
struct Setup {
    postgres: Option<String>,
    nodes: usize,
}

static SETUP: std::sync::OnceLock<Setup> = std::sync::OnceLock::new();

fn setup() -> &'static Setup {
    SETUP.get_or_init(|| {
        let backend = std::env::var("BACKEND").unwrap_or_default();
        let postgres = match backend.as_str() {
            "" | "sqlite" => None,
            "postgres" => Some(std::env::var("HERALD_TEST_POSTGRES").unwrap_or_else(|_| {
                panic!("BACKEND=postgres needs HERALD_TEST_POSTGRES (make bench starts a server)")
            })),
            other => panic!("BACKEND must be sqlite or postgres, not {other:?}"),
        };
        let nodes = match std::env::var("NODES").as_deref() {
            Err(_) | Ok("") | Ok("1") => 1,
            Ok("2") if postgres.is_some() => 2,
            Ok(other) => panic!("NODES must be 1, or 2 with BACKEND=postgres, not {other:?}"),
        };
        Setup { postgres, nodes }
    })
}

/// The `--secret-key` of the bench's servers on PostgreSQL (base64 of 32 bytes).
const BENCH_SECRET_KEY: &str = "YmVuY2gtc2VjcmV0LWtleS0wMTIzNDU2Nzg5YWJjZGU=";

/// One `herald serve` process.
struct Node {
    child: tokio::process::Child,
    base: String,
    pid: u32,
    /// Its standard error (warnings and worse), deleted when it stops.
    log: PathBuf,
}

/// A release Herald on a database of its own: one node, or several on one PostgreSQL
/// database.
struct Server {
    nodes: Vec<Node>,
    base: String,
    /// Its database.
    url: String,
}

impl Server {
    /// The database URL of a server in `dir`: its SQLite file, or a fresh PostgreSQL
    /// database named after `dir`.
    async fn database_url(dir: &std::path::Path) -> String {
        match &setup().postgres {
            None => format!("sqlite://{}/bench.db", dir.display()),
            Some(server) => {
                let name = format!(
                    "bench_{}",
                    dir.file_name()
                        .unwrap()
                        .to_string_lossy()
                        .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
                );
                store::create_postgres_database(server, &name)
                    .await
                    .expect("creating the bench database")
            }
        }
    }

    /// Start `bin` on a fresh database for `dir` (created if missing), with `extra`
    /// arguments, and wait until it answers.
    async fn start(
        bin: &str,
        dir: &std::path::Path,
        extra: &[&str],
        client: &reqwest::Client,
    ) -> Server {
        std::fs::create_dir_all(dir).unwrap();
        let url = Server::database_url(dir).await;
        Server::start_on(bin, &url, extra, client).await
    }

    /// Start `bin` on the database `url` ([`Setup::nodes`] processes), with `extra`
    /// arguments, and wait until each answers.
    async fn start_on(bin: &str, url: &str, extra: &[&str], client: &reqwest::Client) -> Server {
        let mut nodes = Vec::new();
        for _ in 0..setup().nodes {
            nodes.push(Node::start(bin, url, extra, client).await);
        }
        let base = nodes[0].base.clone();
        Server {
            nodes,
            base,
            url: url.to_string(),
        }
    }

    /// The peak RSS of its processes, added up.
    fn rss_mb(&self) -> f64 {
        self.nodes.iter().map(|n| peak_rss_mb(n.pid)).sum()
    }

    /// CPU seconds its processes have used so far.
    fn cpu_s(&self) -> f64 {
        self.nodes.iter().map(|n| cpu_seconds(n.pid)).sum()
    }

    /// Stop it as an operator would (SIGTERM), waiting for it to finish.
    async fn stop(self) {
        for node in self.nodes {
            node.stop().await;
        }
    }

    /// Sign up, create a workspace (its system bus is [`BUS`]), activate, grant, save the
    /// rules and create an AccessKey; returns the API client.
    async fn set_up(&self, client: &reqwest::Client, rules: &[RuleSpec]) -> Api {
        let mut b = Browser {
            client: client.clone(),
            base: self.base.clone(),
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
        for rule in rules {
            b.call_json(
                "save_rule",
                &json!({"bus": BUS, "original": null, "rule": {
                    "name": rule.name, "source": SOURCE, "types": rule.types,
                    "targets": [{"config": {"kind": "http", "url": rule.url}}]
                }}),
            )
            .await;
        }
        let token = b.call("create_access_key", &[("name", "bench")]).await["token"]
            .as_str()
            .expect("a token")
            .to_string();
        self.api(client, &token)
    }

    fn api(&self, client: &reqwest::Client, token: &str) -> Api {
        Api {
            client: client.clone(),
            events_urls: self
                .nodes
                .iter()
                .map(|n| format!("{}/api/v1/buses/{BUS}/events", n.base))
                .collect(),
            token: token.to_string(),
            next: Arc::new(AtomicU64::new(0)),
        }
    }
}

impl Node {
    async fn start(bin: &str, url: &str, extra: &[&str], client: &reqwest::Client) -> Node {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let base = format!("http://127.0.0.1:{port}");
        let mut cmd = tokio::process::Command::new(bin);
        cmd.args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            url,
            "--allow-target-network",
            "127.0.0.0/8",
            "--log-format",
            "json",
        ])
        .args(extra);
        if setup().postgres.is_some() {
            cmd.args(["--secret-key", BENCH_SECRET_KEY]);
        }
        // Its warnings go to a file, shown if it does not come up.
        let log = std::env::temp_dir().join(format!(
            "herald-bench-{}-node-{port}.log",
            std::process::id()
        ));
        let log_file = std::fs::File::create(&log).expect("creating the node's log");
        let mut child = cmd
            .env("HERALD_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(log_file)
            .kill_on_drop(true)
            .spawn()
            .expect("starting herald (run `make build` first)");
        let pid = child.id().unwrap_or(0);
        let tail = |log: &PathBuf| {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(20)..].join("\n")
        };
        let mut up = false;
        for _ in 0..1200 {
            if client.get(format!("{base}/healthz")).send().await.is_ok() {
                up = true;
                break;
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("herald exited ({status}) before answering:\n{}", tail(&log));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(
            up,
            "herald did not answer on {base} within 60 s:\n{}",
            tail(&log)
        );
        Node {
            child,
            base,
            pid,
            log,
        }
    }

    /// Stop it as an operator would (SIGTERM), waiting for it to finish.
    async fn stop(mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status();
        if tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .is_err()
        {
            let _ = self.child.kill().await;
        }
        let _ = std::fs::remove_file(&self.log);
    }
}

/// A rule with one HTTP target, on [`SOURCE`].
struct RuleSpec {
    name: String,
    types: Vec<&'static str>,
    url: String,
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

/// The bus's events over the management API, with an AccessKey; requests go to each node
/// in turn.
#[derive(Clone)]
struct Api {
    client: reqwest::Client,
    events_urls: Vec<String>,
    token: String,
    next: Arc<AtomicU64>,
}

impl Api {
    /// The events URL of the node whose turn it is.
    fn events_url(&self) -> &str {
        let n = self.next.fetch_add(1, Ordering::Relaxed) as usize;
        &self.events_urls[n % self.events_urls.len()]
    }

    /// PutEvents with a batch; panics unless it succeeds.
    async fn put(&self, batch: &[Value], content_type: &str) {
        let res = self
            .client
            .post(self.events_url())
            .bearer_auth(&self.token)
            .header("content-type", content_type)
            .body(serde_json::to_vec(batch).unwrap())
            .send()
            .await
            .expect("put events");
        let status = res.status();
        assert!(
            status.is_success(),
            "put events: {status} {}",
            res.text().await.unwrap_or_default()
        );
    }

    /// PutEvents without waiting for or checking the answer's body (fixed-rate runs).
    async fn put_quietly(&self, batch: Vec<Value>) {
        let _ = self
            .client
            .post(self.events_url())
            .bearer_auth(&self.token)
            .header("content-type", BATCH_TYPE)
            .body(serde_json::to_vec(&batch).unwrap())
            .send()
            .await;
    }

    /// The first page of the event list filtered on a type nothing has.
    async fn list_nothing(&self) {
        let res = self
            .client
            .get(format!("{}?type=bench.matches-nothing", self.events_url()))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("list events");
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        assert!(status.is_success(), "list events: {status} {text}");
    }

    /// Put `total` events at full speed from [`SENDERS`] senders, in batches of [`BATCH`].
    async fn full_speed(&self, total: u64, content_type: &str) {
        let per_sender = total / SENDERS as u64;
        let mut set = tokio::task::JoinSet::new();
        for s in 0..SENDERS as u64 {
            let api = self.clone();
            let ct = content_type.to_string();
            set.spawn(async move {
                let mut i = 0;
                while i < per_sender {
                    let n = (per_sender - i).min(BATCH as u64);
                    let batch: Vec<Value> = (0..n).map(|k| event(s * per_sender + i + k)).collect();
                    api.put(&batch, &ct).await;
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

    /// Put `make(tick)` every `every`, `ticks` times, without waiting for the answers
    /// before the next tick; returns when all were answered.
    async fn fixed_rate(&self, every: Duration, ticks: u64, make: impl Fn(u64) -> Vec<Value>) {
        let mut tick = tokio::time::interval(every);
        let mut puts = tokio::task::JoinSet::new();
        for t in 0..ticks {
            tick.tick().await;
            let (api, batch) = (self.clone(), make(t));
            puts.spawn(async move { api.put_quietly(batch).await });
        }
        while puts.join_next().await.is_some() {}
    }
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

/// CPU seconds (user and system) process `pid` has used: fields 14 and 15 of
/// `/proc/PID/stat`, in clock ticks of 1/100 s (Linux's USER_HZ).
fn cpu_seconds(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            // After the command's name, which may hold spaces, in parentheses.
            let rest = &s[s.rfind(')')? + 2..];
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let ticks =
                fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
            Some(ticks / 100.0)
        })
        .unwrap_or(0.0)
}

/// CPU seconds used so far by every PostgreSQL server process on this machine (0 on
/// SQLite).
fn database_cpu_s() -> f64 {
    if setup().postgres.is_none() {
        return 0.0;
    }
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|c| c.trim() == "postgres")
        })
        .map(cpu_seconds)
        .sum()
}

/// A fresh temporary directory for one server.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("herald-bench-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

// ---------------------------------------------------------------------------------------
// Run 1: the fast sink

struct FastSink {
    accepted_in: Duration,
    delivered: u64,
    elapsed: Duration,
    arrived: bool,
    herald_per_s: f64,
    baseline_per_s: f64,
    /// Sorted ingest→sink latencies at the fixed rate, in µs.
    fixed_latencies: Vec<u64>,
    rss_mb: f64,
    /// CPU time of Herald's processes per delivery at full speed, in ms.
    cpu_ms: f64,
    /// The same of PostgreSQL's processes (0 on SQLite, which runs inside Herald's).
    db_cpu_ms: f64,
}

async fn fast_sink_run(bin: &str, client: &reqwest::Client) -> FastSink {
    let (sink, sink_url) = Sink::start().await;
    let forwarder_addr = serve(
        Router::new()
            .route("/events", post(forward))
            .with_state((client.clone(), sink_url.clone())),
    )
    .await;
    let dir = temp_dir("fast");
    let server = Server::start(bin, &dir, &[], client).await;
    let api = server.set_up(client, &[all_projects(sink_url)]).await;

    // Warm up.
    api.full_speed(400, BATCH_TYPE).await;
    assert!(
        sink.wait_for(400, Duration::from_secs(60)).await,
        "warm-up did not arrive"
    );

    // Full speed through Herald.
    sink.reset();
    let (cpu_before, db_cpu_before) = (server.cpu_s(), database_cpu_s());
    let started = Instant::now();
    api.full_speed(FULL_SPEED_EVENTS, BATCH_TYPE).await;
    let accepted_in = started.elapsed();
    let arrived = sink
        .wait_for(FULL_SPEED_EVENTS, Duration::from_secs(300))
        .await;
    let elapsed = started.elapsed();
    let delivered = sink.received.load(Ordering::Relaxed);
    let per_delivery = |cpu_s: f64| cpu_s * 1000.0 / delivered.max(1) as f64;
    let cpu_ms = per_delivery(server.cpu_s() - cpu_before);
    let db_cpu_ms = per_delivery(database_cpu_s() - db_cpu_before);

    // Fixed 1,000 events/s through Herald: batches of 10 every 10 ms.
    sink.reset();
    let total_fixed = FIXED_RATE * FIXED_SECONDS;
    api.fixed_rate(Duration::from_millis(10), total_fixed / 10, |t| {
        (0..10).map(|k| event(1_000_000 + t * 10 + k)).collect()
    })
    .await;
    sink.wait_for(total_fixed, Duration::from_secs(60)).await;
    let mut fixed_latencies = sink.latencies_us.lock().unwrap().clone();
    fixed_latencies.sort_unstable();
    let rss_mb = server.rss_mb();
    server.stop().await;
    let _ = std::fs::remove_dir_all(&dir);

    // The baseline: the bare forwarder at full speed.
    sink.reset();
    let forwarder = Api {
        client: client.clone(),
        events_urls: vec![format!("http://{forwarder_addr}/events")],
        token: "none".into(),
        next: Arc::new(AtomicU64::new(0)),
    };
    let started = Instant::now();
    forwarder
        .full_speed(FULL_SPEED_EVENTS, "application/json")
        .await;
    sink.wait_for(FULL_SPEED_EVENTS, Duration::from_secs(300))
        .await;
    let baseline_per_s =
        sink.received.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();

    FastSink {
        accepted_in,
        delivered,
        elapsed,
        arrived,
        herald_per_s: delivered as f64 / elapsed.as_secs_f64(),
        baseline_per_s,
        fixed_latencies,
        rss_mb,
        cpu_ms,
        db_cpu_ms,
    }
}

// ---------------------------------------------------------------------------------------
// Run 2: mixed receivers

/// What one class of healthy targets got in a mixed run.
struct ClassFigures {
    received: u64,
    expected: u64,
    p50_ms: f64,
    p99_ms: f64,
}

struct Mixed {
    /// The healthy targets' deliveries per second, from the first event sent to the last
    /// healthy answer.
    healthy_per_s: f64,
    fast: ClassFigures,
    slow: ClassFigures,
    /// Connections the black hole accepted (none without it).
    black_hole_connections: u64,
}

async fn mixed_run(bin: &str, client: &reqwest::Client, with_black_hole: bool) -> Mixed {
    let classes: Vec<Class> = std::iter::repeat_n(Class::Fast, FAST_TARGETS)
        .chain(std::iter::repeat_n(Class::Slow, SLOW_TARGETS))
        .collect();
    let (receivers, urls) = Receivers::start(&classes).await;
    let mut rules: Vec<RuleSpec> = classes
        .iter()
        .zip(urls)
        .enumerate()
        .map(|(i, (class, url))| RuleSpec {
            name: format!(
                "{}-{i}",
                if *class == Class::Fast {
                    "fast"
                } else {
                    "slow"
                }
            ),
            types: match class {
                Class::Fast => vec![CREATED, SHARED],
                Class::Slow => vec![SHARED],
            },
            url,
        })
        .collect();
    let (hole_url, hole_connections) = black_hole().await;
    if with_black_hole {
        rules.push(RuleSpec {
            name: "black-hole".into(),
            types: vec![CREATED, SHARED],
            url: hole_url,
        });
    }
    let dir = temp_dir(if with_black_hole { "mixed" } else { "clean" });
    let timeout = MIXED_TIMEOUT_SECS.to_string();
    let server = Server::start(bin, &dir, &["--delivery-timeout-secs", &timeout], client).await;
    let api = server.set_up(client, &rules).await;

    // One event a request at MIXED_RATE; every SLOW_EVERY-th is `project.shared`.
    let events = MIXED_RATE * MIXED_SECONDS;
    let shared = events / SLOW_EVERY;
    let run = now_us();
    let started_us = now_us();
    api.fixed_rate(Duration::from_secs(1) / MIXED_RATE as u32, events, |i| {
        let type_id = if i % SLOW_EVERY == SLOW_EVERY - 1 {
            SHARED
        } else {
            CREATED
        };
        vec![cloud_event(type_id, &format!("mixed-{run}-{i}"), i)]
    })
    .await;
    let expected_fast = FAST_TARGETS as u64 * events;
    let expected_slow = SLOW_TARGETS as u64 * shared;
    let waited = Instant::now();
    while receivers.received() < expected_fast + expected_slow
        && waited.elapsed() < Duration::from_secs(30)
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let delivered = receivers.received();
    let span_s = receivers.last_us().saturating_sub(started_us) as f64 / 1e6;
    server.stop().await;
    let _ = std::fs::remove_dir_all(&dir);

    let figures = |class: Class, expected: u64| {
        let (received, lat) = receivers.class(class);
        ClassFigures {
            received,
            expected,
            p50_ms: percentile(&lat, 0.50),
            p99_ms: percentile(&lat, 0.99),
        }
    };
    Mixed {
        healthy_per_s: if span_s > 0.0 {
            delivered as f64 / span_s
        } else {
            0.0
        },
        fast: figures(Class::Fast, expected_fast),
        slow: figures(Class::Slow, expected_slow),
        black_hole_connections: hole_connections.load(Ordering::Relaxed),
    }
}

// ---------------------------------------------------------------------------------------
// Run 3: history

/// The figures at one size of history.
struct HistoryPoint {
    stored: u64,
    ingest_per_s: f64,
    resent_batch: Duration,
    list: Duration,
}

struct History {
    empty: HistoryPoint,
    seeded: HistoryPoint,
    seed_time: Duration,
}

/// How long `request` takes: the median of [`REPEAT`] timed runs after an untimed one, or
/// the first run alone when it takes a second or more (repeating it would only make the
/// bench longer).
async fn time_request<F: std::future::Future<Output = ()>>(request: impl Fn() -> F) -> Duration {
    let started = Instant::now();
    request().await;
    let first = started.elapsed();
    if first >= Duration::from_secs(1) {
        return first;
    }
    let mut times = Vec::with_capacity(REPEAT);
    for _ in 0..REPEAT {
        let started = Instant::now();
        request().await;
        times.push(started.elapsed());
    }
    median(times)
}

/// List, re-send `resend` (already stored) and ingest [`HISTORY_INGEST`] new events.
async fn history_point(api: &Api, stored: u64, resend: &[Value]) -> HistoryPoint {
    let list = time_request(|| api.list_nothing()).await;
    let resent_batch = time_request(|| api.put(resend, BATCH_TYPE)).await;
    let started = Instant::now();
    api.full_speed(HISTORY_INGEST, BATCH_TYPE).await;
    HistoryPoint {
        stored,
        ingest_per_s: HISTORY_INGEST as f64 / started.elapsed().as_secs_f64(),
        resent_batch,
        list,
    }
}

/// One rule sending every new project to `url`.
fn all_projects(url: String) -> RuleSpec {
    RuleSpec {
        name: "all-projects".into(),
        types: vec![CREATED],
        url,
    }
}

async fn history_run(bin: &str, client: &reqwest::Client) -> History {
    let (_sink, sink_url) = Sink::start().await;
    let dir = temp_dir("history");
    let server = Server::start(bin, &dir, &[], client).await;
    let api = server.set_up(client, &[all_projects(sink_url)]).await;

    // At 0: a first batch, to have something to re-send.
    let run = now_us();
    let first: Vec<Value> = (0..BATCH as u64)
        .map(|i| cloud_event(CREATED, &format!("history-{run}-{i}"), i))
        .collect();
    api.put(&first, BATCH_TYPE).await;
    let empty = history_point(&api, 0, &first).await;
    let url = server.url.clone();
    server.stop().await;

    // 1,000,000 events straight into the database, as if received one a second until now.
    let started = Instant::now();
    // The server's default log limit (`--wal-limit-mib 64`).
    let pool = store::connect(&url, 64 * 1024 * 1024)
        .await
        .expect("opening the bench database");
    let account_id = store::accounts::find_login_by_email(&pool, "bench@example.com")
        .await
        .expect("reading the account")
        .expect("the bench account")
        .account_id;
    let bus_id = store::events::bus_for_ingest(&pool, account_id, BUS)
        .await
        .expect("reading the bus")
        .expect("the bench bus")
        .id;
    let template = cloud_event(CREATED, "template", 0).to_string();
    let seeded =
        store::events::seed_bench_history(&pool, account_id, bus_id, &template, HISTORY_EVENTS)
            .await
            .expect("seeding the history");
    pool.close().await;
    let seed_time = started.elapsed();

    // At 1,000,000: re-send 100 of the seeded events, spread over the history.
    let server = Server::start_on(bin, &url, &[], client).await;
    let api = server.api(client, &api.token);
    let step = (HISTORY_EVENTS / BATCH as u64).max(1);
    let old: Vec<Value> = (0..BATCH as u64)
        .map(|k| {
            let i = 1 + k * step;
            cloud_event(CREATED, &format!("bench-seed-{i}"), i)
        })
        .collect();
    let at_seeded = history_point(&api, seeded, &old).await;
    server.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
    History {
        empty,
        seeded: at_seeded,
        seed_time,
    }
}

// ---------------------------------------------------------------------------------------

fn print_mixed(label: &str, m: &Mixed) {
    println!(
        "  {label}: healthy {:.0} deliveries/s; 20 ms targets p50 {:.1} ms, p99 {:.1} ms ({}/{}); 300 ms targets p50 {:.1} ms, p99 {:.1} ms ({}/{}){}",
        m.healthy_per_s,
        m.fast.p50_ms,
        m.fast.p99_ms,
        m.fast.received,
        m.fast.expected,
        m.slow.p50_ms,
        m.slow.p99_ms,
        m.slow.received,
        m.slow.expected,
        if m.black_hole_connections > 0 {
            format!("; black hole took {} connections", m.black_hole_connections)
        } else {
            String::new()
        }
    );
}

fn print_history(p: &HistoryPoint) {
    println!(
        "  at {:>9} events: ingest {:.0} events/s; re-sent batch of {BATCH} {:.1} ms; filtered list first page {:.1} ms",
        p.stored,
        p.ingest_per_s,
        ms(p.resent_batch),
        ms(p.list)
    );
}

fn met(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "NOT MET"
    }
}

fn print_fast_sink(fast: &FastSink) {
    let lat = &fast.fixed_latencies;
    println!("1. fast sink");
    println!(
        "full speed: {FULL_SPEED_EVENTS} events in batches of {BATCH} from {SENDERS} senders: accepted in {:.2} s, {} delivered in {:.2} s{}",
        fast.accepted_in.as_secs_f64(),
        fast.delivered,
        fast.elapsed.as_secs_f64(),
        if fast.arrived { "" } else { " (NOT ALL ARRIVED)" }
    );
    println!("  Herald   {:.0} deliveries/s", fast.herald_per_s);
    println!(
        "  baseline {:.0} deliveries/s (receive and forward, nothing stored)",
        fast.baseline_per_s
    );
    println!(
        "fixed {FIXED_RATE} events/s for {FIXED_SECONDS} s: ingest→sink p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms ({} samples)",
        percentile(lat, 0.50),
        percentile(lat, 0.95),
        percentile(lat, 0.99),
        lat.len()
    );
    println!("peak RSS of the server: {:.1} MB", fast.rss_mb);
    if setup().postgres.is_some() {
        println!(
            "CPU per delivery at full speed: Herald {:.3} ms, PostgreSQL {:.3} ms",
            fast.cpu_ms, fast.db_cpu_ms
        );
    } else {
        println!("CPU per delivery at full speed: {:.3} ms", fast.cpu_ms);
    }
}

fn print_mixed_receivers(mixed: &Mixed, clean: &Mixed) {
    println!(
        "2. mixed receivers: {FAST_TARGETS} targets at {} ms, {SLOW_TARGETS} at {} ms (every {SLOW_EVERY}th event), 1 black hole; {MIXED_RATE} events/s for {MIXED_SECONDS} s; --delivery-timeout-secs {MIXED_TIMEOUT_SECS}",
        FAST_DELAY.as_millis(),
        SLOW_DELAY.as_millis()
    );
    print_mixed("with the black hole   ", mixed);
    print_mixed("without the black hole", clean);
    let kept = mixed.healthy_per_s / clean.healthy_per_s;
    println!(
        "  aim: healthy targets keep ≥ 80 % of their throughput: {:.0} %, {}",
        kept * 100.0,
        met(kept >= 0.8)
    );
    for (class, figures) in [(Class::Fast, &mixed.fast), (Class::Slow, &mixed.slow)] {
        println!(
            "  aim: {} ms targets' p99 ≤ {:.0} ms: {:.1} ms, {}",
            class.delay().as_millis(),
            class.p99_aim_ms(),
            figures.p99_ms,
            met(figures.p99_ms <= class.p99_aim_ms())
        );
    }
}

fn print_history_section(history: &History) {
    println!(
        "3. history ({} events seeded into the database in {:.1} s, server stopped)",
        history.seeded.stored,
        history.seed_time.as_secs_f64()
    );
    print_history(&history.empty);
    print_history(&history.seeded);
}

#[tokio::main]
async fn main() {
    let bin = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/release/herald".into());
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let started = Instant::now();

    // Each run prints as soon as it ends.
    match (&setup().postgres, setup().nodes) {
        (None, _) => {
            println!("Herald bench (2 cores; release build; SQLite in a temporary directory)")
        }
        (Some(_), nodes) => println!(
            "Herald bench (2 cores; release build; PostgreSQL, a fresh database per run; \
             {nodes} node{})",
            if nodes == 1 { "" } else { "s" }
        ),
    }
    let fast = fast_sink_run(&bin, &client).await;
    print_fast_sink(&fast);
    if std::env::var("RUNS").as_deref() == Ok("fast") {
        println!(
            "bench: deliveries_per_s={:.0} baseline_per_s={:.0} ratio={:.2} cpu_ms={:.3} db_cpu_ms={:.3}",
            fast.herald_per_s,
            fast.baseline_per_s,
            fast.herald_per_s / fast.baseline_per_s,
            fast.cpu_ms,
            fast.db_cpu_ms,
        );
        return;
    }
    let mixed = mixed_run(&bin, &client, true).await;
    let clean = mixed_run(&bin, &client, false).await;
    print_mixed_receivers(&mixed, &clean);
    eprintln!("bench: seeding {HISTORY_EVENTS} events takes a minute or two");
    let history = history_run(&bin, &client).await;
    print_history_section(&history);
    println!("total bench time {:.0} s", started.elapsed().as_secs_f64());

    let lat = &fast.fixed_latencies;
    println!(
        "bench: deliveries_per_s={:.0} baseline_per_s={:.0} ratio={:.2} p50_ms={:.1} p95_ms={:.1} p99_ms={:.1} rss_mb={:.1} cpu_ms={:.3} db_cpu_ms={:.3} mixed_healthy_per_s={:.0} mixed_clean_per_s={:.0} mixed_p99_ms={:.1} resent_batch_ms={:.1} list_ms={:.1}",
        fast.herald_per_s,
        fast.baseline_per_s,
        fast.herald_per_s / fast.baseline_per_s,
        percentile(lat, 0.50),
        percentile(lat, 0.95),
        percentile(lat, 0.99),
        fast.rss_mb,
        fast.cpu_ms,
        fast.db_cpu_ms,
        mixed.healthy_per_s,
        clean.healthy_per_s,
        mixed.fast.p99_ms,
        ms(history.seeded.resent_batch),
        ms(history.seeded.list),
    );
}

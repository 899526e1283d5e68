//! PutEvents and the delivery engine against the real server: AccessKey authentication, the
//! three CloudEvents modes, batch validation and limits, duplicates, rule matching, HTTP
//! deliveries in every payload format (Standard Webhooks signature checked by the receiver,
//! the same webhook-id across retries), DingTalk messages and permanent failures, SMS
//! targets without a provider, and `/metrics`.
//!
//! The delivery log UI does not exist yet, so deliveries and attempts are read straight from
//! the SQLite file.

use crate::common::{TestApp, Visitor};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode as AxStatus};
use axum::routing::post;
use axum::{Json, Router};
use herald::domain::catalog;
use herald::server::config::RetrySchedule;
use herald::server::delivery::sign::{standard_webhooks_verify, WebhookSecret};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::AnyPool as SqlitePool;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BUS: &str = "pai-system-team";
const DING_TOKEN: &str = "ding-good-token";
const DING_SECRET: &str = "SECdingtalk-fake-secret-0123456789";

const STRUCTURED: &str = "application/cloudevents+json";
const BATCH: &str = "application/cloudevents-batch+json";

const DLC: &str = "pai.dlc";
const JOB_FAILED: &str = "dlc:Job:Failed";
const MODEL: &str = "pai.model";
const APPROVED: &str = "model:ModelVersion:Approved";
/// The `time` the test events carry, and its Unix seconds.
const TIME: &str = "2025-11-07T03:19:30Z";
const TIME_UNIX: i64 = 1_762_485_570;

// ---------------------------------------------------------------------------------------
// Loopback fakes: a DingTalk robot that checks the token and the signature as DingTalk
// does, and an HTTP receiver that verifies Standard Webhooks signatures, answers as told
// and records everything.

/// One request the HTTP receiver got.
#[derive(Debug, Clone)]
struct Hit {
    /// The last path segment: which target sent it.
    name: String,
    headers: HashMap<String, String>,
    body: Vec<u8>,
    /// The signature verified with the secret of that target.
    verified: bool,
    /// What the receiver answered.
    status: u16,
}

impl Hit {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(String::as_str).unwrap_or("")
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {:?}", self.body))
    }
}

#[derive(Clone, Default)]
struct Fakes {
    /// DingTalk: (errcode answered, body).
    ding: Arc<Mutex<Vec<(i64, Value)>>>,
    /// WeCom: every body received (always answered `errcode` 0).
    wecom: Arc<Mutex<Vec<Value>>>,
    hits: Arc<Mutex<Vec<Hit>>>,
    /// The whsec secret of each receiver name, set once save_rule returns it.
    secrets: Arc<Mutex<HashMap<String, WebhookSecret>>>,
    /// Statuses to answer before the default (204 if verified, else 401).
    script: Arc<Mutex<HashMap<String, VecDeque<u16>>>>,
}

impl Fakes {
    fn hits(&self, name: &str) -> Vec<Hit> {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .filter(|h| h.name == name)
            .cloned()
            .collect()
    }

    fn ding_with(&self, code: i64) -> Vec<Value> {
        self.ding
            .lock()
            .unwrap()
            .iter()
            .filter(|(c, _)| *c == code)
            .map(|(_, b)| b.clone())
            .collect()
    }

    fn answer_first(&self, name: &str, statuses: &[u16]) {
        self.script
            .lock()
            .unwrap()
            .insert(name.to_string(), statuses.iter().copied().collect());
    }

    /// Take the secrets save_rule generated: `names[i]` is the receiver of target `i`.
    fn learn_secrets(&self, saved: &Value, names: &[&str]) {
        let secrets = saved["new_secrets"].as_array().expect("new_secrets");
        assert_eq!(secrets.len(), names.len(), "{saved}");
        for s in secrets {
            let pos = s["position"].as_u64().unwrap() as usize;
            let text = s["secret"].as_str().unwrap();
            assert!(text.starts_with("whsec_"), "{text}");
            self.secrets
                .lock()
                .unwrap()
                .insert(names[pos].to_string(), WebhookSecret::parse(text).unwrap());
        }
    }
}

async fn dingtalk(
    State(fakes): State<Fakes>,
    Query(q): Query<HashMap<String, String>>,
    Json(body): Json<Value>,
) -> Json<Value> {
    let answer = |code: i64, msg: &str| {
        fakes.ding.lock().unwrap().push((code, body.clone()));
        Json(json!({"errcode": code, "errmsg": msg}))
    };
    let (code, msg) = crate::common::dingtalk_verdict(&q, DING_TOKEN, DING_SECRET);
    if code != 0 {
        return answer(code, msg);
    }
    if body["msgtype"] != "markdown" {
        return answer(40035, "invalid parameter");
    }
    answer(0, "ok")
}

async fn wecom(State(fakes): State<Fakes>, Json(body): Json<Value>) -> Json<Value> {
    fakes.wecom.lock().unwrap().push(body);
    Json(json!({"errcode": 0, "errmsg": "ok"}))
}

async fn receiver(
    State(fakes): State<Fakes>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> AxStatus {
    let headers: HashMap<String, String> = headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                v.to_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let h = |n: &str| headers.get(n).cloned().unwrap_or_default();
    let verified = match fakes.secrets.lock().unwrap().get(&name) {
        Some(secret) => standard_webhooks_verify(
            secret,
            &h("webhook-id"),
            h("webhook-timestamp").parse().unwrap_or(0),
            &body,
            &h("webhook-signature"),
            crate::common::now_s(),
        ),
        None => false,
    };
    let scripted = fakes
        .script
        .lock()
        .unwrap()
        .get_mut(&name)
        .and_then(VecDeque::pop_front);
    let status = scripted.unwrap_or(if verified { 204 } else { 401 });
    fakes.hits.lock().unwrap().push(Hit {
        name,
        headers,
        body: body.to_vec(),
        verified,
        status,
    });
    AxStatus::from_u16(status).unwrap()
}

/// Start the fakes; returns their base URL.
async fn fakes() -> (String, Fakes) {
    let fakes = Fakes::default();
    let app = Router::new()
        .route("/robot/send", post(dingtalk))
        .route("/cgi-bin/webhook/send", post(wecom))
        .route("/hook/{name}", post(receiver))
        .with_state(fakes.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), fakes)
}

// ---------------------------------------------------------------------------------------
// Herald, its owner, rules and keys.

/// A Herald that may reach loopback and retries after 100 ms, then 200 ms.
async fn herald() -> TestApp {
    TestApp::spawn_with(|a| {
        a.allow_target_networks = vec!["127.0.0.0/8".into()];
        a.retry_schedule = RetrySchedule::parse("100ms,200ms").unwrap();
    })
    .await
}

/// An owner with the workspace `team` activated and permissions granted.
async fn owner(app: &TestApp, email: &str) -> Visitor {
    app.team_owner(email, true).await
}

/// Save a new rule on the bus, whatever the answer.
async fn save_new(v: &mut Visitor, rule: &Value) -> crate::common::Reply {
    v.call_json(
        "save_rule",
        &json!({"bus": BUS, "original": null, "rule": rule}),
    )
    .await
}

/// Save a new rule on the bus and expect success; returns the SavedRule.
async fn save_ok(v: &mut Visitor, rule: &Value) -> Value {
    v.save_new_rule(BUS, rule).await
}

fn dlc_rule(name: &str, targets: Value) -> Value {
    json!({
        "name": name,
        "enabled": true,
        "source": DLC,
        "types": [JOB_FAILED],
        "pattern": "",
        "targets": targets,
    })
}

fn ding(base: &str, secret: &str) -> Value {
    json!({"config": {"kind": "dingtalk", "url": format!("{base}/robot/send?access_token={DING_TOKEN}"), "secret": secret}})
}

fn http(base: &str, name: &str, format: &str) -> Value {
    json!({"config": {"kind": "http", "url": format!("{base}/hook/{name}"), "payload_format": format}})
}

/// Save rule `name` on `source`/`types` with an HTTP target per `(receiver, payload format)`,
/// and teach the receiver the secrets it was given; the saved rule.
async fn save_hooks(
    v: &mut Visitor,
    (base, fakes): (&str, &Fakes),
    name: &str,
    (source, types): (&str, Value),
    receivers: &[(&str, &str)],
) -> Value {
    let targets: Vec<Value> = receivers
        .iter()
        .map(|(receiver, format)| http(base, receiver, format))
        .collect();
    let saved = save_ok(
        v,
        &json!({"name": name, "source": source, "types": types, "targets": targets}),
    )
    .await;
    let names: Vec<&str> = receivers.iter().map(|(receiver, _)| *receiver).collect();
    fakes.learn_secrets(&saved, &names);
    saved
}

/// A new AccessKey: (its id, its token).
async fn access_key(v: &mut Visitor) -> (i64, String) {
    let r = v.call("create_access_key", &[("name", "ci")]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let k = r.json();
    let token = k["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("hk_"), "{token}");
    (k["key"]["id"].as_i64().unwrap(), token)
}

// ---------------------------------------------------------------------------------------
// Events and PutEvents.

/// A CloudEvent of the catalog with its sample data.
fn event(source: &str, event_type: &str, id: &str) -> Value {
    let data = catalog::event_type(source, event_type)
        .unwrap_or_else(|| panic!("{source} {event_type} in the catalog"))
        .sample_data();
    json!({"specversion": "1.0", "id": id, "source": source, "type": event_type, "time": TIME, "data": data})
}

fn dlc_failed(id: &str, job_name: &str) -> Value {
    let mut e = event(DLC, JOB_FAILED, id);
    e["data"]["job"]["name"] = json!(job_name);
    e
}

/// What PutEvents answered: its status and its body (JSON, or the text as a string).
#[derive(Debug)]
struct Put {
    status: StatusCode,
    body: Value,
}

impl Put {
    fn entry(&self, i: usize) -> &Value {
        &self.body["Entries"][i]
    }

    fn herald_id(&self, i: usize) -> i64 {
        self.entry(i)["HeraldEventId"]
            .as_i64()
            .unwrap_or_else(|| panic!("entry {i} has no HeraldEventId: {self:?}"))
    }
}

/// PutEvents, once: no retry, so a put refused while workers write (SQLITE_BUSY, fixed
/// with BEGIN IMMEDIATE) shows as a failure.
async fn put_raw(
    app: &TestApp,
    auth: Option<&str>,
    content_type: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Put {
    send_put(app, auth, content_type, headers, body).await
}

/// PutEvents, once.
async fn send_put(
    app: &TestApp,
    auth: Option<&str>,
    content_type: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Put {
    let mut all = vec![("content-type", content_type)];
    all.extend(auth.map(|a| ("authorization", a)));
    all.extend_from_slice(headers);
    post_exact(app, &format!("/api/v1/buses/{BUS}/events"), &all, body).await
}

/// A POST to `path` with exactly these headers (none added), once.
async fn post_exact(app: &TestApp, path: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Put {
    let mut req = reqwest::Client::new()
        .post(format!("{}{path}", app.base()))
        .body(body);
    for (n, v) in headers {
        req = req.header(*n, *v);
    }
    let res = req.send().await.expect("request sent");
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Put { status, body }
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

async fn put_one(app: &TestApp, token: &str, event: &Value) -> Put {
    put_raw(
        app,
        Some(&bearer(token)),
        STRUCTURED,
        &[],
        serde_json::to_vec(event).unwrap(),
    )
    .await
}

async fn put_batch(app: &TestApp, token: &str, events: &[Value]) -> Put {
    put_raw(
        app,
        Some(&bearer(token)),
        BATCH,
        &[],
        serde_json::to_vec(events).unwrap(),
    )
    .await
}

/// Put and expect 200 with no failed entry.
async fn put_ok(app: &TestApp, token: &str, event: &Value) -> Put {
    let p = put_one(app, token, event).await;
    assert_eq!(p.status, StatusCode::OK, "{p:?}");
    assert_eq!(p.body["FailedEntryCount"], 0, "{p:?}");
    p
}

// ---------------------------------------------------------------------------------------
// The database, read directly.

async fn db(app: &TestApp) -> SqlitePool {
    crate::common::read_db(&app.url).await
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct Delivery {
    id: i64,
    rule: Option<String>,
    kind: String,
    webhook_id: String,
    status: String,
    attempts: i64,
    last_reason: Option<String>,
    last_detail: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct Attempt {
    number: i64,
    response_status: Option<i64>,
    response_body: Option<String>,
    reason: String,
    request: String,
}

async fn deliveries(pool: &SqlitePool, event_id: i64) -> Vec<Delivery> {
    sqlx::query_as(
        "SELECT d.id, r.name AS rule, d.kind, d.webhook_id, d.status, d.attempts, d.last_reason,
                d.last_detail
         FROM deliveries d LEFT JOIN rules r ON r.id = d.rule_id
         WHERE d.event_id = $1 ORDER BY d.id",
    )
    .bind(event_id)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn attempts(pool: &SqlitePool, delivery_id: i64) -> Vec<Attempt> {
    sqlx::query_as(
        "SELECT number, response_status, response_body, reason, request FROM attempts
         WHERE delivery_id = $1 ORDER BY number",
    )
    .bind(delivery_id)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn count(pool: &SqlitePool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// Wait until no delivery of the event is pending; its deliveries then.
async fn settled(pool: &SqlitePool, event_id: i64) -> Vec<Delivery> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let ds = deliveries(pool, event_id).await;
        if ds.iter().all(|d| d.status != "pending") {
            return ds;
        }
        assert!(
            Instant::now() < deadline,
            "deliveries still pending: {ds:#?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

fn of_rule<'a>(ds: &'a [Delivery], rule: &str) -> &'a Delivery {
    ds.iter()
        .find(|d| d.rule.as_deref() == Some(rule))
        .unwrap_or_else(|| panic!("no delivery of rule {rule}: {ds:#?}"))
}

async fn metrics(app: &TestApp) -> String {
    let res = reqwest::Client::new()
        .get(format!("{}/metrics", app.base()))
        .bearer_auth(crate::common::METRICS_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let ct = res.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ct.starts_with("text/plain"), "{ct}");
    res.text().await.unwrap()
}

// ---------------------------------------------------------------------------------------
// 1. AccessKeys.

#[tokio::test]
async fn put_events_needs_a_valid_unrevoked_access_key_of_the_bus_owner() {
    let app = herald().await;
    let mut ada = owner(&app, "ada@example.com").await;
    let (key_id, token) = access_key(&mut ada).await;
    let body = serde_json::to_vec(&dlc_failed("auth-1", "nightly-a")).unwrap();

    let (key_part, secret_part) = token["hk_".len()..].split_once('_').unwrap();
    let tampered = format!("Bearer hk_{key_part}_{}x", secret_part);
    let refused: Vec<Option<String>> = vec![
        None,
        Some("garbage".into()),
        Some("Bearer garbage".into()),
        Some("Bearer hk_000000000000_nope".into()),
        Some(format!("Basic {token}")),
        Some(token.clone()),
        Some(tampered),
    ];
    for auth in &refused {
        let p = put_raw(&app, auth.as_deref(), STRUCTURED, &[], body.clone()).await;
        assert_eq!(p.status, StatusCode::UNAUTHORIZED, "{auth:?}: {p:?}");
        assert_eq!(p.body["code"], "unauthorized", "{auth:?}: {p:?}");
        assert!(
            p.body["message"].as_str().unwrap_or("").contains("Bearer"),
            "{p:?}"
        );
        assert!(!p.body.to_string().contains(secret_part), "{p:?}");
    }
    let pool = db(&app).await;
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM events").await, 0);

    let ok = put_raw(&app, Some(&bearer(&token)), STRUCTURED, &[], body.clone()).await;
    assert_eq!(ok.status, StatusCode::OK, "{ok:?}");
    assert_eq!(ok.body["FailedEntryCount"], 0);
    assert_eq!(ok.entry(0)["EventId"], "auth-1");
    let ada_event = ok.herald_id(0);
    // "bearer" in lower case is the same scheme.
    let lower = put_raw(
        &app,
        Some(&format!("bearer {token}")),
        STRUCTURED,
        &[],
        serde_json::to_vec(&dlc_failed("auth-lower", "x")).unwrap(),
    )
    .await;
    assert_eq!(lower.status, StatusCode::OK, "{lower:?}");

    // Revoked: refused at once; another key of the same user still works.
    let r = ada
        .call("revoke_access_key", &[("id", &key_id.to_string())])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let p = put_one(&app, &token, &dlc_failed("auth-2", "x")).await;
    assert_eq!(p.status, StatusCode::UNAUTHORIZED, "{p:?}");
    assert_eq!(p.body["code"], "unauthorized");
    let (_, second) = access_key(&mut ada).await;
    put_ok(&app, &second, &dlc_failed("auth-3", "x")).await;

    // Bob's key: Ada's bus does not exist for him.
    let mut bob = app.signed_up("bob@example.com").await;
    let (_, bob_token) = access_key(&mut bob).await;
    let p = put_one(&app, &bob_token, &dlc_failed("bob-1", "x")).await;
    assert_eq!(p.status, StatusCode::NOT_FOUND, "{p:?}");
    assert_eq!(p.body["code"], "not_found", "{p:?}");
    assert_eq!(
        bob.create_workspace("elsewhere").await.status,
        StatusCode::OK
    );
    bob.call("activate_event_bridge", &[]).await;
    let p = put_one(&app, &bob_token, &dlc_failed("bob-2", "x")).await;
    assert_eq!(p.status, StatusCode::NOT_FOUND, "{p:?}");
    // A bus of the same name in Bob's account is his own: Ada's event id is new there.
    assert_eq!(bob.create_workspace("team").await.status, StatusCode::OK);
    bob.call("activate_event_bridge", &[]).await;
    let p = put_one(&app, &bob_token, &dlc_failed("auth-1", "x")).await;
    assert_eq!(p.status, StatusCode::OK, "{p:?}");
    assert!(p.entry(0).get("Duplicate").is_none(), "{p:?}");
    assert_ne!(p.herald_id(0), ada_event);

    let ada_events: Vec<String> = sqlx::query_scalar(
        "SELECT e.ce_id FROM events e JOIN users u ON u.account_id = e.account_id
         WHERE u.email = 'ada@example.com' ORDER BY e.id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(ada_events, ["auth-1", "auth-lower", "auth-3"]);
    let bob_events: Vec<String> = sqlx::query_scalar(
        "SELECT e.ce_id FROM events e JOIN users u ON u.account_id = e.account_id
         WHERE u.email = 'bob@example.com' ORDER BY e.id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(bob_events, ["auth-1"]);
}

// ---------------------------------------------------------------------------------------
// 2. HTTP targets: signatures, payload formats, retries with a stable webhook-id.

#[tokio::test]
async fn http_targets_get_signed_payloads_in_each_format_and_retries_keep_the_webhook_id() {
    let (base, fakes) = fakes().await;
    let app = herald().await;
    let mut v = owner(&app, "ada@example.com").await;
    save_hooks(
        &mut v,
        (&base, &fakes),
        "model-hooks",
        (MODEL, json!([APPROVED])),
        &[
            ("std", "standard"),
            ("structured", "cloudevents_structured"),
            ("binary", "cloudevents_binary"),
        ],
    )
    .await;
    fakes.answer_first("std", &[503]);
    let (_, token) = access_key(&mut v).await;

    let mut e = event(MODEL, APPROVED, "mv-approved-1");
    e["subject"] = json!("model version 1.3.0");
    let sample = e["data"].clone();
    let p = put_ok(&app, &token, &e).await;
    assert_eq!(p.entry(0)["EventId"], "mv-approved-1");
    assert_eq!(p.entry(0)["Deliveries"], 3, "{p:?}");
    let id = p.herald_id(0);

    let pool = db(&app).await;
    let ds = settled(&pool, id).await;
    assert_eq!(ds.len(), 3, "{ds:#?}");
    assert!(
        ds.iter()
            .all(|d| d.status == "delivered" && d.kind == "http"),
        "{ds:#?}"
    );
    let ids: std::collections::HashSet<&str> = ds.iter().map(|d| d.webhook_id.as_str()).collect();
    assert_eq!(ids.len(), 3, "each delivery has its own webhook-id");

    // Standard template, first refused with 503, then accepted: two attempts, one id.
    let std_delivery = &ds[0];
    assert_eq!(std_delivery.attempts, 2, "{std_delivery:?}");
    let tries = attempts(&pool, std_delivery.id).await;
    assert_eq!(tries.len(), 2, "{tries:#?}");
    assert_eq!((tries[0].number, tries[0].response_status), (1, Some(503)));
    assert_eq!(tries[0].reason, "http_status");
    assert_eq!((tries[1].number, tries[1].response_status), (2, Some(204)));
    assert_eq!(tries[1].reason, "delivered");
    assert!(
        tries[0].request.contains(&std_delivery.webhook_id),
        "{}",
        tries[0].request
    );
    let hits = fakes.hits("std");
    assert_eq!(hits.len(), 2, "{hits:#?}");
    assert_eq!(
        hits.iter().map(|h| h.status).collect::<Vec<_>>(),
        [503, 204]
    );
    for h in &hits {
        assert!(h.verified, "signature did not verify: {h:#?}");
        assert_eq!(h.header("webhook-id"), std_delivery.webhook_id);
        assert_eq!(h.header("content-type"), "application/json");
        let mut expected = sample.clone();
        expected["event_type"] = json!(APPROVED);
        expected["timestamp"] = json!(TIME_UNIX);
        assert_eq!(h.json(), expected);
        assert!(h.headers.keys().all(|k| !k.starts_with("ce-")), "{h:#?}");
    }

    // CloudEvents structured: the whole event.
    let hits = fakes.hits("structured");
    assert_eq!(hits.len(), 1, "{hits:#?}");
    let h = &hits[0];
    assert!(h.verified, "{h:#?}");
    assert_eq!(h.header("webhook-id"), ds[1].webhook_id);
    assert_eq!(h.header("content-type"), "application/cloudevents+json");
    let ce = h.json();
    assert_eq!(ce["specversion"], "1.0");
    assert_eq!(ce["id"], "mv-approved-1");
    assert_eq!(ce["source"], MODEL);
    assert_eq!(ce["type"], APPROVED);
    assert_eq!(ce["subject"], "model version 1.3.0");
    assert_eq!(ce["time"], TIME);
    assert_eq!(ce["data"], sample);

    // CloudEvents binary: attributes in ce-* headers (percent-encoded), data as the body.
    let hits = fakes.hits("binary");
    assert_eq!(hits.len(), 1, "{hits:#?}");
    let h = &hits[0];
    assert!(h.verified, "{h:#?}");
    assert_eq!(h.header("webhook-id"), ds[2].webhook_id);
    assert_eq!(h.header("content-type"), "application/json");
    assert_eq!(h.header("ce-specversion"), "1.0");
    assert_eq!(h.header("ce-id"), "mv-approved-1");
    assert_eq!(h.header("ce-source"), MODEL);
    assert_eq!(h.header("ce-type"), APPROVED);
    assert_eq!(h.header("ce-time"), TIME);
    assert_eq!(h.header("ce-subject"), "model%20version%201.3.0");
    assert!(!h.headers.contains_key("ce-data"), "{h:#?}");
    assert_eq!(h.json(), sample);

    // An event put in binary mode arrives with its attributes decoded.
    let data = serde_json::to_vec(&sample).unwrap();
    let p = put_raw(
        &app,
        Some(&bearer(&token)),
        "application/json",
        &[
            ("ce-specversion", "1.0"),
            ("ce-id", "mv-approved-2"),
            ("ce-source", MODEL),
            ("ce-type", APPROVED),
            ("ce-subject", "model%20v2"),
            ("ce-time", TIME),
        ],
        data,
    )
    .await;
    assert_eq!(p.status, StatusCode::OK, "{p:?}");
    assert_eq!(p.entry(0)["EventId"], "mv-approved-2");
    assert_eq!(p.entry(0)["Deliveries"], 3);
    let ds2 = settled(&pool, p.herald_id(0)).await;
    assert!(ds2.iter().all(|d| d.status == "delivered"), "{ds2:#?}");
    assert_eq!(ds2[0].attempts, 1, "no scripted failure this time");
    let h = fakes.hits("structured").pop().unwrap();
    let ce = h.json();
    assert_eq!(ce["id"], "mv-approved-2");
    assert_eq!(ce["subject"], "model v2");
    assert_eq!(ce["datacontenttype"], "application/json");
    assert_eq!(ce["data"], sample);
    let h = fakes.hits("binary").pop().unwrap();
    assert_eq!(h.header("ce-id"), "mv-approved-2");
    assert_eq!(h.header("ce-subject"), "model%20v2");
    assert!(fakes.hits.lock().unwrap().iter().all(|h| h.verified));

    // Binary mode without ce-specversion names the header's attribute.
    let p = put_raw(
        &app,
        Some(&bearer(&token)),
        "application/json",
        &[("ce-id", "x"), ("ce-source", MODEL), ("ce-type", APPROVED)],
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST, "{p:?}");
    assert_eq!(p.entry(0)["ErrorField"], "specversion", "{p:?}");
}

// ---------------------------------------------------------------------------------------
// 3. DingTalk: the message, and a wrong signing key failing once, for good.

#[tokio::test]
async fn dingtalk_gets_a_signed_markdown_message_and_a_wrong_key_fails_without_retry() {
    let (base, fakes) = fakes().await;
    let app = herald().await;
    let mut v = owner(&app, "ada@example.com").await;
    save_ok(
        &mut v,
        &dlc_rule("ding-ok", json!([ding(&base, DING_SECRET)])),
    )
    .await;
    save_ok(
        &mut v,
        &dlc_rule(
            "ding-bad",
            json!([ding(&base, "SECsomebody-elses-key-000")]),
        ),
    )
    .await;
    let (_, token) = access_key(&mut v).await;

    let p = put_ok(
        &app,
        &token,
        &dlc_failed("job-failed-1", "nightly-train-resnet50"),
    )
    .await;
    assert_eq!(p.entry(0)["Deliveries"], 2, "{p:?}");
    let id = p.herald_id(0);
    let pool = db(&app).await;
    let ds = settled(&pool, id).await;

    let ok = of_rule(&ds, "ding-ok");
    assert_eq!(
        (ok.status.as_str(), ok.attempts),
        ("delivered", 1),
        "{ok:?}"
    );
    assert_eq!(ok.kind, "dingtalk");
    let sent = fakes.ding_with(0);
    assert_eq!(sent.len(), 1, "{sent:#?}");
    let msg = &sent[0];
    assert_eq!(msg["msgtype"], "markdown");
    let text = msg["markdown"]["text"].as_str().unwrap();
    assert!(text.contains("**Workspace:** team"), "{text}");
    assert!(text.contains(JOB_FAILED), "{text}");
    assert!(text.contains("nightly-train-resnet50"), "{text}");
    assert!(text.contains("ding-ok"), "rule named: {text}");
    // "[Open in Herald](<public URL>/…/events/<id>)"
    let link = text
        .split("](")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .unwrap_or_else(|| panic!("no link in {text}"));
    assert!(link.starts_with(&app.base()), "{link}");
    assert!(link.ends_with(&format!("/events/{id}")), "{link}");
    assert!(
        msg["markdown"]["title"].as_str().unwrap().contains("team"),
        "{msg}"
    );
    // The recorded request never shows the token or the signing key.
    let attempt = &attempts(&pool, ok.id).await[0];
    let recorded = &attempt.request;
    assert!(!recorded.contains(DING_TOKEN), "{recorded}");
    assert!(!recorded.contains(DING_SECRET), "{recorded}");
    // The robot's answer is kept, success included.
    assert_eq!(
        attempt.response_body.as_deref(),
        Some(r#"{"errcode":0,"errmsg":"ok"}"#),
        "{attempt:?}"
    );

    let bad = of_rule(&ds, "ding-bad");
    assert_eq!(bad.status, "failed", "{bad:?}");
    assert_eq!(bad.attempts, 1, "{bad:?}");
    assert_eq!(bad.last_reason.as_deref(), Some("signature_mismatch"));
    assert!(
        bad.last_detail
            .as_deref()
            .unwrap_or("")
            .contains("sign not match"),
        "{bad:?}"
    );
    // Past the whole retry schedule (100 ms, 200 ms, ±20 %): still one attempt.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let again = deliveries(&pool, id).await;
    let bad = of_rule(&again, "ding-bad");
    assert_eq!((bad.status.as_str(), bad.attempts), ("failed", 1));
    assert_eq!(attempts(&pool, bad.id).await.len(), 1);
    assert_eq!(
        fakes.ding_with(310000).len(),
        1,
        "no retry reached DingTalk"
    );
    assert_eq!(fakes.ding_with(0).len(), 1);
}

// ---------------------------------------------------------------------------------------
// 4. Batches, limits, content types, and DataRobot's required fields.

#[tokio::test]
async fn batches_report_each_entry_and_limits_are_enforced() {
    let app = herald().await;
    let mut v = owner(&app, "ada@example.com").await;
    let (_, token) = access_key(&mut v).await;
    // A system bus accepts unknown types by default; this one refuses them, named.
    assert_eq!(
        set_unknown_types(&mut v, BUS, "refuse").await.status,
        StatusCode::OK
    );
    let pool = db(&app).await;

    let mut unknown = dlc_failed("batch-2", "x");
    unknown["type"] = json!("dlc:Job:Exploded");
    let p = put_batch(
        &app,
        &token,
        &[
            dlc_failed("batch-1", "x"),
            unknown,
            dlc_failed("batch-3", "x"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::OK, "{p:?}");
    assert_eq!(p.body["FailedEntryCount"], 1, "{p:?}");
    let entries = p.body["Entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0]["EventId"], "batch-1");
    assert!(entries[0]["HeraldEventId"].is_i64());
    assert_eq!(entries[1]["ErrorCode"], "InvalidArgument");
    assert_eq!(entries[1]["ErrorField"], "type");
    let why = entries[1]["ErrorMessage"].as_str().unwrap();
    assert!(
        why.starts_with("type") && why.contains("dlc:Job:Exploded"),
        "{why}"
    );
    assert!(entries[1].get("HeraldEventId").is_none());
    assert_eq!(entries[2]["EventId"], "batch-3");
    let stored: Vec<String> = sqlx::query_scalar("SELECT ce_id FROM events ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(stored, ["batch-1", "batch-3"]);

    // Every entry invalid: 400, each named.
    let mut no_id = dlc_failed("", "x");
    no_id["id"] = json!("");
    let mut bad_source = dlc_failed("bad-source", "x");
    bad_source["source"] = json!("pai.nope");
    let p = put_batch(&app, &token, &[no_id, bad_source]).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST, "{p:?}");
    assert_eq!(p.body["FailedEntryCount"], 2);
    assert_eq!(p.entry(0)["ErrorField"], "id");
    assert_eq!(p.entry(1)["ErrorField"], "source");

    // More than 100 entries: refused whole; exactly 100 is fine.
    let many: Vec<Value> = (0..101)
        .map(|i| dlc_failed(&format!("many-{i}"), "x"))
        .collect();
    let p = put_batch(&app, &token, &many).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST, "{p:?}");
    assert_eq!(p.body["field"], "events", "{p:?}");
    assert!(p.body["message"].as_str().unwrap().contains("100"), "{p:?}");
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(*) FROM events WHERE ce_id LIKE 'many-%'"
        )
        .await,
        0
    );
    let p = put_batch(&app, &token, &many[..100]).await;
    assert_eq!(p.status, StatusCode::OK, "{p:?}");
    assert_eq!(p.body["FailedEntryCount"], 0);
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(*) FROM events WHERE ce_id LIKE 'many-%'"
        )
        .await,
        100
    );
    let p = put_batch(&app, &token, &[]).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST, "{p:?}");

    // A body over 1 MiB: 413, nothing stored.
    let mut huge = dlc_failed("huge", "x");
    huge["data"]["padding"] = json!("x".repeat(1024 * 1024 + 10));
    let p = put_batch(&app, &token, &[huge]).await;
    assert_eq!(p.status, StatusCode::PAYLOAD_TOO_LARGE, "{:?}", p.status);
    // In the API's error shape, like every other refusal.
    assert_eq!(p.body["code"], "payload_too_large", "{p:?}");
    assert_eq!(p.body["field"], "body", "{p:?}");
    assert!(
        p.body["message"]
            .as_str()
            .unwrap()
            .contains("1048576 bytes"),
        "{p:?}"
    );
    // One event over 256 KiB inside an acceptable body: that entry is refused.
    let mut big = dlc_failed("big", "x");
    big["data"]["padding"] = json!("x".repeat(300 * 1024));
    let p = put_one(&app, &token, &big).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST, "{p:?}");
    assert_eq!(p.entry(0)["ErrorCode"], "EventTooLarge", "{p:?}");
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(*) FROM events WHERE ce_id IN ('huge', 'big')"
        )
        .await,
        0
    );

    // Content types Herald does not take; bodies that are not JSON.
    for ct in ["text/plain", "application/xml", "multipart/form-data"] {
        let p = put_raw(&app, Some(&bearer(&token)), ct, &[], b"{}".to_vec()).await;
        assert_eq!(p.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ct}: {p:?}");
        assert_eq!(p.body["field"], "content-type", "{p:?}");
    }
    let p = put_raw(
        &app,
        Some(&bearer(&token)),
        STRUCTURED,
        &[],
        b"{nope".to_vec(),
    )
    .await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST, "{p:?}");
    assert_eq!(p.body["field"], "body", "{p:?}");
    let p = put_raw(&app, Some(&bearer(&token)), BATCH, &[], b"{}".to_vec()).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST, "{p:?}");
    assert_eq!(p.body["field"], "body", "{p:?}");

    // DataRobot: a deletion without its deletion_time is refused, naming the field.
    let entry = catalog::event_type("datarobot.project", "project.deleted").unwrap();
    assert!(entry.required.contains(&"event.deletion_time"));
    let mut deleted = event("datarobot.project", "project.deleted", "dr-del-1");
    deleted["data"]["event"]
        .as_object_mut()
        .unwrap()
        .remove("deletion_time");
    let p = put_one(&app, &token, &deleted).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST, "{p:?}");
    assert_eq!(
        p.entry(0)["ErrorField"],
        "data.event.deletion_time",
        "{p:?}"
    );
    assert!(
        p.entry(0)["ErrorMessage"]
            .as_str()
            .unwrap()
            .contains("data.event.deletion_time"),
        "{p:?}"
    );
    // null counts as missing.
    deleted["data"]["event"]["deletion_time"] = Value::Null;
    let p = put_one(&app, &token, &deleted).await;
    assert_eq!(
        p.entry(0)["ErrorField"],
        "data.event.deletion_time",
        "{p:?}"
    );
    // With the field, the same event is accepted.
    let p = put_ok(
        &app,
        &token,
        &event("datarobot.project", "project.deleted", "dr-del-1"),
    )
    .await;
    assert_eq!(p.entry(0)["EventId"], "dr-del-1");
}

// ---------------------------------------------------------------------------------------
// 5. Duplicates.

#[tokio::test]
async fn a_resent_event_is_a_duplicate_with_the_same_id_and_no_new_deliveries() {
    let (base, fakes) = fakes().await;
    let app = herald().await;
    let mut v = owner(&app, "ada@example.com").await;
    save_ok(
        &mut v,
        &dlc_rule("ding-ok", json!([ding(&base, DING_SECRET)])),
    )
    .await;
    let (_, token) = access_key(&mut v).await;
    let pool = db(&app).await;

    let first = put_ok(&app, &token, &dlc_failed("dup-1", "a")).await;
    assert_eq!(first.entry(0)["Deliveries"], 1);
    assert!(first.entry(0).get("Duplicate").is_none(), "{first:?}");
    let id = first.herald_id(0);
    // Delivered before the duplicate arrives: a duplicate must not queue it again.
    settled(&pool, id).await;
    // The same (source, id) again, even with other data.
    let again = put_ok(&app, &token, &dlc_failed("dup-1", "changed")).await;
    assert_eq!(again.entry(0)["Duplicate"], true, "{again:?}");
    assert_eq!(again.herald_id(0), id);
    assert_eq!(again.entry(0)["Deliveries"], 0);
    // Twice in one batch: the second is the duplicate of the first.
    let batch = put_batch(
        &app,
        &token,
        &[dlc_failed("dup-2", "a"), dlc_failed("dup-2", "a")],
    )
    .await;
    assert_eq!(batch.status, StatusCode::OK, "{batch:?}");
    assert_eq!(batch.entry(0)["Deliveries"], 1);
    assert_eq!(batch.entry(1)["Duplicate"], true, "{batch:?}");
    assert_eq!(batch.herald_id(1), batch.herald_id(0));
    assert_eq!(batch.entry(1)["Deliveries"], 0);
    settled(&pool, batch.herald_id(0)).await;
    // The same id from another source is another event.
    let other = put_ok(
        &app,
        &token,
        &event("pai.dsw", "dsw:Instance:Failed", "dup-1"),
    )
    .await;
    assert!(other.entry(0).get("Duplicate").is_none(), "{other:?}");
    assert_ne!(other.herald_id(0), id);

    assert_eq!(deliveries(&pool, id).await.len(), 1);
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM deliveries").await, 2);
    let stored: String = sqlx::query_scalar("SELECT envelope FROM events WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    let stored: Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(stored["data"]["job"]["name"], "a", "the original is kept");

    assert_eq!(fakes.ding_with(0).len(), 2, "one message per event");
    let m = metrics(&app).await;
    assert!(m.contains("herald_events_accepted_total 3\n"), "{m}");
    assert!(m.contains("herald_events_duplicate_total 2\n"), "{m}");
}

// ---------------------------------------------------------------------------------------
// 6. Patterns and disabled rules.

#[tokio::test]
async fn only_matching_enabled_rules_get_deliveries() {
    let (base, fakes) = fakes().await;
    let app = herald().await;
    let mut v = owner(&app, "ada@example.com").await;
    let mut nightly = dlc_rule("nightly", json!([ding(&base, DING_SECRET)]));
    nightly["pattern"] = json!(r#"{"job":{"name":[{"prefix":"nightly-"}]}}"#);
    save_ok(&mut v, &nightly).await;
    let mut off = dlc_rule("all-failures", json!([ding(&base, DING_SECRET)]));
    off["enabled"] = json!(false);
    save_ok(&mut v, &off).await;
    let (_, token) = access_key(&mut v).await;
    let pool = db(&app).await;

    let hit = put_ok(&app, &token, &dlc_failed("p-1", "nightly-train-resnet50")).await;
    assert_eq!(hit.entry(0)["Deliveries"], 1, "{hit:?}");
    let ds = settled(&pool, hit.herald_id(0)).await;
    let miss = put_ok(&app, &token, &dlc_failed("p-2", "adhoc-debug")).await;
    assert_eq!(miss.entry(0)["Deliveries"], 0, "{miss:?}");
    // Another type of the source matches no rule at all.
    let other = put_ok(&app, &token, &event(DLC, "dlc:Job:Succeeded", "p-3")).await;
    assert_eq!(other.entry(0)["Deliveries"], 0, "{other:?}");

    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].rule.as_deref(), Some("nightly"));
    assert_eq!(ds[0].status, "delivered");
    assert!(deliveries(&pool, miss.herald_id(0)).await.is_empty());
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM deliveries").await, 1);
    let sent = fakes.ding_with(0);
    assert_eq!(sent.len(), 1);
    assert!(sent[0]["markdown"]["text"]
        .as_str()
        .unwrap()
        .contains("nightly-train-resnet50"));

    // Enabled, the other rule takes the next failure whatever the job's name.
    let r = v
        .call(
            "set_rule_enabled",
            &[("bus", BUS), ("name", "all-failures"), ("enabled", "true")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let later = put_ok(&app, &token, &dlc_failed("p-4", "adhoc-debug")).await;
    assert_eq!(later.entry(0)["Deliveries"], 1, "{later:?}");
    let ds = settled(&pool, later.herald_id(0)).await;
    assert_eq!(ds[0].rule.as_deref(), Some("all-failures"));
    assert_eq!(ds[0].status, "delivered");
}

/// "All event types of this source": a rule with `"types": ["*"]` on a DataRobot source takes
/// a type the seed never shows, sent as a CloudEvent through PutEvents, and no other source's
/// events; a list mixing `*` with a named type is refused naming `types`.
#[tokio::test]
async fn a_rule_on_all_types_of_a_datarobot_source_takes_a_type_the_seed_does_not_show() {
    let (base, fakes) = fakes().await;
    let app = herald().await;
    let mut v = owner(&app, "ada@example.com").await;
    let rule = |name: &str, source: &str, types: Value| {
        json!({
            "name": name,
            "enabled": true,
            "source": source,
            "types": types,
            "pattern": "",
            "targets": [http(&base, name, "standard")],
        })
    };
    // Mixing `*` with a named type is refused, naming the field.
    let mixed = rule(
        "mixed",
        "datarobot.project",
        json!(["*", "project.created"]),
    );
    let r = save_new(&mut v, &mixed).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    assert_eq!(r.json()["field"], "types", "{r:?}");

    let saved = save_ok(
        &mut v,
        &rule("all-deployments", "datarobot.deployment", json!(["*"])),
    )
    .await;
    fakes.learn_secrets(&saved, &["all-deployments"]);
    let r = v
        .call("get_rule", &[("bus", BUS), ("name", "all-deployments")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json()["types"], json!(["*"]), "{r:?}");
    let (_, token) = access_key(&mut v).await;
    let pool = db(&app).await;

    // A deployment type from DataRobot's full list that the seed does not show.
    let launch_failed = "model_deployments.deployment_launch_failed";
    let hit = put_ok(
        &app,
        &token,
        &event("datarobot.deployment", launch_failed, "dr-all-1"),
    )
    .await;
    assert_eq!(hit.entry(0)["Deliveries"], 1, "{hit:?}");
    let ds = settled(&pool, hit.herald_id(0)).await;
    assert_eq!(ds[0].rule.as_deref(), Some("all-deployments"));
    assert_eq!(ds[0].status, "delivered", "{ds:#?}");
    let got = fakes.hits("all-deployments");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].json()["event_type"], launch_failed);

    // Another DataRobot source's event is not this rule's.
    let other = put_ok(
        &app,
        &token,
        &event("datarobot.project", "project.created", "dr-all-2"),
    )
    .await;
    assert_eq!(other.entry(0)["Deliveries"], 0, "{other:?}");
}

// ---------------------------------------------------------------------------------------
// 7. Metrics.

#[tokio::test]
async fn metrics_count_events_attempts_and_the_queue() {
    let (base, fakes) = fakes().await;
    let app = herald().await;
    let mut v = owner(&app, "ada@example.com").await;
    let hook = (MODEL, json!([APPROVED]));
    save_hooks(&mut v, (&base, &fakes), "hook", hook, &[("m", "standard")]).await;
    fakes.answer_first("m", &[500]);
    let (_, token) = access_key(&mut v).await;
    let pool = db(&app).await;

    let mut bad = event(MODEL, APPROVED, "m-bad");
    bad["specversion"] = json!("0.3");
    let p = put_batch(
        &app,
        &token,
        &[
            event(MODEL, APPROVED, "m-1"),
            bad,
            event(MODEL, APPROVED, "m-2"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::OK, "{p:?}");
    for i in [0, 2] {
        let ds = settled(&pool, p.herald_id(i)).await;
        assert_eq!(ds[0].status, "delivered", "{ds:#?}");
    }
    assert_eq!(fakes.hits("m").len(), 3);
    // Requests refused as a whole: a wrong key twice, a wrong content type, a body over
    // 1 MiB. They count by status, not as rejected events.
    for _ in 0..2 {
        let p = put_one(&app, "hk_nope_nope", &event(MODEL, APPROVED, "m-3")).await;
        assert_eq!(p.status, StatusCode::UNAUTHORIZED, "{p:?}");
    }
    let p = put_raw(
        &app,
        Some(&bearer(&token)),
        "text/plain",
        &[],
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(p.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{p:?}");
    let p = put_raw(
        &app,
        Some(&bearer(&token)),
        STRUCTURED,
        &[],
        vec![b' '; 1024 * 1024 + 1],
    )
    .await;
    assert_eq!(p.status, StatusCode::PAYLOAD_TOO_LARGE, "{p:?}");

    let m = metrics(&app).await;
    for line in [
        "herald_put_events_refused_total{status=\"401\"} 2\n",
        "herald_put_events_refused_total{status=\"413\"} 1\n",
        "herald_put_events_refused_total{status=\"415\"} 1\n",
        "herald_events_accepted_total 2\n",
        "herald_events_rejected_total 1\n",
        "herald_events_duplicate_total 0\n",
        "herald_delivery_attempts_total{kind=\"http\",outcome=\"delivered\"} 2\n",
        "herald_delivery_attempts_total{kind=\"http\",outcome=\"retry\"} 1\n",
        "herald_attempt_duration_seconds_count 3\n",
        "herald_queue_depth 0\n",
        "# TYPE herald_queue_depth gauge\n",
    ] {
        assert!(m.contains(line), "missing {line:?} in:\n{m}");
    }
}

// ---------------------------------------------------------------------------------------
// 8. Contact targets without a provider fail honestly.

#[tokio::test]
async fn sms_and_email_targets_fail_saying_no_provider_is_configured() {
    let app = herald().await;
    let mut v = owner(&app, "ada@example.com").await;
    let r = v
        .call(
            "create_contact",
            &[
                ("name", "Alice"),
                ("phone", "+8613800000001"),
                ("email", "alice@example.com"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let alice = r.json()["id"].as_i64().unwrap();
    save_ok(
        &mut v,
        &dlc_rule(
            "paging",
            json!([
                {"config": {"kind": "sms", "contacts": [alice]}},
                {"config": {"kind": "email", "contacts": [alice]}},
            ]),
        ),
    )
    .await;
    let (_, token) = access_key(&mut v).await;
    let pool = db(&app).await;

    let p = put_ok(&app, &token, &dlc_failed("sms-1", "nightly-a")).await;
    assert_eq!(p.entry(0)["Deliveries"], 2);
    let ds = settled(&pool, p.herald_id(0)).await;
    let sms = ds.iter().find(|d| d.kind == "sms").expect("sms delivery");
    assert_eq!(
        (sms.status.as_str(), sms.attempts),
        ("failed", 1),
        "{sms:?}"
    );
    let detail = sms.last_detail.as_deref().unwrap_or("");
    assert!(
        detail.contains("no SMS") && detail.contains("provider is configured"),
        "{sms:?}"
    );
    let email = ds
        .iter()
        .find(|d| d.kind == "email")
        .expect("email delivery");
    assert_eq!(email.status, "failed", "{email:?}");
    assert!(
        email.last_detail.as_deref().unwrap_or("").contains("SMTP"),
        "{email:?}"
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(attempts(&pool, sms.id).await.len(), 1, "not retried");
    let m = metrics(&app).await;
    assert!(
        m.contains("herald_delivery_attempts_total{kind=\"sms\",outcome=\"failed\"} 1\n"),
        "{m}"
    );
}

// ---------------------------------------------------------------------------------------
// 9. PutEvents while the workers write.

/// SRC BUG: `service::events::put` opens a deferred transaction (`pool.begin()`), reads the
/// rules and targets, then writes. SQLite does not run the busy handler when a read
/// transaction must be upgraded to a write one: if a delivery worker holds the write lock
/// at that moment (`claim_due` takes it every 250 ms per worker even when nothing is due,
/// and `record` after each batch) the insert fails at once with SQLITE_BUSY (5), or with
/// SQLITE_BUSY_SNAPSHOT (517) if the worker committed since the read — `busy_timeout` does
/// not help — and PutEvents answers 500 "internal" ("storing events: database is locked").
/// Observed: 46 of 300 sequential puts failed while their deliveries were being sent.
/// `pool.begin_with("BEGIN IMMEDIATE")` takes the write lock first, waiting as configured.
#[tokio::test]
async fn put_events_keeps_working_while_deliveries_are_recorded() {
    let (base, fakes) = fakes().await;
    let app = herald().await;
    let mut v = owner(&app, "ada@example.com").await;
    save_ok(
        &mut v,
        &dlc_rule("ding-ok", json!([ding(&base, DING_SECRET)])),
    )
    .await;
    let (_, token) = access_key(&mut v).await;
    let mut failed = Vec::new();
    for i in 0..150 {
        let body = serde_json::to_vec(&dlc_failed(&format!("busy-{i}"), "a")).unwrap();
        let p = send_put(&app, Some(&bearer(&token)), STRUCTURED, &[], body).await;
        if p.status != StatusCode::OK {
            failed.push((i, p.status, p.body));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of 150 puts failed: {failed:?}",
        failed.len()
    );
    // One robot, 150 events at once: pacing keeps it under DingTalk's 20 a minute, and
    // nothing is dropped.
    let pool = db(&app).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let due_now: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND next_attempt_at <= $1",
        )
        .bind(crate::common::now_s() * 1000)
        .fetch_one(&pool)
        .await
        .unwrap();
        if due_now == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "due deliveries were not sent");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let messages = fakes.ding_with(0);
    assert!(
        !messages.is_empty() && messages.len() <= 18,
        "{} messages to one robot within a minute",
        messages.len()
    );
    let events_sent: usize = messages
        .iter()
        .map(|m| {
            let text = m["markdown"]["text"].as_str().unwrap_or_default();
            text.matches("[open](").count().max(1)
        })
        .sum();
    let delivered = count(
        &pool,
        "SELECT COUNT(*) FROM deliveries WHERE status = 'delivered'",
    )
    .await;
    let waiting = count(
        &pool,
        "SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND attempts = 0",
    )
    .await;
    assert_eq!(
        delivered as usize, events_sent,
        "each delivered event was in a message"
    );
    assert_eq!(
        delivered + waiting,
        150,
        "nothing dropped: delivered or waiting"
    );
    // How a burst is merged is checked exactly by a_burst_for_one_robot_goes_out_as_one_digest.
}

/// Events put in one request for one robot reach it as one digest message that lists each
/// of them with its link.
#[tokio::test]
async fn a_burst_for_one_robot_goes_out_as_one_digest() {
    let (base, fakes) = fakes().await;
    let app = herald().await;
    let mut v = owner(&app, "ada@example.com").await;
    save_ok(&mut v, &dlc_rule("ding", json!([ding(&base, DING_SECRET)]))).await;
    let (_, token) = access_key(&mut v).await;
    let pool = db(&app).await;
    let burst: Vec<Value> = (0..10)
        .map(|i| dlc_failed(&format!("burst-{i}"), &format!("job-{i}")))
        .collect();
    let p = put_batch(&app, &token, &burst).await;
    assert_eq!(p.body["FailedEntryCount"], 0, "{p:?}");
    for i in 0..10 {
        let ds = settled(&pool, p.herald_id(i)).await;
        assert_eq!(ds[0].status, "delivered", "{ds:#?}");
    }
    let messages = fakes.ding_with(0);
    assert_eq!(messages.len(), 1, "one digest: {messages:#?}");
    let text = messages[0]["markdown"]["text"].as_str().unwrap();
    assert_eq!(text.matches("[open](").count(), 10, "{text}");
    for i in 0..10 {
        assert!(
            text.contains(&format!("job-{i}")),
            "job-{i} missing from {text}"
        );
    }
}

/// A WeCom robot that mentions people gets text messages, at most 2048 bytes each: a burst
/// too large for one goes out as several digests, and every event recorded as delivered
/// is in one of them, with its link.
#[tokio::test]
async fn a_burst_for_a_wecom_robot_with_mentions_loses_no_event_to_the_text_limit() {
    let (base, fakes) = fakes().await;
    let app = herald().await;
    let mut v = owner(&app, "ada@example.com").await;
    let wecom = json!({"config": {"kind": "wecom", "url": format!("{base}/cgi-bin/webhook/send?key=k1"),
                                  "mentioned_mobiles": ["13800000000"]}});
    save_ok(&mut v, &dlc_rule("wecom", json!([wecom]))).await;
    let (_, token) = access_key(&mut v).await;
    let pool = db(&app).await;
    let burst: Vec<Value> = (0..30)
        .map(|i| dlc_failed(&format!("wecom-{i}"), &format!("nightly-train-job-{i}")))
        .collect();
    let p = put_batch(&app, &token, &burst).await;
    assert_eq!(p.body["FailedEntryCount"], 0, "{p:?}");
    let mut ids = Vec::new();
    for i in 0..30 {
        let ds = settled(&pool, p.herald_id(i)).await;
        assert_eq!(ds[0].status, "delivered", "{ds:#?}");
        ids.push(p.herald_id(i));
    }
    let messages = fakes.wecom.lock().unwrap().clone();
    assert!(
        messages.len() > 1,
        "more than one text message: {messages:#?}"
    );
    let texts: Vec<String> = messages
        .iter()
        .map(|m| {
            assert_eq!(m["msgtype"], "text", "{m}");
            let content = m["text"]["content"].as_str().unwrap().to_string();
            assert!(content.len() <= 2048, "{} bytes", content.len());
            format!("{content}\n")
        })
        .collect();
    for (i, id) in ids.iter().enumerate() {
        let link = format!("/buses/{BUS}/events/{id}\n");
        assert!(
            texts.iter().any(|t| t.contains(&link)),
            "event {i} ({link:?}) is in no message: {texts:#?}"
        );
    }
}

/// Two rules posting to one DingTalk robot share its budget, as DingTalk counts per robot:
/// 24 deliveries, sent one by one, reach it as at most 18 messages in the minute, and the
/// rest wait.
#[tokio::test]
async fn rules_posting_to_one_robot_share_its_pace() {
    let (base, fakes) = fakes().await;
    let app = herald().await;
    let mut v = owner(&app, "ada@example.com").await;
    for name in ["ding-a", "ding-b"] {
        save_ok(&mut v, &dlc_rule(name, json!([ding(&base, DING_SECRET)]))).await;
    }
    let (_, token) = access_key(&mut v).await;
    let pool = db(&app).await;
    for i in 0..12 {
        let id = put_ok(&app, &token, &dlc_failed(&format!("shared-{i}"), "a"))
            .await
            .herald_id(0);
        // Each event's two deliveries are sent or told to wait before the next event.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let due: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM deliveries WHERE event_id = $1 AND status = 'pending'
                 AND next_attempt_at <= $2",
            )
            .bind(id)
            .bind(crate::common::now_s() * 1000 + 1000)
            .fetch_one(&pool)
            .await
            .unwrap();
            if due == 0 {
                break;
            }
            assert!(Instant::now() < deadline, "event {i} was not handled");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let messages = fakes.ding_with(0).len();
    let delivered = count(
        &pool,
        "SELECT COUNT(*) FROM deliveries WHERE status = 'delivered'",
    )
    .await;
    let waiting = count(
        &pool,
        "SELECT COUNT(*) FROM deliveries WHERE status = 'pending'",
    )
    .await;
    assert!(
        (1..=18).contains(&messages),
        "{messages} messages to one robot within a minute"
    );
    assert_eq!(delivered + waiting, 24, "nothing dropped");
    assert!(waiting >= 6, "{waiting} waiting, {delivered} delivered");
}

/// Fresh deliveries reach the workers in memory, leased in the database. A graceful stop
/// with some still queued finishes the attempts in flight and gives the queued ones'
/// leases back, and the next run sends each of them once. The target's four attempt slots
/// and a receiver that takes a second per request keep 96 of 100 deliveries queued when
/// the stop comes.
#[tokio::test]
async fn deliveries_queued_in_memory_at_a_stop_are_sent_by_the_next_run() {
    #[derive(Clone, Default)]
    struct Slow {
        got: Arc<Mutex<Vec<String>>>,
    }
    async fn slow(State(s): State<Slow>, headers: HeaderMap) -> AxStatus {
        tokio::time::sleep(Duration::from_millis(1000)).await;
        let id = headers
            .get("webhook-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        s.got.lock().unwrap().push(id.to_string());
        AxStatus::NO_CONTENT
    }
    let sink = Slow::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = Router::new()
        .route("/slow", post(slow))
        .with_state(sink.clone());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let tweak = |a: &mut herald::server::config::ServeArgs| {
        a.allow_target_networks = vec!["127.0.0.0/8".into()];
    };
    let app = TestApp::spawn_with(tweak).await;
    let mut v = owner(&app, "ada@example.com").await;
    save_ok(
        &mut v,
        &json!({
            "name": "slow",
            "enabled": true,
            "source": MODEL,
            "types": [APPROVED],
            "pattern": "",
            "targets": [{"config": {"kind": "http", "url": format!("{base}/slow")}}],
        }),
    )
    .await;
    let (_, token) = access_key(&mut v).await;
    let events: Vec<Value> = (0..100)
        .map(|i| event(MODEL, APPROVED, &format!("queued-{i}")))
        .collect();
    let p = put_batch(&app, &token, &events).await;
    assert_eq!(p.status, StatusCode::OK, "{p:?}");
    assert_eq!(p.body["FailedEntryCount"], 0, "{p:?}");
    // Four are in flight; stop now, with the rest queued in memory.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pool = db(&app).await;
    let leased = count(
        &pool,
        "SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND lease_until IS NOT NULL",
    )
    .await;
    assert_eq!(
        leased, 100,
        "all fresh deliveries are leased to the workers"
    );
    pool.close().await;
    let dir = app.stop().await;
    let pool = crate::common::read_db(dir.url()).await;
    let delivered = count(
        &pool,
        "SELECT COUNT(*) FROM deliveries WHERE status = 'delivered'",
    )
    .await;
    let still_leased = count(
        &pool,
        "SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND lease_until IS NOT NULL",
    )
    .await;
    assert!(
        (1..100).contains(&delivered),
        "the stop came with {delivered} of 100 delivered"
    );
    assert_eq!(still_leased, 0, "the stop gave back every lease it held");
    pool.close().await;
    let app = TestApp::start_in(dir, tweak).await;
    let pool = db(&app).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let delivered = count(
            &pool,
            "SELECT COUNT(*) FROM deliveries WHERE status = 'delivered'",
        )
        .await;
        if delivered == 100 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{delivered} of 100 delivered after the restart; the queued ones kept their lease"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let got = sink.got.lock().unwrap().clone();
    let unique: std::collections::HashSet<&String> = got.iter().collect();
    assert_eq!(unique.len(), 100, "every delivery reached the receiver");
    assert_eq!(got.len(), 100, "none was sent twice");
}

// ---------------------------------------------------------------------------------------
// 10. Retention.

/// With `--event-retention 2s`, a delivered event is deleted with its deliveries and
/// attempts; an event still pending stays, and so does the newest event.
#[tokio::test]
async fn old_settled_events_are_deleted_with_their_deliveries_and_attempts() {
    const CHANGED: &str = "model:ModelVersion:StatusChanged";
    let (base, fakes) = fakes().await;
    let app = TestApp::spawn_with(|a| {
        a.allow_target_networks = vec!["127.0.0.0/8".into()];
        // A failed attempt waits an hour: its delivery stays pending through the test.
        a.retry_schedule = RetrySchedule::parse("1h").unwrap();
        a.event_retention = Duration::from_secs(2);
    })
    .await;
    let mut v = owner(&app, "ada@example.com").await;
    let done = (MODEL, json!([APPROVED]));
    save_hooks(&mut v, (&base, &fakes), "done", done, &[("ok", "standard")]).await;
    let stuck = (MODEL, json!([CHANGED]));
    save_hooks(
        &mut v,
        (&base, &fakes),
        "stuck",
        stuck,
        &[("stuck", "standard")],
    )
    .await;
    fakes.answer_first("stuck", &[503]);
    let (_, token) = access_key(&mut v).await;
    let pool = db(&app).await;

    let old = put_ok(&app, &token, &event(MODEL, APPROVED, "r-old"))
        .await
        .herald_id(0);
    assert_eq!(settled(&pool, old).await[0].status, "delivered");
    let old_delivery = deliveries(&pool, old).await[0].id;
    assert_eq!(attempts(&pool, old_delivery).await.len(), 1);
    let pending = put_ok(&app, &token, &event(MODEL, CHANGED, "r-pending"))
        .await
        .herald_id(0);
    let deadline = Instant::now() + Duration::from_secs(10);
    while fakes.hits("stuck").is_empty() {
        assert!(
            Instant::now() < deadline,
            "the stuck target was never tried"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let newest = put_ok(&app, &token, &event(MODEL, APPROVED, "r-new"))
        .await
        .herald_id(0);
    assert_eq!(settled(&pool, newest).await[0].status, "delivered");

    let deadline = Instant::now() + Duration::from_secs(15);
    while !deliveries(&pool, old).await.is_empty() {
        assert!(Instant::now() < deadline, "the old event was never deleted");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Wait out one more round of the clean-up (every second) past the retention.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let stored = |id: i64| format!("SELECT COUNT(*) FROM events WHERE id = {id}");
    assert_eq!(count(&pool, &stored(old)).await, 0);
    assert!(attempts(&pool, old_delivery).await.is_empty());
    assert_eq!(count(&pool, &stored(pending)).await, 1);
    let ds = deliveries(&pool, pending).await;
    assert_eq!(ds[0].status, "pending", "{ds:#?}");
    assert_eq!(attempts(&pool, ds[0].id).await.len(), 1);
    assert_eq!(count(&pool, &stored(newest)).await, 1);
    assert_eq!(deliveries(&pool, newest).await[0].status, "delivered");
    // The delivery log lists the two that are left.
    let log = v.call("list_events", &[("bus", BUS)]).await;
    assert_eq!(log.status, StatusCode::OK, "{log:?}");
    assert!(!log.body.contains("r-old"), "{}", log.body);
    assert!(log.body.contains("r-pending"), "{}", log.body);
    assert!(log.body.contains("r-new"), "{}", log.body);

    // The waiting delivery shows in the metrics by its age, though it is not due for an hour.
    let m = metrics(&app).await;
    assert!(m.contains("herald_queue_depth 1\n"), "{m}");
    assert!(m.contains("herald_due_lag_seconds 0\n"), "{m}");
    let age: f64 = m
        .lines()
        .find_map(|l| l.strip_prefix("herald_oldest_pending_seconds "))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no oldest pending age in {m}"));
    assert!((2.0..60.0).contains(&age), "{age}");
}

/// A delivery redelivered by hand counts as queued then, not when its event arrived.
#[tokio::test]
async fn a_redelivered_delivery_is_as_old_as_its_redelivery() {
    let (base, fakes) = fakes().await;
    let app = TestApp::spawn_with(|a| {
        a.allow_target_networks = vec!["127.0.0.0/8".into()];
        a.retry_schedule = RetrySchedule::parse("1h").unwrap();
    })
    .await;
    let mut v = owner(&app, "ada@example.com").await;
    let hook = (MODEL, json!([APPROVED]));
    save_hooks(&mut v, (&base, &fakes), "hook", hook, &[("t", "standard")]).await;
    fakes.answer_first("t", &[404]);
    let (_, token) = access_key(&mut v).await;
    let pool = db(&app).await;
    let id = put_ok(&app, &token, &event(MODEL, APPROVED, "q-1"))
        .await
        .herald_id(0);
    let d = settled(&pool, id).await[0].clone();
    assert_eq!(d.status, "failed", "{d:?}");
    tokio::time::sleep(Duration::from_millis(2500)).await;

    // Redelivered; its attempt gets a 503 and waits an hour, pending.
    fakes.answer_first("t", &[503]);
    let r = v
        .call(
            "redeliver",
            &[("bus", BUS), ("delivery", &d.id.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let deadline = Instant::now() + Duration::from_secs(10);
    while attempts(&pool, d.id).await.len() < 2 {
        assert!(Instant::now() < deadline, "the redelivery was not tried");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let m = metrics(&app).await;
    assert!(m.contains("herald_queue_depth 1\n"), "{m}");
    let age: f64 = m
        .lines()
        .find_map(|l| l.strip_prefix("herald_oldest_pending_seconds "))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no oldest pending age in {m}"));
    assert!(
        age < 2.0,
        "{age} s: counted from the event, not the redelivery"
    );
}

// ---------------------------------------------------------------------------------------
// 11. The delivery log, a page at a time.

/// 120 events list as pages of 50, 50 and 20, newest first, in the UI and in the API; a
/// bad page mark is refused by name.
#[tokio::test]
async fn the_event_list_pages_back_through_older_events() {
    let app = herald().await;
    let mut v = owner(&app, "ada@example.com").await;
    let (_, token) = access_key(&mut v).await;
    let mut ids = Vec::new();
    for part in 0..2 {
        let batch: Vec<Value> = (0..60)
            .map(|i| dlc_failed(&format!("page-{part}-{i}"), "a"))
            .collect();
        let p = put_batch(&app, &token, &batch).await;
        assert_eq!(p.body["FailedEntryCount"], 0, "{p:?}");
        ids.extend((0..60).map(|i| p.herald_id(i)));
    }
    ids.sort_unstable_by(|a, b| b.cmp(a));
    let page = |before: Option<i64>| {
        let mut v = v.against(&app);
        async move {
            let before = before.map(|b| b.to_string()).unwrap_or_default();
            let r = v
                .call("list_events", &[("bus", BUS), ("before", &before)])
                .await;
            assert_eq!(r.status, StatusCode::OK, "{r:?}");
            r.json()
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_i64().unwrap())
                .collect::<Vec<i64>>()
        }
    };
    let first = page(None).await;
    assert_eq!(first, ids[..50]);
    let second = page(first.last().copied()).await;
    assert_eq!(second, ids[50..100]);
    let third = page(second.last().copied()).await;
    assert_eq!(third, ids[100..]);
    assert!(page(third.last().copied()).await.is_empty());

    // The API takes the same mark.
    let res = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/buses/{BUS}/events?before={}",
            app.base(),
            first[49]
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let listed: Vec<i64> = res
        .json::<Vec<Value>>()
        .await
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert_eq!(listed, second);
    for bad in ["abc", "1.5"] {
        let res = reqwest::Client::new()
            .get(format!(
                "{}/api/v1/buses/{BUS}/events?before={bad}",
                app.base()
            ))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert_eq!(res.json::<Value>().await.unwrap()["field"], "before");
    }
    // An empty mark, as a form sends it, is the first page.
    let res = reqwest::Client::new()
        .get(format!("{}/api/v1/buses/{BUS}/events?before=", app.base()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.json::<Vec<Value>>().await.unwrap().len(), 50);

    let r = v
        .call("list_events", &[("bus", BUS), ("before", "yesterday")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    assert_eq!(r.json()["field"], "before");
}

// ---------------------------------------------------------------------------------------
// 12. Bounded fan-out.

#[tokio::test]
async fn a_put_events_over_the_fan_out_limit_is_refused_whole_naming_it_and_stores_nothing() {
    let (base, _fakes) = fakes().await;
    let app = TestApp::spawn_with(|a| {
        a.allow_target_networks = vec!["127.0.0.0/8".into()];
        a.max_deliveries_per_request = 5;
    })
    .await;
    let mut v = owner(&app, "ada@example.com").await;
    let three = json!([
        ding(&base, DING_SECRET),
        ding(&base, DING_SECRET),
        ding(&base, DING_SECRET)
    ]);
    save_ok(&mut v, &dlc_rule("fan", three)).await;
    let (_, token) = access_key(&mut v).await;
    let pool = db(&app).await;

    // Two events to three targets each: six deliveries, one over the limit.
    let p = put_batch(
        &app,
        &token,
        &[dlc_failed("fan-1", "x"), dlc_failed("fan-2", "x")],
    )
    .await;

    assert_eq!(p.status, StatusCode::BAD_REQUEST, "{p:?}");
    assert_eq!(p.body["field"], "events", "{p:?}");
    let why = p.body["message"].as_str().unwrap();
    assert!(
        why.contains("6 deliveries")
            && why.contains("limit is 5")
            && why.contains("--max-deliveries-per-request"),
        "{why}"
    );
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM events").await, 0);
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM deliveries").await, 0);
    // The same event twice in a batch creates its deliveries once: within the limit.
    let p = put_batch(
        &app,
        &token,
        &[dlc_failed("fan-1", "x"), dlc_failed("fan-1", "x")],
    )
    .await;
    assert_eq!(p.status, StatusCode::OK, "{p:?}");
    assert_eq!(p.entry(0)["Deliveries"], 3, "{p:?}");
    assert_eq!(p.entry(1)["Duplicate"], true, "{p:?}");
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM deliveries").await, 3);
}

// ---------------------------------------------------------------------------------------
// 13. The write-ahead log under a steady load.

/// What `watch_wal` saw: the largest size of the log's file, and how often it shrank.
#[derive(Debug, Default, Clone, Copy)]
struct WalSeen {
    max_bytes: u64,
    shrunk: u32,
}

#[tokio::test]
async fn the_write_ahead_log_stays_near_its_limit_under_a_steady_load_with_readers() {
    const LIMIT_MIB: u64 = 4;
    // The limit, plus what a steady writer adds in the fifth of a second between two looks.
    const BOUND: u64 = 2 * LIMIT_MIB * 1024 * 1024;
    if crate::common::postgres_backend() {
        // The write-ahead log file is SQLite's; PostgreSQL keeps its own.
        return;
    }
    let app = TestApp::spawn_with(|a| a.wal_limit_mib = LIMIT_MIB as u32).await;
    let mut v = owner(&app, "ada@example.com").await;
    let (_, token) = access_key(&mut v).await;
    let wal = std::path::PathBuf::from(format!("{}-wal", app.db_path().display()));
    let run = Duration::from_secs(20);
    let stop = Instant::now() + run;

    // A reader that keeps read transactions open for 150 ms at a time, as a slow page or a
    // scrape would.
    let reader = {
        let pool = db(&app).await;
        tokio::spawn(async move {
            let mut reads = 0u32;
            while Instant::now() < stop {
                let mut tx = pool.begin().await.unwrap();
                let _: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
                    .fetch_one(&mut *tx)
                    .await
                    .unwrap();
                tokio::time::sleep(Duration::from_millis(150)).await;
                tx.commit().await.unwrap();
                reads += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            reads
        })
    };
    let watcher = {
        let wal = wal.clone();
        tokio::spawn(async move {
            let mut seen = WalSeen::default();
            let mut last = 0;
            while Instant::now() < stop + Duration::from_secs(1) {
                let now = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
                seen.max_bytes = seen.max_bytes.max(now);
                if now < last {
                    seen.shrunk += 1;
                }
                last = now;
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            seen
        })
    };
    // Two writers putting batches of 100 events of 4 KiB each, as fast as they are taken.
    let mut writers = Vec::new();
    for w in 0..2 {
        let app_base = app.base();
        let token = token.clone();
        writers.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let padding = "x".repeat(4096);
            let mut stored = 0u64;
            let mut batch_no = 0;
            while Instant::now() < stop {
                let batch: Vec<Value> = (0..100)
                    .map(|i| {
                        let mut e = dlc_failed(&format!("w{w}-{batch_no}-{i}"), "steady");
                        e["data"]["padding"] = json!(padding);
                        e
                    })
                    .collect();
                batch_no += 1;
                let res = http
                    .post(format!("{app_base}/api/v1/buses/{BUS}/events"))
                    .bearer_auth(&token)
                    .header("content-type", BATCH)
                    .body(serde_json::to_vec(&batch).unwrap())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::OK);
                stored += 100;
            }
            stored
        }));
    }
    let mut stored = 0;
    for w in writers {
        stored += w.await.unwrap();
    }
    let reads = reader.await.unwrap();
    let seen = watcher.await.unwrap();

    let written_mib = stored * 4 / 1024;
    println!("{stored} events (~{written_mib} MiB), {reads} reads, the log at most {:.1} MiB, truncated {} times", seen.max_bytes as f64 / 1048576.0, seen.shrunk);
    // The load was enough to fill the log many times over, and it was cut back each time.
    assert!(
        written_mib > 8 * LIMIT_MIB,
        "only {written_mib} MiB written"
    );
    assert!(reads > 10, "{reads} reads");
    assert!(seen.shrunk >= 3, "{seen:?}");
    assert!(
        seen.max_bytes <= BOUND,
        "the log reached {} bytes, over {BOUND}: {seen:?}",
        seen.max_bytes
    );
    assert!(metrics(&app).await.contains("herald_wal_bytes "));
}

// ---------------------------------------------------------------------------------------
// 14. DataRobot's own webhooks, at /api/v1/buses/{bus}/datarobot.

/// The seed's project-deletion payload, exactly as DataRobot sends it.
const DR_PROJECT_DELETED: &str = r#"{
"event": {
"deleted_by": "123a456b7c8e9f",
"deletion_time": 1581504952,
"entity_id": "123a456b7c8e9f",
"uid": "<User_ID>"
},
"event_type": "project.deleted",
"project": {
"active": 1,
"default_dataset_id": "123a456b7c8e9f",
"original_name": "https://s3.amazonaws.com/datarobot_public_datasets/DR_Demo_Store_Sales_Forecast_Train.xlsx",
"project_id": "<project_ID>",
"project_name": "DR_Demo_Store_Sales_Forecast_Train.xlsx",
"stage": "modeling:"
},
"timestamp": 1581504953
}"#;

/// The seed's Autopilot-complete payload, exactly as DataRobot sends it.
const DR_AUTOPILOT_COMPLETE: &str = r#"{
"event": {
"dataset_id": "123a456b7c8e9f",
"entity_id": "123a456b7c8e9f",
"uid": "<User_ID>"
},
"event_type": "autopilot.complete",
"project": {
"active": 1,
"default_dataset_id": "123a456b7c8e9f",
"original_name": "advanced_options.csv",
"project_id": "<project_ID>",
"project_name": "test-tvh-no-holdout-f2c6607d-544d-4e94-a488-c282b6aaa192",
"stage": "modeling:"
},
"timestamp": 1581507975
}"#;

/// A POST to the DataRobot receiver of [`BUS`].
async fn post_datarobot(app: &TestApp, auth: Option<&str>, content_type: &str, body: &[u8]) -> Put {
    let mut headers = vec![("content-type", content_type)];
    headers.extend(auth.map(|a| ("authorization", a)));
    post_exact(
        app,
        &format!("/api/v1/buses/{BUS}/datarobot"),
        &headers,
        body.to_vec(),
    )
    .await
}

/// `payload=<json>`, form-encoded as DataRobot's form mode sends it.
fn datarobot_form(payload: &str) -> Vec<u8> {
    let encoded: String = payload
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                (b as char).to_string()
            }
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("payload={encoded}").into_bytes()
}

#[tokio::test]
async fn datarobot_webhooks_as_datarobot_sends_them_reach_an_http_target_field_for_field() {
    let (base, fakes) = fakes().await;
    let app = herald().await;
    let mut v = owner(&app, "ada@example.com").await;
    // A bus that refuses unknown types (a system bus accepts them by default).
    assert_eq!(
        set_unknown_types(&mut v, BUS, "refuse").await.status,
        StatusCode::OK
    );
    let project = (
        "datarobot.project",
        json!(["project.deleted", "autopilot.complete"]),
    );
    save_hooks(
        &mut v,
        (&base, &fakes),
        "dr-hooks",
        project,
        &[("dr", "standard")],
    )
    .await;
    // A rule on every type of misc, the family DataRobot files its connection test under.
    let misc = ("datarobot.misc", json!(["*"]));
    save_hooks(
        &mut v,
        (&base, &fakes),
        "dr-misc",
        misc,
        &[("misc", "standard")],
    )
    .await;
    let (_, token) = access_key(&mut v).await;
    let auth = bearer(&token);
    let pool = db(&app).await;

    // Json mode and form mode, the payloads verbatim.
    let json_mode = post_datarobot(
        &app,
        Some(&auth),
        "application/json",
        DR_PROJECT_DELETED.as_bytes(),
    )
    .await;
    assert_eq!(json_mode.status, StatusCode::OK, "{json_mode:?}");
    assert_eq!(json_mode.entry(0)["Deliveries"], 1, "{json_mode:?}");
    let form_mode = post_datarobot(
        &app,
        Some(&auth),
        "application/x-www-form-urlencoded",
        &datarobot_form(DR_AUTOPILOT_COMPLETE),
    )
    .await;
    assert_eq!(form_mode.status, StatusCode::OK, "{form_mode:?}");
    assert_eq!(form_mode.entry(0)["Deliveries"], 1, "{form_mode:?}");
    settled(&pool, json_mode.herald_id(0)).await;
    settled(&pool, form_mode.herald_id(0)).await;

    // Each came out of the standard template exactly as it went in, field for field.
    let hits = fakes.hits("dr");
    assert_eq!(hits.len(), 2, "{hits:#?}");
    for (hit, sent) in hits.iter().zip([DR_PROJECT_DELETED, DR_AUTOPILOT_COMPLETE]) {
        assert!(hit.verified, "{hit:#?}");
        let sent: Value = serde_json::from_str(sent).unwrap();
        assert_eq!(hit.json(), sent);
    }

    // The event: type and time from the payload, subject the entity, source by family.
    let api = reqwest::Client::new();
    let detail: Value = api
        .get(format!(
            "{}/api/v1/buses/{BUS}/events/{}",
            app.base(),
            json_mode.herald_id(0)
        ))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(detail["event"]["source"], "datarobot.project", "{detail}");
    assert_eq!(detail["event"]["event_type"], "project.deleted");
    assert_eq!(detail["event"]["subject"], "123a456b7c8e9f");
    assert_eq!(detail["event"]["time"], "2020-02-12T10:55:53Z");

    // Sent again (a retry, in the other mode, other spacing): a duplicate, nothing queued.
    let compact = serde_json::from_str::<Value>(DR_PROJECT_DELETED)
        .unwrap()
        .to_string();
    let again = post_datarobot(
        &app,
        Some(&auth),
        "application/x-www-form-urlencoded",
        &datarobot_form(&compact),
    )
    .await;
    assert_eq!(again.status, StatusCode::OK, "{again:?}");
    assert_eq!(again.entry(0)["Duplicate"], true, "{again:?}");
    assert_eq!(again.herald_id(0), json_mode.herald_id(0));
    assert_eq!(again.entry(0)["Deliveries"], 0);

    // DataRobot's connection test: 200, recorded on the bus, delivered to nobody.
    let test = post_datarobot(
        &app,
        Some(&auth),
        "application/json",
        br#"{"event_type": "misc.webhook_connection_test", "timestamp": 1581507980, "event": {}}"#,
    )
    .await;
    assert_eq!(test.status, StatusCode::OK, "{test:?}");
    assert_eq!(test.entry(0)["Deliveries"], 0, "{test:?}");
    let listed: Value = api
        .get(format!("{}/api/v1/buses/{BUS}/events", app.base()))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let listed = listed.to_string();
    assert!(
        listed.contains(r#""event_type":"misc.webhook_connection_test""#)
            && listed.contains(r#""source":"datarobot.connection_test""#),
        "{listed}"
    );
    assert_eq!(
        fakes.hits("dr").len(),
        2,
        "the connection test reached no target"
    );
    assert!(
        fakes.hits("misc").is_empty(),
        "not even a rule on all misc types"
    );

    // Refusals name the field.
    let refused = [
        (
            "application/x-www-form-urlencoded",
            b"payload=%7Bnot+json".to_vec(),
            StatusCode::BAD_REQUEST,
            "payload",
        ),
        (
            "application/x-www-form-urlencoded",
            b"other=1".to_vec(),
            StatusCode::BAD_REQUEST,
            "payload",
        ),
        (
            "application/json",
            b"{broken".to_vec(),
            StatusCode::BAD_REQUEST,
            "body",
        ),
        (
            "application/json",
            br#"{"timestamp": 1}"#.to_vec(),
            StatusCode::BAD_REQUEST,
            "event_type",
        ),
        (
            "application/json",
            br#"{"event_type": "project.deleted"}"#.to_vec(),
            StatusCode::BAD_REQUEST,
            "timestamp",
        ),
        (
            "application/json",
            br#"{"event_type": "project.deleted", "timestamp": "yesterday"}"#.to_vec(),
            StatusCode::BAD_REQUEST,
            "timestamp",
        ),
        (
            "application/json",
            br#"{"event_type": "no.such_type", "timestamp": 1}"#.to_vec(),
            StatusCode::BAD_REQUEST,
            "event_type",
        ),
        (
            "application/json",
            br#"[1, 2]"#.to_vec(),
            StatusCode::BAD_REQUEST,
            "payload",
        ),
        (
            "text/plain",
            DR_PROJECT_DELETED.as_bytes().to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "content-type",
        ),
    ];
    for (content_type, body, status, field) in refused {
        let r = post_datarobot(&app, Some(&auth), content_type, &body).await;
        assert_eq!(
            r.status,
            status,
            "{}: {r:?}",
            String::from_utf8_lossy(&body)
        );
        assert_eq!(r.body["field"], field, "{r:?}");
    }
    // A required field missing, as for CloudEvents.
    let mut no_time: Value = serde_json::from_str(DR_PROJECT_DELETED).unwrap();
    no_time["event"]
        .as_object_mut()
        .unwrap()
        .remove("deletion_time");
    let r = post_datarobot(
        &app,
        Some(&auth),
        "application/json",
        no_time.to_string().as_bytes(),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    assert_eq!(r.body["field"], "event.deletion_time", "{r:?}");
    assert!(
        !r.body["message"].as_str().unwrap().contains("data."),
        "{r:?}"
    );
    // No key, a wrong key.
    let r = post_datarobot(
        &app,
        None,
        "application/json",
        DR_PROJECT_DELETED.as_bytes(),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{r:?}");
    let r = post_datarobot(
        &app,
        Some("Bearer hk_wrong"),
        "application/json",
        DR_PROJECT_DELETED.as_bytes(),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{r:?}");
    assert_eq!(fakes.hits("dr").len(), 2);
}

// ---------------------------------------------------------------------------------------
// 15. Events as the official CloudEvents SDKs send them; data that is not JSON.

/// PutEvents with exactly these headers and the key: no Content-Type unless one is given.
async fn put_exact(app: &TestApp, token: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Put {
    let auth = bearer(token);
    let mut all = vec![("authorization", auth.as_str())];
    all.extend_from_slice(headers);
    post_exact(app, &format!("/api/v1/buses/{BUS}/events"), &all, body).await
}

#[tokio::test]
async fn binary_events_without_a_content_type_and_text_or_bytes_data_are_accepted_and_delivered_as_received(
) {
    let (base, fakes) = fakes().await;
    let app = herald().await;
    let mut v = owner(&app, "ada@example.com").await;
    save_hooks(
        &mut v,
        (&base, &fakes),
        "sdk",
        (MODEL, json!([APPROVED])),
        &[
            ("bin", "cloudevents_binary"),
            ("str", "cloudevents_structured"),
        ],
    )
    .await;
    let (_, token) = access_key(&mut v).await;
    let pool = db(&app).await;
    let attributes = |id: &'static str| {
        vec![
            ("ce-specversion", "1.0"),
            ("ce-id", id),
            ("ce-source", MODEL),
            ("ce-type", APPROVED),
            ("ce-time", TIME),
        ]
    };
    let json_data = event(MODEL, APPROVED, "x")["data"].to_string();

    // The Python SDK's binary mode with no datacontenttype: ce-* headers, no Content-Type.
    let python = put_exact(
        &app,
        &token,
        &attributes("py-1"),
        json_data.clone().into_bytes(),
    )
    .await;
    assert_eq!(python.status, StatusCode::OK, "{python:?}");
    assert_eq!(python.entry(0)["Deliveries"], 2, "{python:?}");
    // Text data, with its own content type.
    let mut text_headers = attributes("text-1");
    text_headers.push(("content-type", "text/plain; charset=utf-8"));
    let text = put_exact(
        &app,
        &token,
        &text_headers,
        b"nightly-train: approved".to_vec(),
    )
    .await;
    assert_eq!(text.status, StatusCode::OK, "{text:?}");
    // Bytes with no content type: not JSON, so bytes.
    let bytes = put_exact(&app, &token, &attributes("bytes-1"), vec![0xff, 0x00, 0x7f]).await;
    assert_eq!(bytes.status, StatusCode::OK, "{bytes:?}");
    // Structured mode with data_base64, in a batch beside a text event.
    let batch = put_batch(
        &app,
        &token,
        &[
            json!({"specversion": "1.0", "id": "b64-1", "source": MODEL, "type": APPROVED, "time": TIME,
                   "datacontenttype": "application/octet-stream", "data_base64": "AAEC"}),
            json!({"specversion": "1.0", "id": "text-2", "source": MODEL, "type": APPROVED, "time": TIME,
                   "datacontenttype": "text/plain", "data": "plain words"}),
        ],
    )
    .await;
    assert_eq!(batch.status, StatusCode::OK, "{batch:?}");
    assert_eq!(batch.body["FailedEntryCount"], 0, "{batch:?}");
    for id in [
        python.herald_id(0),
        text.herald_id(0),
        bytes.herald_id(0),
        batch.herald_id(0),
        batch.herald_id(1),
    ] {
        let ds = settled(&pool, id).await;
        assert!(ds.iter().all(|d| d.status == "delivered"), "{ds:#?}");
    }

    // Binary-mode receivers get the data as received, with its content type.
    let bin = fakes.hits("bin");
    let got = |id: &str| {
        bin.iter()
            .find(|h| h.header("ce-id") == id)
            .unwrap_or_else(|| panic!("{id} not delivered: {bin:#?}"))
            .clone()
    };
    let h = got("py-1");
    assert_eq!(h.header("content-type"), "application/json");
    assert_eq!(h.json(), serde_json::from_str::<Value>(&json_data).unwrap());
    let h = got("text-1");
    assert_eq!(h.header("content-type"), "text/plain; charset=utf-8");
    assert_eq!(h.body, b"nightly-train: approved");
    let h = got("bytes-1");
    assert_eq!(h.header("content-type"), "application/octet-stream");
    assert_eq!(h.body, [0xff, 0x00, 0x7f]);
    let h = got("b64-1");
    assert_eq!(h.body, [0x00, 0x01, 0x02]);
    assert!(bin.iter().all(|h| h.verified), "{bin:#?}");
    // Structured receivers get the CloudEvent with data or data_base64 as it came.
    let structured = fakes.hits("str");
    let envelope = |id: &str| {
        structured
            .iter()
            .map(|h| h.json())
            .find(|e| e["id"] == id)
            .unwrap_or_else(|| panic!("{id} not delivered"))
    };
    assert_eq!(envelope("text-1")["data"], "nightly-train: approved");
    assert_eq!(envelope("text-2")["data"], "plain words");
    assert_eq!(envelope("bytes-1")["data_base64"], "/wB/");
    assert_eq!(envelope("b64-1")["data_base64"], "AAEC");

    // Still refused: JSON that says it is JSON and is not, naming data.
    let mut bad = attributes("bad-1");
    bad.push(("content-type", "application/json"));
    let p = put_exact(&app, &token, &bad, b"{not json".to_vec()).await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST, "{p:?}");
    assert_eq!(p.entry(0)["ErrorField"], "data", "{p:?}");
}

// ---------------------------------------------------------------------------------------
// 16. Unknown types: refused naming them on a strict bus, stored, counted and listed on a
// lenient one, matched by rules on their source and a type prefix; catalog aliases.

/// Set what `bus` does with unknown types through the console's server function.
async fn set_unknown_types(v: &mut Visitor, bus: &str, choice: &str) -> crate::common::Reply {
    v.call(
        "set_unknown_types",
        &[("bus", bus), ("unknown_types", choice)],
    )
    .await
}

/// A management API call with an access key: its status and JSON body.
async fn api(app: &TestApp, method: &str, path: &str, token: &str, body: Option<Value>) -> Put {
    let client = reqwest::Client::new();
    let url = format!("{}{path}", app.base());
    let mut req = match method {
        "GET" => client.get(url),
        "POST" => client.post(url),
        "PATCH" => client.patch(url),
        "DELETE" => client.delete(url),
        other => panic!("{other}"),
    }
    .bearer_auth(token);
    if let Some(body) = body {
        req = req
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let res = req.send().await.expect("request sent");
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    Put {
        status,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
    }
}

/// A CloudEvent the catalog does not know.
fn unlisted(source: &str, event_type: &str, id: &str) -> Value {
    json!({"specversion": "1.0", "id": id, "source": source, "type": event_type, "time": TIME,
           "data": {"job": {"id": id, "state": "Preempted"}}})
}

/// PutEvents of one event on `bus`.
async fn put_on(app: &TestApp, token: &str, bus: &str, event: &Value) -> Put {
    let auth = bearer(token);
    post_exact(
        app,
        &format!("/api/v1/buses/{bus}/events"),
        &[("authorization", &auth), ("content-type", STRUCTURED)],
        serde_json::to_vec(event).unwrap(),
    )
    .await
}

#[tokio::test]
async fn an_unknown_type_is_refused_naming_it_on_a_strict_bus_and_listed_on_a_lenient_one() {
    let app = herald().await;
    let mut v = owner(&app, "ada@example.com").await;
    let (_, token) = access_key(&mut v).await;
    let pool = db(&app).await;

    // A workspace's system bus accepts by default; a bus made by hand refuses.
    let system = api(&app, "GET", &format!("/api/v1/buses/{BUS}"), &token, None).await;
    assert_eq!(system.body["unknown_types"], "accept", "{system:?}");
    let made = api(
        &app,
        "POST",
        "/api/v1/buses",
        &token,
        Some(json!({"name": "strict-bus"})),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{made:?}");
    assert_eq!(made.body["unknown_types"], "refuse", "{made:?}");

    // Strict: an unknown source, and an unknown type of a known source, refused by name.
    let p = put_on(
        &app,
        &token,
        "strict-bus",
        &unlisted("acme.jobs", "pai:Job:Preempted", "s-1"),
    )
    .await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST, "{p:?}");
    assert_eq!(p.entry(0)["ErrorField"], "source", "{p:?}");
    assert!(
        p.entry(0)["ErrorMessage"]
            .as_str()
            .unwrap()
            .contains("acme.jobs"),
        "{p:?}"
    );
    let p = put_on(
        &app,
        &token,
        "strict-bus",
        &unlisted(DLC, "dlc:Job:Exploded", "s-2"),
    )
    .await;
    assert_eq!(p.entry(0)["ErrorField"], "type", "{p:?}");
    assert!(
        p.entry(0)["ErrorMessage"]
            .as_str()
            .unwrap()
            .contains("dlc:Job:Exploded"),
        "{p:?}"
    );
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM events").await, 0);

    // Lenient: stored as received, counted once per new event (not for the re-sent one).
    let first = unlisted("acme.jobs", "pai:Job:Preempted", "l-1");
    let second = unlisted("acme.jobs", "pai:Job:Preempted", "l-2");
    for e in [&first, &second, &first] {
        let p = put_on(&app, &token, BUS, e).await;
        assert_eq!(p.status, StatusCode::OK, "{p:?}");
        assert_eq!(p.body["FailedEntryCount"], 0, "{p:?}");
    }
    let stored: Vec<(String, String)> =
        sqlx::query_as("SELECT source, type FROM events ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored
        .iter()
        .all(|(s, t)| s == "acme.jobs" && t == "pai:Job:Preempted"));
    let listed = api(
        &app,
        "GET",
        &format!("/api/v1/buses/{BUS}/unknown-types"),
        &token,
        None,
    )
    .await;
    assert_eq!(listed.status, StatusCode::OK, "{listed:?}");
    assert_eq!(listed.body["unknown_types"], "accept");
    assert_eq!(listed.body["total"], 1, "{listed:?}");
    let row = &listed.body["types"][0];
    assert_eq!(row["source"], "acme.jobs");
    assert_eq!(row["type"], "pai:Job:Preempted");
    assert_eq!(row["count"], 2, "{listed:?}");
    let sample: Value = serde_json::from_str(row["sample"].as_str().unwrap()).unwrap();
    assert_eq!(sample["id"], "l-2", "the latest event is the sample");
    assert!(row["first_seen"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(row["last_seen"].as_str() >= row["first_seen"].as_str());
    // The console reads the same list.
    let r = v.call("get_unknown_types", &[("bus", BUS)]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json()["types"][0]["count"], 2, "{r:?}");
    assert_eq!(r.json()["may_change"], true, "{r:?}");
    // The bus page lists it, with the choice and a prefilled "Create rule".
    let page = v.get(&format!("/buses/{BUS}")).await.text().await.unwrap();
    assert!(page.contains("Types seen but not in the catalog"), "{page}");
    assert!(page.contains("pai:Job:Preempted"), "{page}");
    assert!(page.contains("value=\"accept\""), "{page}");
    assert!(
        page.contains("rules/new?source=acme.jobs&amp;type=pai%3AJob%3APreempted"),
        "{page}"
    );

    // Bad values of the setting are refused naming the field, wherever they come from.
    for bad in [
        json!({"unknown_types": "maybe"}),
        json!({"unknown_types": 5}),
        json!({}),
    ] {
        let r = api(
            &app,
            "PATCH",
            &format!("/api/v1/buses/{BUS}"),
            &token,
            Some(bad.clone()),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {r:?}");
        assert_eq!(r.body["field"], "unknown_types", "{bad}: {r:?}");
    }
    let r = api(
        &app,
        "POST",
        "/api/v1/buses",
        &token,
        Some(json!({"name": "odd-bus", "unknown_types": "sometimes"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    assert_eq!(r.body["field"], "unknown_types", "{r:?}");
    let r = set_unknown_types(&mut v, BUS, "bogus").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    assert_eq!(r.json()["field"], "unknown_types", "{r:?}");

    // Switched back to refuse: refused again, named; what was seen stays listed. Audited.
    let r = api(
        &app,
        "PATCH",
        &format!("/api/v1/buses/{BUS}"),
        &token,
        Some(json!({"unknown_types": "refuse"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.body["unknown_types"], "refuse", "{r:?}");
    let p = put_on(
        &app,
        &token,
        BUS,
        &unlisted("acme.jobs", "pai:Job:Preempted", "l-3"),
    )
    .await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST, "{p:?}");
    assert_eq!(p.entry(0)["ErrorField"], "source", "{p:?}");
    let listed = api(
        &app,
        "GET",
        &format!("/api/v1/buses/{BUS}/unknown-types"),
        &token,
        None,
    )
    .await;
    assert_eq!(listed.body["types"][0]["count"], 2, "{listed:?}");
    let audited: Vec<String> = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'eventbridge:UpdateEventBus'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(audited.len(), 1, "{audited:?}");
    assert!(
        audited[0].contains("refuse") && audited[0].contains("accept"),
        "{audited:?}"
    );

    // A deleted bus takes its unknown types along; the other bus keeps its own.
    let r = api(
        &app,
        "PATCH",
        "/api/v1/buses/strict-bus",
        &token,
        Some(json!({"unknown_types": "accept"})),
    )
    .await;
    assert_eq!(r.body["unknown_types"], "accept", "{r:?}");
    let p = put_on(
        &app,
        &token,
        "strict-bus",
        &unlisted("acme.jobs", "x", "d-1"),
    )
    .await;
    assert_eq!(p.body["FailedEntryCount"], 0, "{p:?}");
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM unknown_types").await, 2);
    let r = api(&app, "DELETE", "/api/v1/buses/strict-bus", &token, None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{r:?}");
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM unknown_types").await, 1);
}

#[tokio::test]
async fn a_prefix_rule_on_an_unknown_source_seen_on_the_bus_delivers_it_to_an_http_target() {
    let (base, fakes) = fakes().await;
    let app = herald().await;
    let mut v = owner(&app, "ada@example.com").await;
    let (_, token) = access_key(&mut v).await;
    let pool = db(&app).await;
    let rule = json!({"name": "acme-jobs", "source": "acme.jobs", "types": ["pai:Job:*"],
                      "targets": [http(&base, "acme", "cloudevents_structured")]});

    // A source nobody has sent is a typo until the bus receives it.
    let r = save_new(&mut v, &rule).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    assert_eq!(r.json()["field"], "source", "{r:?}");
    let first = put_on(
        &app,
        &token,
        BUS,
        &unlisted("acme.jobs", "pai:Job:Started", "p-1"),
    )
    .await;
    assert_eq!(first.entry(0)["Deliveries"], 0, "{first:?}");

    let saved = save_ok(&mut v, &rule).await;
    fakes.learn_secrets(&saved, &["acme"]);
    assert_eq!(saved["rule"]["types"], json!(["pai:Job:*"]), "{saved}");
    let hit = put_on(
        &app,
        &token,
        BUS,
        &unlisted("acme.jobs", "pai:Job:Failed", "p-2"),
    )
    .await;
    assert_eq!(hit.entry(0)["Deliveries"], 1, "{hit:?}");
    let ds = settled(&pool, hit.herald_id(0)).await;
    assert_eq!(ds[0].status, "delivered", "{ds:#?}");
    let got = fakes.hits("acme");
    assert_eq!(got.len(), 1);
    assert!(got[0].verified);
    assert_eq!(got[0].json()["source"], "acme.jobs");
    assert_eq!(got[0].json()["type"], "pai:Job:Failed");
    assert_eq!(got[0].json()["data"]["job"]["id"], "p-2");
    // Outside the prefix, or another source: not this rule's.
    for (source, event_type, id) in [
        ("acme.jobs", "pai:Task:Failed", "p-3"),
        ("acme.other", "pai:Job:Failed", "p-4"),
    ] {
        let miss = put_on(&app, &token, BUS, &unlisted(source, event_type, id)).await;
        assert_eq!(miss.body["FailedEntryCount"], 0, "{miss:?}");
        assert_eq!(miss.entry(0)["Deliveries"], 0, "{id}: {miss:?}");
    }
}

/// A catalog source's type the catalog does not list yet (the "Create rule" of "Types seen
/// but not in the catalog"): refused as a typo until the bus receives it, then saved, kept
/// on an edit, and delivered.
#[tokio::test]
async fn a_rule_on_a_catalog_source_takes_a_type_outside_the_catalog_once_the_bus_has_it() {
    let (base, fakes) = fakes().await;
    let app = herald().await;
    let mut v = owner(&app, "ada@example.com").await;
    let (_, token) = access_key(&mut v).await;
    let pool = db(&app).await;
    const EXPLODED: &str = "dlc:Job:Exploded";
    let rule = json!({"name": "dlc-exploded", "source": DLC, "types": [JOB_FAILED, EXPLODED],
                      "targets": [ding(&base, DING_SECRET)]});

    let r = save_new(&mut v, &rule).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    assert_eq!(r.json()["field"], "types", "{r:?}");
    let message = r.json()["message"].as_str().unwrap().to_string();
    assert!(
        message.contains(EXPLODED) && message.contains("has not received it"),
        "{message}"
    );
    // The same type name under another source does not count.
    let other = put_on(&app, &token, BUS, &unlisted("acme.jobs", EXPLODED, "x-0")).await;
    assert_eq!(other.body["FailedEntryCount"], 0, "{other:?}");
    let r = save_new(&mut v, &rule).await;
    assert_eq!(r.json()["field"], "types", "{r:?}");

    let first = put_on(&app, &token, BUS, &unlisted(DLC, EXPLODED, "x-1")).await;
    assert_eq!(first.body["FailedEntryCount"], 0, "{first:?}");
    assert_eq!(first.entry(0)["Deliveries"], 0, "{first:?}");
    let saved = save_ok(&mut v, &rule).await;
    assert_eq!(
        saved["rule"]["types"],
        json!([EXPLODED, JOB_FAILED]),
        "{saved}"
    );

    let hit = put_on(&app, &token, BUS, &unlisted(DLC, EXPLODED, "x-2")).await;
    assert_eq!(hit.entry(0)["Deliveries"], 1, "{hit:?}");
    let ds = settled(&pool, hit.herald_id(0)).await;
    assert_eq!(ds[0].status, "delivered", "{ds:#?}");
    let sent = fakes.ding_with(0);
    assert_eq!(sent.len(), 1, "{sent:#?}");
    let link = format!("/buses/{BUS}/events/{}", hit.herald_id(0));
    assert!(
        sent[0]["markdown"]["text"]
            .as_str()
            .unwrap()
            .contains(&link),
        "{}",
        sent[0]
    );

    // Once the bus's record of it is gone (here: deleted by hand, as retention would), the
    // saved rule still keeps the type on an edit, and a new rule may not take it.
    sqlx::query("DELETE FROM unknown_types")
        .execute(&pool)
        .await
        .unwrap();
    let target = saved["rule"]["targets"][0]["id"].as_i64().unwrap();
    let mut edited = rule.clone();
    edited["description"] = json!("still exploded");
    edited["targets"] = json!([{"id": target,
                                "config": {"kind": "dingtalk", "url": "", "secret": ""}}]);
    let r = v
        .call_json(
            "save_rule",
            &json!({"bus": BUS, "original": "dlc-exploded", "rule": edited}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let mut copy = rule.clone();
    copy["name"] = json!("dlc-exploded-2");
    let r = save_new(&mut v, &copy).await;
    assert_eq!(r.json()["field"], "types", "{r:?}");
}

#[tokio::test]
async fn an_aliased_event_is_stored_as_sent_and_taken_by_rules_on_its_catalog_entry() {
    let (base, fakes) = fakes().await;
    let app = herald().await;
    let mut v = owner(&app, "ada@example.com").await;
    let (_, token) = access_key(&mut v).await;
    let pool = db(&app).await;
    // Strict, so the alias is what makes it known.
    let r = set_unknown_types(&mut v, BUS, "refuse").await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    save_ok(
        &mut v,
        &dlc_rule("dlc-failures", json!([ding(&base, DING_SECRET)])),
    )
    .await;

    // `catalog::ALIASES`' example: acs.pai / pai:dlc:Job:* is pai.dlc / dlc:Job:*.
    let mut real = dlc_failed("alias-1", "nightly-train");
    real["source"] = json!("acs.pai");
    real["type"] = json!("pai:dlc:Job:Failed");
    let p = put_ok(&app, &token, &real).await;
    assert_eq!(p.entry(0)["Deliveries"], 1, "{p:?}");
    let ds = settled(&pool, p.herald_id(0)).await;
    assert_eq!(ds[0].rule.as_deref(), Some("dlc-failures"));
    assert_eq!(ds[0].status, "delivered", "{ds:#?}");
    // Stored as the producer sent it; the message is the catalog entry's.
    let (source, event_type): (String, String) =
        sqlx::query_as("SELECT source, type FROM events WHERE ce_id = 'alias-1'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (source.as_str(), event_type.as_str()),
        ("acs.pai", "pai:dlc:Job:Failed")
    );
    let headline = herald::domain::message::summarize(
        DLC,
        JOB_FAILED,
        &real["data"],
        herald::domain::lang::Lang::En,
    )
    .headline;
    assert!(headline.contains("nightly-train") && headline.contains("failed"));
    let sent = fakes.ding_with(0);
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0]["markdown"]["text"]
            .as_str()
            .unwrap()
            .contains(&headline),
        "{}",
        sent[0]
    );
    // The catalog entry's required fields apply; an alias is not an unknown type.
    let mut incomplete = real.clone();
    incomplete["id"] = json!("alias-2");
    incomplete["data"]["event"]
        .as_object_mut()
        .unwrap()
        .remove("entity_id");
    let p = put_one(&app, &token, &incomplete).await;
    assert_eq!(p.entry(0)["ErrorField"], "data.event.entity_id", "{p:?}");
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM unknown_types").await, 0);
}

#[tokio::test]
async fn datarobot_types_no_family_knows_follow_the_bus_and_refusals_name_datarobot_s_fields() {
    let app = herald().await;
    let mut v = owner(&app, "ada@example.com").await;
    let (_, token) = access_key(&mut v).await;
    let auth = bearer(&token);
    let webhook = |event_type: &str| {
        let mut p: Value = serde_json::from_str(DR_PROJECT_DELETED).unwrap();
        p["event_type"] = json!(event_type);
        p.to_string().into_bytes()
    };

    // The system bus accepts: an unlisted type of a known family goes under its family's
    // source, one of no family under datarobot.unknown; both listed.
    for t in ["model_version.archived", "no.such_type"] {
        let r = post_datarobot(&app, Some(&auth), "application/json", &webhook(t)).await;
        assert_eq!(r.status, StatusCode::OK, "{t}: {r:?}");
    }
    let listed = api(
        &app,
        "GET",
        &format!("/api/v1/buses/{BUS}/unknown-types"),
        &token,
        None,
    )
    .await;
    let mut pairs: Vec<(String, String)> = listed.body["types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["source"].as_str().unwrap().into(),
                t["type"].as_str().unwrap().into(),
            )
        })
        .collect();
    pairs.sort();
    assert_eq!(
        pairs,
        [
            (
                "datarobot.model_version".to_string(),
                "model_version.archived".to_string()
            ),
            ("datarobot.unknown".to_string(), "no.such_type".to_string()),
        ]
    );

    // A strict bus refuses it naming event_type; every refusal names DataRobot's field.
    assert_eq!(
        set_unknown_types(&mut v, BUS, "refuse").await.status,
        StatusCode::OK
    );
    let r = post_datarobot(
        &app,
        Some(&auth),
        "application/json",
        &webhook("no.such_type.2"),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    assert_eq!(r.body["field"], "event_type", "{r:?}");
    assert!(
        r.body["message"]
            .as_str()
            .unwrap()
            .contains("no.such_type.2"),
        "{r:?}"
    );
    let mut long_id: Value = serde_json::from_str(DR_PROJECT_DELETED).unwrap();
    long_id["event"]["entity_id"] = json!("x".repeat(300));
    let r = post_datarobot(
        &app,
        Some(&auth),
        "application/json",
        long_id.to_string().as_bytes(),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    assert_eq!(r.body["field"], "event.entity_id", "{r:?}");
}

// ---------------------------------------------------------------------------------------
// A rule's own message templates.

/// A rule with templates: the robot gets the templated title and body, made inert (an
/// event's `<b>` and `@all` cannot become markup or a mention), with the link back; the
/// HTTP target of the same rule gets the standard template, unchanged.
#[tokio::test]
async fn a_templated_rule_sends_its_message_to_a_robot_and_the_unchanged_payload_to_http() {
    let (base, fakes) = fakes().await;
    let app = herald().await;
    let mut v = owner(&app, "ada@example.com").await;
    let saved = save_ok(
        &mut v,
        &json!({"name": "tmpl", "source": MODEL, "types": [APPROVED],
                "title_template": "Model {{ event.data.note }} approved in {{ workspace }}",
                "body_template": "Rule {{ rule.name }}\n\n  id {{ event.id }} ({{ event.type }})",
                "targets": [http(&base, "plain", "standard"), ding(&base, DING_SECRET)]}),
    )
    .await;
    fakes.learn_secrets(&saved, &["plain"]);
    let (_, token) = access_key(&mut v).await;
    let mut e = event(MODEL, APPROVED, "m-1");
    e["data"]["note"] = json!("<b>@all</b>");
    let p = put_ok(&app, &token, &e).await;
    let ds = settled(&db(&app).await, p.herald_id(0)).await;
    assert!(ds.iter().all(|d| d.status == "delivered"), "{ds:#?}");

    let sent = fakes.ding_with(0);
    assert_eq!(sent.len(), 1, "{sent:#?}");
    let title = sent[0]["markdown"]["title"].as_str().unwrap();
    assert_eq!(
        title,
        "[Herald] Model ＜b＞＠all＜/b＞ approved in team · team"
    );
    let text = sent[0]["markdown"]["text"].as_str().unwrap();
    let expected = format!(
        "#### [Herald] Model ＜b＞＠all＜/b＞ approved in team\n\nRule tmpl\n\nid m-1 ({APPROVED})\n\n[Open in Herald]({}/buses/{BUS}/events/{})",
        app.base(),
        p.herald_id(0)
    );
    assert_eq!(text, expected);

    let got = fakes.hits("plain");
    assert_eq!(got.len(), 1);
    let mut standard = e["data"].clone();
    standard["event_type"] = json!(APPROVED);
    standard["timestamp"] = json!(TIME_UNIX);
    assert_eq!(got[0].json(), standard);
}

/// A template that compiles but fails for an event (a field this event lacks) does not
/// lose the delivery: the built-in message goes out, saying the template failed and why.
#[tokio::test]
async fn a_template_that_fails_for_an_event_falls_back_to_the_built_in_message() {
    let (base, fakes) = fakes().await;
    let app = herald().await;
    let mut v = owner(&app, "ada@example.com").await;
    let mut rule = dlc_rule("fragile", json!([ding(&base, DING_SECRET)]));
    rule["body_template"] = json!("Owner: {{ event.data.job.owner_name }}");
    save_ok(&mut v, &rule).await;
    let (_, token) = access_key(&mut v).await;
    let p = put_ok(&app, &token, &dlc_failed("f-1", "nightly")).await;
    let ds = settled(&db(&app).await, p.herald_id(0)).await;
    assert_eq!(ds[0].status, "delivered", "{ds:#?}");
    let sent = fakes.ding_with(0);
    assert_eq!(sent.len(), 1, "{sent:#?}");
    let text = sent[0]["markdown"]["text"].as_str().unwrap();
    assert!(text.contains("**Workspace:** team"), "{text}");
    assert!(
        text.contains("(The rule's message template failed, so Herald sent its own message: body_template: line 1: undefined value"),
        "{text}"
    );
    assert!(text.contains("/events/"), "the link back stays: {text}");
}

//! A delivery's life after the first attempts: redelivery by hand (one, or all failed since
//! a time) with the same webhook-id, WeCom and Lark deliveries rendered and signed, and a
//! target disabled after failing without a break, flagged, and turned back on by a save.

use crate::common::{TestApp, Visitor};
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use herald::server::config::RetrySchedule;
use herald::server::delivery::sign::lark_sign;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BUS: &str = "pai-system-team";
const LARK_SECRET: &str = "lark-lifecycle-secret";

/// A robot endpoint: records bodies, answers like WeCom/Lark; `fail` makes it refuse.
#[derive(Clone, Default)]
struct Robot {
    seen: Arc<Mutex<Vec<Value>>>,
    fail: Arc<AtomicBool>,
}

async fn wecom(State(r): State<Robot>, Json(body): Json<Value>) -> Json<Value> {
    r.seen.lock().unwrap().push(body);
    if r.fail.load(Ordering::Relaxed) {
        return Json(json!({"errcode": 93000, "errmsg": "invalid webhook url"}));
    }
    Json(json!({"errcode": 0, "errmsg": "ok"}))
}

async fn lark(State(r): State<Robot>, Json(body): Json<Value>) -> Json<Value> {
    r.seen.lock().unwrap().push(body.clone());
    let ts: i64 = body["timestamp"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    if body["sign"].as_str() != Some(lark_sign(ts, LARK_SECRET).as_str()) {
        return Json(
            json!({"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"}),
        );
    }
    Json(json!({"code": 0, "msg": "success", "data": {}}))
}

async fn robots() -> (String, Robot) {
    let robot = Robot::default();
    let app = Router::new()
        .route("/cgi-bin/webhook/send", post(wecom))
        .route("/open-apis/bot/v2/hook/{id}", post(lark))
        .with_state(robot.clone());
    (loopback(app).await, robot)
}

async fn owner(app: &TestApp) -> Visitor {
    app.team_owner("ada@example.com", true).await
}

async fn save(v: &mut Visitor, original: Option<&str>, targets: Value) -> Value {
    let r = v
        .call_json(
            "save_rule",
            &json!({"bus": BUS, "original": original, "rule": {
                "name": "flows", "source": "pai.flow", "types": ["flow:Task:Failed"], "targets": targets
            }}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    r.json()
}

/// Serve `app` on a loopback port; its base URL.
async fn loopback(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

/// The first target of `rule` is flagged disabled, saying `why`.
async fn assert_disabled(v: &mut Visitor, rule: &str, why: &str) {
    let r = v.call("get_rule", &[("bus", BUS), ("name", rule)]).await;
    let disabled = r.json()["targets"][0]["disabled"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(disabled.contains(why), "{r:?}");
}

/// The event got no delivery: a disabled target gets nothing.
async fn assert_no_deliveries(v: &mut Visitor, id: i64) {
    let r = v
        .call("get_event", &[("bus", BUS), ("id", &id.to_string())])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(
        r.json()["deliveries"],
        json!([]),
        "a disabled target gets nothing: {r:?}"
    );
}

/// Send a test event through the UI's "Send test event"; its Herald id.
async fn test_event(v: &mut Visitor) -> i64 {
    send_test(v, "pai.flow", "flow:Task:Failed").await
}

/// Send a catalog event of `source` and `event_type` with its sample data, through "Send
/// test event"; its Herald id.
async fn send_test(v: &mut Visitor, source: &str, event_type: &str) -> i64 {
    let data = herald::domain::catalog::event_type(source, event_type)
        .unwrap()
        .sample_data()
        .to_string();
    let r = v
        .call(
            "send_test_event",
            &[
                ("bus", BUS),
                ("source", source),
                ("event_type", event_type),
                ("data", &data),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    r.json().as_i64().unwrap()
}

/// The event's deliveries once none is pending.
async fn settled(v: &mut Visitor, id: i64) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let r = v
            .call("get_event", &[("bus", BUS), ("id", &id.to_string())])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        let ds = r.json()["deliveries"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if !ds.is_empty() && ds.iter().all(|d| d["status"] != "pending") {
            return ds;
        }
        assert!(
            Instant::now() < deadline,
            "deliveries did not settle: {ds:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn wecom_and_lark_deliveries_are_rendered_signed_and_redelivered_by_hand() {
    let (base, robot) = robots().await;
    let app = TestApp::spawn_with(|a| {
        a.allow_target_networks = vec!["127.0.0.0/8".into()];
        a.retry_schedule = RetrySchedule::parse("100ms").unwrap();
    })
    .await;
    let mut v = owner(&app).await;
    save(
        &mut v,
        None,
        json!([
            {"config": {"kind": "wecom", "url": format!("{base}/cgi-bin/webhook/send?key=k1")}},
            {"config": {"kind": "lark", "url": format!("{base}/open-apis/bot/v2/hook/abc"), "secret": LARK_SECRET}},
        ]),
    )
    .await;
    robot.fail.store(true, Ordering::Relaxed);
    let id = test_event(&mut v).await;
    let ds = settled(&mut v, id).await;
    let wecom_d = ds.iter().find(|d| d["kind"] == "wecom").unwrap().clone();
    let lark_d = ds.iter().find(|d| d["kind"] == "lark").unwrap().clone();
    assert_eq!(wecom_d["status"], "failed", "93000 is permanent: {wecom_d}");
    assert_eq!(wecom_d["last_reason"], "invalid_token");
    assert_eq!(lark_d["status"], "delivered", "{lark_d}");

    // What the robots got: WeCom markdown and a signed Lark post naming the event.
    let seen = robot.seen.lock().unwrap().clone();
    let wecom_body = seen.iter().find(|b| b["msgtype"] == "markdown").unwrap();
    assert!(wecom_body["markdown"]["content"]
        .as_str()
        .unwrap()
        .contains("flow:Task:Failed"));
    let lark_body = seen.iter().find(|b| b["msg_type"] == "post").unwrap();
    assert!(
        lark_body["content"].to_string().contains("Workspace: team"),
        "{lark_body}"
    );

    // Redeliver the failed one after the robot is fixed: same webhook-id, delivered.
    robot.fail.store(false, Ordering::Relaxed);
    let r = v
        .call(
            "redeliver",
            &[("bus", BUS), ("delivery", &wecom_d["id"].to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let again = v
        .call(
            "redeliver",
            &[("bus", BUS), ("delivery", &lark_d["id"].to_string())],
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::OK,
        "a delivered one may be sent again too"
    );
    let ds = settled(&mut v, id).await;
    let wecom_again = ds.iter().find(|d| d["kind"] == "wecom").unwrap();
    assert_eq!(wecom_again["status"], "delivered");
    assert_eq!(wecom_again["webhook_id"], wecom_d["webhook_id"]);
    assert_eq!(wecom_again["attempts"].as_array().unwrap().len(), 2);

    // "All failed since": a second failure, then one call queues it again.
    robot.fail.store(true, Ordering::Relaxed);
    let id2 = test_event(&mut v).await;
    settled(&mut v, id2).await;
    robot.fail.store(false, Ordering::Relaxed);
    let r = v
        .call(
            "redeliver_failed",
            &[("bus", BUS), ("since", "2000-01-01T00:00:00Z")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json(), json!(1), "one failed delivery queued again");
    let ds = settled(&mut v, id2).await;
    assert!(ds.iter().all(|d| d["status"] == "delivered"), "{ds:?}");
    let bad = v
        .call("redeliver_failed", &[("bus", BUS), ("since", "yesterday")])
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["field"], "since");
}

#[tokio::test]
async fn a_target_failing_without_a_break_is_disabled_flagged_and_saved_back_on() {
    let (base, robot) = robots().await;
    let app = TestApp::spawn_with(|a| {
        a.allow_target_networks = vec!["127.0.0.0/8".into()];
        a.retry_schedule = RetrySchedule::parse("100ms").unwrap();
        a.disable_failing_after = Duration::ZERO;
    })
    .await;
    let mut v = owner(&app).await;
    let url = format!("{base}/cgi-bin/webhook/send?key=k2");
    let saved = save(
        &mut v,
        None,
        json!([{"config": {"kind": "wecom", "url": url}}]),
    )
    .await;
    let target = saved["rule"]["targets"][0]["id"].as_i64().unwrap();
    robot.fail.store(true, Ordering::Relaxed);
    let id = test_event(&mut v).await;
    settled(&mut v, id).await;

    // Flagged in the rule list, and new events no longer go to it.
    assert_disabled(&mut v, "flows", "failing without a break").await;
    let id2 = test_event(&mut v).await;
    assert_no_deliveries(&mut v, id2).await;

    // Saving the rule (target kept) turns it back on.
    robot.fail.store(false, Ordering::Relaxed);
    save(
        &mut v,
        Some("flows"),
        json!([{"id": target, "config": {"kind": "wecom", "url": ""}}]),
    )
    .await;
    let r = v.call("get_rule", &[("bus", BUS), ("name", "flows")]).await;
    assert!(r.json()["targets"][0]["disabled"].is_null(), "{r:?}");
    let id3 = test_event(&mut v).await;
    let ds = settled(&mut v, id3).await;
    assert_eq!(ds[0]["status"], "delivered");
}

/// The first target of `rule` is not flagged disabled.
async fn assert_enabled(v: &mut Visitor, rule: &str, when: &str) {
    let r = v.call("get_rule", &[("bus", BUS), ("name", rule)]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert!(
        r.json()["targets"][0]["disabled"].is_null(),
        "{when}: the target was disabled: {r:?}"
    );
}

/// With a real window (`--disable-failing-after 2s`), a target is disabled only once it has
/// failed for the whole window without a single success: one failure does not do it, a
/// success in between starts the clock again, and an unbroken streak as long as the window
/// does. The waits are lower bounds (at least the window), never a race.
#[tokio::test]
async fn a_success_restarts_the_failing_clock_and_only_an_unbroken_window_of_failures_disables() {
    const WINDOW: Duration = Duration::from_secs(2);
    let past_window = WINDOW + Duration::from_millis(500);
    let (base, robot) = robots().await;
    let app = TestApp::spawn_with(|a| {
        a.allow_target_networks = vec!["127.0.0.0/8".into()];
        a.retry_schedule = RetrySchedule::parse("100ms").unwrap();
        a.disable_failing_after = WINDOW;
    })
    .await;
    let mut v = owner(&app).await;
    let url = format!("{base}/cgi-bin/webhook/send?key=k3");
    save(
        &mut v,
        None,
        json!([{"config": {"kind": "wecom", "url": url}}]),
    )
    .await;

    // A first failure starts the clock; it does not disable.
    robot.fail.store(true, Ordering::Relaxed);
    let id = test_event(&mut v).await;
    assert_ne!(settled(&mut v, id).await[0]["status"], "delivered");
    assert_enabled(&mut v, "flows", "after one failure").await;

    // A success, more than a window after that failure, then a failure at once: the success
    // broke the streak, so the target has failed for an instant, not a window.
    tokio::time::sleep(past_window).await;
    robot.fail.store(false, Ordering::Relaxed);
    let id = test_event(&mut v).await;
    assert_eq!(settled(&mut v, id).await[0]["status"], "delivered");
    robot.fail.store(true, Ordering::Relaxed);
    let id = test_event(&mut v).await;
    assert_ne!(settled(&mut v, id).await[0]["status"], "delivered");
    assert_enabled(&mut v, "flows", "a success restarted the clock").await;

    // Failing on, with no success, for more than the window: disabled.
    tokio::time::sleep(past_window).await;
    let id = test_event(&mut v).await;
    settled(&mut v, id).await;
    assert_disabled(&mut v, "flows", "failing without a break").await;
}

/// Send a Model "approved" test event through the UI; its Herald id.
async fn model_test_event(v: &mut Visitor) -> i64 {
    send_test(v, "pai.model", "model:ModelVersion:Approved").await
}

/// An HTTP endpoint that answers 410 Gone is not retried, and its target is disabled at
/// once (Standard Webhooks), long before `--disable-failing-after`.
#[tokio::test]
async fn an_http_endpoint_answering_410_gone_disables_its_target_at_once() {
    let hits = Arc::new(Mutex::new(0u32));
    let counted = hits.clone();
    let gone = Router::new().route(
        "/hook",
        post(move || {
            let counted = counted.clone();
            async move {
                *counted.lock().unwrap() += 1;
                (axum::http::StatusCode::GONE, "endpoint deleted")
            }
        }),
    );
    let url = format!("{}/hook", loopback(gone).await);
    let app = TestApp::spawn_with(|a| {
        a.allow_target_networks = vec!["127.0.0.0/8".into()];
        a.retry_schedule = RetrySchedule::parse("100ms,100ms").unwrap();
    })
    .await;
    let mut v = owner(&app).await;
    let r = v
        .call_json(
            "save_rule",
            &json!({"bus": BUS, "original": null, "rule": {
                "name": "models", "source": "pai.model", "types": ["model:ModelVersion:Approved"],
                "targets": [{"config": {"kind": "http", "url": url}}]
            }}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let id = model_test_event(&mut v).await;
    let ds = settled(&mut v, id).await;
    assert_eq!(ds[0]["status"], "failed", "{ds:?}");
    assert_eq!(ds[0]["last_reason"], "gone", "{ds:?}");
    assert_eq!(ds[0]["attempts"].as_array().unwrap().len(), 1, "{ds:?}");
    assert_eq!(ds[0]["attempts"][0]["response_status"], 410, "{ds:?}");
    assert_eq!(
        ds[0]["attempts"][0]["response_body"], "endpoint deleted",
        "{ds:?}"
    );
    assert_eq!(*hits.lock().unwrap(), 1, "no retry");

    assert_disabled(&mut v, "models", "410 Gone").await;
    let id2 = model_test_event(&mut v).await;
    assert_no_deliveries(&mut v, id2).await;
    assert_eq!(*hits.lock().unwrap(), 1);
}

/// A receiver that echoes the request's headers in its answer: the attempt keeps the
/// answer without the target's secrets (a custom header's value, the signing secret).
#[tokio::test]
async fn an_answer_that_echoes_a_secret_is_kept_without_it() {
    let echo = Router::new().route(
        "/hook",
        post(|headers: axum::http::HeaderMap| async move {
            let lines: Vec<String> = headers
                .iter()
                .map(|(n, v)| format!("{n}: {}", v.to_str().unwrap_or_default()))
                .collect();
            lines.join("\n")
        }),
    );
    let url = format!("{}/hook", loopback(echo).await);
    let app = TestApp::spawn_with(|a| a.allow_target_networks = vec!["127.0.0.0/8".into()]).await;
    let mut v = owner(&app).await;
    let r = v
        .call_json(
            "save_rule",
            &json!({"bus": BUS, "original": null, "rule": {
                "name": "models", "source": "pai.model", "types": ["model:ModelVersion:Approved"],
                "targets": [{"config": {"kind": "http", "url": url,
                    "headers": [["X-Api-Key", "key-0123456789-secret"], ["X-Team", "ml"]]}}]
            }}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let id = model_test_event(&mut v).await;
    let ds = settled(&mut v, id).await;
    assert_eq!(ds[0]["status"], "delivered", "{ds:?}");
    let body = ds[0]["attempts"][0]["response_body"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(body.contains("x-api-key: [redacted]"), "{body}");
    assert!(!body.contains("key-0123456789-secret"), "{body}");
    // What is no secret stays readable.
    assert!(body.contains("x-team: ml"), "{body}");
    assert!(body.contains("webhook-signature: v1,"), "{body}");
}

/// An HTTP receiver that notes when each request arrived.
async fn clock_sink() -> (String, Arc<Mutex<Vec<Instant>>>) {
    let times: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let kept = times.clone();
    let app = Router::new().route(
        "/hook",
        post(move || {
            let kept = kept.clone();
            async move {
                kept.lock().unwrap().push(Instant::now());
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    (format!("{}/hook", loopback(app).await), times)
}

#[tokio::test]
async fn an_http_target_with_a_rate_limit_gets_events_spaced_and_none_dropped() {
    let (url, times) = clock_sink().await;
    let app = TestApp::spawn_with(|a| a.allow_target_networks = vec!["127.0.0.0/8".into()]).await;
    let mut v = owner(&app).await;
    let rule = |rate: u32| {
        json!({"bus": BUS, "original": null, "rule": {
            "name": "models", "source": "pai.model", "types": ["model:ModelVersion:Approved"],
            "targets": [{"config": {"kind": "http", "url": url, "max_per_second": rate}}]
        }})
    };
    let r = v.call_json("save_rule", &rule(0)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    assert_eq!(r.json()["field"], "targets[0].max_per_second");
    let r = v.call_json("save_rule", &rule(1)).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json()["rule"]["targets"][0]["max_per_second"], 1);

    for _ in 0..3 {
        model_test_event(&mut v).await;
    }
    let deadline = Instant::now() + Duration::from_secs(15);
    while times.lock().unwrap().len() < 3 {
        assert!(Instant::now() < deadline, "not all three arrived");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let t = times.lock().unwrap().clone();
    assert_eq!(t.len(), 3, "each event once");
    // One a second: the receiver never saw two within the same second.
    for pair in t.windows(2) {
        assert!(
            pair[1] - pair[0] >= Duration::from_millis(900),
            "sent {:?} apart",
            pair[1] - pair[0]
        );
    }
}

#[tokio::test]
async fn a_sent_test_event_starts_with_the_test_mark_at_every_robot() {
    let (base, robot) = robots().await;
    let app = TestApp::spawn_with(|a| {
        a.allow_target_networks = vec!["127.0.0.0/8".into()];
    })
    .await;
    let mut v = owner(&app).await;
    save(
        &mut v,
        None,
        json!([
            {"config": {"kind": "wecom", "url": format!("{base}/cgi-bin/webhook/send?key=k1")}},
            {"config": {"kind": "lark", "url": format!("{base}/open-apis/bot/v2/hook/abc"), "secret": LARK_SECRET}},
        ]),
    )
    .await;
    let id = test_event(&mut v).await;
    let ds = settled(&mut v, id).await;
    assert!(ds.iter().all(|d| d["status"] == "delivered"), "{ds:?}");
    let seen = robot.seen.lock().unwrap().clone();
    let wecom_body = seen.iter().find(|b| b["msgtype"] == "markdown").unwrap();
    let content = wecom_body["markdown"]["content"].as_str().unwrap();
    assert!(
        content.starts_with("#### [TEST] [Herald] Flow task daily-feature-pipeline failed"),
        "{content}"
    );
    let lark_body = seen.iter().find(|b| b["msg_type"] == "post").unwrap();
    let post = &lark_body["content"]["post"]["en_us"];
    assert!(
        post["title"].as_str().unwrap().starts_with("[TEST] "),
        "{lark_body}"
    );
    assert!(
        post["content"][0][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("[TEST] Flow task daily-feature-pipeline failed"),
        "{lark_body}"
    );
}

#[tokio::test]
async fn wecom_mentions_go_as_a_text_message_with_mentioned_mobile_list() {
    let (base, robot) = robots().await;
    let app = TestApp::spawn_with(|a| {
        a.allow_target_networks = vec!["127.0.0.0/8".into()];
    })
    .await;
    let mut v = owner(&app).await;
    save(
        &mut v,
        None,
        json!([
            {"config": {"kind": "wecom", "url": format!("{base}/cgi-bin/webhook/send?key=k1"),
                        "mentioned_mobiles": ["13800000000", "13900000000"]}},
        ]),
    )
    .await;
    let id = test_event(&mut v).await;
    let ds = settled(&mut v, id).await;
    assert_eq!(ds[0]["status"], "delivered", "{ds:?}");
    let seen = robot.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    // Markdown cannot mention anyone: a text message with the mobiles, so they are notified.
    assert_eq!(seen[0]["msgtype"], "text", "{}", seen[0]);
    assert_eq!(
        seen[0]["text"]["mentioned_mobile_list"],
        json!(["13800000000", "13900000000"])
    );
    let content = seen[0]["text"]["content"].as_str().unwrap();
    assert!(
        content.starts_with("[TEST] Flow task daily-feature-pipeline failed"),
        "{content}"
    );
    assert!(content.contains("ODPS-0130071"), "the reason: {content}");
}

#[tokio::test]
async fn messages_are_written_in_the_rules_language_else_the_accounts() {
    let (base, robot) = robots().await;
    let app = TestApp::spawn_with(|a| {
        a.allow_target_networks = vec!["127.0.0.0/8".into()];
    })
    .await;
    let mut v = owner(&app).await;
    let wecom = json!([{"config": {"kind": "wecom", "url": format!("{base}/cgi-bin/webhook/send?key=k1")}}]);
    save(&mut v, None, wecom.clone()).await;
    // A bad language is refused, naming the field.
    let bad = v.call("set_account_language", &[("language", "fr")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{bad:?}");
    assert_eq!(bad.json()["field"], "language");
    let r = v.call("set_account_language", &[("language", "ja")]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");

    // No language on the rule: the account's.
    let id = test_event(&mut v).await;
    settled(&mut v, id).await;
    let ja = robot.seen.lock().unwrap().last().unwrap().clone();
    let content = ja["markdown"]["content"].as_str().unwrap().to_string();
    assert!(
        content.starts_with(
            "#### 【テスト】 [Herald] Flow タスク daily-feature-pipeline が失敗しました"
        ),
        "{content}"
    );
    assert!(content.contains("- **理由：** SQL Script-2"), "{content}");

    // The rule's own language wins.
    let r = v
        .call_json(
            "save_rule",
            &json!({"bus": BUS, "original": "flows", "rule": {
                "name": "flows", "source": "pai.flow", "types": ["flow:Task:Failed"],
                "targets": wecom, "language": "zh"
            }}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let id = test_event(&mut v).await;
    settled(&mut v, id).await;
    let zh = robot.seen.lock().unwrap().last().unwrap().clone();
    let content = zh["markdown"]["content"].as_str().unwrap().to_string();
    assert!(
        content.starts_with("#### 【测试】 [Herald] Flow 任务 daily-feature-pipeline 失败"),
        "{content}"
    );
    let rule = v.call("get_rule", &[("bus", BUS), ("name", "flows")]).await;
    assert_eq!(rule.json()["language"], "zh", "{rule:?}");
    let bad = v
        .call_json(
            "save_rule",
            &json!({"bus": BUS, "original": "flows", "rule": {
                "name": "flows", "source": "pai.flow", "types": ["flow:Task:Failed"],
                "targets": wecom, "language": "klingon"
            }}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{bad:?}");
    assert_eq!(bad.json()["field"], "language");
}

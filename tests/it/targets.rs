//! "Test connection" against loopback fakes that check what they receive the way the real
//! services do (DingTalk's query signature, Lark's body signature, WeCom's key, a Standard
//! Webhooks receiver) and answer with the real services' codes; and, at a receiver that
//! keeps every request, that the test of an HTTP target sends what a delivery sends.

use crate::common::TestApp;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode as AxStatus};
use axum::routing::post;
use axum::{Json, Router};
use herald::server::delivery::sign::{lark_sign, standard_webhooks_verify, WebhookSecret};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DING_TOKEN: &str = "ding-good-token";
const DING_SECRET: &str = "SECdingtalk-fake-secret-0123456789";
const LARK_SECRET: &str = "lark-fake-secret";
const WECOM_KEY: &str = "0f1e2d3c-wecom-key";
const WHSEC: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

/// What the fakes received, for assertions.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<Value>>>);

async fn dingtalk(
    State(seen): State<Seen>,
    Query(q): Query<HashMap<String, String>>,
    Json(body): Json<Value>,
) -> Json<Value> {
    seen.0.lock().unwrap().push(body.clone());
    let (code, msg) = crate::common::dingtalk_verdict(&q, DING_TOKEN, DING_SECRET);
    if code != 0 {
        return Json(json!({"errcode": code, "errmsg": msg}));
    }
    if body["msgtype"] != "markdown"
        || !body["markdown"]["text"]
            .as_str()
            .unwrap_or("")
            .contains("Herald")
    {
        return Json(json!({"errcode": 40035, "errmsg": "invalid parameter"}));
    }
    Json(json!({"errcode": 0, "errmsg": "ok"}))
}

async fn dingtalk_busy() -> Json<Value> {
    Json(json!({"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}))
}

async fn lark(
    State(seen): State<Seen>,
    Path(_id): Path<String>,
    Json(body): Json<Value>,
) -> Json<Value> {
    seen.0.lock().unwrap().push(body.clone());
    let ts: i64 = body["timestamp"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    let ok = body["sign"].as_str() == Some(&lark_sign(ts, LARK_SECRET))
        && (crate::common::now_s() - ts).abs() < 3600;
    if !ok {
        return Json(
            json!({"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time", "data": {}}),
        );
    }
    Json(
        json!({"StatusCode": 0, "StatusMessage": "success", "code": 0, "data": {}, "msg": "success"}),
    )
}

async fn wecom(Query(q): Query<HashMap<String, String>>, Json(body): Json<Value>) -> Json<Value> {
    if q.get("key").map(String::as_str) != Some(WECOM_KEY) {
        return Json(json!({"errcode": 93000, "errmsg": "invalid webhook url"}));
    }
    if body["msgtype"] != "markdown" {
        return Json(json!({"errcode": 40008, "errmsg": "invalid message type"}));
    }
    Json(json!({"errcode": 0, "errmsg": "ok"}))
}

async fn receiver(
    State(seen): State<Seen>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> AxStatus {
    let h = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let secret = WebhookSecret::parse(WHSEC).unwrap();
    let ts: i64 = h("webhook-timestamp").parse().unwrap_or(0);
    let ok = standard_webhooks_verify(
        &secret,
        &h("webhook-id"),
        ts,
        &body,
        &h("webhook-signature"),
        crate::common::now_s(),
    );
    seen.0.lock().unwrap().push(json!({
        "content_type": h("content-type"),
        "x_team": h("x-team"),
        "webhook_id": h("webhook-id"),
        "body": String::from_utf8_lossy(&body),
    }));
    if ok {
        AxStatus::NO_CONTENT
    } else {
        AxStatus::UNAUTHORIZED
    }
}

async fn unavailable() -> AxStatus {
    AxStatus::SERVICE_UNAVAILABLE
}

/// Start the fakes; returns their base URL and what they saw.
async fn fakes() -> (String, Seen) {
    let seen = Seen::default();
    let app = Router::new()
        .route("/robot/send", post(dingtalk))
        .route("/busy/robot/send", post(dingtalk_busy))
        .route("/open-apis/bot/v2/hook/{id}", post(lark))
        .route("/cgi-bin/webhook/send", post(wecom))
        .route("/hook", post(receiver))
        .route("/down", post(unavailable))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), seen)
}

/// A Herald that may reach loopback, with a signed-in owner and an activated workspace.
async fn herald(allow_loopback: bool) -> (TestApp, crate::common::Visitor) {
    let app = TestApp::spawn_with(|a| {
        if allow_loopback {
            a.allow_target_networks = vec!["127.0.0.0/8".into()];
        }
    })
    .await;
    let mut v = app.signed_up("ada@example.com").await;
    assert_eq!(v.create_workspace("team").await.status, StatusCode::OK);
    v.call("activate_event_bridge", &[]).await;
    (app, v)
}

async fn test(v: &mut crate::common::Visitor, target: Value) -> Value {
    let r = v
        .call_json(
            "test_target",
            &json!({"bus": "pai-system-team", "target": target}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    r.json()
}

#[tokio::test]
async fn dingtalk_with_the_right_key_succeeds_and_a_wrong_key_is_diagnosed() {
    let (base, seen) = fakes().await;
    let (_app, mut v) = herald(true).await;
    let url = format!("{base}/robot/send?access_token={DING_TOKEN}");

    let ok = test(
        &mut v,
        json!({"kind": "dingtalk", "url": url, "secret": DING_SECRET}),
    )
    .await;
    assert_eq!(ok["ok"], true, "{ok}");
    assert_eq!(ok["reason"], "delivered");
    let sent = seen.0.lock().unwrap().last().cloned().unwrap();
    assert!(sent["markdown"]["text"]
        .as_str()
        .unwrap()
        .contains("[Herald] Test message"));

    let bad = test(
        &mut v,
        json!({"kind": "dingtalk", "url": url, "secret": "SECsomebody-elses-key-000"}),
    )
    .await;
    assert_eq!(bad["ok"], false);
    assert_eq!(bad["reason"], "signature_mismatch");
    assert_eq!(bad["provider_code"], 310000);
    assert!(bad["summary"]
        .as_str()
        .unwrap()
        .contains("Signature mismatch or keyword missing"));
    assert!(bad["hint"].as_str().unwrap().contains("signing key"));

    let token = test(&mut v, json!({"kind": "dingtalk", "url": format!("{base}/robot/send?access_token=nope"), "secret": DING_SECRET})).await;
    assert_eq!(token["reason"], "invalid_token");

    let busy = test(
        &mut v,
        json!({"kind": "dingtalk", "url": format!("{base}/busy/robot/send?access_token=x")}),
    )
    .await;
    assert_eq!(busy["reason"], "rate_limited");
}

/// "Test connection" speaks the rule's message language as the form has it, else the
/// account's; a language Herald does not have is refused naming the field.
#[tokio::test]
async fn test_connection_writes_in_the_rules_language_else_the_accounts() {
    let (base, seen) = fakes().await;
    let (_app, mut v) = herald(true).await;
    let target = json!({"kind": "dingtalk", "url": format!("{base}/robot/send?access_token={DING_TOKEN}"),
                        "secret": DING_SECRET});
    let mut test_in = async |language: &str| {
        let r = v
            .call_json(
                "test_target",
                &json!({"bus": "pai-system-team", "target": target, "language": language}),
            )
            .await;
        (r.status, r.json())
    };
    let last = || {
        seen.0.lock().unwrap().last().cloned().unwrap()["markdown"]["text"]
            .as_str()
            .unwrap()
            .to_string()
    };

    let (status, ok) = test_in("ja").await;
    assert_eq!((status, &ok["ok"]), (StatusCode::OK, &json!(true)), "{ok}");
    assert!(
        last().starts_with("#### 【テスト】 [Herald] テストメッセージ"),
        "{}",
        last()
    );
    let (_, ok) = test_in("zh").await;
    assert_eq!(ok["ok"], true, "{ok}");
    assert!(
        last().starts_with("#### 【测试】 [Herald] 测试消息"),
        "{}",
        last()
    );
    // None chosen: the account's, English until the owner changes it.
    let (_, ok) = test_in("").await;
    assert_eq!(ok["ok"], true, "{ok}");
    assert!(
        last().starts_with("#### [TEST] [Herald] Test message"),
        "{}",
        last()
    );
    let before = seen.0.lock().unwrap().len();
    let (status, bad) = test_in("fr").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    assert_eq!(bad["field"], "language", "{bad}");
    assert_eq!(seen.0.lock().unwrap().len(), before, "nothing sent");
    drop(test_in);

    let r = v.call("set_account_language", &[("language", "ja")]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let ok = test(&mut v, target.clone()).await;
    assert_eq!(ok["ok"], true, "{ok}");
    assert!(last().starts_with("#### 【テスト】"), "{}", last());
}

#[tokio::test]
async fn lark_signature_in_the_body_is_checked() {
    let (base, _) = fakes().await;
    let (_app, mut v) = herald(true).await;
    let url = format!("{base}/open-apis/bot/v2/hook/abc-123");
    let ok = test(
        &mut v,
        json!({"kind": "lark", "url": url, "secret": LARK_SECRET}),
    )
    .await;
    assert_eq!(ok["reason"], "delivered", "{ok}");
    let bad = test(
        &mut v,
        json!({"kind": "lark", "url": url, "secret": "wrong"}),
    )
    .await;
    assert_eq!(bad["reason"], "signature_mismatch");
    assert_eq!(bad["provider_code"], 19021);
}

#[tokio::test]
async fn wecom_key_is_checked() {
    let (base, _) = fakes().await;
    let (_app, mut v) = herald(true).await;
    let ok = test(
        &mut v,
        json!({"kind": "wecom", "url": format!("{base}/cgi-bin/webhook/send?key={WECOM_KEY}")}),
    )
    .await;
    assert_eq!(ok["reason"], "delivered", "{ok}");
    let bad = test(
        &mut v,
        json!({"kind": "wecom", "url": format!("{base}/cgi-bin/webhook/send?key=other")}),
    )
    .await;
    assert_eq!(bad["reason"], "invalid_token");
    assert_eq!(bad["provider_code"], 93000);
}

#[tokio::test]
async fn http_receiver_verifies_the_standard_webhooks_signature() {
    let (base, seen) = fakes().await;
    let (_app, mut v) = herald(true).await;
    let ok = test(
        &mut v,
        json!({"kind": "http", "url": format!("{base}/hook"), "secret": WHSEC, "headers": [["X-Team", "ml"]]}),
    )
    .await;
    assert_eq!(ok["reason"], "delivered", "{ok}");
    assert_eq!(ok["status"], 204);
    let got = seen.0.lock().unwrap().last().cloned().unwrap();
    assert_eq!(got["content_type"], "application/json");
    assert_eq!(got["x_team"], "ml");
    assert!(got["webhook_id"].as_str().unwrap().starts_with("msg_test_"));

    // Form encoding is signed over the exact bytes sent.
    let form = test(&mut v, json!({"kind": "http", "url": format!("{base}/hook"), "secret": WHSEC, "content_type": "form"})).await;
    assert_eq!(form["reason"], "delivered", "{form}");
    let got = seen.0.lock().unwrap().last().cloned().unwrap();
    assert!(got["body"].as_str().unwrap().starts_with("payload=%7B"));

    // A different secret: the receiver refuses, and Herald reports the status.
    let other = WebhookSecret::generate().to_text();
    let refused = test(
        &mut v,
        json!({"kind": "http", "url": format!("{base}/hook"), "secret": other}),
    )
    .await;
    assert_eq!(refused["reason"], "http_status");
    assert_eq!(refused["status"], 401);

    let down = test(
        &mut v,
        json!({"kind": "http", "url": format!("{base}/down")}),
    )
    .await;
    assert_eq!(down["status"], 503);
    assert!(down["summary"].as_str().unwrap().contains("HTTP 503"));
}

#[tokio::test]
async fn loopback_targets_are_refused_unless_the_operator_allows_them() {
    let (base, seen) = fakes().await;
    let (_app, mut v) = herald(false).await;
    let r = test(
        &mut v,
        json!({"kind": "http", "url": format!("{base}/hook")}),
    )
    .await;
    assert_eq!(r["reason"], "blocked", "{r}");
    assert!(r["summary"].as_str().unwrap().contains("loopback"));
    let r = test(
        &mut v,
        json!({"kind": "wecom", "url": "http://localhost:9/cgi-bin/webhook/send?key=k"}),
    )
    .await;
    assert_eq!(r["reason"], "blocked", "{r}");
    assert!(
        seen.0.lock().unwrap().is_empty(),
        "nothing reached the fake"
    );
}

#[tokio::test]
async fn a_closed_port_is_reported_as_a_connection_failure() {
    let (_app, mut v) = herald(true).await;
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let r = test(
        &mut v,
        json!({"kind": "http", "url": format!("http://127.0.0.1:{port}/hook")}),
    )
    .await;
    assert_eq!(r["reason"], "connect", "{r}");
}

#[tokio::test]
async fn bad_targets_and_foreign_buses_are_refused() {
    let (_app, mut v) = herald(true).await;
    let r = v.call_json("test_target", &json!({"bus": "pai-system-team", "target": {"kind": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send"}})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["field"], "target.url");

    let r = v
        .call_json(
            "test_target",
            &json!({"bus": "pai-system-team", "target": {"kind": "sms", "contacts": [1]}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    let r = v.call_json("test_target", &json!({"bus": "pai-system-other", "target": {"kind": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

/// One request the keeping receiver got.
#[derive(Debug, Clone)]
struct Kept {
    /// The last path segment: which target sent it.
    name: String,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
    /// The Standard Webhooks signature verified with [`WHSEC`].
    verified: bool,
}

impl Kept {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(String::as_str).unwrap_or("")
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!("{}: the body is not JSON ({e}): {:?}", self.name, self.body)
        })
    }

    /// The header names, values aside.
    fn header_names(&self) -> BTreeSet<&str> {
        self.headers.keys().map(String::as_str).collect()
    }

    /// The body's top-level names that say what shape it has: the CloudEvents attributes
    /// (structured mode) or the standard template's `event_type` and `timestamp`.
    fn shape(&self) -> BTreeSet<String> {
        const TELLING: &[&str] = &[
            "specversion",
            "id",
            "source",
            "type",
            "time",
            "data",
            "event_type",
            "timestamp",
        ];
        let body = self.json();
        let object = body.as_object().expect("a JSON object");
        object
            .keys()
            .filter(|k| TELLING.contains(&k.as_str()))
            .cloned()
            .collect()
    }
}

#[derive(Clone, Default)]
struct KeptAll(Arc<Mutex<Vec<Kept>>>);

async fn keep(
    State(kept): State<KeptAll>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> AxStatus {
    let headers: BTreeMap<String, String> = headers
        .iter()
        .map(|(n, v)| (n.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let h = |n: &str| headers.get(n).cloned().unwrap_or_default();
    let verified = standard_webhooks_verify(
        &WebhookSecret::parse(WHSEC).unwrap(),
        &h("webhook-id"),
        h("webhook-timestamp").parse().unwrap_or(0),
        &body,
        &h("webhook-signature"),
        crate::common::now_s(),
    );
    kept.0.lock().unwrap().push(Kept {
        name,
        headers,
        body: body.to_vec(),
        verified,
    });
    AxStatus::NO_CONTENT
}

/// A receiver that keeps every request to `/keep/{name}`; its base URL.
async fn keeping_receiver() -> (String, KeptAll) {
    let kept = KeptAll::default();
    let app = Router::new()
        .route("/keep/{name}", post(keep))
        .with_state(kept.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), kept)
}

/// The first request kept for `name`, waiting for it up to 15 seconds.
async fn kept_for(kept: &KeptAll, name: &str) -> Kept {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(k) = kept.0.lock().unwrap().iter().find(|k| k.name == name) {
            return k.clone();
        }
        assert!(Instant::now() < deadline, "nothing arrived for {name}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn http_test_connection_sends_what_a_delivery_sends() {
    // Arrange: one rule with an HTTP target in each payload format, at a receiver that keeps
    // what arrives; the same settings are tested at another path of the same receiver.
    let (base, kept) = keeping_receiver().await;
    let app = TestApp::spawn_with(|a| a.allow_target_networks = vec!["127.0.0.0/8".into()]).await;
    let mut v = app.team_owner("ada@example.com", true).await;
    let formats = ["standard", "cloudevents_structured", "cloudevents_binary"];
    let target = |who: &str, format: &str| {
        json!({"kind": "http", "url": format!("{base}/keep/{who}-{format}"), "payload_format": format,
               "secret": WHSEC, "headers": [["X-Team", "ml"]]})
    };
    let targets: Vec<Value> = formats
        .iter()
        .map(|f| json!({"config": target("delivery", f)}))
        .collect();
    let r = v
        .call_json(
            "save_rule",
            &json!({"bus": "pai-system-team", "original": null, "rule": {
                "name": "hooks", "source": "pai.model", "types": ["model:ModelVersion:Approved"], "targets": targets
            }}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let k = v.call("create_access_key", &[("name", "ci")]).await;
    assert_eq!(k.status, StatusCode::OK, "{k:?}");
    let token = k.json()["token"].as_str().unwrap().to_string();

    // Act: a real event is delivered to each target, and each target's settings are tested.
    let data = herald::domain::catalog::event_type("pai.model", "model:ModelVersion:Approved")
        .unwrap()
        .sample_data();
    let put = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/buses/pai-system-team/events",
            app.base()
        ))
        .bearer_auth(&token)
        .header("content-type", "application/cloudevents+json")
        .json(
            &json!({"specversion": "1.0", "id": "mv-1", "source": "pai.model",
                      "type": "model:ModelVersion:Approved", "time": "2026-11-29T06:00:00Z", "data": data}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), StatusCode::OK, "{:?}", put.text().await);
    for format in formats {
        let verdict = test(&mut v, target("test", format)).await;
        assert_eq!(verdict["reason"], "delivered", "{format}: {verdict}");
    }

    // Assert: per format, the same header names (content type, ce-*, webhook-*, custom),
    // the same content type, a valid signature, and a body of the same shape; the test is
    // marked as one.
    for format in formats {
        let delivered = kept_for(&kept, &format!("delivery-{format}")).await;
        let tested = kept_for(&kept, &format!("test-{format}")).await;
        assert!(
            delivered.verified && tested.verified,
            "{format}: signatures"
        );
        assert_eq!(
            tested.header_names(),
            delivered.header_names(),
            "{format}: the test sends the headers a delivery sends"
        );
        for same in ["content-type", "ce-specversion", "x-team"] {
            assert_eq!(
                tested.header(same),
                delivered.header(same),
                "{format}: {same}"
            );
        }
        assert!(tested.header("webhook-id").starts_with("msg_test_"));
        assert_ne!(tested.header("webhook-id"), delivered.header("webhook-id"));
        assert_eq!(tested.shape(), delivered.shape(), "{format}: body shape");
        let body = tested.json();
        match format {
            "standard" => {
                assert!(delivered
                    .header_names()
                    .iter()
                    .all(|h| !h.starts_with("ce-")));
                assert_eq!(tested.header("content-type"), "application/json");
                assert_eq!(body["event_type"], "herald.test");
                assert_eq!(body["test"], true);
                assert!(body["timestamp"].is_i64(), "{body}");
            }
            "cloudevents_structured" => {
                assert_eq!(
                    tested.header("content-type"),
                    "application/cloudevents+json"
                );
                assert_eq!(body["type"], "herald.test");
                assert_eq!(body["data"]["test"], true);
                assert_eq!(body["id"], tested.header("webhook-id"));
            }
            _ => {
                assert_eq!(tested.header("content-type"), "application/json");
                let ce: BTreeSet<&str> = delivered
                    .header_names()
                    .into_iter()
                    .filter(|h| h.starts_with("ce-"))
                    .collect();
                assert_eq!(
                    ce,
                    BTreeSet::from(["ce-id", "ce-source", "ce-specversion", "ce-time", "ce-type"])
                );
                assert_eq!(tested.header("ce-type"), "herald.test");
                assert_eq!(body["test"], true);
                assert!(body.get("specversion").is_none(), "{body}");
            }
        }
        let message = body
            .get("data")
            .unwrap_or(&body)
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or_default();
        assert!(
            message.contains("test message from Herald"),
            "{format}: {body}"
        );
    }
}

//! Email and SMS/voice deliveries against loopback fakes: an SMTP sink that speaks enough
//! SMTP for a real client and keeps each message, a Twilio-shaped API that checks Basic
//! auth and answers 201 like Twilio (or 400 for a number it refuses), and an Alibaba
//! Cloud-shaped RPC endpoint that checks the AccessKey signature and answers like
//! `SendSms` and `SingleCallByTts`.

use crate::common::{TestApp, Visitor};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode as AxStatus};
use axum::routing::post;
use axum::{Form, Json, Router};
use base64::Engine;
use herald::server::config::RetrySchedule;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const BUS: &str = "pai-system-team";
const SID: &str = "ACtest0000000000000000000000000000";
const TOKEN: &str = "twilio-test-token";
/// The fake Twilio answers the first message to this number with a 503.
const FLAKY: &str = "+8613800000003";
/// The fake Twilio takes three seconds to answer for this number.
const SLOW: &str = "+8613800000009";

/// Messages the SMTP sink accepted: (envelope recipients, the message text).
#[derive(Clone, Default)]
struct Mailbox(Arc<Mutex<Vec<Mail>>>);

/// One message: its envelope recipients and its text.
type Mail = (Vec<String>, String);

/// A minimal SMTP server: greeting, EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
async fn smtp_sink() -> (String, Mailbox) {
    let mailbox = Mailbox::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let kept = mailbox.clone();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let kept = kept.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                let mut rcpt = Vec::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250-sink\r\n250 8BITMIME\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        rcpt.push(line[8..].trim().trim_matches(['<', '>']).to_string());
                        b"250 OK\r\n"
                    } else if upper.starts_with("DATA") {
                        let _ = write.write_all(b"354 go ahead\r\n").await;
                        let mut text = String::new();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            text.push_str(&l);
                            text.push('\n');
                        }
                        kept.0
                            .lock()
                            .unwrap()
                            .push((std::mem::take(&mut rcpt), text));
                        b"250 OK queued\r\n"
                    } else if upper.starts_with("QUIT") {
                        let _ = write.write_all(b"221 bye\r\n").await;
                        return;
                    } else {
                        // MAIL FROM, RSET, NOOP
                        b"250 OK\r\n"
                    };
                    if write.write_all(reply).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (format!("smtp://{addr}"), mailbox)
}

/// What the Twilio fake received: (resource, form).
#[derive(Clone, Default)]
struct Calls(Arc<Mutex<Vec<Call>>>);

/// One API call: the resource (`Messages.json`, `Calls.json`) and its form.
type Call = (String, HashMap<String, String>);

async fn twilio_api(
    State(calls): State<Calls>,
    Path((sid, resource)): Path<(String, String)>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> (AxStatus, Json<Value>) {
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{SID}:{TOKEN}"))
    );
    if sid != SID || headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&expected) {
        return (
            AxStatus::UNAUTHORIZED,
            Json(json!({"code": 20003, "message": "Authenticate"})),
        );
    }
    let to = form.get("To").cloned().unwrap_or_default();
    let earlier = {
        let mut calls = calls.0.lock().unwrap();
        let earlier = calls
            .iter()
            .filter(|(_, f)| f.get("To") == Some(&to))
            .count();
        calls.push((resource, form.clone()));
        earlier
    };
    if to == SLOW {
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
    // A number whose carrier is briefly down: the first message to it fails with a 503.
    if to == FLAKY && earlier == 0 {
        return (
            AxStatus::SERVICE_UNAVAILABLE,
            Json(json!({"code": 20503, "message": "Service unavailable"})),
        );
    }
    if form.get("To").map(String::as_str) == Some("+15550000000") {
        return (
            AxStatus::BAD_REQUEST,
            Json(
                json!({"code": 21211, "message": "The 'To' number +15550000000 is not a valid phone number."}),
            ),
        );
    }
    (
        AxStatus::CREATED,
        Json(json!({"sid": "SM123", "status": "queued"})),
    )
}

async fn fake_twilio() -> (String, Calls) {
    let calls = Calls::default();
    let app = Router::new()
        .route("/2010-04-01/Accounts/{sid}/{resource}", post(twilio_api))
        .with_state(calls.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), calls)
}

/// A Herald that sends SMS and calls through the Twilio fake at `base`, retrying on
/// `schedule`.
async fn with_twilio(base: &str, schedule: &str) -> TestApp {
    TestApp::spawn_with(|a| {
        a.twilio_account_sid = Some(SID.into());
        a.twilio_auth_token = Some(TOKEN.into());
        a.twilio_from = Some("+15551230000".into());
        a.twilio_base_url = base.to_string();
        a.retry_schedule = RetrySchedule::parse(schedule).unwrap();
    })
    .await
}

async fn owner(app: &TestApp) -> Visitor {
    app.team_owner("ada@example.com", true).await
}

/// A DSW rule with these targets, and an access key; returns the key's token.
async fn rule_and_key(v: &mut Visitor, targets: Value) -> String {
    let r = v
        .call_json(
            "save_rule",
            &json!({"bus": BUS, "original": null, "rule": {
                "name": "on-call", "source": "pai.dsw", "types": ["dsw:Instance:Failed"], "targets": targets
            }}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let k = v.call("create_access_key", &[("name", "platform")]).await;
    assert_eq!(k.status, StatusCode::OK, "{k:?}");
    k.json()["token"].as_str().unwrap().to_string()
}

async fn put_failed_instance(app: &TestApp, token: &str) {
    let data = herald::domain::catalog::event_type("pai.dsw", "dsw:Instance:Failed")
        .unwrap()
        .sample_data();
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/buses/{BUS}/events", app.base()))
        .bearer_auth(token)
        .header("content-type", "application/cloudevents+json")
        .json(&json!({"specversion": "1.0", "id": "dsw-1", "source": "pai.dsw", "type": "dsw:Instance:Failed", "data": data}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{:?}", res.text().await);
}

/// Wait until nothing is pending; the (kind, status, last_detail) of every delivery.
async fn settled(app: &TestApp) -> Vec<(String, String, Option<String>)> {
    let pool = crate::common::read_db(&app.url).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let rows: Vec<(String, String, Option<String>)> =
            sqlx::query_as("SELECT kind, status, last_detail FROM deliveries ORDER BY id")
                .fetch_all(&pool)
                .await
                .unwrap();
        if !rows.is_empty() && rows.iter().all(|(_, s, _)| s != "pending") {
            return rows;
        }
        assert!(
            Instant::now() < deadline,
            "deliveries did not settle: {rows:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn email_goes_through_the_smtp_relay_to_every_contact_with_text_and_html() {
    let (smtp, mailbox) = smtp_sink().await;
    let app = TestApp::spawn_with(|a| {
        a.smtp_url = Some(smtp.clone());
        a.smtp_from = "Herald <alerts@herald.test>".into();
        a.retry_schedule = RetrySchedule::parse("100ms").unwrap();
    })
    .await;
    let mut v = owner(&app).await;
    let alice = v.new_contact("Alice", "", "alice@example.com").await;
    let alan = v.new_contact("Alan", "", "alan@example.com").await;
    let token = rule_and_key(
        &mut v,
        json!([{"config": {"kind": "email", "contacts": [alice, alan]}}]),
    )
    .await;
    put_failed_instance(&app, &token).await;

    let rows = settled(&app).await;
    assert_eq!(
        rows,
        vec![("email".into(), "delivered".into(), Some(String::new()))]
    );
    let mail = mailbox.0.lock().unwrap().clone();
    assert_eq!(mail.len(), 1, "one message to both contacts");
    let (rcpt, text) = &mail[0];
    assert_eq!(rcpt, &["alice@example.com", "alan@example.com"]);
    // Blind copies: neither contact sees the other's address (nor its own list).
    assert!(
        !text.contains("alice@example.com") && !text.contains("alan@example.com"),
        "the message shows the contacts' addresses to each other: {text}"
    );
    assert!(text.contains("From: Herald <alerts@herald.test>"), "{text}");
    assert!(text.contains("Subject: [Herald]"), "{text}");
    assert!(
        text.contains("text/plain") && text.contains("text/html"),
        "{text}"
    );
    assert!(text.contains("dsw:Instance:Failed"), "{text}");
}

#[tokio::test]
async fn sms_and_calls_go_through_the_twilio_api_and_a_refused_number_is_named() {
    let (base, calls) = fake_twilio().await;
    let app = with_twilio(&base, "100ms").await;
    let mut v = owner(&app).await;
    let alice = v.new_contact("Alice", "+8613800000001", "").await;
    let tony = v.new_contact("Tony", "+8613800000002", "").await;
    let nobody = v.new_contact("Nobody", "+15550000000", "").await;
    let token = rule_and_key(
        &mut v,
        json!([
            {"config": {"kind": "sms", "contacts": [alice, tony]}},
            {"config": {"kind": "voice", "contacts": [alice]}},
            {"config": {"kind": "sms", "contacts": [nobody]}},
        ]),
    )
    .await;
    put_failed_instance(&app, &token).await;

    let rows = settled(&app).await;
    assert_eq!(rows[0].0, "sms");
    assert_eq!(rows[0].1, "delivered");
    assert_eq!(rows[1].0, "voice");
    assert_eq!(rows[1].1, "delivered");
    assert_eq!(rows[2].1, "failed", "a 400 is permanent: {rows:?}");
    let detail = rows[2].2.clone().unwrap_or_default();
    assert!(
        detail.contains("Nobody") && detail.contains("not a valid phone number"),
        "{detail}"
    );

    let calls = calls.0.lock().unwrap().clone();
    let sms: Vec<&HashMap<String, String>> = calls
        .iter()
        .filter(|(r, _)| r == "Messages.json")
        .map(|(_, f)| f)
        .collect();
    let to: Vec<&str> = sms.iter().map(|f| f["To"].as_str()).collect();
    assert!(
        to.contains(&"+8613800000001") && to.contains(&"+8613800000002"),
        "{to:?}"
    );
    assert!(sms.iter().all(|f| f["From"] == "+15551230000"));
    // What happened to what first, then why.
    assert!(
        sms[0]["Body"].starts_with(
            "DSW instance research-notebook-alice failed - Reason: no ecs.gn7i-c8g1.2xlarge capacity"
        ),
        "{:?}",
        sms[0]
    );
    let call = calls
        .iter()
        .find(|(r, _)| r == "Calls.json")
        .map(|(_, f)| f)
        .expect("a call");
    assert_eq!(call["To"], "+8613800000001");
    assert!(
        call["Twiml"].starts_with(
            "<Response><Say>Herald alert. DSW instance research-notebook-alice failed. Reason: no ecs."
        ),
        "{call:?}"
    );
}

#[tokio::test]
async fn the_access_key_cli_prints_a_working_token_as_its_last_line() {
    let app = TestApp::spawn().await;
    let mut v = owner(&app).await;
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_herald"))
        .args([
            "access-key",
            "create",
            "--email",
            "ada@example.com",
            "--name",
            "ci",
        ])
        .args(app.cli_database_args())
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let token = stdout.lines().last().unwrap_or_default().trim().to_string();
    assert!(token.starts_with("hk_"), "{stdout}");
    // The key works for PutEvents (an empty batch is refused for being empty, not for auth).
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/buses/{BUS}/events", app.base()))
        .bearer_auth(&token)
        .header("content-type", "application/cloudevents-batch+json")
        .body("[]")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // It is listed under the account's keys.
    let keys = v.call("list_access_keys", &[]).await.json();
    assert_eq!(keys[0]["name"], "ci");
    // An unknown email fails with a message and no token.
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(["access-key", "create", "--email", "nobody@example.com"])
        .args(app.cli_database_args())
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no user with email"));
}

#[tokio::test]
async fn the_owner_is_emailed_when_a_failing_target_is_disabled() {
    let (smtp, mailbox) = smtp_sink().await;
    let app = TestApp::spawn_with(|a| {
        a.smtp_url = Some(smtp.clone());
        a.allow_target_networks = vec!["127.0.0.0/8".into()];
        a.retry_schedule = RetrySchedule::parse("100ms").unwrap();
        a.disable_failing_after = Duration::ZERO;
    })
    .await;
    let mut v = owner(&app).await;
    // Nothing listens on port 9: every attempt fails to connect.
    let token = rule_and_key(
        &mut v,
        json!([{"config": {"kind": "wecom", "url": "http://127.0.0.1:9/cgi-bin/webhook/send?key=k"}}]),
    )
    .await;
    put_failed_instance(&app, &token).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    while mailbox.0.lock().unwrap().is_empty() {
        assert!(Instant::now() < deadline, "no email to the owner");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (rcpt, text) = mailbox.0.lock().unwrap()[0].clone();
    assert_eq!(rcpt, ["ada@example.com"]);
    assert!(
        text.contains("A wecom target of rule on-call was disabled"),
        "{text}"
    );
    let r = v
        .call("get_rule", &[("bus", BUS), ("name", "on-call")])
        .await;
    assert!(r.json()["targets"][0]["disabled"].is_string(), "{r:?}");
    // The audit log says Herald did it, with the key of the robot's URL nowhere.
    let r = v
        .call_json(
            "list_audit",
            &json!({"filter": {"action": "herald:DisableTarget"}}),
        )
        .await;
    let entries = r.json();
    let entry = &entries[0];
    assert_eq!(entry["actor"], "herald", "{entries}");
    assert!(
        entry["resource"]
            .as_str()
            .unwrap()
            .ends_with(":eventbus/pai-system-team/rule/on-call"),
        "{entry}"
    );
    assert!(
        entry["detail"]
            .as_str()
            .unwrap()
            .contains("\"enabled\":false"),
        "{entry}"
    );
}

/// A retry after a partial failure goes only to the contacts not reached yet: Alice is not
/// texted twice because the message to Flaky failed the first time.
#[tokio::test]
async fn an_sms_retry_goes_only_to_the_contacts_not_reached_yet() {
    let (base, calls) = fake_twilio().await;
    let app = with_twilio(&base, "100ms,100ms").await;
    let mut v = owner(&app).await;
    let alice = v.new_contact("Alice", "+8613800000001", "").await;
    let flaky = v.new_contact("Flaky", FLAKY, "").await;
    let token = rule_and_key(
        &mut v,
        json!([{"config": {"kind": "sms", "contacts": [alice, flaky]}}]),
    )
    .await;
    put_failed_instance(&app, &token).await;

    let rows = settled(&app).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].1, "delivered", "{rows:?}");
    let to: Vec<String> = calls
        .0
        .lock()
        .unwrap()
        .iter()
        .map(|(_, f)| f["To"].clone())
        .collect();
    assert_eq!(
        to,
        vec!["+8613800000001", FLAKY, FLAKY],
        "Alice once; Flaky failed, then was retried alone"
    );
    let pool = crate::common::read_db(&app.url).await;
    let attempts: Vec<(String, String, String)> =
        sqlx::query_as("SELECT reason, detail, request FROM attempts ORDER BY number")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(attempts.len(), 2, "{attempts:?}");
    assert!(
        attempts[0].1.contains("not reached: Flaky") && attempts[0].1.contains("1 of 2 reached"),
        "{attempts:?}"
    );
    assert_eq!(attempts[1].0, "delivered");
    assert!(
        attempts[1].2.contains("to Flaky (reached before: Alice)"),
        "{attempts:?}"
    );
}

/// A call to several contacts stores each number reached as it goes, under the attempt's
/// lease: whoever sends the delivery next (after a crash, say) never calls them again.
#[tokio::test]
async fn each_contact_reached_is_stored_before_the_next_is_called() {
    let (base, _calls) = fake_twilio().await;
    let app = with_twilio(&base, "100ms").await;
    let mut v = owner(&app).await;
    let alice = v.new_contact("Alice", "+8613800000001", "").await;
    let slow = v.new_contact("Slow", SLOW, "").await;
    let token = rule_and_key(
        &mut v,
        json!([{"config": {"kind": "voice", "contacts": [alice, slow]}}]),
    )
    .await;
    put_failed_instance(&app, &token).await;

    let pool = crate::common::read_db(&app.url).await;
    // While the call to Slow is still ringing, Alice is already on record.
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let (status, reached): (String, Option<String>) =
            sqlx::query_as("SELECT status, reached FROM deliveries")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(status, "pending", "the call to Slow takes three seconds");
        if reached.as_deref() == Some(r#"["+8613800000001"]"#) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "Alice was not stored while Slow was called: {reached:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let rows = settled(&app).await;
    assert_eq!(rows[0].1, "delivered", "{rows:?}");
}

const ALIYUN_ID: &str = "LTAItestkeyid";
const ALIYUN_SECRET: &str = "aliyun-test-secret";

/// The Alibaba Cloud fake: checks the signature over every parameter but `Signature` with
/// the documented algorithm (its worked example is a unit test of `aliyun::sign`), keeps the
/// form, and refuses one number as Alibaba does.
async fn aliyun_api(
    State(calls): State<Calls>,
    Form(form): Form<HashMap<String, String>>,
) -> (AxStatus, Json<Value>) {
    let params: Vec<(String, String)> = form
        .iter()
        .filter(|(k, _)| k.as_str() != "Signature")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let expected = herald::server::delivery::channels::aliyun::sign(ALIYUN_SECRET, "POST", &params);
    if form.get("AccessKeyId").map(String::as_str) != Some(ALIYUN_ID)
        || form.get("Signature") != Some(&expected)
    {
        return (
            AxStatus::BAD_REQUEST,
            Json(
                json!({"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched with our calculation."}),
            ),
        );
    }
    let action = form.get("Action").cloned().unwrap_or_default();
    calls.0.lock().unwrap().push((action, form.clone()));
    let number = form
        .get("PhoneNumbers")
        .or_else(|| form.get("CalledNumber"))
        .cloned()
        .unwrap_or_default();
    if number == "15550000000" {
        return (
            AxStatus::OK,
            Json(
                json!({"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "invalid mobile number", "RequestId": "r2"}),
            ),
        );
    }
    (
        AxStatus::OK,
        Json(
            json!({"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "r1"}),
        ),
    )
}

async fn fake_aliyun() -> (String, Calls) {
    let calls = Calls::default();
    let router = Router::new()
        .route("/", post(aliyun_api))
        .with_state(calls.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (base, calls)
}

#[tokio::test]
async fn sms_and_calls_go_through_alibaba_cloud_signed_with_the_access_key() {
    let (base, calls) = fake_aliyun().await;
    let app = TestApp::spawn_with(|a| {
        a.aliyun_access_key_id = Some(ALIYUN_ID.into());
        a.aliyun_access_key_secret = Some(ALIYUN_SECRET.into());
        a.aliyun_sms_sign_name = Some("Herald".into());
        a.aliyun_sms_template_code = Some("SMS_123456".into());
        a.aliyun_tts_code = Some("TTS_654321".into());
        a.aliyun_called_show_number = Some("0571000000".into());
        a.aliyun_sms_endpoint = base.clone();
        a.aliyun_voice_endpoint = base.clone();
        a.retry_schedule = RetrySchedule::parse("100ms").unwrap();
    })
    .await;
    let mut v = owner(&app).await;
    let alice = v.new_contact("Alice", "+8613800000001", "").await;
    let nobody = v.new_contact("Nobody", "+15550000000", "").await;
    let token = rule_and_key(
        &mut v,
        json!([
            {"config": {"kind": "sms", "contacts": [alice]}},
            {"config": {"kind": "voice", "contacts": [alice]}},
            {"config": {"kind": "sms", "contacts": [nobody]}},
        ]),
    )
    .await;
    put_failed_instance(&app, &token).await;

    let rows = settled(&app).await;
    assert_eq!(
        rows[0],
        ("sms".into(), "delivered".into(), Some(String::new()))
    );
    assert_eq!(rows[1].1, "delivered", "{rows:?}");
    assert_eq!(
        rows[2].1, "failed",
        "a refused number is permanent: {rows:?}"
    );
    let detail = rows[2].2.clone().unwrap_or_default();
    assert!(
        detail.contains("Nobody") && detail.contains("isv.MOBILE_NUMBER_ILLEGAL"),
        "{detail}"
    );

    let calls = calls.0.lock().unwrap().clone();
    let sms = calls
        .iter()
        .find(|(a, f)| a == "SendSms" && f["PhoneNumbers"] == "13800000001")
        .map(|(_, f)| f)
        .expect("an SMS to Alice, +86 dropped");
    assert_eq!(sms["SignName"], "Herald");
    assert_eq!(sms["TemplateCode"], "SMS_123456");
    assert_eq!(sms["Version"], "2017-05-25");
    assert_eq!(sms["SignatureMethod"], "HMAC-SHA1");
    let param: Value = serde_json::from_str(&sms["TemplateParam"]).unwrap();
    // The headline when it fits Alibaba's 35 characters, else without the name; the
    // reason first in the detail.
    assert_eq!(param["title"], "DSW instance failed", "{param}");
    let detail = param["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("Reason: no ecs.gn7i") && detail.chars().count() <= 35,
        "{param}"
    );
    // Alibaba wants `YYYY-MM-DDThh:mm:ssZ`: UTC, whole seconds.
    let ts = &sms["Timestamp"];
    assert!(
        ts.len() == 20
            && ts.ends_with('Z')
            && time::OffsetDateTime::parse(ts, &time::format_description::well_known::Rfc3339)
                .is_ok(),
        "{ts}"
    );
    let call = calls
        .iter()
        .find(|(a, _)| a == "SingleCallByTts")
        .map(|(_, f)| f)
        .expect("a call");
    assert_eq!(call["CalledNumber"], "13800000001");
    assert_eq!(call["CalledShowNumber"], "0571000000");
    assert_eq!(call["TtsCode"], "TTS_654321");
    let nonces: std::collections::HashSet<&String> =
        calls.iter().map(|(_, f)| &f["SignatureNonce"]).collect();
    assert_eq!(nonces.len(), calls.len(), "a fresh nonce for every request");
}

#[tokio::test]
async fn a_wrong_alibaba_secret_fails_at_once_naming_the_signature() {
    let (base, calls) = fake_aliyun().await;
    let app = TestApp::spawn_with(|a| {
        a.aliyun_access_key_id = Some(ALIYUN_ID.into());
        a.aliyun_access_key_secret = Some("not-the-secret".into());
        a.aliyun_sms_sign_name = Some("Herald".into());
        a.aliyun_sms_template_code = Some("SMS_123456".into());
        a.aliyun_sms_endpoint = base.clone();
        a.retry_schedule = RetrySchedule::parse("100ms").unwrap();
    })
    .await;
    let mut v = owner(&app).await;
    let alice = v.new_contact("Alice", "+8613800000001", "").await;
    let token = rule_and_key(
        &mut v,
        json!([
            {"config": {"kind": "sms", "contacts": [alice]}},
            {"config": {"kind": "voice", "contacts": [alice]}},
        ]),
    )
    .await;
    put_failed_instance(&app, &token).await;
    let rows = settled(&app).await;
    assert_eq!(rows[0].1, "failed", "a bad key is not retried: {rows:?}");
    assert!(
        rows[0]
            .2
            .clone()
            .unwrap_or_default()
            .contains("SignatureDoesNotMatch"),
        "{rows:?}"
    );
    assert_eq!(rows[1].1, "failed", "{rows:?}");
    assert!(
        rows[1]
            .2
            .clone()
            .unwrap_or_default()
            .contains("--aliyun-tts-code"),
        "voice without a TTS template names the missing options: {rows:?}"
    );
    assert!(calls.0.lock().unwrap().is_empty());
}

/// Half a provider, or two of them, is refused at start with the options to fix.
#[tokio::test]
async fn sms_provider_settings_are_checked_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("h.db").display());
    let start = |tweak: &dyn Fn(&mut herald::server::config::ServeArgs)| {
        let mut args = herald::server::config::ServeArgs::new("127.0.0.1:0".parse().unwrap(), &url);
        tweak(&mut args);
        herald::server::web::state(args)
    };
    let half = start(&|a| a.aliyun_access_key_id = Some(ALIYUN_ID.into()))
        .await
        .err()
        .expect("a key id without its secret is refused")
        .to_string();
    assert!(half.contains("--aliyun-access-key-secret"), "{half}");
    let both = start(&|a| {
        a.aliyun_access_key_id = Some(ALIYUN_ID.into());
        a.aliyun_access_key_secret = Some(ALIYUN_SECRET.into());
        a.twilio_account_sid = Some(SID.into());
        a.twilio_auth_token = Some(TOKEN.into());
        a.twilio_from = Some("+15551230000".into());
    })
    .await
    .err()
    .expect("two providers are refused")
    .to_string();
    assert!(
        both.contains("either the --aliyun-* or the --twilio-*"),
        "{both}"
    );
}

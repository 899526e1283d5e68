//! Alibaba Cloud EventBridge's HTTP target: a bus's token in `x-eventbridge-signature-token`
//! on PutEvents (made, shown once and rotated through the console and the CLI), and the
//! CloudEvent exactly as EventBridge posts it, `aliyun*` extensions and all.

use crate::common::{TestApp, Visitor};
use reqwest::StatusCode;
use serde_json::{json, Value};

const BUS: &str = "pai-system-team";
const HEADER: &str = "x-eventbridge-signature-token";

/// A PAI event as EventBridge's HTTP target posts it ("Body: complete event").
fn aliyun_event(id: &str) -> Value {
    json!({
        "specversion": "1.0",
        "id": id,
        "source": "pai.dlc",
        "type": "dlc:Job:Failed",
        "subject": "acs:pai:cn-hangzhou:1234567890:job/dlc-abc",
        "time": "2026-11-29T05:12:03.179Z",
        "datacontenttype": "application/json;charset=utf-8",
        "aliyunaccountid": "1234567890",
        "aliyunpublishtime": "2026-11-29T05:12:03.179PRC",
        "aliyuneventbusname": "pai-system-team",
        "aliyunregionid": "cn-hangzhou",
        "aliyunoriginalaccountid": "1234567890",
        "aliyunpublishaddr": "10.0.0.1",
        "data": herald::domain::catalog::event_type("pai.dlc", "dlc:Job:Failed")
            .expect("in the catalog")
            .sample_data(),
    })
}

/// Post `body` to a bus's PutEvents as EventBridge does: `application/json`, only the token.
async fn post_as_eventbridge(
    app: &TestApp,
    bus: &str,
    token: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    let mut req = reqwest::Client::new()
        .post(format!("{}/api/v1/buses/{bus}/events", app.base()))
        .header("content-type", "application/json; charset=utf-8")
        .body(body.to_string());
    if let Some(token) = token {
        req = req.header(HEADER, token);
    }
    req.send().await.unwrap()
}

async fn make_token(v: &mut Visitor, bus: &str) -> String {
    let r = v.call("create_bus_token", &[("bus", bus)]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let t = r.json();
    let token = t["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("hb_"), "{token}");
    assert_eq!(t["view"]["header"], HEADER);
    assert!(
        t["view"]["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/api/v1/buses/{bus}/events")),
        "{t}"
    );
    token
}

async fn access_key(v: &mut Visitor) -> String {
    let r = v.call("create_access_key", &[("name", "ci")]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    r.json()["token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_bus_token_works_on_its_bus_only_and_not_after_rotation() {
    let app = TestApp::spawn().await;
    let mut v = app.team_owner("ada@example.com", true).await;
    let key = access_key(&mut v).await;
    let other = reqwest::Client::new()
        .post(format!("{}/api/v1/buses", app.base()))
        .bearer_auth(&key)
        .json(&json!({"name": "other"}))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::CREATED);

    // No token yet: the page shows none, and a guess is refused.
    let info = v.call("get_bus_token", &[("bus", BUS)]).await.json();
    assert_eq!(info["created_at"], Value::Null, "{info}");
    assert_eq!(info["may_manage"], true);
    let res =
        post_as_eventbridge(&app, BUS, Some("hb_000000000000_nope"), &aliyun_event("e0")).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // The bus page has the panel.
    let page = v.get(&format!("/buses/{BUS}")).await.text().await.unwrap();
    assert!(page.contains("Connect Alibaba Cloud EventBridge"), "{page}");

    let token = make_token(&mut v, BUS).await;
    let info = v.call("get_bus_token", &[("bus", BUS)]).await.json();
    assert!(info["created_at"].is_string(), "{info}");
    assert!(
        !info.to_string().contains(&token),
        "the token is shown once"
    );

    // On its bus: accepted.
    let res = post_as_eventbridge(&app, BUS, Some(&token), &aliyun_event("e1")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let put: Value = res.json().await.unwrap();
    assert_eq!(put["FailedEntryCount"], 0, "{put}");

    // On another bus of the same account: 401.
    let res = post_as_eventbridge(&app, "other", Some(&token), &aliyun_event("e2")).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // Wrong (same id, other secret), missing: 401.
    let (head, _) = token.rsplit_once('_').unwrap();
    let wrong = format!("{head}_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    let res = post_as_eventbridge(&app, BUS, Some(&wrong), &aliyun_event("e3")).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = post_as_eventbridge(&app, BUS, None, &aliyun_event("e3")).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // An access key is not a bus token.
    let res = post_as_eventbridge(&app, BUS, Some(&key), &aliyun_event("e3")).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Rotated: the old token stops working, the new one works.
    let rotated = make_token(&mut v, BUS).await;
    assert_ne!(rotated, token);
    let res = post_as_eventbridge(&app, BUS, Some(&token), &aliyun_event("e4")).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = post_as_eventbridge(&app, BUS, Some(&rotated), &aliyun_event("e4")).await;
    assert_eq!(res.status(), StatusCode::OK);

    // Deleting a bus deletes its token: a bus made again under the name has none.
    let other_token = make_token(&mut v, "other").await;
    let api = reqwest::Client::new();
    let bus_url = format!("{}/api/v1/buses/other", app.base());
    let deleted = api.delete(&bus_url).bearer_auth(&key).send().await.unwrap();
    assert!(deleted.status().is_success(), "{deleted:?}");
    let again = api
        .post(format!("{}/api/v1/buses", app.base()))
        .bearer_auth(&key)
        .json(&json!({"name": "other"}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    let res = post_as_eventbridge(&app, "other", Some(&other_token), &aliyun_event("e5")).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let info = v.call("get_bus_token", &[("bus", "other")]).await.json();
    assert_eq!(info["created_at"], Value::Null, "{info}");

    // A user whose policies do not allow PutEvents on the bus may not make one.
    let mut stranger = app.signed_up("bob@example.com").await;
    let r = stranger.call("create_bus_token", &[("bus", BUS)]).await;
    assert_ne!(r.status, StatusCode::OK, "{r:?}");
}

#[tokio::test]
async fn an_event_with_aliyun_attributes_is_accepted_and_shows_them() {
    let app = TestApp::spawn().await;
    let mut v = app.team_owner("ada@example.com", true).await;
    let token = make_token(&mut v, BUS).await;
    let res = post_as_eventbridge(&app, BUS, Some(&token), &aliyun_event("pai-1")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let put: Value = res.json().await.unwrap();
    assert_eq!(put["FailedEntryCount"], 0, "{put}");
    let id = put["Entries"][0]["HeraldEventId"]
        .as_i64()
        .unwrap_or_else(|| panic!("an event id in {put}"));

    // The same source + id again (EventBridge may post twice): a duplicate.
    let res = post_as_eventbridge(&app, BUS, Some(&token), &aliyun_event("pai-1")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let again: Value = res.json().await.unwrap();
    assert_eq!(again["Entries"][0]["Duplicate"], true, "{again}");

    let key = access_key(&mut v).await;
    let detail: Value = reqwest::Client::new()
        .get(format!("{}/api/v1/buses/{BUS}/events/{id}", app.base()))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let envelope: Value = serde_json::from_str(detail["envelope"].as_str().unwrap()).unwrap();
    let sent = aliyun_event("pai-1");
    for name in [
        "aliyunaccountid",
        "aliyunpublishtime",
        "aliyuneventbusname",
        "aliyunregionid",
        "aliyunoriginalaccountid",
        "aliyunpublishaddr",
    ] {
        assert_eq!(envelope[name], sent[name], "{name} in {envelope}");
    }
    assert_eq!(envelope["aliyunpublishtime"], "2026-11-29T05:12:03.179PRC");
}

/// `herald bus-token create` against the app's database.
async fn cli(app: &TestApp, bus: &str, email: &str) -> std::io::Result<std::process::Output> {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(["bus-token", "create", "--bus", bus, "--email", email])
        .args(app.cli_database_args())
        .output()
        .await
}

#[tokio::test]
async fn the_bus_token_cli_prints_a_working_token_as_its_last_line() {
    let app = TestApp::spawn().await;
    let _v = app.team_owner("ada@example.com", true).await;
    let out = cli(&app, BUS, "ada@example.com").await.unwrap();
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let token = stdout.lines().last().unwrap_or_default().trim().to_string();
    assert!(token.starts_with("hb_"), "{stdout}");
    let res = post_as_eventbridge(&app, BUS, Some(&token), &aliyun_event("cli-1")).await;
    assert_eq!(res.status(), StatusCode::OK);

    // An unknown bus or email fails with a message and no token.
    let out = cli(&app, "no-such-bus", "ada@example.com").await.unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).is_empty());
    let out = cli(&app, BUS, "nobody@example.com").await.unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no user with email"));
}

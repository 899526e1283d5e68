//! "Send test event" asks first: `preview_test_event` names the rules the event would match
//! (by ingest's own matcher: source, types, pattern, enabled), their targets with masked
//! addresses, and how many people voice, SMS and email reach; it sends and stores nothing,
//! shows no secret, and refuses bad input naming the field.

use crate::common::{TestApp, Visitor};
use herald::domain::catalog;
use reqwest::StatusCode;
use serde_json::{json, Value};

const BUS: &str = "pai-system-team";
const DING_TOKEN: &str = "ding-preview-token-0123456789abcdef";
const DING_SECRET: &str = "SECpreview-signing-key-0123456789";
const WECOM_KEY: &str = "wecom-preview-key-0123456789abcdef";

fn rule(name: &str, types: Value, pattern: &str, targets: Value) -> Value {
    json!({"name": name, "enabled": true, "source": "pai.dlc", "types": types,
           "pattern": pattern, "targets": targets})
}

fn job_prefix(prefix: &str) -> String {
    json!({"job": {"name": [{"prefix": prefix}]}}).to_string()
}

/// The DLC sample with the job named `job`.
fn dlc_data(event_type: &str, job: &str) -> String {
    let mut data = catalog::event_type("pai.dlc", event_type)
        .unwrap()
        .sample_data();
    data["job"]["name"] = json!(job);
    data.to_string()
}

async fn preview(v: &mut Visitor, event_type: &str, data: &str) -> crate::common::Reply {
    v.call(
        "preview_test_event",
        &[
            ("bus", BUS),
            ("source", "pai.dlc"),
            ("event_type", event_type),
            ("data", data),
        ],
    )
    .await
}

/// The names of the rules a preview lists, in order.
fn rule_names(preview: &Value) -> Vec<String> {
    preview["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_test_event_preview_names_matching_rules_their_masked_targets_and_people() {
    let app = TestApp::spawn_with(|a| a.allow_target_networks = vec!["127.0.0.0/8".into()]).await;
    let mut v = app.team_owner("ada@example.com", true).await;
    let alice = v
        .new_contact("Alice", "+8613800000001", "alice@example.com")
        .await;
    let bob = v.new_contact("Bob", "+8613800000002", "").await;
    let carol = v.new_contact("Carol", "", "carol@example.com").await;
    let ding_url = format!("http://127.0.0.1:9/robot/send?access_token={DING_TOKEN}");
    let wecom_url = format!("http://127.0.0.1:9/cgi-bin/webhook/send?key={WECOM_KEY}");
    v.save_new_rule(
        BUS,
        &rule(
            "nightly",
            json!(["dlc:Job:Failed"]),
            &job_prefix("nightly-"),
            json!([
                {"config": {"kind": "dingtalk", "url": ding_url, "secret": DING_SECRET}},
                {"config": {"kind": "sms", "contacts": [alice, bob]}},
                {"config": {"kind": "email", "contacts": [alice, carol]}},
            ]),
        ),
    )
    .await;
    v.save_new_rule(
        BUS,
        &rule(
            "adhoc",
            json!(["dlc:Job:Failed"]),
            &job_prefix("adhoc-"),
            json!([{"config": {"kind": "wecom", "url": wecom_url}}]),
        ),
    )
    .await;
    v.save_new_rule(
        BUS,
        &rule(
            "succeeded",
            json!(["dlc:Job:Succeeded"]),
            "",
            json!([{"config": {"kind": "voice", "contacts": [bob]}}]),
        ),
    )
    .await;
    let mut off = rule(
        "off",
        json!(["*"]),
        "",
        json!([{"config": {"kind": "voice", "contacts": [alice]}}]),
    );
    off["enabled"] = json!(false);
    v.save_new_rule(BUS, &off).await;
    v.save_new_rule(
        BUS,
        &rule(
            "every-dlc",
            json!(["*"]),
            "",
            json!([{"config": {"kind": "voice", "contacts": [bob]}}]),
        ),
    )
    .await;

    // A nightly job's failure: the pattern takes it, the adhoc one does not, another
    // type's rule and the disabled rule do not.
    let r = preview(
        &mut v,
        "dlc:Job:Failed",
        &dlc_data("dlc:Job:Failed", "nightly-a"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let p = r.json();
    assert_eq!(rule_names(&p), ["nightly", "every-dlc"], "{p}");
    let nightly = &p["rules"][0];
    assert_eq!(nightly["target_count"], 3, "{p}");
    assert_eq!(nightly["targets_hidden"], false, "{p}");
    let ding = &nightly["targets"][0];
    assert_eq!(ding["kind"], "dingtalk", "{p}");
    let shown = ding["address"].as_str().unwrap();
    assert!(
        shown.starts_with("http://127.0.0.1:9/robot/send?access_token="),
        "{p}"
    );
    assert!(!shown.contains(DING_TOKEN), "{p}");
    assert_eq!(ding["people"], Value::Null, "{p}");
    // SMS to Alice and Bob, email to Alice and Carol, voice to Bob.
    let sms = &nightly["targets"][1];
    assert_eq!(
        (&sms["kind"], &sms["people"]),
        (&json!("sms"), &json!(2)),
        "{p}"
    );
    assert_eq!(sms["address"], Value::Null, "{p}");
    let email = &nightly["targets"][2];
    assert_eq!(
        (&email["kind"], &email["people"]),
        (&json!("email"), &json!(2)),
        "{p}"
    );
    let voice = &p["rules"][1]["targets"][0];
    assert_eq!(
        (&voice["kind"], &voice["people"]),
        (&json!("voice"), &json!(1)),
        "{p}"
    );
    for secret in [DING_TOKEN, DING_SECRET, &ding_url[..]] {
        assert!(!r.body.contains(secret), "{secret} shown: {}", r.body);
    }

    // An adhoc job: the other pattern; the WeCom robot's key is masked.
    let r = preview(
        &mut v,
        "dlc:Job:Failed",
        &dlc_data("dlc:Job:Failed", "adhoc-b"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let p = r.json();
    assert_eq!(rule_names(&p), ["adhoc", "every-dlc"], "{p}");
    assert_eq!(p["rules"][0]["targets"][0]["kind"], "wecom", "{p}");
    assert!(!r.body.contains(WECOM_KEY), "{}", r.body);

    // Another type: its own rule and the rule on every type.
    let r = preview(
        &mut v,
        "dlc:Job:Succeeded",
        &dlc_data("dlc:Job:Succeeded", "nightly-a"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(rule_names(&r.json()), ["succeeded", "every-dlc"], "{r:?}");

    // Previews send and store nothing.
    let r = v.call("list_events", &[("bus", BUS)]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json(), json!([]), "a preview stored an event");
}

#[tokio::test]
async fn a_test_event_no_rule_takes_previews_as_reaching_nobody() {
    let app = TestApp::spawn().await;
    let mut v = app.team_owner("ada@example.com", true).await;
    let r = preview(&mut v, "dlc:Job:Failed", &dlc_data("dlc:Job:Failed", "x")).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json(), json!({"rules": []}), "{r:?}");
}

#[tokio::test]
async fn a_test_event_preview_refuses_bad_input_naming_the_field() {
    let app = TestApp::spawn().await;
    let mut v = app.team_owner("ada@example.com", true).await;

    let r = preview(&mut v, "dlc:Job:Failed", "{not json").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    assert_eq!(r.json()["field"], "data", "{r:?}");

    // What ingest refuses, the preview refuses on the same field.
    let r = v
        .call(
            "preview_test_event",
            &[
                ("bus", BUS),
                ("source", ""),
                ("event_type", "dlc:Job:Failed"),
                ("data", "{}"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    assert_eq!(r.json()["field"], "source", "{r:?}");

    let r = v
        .call(
            "preview_test_event",
            &[
                ("bus", "no-such-bus"),
                ("source", "pai.dlc"),
                ("event_type", "dlc:Job:Failed"),
                ("data", &dlc_data("dlc:Job:Failed", "x")),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{r:?}");
}

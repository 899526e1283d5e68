//! Event rules against the real server: the grant precondition, masking of stored secrets,
//! source/target compatibility, the target quota and increase requests, edits that keep the
//! stored URL and secret, enabling and deleting, the save-time network check, contacts taken
//! out of targets, isolation between accounts, and validation naming each field.

use crate::common::{Reply, TestApp, Visitor};
use axum::extract::{Query, State};
use axum::routing::post;
use axum::{Json, Router};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const BUS: &str = "pai-system-team";
/// A DingTalk access token long enough that its mask keeps only its ends.
const DING_TOKEN: &str = "tok-SENSITIVE-0123456789abcdef";
const DING_SECRET: &str = "SECdingtalk-fake-secret-0123456789";

// ---------------------------------------------------------------------------------------
// A loopback fake DingTalk robot that checks the token and the signature as DingTalk does.

#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<Value>>>);

async fn dingtalk(
    State(seen): State<Seen>,
    Query(q): Query<HashMap<String, String>>,
    Json(body): Json<Value>,
) -> Json<Value> {
    seen.0.lock().unwrap().push(body);
    let (code, msg) = crate::common::dingtalk_verdict(&q, DING_TOKEN, DING_SECRET);
    Json(json!({"errcode": code, "errmsg": msg}))
}

/// Start the fake; returns its base URL and what it received.
async fn fake_dingtalk() -> (String, Seen) {
    let seen = Seen::default();
    let app = Router::new()
        .route("/robot/send", post(dingtalk))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), seen)
}

// ---------------------------------------------------------------------------------------
// Helpers.

/// A Herald that may reach loopback, with an owner whose workspace `team` is activated.
/// `grant` also creates the service-linked role.
async fn herald(grant: bool) -> (TestApp, Visitor) {
    let app = TestApp::spawn_with(|a| a.allow_target_networks = vec!["127.0.0.0/8".into()]).await;
    let v = owner(&app, "ada@example.com", grant).await;
    (app, v)
}

async fn owner(app: &TestApp, email: &str, grant: bool) -> Visitor {
    app.team_owner(email, grant).await
}

/// A DingTalk webhook URL on loopback (nothing need listen there for a save).
fn ding_url(base: &str) -> String {
    format!("{base}/robot/send?access_token={DING_TOKEN}")
}

const NOWHERE: &str = "http://127.0.0.1:9";

fn ding(base: &str) -> Value {
    json!({"config": {"kind": "dingtalk", "url": ding_url(base), "secret": DING_SECRET}})
}

fn wecom() -> Value {
    json!({"config": {"kind": "wecom", "url": format!("{NOWHERE}/cgi-bin/webhook/send?key=wecom-key")}})
}

fn contacts_target(kind: &str, contacts: &[i64]) -> Value {
    json!({"config": {"kind": kind, "contacts": contacts}})
}

/// A DLC rule with these targets.
fn dlc_rule(name: &str, targets: Value) -> Value {
    json!({
        "name": name,
        "description": "nightly failures",
        "enabled": true,
        "source": "pai.dlc",
        "types": ["dlc:Job:Failed"],
        "pattern": "",
        "targets": targets,
    })
}

async fn save(v: &mut Visitor, original: Option<&str>, rule: &Value) -> Reply {
    v.call_json(
        "save_rule",
        &json!({"bus": BUS, "original": original, "rule": rule}),
    )
    .await
}

/// Save and expect success; returns the SavedRule.
async fn save_ok(v: &mut Visitor, original: Option<&str>, rule: &Value) -> Value {
    let r = save(v, original, rule).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    r.json()
}

async fn get_rule(v: &mut Visitor, name: &str) -> Reply {
    v.call("get_rule", &[("bus", BUS), ("name", name)]).await
}

async fn rule_names(v: &mut Visitor) -> Vec<String> {
    let r = v.call("list_rules", &[("bus", BUS)]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    r.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect()
}

fn assert_invalid(r: &Reply, field: &str) {
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    assert_eq!(r.json()["field"], field, "{r:?}");
}

fn message(r: &Reply) -> String {
    r.json()["message"].as_str().unwrap_or_default().to_string()
}

/// "Test connection" of a saved target, sending only its kind and empty URL and secret.
async fn test_saved(v: &mut Visitor, rule: &str, id: i64) -> Value {
    let r = v
        .call_json(
            "test_target",
            &json!({
                "bus": BUS,
                "target": {"kind": "dingtalk", "url": "", "secret": ""},
                "rule": rule,
                "saved": id,
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    r.json()
}

// ---------------------------------------------------------------------------------------
// 1. The grant precondition and masking.

#[tokio::test]
async fn rules_need_the_grant_and_are_listed_with_url_and_secret_masked() {
    let (_app, mut v) = herald(false).await;
    let rule = dlc_rule("nightly", json!([ding(NOWHERE)]));

    let early = save(&mut v, None, &rule).await;
    assert_eq!(early.status, StatusCode::PRECONDITION_FAILED, "{early:?}");
    assert!(message(&early).contains("Grant permissions"), "{early:?}");
    let page = v.call("get_bus_rules", &[("bus", BUS)]).await.json();
    assert_eq!(page["role_granted"], false);
    assert_eq!(page["rules"], json!([]));

    assert_eq!(
        v.call("grant_permissions", &[]).await.status,
        StatusCode::OK
    );
    let saved = save(&mut v, None, &rule).await;
    assert_eq!(saved.status, StatusCode::OK, "{saved:?}");
    assert!(!saved.body.contains(DING_TOKEN), "{}", saved.body);
    assert!(!saved.body.contains(DING_SECRET), "{}", saved.body);
    assert_eq!(saved.json()["new_secrets"], json!([]));

    let page = v.call("get_bus_rules", &[("bus", BUS)]).await;
    assert_eq!(page.status, StatusCode::OK, "{page:?}");
    assert!(
        !page.body.contains(DING_TOKEN),
        "token leaked: {}",
        page.body
    );
    assert!(
        !page.body.contains(DING_SECRET),
        "secret leaked: {}",
        page.body
    );
    let page = page.json();
    assert_eq!(page["bus"], BUS);
    assert_eq!(page["workspace"], "team");
    assert_eq!(page["role_granted"], true);
    let rules = page["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 1);
    let r = &rules[0];
    assert_eq!(r["name"], "nightly");
    assert_eq!(r["description"], "nightly failures");
    assert_eq!(r["enabled"], true);
    assert_eq!(r["source"], "pai.dlc");
    assert_eq!(r["types"], json!(["dlc:Job:Failed"]));
    assert_eq!(r["quota"], 5);
    assert_eq!(r["units"], 1);
    let t = &r["targets"][0];
    assert_eq!(t["kind"], "dingtalk");
    let url = t["url_masked"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{NOWHERE}/robot/send?access_token=")),
        "{url}"
    );
    assert!(url.contains("••••"), "{url}");
    let secret = t["secret_masked"].as_str().unwrap();
    assert!(secret.contains("••••") && secret != DING_SECRET, "{secret}");
    assert!(secret.ends_with("6789"), "{secret}");

    // The rule's own page masks the same way.
    let one = get_rule(&mut v, "nightly").await;
    assert_eq!(one.status, StatusCode::OK);
    assert!(!one.body.contains(DING_TOKEN) && !one.body.contains(DING_SECRET));
}

#[tokio::test]
async fn an_unknown_bus_is_not_found() {
    let (_app, mut v) = herald(true).await;
    let r = v
        .call_json(
            "save_rule",
            &json!({"bus": "pai-system-nope", "original": null, "rule": dlc_rule("x1", json!([]))}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{r:?}");
    let r = v.call("list_rules", &[("bus", "pai-system-nope")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{r:?}");
}

// ---------------------------------------------------------------------------------------
// 2. Compatibility, and the generated webhook secret shown once.

#[tokio::test]
async fn http_targets_only_for_model_events_and_their_generated_secret_is_shown_once() {
    let (_app, mut v) = herald(true).await;
    let http = json!({"config": {"kind": "http", "url": format!("{NOWHERE}/hook"), "headers": [["X-Api-Key", "header-credential-value"]]}});

    let refused = save(&mut v, None, &dlc_rule("dlc-hook", json!([http.clone()]))).await;
    assert_invalid(&refused, "targets[0].kind");
    assert!(
        message(&refused).contains("Model and DataRobot"),
        "{refused:?}"
    );
    assert!(rule_names(&mut v).await.is_empty());

    let model = json!({
        "name": "model-hook",
        "source": "pai.model",
        "types": ["model:ModelVersion:Approved"],
        "targets": [http],
    });
    let saved = save_ok(&mut v, None, &model).await;
    let secrets = saved["new_secrets"].as_array().unwrap();
    assert_eq!(secrets.len(), 1, "{saved}");
    assert_eq!(secrets[0]["position"], 0);
    let secret = secrets[0]["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"), "{secret}");
    let t = &saved["rule"]["targets"][0];
    assert_eq!(t["kind"], "http");
    assert_eq!(t["header_names"], json!(["X-Api-Key"]));
    let masked = t["secret_masked"].as_str().unwrap().to_string();
    assert!(!masked.contains(&secret));

    let again = get_rule(&mut v, "model-hook").await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(!again.body.contains(&secret), "secret returned again");
    assert!(
        !again.body.contains("header-credential-value"),
        "header value returned: {}",
        again.body
    );
    assert_eq!(again.json()["targets"][0]["secret_masked"], masked.as_str());

    // Saving again with the secret left empty keeps it: nothing new is generated.
    let id = t["id"].as_i64().unwrap();
    let mut edit = model.clone();
    edit["targets"] = json!([{"id": id, "keep_headers": true, "config": {"kind": "http", "url": "", "secret": ""}}]);
    let kept = save_ok(&mut v, Some("model-hook"), &edit).await;
    assert_eq!(kept["new_secrets"], json!([]), "{kept}");
    assert_eq!(kept["rule"]["targets"][0]["id"], id);
    assert_eq!(kept["rule"]["targets"][0]["secret_masked"], masked.as_str());
    assert_eq!(
        kept["rule"]["targets"][0]["header_names"],
        json!(["X-Api-Key"])
    );
}

// ---------------------------------------------------------------------------------------
// 3. Quota and increase requests.

#[tokio::test]
async fn quota_of_five_units_then_a_request_approved_raises_it() {
    let (_app, mut v) = herald(true).await;
    let alice = v
        .new_contact("Alice", "+8613800000001", "alice@example.com")
        .await;
    let tony = v
        .new_contact("Tony", "+8613800000002", "tony@example.com")
        .await;
    let five = json!([
        contacts_target("sms", &[alice, tony]),
        contacts_target("email", &[alice, tony]),
        ding(NOWHERE),
    ]);
    let saved = save_ok(&mut v, None, &dlc_rule("paging", five.clone())).await;
    assert_eq!(saved["rule"]["units"], 5);
    assert_eq!(saved["rule"]["quota"], 5);
    let contacts = &saved["rule"]["targets"][0]["contacts"];
    assert_eq!(contacts[0]["name"], "Alice");
    assert_eq!(contacts[1]["name"], "Tony");

    // A sixth unit, on a new rule and on the existing one: refused, nothing stored.
    let mut six = five.as_array().unwrap().clone();
    six.push(wecom());
    let r = save(&mut v, None, &dlc_rule("paging-2", json!(six))).await;
    assert_invalid(&r, "targets");
    assert!(
        message(&r).contains("need 6 quota units but this rule has 5"),
        "{r:?}"
    );
    assert_eq!(rule_names(&mut v).await, ["paging"]);

    let r = save(&mut v, Some("paging"), &dlc_rule("paging", json!(six))).await;
    assert_invalid(&r, "targets");
    assert!(message(&r).contains("need 6 quota units but this rule has 5"));
    let stored = get_rule(&mut v, "paging").await.json();
    assert_eq!(stored["targets"].as_array().unwrap().len(), 3);
    assert_eq!(stored["units"], 5);

    // Out-of-range and bad requests.
    let request = |requested: &'static str, reason: &'static str| {
        [
            ("bus", BUS),
            ("name", "paging"),
            ("requested", requested),
            ("reason", reason),
        ]
    };
    let r = v
        .call("request_quota", &request("101", "the whole team"))
        .await;
    assert_invalid(&r, "requested");
    assert!(message(&r).contains("at most 100"), "{r:?}");
    let r = v
        .call("request_quota", &request("5", "the whole team"))
        .await;
    assert_invalid(&r, "requested");
    let r = v.call("request_quota", &request("8", "  ")).await;
    assert_invalid(&r, "reason");
    assert_eq!(
        v.call("list_quota_requests", &[]).await.json(),
        json!([]),
        "refused requests are not stored"
    );

    let r = v
        .call("request_quota", &request("8", "the whole on-call team"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let req = r.json();
    assert_eq!(req["status"], "pending");
    assert_eq!(req["current"], 5);
    assert_eq!(req["requested"], 8);
    assert_eq!(req["rule"], "paging");
    assert_eq!(req["bus"], BUS);
    assert_eq!(req["reason"], "the whole on-call team");
    let id = req["id"].as_i64().unwrap().to_string();

    let dup = v.call("request_quota", &request("9", "more")).await;
    assert_eq!(dup.status, StatusCode::CONFLICT, "{dup:?}");

    let list = v.call("list_quota_requests", &[]).await.json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["id"].to_string(), id);
    assert_eq!(list[0]["status"], "pending");
    let pending = get_rule(&mut v, "paging").await.json();
    assert_eq!(pending["pending_request"]["requested"], 8);
    assert_eq!(pending["quota"], 5, "not raised before the decision");

    let r = v
        .call(
            "decide_quota_request",
            &[("id", id.as_str()), ("approve", "true")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json()["status"], "approved");
    assert!(r.json()["decided_at"].is_string());
    let rule = get_rule(&mut v, "paging").await.json();
    assert_eq!(rule["quota"], 8);
    assert_eq!(rule["pending_request"], Value::Null);

    let saved = save_ok(&mut v, Some("paging"), &dlc_rule("paging", json!(six))).await;
    assert_eq!(saved["rule"]["units"], 6);
    assert_eq!(saved["rule"]["quota"], 8);

    let again = v
        .call(
            "decide_quota_request",
            &[("id", id.as_str()), ("approve", "false")],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{again:?}");
    assert_eq!(get_rule(&mut v, "paging").await.json()["quota"], 8);

    // Once decided, a new request may be filed; a rejection leaves the quota alone.
    let r = v.call("request_quota", &request("20", "even more")).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json()["current"], 8);
    let id2 = r.json()["id"].to_string();
    let r = v
        .call(
            "decide_quota_request",
            &[("id", id2.as_str()), ("approve", "false")],
        )
        .await;
    assert_eq!(r.json()["status"], "rejected", "{r:?}");
    assert_eq!(get_rule(&mut v, "paging").await.json()["quota"], 8);
}

// ---------------------------------------------------------------------------------------
// 4. Editing keeps stored URLs and secrets.

#[tokio::test]
async fn edits_keep_the_stored_url_and_secret_clear_it_drop_targets_and_rename() {
    let (base, seen) = fake_dingtalk().await;
    let (_app, mut v) = herald(true).await;
    let alice = v.new_contact("Alice", "+8613800000001", "").await;
    let created = save_ok(
        &mut v,
        None,
        &dlc_rule(
            "nightly",
            json!([ding(&base), contacts_target("sms", &[alice]), wecom()]),
        ),
    )
    .await;
    let targets = created["rule"]["targets"].as_array().unwrap().clone();
    assert_eq!(targets.len(), 3);
    let ding_id = targets[0]["id"].as_i64().unwrap();
    let sms_id = targets[1]["id"].as_i64().unwrap();
    let url_masked = targets[0]["url_masked"].as_str().unwrap().to_string();
    let secret_masked = targets[0]["secret_masked"].as_str().unwrap().to_string();

    // "Test connection" of the saved target uses the stored token and signing key.
    let verdict = test_saved(&mut v, "nightly", ding_id).await;
    assert_eq!(verdict["reason"], "delivered", "{verdict}");
    assert_eq!(seen.0.lock().unwrap().len(), 1);

    // Edit: empty URL and secret keep them; the WeCom target left out is deleted.
    let edit = dlc_rule(
        "nightly",
        json!([
            {"id": ding_id, "config": {"kind": "dingtalk", "url": "", "secret": "", "at_all": true}},
            {"id": sms_id, "config": {"kind": "sms", "contacts": [alice]}},
        ]),
    );
    let saved = save_ok(&mut v, Some("nightly"), &edit).await;
    let t = saved["rule"]["targets"].as_array().unwrap();
    assert_eq!(t.len(), 2, "{saved}");
    assert_eq!(t[0]["id"], ding_id, "the target keeps its id");
    assert_eq!(t[0]["url_masked"], url_masked.as_str());
    assert_eq!(t[0]["secret_masked"], secret_masked.as_str());
    assert_eq!(t[0]["at_all"], true, "the other fields are replaced");
    assert_eq!(t[1]["id"], sms_id);
    assert_eq!(t[1]["kind"], "sms");
    assert_eq!(saved["rule"]["units"], 2);
    let verdict = test_saved(&mut v, "nightly", ding_id).await;
    assert_eq!(verdict["reason"], "delivered", "{verdict}");

    // clear_secret removes the signing key: DingTalk then refuses the unsigned message.
    let mut clear = edit.clone();
    clear["targets"][0]["clear_secret"] = json!(true);
    let saved = save_ok(&mut v, Some("nightly"), &clear).await;
    assert_eq!(saved["rule"]["targets"][0]["secret_masked"], Value::Null);
    assert_eq!(
        saved["rule"]["targets"][0]["url_masked"],
        url_masked.as_str()
    );
    let verdict = test_saved(&mut v, "nightly", ding_id).await;
    assert_eq!(verdict["reason"], "signature_mismatch", "{verdict}");

    // A target id of another rule is refused; nothing is copied from it.
    save_ok(&mut v, None, &dlc_rule("other", json!([wecom()]))).await;
    let steal = dlc_rule(
        "other",
        json!([{"id": ding_id, "config": {"kind": "dingtalk", "url": "", "secret": ""}}]),
    );
    let r = save(&mut v, Some("other"), &steal).await;
    assert_invalid(&r, "targets[0]");
    assert_eq!(
        get_rule(&mut v, "other").await.json()["targets"][0]["kind"],
        "wecom"
    );

    // Rename.
    let mut renamed = clear.clone();
    renamed["name"] = json!("nightly-failures");
    let saved = save_ok(&mut v, Some("nightly"), &renamed).await;
    assert_eq!(saved["rule"]["name"], "nightly-failures");
    assert_eq!(saved["rule"]["id"], created["rule"]["id"]);
    assert_eq!(
        get_rule(&mut v, "nightly").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get_rule(&mut v, "nightly-failures").await.json()["targets"][0]["id"],
        ding_id
    );

    // Another rule may not take that name, on edit or create. Names are case-sensitive, as
    // in the ARNs policies name them by.
    let mut clash = dlc_rule("nightly-failures", json!([wecom()]));
    let r = save(&mut v, Some("other"), &clash).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{r:?}");
    assert_eq!(r.json()["field"], "name");
    let r = save(&mut v, None, &clash).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{r:?}");
    assert_eq!(r.json()["field"], "name");
    assert_eq!(
        get_rule(&mut v, "NIGHTLY-failures").await.status,
        StatusCode::NOT_FOUND,
        "another case is another name"
    );
    clash["name"] = json!("other");
    assert_eq!(rule_names(&mut v).await, ["nightly-failures", "other"]);
}

// ---------------------------------------------------------------------------------------
// 5. Enable, disable, delete.

#[tokio::test]
async fn rules_are_disabled_enabled_and_deleted_once() {
    let (_app, mut v) = herald(true).await;
    save_ok(&mut v, None, &dlc_rule("nightly", json!([wecom()]))).await;

    let set = |enabled: &'static str| [("bus", BUS), ("name", "nightly"), ("enabled", enabled)];
    let r = v.call("set_rule_enabled", &set("false")).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json()["enabled"], false);
    assert_eq!(get_rule(&mut v, "nightly").await.json()["enabled"], false);
    let r = v.call("set_rule_enabled", &set("true")).await;
    assert_eq!(r.json()["enabled"], true, "{r:?}");
    assert_eq!(get_rule(&mut v, "nightly").await.json()["enabled"], true);

    let missing = v
        .call(
            "set_rule_enabled",
            &[("bus", BUS), ("name", "nope"), ("enabled", "false")],
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let del = [("bus", BUS), ("name", "nightly")];
    let r = v.call("delete_rule", &del).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(
        get_rule(&mut v, "nightly").await.status,
        StatusCode::NOT_FOUND
    );
    assert!(rule_names(&mut v).await.is_empty());
    assert_eq!(
        v.call("delete_rule", &del).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_101st_rule_on_a_bus_is_refused_naming_the_limit() {
    let (_app, mut v) = herald(true).await;
    for i in 1..=100 {
        save_ok(
            &mut v,
            None,
            &dlc_rule(&format!("rule-{i}"), json!([wecom()])),
        )
        .await;
    }

    let r = save(&mut v, None, &dlc_rule("rule-101", json!([wecom()]))).await;

    assert_eq!(r.status, StatusCode::CONFLICT, "{r:?}");
    let text = message(&r);
    assert!(
        text.contains("100 rules") && text.contains("--max-rules-per-bus"),
        "{text}"
    );
    assert_eq!(rule_names(&mut v).await.len(), 100);
    // Editing one of the hundred is no creation.
    save_ok(
        &mut v,
        Some("rule-1"),
        &dlc_rule("rule-1", json!([wecom(), wecom()])),
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// 6. The network check at save.

#[tokio::test]
async fn target_urls_outside_the_allowed_networks_are_refused_at_save() {
    let (_app, mut v) = herald(true).await;
    let private = json!([{"config": {"kind": "dingtalk", "url": "http://10.0.0.1/robot/send?access_token=abc"}}]);
    let r = save(&mut v, None, &dlc_rule("nightly", private)).await;
    assert_invalid(&r, "targets[0].url");
    assert!(message(&r).contains("cannot be used"), "{r:?}");
    assert!(rule_names(&mut v).await.is_empty());

    // The second target is named by its position.
    let r = save(
        &mut v,
        None,
        &dlc_rule("nightly", json!([wecom(), {"config": {"kind": "wecom", "url": "http://169.254.169.254/cgi-bin/webhook/send?key=k"}}])),
    )
    .await;
    assert_invalid(&r, "targets[1].url");

    // Without the operator's allow-list, loopback is refused too.
    let strict = TestApp::spawn().await;
    let mut w = owner(&strict, "bob@example.com", true).await;
    let r = save(&mut w, None, &dlc_rule("nightly", json!([wecom()]))).await;
    assert_invalid(&r, "targets[0].url");
    assert!(rule_names(&mut w).await.is_empty());
}

// ---------------------------------------------------------------------------------------
// 7. Contacts used by targets.

#[tokio::test]
async fn deleting_a_used_contact_needs_confirmation_then_takes_it_out_of_targets() {
    let (_app, mut v) = herald(true).await;
    let alice = v.new_contact("Alice", "+8613800000001", "").await;
    let tony = v.new_contact("Tony", "+8613800000002", "").await;
    save_ok(
        &mut v,
        None,
        &dlc_rule(
            "paging",
            json!([
                contacts_target("sms", &[alice]),
                contacts_target("voice", &[alice, tony]),
                wecom(),
            ]),
        ),
    )
    .await;
    let alice_id = alice.to_string();

    let uses = v.call("contact_uses", &[("id", &alice_id)]).await;
    assert_eq!(uses.status, StatusCode::OK, "{uses:?}");
    assert_eq!(
        uses.json(),
        json!([
            {"bus": BUS, "rule": "paging", "kind": "sms", "removes_target": true},
            {"bus": BUS, "rule": "paging", "kind": "voice", "removes_target": false},
        ])
    );

    let r = v.call("delete_contact", &[("id", &alice_id)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{r:?}");
    assert!(message(&r).contains("paging"), "{r:?}");
    let names: Vec<String> = v
        .call("list_contacts", &[])
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["Alice", "Tony"], "not deleted without confirmation");
    assert_eq!(
        get_rule(&mut v, "paging").await.json()["targets"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    let r = v
        .call(
            "delete_contact",
            &[("id", &alice_id), ("confirmed", "true")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let list = v.call("list_contacts", &[]).await.json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["name"], "Tony");

    let rule = get_rule(&mut v, "paging").await.json();
    let targets = rule["targets"].as_array().unwrap();
    let kinds: Vec<&str> = targets
        .iter()
        .map(|t| t["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["voice", "wecom"], "{rule}");
    assert_eq!(
        targets[0]["contacts"],
        json!([{"id": tony, "name": "Tony"}])
    );
    assert_eq!(rule["units"], 2);

    let uses = v
        .call("contact_uses", &[("id", &tony.to_string())])
        .await
        .json();
    assert_eq!(uses[0]["removes_target"], true, "{uses}");

    // The rule can still be saved as the form now shows it.
    let voice_id = targets[0]["id"].as_i64().unwrap();
    save_ok(
        &mut v,
        Some("paging"),
        &dlc_rule(
            "paging",
            json!([{"id": voice_id, "config": {"kind": "voice", "contacts": [tony]}}]),
        ),
    )
    .await;
    // An unused contact is deleted without confirmation.
    let spare = v.new_contact("Spare", "+8613800000009", "").await;
    let r = v
        .call("delete_contact", &[("id", &spare.to_string())])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
}

#[tokio::test]
async fn contact_targets_need_existing_contacts_with_the_right_address() {
    let (_app, mut v) = herald(true).await;
    let phone_only = v.new_contact("Tony", "+8613800000002", "").await;
    let r = save(
        &mut v,
        None,
        &dlc_rule("paging", json!([contacts_target("email", &[phone_only])])),
    )
    .await;
    assert_invalid(&r, "targets[0].contacts");
    assert!(message(&r).contains("Tony"), "{r:?}");
    let r = save(
        &mut v,
        None,
        &dlc_rule("paging", json!([contacts_target("sms", &[999_999])])),
    )
    .await;
    assert_invalid(&r, "targets[0].contacts");
    assert!(rule_names(&mut v).await.is_empty());
}

// ---------------------------------------------------------------------------------------
// 8. Isolation between accounts.

#[tokio::test]
async fn another_account_can_neither_see_nor_change_a_rule() {
    let (app, mut ada) = herald(true).await;
    let alice = ada.new_contact("Alice", "+8613800000001", "").await;
    let saved = save_ok(
        &mut ada,
        None,
        &dlc_rule(
            "secret-rule",
            json!([ding(NOWHERE), contacts_target("sms", &[alice])]),
        ),
    )
    .await;
    let ding_id = saved["rule"]["targets"][0]["id"].as_i64().unwrap();
    let req = ada
        .call(
            "request_quota",
            &[
                ("bus", BUS),
                ("name", "secret-rule"),
                ("requested", "10"),
                ("reason", "more people"),
            ],
        )
        .await;
    assert_eq!(req.status, StatusCode::OK, "{req:?}");
    let req_id = req.json()["id"].to_string();

    let mut bob = app.signed_up("bob@example.com").await;
    let probes: Vec<Reply> = vec![
        bob.call("list_rules", &[("bus", BUS)]).await,
        bob.call("get_bus_rules", &[("bus", BUS)]).await,
        get_rule(&mut bob, "secret-rule").await,
        save(
            &mut bob,
            Some("secret-rule"),
            &dlc_rule("secret-rule", json!([wecom()])),
        )
        .await,
        bob.call(
            "set_rule_enabled",
            &[("bus", BUS), ("name", "secret-rule"), ("enabled", "false")],
        )
        .await,
        bob.call("delete_rule", &[("bus", BUS), ("name", "secret-rule")])
            .await,
        bob.call(
            "request_quota",
            &[
                ("bus", BUS),
                ("name", "secret-rule"),
                ("requested", "50"),
                ("reason", "mine now"),
            ],
        )
        .await,
        bob.call(
            "decide_quota_request",
            &[("id", &req_id), ("approve", "true")],
        )
        .await,
        bob.call("contact_uses", &[("id", &alice.to_string())]).await,
        bob.call_json(
            "test_target",
            &json!({"bus": BUS, "target": {"kind": "dingtalk", "url": "", "secret": ""}, "rule": "secret-rule", "saved": ding_id}),
        )
        .await,
    ];
    for (i, r) in probes.iter().enumerate() {
        assert_eq!(r.status, StatusCode::NOT_FOUND, "probe {i}: {r:?}");
        assert!(!r.body.contains(DING_TOKEN), "probe {i}: {r:?}");
        assert!(!r.body.contains("Alice"), "probe {i}: {r:?}");
        assert!(!r.body.contains("more people"), "probe {i}: {r:?}");
    }
    assert_eq!(bob.call("list_quota_requests", &[]).await.json(), json!([]));

    // Bob gets a bus of the same name: it is his own, empty, and Ada's rule is untouched.
    assert_eq!(bob.create_workspace("team").await.status, StatusCode::OK);
    bob.call("activate_event_bridge", &[]).await;
    bob.call("grant_permissions", &[]).await;
    assert!(rule_names(&mut bob).await.is_empty());
    assert_eq!(
        get_rule(&mut bob, "secret-rule").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        save(
            &mut bob,
            Some("secret-rule"),
            &dlc_rule("secret-rule", json!([wecom()]))
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    // Ada's contacts and target ids are not his to use.
    let r = save(
        &mut bob,
        None,
        &dlc_rule("mine", json!([contacts_target("sms", &[alice])])),
    )
    .await;
    assert_invalid(&r, "targets[0].contacts");
    let mine = save_ok(&mut bob, None, &dlc_rule("mine", json!([wecom()]))).await;
    let r = save(
        &mut bob,
        Some("mine"),
        &dlc_rule(
            "mine",
            json!([{"id": ding_id, "config": {"kind": "dingtalk", "url": "", "secret": ""}}]),
        ),
    )
    .await;
    assert_invalid(&r, "targets[0]");
    assert!(!r.body.contains(DING_TOKEN));
    let r = bob
        .call_json(
            "test_target",
            &json!({"bus": BUS, "target": {"kind": "dingtalk", "url": "", "secret": ""}, "rule": "mine", "saved": ding_id}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{r:?}");
    assert_eq!(
        bob.call(
            "decide_quota_request",
            &[("id", &req_id), ("approve", "true")]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(mine["rule"]["quota"], 5);

    let ada_rule = get_rule(&mut ada, "secret-rule").await.json();
    assert_eq!(ada_rule["enabled"], true);
    assert_eq!(ada_rule["quota"], 5);
    assert_eq!(ada_rule["targets"].as_array().unwrap().len(), 2);
    assert_eq!(ada_rule["pending_request"]["requested"], 10);
    assert_eq!(rule_names(&mut ada).await, ["secret-rule"]);
}

// ---------------------------------------------------------------------------------------
// 9. Validation of step 1.

#[tokio::test]
async fn bad_definitions_are_refused_naming_the_field() {
    let (_app, mut v) = herald(true).await;
    let with = |field: &str, value: Value| {
        let mut r = dlc_rule("nightly", json!([wecom()]));
        r[field] = value;
        r
    };
    for (rule, field) in [
        (with("name", json!("-nightly")), "name"),
        (with("name", json!("x")), "name"),
        (with("name", json!("night ly")), "name"),
        (with("source", json!("pai.nope")), "source"),
        (with("types", json!([])), "types"),
        (with("types", json!(["flow:Task:Failed"])), "types"),
        (with("pattern", json!("{")), "pattern"),
        (
            with(
                "pattern",
                json!(r#"{"job": {"name": [{"wildcard": "x*"}]}}"#),
            ),
            "pattern",
        ),
        (with("description", json!("x".repeat(257))), "description"),
    ] {
        let r = save(&mut v, None, &rule).await;
        assert_invalid(&r, field);
    }
    assert!(rule_names(&mut v).await.is_empty());

    // A valid pattern is stored and shown pretty-printed.
    let ok = with("pattern", json!(r#"{"job":{"status":["Failed"]}}"#));
    let saved = save_ok(&mut v, None, &ok).await;
    let pattern: Value = serde_json::from_str(saved["rule"]["pattern"].as_str().unwrap()).unwrap();
    assert_eq!(pattern, json!({"job": {"status": ["Failed"]}}));

    // Target fields are named by position.
    let r = save(
        &mut v,
        None,
        &dlc_rule(
            "nightly-2",
            json!([wecom(), {"config": {"kind": "dingtalk", "url": format!("{NOWHERE}/robot/send")}}]),
        ),
    )
    .await;
    assert_invalid(&r, "targets[1].url");
    assert!(message(&r).contains("access_token"), "{r:?}");
    assert_eq!(rule_names(&mut v).await, ["nightly"]);
}

// ---------------------------------------------------------------------------------------
// Stored header values of an HTTP target are credentials the browser never sees; they must
// not be sendable to another address through "Test connection" of the saved target.

async fn record_headers(
    State(seen): State<Seen>,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
) -> axum::http::StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    seen.0.lock().unwrap().push(json!({
        "path": uri.path(),
        "key": header("x-api-key"),
        "signature": header("webhook-signature"),
    }));
    axum::http::StatusCode::NO_CONTENT
}

/// A loopback HTTP receiver recording, per path, the `X-Api-Key` header and the
/// `webhook-signature` header of each request; its base URL.
async fn recording_receiver(seen: &Seen) -> String {
    let fake = Router::new()
        .route("/stored", post(record_headers))
        .route("/elsewhere", post(record_headers))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, fake).await.unwrap() });
    base
}

/// What the receiver got at `path`: each request's `X-Api-Key` value and signature.
fn received_at(seen: &Seen, path: &str) -> Vec<(String, String)> {
    seen.0
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r["path"] == path)
        .map(|r| {
            (
                r["key"].as_str().unwrap_or_default().to_string(),
                r["signature"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn stored_header_credentials_are_not_sent_to_a_new_url() {
    let seen = Seen::default();
    let base = recording_receiver(&seen).await;
    let (_app, mut v) = herald(true).await;
    let saved = save_ok(
        &mut v,
        None,
        &json!({
            "name": "model-hook",
            "source": "pai.model",
            "types": ["model:ModelVersion:Approved"],
            "targets": [{"config": {"kind": "http", "url": format!("{base}/stored"), "headers": [["X-Api-Key", "header-credential-value"]]}}],
        }),
    )
    .await;
    let id = saved["rule"]["targets"][0]["id"].as_i64().unwrap();
    let secret = saved["new_secrets"][0]["secret"]
        .as_str()
        .unwrap()
        .to_string();
    let test = |url: String| {
        json!({"bus": BUS, "target": {"kind": "http", "url": url, "secret": secret},
               "rule": "model-hook", "saved": id, "keep_headers": true})
    };

    // The saved headers do go to the saved URL (so the guard below is what stops them).
    let r = v
        .call_json("test_target", &test(format!("{base}/stored")))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json()["ok"], true, "{r:?}");
    let stored = received_at(&seen, "/stored");
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(stored[0].0, "header-credential-value");

    // Asked to keep them for another URL: refused naming the headers, nothing sent there.
    let r = v
        .call_json("test_target", &test(format!("{base}/elsewhere")))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    assert_eq!(r.json()["field"], "target.headers", "{r:?}");
    assert!(received_at(&seen, "/elsewhere").is_empty());

    // Saving the rule so is refused the same way, and the stored URL stays.
    let r = save(
        &mut v,
        Some("model-hook"),
        &json!({
            "name": "model-hook",
            "source": "pai.model",
            "types": ["model:ModelVersion:Approved"],
            "targets": [{"id": id, "keep_headers": true, "config": {"kind": "http", "url": format!("{base}/elsewhere"), "secret": secret}}],
        }),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    assert_eq!(r.json()["field"], "targets[0].headers", "{r:?}");
    let rule = get_rule(&mut v, "model-hook").await.json();
    assert!(
        rule["targets"][0]["url_masked"]
            .as_str()
            .unwrap_or_default()
            .ends_with("/stored"),
        "{rule}"
    );
}

#[tokio::test]
async fn a_signing_secret_is_not_kept_for_a_new_url_on_save_or_test() {
    let seen = Seen::default();
    let base = recording_receiver(&seen).await;
    let (_app, mut v) = herald(true).await;
    let rule = |target: Value| {
        json!({
            "name": "model-hook",
            "source": "pai.model",
            "types": ["model:ModelVersion:Approved"],
            "targets": [target],
        })
    };
    let saved = save_ok(
        &mut v,
        None,
        &rule(json!({"config": {"kind": "http", "url": format!("{base}/stored")}})),
    )
    .await;
    let id = saved["rule"]["targets"][0]["id"].as_i64().unwrap();
    let old = saved["new_secrets"][0]["secret"]
        .as_str()
        .unwrap()
        .to_string();

    // Test connection of the saved target at a new address, secret left empty: refused
    // naming the secret, and nothing is signed for the new host with the saved secret.
    let r = v
        .call_json(
            "test_target",
            &json!({"bus": BUS, "target": {"kind": "http", "url": format!("{base}/elsewhere")},
                    "rule": "model-hook", "saved": id}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    assert_eq!(r.json()["field"], "target.secret", "{r:?}");
    assert!(received_at(&seen, "/elsewhere").is_empty());

    // The same at save.
    let moved = |extra: Value| {
        let mut t =
            json!({"id": id, "config": {"kind": "http", "url": format!("{base}/elsewhere")}});
        for (k, val) in extra.as_object().unwrap() {
            t[k] = val.clone();
        }
        rule(t)
    };
    let r = save(&mut v, Some("model-hook"), &moved(json!({}))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    assert_eq!(r.json()["field"], "targets[0].secret", "{r:?}");

    // Removing the saved secret generates a new one for the new address.
    let saved = save_ok(
        &mut v,
        Some("model-hook"),
        &moved(json!({"clear_secret": true})),
    )
    .await;
    let new = saved["new_secrets"][0]["secret"].as_str().unwrap();
    assert!(
        new.starts_with("whsec_") && new != old,
        "a new secret is generated"
    );

    // Keeping the saved URL keeps the saved secret, as before.
    let saved = save_ok(
        &mut v,
        Some("model-hook"),
        &rule(json!({"id": id, "config": {"kind": "http", "url": ""}})),
    )
    .await;
    assert_eq!(saved["new_secrets"], json!([]), "{saved}");
}

#[tokio::test]
async fn a_contact_keeps_the_phone_or_email_its_targets_need() {
    let (_app, mut v) = herald(true).await;
    let alice = v
        .new_contact("Alice", "+8613800000001", "alice@example.com")
        .await;
    save_ok(
        &mut v,
        None,
        &dlc_rule("paging", json!([contacts_target("sms", &[alice])])),
    )
    .await;
    let id = alice.to_string();
    // Dropping the phone an SMS target uses is refused, naming the rule; nothing changes.
    let r = v
        .call(
            "update_contact",
            &[
                ("id", &id),
                ("name", "Alice"),
                ("phone", ""),
                ("email", "alice@example.com"),
            ],
        )
        .await;
    assert_invalid(&r, "phone");
    assert!(message(&r).contains("paging"), "{r:?}");
    let list = v.call("list_contacts", &[]).await.json();
    assert_eq!(list[0]["phone"], "+8613800000001");
    // The email is not needed by any target, so it may go.
    let r = v
        .call(
            "update_contact",
            &[
                ("id", &id),
                ("name", "Alice"),
                ("phone", "+8613800000009"),
                ("email", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json()["phone"], "+8613800000009");
}

#[tokio::test]
async fn review_findings_stay_fixed() {
    let (_app, mut v) = herald(true).await;
    // A malformed whsec_ secret is refused at save, not at every delivery.
    let mut model = dlc_rule(
        "hook",
        json!([{"config": {"kind": "http", "url": "http://127.0.0.1:9/hook", "secret": "whsec_!!!"}}]),
    );
    model["source"] = json!("pai.model");
    model["types"] = json!(["model:ModelVersion:Approved"]);
    let r = save(&mut v, None, &model).await;
    assert_invalid(&r, "targets[0].secret");

    // The same saved target listed twice is refused, not silently merged.
    let saved = save_ok(&mut v, None, &dlc_rule("twice", json!([ding(NOWHERE)]))).await;
    let id = saved["rule"]["targets"][0]["id"].as_i64().unwrap();
    let t = json!({"id": id, "config": {"kind": "dingtalk", "url": ""}});
    let r = save(
        &mut v,
        Some("twice"),
        &dlc_rule("twice", json!([t.clone(), t.clone()])),
    )
    .await;
    assert_invalid(&r, "targets[1]");

    // A new robot URL needs its own signing key: the saved one belongs to the saved robot.
    let moved = json!({"id": id, "config": {"kind": "dingtalk", "url": "http://127.0.0.1:8/robot/send?access_token=other"}});
    let r = save(&mut v, Some("twice"), &dlc_rule("twice", json!([moved]))).await;
    assert_invalid(&r, "targets[0].secret");
    let cleared = json!({"id": id, "clear_secret": true, "config": {"kind": "dingtalk", "url": "http://127.0.0.1:8/robot/send?access_token=other"}});
    let saved = save_ok(&mut v, Some("twice"), &dlc_rule("twice", json!([cleared]))).await;
    assert!(saved["rule"]["targets"][0]["secret_masked"].is_null());
}

/// A rule's message templates: one that does not compile is refused naming its field and
/// line (the save stores nothing); good ones are stored and read back; the form's preview
/// renders them over the catalog sample, or names the line that fails.
#[tokio::test]
async fn message_templates_are_checked_at_save_stored_and_previewed() {
    let (_app, mut v) = herald(true).await;
    let (base, _seen) = fake_dingtalk().await;
    let mut rule = dlc_rule("templated", json!([ding(&base)]));

    rule["body_template"] = json!("Job {{ event.data.job.name }}\n{% if x %}never closed");
    let r = save(&mut v, None, &rule).await;
    assert_invalid(&r, "body_template");
    assert!(message(&r).starts_with("line 2: syntax error"), "{r:?}");
    rule["body_template"] = json!("");
    rule["title_template"] = json!("{{ event.data.job.name ");
    let r = save(&mut v, None, &rule).await;
    assert_invalid(&r, "title_template");
    assert!(message(&r).contains("line 1"), "{r:?}");
    rule["title_template"] = json!("{% include \"/etc/passwd\" %}");
    assert_invalid(&save(&mut v, None, &rule).await, "title_template");
    rule["title_template"] = json!("x".repeat(4001));
    let r = save(&mut v, None, &rule).await;
    assert_invalid(&r, "title_template");
    assert!(message(&r).contains("at most 4000"), "{r:?}");
    assert!(rule_names(&mut v).await.is_empty());

    rule["title_template"] = json!("{{ event.data.job.name }} failed in {{ workspace }}");
    rule["body_template"] = json!("Why: {{ event.data.job.reason_message | default(\"-\") }}");
    save_ok(&mut v, None, &rule).await;
    let stored = get_rule(&mut v, "templated").await.json();
    assert_eq!(stored["title_template"], rule["title_template"], "{stored}");
    assert_eq!(stored["body_template"], rule["body_template"], "{stored}");

    let preview = |rule: &Value| json!({"bus": BUS, "rule": rule});
    let r = v.call_json("preview_message", &preview(&rule)).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let p = r.json();
    assert_eq!(p["error"], Value::Null, "{p}");
    assert_eq!(p["event_type"], "dlc:Job:Failed");
    assert!(
        p["title"]
            .as_str()
            .unwrap()
            .starts_with("[Herald] nightly-train-resnet50 failed in team"),
        "{p}"
    );
    assert!(
        p["body"][0]
            .as_str()
            .unwrap()
            .starts_with("Why: worker-1 exited"),
        "{p}"
    );
    rule["body_template"] = json!("ok\n{{ event.data.job.nme }}");
    let p = v.call_json("preview_message", &preview(&rule)).await.json();
    let error = p["error"].as_str().unwrap_or_default();
    assert!(
        error.starts_with("body_template: line 2: undefined value"),
        "{p}"
    );
}

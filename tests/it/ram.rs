//! RAM users, policies, authorization, the management API and the audit log, against the
//! real server: a RAM user's first login and forced password change, rules created by it
//! through the console and the API, read-only and Deny policies, owner-only operations,
//! isolation between accounts over every management route, disabled and deleted users,
//! policy validation, the audit log with secrets masked, the OpenAPI document, the API's
//! request validation, and the review fixes: login and password-change throttling, the
//! enabled state and renames guarded, contact uses, and empty ARN parts.

use crate::common::{Reply, TestApp, Visitor};
use herald::domain::catalog;
use herald::domain::ram::{read_only_policy, seed_policy};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const BUS: &str = "pai-system-team";
/// Nothing listens here; saving a rule only checks the address is allowed.
const NOWHERE: &str = "http://127.0.0.1:9";
/// A DingTalk access token long enough that its mask keeps only its ends.
const DING_TOKEN: &str = "tok-SENSITIVE-0123456789abcdef";
const DING_SECRET: &str = "SECdingtalk-fake-secret-0123456789";
/// A RAM user's initial password, and the one it changes to.
const INITIAL: &str = "initial-password-1";
const CHANGED: &str = "changed-password-2";

// ---------------------------------------------------------------------------------------
// Helpers.

/// A Herald that may reach loopback, with an owner whose workspace `team` is activated and
/// whose service-linked role is granted.
async fn herald() -> (TestApp, Visitor) {
    let app = TestApp::spawn_with(|a| a.allow_target_networks = vec!["127.0.0.0/8".into()]).await;
    let owner = app.team_owner("owner@example.com", true).await;
    (app, owner)
}

fn ding_url() -> String {
    format!("{NOWHERE}/robot/send?access_token={DING_TOKEN}")
}

/// A DingTalk target as the console sends it.
fn ui_ding() -> Value {
    json!({"config": {"kind": "dingtalk", "url": ding_url(), "secret": DING_SECRET}})
}

/// A DingTalk target as the management API takes it.
fn api_ding() -> Value {
    json!({"kind": "dingtalk", "url": ding_url(), "secret": DING_SECRET})
}

/// A DLC rule as the console's `save_rule` takes it.
fn ui_rule(name: &str, description: &str, targets: Value) -> Value {
    json!({
        "name": name,
        "description": description,
        "enabled": true,
        "source": "pai.dlc",
        "types": ["dlc:Job:Failed"],
        "pattern": "",
        "targets": targets,
    })
}

/// A DLC rule as the management API takes it.
fn api_rule(name: &str, description: &str, targets: Value) -> Value {
    json!({
        "name": name,
        "description": description,
        "source": "pai.dlc",
        "types": ["dlc:Job:Failed"],
        "pattern": {"job": {"name": [{"prefix": "nightly-"}]}},
        "enabled": true,
        "targets": targets,
    })
}

async fn save_rule(v: &mut Visitor, original: Option<&str>, rule: &Value) -> Reply {
    v.call_json(
        "save_rule",
        &json!({"bus": BUS, "original": original, "rule": rule}),
    )
    .await
}

fn rule_arn(account: i64, bus: &str, rule: &str) -> String {
    format!("acs:eventbridge:local:{account}:eventbus/{bus}/rule/{rule}")
}

/// The signed-in user's account number.
async fn account_of(v: &mut Visitor) -> i64 {
    let me = v.call("who_am_i", &[]).await;
    assert_eq!(me.status, StatusCode::OK, "{me:?}");
    me.json()["account_id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no account_id: {me:?}"))
}

/// The owner saves a policy; returns its id.
async fn create_policy(owner: &mut Visitor, name: &str, document: &str) -> i64 {
    let r = owner
        .call_json(
            "save_policy",
            &json!({"id": null, "name": name, "description": "test policy", "document": document}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    r.json()["id"].as_i64().unwrap()
}

/// The owner creates RAM user `login` (initial password [`INITIAL`]) holding `policies`;
/// returns its id.
async fn create_user(owner: &mut Visitor, login: &str, policies: &[i64]) -> i64 {
    let r = owner
        .call(
            "create_user",
            &[
                ("login_name", login),
                ("display_name", login),
                ("password", INITIAL),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let user = r.json();
    assert_eq!(user["must_change_password"], true, "{user}");
    let id = user["id"].as_i64().unwrap();
    for p in policies {
        let r = owner
            .call(
                "set_policy_attached",
                &[
                    ("user_id", &id.to_string()),
                    ("policy_id", &p.to_string()),
                    ("attach", "true"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
    }
    id
}

/// A RAM user logged in with its initial password and then changed to [`CHANGED`].
async fn ready_user(app: &TestApp, account: i64, login: &str) -> Visitor {
    let mut v = app.visitor();
    let r = v.log_in(&format!("{login}@{account}"), INITIAL).await;
    assert!(r.is_redirect(), "{r:?}");
    let r = v
        .call(
            "change_password",
            &[("current", INITIAL), ("password", CHANGED)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    v
}

/// A new AccessKey of the signed-in user: (its id, its token).
async fn access_key(v: &mut Visitor) -> (i64, String) {
    let r = v.call("create_access_key", &[("name", "ci")]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let k = r.json();
    let token = k["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("hk_"), "{token}");
    (k["key"]["id"].as_i64().unwrap(), token)
}

/// A management-API client holding one access key.
struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    fn new(app: &TestApp, token: &str) -> Api {
        Api {
            http: reqwest::Client::new(),
            base: app.base(),
            token: token.to_string(),
        }
    }

    /// Any request; `body` goes as JSON with `Content-Type: application/json`.
    async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> Reply {
        match body {
            Some(b) => {
                self.raw(
                    method,
                    path,
                    "application/json",
                    serde_json::to_vec(b).unwrap(),
                )
                .await
            }
            None => self.raw(method, path, "", Vec::new()).await,
        }
    }

    /// A request with this content type (none when empty) and these bytes.
    async fn raw(&self, method: Method, path: &str, content_type: &str, body: Vec<u8>) -> Reply {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("authorization", format!("Bearer {}", self.token))
            .header("accept", "application/json");
        if !content_type.is_empty() {
            req = req.header("content-type", content_type);
        }
        if !body.is_empty() {
            req = req.body(body);
        }
        let res = req.send().await.expect("request sent");
        let status = res.status();
        let body = res.text().await.unwrap_or_default();
        Reply {
            status,
            location: None,
            body,
        }
    }

    async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: &Value) -> Reply {
        self.send(Method::POST, path, Some(body)).await
    }

    async fn put(&self, path: &str, body: &Value) -> Reply {
        self.send(Method::PUT, path, Some(body)).await
    }

    async fn delete(&self, path: &str) -> Reply {
        self.send(Method::DELETE, path, None).await
    }
}

fn rules_path(bus: &str) -> String {
    format!("/api/v1/buses/{bus}/rules")
}

fn rule_path(bus: &str, rule: &str) -> String {
    format!("/api/v1/buses/{bus}/rules/{rule}")
}

/// The names in a JSON list of rules.
fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect()
}

fn assert_forbidden(r: &Reply, action: &str, resource: &str) {
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{r:?}");
    let body = r.json();
    assert_eq!(body["code"], "forbidden", "{r:?}");
    assert_eq!(body["action"], action, "{r:?}");
    assert_eq!(body["resource"], resource, "{r:?}");
}

/// 403 naming `action` (on whatever resource).
fn assert_refused(r: &Reply, action: &str) {
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{r:?}");
    assert_eq!(r.code(), "forbidden", "{r:?}");
    assert_eq!(r.json()["action"], action, "{r:?}");
}

fn message(r: &Reply) -> String {
    r.json()["message"].as_str().unwrap_or_default().to_string()
}

fn assert_invalid(r: &Reply, field: &str) {
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    assert_eq!(r.code(), "invalid", "{r:?}");
    assert_eq!(r.json()["field"], field, "{r:?}");
}

// ---------------------------------------------------------------------------------------
// 1. A RAM user with the seed policy: first login, forced password change, rules through
//    the console and the API.

#[tokio::test]
async fn a_ram_user_with_the_seed_policy_changes_its_password_then_creates_rules_both_ways() {
    let (app, mut owner) = herald().await;
    let account = account_of(&mut owner).await;
    let full = create_policy(&mut owner, "EventBridgeFull", &seed_policy()).await;
    let alice = create_user(&mut owner, "alice", &[full]).await;

    let users = owner.call("list_users", &[]).await;
    assert_eq!(users.status, StatusCode::OK, "{users:?}");
    let users = users.json();
    assert_eq!(users[0]["id"], alice);
    assert_eq!(users[0]["login"], format!("alice@{account}"));
    assert_eq!(users[0]["policies"], json!(["EventBridgeFull"]));

    // A wrong password is refused like any other.
    let mut v = app.visitor();
    let r = v
        .log_in(&format!("alice@{account}"), "not-the-password")
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{r:?}");

    let r = v.log_in(&format!("alice@{account}"), INITIAL).await;
    assert!(r.is_redirect(), "{r:?}");
    assert_eq!(r.location.as_deref(), Some("/password"), "{r:?}");
    let me = v.call("who_am_i", &[]).await.json();
    assert_eq!(me["login"], format!("alice@{account}"), "{me}");
    assert_eq!(me["is_owner"], false, "{me}");
    assert_eq!(me["must_change_password"], true, "{me}");

    // Everything but changing the password waits for the new password.
    let early = v.call("list_rules", &[("bus", BUS)]).await;
    assert_eq!(early.status, StatusCode::PRECONDITION_FAILED, "{early:?}");
    assert_eq!(early.code(), "precondition", "{early:?}");
    let early = save_rule(&mut v, None, &ui_rule("too-early", "", json!([]))).await;
    assert_eq!(early.status, StatusCode::PRECONDITION_FAILED, "{early:?}");
    let early = v.call("create_access_key", &[("name", "ci")]).await;
    assert_eq!(early.status, StatusCode::PRECONDITION_FAILED, "{early:?}");

    // The current password must be proven, and the new one must differ.
    let r = v
        .call(
            "change_password",
            &[("current", "wrong-password-0"), ("password", CHANGED)],
        )
        .await;
    assert_invalid(&r, "current");
    let r = v
        .call(
            "change_password",
            &[("current", INITIAL), ("password", INITIAL)],
        )
        .await;
    assert_invalid(&r, "password");
    let r = v
        .call(
            "change_password",
            &[("current", INITIAL), ("password", CHANGED)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(
        v.call("who_am_i", &[]).await.json()["must_change_password"],
        false
    );

    // The console: save_rule.
    let saved = save_rule(
        &mut v,
        None,
        &ui_rule("console-rule", "made in the console", json!([ui_ding()])),
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{saved:?}");
    assert_eq!(saved.json()["rule"]["name"], "console-rule");

    // The API, with the user's own key.
    let (_, token) = access_key(&mut v).await;
    let api = Api::new(&app, &token);
    let created = api
        .post(
            &rules_path(BUS),
            &api_rule("api-rule", "made over the API", json!([api_ding()])),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created:?}");
    let rule = &created.json()["rule"];
    assert_eq!(rule["name"], "api-rule");
    assert_eq!(rule["targets"][0]["kind"], "dingtalk");
    assert!(!created.body.contains(DING_TOKEN) && !created.body.contains(DING_SECRET));

    // Both are listed, over the API and in the console (and the owner sees them too).
    let listed = api.get(&rules_path(BUS)).await;
    assert_eq!(listed.status, StatusCode::OK, "{listed:?}");
    let mut got = names(&listed.json());
    got.sort();
    assert_eq!(got, ["api-rule", "console-rule"]);
    assert!(!listed.body.contains(DING_TOKEN) && !listed.body.contains(DING_SECRET));
    let one = api.get(&rule_path(BUS, "console-rule")).await;
    assert_eq!(one.status, StatusCode::OK, "{one:?}");
    assert_eq!(one.json()["description"], "made in the console");

    let listed = owner.call("list_rules", &[("bus", BUS)]).await;
    let mut got = names(&listed.json());
    got.sort();
    assert_eq!(got, ["api-rule", "console-rule"]);

    // The console's view of what the user may do: all fifteen.
    let allowed = v.call("allowed_actions", &[("bus", BUS)]).await;
    assert_eq!(allowed.status, StatusCode::OK, "{allowed:?}");
    assert_eq!(allowed.json().as_array().unwrap().len(), 15, "{allowed:?}");
}

// ---------------------------------------------------------------------------------------
// 2. Read-only: reads pass, writes are refused naming the action and the rule's ARN.

#[tokio::test]
async fn a_read_only_user_is_refused_create_rule_with_its_arn_but_may_list() {
    let (app, mut owner) = herald().await;
    let account = account_of(&mut owner).await;
    let ro = create_policy(&mut owner, "ReadOnly", &read_only_policy()).await;
    create_user(&mut owner, "reader", &[ro]).await;
    // A rule of the owner's, for the reader to see.
    let r = save_rule(&mut owner, None, &ui_rule("owners", "", json!([ui_ding()]))).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");

    let mut v = ready_user(&app, account, "reader").await;
    let refused = save_rule(&mut v, None, &ui_rule("mine", "", json!([ui_ding()]))).await;
    assert_forbidden(
        &refused,
        "eventbridge:CreateRule",
        &rule_arn(account, BUS, "mine"),
    );

    let (_, token) = access_key(&mut v).await;
    let api = Api::new(&app, &token);
    let refused = api
        .post(&rules_path(BUS), &api_rule("mine", "", json!([api_ding()])))
        .await;
    assert_forbidden(
        &refused,
        "eventbridge:CreateRule",
        &rule_arn(account, BUS, "mine"),
    );
    assert!(
        message(&refused).contains("eventbridge:CreateRule"),
        "{refused:?}"
    );

    // Other writes are refused as well.
    let r = api.delete(&rule_path(BUS, "owners")).await;
    assert_forbidden(
        &r,
        "eventbridge:DeleteRule",
        &rule_arn(account, BUS, "owners"),
    );
    let r = v
        .call(
            "set_rule_enabled",
            &[("bus", BUS), ("name", "owners"), ("enabled", "false")],
        )
        .await;
    assert_forbidden(
        &r,
        "eventbridge:DisableRule",
        &rule_arn(account, BUS, "owners"),
    );

    // Reads pass.
    let listed = v.call("list_rules", &[("bus", BUS)]).await;
    assert_eq!(listed.status, StatusCode::OK, "{listed:?}");
    assert_eq!(names(&listed.json()), ["owners"]);
    let listed = api.get(&rules_path(BUS)).await;
    assert_eq!(listed.status, StatusCode::OK, "{listed:?}");
    assert_eq!(names(&listed.json()), ["owners"]);
    let targets = api
        .get(&format!("{}/targets", rule_path(BUS, "owners")))
        .await;
    assert_eq!(targets.status, StatusCode::OK, "{targets:?}");

    // Nothing was created or changed.
    let listed = owner.call("list_rules", &[("bus", BUS)]).await.json();
    assert_eq!(names(&listed), ["owners"]);
    assert_eq!(listed[0]["enabled"], true);

    let mut allowed: Vec<String> = v
        .call("allowed_actions", &[("bus", BUS)])
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    allowed.sort();
    assert_eq!(
        allowed,
        [
            "eventbridge:GetEventBus",
            "eventbridge:GetRule",
            "eventbridge:ListEventBuses",
            "eventbridge:ListRules",
            "eventbridge:ListTargets",
        ]
    );
}

// ---------------------------------------------------------------------------------------
// 3. Accounts are sealed from each other, over every management route and the console.

/// One request account B makes against account A's things.
struct Probe {
    method: Method,
    path: String,
    body: Option<Value>,
}

fn probe(method: Method, path: impl Into<String>, body: Option<Value>) -> Probe {
    Probe {
        method,
        path: path.into(),
        body,
    }
}

/// A's things that must never show in B's answers, unless B itself wrote them in its
/// request.
fn assert_no_leak(label: &str, request: &str, answer: &str, secrets: &[&str]) {
    for s in secrets {
        if request.contains(s) {
            continue;
        }
        assert!(
            !answer.contains(s),
            "{label}: the answer reveals {s:?}: {answer}"
        );
    }
}

/// A refusal by Herald itself (not a route that does not exist): 403 `forbidden` or 404
/// `not_found`.
fn assert_sealed(label: &str, r: &Reply) {
    let expected = match r.status {
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        _ => panic!("{label}: expected 403 or 404: {r:?}"),
    };
    assert_eq!(r.code(), expected, "{label}: {r:?}");
}

/// A's rule as A sees it, without the delivery counters the worker may move.
fn stable(rule: &Value) -> Value {
    let mut r = rule.clone();
    if let Some(o) = r.as_object_mut() {
        for k in ["delivered", "failed", "pending"] {
            o.remove(k);
        }
    }
    r
}

#[tokio::test]
async fn another_account_cannot_see_or_touch_anything_over_the_api_or_the_console() {
    let (app, mut a) = herald().await;
    const A_RULE: &str = "alpha-secret-rule";
    const A_DESCRIPTION: &str = "alpha private description";
    const A_CONTACT_EMAIL: &str = "alpha.oncall@example.com";
    const A_CONTACT_PHONE: &str = "+8613800001234";
    const A_CUSTOM_BUS: &str = "alpha-custom-bus";

    let (a_key, a_token) = access_key(&mut a).await;
    let a_api = Api::new(&app, &a_token);
    let a_policy = create_policy(&mut a, "AlphaPolicy", &seed_policy()).await;
    let a_user = create_user(&mut a, "alpha-user", &[a_policy]).await;
    let r = save_rule(
        &mut a,
        None,
        &ui_rule(A_RULE, A_DESCRIPTION, json!([ui_ding()])),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let a_target = r.json()["rule"]["targets"][0]["id"].as_i64().unwrap();
    let r = a
        .call(
            "create_contact",
            &[
                ("name", "Alpha Oncall"),
                ("phone", A_CONTACT_PHONE),
                ("email", A_CONTACT_EMAIL),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let a_contact = r.json()["id"].as_i64().unwrap();
    let r = a_api
        .post(
            "/api/v1/buses",
            &json!({"name": A_CUSTOM_BUS, "description": "alpha's own"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    let data = catalog::event_type("pai.dlc", "dlc:Job:Failed")
        .unwrap()
        .sample_data();
    let put = a_api
        .raw(
            Method::POST,
            &format!("/api/v1/buses/{BUS}/events"),
            "application/cloudevents+json",
            serde_json::to_vec(&json!({
                "specversion": "1.0", "id": "alpha-event-1", "source": "pai.dlc",
                "type": "dlc:Job:Failed", "time": "2025-11-07T03:19:30Z", "data": data
            }))
            .unwrap(),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{put:?}");
    let a_event = put.json()["Entries"][0]["HeraldEventId"].as_i64().unwrap();

    // What A has, before B tries anything.
    let a_rules_before: Vec<Value> = a_api
        .get(&rules_path(BUS))
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(stable)
        .collect();
    let a_contacts_before = a_api.get("/api/v1/contacts").await.json();
    let a_users_before = a.call("list_users", &[]).await.json();
    let a_policies_before = a.call("list_policies", &[]).await.json();
    let a_buses_before = a_api.get("/api/v1/buses").await.json();

    // B: another account, with a workspace, bus and role of its own.
    let mut b = app.signed_up("bravo@example.com").await;
    assert_eq!(b.create_workspace("bravo").await.status, StatusCode::OK);
    assert_eq!(
        b.call("activate_event_bridge", &[]).await.status,
        StatusCode::OK
    );
    assert_eq!(
        b.call("grant_permissions", &[]).await.status,
        StatusCode::OK
    );
    assert_ne!(account_of(&mut a).await, account_of(&mut b).await);
    let (_, b_token) = access_key(&mut b).await;
    let b_api = Api::new(&app, &b_token);
    const B_BUS: &str = "pai-system-bravo";

    let secrets = [
        A_RULE,
        A_DESCRIPTION,
        DING_TOKEN,
        DING_SECRET,
        A_CONTACT_EMAIL,
        A_CONTACT_PHONE,
        A_CUSTOM_BUS,
        "alpha-event-1",
        "Alpha Oncall",
        "AlphaPolicy",
        "alpha-user",
    ];

    let rule = rule_path(BUS, A_RULE);
    let b_rule = api_rule("bravo-rule", "bravo's", json!([]));
    let contact_body = json!({"name": "Bravo", "phone": "+8613800009999", "email": ""});
    let probes = vec![
        probe(Method::GET, format!("/api/v1/buses/{BUS}"), None),
        probe(Method::DELETE, format!("/api/v1/buses/{BUS}"), None),
        probe(Method::GET, format!("/api/v1/buses/{A_CUSTOM_BUS}"), None),
        probe(
            Method::DELETE,
            format!("/api/v1/buses/{A_CUSTOM_BUS}"),
            None,
        ),
        probe(Method::GET, rules_path(BUS), None),
        probe(Method::POST, rules_path(BUS), Some(b_rule.clone())),
        probe(Method::GET, rule.clone(), None),
        probe(Method::PUT, rule.clone(), Some(b_rule.clone())),
        probe(Method::DELETE, rule.clone(), None),
        probe(Method::POST, format!("{rule}/enable"), None),
        probe(Method::POST, format!("{rule}/disable"), None),
        probe(Method::GET, format!("{rule}/targets"), None),
        probe(
            Method::PUT,
            format!("{rule}/targets"),
            Some(
                json!({"targets": [{"kind": "wecom", "url": format!("{NOWHERE}/cgi-bin/webhook/send?key=bravo")}]}),
            ),
        ),
        probe(
            Method::DELETE,
            format!("{rule}/targets"),
            Some(json!({"ids": [a_target]})),
        ),
        probe(Method::GET, format!("/api/v1/buses/{BUS}/events"), None),
        probe(
            Method::GET,
            format!("/api/v1/buses/{BUS}/events/{a_event}"),
            None,
        ),
        // A's ids under B's own bus.
        probe(
            Method::GET,
            format!("/api/v1/buses/{B_BUS}/events/{a_event}"),
            None,
        ),
        probe(Method::GET, rule_path(B_BUS, A_RULE), None),
        probe(Method::DELETE, rule_path(B_BUS, A_RULE), None),
        probe(
            Method::DELETE,
            format!("{}/targets", rule_path(B_BUS, A_RULE)),
            Some(json!({"ids": [a_target]})),
        ),
        probe(
            Method::PUT,
            format!("/api/v1/contacts/{a_contact}"),
            Some(contact_body.clone()),
        ),
        probe(
            Method::DELETE,
            format!("/api/v1/contacts/{a_contact}"),
            None,
        ),
    ];
    for p in &probes {
        let label = format!("B's key: {} {}", p.method, p.path);
        let r = b_api.send(p.method.clone(), &p.path, p.body.as_ref()).await;
        assert_sealed(&label, &r);
        let request = format!("{} {}", p.path, p.body.clone().unwrap_or(Value::Null));
        assert_no_leak(&label, &request, &r.body, &secrets);
    }
    // PutEvents onto A's bus.
    let put = b_api
        .raw(
            Method::POST,
            &format!("/api/v1/buses/{BUS}/events"),
            "application/cloudevents+json",
            serde_json::to_vec(&json!({
                "specversion": "1.0", "id": "bravo-event-1", "source": "pai.dlc",
                "type": "dlc:Job:Failed", "time": "2025-11-07T03:19:30Z", "data": data
            }))
            .unwrap(),
        )
        .await;
    assert_sealed("B's PutEvents", &put);
    assert_no_leak("B's PutEvents", "", &put.body, &secrets);

    // B's own lists answer, without A's things.
    for path in [
        "/api/v1/buses".to_string(),
        "/api/v1/contacts".to_string(),
        rules_path(B_BUS),
        format!("/api/v1/buses/{B_BUS}/events"),
    ] {
        let r = b_api.get(&path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {r:?}");
        assert_no_leak(&path, "", &r.body, &secrets);
        assert!(!r.body.contains(BUS), "{path}: {}", r.body);
    }

    // B's console session, through the server functions.
    let a_event_s = a_event.to_string();
    let a_contact_s = a_contact.to_string();
    let a_user_s = a_user.to_string();
    let a_policy_s = a_policy.to_string();
    let a_key_s = a_key.to_string();
    let ui: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("get_rule", vec![("bus", BUS), ("name", A_RULE)]),
        ("list_rules", vec![("bus", BUS)]),
        ("get_bus_rules", vec![("bus", BUS)]),
        ("list_events", vec![("bus", BUS)]),
        ("get_event", vec![("bus", BUS), ("id", &a_event_s)]),
        ("get_event", vec![("bus", B_BUS), ("id", &a_event_s)]),
        ("delete_rule", vec![("bus", BUS), ("name", A_RULE)]),
        (
            "set_rule_enabled",
            vec![("bus", BUS), ("name", A_RULE), ("enabled", "false")],
        ),
        (
            "update_contact",
            vec![
                ("id", &a_contact_s),
                ("name", "Bravo"),
                ("phone", "+8613800009999"),
                ("email", ""),
            ],
        ),
        ("delete_contact", vec![("id", &a_contact_s)]),
        // A's RAM users, policies and keys.
        (
            "set_user_disabled",
            vec![("id", &a_user_s), ("disabled", "true")],
        ),
        (
            "reset_password",
            vec![("id", &a_user_s), ("password", "bravo-chose-this")],
        ),
        ("delete_user", vec![("id", &a_user_s)]),
        (
            "set_policy_attached",
            vec![
                ("user_id", &a_user_s),
                ("policy_id", &a_policy_s),
                ("attach", "false"),
            ],
        ),
        ("delete_policy", vec![("id", &a_policy_s)]),
        ("revoke_access_key", vec![("id", &a_key_s)]),
    ];
    for (name, form) in &ui {
        let label = format!("B's session: {name} {form:?}");
        let r = b.call(name, form).await;
        assert_sealed(&label, &r);
        assert_no_leak(&label, &format!("{form:?}"), &r.body, &secrets);
    }
    let r = b
        .call_json(
            "save_rule",
            &json!({"bus": BUS, "original": A_RULE, "rule": ui_rule(A_RULE, "bravo was here", json!([]))}),
        )
        .await;
    assert_sealed("B's save_rule", &r);
    assert_no_leak("B's save_rule", A_RULE, &r.body, &secrets);
    let r = b
        .call_json(
            "save_policy",
            &json!({"id": a_policy, "name": "AlphaPolicy", "description": "bravo's now", "document": read_only_policy()}),
        )
        .await;
    assert_sealed("B's save_policy", &r);
    assert_no_leak("B's save_policy", "AlphaPolicy", &r.body, &secrets);
    for name in ["list_users", "list_policies"] {
        let r = b.call(name, &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{name}: {r:?}");
        assert_eq!(r.json(), json!([]), "{name}");
    }
    let r = b.call_json("list_audit", &json!({"filter": {}})).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_no_leak("B's audit log", "", &r.body, &secrets);
    for (name, form) in [
        ("list_contacts", vec![]),
        ("list_rules", vec![("bus", B_BUS)]),
    ] {
        let r = b.call(name, &form).await;
        assert_eq!(r.status, StatusCode::OK, "{name}: {r:?}");
        assert_no_leak(name, "", &r.body, &secrets);
    }

    // A's things are as they were.
    let a_rules_after: Vec<Value> = a_api
        .get(&rules_path(BUS))
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(stable)
        .collect();
    assert_eq!(a_rules_after, a_rules_before);
    assert_eq!(a_rules_after[0]["enabled"], true);
    assert_eq!(a_rules_after[0]["targets"].as_array().unwrap().len(), 1);
    assert_eq!(
        a_api.get("/api/v1/contacts").await.json(),
        a_contacts_before
    );
    assert_eq!(a_api.get("/api/v1/buses").await.json(), a_buses_before);
    let event = a_api
        .get(&format!("/api/v1/buses/{BUS}/events/{a_event}"))
        .await;
    assert_eq!(event.status, StatusCode::OK, "{event:?}");
    assert_eq!(event.json()["event"]["ce_id"], "alpha-event-1");
    assert_eq!(a.call("list_users", &[]).await.json(), a_users_before);
    assert_eq!(a.call("list_policies", &[]).await.json(), a_policies_before);
    let account_a = account_of(&mut a).await;
    let r = app
        .visitor()
        .log_in(&format!("alpha-user@{account_a}"), INITIAL)
        .await;
    assert!(r.is_redirect(), "A's user keeps its password: {r:?}");
    let custom = a_api.get(&format!("/api/v1/buses/{A_CUSTOM_BUS}")).await;
    assert_eq!(custom.status, StatusCode::OK, "{custom:?}");
    // And B made nothing of its own on the way (its bravo-rule went nowhere).
    let b_rules = b_api.get(&rules_path(B_BUS)).await.json();
    assert_eq!(b_rules, json!([]));
}

// ---------------------------------------------------------------------------------------
// 4. An explicit Deny wins; account-level operations are the owner's.

#[tokio::test]
async fn an_explicit_deny_wins_and_account_operations_are_the_owners() {
    let (app, mut owner) = herald().await;
    let account = account_of(&mut owner).await;
    let full = create_policy(&mut owner, "EventBridgeFull", &seed_policy()).await;
    let deny = create_policy(
        &mut owner,
        "NoRuleDeletes",
        r#"{"Version":"1","Statement":[{"Effect":"Deny","Action":"eventbridge:DeleteRule","Resource":"*"}]}"#,
    )
    .await;
    create_user(&mut owner, "bob", &[full, deny]).await;
    let saved = save_rule(
        &mut owner,
        None,
        &ui_rule("guarded", "v1", json!([ui_ding()])),
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{saved:?}");
    let target = saved.json()["rule"]["targets"][0]["id"].as_i64().unwrap();

    let mut v = ready_user(&app, account, "bob").await;
    let (_, token) = access_key(&mut v).await;
    let api = Api::new(&app, &token);
    let arn = rule_arn(account, BUS, "guarded");

    let r = v
        .call("delete_rule", &[("bus", BUS), ("name", "guarded")])
        .await;
    assert_forbidden(&r, "eventbridge:DeleteRule", &arn);
    let r = api.delete(&rule_path(BUS, "guarded")).await;
    assert_forbidden(&r, "eventbridge:DeleteRule", &arn);

    // Updating is allowed, in the console (keeping the saved target) and over the API.
    let kept = json!([{"id": target, "config": {"kind": "dingtalk", "url": "", "secret": ""}}]);
    let r = save_rule(&mut v, Some("guarded"), &ui_rule("guarded", "v2", kept)).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json()["rule"]["description"], "v2");
    let r = api
        .put(
            &rule_path(BUS, "guarded"),
            &api_rule(
                "guarded",
                "v3",
                json!([{"id": target, "kind": "dingtalk", "url": "", "secret": ""}]),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let r = api
        .post(
            &format!("{}/disable", rule_path(BUS, "guarded")),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json()["enabled"], false);

    let rule = owner
        .call("get_rule", &[("bus", BUS), ("name", "guarded")])
        .await;
    assert_eq!(rule.status, StatusCode::OK, "{rule:?}");
    let rule = rule.json();
    assert_eq!(rule["description"], "v3");
    assert_eq!(rule["targets"][0]["id"], target);
    assert!(rule["targets"][0]["secret_masked"].is_string(), "{rule}");

    let allowed = v
        .call("allowed_actions", &[("bus", BUS), ("rule", "guarded")])
        .await
        .json();
    let allowed: Vec<&str> = allowed
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(allowed.contains(&"eventbridge:UpdateRule"), "{allowed:?}");
    assert!(!allowed.contains(&"eventbridge:DeleteRule"), "{allowed:?}");
    assert_eq!(allowed.len(), 14, "{allowed:?}");

    // Account-level operations: the owner's alone.
    let r = v
        .call(
            "create_user",
            &[
                ("login_name", "mallory"),
                ("display_name", "Mallory"),
                ("password", INITIAL),
            ],
        )
        .await;
    assert_refused(&r, "ram:CreateUser");
    let r = v
        .call_json(
            "save_policy",
            &json!({"id": null, "name": "Mine", "description": "", "document": seed_policy()}),
        )
        .await;
    assert_refused(&r, "ram:CreatePolicy");
    let r = v
        .call_json(
            "save_policy",
            &json!({"id": deny, "name": "NoRuleDeletes", "description": "", "document": seed_policy()}),
        )
        .await;
    assert_refused(&r, "ram:UpdatePolicy");
    let r = v.call_json("list_audit", &json!({"filter": {}})).await;
    assert_refused(&r, "herald:ListAuditLog");
    let r = v
        .call(
            "create_contact",
            &[
                ("name", "Bob's pal"),
                ("phone", "+8613800000077"),
                ("email", ""),
            ],
        )
        .await;
    assert_refused(&r, "herald:CreateContact");
    let r = api
        .post(
            "/api/v1/contacts",
            &json!({"name": "Bob's pal", "phone": "+8613800000077"}),
        )
        .await;
    assert_refused(&r, "herald:CreateContact");
    let r = v.call("list_users", &[]).await;
    assert_refused(&r, "ram:ListUsers");
    let r = v
        .call(
            "set_policy_attached",
            &[
                ("user_id", "1"),
                ("policy_id", &full.to_string()),
                ("attach", "true"),
            ],
        )
        .await;
    assert_refused(&r, "ram:AttachPolicyToUser");
    let r = v.create_workspace("bobs").await;
    assert_refused(&r, "herald:CreateWorkspace");
    // The policy Bob tried to widen is as it was.
    let policies = owner.call("list_policies", &[]).await.json();
    let kept = policies
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == deny)
        .unwrap();
    assert!(
        kept["document"].as_str().unwrap().contains("\"Deny\""),
        "{kept}"
    );

    // The account-wide reads stay open.
    let r = v.call("list_contacts", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let r = api.get("/api/v1/contacts").await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let r = v.call("list_workspaces", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");

    // The rule survived.
    let r = owner.call("list_rules", &[("bus", BUS)]).await.json();
    assert_eq!(names(&r), ["guarded"]);
}

// ---------------------------------------------------------------------------------------
// 5. Disabled and deleted users.

#[tokio::test]
async fn a_disabled_user_is_locked_out_until_enabled_and_a_deleted_one_for_good() {
    let (app, mut owner) = herald().await;
    let account = account_of(&mut owner).await;
    let full = create_policy(&mut owner, "EventBridgeFull", &seed_policy()).await;
    let carol = create_user(&mut owner, "carol", &[full]).await;
    let mut session = ready_user(&app, account, "carol").await;
    let (_, token) = access_key(&mut session).await;
    let api = Api::new(&app, &token);
    assert_eq!(api.get(&rules_path(BUS)).await.status, StatusCode::OK);
    let login = format!("carol@{account}");

    let r = owner
        .call(
            "set_user_disabled",
            &[("id", &carol.to_string()), ("disabled", "true")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json()["disabled"], true);

    // Login refused, the open session is anonymous, the key is refused.
    let mut fresh = app.visitor();
    let r = fresh.log_in(&login, CHANGED).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{r:?}");
    assert_eq!(fresh.call("who_am_i", &[]).await.json(), Value::Null);
    let me = session.call("who_am_i", &[]).await;
    assert_eq!(me.status, StatusCode::OK, "{me:?}");
    assert_eq!(me.json(), Value::Null, "{me:?}");
    let r = session.call("list_rules", &[("bus", BUS)]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{r:?}");
    let r = api.get(&rules_path(BUS)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{r:?}");
    let r = api
        .post(&rules_path(BUS), &api_rule("while-disabled", "", json!([])))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{r:?}");

    // Enabled again: login and key work.
    let r = owner
        .call(
            "set_user_disabled",
            &[("id", &carol.to_string()), ("disabled", "false")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let mut again = app.visitor();
    let r = again.log_in(&login, CHANGED).await;
    assert!(r.is_redirect(), "{r:?}");
    assert_eq!(r.location.as_deref(), Some("/workspaces"), "{r:?}");
    assert_eq!(
        again.call("who_am_i", &[]).await.json()["login"],
        login.as_str()
    );
    assert_eq!(api.get(&rules_path(BUS)).await.status, StatusCode::OK);

    // Deleted: the key, the session and the login are dead.
    let r = owner
        .call("delete_user", &[("id", &carol.to_string())])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let r = api.get(&rules_path(BUS)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{r:?}");
    assert_eq!(again.call("who_am_i", &[]).await.json(), Value::Null);
    let r = app.visitor().log_in(&login, CHANGED).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{r:?}");
    assert_eq!(
        owner.call("list_users", &[]).await.json(),
        json!([]),
        "the user is gone"
    );
}

// ---------------------------------------------------------------------------------------
// 6. Policy validation.

#[tokio::test]
async fn invalid_policies_are_refused_naming_the_problem_and_nothing_is_stored() {
    let (_app, mut owner) = herald().await;
    let account = account_of(&mut owner).await;
    let kept = create_policy(&mut owner, "Kept", &read_only_policy()).await;
    let before = owner.call("list_policies", &[]).await;
    assert_eq!(before.status, StatusCode::OK, "{before:?}");
    let before = before.json();
    assert_eq!(before.as_array().unwrap().len(), 1);

    let statement = |body: &str| {
        format!("{{\"Version\":\"1\",\"Statement\":[{{\"Effect\":\"Allow\",{body}}}]}}")
    };
    let cases: Vec<(&str, String, Vec<String>)> = vec![
        (
            "broken JSON",
            "{\n  \"Version\": \"1\",\n  \"Statement\": [,]\n}".to_string(),
            vec!["line 3".into(), "column 17".into(), "not valid JSON".into()],
        ),
        (
            "unknown action",
            statement(
                r#""Action":["eventbridge:GetRule","eventbridge:createrule"],"Resource":"*""#,
            ),
            vec![
                "Statement[0].Action[1]".into(),
                "unknown action \"eventbridge:createrule\"".into(),
                "eventbridge:CreateRule".into(),
            ],
        ),
        (
            "foreign region",
            statement(
                r#""Action":"eventbridge:*","Resource":"acs:eventbridge:cn-hangzhou:*:eventbus/*""#,
            ),
            vec![
                "Statement[0].Resource".into(),
                "region".into(),
                "cn-hangzhou".into(),
            ],
        ),
        (
            "another account",
            statement(&format!(
                r#""Action":"eventbridge:*","Resource":"acs:eventbridge:*:{}:eventbus/*""#,
                account + 1000
            )),
            vec!["account".into(), format!("{}", account + 1000)],
        ),
        (
            "unsupported condition key",
            statement(
                r#""Action":"eventbridge:*","Resource":"*","Condition":{"StringEquals":{"acs:SourceIp":"10.0.0.1"}}"#,
            ),
            vec![
                "unsupported condition key".into(),
                "acs:SourceIp".into(),
                "herald:Via".into(),
            ],
        ),
        (
            "unsupported operator",
            statement(
                r#""Action":"eventbridge:*","Resource":"*","Condition":{"IpAddress":{"herald:Via":"api"}}"#,
            ),
            vec!["unsupported condition operator \"IpAddress\"".into()],
        ),
    ];
    for (what, document, expected) in &cases {
        // As a new policy, and as a replacement of the stored one.
        for id in [Value::Null, json!(kept)] {
            let r = owner
                .call_json(
                    "save_policy",
                    &json!({"id": id, "name": "Broken", "description": what, "document": document}),
                )
                .await;
            assert_invalid(&r, "document");
            let m = message(&r);
            for e in expected {
                assert!(m.contains(e.as_str()), "{what}: {e:?} not in {m:?}");
            }
        }
    }
    // A bad name is the name's fault.
    let r = owner
        .call_json(
            "save_policy",
            &json!({"id": null, "name": "has spaces", "description": "", "document": seed_policy()}),
        )
        .await;
    assert_invalid(&r, "name");

    let after = owner.call("list_policies", &[]).await.json();
    assert_eq!(after, before, "nothing stored or changed");
    // A valid policy with a supported condition is taken.
    let ok = statement(
        r#""Action":"eventbridge:*","Resource":"*","Condition":{"StringEquals":{"herald:Via":"api"}}"#,
    );
    create_policy(&mut owner, "ApiOnly", &ok).await;
    assert_eq!(
        owner
            .call("list_policies", &[])
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

// ---------------------------------------------------------------------------------------
// 7. The audit log.

#[tokio::test]
async fn the_audit_log_records_logins_keys_and_rule_changes_with_secrets_masked() {
    let (app, mut owner) = herald().await;
    let account = account_of(&mut owner).await;

    let mut wrong = app.visitor();
    let r = wrong.log_in("owner@example.com", "not-my-password").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{r:?}");
    let mut owner = app.visitor();
    let r = owner
        .log_in("owner@example.com", crate::common::PASSWORD)
        .await;
    assert!(r.is_redirect(), "{r:?}");

    let (key, key_token) = access_key(&mut owner).await;
    let r = owner
        .call("revoke_access_key", &[("id", &key.to_string())])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");

    let created = save_rule(
        &mut owner,
        None,
        &ui_rule("audited", "v1", json!([ui_ding()])),
    )
    .await;
    assert_eq!(created.status, StatusCode::OK, "{created:?}");
    let target = created.json()["rule"]["targets"][0]["id"].as_i64().unwrap();
    let kept = json!([{"id": target, "config": {"kind": "dingtalk", "url": "", "secret": ""}}]);
    let updated = save_rule(&mut owner, Some("audited"), &ui_rule("audited", "v2", kept)).await;
    assert_eq!(updated.status, StatusCode::OK, "{updated:?}");

    let all = owner.call_json("list_audit", &json!({"filter": {}})).await;
    assert_eq!(all.status, StatusCode::OK, "{all:?}");
    assert!(
        !all.body.contains(DING_TOKEN),
        "the token leaked: {}",
        all.body
    );
    assert!(
        !all.body.contains(DING_SECRET),
        "the secret leaked: {}",
        all.body
    );
    assert!(
        !all.body.contains(&key_token),
        "the key leaked: {}",
        all.body
    );
    // `hk_<key_id>_<secret>`: the secret is URL-safe base64 and may hold `_` itself, so it
    // is what follows the key id, not what follows the last `_` (a short chance match).
    let (_, key_secret) = key_token
        .strip_prefix("hk_")
        .and_then(|t| t.split_once('_'))
        .unwrap();
    assert!(
        !all.body.contains(key_secret),
        "the key leaked: {}",
        all.body
    );
    let entries = all.json().as_array().unwrap().clone();
    let ids: Vec<i64> = entries.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(ids, sorted, "newest first");

    // The entries of this test, in the order they happened (the list is newest first).
    let find = |action: &str, outcome: &str| -> (usize, Value) {
        entries
            .iter()
            .enumerate()
            .find(|(_, e)| e["action"] == action && e["outcome"] == outcome)
            .map(|(i, e)| (i, e.clone()))
            .unwrap_or_else(|| panic!("no {action} {outcome} in {entries:#?}"))
    };
    let (failed_at, failed) = find("herald:Login", "failed");
    let (login_at, login) = find("herald:Login", "ok");
    let (key_at, key_entry) = find("herald:CreateAccessKey", "ok");
    let (revoke_at, _) = find("herald:DeleteAccessKey", "ok");
    let (create_at, create) = find("eventbridge:CreateRule", "ok");
    let (update_at, update) = find("eventbridge:UpdateRule", "ok");
    assert!(
        update_at < create_at
            && create_at < revoke_at
            && revoke_at < key_at
            && key_at < login_at
            && login_at < failed_at,
        "order: {entries:#?}"
    );
    assert_eq!(failed["actor"], "owner@example.com");
    assert!(failed["detail"]
        .as_str()
        .unwrap()
        .contains("wrong password"));
    assert_eq!(login["actor"], "owner@example.com");
    assert!(
        key_entry["detail"].as_str().unwrap().contains("\"ci\""),
        "{key_entry}"
    );
    assert_eq!(
        create["resource"],
        rule_arn(account, BUS, "audited"),
        "{create}"
    );
    let detail: Value = serde_json::from_str(update["detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail["before"]["description"], "v1", "{detail}");
    assert_eq!(detail["after"]["description"], "v2", "{detail}");
    let url = detail["after"]["targets"][0]["url_masked"]
        .as_str()
        .unwrap();
    assert!(
        url.starts_with(&format!("{NOWHERE}/robot/send?access_token=")),
        "{url}"
    );
    let detail: Value = serde_json::from_str(create["detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail["before"], Value::Null);
    assert_eq!(detail["after"]["name"], "audited");
    for e in &entries {
        let d = e["detail"].as_str().unwrap();
        assert!(!d.contains(DING_TOKEN) && !d.contains(DING_SECRET), "{e}");
        assert!(!d.contains(crate::common::PASSWORD), "{e}");
    }

    // Filters.
    let logins = owner
        .call_json("list_audit", &json!({"filter": {"action": "herald:Login"}}))
        .await
        .json();
    let logins = logins.as_array().unwrap();
    assert_eq!(logins.len(), 2, "{logins:#?}");
    assert!(logins.iter().all(|e| e["action"] == "herald:Login"));
    assert_eq!(logins[0]["outcome"], "ok");
    assert_eq!(logins[1]["outcome"], "failed");
    let failures = owner
        .call_json("list_audit", &json!({"filter": {"outcome": "failed"}}))
        .await
        .json();
    assert_eq!(failures.as_array().unwrap().len(), 1, "{failures:#}");
    let rules = owner
        .call_json("list_audit", &json!({"filter": {"action": "Rule"}}))
        .await
        .json();
    let rules: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["eventbridge:UpdateRule", "eventbridge:CreateRule"]);
    let page = owner
        .call_json(
            "list_audit",
            &json!({"filter": {"before_id": update["id"]}}),
        )
        .await
        .json();
    assert_eq!(page[0]["id"], create["id"], "the next page starts below");
    let r = owner
        .call_json("list_audit", &json!({"filter": {"outcome": "maybe"}}))
        .await;
    assert_invalid(&r, "outcome");

    // A RAM user may not read it, even with every EventBridge action.
    let full = create_policy(&mut owner, "EventBridgeFull", &seed_policy()).await;
    create_user(&mut owner, "dave", &[full]).await;
    let mut dave = ready_user(&app, account, "dave").await;
    let r = dave.call_json("list_audit", &json!({"filter": {}})).await;
    assert_refused(&r, "herald:ListAuditLog");
    // Its login and password change are in the owner's log, under its name.
    let dave_entries = owner
        .call_json(
            "list_audit",
            &json!({"filter": {"actor": format!("dave@{account}")}}),
        )
        .await
        .json();
    let actions: Vec<&str> = dave_entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["herald:ChangePassword", "herald:Login"]);
}

// ---------------------------------------------------------------------------------------
// 8. The OpenAPI document.

#[tokio::test]
async fn the_openapi_document_lists_every_route() {
    let app = TestApp::spawn().await;
    let res = reqwest::get(format!("{}/api/openapi.json", app.base()))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let ct = res.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ct.starts_with("application/json"), "{ct}");
    let doc: Value = res.json().await.unwrap();
    assert!(
        doc["openapi"]
            .as_str()
            .unwrap_or_default()
            .starts_with("3."),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().expect("paths");
    for (path, methods) in [
        ("/api/v1/buses", &["get", "post"][..]),
        ("/api/v1/buses/{bus}", &["get", "delete"]),
        ("/api/v1/buses/{bus}/rules", &["get", "post"]),
        (
            "/api/v1/buses/{bus}/rules/{rule}",
            &["get", "put", "delete"],
        ),
        ("/api/v1/buses/{bus}/rules/{rule}/enable", &["post"]),
        ("/api/v1/buses/{bus}/rules/{rule}/disable", &["post"]),
        (
            "/api/v1/buses/{bus}/rules/{rule}/targets",
            &["get", "put", "delete"],
        ),
        ("/api/v1/buses/{bus}/events", &["get", "post"]),
        ("/api/v1/buses/{bus}/events/{id}", &["get"]),
        ("/api/v1/contacts", &["get", "post"]),
        ("/api/v1/contacts/{id}", &["put", "delete"]),
    ] {
        for m in methods {
            assert!(
                paths.get(path).and_then(|p| p.get(*m)).is_some(),
                "{m} {path} missing from {:?}",
                paths.keys().collect::<Vec<_>>()
            );
        }
    }
    assert!(
        doc["components"]["securitySchemes"]["access_key"].is_object(),
        "{}",
        doc["components"]
    );
}

// ---------------------------------------------------------------------------------------
// 9. The management API's request validation, buses, and target operations.

#[tokio::test]
async fn the_api_validates_requests_and_manages_buses_and_targets() {
    let (app, mut owner) = herald().await;
    let (_, token) = access_key(&mut owner).await;
    let api = Api::new(&app, &token);
    let rule = api_rule("validated", "", json!([api_ding()]));

    // No key, a wrong key.
    let anonymous = Api::new(&app, "garbage");
    assert_eq!(
        anonymous.get(&rules_path(BUS)).await.status,
        StatusCode::UNAUTHORIZED
    );

    // The body: content type and JSON.
    let r = api
        .raw(
            Method::POST,
            &rules_path(BUS),
            "text/plain",
            serde_json::to_vec(&rule).unwrap(),
        )
        .await;
    assert_invalid(&r, "content-type");
    assert!(message(&r).contains("application/json"), "{r:?}");
    let r = api
        .raw(
            Method::POST,
            &rules_path(BUS),
            "",
            serde_json::to_vec(&rule).unwrap(),
        )
        .await;
    assert_invalid(&r, "content-type");
    let r = api
        .raw(
            Method::POST,
            &rules_path(BUS),
            "application/json",
            b"{\"name\": \"validated\", ".to_vec(),
        )
        .await;
    assert_invalid(&r, "body");
    let r = api.post(&rules_path(BUS), &json!({"name": "x"})).await;
    assert_invalid(&r, "body");
    // A body of the wrong shape deeper down names the path to the part at fault.
    let mut bad = rule.clone();
    bad["targets"][0]["at_mobiles"] = json!("13800000000");
    let r = api.post(&rules_path(BUS), &bad).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    assert!(
        r.json()["field"]
            .as_str()
            .is_some_and(|f| f.starts_with("targets[0]")),
        "{r:?}"
    );

    // The rule's fields.
    let mut bad = rule.clone();
    bad["source"] = json!("pai.nope");
    let r = api.post(&rules_path(BUS), &bad).await;
    assert_invalid(&r, "source");
    assert!(message(&r).contains("pai.nope"), "{r:?}");
    let mut bad = rule.clone();
    bad["types"] = json!(["dlc:Job:Exploded"]);
    let r = api.post(&rules_path(BUS), &bad).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    assert!(
        r.json()["field"]
            .as_str()
            .unwrap_or_default()
            .starts_with("types"),
        "{r:?}"
    );
    let r = api
        .post(
            &rules_path(BUS),
            &api_rule(
                "validated",
                "",
                json!([{"kind": "http", "url": format!("{NOWHERE}/hook")}]),
            ),
        )
        .await;
    assert_invalid(&r, "targets[0].kind");
    assert_eq!(
        api.get(&rules_path(BUS)).await.json(),
        json!([]),
        "nothing saved"
    );

    // Buses: the system prefix is reserved, a bus with rules is not deleted.
    let r = api
        .post("/api/v1/buses", &json!({"name": "pai-system-x"}))
        .await;
    assert_invalid(&r, "name");
    let r = api
        .post(
            "/api/v1/buses",
            &json!({"name": "custom-1", "description": "mine"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    assert_eq!(r.json()["name"], "custom-1");
    let r = api
        .post("/api/v1/buses", &json!({"name": "custom-1"}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{r:?}");
    let r = api.get("/api/v1/buses/custom-1").await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json()["description"], "mine");
    let r = api
        .post(
            &rules_path("custom-1"),
            &api_rule("on-custom", "", json!([])),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    let r = api.delete("/api/v1/buses/custom-1").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{r:?}");
    assert_eq!(r.code(), "conflict");
    let r = api.delete(&format!("/api/v1/buses/{BUS}")).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "system buses stay: {r:?}");
    let r = api.delete(&rule_path("custom-1", "on-custom")).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{r:?}");
    let r = api.delete("/api/v1/buses/custom-1").await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{r:?}");
    let r = api.get("/api/v1/buses/custom-1").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{r:?}");

    // Targets: a Model rule with a DingTalk robot; replace the list, then delete by id.
    let model = json!({
        "name": "models", "source": "pai.model", "types": ["model:ModelVersion:Approved"],
        "targets": [api_ding()],
    });
    let r = api.post(&rules_path(BUS), &model).await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    let targets_path = format!("{}/targets", rule_path(BUS, "models"));
    let listed = api.get(&targets_path).await;
    assert_eq!(listed.status, StatusCode::OK, "{listed:?}");
    let ding_id = listed.json()[0]["id"].as_i64().unwrap();

    const HOOK_TOKEN: &str = "hookTOKEN0123456789abcdefXYZ";
    let hook = format!("{NOWHERE}/hooks/{HOOK_TOKEN}");
    let r = api
        .put(
            &targets_path,
            &json!({"targets": [
                {"id": ding_id, "kind": "dingtalk", "url": "", "secret": ""},
                {"kind": "http", "url": hook},
            ]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let saved = r.json();
    let generated = saved["new_secrets"][0]["secret"]
        .as_str()
        .expect("a generated secret, shown once")
        .to_string();
    assert_eq!(saved["new_secrets"][0]["position"], 1);
    assert!(generated.starts_with("whsec_"), "{generated}");

    let listed = api.get(&targets_path).await;
    assert_eq!(listed.status, StatusCode::OK, "{listed:?}");
    for s in [DING_TOKEN, DING_SECRET, HOOK_TOKEN, generated.as_str()] {
        assert!(!listed.body.contains(s), "{s} leaked: {}", listed.body);
    }
    let targets = listed.json();
    let kinds: Vec<&str> = targets
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["dingtalk", "http"], "{targets}");
    assert_eq!(targets[0]["id"], ding_id, "the robot was kept");
    assert!(
        targets[0]["url_masked"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{NOWHERE}/robot/send?access_token=")),
        "{targets}"
    );
    assert!(
        targets[0]["secret_masked"]
            .as_str()
            .unwrap()
            .ends_with("6789"),
        "the signing key was kept: {targets}"
    );
    let http_url = targets[1]["url_masked"].as_str().unwrap();
    assert!(
        http_url.starts_with(&format!("{NOWHERE}/hooks/")) && http_url.contains("••••"),
        "{http_url}"
    );
    assert!(targets[1]["secret_masked"].is_string(), "{targets}");
    let http_id = targets[1]["id"].as_i64().unwrap();
    // The rule itself is unchanged by a target operation.
    let r = api.get(&rule_path(BUS, "models")).await.json();
    assert_eq!(r["source"], "pai.model");
    assert_eq!(r["types"], json!(["model:ModelVersion:Approved"]));

    // Delete by id: unknown ids are refused, known ones go.
    let r = api
        .send(
            Method::DELETE,
            &targets_path,
            Some(&json!({"ids": [http_id + 1000]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{r:?}");
    let r = api
        .send(Method::DELETE, &targets_path, Some(&json!({"ids": []})))
        .await;
    assert_invalid(&r, "ids");
    let r = api
        .send(
            Method::DELETE,
            &targets_path,
            Some(&json!({"ids": [ding_id]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let listed = api.get(&targets_path).await;
    let targets = listed.json();
    assert_eq!(targets.as_array().unwrap().len(), 1, "{targets}");
    assert_eq!(targets[0]["id"], http_id);
    assert_eq!(targets[0]["kind"], "http");
    assert!(!listed.body.contains(HOOK_TOKEN) && !listed.body.contains(&generated));

    // Enable / disable over the API.
    let r = api
        .post(&format!("{}/disable", rule_path(BUS, "models")), &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json()["enabled"], false);
    let r = api
        .post(&format!("{}/enable", rule_path(BUS, "models")), &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json()["enabled"], true);

    // Contacts over the API.
    let r = api
        .post(
            "/api/v1/contacts",
            &json!({"name": "Oncall", "phone": "+8613800000000"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    let id = r.json()["id"].as_i64().unwrap();
    let r = api
        .put(
            &format!("/api/v1/contacts/{id}"),
            &json!({"name": "Oncall", "phone": "+8613800000000", "email": "oncall@example.com"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json()["email"], "oncall@example.com");
    let r = api
        .post("/api/v1/contacts", &json!({"name": "Nobody"}))
        .await;
    assert_invalid(&r, "phone");
    let r = api.delete(&format!("/api/v1/contacts/{id}")).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{r:?}");
    assert_eq!(api.get("/api/v1/contacts").await.json(), json!([]));
}

// ---------------------------------------------------------------------------------------
// 10. Conditions, policy changes taking effect at once, self-service keys, resets, and the
//     owner out of reach of the user operations.

#[tokio::test]
async fn conditions_policy_changes_resets_and_keys_apply_at_once() {
    let (app, mut owner) = herald().await;
    let account = account_of(&mut owner).await;
    let (owner_key_id, owner_token) = access_key(&mut owner).await;
    let owner_id = owner.call("who_am_i", &[]).await.json()["user_id"]
        .as_i64()
        .unwrap();
    let api_only = create_policy(
        &mut owner,
        "ApiOnly",
        r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"eventbridge:*","Resource":"*","Condition":{"StringEquals":{"herald:Via":"api"}}}]}"#,
    )
    .await;
    let erin = create_user(&mut owner, "erin", &[api_only]).await;

    // A RAM login names its own account; another account's number does not work.
    let r = app
        .visitor()
        .log_in(&format!("erin@{}", account + 1), INITIAL)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{r:?}");

    let mut v = ready_user(&app, account, "erin").await;
    let (_, token) = access_key(&mut v).await;
    let api = Api::new(&app, &token);

    // `herald:Via` = api: the console is refused, the API allowed.
    let r = v.call("list_rules", &[("bus", BUS)]).await;
    assert_forbidden(
        &r,
        "eventbridge:ListRules",
        &format!("acs:eventbridge:local:{account}:eventbus/{BUS}"),
    );
    let r = api.get(&rules_path(BUS)).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let r = api
        .post(
            &rules_path(BUS),
            &api_rule("by-api", "", json!([api_ding()])),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");

    // Keys are one's own: the owner's key id is not Erin's to revoke, and the owner's
    // key still works.
    let r = v
        .call("revoke_access_key", &[("id", &owner_key_id.to_string())])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{r:?}");
    let keys = v.call("list_access_keys", &[]).await;
    assert_eq!(keys.status, StatusCode::OK, "{keys:?}");
    assert_eq!(keys.json().as_array().unwrap().len(), 1, "{keys:?}");
    assert_eq!(
        Api::new(&app, &owner_token)
            .get(&rules_path(BUS))
            .await
            .status,
        StatusCode::OK
    );

    // Detaching takes effect at the next request of the live key.
    let r = owner
        .call(
            "set_policy_attached",
            &[
                ("user_id", &erin.to_string()),
                ("policy_id", &api_only.to_string()),
                ("attach", "false"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json()["policies"], json!([]));
    let r = api.get(&rules_path(BUS)).await;
    assert_forbidden(
        &r,
        "eventbridge:ListRules",
        &format!("acs:eventbridge:local:{account}:eventbus/{BUS}"),
    );
    // So does editing an attached policy.
    let r = owner
        .call(
            "set_policy_attached",
            &[
                ("user_id", &erin.to_string()),
                ("policy_id", &api_only.to_string()),
                ("attach", "true"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(api.get(&rules_path(BUS)).await.status, StatusCode::OK);
    let r = owner
        .call_json(
            "save_policy",
            &json!({"id": api_only, "name": "ApiOnly", "description": "now read only", "document": read_only_policy()}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json()["attached"], 1, "{r:?}");
    assert_eq!(
        v.call("list_rules", &[("bus", BUS)]).await.status,
        StatusCode::OK,
        "read-only has no condition"
    );
    let r = api.delete(&rule_path(BUS, "by-api")).await;
    assert_forbidden(
        &r,
        "eventbridge:DeleteRule",
        &rule_arn(account, BUS, "by-api"),
    );
    // Deleting the policy detaches it.
    let r = owner
        .call("delete_policy", &[("id", &api_only.to_string())])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(
        api.get(&rules_path(BUS)).await.status,
        StatusCode::FORBIDDEN
    );

    // A reset password must be changed again before anything else, key included.
    let r = owner
        .call(
            "reset_password",
            &[("id", &erin.to_string()), ("password", "another-initial-3")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json()["must_change_password"], true);
    let r = api.get(&rules_path(BUS)).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{r:?}");
    let mut again = app.visitor();
    let r = again
        .log_in(&format!("erin@{account}"), "another-initial-3")
        .await;
    assert_eq!(r.location.as_deref(), Some("/password"), "{r:?}");
    let r = app
        .visitor()
        .log_in(&format!("erin@{account}"), CHANGED)
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "the old password is gone"
    );

    // The owner is not a RAM user: the user operations do not reach it.
    for (name, form) in [
        (
            "set_user_disabled",
            vec![("id", owner_id.to_string()), ("disabled", "true".into())],
        ),
        (
            "reset_password",
            vec![
                ("id", owner_id.to_string()),
                ("password", "hijacked-pass-9".into()),
            ],
        ),
        ("delete_user", vec![("id", owner_id.to_string())]),
    ] {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = owner.call(name, &form).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{name}: {r:?}");
    }
    let mut back = app.visitor();
    let r = back
        .log_in("owner@example.com", crate::common::PASSWORD)
        .await;
    assert!(r.is_redirect(), "the owner is untouched: {r:?}");

    // The log has the user, policy and password changes, and no password.
    let log = owner.call_json("list_audit", &json!({"filter": {}})).await;
    assert_eq!(log.status, StatusCode::OK, "{log:?}");
    for p in [
        INITIAL,
        CHANGED,
        "another-initial-3",
        crate::common::PASSWORD,
    ] {
        assert!(!log.body.contains(p), "{p} in the audit log: {}", log.body);
    }
    let actions: Vec<String> = log
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    for a in [
        "ram:CreateUser",
        "ram:CreatePolicy",
        "ram:UpdatePolicy",
        "ram:DeletePolicy",
        "ram:AttachPolicyToUser",
        "ram:DetachPolicyFromUser",
        "ram:ResetPassword",
        "herald:ChangePassword",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} missing: {actions:?}");
    }
}

// ---------------------------------------------------------------------------------------
// 11. A RAM user who asked for more quota can still be deleted.

#[tokio::test]
async fn a_user_who_filed_a_quota_request_can_be_deleted() {
    let (app, mut owner) = herald().await;
    let account = account_of(&mut owner).await;
    let full = create_policy(&mut owner, "EventBridgeFull", &seed_policy()).await;
    let frank = create_user(&mut owner, "frank", &[full]).await;
    let mut v = ready_user(&app, account, "frank").await;
    let (_, token) = access_key(&mut v).await;
    let r = save_rule(&mut v, None, &ui_rule("paging", "", json!([ui_ding()]))).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let r = v
        .call(
            "request_quota",
            &[
                ("bus", BUS),
                ("name", "paging"),
                ("requested", "8"),
                ("reason", "the whole on-call team"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");

    // The request outlives its author (migration 0008: ON DELETE SET NULL).
    let r = owner
        .call("delete_user", &[("id", &frank.to_string())])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(owner.call("list_users", &[]).await.json(), json!([]));
    assert_eq!(
        Api::new(&app, &token).get(&rules_path(BUS)).await.status,
        StatusCode::UNAUTHORIZED
    );
    // The rule and the request stay with the account.
    let requests = owner.call("list_quota_requests", &[]).await;
    assert_eq!(requests.status, StatusCode::OK, "{requests:?}");
    assert_eq!(requests.json().as_array().unwrap().len(), 1, "{requests:?}");
}

// ---------------------------------------------------------------------------------------
// 12. A deleted user's session stays dead, whoever is created after it.

#[tokio::test]
async fn a_deleted_users_session_does_not_come_back_as_the_next_user_of_the_account() {
    let (app, mut owner) = herald().await;
    let account = account_of(&mut owner).await;
    let full = create_policy(&mut owner, "EventBridgeFull", &seed_policy()).await;
    let mallory = create_user(&mut owner, "mallory", &[full]).await;
    let mut stale = ready_user(&app, account, "mallory").await;
    assert_eq!(
        stale.call("who_am_i", &[]).await.json()["login"],
        format!("mallory@{account}")
    );
    let r = owner
        .call("delete_user", &[("id", &mallory.to_string())])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(stale.call("who_am_i", &[]).await.json(), Value::Null);

    // The next user of the account, with its own password.
    let trusted = create_user(&mut owner, "trusted", &[full]).await;
    ready_user(&app, account, "trusted").await;

    // SQLite hands the deleted user's id (the largest) to the next user; the session's
    // nonce keeps the deleted user's browser from being signed in as the new user.
    let me = stale.call("who_am_i", &[]).await;
    assert_eq!(
        me.json(),
        Value::Null,
        "mallory's old session (user {mallory}) is now user {trusted}: {me:?}"
    );
    let r = stale.call("list_rules", &[("bus", BUS)]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{r:?}");
}

#[tokio::test]
async fn a_deleted_users_session_does_not_come_back_as_the_owner_of_a_new_account() {
    let (app, mut owner) = herald().await;
    let account = account_of(&mut owner).await;
    let temp = create_user(&mut owner, "temp", &[]).await;
    let mut stale = ready_user(&app, account, "temp").await;
    let r = owner
        .call("delete_user", &[("id", &temp.to_string())])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(stale.call("who_am_i", &[]).await.json(), Value::Null);

    // A stranger signs up: a new account, whose owner is the next user row.
    let mut stranger = app.team_owner("stranger@example.com", true).await;
    let r = save_rule(
        &mut stranger,
        None,
        &ui_rule("strangers-rule", "", json!([ui_ding()])),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");

    // The same id reuse across accounts: the deleted RAM user's browser must not be signed
    // in as the owner of another account.
    let me = stale.call("who_am_i", &[]).await;
    assert_eq!(me.json(), Value::Null, "{me:?}");
    let r = stale.call("list_rules", &[("bus", BUS)]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{r:?}");
    assert!(!r.body.contains("strangers-rule"), "{r:?}");
}

// ---------------------------------------------------------------------------------------
// 13. Review fixes: logins throttled and audited under their canonical name, disabled users
//     answered like wrong passwords, the enabled state and renames guarded, contact uses
//     the owner's, enable answers without GetRule, password changes throttled, empty ARN
//     parts refused.

/// The owner attaches `policy` to `user`.
async fn attach(owner: &mut Visitor, user: i64, policy: i64) {
    let r = owner
        .call(
            "set_policy_attached",
            &[
                ("user_id", &user.to_string()),
                ("policy_id", &policy.to_string()),
                ("attach", "true"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
}

/// A policy of one statement.
fn one_statement(effect: &str, actions: &[&str], resource: &str) -> String {
    json!({
        "Version": "1",
        "Statement": [{"Effect": effect, "Action": actions, "Resource": resource}]
    })
    .to_string()
}

/// The owner's audit entries for `action`, newest first.
async fn audit_of(owner: &mut Visitor, action: &str) -> Vec<Value> {
    let r = owner
        .call_json("list_audit", &json!({"filter": {"action": action}}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    r.json().as_array().unwrap().clone()
}

/// The `reason` in an audit entry's detail.
fn reason_of(entry: &Value) -> String {
    let detail: Value = serde_json::from_str(entry["detail"].as_str().unwrap()).unwrap();
    detail["reason"].as_str().unwrap_or_default().to_string()
}

/// A saved target kept as it is, in the console's form and the API's.
fn ui_kept(id: i64) -> Value {
    json!({"id": id, "config": {"kind": "dingtalk", "url": "", "secret": ""}})
}

fn api_kept(id: i64) -> Value {
    json!({"id": id, "kind": "dingtalk", "url": "", "secret": ""})
}

/// The owner saves `rule` (with a DingTalk robot); returns the robot's target id.
async fn owner_rule(owner: &mut Visitor, name: &str, description: &str) -> i64 {
    let r = save_rule(owner, None, &ui_rule(name, description, json!([ui_ding()]))).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    r.json()["rule"]["targets"][0]["id"].as_i64().unwrap()
}

async fn set_enabled(v: &mut Visitor, name: &str, enabled: bool) -> Reply {
    v.call(
        "set_rule_enabled",
        &[
            ("bus", BUS),
            ("name", name),
            ("enabled", if enabled { "true" } else { "false" }),
        ],
    )
    .await
}

async fn get_rule(v: &mut Visitor, name: &str) -> Value {
    let r = v.call("get_rule", &[("bus", BUS), ("name", name)]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    r.json()
}

const GENERIC_LOGIN_FAILURE: &str = "Login or password is incorrect.";

#[tokio::test]
async fn ram_logins_are_throttled_and_audited_under_their_canonical_spelling() {
    let (app, mut owner) = herald().await;
    let account = account_of(&mut owner).await;
    create_user(&mut owner, "alice", &[]).await;
    let canonical = format!("alice@{account}");

    // Five wrong passwords, each spelled differently; all the same user.
    let spellings = [
        format!("alice@{account}"),
        format!("ALICE@{account}"),
        format!("alice@0{account}"),
        format!("Alice@00{account}"),
        format!("aLiCe@000{account}"),
    ];
    for (i, login) in spellings.iter().enumerate() {
        let r = app.visitor().log_in(login, "not-the-password").await;
        if i < 4 {
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{login}: {r:?}");
            assert_eq!(message(&r), GENERIC_LOGIN_FAILURE, "{login}: {r:?}");
        } else {
            assert!(
                r.status == StatusCode::UNAUTHORIZED || r.status == StatusCode::TOO_MANY_REQUESTS,
                "{login}: {r:?}"
            );
        }
    }
    // The sixth, right password and yet another spelling: locked.
    let mut v = app.visitor();
    let r = v.log_in(&format!("ALICE@0000{account}"), INITIAL).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{r:?}");
    assert_eq!(r.code(), "too_many_requests", "{r:?}");
    assert_eq!(v.call("who_am_i", &[]).await.json(), Value::Null);
    let r = app.visitor().log_in(&canonical, INITIAL).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{r:?}");

    // Not a login name at all: refused, and nothing of it reaches the log.
    let before = audit_of(&mut owner, "herald:Login").await;
    let r = app
        .visitor()
        .log_in(&format!("x y<script>@{account}"), "whatever-password")
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{r:?}");
    assert_eq!(message(&r), GENERIC_LOGIN_FAILURE, "{r:?}");
    let after = audit_of(&mut owner, "herald:Login").await;
    assert_eq!(after, before, "an invalid login name was audited");
    let all = owner.call_json("list_audit", &json!({"filter": {}})).await;
    assert!(!all.body.contains("<script>"), "{}", all.body);

    // The failed logins are in the log under the canonical name, never the typed one:
    // one entry counting the five (repeats within the hour share it).
    let failed: Vec<&Value> = after.iter().filter(|e| e["outcome"] == "failed").collect();
    assert_eq!(failed.len(), 1, "{after:#?}");
    assert_eq!(failed[0]["count"], 5, "{after:#?}");
    for e in &failed {
        assert_eq!(reason_of(e), "wrong password", "{e}");
        // Audited under the canonical `alice@<acct>`, whatever spelling was typed.
        assert_eq!(
            e["actor"],
            canonical.as_str(),
            "typed spelling audited: {e}"
        );
    }
}

#[tokio::test]
async fn a_disabled_users_right_password_gets_the_same_answer_as_a_wrong_one() {
    let (app, mut owner) = herald().await;
    let account = account_of(&mut owner).await;
    let dora = create_user(&mut owner, "dora", &[]).await;
    ready_user(&app, account, "dora").await;
    let login = format!("dora@{account}");
    let r = owner
        .call(
            "set_user_disabled",
            &[("id", &dora.to_string()), ("disabled", "true")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");

    let wrong = app.visitor().log_in(&login, "not-the-password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{wrong:?}");
    assert_eq!(message(&wrong), GENERIC_LOGIN_FAILURE, "{wrong:?}");
    let mut v = app.visitor();
    let right = v.log_in(&login, CHANGED).await;
    assert_eq!(right.status, StatusCode::UNAUTHORIZED, "{right:?}");
    assert_eq!(v.call("who_am_i", &[]).await.json(), Value::Null);

    // The owner's log says why.
    let entries = audit_of(&mut owner, "herald:Login").await;
    let disabled = entries
        .iter()
        .find(|e| e["outcome"] == "failed" && reason_of(e) == "user disabled")
        .unwrap_or_else(|| panic!("no 'user disabled' entry: {entries:#?}"));
    assert_eq!(disabled["actor"], login.as_str(), "{disabled}");
    assert!(
        entries
            .iter()
            .any(|e| e["outcome"] == "failed" && reason_of(e) == "wrong password"),
        "{entries:#?}"
    );

    // The right password of a disabled user must not be told apart from a wrong one.
    assert_eq!(
        message(&right),
        GENERIC_LOGIN_FAILURE,
        "a disabled user's right password is told apart: {right:?}"
    );
    assert_eq!(right.body, wrong.body);
}

#[tokio::test]
async fn update_rule_cannot_flip_the_enabled_state_without_enable_rule() {
    let (app, mut owner) = herald().await;
    let account = account_of(&mut owner).await;
    let full = create_policy(&mut owner, "EventBridgeFull", &seed_policy()).await;
    let no_enable = create_policy(
        &mut owner,
        "NoEnable",
        &one_statement(
            "Deny",
            &["eventbridge:EnableRule"],
            &format!("acs:eventbridge:*:*:eventbus/{BUS}/rule/*"),
        ),
    )
    .await;
    create_user(&mut owner, "gina", &[full, no_enable]).await;
    let target = owner_rule(&mut owner, "paging", "v1").await;
    let r = set_enabled(&mut owner, "paging", false).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json()["enabled"], false);

    let mut v = ready_user(&app, account, "gina").await;
    let (_, token) = access_key(&mut v).await;
    let api = Api::new(&app, &token);
    let arn = rule_arn(account, BUS, "paging");

    // A PUT saying enabled: true needs EnableRule.
    let mut body = api_rule("paging", "v2", json!([api_kept(target)]));
    body["enabled"] = json!(true);
    let r = api.put(&rule_path(BUS, "paging"), &body).await;
    assert_forbidden(&r, "eventbridge:EnableRule", &arn);
    let rule = get_rule(&mut owner, "paging").await;
    assert_eq!(rule["enabled"], false, "{rule}");
    assert_eq!(rule["description"], "v1", "{rule}");

    // The same PUT without `enabled` keeps the state.
    body.as_object_mut().unwrap().remove("enabled");
    let r = api.put(&rule_path(BUS, "paging"), &body).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json()["rule"]["enabled"], false, "{r:?}");
    assert_eq!(r.json()["rule"]["description"], "v2", "{r:?}");
    let rule = get_rule(&mut owner, "paging").await;
    assert_eq!(rule["enabled"], false, "{rule}");
    assert_eq!(rule["description"], "v2", "{rule}");
    assert_eq!(rule["targets"][0]["id"], target, "{rule}");

    // The console's save_rule: enabled = true is refused, the unchanged state passes.
    let r = save_rule(
        &mut v,
        Some("paging"),
        &ui_rule("paging", "v3", json!([ui_kept(target)])),
    )
    .await;
    assert_forbidden(&r, "eventbridge:EnableRule", &arn);
    let mut disabled = ui_rule("paging", "v3", json!([ui_kept(target)]));
    disabled["enabled"] = json!(false);
    let r = save_rule(&mut v, Some("paging"), &disabled).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let rule = get_rule(&mut owner, "paging").await;
    assert_eq!(rule["enabled"], false, "{rule}");
    assert_eq!(rule["description"], "v3", "{rule}");
}

#[tokio::test]
async fn renaming_a_rule_needs_delete_rule_on_the_old_name() {
    let (app, mut owner) = herald().await;
    let account = account_of(&mut owner).await;
    let full = create_policy(&mut owner, "EventBridgeFull", &seed_policy()).await;
    let keep = create_policy(
        &mut owner,
        "KeepCritical",
        &one_statement(
            "Deny",
            &["eventbridge:DeleteRule"],
            &format!("acs:eventbridge:*:*:eventbus/{BUS}/rule/critical"),
        ),
    )
    .await;
    create_user(&mut owner, "hank", &[full, keep]).await;
    let critical = owner_rule(&mut owner, "critical", "v1").await;
    let other = owner_rule(&mut owner, "other", "v1").await;

    let mut v = ready_user(&app, account, "hank").await;
    let (_, token) = access_key(&mut v).await;
    let api = Api::new(&app, &token);

    let r = api
        .put(
            &rule_path(BUS, "critical"),
            &api_rule("tmp", "renamed", json!([api_kept(critical)])),
        )
        .await;
    assert_forbidden(
        &r,
        "eventbridge:DeleteRule",
        &rule_arn(account, BUS, "critical"),
    );
    let r = save_rule(
        &mut v,
        Some("critical"),
        &ui_rule("tmp", "renamed", json!([ui_kept(critical)])),
    )
    .await;
    assert_forbidden(
        &r,
        "eventbridge:DeleteRule",
        &rule_arn(account, BUS, "critical"),
    );
    let mut listed = names(&owner.call("list_rules", &[("bus", BUS)]).await.json());
    listed.sort();
    assert_eq!(listed, ["critical", "other"]);
    assert_eq!(get_rule(&mut owner, "critical").await["description"], "v1");

    // Updating it under its name is still allowed, and so is renaming another rule.
    let r = api
        .put(
            &rule_path(BUS, "critical"),
            &api_rule("critical", "v2", json!([api_kept(critical)])),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let r = api
        .put(
            &rule_path(BUS, "other"),
            &api_rule("other-renamed", "v2", json!([api_kept(other)])),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let mut listed = names(&owner.call("list_rules", &[("bus", BUS)]).await.json());
    listed.sort();
    assert_eq!(listed, ["critical", "other-renamed"]);
}

#[tokio::test]
async fn contact_uses_are_the_owners_but_contacts_are_listed_to_every_user() {
    let (app, mut owner) = herald().await;
    let account = account_of(&mut owner).await;
    let r = owner
        .call(
            "create_contact",
            &[
                ("name", "Oncall"),
                ("phone", "+8613800000001"),
                ("email", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let contact = r.json()["id"].as_i64().unwrap();
    let r = save_rule(
        &mut owner,
        None,
        &ui_rule(
            "hidden-paging",
            "",
            json!([{"config": {"kind": "sms", "contacts": [contact]}}]),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let full = create_policy(&mut owner, "EventBridgeFull", &seed_policy()).await;
    create_user(&mut owner, "ivan", &[full]).await;
    let mut v = ready_user(&app, account, "ivan").await;

    let id = contact.to_string();
    let r = v.call("contact_uses", &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{r:?}");
    assert_eq!(r.code(), "forbidden", "{r:?}");
    assert!(!r.body.contains("hidden-paging"), "{r:?}");

    let r = owner.call("contact_uses", &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(
        r.json(),
        json!([{"bus": BUS, "rule": "hidden-paging", "kind": "sms", "removes_target": true}])
    );

    let r = v.call("list_contacts", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let listed = r.json();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["name"], "Oncall", "{listed}");
}

#[tokio::test]
async fn enabling_without_get_rule_answers_the_state_without_targets_or_pattern() {
    let (app, mut owner) = herald().await;
    let account = account_of(&mut owner).await;
    let toggle = create_policy(
        &mut owner,
        "ToggleOnly",
        &one_statement(
            "Allow",
            &["eventbridge:EnableRule", "eventbridge:DisableRule"],
            "acs:eventbridge:*:*:eventbus/*",
        ),
    )
    .await;
    let read = create_policy(
        &mut owner,
        "GetRule",
        &one_statement(
            "Allow",
            &["eventbridge:GetRule", "eventbridge:ListTargets"],
            "acs:eventbridge:*:*:eventbus/*",
        ),
    )
    .await;
    let jack = create_user(&mut owner, "jack", &[toggle]).await;
    let mut rule = ui_rule("paging", "private description", json!([ui_ding()]));
    rule["pattern"] = json!(r#"{"job":{"name":[{"prefix":"nightly-"}]}}"#);
    let r = save_rule(&mut owner, None, &rule).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_ne!(r.json()["rule"]["pattern"], "", "{r:?}");
    let r = set_enabled(&mut owner, "paging", false).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");

    let mut v = ready_user(&app, account, "jack").await;
    let (_, token) = access_key(&mut v).await;
    let api = Api::new(&app, &token);
    let enable = format!("{}/enable", rule_path(BUS, "paging"));
    let disable = format!("{}/disable", rule_path(BUS, "paging"));
    assert_refused(
        &api.get(&rule_path(BUS, "paging")).await,
        "eventbridge:GetRule",
    );

    let r = api.post(&enable, &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let answer = r.json();
    assert_eq!(answer["enabled"], true, "{answer}");
    assert_eq!(answer["targets"], json!([]), "{answer}");
    assert_eq!(answer["pattern"], "", "{answer}");
    for s in [DING_TOKEN, DING_SECRET, "nightly-", "private description"] {
        assert!(!r.body.contains(s), "{s} in {}", r.body);
    }
    assert_eq!(get_rule(&mut owner, "paging").await["enabled"], true);
    // The console's set_rule_enabled answers the same.
    let r = set_enabled(&mut v, "paging", false).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json()["enabled"], false, "{r:?}");
    assert_eq!(r.json()["targets"], json!([]), "{r:?}");
    assert_eq!(r.json()["pattern"], "", "{r:?}");

    // With GetRule (and ListTargets, for the targets) the answer is the whole rule, targets
    // masked.
    attach(&mut owner, jack, read).await;
    let r = api.post(&disable, &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let r = api.post(&enable, &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let answer = r.json();
    assert_eq!(answer["enabled"], true, "{answer}");
    assert_ne!(answer["pattern"], "", "{answer}");
    let targets = answer["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 1, "{answer}");
    assert_eq!(targets[0]["kind"], "dingtalk", "{answer}");
    assert!(
        targets[0]["url_masked"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{NOWHERE}/robot/send?access_token=")),
        "{answer}"
    );
    assert!(
        !r.body.contains(DING_TOKEN) && !r.body.contains(DING_SECRET),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn password_changes_are_throttled_without_ending_the_session() {
    let (app, mut owner) = herald().await;
    let account = account_of(&mut owner).await;
    let full = create_policy(&mut owner, "EventBridgeFull", &seed_policy()).await;
    create_user(&mut owner, "kate", &[full]).await;
    let mut v = ready_user(&app, account, "kate").await;

    for i in 0..5 {
        let r = v
            .call(
                "change_password",
                &[
                    ("current", "wrong-password-0"),
                    ("password", "third-password-3"),
                ],
            )
            .await;
        if i < 4 {
            assert_invalid(&r, "current");
        } else {
            assert!(
                r.status == StatusCode::BAD_REQUEST || r.status == StatusCode::TOO_MANY_REQUESTS,
                "{r:?}"
            );
        }
    }
    let r = v
        .call(
            "change_password",
            &[("current", CHANGED), ("password", "third-password-3")],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{r:?}");
    assert_eq!(r.code(), "too_many_requests", "{r:?}");

    // The session goes on; the password is the one it was.
    let me = v.call("who_am_i", &[]).await.json();
    assert_eq!(me["login"], format!("kate@{account}"), "{me}");
    let r = v.call("list_rules", &[("bus", BUS)]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let r = save_rule(&mut v, None, &ui_rule("after-lock", "", json!([ui_ding()]))).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let r = app
        .visitor()
        .log_in(&format!("kate@{account}"), CHANGED)
        .await;
    assert!(r.is_redirect(), "{r:?}");
    let r = app
        .visitor()
        .log_in(&format!("kate@{account}"), "third-password-3")
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{r:?}");
}

#[tokio::test]
async fn anonymous_logins_cannot_lock_a_users_password_change() {
    let (app, mut owner) = herald().await;
    let account = account_of(&mut owner).await;
    let lena = create_user(&mut owner, "lena", &[]).await;
    let mut v = app.visitor();
    let r = v.log_in(&format!("lena@{account}"), INITIAL).await;
    assert_eq!(r.location.as_deref(), Some("/password"), "{r:?}");

    // Someone who knows (or counts up to) the user's id fails five logins under the name
    // the password-change throttle uses.
    let name = format!("password-change:{lena}");
    for _ in 0..6 {
        let r = app.visitor().log_in(&name, "whatever-password").await;
        assert!(
            r.status == StatusCode::UNAUTHORIZED || r.status == StatusCode::TOO_MANY_REQUESTS,
            "{r:?}"
        );
    }

    // Password changes and logins share the failure table: anonymous logins typed as a
    // password change's key must not lock that change (a new RAM user could then do
    // nothing at all).
    let r = v
        .call(
            "change_password",
            &[("current", INITIAL), ("password", CHANGED)],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "locked by anonymous logins: {r:?}"
    );
}

#[tokio::test]
async fn a_resource_with_an_empty_region_or_account_is_refused() {
    let (_app, mut owner) = herald().await;
    let account = account_of(&mut owner).await;
    let kept = create_policy(&mut owner, "Kept", &read_only_policy()).await;
    let before = owner.call("list_policies", &[]).await.json();
    for resource in [
        format!("acs:eventbridge::{account}:eventbus/x"),
        "acs:eventbridge:*::eventbus/x".to_string(),
        "acs:eventbridge:::eventbus/*".to_string(),
    ] {
        let document = one_statement("Allow", &["eventbridge:*"], &resource);
        for id in [Value::Null, json!(kept)] {
            let r = owner
                .call_json(
                    "save_policy",
                    &json!({"id": id, "name": "Empty", "description": "", "document": document}),
                )
                .await;
            assert_invalid(&r, "document");
            assert!(
                message(&r).contains("may not be empty"),
                "{resource}: {r:?}"
            );
        }
    }
    assert_eq!(owner.call("list_policies", &[]).await.json(), before);
}

/// A stored policy that stops parsing (changed under Herald, or by a stricter release) may
/// have held a Deny: the user then gets nothing from any of its policies.
#[tokio::test]
async fn a_policy_that_no_longer_parses_grants_nothing() {
    let (app, mut owner) = herald().await;
    let account = account_of(&mut owner).await;
    let full = create_policy(&mut owner, "full", &seed_policy()).await;
    let deny = create_policy(
        &mut owner,
        "no-delete",
        &one_statement("Deny", &["eventbridge:DeleteRule"], "*"),
    )
    .await;
    create_user(&mut owner, "carol", &[full, deny]).await;
    let mut carol = ready_user(&app, account, "carol").await;
    let r = carol.call("list_rules", &[("bus", BUS)]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");

    // Break the Deny policy behind Herald's back.
    let pool = crate::common::read_db(&app.url).await;
    sqlx::query(
        "UPDATE policies SET document = '{\"Version\": \"1\", \"Statement\": [' WHERE id = $1",
    )
    .bind(deny)
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;

    // Not "the seed policy alone": nothing from policies at all.
    let r = carol.call("list_rules", &[("bus", BUS)]).await;
    assert_forbidden(
        &r,
        "eventbridge:ListRules",
        &format!("acs:eventbridge:local:{account}:eventbus/{BUS}"),
    );
    // The account-wide reads stay open.
    let r = carol.call("list_contacts", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
}

/// A path under `/api/v1/` that is no route answers JSON, like every other API error.
#[tokio::test]
async fn an_unknown_api_route_is_a_json_404() {
    let (app, _owner) = herald().await;
    let r = reqwest::Client::new()
        .get(format!("{}/api/v1/buses/{BUS}/nothing-here", app.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "not_found", "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("/api/v1/buses/"),
        "{body}"
    );
}

/// The owner's event through "Send test event" (DLC job failed, matched by `ui_rule`s);
/// its id, once every delivery has been tried at least once.
async fn tried_event(owner: &mut Visitor) -> i64 {
    let data = catalog::event_type("pai.dlc", "dlc:Job:Failed")
        .unwrap()
        .sample_data()
        .to_string();
    let r = owner
        .call(
            "send_test_event",
            &[
                ("bus", BUS),
                ("source", "pai.dlc"),
                ("event_type", "dlc:Job:Failed"),
                ("data", &data),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let id = r.json().as_i64().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let r = owner
            .call("get_event", &[("bus", BUS), ("id", &id.to_string())])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        let ds = r.json()["deliveries"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if !ds.is_empty()
            && ds
                .iter()
                .all(|d| !d["attempts"].as_array().unwrap().is_empty())
        {
            return id;
        }
        assert!(std::time::Instant::now() < deadline, "no attempts: {ds:?}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The deliveries of event `id` as `v` reads it, by rule name.
async fn deliveries_by_rule(v: &mut Visitor, id: i64) -> std::collections::HashMap<String, Value> {
    let r = v
        .call("get_event", &[("bus", BUS), ("id", &id.to_string())])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    r.json()["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule"].as_str().unwrap().to_string(), d.clone()))
        .collect()
}

#[tokio::test]
async fn reads_obey_deny_rules_list_as_names_only_and_events_hide_denied_rules_attempts() {
    let (app, mut owner) = herald().await;
    let account = account_of(&mut owner).await;
    owner_rule(&mut owner, "open-rule", "open description").await;
    owner_rule(&mut owner, "guarded", "guarded description").await;
    let event = tried_event(&mut owner).await;

    // Allow ListRules, Deny GetRule and ListTargets: the list names the rules, nothing more.
    let list_only = create_policy(
        &mut owner,
        "ListOnly",
        &json!({"Version": "1", "Statement": [
            {"Effect": "Allow", "Action": ["eventbridge:ListRules", "eventbridge:GetEventBus"], "Resource": "*"},
            {"Effect": "Deny", "Action": ["eventbridge:GetRule", "eventbridge:ListTargets"], "Resource": "*"},
        ]})
        .to_string(),
    )
    .await;
    create_user(&mut owner, "lister", &[list_only]).await;
    let mut lister = ready_user(&app, account, "lister").await;
    let (_, token) = access_key(&mut lister).await;
    let api = Api::new(&app, &token);
    let console = lister.call("list_rules", &[("bus", BUS)]).await;
    assert_eq!(console.status, StatusCode::OK, "{console:?}");
    let rest = api.get(&rules_path(BUS)).await;
    assert_eq!(rest.status, StatusCode::OK, "{rest:?}");
    for (via, list) in [("console", console.json()), ("api", rest.json())] {
        let mut got = names(&list);
        got.sort();
        assert_eq!(got, ["guarded", "open-rule"], "{via}: {list}");
        let text = list.to_string();
        for hidden in [
            "nightly-",
            "dlc:Job:Failed",
            "open description",
            "guarded description",
            "127.0.0.1",
            "dingtalk",
        ] {
            assert!(!text.contains(hidden), "{via} shows {hidden:?}: {list}");
        }
        for rule in list.as_array().unwrap() {
            assert_eq!(rule["targets"], json!([]), "{via}: {rule}");
            assert_eq!(rule["pattern"], "", "{via}: {rule}");
            assert_eq!(rule["definition_hidden"], true, "{via}: {rule}");
            assert_eq!(rule["targets_hidden"], true, "{via}: {rule}");
        }
    }
    // The event: the deliveries' rules and states, no attempts of either rule.
    let ds = deliveries_by_rule(&mut lister, event).await;
    assert_eq!(ds.len(), 2, "{ds:?}");
    for d in ds.values() {
        assert_eq!(d["attempts"], json!([]), "{d}");
        assert_eq!(d["hidden"], true, "{d}");
        assert!(!d.to_string().contains("127.0.0.1"), "{d}");
    }

    // Full rights but GetRule denied on one rule, or ListTargets: that rule's attempts are
    // hidden, the other's shown.
    let full = create_policy(&mut owner, "Full", &seed_policy()).await;
    let guarded = rule_arn(account, BUS, "guarded");
    for (login, denied) in [
        ("no-get", "eventbridge:GetRule"),
        ("no-targets", "eventbridge:ListTargets"),
    ] {
        let deny = create_policy(
            &mut owner,
            &format!("Deny-{login}"),
            &one_statement("Deny", &[denied], &guarded),
        )
        .await;
        create_user(&mut owner, login, &[full, deny]).await;
        let mut v = ready_user(&app, account, login).await;
        let ds = deliveries_by_rule(&mut v, event).await;
        assert_eq!(ds["guarded"]["attempts"], json!([]), "{login}: {ds:?}");
        assert_eq!(ds["guarded"]["hidden"], true, "{login}: {ds:?}");
        assert!(
            !ds["guarded"].to_string().contains("127.0.0.1"),
            "{login}: {ds:?}"
        );
        assert!(
            !ds["open-rule"]["attempts"].as_array().unwrap().is_empty(),
            "{login}: {ds:?}"
        );
        let list = v.call("list_rules", &[("bus", BUS)]).await.json();
        let rule = |name: &str| {
            list.as_array()
                .unwrap()
                .iter()
                .find(|r| r["name"] == name)
                .cloned()
                .unwrap()
        };
        assert_eq!(rule("guarded")["targets"], json!([]), "{login}: {list}");
        assert_eq!(
            rule("open-rule")["targets"].as_array().unwrap().len(),
            1,
            "{login}: {list}"
        );
    }
}

#[tokio::test]
async fn a_sealed_target_copied_into_another_tenants_row_does_not_open_there() {
    use herald::server::store::rules as store;
    let (app, mut a) = herald().await;
    let a_target = owner_rule(&mut a, "alpha-rule", "a").await;
    let a_rule = get_rule(&mut a, "alpha-rule").await["id"].as_i64().unwrap();
    let mut b = app.team_owner("bravo@example.com", true).await;
    const B_TOKEN: &str = "tok-BRAVO-SECRET-0123456789abcdef";
    let r = save_rule(
        &mut b,
        None,
        &ui_rule(
            "bravo-rule",
            "b",
            json!([{"config": {"kind": "dingtalk",
                "url": format!("{NOWHERE}/robot/send?access_token={B_TOKEN}"),
                "secret": "SECbravo-secret-0123456789"}}]),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let b_rule = r.json()["rule"]["id"].as_i64().unwrap();

    // Someone with the database copies B's sealed settings over A's, through the store.
    let pool = store_at(&app.url).await;
    let b_sealed = store::targets_of(&pool, &[b_rule]).await.unwrap()[0]
        .config
        .clone();
    let a_row = store::targets_of(&pool, &[a_rule]).await.unwrap()[0].clone();
    assert_eq!(a_row.id, a_target);
    let mut conn = herald::server::store::begin_write(&pool).await.unwrap();
    let copy = |_: usize, _: i64| b_sealed.clone();
    store::replace_targets(
        &mut conn,
        a_rule,
        &[store::TargetWrite {
            id: Some(a_target),
            kind: &a_row.kind,
            contacts: &[],
        }],
        &copy,
    )
    .await
    .unwrap();
    conn.commit().await.unwrap();
    pool.close().await;

    // A's rule no longer opens (an internal error), and B's token is shown nowhere.
    let r = a
        .call("get_rule", &[("bus", BUS), ("name", "alpha-rule")])
        .await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{r:?}");
    assert!(!format!("{r:?}").contains("BRAVO"), "{r:?}");
    // B's own rule still opens.
    let r = b
        .call("get_rule", &[("bus", BUS), ("name", "bravo-rule")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
}

#[tokio::test]
async fn settings_sealed_before_binding_are_bound_to_their_row_at_start() {
    use herald::server::crypto::SecretBox;
    use herald::server::store::rules as store;
    let (app, mut a) = herald().await;
    owner_rule(&mut a, "alpha-rule", "a").await;
    let a_rule = get_rule(&mut a, "alpha-rule").await["id"].as_i64().unwrap();
    let url = app.url.clone();
    let open_pool = || store_at(&url);

    // Put the target back as an older version stored it: sealed, but bound to no row.
    let pool = open_pool().await;
    let secrets = if crate::common::postgres_backend() {
        SecretBox::load(Some(crate::common::TEST_SECRET_KEY), None)
    } else {
        SecretBox::load(None, Some(app.dir.path()))
    }
    .unwrap();
    let row = store::targets_of(&pool, &[a_rule]).await.unwrap()[0].clone();
    let json = secrets
        .open_bound(
            &row.config,
            &herald::server::crypto::target_row(row.account_id, row.id),
        )
        .unwrap();
    let legacy = secrets.seal(&json);
    assert!(legacy.starts_with("v1."));
    store::reseal_target(&pool, row.id, &row.config, &legacy)
        .await
        .unwrap();
    assert!(store::targets_of(&pool, &[a_rule]).await.unwrap()[0]
        .config
        .starts_with("v1."));
    pool.close().await;

    // After a restart it is bound to its row, and the rule still opens with its settings.
    let app = app.restart().await;
    let pool = open_pool().await;
    let config = store::targets_of(&pool, &[a_rule]).await.unwrap()[0]
        .config
        .clone();
    assert!(config.starts_with("v2."), "{config}");
    assert!(store::unbound_targets(&pool, 10).await.unwrap().is_empty());
    pool.close().await;
    let mut a = a.against(&app);
    let r = a
        .call("get_rule", &[("bus", BUS), ("name", "alpha-rule")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
}

/// The store of a stopped or running test server's database (`url`, SQLite or PostgreSQL),
/// opened as Herald opens it.
async fn store_at(url: &str) -> herald::server::store::Db {
    herald::server::store::connect(url, 64 << 20).await.unwrap()
}

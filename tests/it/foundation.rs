//! Integration tests of the foundation: accounts, sessions, workspaces, activation and
//! grant, isolation between accounts, and refusal of bad requests. Each test runs the real
//! server on 127.0.0.1:0 with a database of its own.

use crate::common::{TestApp, PASSWORD};
use reqwest::StatusCode;

/// The raw `Set-Cookie` header a sign-up answers with.
async fn session_cookie_of_sign_up(app: &TestApp, email: &str) -> String {
    let res = app
        .visitor()
        .http
        .post(format!("{}/api/ui/sign_up", app.base()))
        .header("accept", "application/json")
        .form(&[
            ("email", email),
            ("display_name", "Someone"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let cookie = res.headers().get("set-cookie").expect("a session cookie");
    cookie.to_str().unwrap().to_string()
}

#[tokio::test]
async fn sign_up_logs_the_new_owner_in_with_a_hardened_cookie() {
    let app = TestApp::spawn().await;
    let mut v = app.visitor();

    let r = v.sign_up("ada@example.com", "Ada", PASSWORD).await;
    assert!(r.is_redirect(), "{r:?}");
    assert_eq!(r.location.as_deref(), Some("/workspaces"));

    let me = v.call("who_am_i", &[]).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["email"], "ada@example.com");
    assert_eq!(me.json()["display_name"], "Ada");
    assert_eq!(me.json()["is_owner"], true);

    // The cookie is HttpOnly and SameSite=Lax; not Secure on plain http.
    let cookie = session_cookie_of_sign_up(&app, "bob@example.com").await;
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn cookie_is_secure_when_the_public_url_is_https() {
    let app =
        TestApp::spawn_with(|a| a.public_url = Some("https://herald.example.com".into())).await;
    let cookie = session_cookie_of_sign_up(&app, "ada@example.com").await;
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn sign_up_refuses_bad_fields_naming_each_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let mut v = app.visitor();

    let r = v.sign_up("not-an-email", "Ada", PASSWORD).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["field"], "email");

    let r = v.sign_up("ada@example.com", "Ada", "short").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["field"], "password");
    assert!(r.json()["message"]
        .as_str()
        .unwrap()
        .contains("at least 10"));

    let r = v.sign_up("ada@example.com", "   ", PASSWORD).await;
    assert_eq!(r.json()["field"], "display_name");

    // None of those created the account: the email is still free.
    let r = v.sign_up("ada@example.com", "Ada", PASSWORD).await;
    assert!(r.is_redirect(), "{r:?}");
}

#[tokio::test]
async fn duplicate_email_is_a_conflict_on_the_email_field() {
    let app = TestApp::spawn().await;
    app.signed_up("ada@example.com").await;
    let r = app
        .visitor()
        .sign_up("ADA@example.com", "Other", PASSWORD)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["field"], "email");
}

#[tokio::test]
async fn closed_sign_up_refuses_new_accounts() {
    let app = TestApp::spawn_with(|a| a.signup = herald::server::config::SignupMode::Closed).await;
    let r = app
        .visitor()
        .sign_up("ada@example.com", "Ada", PASSWORD)
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    assert!(r.json()["message"].as_str().unwrap().contains("closed"));
}

#[tokio::test]
async fn login_logout_and_login_again() {
    let app = TestApp::spawn().await;
    let mut v = app.signed_up("ada@example.com").await;

    let r = v.call("log_out", &[]).await;
    assert!(r.is_redirect(), "{r:?}");
    assert_eq!(
        v.call("who_am_i", &[]).await.json(),
        serde_json::Value::Null
    );
    assert_eq!(
        v.call("list_workspaces", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );

    let r = v.log_in("ada@example.com", PASSWORD).await;
    assert!(r.is_redirect(), "{r:?}");
    assert_eq!(r.location.as_deref(), Some("/workspaces"));
    assert_eq!(
        v.call("who_am_i", &[]).await.json()["email"],
        "ada@example.com"
    );
}

#[tokio::test]
async fn login_returns_to_a_local_next_but_never_to_another_site() {
    let app = TestApp::spawn().await;
    app.signed_up("ada@example.com").await;
    for (next, expected) in [
        ("/buses", "/buses"),
        ("//evil.example", "/workspaces"),
        ("/\t/evil.example", "/workspaces"),
    ] {
        let mut v = app.visitor();
        let r = v
            .call(
                "log_in",
                &[
                    ("email", "ada@example.com"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(r.location.as_deref(), Some(expected), "next={next:?}");
    }
}

#[tokio::test]
async fn login_cycles_the_session_id() {
    let app = TestApp::spawn().await;
    let mut first = app.signed_up("ada@example.com").await;
    let before = first.cookie.clone().expect("signed in");
    // Log in again while holding a session: the old id must stop working.
    let r = first.log_in("ada@example.com", PASSWORD).await;
    assert!(r.is_redirect(), "{r:?}");
    let after = first.cookie.clone().expect("still signed in");
    assert_ne!(after, before, "the session id changes at login");

    let mut stale = app.visitor();
    stale.cookie = Some(before);
    assert_eq!(
        stale.call("who_am_i", &[]).await.json(),
        serde_json::Value::Null
    );
    assert_eq!(
        first.call("who_am_i", &[]).await.json()["email"],
        "ada@example.com"
    );
}

#[tokio::test]
async fn a_burst_of_parallel_guesses_is_counted_before_hashing() {
    let app = TestApp::spawn().await;
    app.signed_up("ada@example.com").await;
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let mut v = app.visitor();
        tasks.push(tokio::spawn(async move {
            v.log_in("ada@example.com", "guess guess guess")
                .await
                .status
        }));
    }
    let mut locked = 0;
    for t in tasks {
        let status = t.await.unwrap();
        assert!(
            status == StatusCode::UNAUTHORIZED || status == StatusCode::TOO_MANY_REQUESTS,
            "{status}"
        );
        if status == StatusCode::TOO_MANY_REQUESTS {
            locked += 1;
        }
    }
    assert!(
        locked >= 15,
        "at most 5 guesses may be checked; only {locked} of 20 were refused"
    );
    let right = app.visitor().log_in("ada@example.com", PASSWORD).await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.signed_up("ada@example.com").await;

    let wrong = app
        .visitor()
        .log_in("ada@example.com", "not the password")
        .await;
    let unknown = app
        .visitor()
        .log_in("nobody@example.com", "not the password")
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.body, unknown.body);
    assert!(
        wrong.body.contains("Login or password is incorrect"),
        "{}",
        wrong.body
    );
}

#[tokio::test]
async fn repeated_failures_lock_the_email_and_the_user_is_told() {
    let app = TestApp::spawn().await;
    app.signed_up("ada@example.com").await;
    let mut v = app.visitor();
    for _ in 0..4 {
        assert_eq!(
            v.log_in("ada@example.com", "guess guess guess")
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
    }
    let fifth = v.log_in("ada@example.com", "guess guess guess").await;
    assert_eq!(fifth.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(fifth.json()["message"]
        .as_str()
        .unwrap()
        .contains("Try again in 15 minutes"));

    // Even the right password is refused while locked; another email is unaffected.
    let right = v.log_in("ADA@example.com", PASSWORD).await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
    app.signed_up("bob@example.com").await;
    assert!(app
        .visitor()
        .log_in("bob@example.com", PASSWORD)
        .await
        .is_redirect());
}

#[tokio::test]
async fn session_survives_a_restart() {
    let app = TestApp::spawn().await;
    let mut v = app.signed_up("ada@example.com").await;
    assert_eq!(v.create_workspace("ml-team").await.status, StatusCode::OK);

    let app = app.restart().await;
    let mut v = v.against(&app);
    let me = v.call("who_am_i", &[]).await;
    assert_eq!(me.json()["email"], "ada@example.com", "{me:?}");
    let list = v.call("list_workspaces", &[]).await.json();
    assert_eq!(list[0]["name"], "ml-team");
}

#[tokio::test]
async fn workspaces_are_created_listed_and_opened() {
    let app = TestApp::spawn().await;
    let mut v = app.signed_up("ada@example.com").await;

    let r = v.create_workspace("ml-team").await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json()["name"], "ml-team");
    assert_eq!(
        r.json()["bus_name"],
        serde_json::Value::Null,
        "no bus before activation"
    );
    v.create_workspace("cv_lab").await;

    let list = v.call("list_workspaces", &[]).await.json();
    let names: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["cv_lab", "ml-team"]);

    let one = v.call("get_workspace", &[("name", "ml-team")]).await;
    assert_eq!(one.json()["name"], "ml-team");
    let none = v.call("get_workspace", &[("name", "nope")]).await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_and_duplicate_workspace_names_are_friendly_errors() {
    let app = TestApp::spawn().await;
    let mut v = app.signed_up("ada@example.com").await;
    v.create_workspace("ml-team").await;

    let dup = v.create_workspace("ML-team").await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    assert_eq!(dup.json()["field"], "name");
    assert!(dup.json()["message"]
        .as_str()
        .unwrap()
        .contains("already have a workspace"));

    for bad in ["ab", "has space", "dots.not.allowed", &"x".repeat(65)] {
        let r = v.create_workspace(bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {r:?}");
        assert_eq!(r.json()["field"], "name");
    }
    assert_eq!(
        v.call("list_workspaces", &[])
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn activation_creates_a_bus_per_workspace_now_and_later_and_is_idempotent() {
    let app = TestApp::spawn().await;
    let mut v = app.signed_up("ada@example.com").await;
    v.create_workspace("alpha").await;
    v.create_workspace("beta").await;

    let before = v
        .call("get_notification_settings", &[("workspace", "alpha")])
        .await
        .json();
    assert_eq!(
        before["activated_at"],
        serde_json::Value::Null,
        "ServiceNotEnable state"
    );
    assert_eq!(
        v.call("list_event_buses", &[])
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        0
    );

    assert_eq!(
        v.call("activate_event_bridge", &[]).await.status,
        StatusCode::OK
    );
    let after = v
        .call("get_notification_settings", &[("workspace", "alpha")])
        .await
        .json();
    let activated_at = after["activated_at"]
        .as_str()
        .expect("activated")
        .to_string();
    assert_eq!(after["workspace"]["bus_name"], "pai-system-alpha");

    // Again: nothing changes, no duplicate buses.
    assert_eq!(
        v.call("activate_event_bridge", &[]).await.status,
        StatusCode::OK
    );
    let again = v
        .call("get_notification_settings", &[("workspace", "alpha")])
        .await
        .json();
    assert_eq!(again["activated_at"], activated_at.as_str());

    // A workspace made later gets its bus at once.
    v.create_workspace("gamma").await;
    let buses = v.call("list_event_buses", &[]).await.json();
    let names: Vec<_> = buses
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["pai-system-alpha", "pai-system-beta", "pai-system-gamma"]
    );
    assert_eq!(buses[0]["workspace"], "alpha");
}

#[tokio::test]
async fn grant_needs_activation_then_creates_the_role_once() {
    let app = TestApp::spawn().await;
    let mut v = app.signed_up("ada@example.com").await;
    v.create_workspace("alpha").await;

    let early = v.call("grant_permissions", &[]).await;
    assert_eq!(early.status, StatusCode::PRECONDITION_FAILED);
    assert!(early.json()["message"]
        .as_str()
        .unwrap()
        .contains("ServiceNotEnable"));

    v.call("activate_event_bridge", &[]).await;
    let role = v.call("grant_permissions", &[]).await.json();
    assert_eq!(role["name"], "AliyunServiceRoleForPAIWorkspace");
    let policy: serde_json::Value = serde_json::from_str(role["policy"].as_str().unwrap()).unwrap();
    assert_eq!(policy["Statement"][0]["Action"][0], "eventbridge:PutEvents");

    let again = v.call("grant_permissions", &[]).await.json();
    assert_eq!(again["created_at"], role["created_at"]);
    let settings = v
        .call("get_notification_settings", &[("workspace", "alpha")])
        .await
        .json();
    assert_eq!(settings["role"]["name"], "AliyunServiceRoleForPAIWorkspace");
}

#[tokio::test]
async fn two_accounts_never_see_each_others_anything() {
    let app = TestApp::spawn().await;
    let mut ada = app.signed_up("ada@example.com").await;
    ada.create_workspace("secret-project").await;
    ada.call("activate_event_bridge", &[]).await;
    ada.call("grant_permissions", &[]).await;

    let mut bob = app.signed_up("bob@example.com").await;
    assert_eq!(
        bob.call("list_workspaces", &[]).await.json(),
        serde_json::json!([])
    );
    assert_eq!(
        bob.call("list_event_buses", &[]).await.json(),
        serde_json::json!([])
    );
    let peek = bob
        .call("get_workspace", &[("name", "secret-project")])
        .await;
    assert_eq!(peek.status, StatusCode::NOT_FOUND);
    let peek = bob
        .call(
            "get_notification_settings",
            &[("workspace", "secret-project")],
        )
        .await;
    assert_eq!(peek.status, StatusCode::NOT_FOUND);
    assert!(!peek.body.contains("pai-system"), "{}", peek.body);

    // Bob's account is not activated by Ada's activation, and may use the same name.
    assert_eq!(
        bob.create_workspace("secret-project").await.status,
        StatusCode::OK
    );
    let s = bob
        .call(
            "get_notification_settings",
            &[("workspace", "secret-project")],
        )
        .await
        .json();
    assert_eq!(s["activated_at"], serde_json::Value::Null);
    assert_eq!(s["role"], serde_json::Value::Null);
}

#[tokio::test]
async fn anonymous_visitors_get_401_from_data_and_the_login_page_for_pages() {
    let app = TestApp::spawn().await;
    let mut anon = app.visitor();
    for f in [
        "list_workspaces",
        "list_event_buses",
        "activate_event_bridge",
        "grant_permissions",
    ] {
        let r = anon.call(f, &[]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{f}: {r:?}");
        assert_eq!(r.code(), "unauthorized");
    }
    let page = anon.get("/workspaces/x/settings/notifications").await;
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        page.headers()["location"],
        "/login?next=/workspaces/x/settings/notifications"
    );
    let login = anon.get("/login").await;
    assert_eq!(login.status(), StatusCode::OK);
    assert!(login.text().await.unwrap().contains("Log in to Herald"));
}

#[tokio::test]
async fn signed_in_pages_render_on_the_server() {
    let app = TestApp::spawn().await;
    let mut v = app.signed_up("ada@example.com").await;
    v.create_workspace("alpha").await;
    let html = v
        .get("/workspaces/alpha/settings/notifications")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("ServiceNotEnable"), "{html}");
    assert!(html.contains("Activate for free"));
    let missing = v.get("/no/such/page").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn healthz_reports_the_database() {
    let app = TestApp::spawn().await;
    let res = app.visitor().get("/healthz").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn oversized_and_malformed_requests_are_refused_cleanly() {
    let app = TestApp::spawn().await;
    let mut v = app.signed_up("ada@example.com").await;

    let huge = format!("name={}", "a".repeat(2 * 1024 * 1024));
    let res = v
        .post_raw(
            "/api/ui/create_workspace",
            "application/x-www-form-urlencoded",
            huge.into_bytes(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // Missing field and undecodable body: a 400 with a reason, not a 500.
    let res = v
        .post_raw(
            "/api/ui/create_workspace",
            "application/x-www-form-urlencoded",
            b"nme=x".to_vec(),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::BAD_REQUEST,
        "{:?}",
        res.text().await
    );
    let res = v
        .post_raw(
            "/api/ui/create_workspace",
            "application/x-www-form-urlencoded",
            vec![0xff, 0xfe, b'%'],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        v.call("list_workspaces", &[]).await.json(),
        serde_json::json!([])
    );
}

#[tokio::test]
async fn cross_site_posts_to_server_functions_are_refused() {
    let app = TestApp::spawn().await;
    app.signed_up("ada@example.com").await;
    let post = |origin: Option<&str>, fetch_site: Option<&str>| {
        let mut req = app
            .visitor()
            .http
            .post(format!("{}/api/ui/log_in", app.base()))
            .header("accept", "application/json")
            .form(&[("email", "ada@example.com"), ("password", PASSWORD)]);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        if let Some(f) = fetch_site {
            req = req.header("sec-fetch-site", f);
        }
        req.send()
    };
    let evil = post(Some("http://evil.example"), None).await.unwrap();
    assert_eq!(evil.status(), StatusCode::FORBIDDEN);
    assert!(
        evil.headers().get("set-cookie").is_none(),
        "no session for a forged login"
    );
    let labelled = post(None, Some("cross-site")).await.unwrap();
    assert_eq!(labelled.status(), StatusCode::FORBIDDEN);
    let own = post(Some(&app.base()), Some("same-origin")).await.unwrap();
    assert!(
        own.status().is_success() || own.status().is_redirection(),
        "{:?}",
        own.status()
    );
}

#[tokio::test]
async fn behind_a_proxy_posts_are_checked_against_the_public_url() {
    // The proxy serves https://herald.example.com and rewrites Host to Herald's address.
    let app =
        TestApp::spawn_with(|a| a.public_url = Some("https://herald.example.com/".into())).await;
    app.signed_up("ada@example.com").await;
    let post = |origin: &str| {
        app.visitor()
            .http
            .post(format!("{}/api/ui/log_in", app.base()))
            .header("accept", "application/json")
            .header("origin", origin.to_string())
            .header("sec-fetch-site", "same-origin")
            .form(&[("email", "ada@example.com"), ("password", PASSWORD)])
            .send()
    };
    let own = post("https://herald.example.com").await.unwrap();
    assert!(
        own.status().is_success() || own.status().is_redirection(),
        "a post from the public origin is refused: {:?}",
        own.status()
    );
    // Matching the rewritten Host is not enough: the browser was on the public URL.
    let direct = post(&app.base()).await.unwrap();
    assert_eq!(direct.status(), StatusCode::FORBIDDEN);
    let evil = post("https://evil.example").await.unwrap();
    assert_eq!(evil.status(), StatusCode::FORBIDDEN);
    let other_scheme = post("http://herald.example.com").await.unwrap();
    assert_eq!(other_scheme.status(), StatusCode::FORBIDDEN);
}

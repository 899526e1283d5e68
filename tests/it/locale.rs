//! The UI's language is decided on the server, so the first byte of a page is already in
//! it and hydration finds the same words: the user's setting, else the locale cookie, else
//! `Accept-Language`, else English.

use crate::common::TestApp;
use reqwest::header::{ACCEPT_LANGUAGE, COOKIE, SET_COOKIE};

// `lang="…"` alone proves nothing: every page's switcher has `<option lang="ja">`. The
// page's language is the `lang` leptos_meta writes first into the `<html>` tag.

/// The HTML of `path`, as a browser with these cookies and `Accept-Language` gets it.
async fn page(app: &TestApp, path: &str, cookie: Option<&str>, accept: Option<&str>) -> String {
    let mut req = app.visitor().http.get(format!("{}{path}", app.base()));
    if let Some(c) = cookie {
        req = req.header(COOKIE, c);
    }
    if let Some(a) = accept {
        req = req.header(ACCEPT_LANGUAGE, a);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.unwrap()
}

#[tokio::test]
async fn a_visitor_gets_the_cookies_language_else_the_browsers_else_english() {
    let app = TestApp::spawn().await;

    let ja = page(&app, "/login", None, Some("fr;q=0.9, ja-JP, en;q=0.8")).await;
    assert!(ja.contains(r#"<html lang="ja""#), "{ja}");
    assert!(ja.contains("Herald にログイン"), "{ja}");

    let zh = page(&app, "/signup", Some("herald_locale=zh"), Some("ja")).await;
    assert!(zh.contains(r#"<html lang="zh""#), "{zh}");
    assert!(zh.contains("创建 Herald 账号"), "{zh}");

    let en = page(&app, "/login", Some("herald_locale=xx"), Some("fr, de")).await;
    assert!(en.contains(r#"<html lang="en""#), "{en}");
    assert!(en.contains("Log in to Herald"), "{en}");
}

#[tokio::test]
async fn the_users_own_language_wins_over_the_browsers_cookie_and_header() {
    let app = TestApp::spawn().await;
    let mut v = app.signed_up("nihongo@example.com").await;

    // An unknown language is refused, naming the field.
    let bad = v.call("set_ui_locale", &[("locale", "fr")]).await;
    assert_eq!(bad.status, 400, "{bad:?}");
    assert_eq!(bad.json()["field"], "locale", "{bad:?}");

    // Choosing Japanese sets the browser's cookie and the user's setting.
    let res = v
        .http
        .post(format!("{}/api/ui/set_ui_locale", app.base()))
        .header(COOKIE, v.cookie.clone().unwrap())
        .header(reqwest::header::ACCEPT, "application/json")
        .form(&[("locale", "ja")])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{res:?}");
    let cookie = res
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|c| c.to_str().ok())
        .find(|c| c.starts_with("herald_locale="))
        .expect("a locale cookie")
        .to_string();
    assert!(cookie.starts_with("herald_locale=ja;"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    for attr in ["Max-Age=31536000", "SameSite=Lax", "HttpOnly"] {
        assert!(cookie.split("; ").any(|a| a == attr), "{attr}: {cookie}");
    }
    // The test server's public URL is http://: no Secure, as for the session cookie.
    assert!(!cookie.contains("Secure"), "{cookie}");

    // Another browser of the same user, with an English cookie and a Chinese header,
    // still gets Japanese.
    let session = v.cookie.clone().unwrap();
    let html = page(
        &app,
        "/workspaces",
        Some(&format!("{session}; herald_locale=en")),
        Some("zh-CN"),
    )
    .await;
    assert!(html.contains(r#"<html lang="ja""#), "{html}");
    assert!(html.contains("ワークスペースを作成"), "{html}");
    assert!(!html.contains("Create workspace"), "{html}");
}

/// The sign-up page sends the language it is shown in: the new account's messages start in
/// it. A language Herald does not have is refused naming the field, and nothing is created.
#[tokio::test]
async fn an_account_signed_up_in_chinese_writes_its_messages_in_chinese() {
    let app = TestApp::spawn().await;
    let mut v = app.visitor();
    let bad = v
        .call(
            "sign_up",
            &[
                ("email", "li@example.com"),
                ("display_name", "Li"),
                ("password", crate::common::PASSWORD),
                ("language", "fr"),
            ],
        )
        .await;
    assert_eq!(bad.status, reqwest::StatusCode::BAD_REQUEST, "{bad:?}");
    assert_eq!(bad.json()["field"], "language", "{bad:?}");

    let r = v
        .call(
            "sign_up",
            &[
                ("email", "li@example.com"),
                ("display_name", "Li"),
                ("password", crate::common::PASSWORD),
                ("language", "zh"),
            ],
        )
        .await;
    assert!(r.is_redirect(), "{r:?}");
    assert_eq!(
        v.create_workspace("team").await.status,
        reqwest::StatusCode::OK
    );
    let settings = v
        .call("get_notification_settings", &[("workspace", "team")])
        .await;
    assert_eq!(settings.status, reqwest::StatusCode::OK, "{settings:?}");
    assert_eq!(settings.json()["language"], "zh", "{settings:?}");

    // Without one (an API client, an old page): English, as before.
    let mut w = app.signed_up("en@example.com").await;
    assert_eq!(
        w.create_workspace("other").await.status,
        reqwest::StatusCode::OK
    );
    let settings = w
        .call("get_notification_settings", &[("workspace", "other")])
        .await;
    assert_eq!(settings.json()["language"], "en", "{settings:?}");
}

/// The messages of the UI's server functions' errors come in the request's language, decided
/// as for pages; the field they belong to keeps its name, so the form still places them.
#[tokio::test]
async fn the_uis_error_messages_come_in_the_requests_language() {
    let app = TestApp::spawn().await;
    let mut owner = app.signed_up("taken@example.com").await;

    let mut ja = app.visitor();
    ja.cookie = Some("herald_locale=ja".into());
    let taken = ja
        .sign_up("taken@example.com", "Ada", crate::common::PASSWORD)
        .await;
    assert_eq!(taken.status, reqwest::StatusCode::CONFLICT, "{taken:?}");
    assert_eq!(taken.json()["code"], "conflict", "{taken:?}");
    assert_eq!(taken.json()["field"], "email", "{taken:?}");
    assert_eq!(
        taken.json()["message"],
        "このメールアドレスのアカウントはすでに存在します。ログインしてください。"
    );
    let short = ja.sign_up("new@example.com", "Ada", "short").await;
    assert_eq!(short.status, reqwest::StatusCode::BAD_REQUEST, "{short:?}");
    assert_eq!(short.json()["field"], "password", "{short:?}");
    assert_eq!(short.json()["message"], "10 文字以上にしてください");

    // The rewritten body's length is the one the response declares.
    let res = app
        .visitor()
        .http
        .post(format!("{}/api/ui/sign_up", app.base()))
        .header(reqwest::header::ACCEPT, "application/json")
        .header(ACCEPT_LANGUAGE, "zh-CN")
        .form(&[
            ("email", "new@example.com"),
            ("display_name", "Li"),
            ("password", "short"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::BAD_REQUEST);
    let declared: usize = res.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let body = res.bytes().await.unwrap();
    assert_eq!(declared, body.len());
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["message"], "至少需要 10 个字符", "{json}");

    // Without a cookie or header: English, as the code wrote it.
    let mut en = app.visitor();
    let taken = en
        .sign_up("taken@example.com", "Ada", crate::common::PASSWORD)
        .await;
    assert_eq!(
        taken.json()["message"],
        "An account with this email already exists. Log in instead."
    );

    // A signed-in user's own setting wins over the browser's cookie.
    let chosen = owner.call("set_ui_locale", &[("locale", "zh")]).await;
    assert!(chosen.status.is_success(), "{chosen:?}");
    let session = owner.cookie.clone().unwrap();
    owner.cookie = Some(format!("{session}; herald_locale=ja"));
    let bad = owner.create_workspace("ab").await;
    assert_eq!(bad.status, reqwest::StatusCode::BAD_REQUEST, "{bad:?}");
    assert_eq!(bad.json()["field"], "name", "{bad:?}");
    assert_eq!(bad.json()["message"], "长度应为 3 到 64 个字符", "{bad:?}");
    // The `what` of a not-found error too (the UI frames it with its own "not found").
    let missing = owner
        .call("get_notification_settings", &[("workspace", "nowhere")])
        .await;
    assert_eq!(
        missing.status,
        reqwest::StatusCode::NOT_FOUND,
        "{missing:?}"
    );
    assert_eq!(
        missing.json()["what"],
        "工作空间 \"nowhere\"",
        "{missing:?}"
    );

    // The UI's own form of the same mistake is translated; the platform's API is not.
    let ui = owner
        .call(
            "create_contact",
            &[("name", "nobody"), ("phone", ""), ("email", "")],
        )
        .await;
    assert_eq!(ui.status, reqwest::StatusCode::BAD_REQUEST, "{ui:?}");
    assert_eq!(
        ui.json()["message"],
        "请填写电话号码、邮箱地址或两者",
        "{ui:?}"
    );
    let key = owner.call("create_access_key", &[("name", "script")]).await;
    assert!(key.status.is_success(), "{key:?}");
    let token = key.json()["token"].as_str().unwrap().to_string();
    let res = owner
        .http
        .post(format!("{}/api/v1/contacts", app.base()))
        .bearer_auth(token)
        .header(COOKIE, "herald_locale=ja")
        .header(ACCEPT_LANGUAGE, "ja")
        .json(&serde_json::json!({"name": "nobody"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::BAD_REQUEST);
    let json: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        json["message"], "give a phone number, an email address, or both",
        "{json}"
    );
}

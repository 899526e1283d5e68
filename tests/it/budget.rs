//! The outbound budget of "Test connection": an account runs at most
//! `--max-tests-per-account` at once and a user starts at most
//! `--tests-per-user-per-minute`; beyond either, a clear 429 with Retry-After, while the
//! server stays responsive.

use crate::common::{TestApp, Visitor};
use axum::extract::State;
use axum::routing::post;
use axum::Router;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Requests in progress at a receiver, and the most there ever were.
#[derive(Clone, Default)]
struct Load {
    now: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
}

async fn slow(State(load): State<Load>) -> &'static str {
    let now = load.now.fetch_add(1, Ordering::SeqCst) + 1;
    load.most.fetch_max(now, Ordering::SeqCst);
    load.total.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(3)).await;
    load.now.fetch_sub(1, Ordering::SeqCst);
    "ok"
}

/// A receiver taking 3 s per request; its URL and its load.
async fn slow_receiver() -> (String, Load) {
    let load = Load::default();
    let app = Router::new()
        .route("/hook", post(slow))
        .with_state(load.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), load)
}

/// A Herald that may reach loopback, and an owner with an activated workspace.
async fn herald(tweak: impl FnOnce(&mut herald::server::config::ServeArgs)) -> (TestApp, Visitor) {
    let app = TestApp::spawn_with(|a| {
        a.allow_target_networks = vec!["127.0.0.0/8".into()];
        tweak(a);
    })
    .await;
    let mut v = app.signed_up("ada@example.com").await;
    assert_eq!(v.create_workspace("team").await.status, StatusCode::OK);
    assert_eq!(
        v.call("activate_event_bridge", &[]).await.status,
        StatusCode::OK
    );
    (app, v)
}

/// One "Test connection" of an HTTP target at `url`: status, Retry-After, body.
async fn test_once(v: &Visitor, url: &str) -> (StatusCode, Option<String>, Value) {
    let res = v
        .http
        .post(format!("{}/api/ui/test_target", v.base))
        .header("accept", "application/json")
        .header("cookie", v.cookie.clone().unwrap())
        .json(&json!({"bus": "pai-system-team", "target": {"kind": "http", "url": url}}))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let retry_after = res
        .headers()
        .get("retry-after")
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    let body = res.json().await.unwrap_or(Value::Null);
    (status, retry_after, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_tests_from_one_account_get_429_beyond_the_cap() {
    let (url, load) = slow_receiver().await;
    let (app, v) = herald(|_| {}).await;
    let v = Arc::new(v);

    // /healthz, watched while the tests run: its slowest answer.
    let base = app.base();
    let watching = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let watch = {
        let watching = watching.clone();
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut slowest = Duration::ZERO;
            while watching.load(Ordering::SeqCst) {
                let started = Instant::now();
                let r = client
                    .get(format!("{base}/healthz"))
                    .timeout(Duration::from_secs(30))
                    .send()
                    .await
                    .expect("/healthz answers");
                assert_eq!(r.status(), StatusCode::OK);
                slowest = slowest.max(started.elapsed());
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            slowest
        })
    };

    let runs: Vec<_> = (0..200)
        .map(|_| {
            let v = v.clone();
            let url = url.clone();
            tokio::spawn(async move { test_once(&v, &url).await })
        })
        .collect();
    let mut passed = 0;
    let mut refused = 0;
    for run in runs {
        let (status, retry_after, body) = run.await.unwrap();
        match status {
            StatusCode::OK => {
                assert_eq!(body["ok"], true, "{body}");
                passed += 1;
            }
            StatusCode::TOO_MANY_REQUESTS => {
                assert_eq!(body["code"], "too_many_requests", "{body}");
                let message = body["message"].as_str().unwrap_or_default();
                assert!(message.contains("Test connection"), "{message}");
                assert!(retry_after.is_some(), "429 without Retry-After: {body}");
                refused += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    watching.store(false, Ordering::SeqCst);
    let slowest = watch.await.unwrap();

    assert!(
        load.most.load(Ordering::SeqCst) <= 8,
        "{} tests reached the receiver at once",
        load.most.load(Ordering::SeqCst)
    );
    assert!(passed >= 8, "only {passed} tests passed");
    assert!(passed <= 30, "{passed} tests passed; at most 30 a minute");
    assert_eq!(passed + refused, 200);
    assert!(
        slowest < Duration::from_secs(2),
        "/healthz took {slowest:?} meanwhile"
    );
}

#[tokio::test]
async fn tests_beyond_the_per_user_rate_get_429_with_retry_after() {
    let (url, _load) = slow_receiver().await;
    let (_app, v) = herald(|a| a.tests_per_user_per_minute = 3).await;
    for _ in 0..3 {
        let (status, _, body) = test_once(&v, &url).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, retry_after, body) = test_once(&v, &url).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("per minute"),
        "{body}"
    );
    let wait: u64 = retry_after.expect("Retry-After").parse().unwrap();
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
}

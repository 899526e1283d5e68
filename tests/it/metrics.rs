//! Who may read `/metrics`: with neither `--metrics-token` nor `--metrics-listen` nobody
//! (404); with a token, whoever presents it as a bearer token (401 otherwise); with a
//! listen address, whoever reaches that address, and nobody on the main one.

use crate::common::{TestApp, METRICS_TOKEN};
use reqwest::StatusCode;

async fn scrape(base: &str, token: Option<&str>) -> (StatusCode, String) {
    let mut req = reqwest::Client::new().get(format!("{base}/metrics"));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    let res = req.send().await.unwrap();
    (res.status(), res.text().await.unwrap_or_default())
}

#[tokio::test]
async fn without_a_token_or_a_listen_address_metrics_are_not_served() {
    let app = TestApp::spawn_with(|a| a.metrics_token = None).await;
    let (status, body) = scrape(&app.base(), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("herald_queue_depth"), "{body}");
    let (status, _) = scrape(&app.base(), Some(METRICS_TOKEN)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn metrics_need_the_right_bearer_token() {
    let app = TestApp::spawn().await;
    let (status, body) = scrape(&app.base(), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(!body.contains("herald_queue_depth"), "{body}");
    let (status, body) = scrape(&app.base(), Some("test-metrics-token-0123456780")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(!body.contains("herald_queue_depth"), "{body}");
    let (status, body) = scrape(&app.base(), Some(METRICS_TOKEN)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("herald_queue_depth 0"), "{body}");
}

#[tokio::test]
async fn a_token_file_is_read_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("metrics.token");
    std::fs::write(&file, "token-from-a-file-0123456789\n").unwrap();
    let app = TestApp::spawn_with(|a| {
        a.metrics_token = None;
        a.metrics_token_file = Some(file.clone());
    })
    .await;
    assert_eq!(scrape(&app.base(), None).await.0, StatusCode::UNAUTHORIZED);
    let (status, body) = scrape(&app.base(), Some("token-from-a-file-0123456789")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn metrics_listen_serves_them_there_and_not_on_the_main_port() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let app = TestApp::spawn_with(|a| {
        a.metrics_token = None;
        a.metrics_listen = Some(([127, 0, 0, 1], port).into());
    })
    .await;
    let (status, body) = scrape(&format!("http://127.0.0.1:{port}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("herald_queue_depth 0"), "{body}");
    let (status, body) = scrape(&app.base(), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("herald_queue_depth"), "{body}");
    // Only /metrics is served there.
    let other = reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
}

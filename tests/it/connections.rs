//! Slow and idle connections: a client that sends its headers or its body a little at a
//! time, or nothing at all, is cut off; a stop ends within its bound however slow the
//! clients are; and thousands of idle connections do not keep `/healthz` waiting.
//!
//! The servers here run with timers of a few seconds (`--header-timeout-secs` and friends),
//! so each cut comes quickly; the assertions only use the generous bound.

use crate::common::TestApp;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The bound within which the server must have closed a slow or silent connection.
const CUT_WITHIN: Duration = Duration::from_secs(60);

/// A Herald with short timers.
async fn impatient() -> TestApp {
    TestApp::spawn_with(|a| {
        a.header_timeout_secs = 2;
        a.idle_timeout_secs = 2;
        a.request_timeout_secs = 3;
    })
    .await
}

/// Send `head`, then `drip` a byte at a time (over and over) every 300 ms, until the
/// server closes the connection; what it sent before closing. Panics if it is still open
/// after [`CUT_WITHIN`].
async fn sent_before_the_cut(app: &TestApp, head: &[u8], drip: &[u8]) -> Vec<u8> {
    let mut conn = TcpStream::connect(app.server.addr).await.unwrap();
    if !head.is_empty() {
        conn.write_all(head).await.unwrap();
    }
    let started = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let mut tick = tokio::time::interval(Duration::from_millis(300));
    let mut next = drip.iter().cycle();
    loop {
        assert!(
            started.elapsed() < CUT_WITHIN,
            "the connection is still open after {CUT_WITHIN:?}; the server sent {:?}",
            String::from_utf8_lossy(&got)
        );
        tokio::select! {
            read = conn.read(&mut buf) => match read {
                Ok(0) | Err(_) => return got,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            },
            _ = tick.tick(), if !drip.is_empty() => {
                let byte = *next.next().unwrap();
                // A refused write means the server is gone; the read above says so next.
                let _ = conn.write_all(&[byte]).await;
            }
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
        }
    }
}

#[tokio::test]
async fn headers_sent_a_byte_at_a_time_are_cut_off() {
    let app = impatient().await;
    sent_before_the_cut(
        &app,
        b"GET /healthz HTTP/1.1\r\nHost: herald\r\n",
        b"X-Slow: a\r\n",
    )
    .await;
}

#[tokio::test]
async fn a_body_sent_a_byte_at_a_time_is_cut_off_with_408() {
    let app = impatient().await;
    let got = sent_before_the_cut(
        &app,
        b"POST /api/ui/log_in HTTP/1.1\r\nHost: herald\r\n\
          Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n",
        b"a",
    )
    .await;
    let got = String::from_utf8_lossy(&got);
    assert!(got.starts_with("HTTP/1.1 408"), "{got}");
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed() {
    let app = impatient().await;
    sent_before_the_cut(&app, b"", b"").await;
}

#[tokio::test]
async fn a_kept_alive_connection_left_idle_is_closed() {
    let app = impatient().await;
    let got =
        sent_before_the_cut(&app, b"GET /healthz HTTP/1.1\r\nHost: herald\r\n\r\n", b"").await;
    let got = String::from_utf8_lossy(&got);
    assert!(got.starts_with("HTTP/1.1 200"), "answered first: {got}");
}

#[tokio::test]
async fn a_stop_ends_within_its_bound_though_a_client_is_still_sending() {
    // Timers far longer than the test: only the shutdown's own bound can end it.
    let app = TestApp::spawn_with(|a| {
        a.header_timeout_secs = 600;
        a.idle_timeout_secs = 600;
        a.request_timeout_secs = 600;
    })
    .await;
    let mut conn = TcpStream::connect(app.server.addr).await.unwrap();
    conn.write_all(
        b"POST /api/ui/log_in HTTP/1.1\r\nHost: herald\r\n\
          Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nem",
    )
    .await
    .unwrap();
    let dripping = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(300)).await;
            if conn.write_all(b"a").await.is_err() {
                return;
            }
        }
    });
    // Let the request reach its handler.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let stopped = tokio::time::timeout(Duration::from_secs(45), app.stop()).await;
    assert!(
        stopped.is_ok(),
        "the server was still waiting for a slow client 45 s after being told to stop"
    );
    dripping.abort();
}

/// Both ends of every connection live in this process: 2,000 connections take over 4,000
/// open files. `ulimit -n` is 20,000 here; where it is lower, raise it (`ulimit -n 8192`)
/// before running this test.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn healthz_answers_while_two_thousand_idle_connections_are_open() {
    let app = TestApp::spawn().await;
    let mut idle = Vec::with_capacity(2000);
    for i in 0..2000 {
        let conn = TcpStream::connect(app.server.addr)
            .await
            .unwrap_or_else(|e| {
                panic!("idle connection {i}: {e} (is `ulimit -n` at least 4,500?)")
            });
        idle.push(conn);
    }
    // One request on a few of them, so some are kept-alive rather than never used.
    for conn in idle.iter_mut().take(20) {
        conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: herald\r\n\r\n")
            .await
            .unwrap();
        let mut buf = [0u8; 1024];
        let n = conn.read(&mut buf).await.unwrap();
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    }

    let started = Instant::now();
    let health = reqwest::Client::new()
        .get(format!("{}/healthz", app.base()))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("/healthz answers within 10 s beside 2,000 idle connections");
    assert_eq!(health.status(), reqwest::StatusCode::OK);
    assert!(started.elapsed() < Duration::from_secs(10));

    // The idle ones were not shed to make room: the last one opened still answers.
    let last = idle.last_mut().unwrap();
    last.write_all(b"GET /healthz HTTP/1.1\r\nHost: herald\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 1024];
    let n = tokio::time::timeout(Duration::from_secs(10), last.read(&mut buf))
        .await
        .expect("the last idle connection answers")
        .unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
}

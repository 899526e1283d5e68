//! The `herald` binary's contract (SPEC §7): flags documented in `--help`, the database
//! created on first run in WAL mode, `/healthz`, and a clean exit on SIGTERM.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_herald");

#[test]
fn help_documents_every_serve_flag_and_its_variable() {
    let out = Command::new(BIN)
        .args(["serve", "--help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--listen",
        "HERALD_LISTEN",
        "--database-url",
        "HERALD_DATABASE_URL",
        "--signup",
        "HERALD_SIGNUP",
        "--allow-target-network",
        "HERALD_ALLOW_TARGET_NETWORKS",
        "--public-url",
        "--secret-key",
    ] {
        assert!(help.contains(flag), "--help lacks {flag}:\n{help}");
    }
}

#[test]
fn bad_flags_are_refused_with_a_message() {
    let out = Command::new(BIN)
        .args(["serve", "--signup", "sometimes"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("sometimes"));
}

#[test]
fn an_absurd_retry_schedule_is_refused_at_start_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    for schedule in ["10000000000d", "5s,18446744073709551615ms", "400d"] {
        let mut child = Command::new(BIN)
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--retry-schedule",
                schedule,
            ])
            .env(
                "HERALD_DATABASE_URL",
                format!("sqlite://{}", dir.path().join("h.db").display()),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A server that started instead of refusing is stopped and the test fails.
        let deadline = Instant::now() + Duration::from_secs(15);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("--retry-schedule {schedule} was accepted: the server started");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        assert!(!status.success(), "{schedule}: {stderr}");
        assert!(
            stderr.contains("--retry-schedule") && !stderr.contains("panicked"),
            "{schedule}: {stderr}"
        );
    }
}

#[tokio::test]
async fn serve_creates_the_database_answers_health_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nested/dir/herald.db");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("HERALD_DATABASE_URL", format!("sqlite://{}", db.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    let health = loop {
        if let Ok(r) = client
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
        {
            break r;
        }
        assert!(Instant::now() < deadline, "herald did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(health.status(), reqwest::StatusCode::OK);
    let body: serde_json::Value = health.json().await.unwrap();
    assert_eq!(body["database"], "ok");
    assert!(db.exists(), "database file created with its directories");
    assert!(
        dir.path().join("nested/dir/herald.db-wal").exists(),
        "WAL mode"
    );
    assert!(
        dir.path().join("nested/dir/secret.key").exists(),
        "secret key made on first run"
    );

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "herald did not stop on SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "exit status {status:?}");
}

//! A real `herald serve` process for the tests that need one (a SIGKILL, two nodes): started
//! with the flags given, its log in a file, killed when dropped so a failing test leaves no
//! process behind.

use reqwest::StatusCode;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_herald");

/// A running `herald serve`.
pub struct Process {
    child: Child,
    log: PathBuf,
    pub base: String,
}

impl Process {
    /// Start `herald serve` on 127.0.0.1:`port` with `--database-url url` and `args`, logging
    /// warnings to `log`. `HERALD_*` variables of the test's environment are not passed on.
    pub fn start(url: &str, port: u16, log: PathBuf, args: &[&str]) -> Process {
        let mut cmd = Command::new(BIN);
        cmd.args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            url,
        ])
        .args(args);
        for (name, _) in std::env::vars() {
            if name.starts_with("HERALD_") {
                cmd.env_remove(name);
            }
        }
        let child = cmd
            .env("HERALD_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("herald starts");
        Process {
            child,
            log,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    /// The last 30 lines of the log.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// Wait until `/healthz` answers.
    pub async fn wait_up(&mut self) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(r) = client.get(format!("{}/healthz", self.base)).send().await {
                if r.status() == StatusCode::OK {
                    return;
                }
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("herald exited ({status}):\n{}", self.log_tail());
            }
            assert!(Instant::now() < deadline, "herald did not come up");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL, and wait for the process to be gone.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL sent");
        self.child.wait().expect("herald reaped");
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free port on 127.0.0.1 (free when asked; the process binds it a moment later).
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

//! Test harness: a real Herald server on 127.0.0.1:0 with a fresh database, and a small
//! client that calls its server functions the way the browser does and keeps the session
//! cookie.

use herald::server::config::ServeArgs;
use herald::server::web::RunningServer;
use reqwest::header::{ACCEPT, CONTENT_TYPE, COOKIE, SET_COOKIE};
use reqwest::StatusCode;
use serde_json::Value;
use std::path::PathBuf;

/// A running server, the temporary directory holding its SQLite database, and the database's
/// URL. With `HERALD_TEST_BACKEND=postgres` the database is instead a fresh one of its own on
/// the PostgreSQL server `HERALD_TEST_POSTGRES` names (scripts/with-postgres.sh starts one);
/// the directory then stays empty. Unset or `sqlite`: the SQLite file.
pub struct TestApp {
    pub server: RunningServer,
    pub dir: tempfile::TempDir,
    /// What the server was started with: `sqlite://…/herald.db` or `postgres://…/herald_t_…`.
    pub url: String,
}

/// A stopped app: its directory and database, to start again with [`TestApp::start_in`].
pub struct StoppedApp {
    pub dir: tempfile::TempDir,
    url: String,
}

impl StoppedApp {
    /// The database's URL (SQLite or PostgreSQL).
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl TestApp {
    /// Start Herald on a free port with a fresh database.
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(|_| {}).await
    }

    /// Start Herald with settings changed by `tweak`.
    pub async fn spawn_with(tweak: impl FnOnce(&mut ServeArgs)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = if postgres_backend() {
            fresh_postgres_database().await
        } else {
            db_url(&dir.path().join("herald.db"))
        };
        let server = start(&url, tweak).await;
        TestApp { server, dir, url }
    }

    /// The SQLite database file. Tests that open it are SQLite-only.
    pub fn db_path(&self) -> PathBuf {
        sqlite_only("TestApp::db_path", &self.url);
        self.dir.path().join("herald.db")
    }

    /// Stop the server and start a new one on the same database.
    pub async fn restart(self) -> TestApp {
        self.restart_with(|_| {}).await
    }

    /// Stop the server and start a new one on the same database, with settings changed by
    /// `tweak`.
    pub async fn restart_with(self, tweak: impl FnOnce(&mut ServeArgs)) -> TestApp {
        let stopped = self.stop().await;
        TestApp::start_in(stopped, tweak).await
    }

    /// Stop the server gracefully; the database stays.
    pub async fn stop(self) -> StoppedApp {
        let TestApp { server, dir, url } = self;
        server.stop().await.expect("graceful stop");
        StoppedApp { dir, url }
    }

    /// Start Herald on the database a stopped app left.
    pub async fn start_in(stopped: StoppedApp, tweak: impl FnOnce(&mut ServeArgs)) -> TestApp {
        let StoppedApp { dir, url } = stopped;
        let server = start(&url, tweak).await;
        TestApp { server, dir, url }
    }

    /// A second server on the same database (PostgreSQL: another node of one Herald).
    pub async fn another_node(&self) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let server = start(&self.url, |_| {}).await;
        TestApp {
            server,
            dir,
            url: self.url.clone(),
        }
    }

    /// What a one-off command (`herald access-key create`, `herald bus-token create`) is
    /// given to open this app's database: its URL and, on PostgreSQL, the secret key.
    pub fn cli_database_args(&self) -> Vec<String> {
        let mut args = vec!["--database-url".to_string(), self.url.clone()];
        if self.url.starts_with("postgres") {
            args.extend(["--secret-key".to_string(), TEST_SECRET_KEY.to_string()]);
        }
        args
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    /// A new visitor with no session.
    pub fn visitor(&self) -> Visitor {
        Visitor {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: self.base(),
            cookie: None,
        }
    }

    /// A visitor who signed up as `email` and is logged in.
    pub async fn signed_up(&self, email: &str) -> Visitor {
        let mut v = self.visitor();
        let r = v.sign_up(email, "Test User", PASSWORD).await;
        assert!(r.is_redirect(), "sign-up failed: {r:?}");
        v
    }
}

/// The test server's database, SQLite or PostgreSQL, for reading what it wrote (one SQL
/// text for both: `$N` placeholders). One connection: a test's reads see each other.
pub async fn read_db(url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::pool::PoolOptions::<sqlx::Any>::new()
        .max_connections(1)
        .connect(url)
        .await
        .expect("open the test database")
}

/// The `--secret-key` of test servers on PostgreSQL (base64 of 32 bytes).
pub const TEST_SECRET_KEY: &str = "dGVzdC1zZWNyZXQta2V5LTAxMjM0NTY3ODlhYmNkZWY=";

pub const PASSWORD: &str = "correct horse battery";

/// The bearer token `/metrics` asks for on test servers (unless a test changes it).
pub const METRICS_TOKEN: &str = "test-metrics-token-0123456789";

fn db_url(path: &std::path::Path) -> String {
    format!("sqlite://{}", path.display())
}

/// Panics, naming the caller, when the app's database is not a SQLite file.
fn sqlite_only(what: &str, url: &str) {
    assert!(
        url.starts_with("sqlite:"),
        "{what}: this test opens the SQLite file directly, so it is SQLite-only and cannot \
         run with HERALD_TEST_BACKEND=postgres"
    );
}

/// True when `HERALD_TEST_BACKEND=postgres`; unset or `sqlite` is SQLite, anything else a
/// mistake worth stopping for.
pub fn postgres_backend() -> bool {
    match std::env::var("HERALD_TEST_BACKEND").as_deref() {
        Err(_) | Ok("") | Ok("sqlite") => false,
        Ok("postgres") => true,
        Ok(other) => panic!("HERALD_TEST_BACKEND must be sqlite or postgres, not {other:?}"),
    }
}

/// The PostgreSQL server of `HERALD_TEST_POSTGRES`, e.g. `postgres://postgres@127.0.0.1:5432/postgres`;
/// `None` when unset.
pub fn postgres_server() -> Option<String> {
    std::env::var("HERALD_TEST_POSTGRES")
        .ok()
        .filter(|v| !v.is_empty())
}

/// A fresh, empty database `herald_t_<pid>_<n>` on the `HERALD_TEST_POSTGRES` server; its URL.
pub async fn fresh_postgres_database() -> String {
    use sqlx::Connection;
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let server = postgres_server().expect(
        "HERALD_TEST_BACKEND=postgres needs HERALD_TEST_POSTGRES, a server URL \
         (scripts/with-postgres.sh starts a throwaway one and sets it)",
    );
    let name = format!(
        "herald_t_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut conn = sqlx::PgConnection::connect(&server)
        .await
        .unwrap_or_else(|e| panic!("connecting to HERALD_TEST_POSTGRES: {e}"));
    // A server kept between runs may hold one left by an earlier process of the same id.
    for sql in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::query(&sql)
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    conn.close().await.ok();
    let mut url = url::Url::parse(&server).expect("HERALD_TEST_POSTGRES is a URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

async fn start(url: &str, tweak: impl FnOnce(&mut ServeArgs)) -> RunningServer {
    let mut args = ServeArgs::new("127.0.0.1:0".parse().unwrap(), url);
    args.metrics_token = Some(METRICS_TOKEN.into());
    if url.starts_with("postgres") {
        // PostgreSQL has no directory for a key file: every node is given the key.
        args.secret_key = Some(TEST_SECRET_KEY.into());
    }
    tweak(&mut args);
    RunningServer::start(args).await.expect("server starts")
}

/// What a server function answered.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
}

impl Reply {
    /// True for the redirect a successful sign-up, login or logout answers with.
    pub fn is_redirect(&self) -> bool {
        self.status.is_success() || self.status.is_redirection()
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The `code` of an error answer.
    pub fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or_default().to_string()
    }
}

/// A browser-like client with one session cookie.
pub struct Visitor {
    pub http: reqwest::Client,
    pub base: String,
    pub cookie: Option<String>,
}

impl Visitor {
    /// The same session against another server (after a restart).
    pub fn against(&self, app: &TestApp) -> Visitor {
        Visitor {
            http: self.http.clone(),
            base: app.base(),
            cookie: self.cookie.clone(),
        }
    }

    /// Call server function `name` with form fields, as the UI's JavaScript does.
    pub async fn call(&mut self, name: &str, form: &[(&str, &str)]) -> Reply {
        let mut req = self
            .http
            .post(format!("{}/api/ui/{name}", self.base))
            .header(ACCEPT, "application/json")
            .form(form);
        if let Some(c) = &self.cookie {
            req = req.header(COOKIE, c);
        }
        let res = req.send().await.expect("request sent");
        self.absorb(&res);
        let status = res.status();
        let location = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = res.text().await.unwrap_or_default();
        Reply {
            status,
            location,
            body,
        }
    }

    /// Call server function `name` with a JSON body (functions declared `input = Json`).
    pub async fn call_json(&mut self, name: &str, body: &Value) -> Reply {
        let mut req = self
            .http
            .post(format!("{}/api/ui/{name}", self.base))
            .header(ACCEPT, "application/json")
            .json(body);
        if let Some(c) = &self.cookie {
            req = req.header(COOKIE, c);
        }
        let res = req.send().await.expect("request sent");
        self.absorb(&res);
        let status = res.status();
        let body = res.text().await.unwrap_or_default();
        Reply {
            status,
            location: None,
            body,
        }
    }

    /// GET a page or endpoint with the session cookie.
    pub async fn get(&mut self, path: &str) -> reqwest::Response {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            req = req.header(COOKIE, c);
        }
        let res = req.send().await.expect("request sent");
        self.absorb(&res);
        res
    }

    /// POST raw bytes to a path.
    pub async fn post_raw(
        &mut self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> reqwest::Response {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header(CONTENT_TYPE, content_type)
            .header(ACCEPT, "application/json")
            .body(body);
        if let Some(c) = &self.cookie {
            req = req.header(COOKIE, c);
        }
        req.send().await.expect("request sent")
    }

    fn absorb(&mut self, res: &reqwest::Response) {
        for v in res.headers().get_all(SET_COOKIE) {
            let v = v.to_str().unwrap();
            let pair = v.split(';').next().unwrap().trim().to_string();
            if pair.starts_with("herald_session=") {
                // An expired cookie (logout) clears the session.
                let expired = v.to_ascii_lowercase().contains("max-age=0");
                self.cookie = if expired { None } else { Some(pair) };
            }
        }
    }

    pub async fn sign_up(&mut self, email: &str, name: &str, password: &str) -> Reply {
        self.call(
            "sign_up",
            &[
                ("email", email),
                ("display_name", name),
                ("password", password),
            ],
        )
        .await
    }

    /// Save a new rule on `bus` and expect success; the SavedRule.
    pub async fn save_new_rule(&mut self, bus: &str, rule: &Value) -> Value {
        let r = self
            .call_json(
                "save_rule",
                &serde_json::json!({"bus": bus, "original": null, "rule": rule}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        r.json()
    }

    pub async fn log_in(&mut self, email: &str, password: &str) -> Reply {
        self.call("log_in", &[("email", email), ("password", password)])
            .await
    }

    /// A new contact of the visitor's account; its id.
    pub async fn new_contact(&mut self, name: &str, phone: &str, email: &str) -> i64 {
        let r = self
            .call(
                "create_contact",
                &[("name", name), ("phone", phone), ("email", email)],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        r.json()["id"].as_i64().unwrap()
    }

    pub async fn create_workspace(&mut self, name: &str) -> Reply {
        self.call("create_workspace", &[("name", name)]).await
    }
}

impl TestApp {
    /// An owner whose workspace `team` is activated (bus `pai-system-team`) and, with
    /// `grant`, has the service-linked role, so rules can be created.
    pub async fn team_owner(&self, email: &str, grant: bool) -> Visitor {
        let mut v = self.signed_up(email).await;
        assert_eq!(v.create_workspace("team").await.status, StatusCode::OK);
        let r = v.call("activate_event_bridge", &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        if grant {
            let r = v.call("grant_permissions", &[]).await;
            assert_eq!(r.status, StatusCode::OK, "{r:?}");
        }
        v
    }
}

/// Unix seconds now.
pub fn now_s() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// What a DingTalk robot with `token` and signing key `secret` answers a request whose
/// (already percent-decoded) query is `q`: `(errcode, errmsg)`, checking the token and the
/// `timestamp`/`sign` pair the way DingTalk does (fresh within an hour, exact signature).
pub fn dingtalk_verdict(
    q: &std::collections::HashMap<String, String>,
    token: &str,
    secret: &str,
) -> (i64, &'static str) {
    if q.get("access_token").map(String::as_str) != Some(token) {
        return (300001, "token is not exist");
    }
    let (Some(ts), Some(sign)) = (q.get("timestamp"), q.get("sign")) else {
        return (310000, "sign not match");
    };
    let ts: i64 = ts.parse().unwrap_or(0);
    // The query arrives decoded; DingTalk compares the decoded base64.
    let expected = herald::server::delivery::sign::dingtalk_sign(ts, secret)
        .replace("%2B", "+")
        .replace("%2F", "/")
        .replace("%3D", "=");
    let fresh = (now_s() * 1000 - ts).abs() < 3_600_000;
    if !fresh || sign != &expected {
        return (
            310000,
            "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]",
        );
    }
    (0, "ok")
}

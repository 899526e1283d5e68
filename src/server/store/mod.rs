//! Every SQL statement of Herald, a file per aggregate. Functions take a [`Db`] (SQLite or
//! PostgreSQL, chosen from the URL's scheme) or a [`WriteTx`] (inside a transaction) and
//! return `sqlx` results; the services decide what a failure means to the user. No type of
//! either driver is seen outside this module.
//!
//! One SQL text serves both databases where it can: `$1, $2…` placeholders (sqlx's SQLite
//! driver takes them too), `TRUE`/`FALSE` for flags, times made in Rust. [`on!`] and
//! [`on_tx!`] run it on whichever pool or transaction is at hand. Where the dialects differ
//! (JSON, arrays, row locks), a function writes its statement per backend, the two texts
//! side by side.

/// Runs `$body` with `$c` bound to the pool of whichever database `$db` (a `&Db`) is: the
/// body is compiled once per backend, so one SQL text serves both.
macro_rules! on {
    ($db:expr, $c:ident => $body:expr) => {
        match $db {
            $crate::server::store::Db::Sqlite($c) => $body,
            $crate::server::store::Db::Postgres($c) => $body,
        }
    };
}

/// As [`on!`], inside a write transaction: `$c` is the transaction's connection.
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match &mut $tx.tx {
            $crate::server::store::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::server::store::Tx::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

/// As [`on!`], for a [`Reader`]: `$c` is the pool or the transaction's connection, used
/// once by the body.
macro_rules! on_reader {
    ($r:expr, $c:ident => $body:expr) => {
        match $r {
            $crate::server::store::Reader::Pool(db) => on!(db, $c => $body),
            $crate::server::store::Reader::Tx(tx) => on_tx!(tx, $c => $body),
        }
    };
}

pub mod access_keys;
pub mod accounts;
pub mod audit;
pub mod bus_tokens;
pub mod circuits;
pub mod contacts;
pub mod eventbridge;
pub mod events;
pub mod locks;
pub mod login_failures;
pub mod paces;
pub mod policies;
pub mod rules;
pub mod sessions;
pub mod unknown_types;
pub mod workspaces;

#[cfg(test)]
mod plans;
#[cfg(test)]
mod plans_pg;
#[cfg(test)]
pub(crate) mod portable;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long a statement waits for a lock another connection holds.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Which database a `--database-url` names, from its scheme alone.
enum Scheme {
    Sqlite,
    Postgres,
}

/// The scheme of `url`: `sqlite:` or `postgres:`/`postgresql:`. Anything else is refused
/// naming only its scheme (a URL may hold a password): sqlx would take `mysql://host/db`
/// for a SQLite file name and create a directory `mysql:`.
fn scheme(url: &str) -> anyhow::Result<Scheme> {
    let scheme = url.split_once(':').map(|(s, _)| s).filter(|s| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    });
    match scheme {
        Some("sqlite") => Ok(Scheme::Sqlite),
        Some("postgres" | "postgresql") => Ok(Scheme::Postgres),
        Some(scheme) => Err(anyhow::anyhow!(
            "--database-url: {scheme}: URLs are not supported; use a SQLite URL such as \
             sqlite://data/herald.db or a PostgreSQL URL such as postgres://host/herald"
        )),
        None => Err(anyhow::anyhow!(
            "--database-url must be a SQLite URL such as sqlite://data/herald.db or a \
             PostgreSQL URL such as postgres://host/herald (a bare file name is not one)"
        )),
    }
}

/// The options of a `sqlite:` URL (`sqlite://data/herald.db`, `sqlite::memory:`).
fn sqlite_options(url: &str) -> anyhow::Result<SqliteConnectOptions> {
    SqliteConnectOptions::from_str(url)
        .map_err(|e| anyhow::anyhow!("--database-url {url:?} is not a SQLite URL: {e}"))
}

/// The options of a `postgres:` URL. The error never repeats the URL: it may hold a
/// password.
fn postgres_options(url: &str) -> anyhow::Result<PgConnectOptions> {
    PgConnectOptions::from_str(url)
        .map_err(|e| anyhow::anyhow!("--database-url is not a valid PostgreSQL URL: {e}"))
}

/// The database Herald runs on: the SQLite file beside one process (the default), or a
/// PostgreSQL server that several processes share.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Db {
    /// True on PostgreSQL, where other processes may share the database.
    pub fn is_postgres(&self) -> bool {
        matches!(self, Db::Postgres(_))
    }

    /// The statement for this database, where the two spell it differently (the texts
    /// side by side at the caller; binds and decoding are shared through [`on!`]).
    pub fn dialect(&self, sqlite: &'static str, postgres: &'static str) -> &'static str {
        match self {
            Db::Sqlite(_) => sqlite,
            Db::Postgres(_) => postgres,
        }
    }

    /// True once [`Db::close`] ran.
    pub fn is_closed(&self) -> bool {
        on!(self, p => p.is_closed())
    }

    /// Close every connection, waiting for those in use to come back.
    pub async fn close(&self) {
        on!(self, p => p.close().await)
    }
}

/// Open the database `url` names. SQLite: the file is created if missing, in WAL mode with
/// foreign keys on; a write-ahead log that SQLite restarts itself is cut back to
/// `wal_limit_bytes`. PostgreSQL: a pool of connections to an existing database.
pub async fn connect(url: &str, wal_limit_bytes: u64) -> anyhow::Result<Db> {
    match scheme(url)? {
        Scheme::Sqlite => connect_sqlite(url, wal_limit_bytes).await.map(Db::Sqlite),
        Scheme::Postgres => connect_postgres(url).await.map(Db::Postgres),
    }
}

/// Connections each process keeps to PostgreSQL at most.
const PG_CONNECTIONS: u32 = 16;

async fn connect_postgres(url: &str) -> anyhow::Result<PgPool> {
    let options = postgres_options(url)?;
    let (host, port, database) = (
        options.get_host().to_string(),
        options.get_port(),
        options.get_database().unwrap_or("").to_string(),
    );
    PgPoolOptions::new()
        .max_connections(PG_CONNECTIONS)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot open the PostgreSQL database {database:?} at {host}:{port}: {e}"
            )
        })
}

async fn connect_sqlite(url: &str, wal_limit_bytes: u64) -> anyhow::Result<SqlitePool> {
    let options = sqlite_options(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // Every commit is synced to disk before it returns: an event acknowledged with a
        // 2xx survives a power loss. (With NORMAL, WAL commits are not synced, and the last
        // ones can vanish.) Ingest commits a whole PutEvents at once, so the sync is paid
        // per request, not per event.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT)
        // No checkpoint inside a commit: it would hold the one writer while it copies the
        // log into the database and syncs it (hundreds of ms here). The server checkpoints
        // in the background instead ([`checkpoint`], [`truncate_log`]), and the last
        // connection to close checkpoints what is left.
        .pragma("wal_autocheckpoint", "0")
        .pragma("journal_size_limit", wal_limit_bytes.to_string());
    if let Some(dir) = options.get_filename().parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir).map_err(|e| {
                anyhow::anyhow!(
                    "cannot create the database directory {}: {e}",
                    dir.display()
                )
            })?;
        }
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        // A local file, not a network peer: pinging it before each use only costs a round
        // trip to the connection's thread.
        .test_before_acquire(false)
        .connect_with(options)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open the database {url}: {e}"))?;
    Ok(pool)
}

/// Create the empty database `name` (letters, digits, `_`) on the PostgreSQL server `url`
/// names, and return the URL of the new database: for the bench and for operators'
/// scripts, never called by the server.
pub async fn create_postgres_database(url: &str, name: &str) -> anyhow::Result<String> {
    if name.is_empty()
        || name.len() > 63
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(anyhow::anyhow!(
            "database name {name:?}: at most 63 lowercase letters, digits and _"
        ));
    }
    let pool = connect_postgres(url).await?;
    let made = sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&pool)
        .await;
    pool.close().await;
    made.map_err(|e| anyhow::anyhow!("creating the database {name}: {e}"))?;
    // The same URL with the new database as its path (the query, if any, kept).
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let authority_end = base
        .find("://")
        .map(|i| i + 3)
        .and_then(|i| base[i..].find('/').map(|j| i + j))
        .unwrap_or(base.len());
    let mut out = format!("{}/{name}", &base[..authority_end]);
    if !query.is_empty() {
        out = format!("{out}?{query}");
    }
    Ok(out)
}

/// The directory for files kept beside the database (the secret key file): the SQLite
/// file's directory; `None` on PostgreSQL, which has no directory on this machine.
pub fn data_dir(url: &str) -> anyhow::Result<Option<std::path::PathBuf>> {
    if let Scheme::Postgres = scheme(url)? {
        postgres_options(url)?;
        return Ok(None);
    }
    let options = sqlite_options(url)?;
    let dir = options
        .get_filename()
        .parent()
        .map(|p| p.to_path_buf())
        .unwrap_or_default();
    Ok(Some(if dir.as_os_str().is_empty() {
        std::path::PathBuf::from(".")
    } else {
        dir
    }))
}

/// Apply the migrations that have not run yet: `migrations/sqlite` or
/// `migrations/postgres`, which hold the same versions. On PostgreSQL sqlx takes an
/// advisory lock first, so nodes starting together migrate once.
pub async fn migrate(db: &Db) -> anyhow::Result<()> {
    match db {
        Db::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await,
        Db::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await,
    }
    .map_err(|e| anyhow::anyhow!("applying database migrations: {e}"))
}

/// Copy what the write-ahead log holds into the database, without blocking writers
/// (`PASSIVE`): (frames in the log, frames copied). This never shortens the log: under a
/// steady load there is always a reader or a writer, and SQLite starts the log over only
/// when nobody is using it, so the file grows until [`truncate_log`]. Nothing on
/// PostgreSQL, which checkpoints itself.
pub async fn checkpoint(db: &Db) -> Result<(i64, i64), sqlx::Error> {
    let Db::Sqlite(pool) = db else {
        return Ok((0, 0));
    };
    let (_busy, log, copied): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
        .fetch_one(pool)
        .await?;
    Ok((log, copied))
}

/// How long [`truncate_log`] waits for readers to finish with the log before it gives up
/// (and tries again later): it holds the write gate meanwhile, so writers wait as long.
const TRUNCATE_WAIT: Duration = Duration::from_millis(500);

/// Copy the whole write-ahead log into the database and cut the file to zero bytes
/// (`TRUNCATE`), so the disk does not fill under a steady load. It needs the one writer and
/// waits for every reader of the log to finish, so it takes this process's write gate
/// (writers queue there rather than in SQLite's busy handler) and waits at most
/// [`TRUNCATE_WAIT`]. True when the log was truncated; false when a reader outlasted the
/// wait (the log is left as it was, to be tried again). Nothing on PostgreSQL.
pub async fn truncate_log(db: &Db) -> Result<bool, sqlx::Error> {
    let Db::Sqlite(pool) = db else {
        return Ok(true);
    };
    let _turn = turn(db, "checkpoint").await;
    let mut conn = pool.acquire().await?;
    sqlx::query(&format!(
        "PRAGMA busy_timeout = {}",
        TRUNCATE_WAIT.as_millis()
    ))
    .execute(&mut *conn)
    .await?;
    let done: Result<(i64, i64, i64), sqlx::Error> =
        sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(&mut *conn)
            .await;
    let restored = sqlx::query(&format!(
        "PRAGMA busy_timeout = {}",
        BUSY_TIMEOUT.as_millis()
    ))
    .execute(&mut *conn)
    .await;
    if restored.is_err() {
        // Not back in the pool with the short wait.
        conn.close_on_drop();
    }
    let (busy, _, _) = done?;
    restored?;
    Ok(busy == 0)
}

/// The write-ahead log's file of the database at `url`; `None` for a database in memory
/// and on PostgreSQL.
pub fn wal_path(url: &str) -> Option<std::path::PathBuf> {
    if !matches!(scheme(url), Ok(Scheme::Sqlite))
        || url.contains(":memory:")
        || url.contains("mode=memory")
    {
        return None;
    }
    let options = SqliteConnectOptions::from_str(url).ok()?;
    let file = options.get_filename();
    let name = file.to_str()?;
    if name.is_empty() {
        return None;
    }
    Some(std::path::PathBuf::from(format!("{name}-wal")))
}

/// The size of the write-ahead log's file: 0 when there is none (yet, or after a close).
pub fn wal_bytes(path: &std::path::Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// A trivial query, to tell whether the database answers.
pub async fn ping(db: &Db) -> Result<(), sqlx::Error> {
    on!(db, p => sqlx::query("SELECT 1").execute(p).await.map(|_| ()))
}

/// Writers of this process queue here, in order, before they ask SQLite for its one write
/// lock: a writer that finds the lock taken would otherwise sleep in SQLite's busy handler
/// (1, 2, 5, 10… ms) and wake late, which under load costs more than the writes themselves.
static WRITE_GATE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Write transactions so far, and the microseconds they spent waiting at the gate and
/// holding it: how busy the one writer is, for `/metrics`.
static WRITES: AtomicU64 = AtomicU64::new(0);
static WRITE_WAIT_US: AtomicU64 = AtomicU64::new(0);
static WRITE_HOLD_US: AtomicU64 = AtomicU64::new(0);

/// How the write gate has been used since start: (transactions, seconds spent waiting for
/// it, seconds spent holding it).
pub fn write_figures() -> (u64, f64, f64) {
    (
        WRITES.load(Ordering::Relaxed),
        WRITE_WAIT_US.load(Ordering::Relaxed) as f64 / 1e6,
        WRITE_HOLD_US.load(Ordering::Relaxed) as f64 / 1e6,
    )
}

/// A turn at the gate; counts how long it was held when given up.
struct Turn {
    _guard: tokio::sync::MutexGuard<'static, ()>,
    since: Instant,
}

impl Drop for Turn {
    fn drop(&mut self) {
        WRITE_HOLD_US.fetch_add(self.since.elapsed().as_micros() as u64, Ordering::Relaxed);
    }
}

/// A transaction of either database (see [`on_tx!`]).
enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// A write transaction, holding its turn at the write gate (SQLite) until it ends.
pub struct WriteTx {
    // Declared first: dropped (rolled back) before the turn is given up.
    tx: Tx,
    _turn: Option<Turn>,
}

impl WriteTx {
    /// Commit, then give up the turn.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self.tx {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }
}

/// Where a read runs: on the pool, or inside a write transaction (to see its writes).
pub enum Reader<'a> {
    Pool(&'a Db),
    Tx(&'a mut WriteTx),
}

impl<'a> From<&'a Db> for Reader<'a> {
    fn from(db: &'a Db) -> Self {
        Reader::Pool(db)
    }
}

impl<'a> From<&'a mut WriteTx> for Reader<'a> {
    fn from(tx: &'a mut WriteTx) -> Self {
        Reader::Tx(tx)
    }
}

/// Start a transaction that writes. SQLite: it waits its turn at the process's write gate,
/// then `BEGIN IMMEDIATE` takes SQLite's write lock up front (waiting, with the busy
/// timeout, only for another process), so it never fails when a read turns into a write.
/// PostgreSQL: a plain transaction; rows are locked as they are written.
pub async fn begin_write(db: &Db) -> Result<WriteTx, sqlx::Error> {
    let turn = turn(db, "transaction").await;
    let tx = match db {
        Db::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
        Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
    };
    Ok(WriteTx { tx, _turn: turn })
}

/// Wait for a turn at the write gate, counting the wait; `kind` names the write (for
/// [`crate::server::work`]). A single statement that writes takes a turn and runs on the
/// pool (SQLite makes it a transaction of its own); several take [`begin_write`]. Never
/// taken twice by one task: the gate is not reentrant. PostgreSQL has no one writer:
/// there is no gate to wait at (`None`).
async fn turn(db: &Db, kind: &'static str) -> Option<Turn> {
    crate::server::work::wrote(kind);
    if db.is_postgres() {
        return None;
    }
    let asked = Instant::now();
    let guard = WRITE_GATE.lock().await;
    let turn = Turn {
        _guard: guard,
        since: Instant::now(),
    };
    WRITES.fetch_add(1, Ordering::Relaxed);
    WRITE_WAIT_US.fetch_add(
        turn.since.duration_since(asked).as_micros() as u64,
        Ordering::Relaxed,
    );
    Some(turn)
}

/// Rows one slice of a large deletion (a bus's history, a rule's deliveries) touches in
/// its write transaction: the gate is never held long, so ingest and the console do not
/// wait behind one deletion.
pub const SLICE: i64 = 500;

/// Now, as the text the schema's time columns hold (`2026-11-22T10:00:00.123Z`, the shape
/// of SQLite's `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')` defaults): portable SQL never makes
/// the time itself, it binds this.
pub fn now_text() -> String {
    time_text(time::OffsetDateTime::now_utc())
}

/// `at` as the text the schema's time columns hold (see [`now_text`]).
pub fn time_text(at: time::OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.millisecond()
    )
}

/// Ids as a JSON array, for `IN (SELECT value FROM json_each(?))`: one bound parameter
/// whatever the number of ids.
pub fn id_list(ids: &[i64]) -> String {
    serde_json::to_string(ids).expect("integers serialise")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn urls_are_taken_by_scheme_and_errors_never_show_a_password() {
        // Nothing listens on port 1: the connection is refused at once.
        let err = connect("postgres://herald:s3cret@127.0.0.1:1/herald", 1 << 20)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("cannot open the PostgreSQL database"), "{err}");
        assert!(!err.contains("s3cret"), "{err}");
        assert!(
            !std::path::Path::new("postgres:").exists(),
            "a directory was made"
        );
        assert_eq!(data_dir("postgresql://h/db").unwrap(), None);
        let err = connect("mysql://u:p@h/db", 1 << 20)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("mysql: URLs are not supported"), "{err}");
        assert!(!err.contains("u:p"), "{err}");
        let err = connect("data/herald.db", 1 << 20)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("must be a SQLite URL"), "{err}");
        assert!(matches!(
            connect("sqlite::memory:", 1 << 20).await,
            Ok(Db::Sqlite(_))
        ));
    }

    #[tokio::test]
    async fn commits_are_synced_and_the_log_is_truncated_on_demand() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("h.db").display());
        let db = connect(&url, 8 << 20).await.unwrap();
        let Db::Sqlite(pool) = db.clone() else {
            unreachable!("a sqlite: URL")
        };
        let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(synchronous, 2, "FULL");
        let limit: i64 = sqlx::query_scalar("PRAGMA journal_size_limit")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(limit, 8 << 20);

        sqlx::query("CREATE TABLE t (x); INSERT INTO t VALUES (randomblob(100000));")
            .execute(&pool)
            .await
            .unwrap();
        let wal = wal_path(&url).unwrap();
        assert!(wal.to_string_lossy().ends_with("h.db-wal"), "{wal:?}");
        assert!(wal_bytes(&wal) > 100_000);
        assert!(truncate_log(&db).await.unwrap());
        assert_eq!(wal_bytes(&wal), 0);
        // The connection that truncated went back to the pool with the usual wait.
        let timeouts: Vec<i64> = {
            let mut out = Vec::new();
            for _ in 0..2 {
                out.push(
                    sqlx::query_scalar("PRAGMA busy_timeout")
                        .fetch_one(&pool)
                        .await
                        .unwrap(),
                );
            }
            out
        };
        assert!(timeouts.iter().all(|t| *t == 5000), "{timeouts:?}");
    }

    #[test]
    fn times_are_written_in_the_shape_of_the_schemas_defaults() {
        // 2026-03-04 05:06:07.089 in Tokyo.
        let at = (time::OffsetDateTime::from_unix_timestamp(1772568367).unwrap()
            + time::Duration::milliseconds(89))
        .to_offset(time::UtcOffset::from_hms(9, 0, 0).unwrap());
        assert_eq!(time_text(at), "2026-03-03T20:06:07.089Z");
        assert_eq!(now_text().len(), "2026-03-03T20:06:07.089Z".len());
    }

    #[test]
    fn a_database_in_memory_or_on_postgresql_has_no_log_file() {
        assert_eq!(wal_path("sqlite::memory:"), None);
        assert_eq!(wal_path("postgres://h/herald"), None);
        assert_eq!(
            wal_path("sqlite://data/herald.db"),
            Some(std::path::PathBuf::from("data/herald.db-wal"))
        );
    }
}

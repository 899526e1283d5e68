//! Every SQL statement of Herald, a file per aggregate. Functions take a `&SqlitePool` or a
//! `&mut SqliteConnection` (inside a transaction) and return `sqlx` results; the services
//! decide what a failure means to the user.

pub mod access_keys;
pub mod accounts;
pub mod audit;
pub mod bus_tokens;
pub mod contacts;
pub mod eventbridge;
pub mod events;
pub mod login_failures;
pub mod policies;
pub mod rules;
pub mod sessions;
pub mod unknown_types;
pub mod workspaces;

#[cfg(test)]
mod plans;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long a statement waits for a lock another connection holds.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The options of a `sqlite:` URL (`sqlite://data/herald.db`, `sqlite::memory:`). Anything
/// else is refused naming only its scheme (a PostgreSQL URL may hold a password): sqlx would
/// take `postgres://host/db` for a file name and create a directory `postgres:`.
fn sqlite_options(url: &str) -> anyhow::Result<SqliteConnectOptions> {
    if !url.starts_with("sqlite:") {
        let scheme = url.split_once(':').map(|(s, _)| s).filter(|s| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
        });
        return Err(match scheme {
            Some("postgres" | "postgresql") => anyhow::anyhow!(
                "--database-url: PostgreSQL is not supported by this version of Herald yet; \
                 use a SQLite URL such as sqlite://data/herald.db"
            ),
            Some(scheme) => anyhow::anyhow!(
                "--database-url: {scheme}: URLs are not supported; use a SQLite URL such as \
                 sqlite://data/herald.db"
            ),
            None => anyhow::anyhow!(
                "--database-url must be a SQLite URL such as sqlite://data/herald.db (a bare \
                 file name is not one)"
            ),
        });
    }
    SqliteConnectOptions::from_str(url)
        .map_err(|e| anyhow::anyhow!("--database-url {url:?} is not a SQLite URL: {e}"))
}

/// Open (creating if missing) the SQLite database at `url`, in WAL mode with foreign keys
/// on; a write-ahead log that SQLite restarts itself is cut back to `wal_limit_bytes`.
pub async fn connect(url: &str, wal_limit_bytes: u64) -> anyhow::Result<SqlitePool> {
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

/// The directory holding the database file (where the secret key file lives).
pub fn data_dir(url: &str) -> anyhow::Result<std::path::PathBuf> {
    let options = sqlite_options(url)?;
    let dir = options
        .get_filename()
        .parent()
        .map(|p| p.to_path_buf())
        .unwrap_or_default();
    Ok(if dir.as_os_str().is_empty() {
        std::path::PathBuf::from(".")
    } else {
        dir
    })
}

/// Apply the migrations in `migrations/` that have not run yet.
pub async fn migrate(pool: &SqlitePool) -> anyhow::Result<()> {
    sqlx::migrate!("./migrations/sqlite")
        .run(pool)
        .await
        .map_err(|e| anyhow::anyhow!("applying database migrations: {e}"))
}

/// Copy what the write-ahead log holds into the database, without blocking writers
/// (`PASSIVE`): (frames in the log, frames copied). This never shortens the log: under a
/// steady load there is always a reader or a writer, and SQLite starts the log over only
/// when nobody is using it, so the file grows until [`truncate_log`].
pub async fn checkpoint(pool: &SqlitePool) -> Result<(i64, i64), sqlx::Error> {
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
/// wait (the log is left as it was, to be tried again).
pub async fn truncate_log(pool: &SqlitePool) -> Result<bool, sqlx::Error> {
    let _turn = turn("checkpoint").await;
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

/// The write-ahead log's file of the database at `url`; `None` for a database in memory.
pub fn wal_path(url: &str) -> Option<std::path::PathBuf> {
    if url.contains(":memory:") || url.contains("mode=memory") {
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
pub async fn ping(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1").execute(pool).await.map(|_| ())
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

/// A write transaction holding its turn at the write gate until it ends.
pub struct WriteTx {
    // Declared first: dropped (rolled back) before the turn is given up.
    tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    _turn: Turn,
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::SqliteConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

impl WriteTx {
    /// Commit, then give up the turn.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

/// Start a transaction that writes: it waits its turn at the process's write gate, then
/// `BEGIN IMMEDIATE` takes SQLite's write lock up front (waiting, with the busy timeout,
/// only for another process), so it never fails when a read turns into a write.
pub async fn begin_write(pool: &sqlx::SqlitePool) -> Result<WriteTx, sqlx::Error> {
    let turn = turn("transaction").await;
    let tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    Ok(WriteTx { tx, _turn: turn })
}

/// Wait for a turn at the write gate, counting the wait; `kind` names the write (for
/// [`crate::server::work`]). A single statement that writes takes a turn and runs on the
/// pool (SQLite makes it a transaction of its own); several take [`begin_write`]. Never
/// taken twice by one task: the gate is not reentrant.
async fn turn(kind: &'static str) -> Turn {
    crate::server::work::wrote(kind);
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
    turn
}

/// Rows one slice of a large deletion (a bus's history, a rule's deliveries) touches in
/// its write transaction: the gate is never held long, so ingest and the console do not
/// wait behind one deletion.
pub const SLICE: i64 = 500;

/// Ids as a JSON array, for `IN (SELECT value FROM json_each(?))`: one bound parameter
/// whatever the number of ids.
pub fn id_list(ids: &[i64]) -> String {
    serde_json::to_string(ids).expect("integers serialise")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_sqlite_urls_are_taken_and_others_are_refused_by_scheme_alone() {
        let err = connect("postgres://herald:s3cret@db.internal/herald", 1 << 20)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("PostgreSQL is not supported"), "{err}");
        assert!(
            !err.contains("s3cret") && !err.contains("db.internal"),
            "{err}"
        );
        assert!(
            !std::path::Path::new("postgres:").exists(),
            "a directory was made"
        );
        let err = data_dir("postgresql://h/db").unwrap_err().to_string();
        assert!(err.contains("PostgreSQL is not supported"), "{err}");
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
        assert!(connect("sqlite::memory:", 1 << 20).await.is_ok());
    }

    #[tokio::test]
    async fn commits_are_synced_and_the_log_is_truncated_on_demand() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("h.db").display());
        let pool = connect(&url, 8 << 20).await.unwrap();
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
        assert!(truncate_log(&pool).await.unwrap());
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
    fn a_database_in_memory_has_no_log_file() {
        assert_eq!(wal_path("sqlite::memory:"), None);
        assert_eq!(
            wal_path("sqlite://data/herald.db"),
            Some(std::path::PathBuf::from("data/herald.db-wal"))
        );
    }
}

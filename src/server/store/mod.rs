//! Every SQL statement of Herald, a file per aggregate. Functions take a `&SqlitePool` or a
//! `&mut SqliteConnection` (inside a transaction) and return `sqlx` results; the services
//! decide what a failure means to the user.

pub mod access_keys;
pub mod accounts;
pub mod audit;
pub mod contacts;
pub mod eventbridge;
pub mod events;
pub mod login_failures;
pub mod policies;
pub mod rules;
pub mod workspaces;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::str::FromStr;
use std::time::Duration;

/// Open (creating if missing) the SQLite database at `url`, in WAL mode with foreign keys on.
pub async fn connect(url: &str) -> anyhow::Result<SqlitePool> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| anyhow::anyhow!("--database-url {url:?} is not a SQLite URL: {e}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
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
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| anyhow::anyhow!("--database-url {url:?} is not a SQLite URL: {e}"))?;
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
    sqlx::migrate!("./migrations")
        .run(pool)
        .await
        .map_err(|e| anyhow::anyhow!("applying database migrations: {e}"))
}

/// A trivial query, to tell whether the database answers.
pub async fn ping(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1").execute(pool).await.map(|_| ())
}

/// Writers of this process queue here, in order, before they ask SQLite for its one write
/// lock: a writer that finds the lock taken would otherwise sleep in SQLite's busy handler
/// (1, 2, 5, 10… ms) and wake late, which under load costs more than the writes themselves.
static WRITE_GATE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A write transaction holding its turn at the write gate until it ends.
pub struct WriteTx {
    // Declared first: dropped (rolled back) before the turn is given up.
    tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    _turn: tokio::sync::MutexGuard<'static, ()>,
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
    let turn = WRITE_GATE.lock().await;
    let tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    Ok(WriteTx { tx, _turn: turn })
}

/// Ids as a JSON array, for `IN (SELECT value FROM json_each(?))`: one bound parameter
/// whatever the number of ids.
pub fn id_list(ids: &[i64]) -> String {
    serde_json::to_string(ids).expect("integers serialise")
}

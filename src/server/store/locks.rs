//! Jobs that must run on one node at a time when several share a PostgreSQL database
//! (retention purges, clean-ups): a session-level advisory lock per job, held on a
//! connection of its own while the job runs. On SQLite one process owns the file, so the
//! lock is always granted. What the jobs do lives with their callers, not here.

use super::Db;

/// A job that runs on one node at a time; its number is its advisory lock's key.
#[derive(Debug, Clone, Copy)]
pub enum Job {
    /// Expired sessions, login counters and old audit entries.
    Housekeeping,
    /// Settled events past `--event-retention`.
    Retention,
}

impl Job {
    /// The advisory lock's key: "herald" in ASCII, then the job's number, so Herald's
    /// locks do not collide with another application's on the same server.
    fn key(self) -> i64 {
        let n = match self {
            Job::Housekeeping => 1,
            Job::Retention => 2,
        };
        0x6865_7261_6c64_0000 + n
    }
}

/// The right to run a [`Job`] now; dropping it lets another node run it.
pub struct Alone {
    /// PostgreSQL: the connection holding the lock. It is closed when dropped rather than
    /// given back to the pool, which ends its session and so releases the lock even if
    /// the job panicked.
    _conn: Option<sqlx::pool::PoolConnection<sqlx::Postgres>>,
}

/// Take `job`'s lock if no other node holds it (`pg_try_advisory_lock`: never waits);
/// `None` when one does, and it runs the job meanwhile. Always granted on SQLite.
pub async fn try_alone(db: &Db, job: Job) -> Result<Option<Alone>, sqlx::Error> {
    let Db::Postgres(pool) = db else {
        return Ok(Some(Alone { _conn: None }));
    };
    let mut conn = pool.acquire().await?;
    let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(job.key())
        .fetch_one(&mut *conn)
        .await?;
    if !got {
        return Ok(None);
    }
    conn.close_on_drop();
    Ok(Some(Alone { _conn: Some(conn) }))
}

//! Robots' and rate-limited targets' recent sends, where every node sharing a PostgreSQL
//! database sees them: the pacer reads and rewrites one key's row inside a transaction
//! that locks it, so two nodes never both take the last send of a window. (On SQLite one
//! process sends, and its pacer keeps the sends in memory instead.)

use std::collections::VecDeque;

use super::{begin_write, turn, Db};

/// One key's pace: its recent sends (Unix ms, oldest first) and the last slot given to a
/// delivery that had to wait for the key's rate.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pace {
    pub sends: VecDeque<i64>,
    pub last_slot: i64,
}

/// Run `decide` over `key`'s pace at `now_ms`, the row locked against every other node,
/// and store the pace it leaves. `decide` is plain computation: nothing waits on the
/// network while the row is locked.
pub async fn with_pace<T>(
    db: &Db,
    key: &str,
    now_ms: i64,
    decide: impl FnOnce(&mut Pace) -> T,
) -> Result<T, sqlx::Error> {
    let mut tx = begin_write(db).await?;
    // The upsert makes the row if it is new and locks it either way (on PostgreSQL until
    // the transaction ends; on SQLite the write transaction holds the file).
    let (sends, last_slot): (String, i64) = on_tx!(tx, c => sqlx::query_as(
        "INSERT INTO paces (key, sends, last_slot, touched_ms) VALUES ($1, '', $2, $3) \
         ON CONFLICT (key) DO UPDATE SET touched_ms = excluded.touched_ms \
         RETURNING sends, last_slot",
    )
    .bind(key)
    .bind(i64::MIN)
    .bind(now_ms)
    .fetch_one(c)
    .await)?;
    let mut pace = Pace {
        sends: sends
            .split(',')
            .filter_map(|t| t.parse::<i64>().ok())
            .collect(),
        last_slot,
    };
    let decided = decide(&mut pace);
    let sends = pace
        .sends
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    on_tx!(tx, c => sqlx::query(
        "UPDATE paces SET sends = $2, last_slot = $3, touched_ms = $4 WHERE key = $1",
    )
    .bind(key)
    .bind(sends)
    .bind(pace.last_slot)
    .bind(now_ms)
    .execute(c)
    .await
    .map(|_| ()))?;
    tx.commit().await?;
    Ok(decided)
}

/// Forget the keys nothing was sent to since `before_ms` (robots of deleted targets, rates
/// long unused): their windows are empty anyway. The number forgotten.
pub async fn forget_idle(db: &Db, before_ms: i64) -> Result<u64, sqlx::Error> {
    let _turn = turn(db, "paces").await;
    on!(db, c => sqlx::query("DELETE FROM paces WHERE touched_ms < $1")
        .bind(before_ms)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))
}

/// Every key kept, in order (for tests: what the table reveals).
#[cfg(test)]
pub async fn keys(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    on!(db, c => sqlx::query_scalar("SELECT key FROM paces ORDER BY key")
        .fetch_all(c)
        .await)
}

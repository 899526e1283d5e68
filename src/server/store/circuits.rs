//! Open circuit breakers, where every node sharing a PostgreSQL database sees them: the
//! node whose attempts open a target's circuit writes it here, the node whose probe closes
//! it deletes it, and every node follows the table (see
//! [`crate::server::delivery::breaker`]). A closed circuit has no row. (On SQLite one
//! process sends, and the circuits live in its memory only.)

use super::{turn, Db};

/// A circuit some node opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct OpenCircuit {
    pub target_id: i64,
    /// Until when it stays open (Unix ms); then one delivery probes.
    pub until_ms: i64,
    /// Times it opened without closing in between (the open period doubles each time).
    pub opened: i64,
}

/// `target`'s circuit is open until `until_ms`, having opened `opened` times in a row.
/// Nothing is written for a target deleted meanwhile.
pub async fn open(db: &Db, target: i64, until_ms: i64, opened: i64) -> Result<(), sqlx::Error> {
    let _turn = turn(db, "circuit").await;
    on!(db, c => sqlx::query(
        "INSERT INTO circuits (target_id, until_ms, opened) \
         SELECT id, CAST($2 AS BIGINT), CAST($3 AS BIGINT) FROM targets WHERE id = $1 \
         ON CONFLICT (target_id) DO UPDATE SET until_ms = excluded.until_ms, opened = excluded.opened",
    )
    .bind(target)
    .bind(until_ms)
    .bind(opened)
    .execute(c)
    .await
    .map(|_| ()))
}

/// `target`'s circuit closed.
pub async fn close(db: &Db, target: i64) -> Result<(), sqlx::Error> {
    let _turn = turn(db, "circuit").await;
    on!(db, c => sqlx::query("DELETE FROM circuits WHERE target_id = $1")
        .bind(target)
        .execute(c)
        .await
        .map(|_| ()))
}

/// Every open circuit (a handful at most: only unreachable targets have one).
pub async fn all_open(db: &Db) -> Result<Vec<OpenCircuit>, sqlx::Error> {
    on!(db, c => sqlx::query_as("SELECT target_id, until_ms, opened FROM circuits ORDER BY target_id")
        .fetch_all(c)
        .await)
}

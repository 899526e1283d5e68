//! Workspaces of an account.

use super::{Db, WriteTx};
use crate::domain::models::WorkspaceSummary;

const SELECT: &str = "SELECT w.id, w.name, w.created_at, b.name AS bus_name
     FROM workspaces w
     LEFT JOIN event_buses b ON b.workspace_id = w.id AND b.account_id = w.account_id";

/// One workspace of account `$1` by name `$2`, whatever its case: SQLite's `name` is
/// `COLLATE NOCASE` (its unique key is the index), PostgreSQL's unique index is on
/// `lower(name)`; each text compares the way its index is built.
const FIND_SQLITE: &str = "WHERE w.account_id = $1 AND w.name = $2";
const FIND_PG: &str = "WHERE w.account_id = $1 AND lower(w.name) = lower($2)";

/// Create a workspace; a unique violation means the account already has one of that name.
pub async fn insert(conn: &mut WriteTx, account_id: i64, name: &str) -> Result<i64, sqlx::Error> {
    on_tx!(conn, c => sqlx::query_scalar(
        "INSERT INTO workspaces (account_id, name) VALUES ($1, $2) RETURNING id",
    )
    .bind(account_id)
    .bind(name)
    .fetch_one(c)
    .await)
}

/// The account's workspaces, by name whatever its case (SQLite's `COLLATE NOCASE` order;
/// `lower` folds ASCII letters only, on SQLite and in PostgreSQL's C collation).
pub async fn list(db: &Db, account_id: i64) -> Result<Vec<WorkspaceSummary>, sqlx::Error> {
    on!(db, c => sqlx::query_as(&format!(
        "{SELECT} WHERE w.account_id = $1 ORDER BY lower(w.name)"
    ))
    .bind(account_id)
    .fetch_all(c)
    .await)
}

/// One workspace of the account by name (case-insensitive).
pub async fn find(
    db: &Db,
    account_id: i64,
    name: &str,
) -> Result<Option<WorkspaceSummary>, sqlx::Error> {
    let sql = format!("{SELECT} {}", db.dialect(FIND_SQLITE, FIND_PG));
    on!(db, p => sqlx::query_as(&sql)
        .bind(account_id)
        .bind(name)
        .fetch_optional(p)
        .await)
}

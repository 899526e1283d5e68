//! Workspaces of an account.

use super::{Db, WriteTx};
use crate::domain::models::WorkspaceSummary;

const SELECT: &str = "SELECT w.id, w.name, w.created_at, b.name AS bus_name
     FROM workspaces w
     LEFT JOIN event_buses b ON b.workspace_id = w.id AND b.account_id = w.account_id";

/// Create a workspace; a unique violation means the account already has one of that name.
pub async fn insert(conn: &mut WriteTx, account_id: i64, name: &str) -> Result<i64, sqlx::Error> {
    let conn = sqlite_tx!(conn);

    sqlx::query_scalar("INSERT INTO workspaces (account_id, name) VALUES (?1, ?2) RETURNING id")
        .bind(account_id)
        .bind(name)
        .fetch_one(conn)
        .await
}

/// The account's workspaces, by name.
pub async fn list(db: &Db, account_id: i64) -> Result<Vec<WorkspaceSummary>, sqlx::Error> {
    let pool = sqlite_only!(db);

    sqlx::query_as(&format!("{SELECT} WHERE w.account_id = ?1 ORDER BY w.name"))
        .bind(account_id)
        .fetch_all(pool)
        .await
}

/// One workspace of the account by name (case-insensitive).
pub async fn find(
    db: &Db,
    account_id: i64,
    name: &str,
) -> Result<Option<WorkspaceSummary>, sqlx::Error> {
    let pool = sqlite_only!(db);

    sqlx::query_as(&format!("{SELECT} WHERE w.account_id = ?1 AND w.name = ?2"))
        .bind(account_id)
        .bind(name)
        .fetch_optional(pool)
        .await
}

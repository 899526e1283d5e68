//! The audit log: who did what, when.

use crate::domain::models::{AuditEntryView, AuditFilter};
use sqlx::SqlitePool;

/// One entry to write.
pub struct NewEntry<'a> {
    pub account_id: i64,
    pub actor_user_id: Option<i64>,
    pub actor: &'a str,
    pub action: &'a str,
    pub resource: &'a str,
    pub outcome: &'a str,
    pub detail: &'a str,
}

/// Append an entry.
pub async fn insert(pool: &SqlitePool, e: &NewEntry<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (account_id, actor_user_id, actor, action, resource, outcome, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .bind(e.account_id)
    .bind(e.actor_user_id)
    .bind(e.actor)
    .bind(e.action)
    .bind(e.resource)
    .bind(e.outcome)
    .bind(e.detail)
    .execute(pool)
    .await
    .map(|_| ())
}

/// The account's entries matching `filter`, newest first, at most `limit`. `since` is an
/// already normalised UTC timestamp (or empty).
pub async fn list(
    pool: &SqlitePool,
    account_id: i64,
    filter: &AuditFilter,
    since: &str,
    limit: i64,
) -> Result<Vec<AuditEntryView>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, at, actor, action, resource, outcome, detail FROM audit_log
         WHERE account_id = ?1
           AND (?2 = '' OR instr(lower(actor), lower(?2)) > 0)
           AND (?3 = '' OR instr(lower(action), lower(?3)) > 0)
           AND (?4 = '' OR outcome = ?4)
           AND (?5 = '' OR at >= ?5)
           AND (?6 IS NULL OR id < ?6)
         ORDER BY id DESC LIMIT ?7",
    )
    .bind(account_id)
    .bind(&filter.actor)
    .bind(&filter.action)
    .bind(&filter.outcome)
    .bind(since)
    .bind(filter.before_id)
    .bind(limit)
    .fetch_all(pool)
    .await
}

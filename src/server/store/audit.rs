//! The audit log: who did what, when. Repeated failed logins share a row with a count
//! ([`count_repeat`]); entries past the retention are deleted in slices ([`purge_before`]).

use super::{Db, WriteTx};
use crate::domain::models::{AuditEntryView, AuditFilter};

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

/// Append an entry (a write of its own, at the write gate).
pub async fn insert(db: &Db, e: &NewEntry<'_>) -> Result<(), sqlx::Error> {
    let _turn = super::turn(db, "audit").await;
    on!(db, c => sqlx::query(
        "INSERT INTO audit_log (account_id, actor_user_id, actor, action, resource, outcome, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(e.account_id)
    .bind(e.actor_user_id)
    .bind(e.actor)
    .bind(e.action)
    .bind(e.resource)
    .bind(e.outcome)
    .bind(e.detail)
    .execute(c)
    .await
    .map(|_| ()))
}

/// Count one more occurrence of a repeated entry: the first inserts `e` under
/// `repeat_key`, the next ones add one to its count. Nothing is written when the account
/// does not exist, but the statement runs all the same (in the caller's transaction), so a
/// stranger cannot tell a known account from an unknown one by the work done.
pub async fn count_repeat(
    conn: &mut WriteTx,
    e: &NewEntry<'_>,
    repeat_key: &str,
) -> Result<(), sqlx::Error> {
    on_tx!(conn, c => sqlx::query(
        "INSERT INTO audit_log (account_id, actor_user_id, actor, action, resource, outcome,
                                detail, repeat_key)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8
         WHERE EXISTS (SELECT 1 FROM accounts WHERE id = $1)
         ON CONFLICT (account_id, repeat_key) WHERE repeat_key IS NOT NULL
         DO UPDATE SET count = audit_log.count + 1",
    )
    .bind(e.account_id)
    .bind(e.actor_user_id)
    .bind(e.actor)
    .bind(e.action)
    .bind(e.resource)
    .bind(e.outcome)
    .bind(e.detail)
    .bind(repeat_key)
    .execute(c)
    .await
    .map(|_| ()))
}

/// Delete up to `limit` entries older than `cutoff` (a stored UTC timestamp), oldest
/// first; the number deleted.
pub async fn purge_before(
    conn: &mut WriteTx,
    cutoff: &str,
    limit: i64,
) -> Result<u64, sqlx::Error> {
    on_tx!(conn, c => sqlx::query(
        "DELETE FROM audit_log WHERE id IN (
             SELECT id FROM audit_log WHERE at < $1 ORDER BY at LIMIT $2)",
    )
    .bind(cutoff)
    .bind(limit)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
}

/// The entries of account `$1` whose actor and action contain `$2` and `$3` whatever
/// their case, with outcome `$4`, at or after `$5`, before id `$6` (each filter unused when
/// empty or NULL), newest first, `$7` at most. Only the substring search differs: SQLite
/// has `instr`, PostgreSQL `strpos` (a `LIKE` would read `%` and `_` in the filter as
/// wildcards).
const LIST_SQLITE: &str =
    "SELECT id, at, actor, action, resource, outcome, detail, count FROM audit_log
     WHERE account_id = $1
       AND ($2 = '' OR instr(lower(actor), lower($2)) > 0)
       AND ($3 = '' OR instr(lower(action), lower($3)) > 0)
       AND ($4 = '' OR outcome = $4)
       AND ($5 = '' OR at >= $5)
       AND ($6 IS NULL OR id < $6)
     ORDER BY id DESC LIMIT $7";
const LIST_PG: &str =
    "SELECT id, at, actor, action, resource, outcome, detail, count FROM audit_log
     WHERE account_id = $1
       AND ($2 = '' OR strpos(lower(actor), lower($2)) > 0)
       AND ($3 = '' OR strpos(lower(action), lower($3)) > 0)
       AND ($4 = '' OR outcome = $4)
       AND ($5 = '' OR at >= $5)
       AND ($6 IS NULL OR id < $6)
     ORDER BY id DESC LIMIT $7";

/// The account's entries matching `filter`, newest first, at most `limit`. `since` is an
/// already normalised UTC timestamp (or empty).
pub async fn list(
    db: &Db,
    account_id: i64,
    filter: &AuditFilter,
    since: &str,
    limit: i64,
) -> Result<Vec<AuditEntryView>, sqlx::Error> {
    let sql = db.dialect(LIST_SQLITE, LIST_PG);
    on!(db, p => sqlx::query_as(sql)
        .bind(account_id)
        .bind(&filter.actor)
        .bind(&filter.action)
        .bind(&filter.outcome)
        .bind(since)
        .bind(filter.before_id)
        .bind(limit)
        .fetch_all(p)
        .await)
}

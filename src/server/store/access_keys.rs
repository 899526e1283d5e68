//! AccessKeys: hashed API tokens of a user.

use super::Db;
use crate::domain::models::AccessKeyView;

/// What authentication needs: the stored hash and whose key it is.
#[derive(Clone, sqlx::FromRow)]
pub struct KeyAuthRow {
    pub id: i64,
    pub user_id: i64,
    pub token_hash: String,
    /// True when `last_used_at` is unset or over a minute old (worth writing again).
    pub stale: bool,
}

const COLUMNS: &str = "k.id, k.name, k.key_id, k.created_at, k.last_used_at, k.revoked_at,
     COALESCE(u.login_name || '@' || u.account_id, u.email, '') AS user";
const FROM: &str = "access_keys k JOIN users u ON u.id = k.user_id";

/// A minute ago, as stored times are written: a key's use is noted at most once a minute.
fn minute_ago() -> String {
    super::time_text(time::OffsetDateTime::now_utc() - time::Duration::minutes(1))
}

/// Store a new key.
pub async fn insert(
    db: &Db,
    account_id: i64,
    user_id: i64,
    name: &str,
    key_id: &str,
    token_hash: &str,
) -> Result<AccessKeyView, sqlx::Error> {
    let _turn = super::turn(db, "access key").await;
    let id: i64 = on!(db, c => sqlx::query_scalar(
        "INSERT INTO access_keys (account_id, user_id, name, key_id, token_hash)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(account_id)
    .bind(user_id)
    .bind(name)
    .bind(key_id)
    .bind(token_hash)
    .fetch_one(c)
    .await)?;
    on!(db, c => sqlx::query_as(&format!("SELECT {COLUMNS} FROM {FROM} WHERE k.id = $1"))
        .bind(id)
        .fetch_one(c)
        .await)
}

/// A user's keys, newest first.
pub async fn list(db: &Db, user_id: i64) -> Result<Vec<AccessKeyView>, sqlx::Error> {
    on!(db, c => sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE k.user_id = $1 ORDER BY k.id DESC"
    ))
    .bind(user_id)
    .fetch_all(c)
    .await)
}

/// Every key of the account, newest first.
pub async fn list_account(db: &Db, account_id: i64) -> Result<Vec<AccessKeyView>, sqlx::Error> {
    on!(db, c => sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE k.account_id = $1 ORDER BY k.id DESC"
    ))
    .bind(account_id)
    .fetch_all(c)
    .await)
}

/// The user a key of the account belongs to.
pub async fn owner_of(db: &Db, account_id: i64, id: i64) -> Result<Option<i64>, sqlx::Error> {
    on!(db, c => sqlx::query_scalar("SELECT user_id FROM access_keys WHERE account_id = $1 AND id = $2")
        .bind(account_id)
        .bind(id)
        .fetch_optional(c)
        .await)
}

/// Revoke a key of the user; false when it is not there or already revoked.
pub async fn revoke(db: &Db, user_id: i64, id: i64) -> Result<bool, sqlx::Error> {
    let _turn = super::turn(db, "access key").await;
    on!(db, c => sqlx::query(
        "UPDATE access_keys SET revoked_at = $3
         WHERE user_id = $1 AND id = $2 AND revoked_at IS NULL",
    )
    .bind(user_id)
    .bind(id)
    .bind(super::now_text())
    .execute(c)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// An unrevoked key by its public id.
pub async fn find_active(db: &Db, key_id: &str) -> Result<Option<KeyAuthRow>, sqlx::Error> {
    on!(db, c => sqlx::query_as(
        "SELECT id, user_id, token_hash,
                (last_used_at IS NULL
                 OR last_used_at < $2) AS stale
         FROM access_keys WHERE key_id = $1 AND revoked_at IS NULL",
    )
    .bind(key_id)
    .bind(minute_ago())
    .fetch_optional(c)
    .await)
}

/// Note the key's use, at most once a minute.
pub async fn touch(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    let _turn = super::turn(db, "access key use").await;
    on!(db, c => sqlx::query(
        "UPDATE access_keys SET last_used_at = $2
         WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)",
    )
    .bind(id)
    .bind(super::now_text())
    .bind(minute_ago())
    .execute(c)
    .await
    .map(|_| ()))
}

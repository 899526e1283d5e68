//! Bus tokens: a bus's EventBridge ingest token, stored as its SHA-256 (one a bus).

use super::Db;

/// What authentication needs: the stored hash, whose token it is and for which bus.
#[derive(Clone, sqlx::FromRow)]
pub struct BusTokenAuthRow {
    pub user_id: i64,
    pub account_id: i64,
    pub bus: String,
    pub token_hash: String,
}

/// The current token's facts, without its hash.
#[derive(Clone, sqlx::FromRow)]
pub struct BusTokenRow {
    pub created_at: String,
    pub created_by: String,
}

/// Make or replace (rotate) the token of the account's bus; `None` when there is no such bus.
pub async fn replace(
    db: &Db,
    account_id: i64,
    bus: &str,
    user_id: i64,
    key_id: &str,
    token_hash: &str,
) -> Result<Option<String>, sqlx::Error> {
    let _turn = super::turn(db, "bus token").await;
    on!(db, c => sqlx::query_scalar(
        "INSERT INTO bus_tokens (bus_id, user_id, key_id, token_hash, created_at)
         SELECT id, $3, $4, $5, $6 FROM event_buses WHERE account_id = $1 AND name = $2
         ON CONFLICT (bus_id) DO UPDATE SET user_id = excluded.user_id,
             key_id = excluded.key_id, token_hash = excluded.token_hash,
             created_at = excluded.created_at
         RETURNING created_at",
    )
    .bind(account_id)
    .bind(bus)
    .bind(user_id)
    .bind(key_id)
    .bind(token_hash)
    .bind(super::now_text())
    .fetch_optional(c)
    .await)
}

/// The token of the account's bus, when it has one.
pub async fn find(db: &Db, account_id: i64, bus: &str) -> Result<Option<BusTokenRow>, sqlx::Error> {
    on!(db, c => sqlx::query_as(
        "SELECT t.created_at,
                COALESCE(u.login_name || '@' || u.account_id, u.email, '') AS created_by
         FROM bus_tokens t
         JOIN event_buses b ON b.id = t.bus_id
         JOIN users u ON u.id = t.user_id
         WHERE b.account_id = $1 AND b.name = $2",
    )
    .bind(account_id)
    .bind(bus)
    .fetch_optional(c)
    .await)
}

/// A token by its public id.
pub async fn find_by_key(db: &Db, key_id: &str) -> Result<Option<BusTokenAuthRow>, sqlx::Error> {
    on!(db, c => sqlx::query_as(
        "SELECT t.user_id, b.account_id, b.name AS bus, t.token_hash
         FROM bus_tokens t JOIN event_buses b ON b.id = t.bus_id
         WHERE t.key_id = $1",
    )
    .bind(key_id)
    .fetch_optional(c)
    .await)
}

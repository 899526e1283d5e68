//! RAM policies and their attachment to users.

use super::Db;
use crate::domain::models::PolicyView;

const COLUMNS: &str = "p.id, p.name, p.description, p.document, p.created_at, p.updated_at,
     (SELECT COUNT(*) FROM user_policies up WHERE up.policy_id = p.id) AS attached";

/// Store a new policy. Fails with a unique violation when the name is taken.
pub async fn insert(
    db: &Db,
    account_id: i64,
    name: &str,
    description: &str,
    document: &str,
) -> Result<i64, sqlx::Error> {
    let _turn = super::turn(db, "policy").await;
    on!(db, c => sqlx::query_scalar(
        "INSERT INTO policies (account_id, name, description, document)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(account_id)
    .bind(name)
    .bind(description)
    .bind(document)
    .fetch_one(c)
    .await)
}

/// Replace a policy's description and document; false when the account has no such policy.
pub async fn update(
    db: &Db,
    account_id: i64,
    id: i64,
    description: &str,
    document: &str,
) -> Result<bool, sqlx::Error> {
    let _turn = super::turn(db, "policy").await;
    on!(db, c => sqlx::query(
        "UPDATE policies SET description = $3, document = $4,
                updated_at = $5
         WHERE account_id = $1 AND id = $2",
    )
    .bind(account_id)
    .bind(id)
    .bind(description)
    .bind(document)
    .bind(super::now_text())
    .execute(c)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Delete a policy (detaching it from everyone).
pub async fn delete(db: &Db, account_id: i64, id: i64) -> Result<bool, sqlx::Error> {
    let _turn = super::turn(db, "policy").await;
    on!(db, c => sqlx::query("DELETE FROM policies WHERE account_id = $1 AND id = $2")
        .bind(account_id)
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))
}

/// The account's policies, by name.
pub async fn list(db: &Db, account_id: i64) -> Result<Vec<PolicyView>, sqlx::Error> {
    on!(db, c => sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM policies p WHERE p.account_id = $1 ORDER BY p.name"
    ))
    .bind(account_id)
    .fetch_all(c)
    .await)
}

/// One policy of the account.
pub async fn find(db: &Db, account_id: i64, id: i64) -> Result<Option<PolicyView>, sqlx::Error> {
    on!(db, c => sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM policies p WHERE p.account_id = $1 AND p.id = $2"
    ))
    .bind(account_id)
    .bind(id)
    .fetch_optional(c)
    .await)
}

/// The documents of the policies attached to a user.
pub async fn documents_of(db: &Db, user_id: i64) -> Result<Vec<String>, sqlx::Error> {
    on!(db, c => sqlx::query_scalar(
        "SELECT p.document FROM user_policies up JOIN policies p ON p.id = up.policy_id
         WHERE up.user_id = $1 ORDER BY p.id",
    )
    .bind(user_id)
    .fetch_all(c)
    .await)
}

/// Names of the policies attached to each of the account's users: `(user_id, name)`.
pub async fn attachments(db: &Db, account_id: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
    on!(db, c => sqlx::query_as(
        "SELECT up.user_id, p.name FROM user_policies up JOIN policies p ON p.id = up.policy_id
         WHERE p.account_id = $1 ORDER BY p.name",
    )
    .bind(account_id)
    .fetch_all(c)
    .await)
}

/// Attach a policy to a user (both checked to be the account's by the caller); false when
/// it was already attached.
pub async fn attach(db: &Db, user_id: i64, policy_id: i64) -> Result<bool, sqlx::Error> {
    let _turn = super::turn(db, "policy").await;
    on!(db, c => sqlx::query("INSERT INTO user_policies (user_id, policy_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING")
        .bind(user_id)
        .bind(policy_id)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))
}

/// Detach a policy from a user; false when it was not attached.
pub async fn detach(db: &Db, user_id: i64, policy_id: i64) -> Result<bool, sqlx::Error> {
    let _turn = super::turn(db, "policy").await;
    on!(db, c => sqlx::query("DELETE FROM user_policies WHERE user_id = $1 AND policy_id = $2")
        .bind(user_id)
        .bind(policy_id)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))
}

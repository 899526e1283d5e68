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
    let pool = sqlite_only!(db);

    let _turn = super::turn(db, "policy").await;
    sqlx::query_scalar(
        "INSERT INTO policies (account_id, name, description, document)
         VALUES (?1, ?2, ?3, ?4) RETURNING id",
    )
    .bind(account_id)
    .bind(name)
    .bind(description)
    .bind(document)
    .fetch_one(pool)
    .await
}

/// Replace a policy's description and document; false when the account has no such policy.
pub async fn update(
    db: &Db,
    account_id: i64,
    id: i64,
    description: &str,
    document: &str,
) -> Result<bool, sqlx::Error> {
    let pool = sqlite_only!(db);

    let _turn = super::turn(db, "policy").await;
    sqlx::query(
        "UPDATE policies SET description = ?3, document = ?4,
                updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE account_id = ?1 AND id = ?2",
    )
    .bind(account_id)
    .bind(id)
    .bind(description)
    .bind(document)
    .execute(pool)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// Delete a policy (detaching it from everyone).
pub async fn delete(db: &Db, account_id: i64, id: i64) -> Result<bool, sqlx::Error> {
    let pool = sqlite_only!(db);

    let _turn = super::turn(db, "policy").await;
    sqlx::query("DELETE FROM policies WHERE account_id = ?1 AND id = ?2")
        .bind(account_id)
        .bind(id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// The account's policies, by name.
pub async fn list(db: &Db, account_id: i64) -> Result<Vec<PolicyView>, sqlx::Error> {
    let pool = sqlite_only!(db);

    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM policies p WHERE p.account_id = ?1 ORDER BY p.name"
    ))
    .bind(account_id)
    .fetch_all(pool)
    .await
}

/// One policy of the account.
pub async fn find(db: &Db, account_id: i64, id: i64) -> Result<Option<PolicyView>, sqlx::Error> {
    let pool = sqlite_only!(db);

    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM policies p WHERE p.account_id = ?1 AND p.id = ?2"
    ))
    .bind(account_id)
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// The documents of the policies attached to a user.
pub async fn documents_of(db: &Db, user_id: i64) -> Result<Vec<String>, sqlx::Error> {
    let pool = sqlite_only!(db);

    sqlx::query_scalar(
        "SELECT p.document FROM user_policies up JOIN policies p ON p.id = up.policy_id
         WHERE up.user_id = ?1 ORDER BY p.id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await
}

/// Names of the policies attached to each of the account's users: `(user_id, name)`.
pub async fn attachments(db: &Db, account_id: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let pool = sqlite_only!(db);

    sqlx::query_as(
        "SELECT up.user_id, p.name FROM user_policies up JOIN policies p ON p.id = up.policy_id
         WHERE p.account_id = ?1 ORDER BY p.name",
    )
    .bind(account_id)
    .fetch_all(pool)
    .await
}

/// Attach a policy to a user (both checked to be the account's by the caller); false when
/// it was already attached.
pub async fn attach(db: &Db, user_id: i64, policy_id: i64) -> Result<bool, sqlx::Error> {
    let pool = sqlite_only!(db);

    let _turn = super::turn(db, "policy").await;
    sqlx::query("INSERT OR IGNORE INTO user_policies (user_id, policy_id) VALUES (?1, ?2)")
        .bind(user_id)
        .bind(policy_id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// Detach a policy from a user; false when it was not attached.
pub async fn detach(db: &Db, user_id: i64, policy_id: i64) -> Result<bool, sqlx::Error> {
    let pool = sqlite_only!(db);

    let _turn = super::turn(db, "policy").await;
    sqlx::query("DELETE FROM user_policies WHERE user_id = ?1 AND policy_id = ?2")
        .bind(user_id)
        .bind(policy_id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected() == 1)
}

//! Contacts of an account.

use super::{Db, WriteTx};
use crate::domain::models::ContactView;

const COLUMNS: &str = "id, name, phone, email, created_at, updated_at";

/// The account's contacts, by name whatever its case (SQLite's `COLLATE NOCASE` order;
/// `lower` folds ASCII letters only, on SQLite and in PostgreSQL's C collation).
pub async fn list(db: &Db, account_id: i64) -> Result<Vec<ContactView>, sqlx::Error> {
    on!(db, c => sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM contacts WHERE account_id = $1 ORDER BY lower(name)"
    ))
    .bind(account_id)
    .fetch_all(c)
    .await)
}

/// One contact of the account.
pub async fn find(db: &Db, account_id: i64, id: i64) -> Result<Option<ContactView>, sqlx::Error> {
    on!(db, c => sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM contacts WHERE account_id = $1 AND id = $2"
    ))
    .bind(account_id)
    .bind(id)
    .fetch_optional(c)
    .await)
}

/// Create a contact; a unique violation means the name is taken in the account.
pub async fn insert(
    db: &Db,
    account_id: i64,
    name: &str,
    phone: Option<&str>,
    email: Option<&str>,
) -> Result<ContactView, sqlx::Error> {
    let _turn = super::turn(db, "contact").await;
    on!(db, c => sqlx::query_as(&format!(
        "INSERT INTO contacts (account_id, name, phone, email) VALUES ($1, $2, $3, $4)
         RETURNING {COLUMNS}"
    ))
    .bind(account_id)
    .bind(name)
    .bind(phone)
    .bind(email)
    .fetch_one(c)
    .await)
}

/// Replace a contact's fields; `None` when it is not the account's.
pub async fn update(
    db: &Db,
    account_id: i64,
    id: i64,
    name: &str,
    phone: Option<&str>,
    email: Option<&str>,
) -> Result<Option<ContactView>, sqlx::Error> {
    let _turn = super::turn(db, "contact").await;
    on!(db, c => sqlx::query_as(&format!(
        "UPDATE contacts
         SET name = $3, phone = $4, email = $5,
             updated_at = $6
         WHERE account_id = $1 AND id = $2
         RETURNING {COLUMNS}"
    ))
    .bind(account_id)
    .bind(id)
    .bind(name)
    .bind(phone)
    .bind(email)
    .bind(super::now_text())
    .fetch_optional(c)
    .await)
}

/// Delete a contact; false when it is not the account's. Fails while a target still
/// reaches it (see `rules::remove_contact_from_targets`).
pub async fn delete(conn: &mut WriteTx, account_id: i64, id: i64) -> Result<bool, sqlx::Error> {
    on_tx!(conn, c => sqlx::query("DELETE FROM contacts WHERE account_id = $1 AND id = $2")
        .bind(account_id)
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))
}

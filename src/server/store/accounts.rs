//! Accounts and their users.

use sqlx::{SqliteConnection, SqlitePool};

/// A user as the session layer needs it. Holds no password hash.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub account_id: i64,
    pub email: Option<String>,
    pub display_name: String,
    pub is_owner: bool,
}

/// What a login needs: the user and the stored hash.
#[derive(Clone, sqlx::FromRow)]
pub struct LoginRow {
    pub id: i64,
    pub password_hash: String,
}

impl std::fmt::Debug for LoginRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRow")
            .field("id", &self.id)
            .field("password_hash", &"[redacted]")
            .finish()
    }
}

/// Create an account and its owner; returns the owner's user id.
/// Fails with a unique violation when the email is taken.
pub async fn insert_owner(
    conn: &mut SqliteConnection,
    email: &str,
    display_name: &str,
    password_hash: &str,
) -> Result<i64, sqlx::Error> {
    let account_id: i64 = sqlx::query_scalar("INSERT INTO accounts DEFAULT VALUES RETURNING id")
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query_scalar(
        "INSERT INTO users (account_id, email, display_name, password_hash, is_owner)
         VALUES (?1, ?2, ?3, ?4, 1) RETURNING id",
    )
    .bind(account_id)
    .bind(email)
    .bind(display_name)
    .bind(password_hash)
    .fetch_one(&mut *conn)
    .await
}

/// The login of the user with this email, if any (case-insensitive).
pub async fn find_login_by_email(
    pool: &SqlitePool,
    email: &str,
) -> Result<Option<LoginRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, password_hash FROM users WHERE email = ?1")
        .bind(email)
        .fetch_optional(pool)
        .await
}

/// A user by id.
pub async fn find_user(pool: &SqlitePool, user_id: i64) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, account_id, email, display_name, is_owner FROM users WHERE id = ?1")
        .bind(user_id)
        .fetch_optional(pool)
        .await
}

/// When EventBridge was activated for the account, if it was.
pub async fn activated_at(
    conn: &mut SqliteConnection,
    account_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT eventbridge_activated_at FROM accounts WHERE id = ?1")
        .bind(account_id)
        .fetch_one(conn)
        .await
}

/// Mark EventBridge activated, keeping the first activation time. Returns that time.
pub async fn activate(conn: &mut SqliteConnection, account_id: i64) -> Result<String, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE accounts
         SET eventbridge_activated_at =
             COALESCE(eventbridge_activated_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
         WHERE id = ?1
         RETURNING eventbridge_activated_at",
    )
    .bind(account_id)
    .fetch_one(conn)
    .await
}

//! Accounts and their users.

use super::{Db, Reader, WriteTx};

/// A user as the session layer needs it. Holds no password hash.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub account_id: i64,
    pub email: Option<String>,
    pub login_name: Option<String>,
    pub display_name: String,
    pub is_owner: bool,
    pub disabled: bool,
    pub must_change_password: bool,
    /// Sessions carry it; a new one (on disable, password reset or change) ends them.
    pub session_nonce: String,
    /// The UI language the user chose (`en`, `ja`, `zh`), if any.
    pub locale: Option<String>,
}

const USER_COLUMNS: &str = "id, account_id, email, login_name, display_name, is_owner, disabled,
     must_change_password, session_nonce, locale";

/// A fresh session nonce: 32 random hex digits (made here, not in SQL, so both databases
/// get the same shape).
fn new_nonce() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// A login by owner email, `$1`, whatever its case. SQLite's `users.email` is `COLLATE
/// NOCASE` with a unique index; PostgreSQL's unique index is on `lower(email)`: each text
/// compares the way its index is built, so the login is one index seek on either.
const LOGIN_BY_EMAIL_SQLITE: &str =
    "SELECT id, account_id, password_hash, disabled FROM users WHERE email = $1";
const LOGIN_BY_EMAIL_PG: &str =
    "SELECT id, account_id, password_hash, disabled FROM users WHERE lower(email) = lower($1)";

/// A RAM user's login by account `$1` and name `$2`, whatever its case (as for the email:
/// `users_login_name` is on `login_name COLLATE NOCASE` in SQLite, on `lower(login_name)` in
/// PostgreSQL).
const LOGIN_BY_NAME_SQLITE: &str = "SELECT id, account_id, password_hash, disabled FROM users
     WHERE account_id = $1 AND login_name = $2";
const LOGIN_BY_NAME_PG: &str = "SELECT id, account_id, password_hash, disabled FROM users
     WHERE account_id = $1 AND lower(login_name) = lower($2)";

/// What a login needs: the user and the stored hash.
#[derive(Clone, sqlx::FromRow)]
pub struct LoginRow {
    pub id: i64,
    pub account_id: i64,
    pub password_hash: String,
    pub disabled: bool,
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
    conn: &mut WriteTx,
    email: &str,
    display_name: &str,
    password_hash: &str,
    language: crate::domain::lang::Lang,
) -> Result<i64, sqlx::Error> {
    let account_id: i64 = on_tx!(conn, c => sqlx::query_scalar(
        "INSERT INTO accounts (language) VALUES ($1) RETURNING id",
    )
    .bind(language)
    .fetch_one(c)
    .await)?;
    on_tx!(conn, c => sqlx::query_scalar(
        "INSERT INTO users (account_id, email, display_name, password_hash, is_owner, session_nonce)
         VALUES ($1, $2, $3, $4, TRUE, $5) RETURNING id",
    )
    .bind(account_id)
    .bind(email)
    .bind(display_name)
    .bind(password_hash)
    .bind(new_nonce())
    .fetch_one(c)
    .await)
}

/// The login of the user with this email, if any (case-insensitive).
pub async fn find_login_by_email(db: &Db, email: &str) -> Result<Option<LoginRow>, sqlx::Error> {
    let sql = db.dialect(LOGIN_BY_EMAIL_SQLITE, LOGIN_BY_EMAIL_PG);
    on!(db, p => sqlx::query_as(sql).bind(email).fetch_optional(p).await)
}

/// A user by id.
pub async fn find_user(db: &Db, user_id: i64) -> Result<Option<UserRow>, sqlx::Error> {
    on!(db, c => sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(user_id)
        .fetch_optional(c)
        .await)
}

/// When EventBridge was activated for the account, if it was.
pub async fn activated_at<'a>(
    r: impl Into<Reader<'a>>,
    account_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    on_reader!(r.into(), c => {
        sqlx::query_scalar("SELECT eventbridge_activated_at FROM accounts WHERE id = $1")
            .bind(account_id)
            .fetch_one(c)
            .await
    })
}

/// The account's message language.
pub async fn language<'a>(
    r: impl Into<Reader<'a>>,
    account_id: i64,
) -> Result<crate::domain::lang::Lang, sqlx::Error> {
    on_reader!(r.into(), c => {
        sqlx::query_scalar("SELECT language FROM accounts WHERE id = $1")
            .bind(account_id)
            .fetch_one(c)
            .await
    })
}

/// Set the account's message language; the previous one is returned.
pub async fn set_language(
    conn: &mut WriteTx,
    account_id: i64,
    new: crate::domain::lang::Lang,
) -> Result<crate::domain::lang::Lang, sqlx::Error> {
    let before = language(&mut *conn, account_id).await?;
    on_tx!(conn, c => sqlx::query("UPDATE accounts SET language = $2 WHERE id = $1")
        .bind(account_id)
        .bind(new)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(before)
}

/// Mark EventBridge activated, keeping the first activation time. Returns that time.
pub async fn activate(conn: &mut WriteTx, account_id: i64) -> Result<String, sqlx::Error> {
    on_tx!(conn, c => sqlx::query_scalar(
        "UPDATE accounts
         SET eventbridge_activated_at = COALESCE(eventbridge_activated_at, $2)
         WHERE id = $1
         RETURNING eventbridge_activated_at",
    )
    .bind(account_id)
    .bind(super::now_text())
    .fetch_one(c)
    .await)
}

/// The login of the RAM user `login_name` of the account, if any (case-insensitive).
pub async fn find_login_by_name(
    db: &Db,
    account_id: i64,
    login_name: &str,
) -> Result<Option<LoginRow>, sqlx::Error> {
    let sql = db.dialect(LOGIN_BY_NAME_SQLITE, LOGIN_BY_NAME_PG);
    on!(db, p => sqlx::query_as(sql)
        .bind(account_id)
        .bind(login_name)
        .fetch_optional(p)
        .await)
}

/// The stored password hash of a user.
pub async fn password_hash(db: &Db, user_id: i64) -> Result<Option<String>, sqlx::Error> {
    on!(db, c => sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(c)
        .await)
}

/// Create a RAM user that must change its password at first login. Fails with a unique
/// violation when the login name is taken in the account.
pub async fn insert_ram_user(
    db: &Db,
    account_id: i64,
    login_name: &str,
    display_name: &str,
    password_hash: &str,
) -> Result<i64, sqlx::Error> {
    let _turn = super::turn(db, "user").await;
    on!(db, c => sqlx::query_scalar(
        "INSERT INTO users (account_id, login_name, display_name, password_hash, is_owner,
                            must_change_password, session_nonce)
         VALUES ($1, $2, $3, $4, FALSE, TRUE, $5) RETURNING id",
    )
    .bind(account_id)
    .bind(login_name)
    .bind(display_name)
    .bind(password_hash)
    .bind(new_nonce())
    .fetch_one(c)
    .await)
}

/// The account's RAM users, by login name (whatever its case, as SQLite's `COLLATE NOCASE`
/// column sorts them; `lower` folds ASCII letters only on SQLite and in PostgreSQL's C
/// collation).
pub async fn list_ram_users(db: &Db, account_id: i64) -> Result<Vec<UserRow>, sqlx::Error> {
    on!(db, c => sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users
         WHERE account_id = $1 AND NOT is_owner ORDER BY lower(login_name)"
    ))
    .bind(account_id)
    .fetch_all(c)
    .await)
}

/// A RAM user of the account.
pub async fn find_ram_user(
    db: &Db,
    account_id: i64,
    user_id: i64,
) -> Result<Option<UserRow>, sqlx::Error> {
    on!(db, c => sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE account_id = $1 AND id = $2 AND NOT is_owner"
    ))
    .bind(account_id)
    .bind(user_id)
    .fetch_optional(c)
    .await)
}

/// Disable or enable a RAM user of the account (either ends its sessions); false when there
/// is none.
pub async fn set_disabled(
    db: &Db,
    account_id: i64,
    user_id: i64,
    disabled: bool,
) -> Result<bool, sqlx::Error> {
    let _turn = super::turn(db, "user").await;
    on!(db, c => sqlx::query(
        "UPDATE users SET disabled = $3, session_nonce = $4
         WHERE account_id = $1 AND id = $2 AND NOT is_owner",
    )
    .bind(account_id)
    .bind(user_id)
    .bind(disabled)
    .bind(new_nonce())
    .execute(c)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Delete a RAM user of the account (its keys and attachments go with it).
pub async fn delete_ram_user(db: &Db, account_id: i64, user_id: i64) -> Result<bool, sqlx::Error> {
    let _turn = super::turn(db, "user").await;
    on!(db, c => sqlx::query(
        "DELETE FROM users WHERE account_id = $1 AND id = $2 AND NOT is_owner",
    )
    .bind(account_id)
    .bind(user_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Replace a user's password hash, ending its sessions; `must_change` forces a change at
/// the next login.
pub async fn set_password(
    db: &Db,
    user_id: i64,
    password_hash: &str,
    must_change: bool,
) -> Result<bool, sqlx::Error> {
    let _turn = super::turn(db, "user").await;
    on!(db, c => sqlx::query(
        "UPDATE users SET password_hash = $2, must_change_password = $3, session_nonce = $4
         WHERE id = $1",
    )
    .bind(user_id)
    .bind(password_hash)
    .bind(must_change)
    .bind(new_nonce())
    .execute(c)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Set the UI language a user chose (`None`: let the browser decide).
pub async fn set_locale(db: &Db, user_id: i64, locale: Option<&str>) -> Result<bool, sqlx::Error> {
    let _turn = super::turn(db, "user").await;
    on!(db, c => sqlx::query("UPDATE users SET locale = $2 WHERE id = $1")
        .bind(user_id)
        .bind(locale)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_users_locale_is_one_herald_has_or_none() {
        let pool = super::super::plans::migrated().await;
        let db = Db::Sqlite(pool.clone());
        sqlx::query(
            "INSERT INTO accounts (id) VALUES (1);
             INSERT INTO users (id, account_id, display_name, password_hash, session_nonce)
             VALUES (1, 1, 'Ada', 'x', 'n');",
        )
        .execute(&pool)
        .await
        .unwrap();
        for ok in [Some("ja"), Some("zh"), None, Some("en")] {
            assert!(set_locale(&db, 1, ok).await.unwrap(), "{ok:?}");
        }
        for bad in ["fr", "EN", "ja-JP", ""] {
            let err = set_locale(&db, 1, Some(bad)).await.unwrap_err();
            assert!(err.to_string().contains("users.locale"), "{bad}: {err}");
        }
        let refused = sqlx::query(
            "INSERT INTO users (account_id, display_name, password_hash, session_nonce, locale)
             VALUES (1, 'Bob', 'x', 'm', 'de')",
        )
        .execute(&pool)
        .await;
        assert!(refused.is_err());
        let kept: Option<String> = sqlx::query_scalar("SELECT locale FROM users WHERE id = 1")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(kept.as_deref(), Some("en"));
    }
}

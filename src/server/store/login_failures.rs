//! Counting failed logins per login name; counters past their window and lock are deleted
//! ([`purge_expired`]), so guessed names do not pile up.
//!
//! Names are written and looked up as `lower($1)`: PostgreSQL's key holds them lower-cased
//! (a CHECK refuses anything else), SQLite's is `COLLATE NOCASE`; either way `ALICE@7` and
//! `alice@7` count against one row, found through the primary key.

use super::{Db, WriteTx};

/// The lock on a login name, if any: Unix seconds until which it is locked.
pub async fn locked_until(db: &Db, login: &str) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<Option<i64>> = on!(db, c => sqlx::query_scalar(
        "SELECT locked_until FROM login_failures WHERE login = lower($1)",
    )
    .bind(login)
    .fetch_optional(c)
    .await)?;
    Ok(row.flatten())
}

/// Count one failure at `now` in a window of `window_secs`; returns the failures in the
/// current window, this one included. Atomic, so concurrent guesses are all counted.
pub async fn record_failure(
    db: &Db,
    login: &str,
    now: i64,
    window_secs: i64,
) -> Result<i64, sqlx::Error> {
    let _turn = super::turn(db, "login failure").await;
    on!(db, c => sqlx::query_scalar(
        "INSERT INTO login_failures (login, failures, window_start, locked_until)
         VALUES (lower($1), 1, $2, NULL)
         ON CONFLICT (login) DO UPDATE SET
             failures = CASE WHEN login_failures.window_start <= $2 - $3 THEN 1
                             ELSE login_failures.failures + 1 END,
             window_start = CASE WHEN login_failures.window_start <= $2 - $3 THEN $2
                                 ELSE login_failures.window_start END
         RETURNING failures",
    )
    .bind(login)
    .bind(now)
    .bind(window_secs)
    .fetch_one(c)
    .await)
}

/// Lock the login name until `until`. Counting goes on: guesses already in flight when
/// the lock lands are still counted against the same window.
pub async fn lock(db: &Db, login: &str, until: i64) -> Result<(), sqlx::Error> {
    let _turn = super::turn(db, "login failure").await;
    on!(db, c => sqlx::query(
        "UPDATE login_failures SET locked_until = CASE WHEN COALESCE(locked_until, 0) >= $2
             THEN COALESCE(locked_until, 0) ELSE $2 END
         WHERE login = lower($1)",
    )
    .bind(login)
    .bind(until)
    .execute(c)
    .await
    .map(|_| ()))
}

/// After a failed attempt, in the caller's transaction: lock the login name until
/// `lock_until` when given. The row is rewritten either way, so every failure costs the
/// same write whether it locks or not, and whether the name exists or not.
pub async fn settle(
    conn: &mut WriteTx,
    login: &str,
    lock_until: Option<i64>,
) -> Result<(), sqlx::Error> {
    on_tx!(conn, c => sqlx::query(
        "UPDATE login_failures SET locked_until = CASE WHEN $2 IS NULL THEN locked_until
             WHEN COALESCE(locked_until, 0) >= $2 THEN COALESCE(locked_until, 0) ELSE $2 END
         WHERE login = lower($1)",
    )
    .bind(login)
    .bind(lock_until)
    .execute(c)
    .await
    .map(|_| ()))
}

/// Forget the failures of a login name (after a successful login).
pub async fn clear(db: &Db, login: &str) -> Result<(), sqlx::Error> {
    let _turn = super::turn(db, "login failure").await;
    on!(db, c => sqlx::query("DELETE FROM login_failures WHERE login = lower($1)")
        .bind(login)
        .execute(c)
        .await
        .map(|_| ()))
}

/// Delete up to `limit` counters whose window started before `before` and whose lock (if
/// any) has ended by `now`; the number deleted.
pub async fn purge_expired(
    conn: &mut WriteTx,
    before: i64,
    now: i64,
    limit: i64,
) -> Result<u64, sqlx::Error> {
    on_tx!(conn, c => sqlx::query(
        "DELETE FROM login_failures WHERE login IN (
             SELECT login FROM login_failures
             WHERE window_start < $1 AND COALESCE(locked_until, 0) <= $2 LIMIT $3)",
    )
    .bind(before)
    .bind(now)
    .bind(limit)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
}

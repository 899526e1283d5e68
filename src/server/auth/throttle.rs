//! Slowing down password guessing: after [`MAX_FAILURES`] failed logins for one login name
//! within [`WINDOW_SECS`], that name is locked for [`LOCK_SECS`].
//!
//! Keyed by the login name, not the client address: an attacker spreading guesses over many
//! addresses is still stopped, at the price that a locked-out user must wait (and is told so).

use super::super::error::Context;
use super::super::store::login_failures;
use crate::domain::AppError;
use crate::server::store::{Db, WriteTx};

/// Failed logins allowed in one window before the name is locked.
pub const MAX_FAILURES: i64 = 5;
/// Length of the counting window, in seconds.
pub const WINDOW_SECS: i64 = 15 * 60;
/// How long a locked name stays locked, in seconds.
pub const LOCK_SECS: i64 = 15 * 60;

/// Now, in Unix seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The error a locked-out user sees, with the wait rounded up to minutes.
pub fn locked_error(retry_after_secs: i64) -> AppError {
    let secs = retry_after_secs.max(1) as u64;
    let minutes = secs.div_ceil(60);
    AppError::TooManyRequests {
        message: format!(
            "Too many failed attempts for this login. Try again in {minutes} minute{}.",
            if minutes == 1 { "" } else { "s" }
        ),
        retry_after_secs: secs,
    }
}

/// Refuse at once if `login` is locked.
pub async fn check(pool: &Db, login: &str) -> Result<(), AppError> {
    let now = now();
    match login_failures::locked_until(pool, login)
        .await
        .context("reading login lock")?
    {
        Some(until) if until > now => Err(locked_error(until - now)),
        _ => Ok(()),
    }
}

/// Count an attempt before the password is checked, so a burst of parallel guesses is
/// counted as it arrives rather than after the (slow) hashing. Refuses at once when the
/// window already holds [`MAX_FAILURES`] attempts. Returns the count, this one included.
pub async fn begin_attempt(pool: &Db, login: &str) -> Result<i64, AppError> {
    let now = now();
    let attempts = login_failures::record_failure(pool, login, now, WINDOW_SECS)
        .await
        .context("counting a login attempt")?;
    if attempts > MAX_FAILURES {
        return Err(lock(pool, login, now).await?);
    }
    Ok(attempts)
}

/// After a failed attempt numbered `attempts`, in the caller's write transaction: the lock
/// error if it used up the window. The same write whether it locks or not.
pub async fn after_failure(
    conn: &mut WriteTx,
    login: &str,
    attempts: i64,
) -> Result<Option<AppError>, AppError> {
    let lock = attempts >= MAX_FAILURES;
    login_failures::settle(conn, login, lock.then(|| now() + LOCK_SECS))
        .await
        .context("noting a failed login")?;
    if lock {
        tracing::warn!("login locked after repeated failures");
        return Ok(Some(locked_error(LOCK_SECS)));
    }
    Ok(None)
}

/// [`after_failure`] in a write transaction of its own.
pub async fn after_failure_alone(
    pool: &Db,
    login: &str,
    attempts: i64,
) -> Result<Option<AppError>, AppError> {
    let mut tx = super::super::store::begin_write(pool)
        .await
        .context("noting a failed attempt")?;
    let locked = after_failure(&mut tx, login, attempts).await?;
    tx.commit().await.context("noting a failed attempt")?;
    Ok(locked)
}

async fn lock(pool: &Db, login: &str, now: i64) -> Result<AppError, AppError> {
    login_failures::lock(pool, login, now + LOCK_SECS)
        .await
        .context("locking a login")?;
    tracing::warn!("login locked after repeated failures");
    Ok(locked_error(LOCK_SECS))
}

/// Forget failures after a successful login.
pub async fn clear(pool: &Db, login: &str) -> Result<(), AppError> {
    login_failures::clear(pool, login)
        .await
        .context("clearing login failures")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_message_rounds_up_to_whole_minutes() {
        let AppError::TooManyRequests {
            message,
            retry_after_secs,
        } = locked_error(61)
        else {
            panic!()
        };
        assert_eq!(retry_after_secs, 61);
        assert!(message.contains("2 minutes"), "{message}");
        let AppError::TooManyRequests { message, .. } = locked_error(30) else {
            panic!()
        };
        assert!(message.contains("1 minute."), "{message}");
    }
}

//! Browser sessions: tower-sessions with a SQLite store, so sessions survive a restart.
//!
//! The session holds only the user id. Every request re-reads the user, so a deleted user's
//! session stops working at once.

use super::super::error::internal;
use super::{Actor, Via};
use crate::domain::AppError;
use sqlx::SqlitePool;
use tower_sessions::Session;

const USER_ID: &str = "user_id";

/// Bind the session to `user_id`, under a fresh session id (prevents session fixation).
pub async fn log_in(session: &Session, user_id: i64) -> Result<(), AppError> {
    session
        .cycle_id()
        .await
        .map_err(|e| internal("cycling the session id", e))?;
    session
        .insert(USER_ID, user_id)
        .await
        .map_err(|e| internal("writing the session", e))
}

/// End the session: its data is deleted from the store and the cookie expires.
pub async fn log_out(session: &Session) -> Result<(), AppError> {
    session
        .flush()
        .await
        .map_err(|e| internal("deleting the session", e))
}

/// The signed-in actor, or `None` for an anonymous visitor.
pub async fn current(session: &Session, pool: &SqlitePool) -> Result<Option<Actor>, AppError> {
    let user_id: Option<i64> = session
        .get(USER_ID)
        .await
        .map_err(|e| internal("reading the session", e))?;
    let Some(user_id) = user_id else {
        return Ok(None);
    };
    super::actor::load(pool, user_id, Via::Console).await
}

/// The signed-in actor, or an `Unauthorized` error asking the visitor to log in.
pub async fn require(session: &Session, pool: &SqlitePool) -> Result<Actor, AppError> {
    current(session, pool)
        .await?
        .ok_or_else(|| AppError::Unauthorized {
            message: "Please log in to continue.".into(),
        })
}

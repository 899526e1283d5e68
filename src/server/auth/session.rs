//! Browser sessions: tower-sessions with a SQLite store, so sessions survive a restart.
//!
//! The session holds the user id and the user's session nonce. Every request re-reads the
//! user: a deleted or disabled user's session stops working at once, and so does every
//! session from before a password reset or change.
//!
//! A session ends [`IDLE`] after it was last saved. Its row and cookie are not rewritten on
//! every request (that would make each page load a database write, queued behind ingest):
//! only when its data changes, or once less than half of the idle window is left
//! ([`renew_when_due`]), which restarts the clock. So a session lasts between half of
//! [`IDLE`] and all of it after the last request.

use super::super::error::internal;
use super::{Actor, Via};
use crate::domain::AppError;
use crate::server::store::Db;
use tower_sessions::Session;

const USER_ID: &str = "user_id";
const NONCE: &str = "nonce";
/// Unix seconds after which the next request renews the session (half-way to its expiry).
const RENEW_AT: &str = "renew_at";

/// A session ends after this long without a request.
pub const IDLE: time::Duration = time::Duration::days(7);

/// When a session saved now is renewed: half-way through its idle window.
fn renew_at() -> i64 {
    super::throttle::now() + IDLE.whole_seconds() / 2
}

/// Middleware: renew a signed-in session once less than half of its idle window is left
/// ([`renew_if_due`]). Other requests leave the row alone.
pub async fn renew_when_due(
    session: Session,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    renew_if_due(&session).await;
    next.run(request).await
}

/// Renew a signed-in session whose renewal time has come by writing the next one: a
/// change, so tower-sessions saves the row and sends the cookie again with a fresh expiry.
/// A visitor without a session gets none; an anonymous one is not renewed.
pub async fn renew_if_due(session: &Session) {
    if session.id().is_none() {
        return;
    }
    let due = match session.get::<i64>(RENEW_AT).await {
        Ok(Some(at)) => at <= super::throttle::now(),
        Ok(None) => true,
        Err(_) => false,
    };
    let signed_in = matches!(session.get::<i64>(USER_ID).await, Ok(Some(_)));
    if due && signed_in {
        if let Err(e) = session.insert(RENEW_AT, renew_at()).await {
            tracing::warn!(error = %e, "renewing a session");
        }
    }
}

/// Bind the session to `actor`, under a fresh session id (prevents session fixation).
pub async fn log_in(session: &Session, actor: &Actor) -> Result<(), AppError> {
    session
        .cycle_id()
        .await
        .map_err(|e| internal("cycling the session id", e))?;
    session
        .insert(USER_ID, actor.user_id)
        .await
        .map_err(|e| internal("writing the session", e))?;
    session
        .insert(NONCE, actor.session_nonce.clone())
        .await
        .map_err(|e| internal("writing the session", e))?;
    session
        .insert(RENEW_AT, renew_at())
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
pub async fn current(session: &Session, pool: &Db) -> Result<Option<Actor>, AppError> {
    let user_id: Option<i64> = session
        .get(USER_ID)
        .await
        .map_err(|e| internal("reading the session", e))?;
    let Some(user_id) = user_id else {
        return Ok(None);
    };
    let nonce: Option<String> = session
        .get(NONCE)
        .await
        .map_err(|e| internal("reading the session", e))?;
    let actor = super::actor::load(pool, user_id, Via::Console).await?;
    // A session from before a disable, a password reset or change, or of a deleted user
    // whose id was given to someone else, is over.
    Ok(actor.filter(|a| nonce.as_deref() == Some(a.session_nonce.as_str())))
}

/// The signed-in actor, or an `Unauthorized` error asking the visitor to log in.
pub async fn require(session: &Session, pool: &Db) -> Result<Actor, AppError> {
    current(session, pool)
        .await?
        .ok_or_else(|| AppError::Unauthorized {
            message: "Please log in to continue.".into(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::Arc;
    use tower_sessions::session::{Id, Record};
    use tower_sessions::session_store::SessionStore;
    use tower_sessions::{Expiry, MemoryStore};

    /// A stored session holding `data`, loaded as a request would find it.
    async fn stored(store: &Arc<MemoryStore>, data: serde_json::Value) -> Session {
        let mut record = Record {
            id: Id::default(),
            data: serde_json::from_value(data).unwrap(),
            expiry_date: time::OffsetDateTime::now_utc() + time::Duration::days(1),
        };
        store.create(&mut record).await.unwrap();
        Session::new(
            Some(record.id),
            store.clone(),
            Some(Expiry::OnInactivity(IDLE)),
        )
    }

    #[tokio::test]
    async fn a_session_is_saved_again_only_once_half_of_its_idle_window_is_gone() {
        let store = Arc::new(MemoryStore::default());
        let now = super::super::throttle::now();

        let fresh = stored(&store, json!({ USER_ID: 7, RENEW_AT: now + 60 })).await;
        renew_if_due(&fresh).await;
        assert!(!fresh.is_modified(), "a fresh session was rewritten");

        let due = stored(&store, json!({ USER_ID: 7, RENEW_AT: now - 1 })).await;
        renew_if_due(&due).await;
        assert!(
            due.is_modified(),
            "a session half-way to expiry was not renewed"
        );
        let next: i64 = due.get(RENEW_AT).await.unwrap().unwrap();
        assert!(
            next >= now + IDLE.whole_seconds() / 2 - 5,
            "{next} vs {now}"
        );

        let anonymous = stored(&store, json!({ RENEW_AT: now - 1 })).await;
        renew_if_due(&anonymous).await;
        assert!(!anonymous.is_modified(), "an anonymous session was renewed");
    }
}

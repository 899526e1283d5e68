//! Turning a user id (from a session or an AccessKey) into an [`Actor`]: the user, whether
//! it may still act at all, and its policies, parsed once per request.

use super::super::error::Context;
use super::super::store::{accounts, policies};
use super::authorize::{Actor, Via};
use crate::domain::{ram, AppError};
use crate::server::store::Db;

/// The actor for `user_id`, `None` when the user no longer exists, or `Unauthorized` when
/// it is disabled.
pub async fn load(pool: &Db, user_id: i64, via: Via) -> Result<Option<Actor>, AppError> {
    let Some(user) = accounts::find_user(pool, user_id)
        .await
        .context("loading a user")?
    else {
        return Ok(None);
    };
    if user.disabled {
        return Err(AppError::Unauthorized {
            message: "This user is disabled. Ask the account owner to enable it.".into(),
        });
    }
    let mut parsed = Vec::new();
    if !user.is_owner {
        for text in policies::documents_of(pool, user_id)
            .await
            .context("loading a user's policies")?
        {
            // Documents are validated at save. One that no longer parses might have held a
            // Deny, so the user gets nothing from any policy until it is fixed (fail closed).
            match ram::parse(&text, user.account_id) {
                Ok(doc) => parsed.push(doc),
                Err(e) => {
                    tracing::error!(user_id, error = %e, "a stored policy does not parse; the user's policies grant nothing");
                    parsed.clear();
                    break;
                }
            }
        }
    }
    Ok(Some(Actor::new(user, parsed, via)))
}

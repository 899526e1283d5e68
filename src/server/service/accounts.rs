//! Sign-up and login.

use super::super::auth::{password, throttle, Actor};
use super::super::config::SignupMode;
use super::super::error::{is_unique_violation, Context};
use super::super::state::AppState;
use super::super::store::accounts;
use crate::domain::{validate, AppError};

/// What the sign-up form sends.
pub struct SignUp {
    pub email: String,
    pub display_name: String,
    pub password: String,
}

/// Create an account and its owner. Returns the owner as an actor.
///
/// Anonymous by nature: the only check is whether sign-up is open.
pub async fn sign_up(state: &AppState, input: SignUp) -> Result<Actor, AppError> {
    if state.config.signup == SignupMode::Closed {
        return Err(AppError::Precondition {
            message: "Sign-up is closed on this Herald. Ask its operator for an account.".into(),
        });
    }
    let email = validate::email("email", &input.email)?;
    let display_name = validate::display_name("display_name", &input.display_name)?;
    let password = validate::new_password("password", &input.password)?;
    let hash = password::hash(password).await?;

    let mut tx = super::super::store::begin_write(&state.pool)
        .await
        .context("starting sign-up")?;
    let user_id = match accounts::insert_owner(&mut tx, &email, &display_name, &hash).await {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            return Err(AppError::Conflict {
                field: Some("email".into()),
                message: "An account with this email already exists. Log in instead.".into(),
            })
        }
        Err(e) => return Err(super::super::error::internal("creating an account", e)),
    };
    tx.commit().await.context("committing sign-up")?;
    tracing::info!(user_id, "account created");
    load(state, user_id).await
}

/// The answer to any failed login: the same words whether the email is unknown or the
/// password wrong, so the form cannot be used to find out who has an account.
fn bad_credentials() -> AppError {
    AppError::Unauthorized {
        message: "Email or password is incorrect.".into(),
    }
}

/// Check an email and password. Throttled per email (see [`throttle`]).
pub async fn log_in(state: &AppState, email: &str, password: &str) -> Result<Actor, AppError> {
    let email = email.trim();
    if email.is_empty() {
        return Err(AppError::invalid("email", "is required"));
    }
    if password.is_empty() {
        return Err(AppError::invalid("password", "is required"));
    }
    if password.len() > validate::PASSWORD_MAX_BYTES {
        return Err(bad_credentials());
    }
    let key = email.to_lowercase();
    throttle::check(&state.pool, &key).await?;
    let attempts = throttle::begin_attempt(&state.pool, &key).await?;

    let login = accounts::find_login_by_email(&state.pool, email)
        .await
        .context("looking up a login")?;
    // Verify against a dummy hash for unknown emails: same cost, same answer.
    let (user_id, stored) = match login {
        Some(row) => (Some(row.id), row.password_hash.clone()),
        None => (None, password::dummy_hash().await),
    };
    let matches = password::verify(password.to_string(), stored).await?;
    match user_id {
        Some(user_id) if matches => {
            throttle::clear(&state.pool, &key).await?;
            tracing::info!(user_id, "login succeeded");
            load(state, user_id).await
        }
        _ => {
            tracing::info!("login failed");
            match throttle::after_failure(&state.pool, &key, attempts).await? {
                Some(locked) => Err(locked),
                None => Err(bad_credentials()),
            }
        }
    }
}

async fn load(state: &AppState, user_id: i64) -> Result<Actor, AppError> {
    accounts::find_user(&state.pool, user_id)
        .await
        .context("loading a user")?
        .map(Actor::from)
        .ok_or(AppError::Internal)
}

//! Sign-up and login, for owners (by email) and RAM users (`name@account`), and a user's
//! own UI language.

use super::super::auth::{actor, authorize, password, throttle, Actor, Via};
use super::super::config::SignupMode;
use super::super::error::{is_unique_violation, Context};
use super::super::state::AppState;
use super::super::store::accounts;
use super::audit::{self, LoginFailure};
use crate::domain::lang::Lang;
use crate::domain::policy::{Action, Resource};
use crate::domain::{validate, AppError};

/// What the sign-up form sends.
pub struct SignUp {
    pub email: String,
    pub display_name: String,
    pub password: String,
    /// The account's message language (`en`, `ja`, `zh`; empty: English): the sign-up
    /// page sends the language it is shown in.
    pub language: String,
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
    let language = crate::domain::rule::language("language", &input.language)?.unwrap_or_default();
    let hash = password::hash(password).await?;

    let mut tx = super::super::store::begin_write(&state.pool)
        .await
        .context("starting sign-up")?;
    let user_id =
        match accounts::insert_owner(&mut tx, &email, &display_name, &hash, language).await {
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

/// The answer to any failed login: the same words whether the login is unknown or the
/// password wrong, so the form cannot be used to find out who has an account.
fn bad_credentials() -> AppError {
    AppError::Unauthorized {
        message: "Login or password is incorrect.".into(),
    }
}

/// A RAM user's login, `name@account` (the account's number), split; `None` for anything
/// else (an owner's email has a domain, never a bare number, after the `@`).
pub fn ram_login(login: &str) -> Option<(&str, i64)> {
    let (name, account) = login.rsplit_once('@')?;
    if name.is_empty() || account.is_empty() || !account.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((name, account.parse().ok()?))
}

/// Check a login (an owner's email, or `name@account` for a RAM user) and password.
/// Throttled per login (see [`throttle`]); every attempt on an existing account is audited,
/// repeated failures counted together.
pub async fn log_in(state: &AppState, login: &str, password: &str) -> Result<Actor, AppError> {
    let login = login.trim();
    if login.is_empty() {
        return Err(AppError::invalid("email", "is required"));
    }
    if password.is_empty() {
        return Err(AppError::invalid("password", "is required"));
    }
    if password.len() > validate::PASSWORD_MAX_BYTES {
        return Err(bad_credentials());
    }
    let ram = ram_login(login);
    // A RAM login is throttled and audited under its one canonical spelling (`alice@7`
    // whatever was typed: `ALICE@007` is the same user), and only if it could be a name at
    // all, so the audit log never holds arbitrary text.
    let key = match ram {
        Some((name, account_id)) => {
            if validate::login_name("email", name).is_err() {
                return Err(bad_credentials());
            }
            format!("{}@{account_id}", name.to_lowercase())
        }
        // Only what could be an email is counted: no login key contains whitespace, which
        // keeps other counters (a password change's) out of an anonymous visitor's reach.
        None => {
            if validate::email("email", login).is_err() {
                return Err(bad_credentials());
            }
            login.to_lowercase()
        }
    };
    throttle::check(&state.pool, &key).await?;
    let attempts = throttle::begin_attempt(&state.pool, &key).await?;

    let found = match ram {
        Some((name, account_id)) => accounts::find_login_by_name(&state.pool, account_id, name)
            .await
            .context("looking up a login")?,
        None => accounts::find_login_by_email(&state.pool, login)
            .await
            .context("looking up a login")?,
    };
    // Verify against a dummy hash for unknown logins: same cost, same answer.
    let stored = match &found {
        Some(row) => row.password_hash.clone(),
        None => password::dummy_hash().await,
    };
    let matches = password::verify(password.to_string(), stored).await?;
    // The account the attempt concerns, when the login names one: its log gets the entry.
    let account = found.as_ref().map(|r| r.account_id).or(ram.map(|(_, a)| a));
    let failure = match &found {
        Some(row) if matches && !row.disabled => {
            throttle::clear(&state.pool, &key).await?;
            tracing::info!(user_id = row.id, "login succeeded");
            audit::login(state, row.account_id, row.id, &key).await?;
            return load(state, row.id).await;
        }
        // The same answer as a wrong password: it must not confirm a guessed one.
        Some(_) if matches => LoginFailure::UserDisabled,
        Some(_) => LoginFailure::WrongPassword,
        None => LoginFailure::UnknownUser,
    };
    tracing::info!(reason = failure.as_str(), "login failed");
    // Every failure does the same work, whether the login names a user, an account or
    // nothing that exists: one write transaction holding the counted audit entry (which
    // adds nothing for no account) and the throttle's row (rewritten every time, so each
    // commit is a real one). No existence check of its own: what is found or not must not
    // show in the work done, nor in the time taken.
    let mut tx = super::super::store::begin_write(&state.pool)
        .await
        .context("noting a failed login")?;
    audit::failed_login(&mut tx, account, found.map(|r| r.id), &key, failure).await?;
    let locked = throttle::after_failure(&mut tx, &key, attempts).await?;
    tx.commit().await.context("noting a failed login")?;
    Err(locked.unwrap_or_else(bad_credentials))
}

async fn load(state: &AppState, user_id: i64) -> Result<Actor, AppError> {
    actor::load(&state.pool, user_id, Via::Console)
        .await?
        .ok_or(AppError::Internal)
}

/// Remember the UI language `actor` chose: `en`, `ja` or `zh`. Its own business alone
/// (`herald:SetLanguage` on itself); pages render in it from the next request on, whatever
/// the browser's cookie says.
///
/// Named apart from the account's *message* language (`service::eventbridge::set_language`):
/// this one is the user's own UI.
pub async fn set_ui_locale(state: &AppState, actor: &Actor, lang: Lang) -> Result<(), AppError> {
    let resource = Resource::user(actor.account_id, actor.user_id);
    authorize(actor, Action::SetLanguage, &resource)?;
    accounts::set_locale(&state.pool, actor.user_id, Some(lang.as_str()))
        .await
        .context("saving a user's language")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::ram_login;

    #[test]
    fn ram_logins_are_name_at_account_number() {
        assert_eq!(ram_login("alice@7"), Some(("alice", 7)));
        assert_eq!(ram_login("a.b@12"), Some(("a.b", 12)));
        assert_eq!(ram_login("owner@example.com"), None);
        assert_eq!(ram_login("@7"), None);
        assert_eq!(ram_login("alice@"), None);
        assert_eq!(ram_login("alice"), None);
    }
}

//! Sign-up, login, logout, and who is signed in.

use crate::domain::models::CurrentUser;
use crate::domain::AppError;
use leptos::prelude::*;

/// The signed-in user, or `None`.
#[server(prefix = "/api/ui", endpoint = "who_am_i")]
pub async fn who_am_i() -> Result<Option<CurrentUser>, AppError> {
    use super::ctx;
    use crate::server::auth::session;
    let state = ctx::state();
    let s = ctx::session().await?;
    // A disabled user is simply not signed in any more.
    let current = match session::current(&s, &state.pool).await {
        Err(AppError::Unauthorized { .. }) => Ok(None),
        other => other,
    };
    ctx::respond(current.map(|a| a.as_ref().map(CurrentUser::from)))
}

/// Create an account and its owner, and log in.
#[server(prefix = "/api/ui", endpoint = "sign_up")]
pub async fn sign_up(
    email: String,
    display_name: String,
    password: String,
    #[server(default)] language: String,
) -> Result<(), AppError> {
    use super::ctx;
    use crate::server::auth::session;
    use crate::server::service::accounts::{self, SignUp};
    let result = async {
        let state = ctx::state();
        let actor = accounts::sign_up(
            &state,
            SignUp {
                email,
                display_name,
                password,
                language,
            },
        )
        .await?;
        session::log_in(&ctx::session().await?, &actor).await?;
        leptos_axum::redirect("/workspaces");
        Ok(())
    }
    .await;
    ctx::respond(result)
}

/// Where to go after login: `next` when it is a path on this site, else the workspaces.
pub fn safe_next(next: Option<&str>) -> String {
    // Only plain same-site paths. "//host" and "/\host" would leave the site, and browsers
    // drop tabs and newlines from URLs, so "/<tab>/host" would too: refuse any backslash,
    // control character or non-ASCII character outright.
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') =>
        {
            n.to_string()
        }
        _ => "/workspaces".to_string(),
    }
}

/// Log in with an owner's email, or a RAM user's `name@account`, and the password.
#[server(prefix = "/api/ui", endpoint = "log_in")]
pub async fn log_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use super::ctx;
    use crate::server::auth::session;
    use crate::server::service::accounts;
    let result = async {
        let state = ctx::state();
        let actor = accounts::log_in(&state, &email, &password).await?;
        session::log_in(&ctx::session().await?, &actor).await?;
        if actor.must_change_password {
            leptos_axum::redirect("/password");
        } else {
            leptos_axum::redirect(&safe_next(next.as_deref()));
        }
        Ok(())
    }
    .await;
    ctx::respond(result)
}

/// End the session.
#[server(prefix = "/api/ui", endpoint = "log_out")]
pub async fn log_out() -> Result<(), AppError> {
    use super::ctx;
    use crate::server::auth::session;
    let result = async {
        session::log_out(&ctx::session().await?).await?;
        leptos_axum::redirect("/login");
        Ok(())
    }
    .await;
    ctx::respond(result)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_must_stay_on_this_site() {
        assert_eq!(safe_next(Some("/workspaces/a")), "/workspaces/a");
        assert_eq!(safe_next(Some("//evil.example")), "/workspaces");
        assert_eq!(safe_next(Some("/\\evil.example")), "/workspaces");
        assert_eq!(safe_next(Some("https://evil.example")), "/workspaces");
        assert_eq!(safe_next(None), "/workspaces");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/workspaces");
        assert_eq!(safe_next(Some("/\n/evil.example")), "/workspaces");
        assert_eq!(safe_next(Some("/a\\b")), "/workspaces");
        assert_eq!(safe_next(Some("/é")), "/workspaces");
        assert_eq!(safe_next(Some("/buses?x=1")), "/buses?x=1");
    }
}

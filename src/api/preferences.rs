//! The UI language: remembered in a cookie for everyone, and as the user's setting when
//! signed in (see `app::locale` for how a page's language is decided).

use crate::domain::AppError;
use leptos::prelude::*;

/// Remember `locale` (`en`, `ja`, `zh`) for this browser, and for the signed-in user.
#[server(prefix = "/api/ui", endpoint = "set_ui_locale")]
pub async fn set_ui_locale(locale: String) -> Result<(), AppError> {
    use super::ctx;
    use crate::app::locale::COOKIE;
    use crate::domain::lang::Lang;
    use crate::server::auth::session;
    use crate::server::service::accounts;
    use tower_sessions::cookie::{time::Duration, Cookie, SameSite};
    let result = async {
        let lang = Lang::parse(&locale)
            .ok_or_else(|| AppError::invalid("locale", "must be one of en, ja, zh"))?;
        let state = ctx::state();
        let s = ctx::session().await?;
        if let Some(actor) = session::current(&s, &state.pool).await? {
            accounts::set_ui_locale(&state, &actor, lang).await?;
        }
        // A year, for every page. HttpOnly: no script reads it (the switcher asks this
        // function; the server decides every page's language). Secure exactly when the
        // session cookie is.
        let cookie = Cookie::build((COOKIE, lang.as_str()))
            .path("/")
            .max_age(Duration::days(365))
            .same_site(SameSite::Lax)
            .http_only(true)
            .secure(state.config.secure_cookies())
            .build();
        if let (Some(options), Ok(value)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::HeaderValue::from_str(&cookie.to_string()),
        ) {
            options.append_header(http::header::SET_COOKIE, value);
        }
        Ok(())
    }
    .await;
    ctx::respond(result)
}

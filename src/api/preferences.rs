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
    let result = async {
        let lang = Lang::parse(&locale)
            .ok_or_else(|| AppError::invalid("locale", "must be one of en, ja, zh"))?;
        let state = ctx::state();
        let s = ctx::session().await?;
        if let Some(actor) = session::current(&s, &state.pool).await? {
            accounts::set_ui_locale(&state, &actor, lang).await?;
        }
        // A year, for every page; not HttpOnly-worthy (it is no secret) but the browser
        // never needs to read it: the server decides.
        let secure = if state.config.secure_cookies() {
            "; Secure"
        } else {
            ""
        };
        let cookie =
            format!("{COOKIE}={lang}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly{secure}");
        if let (Some(options), Ok(value)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::HeaderValue::from_str(&cookie),
        ) {
            options.append_header(http::header::SET_COOKIE, value);
        }
        Ok(())
    }
    .await;
    ctx::respond(result)
}

//! `#[server]` functions: the UI's door to the server. One file per feature; each function
//! fetches the state and session, then calls one `server::service` function. They stay thin
//! so the REST API can share the services.
//!
//! All are mounted under `/api/ui/`.

pub mod access_keys;
pub mod auth;
pub mod catalog;
pub mod contacts;
pub mod eventbridge;
pub mod events;
pub mod preferences;
pub mod ram;
pub mod rules;
pub mod targets;
pub mod workspaces;

#[cfg(feature = "ssr")]
pub(crate) mod ctx {
    //! Reaching the state, session and actor from inside a server function.
    use crate::app::locale::RequestLocale;
    use crate::domain::AppError;
    use crate::server::auth::{session, Actor};
    use crate::server::http::messages;
    use crate::server::state::AppState;
    use leptos::prelude::expect_context;
    use tower_sessions::Session;

    /// The server's shared state.
    pub fn state() -> AppState {
        expect_context::<AppState>()
    }

    /// The request's session.
    pub async fn session() -> Result<Session, AppError> {
        leptos_axum::extract::<Session>()
            .await
            .map_err(|e| crate::server::error::internal("extracting the session", e))
    }

    /// The state and the signed-in actor, or `Unauthorized`.
    pub async fn actor() -> Result<(AppState, Actor), AppError> {
        let state = state();
        let session = session().await?;
        let actor = session::require(&session, &state.pool).await?;
        Ok((state, actor))
    }

    /// Set the HTTP status of the response from the result, so clients other than the UI
    /// (scripts, tests) see a fitting status, not a blanket 500. Called while a page renders
    /// on the server (a resource's server function runs in-process, so the translating
    /// middleware of `server::http::messages` never sees it), an error's words are put into
    /// the page's language here, and the page and its hydration data agree.
    pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
        let page_locale = leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<RequestLocale>().copied());
        let result = match (result, page_locale) {
            (Err(e), Some(RequestLocale(locale))) => Err(messages::translate(e, locale)),
            (result, _) => result,
        };
        if let Err(e) = &result {
            if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                if let Ok(code) = http::StatusCode::from_u16(e.status()) {
                    options.set_status(code);
                }
                if let AppError::TooManyRequests {
                    retry_after_secs, ..
                } = e
                {
                    options.insert_header(
                        http::header::RETRY_AFTER,
                        http::HeaderValue::from(*retry_after_secs),
                    );
                }
            }
        }
        result
    }
}

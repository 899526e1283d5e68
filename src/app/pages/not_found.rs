//! The page for unknown paths, answered with status 404.

use crate::app::i18n::{t, t_string, use_i18n};
use leptos::prelude::*;
use leptos_meta::Title;

/// "Page not found", with status 404 on the server.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
            options.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, common.not_found_title).to_string()/>
        <main class="auth">
            <h1>{t!(i18n, common.not_found)}</h1>
            <p><a href="/workspaces">{t!(i18n, common.back_to_workspaces)}</a></p>
        </main>
    }
}

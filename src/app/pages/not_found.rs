//! The page for unknown paths, answered with status 404.

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
    view! {
        <Title text="Not found"/>
        <main class="auth">
            <h1>"Page not found"</h1>
            <p><a href="/workspaces">"Back to your workspaces"</a></p>
        </main>
    }
}

//! `/`: sends the visitor to the workspaces list.

use leptos::prelude::*;
use leptos_router::components::Redirect;

/// Redirects to `/workspaces`.
#[component]
pub fn Home() -> impl IntoView {
    view! { <Redirect path="/workspaces"/> }
}

//! One file per feature's pages.

pub mod access_keys;
pub mod api_docs;
pub mod audit;
pub mod auth;
pub mod buses;
pub mod catalog;
pub mod contacts;
pub mod events;
pub mod home;
pub mod not_found;
pub mod quota;
pub mod ram;
pub mod rule_form;
pub mod rule_template;
pub mod rules;
pub mod settings;
pub mod unknown_types;
pub mod workspaces;

use crate::domain::AppError;
use leptos::prelude::*;

/// A page-level error: what went wrong, and for an expired session a way back in.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    let login = matches!(error, AppError::Unauthorized { .. });
    let i18n = crate::app::i18n::use_i18n();
    view! {
        <div class="notice error" role="alert">
            <p>{move || crate::app::locale::error_text(i18n, &error)}</p>
            <Show when=move || login>
                <p><a href="/login">{crate::app::i18n::t!(i18n, common.log_in)}</a></p>
            </Show>
        </div>
    }
}

//! The Leptos UI, compiled for the server (rendering) and the browser (hydration): the
//! HTML shell, the routes, and the page chrome. Pages live in [`pages`], reusable pieces in
//! [`components`], the UI's language in [`locale`] and its strings in `i18n` (generated from
//! `locales/*.json` by `build.rs`).

pub mod components;
pub mod locale;
pub mod pages;

// The generated `i18n` module: `Locale`, `use_i18n`, `I18nContextProvider`, `t!`.
include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

use i18n::I18nContextProvider;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use leptos_router::SsrMode;

/// The HTML document around the app. `<html lang>` is the page's locale, set by the app
/// (see [`locale`]).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                // Both name the site's files as the build hashed them (see `server::http::assets`).
                <HashedStylesheet options=options.clone() id="leptos"/>
                <HydrationScripts options/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: routes and chrome.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Tell tests (and anyone curious) that the page is interactive now.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <I18nContextProvider enable_cookie=false ssr_lang_header_getter=server_locale()>
        <Title formatter=|t: String| format!("{t} · Herald")/>
        <Router>
            <Routes fallback=pages::not_found::NotFound>
                // Pages wait for their data on the server, so redirects and status codes
                // work and the first paint is complete.
                <Route path=path!("/") view=pages::home::Home ssr=SsrMode::Async/>
                <Route path=path!("/login") view=pages::auth::LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/signup") view=pages::auth::SignUpPage ssr=SsrMode::Async/>
                <Route path=path!("/workspaces") view=pages::workspaces::WorkspacesPage ssr=SsrMode::Async/>
                <Route path=path!("/workspaces/:name") view=pages::workspaces::WorkspacePage ssr=SsrMode::Async/>
                <Route
                    path=path!("/workspaces/:name/settings")
                    view=pages::settings::GeneralSettingsPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/workspaces/:name/settings/notifications")
                    view=pages::settings::NotificationSettingsPage
                    ssr=SsrMode::Async
                />
                <Route path=path!("/buses") view=pages::buses::BusesPage ssr=SsrMode::Async/>
                <Route path=path!("/buses/:bus") view=pages::rules::BusRulesPage ssr=SsrMode::Async/>
                <Route
                    path=path!("/buses/:bus/rules/new")
                    view=pages::rule_form::NewRulePage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/buses/:bus/rules/:rule/edit")
                    view=pages::rule_form::EditRulePage
                    ssr=SsrMode::Async
                />
                <Route path=path!("/buses/:bus/events") view=pages::events::EventsPage ssr=SsrMode::Async/>
                <Route path=path!("/buses/:bus/events/:id") view=pages::events::EventPage ssr=SsrMode::Async/>
                <Route path=path!("/access-keys") view=pages::access_keys::AccessKeysPage ssr=SsrMode::Async/>
                <Route path=path!("/quota-requests") view=pages::quota::QuotaRequestsPage ssr=SsrMode::Async/>
                <Route path=path!("/catalog") view=pages::catalog::CatalogPage ssr=SsrMode::Async/>
                <Route path=path!("/contacts") view=pages::contacts::ContactsPage ssr=SsrMode::Async/>
                <Route path=path!("/password") view=pages::auth::ChangePasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/ram/users") view=pages::ram::UsersPage ssr=SsrMode::Async/>
                <Route path=path!("/ram/policies") view=pages::ram::PoliciesPage ssr=SsrMode::Async/>
                <Route path=path!("/audit") view=pages::audit::AuditPage ssr=SsrMode::Async/>
                <Route path=path!("/api") view=pages::api_docs::ApiPage ssr=SsrMode::Async/>
            </Routes>
        </Router>
        </I18nContextProvider>
    }
}

/// What leptos_i18n takes for the request's language on the server: the locale the page
/// middleware decided ([`locale::RequestLocale`]), so the user's setting and the cookie
/// come before `Accept-Language`. In the browser the locale comes from `<html lang>`
/// instead, and this is unused.
fn server_locale() -> leptos_i18n::context::UseLocalesOptions {
    #[cfg(feature = "ssr")]
    {
        let decided = use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<locale::RequestLocale>().copied())
            .map(|l| i18n::I18nLocaleTrait::as_str(l.0).to_string());
        leptos_i18n::context::UseLocalesOptions::default()
            .ssr_lang_header_getter(move || decided.clone())
    }
    #[cfg(not(feature = "ssr"))]
    leptos_i18n::context::UseLocalesOptions::default()
}

//! The frame of every signed-in page: header, navigation, the language switcher, the
//! user, and logout.

use crate::api::auth::{who_am_i, LogOut};
use crate::app::i18n::{t, t_string, use_i18n};
use crate::app::locale::LocaleSwitcher;
use crate::domain::models::CurrentUser;
use crate::domain::AppError;
use leptos::prelude::*;

/// The signed-in user, as the frame loaded it, for the pieces inside it.
#[derive(Clone, Copy)]
pub struct Me(pub Resource<Result<Option<CurrentUser>, AppError>>);

/// Shows `children` only to the account owner: the controls of account-level operations,
/// which the server refuses to everyone else anyway.
#[component]
pub fn OwnerOnly(children: ChildrenFn) -> impl IntoView {
    let me = use_context::<Me>();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let owner = match me {
                    Some(Me(user)) => matches!(user.await, Ok(Some(u)) if u.is_owner),
                    None => false,
                };
                owner.then(|| children.with_value(|c| c()))
            })}
        </Suspense>
    }
}

/// A signed-in page: header with navigation and a logout button, then `children`.
#[component]
pub fn Frame(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let user = Resource::new(|| (), |_| who_am_i());
    provide_context(Me(user));
    let log_out = ServerAction::<LogOut>::new();
    // Nothing else works for a RAM user until it replaces its initial password.
    let navigate = leptos_router::hooks::use_navigate();
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        if let Some(Ok(Some(u))) = user.get() {
            if u.must_change_password && location.pathname.get_untracked() != "/password" {
                navigate("/password", Default::default());
            }
        }
    });
    view! {
        <header class="topbar">
            <a class="brand" href="/workspaces">"Herald"</a>
            <nav aria-label=move || t_string!(i18n, nav.main)>
                <a href="/workspaces">{t!(i18n, nav.workspaces)}</a>
                <a href="/buses">{t!(i18n, nav.buses)}</a>
                <a href="/catalog">{t!(i18n, nav.catalog)}</a>
                <a href="/contacts">{t!(i18n, nav.contacts)}</a>
                // The owner's pages: a RAM user would only be refused there.
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let owner = matches!(user.await, Ok(Some(u)) if u.is_owner);
                        owner.then(|| view! {
                            <a href="/quota-requests">{t!(i18n, nav.quota)}</a>
                            <a href="/ram/users">{t!(i18n, nav.users)}</a>
                            <a href="/ram/policies">{t!(i18n, nav.policies)}</a>
                            <a href="/audit">{t!(i18n, nav.audit)}</a>
                        })
                    })}
                </Suspense>
                <a href="/access-keys">{t!(i18n, nav.access_keys)}</a>
                <a href="/api">{t!(i18n, nav.api)}</a>
            </nav>
            <div class="who">
                <LocaleSwitcher/>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match user.await {
                            Ok(Some(u)) => {
                                view! {
                                    <span class="user" data-testid="current-user" title=u.login.clone()>
                                        {u.display_name}
                                    </span>
                                    <a href="/password" class="link">{t!(i18n, nav.password)}</a>
                                }
                                    .into_any()
                            }
                            _ => ().into_any(),
                        }
                    })}
                </Suspense>
                <ActionForm action=log_out attr:class="inline">
                    <button type="submit" class="link">{t!(i18n, nav.log_out)}</button>
                </ActionForm>
            </div>
        </header>
        <main class="page">{children()}</main>
    }
}

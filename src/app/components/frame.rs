//! The frame of every signed-in page: header, navigation, the user, and logout.

use crate::api::auth::{who_am_i, LogOut};
use leptos::prelude::*;

/// A signed-in page: header with navigation and a logout button, then `children`.
#[component]
pub fn Frame(children: Children) -> impl IntoView {
    let user = Resource::new(|| (), |_| who_am_i());
    let log_out = ServerAction::<LogOut>::new();
    view! {
        <header class="topbar">
            <a class="brand" href="/workspaces">"Herald"</a>
            <nav aria-label="Main">
                <a href="/workspaces">"Workspaces"</a>
                <a href="/buses">"Event buses"</a>
                <a href="/catalog">"Event catalog"</a>
                <a href="/contacts">"Contacts"</a>
                <a href="/quota-requests">"Quota requests"</a>
                <a href="/access-keys">"Access keys"</a>
            </nav>
            <div class="who">
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match user.await {
                            Ok(Some(u)) => {
                                view! { <span class="user" data-testid="current-user">{u.display_name}</span> }
                                    .into_any()
                            }
                            _ => ().into_any(),
                        }
                    })}
                </Suspense>
                <ActionForm action=log_out attr:class="inline">
                    <button type="submit" class="link">"Log out"</button>
                </ActionForm>
            </div>
        </header>
        <main class="page">{children()}</main>
    }
}

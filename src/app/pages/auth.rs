//! `/login`, `/signup`, and `/password` (changing one's own password).

use crate::api::auth::{who_am_i, LogIn, SignUp};
use crate::api::ram::ChangePassword;
use crate::app::components::form::{outcome_of, FieldError, FormError};
use crate::app::components::frame::Frame;
use crate::domain::validate::PASSWORD_MIN_CHARS;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The login form. Returns to `?next=` after login.
#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<LogIn>::new();
    let outcome = outcome_of(action.value());
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    view! {
        <Title text="Log in"/>
        <main class="auth">
            <h1>"Log in to Herald"</h1>
            <ActionForm action=action attr:class="card" attr:aria-label="Log in">
                <FormError outcome/>
                <label for="email">"Email, or name@account for a RAM user"</label>
                <input id="email" name="email" type="text" autocomplete="username" required/>
                <FieldError outcome field="email"/>
                <label for="password">"Password"</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                />
                <FieldError outcome field="password"/>
                <input type="hidden" name="next" prop:value=next/>
                <button type="submit" disabled=move || action.pending().get()>
                    "Log in"
                </button>
            </ActionForm>
            <p>"No account yet? " <a href="/signup">"Sign up"</a></p>
        </main>
    }
}

/// The sign-up form: creates an account and its owner.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let outcome = outcome_of(action.value());
    view! {
        <Title text="Sign up"/>
        <main class="auth">
            <h1>"Create your Herald account"</h1>
            <ActionForm action=action attr:class="card" attr:aria-label="Sign up">
                <FormError outcome/>
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="email" required/>
                <FieldError outcome field="email"/>
                <label for="display_name">"Display name"</label>
                <input id="display_name" name="display_name" type="text" autocomplete="name" required/>
                <FieldError outcome field="display_name"/>
                <label for="password">"Password"</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="new-password"
                    aria-describedby="password-hint"
                    required
                />
                <p class="hint" id="password-hint">
                    {format!("At least {PASSWORD_MIN_CHARS} characters.")}
                </p>
                <FieldError outcome field="password"/>
                <button type="submit" disabled=move || action.pending().get()>
                    "Sign up"
                </button>
            </ActionForm>
            <p>"Already have an account? " <a href="/login">"Log in"</a></p>
        </main>
    }
}
/// `/password`: change one's own password. A RAM user lands here after its first login
/// (and after a reset), and can do nothing else until it has.
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let outcome = outcome_of(action.value());
    let me = Resource::new(|| (), |_| who_am_i());
    let done = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <Title text="Change password"/>
        <Frame>
            <h1>"Change password"</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let forced = matches!(me.await, Ok(Some(u)) if u.must_change_password);
                    forced.then(|| view! {
                        <p class="notice" role="status">
                            "This is your first login (or your password was reset): choose your own password to continue."
                        </p>
                    })
                })}
            </Suspense>
            <Show
                when=done
                fallback=move || view! {
                    <ActionForm action=action attr:class="card" attr:aria-label="Change password">
                        <FormError outcome/>
                        <label for="current">"Current password"</label>
                        <input id="current" name="current" type="password" autocomplete="current-password" required/>
                        <FieldError outcome field="current"/>
                        <label for="new-password">"New password"</label>
                        <input id="new-password" name="password" type="password" autocomplete="new-password" required minlength=PASSWORD_MIN_CHARS/>
                        <FieldError outcome field="password"/>
                        <button type="submit" disabled=move || action.pending().get()>"Change password"</button>
                    </ActionForm>
                }
            >
                <p class="notice" role="status">"Your password is changed. " <a href="/workspaces">"Continue to your workspaces"</a></p>
            </Show>
        </Frame>
    }
}

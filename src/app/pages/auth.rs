//! `/login` and `/signup`.

use crate::api::auth::{LogIn, SignUp};
use crate::app::components::form::{outcome_of, FieldError, FormError};
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
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="username" required/>
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

//! `/login`, `/signup`, and `/password` (changing one's own password).

use crate::api::auth::{who_am_i, LogIn, SignUp};
use crate::api::ram::ChangePassword;
use crate::app::components::form::{outcome_of, FieldError, FormError};
use crate::app::components::frame::Frame;
use crate::app::i18n::{t, t_string, use_i18n};
use crate::app::locale::LocaleSwitcher;
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
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, common.log_in).to_string()/>
        <main class="auth">
            <LocaleSwitcher/>
            <h1>{t!(i18n, auth.login_title)}</h1>
            <ActionForm action=action attr:class="card" attr:aria-label=move || t_string!(i18n, common.log_in)>
                <FormError outcome/>
                <label for="email">{t!(i18n, auth.login_name)}</label>
                <input id="email" name="email" type="text" autocomplete="username" required/>
                <FieldError outcome field="email"/>
                <label for="password">{t!(i18n, auth.password)}</label>
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
                    {t!(i18n, common.log_in)}
                </button>
            </ActionForm>
            <p>{t!(i18n, auth.no_account)} <a href="/signup">{t!(i18n, auth.sign_up)}</a></p>
        </main>
    }
}

/// The sign-up form: creates an account and its owner.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let outcome = outcome_of(action.value());
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, auth.sign_up).to_string()/>
        <main class="auth">
            <LocaleSwitcher/>
            <h1>{t!(i18n, auth.signup_title)}</h1>
            <ActionForm action=action attr:class="card" attr:aria-label=move || t_string!(i18n, auth.sign_up)>
                <FormError outcome/>
                <label for="email">{t!(i18n, auth.email)}</label>
                <input id="email" name="email" type="email" autocomplete="email" required/>
                <FieldError outcome field="email"/>
                <label for="display_name">{t!(i18n, auth.display_name)}</label>
                <input id="display_name" name="display_name" type="text" autocomplete="name" required/>
                <FieldError outcome field="display_name"/>
                <label for="password">{t!(i18n, auth.password)}</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="new-password"
                    aria-describedby="password-hint"
                    required
                />
                <p class="hint" id="password-hint">
                    {t!(i18n, auth.password_hint, n = move || PASSWORD_MIN_CHARS)}
                </p>
                <FieldError outcome field="password"/>
                // The account's messages start in the language the owner signs up in.
                <input
                    type="hidden"
                    name="language"
                    prop:value=move || crate::domain::lang::Lang::from(i18n.get_locale()).as_str()
                />
                <button type="submit" disabled=move || action.pending().get()>
                    {t!(i18n, auth.sign_up)}
                </button>
            </ActionForm>
            <p>{t!(i18n, auth.have_account)} <a href="/login">{t!(i18n, common.log_in)}</a></p>
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
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, auth.change_password).to_string()/>
        <Frame>
            <h1>{t!(i18n, auth.change_password)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let forced = matches!(me.await, Ok(Some(u)) if u.must_change_password);
                    forced.then(|| view! {
                        <p class="notice" role="status">
                            {t!(i18n, auth.first_login)}
                        </p>
                    })
                })}
            </Suspense>
            <Show
                when=done
                fallback=move || view! {
                    <ActionForm action=action attr:class="card" attr:aria-label=move || t_string!(i18n, auth.change_password)>
                        <FormError outcome/>
                        <label for="current">{t!(i18n, auth.current_password)}</label>
                        <input id="current" name="current" type="password" autocomplete="current-password" required/>
                        <FieldError outcome field="current"/>
                        <label for="new-password">{t!(i18n, auth.new_password)}</label>
                        <input id="new-password" name="password" type="password" autocomplete="new-password" required minlength=PASSWORD_MIN_CHARS/>
                        <FieldError outcome field="password"/>
                        <button type="submit" disabled=move || action.pending().get()>{t!(i18n, auth.change_password)}</button>
                    </ActionForm>
                }
            >
                <p class="notice" role="status">{t!(i18n, auth.password_changed)} <a href="/workspaces">{t!(i18n, auth.continue_to)}</a></p>
            </Show>
        </Frame>
    }
}

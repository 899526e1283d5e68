//! `/access-keys`: API credentials for the platform's PutEvents calls. A new key's token is
//! shown once; afterwards only its public prefix. Revoking asks first.

use super::ErrorNotice;
use crate::api::access_keys::{list_access_keys, CreateAccessKey, RevokeAccessKey};
use crate::app::components::form::{outcome_of, FieldError, FormError};
use crate::app::components::frame::Frame;
use crate::app::i18n::{t, t_string, use_i18n};
use crate::app::locale::time_view;
use leptos::prelude::*;
use leptos_meta::Title;

/// The "Access keys" page.
#[component]
pub fn AccessKeysPage() -> impl IntoView {
    let create = ServerAction::<CreateAccessKey>::new();
    let revoke = ServerAction::<RevokeAccessKey>::new();
    let create_outcome = outcome_of(create.value());
    let revoke_outcome = outcome_of(revoke.value());
    let list = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_access_keys(),
    );
    let confirming = RwSignal::new(None::<i64>);
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, keys.title)/>
        <Frame>
            <h1>{t!(i18n, keys.title)}</h1>
            <p class="hint">
                {t!(i18n, keys.hint_1)}
                <code>"POST /api/v1/buses/{bus}/events"</code>
                {t!(i18n, keys.hint_2)}
                <code>"Authorization: Bearer <token>"</code>
                {t!(i18n, keys.hint_3)}
            </p>
            <section class="card">
                <h2>{t!(i18n, keys.create)}</h2>
                <ActionForm action=create attr:aria-label=move || t_string!(i18n, keys.create)>
                    <FormError outcome=create_outcome/>
                    <label for="key-name">{t!(i18n, common.name)}</label>
                    <input id="key-name" name="name" type="text" placeholder="training-platform"/>
                    <FieldError outcome=create_outcome field="name"/>
                    <button type="submit" disabled=move || create.pending().get()>{t!(i18n, keys.create)}</button>
                </ActionForm>
                {move || {
                    create.value().get().and_then(Result::ok).map(|k| view! {
                        <div class="notice" role="status" data-testid="new-token">
                            <p>{t!(i18n, keys.shown_once)}</p>
                            <code class="secret">{k.token}</code>
                        </div>
                    })
                }}
            </section>
            <FormError outcome=revoke_outcome/>
            <Transition fallback=move || view! { <p>{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(keys) if keys.is_empty() => {
                            view! { <p class="empty">{t!(i18n, keys.empty)}</p> }.into_any()
                        }
                        Ok(keys) => view! {
                            <table class="list" aria-label=move || t_string!(i18n, keys.title)>
                                <thead>
                                    <tr>
                                        <th scope="col">{t!(i18n, common.name)}</th>
                                        <th scope="col">{t!(i18n, keys.user)}</th>
                                        <th scope="col">{t!(i18n, keys.token_starts)}</th>
                                        <th scope="col">{t!(i18n, common.created)}</th>
                                        <th scope="col">{t!(i18n, keys.last_used)}</th>
                                        <th scope="col">{t!(i18n, common.status)}</th>
                                        <th scope="col">{t!(i18n, common.actions)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {keys
                                        .into_iter()
                                        .map(|k| {
                                            let id = k.id;
                                            let active = k.revoked_at.is_none();
                                            let name = StoredValue::new(k.name.clone());
                                            view! {
                                                <tr>
                                                    <td>{k.name.clone()}</td>
                                                    <td>{k.user.clone()}</td>
                                                    <td><code>{format!("hk_{}_…", k.key_id)}</code></td>
                                                    <td>{time_view(k.created_at.clone())}</td>
                                                    <td>
                                                        {match k.last_used_at.clone() {
                                                            Some(at) => time_view(at).into_any(),
                                                            None => t!(i18n, keys.never).into_any(),
                                                        }}
                                                    </td>
                                                    <td>
                                                        {match k.revoked_at.clone() {
                                                            Some(at) => t!(i18n, keys.revoked, at = time_view(at)).into_any(),
                                                            None => t!(i18n, keys.active).into_any(),
                                                        }}
                                                    </td>
                                                    <td class="actions">
                                                        <Show when=move || active>
                                                            <Show
                                                                when=move || confirming.get() == Some(id)
                                                                fallback=move || view! {
                                                                    <button type="button" class="danger" on:click=move |_| confirming.set(Some(id))>
                                                                        {t!(i18n, keys.revoke)}
                                                                    </button>
                                                                }
                                                            >
                                                                <span role="alert">{t!(i18n, keys.revoke_confirm, name = move || name.get_value())}</span>
                                                                <ActionForm action=revoke attr:class="inline">
                                                                    <input type="hidden" name="id" value=id/>
                                                                    <button type="submit" class="danger">{t!(i18n, keys.yes_revoke)}</button>
                                                                </ActionForm>
                                                            </Show>
                                                        </Show>
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </Frame>
    }
}

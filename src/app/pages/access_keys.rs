//! `/access-keys`: API credentials for the platform's PutEvents calls. A new key's token is
//! shown once; afterwards only its public prefix. Revoking asks first.

use super::ErrorNotice;
use crate::api::access_keys::{list_access_keys, CreateAccessKey, RevokeAccessKey};
use crate::app::components::form::{outcome_of, FieldError, FormError};
use crate::app::components::frame::Frame;
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
    view! {
        <Title text="Access keys"/>
        <Frame>
            <h1>"Access keys"</h1>
            <p class="hint">
                "Your platform puts events on a bus with "
                <code>"POST /api/v1/buses/{bus}/events"</code>
                " and the header "
                <code>"Authorization: Bearer <token>"</code>
                ". A key acts as its user, with that user's permissions. The account owner sees and may revoke every user's keys."
            </p>
            <section class="card">
                <h2>"Create access key"</h2>
                <ActionForm action=create attr:aria-label="Create access key">
                    <FormError outcome=create_outcome/>
                    <label for="key-name">"Name"</label>
                    <input id="key-name" name="name" type="text" placeholder="training-platform"/>
                    <FieldError outcome=create_outcome field="name"/>
                    <button type="submit" disabled=move || create.pending().get()>"Create access key"</button>
                </ActionForm>
                {move || {
                    create.value().get().and_then(Result::ok).map(|k| view! {
                        <div class="notice" role="status" data-testid="new-token">
                            <p>"Copy the token now: it is not shown again."</p>
                            <code class="secret">{k.token}</code>
                        </div>
                    })
                }}
            </section>
            <FormError outcome=revoke_outcome/>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(keys) if keys.is_empty() => {
                            view! { <p class="empty">"No access keys yet."</p> }.into_any()
                        }
                        Ok(keys) => view! {
                            <table class="list" aria-label="Access keys">
                                <thead>
                                    <tr>
                                        <th scope="col">"Name"</th>
                                        <th scope="col">"User"</th>
                                        <th scope="col">"Token starts"</th>
                                        <th scope="col">"Created"</th>
                                        <th scope="col">"Last used"</th>
                                        <th scope="col">"Status"</th>
                                        <th scope="col">"Actions"</th>
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
                                                    <td>{k.created_at.clone()}</td>
                                                    <td>{k.last_used_at.clone().unwrap_or_else(|| "never".into())}</td>
                                                    <td>{k.revoked_at.clone().map(|at| format!("revoked {at}")).unwrap_or_else(|| "active".into())}</td>
                                                    <td class="actions">
                                                        <Show when=move || active>
                                                            <Show
                                                                when=move || confirming.get() == Some(id)
                                                                fallback=move || view! {
                                                                    <button type="button" class="danger" on:click=move |_| confirming.set(Some(id))>
                                                                        "Revoke"
                                                                    </button>
                                                                }
                                                            >
                                                                <span role="alert">{format!("Revoke {}? Calls with it fail at once.", name.get_value())}</span>
                                                                <ActionForm action=revoke attr:class="inline">
                                                                    <input type="hidden" name="id" value=id/>
                                                                    <button type="submit" class="danger">"Yes, revoke"</button>
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

//! `/contacts`: "Message receiving settings": the people voice, SMS and email targets reach.
//! Create, edit in place, and delete after a confirmation.

use super::ErrorNotice;
use crate::api::contacts::{
    contact_uses, list_contacts, CreateContact, DeleteContact, UpdateContact,
};
use crate::app::components::form::{outcome_of, FieldError, FormError};
use crate::app::components::frame::{Frame, OwnerOnly};
use crate::app::i18n::{t, t_string, use_i18n};
use crate::app::locale::{error_text, kind_label};
use crate::domain::models::ContactView;
use leptos::prelude::*;
use leptos_meta::Title;

/// The "Message receiving settings" page.
#[component]
pub fn ContactsPage() -> impl IntoView {
    let create = ServerAction::<CreateContact>::new();
    let update = ServerAction::<UpdateContact>::new();
    let delete = ServerAction::<DeleteContact>::new();
    let create_outcome = outcome_of(create.value());
    let update_outcome = outcome_of(update.value());
    let delete_outcome = outcome_of(delete.value());
    let list = Resource::new(
        move || {
            (
                create.version().get(),
                update.version().get(),
                delete.version().get(),
            )
        },
        |_| list_contacts(),
    );
    let editing = RwSignal::new(None::<i64>);
    let confirming = RwSignal::new(None::<i64>);
    let form = NodeRef::<leptos::html::Form>::new();
    let i18n = use_i18n();
    Effect::new(move |_| {
        if let Some(Ok(_)) = update.value().get() {
            editing.set(None);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            if let Some(f) = form.get() {
                f.reset();
            }
        }
    });

    let row = move |c: ContactView| {
        let id = c.id;
        let shown = c.clone();
        let edit = c.clone();
        view! {
            <tr>
                <Show
                    when=move || editing.get() == Some(id)
                    fallback=move || {
                        let c = shown.clone();
                        let name = c.name.clone();
                        view! {
                            <td>{c.name.clone()}</td>
                            <td>{c.phone.clone().unwrap_or_else(|| "—".into())}</td>
                            <td>{c.email.clone().unwrap_or_else(|| "—".into())}</td>
                            <td class="actions">
                                <Show
                                    when=move || confirming.get() == Some(id)
                                    fallback=move || {
                                        view! {
                                            <OwnerOnly>
                                                <button type="button" class="secondary" on:click=move |_| editing.set(Some(id))>
                                                    {t!(i18n, common.edit)}
                                                </button>
                                                <button type="button" class="danger" on:click=move |_| confirming.set(Some(id))>
                                                    {t!(i18n, common.delete)}
                                                </button>
                                            </OwnerOnly>
                                        }
                                    }
                                >
                                    <ConfirmDelete id name=name.clone() action=delete/>
                                    <button type="button" class="secondary" on:click=move |_| confirming.set(None)>
                                        {t!(i18n, common.cancel)}
                                    </button>
                                </Show>
                            </td>
                        }
                    }
                >
                    <td colspan="4">
                        <EditContact contact=edit.clone() action=update editing outcome=update_outcome/>
                    </td>
                </Show>
            </tr>
        }
    };

    view! {
        <Title text=move || t_string!(i18n, contacts.title).to_string()/>
        <Frame>
            <h1>{t!(i18n, contacts.title)}</h1>
            <p class="hint">{t!(i18n, contacts.intro)}</p>
            <OwnerOnly>
            <section class="card">
                <h2>{t!(i18n, contacts.add)}</h2>
                <ActionForm action=create node_ref=form attr:aria-label=move || t_string!(i18n, contacts.add)>
                    <FormError outcome=create_outcome/>
                    <label for="contact-name">{t!(i18n, common.name)}</label>
                    <input id="contact-name" name="name" type="text" required/>
                    <FieldError outcome=create_outcome field="name"/>
                    <label for="contact-phone">{t!(i18n, contacts.phone)}</label>
                    <input id="contact-phone" name="phone" type="tel" aria-describedby="phone-hint" autocomplete="tel"/>
                    <p class="hint" id="phone-hint">{t!(i18n, contacts.phone_hint)}</p>
                    <FieldError outcome=create_outcome field="phone"/>
                    <label for="contact-email">{t!(i18n, contacts.email)}</label>
                    <input id="contact-email" name="email" type="email" autocomplete="email"/>
                    <FieldError outcome=create_outcome field="email"/>
                    <button type="submit" disabled=move || create.pending().get()>{t!(i18n, contacts.add)}</button>
                </ActionForm>
            </section>
            </OwnerOnly>
            <FormError outcome=delete_outcome/>
            <Transition fallback=move || view! { <p>{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(items) if items.is_empty() => {
                            view! { <p class="empty">{t!(i18n, contacts.empty)}</p> }.into_any()
                        }
                        Ok(items) => view! {
                            <table class="list" aria-label=move || t_string!(i18n, nav.contacts)>
                                <thead>
                                    <tr>
                                        <th scope="col">{t!(i18n, common.name)}</th>
                                        <th scope="col">{t!(i18n, contacts.phone)}</th>
                                        <th scope="col">{t!(i18n, contacts.email)}</th>
                                        <th scope="col">{t!(i18n, common.actions)}</th>
                                    </tr>
                                </thead>
                                <tbody>{items.into_iter().map(row).collect_view()}</tbody>
                            </table>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </Frame>
    }
}

/// A contact's row while it is being edited.
#[component]
fn EditContact(
    contact: ContactView,
    action: ServerAction<UpdateContact>,
    editing: RwSignal<Option<i64>>,
    outcome: crate::app::components::form::Outcome,
) -> impl IntoView {
    let i18n = use_i18n();
    let who = contact.name.clone();
    let label = move || t_string!(i18n, contacts.edit_label, name = who.clone()).to_string();
    view! {
        <ActionForm action=action attr:class="row-form" attr:aria-label=label>
            <input type="hidden" name="id" value=contact.id/>
            <label>{t!(i18n, common.name)} <input name="name" type="text" value=contact.name.clone()/></label>
            <FieldError outcome field="name"/>
            <label>{t!(i18n, contacts.phone)} <input name="phone" type="tel" value=contact.phone.clone().unwrap_or_default()/></label>
            <FieldError outcome field="phone"/>
            <label>{t!(i18n, contacts.email)} <input name="email" type="email" value=contact.email.clone().unwrap_or_default()/></label>
            <FieldError outcome field="email"/>
            <FormError outcome/>
            <div>
                <button type="submit">{t!(i18n, common.save)}</button>
                <button type="button" class="secondary" on:click=move |_| editing.set(None)>
                    {t!(i18n, common.cancel)}
                </button>
            </div>
        </ActionForm>
    }
}

/// "Delete X?" — naming the rules whose targets reach the contact, since deleting it takes
/// it out of them (and removes a target left with nobody).
#[component]
fn ConfirmDelete(id: i64, name: String, action: ServerAction<DeleteContact>) -> impl IntoView {
    let uses = Resource::new(move || id, contact_uses);
    let i18n = use_i18n();
    view! {
        <Suspense fallback=move || view! { <span>{t!(i18n, contacts.checking)}</span> }>
            {
                let name = name.clone();
                move || {
                    let name = name.clone();
                    Suspend::new(async move {
                        let message = match uses.await {
                            Ok(list) if list.is_empty() => {
                                t_string!(i18n, contacts.delete_unused, name = name.clone()).to_string()
                            }
                            Ok(list) => {
                                let places: Vec<String> = list
                                    .iter()
                                    .map(|u| {
                                        let what = if u.removes_target {
                                            t_string!(i18n, contacts.target_removed)
                                        } else {
                                            t_string!(i18n, contacts.taken_out)
                                        };
                                        t_string!(
                                            i18n,
                                            contacts.use_place,
                                            rule = u.rule.clone(),
                                            bus = u.bus.clone(),
                                            kind = kind_label(i18n, u.kind),
                                            what = what
                                        )
                                        .to_string()
                                    })
                                    .collect();
                                t_string!(i18n, contacts.delete_used, name = name.clone(), places = places.join("; ")).to_string()
                            }
                            Err(e) => error_text(i18n, &e),
                        };
                        view! {
                            <span role="alert" data-testid="contact-delete-warning">{message}</span>
                            <ActionForm action attr:class="inline">
                                <input type="hidden" name="id" value=id/>
                                <input type="hidden" name="confirmed" value="true"/>
                                <button type="submit" class="danger">{t!(i18n, common.yes_delete)}</button>
                            </ActionForm>
                        }
                    })
                }
            }
        </Suspense>
    }
}

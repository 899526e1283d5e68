//! `/workspaces` (list and create) and `/workspaces/:name` (one workspace).

use super::ErrorNotice;
use crate::api::workspaces::{get_workspace, list_workspaces, CreateWorkspace};
use crate::app::components::form::{outcome_of, FieldError, FormError};
use crate::app::components::frame::{Frame, OwnerOnly};
use crate::app::i18n::{t, t_string, use_i18n};
use crate::app::locale::time_view;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The account's workspaces and the form to create one.
#[component]
pub fn WorkspacesPage() -> impl IntoView {
    let create = ServerAction::<CreateWorkspace>::new();
    let outcome = outcome_of(create.value());
    let list = Resource::new(move || create.version().get(), |_| list_workspaces());
    let input = NodeRef::<leptos::html::Input>::new();
    // Clear the name after a successful create, ready for the next one.
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            if let Some(el) = input.get() {
                el.set_value("");
            }
        }
    });

    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, ws.title).to_string()/>
        <Frame>
            <h1>{t!(i18n, ws.title)}</h1>
            <OwnerOnly>
            <section class="card">
                <h2>{t!(i18n, ws.create)}</h2>
                <ActionForm action=create attr:aria-label=move || t_string!(i18n, ws.create)>
                    <FormError outcome/>
                    <label for="name">{t!(i18n, ws.name)}</label>
                    <input
                        id="name"
                        name="name"
                        type="text"
                        node_ref=input
                        aria-describedby="name-hint"
                        required
                    />
                    <p class="hint" id="name-hint">
                        {t!(i18n, ws.name_hint)}
                    </p>
                    <FieldError outcome field="name"/>
                    <button type="submit" disabled=move || create.pending().get()>
                        {t!(i18n, ws.create)}
                    </button>
                </ActionForm>
            </section>
            </OwnerOnly>
            <Transition fallback=move || view! { <p>{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(items) if items.is_empty() => {
                            view! { <p class="empty">{t!(i18n, ws.empty)}</p> }
                                .into_any()
                        }
                        Ok(items) => {
                            view! {
                                <table class="list" aria-label=move || t_string!(i18n, ws.title)>
                                    <thead>
                                        <tr>
                                            <th scope="col">{t!(i18n, common.name)}</th>
                                            <th scope="col">{t!(i18n, common.event_bus)}</th>
                                            <th scope="col">{t!(i18n, common.created)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {items
                                            .into_iter()
                                            .map(|w| {
                                                view! {
                                                    <tr>
                                                        <td>
                                                            <a href=format!("/workspaces/{}", w.name)>{w.name.clone()}</a>
                                                        </td>
                                                        <td>{w.bus_name.unwrap_or_else(|| "—".into())}</td>
                                                        <td>{time_view(w.created_at)}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </Frame>
    }
}

/// One workspace, with the way to its settings.
#[component]
pub fn WorkspacePage() -> impl IntoView {
    let params = use_params_map();
    let name = move || params.read().get("name").unwrap_or_default();
    let workspace = Resource::new(name, get_workspace);
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, ws.page_title, name = name()).to_string()/>
        <Frame>
            <Suspense fallback=move || view! { <p>{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match workspace.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(w) => {
                            view! {
                                <div class="title-row">
                                    <h1>{w.name.clone()}</h1>
                                    <a class="button" href=format!("/workspaces/{}/settings", w.name)>
                                        {t!(i18n, ws.settings)}
                                    </a>
                                </div>
                                <dl class="facts">
                                    <dt>{t!(i18n, common.created)}</dt>
                                    <dd>{time_view(w.created_at)}</dd>
                                    <dt>{t!(i18n, common.event_bus)}</dt>
                                    <dd>{match w.bus_name {
                                        Some(bus) => bus.into_any(),
                                        None => t!(i18n, ws.not_activated).into_any(),
                                    }}</dd>
                                </dl>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </Frame>
    }
}

//! `/workspaces` (list and create) and `/workspaces/:name` (one workspace).

use super::ErrorNotice;
use crate::api::workspaces::{get_workspace, list_workspaces, CreateWorkspace};
use crate::app::components::form::{outcome_of, FieldError, FormError};
use crate::app::components::frame::{Frame, OwnerOnly};
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

    view! {
        <Title text="Workspaces"/>
        <Frame>
            <h1>"Workspaces"</h1>
            <OwnerOnly>
            <section class="card">
                <h2>"Create workspace"</h2>
                <ActionForm action=create attr:aria-label="Create workspace">
                    <FormError outcome/>
                    <label for="name">"Workspace name"</label>
                    <input
                        id="name"
                        name="name"
                        type="text"
                        node_ref=input
                        aria-describedby="name-hint"
                        required
                    />
                    <p class="hint" id="name-hint">
                        "3 to 64 letters, digits, '-' or '_'."
                    </p>
                    <FieldError outcome field="name"/>
                    <button type="submit" disabled=move || create.pending().get()>
                        "Create workspace"
                    </button>
                </ActionForm>
            </section>
            </OwnerOnly>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(items) if items.is_empty() => {
                            view! { <p class="empty">"No workspaces yet. Create your first one above."</p> }
                                .into_any()
                        }
                        Ok(items) => {
                            view! {
                                <table class="list" aria-label="Workspaces">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Name"</th>
                                            <th scope="col">"Event bus"</th>
                                            <th scope="col">"Created"</th>
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
                                                        <td>{w.created_at}</td>
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
    view! {
        <Title text=move || format!("Workspace {}", name())/>
        <Frame>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match workspace.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(w) => {
                            view! {
                                <div class="title-row">
                                    <h1>{w.name.clone()}</h1>
                                    <a class="button" href=format!("/workspaces/{}/settings", w.name)>
                                        "Workspace settings"
                                    </a>
                                </div>
                                <dl class="facts">
                                    <dt>"Created"</dt>
                                    <dd>{w.created_at}</dd>
                                    <dt>"Event bus"</dt>
                                    <dd>{w.bus_name.unwrap_or_else(|| "not activated".into())}</dd>
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

//! "Workspace settings": the General tab and the "Event notification settings" tab with
//! activation (`ServiceNotEnable` → "Activate for free"), "Grant permissions", and the
//! account's message language.

use super::ErrorNotice;
use crate::api::eventbridge::{
    get_notification_settings, ActivateEventBridge, GrantPermissions, SetAccountLanguage,
};
use crate::api::workspaces::get_workspace;
use crate::app::components::form::{outcome_of, FormError};
use crate::app::components::frame::{Frame, OwnerOnly};
use crate::app::components::target_test::TargetTester;
use crate::domain::policy::{system_bus_name, SERVICE_LINKED_ROLE};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    General,
    Notifications,
}

/// The tab bar of the settings pages.
#[component]
fn Tabs(workspace: String, active: Tab) -> impl IntoView {
    let link = |tab: Tab, href: String, label: &'static str| {
        let current = (tab == active).then_some("page");
        view! {
            <a role="tab" href=href aria-current=current aria-selected=(tab == active).to_string()>
                {label}
            </a>
        }
    };
    view! {
        <nav class="tabs" role="tablist" aria-label="Workspace settings">
            {link(Tab::General, format!("/workspaces/{workspace}/settings"), "General")}
            {link(
                Tab::Notifications,
                format!("/workspaces/{workspace}/settings/notifications"),
                "Event notification settings",
            )}
        </nav>
    }
}

fn workspace_param() -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get("name").unwrap_or_default()
}

/// The General tab: the workspace's facts.
#[component]
pub fn GeneralSettingsPage() -> impl IntoView {
    let name = workspace_param();
    let workspace = Resource::new(name, get_workspace);
    view! {
        <Title text=move || format!("Settings of {}", name())/>
        <Frame>
            <h1>"Workspace settings"</h1>
            <Tabs workspace=name() active=Tab::General/>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match workspace.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(w) => view! {
                            <dl class="facts">
                                <dt>"Name"</dt>
                                <dd>{w.name}</dd>
                                <dt>"Created"</dt>
                                <dd>{w.created_at}</dd>
                            </dl>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </Frame>
    }
}

/// The "Event notification settings" tab.
#[component]
pub fn NotificationSettingsPage() -> impl IntoView {
    let name = workspace_param();
    let activate = ServerAction::<ActivateEventBridge>::new();
    let grant = ServerAction::<GrantPermissions>::new();
    let activate_outcome = outcome_of(activate.value());
    let grant_outcome = outcome_of(grant.value());
    let settings = Resource::new(
        move || (name(), activate.version().get(), grant.version().get()),
        |(workspace, _, _)| get_notification_settings(workspace),
    );

    view! {
        <Title text=move || format!("Event notification settings of {}", name())/>
        <Frame>
            <h1>"Workspace settings"</h1>
            <Tabs workspace=name() active=Tab::Notifications/>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let s = match settings.await {
                        Err(e) => return view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(s) => s,
                    };
                    let bus = system_bus_name(&s.workspace.name);
                    match s.activated_at {
                        None => view! {
                            <section class="notice warning" data-testid="service-not-enable">
                                <h2>"ServiceNotEnable"</h2>
                                <p>
                                    "EventBridge is not activated for this account, so event notifications cannot be configured yet. "
                                    "Activation is free. It creates a custom event bus named "
                                    <code>{format!("pai-system-{}", s.workspace.name)}</code>
                                    " for this workspace and one for each of your other workspaces."
                                </p>
                                <FormError outcome=activate_outcome/>
                                <OwnerOnly>
                                    <ActionForm action=activate attr:aria-label="Activate EventBridge">
                                        <button type="submit" disabled=move || activate.pending().get()>
                                            "Activate for free"
                                        </button>
                                    </ActionForm>
                                </OwnerOnly>
                            </section>
                        }
                        .into_any(),
                        Some(at) => view! {
                            <section class="card" data-testid="eventbridge-active">
                                <h2>"EventBridge"</h2>
                                <p>"Activated on " {at} "."</p>
                                <p>
                                    "Event bus of this workspace: "
                                    <code data-testid="workspace-bus">
                                        {s.workspace.bus_name.clone().unwrap_or(bus)}
                                    </code>
                                    " · " <a href="/buses">"All event buses"</a>
                                </p>
                            </section>
                            <section class="card" data-testid="permissions">
                                <h2>"Permissions"</h2>
                                {match s.role {
                                    None => view! {
                                        <p>
                                            "Herald needs the service-linked role "
                                            <code>{SERVICE_LINKED_ROLE}</code>
                                            " to put your platform's events on this workspace's bus. "
                                            "Event rules cannot be created until it exists."
                                        </p>
                                        <FormError outcome=grant_outcome/>
                                        <OwnerOnly>
                                            <ActionForm action=grant attr:aria-label="Grant permissions">
                                                <button type="submit" disabled=move || grant.pending().get()>
                                                    "Grant permissions"
                                                </button>
                                            </ActionForm>
                                        </OwnerOnly>
                                    }
                                    .into_any(),
                                    Some(role) => view! {
                                        <p>"Permissions granted. The service-linked role:"</p>
                                        <dl class="facts" data-testid="service-role">
                                            <dt>"Role name"</dt>
                                            <dd><code>{role.name}</code></dd>
                                            <dt>"ARN"</dt>
                                            <dd><code>{role.arn}</code></dd>
                                            <dt>"Created"</dt>
                                            <dd>{role.created_at}</dd>
                                        </dl>
                                        <h3>"Policy"</h3>
                                        <pre class="json" aria-label="Role policy">{role.policy}</pre>
                                        <p>
                                            <a class="button" href=format!("/buses/{}/rules/new", s.workspace.bus_name.clone().unwrap_or_default())>
                                                "Create event rule"
                                            </a>
                                            " "
                                            <a href=format!("/buses/{}", s.workspace.bus_name.clone().unwrap_or_default())>
                                                "Event rules of this workspace"
                                            </a>
                                        </p>
                                    }
                                    .into_any(),
                                }}
                            </section>
                            <section class="card" data-testid="target-tester">
                                <h2>"Test a target"</h2>
                                <p class="hint">
                                    "Sends a clearly marked test message, signed as real notifications will be, "
                                    "and reports what the robot or endpoint answered. Nothing is saved."
                                </p>
                                <TargetTester bus=s.workspace.bus_name.clone().unwrap_or_default()/>
                            </section>
                            <AccountLanguage current=s.language.clone()/>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </Frame>
    }
}

/// The account's message language: what rules without their own are written in.
#[component]
fn AccountLanguage(current: String) -> impl IntoView {
    use crate::domain::lang::Lang;
    let set = ServerAction::<SetAccountLanguage>::new();
    let outcome = outcome_of(set.value());
    let current = StoredValue::new(current);
    view! {
        <section class="card" data-testid="account-language">
            <h2>"Message language"</h2>
            <p class="hint">"Notifications of rules that do not pick a language are written in this one."</p>
            <FormError outcome=outcome/>
            <OwnerOnly>
                <ActionForm action=set attr:aria-label="Message language">
                    <select name="language" aria-label="Message language">
                        {Lang::ALL
                            .into_iter()
                            .map(|l| {
                                let selected = current.with_value(|c| l.as_str() == c);
                                view! { <option value=l.as_str() selected=selected>{l.label()}</option> }
                            })
                            .collect_view()}
                    </select>
                    " "
                    <button type="submit" disabled=move || set.pending().get()>"Save"</button>
                </ActionForm>
            </OwnerOnly>
        </section>
    }
}

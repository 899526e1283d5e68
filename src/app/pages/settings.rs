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
use crate::app::i18n::{t, t_string, use_i18n};
use crate::app::locale::{time_view, LocaleSwitcher};
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
    let i18n = use_i18n();
    let link = |tab: Tab, href: String, label: AnyView| {
        let current = (tab == active).then_some("page");
        view! {
            <a role="tab" href=href aria-current=current aria-selected=(tab == active).to_string()>
                {label}
            </a>
        }
    };
    view! {
        <nav class="tabs" role="tablist" aria-label=move || t_string!(i18n, ws.settings)>
            {link(Tab::General, format!("/workspaces/{workspace}/settings"), t!(i18n, settings.general).into_any())}
            {link(
                Tab::Notifications,
                format!("/workspaces/{workspace}/settings/notifications"),
                t!(i18n, settings.notifications).into_any(),
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
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, settings.title_general, name = name()).to_string()/>
        <Frame>
            <h1>{t!(i18n, ws.settings)}</h1>
            <Tabs workspace=name() active=Tab::General/>
            <section class="card" data-testid="language-setting">
                <h2><label for="settings-language">{t!(i18n, settings.your_language)}</label></h2>
                <p class="hint">{t!(i18n, settings.your_language_hint)}</p>
                <LocaleSwitcher id="settings-language"/>
            </section>
            <Suspense fallback=move || view! { <p>{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match workspace.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(w) => view! {
                            <dl class="facts">
                                <dt>{t!(i18n, common.name)}</dt>
                                <dd>{w.name}</dd>
                                <dt>{t!(i18n, common.created)}</dt>
                                <dd>{time_view(w.created_at)}</dd>
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

    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, settings.title_notifications, name = name()).to_string()/>
        <Frame>
            <h1>{t!(i18n, ws.settings)}</h1>
            <Tabs workspace=name() active=Tab::Notifications/>
            <Transition fallback=move || view! { <p>{t!(i18n, common.loading)}</p> }>
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
                                    {t!(i18n, settings.not_enable_1)}
                                    {t!(i18n, settings.not_enable_2)}
                                    <code>{format!("pai-system-{}", s.workspace.name)}</code>
                                    {t!(i18n, settings.not_enable_3)}
                                </p>
                                <FormError outcome=activate_outcome/>
                                <OwnerOnly>
                                    <ActionForm action=activate attr:aria-label=move || t_string!(i18n, settings.activate_form)>
                                        <button type="submit" disabled=move || activate.pending().get()>
                                            {t!(i18n, settings.activate)}
                                        </button>
                                    </ActionForm>
                                </OwnerOnly>
                            </section>
                        }
                        .into_any(),
                        Some(at) => view! {
                            <section class="card" data-testid="eventbridge-active">
                                <h2>"EventBridge"</h2>
                                <p>{t!(i18n, settings.activated_on, at = time_view(at))}</p>
                                <p>
                                    {t!(i18n, settings.bus_of_workspace)}
                                    <code data-testid="workspace-bus">
                                        {s.workspace.bus_name.clone().unwrap_or(bus)}
                                    </code>
                                    " · " <a href="/buses">{t!(i18n, common.all_buses)}</a>
                                </p>
                            </section>
                            <section class="card" data-testid="permissions">
                                <h2>{t!(i18n, settings.permissions)}</h2>
                                {match s.role {
                                    None => view! {
                                        <p>
                                            {t!(i18n, settings.needs_role_1)}
                                            <code>{SERVICE_LINKED_ROLE}</code>
                                            {t!(i18n, settings.needs_role_2)}
                                            {t!(i18n, settings.needs_role_3)}
                                        </p>
                                        <FormError outcome=grant_outcome/>
                                        <OwnerOnly>
                                            <ActionForm action=grant attr:aria-label=move || t_string!(i18n, settings.grant)>
                                                <button type="submit" disabled=move || grant.pending().get()>
                                                    {t!(i18n, settings.grant)}
                                                </button>
                                            </ActionForm>
                                        </OwnerOnly>
                                    }
                                    .into_any(),
                                    Some(role) => view! {
                                        <p>{t!(i18n, settings.granted)}</p>
                                        <dl class="facts" data-testid="service-role">
                                            <dt>{t!(i18n, settings.role_name)}</dt>
                                            <dd><code>{role.name}</code></dd>
                                            <dt>"ARN"</dt>
                                            <dd><code>{role.arn}</code></dd>
                                            <dt>{t!(i18n, common.created)}</dt>
                                            <dd>{time_view(role.created_at)}</dd>
                                        </dl>
                                        <h3>{t!(i18n, settings.policy)}</h3>
                                        <pre class="json" aria-label=move || t_string!(i18n, settings.role_policy)>{role.policy}</pre>
                                        <p>
                                            <a class="button" href=format!("/buses/{}/rules/new", s.workspace.bus_name.clone().unwrap_or_default())>
                                                {t!(i18n, rules.create)}
                                            </a>
                                            " "
                                            <a href=format!("/buses/{}", s.workspace.bus_name.clone().unwrap_or_default())>
                                                {t!(i18n, settings.rules_of_workspace)}
                                            </a>
                                        </p>
                                    }
                                    .into_any(),
                                }}
                            </section>
                            <section class="card" data-testid="target-tester">
                                <h2>{t!(i18n, settings.test_target)}</h2>
                                <p class="hint">
                                    {t!(i18n, settings.test_target_hint)}
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
    let i18n = use_i18n();
    view! {
        <section class="card" data-testid="account-language">
            <h2>{t!(i18n, settings.message_language)}</h2>
            <p class="hint">{t!(i18n, settings.message_language_hint)}</p>
            <FormError outcome=outcome/>
            <OwnerOnly>
                <ActionForm action=set attr:aria-label=move || t_string!(i18n, settings.message_language)>
                    <select name="language" aria-label=move || t_string!(i18n, settings.message_language)>
                        {Lang::ALL
                            .into_iter()
                            .map(|l| {
                                let selected = current.with_value(|c| l.as_str() == c);
                                view! { <option value=l.as_str() selected=selected>{l.label()}</option> }
                            })
                            .collect_view()}
                    </select>
                    " "
                    <button type="submit" disabled=move || set.pending().get()>{t!(i18n, common.save)}</button>
                </ActionForm>
            </OwnerOnly>
        </section>
    }
}

//! `/buses/:bus`: a bus's event rules: enable, disable, edit, delete (after a confirmation),
//! and "Create event rule"; and the "Connect Alibaba Cloud EventBridge" panel (the URL,
//! header and token for an EventBridge rule's HTTP target). The rule form itself is in
//! [`super::rule_form`]; the panel on unknown event types in [`super::unknown_types`].

use super::ErrorNotice;
use crate::api::eventbridge::{get_bus_token, CreateBusToken};
use crate::api::rules::{get_bus_rules, DeleteRule, SetRuleEnabled};
use crate::app::components::form::{outcome_of, FormError};
use crate::app::components::frame::Frame;
use crate::app::i18n::{t, t_string, use_i18n};
use crate::app::locale::catalog_str;
use crate::domain::catalog;
use crate::domain::rule::{self, RuleView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The `:bus` segment of the path. Empty once the route's parameters are gone: server
/// rendering can run a resource's source after its page was disposed (seen under load),
/// and that must not panic the request.
pub fn bus_param() -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .try_with(|p| p.get("bus"))
            .flatten()
            .unwrap_or_default()
    }
}

/// The rules of one bus.
#[component]
pub fn BusRulesPage() -> impl IntoView {
    let bus = bus_param();
    let toggle = ServerAction::<SetRuleEnabled>::new();
    let delete = ServerAction::<DeleteRule>::new();
    let toggle_outcome = outcome_of(toggle.value());
    let delete_outcome = outcome_of(delete.value());
    let data = Resource::new(
        move || (bus(), toggle.version().get(), delete.version().get()),
        |(bus, _, _)| get_bus_rules(bus),
    );
    let confirming = RwSignal::new(None::<i64>);

    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, rules.page_title, bus = bus()).to_string()/>
        <Frame>
            <h1>{t!(i18n, rules.title)}</h1>
            <FormError outcome=toggle_outcome/>
            <FormError outcome=delete_outcome/>
            <Transition fallback=move || view! { <p>{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    let page = match data.await {
                        Err(e) => return view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(page) => page,
                    };
                    let new_rule = format!("/buses/{}/rules/new", page.bus);
                    let settings = page
                        .workspace
                        .clone()
                        .map(|w| format!("/workspaces/{w}/settings/notifications"));
                    let rules = page.rules.clone();
                    let bus_name = page.bus.clone();
                    let may_create = page.may("eventbridge:CreateRule");
                    let may = Rights {
                        edit: page.may("eventbridge:UpdateRule"),
                        toggle: page.may("eventbridge:EnableRule") && page.may("eventbridge:DisableRule"),
                        delete: page.may("eventbridge:DeleteRule"),
                    };
                    view! {
                        <p>
                            {t!(i18n, rules.bus)} <code data-testid="bus-name">{page.bus.clone()}</code>
                            {page.workspace.clone().map(|w| t!(i18n, rules.of_workspace, w = move || w.clone()))}
                            " · " <a href=format!("/buses/{}/events", page.bus)>{t!(i18n, rules.events_link)}</a>
                            " · " <a href="/buses">{t!(i18n, common.all_buses)}</a>
                        </p>
                        {if page.role_granted && may_create {
                            view! {
                                <p><a class="button" href=new_rule>{t!(i18n, rules.create)}</a></p>
                            }
                            .into_any()
                        } else if page.role_granted {
                            view! {
                                <p class="hint" data-testid="no-create">
                                    {t!(i18n, rules.not_allowed_1)} <code>"eventbridge:CreateRule"</code> {t!(i18n, rules.not_allowed_2)}
                                </p>
                            }
                            .into_any()
                        } else {
                            view! {
                                <div class="notice warning" role="note" data-testid="needs-role">
                                    <p>
                                        {t!(i18n, rules.needs_role)}
                                        <code>{crate::domain::policy::SERVICE_LINKED_ROLE}</code>
                                        {t!(i18n, rules.needs_role_2)}
                                        {settings.map(|href| view! {
                                            <a href=href>{t!(i18n, rules.grant_link)}</a>
                                        })}
                                    </p>
                                </div>
                            }
                            .into_any()
                        }}
                        {if rules.is_empty() {
                            view! { <p class="empty">{t!(i18n, rules.empty)}</p> }.into_any()
                        } else {
                            view! {
                                <table class="list" aria-label=move || t_string!(i18n, rules.title)>
                                    <thead>
                                        <tr>
                                            <th scope="col">{t!(i18n, common.name)}</th>
                                            <th scope="col">{t!(i18n, common.status)}</th>
                                            <th scope="col">{t!(i18n, rules.col_source)}</th>
                                            <th scope="col">{t!(i18n, rules.col_targets)}</th>
                                            <th scope="col">{t!(i18n, rules.col_quota)}</th>
                                            <th scope="col">{t!(i18n, rules.col_deliveries)}</th>
                                            <th scope="col">{t!(i18n, rules.col_actions)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {rules
                                            .into_iter()
                                            .map(|r| view! {
                                                <RuleRow rule=r bus=bus_name.clone() toggle delete confirming may/>
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            }
                            .into_any()
                        }}
                    }
                    .into_any()
                })}
            </Transition>
            <EventBridgePanel/>
            <super::unknown_types::UnknownTypesPanel/>
        </Frame>
    }
}

/// "Connect Alibaba Cloud EventBridge": what to paste into an EventBridge rule's HTTP
/// target, and the bus's token: made or rotated here, shown once.
#[component]
fn EventBridgePanel() -> impl IntoView {
    let i18n = use_i18n();
    // Read once: the panel lives inside its bus's page. Reading the route's parameters again
    // from the resource's source could run after the page's owner has been disposed (seen
    // as a panic during server rendering under load).
    let bus = use_params_map()
        .read_untracked()
        .get("bus")
        .unwrap_or_default();
    let create = ServerAction::<CreateBusToken>::new();
    let outcome = outcome_of(create.value());
    let info = Resource::new(
        move || create.version().get(),
        move |_| get_bus_token(bus.clone()),
    );
    view! {
        <section class="card" data-testid="eventbridge-panel" aria-labelledby="eventbridge-title">
            <h2 id="eventbridge-title">{t!(i18n, eventbridge.title)}</h2>
            <FormError outcome=outcome/>
            {move || {
                create.value().get().and_then(Result::ok).map(|t| view! {
                    <div class="notice warning" role="status" data-testid="new-bus-token">
                        <p>{t!(i18n, eventbridge.shown_once)}</p>
                        <code class="secret" data-testid="bus-token">{t.token}</code>
                    </div>
                })
            }}
            <Transition fallback=move || view! { <p>{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    let t = match info.await {
                        Err(e) => return view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(t) => t,
                    };
                    let has = t.created_at.is_some();
                    let state = match (&t.created_at, &t.created_by) {
                        (Some(at), Some(by)) => t_string!(i18n, eventbridge.token_created_by, at = at.clone(), by = by.clone()).to_string(),
                        (Some(at), None) => t_string!(i18n, eventbridge.token_created, at = at.clone()).to_string(),
                        (None, _) => t_string!(i18n, eventbridge.token_none).to_string(),
                    };
                    let url = t.url.clone();
                    let header = t.header.clone();
                    view! {
                        <dl>
                            <dt>{t!(i18n, eventbridge.url)}</dt>
                            <dd><code data-testid="eventbridge-url">{t.url.clone()}</code></dd>
                            <dt>{t!(i18n, eventbridge.header)}</dt>
                            <dd><code data-testid="eventbridge-header">{t.header.clone()}</code></dd>
                            <dt>{t!(i18n, eventbridge.token)}</dt>
                            <dd data-testid="eventbridge-token-state">{state}</dd>
                        </dl>
                        {if t.may_manage {
                            view! {
                                <ActionForm action=create attr:aria-label=move || t_string!(i18n, eventbridge.form)>
                                    <input type="hidden" name="bus" value=t.bus.clone()/>
                                    <button type="submit" disabled=move || create.pending().get()>
                                        {if has { t!(i18n, eventbridge.rotate).into_any() } else { t!(i18n, eventbridge.create).into_any() }}
                                    </button>
                                </ActionForm>
                            }
                            .into_any()
                        } else {
                            view! {
                                <p class="hint">
                                    {t!(i18n, eventbridge.no_right_1)} <code>"eventbridge:PutEvents"</code> {t!(i18n, eventbridge.no_right_2)}
                                </p>
                            }
                            .into_any()
                        }}
                        <ol class="steps">
                            <li>{t!(i18n, eventbridge.step_bus_1)} <code>"pai-system-{workspace}"</code> {t!(i18n, eventbridge.step_bus_2)}</li>
                            <li>{t!(i18n, eventbridge.step_target_1)} <strong>"HTTPS"</strong> {t!(i18n, eventbridge.step_target_2)}</li>
                            <li>{t!(i18n, eventbridge.step_url)} <code>{url}</code></li>
                            <li>{t!(i18n, eventbridge.step_body_1)} <strong>{t!(i18n, eventbridge.step_body_2)}</strong> {t!(i18n, eventbridge.step_body_3)}</li>
                            <li>{t!(i18n, eventbridge.step_token_1)} <code>{header}</code> {t!(i18n, eventbridge.step_token_2)}</li>
                            <li>{t!(i18n, eventbridge.step_save)}</li>
                        </ol>
                    }
                    .into_any()
                })}
            </Transition>
        </section>
    }
}

/// What the viewer may do with the rules of the page.
#[derive(Clone, Copy)]
struct Rights {
    edit: bool,
    toggle: bool,
    delete: bool,
}

/// One row of the rule list.
#[component]
fn RuleRow(
    rule: RuleView,
    bus: String,
    toggle: ServerAction<SetRuleEnabled>,
    delete: ServerAction<DeleteRule>,
    confirming: RwSignal<Option<i64>>,
    may: Rights,
) -> impl IntoView {
    let id = rule.id;
    let i18n = use_i18n();
    let source_name = catalog::source(&rule.source).map_or(rule.source.clone(), |s| {
        catalog_str(i18n, s.name).to_string()
    });
    let edit = format!("/buses/{bus}/rules/{}/edit", rule.name);
    let status = if rule.enabled {
        t!(i18n, rules.enabled).into_any()
    } else {
        t!(i18n, rules.disabled).into_any()
    };
    let status_class = if rule.enabled {
        "badge ok"
    } else {
        "badge off"
    };
    let enabled = rule.enabled;
    let toggle_label = move || {
        if enabled {
            t_string!(i18n, rules.disable)
        } else {
            t_string!(i18n, rules.enable)
        }
    };
    let (units, quota) = (rule.units, rule.quota);
    let (delivered, failed, pending) = (rule.delivered, rule.failed, rule.pending);
    let name = StoredValue::new(rule.name.clone());
    let bus = StoredValue::new(bus);
    let targets = rule.targets.clone();
    view! {
        <tr data-rule=rule.name.clone()>
            <td>
                <a href=edit.clone()>{rule.name.clone()}</a>
                <div class="hint">{rule.description.clone()}</div>
            </td>
            <td><span class=status_class>{status}</span></td>
            <td>
                {rule.definition_hidden.then(|| view! {
                    <span class="hint" data-testid="rule-hidden">{t!(i18n, rules.hidden)}</span>
                })}
                {source_name}
                <ul class="types">
                    {if rule::takes_all_types(&rule.types) {
                        view! { <li>{t!(i18n, rules.all_types)}</li> }.into_any()
                    } else {
                        rule.types.iter().map(|t| view! { <li><code>{t.clone()}</code></li> }).collect_view().into_any()
                    }}
                </ul>
                {(!rule.pattern.is_empty()).then(|| view! { <span class="hint">{t!(i18n, rules.filtered)}</span> })}
            </td>
            <td>
                {rule.targets_hidden.then(|| view! {
                    <span class="hint" data-testid="targets-hidden">{t!(i18n, rules.targets_hidden)}</span>
                })}
                <ul class="targets">
                    {targets
                        .iter()
                        .map(|t| view! {
                            <li>
                                {t.summary()}
                                {t.disabled.clone().map(|d| view! {
                                    <div class="badge failed" role="note" data-testid="target-disabled">
                                        {t!(i18n, rules.target_disabled, why = move || d.clone())}
                                    </div>
                                })}
                                {t.circuit.clone().map(|c| view! {
                                    <div class="badge pending" role="note" data-testid="target-circuit">{c}</div>
                                })}
                            </li>
                        })
                        .collect_view()}
                </ul>
            </td>
            <td data-testid="rule-quota">
                {t!(i18n, rules.units, used = move || units, quota = move || quota)}
                {rule.pending_request.clone().map(|r| view! {
                    <div class="hint">{t!(i18n, rules.increase_requested, n = move || r.requested)}</div>
                })}
            </td>
            <td data-testid="rule-counts">
                {t!(i18n, rules.counts, delivered = move || delivered, failed = move || failed, pending = move || pending)}
            </td>
            <td class="actions">
                <Show
                    when=move || confirming.get() == Some(id)
                    fallback=move || {
                        let edit = edit.clone();
                        view! {
                            <Show when=move || may.edit>
                                <a class="button secondary" href=edit.clone()>{t!(i18n, common.edit)}</a>
                            </Show>
                            <Show when=move || may.toggle>
                                <ActionForm action=toggle attr:class="inline">
                                    <input type="hidden" name="bus" value=bus.get_value()/>
                                    <input type="hidden" name="name" value=name.get_value()/>
                                    <input type="hidden" name="enabled" value=(!rule.enabled).to_string()/>
                                    <button type="submit" class="secondary">{toggle_label}</button>
                                </ActionForm>
                            </Show>
                            <Show when=move || may.delete>
                                <button type="button" class="danger" on:click=move |_| confirming.set(Some(id))>
                                    {t!(i18n, common.delete)}
                                </button>
                            </Show>
                        }
                    }
                >
                    <span role="alert">
                        {t!(i18n, rules.confirm_delete, name = move || name.get_value())}
                    </span>
                    <ActionForm action=delete attr:class="inline">
                        <input type="hidden" name="bus" value=bus.get_value()/>
                        <input type="hidden" name="name" value=name.get_value()/>
                        <button type="submit" class="danger">{t!(i18n, common.yes_delete)}</button>
                    </ActionForm>
                    <button type="button" class="secondary" on:click=move |_| confirming.set(None)>
                        {t!(i18n, common.cancel)}
                    </button>
                </Show>
            </td>
        </tr>
    }
}

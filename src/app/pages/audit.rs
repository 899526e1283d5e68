//! `/audit`: the owner's audit log: logins, access keys, and every configuration change
//! with what it was before and after (secrets masked), filtered by the query string.

use super::ErrorNotice;
use crate::api::ram::list_audit;
use crate::app::components::frame::Frame;
use crate::app::i18n::{t, t_string, use_i18n, Locale};
use crate::app::locale::time_view;
use crate::domain::models::AuditFilter;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The "Audit log" page.
#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        query.with(|q| AuditFilter {
            actor: q.get("actor").unwrap_or_default(),
            action: q.get("action").unwrap_or_default(),
            outcome: q.get("outcome").unwrap_or_default(),
            since: q.get("since").unwrap_or_default(),
            before_id: q.get("before").and_then(|b| b.parse().ok()),
        })
    };
    let entries = Resource::new(filter, list_audit);
    let i18n = use_i18n();
    let value = move |key: &'static str| move || query.with(|q| q.get(key).unwrap_or_default());
    view! {
        <Title text=move || t_string!(i18n, nav.audit)/>
        <Frame>
            <h1>{t!(i18n, nav.audit)}</h1>
            <form method="get" class="filters" aria-label=move || t_string!(i18n, audit.filter)>
                <label for="actor">{t!(i18n, audit.who)}</label>
                <input id="actor" name="actor" type="search" prop:value=value("actor") placeholder="alice@7"/>
                <label for="action">{t!(i18n, audit.action)}</label>
                <input id="action" name="action" type="search" prop:value=value("action") placeholder="Rule, herald:Login…"/>
                <label for="outcome">{t!(i18n, audit.outcome)}</label>
                <select id="outcome" name="outcome" prop:value=value("outcome")>
                    <option value="">{t!(i18n, audit.any)}</option>
                    <option value="ok">{t!(i18n, audit.ok)}</option>
                    <option value="failed">{t!(i18n, audit.failed)}</option>
                </select>
                <label for="since">{t!(i18n, audit.since)}</label>
                <input id="since" name="since" type="search" prop:value=value("since") placeholder=move || t_string!(i18n, audit.since_placeholder)/>
                <button type="submit">{t!(i18n, audit.filter_button)}</button>
            </form>
            <Transition fallback=move || view! { <p>{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match entries.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(items) if items.is_empty() => {
                            view! { <p class="empty">{t!(i18n, audit.empty)}</p> }.into_any()
                        }
                        Ok(items) => {
                            let older = items.last().map(|e| e.id).filter(|_| items.len() >= 100);
                            view! {
                                <table class="list" aria-label=move || t_string!(i18n, nav.audit)>
                                    <thead>
                                        <tr>
                                            <th scope="col">{t!(i18n, audit.when)}</th>
                                            <th scope="col">{t!(i18n, audit.who)}</th>
                                            <th scope="col">{t!(i18n, audit.action)}</th>
                                            <th scope="col">{t!(i18n, audit.resource)}</th>
                                            <th scope="col">{t!(i18n, audit.outcome)}</th>
                                            <th scope="col">{t!(i18n, audit.before_after)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {items
                                            .into_iter()
                                            .map(|e| {
                                                let action = e.action.clone();
                                                view! {
                                                <tr data-action=action>
                                                    <td>{time_view(e.at)}</td>
                                                    <td>{e.actor}</td>
                                                    <td><code>{e.action}</code></td>
                                                    <td><code>{e.resource}</code></td>
                                                    <td>
                                                        {outcome_label(i18n, e.outcome)}
                                                        {(e.count > 1).then(|| {
                                                            let n = e.count;
                                                            t!(i18n, audit.repeated, n = move || n)
                                                        })}
                                                    </td>
                                                    <td><pre class="detail">{pretty(&e.detail)}</pre></td>
                                                </tr>
                                            }})
                                            .collect_view()}
                                    </tbody>
                                </table>
                                {older.map(|id| {
                                    let href = query.with(|q| {
                                        let mut parts: Vec<String> = ["actor", "action", "outcome", "since"]
                                            .iter()
                                            .filter_map(|k| q.get(k).map(|v| format!("{k}={}", urlencode(&v))))
                                            .collect();
                                        parts.push(format!("before={id}"));
                                        format!("/audit?{}", parts.join("&"))
                                    });
                                    view! { <p><a href=href>{t!(i18n, audit.older)}</a></p> }
                                })}
                            }
                            .into_any()
                        }
                    }
                })}
            </Transition>
        </Frame>
    }
}

/// An entry's outcome (`ok` or `failed`) in the UI's language; anything else as stored.
fn outcome_label(i18n: I18nContext<Locale>, outcome: String) -> impl Fn() -> String {
    move || match outcome.as_str() {
        "ok" => t_string!(i18n, audit.ok).to_string(),
        "failed" => t_string!(i18n, audit.failed).to_string(),
        other => other.to_string(),
    }
}

/// The detail JSON, indented for reading.
fn pretty(detail: &str) -> String {
    serde_json::from_str::<serde_json::Value>(detail)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| detail.to_string())
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

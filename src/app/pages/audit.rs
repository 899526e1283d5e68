//! `/audit`: the owner's audit log: logins, access keys, and every configuration change
//! with what it was before and after (secrets masked), filtered by the query string.

use super::ErrorNotice;
use crate::api::ram::list_audit;
use crate::app::components::frame::Frame;
use crate::domain::models::AuditFilter;
use leptos::prelude::*;
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
    let value = move |key: &'static str| move || query.with(|q| q.get(key).unwrap_or_default());
    view! {
        <Title text="Audit log"/>
        <Frame>
            <h1>"Audit log"</h1>
            <form method="get" class="filters" aria-label="Filter the audit log">
                <label for="actor">"Who"</label>
                <input id="actor" name="actor" type="search" prop:value=value("actor") placeholder="alice@7"/>
                <label for="action">"Action"</label>
                <input id="action" name="action" type="search" prop:value=value("action") placeholder="Rule, herald:Login…"/>
                <label for="outcome">"Outcome"</label>
                <select id="outcome" name="outcome" prop:value=value("outcome")>
                    <option value="">"any"</option>
                    <option value="ok">"ok"</option>
                    <option value="failed">"failed"</option>
                </select>
                <label for="since">"Since"</label>
                <input id="since" name="since" type="search" prop:value=value("since") placeholder="2026-11-22 or 2026-11-22T10:00:00Z"/>
                <button type="submit">"Filter"</button>
            </form>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match entries.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(items) if items.is_empty() => {
                            view! { <p class="empty">"Nothing matches."</p> }.into_any()
                        }
                        Ok(items) => {
                            let older = items.last().map(|e| e.id).filter(|_| items.len() >= 100);
                            view! {
                                <table class="list" aria-label="Audit log">
                                    <thead>
                                        <tr>
                                            <th scope="col">"When"</th>
                                            <th scope="col">"Who"</th>
                                            <th scope="col">"Action"</th>
                                            <th scope="col">"Resource"</th>
                                            <th scope="col">"Outcome"</th>
                                            <th scope="col">"Before → after"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {items
                                            .into_iter()
                                            .map(|e| {
                                                let action = e.action.clone();
                                                view! {
                                                <tr data-action=action>
                                                    <td>{e.at}</td>
                                                    <td>{e.actor}</td>
                                                    <td><code>{e.action}</code></td>
                                                    <td><code>{e.resource}</code></td>
                                                    <td>
                                                        {e.outcome}
                                                        {(e.count > 1).then(|| format!(" ×{} (first at the time shown, within the hour)", e.count))}
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
                                    view! { <p><a href=href>"Older entries"</a></p> }
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

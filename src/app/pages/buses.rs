//! `/buses`: the account's event buses.

use super::ErrorNotice;
use crate::api::eventbridge::list_event_buses;
use crate::app::components::frame::Frame;
use leptos::prelude::*;
use leptos_meta::Title;

/// The "Event buses" page.
#[component]
pub fn BusesPage() -> impl IntoView {
    let buses = Resource::new(|| (), |_| list_event_buses());
    view! {
        <Title text="Event buses"/>
        <Frame>
            <h1>"Event buses"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match buses.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(items) if items.is_empty() => view! {
                            <p class="empty">
                                "No event buses yet. Activate EventBridge on a workspace's "
                                "“Event notification settings” tab to create one per workspace."
                            </p>
                        }
                        .into_any(),
                        Ok(items) => view! {
                            <table class="list" aria-label="Event buses">
                                <thead>
                                    <tr>
                                        <th scope="col">"Name"</th>
                                        <th scope="col">"Workspace"</th>
                                        <th scope="col">"Description"</th>
                                        <th scope="col">"ARN"</th>
                                        <th scope="col">"Created"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {items
                                        .into_iter()
                                        .map(|b| view! {
                                            <tr>
                                                <td><a href=format!("/buses/{}", b.name)><code>{b.name.clone()}</code></a></td>
                                                <td>{b.workspace.unwrap_or_else(|| "—".into())}</td>
                                                <td>{b.description}</td>
                                                <td><code class="arn">{b.arn}</code></td>
                                                <td>{b.created_at}</td>
                                            </tr>
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </Frame>
    }
}

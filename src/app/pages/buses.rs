//! `/buses`: the account's event buses.

use super::ErrorNotice;
use crate::api::eventbridge::list_event_buses;
use crate::app::components::frame::Frame;
use crate::app::i18n::{t, t_string, use_i18n};
use crate::app::locale::time_view;
use leptos::prelude::*;
use leptos_meta::Title;

/// The "Event buses" page.
#[component]
pub fn BusesPage() -> impl IntoView {
    let buses = Resource::new(|| (), |_| list_event_buses());
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, nav.buses).to_string()/>
        <Frame>
            <h1>{t!(i18n, nav.buses)}</h1>
            <Suspense fallback=move || view! { <p>{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match buses.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(items) if items.is_empty() => view! {
                            <p class="empty">
                                {t!(i18n, buses.empty)}
                            </p>
                        }
                        .into_any(),
                        Ok(items) => view! {
                            <table class="list" aria-label=move || t_string!(i18n, nav.buses)>
                                <thead>
                                    <tr>
                                        <th scope="col">{t!(i18n, common.name)}</th>
                                        <th scope="col">{t!(i18n, common.workspace)}</th>
                                        <th scope="col">{t!(i18n, common.description)}</th>
                                        <th scope="col">"ARN"</th>
                                        <th scope="col">{t!(i18n, common.created)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {items
                                        .into_iter()
                                        .map(move |b| view! {
                                            <tr>
                                                <td><a href=format!("/buses/{}", b.name)><code>{b.name.clone()}</code></a></td>
                                                <td>{b.workspace.unwrap_or_else(|| "—".into())}</td>
                                                <td>{b.description}</td>
                                                <td><code class="arn">{b.arn}</code></td>
                                                <td>{time_view(b.created_at)}</td>
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

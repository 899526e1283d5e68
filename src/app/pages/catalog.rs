//! `/catalog`: every event source, its categories and types, the required `data` fields,
//! a sample, and the target kinds the source allows. Rendered from `domain::catalog`, the
//! same data the server validates events against.

use crate::app::components::frame::Frame;
use crate::domain::catalog::{sources, Source, TargetKind};
use leptos::prelude::*;
use leptos_meta::Title;

/// The "Event catalog" page.
#[component]
pub fn CatalogPage() -> impl IntoView {
    view! {
        <Title text="Event catalog"/>
        <Frame>
            <h1>"Event catalog"</h1>
            <p class="hint">
                "Events a platform can put on a workspace's bus, grouped by source. "
                "The delivered HTTP body is the sample "<code>"data"</code>" plus "
                <code>"event_type"</code>" and "<code>"timestamp"</code>"."
            </p>
            <nav class="toc" aria-label="Sources">
                {sources()
                    .iter()
                    .map(|s| view! { <a href=format!("#{}", s.id)>{s.name}</a> })
                    .collect_view()}
            </nav>
            {sources().iter().map(source_section).collect_view()}
        </Frame>
    }
}

fn source_section(source: &'static Source) -> impl IntoView {
    let allowed = TargetKind::ALL
        .iter()
        .map(|k| {
            let ok = source.allows(*k);
            view! {
                <li class=if ok { "allowed" } else { "refused" }>
                    {k.label()}
                    <span class="sr-only">{if ok { " (allowed)" } else { " (not available)" }}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card source" id=source.id aria-labelledby=format!("{}-title", source.id)>
            <h2 id=format!("{}-title", source.id)>
                {source.name} " " <code class="muted">{source.id}</code>
            </h2>
            <p>{source.description}</p>
            <h3 class="small">"Targets"</h3>
            <ul class="kinds" aria-label=format!("Targets for {}", source.name)>{allowed}</ul>
            {source
                .categories
                .iter()
                .map(|c| {
                    view! {
                        <h3>{c.name}</h3>
                        {c.types
                            .iter()
                            .map(|t| {
                                view! {
                                    <details class="event-type">
                                        <summary>
                                            <code>{t.type_id}</code>
                                            " — "
                                            {t.title}
                                        </summary>
                                        <p>{t.description}</p>
                                        <p>
                                            "Required fields: "
                                            {t.required
                                                .iter()
                                                .map(|f| view! { <code class="field">{*f}</code> " " })
                                                .collect_view()}
                                        </p>
                                        <pre class="json" aria-label=format!("Sample data of {}", t.type_id)>
                                            {serde_json::to_string_pretty(&t.sample_data())
                                                .unwrap_or_default()}
                                        </pre>
                                    </details>
                                }
                            })
                            .collect_view()}
                    }
                })
                .collect_view()}
        </section>
    }
}

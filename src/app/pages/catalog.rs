//! `/catalog`: every event source, its categories and types, the required `data` fields,
//! a sample, and the target kinds the source allows. Rendered from `domain::catalog`, the
//! same data the server validates events against.

use crate::app::components::frame::Frame;
use crate::app::i18n::{t, t_string, use_i18n};
use crate::app::locale::{catalog_str, kind_label};
use crate::domain::catalog::{sources, Source, TargetKind};
use leptos::prelude::*;
use leptos_meta::Title;

/// The "Event catalog" page.
#[component]
pub fn CatalogPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, nav.catalog).to_string()/>
        <Frame>
            <h1>{t!(i18n, nav.catalog)}</h1>
            <p class="hint">
                {t!(i18n, catpage.intro_1)}<code>"data"</code>{t!(i18n, catpage.intro_2)}
                <code>"event_type"</code>{t!(i18n, catpage.intro_3)}<code>"timestamp"</code>{t!(i18n, catpage.intro_4)}
            </p>
            <nav class="toc" aria-label=move || t_string!(i18n, catpage.sources)>
                {sources()
                    .iter()
                    .map(|s| view! { <a href=format!("#{}", s.id)>{move || catalog_str(i18n, s.name)}</a> })
                    .collect_view()}
            </nav>
            {sources().iter().map(source_section).collect_view()}
        </Frame>
    }
}

fn source_section(source: &'static Source) -> impl IntoView {
    let i18n = use_i18n();
    let allowed = TargetKind::ALL
        .iter()
        .map(|k| {
            let ok = source.allows(*k);
            view! {
                <li class=if ok { "allowed" } else { "refused" }>
                    {move || kind_label(i18n, *k)}
                    <span class="sr-only">
                        {move || if ok { t_string!(i18n, catpage.allowed) } else { t_string!(i18n, catpage.not_available) }}
                    </span>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card source" id=source.id aria-labelledby=format!("{}-title", source.id)>
            <h2 id=format!("{}-title", source.id)>
                {move || catalog_str(i18n, source.name)} " " <code class="muted">{source.id}</code>
            </h2>
            <p>{source.description}</p>
            <h3 class="small">{t!(i18n, catpage.targets)}</h3>
            <ul class="kinds" aria-label=move || t_string!(i18n, catpage.targets_for, source = catalog_str(i18n, source.name)).to_string()>{allowed}</ul>
            {source
                .categories
                .iter()
                .map(|c| {
                    view! {
                        <h3>{move || catalog_str(i18n, c.name)}</h3>
                        {c.types
                            .iter()
                            .map(|t| {
                                view! {
                                    <details class="event-type">
                                        <summary>
                                            <code>{t.type_id}</code>
                                            " — "
                                            {move || catalog_str(i18n, t.title)}
                                        </summary>
                                        <p>{t.description}</p>
                                        <p>
                                            {t!(i18n, catpage.required)}
                                            {t.required
                                                .iter()
                                                .map(|f| view! { <code class="field">{*f}</code> " " })
                                                .collect_view()}
                                        </p>
                                        <pre class="json" aria-label=move || t_string!(i18n, catpage.sample_of, id = t.type_id).to_string()>
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

//! `/catalog`: every event source, its categories and types, the required `data` fields,
//! a sample, and the target kinds the source allows. Rendered from `domain::catalog`, the
//! same data the server validates events against. Descriptions in Japanese and Chinese come
//! from the server (`api::catalog`), so the WebAssembly carries only the English ones.

use crate::api::catalog::get_catalog_descriptions;
use crate::app::components::frame::Frame;
use crate::app::i18n::{t, t_string, use_i18n};
use crate::app::locale::{catalog_str, kind_label};
use crate::domain::catalog::{sources, CatalogDescriptions, Source, TargetKind};
use leptos::prelude::*;
use leptos_i18n::Locale as _;
use leptos_meta::Title;
use std::sync::Arc;

/// The "Event catalog" page.
#[component]
pub fn CatalogPage() -> impl IntoView {
    let i18n = use_i18n();
    // Rendered on the server with the request's locale and reused by hydration; fetched
    // again when the switcher changes the language. English needs no request.
    let descriptions = Resource::new(
        move || i18n.get_locale().as_str(),
        |locale| async move {
            match locale {
                "en" => Ok(CatalogDescriptions::default()),
                other => get_catalog_descriptions(other.to_string()).await,
            }
        },
    );
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
            <Transition fallback=move || view! { <p>{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    // Without its translations the catalog still reads, in English.
                    let descriptions = Arc::new(descriptions.await.unwrap_or_default());
                    sources()
                        .iter()
                        .map(|s| source_section(s, descriptions.clone()))
                        .collect_view()
                })}
            </Transition>
        </Frame>
    }
}

fn source_section(
    source: &'static Source,
    descriptions: Arc<CatalogDescriptions>,
) -> impl IntoView {
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
            <p>{descriptions.source(source).to_string()}</p>
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
                                let description = descriptions.event_type(t).to_string();
                                view! {
                                    <details class="event-type">
                                        <summary>
                                            <code>{t.type_id}</code>
                                            " — "
                                            {move || catalog_str(i18n, t.title)}
                                        </summary>
                                        <p>{description}</p>
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

//! The bus page's "Event types the catalog does not know" panel: the bus's choice (refuse
//! them, or accept, store and list them) and the list "Types seen but not in the catalog"
//! with each pair's count, first and last arrival and its latest event as a sample. The
//! rules of the page live in [`super::rules`]; the choice and the list are decided and
//! kept by the server (`service::eventbridge`).

use super::ErrorNotice;
use crate::api::eventbridge::{get_unknown_types, SetUnknownTypes};
use crate::app::components::form::{outcome_of, FieldError, FormError};
use crate::app::i18n::{t, t_string, use_i18n};
use crate::domain::models::{UnknownTypeView, UnknownTypes};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The panel, for the bus of the page.
#[component]
pub fn UnknownTypesPanel() -> impl IntoView {
    // Read once, as the EventBridge panel does: the panel lives inside its bus's page.
    let bus = use_params_map()
        .read_untracked()
        .get("bus")
        .unwrap_or_default();
    let i18n = use_i18n();
    let set = ServerAction::<SetUnknownTypes>::new();
    let outcome = outcome_of(set.value());
    let data = Resource::new(
        move || set.version().get(),
        move |_| get_unknown_types(bus.clone()),
    );
    view! {
        <section class="card" data-testid="unknown-types" aria-labelledby="unknown-types-title">
            <h2 id="unknown-types-title">{t!(i18n, unknown.title)}</h2>
            <FormError outcome=outcome/>
            <Transition fallback=move || view! { <p>{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    let page = match data.await {
                        Err(e) => return view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(page) => page,
                    };
                    let accepting = page.unknown_types == UnknownTypes::Accept;
                    let bus_name = page.bus.clone();
                    let choice = if page.may_change {
                        view! {
                            <ActionForm action=set attr:aria-label=move || t_string!(i18n, unknown.form)>
                                <input type="hidden" name="bus" value=bus_name/>
                                <fieldset>
                                    <legend>{t!(i18n, unknown.legend)}</legend>
                                    <label>
                                        <input type="radio" name="unknown_types" value="refuse" checked=!accepting/>
                                        " " {t!(i18n, unknown.refuse)}
                                    </label>
                                    <label>
                                        <input type="radio" name="unknown_types" value="accept" checked=accepting/>
                                        " " {t!(i18n, unknown.accept)}
                                    </label>
                                </fieldset>
                                <FieldError outcome=outcome field="unknown_types"/>
                                <button type="submit" disabled=move || set.pending().get()>{t!(i18n, common.save)}</button>
                            </ActionForm>
                        }
                        .into_any()
                    } else {
                        view! {
                            <p data-testid="unknown-types-choice">
                                {if accepting {
                                    t!(i18n, unknown.accepts).into_any()
                                } else {
                                    t!(i18n, unknown.refuses).into_any()
                                }}
                            </p>
                        }
                        .into_any()
                    };
                    view! {
                        {choice}
                        <h3>{t!(i18n, unknown.seen)}</h3>
                        <SeenTypes bus=page.bus.clone() types=page.types total=page.total/>
                    }
                    .into_any()
                })}
            </Transition>
        </section>
    }
}

/// The list, newest first; each sample collapsed.
#[component]
fn SeenTypes(bus: String, types: Vec<UnknownTypeView>, total: i64) -> impl IntoView {
    let i18n = use_i18n();
    if types.is_empty() {
        return view! { <p class="empty">{t!(i18n, unknown.none)}</p> }.into_any();
    }
    let shown = types.len();
    let more = (total > shown as i64).then(|| {
        view! { <p class="hint">{t!(i18n, unknown.newest_of, n = move || shown, total = move || total)}</p> }
    });
    view! {
        {more}
        <table class="list" aria-label=move || t_string!(i18n, unknown.seen)>
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, unknown.source)}</th>
                    <th scope="col">{t!(i18n, unknown.type_)}</th>
                    <th scope="col">{t!(i18n, unknown.count)}</th>
                    <th scope="col">{t!(i18n, unknown.first_seen)}</th>
                    <th scope="col">{t!(i18n, unknown.last_seen)}</th>
                    <th scope="col">{t!(i18n, unknown.sample)}</th>
                    <th scope="col">{t!(i18n, unknown.rule)}</th>
                </tr>
            </thead>
            <tbody>
                {types
                    .into_iter()
                    .map(|t| {
                        // The overflow row: pairs past the bus's limit, counted together.
                        let create = (!t.source.is_empty()).then(|| {
                            let href = format!(
                                "/buses/{}/rules/new?source={}&type={}",
                                encoded(&bus),
                                encoded(&t.source),
                                encoded(&t.event_type)
                            );
                            view! { <a href=href>{t!(i18n, unknown.create_rule)}</a> }
                        });
                        let (source, event_type) = if t.source.is_empty() {
                            (
                                t_string!(i18n, unknown.other_pairs).to_string(),
                                t_string!(i18n, unknown.past_limit).to_string(),
                            )
                        } else {
                            (t.source, t.event_type)
                        };
                        view! {
                            <tr>
                                <td><code>{source}</code></td>
                                <td><code>{event_type}</code></td>
                                <td>{t.count}</td>
                                <td>{t.first_seen}</td>
                                <td>{t.last_seen}</td>
                                <td>
                                    <details>
                                        <summary>{t!(i18n, unknown.show)}</summary>
                                        <pre class="json">{t.sample}</pre>
                                    </details>
                                </td>
                                <td>{create}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// A value percent-encoded for a URL's path or query: everything but RFC 3986's
/// unreserved characters.
fn encoded(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

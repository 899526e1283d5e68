//! The bus page's "Event types the catalog does not know" panel: the bus's choice (refuse
//! them, or accept, store and list them) and the list "Types seen but not in the catalog"
//! with each pair's count, first and last arrival and its latest event as a sample. The
//! rules of the page live in [`super::rules`]; the choice and the list are decided and
//! kept by the server (`service::eventbridge`).

use super::ErrorNotice;
use crate::api::eventbridge::{get_unknown_types, SetUnknownTypes};
use crate::app::components::form::{outcome_of, FieldError, FormError};
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
    let set = ServerAction::<SetUnknownTypes>::new();
    let outcome = outcome_of(set.value());
    let data = Resource::new(
        move || set.version().get(),
        move |_| get_unknown_types(bus.clone()),
    );
    view! {
        <section class="card" data-testid="unknown-types" aria-labelledby="unknown-types-title">
            <h2 id="unknown-types-title">"Event types the catalog does not know"</h2>
            <FormError outcome=outcome/>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let page = match data.await {
                        Err(e) => return view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(page) => page,
                    };
                    let accepting = page.unknown_types == UnknownTypes::Accept;
                    let bus_name = page.bus.clone();
                    let choice = if page.may_change {
                        view! {
                            <ActionForm action=set attr:aria-label="Unknown event types">
                                <input type="hidden" name="bus" value=bus_name/>
                                <fieldset>
                                    <legend>"When an event's source or type is not in the catalog"</legend>
                                    <label>
                                        <input type="radio" name="unknown_types" value="refuse" checked=!accepting/>
                                        " Refuse it: the producer gets an error naming the type."
                                    </label>
                                    <label>
                                        <input type="radio" name="unknown_types" value="accept" checked=accepting/>
                                        " Accept it: store it, list it below, and deliver it to rules that name its source."
                                    </label>
                                </fieldset>
                                <FieldError outcome=outcome field="unknown_types"/>
                                <button type="submit" disabled=move || set.pending().get()>"Save"</button>
                            </ActionForm>
                        }
                        .into_any()
                    } else {
                        view! {
                            <p data-testid="unknown-types-choice">
                                {if accepting {
                                    "This bus accepts events the catalog does not know, and lists them below."
                                } else {
                                    "This bus refuses events the catalog does not know, naming their type."
                                }}
                            </p>
                        }
                        .into_any()
                    };
                    view! {
                        {choice}
                        <h3>"Types seen but not in the catalog"</h3>
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
    if types.is_empty() {
        return view! { <p class="empty">"None yet."</p> }.into_any();
    }
    let more = (total > types.len() as i64).then(|| {
        view! { <p class="hint">{format!("The {} newest of {total}.", types.len())}</p> }
    });
    view! {
        {more}
        <table class="list" aria-label="Types seen but not in the catalog">
            <thead>
                <tr>
                    <th scope="col">"Source"</th>
                    <th scope="col">"Type"</th>
                    <th scope="col">"Count"</th>
                    <th scope="col">"First seen"</th>
                    <th scope="col">"Last seen"</th>
                    <th scope="col">"Sample"</th>
                    <th scope="col">"Rule"</th>
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
                            view! { <a href=href>"Create rule"</a> }
                        });
                        let (source, event_type) = if t.source.is_empty() {
                            ("(other pairs)".to_string(), "past the limit of 1,000 pairs".to_string())
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
                                        <summary>"Show"</summary>
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

//! The delivery log of a bus: `/buses/:bus/events` lists events (filter by type, delivery
//! status and time) and offers "Send test event"; `/buses/:bus/events/:id` shows an event,
//! its deliveries and their attempts, with "Redeliver". Pages with deliveries still pending
//! refresh themselves until they settle.

use super::rules::bus_param;
use super::ErrorNotice;
use crate::api::events::send_test_event;
use crate::api::events::{get_event, list_events, Redeliver, RedeliverFailed};
use crate::app::components::form::{outcome_of, FieldError, FormError};
use crate::app::components::frame::Frame;
use crate::domain::catalog;
use crate::domain::models::{DeliveryView, EventView, EVENTS_PAGE};
use crate::domain::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The status badge of a delivery or an event's tally.
fn badge(status: &str) -> &'static str {
    match status {
        "delivered" => "badge ok",
        "pending" => "badge pending",
        _ => "badge failed",
    }
}

/// `/buses/:bus/events`.
#[component]
pub fn EventsPage() -> impl IntoView {
    let bus = bus_param();
    let query = use_query_map();
    let q = move |k: &str| query.read().get(k).unwrap_or_default();
    let refresh = RwSignal::new(0u32);
    let redeliver = ServerAction::<RedeliverFailed>::new();
    let redeliver_outcome = outcome_of(redeliver.value());
    let list = Resource::new(
        move || {
            (
                bus(),
                q("event_type"),
                q("status"),
                q("since"),
                q("before"),
                refresh.get(),
                redeliver.version().get(),
            )
        },
        |(bus, t, s, since, before, _, _)| list_events(bus, t, s, since, before),
    );
    view! {
        <Title text=move || format!("Events of {}", bus())/>
        <Frame>
            <h1>"Events and deliveries"</h1>
            <p>
                "Event bus " <code>{bus}</code> " · "
                <a href=move || format!("/buses/{}", bus())>"Event rules"</a>
            </p>
            <SendTestEvent bus=bus() on_sent=move || refresh.update(|n| *n += 1)/>
            <form class="filters" method="get" aria-label="Filter events">
                <label for="filter-type">"Event type"</label>
                <select id="filter-type" name="event_type">
                    <option value="">"Any"</option>
                    {catalog::sources()
                        .iter()
                        .flat_map(|s| s.types())
                        .map(|t| {
                            let selected = q("event_type") == t.type_id;
                            view! { <option value=t.type_id selected=selected>{t.type_id}</option> }
                        })
                        .collect_view()}
                </select>
                <label for="filter-status">"Delivery status"</label>
                <select id="filter-status" name="status">
                    {[("", "Any"), ("delivered", "Delivered"), ("failed", "Failed"), ("pending", "Pending")]
                        .into_iter()
                        .map(|(v, label)| {
                            let selected = q("status") == v;
                            view! { <option value=v selected=selected>{label}</option> }
                        })
                        .collect_view()}
                </select>
                <label for="filter-since">"Received since (RFC 3339)"</label>
                <input id="filter-since" name="since" type="text" placeholder="2026-11-22T00:00:00Z" value=move || q("since")/>
                <button type="submit" class="secondary">"Filter"</button>
            </form>
            <FormError outcome=redeliver_outcome/>
            {move || {
                redeliver
                    .value()
                    .get()
                    .and_then(Result::ok)
                    .map(|n| view! { <p class="notice" role="status">{format!("{n} deliveries queued again.")}</p> })
            }}
            <Show when=move || !q("since").is_empty()>
                <ActionForm action=redeliver attr:class="inline">
                    <input type="hidden" name="bus" value=bus/>
                    <input type="hidden" name="since" value=move || q("since")/>
                    <button type="submit" class="secondary">"Redeliver all failed since then"</button>
                </ActionForm>
            </Show>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(items) if items.is_empty() && q("before").is_empty() => {
                            view! { <p class="empty">"No events yet."</p> }.into_any()
                        }
                        Ok(items) => {
                            // A full page may have older events behind it.
                            let older = (items.len() == EVENTS_PAGE)
                                .then(|| items.last().map(|e| e.id.to_string()))
                                .flatten();
                            view! {
                                <EventTable items/>
                                <nav class="pages" aria-label="Pages">
                                    <Show when=move || !q("before").is_empty()>
                                        <PageLink q=q label="Newest events" before=String::new()/>
                                    </Show>
                                    {older.map(|before| view! { <PageLink q=q label="Older events" before/> })}
                                </nav>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </Frame>
    }
}

/// A link to another page of the list, keeping the filters: a GET form, so the browser
/// encodes them.
#[component]
fn PageLink(
    q: impl Fn(&str) -> String + Copy + Send + Sync + 'static,
    label: &'static str,
    before: String,
) -> impl IntoView {
    view! {
        <form method="get" class="inline">
            <input type="hidden" name="event_type" value=q("event_type")/>
            <input type="hidden" name="status" value=q("status")/>
            <input type="hidden" name="since" value=q("since")/>
            {(!before.is_empty()).then(|| view! { <input type="hidden" name="before" value=before/> })}
            <button type="submit" class="secondary">{label}</button>
        </form>
    }
}

#[component]
fn EventTable(items: Vec<EventView>) -> impl IntoView {
    view! {
        <table class="list" aria-label="Events">
            <thead>
                <tr>
                    <th scope="col">"Event"</th>
                    <th scope="col">"Type"</th>
                    <th scope="col">"Received"</th>
                    <th scope="col">"Deliveries"</th>
                </tr>
            </thead>
            <tbody>
                {items
                    .into_iter()
                    .map(|e| {
                        let href = format!("/buses/{}/events/{}", e.bus, e.id);
                        view! {
                            <tr data-event=e.id>
                                <td><a href=href>{format!("#{}", e.id)}</a><div class="hint"><code>{e.ce_id.clone()}</code></div></td>
                                <td><code>{e.event_type.clone()}</code><div class="hint">{e.subject.clone()}</div></td>
                                <td>{e.received_at.clone()}</td>
                                <td data-testid="event-tally">
                                    {format!("{} delivered · {} failed · {} pending", e.delivered, e.failed, e.pending)}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// "Send test event": pick a catalog type, edit its sample, send.
#[component]
fn SendTestEvent(bus: String, on_sent: impl Fn() + Send + Sync + Copy + 'static) -> impl IntoView {
    let first = catalog::sources()[0].id.to_string();
    let source = RwSignal::new(first.clone());
    let event_type = RwSignal::new(
        catalog::sources()[0]
            .types()
            .next()
            .map(|t| t.type_id.to_string())
            .unwrap_or_default(),
    );
    let sample = move |s: &str, t: &str| {
        catalog::event_type(s, t)
            .map(|e| serde_json::to_string_pretty(&e.sample_data()).unwrap_or_default())
            .unwrap_or_default()
    };
    let data = RwSignal::new(sample(&first, &event_type.get_untracked()));
    let bus = StoredValue::new(bus);
    let send = Action::new(move |(s, t, d): &(String, String, String)| {
        let (s, t, d) = (s.clone(), t.clone(), d.clone());
        let bus = bus.get_value();
        async move { send_test_event(bus, s, t, d).await }
    });
    let outcome: Signal<Option<AppError>> = outcome_of(send.value());
    Effect::new(move |_| {
        if let Some(Ok(_)) = send.value().get() {
            on_sent();
        }
    });
    view! {
        <details class="card send-test">
            <summary>"Send test event"</summary>
            <form
                aria-label="Send test event"
                on:submit=move |ev| {
                    ev.prevent_default();
                    send.dispatch((source.get_untracked(), event_type.get_untracked(), data.get_untracked()));
                }
            >
                <label for="test-source">"Event source"</label>
                <select
                    id="test-source"
                    prop:value=source
                    on:change=move |ev| {
                        let s = event_target_value(&ev);
                        let t = catalog::source(&s)
                            .and_then(|src| src.types().next())
                            .map(|t| t.type_id.to_string())
                            .unwrap_or_default();
                        data.set(sample(&s, &t));
                        event_type.set(t);
                        source.set(s);
                    }
                >
                    {catalog::sources()
                        .iter()
                        .map(|s| view! { <option value=s.id>{format!("{} ({})", s.name, s.id)}</option> })
                        .collect_view()}
                </select>
                <label for="test-type">"Event type"</label>
                <select
                    id="test-type"
                    prop:value=event_type
                    on:change=move |ev| {
                        let t = event_target_value(&ev);
                        data.set(sample(&source.get_untracked(), &t));
                        event_type.set(t);
                    }
                >
                    {move || {
                        catalog::source(&source.get())
                            .map(|s| {
                                s.types()
                                    .map(|t| view! { <option value=t.type_id>{format!("{} ({})", t.title, t.type_id)}</option> })
                                    .collect_view()
                            })
                    }}
                </select>
                <label for="test-data">"data (edit as you like)"</label>
                <textarea
                    id="test-data"
                    class="code"
                    rows="10"
                    spellcheck="false"
                    prop:value=data
                    on:input=move |ev| data.set(event_target_value(&ev))
                ></textarea>
                <FieldError outcome field="data"/>
                <FormError outcome/>
                <button type="submit" disabled=move || send.pending().get()>"Send test event"</button>
            </form>
            {move || {
                send.value().get().and_then(Result::ok).map(|id| {
                    let href = format!("/buses/{}/events/{id}", bus.get_value());
                    view! {
                        <p class="notice" role="status" data-testid="test-event-sent">
                            {format!("Test event #{id} sent. ")}
                            <a href=href>"Watch its deliveries"</a>
                        </p>
                    }
                })
            }}
        </details>
    }
}

/// `/buses/:bus/events/:id`.
#[component]
pub fn EventPage() -> impl IntoView {
    let bus = bus_param();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let tick = RwSignal::new(0u32);
    let redeliver = ServerAction::<Redeliver>::new();
    let outcome = outcome_of(redeliver.value());
    let detail = Resource::new(
        move || (bus(), id(), tick.get(), redeliver.version().get()),
        |(bus, id, _, _)| get_event(bus, id),
    );
    // While deliveries are pending, look again every second.
    Effect::new(move |_| {
        if let Some(Ok(d)) = detail.get() {
            if d.deliveries.iter().any(|x| x.status == "pending") {
                set_timeout(
                    move || tick.update(|n| *n += 1),
                    std::time::Duration::from_secs(1),
                );
            }
        }
    });
    view! {
        <Title text=move || format!("Event #{}", id())/>
        <Frame>
            <h1>{move || format!("Event #{}", id())}</h1>
            <p>
                <a href=move || format!("/buses/{}/events", bus())>"All events of " {bus}</a>
            </p>
            <FormError outcome/>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(d) => {
                            let e = d.event.clone();
                            view! {
                                <dl class="facts">
                                    <dt>"Type"</dt><dd><code>{e.event_type.clone()}</code></dd>
                                    <dt>"Source"</dt><dd><code>{e.source.clone()}</code></dd>
                                    <dt>"CloudEvent id"</dt><dd><code>{e.ce_id.clone()}</code></dd>
                                    <dt>"Time"</dt><dd>{e.time.clone()}</dd>
                                    <dt>"Received"</dt><dd>{e.received_at.clone()}</dd>
                                </dl>
                                <h2>"Deliveries"</h2>
                                {if d.deliveries.is_empty() {
                                    view! { <p class="empty">"No rule matched this event, so nothing was sent."</p> }.into_any()
                                } else {
                                    d.deliveries
                                        .into_iter()
                                        .map(|x| view! { <Delivery delivery=x bus=e.bus.clone() action=redeliver/> })
                                        .collect_view()
                                        .into_any()
                                }}
                                <h2>"The event as received"</h2>
                                <pre class="json" aria-label="CloudEvent">{d.envelope}</pre>
                            }
                            .into_any()
                        }
                    }
                })}
            </Transition>
        </Frame>
    }
}

#[component]
fn Delivery(delivery: DeliveryView, bus: String, action: ServerAction<Redeliver>) -> impl IntoView {
    let d = delivery;
    let finished = d.status != "pending";
    let id = d.id;
    let bus = StoredValue::new(bus);
    let state = match (&d.status[..], &d.next_attempt_at) {
        ("pending", Some(at)) if d.attempt_count > 0 => format!("pending: next attempt at {at}"),
        ("pending", _) => "pending".to_string(),
        (s, _) => s.to_string(),
    };
    view! {
        <section class="card delivery" data-testid="delivery" data-status=d.status.clone()>
            <h3>
                <span class=badge(&d.status)>{state}</span>
                " "
                {format!("{} target of rule {}", d.kind, d.rule.clone().unwrap_or_else(|| "(deleted)".into()))}
            </h3>
            <p class="hint">
                "webhook-id " <code>{d.webhook_id.clone()}</code>
                {format!(" · {} attempt(s)", d.attempt_count)}
                {d.last_reason.clone().map(|r| format!(" · last: {r}"))}
            </p>
            {d.last_detail.clone().filter(|s| !s.is_empty()).map(|s| view! { <p class="detail">{s}</p> })}
            {d.hidden.then(|| view! {
                <p class="hint" data-testid="attempts-hidden">
                    "Attempts hidden: you may not read this rule's targets."
                </p>
            })}
            <Show when=move || finished>
                <ActionForm action attr:class="inline">
                    <input type="hidden" name="bus" value=bus.get_value()/>
                    <input type="hidden" name="delivery" value=id/>
                    <button type="submit" class="secondary">"Redeliver"</button>
                </ActionForm>
            </Show>
            {d
                .attempts
                .into_iter()
                .map(|a| {
                    let status = a.response_status.map(|s| format!("HTTP {s}")).unwrap_or_else(|| "no answer".into());
                    view! {
                        <details class="attempt">
                            <summary>
                                {format!("Attempt {} · {} · {} · {} ms · {}", a.number, a.started_at, a.reason, a.latency_ms, status)}
                            </summary>
                            <h4>"Request (secrets masked)"</h4>
                            <pre class="json">{a.request}</pre>
                            <h4>"Response"</h4>
                            <pre class="json">{a.response_body.unwrap_or_default()}</pre>
                        </details>
                    }
                })
                .collect_view()}
        </section>
    }
}

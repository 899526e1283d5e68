//! The delivery log of a bus: `/buses/:bus/events` lists events (filter by type, delivery
//! status and time) and offers "Send test event" (which shows whom the event would reach
//! and asks to confirm first); `/buses/:bus/events/:id` shows an event,
//! its deliveries and their attempts, with "Redeliver". Pages with deliveries still pending
//! refresh themselves until they settle.

use super::rules::bus_param;
use super::ErrorNotice;
use crate::api::events::{get_event, list_events, Redeliver, RedeliverFailed};
use crate::api::events::{preview_test_event, send_test_event};
use crate::app::components::form::{outcome_of, FieldError, FormError};
use crate::app::components::frame::Frame;
use crate::app::i18n::{t, t_string, use_i18n, Locale};
use crate::app::locale::{catalog_str, format_number, format_time, kind_label, time_view};
use crate::domain::catalog;
use crate::domain::models::{
    DeliveryView, EventView, PreviewTarget, TestEventPreview, EVENTS_PAGE,
};
use crate::domain::AppError;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
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
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, events.page_title, bus = bus()).to_string()/>
        <Frame>
            <h1>{t!(i18n, events.title)}</h1>
            <p>
                {t!(i18n, rules.bus)} <code>{bus}</code> " · "
                <a href=move || format!("/buses/{}", bus())>{t!(i18n, rules.title)}</a>
            </p>
            <SendTestEvent bus=bus() on_sent=move || refresh.update(|n| *n += 1)/>
            <form class="filters" method="get" aria-label=move || t_string!(i18n, events.filter)>
                <label for="filter-type">{t!(i18n, events.event_type)}</label>
                <select id="filter-type" name="event_type">
                    <option value="">{t!(i18n, events.any)}</option>
                    {catalog::sources()
                        .iter()
                        .flat_map(|s| s.types())
                        .map(|t| {
                            let selected = q("event_type") == t.type_id;
                            view! { <option value=t.type_id selected=selected>{t.type_id}</option> }
                        })
                        .collect_view()}
                </select>
                <label for="filter-status">{t!(i18n, events.delivery_status)}</label>
                <select id="filter-status" name="status">
                    {[
                        ("", t!(i18n, events.any).into_any()),
                        ("delivered", t!(i18n, events.delivered).into_any()),
                        ("failed", t!(i18n, events.failed).into_any()),
                        ("pending", t!(i18n, events.pending).into_any()),
                    ]
                        .into_iter()
                        .map(|(v, label)| {
                            let selected = q("status") == v;
                            view! { <option value=v selected=selected>{label}</option> }
                        })
                        .collect_view()}
                </select>
                <label for="filter-since">{t!(i18n, events.since)}</label>
                <input id="filter-since" name="since" type="text" placeholder="2026-11-22T00:00:00Z" value=move || q("since")/>
                <button type="submit" class="secondary">{t!(i18n, events.filter_button)}</button>
            </form>
            <FormError outcome=redeliver_outcome/>
            {move || {
                redeliver
                    .value()
                    .get()
                    .and_then(Result::ok)
                    .map(|n| view! { <p class="notice" role="status">{t!(i18n, events.requeued, n = move || n)}</p> })
            }}
            <Show when=move || !q("since").is_empty()>
                <ActionForm action=redeliver attr:class="inline">
                    <input type="hidden" name="bus" value=bus/>
                    <input type="hidden" name="since" value=move || q("since")/>
                    <button type="submit" class="secondary">{t!(i18n, events.redeliver_since)}</button>
                </ActionForm>
            </Show>
            <Transition fallback=move || view! { <p>{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(items) if items.is_empty() && q("before").is_empty() => {
                            view! { <p class="empty">{t!(i18n, events.empty)}</p> }.into_any()
                        }
                        Ok(items) => {
                            // A full page may have older events behind it.
                            let older = (items.len() == EVENTS_PAGE)
                                .then(|| items.last().map(|e| e.id.to_string()))
                                .flatten();
                            view! {
                                <EventTable items/>
                                <nav class="pages" aria-label=move || t_string!(i18n, events.pages)>
                                    <Show when=move || !q("before").is_empty()>
                                        <PageLink q=q label=Signal::derive(move || t_string!(i18n, events.newest)) before=String::new()/>
                                    </Show>
                                    {older.map(|before| view! { <PageLink q=q label=Signal::derive(move || t_string!(i18n, events.older)) before/> })}
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
    label: Signal<&'static str>,
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
    let i18n = use_i18n();
    view! {
        <table class="list" aria-label=move || t_string!(i18n, events.events)>
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, events.event)}</th>
                    <th scope="col">{t!(i18n, events.type_)}</th>
                    <th scope="col">{t!(i18n, events.received)}</th>
                    <th scope="col">{t!(i18n, rules.col_deliveries)}</th>
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
                                <td>{time_view(e.received_at.clone())}</td>
                                <td data-testid="event-tally">
                                    {
                                        let (delivered, failed, pending) = (e.delivered, e.failed, e.pending);
                                        t!(i18n, rules.counts, delivered = move || delivered, failed = move || failed, pending = move || pending)
                                    }
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// What "Send test event" sends: source, type, data.
type TestArgs = (String, String, String);

/// "Send test event": pick a catalog type, edit its sample, see whom it would reach
/// ([`TestPreview`]), and only then send it.
#[component]
fn SendTestEvent(bus: String, on_sent: impl Fn() + Send + Sync + Copy + 'static) -> impl IntoView {
    let i18n = use_i18n();
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
    // The arguments shown in the preview: Confirm sends exactly these, and any edit of the
    // form withdraws the preview, so what is sent is what was shown.
    let previewed: RwSignal<Option<(TestArgs, TestEventPreview)>> = RwSignal::new(None);
    // Each answer carries the arguments it previews, so an answer that arrives after an
    // edit is not paired with the edited form.
    let preview = Action::new(move |args: &TestArgs| {
        let args = args.clone();
        let bus = bus.get_value();
        async move {
            let (s, t, d) = args.clone();
            (args, preview_test_event(bus, s, t, d).await)
        }
    });
    let send = Action::new(move |(s, t, d): &TestArgs| {
        let (s, t, d) = (s.clone(), t.clone(), d.clone());
        let bus = bus.get_value();
        async move { send_test_event(bus, s, t, d).await }
    });
    // The last error of either step, next to its field.
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match preview.value().get() {
        Some((args, Ok(p))) => {
            error.set(None);
            let now = (
                source.get_untracked(),
                event_type.get_untracked(),
                data.get_untracked(),
            );
            if now == args {
                previewed.set(Some((args, p)));
            }
        }
        Some((_, Err(e))) => error.set(Some(e)),
        None => {}
    });
    Effect::new(move |_| match send.value().get() {
        Some(Ok(_)) => on_sent(),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let outcome: Signal<Option<AppError>> = error.into();
    let withdraw = move || {
        previewed.set(None);
        send.value().set(None);
    };
    view! {
        <details class="card send-test">
            <summary>{t!(i18n, events.send_test)}</summary>
            <form
                aria-label=move || t_string!(i18n, events.send_test)
                on:submit=move |ev| {
                    ev.prevent_default();
                    withdraw();
                    preview.dispatch((source.get_untracked(), event_type.get_untracked(), data.get_untracked()));
                }
            >
                <label for="test-source">{t!(i18n, events.test_source)}</label>
                <select
                    id="test-source"
                    prop:value=source
                    on:change=move |ev| {
                        let s = event_target_value(&ev);
                        let t = catalog::source(&s)
                            .and_then(|src| src.types().next())
                            .map(|t| t.type_id.to_string())
                            .unwrap_or_default();
                        withdraw();
                        data.set(sample(&s, &t));
                        event_type.set(t);
                        source.set(s);
                    }
                >
                    {catalog::sources()
                        .iter()
                        .map(|s| view! { <option value=s.id>{move || format!("{} ({})", catalog_str(i18n, s.name), s.id)}</option> })
                        .collect_view()}
                </select>
                <label for="test-type">{t!(i18n, events.event_type)}</label>
                <select
                    id="test-type"
                    prop:value=event_type
                    on:change=move |ev| {
                        let t = event_target_value(&ev);
                        withdraw();
                        data.set(sample(&source.get_untracked(), &t));
                        event_type.set(t);
                    }
                >
                    {move || {
                        catalog::source(&source.get())
                            .map(|s| {
                                s.types()
                                    .map(|t| view! { <option value=t.type_id>{move || format!("{} ({})", catalog_str(i18n, t.title), t.type_id)}</option> })
                                    .collect_view()
                            })
                    }}
                </select>
                <label for="test-data">{t!(i18n, events.test_data)}</label>
                <textarea
                    id="test-data"
                    class="code"
                    rows="10"
                    spellcheck="false"
                    prop:value=data
                    on:input=move |ev| {
                        withdraw();
                        data.set(event_target_value(&ev));
                    }
                ></textarea>
                <FieldError outcome field="data"/>
                <FieldError outcome field="source"/>
                <FieldError outcome field="type"/>
                <FormError outcome/>
                <button type="submit" disabled=move || preview.pending().get()>{t!(i18n, events.send_test)}</button>
            </form>
            {move || previewed.get().map(|(args, p)| {
                let confirm = move || {
                    send.dispatch(args.clone());
                    previewed.set(None);
                };
                view! { <TestPreview preview=p confirm cancel=move || previewed.set(None) pending=send.pending().into()/> }
            })}
            {move || {
                send.value().get().and_then(Result::ok).map(|id| {
                    let href = format!("/buses/{}/events/{id}", bus.get_value());
                    view! {
                        <p class="notice" role="status" data-testid="test-event-sent">
                            {t!(i18n, events.test_sent, id = move || id)}
                            " "
                            <a href=href>{t!(i18n, events.test_watch)}</a>
                        </p>
                    }
                })
            }}
        </details>
    }
}

/// Whom the test event would reach, with Confirm and Cancel. With no matching rule it can
/// still be sent: it is stored and listed like any event (a producer's first check that
/// events arrive), and that nobody is notified is said plainly.
#[component]
fn TestPreview(
    preview: TestEventPreview,
    confirm: impl Fn() + Send + Sync + 'static,
    cancel: impl Fn() + Send + Sync + 'static,
    pending: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let n = preview.target_count();
    let summary = if preview.rules.is_empty() {
        t!(i18n, events.test_reach_none).into_any()
    } else {
        t!(i18n, events.test_reach, n = move || n).into_any()
    };
    view! {
        <section class="notice" role="status" data-testid="test-preview" aria-label=move || t_string!(i18n, events.test_preview)>
            <p>{summary}</p>
            <ul>
                {preview.rules.into_iter().map(|r| {
                    let (name, count) = (r.name.clone(), r.target_count);
                    let targets = if r.targets_hidden {
                        t!(i18n, events.test_hidden, n = move || count).into_any()
                    } else {
                        r.targets.into_iter().map(|t| view! { <li>{target_line(i18n, &t)}</li> }).collect_view().into_any()
                    };
                    view! {
                        <li data-rule=r.name>
                            {t!(i18n, events.test_rule, rule = move || name.clone())}
                            <ul>{targets}</ul>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <button type="button" on:click=move |_| confirm() disabled=move || pending.get()>{t!(i18n, events.test_confirm)}</button>
            " "
            <button type="button" class="secondary" on:click=move |_| cancel()>{t!(i18n, common.cancel)}</button>
        </section>
    }
}

/// "DingTalk 通知 https://oapi.dingtalk.com/robot/send?access_token=••••••abcd", "SMS to 2
/// people".
fn target_line(i18n: I18nContext<Locale>, t: &PreviewTarget) -> String {
    let kind = kind_label(i18n, t.kind);
    match (t.people, &t.address) {
        (Some(n), _) => t_string!(i18n, events.test_people, kind = kind, n = n).to_string(),
        (None, Some(address)) => format!("{kind} {address}"),
        (None, None) => kind.to_string(),
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
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, events.event_n, id = id()).to_string()/>
        <Frame>
            <h1>{move || t_string!(i18n, events.event_n, id = id()).to_string()}</h1>
            <p>
                <a href=move || format!("/buses/{}/events", bus())>{t!(i18n, events.all_of, bus = bus)}</a>
            </p>
            <FormError outcome/>
            <Transition fallback=move || view! { <p>{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(d) => {
                            let e = d.event.clone();
                            view! {
                                <dl class="facts">
                                    <dt>{t!(i18n, events.type_)}</dt><dd><code>{e.event_type.clone()}</code></dd>
                                    <dt>{t!(i18n, events.source)}</dt><dd><code>{e.source.clone()}</code></dd>
                                    <dt>{t!(i18n, events.ce_id)}</dt><dd><code>{e.ce_id.clone()}</code></dd>
                                    <dt>{t!(i18n, events.time)}</dt><dd>{e.time.clone()}</dd>
                                    <dt>{t!(i18n, events.received)}</dt><dd>{time_view(e.received_at.clone())}</dd>
                                </dl>
                                <h2>{t!(i18n, rules.col_deliveries)}</h2>
                                {if d.deliveries.is_empty() {
                                    view! { <p class="empty">{t!(i18n, events.none_matched)}</p> }.into_any()
                                } else {
                                    d.deliveries
                                        .into_iter()
                                        .map(|x| view! { <Delivery delivery=x bus=e.bus.clone() action=redeliver/> })
                                        .collect_view()
                                        .into_any()
                                }}
                                <h2>{t!(i18n, events.as_received)}</h2>
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
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let state = match (&d.status[..], &d.next_attempt_at) {
        ("pending", Some(at)) if d.attempt_count > 0 => {
            t_string!(i18n, events.next_attempt, at = format_time(locale, at)).to_string()
        }
        // The status is the stored name (`delivered`, `failed`, `dead`, …), shown as it is.
        ("pending", _) => "pending".to_string(),
        (s, _) => s.to_string(),
    };
    let rule_name = d
        .rule
        .clone()
        .unwrap_or_else(|| t_string!(i18n, events.deleted_rule).to_string());
    // The stored kind name (`http`, `dingtalk`), as the attempt log and the API name it.
    let kind = d.kind.clone();
    let attempts = d.attempt_count;
    view! {
        <section class="card delivery" data-testid="delivery" data-status=d.status.clone()>
            <h3>
                <span class=badge(&d.status)>{state}</span>
                " "
                {t!(i18n, events.target_of_rule, kind = move || kind.clone(), rule = move || rule_name.clone())}
            </h3>
            <p class="hint">
                "webhook-id " <code>{d.webhook_id.clone()}</code>
                {t!(i18n, events.attempts, n = move || attempts)}
                {d.last_reason.clone().map(|r| t!(i18n, events.last, reason = move || r.clone()))}
            </p>
            {d.last_detail.clone().filter(|s| !s.is_empty()).map(|s| view! { <p class="detail">{s}</p> })}
            {d.hidden.then(|| view! {
                <p class="hint" data-testid="attempts-hidden">
                    {t!(i18n, events.attempts_hidden)}
                </p>
            })}
            <Show when=move || finished>
                <ActionForm action attr:class="inline">
                    <input type="hidden" name="bus" value=bus.get_value()/>
                    <input type="hidden" name="delivery" value=id/>
                    <button type="submit" class="secondary">{t!(i18n, events.redeliver)}</button>
                </ActionForm>
            </Show>
            {d
                .attempts
                .into_iter()
                .map(|a| {
                    let status = a
                        .response_status
                        .map(|s| format!("HTTP {s}"))
                        .unwrap_or_else(|| t_string!(i18n, events.no_answer).to_string());
                    let summary = t_string!(
                        i18n,
                        events.attempt,
                        n = a.number,
                        at = format_time(locale, &a.started_at),
                        reason = a.reason.clone(),
                        ms = format_number(locale, a.latency_ms),
                        status = status
                    )
                    .to_string();
                    view! {
                        <details class="attempt">
                            <summary>
                                {summary}
                            </summary>
                            <h4>{t!(i18n, events.request)}</h4>
                            <pre class="json">{a.request}</pre>
                            <h4>{t!(i18n, events.response)}</h4>
                            <pre class="json">{a.response_body.unwrap_or_default()}</pre>
                        </details>
                    }
                })
                .collect_view()}
        </section>
    }
}

//! PutEvents: validate each entry, store the valid ones with the deliveries their matching
//! rules call for (one transaction: an event is never stored without its deliveries, nor an
//! accepted unknown type without its count under "Types seen but not in the catalog"),
//! then wake the workers. A re-sent `(source, id)` is a no-op that reports the original.

use std::collections::HashMap;
use std::sync::Arc;

use super::super::auth::{authorize, Actor};
use super::super::delivery::queue::Reservation;
use super::super::error::Context;
use super::super::ingest::{self, EntryError, Identity, Incoming};
use super::super::state::AppState;
use super::super::store::{events, rules, unknown_types};
use crate::domain::catalog::TargetKind;
use crate::domain::models::{
    AttemptView, DeliveryView, EventDetail, EventView, PreviewRule, PreviewTarget, PutEventsEntry,
    PutEventsResult, TestEventPreview, EVENTS_PAGE,
};
use crate::domain::pattern::Pattern;
use crate::domain::policy::{Action, Resource};
use crate::domain::rule;
use crate::domain::target::TargetConfig;
use crate::domain::AppError;
use crate::server::crypto::{mask_url, target_row};
use serde_json::Value;

/// An RFC 3339 time as stored (`YYYY-MM-DDTHH:MM:SS.mmmZ`, UTC), for comparisons.
pub(crate) fn stored_time(field: &str, text: &str) -> Result<String, AppError> {
    let t =
        time::OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Rfc3339)
            .map_err(|_| AppError::invalid(field, "must be a time like 2026-11-22T10:00:00Z"))?;
    Ok(crate::server::store::time_text(t))
}

fn rfc3339_now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// A fresh, stable delivery id for the `webhook-id` header.
fn webhook_id() -> String {
    format!("msg_{:032x}", rand::random::<u128>())
}

/// A rule, ready to match.
struct Matcher {
    id: i64,
    types: Vec<String>,
    pattern: Option<Pattern>,
    targets: Vec<events::MatchTarget>,
}

/// A bus's enabled rules by the source they name: an event is compared with the rules of
/// its own source (and of its catalog entry's, when an alias maps it), one hash lookup
/// each, then their types (a comparison per entry, prefixes included) and pattern.
struct Matchers(HashMap<String, Vec<Matcher>>);

impl Matchers {
    /// The targets of every rule that takes `e`, each rule once.
    fn targets<'a>(&'a self, e: &Incoming) -> Vec<&'a events::MatchTarget> {
        let mut taken: Vec<i64> = Vec::new();
        let mut out = Vec::new();
        for (source, event_type) in e.match_keys() {
            for m in self.0.get(source).into_iter().flatten() {
                if !taken.contains(&m.id)
                    && rule::takes_type(&m.types, event_type)
                    && m.pattern.as_ref().is_none_or(|p| p.matches(&e.data))
                {
                    taken.push(m.id);
                    out.extend(&m.targets);
                }
            }
        }
        out
    }
}

/// The enabled rules of a bus, ready to match.
async fn matchers(state: &AppState, bus_id: i64) -> Result<Matchers, AppError> {
    let list: Vec<(String, Matcher)> = events::enabled_rules(&state.pool, bus_id)
        .await
        .context("reading the bus's rules")?
        .into_iter()
        .filter_map(|(r, targets)| {
            // A stored pattern that no longer parses must not widen into "everything".
            let pattern = match r.pattern.as_deref().map(Pattern::parse_str) {
                None => None,
                Some(Ok(p)) => Some(p),
                Some(Err(e)) => {
                    tracing::warn!(rule = r.id, error = %e, "skipping a rule whose pattern does not parse");
                    return None;
                }
            };
            Some((
                r.source,
                Matcher {
                    id: r.id,
                    types: serde_json::from_str(&r.types).unwrap_or_default(),
                    pattern,
                    targets,
                },
            ))
        })
        .collect();
    let mut by_source: HashMap<String, Vec<Matcher>> = HashMap::new();
    for (source, m) in list {
        by_source.entry(source).or_default().push(m);
    }
    Ok(Matchers(by_source))
}

/// The unknown pairs among a request's newly stored events, with their counts and the last
/// one's envelope, in the order first seen.
fn unknown_seen<'a>(
    valid: &[&'a Incoming],
    stored: &[(i64, bool)],
) -> Vec<unknown_types::Seen<'a>> {
    let mut seen: Vec<unknown_types::Seen<'a>> = Vec::new();
    for (e, (_, duplicate)) in valid.iter().zip(stored) {
        if *duplicate || e.identity != Identity::Unlisted {
            continue;
        }
        match seen
            .iter_mut()
            .find(|s| s.source == e.source && s.event_type == e.event_type)
        {
            Some(s) => {
                s.count += 1;
                s.envelope = &e.envelope;
            }
            None => seen.push(unknown_types::Seen {
                source: &e.source,
                event_type: &e.event_type,
                count: 1,
                envelope: &e.envelope,
            }),
        }
    }
    seen
}

/// Refuse, as a whole and before anything is stored, a request whose events would create
/// more deliveries than `--max-deliveries-per-request`: one request must not hold the one
/// writer, and fill the queue, for as long as it likes. Counted before duplicates are known
/// (those create none), each `(source, id)` of the batch once.
fn check_fan_out(
    state: &AppState,
    valid: &[&Incoming],
    matched: &[(Vec<&events::MatchTarget>, Arc<str>)],
) -> Result<(), AppError> {
    let limit = state.config.max_deliveries_per_request as usize;
    let mut seen = std::collections::HashSet::new();
    let planned: usize = valid
        .iter()
        .zip(matched)
        .filter(|(e, _)| seen.insert((e.source.as_str(), e.id.as_str())))
        .map(|(_, (targets, _))| targets.len())
        .sum();
    if planned > limit {
        return Err(AppError::invalid(
            "events",
            format!(
                "these events would create {planned} deliveries; the limit is {limit} per request (--max-deliveries-per-request): send them in smaller batches"
            ),
        ));
    }
    Ok(())
}

/// Put events on `bus`. Entries that could not be read arrive as errors and are reported
/// in place.
pub async fn put(
    state: &AppState,
    actor: &Actor,
    bus: &str,
    entries: Vec<Result<Value, EntryError>>,
) -> Result<PutEventsResult, AppError> {
    authorize(
        actor,
        Action::PutEvents,
        &Resource::event_bus(actor.account_id, bus),
    )?;
    if entries.is_empty() {
        return Err(AppError::invalid("events", "send at least one event"));
    }
    if entries.len() > ingest::MAX_BATCH {
        return Err(AppError::invalid(
            "events",
            format!(
                "{} events in one request; the limit is {}",
                entries.len(),
                ingest::MAX_BATCH
            ),
        ));
    }
    let events::IngestBus {
        id: bus_id,
        workspace,
        unknown_types: unknown,
    } = events::bus_for_ingest(&state.pool, actor.account_id, bus)
        .await
        .context("finding a bus")?
        .ok_or_else(|| AppError::NotFound {
            what: format!("Event bus {bus:?}"),
        })?;
    let now = rfc3339_now();
    let checked: Vec<Result<Incoming, EntryError>> = entries
        .into_iter()
        .map(|e| e.and_then(|v| ingest::check(v, &now, unknown)))
        .collect();

    // Rules are read and matched before the one writer is taken: only the inserts need it.
    // A rule changed in between is as if the event had arrived a moment earlier; a rule or
    // target deleted in between leaves its delivery without it, as its deletion would have
    // (see `events::INSERT_DELIVERIES_SQLITE`).
    let matchers = matchers(state, bus_id).await?;
    let valid: Vec<&Incoming> = checked.iter().filter_map(|e| e.as_ref().ok()).collect();
    // The targets each event's matching rules send to; one envelope per event, shared by
    // all its deliveries.
    let matched: Vec<(Vec<&events::MatchTarget>, Arc<str>)> = valid
        .iter()
        .map(|e| (matchers.targets(e), Arc::from(e.envelope.as_str())))
        .collect();
    check_fan_out(state, &valid, &matched)?;

    let mut results: Vec<PutEventsEntry> = Vec::with_capacity(checked.len());
    let (mut accepted, mut duplicates) = (0u64, 0u64);
    let outcome: Result<Option<(Reservation, Vec<events::Due>)>, sqlx::Error> = async {
        let now_ms = super::super::delivery::channels::now_ms();
        // The whole batch in a few statements: the events, then their deliveries.
        let rows: Vec<events::NewEvent> = valid
            .iter()
            .map(|e| events::NewEvent {
                source: &e.source,
                ce_id: &e.id,
                event_type: &e.event_type,
                subject: e.subject.as_deref(),
                time: &e.time,
                envelope: &e.envelope,
            })
            .collect();
        let mut tx = super::super::store::begin_write(&state.pool).await?;
        let stored = events::insert_events(&mut tx, actor.account_id, bus_id, &rows).await?;
        unknown_types::count(&mut tx, bus_id, &unknown_seen(&valid, &stored)).await?;
        let mut queued: Vec<events::NewDelivery> = Vec::new();
        // The envelope of each queued delivery's event, for handing it to the workers.
        let mut queued_envelopes: Vec<&Arc<str>> = Vec::new();
        let mut per_event: Vec<u32> = Vec::with_capacity(valid.len());
        for ((targets, envelope), (event_id, duplicate)) in matched.iter().zip(&stored) {
            let before = queued.len();
            if !duplicate {
                for t in targets {
                    queued.push(events::NewDelivery {
                        event_id: *event_id,
                        target: t,
                        webhook_id: webhook_id(),
                    });
                    queued_envelopes.push(envelope);
                }
            }
            per_event.push((queued.len() - before) as u32);
        }
        // Leased to this process's workers and handed over in memory after the commit,
        // when they run and have room; otherwise left for them to claim.
        let reservation = state.wake.reserve(queued.len());
        let lease_until = reservation.as_ref().map(|r| r.lease_until(now_ms));
        let ids = events::insert_deliveries(
            &mut tx,
            actor.account_id,
            bus_id,
            &queued,
            now_ms,
            lease_until,
        )
        .await?;
        // Committed before the answer goes out: an accepted event is durable. What is left
        // (the workers' copies, the answer) needs no database, so the writer is given up now.
        tx.commit().await?;
        let handed = match (reservation, lease_until) {
            (Some(reservation), Some(lease_until)) => {
                let dues = queued
                    .iter()
                    .zip(&queued_envelopes)
                    .zip(ids)
                    .map(|((d, envelope), id)| events::Due {
                        id,
                        account_id: actor.account_id,
                        webhook_id: d.webhook_id.clone(),
                        attempts: 0,
                        kind: d.target.kind.clone(),
                        event_id: d.event_id,
                        envelope: Arc::clone(envelope),
                        bus: bus.to_string(),
                        workspace: workspace.clone(),
                        rule: Some(d.target.rule_name.clone()),
                        target_id: Some(d.target.id),
                        config: Some(d.target.config.clone()),
                        lease_until,
                        reached: None,
                        language: d.target.language,
                        title_template: d.target.title_template.clone(),
                        body_template: d.target.body_template.clone(),
                    })
                    .collect();
                Some((reservation, dues))
            }
            _ => None,
        };
        let mut stored = stored.iter().zip(per_event);
        for entry in &checked {
            let e = match entry {
                Err(err) => {
                    results.push(PutEventsEntry {
                        error_code: Some(err.code.to_string()),
                        error_message: Some(if err.field.is_empty() {
                            err.message.clone()
                        } else {
                            format!("{}: {}", err.field, err.message)
                        }),
                        error_field: (!err.field.is_empty()).then(|| err.field.clone()),
                        refusal: Some(err.clone()),
                        ..PutEventsEntry::default()
                    });
                    continue;
                }
                Ok(e) => e,
            };
            let Some((&(event_id, duplicate), deliveries)) = stored.next() else {
                return Err(sqlx::Error::RowNotFound);
            };
            if duplicate {
                duplicates += 1;
            } else {
                accepted += 1;
            }
            results.push(PutEventsEntry {
                event_id: Some(e.id.clone()),
                herald_id: Some(event_id),
                duplicate,
                deliveries: deliveries as _,
                ..PutEventsEntry::default()
            });
        }
        Ok(handed)
    }
    .await;
    let handed = outcome.context("storing events")?;
    let failed = results.iter().filter(|r| r.error_code.is_some()).count();
    state.metrics.events(accepted, duplicates, failed as u64);
    match handed {
        Some((reservation, dues)) => reservation.hand(dues),
        None if accepted > 0 => state.wake.now(),
        None => {}
    }
    Ok(PutEventsResult {
        failed_entry_count: failed,
        entries: results,
    })
}

async fn bus_id(state: &AppState, actor: &Actor, bus: &str) -> Result<i64, AppError> {
    rules::bus_id(&state.pool, actor.account_id, bus)
        .await
        .context("finding a bus")?
        .ok_or_else(|| AppError::NotFound {
            what: format!("Event bus {bus:?}"),
        })
}

/// The newest events of a bus, a page ([`EVENTS_PAGE`]) at a time (`before` an event for
/// the next), filtered by type, delivery status and time.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    bus: &str,
    filter: events::EventFilter,
) -> Result<Vec<EventView>, AppError> {
    authorize(
        actor,
        Action::GetEventBus,
        &Resource::event_bus(actor.account_id, bus),
    )?;
    if let Some(s) = &filter.status {
        use crate::domain::models::DeliveryStatus::{Delivered, Failed, Pending};
        // Failed includes dead: both are deliveries that did not arrive.
        if !matches!(
            crate::domain::models::DeliveryStatus::parse(s),
            Some(Delivered | Failed | Pending)
        ) {
            return Err(AppError::invalid(
                "status",
                "must be delivered, failed or pending",
            ));
        }
    }
    let mut filter = filter;
    if let Some(since) = &filter.since {
        filter.since = Some(stored_time("since", since)?);
    }
    let bus_id = bus_id(state, actor, bus).await?;
    if filter.before.is_some_and(|b| b < 1) {
        return Err(AppError::invalid(
            "before",
            "must be an event id (1 or more)",
        ));
    }
    events::list_events(
        &state.pool,
        actor.account_id,
        bus_id,
        &filter,
        EVENTS_PAGE as i64,
    )
    .await
    .context("listing events")
}

fn rfc3339_of_ms(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// An event of a bus with its deliveries and their attempts.
pub async fn get(
    state: &AppState,
    actor: &Actor,
    bus: &str,
    id: i64,
) -> Result<EventDetail, AppError> {
    authorize(
        actor,
        Action::GetEventBus,
        &Resource::event_bus(actor.account_id, bus),
    )?;
    let not_found = || AppError::NotFound {
        what: format!("Event {id}"),
    };
    let row = events::find_event(&state.pool, actor.account_id, id)
        .await
        .context("reading an event")?
        .filter(|r| r.event.bus == bus)
        .ok_or_else(not_found)?;
    let envelope = serde_json::from_str::<Value>(&row.envelope)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| row.envelope.clone());
    // Deliveries first: an attempt is recorded in the same transaction as its delivery's
    // new state, so reading attempts second never shows a settled delivery without them.
    let rows = events::deliveries_of(&state.pool, actor.account_id, id)
        .await
        .context("reading deliveries")?;
    let mut attempts: HashMap<i64, Vec<AttemptView>> = HashMap::new();
    for a in events::attempts_of_event(&state.pool, actor.account_id, id)
        .await
        .context("reading attempts")?
    {
        attempts.entry(a.delivery_id).or_default().push(a);
    }
    let deliveries = rows
        .into_iter()
        .map(|d| {
            // Reading the bus's events does not show what a rule the reader may not read
            // sent, nor where to: the attempts carry the target's address and its answers.
            let hidden = d
                .rule
                .as_deref()
                .is_some_and(|rule| !super::rules::may_read_targets(actor, bus, rule));
            let attempts = attempts.remove(&d.id).unwrap_or_default();
            DeliveryView {
                attempts: if hidden { Vec::new() } else { attempts },
                next_attempt_at: (d.status
                    == crate::domain::models::DeliveryStatus::Pending.as_str())
                .then(|| rfc3339_of_ms(d.next_attempt_at)),
                id: d.id,
                rule: d.rule,
                kind: d.kind,
                webhook_id: d.webhook_id,
                status: d.status,
                attempt_count: d.attempts,
                last_reason: d.last_reason,
                last_detail: if hidden { None } else { d.last_detail },
                hidden,
            }
        })
        .collect();
    Ok(EventDetail {
        event: row.event,
        envelope,
        deliveries,
    })
}

/// Send a finished delivery again, now, with the same `webhook-id`.
pub async fn redeliver(
    state: &AppState,
    actor: &Actor,
    bus: &str,
    delivery: i64,
) -> Result<(), AppError> {
    authorize(
        actor,
        Action::PutEvents,
        &Resource::event_bus(actor.account_id, bus),
    )?;
    let bus_id = bus_id(state, actor, bus).await?;
    let queued = events::redeliver(
        &state.pool,
        actor.account_id,
        bus_id,
        delivery,
        super::super::delivery::channels::now_ms(),
    )
    .await
    .context("queueing a redelivery")?;
    if !queued {
        return Err(AppError::Conflict {
            field: None,
            message: format!("Delivery {delivery} is still pending or does not exist."),
        });
    }
    state.wake.now();
    Ok(())
}

/// Send every failed or dead delivery of a bus received since `since` again; the count.
pub async fn redeliver_failed_since(
    state: &AppState,
    actor: &Actor,
    bus: &str,
    since: &str,
) -> Result<u64, AppError> {
    authorize(
        actor,
        Action::PutEvents,
        &Resource::event_bus(actor.account_id, bus),
    )?;
    let since = stored_time("since", since)?;
    let bus_id = bus_id(state, actor, bus).await?;
    let n = events::redeliver_failed_since(
        &state.pool,
        actor.account_id,
        bus_id,
        &since,
        super::super::delivery::channels::now_ms(),
    )
    .await
    .context("queueing redeliveries")?;
    if n > 0 {
        state.wake.now();
    }
    Ok(n)
}

/// The CloudEvent "Send test event" puts on the bus: a catalog type with (edited) sample
/// data, marked as a test (the `heraldtest` extension: its messages start with the test
/// mark, so nobody takes it for a real failure). `data` that is not JSON is refused naming
/// the field.
fn test_event(source: &str, event_type: &str, data: &str) -> Result<Value, AppError> {
    let data: Value = serde_json::from_str(data).map_err(|e| {
        AppError::invalid(
            "data",
            format!(
                "is not valid JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ),
        )
    })?;
    Ok(serde_json::json!({
        "specversion": "1.0",
        "id": format!("test-{:016x}", rand::random::<u64>()),
        "source": source,
        "type": event_type,
        "subject": "Herald test event",
        (crate::server::delivery::render::TEST_ATTRIBUTE): true,
        "data": data,
    }))
}

/// A test event ingest refused, as the form shows it: on the form's own field (`source`,
/// `type`, or `data` for anything inside the data), with ingest's message.
fn test_refused(field: Option<&str>, message: Option<String>) -> AppError {
    AppError::invalid(
        field
            .map(|f| if f.starts_with("data") { "data" } else { f })
            .unwrap_or("data"),
        message.unwrap_or_else(|| "the event was refused".into()),
    )
}

/// "Send test event": [`test_event`] put on the bus like any other event. Returns Herald's
/// id for the event. [`preview_test`] shows beforehand whom it reaches.
pub async fn send_test(
    state: &AppState,
    actor: &Actor,
    bus: &str,
    source: &str,
    event_type: &str,
    data: &str,
) -> Result<i64, AppError> {
    let event = test_event(source, event_type, data)?;
    let result = put(state, actor, bus, vec![Ok(event)]).await?;
    let entry = result.entries.into_iter().next().unwrap_or_default();
    match (entry.herald_id, entry.error_message) {
        (Some(id), _) => Ok(id),
        (None, message) => Err(test_refused(entry.error_field.as_deref(), message)),
    }
}

/// What [`send_test`] with the same arguments would reach, without sending or storing
/// anything: the event is checked as ingest checks it (a refusal names the same field) and
/// matched by ingest's own [`Matchers`] against the bus's enabled rules, so the preview and
/// the send cannot disagree (unless a rule changes in between). Per matching rule, its
/// targets: kind, masked address, and for voice, SMS and email the number of people.
pub async fn preview_test(
    state: &AppState,
    actor: &Actor,
    bus: &str,
    source: &str,
    event_type: &str,
    data: &str,
) -> Result<TestEventPreview, AppError> {
    // The same permission as sending: the preview is the first half of that operation.
    authorize(
        actor,
        Action::PutEvents,
        &Resource::event_bus(actor.account_id, bus),
    )?;
    let event = test_event(source, event_type, data)?;
    let events::IngestBus {
        id: bus_id,
        unknown_types: unknown,
        ..
    } = events::bus_for_ingest(&state.pool, actor.account_id, bus)
        .await
        .context("finding a bus")?
        .ok_or_else(|| AppError::NotFound {
            what: format!("Event bus {bus:?}"),
        })?;
    let incoming = ingest::check(event, &rfc3339_now(), unknown).map_err(|e| {
        let message = if e.field.is_empty() {
            e.message.clone()
        } else {
            format!("{}: {}", e.field, e.message)
        };
        test_refused(
            Some(e.field.as_str()).filter(|f| !f.is_empty()),
            Some(message),
        )
    })?;
    let matchers = matchers(state, bus_id).await?;
    let targets = matchers.targets(&incoming);

    // Voice, SMS and email reach people: count those the channel can reach.
    let ids: Vec<i64> = targets.iter().map(|t| t.id).collect();
    let reach: HashMap<i64, events::TargetReach> = events::target_reach(&state.pool, &ids)
        .await
        .context("counting the targets' contacts")?
        .into_iter()
        .map(|r| (r.target_id, r))
        .collect();

    let mut rules: Vec<PreviewRule> = Vec::new();
    let mut last_rule = None;
    for t in targets {
        // A rule's targets come together, in its order.
        if last_rule != Some(t.rule_id) {
            last_rule = Some(t.rule_id);
            rules.push(PreviewRule {
                name: t.rule_name.clone(),
                target_count: 0,
                targets: Vec::new(),
                // As on an event's page: where a rule sends is shown only to who may read
                // its targets.
                targets_hidden: !super::rules::may_read_targets(actor, bus, &t.rule_name),
            });
        }
        let rule = rules.last_mut().expect("pushed above");
        rule.target_count += 1;
        if !rule.targets_hidden {
            rule.targets
                .push(preview_target(state, actor, t, reach.get(&t.id)));
        }
    }
    Ok(TestEventPreview { rules })
}

/// One target as the preview shows it: never a secret, never a whole robot URL.
fn preview_target(
    state: &AppState,
    actor: &Actor,
    target: &events::MatchTarget,
    reach: Option<&events::TargetReach>,
) -> PreviewTarget {
    // Settings sealed bound to their row, as the engine opens them (`engine::open_config`):
    // settings that do not open show no address, as their delivery would send nothing.
    let config: Option<TargetConfig> = state
        .secrets
        .open_bound(&target.config, &target_row(actor.account_id, target.id))
        .ok()
        .and_then(|json| serde_json::from_str(&json).ok());
    // The stored kind is always one of ours (it is written from the settings' own).
    let kind = TargetKind::parse(&target.kind)
        .or_else(|| config.as_ref().map(TargetConfig::kind))
        .unwrap_or(TargetKind::Http);
    let address = config.as_ref().and_then(TargetConfig::url).map(mask_url);
    let people = kind.uses_contacts().then(|| {
        let reached = reach.map_or(0, |r| {
            if kind == TargetKind::Email {
                r.emails
            } else {
                r.phones
            }
        });
        reached as usize
    });
    PreviewTarget {
        kind,
        address,
        people,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_is_compared_in_utc_as_stored() {
        assert_eq!(
            stored_time("since", "2026-11-22T18:00:00+08:00").unwrap(),
            "2026-11-22T10:00:00.000Z"
        );
        assert_eq!(
            stored_time("since", "2026-11-22T10:00:00.5Z").unwrap(),
            "2026-11-22T10:00:00.500Z"
        );
        assert!(stored_time("since", "yesterday").is_err());
    }
}

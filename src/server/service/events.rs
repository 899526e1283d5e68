//! PutEvents: validate each entry, store the valid ones with the deliveries their matching
//! rules call for (one transaction: an event is never stored without its deliveries), then
//! wake the workers. A re-sent `(source, id)` is a no-op that reports the original.

use std::collections::HashMap;

use super::super::auth::{authorize, Actor};
use super::super::error::Context;
use super::super::ingest::{self, EntryError, Incoming};
use super::super::state::AppState;
use super::super::store::{events, rules};
use crate::domain::models::{PutEventsEntry, PutEventsResult};
use crate::domain::pattern::Pattern;
use crate::domain::policy::{Action, Resource};
use crate::domain::AppError;
use serde_json::Value;

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
    source: String,
    types: Vec<String>,
    pattern: Option<Pattern>,
}

impl Matcher {
    fn matches(&self, e: &Incoming) -> bool {
        self.source == e.source
            && self.types.iter().any(|t| *t == e.event_type)
            && self.pattern.as_ref().is_none_or(|p| p.matches(&e.data))
    }
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
    let bus_id = rules::bus_id(&state.pool, actor.account_id, bus)
        .await
        .context("finding a bus")?
        .ok_or_else(|| AppError::NotFound {
            what: format!("Event bus {bus:?}"),
        })?;
    let now = rfc3339_now();
    let checked: Vec<Result<Incoming, EntryError>> = entries
        .into_iter()
        .map(|e| e.and_then(|v| ingest::check(v, &now)))
        .collect();

    let mut results: Vec<PutEventsEntry> = Vec::with_capacity(checked.len());
    let (mut accepted, mut duplicates) = (0u64, 0u64);
    let outcome: Result<(), sqlx::Error> = async {
        let mut tx = state.pool.begin().await?;
        let matchers: Vec<Matcher> = events::enabled_rules(&mut tx, bus_id)
            .await?
            .into_iter()
            .map(|r| Matcher {
                id: r.id,
                source: r.source,
                types: serde_json::from_str(&r.types).unwrap_or_default(),
                pattern: r.pattern.as_deref().and_then(|p| Pattern::parse_str(p).ok()),
            })
            .collect();
        let mut targets: HashMap<i64, Vec<events::MatchTarget>> = HashMap::new();
        if !matchers.is_empty() {
            for t in events::enabled_targets(&mut tx, bus_id).await? {
                targets.entry(t.rule_id).or_default().push(t);
            }
        }
        let now_ms = super::super::delivery::channels::now_ms();
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
                        ..PutEventsEntry::default()
                    });
                    continue;
                }
                Ok(e) => e,
            };
            let envelope = serde_json::to_string(&e.envelope).expect("JSON values serialise");
            let (event_id, duplicate) = events::insert_event(
                &mut tx,
                actor.account_id,
                bus_id,
                &events::NewEvent {
                    source: &e.source,
                    ce_id: &e.id,
                    event_type: &e.event_type,
                    subject: e.subject.as_deref(),
                    time: &e.time,
                    envelope: &envelope,
                },
            )
            .await?;
            let mut deliveries = 0;
            if duplicate {
                duplicates += 1;
            } else {
                accepted += 1;
                for m in matchers.iter().filter(|m| m.matches(e)) {
                    for t in targets.get(&m.id).map(Vec::as_slice).unwrap_or_default() {
                        events::insert_delivery(
                            &mut tx,
                            actor.account_id,
                            event_id,
                            t,
                            &webhook_id(),
                            now_ms,
                        )
                        .await?;
                        deliveries += 1;
                    }
                }
            }
            results.push(PutEventsEntry {
                event_id: Some(e.id.clone()),
                herald_id: Some(event_id),
                duplicate,
                deliveries,
                ..PutEventsEntry::default()
            });
        }
        // Committed before the answer goes out: an accepted event is durable.
        tx.commit().await
    }
    .await;
    outcome.context("storing events")?;
    let failed = results.iter().filter(|r| r.error_code.is_some()).count();
    state.metrics.events(accepted, duplicates, failed as u64);
    if accepted > 0 {
        state.wake.now();
    }
    Ok(PutEventsResult {
        failed_entry_count: failed,
        entries: results,
    })
}

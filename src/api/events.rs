//! The delivery log: events, their deliveries and attempts, "Redeliver", "Send test event"
//! and its preview.

use crate::domain::models::{EventDetail, EventView, TestEventPreview};
use crate::domain::AppError;
use leptos::prelude::*;

/// The newest events of a bus, a page at a time: `before` an event id for older ones.
/// Empty filters mean "any".
#[server(prefix = "/api/ui", endpoint = "list_events")]
pub async fn list_events(
    bus: String,
    #[server(default)] event_type: String,
    #[server(default)] status: String,
    #[server(default)] since: String,
    #[server(default)] before: String,
) -> Result<Vec<EventView>, AppError> {
    use super::ctx;
    use crate::server::store::events::EventFilter;
    let some = |s: String| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let result = async {
        let before =
            match some(before) {
                None => None,
                Some(b) => Some(b.parse::<i64>().map_err(|_| {
                    AppError::invalid("before", format!("{b:?} is not an event id"))
                })?),
            };
        let filter = EventFilter {
            event_type: some(event_type),
            status: some(status),
            since: some(since),
            before,
        };
        let (state, actor) = ctx::actor().await?;
        crate::server::service::events::list(&state, &actor, &bus, filter).await
    }
    .await;
    ctx::respond(result)
}

/// One event with its deliveries and attempts.
#[server(prefix = "/api/ui", endpoint = "get_event")]
pub async fn get_event(bus: String, id: i64) -> Result<EventDetail, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::events::get(&state, &actor, &bus, id).await
    }
    .await;
    ctx::respond(result)
}

/// Send one finished delivery again (same `webhook-id`).
#[server(prefix = "/api/ui", endpoint = "redeliver")]
pub async fn redeliver(bus: String, delivery: i64) -> Result<(), AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::events::redeliver(&state, &actor, &bus, delivery).await
    }
    .await;
    ctx::respond(result)
}

/// Send every failed delivery of the bus since `since` again; returns how many.
#[server(prefix = "/api/ui", endpoint = "redeliver_failed")]
pub async fn redeliver_failed(bus: String, since: String) -> Result<u64, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::events::redeliver_failed_since(&state, &actor, &bus, &since).await
    }
    .await;
    ctx::respond(result)
}

/// "Send test event": a catalog type with its (edited) sample data. Returns the event's id.
#[server(prefix = "/api/ui", endpoint = "send_test_event")]
pub async fn send_test_event(
    bus: String,
    source: String,
    event_type: String,
    data: String,
) -> Result<i64, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::events::send_test(&state, &actor, &bus, &source, &event_type, &data)
            .await
    }
    .await;
    ctx::respond(result)
}

/// What "Send test event" with these arguments would reach (the matching rules, their
/// targets masked, how many people), without sending anything: shown for confirmation.
#[server(prefix = "/api/ui", endpoint = "preview_test_event")]
pub async fn preview_test_event(
    bus: String,
    source: String,
    event_type: String,
    data: String,
) -> Result<TestEventPreview, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::events::preview_test(
            &state,
            &actor,
            &bus,
            &source,
            &event_type,
            &data,
        )
        .await
    }
    .await;
    ctx::respond(result)
}

//! Bus tokens: a bus's EventBridge ingest token. EventBridge's HTTP target authenticates
//! only with a token in `x-eventbridge-signature-token`, so a bus gets one token
//! (`hb_<key_id>_<secret>`), shown once and replaced by rotation; only its SHA-256 is stored.
//! It acts as the user who made it, for PutEvents on its own bus only: making or rotating
//! it needs `eventbridge:PutEvents` on the bus, and every use is authorized again as that
//! user.

use super::super::auth::{actor, authorize, Actor, Via};
use super::super::error::Context;
use super::super::state::AppState;
use super::super::store::{bus_tokens, eventbridge};
use super::access_keys::{actor_for_email, hash, key_id_of, new_token, same_hash};
use super::audit;
use crate::domain::models::{BusTokenView, NewBusToken};
use crate::domain::policy::{Action, Resource};
use crate::domain::AppError;
use serde_json::{json, Value};

/// The header EventBridge's HTTP target sends its token in.
pub const HEADER: &str = "x-eventbridge-signature-token";

fn not_found(bus: &str) -> AppError {
    AppError::NotFound {
        what: format!("Event bus {bus:?}"),
    }
}

/// The bus's EventBridge connection: URL, header, and whether it has a token.
pub async fn info(state: &AppState, actor: &Actor, bus: &str) -> Result<BusTokenView, AppError> {
    let resource = Resource::event_bus(actor.account_id, bus);
    authorize(actor, Action::GetEventBus, &resource)?;
    eventbridge::find_bus(&state.pool, actor.account_id, bus)
        .await
        .context("reading an event bus")?
        .ok_or_else(|| not_found(bus))?;
    let row = bus_tokens::find(&state.pool, actor.account_id, bus)
        .await
        .context("reading a bus token")?;
    Ok(BusTokenView {
        bus: bus.to_string(),
        url: format!(
            "{}/api/v1/buses/{bus}/events",
            state.config.public_url().trim_end_matches('/')
        ),
        header: HEADER.to_string(),
        created_at: row.as_ref().map(|r| r.created_at.clone()),
        created_by: row.map(|r| r.created_by),
        may_manage: authorize(actor, Action::PutEvents, &resource).is_ok(),
    })
}

/// Make the bus's token, or rotate it (the old one stops working at once); the answer
/// carries the token, once.
pub async fn create(state: &AppState, actor: &Actor, bus: &str) -> Result<NewBusToken, AppError> {
    let resource = Resource::event_bus(actor.account_id, bus);
    authorize(actor, Action::PutEvents, &resource)?;
    let (key_id, token) = new_token("hb");
    bus_tokens::replace(
        &state.pool,
        actor.account_id,
        bus,
        actor.user_id,
        &key_id,
        &hash(&token),
    )
    .await
    .context("storing a bus token")?
    .ok_or_else(|| not_found(bus))?;
    tracing::info!(account = actor.account_id, bus, key_id = %key_id, "bus token made");
    audit::change(
        state,
        actor,
        "herald:CreateBusToken",
        &resource.arn,
        Value::Null,
        json!({ "key_id": key_id }),
    )
    .await?;
    let view = info(state, actor, bus).await?;
    Ok(NewBusToken { view, token })
}

fn unauthorized() -> AppError {
    AppError::Unauthorized {
        message: format!(
            "a valid access key (Authorization: Bearer hk_…) or this bus's token ({HEADER}: hb_…) is required"
        ),
    }
}

/// The actor a bus token stands for, when it is the current token of `bus`.
pub async fn authenticate(state: &AppState, bus: &str, token: &str) -> Result<Actor, AppError> {
    let token = token.trim();
    let key_id = key_id_of(token, "hb").ok_or_else(unauthorized)?;
    let row = bus_tokens::find_by_key(&state.pool, key_id)
        .await
        .context("reading a bus token")?
        .ok_or_else(unauthorized)?;
    // The hash is compared first, in constant time, whatever the bus.
    if !same_hash(&hash(token), &row.token_hash) || row.bus != bus {
        return Err(unauthorized());
    }
    let actor = actor::load(&state.pool, row.user_id, Via::Api)
        .await?
        .ok_or_else(unauthorized)?;
    if actor.account_id != row.account_id {
        return Err(unauthorized());
    }
    Ok(actor)
}

/// `herald bus-token create`: make (or rotate) the bus's token as the user with this
/// email; the token is returned.
pub async fn create_for_email(state: &AppState, email: &str, bus: &str) -> anyhow::Result<String> {
    let actor = actor_for_email(state, email).await?;
    create(state, &actor, bus)
        .await
        .map(|t| t.token)
        .map_err(|e| anyhow::anyhow!("{e}"))
}

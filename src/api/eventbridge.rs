//! EventBridge activation, the service-linked role, event buses, a bus's EventBridge token,
//! and what a bus does with (and has seen of) event types the catalog does not know.

use crate::domain::models::{EventBusView, NotificationSettings, ServiceRoleView};
use crate::domain::AppError;
use leptos::prelude::*;

/// The "Event notification settings" tab of a workspace.
#[server(prefix = "/api/ui", endpoint = "get_notification_settings")]
pub async fn get_notification_settings(
    workspace: String,
) -> Result<NotificationSettings, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::eventbridge::settings(&state, &actor, &workspace).await
    }
    .await;
    ctx::respond(result)
}

/// The account's message language (`en`, `ja`, `zh`).
#[server(prefix = "/api/ui", endpoint = "set_account_language")]
pub async fn set_account_language(language: String) -> Result<(), AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::eventbridge::set_language(&state, &actor, &language).await
    }
    .await;
    ctx::respond(result)
}

/// "Activate for free".
#[server(prefix = "/api/ui", endpoint = "activate_event_bridge")]
pub async fn activate_event_bridge() -> Result<(), AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::eventbridge::activate(&state, &actor).await
    }
    .await;
    ctx::respond(result)
}

/// "Grant permissions".
#[server(prefix = "/api/ui", endpoint = "grant_permissions")]
pub async fn grant_permissions() -> Result<ServiceRoleView, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::eventbridge::grant(&state, &actor).await
    }
    .await;
    ctx::respond(result)
}

/// The account's event buses.
#[server(prefix = "/api/ui", endpoint = "list_event_buses")]
pub async fn list_event_buses() -> Result<Vec<EventBusView>, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::eventbridge::list_buses(&state, &actor).await
    }
    .await;
    ctx::respond(result)
}

/// A bus's EventBridge connection: the URL, the header, and its token's state.
#[server(prefix = "/api/ui", endpoint = "get_bus_token")]
pub async fn get_bus_token(bus: String) -> Result<crate::domain::models::BusTokenView, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::bus_tokens::info(&state, &actor, &bus).await
    }
    .await;
    ctx::respond(result)
}

/// Make or rotate a bus's EventBridge token; the answer carries it, once.
#[server(prefix = "/api/ui", endpoint = "create_bus_token")]
pub async fn create_bus_token(bus: String) -> Result<crate::domain::models::NewBusToken, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::bus_tokens::create(&state, &actor, &bus).await
    }
    .await;
    ctx::respond(result)
}

/// A bus's choice for unknown types and its "Types seen but not in the catalog".
#[server(prefix = "/api/ui", endpoint = "get_unknown_types")]
pub async fn get_unknown_types(
    bus: String,
) -> Result<crate::domain::models::UnknownTypesView, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::eventbridge::unknown_types(&state, &actor, &bus).await
    }
    .await;
    ctx::respond(result)
}

/// Set what a bus does with unknown types: `refuse` or `accept`.
#[server(prefix = "/api/ui", endpoint = "set_unknown_types")]
pub async fn set_unknown_types(
    bus: String,
    unknown_types: String,
) -> Result<EventBusView, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::eventbridge::set_unknown_types(&state, &actor, &bus, &unknown_types)
            .await
    }
    .await;
    ctx::respond(result)
}

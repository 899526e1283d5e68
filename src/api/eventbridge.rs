//! EventBridge activation, the service-linked role, and event buses.

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

//! EventBridge activation, the service-linked role, and the bus list.

use super::super::auth::{authorize, Actor};
use super::super::error::Context;
use super::super::state::AppState;
use super::super::store::{accounts, eventbridge};
use super::workspaces;
use crate::domain::models::{EventBusView, NotificationSettings, ServiceRoleView};
use crate::domain::policy::{
    service_linked_role_policy, Action, Resource, SERVICE_LINKED_ROLE, SYSTEM_BUS_PREFIX,
};
use crate::domain::AppError;

/// The "Event notification settings" tab of a workspace.
pub async fn settings(
    state: &AppState,
    actor: &Actor,
    workspace: &str,
) -> Result<NotificationSettings, AppError> {
    authorize(
        actor,
        Action::GetEventBridgeStatus,
        &Resource::account(actor.account_id),
    )?;
    let workspace = workspaces::get(state, actor, workspace).await?;
    let mut conn = state.pool.acquire().await.context("reading activation")?;
    let activated_at = accounts::activated_at(&mut conn, actor.account_id)
        .await
        .context("reading activation")?;
    drop(conn);
    let role = role(state, actor).await?;
    Ok(NotificationSettings {
        workspace,
        activated_at,
        role,
    })
}

/// "Activate for free": mark the account activated and create `pai-system-{name}` for every
/// workspace, in one transaction. Idempotent.
pub async fn activate(state: &AppState, actor: &Actor) -> Result<(), AppError> {
    authorize(
        actor,
        Action::ActivateEventBridge,
        &Resource::account(actor.account_id),
    )?;
    let mut tx = super::super::store::begin_write(&state.pool)
        .await
        .context("starting activation")?;
    accounts::activate(&mut tx, actor.account_id)
        .await
        .context("activating EventBridge")?;
    let created = eventbridge::insert_system_buses(&mut tx, actor.account_id, SYSTEM_BUS_PREFIX)
        .await
        .context("creating system buses")?;
    tx.commit().await.context("committing activation")?;
    tracing::info!(
        account_id = actor.account_id,
        buses_created = created,
        "EventBridge activated"
    );
    Ok(())
}

/// "Grant permissions": create the service-linked role. Needs activation first. Idempotent.
pub async fn grant(state: &AppState, actor: &Actor) -> Result<ServiceRoleView, AppError> {
    authorize(
        actor,
        Action::CreateServiceLinkedRole,
        &Resource::service_linked_role(actor.account_id),
    )?;
    let mut conn = state.pool.acquire().await.context("reading activation")?;
    let activated = accounts::activated_at(&mut conn, actor.account_id)
        .await
        .context("reading activation")?;
    drop(conn);
    if activated.is_none() {
        return Err(AppError::Precondition {
            message: "EventBridge is not activated (ServiceNotEnable). Activate it first.".into(),
        });
    }
    let policy = serde_json::to_string_pretty(&service_linked_role_policy())
        .map_err(|e| super::super::error::internal("rendering the role policy", e))?;
    eventbridge::insert_role_if_absent(&state.pool, actor.account_id, SERVICE_LINKED_ROLE, &policy)
        .await
        .context("creating the service-linked role")?;
    tracing::info!(account_id = actor.account_id, "service-linked role granted");
    role(state, actor).await?.ok_or(AppError::Internal)
}

async fn role(state: &AppState, actor: &Actor) -> Result<Option<ServiceRoleView>, AppError> {
    Ok(
        eventbridge::find_role(&state.pool, actor.account_id, SERVICE_LINKED_ROLE)
            .await
            .context("reading the service-linked role")?
            .map(|row| ServiceRoleView {
                arn: Resource::service_linked_role(actor.account_id).arn,
                name: row.name,
                policy: row.policy,
                created_at: row.created_at,
            }),
    )
}

/// The account's event buses.
pub async fn list_buses(state: &AppState, actor: &Actor) -> Result<Vec<EventBusView>, AppError> {
    authorize(
        actor,
        Action::ListEventBuses,
        &Resource::event_bus(actor.account_id, "*"),
    )?;
    Ok(eventbridge::list_buses(&state.pool, actor.account_id)
        .await
        .context("listing event buses")?
        .into_iter()
        .map(|row| EventBusView {
            arn: Resource::event_bus(actor.account_id, &row.name).arn,
            name: row.name,
            workspace: row.workspace,
            description: row.description,
            created_at: row.created_at,
        })
        .collect())
}

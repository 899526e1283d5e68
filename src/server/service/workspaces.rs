//! Workspaces: create, list, open.

use super::super::auth::{authorize, Actor};
use super::super::error::{internal, is_unique_violation, Context};
use super::super::state::AppState;
use super::super::store::{accounts, eventbridge, workspaces};
use crate::domain::models::WorkspaceSummary;
use crate::domain::policy::{Action, Resource, SYSTEM_BUS_PREFIX};
use crate::domain::{validate, AppError};

/// Create a workspace. When EventBridge is activated, its bus is created in the same
/// transaction, so a workspace never exists without its bus.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    name: &str,
) -> Result<WorkspaceSummary, AppError> {
    let name = validate::workspace_name("name", name)?;
    authorize(
        actor,
        Action::CreateWorkspace,
        &Resource::workspace(actor.account_id, &name),
    )?;

    let mut tx = super::super::store::begin_write(&state.pool)
        .await
        .context("starting workspace creation")?;
    match workspaces::insert(&mut tx, actor.account_id, &name).await {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => {
            return Err(AppError::Conflict {
                field: Some("name".into()),
                message: format!("You already have a workspace named {name:?}. Pick another name."),
            })
        }
        Err(e) => return Err(internal("creating a workspace", e)),
    }
    if accounts::activated_at(&mut tx, actor.account_id)
        .await
        .context("reading activation")?
        .is_some()
    {
        eventbridge::insert_system_buses(&mut tx, actor.account_id, SYSTEM_BUS_PREFIX)
            .await
            .context("creating the workspace's bus")?;
    }
    tx.commit().await.context("committing workspace creation")?;
    let created = get(state, actor, &name).await?;
    super::audit::change(
        state,
        actor,
        Action::CreateWorkspace.as_str(),
        &Resource::workspace(actor.account_id, &name).arn,
        serde_json::Value::Null,
        serde_json::json!(created),
    )
    .await?;
    Ok(created)
}

/// The account's workspaces.
pub async fn list(state: &AppState, actor: &Actor) -> Result<Vec<WorkspaceSummary>, AppError> {
    authorize(
        actor,
        Action::ListWorkspaces,
        &Resource::workspace(actor.account_id, "*"),
    )?;
    workspaces::list(&state.pool, actor.account_id)
        .await
        .context("listing workspaces")
}

/// One workspace by name.
pub async fn get(
    state: &AppState,
    actor: &Actor,
    name: &str,
) -> Result<WorkspaceSummary, AppError> {
    authorize(
        actor,
        Action::GetWorkspace,
        &Resource::workspace(actor.account_id, name),
    )?;
    workspaces::find(&state.pool, actor.account_id, name)
        .await
        .context("reading a workspace")?
        .ok_or_else(|| AppError::NotFound {
            what: format!("Workspace {name:?}"),
        })
}

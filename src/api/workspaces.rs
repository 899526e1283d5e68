//! Workspaces: list, create, open.

use crate::domain::models::WorkspaceSummary;
use crate::domain::AppError;
use leptos::prelude::*;

/// The account's workspaces.
#[server(prefix = "/api/ui", endpoint = "list_workspaces")]
pub async fn list_workspaces() -> Result<Vec<WorkspaceSummary>, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::workspaces::list(&state, &actor).await
    }
    .await;
    ctx::respond(result)
}

/// Create a workspace.
#[server(prefix = "/api/ui", endpoint = "create_workspace")]
pub async fn create_workspace(name: String) -> Result<WorkspaceSummary, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::workspaces::create(&state, &actor, &name).await
    }
    .await;
    ctx::respond(result)
}

/// One workspace by name.
#[server(prefix = "/api/ui", endpoint = "get_workspace")]
pub async fn get_workspace(name: String) -> Result<WorkspaceSummary, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::workspaces::get(&state, &actor, &name).await
    }
    .await;
    ctx::respond(result)
}

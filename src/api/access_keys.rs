//! AccessKeys: API credentials for the platform's PutEvents calls.

use crate::domain::models::{AccessKeyView, NewAccessKey};
use crate::domain::AppError;
use leptos::prelude::*;

/// The account's keys.
#[server(prefix = "/api/ui", endpoint = "list_access_keys")]
pub async fn list_access_keys() -> Result<Vec<AccessKeyView>, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::access_keys::list(&state, &actor).await
    }
    .await;
    ctx::respond(result)
}

/// Create a key; the answer carries its token, shown once.
#[server(prefix = "/api/ui", endpoint = "create_access_key")]
pub async fn create_access_key(name: String) -> Result<NewAccessKey, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::access_keys::create(&state, &actor, &name).await
    }
    .await;
    ctx::respond(result)
}

/// Revoke a key; it stops working at once.
#[server(prefix = "/api/ui", endpoint = "revoke_access_key")]
pub async fn revoke_access_key(id: i64) -> Result<(), AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::access_keys::revoke(&state, &actor, id).await
    }
    .await;
    ctx::respond(result)
}

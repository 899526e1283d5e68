//! RAM users, policies, one's own password, the permissions the console shows, and the
//! audit log.

use crate::domain::models::{AuditEntryView, AuditFilter, PolicyView, RamUserView};
use crate::domain::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// The account's RAM users.
#[server(prefix = "/api/ui", endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<RamUserView>, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::ram::list_users(&state, &actor).await
    }
    .await;
    ctx::respond(result)
}

/// Create a RAM user with an initial password.
#[server(prefix = "/api/ui", endpoint = "create_user")]
pub async fn create_user(
    login_name: String,
    display_name: String,
    password: String,
) -> Result<RamUserView, AppError> {
    use super::ctx;
    use crate::server::service::ram::{self, NewUser};
    let result = async {
        let (state, actor) = ctx::actor().await?;
        ram::create_user(
            &state,
            &actor,
            NewUser {
                login_name,
                display_name,
                password,
            },
        )
        .await
    }
    .await;
    ctx::respond(result)
}

/// Disable or enable a RAM user.
#[server(prefix = "/api/ui", endpoint = "set_user_disabled")]
pub async fn set_user_disabled(id: i64, disabled: bool) -> Result<RamUserView, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::ram::set_disabled(&state, &actor, id, disabled).await
    }
    .await;
    ctx::respond(result)
}

/// Delete a RAM user.
#[server(prefix = "/api/ui", endpoint = "delete_user")]
pub async fn delete_user(id: i64) -> Result<(), AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::ram::delete_user(&state, &actor, id).await
    }
    .await;
    ctx::respond(result)
}

/// Give a RAM user a new initial password.
#[server(prefix = "/api/ui", endpoint = "reset_password")]
pub async fn reset_password(id: i64, password: String) -> Result<RamUserView, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::ram::reset_password(&state, &actor, id, &password).await
    }
    .await;
    ctx::respond(result)
}

/// Attach (or detach) a policy to (from) a RAM user.
#[server(prefix = "/api/ui", endpoint = "set_policy_attached")]
pub async fn set_policy_attached(
    user_id: i64,
    policy_id: i64,
    attach: bool,
) -> Result<RamUserView, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::ram::set_attached(&state, &actor, user_id, policy_id, attach).await
    }
    .await;
    ctx::respond(result)
}

/// The account's policies.
#[server(prefix = "/api/ui", endpoint = "list_policies")]
pub async fn list_policies() -> Result<Vec<PolicyView>, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::ram::list_policies(&state, &actor).await
    }
    .await;
    ctx::respond(result)
}

/// Create (no `id`) or replace (with `id`) a policy.
#[server(prefix = "/api/ui", endpoint = "save_policy", input = Json)]
pub async fn save_policy(
    id: Option<i64>,
    name: String,
    description: String,
    document: String,
) -> Result<PolicyView, AppError> {
    use super::ctx;
    use crate::server::service::ram;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        match id {
            None => ram::create_policy(&state, &actor, &name, &description, &document).await,
            Some(id) => ram::update_policy(&state, &actor, id, &description, &document).await,
        }
    }
    .await;
    ctx::respond(result)
}

/// Delete a policy (detaching it from everyone).
#[server(prefix = "/api/ui", endpoint = "delete_policy")]
pub async fn delete_policy(id: i64) -> Result<(), AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::ram::delete_policy(&state, &actor, id).await
    }
    .await;
    ctx::respond(result)
}

/// Change one's own password (a RAM user's first duty after its first login). Every other
/// session of the user ends; this one goes on.
#[server(prefix = "/api/ui", endpoint = "change_password")]
pub async fn change_password(current: String, password: String) -> Result<(), AppError> {
    use super::ctx;
    use crate::server::auth::{actor, session, Via};
    let result = async {
        let (state, me) = ctx::actor().await?;
        crate::server::service::ram::change_password(&state, &me, &current, &password).await?;
        let renewed = actor::load(&state.pool, me.user_id, Via::Console)
            .await?
            .ok_or(AppError::Internal)?;
        session::log_in(&ctx::session().await?, &renewed).await
    }
    .await;
    ctx::respond(result)
}

/// Which of the fifteen EventBridge actions the signed-in user may perform on `bus` (and
/// on `rule`, for the rule actions; `*` stands for a rule not yet named). The console uses
/// it to hide what would be refused; the server still decides each request.
#[server(prefix = "/api/ui", endpoint = "allowed_actions")]
pub async fn allowed_actions(bus: String, rule: Option<String>) -> Result<Vec<String>, AppError> {
    use super::ctx;
    let result = async {
        let (_, actor) = ctx::actor().await?;
        Ok(crate::server::service::ram::allowed_actions(
            &actor,
            &bus,
            rule.as_deref(),
        ))
    }
    .await;
    ctx::respond(result)
}

/// The audit log, filtered, newest first.
#[server(prefix = "/api/ui", endpoint = "list_audit", input = Json)]
pub async fn list_audit(filter: AuditFilter) -> Result<Vec<AuditEntryView>, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::audit::list(&state, &actor, filter).await
    }
    .await;
    ctx::respond(result)
}

//! Event rules and quota increase requests.

use crate::domain::rule::{
    BusRules, MessagePreview, QuotaRequestView, RuleInput, RuleView, SavedRule,
};
use crate::domain::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// The rules on a bus.
#[server(prefix = "/api/ui", endpoint = "list_rules")]
pub async fn list_rules(bus: String) -> Result<Vec<RuleView>, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::rules::list(&state, &actor, &bus).await
    }
    .await;
    ctx::respond(result)
}

/// A bus's page: its rules and whether rules can be created yet.
#[server(prefix = "/api/ui", endpoint = "get_bus_rules")]
pub async fn get_bus_rules(bus: String) -> Result<BusRules, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::rules::overview(&state, &actor, &bus).await
    }
    .await;
    ctx::respond(result)
}

/// One rule, its targets masked.
#[server(prefix = "/api/ui", endpoint = "get_rule")]
pub async fn get_rule(bus: String, name: String) -> Result<RuleView, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::rules::get(&state, &actor, &bus, &name).await
    }
    .await;
    ctx::respond(result)
}

/// Create a rule (`original` empty) or replace rule `original`.
#[server(prefix = "/api/ui", endpoint = "save_rule", input = Json)]
pub async fn save_rule(
    bus: String,
    original: Option<String>,
    rule: RuleInput,
) -> Result<SavedRule, AppError> {
    use super::ctx;
    use crate::server::service::rules;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        match original.as_deref().filter(|o| !o.is_empty()) {
            None => rules::create(&state, &actor, &bus, &rule).await,
            Some(name) => rules::update(&state, &actor, &bus, name, &rule).await,
        }
    }
    .await;
    ctx::respond(result)
}

/// Enable or disable a rule.
#[server(prefix = "/api/ui", endpoint = "set_rule_enabled")]
pub async fn set_rule_enabled(
    bus: String,
    name: String,
    enabled: bool,
) -> Result<RuleView, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::rules::set_enabled(&state, &actor, &bus, &name, enabled).await
    }
    .await;
    ctx::respond(result)
}

/// Delete a rule and its targets.
#[server(prefix = "/api/ui", endpoint = "delete_rule")]
pub async fn delete_rule(bus: String, name: String) -> Result<(), AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::rules::delete(&state, &actor, &bus, &name).await
    }
    .await;
    ctx::respond(result)
}

/// Ask the account owner for a larger quota on a rule.
#[server(prefix = "/api/ui", endpoint = "request_quota")]
pub async fn request_quota(
    bus: String,
    name: String,
    requested: u32,
    reason: String,
) -> Result<QuotaRequestView, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::rules::request_quota(
            &state, &actor, &bus, &name, requested, &reason,
        )
        .await
    }
    .await;
    ctx::respond(result)
}

/// The account's quota requests, pending first.
#[server(prefix = "/api/ui", endpoint = "list_quota_requests")]
pub async fn list_quota_requests() -> Result<Vec<QuotaRequestView>, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::rules::list_requests(&state, &actor).await
    }
    .await;
    ctx::respond(result)
}

/// Approve or reject a pending quota request.
#[server(prefix = "/api/ui", endpoint = "decide_quota_request")]
pub async fn decide_quota_request(id: i64, approve: bool) -> Result<QuotaRequestView, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::rules::decide(&state, &actor, id, approve).await
    }
    .await;
    ctx::respond(result)
}

/// The rule form's message preview: the templates of `rule` over the catalog sample of its
/// first chosen type, or why they cannot be used (naming the field and the line).
#[server(prefix = "/api/ui", endpoint = "preview_message", input = Json)]
pub async fn preview_message(bus: String, rule: RuleInput) -> Result<MessagePreview, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::rules::preview_message(&state, &actor, &bus, &rule).await
    }
    .await;
    ctx::respond(result)
}

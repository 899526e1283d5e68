//! Targets: "Test connection".

use crate::domain::target::{TargetConfig, TestVerdict};
use crate::domain::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Send a clearly marked test message to `target` (not saved) for a rule on `bus`.
#[server(prefix = "/api/ui", endpoint = "test_target", input = Json)]
///
/// For a target already saved on rule `rule` (`saved` = its id), fields left empty (the URL,
/// the secret) are taken from the stored settings: the browser never has them whole. The
/// message is written in `language`, the rule's message language as the form has it (empty:
/// the account's), as the rule's messages will be.
pub async fn test_target(
    bus: String,
    target: TargetConfig,
    #[server(default)] rule: Option<String>,
    #[server(default)] saved: Option<i64>,
    #[server(default)] clear_secret: bool,
    #[server(default)] keep_headers: bool,
    #[server(default)] language: String,
) -> Result<TestVerdict, AppError> {
    use super::ctx;
    use crate::server::service::{rules, targets};
    let result = async {
        let (state, actor) = ctx::actor().await?;
        let target = match (&rule, saved) {
            (Some(rule), Some(id)) => {
                let stored = rules::stored_target(&state, &actor, &bus, rule, id).await?;
                let input = crate::domain::rule::TargetInput {
                    id: Some(id),
                    config: target,
                    clear_secret,
                    keep_headers,
                };
                rules::merge(&input, Some(&stored), "target")?.1
            }
            _ => target,
        };
        let language = crate::domain::rule::language("language", &language)?;
        targets::test_connection(&state, &actor, &bus, rule.as_deref(), &target, language).await
    }
    .await;
    ctx::respond(result)
}

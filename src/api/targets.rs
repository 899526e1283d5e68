//! Targets: "Test connection".

use crate::domain::target::{TargetConfig, TestVerdict};
use crate::domain::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Send a clearly marked test message to `target` (not saved) for a rule on `bus`.
#[server(prefix = "/api/ui", endpoint = "test_target", input = Json)]
pub async fn test_target(bus: String, target: TargetConfig) -> Result<TestVerdict, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::targets::test_connection(&state, &actor, &bus, &target).await
    }
    .await;
    ctx::respond(result)
}

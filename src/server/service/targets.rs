//! Targets: "Test connection", which sends a real, clearly marked test message through the
//! same channel code that delivery uses and reports what the provider said. A test is never
//! retried and never counts as a delivery.

use super::super::auth::{authorize, Actor};
use super::super::delivery::channels::{dingtalk, lark, now_ms, webhook, wecom, Message};
use super::super::delivery::outcome::Outcome;
use super::super::delivery::sign::WebhookSecret;
use super::super::error::Context;
use super::super::state::AppState;
use super::super::store::eventbridge;
use crate::domain::policy::{Action, Resource};
use crate::domain::target::{Reason, TargetConfig, TestVerdict};
use crate::domain::AppError;

/// Send a test message to `target` on behalf of rule `rule` on `bus` (`None`: a rule not
/// yet saved, checked as `rule/*`). Needs UpdateTargets there, as saving the target does.
pub async fn test_connection(
    state: &AppState,
    actor: &Actor,
    bus: &str,
    rule: Option<&str>,
    target: &TargetConfig,
) -> Result<TestVerdict, AppError> {
    authorize(
        actor,
        Action::UpdateTargets,
        &Resource::rule(actor.account_id, bus, rule.unwrap_or("*")),
    )?;
    let bus_row = eventbridge::find_bus(&state.pool, actor.account_id, bus)
        .await
        .context("reading a bus")?
        .ok_or_else(|| AppError::NotFound {
            what: format!("Event bus {bus:?}"),
        })?;
    target.validate("target")?;
    let workspace = bus_row.workspace.unwrap_or(bus_row.name);
    let timeout_s = super::super::web::TEST_TIMEOUT.as_secs();

    // The address check happens before anything is sent, on the resolved addresses.
    if let Some(url) = target.url() {
        let parsed = reqwest::Url::parse(url.trim()).map_err(|e| {
            AppError::invalid("target.url", format!("is not a valid web address: {e}"))
        })?;
        if let Err(why) = state.probe.check_resolved(&parsed).await {
            let reason = if why.contains("does not resolve") || why.contains("no addresses") {
                Reason::Dns
            } else {
                Reason::Blocked
            };
            return Ok(Outcome::failed(reason, None, None, why).verdict(0, timeout_s));
        }
    }

    let msg = Message::test(&workspace);
    let out = &state.probe;
    let (outcome, latency) = match target {
        TargetConfig::DingTalk {
            url,
            secret,
            at_mobiles,
            at_all,
        } => {
            let robot = dingtalk::Robot {
                url: url.trim(),
                secret: secret.as_deref(),
                at_mobiles,
                at_all: *at_all,
            };
            dingtalk::deliver(out, &robot, &msg).await
        }
        TargetConfig::WeCom {
            url,
            mentioned_mobiles,
        } => wecom::deliver(out, url.trim(), mentioned_mobiles, &msg).await,
        TargetConfig::Lark { url, secret } => {
            lark::deliver(out, url.trim(), secret.as_deref(), &msg).await
        }
        TargetConfig::Http {
            url,
            content_type,
            headers,
            secret,
            ..
        } => {
            // An unsaved target may have no secret yet; sign with a throwaway one so the
            // request looks exactly like a real delivery.
            let secret = match secret.as_deref().filter(|s| !s.is_empty()) {
                Some(s) => {
                    WebhookSecret::parse(s).map_err(|e| AppError::invalid("target.secret", e))?
                }
                None => WebhookSecret::generate(),
            };
            let endpoint = webhook::Endpoint {
                url: url.trim(),
                content_type: *content_type,
                headers,
                secret: &secret,
            };
            let now = now_ms() / 1000;
            let msg_id = format!("msg_test_{:016x}", rand::random::<u64>());
            let payload = serde_json::json!({
                "event_type": "herald.test",
                "timestamp": now,
                "test": true,
                "message": msg.lines.join(" "),
                "event": { "entity_id": "test", "uid": actor.user_id.to_string() },
                "workspace": workspace,
            });
            webhook::deliver(out, &endpoint, &msg_id, now, &payload).await
        }
        TargetConfig::Voice { .. } | TargetConfig::Sms { .. } | TargetConfig::Email { .. } => {
            return Err(AppError::invalid(
                "target.kind",
                "Test connection is available for DingTalk, WeCom, Lark and HTTP targets",
            ))
        }
    };
    tracing::info!(
        kind = target.kind().as_str(),
        reason = ?outcome.reason,
        status = ?outcome.status,
        latency_ms = latency,
        "test connection"
    );
    Ok(outcome.verdict(latency, timeout_s))
}

//! Targets: "Test connection", which sends a real, clearly marked test message through the
//! same entry point that delivery uses ([`channels::dispatch`]), so the request is exactly
//! what a delivery of that target sends (format, headers, signature), and reports what the
//! provider said. A test is never retried and never counts as a delivery.

use crate::domain::catalog::TargetKind;
use crate::domain::lang::Lang;
use crate::domain::policy::{Action, Resource};
use crate::domain::target::{Reason, TargetConfig, TestVerdict};
use crate::domain::AppError;
use crate::server::auth::{authorize, Actor};
use crate::server::config::TEST_TIMEOUT;
use crate::server::delivery::channels::{self, ChannelContext, Job, Payload};
use crate::server::delivery::outcome::Outcome;
use crate::server::delivery::sign::WebhookSecret;
use crate::server::error::Context;
use crate::server::state::AppState;
use crate::server::store::{accounts, eventbridge};

/// Send a test message to `target` on behalf of rule `rule` on `bus` (`None`: a rule not
/// yet saved, checked as `rule/*`). Needs UpdateTargets there, as saving the target does.
pub async fn test_connection(
    state: &AppState,
    actor: &Actor,
    bus: &str,
    rule: Option<&str>,
    target: &TargetConfig,
    language: Option<Lang>,
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
    // Voice, SMS and email go to people, through the operator's providers: no test there.
    if matches!(
        target.kind(),
        TargetKind::Voice | TargetKind::Sms | TargetKind::Email
    ) {
        return Err(AppError::invalid(
            "target.kind",
            "Test connection is available for DingTalk, WeCom, Lark and HTTP targets",
        ));
    }
    // A signing secret typed into the form is checked as saving checks it: a field error,
    // not a verdict. (Without one, the channel signs with a throwaway secret.)
    if let TargetConfig::Http {
        secret: Some(secret),
        ..
    } = target
    {
        if !secret.is_empty() {
            WebhookSecret::parse(secret).map_err(|e| AppError::invalid("target.secret", e))?;
        }
    }
    let workspace = bus_row.workspace.unwrap_or(bus_row.name);
    let lang = match language {
        Some(lang) => lang,
        None => account_language(state, actor).await?,
    };
    let timeout_s = TEST_TIMEOUT.as_secs();
    // From here on the test reaches out (a lookup, then the request): it takes a place in
    // the account's budget, held until it returns.
    let _slot = state.tests.admit(actor.account_id, actor.user_id)?;

    // The address check happens before anything is sent, on the resolved addresses (a
    // delivery checks them when connecting).
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

    let public_url = state.config.public_url();
    let ctx = ChannelContext {
        // The probe: the short test timeout, the same network policy.
        out: &state.probe,
        mailer: state.mailer.as_ref(),
        twilio: state.twilio.as_ref(),
        aliyun: state.aliyun.as_ref(),
        public_url: &public_url,
    };
    let webhook_id = format!("msg_test_{:016x}", rand::random::<u64>());
    let job = Job {
        config: target,
        payload: Payload::Test,
        webhook_id: &webhook_id,
        workspace: &workspace,
        bus,
        rule: rule.unwrap_or("(unsaved rule)"),
        lang,
        contacts: &[],
        reached: &[],
        on_reached: None,
    };
    let sent = channels::dispatch(&ctx, &job).await;
    tracing::info!(
        kind = target.kind().as_str(),
        reason = ?sent.outcome.reason,
        status = ?sent.outcome.status,
        latency_ms = sent.latency_ms,
        "test connection"
    );
    Ok(sent.outcome.verdict(sent.latency_ms, timeout_s))
}

/// The account's message language: what a rule that names none is written in.
async fn account_language(state: &AppState, actor: &Actor) -> Result<Lang, AppError> {
    accounts::language(&state.pool, actor.account_id)
        .await
        .context("reading the account's language")
}

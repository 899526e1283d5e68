//! Herald's own changes to a target's health: when the engine disables a target that kept
//! failing (or whose endpoint answered 410 Gone), the change goes into the audit log, as any
//! change does, and the account owner is emailed when an SMTP relay is configured.

use crate::server::delivery::channels::Message;
use crate::server::state::AppState;
use crate::server::store::events;

/// Note in the audit log that Herald disabled a target, and email the account owner when
/// an SMTP relay is configured (the rule list flags it either way).
pub async fn report_disabled(state: &AppState, target: i64) {
    let found = match events::disabled_target(&state.pool, target).await {
        Ok(Some(found)) => found,
        Ok(None) => return,
        Err(e) => {
            tracing::warn!(error = %e, "reading a disabled target's owner");
            return;
        }
    };
    // Herald changed the configuration: the audit log says so, as for any change. A failed
    // write is logged there, after its retries; the owner is told by email all the same.
    let _ = super::audit::by_herald(
        state,
        found.account_id,
        "herald:DisableTarget",
        &crate::domain::policy::Resource::rule(found.account_id, &found.bus, &found.rule).arn,
        serde_json::json!({ "target": target, "kind": found.kind, "enabled": true }),
        serde_json::json!({ "target": target, "enabled": false, "reason": found.reason }),
    )
    .await;
    let Some(mailer) = &state.mailer else { return };
    let Some(email) = found.owner_email.clone() else {
        return;
    };
    let link = format!("{}/buses/{}", state.config.public_url(), found.bus);
    let msg = Message::plain(
        format!(
            "[Herald] A {} target of rule {} was disabled",
            found.kind, found.rule
        ),
        vec![
            format!("Bus: {}", found.bus),
            format!("Rule: {}", found.rule),
            format!(
                "Why: {}",
                found
                    .reason
                    .clone()
                    .unwrap_or_else(|| "it kept failing".into())
            ),
            "No events go to it until the rule is saved again.".into(),
            link,
        ],
    );
    let (outcome, _) = mailer.deliver(&[(found.owner_name, email)], &msg).await;
    if !outcome.is_delivered() {
        tracing::warn!(detail = %outcome.detail, "telling the owner about a disabled target");
    }
}

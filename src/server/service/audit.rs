//! The audit log: every configuration change, login and key event is written here after it
//! happened, with secrets masked (callers pass view models, which never hold secrets whole).
//! The owner reads and filters it.

use super::super::auth::{authorize, Actor};
use super::super::error::Context;
use super::super::state::AppState;
use super::super::store::audit::{self, NewEntry};
use crate::domain::models::{AuditEntryView, AuditFilter};
use crate::domain::policy::{Action, Resource};
use crate::domain::AppError;
use serde_json::{json, Value};

/// Most entries one page shows.
pub const PAGE: i64 = 100;

async fn write(state: &AppState, entry: NewEntry<'_>) {
    // The change already happened; a failed audit write is logged loudly, not undone.
    if let Err(e) = audit::insert(&state.pool, &entry).await {
        tracing::error!(error = %e, action = entry.action, "writing the audit log");
    }
}

/// Note a change `actor` made: `action` on `resource`, from `before` to `after` (either may
/// be `null`).
pub async fn change(
    state: &AppState,
    actor: &Actor,
    action: &str,
    resource: &str,
    before: Value,
    after: Value,
) {
    let detail = json!({ "before": before, "after": after }).to_string();
    write(
        state,
        NewEntry {
            account_id: actor.account_id,
            actor_user_id: Some(actor.user_id),
            actor: &actor.name(),
            action,
            resource,
            outcome: "ok",
            detail: &detail,
        },
    )
    .await;
}

/// Note a change Herald made by itself (a target disabled after failing for too long).
pub async fn by_herald(
    state: &AppState,
    account_id: i64,
    action: &str,
    resource: &str,
    before: Value,
    after: Value,
) {
    let detail = json!({ "before": before, "after": after }).to_string();
    write(
        state,
        NewEntry {
            account_id,
            actor_user_id: None,
            actor: "herald",
            action,
            resource,
            outcome: "ok",
            detail: &detail,
        },
    )
    .await;
}

/// Note a login of a user of `account_id`, successful or not.
pub async fn login(
    state: &AppState,
    account_id: i64,
    user_id: Option<i64>,
    name: &str,
    failure: Option<&str>,
) {
    let detail = match failure {
        Some(reason) => json!({ "reason": reason }).to_string(),
        None => "{}".to_string(),
    };
    let resource = Resource::account(account_id).arn;
    write(
        state,
        NewEntry {
            account_id,
            actor_user_id: user_id,
            actor: name,
            action: "herald:Login",
            resource: &resource,
            outcome: if failure.is_some() { "failed" } else { "ok" },
            detail: &detail,
        },
    )
    .await;
}

/// The owner's view of the log, newest first.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    filter: AuditFilter,
) -> Result<Vec<AuditEntryView>, AppError> {
    authorize(
        actor,
        Action::ListAuditLog,
        &Resource::account(actor.account_id),
    )?;
    if !filter.outcome.is_empty() && filter.outcome != "ok" && filter.outcome != "failed" {
        return Err(AppError::invalid(
            "outcome",
            "is \"ok\", \"failed\" or empty",
        ));
    }
    let since = if filter.since.trim().is_empty() {
        String::new()
    } else {
        let text = filter.since.trim();
        // A bare date means its midnight, UTC.
        let text = if text.len() == 10 {
            format!("{text}T00:00:00Z")
        } else {
            text.to_string()
        };
        super::events::stored_time("since", &text)?
    };
    audit::list(&state.pool, actor.account_id, &filter, &since, PAGE)
        .await
        .context("reading the audit log")
}

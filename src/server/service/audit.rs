//! The audit log: every configuration change, login and key event is written here after it
//! happened, with secrets masked (callers pass view models, which never hold secrets whole).
//! A write that still fails after [`TRIES`] attempts is logged as an error and fails the
//! request: no change goes unrecorded without anyone being told. Failed logins are counted,
//! one entry per login name, reason and hour ([`failed_login`]). The owner reads and
//! filters it.

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

/// Attempts at one audit write before the request fails.
const TRIES: u32 = 3;

async fn write(state: &AppState, entry: NewEntry<'_>) -> Result<(), AppError> {
    let mut tried = 1;
    loop {
        match audit::insert(&state.pool, &entry).await {
            Ok(()) => return Ok(()),
            Err(e) if tried < TRIES => {
                tracing::warn!(error = %e, action = entry.action, tried, "writing the audit log; retrying");
                tokio::time::sleep(std::time::Duration::from_millis(50 * u64::from(tried))).await;
                tried += 1;
            }
            // The change already happened and is not undone; the caller is told it could
            // not be recorded, and the operator finds it in the log.
            Err(e) => return Err(super::super::error::internal("writing the audit log", e)),
        }
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
) -> Result<(), AppError> {
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
    .await
}

/// Note a change Herald made by itself (a target disabled after failing for too long).
pub async fn by_herald(
    state: &AppState,
    account_id: i64,
    action: &str,
    resource: &str,
    before: Value,
    after: Value,
) -> Result<(), AppError> {
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
    .await
}

/// Note a successful login of user `user_id` of `account_id`.
pub async fn login(
    state: &AppState,
    account_id: i64,
    user_id: i64,
    name: &str,
) -> Result<(), AppError> {
    let resource = Resource::account(account_id).arn;
    write(
        state,
        NewEntry {
            account_id,
            actor_user_id: Some(user_id),
            actor: name,
            action: LOGIN,
            resource: &resource,
            outcome: "ok",
            detail: "{}",
        },
    )
    .await
}

const LOGIN: &str = "herald:Login";

/// Why a login failed, as the audit log says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginFailure {
    UnknownUser,
    WrongPassword,
    UserDisabled,
}

impl LoginFailure {
    pub fn as_str(self) -> &'static str {
        match self {
            LoginFailure::UnknownUser => "unknown user",
            LoginFailure::WrongPassword => "wrong password",
            LoginFailure::UserDisabled => "user disabled",
        }
    }
}

/// The entry every unknown name of an account is counted under: a stranger trying names
/// adds one entry an hour, not one per name.
const UNKNOWN_USER: &str = "(unknown user)";

/// Count a failed login for `name` in the log of `account` (when the login names one), in
/// the caller's write transaction: one entry per login name, reason and hour, its count
/// going up with each repeat. The same statement runs whether the account and the user
/// exist or not (it skips an account that does not exist), so the work done does not tell
/// them apart.
pub async fn failed_login(
    conn: &mut crate::server::store::WriteTx,
    account: Option<i64>,
    user_id: Option<i64>,
    name: &str,
    failure: LoginFailure,
) -> Result<(), AppError> {
    // No account has id 0: the write then finds no account and adds nothing.
    let account_id = account.unwrap_or(0);
    let actor = match failure {
        LoginFailure::UnknownUser => UNKNOWN_USER,
        _ => name,
    };
    let hour = super::super::auth::throttle::now() / 3600;
    let repeat_key = format!("{LOGIN}\n{hour}\n{}\n{actor}", failure.as_str());
    let detail = json!({ "reason": failure.as_str() }).to_string();
    let resource = Resource::account(account_id).arn;
    let entry = NewEntry {
        account_id,
        actor_user_id: user_id,
        actor,
        action: LOGIN,
        resource: &resource,
        outcome: "failed",
        detail: &detail,
    };
    audit::count_repeat(conn, &entry, &repeat_key)
        .await
        .context("counting a failed login")
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

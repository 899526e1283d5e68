//! RAM users and policies: the owner creates, disables, deletes users and resets their
//! passwords; writes policies (validated with [`ram::parse`]) and attaches them. Any user
//! changes its own password. Every change is audited.

use super::super::auth::{authorize, password, throttle, Actor};
use super::super::error::{internal, is_unique_violation, Context};
use super::super::state::AppState;
use super::super::store::{accounts, policies};
use super::audit;
use crate::domain::models::{PolicyView, RamUserView};
use crate::domain::policy::{Action, Resource};
use crate::domain::{ram, validate, AppError};
use serde_json::{json, Value};

/// What the owner's "Create user" form sends.
pub struct NewUser {
    pub login_name: String,
    pub display_name: String,
    pub password: String,
}

fn user_not_found(id: i64) -> AppError {
    AppError::NotFound {
        what: format!("User {id}"),
    }
}

fn policy_not_found(id: i64) -> AppError {
    AppError::NotFound {
        what: format!("Policy {id}"),
    }
}

fn view(row: accounts::UserRow, attached: &[(i64, String)]) -> RamUserView {
    let login_name = row.login_name.unwrap_or_default();
    RamUserView {
        id: row.id,
        login: format!("{login_name}@{}", row.account_id),
        login_name,
        display_name: row.display_name,
        disabled: row.disabled,
        must_change_password: row.must_change_password,
        policies: attached
            .iter()
            .filter(|(u, _)| *u == row.id)
            .map(|(_, n)| n.clone())
            .collect(),
    }
}

/// The account's RAM users with their policies.
pub async fn list_users(state: &AppState, actor: &Actor) -> Result<Vec<RamUserView>, AppError> {
    authorize(actor, Action::ListUsers, &Resource::users(actor.account_id))?;
    let rows = accounts::list_ram_users(&state.pool, actor.account_id)
        .await
        .context("listing users")?;
    let attached = policies::attachments(&state.pool, actor.account_id)
        .await
        .context("listing policy attachments")?;
    Ok(rows.into_iter().map(|r| view(r, &attached)).collect())
}

async fn user(state: &AppState, actor: &Actor, id: i64) -> Result<RamUserView, AppError> {
    let row = accounts::find_ram_user(&state.pool, actor.account_id, id)
        .await
        .context("loading a user")?
        .ok_or_else(|| user_not_found(id))?;
    let attached = policies::attachments(&state.pool, actor.account_id)
        .await
        .context("listing policy attachments")?;
    Ok(view(row, &attached))
}

/// Create a RAM user with an initial password it must change at first login.
pub async fn create_user(
    state: &AppState,
    actor: &Actor,
    input: NewUser,
) -> Result<RamUserView, AppError> {
    authorize(
        actor,
        Action::CreateUser,
        &Resource::users(actor.account_id),
    )?;
    let login_name = validate::login_name("login_name", &input.login_name)?;
    let display_name = if input.display_name.trim().is_empty() {
        login_name.clone()
    } else {
        validate::display_name("display_name", &input.display_name)?
    };
    let password = validate::new_password("password", &input.password)?;
    let hash = password::hash(password).await?;
    let id = match accounts::insert_ram_user(
        &state.pool,
        actor.account_id,
        &login_name,
        &display_name,
        &hash,
    )
    .await
    {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            return Err(AppError::Conflict {
                field: Some("login_name".into()),
                message: format!("A user named {login_name} already exists in this account."),
            })
        }
        Err(e) => return Err(internal("creating a user", e)),
    };
    let created = user(state, actor, id).await?;
    audit::change(
        state,
        actor,
        Action::CreateUser.as_str(),
        &Resource::user(actor.account_id, id).arn,
        Value::Null,
        json!(created),
    )
    .await?;
    Ok(created)
}

/// Disable (sessions and keys stop working at once) or enable a RAM user.
pub async fn set_disabled(
    state: &AppState,
    actor: &Actor,
    id: i64,
    disabled: bool,
) -> Result<RamUserView, AppError> {
    let resource = Resource::user(actor.account_id, id);
    authorize(actor, Action::UpdateUser, &resource)?;
    let before = user(state, actor, id).await?;
    accounts::set_disabled(&state.pool, actor.account_id, id, disabled)
        .await
        .context("disabling a user")?;
    let after = user(state, actor, id).await?;
    audit::change(
        state,
        actor,
        Action::UpdateUser.as_str(),
        &resource.arn,
        json!({ "disabled": before.disabled }),
        json!({ "disabled": after.disabled }),
    )
    .await?;
    Ok(after)
}

/// Delete a RAM user, with its keys and policy attachments.
pub async fn delete_user(state: &AppState, actor: &Actor, id: i64) -> Result<(), AppError> {
    let resource = Resource::user(actor.account_id, id);
    authorize(actor, Action::DeleteUser, &resource)?;
    let before = user(state, actor, id).await?;
    if !accounts::delete_ram_user(&state.pool, actor.account_id, id)
        .await
        .context("deleting a user")?
    {
        return Err(user_not_found(id));
    }
    audit::change(
        state,
        actor,
        Action::DeleteUser.as_str(),
        &resource.arn,
        json!(before),
        Value::Null,
    )
    .await?;
    Ok(())
}

/// Give a RAM user a new initial password; it must change it at its next login.
pub async fn reset_password(
    state: &AppState,
    actor: &Actor,
    id: i64,
    new_password: &str,
) -> Result<RamUserView, AppError> {
    let resource = Resource::user(actor.account_id, id);
    authorize(actor, Action::UpdateUser, &resource)?;
    user(state, actor, id).await?;
    let password = validate::new_password("password", new_password)?;
    let hash = password::hash(password).await?;
    accounts::set_password(&state.pool, id, &hash, true)
        .await
        .context("resetting a password")?;
    audit::change(
        state,
        actor,
        "ram:ResetPassword",
        &resource.arn,
        Value::Null,
        json!({ "password": "[reset]", "must_change_password": true }),
    )
    .await?;
    user(state, actor, id).await
}

/// The actor changes its own password, proving the current one.
pub async fn change_password(
    state: &AppState,
    actor: &Actor,
    current: &str,
    new_password: &str,
) -> Result<(), AppError> {
    let resource = Resource::user(actor.account_id, actor.user_id);
    authorize(actor, Action::ChangePassword, &resource)?;
    // Guessing the current password from a stolen session is throttled like logins.
    // The space keeps it apart from every login's key (logins never contain one).
    let key = format!("password change {}", actor.user_id);
    throttle::check(&state.pool, &key).await?;
    let attempts = throttle::begin_attempt(&state.pool, &key).await?;
    let stored = accounts::password_hash(&state.pool, actor.user_id)
        .await
        .context("loading a password hash")?
        .ok_or(AppError::Internal)?;
    if current.len() > validate::PASSWORD_MAX_BYTES
        || !password::verify(current.to_string(), stored).await?
    {
        return Err(throttle::after_failure_alone(&state.pool, &key, attempts)
            .await?
            .unwrap_or_else(|| AppError::invalid("current", "is not your current password")));
    }
    throttle::clear(&state.pool, &key).await?;
    let password = validate::new_password("password", new_password)?;
    if password == current {
        return Err(AppError::invalid(
            "password",
            "must differ from the current password",
        ));
    }
    let hash = password::hash(password).await?;
    accounts::set_password(&state.pool, actor.user_id, &hash, false)
        .await
        .context("changing a password")?;
    audit::change(
        state,
        actor,
        Action::ChangePassword.as_str(),
        &resource.arn,
        Value::Null,
        json!({ "password": "[changed]" }),
    )
    .await?;
    Ok(())
}

/// The account's policies.
pub async fn list_policies(state: &AppState, actor: &Actor) -> Result<Vec<PolicyView>, AppError> {
    authorize(
        actor,
        Action::ListPolicies,
        &Resource::policy(actor.account_id, "*"),
    )?;
    policies::list(&state.pool, actor.account_id)
        .await
        .context("listing policies")
}

async fn policy(state: &AppState, actor: &Actor, id: i64) -> Result<PolicyView, AppError> {
    policies::find(&state.pool, actor.account_id, id)
        .await
        .context("loading a policy")?
        .ok_or_else(|| policy_not_found(id))
}

/// Check a policy document; the error names the field `document` and says where.
pub fn check_document(account_id: i64, text: &str) -> Result<(), AppError> {
    ram::parse(text, account_id)
        .map(|_| ())
        .map_err(|e| AppError::invalid("document", e.to_string()))
}

/// Create a policy.
pub async fn create_policy(
    state: &AppState,
    actor: &Actor,
    name: &str,
    description: &str,
    document: &str,
) -> Result<PolicyView, AppError> {
    let name = validate::policy_name("name", name)?;
    let resource = Resource::policy(actor.account_id, &name);
    authorize(actor, Action::CreatePolicy, &resource)?;
    let description = validate::description("description", description)?;
    check_document(actor.account_id, document)?;
    let id = match policies::insert(&state.pool, actor.account_id, &name, &description, document)
        .await
    {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            return Err(AppError::Conflict {
                field: Some("name".into()),
                message: format!("A policy named {name} already exists."),
            })
        }
        Err(e) => return Err(internal("creating a policy", e)),
    };
    let created = policy(state, actor, id).await?;
    audit::change(
        state,
        actor,
        Action::CreatePolicy.as_str(),
        &resource.arn,
        Value::Null,
        json!({ "description": created.description, "document": created.document }),
    )
    .await?;
    Ok(created)
}

/// Replace a policy's description and document; users holding it get the new one at once.
pub async fn update_policy(
    state: &AppState,
    actor: &Actor,
    id: i64,
    description: &str,
    document: &str,
) -> Result<PolicyView, AppError> {
    authorize(
        actor,
        Action::UpdatePolicy,
        &Resource::policy(actor.account_id, "*"),
    )?;
    let before = policy(state, actor, id).await?;
    let resource = Resource::policy(actor.account_id, &before.name);
    let description = validate::description("description", description)?;
    check_document(actor.account_id, document)?;
    policies::update(&state.pool, actor.account_id, id, &description, document)
        .await
        .context("updating a policy")?;
    let after = policy(state, actor, id).await?;
    audit::change(
        state,
        actor,
        Action::UpdatePolicy.as_str(),
        &resource.arn,
        json!({ "description": before.description, "document": before.document }),
        json!({ "description": after.description, "document": after.document }),
    )
    .await?;
    Ok(after)
}

/// Delete a policy, detaching it from every user.
pub async fn delete_policy(state: &AppState, actor: &Actor, id: i64) -> Result<(), AppError> {
    authorize(
        actor,
        Action::DeletePolicy,
        &Resource::policy(actor.account_id, "*"),
    )?;
    let before = policy(state, actor, id).await?;
    policies::delete(&state.pool, actor.account_id, id)
        .await
        .context("deleting a policy")?;
    audit::change(
        state,
        actor,
        Action::DeletePolicy.as_str(),
        &Resource::policy(actor.account_id, &before.name).arn,
        json!({ "description": before.description, "document": before.document, "attached": before.attached }),
        Value::Null,
    )
    .await?;
    Ok(())
}

/// Attach (`attach = true`) or detach a policy to or from a RAM user.
pub async fn set_attached(
    state: &AppState,
    actor: &Actor,
    user_id: i64,
    policy_id: i64,
    attach: bool,
) -> Result<RamUserView, AppError> {
    let action = if attach {
        Action::AttachPolicy
    } else {
        Action::DetachPolicy
    };
    let resource = Resource::user(actor.account_id, user_id);
    authorize(actor, action, &resource)?;
    let before = user(state, actor, user_id).await?;
    let p = policy(state, actor, policy_id).await?;
    if attach {
        policies::attach(&state.pool, user_id, policy_id).await
    } else {
        policies::detach(&state.pool, user_id, policy_id).await
    }
    .context("attaching a policy")?;
    let after = user(state, actor, user_id).await?;
    audit::change(
        state,
        actor,
        action.as_str(),
        &resource.arn,
        json!({ "policies": before.policies }),
        json!({ "policies": after.policies, "policy": p.name }),
    )
    .await?;
    Ok(after)
}

/// The EventBridge actions `actor` may perform on `bus`: the rule actions on `rule` (or on
/// `rule/*` when none is named). For the console to hide buttons; each request is still
/// authorized on its own.
pub fn allowed_actions(actor: &Actor, bus: &str, rule: Option<&str>) -> Vec<String> {
    Action::EVENTBRIDGE
        .into_iter()
        .filter(|action| {
            let on_rule = matches!(
                action,
                Action::CreateRule
                    | Action::GetRule
                    | Action::UpdateRule
                    | Action::EnableRule
                    | Action::DisableRule
                    | Action::DeleteRule
                    | Action::UpdateTargets
                    | Action::DeleteTargets
                    | Action::ListTargets
            );
            let resource = match (on_rule, action) {
                (_, Action::ListEventBuses) => Resource::event_bus(actor.account_id, "*"),
                (true, _) => Resource::rule(actor.account_id, bus, rule.unwrap_or("*")),
                (false, _) => Resource::event_bus(actor.account_id, bus),
            };
            authorize(actor, *action, &resource).is_ok()
        })
        .map(|a| a.as_str().to_string())
        .collect()
}

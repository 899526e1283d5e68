//! AccessKeys: API credentials of a user. The token (`hk_<key_id>_<secret>`) is shown once;
//! only its SHA-256 is stored (it is 256 random bits, so a slow hash adds nothing).
//! A key acts as its user.

use super::super::auth::{actor, authorize, Actor, Via};
use super::super::error::Context;
use super::super::state::AppState;
use super::super::store::{access_keys, accounts};
use super::audit;
use crate::domain::models::{AccessKeyView, NewAccessKey};
use crate::domain::policy::{Action, Resource};
use crate::domain::AppError;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// A token's SHA-256, in hex.
pub(super) fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A key name: 1 to 64 printable characters; empty becomes "default".
fn key_name(raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    if name.is_empty() {
        return Ok("default".into());
    }
    if name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "name",
            "may be at most 64 characters, without control characters",
        ));
    }
    Ok(name.to_string())
}

/// Create a key for the actor; the answer carries the token, once.
pub async fn create(state: &AppState, actor: &Actor, name: &str) -> Result<NewAccessKey, AppError> {
    let me = Resource::user(actor.account_id, actor.user_id);
    authorize(actor, Action::CreateAccessKey, &me)?;
    let name = key_name(name)?;
    let (key_id, token) = new_token("hk");
    let key = access_keys::insert(
        &state.pool,
        actor.account_id,
        actor.user_id,
        &name,
        &key_id,
        &hash(&token),
    )
    .await
    .context("creating an access key")?;
    tracing::info!(account = actor.account_id, key_id = %key.key_id, "access key created");
    audit::change(
        state,
        actor,
        Action::CreateAccessKey.as_str(),
        &me.arn,
        Value::Null,
        json!({ "id": key.id, "name": key.name, "key_id": key.key_id }),
    )
    .await?;
    Ok(NewAccessKey { key, token })
}

/// The keys the actor manages: its own, or (for whoever may list every user's keys: the
/// owner) the whole account's.
pub async fn list(state: &AppState, actor: &Actor) -> Result<Vec<AccessKeyView>, AppError> {
    let everyone = Resource::users(actor.account_id);
    if authorize(actor, Action::ListAccessKeys, &everyone).is_ok() {
        return access_keys::list_account(&state.pool, actor.account_id)
            .await
            .context("listing access keys");
    }
    authorize(
        actor,
        Action::ListAccessKeys,
        &Resource::user(actor.account_id, actor.user_id),
    )?;
    access_keys::list(&state.pool, actor.user_id)
        .await
        .context("listing access keys")
}

/// Revoke a key (one's own; the owner any of the account's): it stops working at once.
pub async fn revoke(state: &AppState, actor: &Actor, id: i64) -> Result<(), AppError> {
    let not_found = || AppError::NotFound {
        what: format!("Access key {id}"),
    };
    let user_id = access_keys::owner_of(&state.pool, actor.account_id, id)
        .await
        .context("finding an access key")?
        .ok_or_else(not_found)?;
    let holder = Resource::user(actor.account_id, user_id);
    // Another user's key is as unknown to a RAM user as another account's.
    authorize(actor, Action::DeleteAccessKey, &holder).map_err(|_| not_found())?;
    if !access_keys::revoke(&state.pool, user_id, id)
        .await
        .context("revoking an access key")?
    {
        return Err(not_found());
    }
    tracing::info!(account = actor.account_id, key = id, "access key revoked");
    audit::change(
        state,
        actor,
        Action::DeleteAccessKey.as_str(),
        &holder.arn,
        json!({ "id": id }),
        json!({ "revoked": true }),
    )
    .await?;
    Ok(())
}

/// Two hashes compared in constant time.
pub(super) fn same_hash(given: &str, stored: &str) -> bool {
    given.len() == stored.len()
        && given
            .bytes()
            .zip(stored.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

fn unauthorized() -> AppError {
    AppError::Unauthorized {
        message: "a valid access key is required: Authorization: Bearer hk_…".into(),
    }
}

/// The actor an `Authorization` header's key stands for.
pub async fn authenticate(state: &AppState, header: Option<&str>) -> Result<Actor, AppError> {
    let token = header
        .and_then(|h| {
            h.strip_prefix("Bearer ")
                .or_else(|| h.strip_prefix("bearer "))
        })
        .map(str::trim)
        .ok_or_else(unauthorized)?;
    let key_id = key_id_of(token, "hk").ok_or_else(unauthorized)?;
    let row = access_keys::find_active(&state.pool, key_id)
        .await
        .context("reading an access key")?
        .ok_or_else(unauthorized)?;
    if !same_hash(&hash(token), &row.token_hash) {
        return Err(unauthorized());
    }
    let actor = actor::load(&state.pool, row.user_id, Via::Api)
        .await?
        .ok_or_else(unauthorized)?;
    // A write takes SQLite's one write lock: only when the last note is over a minute old.
    if row.stale {
        // Only a note: a busy database must not turn a valid call away.
        if let Err(e) = access_keys::touch(&state.pool, row.id).await {
            tracing::warn!(error = %e, "noting an access key's use");
        }
    }
    Ok(actor)
}

/// A new token `{prefix}_<key id>_<secret>` (256 random bits): (key id, token). The key id
/// finds the row; the token's [`hash`] is what is stored.
pub(super) fn new_token(prefix: &str) -> (String, String) {
    let key_id = format!("{:012x}", rand::random::<u64>() & 0xffff_ffff_ffff);
    let secret =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    let token = format!("{prefix}_{key_id}_{secret}");
    (key_id, token)
}

/// The key id of a token made by [`new_token`] with `prefix`, if it has that shape.
pub(super) fn key_id_of<'t>(token: &'t str, prefix: &str) -> Option<&'t str> {
    token
        .strip_prefix(prefix)?
        .strip_prefix('_')?
        .split_once('_')
        .map(|(id, _)| id)
}

/// The user with this email, acting through the command line (`herald … create`).
pub(super) async fn actor_for_email(state: &AppState, email: &str) -> anyhow::Result<Actor> {
    let login = accounts::find_login_by_email(&state.pool, email)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no user with email {email}"))?;
    actor::load(&state.pool, login.id, Via::Api)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .ok_or_else(|| anyhow::anyhow!("no user with email {email}"))
}

/// `herald access-key create`: a key for the user with this email, token returned.
pub async fn create_for_email(state: &AppState, email: &str, name: &str) -> anyhow::Result<String> {
    let actor = actor_for_email(state, email).await?;
    create(state, &actor, name)
        .await
        .map(|k| k.token)
        .map_err(|e| anyhow::anyhow!("{e}"))
}

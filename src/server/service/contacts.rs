//! Contacts ("Message receiving settings"): the people voice, SMS and email targets reach.

use super::super::auth::{authorize, Actor};
use super::super::error::{internal, is_unique_violation, Context};
use super::super::state::AppState;
use super::super::store::{contacts, rules};
use super::audit;
use crate::domain::catalog::TargetKind;
use crate::domain::models::ContactView;
use crate::domain::policy::{Action, Resource};
use crate::domain::rule::ContactUse;
use crate::domain::{validate, AppError};
use serde_json::{json, Value};

/// What the contact form sends: empty strings mean "none".
pub struct ContactInput {
    pub name: String,
    pub phone: String,
    pub email: String,
}

struct Valid {
    name: String,
    phone: Option<String>,
    email: Option<String>,
}

fn validate(input: &ContactInput) -> Result<Valid, AppError> {
    let name = validate::display_name("name", &input.name)?;
    let phone = match input.phone.trim() {
        "" => None,
        p => Some(validate::e164_phone("phone", p)?),
    };
    let email = match input.email.trim() {
        "" => None,
        e => Some(validate::email("email", e)?),
    };
    if phone.is_none() && email.is_none() {
        return Err(AppError::invalid(
            "phone",
            "give a phone number, an email address, or both",
        ));
    }
    Ok(Valid { name, phone, email })
}

fn name_taken(name: &str) -> AppError {
    AppError::Conflict {
        field: Some("name".into()),
        message: format!("You already have a contact named {name:?}."),
    }
}

fn not_found(id: i64) -> AppError {
    AppError::NotFound {
        what: format!("Contact {id}"),
    }
}

/// The account's contacts.
pub async fn list(state: &AppState, actor: &Actor) -> Result<Vec<ContactView>, AppError> {
    authorize(
        actor,
        Action::ListContacts,
        &Resource::contact(actor.account_id, "*"),
    )?;
    contacts::list(&state.pool, actor.account_id)
        .await
        .context("listing contacts")
}

/// Create a contact.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    input: ContactInput,
) -> Result<ContactView, AppError> {
    authorize(
        actor,
        Action::CreateContact,
        &Resource::contact(actor.account_id, "*"),
    )?;
    let v = validate(&input)?;
    match contacts::insert(
        &state.pool,
        actor.account_id,
        &v.name,
        v.phone.as_deref(),
        v.email.as_deref(),
    )
    .await
    {
        Ok(contact) => {
            audit::change(
                state,
                actor,
                Action::CreateContact.as_str(),
                &Resource::contact(actor.account_id, &contact.id.to_string()).arn,
                Value::Null,
                json!(contact),
            )
            .await?;
            Ok(contact)
        }
        Err(e) if is_unique_violation(&e) => Err(name_taken(&v.name)),
        Err(e) => Err(internal("creating a contact", e)),
    }
}

/// Replace a contact's name, phone and email.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: i64,
    input: ContactInput,
) -> Result<ContactView, AppError> {
    authorize(
        actor,
        Action::UpdateContact,
        &Resource::contact(actor.account_id, &id.to_string()),
    )?;
    let v = validate(&input)?;
    let before = contacts::find(&state.pool, actor.account_id, id)
        .await
        .context("reading a contact")?
        .ok_or_else(|| not_found(id))?;
    // A target must still reach the contact the way it needs to.

    let uses = rules::contact_uses(&state.pool, actor.account_id, id)
        .await
        .context("reading contact uses")?;
    for u in &uses {
        let kind = TargetKind::parse(&u.kind).unwrap_or(TargetKind::Sms);
        let (field, lost) = match TargetKind::parse(&u.kind) {
            Some(TargetKind::Email) => ("email", v.email.is_none()),
            _ => ("phone", v.phone.is_none()),
        };
        if lost {
            return Err(AppError::invalid(
                field,
                format!(
                    "is needed: the {} target of rule {} on {} reaches this contact this way; take the contact out of that target first",
                    kind.label(),
                    u.rule,
                    u.bus
                ),
            ));
        }
    }
    match contacts::update(
        &state.pool,
        actor.account_id,
        id,
        &v.name,
        v.phone.as_deref(),
        v.email.as_deref(),
    )
    .await
    {
        Ok(Some(contact)) => {
            audit::change(
                state,
                actor,
                Action::UpdateContact.as_str(),
                &Resource::contact(actor.account_id, &id.to_string()).arn,
                json!(before),
                json!(contact),
            )
            .await?;
            Ok(contact)
        }
        Ok(None) => Err(not_found(id)),
        Err(e) if is_unique_violation(&e) => Err(name_taken(&v.name)),
        Err(e) => Err(internal("updating a contact", e)),
    }
}

/// Where a contact is used: the targets that reach it.
pub async fn uses(state: &AppState, actor: &Actor, id: i64) -> Result<Vec<ContactUse>, AppError> {
    // It names rules on every bus: the owner's, for the delete dialog, not every reader's.
    authorize(
        actor,
        Action::DeleteContact,
        &Resource::contact(actor.account_id, &id.to_string()),
    )?;
    contacts::find(&state.pool, actor.account_id, id)
        .await
        .context("reading a contact")?
        .ok_or_else(|| not_found(id))?;

    let rows = rules::contact_uses(&state.pool, actor.account_id, id)
        .await
        .context("reading contact uses")?;
    Ok(rows.into_iter().map(contact_use).collect())
}

fn contact_use(row: rules::ContactUseRow) -> ContactUse {
    ContactUse {
        kind: TargetKind::parse(&row.kind).unwrap_or(TargetKind::Sms),
        removes_target: row.contacts <= 1,
        bus: row.bus,
        rule: row.rule,
    }
}

/// Delete a contact. One that targets still reach is not deleted unless `confirmed`: the
/// answer names the rules. Confirmed, the contact is taken out of those targets (a target
/// left with nobody is removed) and deleted, all in one transaction.
pub async fn delete(
    state: &AppState,
    actor: &Actor,
    id: i64,
    confirmed: bool,
) -> Result<(), AppError> {
    authorize(
        actor,
        Action::DeleteContact,
        &Resource::contact(actor.account_id, &id.to_string()),
    )?;
    let before = contacts::find(&state.pool, actor.account_id, id)
        .await
        .context("reading a contact")?
        .ok_or_else(|| not_found(id))?;
    let result: Result<Result<Vec<String>, AppError>, sqlx::Error> = async {
        let mut tx = super::super::store::begin_write(&state.pool).await?;
        let uses = rules::contact_uses(&mut tx, actor.account_id, id).await?;
        if !uses.is_empty() {
            if !confirmed {
                let rules: Vec<String> = uses
                    .iter()
                    .map(|u| format!("{} ({})", u.rule, u.kind))
                    .collect();
                return Ok(Err(AppError::Conflict {
                    field: None,
                    message: format!(
                        "This contact is used by targets of {}. Deleting it removes it from those targets.",
                        rules.join(", ")
                    ),
                }));
            }
            rules::remove_contact_from_targets(&mut tx, id).await?;
        }
        if !contacts::delete(&mut tx, actor.account_id, id).await? {
            return Ok(Err(not_found(id)));
        }
        tx.commit().await?;
        Ok(Ok(uses.iter().map(|u| format!("{}/{} ({})", u.bus, u.rule, u.kind)).collect()))
    }
    .await;
    let taken_out_of = result.context("deleting a contact")??;
    audit::change(
        state,
        actor,
        Action::DeleteContact.as_str(),
        &Resource::contact(actor.account_id, &id.to_string()).arn,
        json!({ "contact": before, "targets": taken_out_of }),
        Value::Null,
    )
    .await?;
    Ok(())
}

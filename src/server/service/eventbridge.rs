//! EventBridge activation, the service-linked role, and event buses: their settings (what
//! a bus does with unknown types) and what it lists under "Types seen but not in the
//! catalog".

use super::super::auth::{authorize, Actor};
use super::super::error::{is_unique_violation, Context};
use super::super::state::AppState;
use super::super::store::{accounts, eventbridge, unknown_types};
use super::audit;
use super::workspaces;
use crate::domain::models::{
    EventBusView, NotificationSettings, ServiceRoleView, UnknownTypes, UnknownTypesView,
    UNKNOWN_TYPES_PAGE,
};
use crate::domain::policy::{
    service_linked_role_policy, Action, Resource, SERVICE_LINKED_ROLE, SYSTEM_BUS_PREFIX,
};
use crate::domain::AppError;
use serde_json::{json, Value};

/// The "Event notification settings" tab of a workspace.
pub async fn settings(
    state: &AppState,
    actor: &Actor,
    workspace: &str,
) -> Result<NotificationSettings, AppError> {
    authorize(
        actor,
        Action::GetEventBridgeStatus,
        &Resource::account(actor.account_id),
    )?;
    let workspace = workspaces::get(state, actor, workspace).await?;

    let activated_at = accounts::activated_at(&state.pool, actor.account_id)
        .await
        .context("reading activation")?;
    let language = accounts::language(&state.pool, actor.account_id)
        .await
        .context("reading the account's language")?;
    let role = role(state, actor).await?;
    Ok(NotificationSettings {
        workspace,
        activated_at,
        role,
        language: language.as_str().to_string(),
    })
}

/// Set the account's message language: what rules that name none are written in.
pub async fn set_language(state: &AppState, actor: &Actor, language: &str) -> Result<(), AppError> {
    authorize(
        actor,
        Action::SetAccountLanguage,
        &Resource::account(actor.account_id),
    )?;
    let Some(lang) = crate::domain::rule::language("language", language)? else {
        return Err(AppError::invalid("language", "is required: en, ja or zh"));
    };
    let mut tx = super::super::store::begin_write(&state.pool)
        .await
        .context("starting a language change")?;
    let before = accounts::set_language(&mut tx, actor.account_id, lang)
        .await
        .context("setting the account's language")?;
    tx.commit().await.context("committing a language change")?;
    audit::change(
        state,
        actor,
        Action::SetAccountLanguage.as_str(),
        &Resource::account(actor.account_id).arn,
        json!({ "language": before.as_str() }),
        json!({ "language": lang.as_str() }),
    )
    .await?;
    Ok(())
}

/// "Activate for free": mark the account activated and create `pai-system-{name}` for every
/// workspace, in one transaction. Idempotent.
pub async fn activate(state: &AppState, actor: &Actor) -> Result<(), AppError> {
    authorize(
        actor,
        Action::ActivateEventBridge,
        &Resource::account(actor.account_id),
    )?;
    let mut tx = super::super::store::begin_write(&state.pool)
        .await
        .context("starting activation")?;
    accounts::activate(&mut tx, actor.account_id)
        .await
        .context("activating EventBridge")?;
    let created = eventbridge::insert_system_buses(&mut tx, actor.account_id, SYSTEM_BUS_PREFIX)
        .await
        .context("creating system buses")?;
    tx.commit().await.context("committing activation")?;
    tracing::info!(
        account_id = actor.account_id,
        buses_created = created,
        "EventBridge activated"
    );
    audit::change(
        state,
        actor,
        Action::ActivateEventBridge.as_str(),
        &Resource::account(actor.account_id).arn,
        Value::Null,
        json!({ "activated": true, "buses_created": created }),
    )
    .await?;
    Ok(())
}

/// "Grant permissions": create the service-linked role. Needs activation first. Idempotent.
pub async fn grant(state: &AppState, actor: &Actor) -> Result<ServiceRoleView, AppError> {
    authorize(
        actor,
        Action::CreateServiceLinkedRole,
        &Resource::service_linked_role(actor.account_id),
    )?;

    let activated = accounts::activated_at(&state.pool, actor.account_id)
        .await
        .context("reading activation")?;
    if activated.is_none() {
        return Err(AppError::Precondition {
            message: "EventBridge is not activated (ServiceNotEnable). Activate it first.".into(),
        });
    }
    let policy = serde_json::to_string_pretty(&service_linked_role_policy())
        .map_err(|e| super::super::error::internal("rendering the role policy", e))?;
    eventbridge::insert_role_if_absent(&state.pool, actor.account_id, SERVICE_LINKED_ROLE, &policy)
        .await
        .context("creating the service-linked role")?;
    tracing::info!(account_id = actor.account_id, "service-linked role granted");
    let role = role(state, actor).await?.ok_or(AppError::Internal)?;
    audit::change(
        state,
        actor,
        Action::CreateServiceLinkedRole.as_str(),
        &role.arn,
        Value::Null,
        json!({ "name": role.name, "policy": role.policy }),
    )
    .await?;
    Ok(role)
}

async fn role(state: &AppState, actor: &Actor) -> Result<Option<ServiceRoleView>, AppError> {
    Ok(
        eventbridge::find_role(&state.pool, actor.account_id, SERVICE_LINKED_ROLE)
            .await
            .context("reading the service-linked role")?
            .map(|row| ServiceRoleView {
                arn: Resource::service_linked_role(actor.account_id).arn,
                name: row.name,
                policy: row.policy,
                created_at: row.created_at,
            }),
    )
}

/// The account's event buses.
pub async fn list_buses(state: &AppState, actor: &Actor) -> Result<Vec<EventBusView>, AppError> {
    authorize(
        actor,
        Action::ListEventBuses,
        &Resource::event_bus(actor.account_id, "*"),
    )?;
    Ok(eventbridge::list_buses(&state.pool, actor.account_id)
        .await
        .context("listing event buses")?
        .into_iter()
        .map(|row| bus_view(actor, row))
        .collect())
}

fn bus_view(actor: &Actor, row: eventbridge::BusRow) -> EventBusView {
    EventBusView {
        arn: Resource::event_bus(actor.account_id, &row.name).arn,
        name: row.name,
        workspace: row.workspace,
        description: row.description,
        created_at: row.created_at,
        unknown_types: row.unknown_types,
    }
}

fn bus_not_found(name: &str) -> AppError {
    AppError::NotFound {
        what: format!("Event bus {name}"),
    }
}

/// One event bus.
pub async fn get_bus(
    state: &AppState,
    actor: &Actor,
    name: &str,
) -> Result<EventBusView, AppError> {
    authorize(
        actor,
        Action::GetEventBus,
        &Resource::event_bus(actor.account_id, name),
    )?;
    eventbridge::find_bus(&state.pool, actor.account_id, name)
        .await
        .context("reading an event bus")?
        .map(|row| bus_view(actor, row))
        .ok_or_else(|| bus_not_found(name))
}

/// A custom bus name: 1 to 127 letters, digits, `-`, `_` or `.`, not the system prefix.
fn bus_name(raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(AppError::invalid("name", "is required"));
    }
    if name.len() > 127
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(AppError::invalid(
            "name",
            "must be 1–127 letters, digits, '-', '_' or '.'",
        ));
    }
    if name.starts_with(SYSTEM_BUS_PREFIX) {
        return Err(AppError::invalid(
            "name",
            format!(
                "names starting with {SYSTEM_BUS_PREFIX} are kept for workspaces' system buses"
            ),
        ));
    }
    Ok(name.to_string())
}

/// Create a custom event bus. Needs activation. `unknown_types` (`refuse` or `accept`)
/// defaults to refuse (see [`UnknownTypes::Refuse`]).
pub async fn create_bus(
    state: &AppState,
    actor: &Actor,
    name: &str,
    description: &str,
    unknown_types: Option<&str>,
) -> Result<EventBusView, AppError> {
    let resource = Resource::event_bus(actor.account_id, name.trim());
    authorize(actor, Action::CreateEventBus, &resource)?;
    let name = bus_name(name)?;
    let description = crate::domain::validate::description("description", description)?;
    let unknown_types = unknown_types
        .map(|raw| UnknownTypes::parse_field("unknown_types", raw))
        .transpose()?
        .unwrap_or_default();

    let activated = accounts::activated_at(&state.pool, actor.account_id)
        .await
        .context("reading activation")?;
    if activated.is_none() {
        return Err(AppError::Precondition {
            message: "EventBridge is not activated (ServiceNotEnable). Activate it first.".into(),
        });
    }
    match eventbridge::insert_bus(
        &state.pool,
        actor.account_id,
        &name,
        &description,
        unknown_types,
    )
    .await
    {
        Ok(()) => {}
        Err(e) if is_unique_violation(&e) => {
            return Err(AppError::Conflict {
                field: Some("name".into()),
                message: format!("An event bus named {name} already exists."),
            })
        }
        Err(e) => return Err(super::super::error::internal("creating an event bus", e)),
    }
    let bus = get_bus(state, actor, &name).await?;
    audit::change(
        state,
        actor,
        Action::CreateEventBus.as_str(),
        &bus.arn,
        Value::Null,
        json!(bus),
    )
    .await?;
    Ok(bus)
}

/// The audit log's name for a change of a bus's settings. Not a policy action: the
/// permission is `eventbridge:CreateEventBus` on the bus (see [`set_unknown_types`]).
const UPDATE_BUS: &str = "eventbridge:UpdateEventBus";

/// Set what a bus does with events whose source or type the catalog does not know.
///
/// Permission: `eventbridge:CreateEventBus` on the bus. The fifteen actions of the PAI
/// guide's policy have no UpdateEventBus; a bus's settings are what creating it decides,
/// so whoever may create that bus may set them, and a user who may only put events or read
/// cannot widen (or narrow) what the bus takes.
pub async fn set_unknown_types(
    state: &AppState,
    actor: &Actor,
    name: &str,
    unknown_types: &str,
) -> Result<EventBusView, AppError> {
    let resource = Resource::event_bus(actor.account_id, name);
    authorize(actor, Action::CreateEventBus, &resource)?;
    let choice = UnknownTypes::parse_field("unknown_types", unknown_types)?;
    let before = eventbridge::find_bus(&state.pool, actor.account_id, name)
        .await
        .context("reading an event bus")?
        .map(|row| bus_view(actor, row))
        .ok_or_else(|| bus_not_found(name))?;
    if before.unknown_types == choice {
        return Ok(before);
    }
    if !eventbridge::set_unknown_types(&state.pool, actor.account_id, name, choice)
        .await
        .context("updating an event bus")?
    {
        return Err(bus_not_found(name));
    }
    let after = EventBusView {
        unknown_types: choice,
        ..before.clone()
    };
    audit::change(
        state,
        actor,
        UPDATE_BUS,
        &after.arn,
        json!({ "unknown_types": before.unknown_types }),
        json!({ "unknown_types": after.unknown_types }),
    )
    .await?;
    Ok(after)
}

/// "Types seen but not in the catalog" of a bus, newest first, with its choice.
pub async fn unknown_types(
    state: &AppState,
    actor: &Actor,
    name: &str,
) -> Result<UnknownTypesView, AppError> {
    let resource = Resource::event_bus(actor.account_id, name);
    authorize(actor, Action::GetEventBus, &resource)?;
    let bus = eventbridge::find_bus(&state.pool, actor.account_id, name)
        .await
        .context("reading an event bus")?
        .ok_or_else(|| bus_not_found(name))?;
    let (types, total) = unknown_types::list(&state.pool, bus.id, UNKNOWN_TYPES_PAGE as i64)
        .await
        .context("listing unknown types")?;
    Ok(UnknownTypesView {
        bus: bus.name,
        unknown_types: bus.unknown_types,
        may_change: authorize(actor, Action::CreateEventBus, &resource).is_ok(),
        types,
        total,
    })
}

/// Delete a custom bus without rules (and its event history). A workspace's system bus
/// stays.
pub async fn delete_bus(state: &AppState, actor: &Actor, name: &str) -> Result<(), AppError> {
    authorize(
        actor,
        Action::DeleteEventBus,
        &Resource::event_bus(actor.account_id, name),
    )?;
    let bus = eventbridge::find_bus(&state.pool, actor.account_id, name)
        .await
        .context("reading an event bus")?
        .map(|row| bus_view(actor, row))
        .ok_or_else(|| bus_not_found(name))?;
    if let Some(workspace) = &bus.workspace {
        return Err(AppError::Conflict {
            field: None,
            message: format!(
                "{name} is the system bus of workspace {workspace}; it lives as long as the workspace."
            ),
        });
    }
    let rules = eventbridge::rule_count(&state.pool, actor.account_id, name)
        .await
        .context("counting a bus's rules")?;
    if rules == 0 {
        // Its history goes first, a slice per write transaction, so the deletion never
        // holds the one writer for long.
        loop {
            let mut tx = super::super::store::begin_write(&state.pool)
                .await
                .context("deleting an event bus")?;
            let deleted = eventbridge::delete_bus_events(
                &mut tx,
                actor.account_id,
                name,
                super::super::store::SLICE,
            )
            .await
            .context("deleting an event bus's events")?;
            tx.commit().await.context("deleting an event bus")?;
            if deleted < super::super::store::SLICE as u64 {
                break;
            }
        }
    }
    if rules > 0
        || !eventbridge::delete_bus(&state.pool, actor.account_id, name)
            .await
            .context("deleting an event bus")?
    {
        // A rule made while the history was going stops the deletion (and the history's,
        // which deletes nothing from a bus with a rule); count again for the message.
        let rules = eventbridge::rule_count(&state.pool, actor.account_id, name)
            .await
            .context("counting a bus's rules")?
            .max(rules);
        return Err(AppError::Conflict {
            field: None,
            message: format!("{name} still has {rules} rule(s); delete them first."),
        });
    }
    audit::change(
        state,
        actor,
        Action::DeleteEventBus.as_str(),
        &bus.arn,
        json!(bus),
        Value::Null,
    )
    .await?;
    Ok(())
}

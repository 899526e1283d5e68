//! Event rules and their targets: create, edit, enable, disable, delete; quota increase
//! requests and the owner's decisions. Target settings are sealed before they are stored
//! and masked before they leave; every URL is checked against the network policy at save.

use crate::server::delivery::breaker::CircuitState;
use std::collections::HashMap;

use super::super::auth::{authorize, Actor};
use super::super::crypto::{mask, mask_url, target_row};
use super::super::delivery::sign::WebhookSecret;
use super::super::error::{internal, is_unique_violation, Context};
use super::super::state::AppState;
use super::super::store::{accounts, contacts, eventbridge, events, rules, unknown_types};
use super::audit;
use crate::domain::catalog::TargetKind;
use crate::domain::policy::{Action, Resource, SERVICE_LINKED_ROLE};
use crate::domain::rule::{
    self, BusRules, ContactRef, NewSecret, QuotaRequestView, RequestStatus, RuleInput, RuleView,
    SavedRule, TargetInput, TargetView,
};
use crate::domain::target::{ContentType, PayloadFormat, TargetConfig};
use crate::domain::{quota, AppError};
use serde_json::{json, Value};

fn bus_not_found(bus: &str) -> AppError {
    AppError::NotFound {
        what: format!("Event bus {bus:?}"),
    }
}

fn rule_not_found(name: &str) -> AppError {
    AppError::NotFound {
        what: format!("Event rule {name:?}"),
    }
}

async fn bus_id(state: &AppState, actor: &Actor, bus: &str) -> Result<i64, AppError> {
    rules::bus_id(&state.pool, actor.account_id, bus)
        .await
        .context("finding a bus")?
        .ok_or_else(|| bus_not_found(bus))
}

async fn find_rule(
    state: &AppState,
    actor: &Actor,
    bus_id: i64,
    name: &str,
) -> Result<rules::RuleRow, AppError> {
    rules::find(&state.pool, actor.account_id, bus_id, name)
        .await
        .context("reading a rule")?
        .ok_or_else(|| rule_not_found(name))
}

/// A target's stored settings: the config without contacts (they live in their own table),
/// sealed bound to the target's row (its account and id), so that settings copied into
/// another row do not open there.
fn seal(state: &AppState, account_id: i64, target_id: i64, config: &TargetConfig) -> String {
    let mut stored = config.clone();
    if let TargetConfig::Voice { contacts }
    | TargetConfig::Sms { contacts }
    | TargetConfig::Email { contacts } = &mut stored
    {
        contacts.clear();
    }
    let json = serde_json::to_string(&stored).expect("target settings serialise");
    state
        .secrets
        .seal_bound(&json, &target_row(account_id, target_id))
}

/// Bind every target's settings sealed before sealing was bound to the row (`v1.`): run at
/// start, so that none stays movable between rows. A value that does not open is left as
/// it is (and logged): opening it fails where it is used, as before.
pub async fn bind_sealed_settings(
    pool: &crate::server::store::Db,
    secrets: &crate::server::crypto::SecretBox,
) -> anyhow::Result<usize> {
    let mut bound = 0;
    let mut skipped = std::collections::HashSet::new();
    loop {
        let rows = rules::unbound_targets(pool, 200 + skipped.len() as i64).await?;
        let rows: Vec<_> = rows
            .into_iter()
            .filter(|(id, ..)| !skipped.contains(id))
            .collect();
        if rows.is_empty() {
            return Ok(bound);
        }
        for (id, account_id, sealed) in rows {
            match secrets.open(&sealed) {
                Ok(json) => {
                    let again = secrets.seal_bound(&json, &target_row(account_id, id));
                    rules::reseal_target(pool, id, &sealed, &again).await?;
                    bound += 1;
                }
                Err(e) => {
                    tracing::error!(target = id, error = %e, "a target's sealed settings do not open; left as they are");
                    skipped.insert(id);
                }
            }
        }
    }
}

/// Settings sealed before they were bound to their row (`v1.`) still open here (start-up
/// binds them: [`bind_sealed_settings`]).
fn open(state: &AppState, row: &rules::TargetRow) -> Result<TargetConfig, AppError> {
    let json = state
        .secrets
        .open_bound(&row.config, &target_row(row.account_id, row.id))
        .map_err(|e| internal(&format!("opening the settings of target {}", row.id), e))?;
    serde_json::from_str(&json).map_err(|e| internal("reading a target's settings", e))
}

/// A stored target, opened.
struct Loaded {
    id: i64,
    config: TargetConfig,
    contacts: Vec<ContactRef>,
    disabled: Option<String>,
}

/// The targets of the given rules, opened, with their contacts, by rule id.
async fn load_targets(
    state: &AppState,
    rule_ids: &[i64],
) -> Result<HashMap<i64, Vec<Loaded>>, AppError> {
    let rows = rules::targets_of(&state.pool, rule_ids)
        .await
        .context("reading targets")?;
    let mut contacts_by_target: HashMap<i64, Vec<ContactRef>> = HashMap::new();
    for c in rules::contacts_of(&state.pool, rule_ids)
        .await
        .context("reading target contacts")?
    {
        contacts_by_target
            .entry(c.target_id)
            .or_default()
            .push(ContactRef {
                id: c.contact_id,
                name: c.name,
            });
    }
    let mut out: HashMap<i64, Vec<_>> = HashMap::new();
    for row in rows {
        let mut config = open(state, &row)?;
        let refs = contacts_by_target.remove(&row.id).unwrap_or_default();
        if let TargetConfig::Voice { contacts }
        | TargetConfig::Sms { contacts }
        | TargetConfig::Email { contacts } = &mut config
        {
            *contacts = refs.iter().map(|c| c.id).collect();
        }
        let disabled = row
            .disabled_at
            .map(|at| format!("disabled {at}: {}", row.disabled_reason.unwrap_or_default()));
        out.entry(row.rule_id).or_default().push(Loaded {
            id: row.id,
            config,
            contacts: refs,
            disabled,
        });
    }
    Ok(out)
}

/// What the rule list says of a circuit that is not closed.
fn circuit_note(state: CircuitState) -> Option<String> {
    match state {
        CircuitState::Closed => None,
        CircuitState::Open { until_ms } => {
            let at = time::OffsetDateTime::from_unix_timestamp(until_ms / 1000)
                .ok()
                .and_then(|t| {
                    t.format(&time::format_description::well_known::Rfc3339)
                        .ok()
                })
                .unwrap_or_default();
            Some(format!(
                "Circuit open: it kept timing out or refusing connections, so its deliveries wait; next try {at}"
            ))
        }
        CircuitState::HalfOpen => Some(
            "Circuit half-open: one delivery is trying the target; the others wait for its answer"
                .to_string(),
        ),
    }
}

fn target_view(id: i64, config: &TargetConfig, contacts: Vec<ContactRef>) -> TargetView {
    let mut view = TargetView {
        id,
        kind: config.kind(),
        url_masked: config.url().map(mask_url),
        secret_masked: None,
        at_mobiles: vec![],
        at_all: false,
        mentioned_mobiles: vec![],
        content_type: ContentType::Json,
        payload_format: PayloadFormat::Standard,
        header_names: vec![],
        max_per_second: None,
        contacts,
        disabled: None,
        circuit: None,
    };
    match config {
        TargetConfig::DingTalk {
            secret,
            at_mobiles,
            at_all,
            ..
        } => {
            view.secret_masked = secret.as_deref().filter(|s| !s.is_empty()).map(mask);
            view.at_mobiles = at_mobiles.clone();
            view.at_all = *at_all;
        }
        TargetConfig::WeCom {
            mentioned_mobiles, ..
        } => view.mentioned_mobiles = mentioned_mobiles.clone(),
        TargetConfig::Lark { secret, .. } => {
            view.secret_masked = secret.as_deref().filter(|s| !s.is_empty()).map(mask);
        }
        TargetConfig::Http {
            content_type,
            headers,
            payload_format,
            secret,
            max_per_second,
            ..
        } => {
            view.max_per_second = *max_per_second;
            view.secret_masked = secret.as_deref().filter(|s| !s.is_empty()).map(mask);
            view.content_type = *content_type;
            view.payload_format = *payload_format;
            view.header_names = headers.iter().map(|(n, _)| n.clone()).collect();
        }
        TargetConfig::Voice { .. } | TargetConfig::Sms { .. } | TargetConfig::Email { .. } => {}
    }
    view
}

fn request_view(row: rules::QuotaRequestRow) -> QuotaRequestView {
    QuotaRequestView {
        id: row.id,
        bus: row.bus,
        rule: row.rule,
        current: row.current_quota as u32,
        requested: row.requested as u32,
        reason: row.reason,
        status: RequestStatus::parse(&row.status).unwrap_or(RequestStatus::Pending),
        requested_by: row.requested_by,
        created_at: row.created_at,
        decided_by: row.decided_by,
        decided_at: row.decided_at,
    }
}

/// Views of rule rows, with targets (masked) and pending requests.
async fn views(state: &AppState, rows: Vec<rules::RuleRow>) -> Result<Vec<RuleView>, AppError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut targets = load_targets(state, &ids).await?;
    let mut pending: HashMap<i64, QuotaRequestView> = rules::pending_requests_of(&state.pool, &ids)
        .await
        .context("reading quota requests")?
        .into_iter()
        .map(|r| (r.rule_id, request_view(r)))
        .collect();
    rows.into_iter()
        .map(|row| {
            let targets: Vec<TargetView> = targets
                .remove(&row.id)
                .unwrap_or_default()
                .into_iter()
                .map(|t| TargetView {
                    disabled: t.disabled,
                    circuit: circuit_note(state.breakers.state(t.id)),
                    ..target_view(t.id, &t.config, t.contacts)
                })
                .collect();
            let types: Vec<String> = serde_json::from_str(&row.types)
                .map_err(|e| internal("reading a rule's types", e))?;
            let pattern = match &row.pattern {
                None => String::new(),
                Some(p) => serde_json::from_str::<serde_json::Value>(p)
                    .and_then(|v| serde_json::to_string_pretty(&v))
                    .map_err(|e| internal("reading a rule's pattern", e))?,
            };
            Ok(RuleView {
                id: row.id,
                units: targets.iter().map(TargetView::units).sum(),
                targets,
                pending_request: pending.remove(&row.id),
                delivered: 0,
                failed: 0,
                pending: 0,
                bus: row.bus,
                name: row.name,
                description: row.description,
                enabled: row.enabled,
                source: row.source,
                types,
                pattern,
                language: row.language.unwrap_or_default(),
                title_template: row.title_template.unwrap_or_default(),
                body_template: row.body_template.unwrap_or_default(),
                definition_hidden: false,
                targets_hidden: false,
                quota: row.quota as u32,
                created_at: row.created_at,
                updated_at: row.updated_at,
            })
        })
        .collect()
}

/// The rules on a bus.
pub async fn list(state: &AppState, actor: &Actor, bus: &str) -> Result<Vec<RuleView>, AppError> {
    authorize(
        actor,
        Action::ListRules,
        &Resource::event_bus(actor.account_id, bus),
    )?;
    let bus_id = bus_id(state, actor, bus).await?;
    let rows = rules::list(&state.pool, actor.account_id, bus_id)
        .await
        .context("listing rules")?;
    let mut list = views(state, rows).await?;
    let counts: HashMap<i64, (i64, i64, i64)> = events::rule_counts(&state.pool, bus_id)
        .await
        .context("counting deliveries")?
        .into_iter()
        .map(|(id, d, f, p)| (id, (d, f, p)))
        .collect();
    for r in &mut list {
        if let Some((d, f, p)) = counts.get(&r.id) {
            (r.delivered, r.failed, r.pending) = (*d, *f, *p);
        }
        redact(actor, r);
    }
    Ok(list)
}

/// Strip from `rule` what `actor` may not read, as an explicit Deny or a missing Allow
/// says: without GetRule on it, its definition (description, source, types, pattern) and
/// its templates and its targets; without ListTargets, its targets. Its name, state and counts stay: listing
/// them is what ListRules allows.
pub fn redact(actor: &Actor, rule: &mut RuleView) {
    let resource = Resource::rule(actor.account_id, &rule.bus, &rule.name);
    if authorize(actor, Action::GetRule, &resource).is_err() {
        rule.description.clear();
        rule.source.clear();
        rule.types.clear();
        rule.pattern.clear();
        rule.title_template.clear();
        rule.body_template.clear();
        rule.definition_hidden = true;
        rule.targets.clear();
        rule.targets_hidden = true;
    } else if authorize(actor, Action::ListTargets, &resource).is_err() {
        rule.targets.clear();
        rule.targets_hidden = true;
    }
}

/// May `actor` see the details of rule `name`'s deliveries (their attempts: the target's
/// address as masked, its answers)? Only with GetRule and ListTargets on it.
pub fn may_read_targets(actor: &Actor, bus: &str, name: &str) -> bool {
    let resource = Resource::rule(actor.account_id, bus, name);
    authorize(actor, Action::GetRule, &resource).is_ok()
        && authorize(actor, Action::ListTargets, &resource).is_ok()
}

/// A bus's page: its rules, its workspace, and whether rules can be created.
pub async fn overview(state: &AppState, actor: &Actor, bus: &str) -> Result<BusRules, AppError> {
    let rules = list(state, actor, bus).await?;
    let row = eventbridge::find_bus(&state.pool, actor.account_id, bus)
        .await
        .context("reading a bus")?
        .ok_or_else(|| bus_not_found(bus))?;
    let role_granted = eventbridge::find_role(&state.pool, actor.account_id, SERVICE_LINKED_ROLE)
        .await
        .context("reading the service-linked role")?
        .is_some();
    Ok(BusRules {
        allowed: super::ram::allowed_actions(actor, &row.name, None),
        bus: row.name,
        workspace: row.workspace,
        role_granted,
        rules,
    })
}

/// The stored settings of target `id` of rule `name`, for "Test connection" of a saved
/// target whose URL and secret the browser does not have.
pub async fn stored_target(
    state: &AppState,
    actor: &Actor,
    bus: &str,
    name: &str,
    id: i64,
) -> Result<TargetConfig, AppError> {
    let (_, row) = authorized_rule(state, actor, Action::ListTargets, bus, name).await?;
    load_targets(state, &[row.id])
        .await?
        .remove(&row.id)
        .unwrap_or_default()
        .into_iter()
        .find(|t| t.id == id)
        .map(|t| t.config)
        .ok_or_else(|| AppError::NotFound {
            what: format!("Target {id} of rule {name:?}"),
        })
}

/// One rule on a bus, targets masked.
pub async fn get(
    state: &AppState,
    actor: &Actor,
    bus: &str,
    name: &str,
) -> Result<RuleView, AppError> {
    let (_, row) = authorized_rule(state, actor, Action::GetRule, bus, name).await?;
    let mut rule = one(views(state, vec![row]).await?)?;
    redact(actor, &mut rule);
    Ok(rule)
}

/// Whether rule `name` is enabled, for an update that leaves the state as it is (asks for
/// UpdateRule, which that update needs anyway).
pub async fn get_enabled(
    state: &AppState,
    actor: &Actor,
    bus: &str,
    name: &str,
) -> Result<bool, AppError> {
    authorize(
        actor,
        Action::UpdateRule,
        &Resource::rule(actor.account_id, bus, name),
    )?;
    let bus_id = bus_id(state, actor, bus).await?;
    Ok(find_rule(state, actor, bus_id, name).await?.enabled)
}

/// The first steps of an operation on one rule: authorize `action` on it, then load it
/// (with its bus's id).
async fn authorized_rule(
    state: &AppState,
    actor: &Actor,
    action: Action,
    bus: &str,
    name: &str,
) -> Result<(i64, rules::RuleRow), AppError> {
    authorize(actor, action, &Resource::rule(actor.account_id, bus, name))?;
    let bus_id = bus_id(state, actor, bus).await?;
    let row = find_rule(state, actor, bus_id, name).await?;
    Ok((bus_id, row))
}

fn one(mut views: Vec<RuleView>) -> Result<RuleView, AppError> {
    views
        .pop()
        .ok_or_else(|| internal("building a rule view", "no row"))
}

/// Fill what the browser left out of an existing target (URL, secret, headers) from the
/// stored settings. A target whose kind changed is a new target. Stored header values
/// (credentials, maybe) and signing keys and secrets are kept only for the stored URL:
/// they never go to a new address.
pub fn merge(
    input: &TargetInput,
    stored: Option<&TargetConfig>,
    prefix: &str,
) -> Result<(Option<i64>, TargetConfig), AppError> {
    let Some(stored) = stored.filter(|s| s.kind() == input.config.kind()) else {
        return Ok((None, input.config.clone()));
    };
    let mut config = input.config.clone();
    let keep_secret = |new: &mut Option<String>, old: &Option<String>| {
        if input.clear_secret {
            *new = None;
        } else if new.as_deref().is_none_or(|s| s.trim().is_empty()) {
            new.clone_from(old);
        }
    };
    match (&mut config, stored) {
        (
            TargetConfig::DingTalk { url, secret, .. },
            TargetConfig::DingTalk {
                url: old_url,
                secret: old,
                ..
            },
        )
        | (
            TargetConfig::Lark { url, secret },
            TargetConfig::Lark {
                url: old_url,
                secret: old,
            },
        ) => {
            let new_url = !url.trim().is_empty() && url.trim() != old_url.trim();
            let secret_left_empty = secret.as_deref().is_none_or(|s| s.trim().is_empty());
            if new_url && secret_left_empty && old.is_some() && !input.clear_secret {
                // The saved key belongs to the saved robot.
                return Err(AppError::invalid(
                    &format!("{prefix}.secret"),
                    "enter the signing key of the new robot, or remove the saved key",
                ));
            }
            if url.trim().is_empty() {
                url.clone_from(old_url);
            }
            keep_secret(secret, old);
        }
        (TargetConfig::WeCom { url, .. }, TargetConfig::WeCom { url: old_url, .. })
            if url.trim().is_empty() =>
        {
            url.clone_from(old_url);
        }
        (
            TargetConfig::Http {
                url,
                headers,
                secret,
                ..
            },
            TargetConfig::Http {
                url: old_url,
                headers: old_headers,
                secret: old,
                ..
            },
        ) => {
            let same_url = url.trim().is_empty() || url.trim() == old_url.trim();
            if input.keep_headers && !old_headers.is_empty() {
                if !same_url {
                    return Err(AppError::invalid(
                        &format!("{prefix}.headers"),
                        "the saved header values are kept only for the saved URL; for a new URL, type the headers again",
                    ));
                }
                headers.clone_from(old_headers);
            }
            // The saved signing secret is shared with the saved receiver only: kept for a new
            // address, it would sign for a host that never had it (and let that host forge
            // deliveries to the old one).
            let secret_left_empty = secret.as_deref().is_none_or(|s| s.trim().is_empty());
            if !same_url && secret_left_empty && old.is_some() && !input.clear_secret {
                return Err(AppError::invalid(
                    &format!("{prefix}.secret"),
                    "the saved signing secret belongs to the saved URL; for a new URL, enter its secret, or remove the saved secret to have a new one generated",
                ));
            }
            if url.trim().is_empty() {
                url.clone_from(old_url);
            }
            keep_secret(secret, old);
        }
        _ => {}
    }
    Ok((input.id, config))
}

/// Everything a save checks, in the order a user fixes things: step 1, then each target's
/// fields, compatibility, contacts, the quota, and last the network check of each URL.
async fn prepare(
    state: &AppState,
    actor: &Actor,
    bus_id: i64,
    stored_rule: Option<&rules::RuleRow>,
    input: &RuleInput,
    stored: &HashMap<i64, TargetConfig>,
    quota_units: u32,
) -> Result<
    (
        rule::Definition,
        Vec<(Option<i64>, TargetConfig)>,
        Vec<NewSecret>,
    ),
    AppError,
> {
    let def = input.definition()?;
    // The templates compile, or the save is refused naming the field and the line.
    for (field, source) in [
        (rule::TITLE_TEMPLATE, &def.title_template),
        (rule::BODY_TEMPLATE, &def.body_template),
    ] {
        if let Some(source) = source {
            crate::server::delivery::render::template::check(field, source)?;
        }
    }
    check_unlisted(state, bus_id, stored_rule, &def).await?;
    let mut targets = Vec::with_capacity(input.targets.len());
    let mut new_secrets = Vec::new();
    let mut seen_ids = std::collections::HashSet::new();
    for (i, t) in input.targets.iter().enumerate() {
        let prefix = format!("targets[{i}]");
        if let Some(id) = t.id {
            if !seen_ids.insert(id) {
                return Err(AppError::invalid(&prefix, "this target is listed twice"));
            }
            if !stored.contains_key(&id) {
                return Err(AppError::invalid(
                    &prefix,
                    "this target is no longer part of the rule; reload the page",
                ));
            }
        }
        let (id, mut config) = merge(t, t.id.and_then(|id| stored.get(&id)), &prefix)?;
        rule::check_compatible(&def.source, i, config.kind())?;
        if let TargetConfig::Http { secret, .. } = &mut config {
            if secret.as_deref().is_none_or(|s| s.trim().is_empty()) {
                let generated = WebhookSecret::generate().to_text();
                new_secrets.push(NewSecret {
                    position: i,
                    secret: generated.clone(),
                });
                *secret = Some(generated);
            }
        }
        config.validate(&prefix)?;
        if let TargetConfig::Http {
            secret: Some(secret),
            ..
        } = &config
        {
            WebhookSecret::parse(secret)
                .map_err(|e| AppError::invalid(&format!("{prefix}.secret"), e))?;
        }
        targets.push((id, config));
    }

    let needs_contacts = targets.iter().any(|(_, c)| c.kind().uses_contacts());
    if needs_contacts {
        let known: HashMap<i64, _> = contacts::list(&state.pool, actor.account_id)
            .await
            .context("reading contacts")?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        for (i, (_, config)) in targets.iter().enumerate() {
            let (TargetConfig::Voice { contacts }
            | TargetConfig::Sms { contacts }
            | TargetConfig::Email { contacts }) = config
            else {
                continue;
            };
            let field = format!("targets[{i}].contacts");
            for id in contacts {
                let Some(contact) = known.get(id) else {
                    return Err(AppError::invalid(
                        &field,
                        format!("contact {id} does not exist; reload the page"),
                    ));
                };
                let missing = match config.kind() {
                    TargetKind::Email => contact.email.is_none().then_some("email address"),
                    _ => contact.phone.is_none().then_some("phone number"),
                };
                if let Some(what) = missing {
                    return Err(AppError::invalid(
                        &field,
                        format!(
                            "{} has no {what}; add one under Message receiving settings or pick someone else",
                            contact.name
                        ),
                    ));
                }
            }
        }
    }

    let configs: Vec<TargetConfig> = targets.iter().map(|(_, c)| c.clone()).collect();
    quota::check(rule::units(&configs), quota_units)?;

    for (i, (_, config)) in targets.iter().enumerate() {
        if let Some(url) = config.url() {
            let field = format!("targets[{i}].url");
            let parsed = reqwest::Url::parse(url.trim()).map_err(|e| {
                AppError::invalid(&field, format!("is not a valid web address: {e}"))
            })?;
            state
                .probe
                .check_resolved(&parsed)
                .await
                .map_err(|why| AppError::invalid(&field, format!("cannot be used: {why}")))?;
        }
    }
    Ok((def, targets, new_secrets))
}

/// A rule may name a source outside the catalog, or a type its catalog source does not
/// list, only if the bus has received it (it is listed under "Types seen but not in the
/// catalog"), the source is the real source of a catalog alias, or the stored rule already
/// names it: a source or type nobody sends is a typo, and a rule on it would silently never
/// match.
async fn check_unlisted(
    state: &AppState,
    bus_id: i64,
    stored: Option<&rules::RuleRow>,
    def: &rule::Definition,
) -> Result<(), AppError> {
    let stored_types: Vec<String> = stored
        .filter(|row| row.source == def.source.id())
        .and_then(|row| serde_json::from_str(&row.types).ok())
        .unwrap_or_default();
    for t in rule::unlisted_types(def) {
        if stored_types.iter().any(|s| s == t) {
            continue;
        }
        let seen = unknown_types::seen_type(&state.pool, bus_id, def.source.id(), t)
            .await
            .context("reading the bus's unknown types")?;
        if !seen {
            return Err(AppError::invalid(
                "types",
                format!(
                    "{t:?} is not an event type of {} in the catalog, and this bus has not \
                     received it (see \"Types seen but not in the catalog\" on the bus's page)",
                    def.source.id()
                ),
            ));
        }
    }
    let rule::RuleSource::Unlisted(id) = &def.source else {
        return Ok(());
    };
    if stored.is_some_and(|row| row.source == *id) || crate::domain::catalog::is_alias_source(id) {
        return Ok(());
    }
    let seen = unknown_types::seen_source(&state.pool, bus_id, id)
        .await
        .context("reading the bus's unknown types")?;
    if seen {
        return Ok(());
    }
    Err(AppError::invalid(
        "source",
        format!(
            "{id:?} is not an event source of the catalog, and this bus has not received it \
             (see \"Types seen but not in the catalog\" on the bus's page; a bus that accepts \
             unknown types lists what it receives)"
        ),
    ))
}

async fn require_role(state: &AppState, actor: &Actor) -> Result<(), AppError> {
    let role = eventbridge::find_role(&state.pool, actor.account_id, SERVICE_LINKED_ROLE)
        .await
        .context("reading the service-linked role")?;
    if role.is_none() {
        return Err(AppError::Precondition {
            message: format!(
                "Event rules need the service-linked role {SERVICE_LINKED_ROLE}: use \"Grant permissions\" on the workspace's Event notification settings first."
            ),
        });
    }
    Ok(())
}

fn too_many_rules(limit: u32) -> AppError {
    AppError::Conflict {
        field: None,
        message: format!(
            "This bus already has {limit} rules, the most one bus may have (--max-rules-per-bus): delete one, or add targets to an existing rule."
        ),
    }
}

fn name_taken(name: &str) -> AppError {
    AppError::Conflict {
        field: Some("name".into()),
        message: format!("This bus already has a rule named {name:?}."),
    }
}

async fn write(
    state: &AppState,
    actor: &Actor,
    bus_id: i64,
    existing: Option<i64>,
    def: &rule::Definition,
    enabled: bool,
    targets: &[(Option<i64>, TargetConfig)],
) -> Result<(), AppError> {
    let types = serde_json::to_string(&def.types).expect("strings serialise");
    let pattern = def
        .pattern
        .as_ref()
        .map(|p| serde_json::to_string(&p.to_value()).expect("patterns serialise"));
    let fields = rules::RuleFields {
        name: &def.name,
        description: &def.description,
        enabled,
        source: def.source.id(),
        types: &types,
        pattern: pattern.as_deref(),
        language: def.language.map(|l| l.as_str()),
        title_template: def.title_template.as_deref(),
        body_template: def.body_template.as_deref(),
    };
    let contact_lists: Vec<Vec<i64>> = targets
        .iter()
        .map(|(_, c)| match c {
            TargetConfig::Voice { contacts }
            | TargetConfig::Sms { contacts }
            | TargetConfig::Email { contacts } => contacts.clone(),
            _ => vec![],
        })
        .collect();
    let writes: Vec<rules::TargetWrite> = targets
        .iter()
        .zip(&contact_lists)
        .map(|((id, config), contacts)| rules::TargetWrite {
            id: *id,
            kind: config.kind().as_str(),
            contacts,
        })
        .collect();
    let account_id = actor.account_id;
    let seal_at =
        |position: usize, target_id: i64| seal(state, account_id, target_id, &targets[position].1);

    let limit = state.config.max_rules_per_bus;
    // `Ok(Some(refusal))`: refused before anything was written.
    let result: Result<Option<AppError>, sqlx::Error> = async {
        let mut tx = super::super::store::begin_write(&state.pool).await?;
        let rule_id = match existing {
            Some(id) => {
                rules::update(&mut tx, id, &fields).await?;
                id
            }
            None => {
                // Every event put on the bus is matched against each of its rules, so their
                // number is bounded. Counted under the one writer: two creations at once
                // cannot both take the last place.
                if rules::count_on_bus(&mut tx, bus_id).await? >= i64::from(limit) {
                    return Ok(Some(too_many_rules(limit)));
                }
                rules::insert(&mut tx, actor.account_id, bus_id, &fields).await?
            }
        };
        rules::replace_targets(&mut tx, rule_id, &writes, &seal_at).await?;
        tx.commit().await?;
        Ok(None)
    }
    .await;
    match result {
        Ok(None) => Ok(()),
        Ok(Some(refusal)) => Err(refusal),
        Err(e) if is_unique_violation(&e) => Err(name_taken(&def.name)),
        Err(e) => Err(internal("saving a rule", e)),
    }
}

/// Create a rule with its targets on `bus`.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    bus: &str,
    input: &RuleInput,
) -> Result<SavedRule, AppError> {
    let name = input.name.trim();
    let resource = Resource::rule(actor.account_id, bus, name);
    authorize(actor, Action::CreateRule, &resource)?;
    authorize(actor, Action::UpdateTargets, &resource)?;
    let bus_id = bus_id(state, actor, bus).await?;
    require_role(state, actor).await?;
    let (def, targets, new_secrets) = prepare(
        state,
        actor,
        bus_id,
        None,
        input,
        &HashMap::new(),
        quota::DEFAULT_RULE_QUOTA,
    )
    .await?;
    write(state, actor, bus_id, None, &def, input.enabled, &targets).await?;
    let row = find_rule(state, actor, bus_id, &def.name).await?;
    tracing::info!(account = actor.account_id, bus, rule = %def.name, targets = targets.len(), "rule created");
    let rule = one(views(state, vec![row]).await?)?;
    audit::change(
        state,
        actor,
        Action::CreateRule.as_str(),
        &Resource::rule(actor.account_id, bus, &rule.name).arn,
        Value::Null,
        json!(rule),
    )
    .await?;
    Ok(SavedRule { rule, new_secrets })
}

/// Replace rule `name` on `bus` (it may be renamed); targets left out are deleted.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    bus: &str,
    name: &str,
    input: &RuleInput,
) -> Result<SavedRule, AppError> {
    let resource = Resource::rule(actor.account_id, bus, name);
    authorize(actor, Action::UpdateRule, &resource)?;
    authorize(actor, Action::UpdateTargets, &resource)?;
    let bus_id = bus_id(state, actor, bus).await?;
    let row = find_rule(state, actor, bus_id, name).await?;
    replace(state, actor, bus, bus_id, row, input, Action::UpdateRule).await
}

/// The targets of a rule, masked (ListTargets).
pub async fn list_targets(
    state: &AppState,
    actor: &Actor,
    bus: &str,
    name: &str,
) -> Result<Vec<TargetView>, AppError> {
    let (_, row) = authorized_rule(state, actor, Action::ListTargets, bus, name).await?;
    Ok(one(views(state, vec![row]).await?)?.targets)
}

/// The rule as it is stored, with other targets: what the target-only operations save.
fn with_targets(row: &rules::RuleRow, targets: Vec<TargetInput>) -> RuleInput {
    RuleInput {
        name: row.name.clone(),
        description: row.description.clone(),
        enabled: row.enabled,
        source: row.source.clone(),
        types: serde_json::from_str(&row.types).unwrap_or_default(),
        pattern: row.pattern.clone().unwrap_or_default(),
        language: row.language.clone().unwrap_or_default(),
        title_template: row.title_template.clone().unwrap_or_default(),
        body_template: row.body_template.clone().unwrap_or_default(),
        targets,
    }
}

/// Replace a rule's targets, leaving the rule itself as it is (UpdateTargets; also
/// DeleteTargets when some are left out). Targets with a known `id` keep their stored URL,
/// secret and headers where the input leaves them empty, as in the console.
pub async fn put_targets(
    state: &AppState,
    actor: &Actor,
    bus: &str,
    name: &str,
    targets: Vec<TargetInput>,
) -> Result<SavedRule, AppError> {
    let (bus_id, row) = authorized_rule(state, actor, Action::UpdateTargets, bus, name).await?;
    let input = with_targets(&row, targets);
    replace(
        state,
        actor,
        bus,
        bus_id,
        row,
        &input,
        Action::UpdateTargets,
    )
    .await
}

/// Remove the targets `ids` from a rule (DeleteTargets).
pub async fn delete_targets(
    state: &AppState,
    actor: &Actor,
    bus: &str,
    name: &str,
    ids: &[i64],
) -> Result<SavedRule, AppError> {
    authorize(
        actor,
        Action::DeleteTargets,
        &Resource::rule(actor.account_id, bus, name),
    )?;
    if ids.is_empty() {
        return Err(AppError::invalid("ids", "name at least one target id"));
    }
    let bus_id = bus_id(state, actor, bus).await?;
    let row = find_rule(state, actor, bus_id, name).await?;
    let stored = load_targets(state, &[row.id])
        .await?
        .remove(&row.id)
        .unwrap_or_default();
    if let Some(missing) = ids.iter().find(|id| !stored.iter().any(|t| t.id == **id)) {
        return Err(AppError::NotFound {
            what: format!("Target {missing} of rule {name:?}"),
        });
    }
    let kept = stored
        .into_iter()
        .filter(|t| !ids.contains(&t.id))
        .map(|t| TargetInput {
            id: Some(t.id),
            config: t.config,
            clear_secret: false,
            keep_headers: true,
        })
        .collect();
    let input = with_targets(&row, kept);
    replace(
        state,
        actor,
        bus,
        bus_id,
        row,
        &input,
        Action::DeleteTargets,
    )
    .await
}

/// Save `input` over the stored rule `row`, checking what the change needs beyond
/// `action` (already authorized): DeleteTargets for targets left out, CreateRule on a new
/// name. Audited as `action`.
async fn replace(
    state: &AppState,
    actor: &Actor,
    bus: &str,
    bus_id: i64,
    row: rules::RuleRow,
    input: &RuleInput,
    action: Action,
) -> Result<SavedRule, AppError> {
    let name = row.name.clone();
    let resource = Resource::rule(actor.account_id, bus, &name);
    let before = one(views(state, vec![row.clone()]).await?)?;
    let stored: HashMap<i64, TargetConfig> = load_targets(state, &[row.id])
        .await?
        .remove(&row.id)
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.id, t.config))
        .collect();
    let removes_targets = stored
        .keys()
        .any(|id| !input.targets.iter().any(|t| t.id == Some(*id)));
    if removes_targets {
        authorize(actor, Action::DeleteTargets, &resource)?;
    }
    let new_name = input.name.trim();
    if new_name != row.name {
        // A rename makes a rule under the new name and removes the old one: a Deny on
        // either name must hold.
        authorize(actor, Action::DeleteRule, &resource)?;
        let renamed = Resource::rule(actor.account_id, bus, new_name);
        authorize(actor, Action::CreateRule, &renamed)?;
        authorize(actor, Action::UpdateTargets, &renamed)?;
    }
    if input.enabled != row.enabled {
        let toggle = if input.enabled {
            Action::EnableRule
        } else {
            Action::DisableRule
        };
        authorize(actor, toggle, &resource)?;
    }
    let (def, targets, new_secrets) = prepare(
        state,
        actor,
        bus_id,
        Some(&row),
        input,
        &stored,
        row.quota as u32,
    )
    .await?;
    write(
        state,
        actor,
        bus_id,
        Some(row.id),
        &def,
        input.enabled,
        &targets,
    )
    .await?;
    let row = find_rule(state, actor, bus_id, &def.name).await?;
    tracing::info!(account = actor.account_id, bus, rule = %def.name, targets = targets.len(), "rule updated");
    let rule = one(views(state, vec![row]).await?)?;
    audit::change(
        state,
        actor,
        action.as_str(),
        &resource.arn,
        json!(before),
        json!(rule),
    )
    .await?;
    Ok(SavedRule { rule, new_secrets })
}

/// Enable or disable a rule.
pub async fn set_enabled(
    state: &AppState,
    actor: &Actor,
    bus: &str,
    name: &str,
    enabled: bool,
) -> Result<RuleView, AppError> {
    let action = if enabled {
        Action::EnableRule
    } else {
        Action::DisableRule
    };
    let resource = Resource::rule(actor.account_id, bus, name);
    authorize(actor, action, &resource)?;
    let bus_id = bus_id(state, actor, bus).await?;
    let row = find_rule(state, actor, bus_id, name).await?;
    let was = row.enabled;
    rules::set_enabled(&state.pool, row.id, enabled)
        .await
        .context("enabling or disabling a rule")?;
    let row = find_rule(state, actor, bus_id, name).await?;
    let mut rule = one(views(state, vec![row]).await?)?;
    // Enabling needs no right to read the rule: without GetRule the answer says only the
    // state, not the targets or the pattern.
    redact(actor, &mut rule);
    audit::change(
        state,
        actor,
        action.as_str(),
        &resource.arn,
        json!({ "enabled": was }),
        json!({ "enabled": rule.enabled }),
    )
    .await?;
    Ok(rule)
}

/// Delete a rule and its targets.
pub async fn delete(
    state: &AppState,
    actor: &Actor,
    bus: &str,
    name: &str,
) -> Result<(), AppError> {
    let resource = Resource::rule(actor.account_id, bus, name);
    authorize(actor, Action::DeleteRule, &resource)?;
    let bus_id = bus_id(state, actor, bus).await?;
    let row = find_rule(state, actor, bus_id, name).await?;
    let before = one(views(state, vec![row.clone()]).await?)?;
    // Its targets go with it, which is DeleteTargets' business too.
    if !before.targets.is_empty() {
        authorize(actor, Action::DeleteTargets, &resource)?;
    }
    // A rule with a long history has many deliveries to detach: a slice per write
    // transaction, so the deletion never holds the one writer for long. It is disabled
    // first: a deletion cut short (a timeout, an error) leaves it visibly off, its detached
    // deliveries ended as its deletion would have ended them, rather than a rule that looks
    // whole and has lost some.
    rules::set_enabled(&state.pool, row.id, false)
        .await
        .context("disabling a rule to delete")?;
    loop {
        let mut tx = super::super::store::begin_write(&state.pool)
            .await
            .context("deleting a rule")?;
        let detached = rules::detach_deliveries(&mut tx, row.id, super::super::store::SLICE)
            .await
            .context("detaching a rule's deliveries")?;
        tx.commit().await.context("deleting a rule")?;
        if detached < super::super::store::SLICE as u64 {
            break;
        }
    }
    if !rules::delete(&state.pool, row.id)
        .await
        .context("deleting a rule")?
    {
        return Err(rule_not_found(name));
    }
    tracing::info!(account = actor.account_id, bus, rule = name, "rule deleted");
    audit::change(
        state,
        actor,
        Action::DeleteRule.as_str(),
        &resource.arn,
        json!(before),
        Value::Null,
    )
    .await?;
    Ok(())
}

/// File a quota increase request for a rule; the account owner decides.
pub async fn request_quota(
    state: &AppState,
    actor: &Actor,
    bus: &str,
    name: &str,
    requested: u32,
    reason: &str,
) -> Result<QuotaRequestView, AppError> {
    authorize(
        actor,
        // Asking for more quota is a change to the rule.
        Action::UpdateRule,
        &Resource::rule(actor.account_id, bus, name),
    )?;
    let bus_id = bus_id(state, actor, bus).await?;
    let row = find_rule(state, actor, bus_id, name).await?;
    let current = row.quota as u32;
    let requested = quota::requested_quota("requested", requested, current)?;
    let reason = rule::request_reason("reason", reason)?;
    let id = match rules::insert_request(
        &state.pool,
        actor.account_id,
        row.id,
        current,
        requested,
        &reason,
        actor.user_id,
    )
    .await
    {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            return Err(AppError::Conflict {
                field: Some("requested".into()),
                message: "A request for this rule is already waiting for the owner's decision."
                    .into(),
            })
        }
        Err(e) => return Err(internal("filing a quota request", e)),
    };
    let request = find_request(state, actor, id).await?;
    audit::change(
        state,
        actor,
        "eventbridge:RequestQuotaIncrease",
        &Resource::rule(actor.account_id, bus, name).arn,
        json!({ "quota": current }),
        json!(request),
    )
    .await?;
    Ok(request)
}

async fn find_request(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> Result<QuotaRequestView, AppError> {
    rules::find_request(&state.pool, actor.account_id, id)
        .await
        .context("reading a quota request")?
        .map(request_view)
        .ok_or_else(|| AppError::NotFound {
            what: format!("Quota request {id}"),
        })
}

/// The account's quota requests, pending first.
pub async fn list_requests(
    state: &AppState,
    actor: &Actor,
) -> Result<Vec<QuotaRequestView>, AppError> {
    authorize(
        actor,
        Action::ListQuotaRequests,
        &Resource::account(actor.account_id),
    )?;
    Ok(rules::list_requests(&state.pool, actor.account_id)
        .await
        .context("listing quota requests")?
        .into_iter()
        .map(request_view)
        .collect())
}

/// Approve (the rule's quota becomes the requested value) or reject a pending request.
pub async fn decide(
    state: &AppState,
    actor: &Actor,
    id: i64,
    approve: bool,
) -> Result<QuotaRequestView, AppError> {
    authorize(
        actor,
        Action::DecideQuotaRequest,
        &Resource::account(actor.account_id),
    )?;
    let request = find_request(state, actor, id).await?;
    if request.status != RequestStatus::Pending {
        return Err(AppError::Conflict {
            field: None,
            message: format!("This request was already {}.", request.status.as_str()),
        });
    }
    let decided = async {
        let mut tx = super::super::store::begin_write(&state.pool).await?;
        let decided = rules::decide_request(&mut tx, id, approve, actor.user_id).await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(decided)
    }
    .await
    .context("deciding a quota request")?;
    if !decided {
        return Err(AppError::Conflict {
            field: None,
            message: "This request was decided meanwhile.".into(),
        });
    }
    tracing::info!(
        account = actor.account_id,
        request = id,
        approve,
        "quota request decided"
    );
    let decided = find_request(state, actor, id).await?;
    audit::change(
        state,
        actor,
        Action::DecideQuotaRequest.as_str(),
        &Resource::account(actor.account_id).arn,
        json!(request),
        json!(decided),
    )
    .await?;
    Ok(decided)
}

/// The rule form's message preview: `input`'s templates rendered over the catalog sample of
/// its first chosen type, in its language (else the account's), as a delivery would send
/// them; a template that is too long, does not compile or fails for the sample comes back
/// as `error` (naming the field and the line) beside the message a delivery would send.
///
/// No `authorize`: the preview reads nothing of the account's rules, buses or events (the
/// sample is the catalog's, the templates are the caller's own text) and writes nothing;
/// a signed-in actor is enough, and only the account's own language is read.
pub async fn preview_message(
    state: &AppState,
    actor: &Actor,
    bus: &str,
    input: &RuleInput,
) -> Result<rule::MessagePreview, AppError> {
    use crate::server::delivery::render::{self, template};
    let lang = match rule::language("language", &input.language)? {
        Some(lang) => lang,
        None => accounts::language(&state.pool, actor.account_id)
            .await
            .context("reading the account's language")?,
    };
    let Some(source) = crate::domain::catalog::source(input.source.trim()) else {
        return Err(AppError::invalid(
            "source",
            "a message preview needs a catalog source (its samples)",
        ));
    };
    let Some(sample) = source
        .types()
        .find(|t| rule::takes_type(&input.types, t.type_id))
    else {
        return Err(AppError::invalid("types", "pick an event type to preview"));
    };
    let mut error = None;
    let mut sources = [None, None];
    for (i, (field, raw)) in [
        (rule::TITLE_TEMPLATE, &input.title_template),
        (rule::BODY_TEMPLATE, &input.body_template),
    ]
    .into_iter()
    .enumerate()
    {
        let checked = rule::template(field, raw).and_then(|t| match t {
            Some(t) => template::check(field, &t).map(|_| Some(t)),
            None => Ok(None),
        });
        match checked {
            Ok(t) => sources[i] = t,
            Err(e) => {
                error.get_or_insert_with(|| {
                    format!("{field}: {}", e.for_field(field).unwrap_or_default())
                });
            }
        }
    }
    let [title, body] = sources;
    let templates = template::Templates::new(title, body);
    let envelope = serde_json::json!({
        "specversion": "1.0",
        "id": "sample-1",
        "source": source.id,
        "type": sample.type_id,
        "time": "2026-01-01T00:00:00Z",
        "data": sample.sample_data(),
    });
    let workspace = bus.strip_prefix("pai-system-").unwrap_or(bus);
    let name = if input.name.trim().is_empty() {
        "rule"
    } else {
        input.name.trim()
    };
    let ctx = render::Context {
        workspace,
        rule: name,
        link: crate::server::delivery::channels::event_link(&state.config.public_url(), bus, 1),
        lang,
        templates: &templates,
    };
    let message = render::message(&envelope, &ctx);
    if error.is_none() {
        error = render::message::template_failure(&envelope, &ctx);
    }
    let lines = &message.lines;
    Ok(rule::MessagePreview {
        event_type: sample.type_id.to_string(),
        title: message.title.clone(),
        body: lines[1..lines.len().saturating_sub(1).max(1)].to_vec(),
        error,
    })
}

//! The management API of SPEC §6: buses, rules, targets, contacts and events over HTTP for
//! scripts, with an AccessKey (`Authorization: Bearer hk_…`) acting as its user with that
//! user's policies. Every handler authenticates, then calls the same `service` function as
//! the console, so both are checked the same way. The OpenAPI 3 document served at
//! `/api/openapi.json` is generated from these handlers and the types they exchange.

use super::super::service::{access_keys, contacts, eventbridge, events, rules};
use super::super::state::AppState;
use super::super::store::events::EventFilter;
use super::api::{
    error_response, put_datarobot as put_datarobot_handler, put_events as put_events_handler,
};
use crate::domain::models::{
    ContactView, EventBusView, EventDetail, EventView, PutEventsResult, UnknownTypesView,
};
use crate::domain::rule::{RuleInput, RuleView, SavedRule, TargetInput, TargetView};
use crate::domain::target::TargetConfig;
use crate::domain::AppError;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

/// An error: `code` says what kind, `message` says it in words, `field` names the input
/// at fault when there is one. A refusal also names `action` and `resource`.
#[derive(Serialize, ToSchema)]
pub struct ApiError {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
    pub action: Option<String>,
    pub resource: Option<String>,
}

/// A new custom event bus.
#[derive(Deserialize, ToSchema)]
pub struct NewBus {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// What the bus does with events whose `source` or `type` the catalog does not know:
    /// `refuse` (the default for buses made by hand) or `accept` (store, list under "Types
    /// seen but not in the catalog", deliver to rules naming the source).
    #[serde(default)]
    #[schema(example = "refuse")]
    pub unknown_types: Option<String>,
}

/// A bus's settings to change (UpdateEventBus; needs `eventbridge:CreateEventBus` on the
/// bus).
#[derive(Deserialize, ToSchema)]
pub struct BusSettings {
    /// `refuse` or `accept`; see [`NewBus`]. Required (a missing one is refused naming it).
    #[serde(default)]
    #[schema(example = "accept")]
    pub unknown_types: Option<String>,
}

/// A target as the API takes it: `id` (to keep a saved target and its stored secrets),
/// `kind`, and the fields of that kind.
#[derive(Deserialize, ToSchema)]
pub struct ApiTarget {
    #[serde(default)]
    pub id: Option<i64>,
    #[serde(flatten)]
    pub config: TargetConfig,
    /// Remove the stored signing key or secret.
    #[serde(default)]
    pub clear_secret: bool,
    /// Keep the stored custom headers (their values are never returned).
    #[serde(default)]
    pub keep_headers: bool,
}

impl From<ApiTarget> for TargetInput {
    fn from(t: ApiTarget) -> Self {
        TargetInput {
            id: t.id,
            config: t.config,
            clear_secret: t.clear_secret,
            keep_headers: t.keep_headers,
        }
    }
}

/// A rule as the API takes it.
#[derive(Deserialize, ToSchema)]
pub struct ApiRule {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Default: `true` for a new rule; an update without it keeps the rule's state.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// A catalog source, e.g. `pai.dlc`; or a source outside the catalog that the bus has
    /// received (listed under its unknown types), or a catalog alias's real source.
    pub source: String,
    /// Event types of that source, e.g. `["dlc:Job:Failed"]`; `["*"]` for all of them,
    /// including types the catalog adds later (`*` stands alone); a type ending in `*` is
    /// a prefix (`["pai:Job:*"]`). On a catalog source a named type must be the catalog's.
    pub types: Vec<String>,
    /// An event pattern on `data`, e.g. `{"job": {"name": [{"prefix": "nightly-"}]}}`.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub pattern: Option<serde_json::Value>,
    #[serde(default)]
    pub targets: Vec<ApiTarget>,
    /// The language of the rule's messages: `en`, `ja` or `zh`; absent or null for the
    /// account's language.
    #[serde(default)]
    pub language: Option<String>,
    /// The rule's own message title: a template over the event (minijinja, at most 4,000
    /// characters; see README "Your own message"); absent, null or empty for the built-in
    /// headline. A template that does not compile is refused naming the line.
    #[serde(default)]
    pub title_template: Option<String>,
    /// The rule's own message body, as `title_template`; empty for the built-in facts.
    #[serde(default)]
    pub body_template: Option<String>,
}

impl ApiRule {
    /// The rule as the services take it; `enabled` when the body does not say.
    fn into_input(self, enabled: bool) -> RuleInput {
        RuleInput {
            name: self.name,
            description: self.description,
            enabled: self.enabled.unwrap_or(enabled),
            source: self.source,
            types: self.types,
            pattern: self
                .pattern
                .filter(|p| !p.is_null())
                .map(|p| p.to_string())
                .unwrap_or_default(),
            targets: self.targets.into_iter().map(Into::into).collect(),
            language: self.language.unwrap_or_default(),
            title_template: self.title_template.unwrap_or_default(),
            body_template: self.body_template.unwrap_or_default(),
        }
    }
}

/// A rule's new list of targets (UpdateTargets).
#[derive(Deserialize, ToSchema)]
pub struct ApiTargets {
    pub targets: Vec<ApiTarget>,
}

/// Target ids to remove (DeleteTargets).
#[derive(Deserialize, ToSchema)]
pub struct TargetIds {
    pub ids: Vec<i64>,
}

/// A contact's fields.
#[derive(Deserialize, ToSchema)]
pub struct ApiContact {
    pub name: String,
    /// E.164, e.g. `+8613800000000`; needed for voice and SMS.
    #[serde(default)]
    pub phone: String,
    /// Needed for email.
    #[serde(default)]
    pub email: String,
}

impl From<ApiContact> for contacts::ContactInput {
    fn from(c: ApiContact) -> Self {
        contacts::ContactInput {
            name: c.name,
            phone: c.phone,
            email: c.email,
        }
    }
}

/// The event list's filters.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct EventQuery {
    /// An event type, e.g. `dlc:Job:Failed`.
    #[serde(default, rename = "type")]
    pub event_type: Option<String>,
    /// `delivered`, `failed` or `pending`.
    #[serde(default)]
    pub status: Option<String>,
    /// RFC 3339; events received at or after it.
    #[serde(default)]
    pub since: Option<String>,
    /// An event id: only older events (the next page; 50 events a page).
    #[serde(default)]
    pub before: Option<String>,
}

/// The JSON body of a request, or an `Invalid` error that says what is wrong with it.
fn parse_body<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    bytes: &Bytes,
) -> Result<T, AppError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.starts_with("application/json") {
        return Err(AppError::invalid(
            "content-type",
            format!("{content_type:?} is not accepted; send application/json"),
        ));
    }
    super::decode_json(bytes)
}

/// [`parse_body`], answering its error at once.
fn body<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    bytes: &Bytes,
) -> Result<T, Box<Response>> {
    parse_body(headers, bytes).map_err(|e| Box::new(error_response(e)))
}

async fn authenticated(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<super::super::auth::Actor, Box<Response>> {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    access_keys::authenticate(state, auth)
        .await
        .map_err(|e| Box::new(error_response(e)))
}

fn answer<T: Serialize>(status: StatusCode, result: Result<T, AppError>) -> Response {
    match result {
        Ok(v) => (status, Json(v)).into_response(),
        Err(e) => error_response(e),
    }
}

fn no_content(result: Result<(), AppError>) -> Response {
    match result {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => error_response(e),
    }
}

/// Authenticate, then run the body of a handler with `actor` bound.
macro_rules! with_actor {
    ($state:expr, $headers:expr, |$actor:ident| $body:expr) => {
        match authenticated(&$state, &$headers).await {
            Err(r) => *r,
            Ok($actor) => $body,
        }
    };
}

/// ListEventBuses.
#[utoipa::path(get, path = "/api/v1/buses", tag = "buses",
    responses((status = 200, body = Vec<EventBusView>), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn list_buses(State(state): State<AppState>, headers: HeaderMap) -> Response {
    with_actor!(state, headers, |actor| answer(
        StatusCode::OK,
        eventbridge::list_buses(&state, &actor).await
    ))
}

/// CreateEventBus: a custom bus (names starting `pai-system-` are the workspaces').
#[utoipa::path(post, path = "/api/v1/buses", tag = "buses", request_body = NewBus,
    responses((status = 201, body = EventBusView), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 409, body = ApiError), (status = 412, body = ApiError)))]
pub async fn create_bus(
    State(state): State<AppState>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    with_actor!(state, headers, |actor| {
        match body::<NewBus>(&headers, &bytes) {
            Err(r) => *r,
            Ok(b) => answer(
                StatusCode::CREATED,
                eventbridge::create_bus(
                    &state,
                    &actor,
                    &b.name,
                    &b.description,
                    b.unknown_types.as_deref(),
                )
                .await,
            ),
        }
    })
}

/// GetEventBus.
#[utoipa::path(get, path = "/api/v1/buses/{bus}", tag = "buses", params(("bus" = String, Path)),
    responses((status = 200, body = EventBusView), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn get_bus(
    State(state): State<AppState>,
    Path(bus): Path<String>,
    headers: HeaderMap,
) -> Response {
    with_actor!(state, headers, |actor| answer(
        StatusCode::OK,
        eventbridge::get_bus(&state, &actor, &bus).await
    ))
}

/// UpdateEventBus: a bus's settings, today what it does with unknown types (`refuse` or
/// `accept`). Needs `eventbridge:CreateEventBus` on the bus; audited.
#[utoipa::path(patch, path = "/api/v1/buses/{bus}", tag = "buses", params(("bus" = String, Path)), request_body = BusSettings,
    responses((status = 200, body = EventBusView), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn update_bus(
    State(state): State<AppState>,
    Path(bus): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    with_actor!(state, headers, |actor| {
        match body::<BusSettings>(&headers, &bytes) {
            Err(r) => *r,
            Ok(b) => answer(
                StatusCode::OK,
                eventbridge::set_unknown_types(
                    &state,
                    &actor,
                    &bus,
                    b.unknown_types.as_deref().unwrap_or_default(),
                )
                .await,
            ),
        }
    })
}

/// The bus's "Types seen but not in the catalog": each source/type pair it accepted without
/// a catalog entry, with a count and the latest event as a sample, newest first (at most
/// 100; `total` counts them all, at most 1,000 pairs and one overflow row with an empty
/// source and type).
#[utoipa::path(get, path = "/api/v1/buses/{bus}/unknown-types", tag = "buses", params(("bus" = String, Path)),
    responses((status = 200, body = UnknownTypesView), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn list_unknown_types(
    State(state): State<AppState>,
    Path(bus): Path<String>,
    headers: HeaderMap,
) -> Response {
    with_actor!(state, headers, |actor| answer(
        StatusCode::OK,
        eventbridge::unknown_types(&state, &actor, &bus).await
    ))
}

/// DeleteEventBus: a custom bus without rules (its event history goes with it).
#[utoipa::path(delete, path = "/api/v1/buses/{bus}", tag = "buses", params(("bus" = String, Path)),
    responses((status = 204), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
pub async fn delete_bus(
    State(state): State<AppState>,
    Path(bus): Path<String>,
    headers: HeaderMap,
) -> Response {
    with_actor!(state, headers, |actor| no_content(
        eventbridge::delete_bus(&state, &actor, &bus).await
    ))
}

/// ListRules.
#[utoipa::path(get, path = "/api/v1/buses/{bus}/rules", tag = "rules", params(("bus" = String, Path)),
    responses((status = 200, body = Vec<RuleView>), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn list_rules(
    State(state): State<AppState>,
    Path(bus): Path<String>,
    headers: HeaderMap,
) -> Response {
    with_actor!(state, headers, |actor| answer(
        StatusCode::OK,
        rules::list(&state, &actor, &bus).await
    ))
}

/// CreateRule (with its targets, which also needs UpdateTargets). An HTTP target saved
/// without a secret gets one, returned once in `new_secrets`.
#[utoipa::path(post, path = "/api/v1/buses/{bus}/rules", tag = "rules", params(("bus" = String, Path)), request_body = ApiRule,
    responses((status = 201, body = SavedRule), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 409, body = ApiError), (status = 412, body = ApiError)))]
pub async fn create_rule(
    State(state): State<AppState>,
    Path(bus): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    with_actor!(state, headers, |actor| {
        match body::<ApiRule>(&headers, &bytes) {
            Err(r) => *r,
            Ok(rule) => answer(
                StatusCode::CREATED,
                rules::create(&state, &actor, &bus, &rule.into_input(true)).await,
            ),
        }
    })
}

/// GetRule.
#[utoipa::path(get, path = "/api/v1/buses/{bus}/rules/{rule}", tag = "rules", params(("bus" = String, Path), ("rule" = String, Path)),
    responses((status = 200, body = RuleView), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn get_rule(
    State(state): State<AppState>,
    Path((bus, rule)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    with_actor!(state, headers, |actor| answer(
        StatusCode::OK,
        rules::get(&state, &actor, &bus, &rule).await
    ))
}

/// UpdateRule: replace the rule and its targets (UpdateTargets too; DeleteTargets when
/// targets are left out). Saved targets are kept by `id`; their empty `url` / `secret`
/// keep the stored ones.
#[utoipa::path(put, path = "/api/v1/buses/{bus}/rules/{rule}", tag = "rules", params(("bus" = String, Path), ("rule" = String, Path)), request_body = ApiRule,
    responses((status = 200, body = SavedRule), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn update_rule(
    State(state): State<AppState>,
    Path((bus, rule)): Path<(String, String)>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    with_actor!(state, headers, |actor| {
        match body::<ApiRule>(&headers, &bytes) {
            Err(r) => *r,
            Ok(input) => {
                let result = match rules::get_enabled(&state, &actor, &bus, &rule).await {
                    Ok(enabled) => {
                        rules::update(&state, &actor, &bus, &rule, &input.into_input(enabled)).await
                    }
                    Err(e) => Err(e),
                };
                answer(StatusCode::OK, result)
            }
        }
    })
}

/// DeleteRule (DeleteTargets too when it has targets).
#[utoipa::path(delete, path = "/api/v1/buses/{bus}/rules/{rule}", tag = "rules", params(("bus" = String, Path), ("rule" = String, Path)),
    responses((status = 204), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn delete_rule(
    State(state): State<AppState>,
    Path((bus, rule)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    with_actor!(state, headers, |actor| no_content(
        rules::delete(&state, &actor, &bus, &rule).await
    ))
}

/// EnableRule.
#[utoipa::path(post, path = "/api/v1/buses/{bus}/rules/{rule}/enable", tag = "rules", params(("bus" = String, Path), ("rule" = String, Path)),
    responses((status = 200, body = RuleView), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn enable_rule(
    State(state): State<AppState>,
    Path((bus, rule)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    with_actor!(state, headers, |actor| answer(
        StatusCode::OK,
        rules::set_enabled(&state, &actor, &bus, &rule, true).await
    ))
}

/// DisableRule.
#[utoipa::path(post, path = "/api/v1/buses/{bus}/rules/{rule}/disable", tag = "rules", params(("bus" = String, Path), ("rule" = String, Path)),
    responses((status = 200, body = RuleView), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn disable_rule(
    State(state): State<AppState>,
    Path((bus, rule)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    with_actor!(state, headers, |actor| answer(
        StatusCode::OK,
        rules::set_enabled(&state, &actor, &bus, &rule, false).await
    ))
}

/// ListTargets: a rule's targets, URLs and secrets masked.
#[utoipa::path(get, path = "/api/v1/buses/{bus}/rules/{rule}/targets", tag = "targets", params(("bus" = String, Path), ("rule" = String, Path)),
    responses((status = 200, body = Vec<TargetView>), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn list_targets(
    State(state): State<AppState>,
    Path((bus, rule)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    with_actor!(state, headers, |actor| answer(
        StatusCode::OK,
        rules::list_targets(&state, &actor, &bus, &rule).await
    ))
}

/// UpdateTargets: replace a rule's targets, the rule itself unchanged (DeleteTargets too
/// when saved targets are left out).
#[utoipa::path(put, path = "/api/v1/buses/{bus}/rules/{rule}/targets", tag = "targets", params(("bus" = String, Path), ("rule" = String, Path)), request_body = ApiTargets,
    responses((status = 200, body = SavedRule), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn update_targets(
    State(state): State<AppState>,
    Path((bus, rule)): Path<(String, String)>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    with_actor!(state, headers, |actor| {
        match body::<ApiTargets>(&headers, &bytes) {
            Err(r) => *r,
            Ok(t) => answer(
                StatusCode::OK,
                rules::put_targets(
                    &state,
                    &actor,
                    &bus,
                    &rule,
                    t.targets.into_iter().map(Into::into).collect(),
                )
                .await,
            ),
        }
    })
}

/// DeleteTargets: remove the targets `ids` from a rule.
#[utoipa::path(delete, path = "/api/v1/buses/{bus}/rules/{rule}/targets", tag = "targets", params(("bus" = String, Path), ("rule" = String, Path)), request_body = TargetIds,
    responses((status = 200, body = SavedRule), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn delete_targets(
    State(state): State<AppState>,
    Path((bus, rule)): Path<(String, String)>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    with_actor!(state, headers, |actor| {
        match body::<TargetIds>(&headers, &bytes) {
            Err(r) => *r,
            Ok(t) => answer(
                StatusCode::OK,
                rules::delete_targets(&state, &actor, &bus, &rule, &t.ids).await,
            ),
        }
    })
}

/// The events of a bus, newest first (GetEventBus).
#[utoipa::path(get, path = "/api/v1/buses/{bus}/events", tag = "events", params(("bus" = String, Path), EventQuery),
    responses((status = 200, body = Vec<EventView>), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn list_events(
    State(state): State<AppState>,
    Path(bus): Path<String>,
    Query(q): Query<EventQuery>,
    headers: HeaderMap,
) -> Response {
    let some = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let before = match some(q.before).map(|b| b.parse::<i64>().map_err(|_| b)) {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(b)) => {
            return error_response(AppError::invalid(
                "before",
                format!("{b:?} is not an event id"),
            ))
        }
    };
    let filter = EventFilter {
        event_type: some(q.event_type),
        status: some(q.status),
        since: some(q.since),
        before,
    };
    with_actor!(state, headers, |actor| answer(
        StatusCode::OK,
        events::list(&state, &actor, &bus, filter).await
    ))
}

/// PutEvents: CloudEvents in structured (`application/cloudevents+json`), batch
/// (`application/cloudevents-batch+json`) or binary (`ce-*` headers) mode.
#[utoipa::path(post, path = "/api/v1/buses/{bus}/events", tag = "events", params(("bus" = String, Path)),
    request_body(content = Object, content_type = "application/cloudevents+json"),
    responses((status = 200, body = PutEventsResult), (status = 400, body = PutEventsResult), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 413, body = ApiError), (status = 415, body = ApiError)))]
pub async fn put_events(
    state: State<AppState>,
    bus: Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    put_events_handler(state, bus, headers, bytes).await
}

/// DataRobot's webhooks as DataRobot sends them: the payload as an `application/json` body
/// (json mode) or in the form field `payload` (form mode). `misc.webhook_connection_test`
/// is answered 200 and recorded, delivered to nobody.
#[utoipa::path(post, path = "/api/v1/buses/{bus}/datarobot", tag = "events", params(("bus" = String, Path)),
    request_body(content = Object, content_type = "application/json"),
    responses((status = 200, body = PutEventsResult), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 413, body = ApiError), (status = 415, body = ApiError)))]
pub async fn put_datarobot(
    state: State<AppState>,
    bus: Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    put_datarobot_handler(state, bus, headers, bytes).await
}

/// One event with its deliveries and their attempts (GetEventBus).
#[utoipa::path(get, path = "/api/v1/buses/{bus}/events/{id}", tag = "events", params(("bus" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = EventDetail), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn get_event(
    State(state): State<AppState>,
    Path((bus, id)): Path<(String, i64)>,
    headers: HeaderMap,
) -> Response {
    with_actor!(state, headers, |actor| answer(
        StatusCode::OK,
        events::get(&state, &actor, &bus, id).await
    ))
}

/// The account's contacts ("message receiving settings").
#[utoipa::path(get, path = "/api/v1/contacts", tag = "contacts",
    responses((status = 200, body = Vec<ContactView>), (status = 401, body = ApiError)))]
pub async fn list_contacts(State(state): State<AppState>, headers: HeaderMap) -> Response {
    with_actor!(state, headers, |actor| answer(
        StatusCode::OK,
        contacts::list(&state, &actor).await
    ))
}

/// Create a contact (the account owner's).
#[utoipa::path(post, path = "/api/v1/contacts", tag = "contacts", request_body = ApiContact,
    responses((status = 201, body = ContactView), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 409, body = ApiError)))]
pub async fn create_contact(
    State(state): State<AppState>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    with_actor!(state, headers, |actor| {
        match body::<ApiContact>(&headers, &bytes) {
            Err(r) => *r,
            Ok(c) => answer(
                StatusCode::CREATED,
                contacts::create(&state, &actor, c.into()).await,
            ),
        }
    })
}

/// Replace a contact (the account owner's).
#[utoipa::path(put, path = "/api/v1/contacts/{id}", tag = "contacts", params(("id" = i64, Path)), request_body = ApiContact,
    responses((status = 200, body = ContactView), (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn update_contact(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    with_actor!(state, headers, |actor| {
        match body::<ApiContact>(&headers, &bytes) {
            Err(r) => *r,
            Ok(c) => answer(
                StatusCode::OK,
                contacts::update(&state, &actor, id, c.into()).await,
            ),
        }
    })
}

/// Delete a contact, taking it out of the targets that reach it (the account owner's).
#[utoipa::path(delete, path = "/api/v1/contacts/{id}", tag = "contacts", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn delete_contact(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    with_actor!(state, headers, |actor| no_content(
        contacts::delete(&state, &actor, id, true).await
    ))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Herald management API",
        description = "Buses, rules, targets, contacts and events of one account. Authenticate with `Authorization: Bearer <access key token>`; the key acts as its user, with that user's policies. Errors are `{\"code\", \"message\", \"field\"}`."
    ),
    paths(
        list_buses, create_bus, get_bus, update_bus, delete_bus, list_unknown_types,
        list_rules, create_rule, get_rule, update_rule, delete_rule, enable_rule, disable_rule,
        list_targets, update_targets, delete_targets,
        list_events, put_events, put_datarobot, get_event,
        list_contacts, create_contact, update_contact, delete_contact,
    ),
    modifiers(&BearerAuth),
    security(("access_key" = [])),
    tags(
        (name = "buses", description = "Event buses: ListEventBuses, CreateEventBus, GetEventBus, UpdateEventBus (what a bus does with unknown types), DeleteEventBus, and the types a bus received that the catalog does not know"),
        (name = "rules", description = "Event rules: ListRules, CreateRule, GetRule, UpdateRule, DeleteRule, EnableRule, DisableRule"),
        (name = "targets", description = "A rule's targets: ListTargets, UpdateTargets, DeleteTargets"),
        (name = "events", description = "PutEvents and the delivery log"),
        (name = "contacts", description = "Who voice, SMS and email targets reach"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "access_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("hk_<key id>_<secret>")
                    .description(Some("An AccessKey token, made on the Access keys page or with `herald access-key create`."))
                    .build(),
            ),
        );
    }
}

/// The OpenAPI 3 document of the management API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

async fn openapi_json() -> Response {
    Json(openapi()).into_response()
}

/// Any other path under `/api/v1/`: a JSON 404, not the console's page.
async fn no_such_route(uri: axum::http::Uri) -> Response {
    error_response(AppError::NotFound {
        what: format!("API route {}", uri.path()),
    })
}

/// The management API's routes (outside the session layer: keys, not cookies).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/{*rest}", axum::routing::any(no_such_route))
        .route("/api/openapi.json", get(openapi_json))
        .route("/api/v1/buses", get(list_buses).post(create_bus))
        .route(
            "/api/v1/buses/{bus}",
            get(get_bus).patch(update_bus).delete(delete_bus),
        )
        .route("/api/v1/buses/{bus}/unknown-types", get(list_unknown_types))
        .route(
            "/api/v1/buses/{bus}/rules",
            get(list_rules).post(create_rule),
        )
        .route(
            "/api/v1/buses/{bus}/rules/{rule}",
            get(get_rule).put(update_rule).delete(delete_rule),
        )
        .route("/api/v1/buses/{bus}/rules/{rule}/enable", post(enable_rule))
        .route(
            "/api/v1/buses/{bus}/rules/{rule}/disable",
            post(disable_rule),
        )
        .route(
            "/api/v1/buses/{bus}/rules/{rule}/targets",
            get(list_targets).put(update_targets).delete(delete_targets),
        )
        .route(
            "/api/v1/buses/{bus}/events",
            get(list_events).post(put_events),
        )
        .route("/api/v1/buses/{bus}/events/{id}", get(get_event))
        .route("/api/v1/buses/{bus}/datarobot", post(put_datarobot))
        .route("/api/v1/contacts", get(list_contacts).post(create_contact))
        .route(
            "/api/v1/contacts/{id}",
            put(update_contact).delete(delete_contact),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The routes, the version and the security scheme are checked on the served document
    /// by `tests/it/ram.rs`; here, that the types the routes exchange are described.
    #[test]
    fn the_document_describes_the_exchanged_types() {
        let doc = serde_json::to_value(openapi()).unwrap();
        for schema in [
            "RuleView",
            "TargetView",
            "SavedRule",
            "ApiRule",
            "ApiError",
            "EventBusView",
            "BusSettings",
            "UnknownTypesView",
            "UnknownTypeView",
            "UnknownTypes",
        ] {
            assert!(
                doc["components"]["schemas"][schema].is_object(),
                "schema {schema} missing"
            );
        }
    }

    #[test]
    fn an_api_rule_takes_the_flat_target_shape_of_the_spec() {
        let rule: ApiRule = serde_json::from_value(serde_json::json!({
            "name": "r1", "source": "pai.dlc", "types": ["dlc:Job:Failed"],
            "pattern": {"job": {"name": [{"prefix": "nightly-"}]}},
            "targets": [{"kind": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=x", "secret": "SEC1", "at_mobiles": ["+8613800000000"]}]
        }))
        .unwrap();
        let input: RuleInput = rule.into_input(true);
        assert!(input.enabled);
        assert_eq!(input.pattern, r#"{"job":{"name":[{"prefix":"nightly-"}]}}"#);
        assert!(matches!(
            &input.targets[0].config,
            TargetConfig::DingTalk { secret: Some(s), .. } if s == "SEC1"
        ));
    }
}

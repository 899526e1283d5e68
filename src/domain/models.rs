//! View models: what the server sends to the pages. None of them carries a secret.

use serde::{Deserialize, Serialize};

/// The signed-in user, as the pages see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub user_id: i64,
    pub account_id: i64,
    pub email: String,
    /// How the user logs in: the owner's email, or `name@account` for a RAM user.
    pub login: String,
    pub display_name: String,
    pub is_owner: bool,
    /// A RAM user still on its initial password: the console sends it to change it.
    pub must_change_password: bool,
}

/// One workspace in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct WorkspaceSummary {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    /// The workspace's bus, once EventBridge is activated.
    pub bus_name: Option<String>,
}

/// The "Event notification settings" tab of a workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationSettings {
    pub workspace: WorkspaceSummary,
    /// When EventBridge was activated for the account; `None` is the `ServiceNotEnable` state.
    pub activated_at: Option<String>,
    /// The service-linked role, once permissions are granted.
    pub role: Option<ServiceRoleView>,
    /// The account's message language (`en`, `ja`, `zh`): rules without one use it.
    #[serde(default)]
    pub language: String,
}

/// The service-linked role's details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceRoleView {
    pub name: String,
    pub arn: String,
    /// The policy document, pretty-printed JSON.
    pub policy: String,
    pub created_at: String,
}

/// One event bus on the "Event buses" page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EventBusView {
    pub name: String,
    pub workspace: Option<String>,
    pub description: String,
    pub arn: String,
    pub created_at: String,
    /// What the bus does with an event whose source or type the catalog does not know.
    #[serde(default)]
    pub unknown_types: UnknownTypes,
}

/// A bus's choice for events whose `source` or `type` the catalog does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sqlx::Type))]
// Stored as TEXT: PostgreSQL compares the declared name with the column's type.
#[cfg_attr(feature = "ssr", sqlx(type_name = "text", rename_all = "lowercase"))]
pub enum UnknownTypes {
    /// Refuse them, naming the type (or the source): the producer learns at once. What a
    /// bus made by hand starts with; a workspace's system bus (`pai-system-*`, where
    /// EventBridge puts PAI's events, whose exact strings are not published) starts with
    /// [`UnknownTypes::Accept`], so a real PAI event is shown rather than lost.
    #[default]
    Refuse,
    /// Store them, deliver them to rules that name their source, and list them under
    /// "Types seen but not in the catalog".
    Accept,
}

impl UnknownTypes {
    /// As stored, sent and shown: `refuse` or `accept`.
    pub fn as_str(self) -> &'static str {
        match self {
            UnknownTypes::Refuse => "refuse",
            UnknownTypes::Accept => "accept",
        }
    }

    /// From its name; `None` for anything else.
    pub fn parse(s: &str) -> Option<UnknownTypes> {
        [UnknownTypes::Refuse, UnknownTypes::Accept]
            .into_iter()
            .find(|u| u.as_str() == s)
    }

    /// From a field of a form or the API, refused naming `field` when it is neither name.
    pub fn parse_field(field: &str, s: &str) -> Result<UnknownTypes, super::AppError> {
        UnknownTypes::parse(s.trim()).ok_or_else(|| {
            super::AppError::invalid(
                field,
                format!("{s:?} is not a choice: use \"refuse\" or \"accept\""),
            )
        })
    }
}

/// One source/type pair an accepting bus received that the catalog does not know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sqlx::FromRow))]
pub struct UnknownTypeView {
    /// The CloudEvent `source` as the producer sent it; empty on the overflow row, which
    /// counts events of pairs past the bus's limit.
    pub source: String,
    /// The CloudEvent `type` as the producer sent it; empty on the overflow row.
    #[serde(rename = "type")]
    pub event_type: String,
    /// Events of this pair stored (a re-sent `(source, id)` is not counted again).
    pub count: i64,
    /// The latest such event as received (JSON), cut to 8 KiB.
    pub sample: String,
    pub first_seen: String,
    pub last_seen: String,
}

/// "Types seen but not in the catalog" on a bus's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UnknownTypesView {
    pub bus: String,
    pub unknown_types: UnknownTypes,
    /// The viewer may change the choice (`eventbridge:CreateEventBus` on the bus).
    #[serde(default)]
    pub may_change: bool,
    /// Newest first, at most [`UNKNOWN_TYPES_PAGE`].
    pub types: Vec<UnknownTypeView>,
    /// Pairs recorded on the bus in all (the overflow row included).
    pub total: i64,
}

/// Most unknown source/type pairs a bus's page and the API list at once.
pub const UNKNOWN_TYPES_PAGE: usize = 100;

/// A bus's EventBridge connection: where an EventBridge rule's HTTP target posts, and
/// its ingest token's state (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusTokenView {
    pub bus: String,
    /// The PutEvents URL to paste into the HTTP target.
    pub url: String,
    /// The header EventBridge sends the token in.
    pub header: String,
    /// When the current token was made; `None` when the bus has none.
    pub created_at: Option<String>,
    /// Who made it (the token acts as that user).
    pub created_by: Option<String>,
    /// Whether the viewer may create or rotate it.
    pub may_manage: bool,
}

/// A bus token just made, with the token: shown once, never again.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewBusToken {
    pub view: BusTokenView,
    pub token: String,
}

impl std::fmt::Debug for NewBusToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewBusToken")
            .field("view", &self.view)
            .field("token", &"[redacted]")
            .finish()
    }
}

/// A contact ("Message receiving settings").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContactView {
    pub id: i64,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// An AccessKey as listed; the token itself is shown once, at creation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AccessKeyView {
    pub id: i64,
    pub name: String,
    /// The token's public prefix (`hk_<key_id>_…`), to recognise it.
    pub key_id: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
    /// Whose key it is: the owner's email or a RAM user's `name@account`.
    pub user: String,
}

/// A key just created, with its token: shown once, never again.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccessKey {
    pub key: AccessKeyView,
    pub token: String,
}

impl std::fmt::Debug for NewAccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAccessKey")
            .field("key", &self.key)
            .field("token", &"[redacted]")
            .finish()
    }
}

/// The answer to PutEvents, shaped like EventBridge's: a count of failed entries and one
/// result per entry, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PutEventsResult {
    #[serde(rename = "FailedEntryCount")]
    pub failed_entry_count: usize,
    #[serde(rename = "Entries")]
    pub entries: Vec<PutEventsEntry>,
}

/// Why one entry was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryError {
    /// `InvalidArgument`, `EventTooLarge`, `UnsupportedMediaType`.
    pub code: &'static str,
    pub field: String,
    pub message: String,
    /// The source or type is one the catalog does not know, on a bus that refuses those.
    pub unknown_type: bool,
}

/// One entry's result: the event's id (and Herald's), or why it was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PutEventsEntry {
    #[serde(rename = "EventId", skip_serializing_if = "Option::is_none", default)]
    pub event_id: Option<String>,
    /// Herald's number for the event (its page is `/events/{HeraldEventId}`).
    #[serde(
        rename = "HeraldEventId",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub herald_id: Option<i64>,
    /// The `(source, id)` was already stored: nothing new was done.
    #[serde(
        rename = "Duplicate",
        skip_serializing_if = "std::ops::Not::not",
        default
    )]
    pub duplicate: bool,
    /// Deliveries queued for this event.
    #[serde(rename = "Deliveries", default)]
    pub deliveries: usize,
    #[serde(rename = "ErrorCode", skip_serializing_if = "Option::is_none", default)]
    pub error_code: Option<String>,
    #[serde(
        rename = "ErrorMessage",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub error_message: Option<String>,
    #[serde(
        rename = "ErrorField",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub error_field: Option<String>,
    /// The refusal as the check made it, for receivers that say it in their own terms
    /// (DataRobot's); not sent.
    #[serde(skip)]
    pub refusal: Option<EntryError>,
}

/// Events the delivery log lists per page.
pub const EVENTS_PAGE: usize = 50;

/// An event in the delivery log, with its deliveries' tally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EventView {
    pub id: i64,
    pub bus: String,
    pub source: String,
    /// The CloudEvent's own id.
    pub ce_id: String,
    pub event_type: String,
    pub subject: Option<String>,
    pub time: String,
    pub received_at: String,
    pub delivered: i64,
    pub failed: i64,
    pub pending: i64,
}

/// An event's page: the event as received, and every delivery with its attempts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EventDetail {
    pub event: EventView,
    /// The CloudEvent, pretty-printed.
    pub envelope: String,
    pub deliveries: Vec<DeliveryView>,
}

/// What "Send test event" would reach, shown before it is sent: each enabled rule of the
/// bus that takes the event, in rule order, with its targets. Nothing here is a secret:
/// robot and webhook addresses are masked, people are counted, not named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TestEventPreview {
    pub rules: Vec<PreviewRule>,
}

impl TestEventPreview {
    /// The targets of every matching rule, those hidden from the reader included.
    pub fn target_count(&self) -> usize {
        self.rules.iter().map(|r| r.target_count).sum()
    }
}

/// A rule that takes the test event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRule {
    pub name: String,
    /// How many targets it sends to (its targets that are not disabled).
    pub target_count: usize,
    /// Its targets; empty when the reader may not read them (`targets_hidden`).
    pub targets: Vec<PreviewTarget>,
    /// The reader lacks GetRule or ListTargets on the rule: only the count is shown.
    pub targets_hidden: bool,
}

/// A target the test event would reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewTarget {
    pub kind: crate::domain::catalog::TargetKind,
    /// Chat robots and HTTP targets: the address, masked (`crypto::mask_url`); `None` for
    /// voice, SMS and email, whose "where" is their people.
    pub address: Option<String>,
    /// Voice and SMS: the target's contacts with a phone number; email: those with an
    /// email address (saving a target, and editing a contact, keep them all so). The
    /// people the message reaches.
    pub people: Option<usize>,
}

/// Where a delivery stands. Stored as [`DeliveryStatus::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its first or next attempt.
    Pending,
    Delivered,
    /// Failed for good: the answer said trying again would not help.
    Failed,
    /// Every retry of the schedule failed.
    Dead,
}

impl DeliveryStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Dead => "dead",
        }
    }

    /// The status named `name`, as stored.
    pub fn parse(name: &str) -> Option<DeliveryStatus> {
        [
            DeliveryStatus::Pending,
            DeliveryStatus::Delivered,
            DeliveryStatus::Failed,
            DeliveryStatus::Dead,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }
}

/// One event to one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeliveryView {
    pub id: i64,
    pub rule: Option<String>,
    pub kind: String,
    /// Stable across attempts: receivers deduplicate by it.
    pub webhook_id: String,
    /// `pending`, `delivered`, `failed` (permanent) or `dead` (retries used up).
    pub status: String,
    pub attempt_count: i64,
    /// When the next attempt is due (RFC 3339), while pending.
    pub next_attempt_at: Option<String>,
    pub last_reason: Option<String>,
    pub last_detail: Option<String>,
    pub attempts: Vec<AttemptView>,
    /// The reader may not read this delivery's rule or its targets (no GetRule or no
    /// ListTargets there): `attempts` and `last_detail`, which show the target's address and
    /// answers, are left empty.
    #[serde(default)]
    pub hidden: bool,
}

/// One try of a delivery: the request (secrets masked), the answer, the latency, the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AttemptView {
    pub delivery_id: i64,
    pub number: i64,
    pub started_at: String,
    pub latency_ms: i64,
    pub request: String,
    pub response_status: Option<i64>,
    pub response_body: Option<String>,
    pub reason: String,
    pub detail: String,
}

/// A RAM user, as the owner's Users page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RamUserView {
    pub id: i64,
    pub login_name: String,
    /// What the user types on the login page: `name@account`.
    pub login: String,
    pub display_name: String,
    pub disabled: bool,
    pub must_change_password: bool,
    /// Names of the attached policies.
    pub policies: Vec<String>,
}

/// A policy of the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PolicyView {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub document: String,
    pub created_at: String,
    pub updated_at: String,
    /// How many users it is attached to.
    pub attached: i64,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AuditEntryView {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub resource: String,
    /// `ok` or `failed`.
    pub outcome: String,
    /// JSON: `{"before": …, "after": …}` or `{"reason": …}`; secrets masked.
    pub detail: String,
    /// How many times it happened: above 1 for failed logins counted together (one entry
    /// per login name, reason and hour; unknown names of the account share one).
    pub count: i64,
}

/// What the owner filters the audit log by; empty fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Part of the actor's name.
    #[serde(default)]
    pub actor: String,
    /// Part of the action, e.g. `Rule` or `herald:Login`.
    #[serde(default)]
    pub action: String,
    /// `ok` or `failed`; empty for both.
    #[serde(default)]
    pub outcome: String,
    /// RFC 3339 or `YYYY-MM-DD`; entries at or after it.
    #[serde(default)]
    pub since: String,
    /// Entries with ids below this one (the next page).
    #[serde(default)]
    pub before_id: Option<i64>,
}

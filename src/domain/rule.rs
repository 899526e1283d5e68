//! Event rules as the rule form and the API send them, their validation, and the views the
//! rule list and the form render. Shared by UI (live checks) and server (the checks that
//! count).

use super::catalog::{self, Source, TargetKind};
use super::lang::Lang;
use super::pattern::Pattern;
use super::quota;
use super::target::{ContentType, PayloadFormat, TargetConfig};
use super::AppError;
use serde::{Deserialize, Serialize};

/// Longest rule description, in characters.
pub const MAX_DESCRIPTION: usize = 256;

/// A rule as the form submits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RuleInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// A catalog source id, e.g. `pai.dlc`; or a source the catalog does not know, which
    /// the server takes when the bus has received it ([`RuleSource::Unlisted`]).
    pub source: String,
    /// Event types of that source; at least one. `["*"]` ([`catalog::ALL_TYPES`]) takes every
    /// type of the source, including types the catalog adds later; a type ending in `*`
    /// takes every type that starts with the rest (`pai:Job:*`).
    pub types: Vec<String>,
    /// An event pattern on `data` as JSON text; empty for none.
    #[serde(default)]
    pub pattern: String,
    #[serde(default)]
    pub targets: Vec<TargetInput>,
    /// The language of the rule's messages (`en`, `ja`, `zh`); empty for the account's.
    #[serde(default)]
    pub language: String,
    /// The rule's own message title, a template over the event; empty for the built-in
    /// headline.
    #[serde(default)]
    pub title_template: String,
    /// The rule's own message body, a template over the event; empty for the built-in facts.
    #[serde(default)]
    pub body_template: String,
}

/// The field of a rule's title template.
pub const TITLE_TEMPLATE: &str = "title_template";
/// The field of a rule's body template.
pub const BODY_TEMPLATE: &str = "body_template";
/// Longest message template, in characters.
pub const MAX_TEMPLATE_CHARS: usize = 4000;

/// A message template as a form or the API gives it: `None` when blank. Only its size and
/// characters are checked here; the server compiles it (and names the line that does not).
pub fn template(field: &str, raw: &str) -> Result<Option<String>, AppError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let len = raw.chars().count();
    if len > MAX_TEMPLATE_CHARS {
        return Err(AppError::invalid(
            field,
            format!("is too long: {len} characters, at most {MAX_TEMPLATE_CHARS}"),
        ));
    }
    if let Some(c) = raw
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(AppError::invalid(
            field,
            format!("may not contain control characters (found {c:?})"),
        ));
    }
    Ok(Some(raw.replace("\r\n", "\n")))
}

/// What the rule form's message preview shows: the templates rendered over the catalog
/// sample of the first chosen type, or why not (naming the line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessagePreview {
    /// The event type whose sample was used.
    pub event_type: String,
    /// The title as a chat or email would show it.
    pub title: String,
    /// The body, one entry a line.
    pub body: Vec<String>,
    /// Why a template could not be used, naming its field and line; the title and body are
    /// then the built-in ones, as a delivery would send them.
    pub error: Option<String>,
}

fn yes() -> bool {
    true
}

/// One target in the form. For a target that already exists (`id` set), an empty URL or
/// secret means "keep the stored one": the browser never has them whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetInput {
    #[serde(default)]
    pub id: Option<i64>,
    pub config: TargetConfig,
    /// Remove the stored signing key or secret (an empty `secret` alone keeps it).
    #[serde(default)]
    pub clear_secret: bool,
    /// Keep the stored custom headers of an HTTP target (their values may be credentials,
    /// so the browser never sees them).
    #[serde(default)]
    pub keep_headers: bool,
}

/// The source a rule names.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleSource {
    /// A source of the catalog.
    Catalog(&'static Source),
    /// A source the catalog does not know: one an accepting bus received (the server checks
    /// that it is listed under "Types seen but not in the catalog"), or the real source of
    /// a catalog alias.
    Unlisted(String),
}

impl RuleSource {
    /// The CloudEvent `source` the rule takes.
    pub fn id(&self) -> &str {
        match self {
            RuleSource::Catalog(s) => s.id,
            RuleSource::Unlisted(id) => id,
        }
    }
}

/// Longest source or type a rule names outside the catalog (as long as an event's `id`).
pub const MAX_UNLISTED: usize = 256;

/// Why `value` cannot be a source or type outside the catalog, if it cannot: it must be 1 to
/// [`MAX_UNLISTED`] bytes, without spaces or control characters (CloudEvents' sources are
/// URI references; types have no spaces in any producer we know). Ingest accepts an unknown
/// source or type only when a rule could name it.
pub fn unlisted_problem(value: &str) -> Option<String> {
    if value.is_empty() || value.len() > MAX_UNLISTED {
        return Some(format!("must be 1 to {MAX_UNLISTED} bytes long"));
    }
    value
        .chars()
        .find(|c| c.is_whitespace() || c.is_control())
        .map(|c| format!("{value:?} may not contain spaces or control characters (found {c:?})"))
}

/// A source or type from outside the catalog, trimmed and checked by [`unlisted_problem`].
fn unlisted(field: &str, what: &str, raw: &str) -> Result<String, AppError> {
    let value = raw.trim();
    match unlisted_problem(value) {
        None => Ok(value.to_string()),
        Some(why) => Err(AppError::invalid(field, format!("{what} {why}"))),
    }
}

/// The named types of a rule on a catalog source that the catalog does not list (neither a
/// prefix nor `*`): a rule may take one only once the bus has received it.
pub fn unlisted_types(def: &Definition) -> impl Iterator<Item = &str> {
    let source = match &def.source {
        RuleSource::Catalog(source) => Some(*source),
        RuleSource::Unlisted(_) => None,
    };
    def.types.iter().map(String::as_str).filter(move |t| {
        source.is_some_and(|s| {
            !is_prefix(t) && *t != catalog::ALL_TYPES && catalog::event_type(s.id, t).is_none()
        })
    })
}

/// A type prefix: an entry ending in `*` other than `*` alone, e.g. `pai:Job:*`.
pub fn is_prefix(t: &str) -> bool {
    t.len() > 1 && t.ends_with('*')
}

/// What step 1 of the form ("Event type") decides, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    pub name: String,
    pub description: String,
    pub source: RuleSource,
    pub types: Vec<String>,
    pub pattern: Option<Pattern>,
    /// The language of the rule's messages; `None` for the account's.
    pub language: Option<Lang>,
    /// The rule's message templates (size-checked; the server compiles them).
    pub title_template: Option<String>,
    pub body_template: Option<String>,
}

/// A message language as a form or the API gives it: empty for the account's language.
pub fn language(field: &str, raw: &str) -> Result<Option<Lang>, AppError> {
    let value = raw.trim();
    if value.is_empty() {
        return Ok(None);
    }
    Lang::parse(value).map(Some).ok_or_else(|| {
        AppError::invalid(
            field,
            format!("{value:?} is not a message language: use en, ja or zh (or none for the account's language)"),
        )
    })
}

/// A rule name: 2 to 127 letters, digits, `-` and `_`, starting with a letter or digit.
pub fn rule_name(field: &str, raw: &str) -> Result<String, AppError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(AppError::invalid(field, "is required"));
    }
    let len = value.chars().count();
    if !(2..=127).contains(&len) {
        return Err(AppError::invalid(field, "must be 2 to 127 characters long"));
    }
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(AppError::invalid(
            field,
            format!("may contain only letters, digits, '-' and '_' (found {c:?})"),
        ));
    }
    if !value.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(AppError::invalid(
            field,
            "must start with a letter or a digit",
        ));
    }
    Ok(value.to_string())
}

impl RuleInput {
    /// Check step 1: name, description, source, types and the pattern.
    pub fn definition(&self) -> Result<Definition, AppError> {
        let name = rule_name("name", &self.name)?;
        let description = self.description.trim().to_string();
        if description.chars().count() > MAX_DESCRIPTION {
            return Err(AppError::invalid(
                "description",
                format!("may be at most {MAX_DESCRIPTION} characters"),
            ));
        }
        if description.chars().any(|c| c.is_control() && c != '\n') {
            return Err(AppError::invalid(
                "description",
                "may not contain control characters",
            ));
        }
        let language = language("language", &self.language)?;
        let title_template = template(TITLE_TEMPLATE, &self.title_template)?;
        let body_template = template(BODY_TEMPLATE, &self.body_template)?;
        let source = match catalog::source(self.source.trim()) {
            Some(source) => RuleSource::Catalog(source),
            None if self.source.trim().is_empty() => {
                return Err(AppError::invalid("source", "pick an event source"))
            }
            None => RuleSource::Unlisted(unlisted("source", "a source", &self.source)?),
        };
        if self.types.is_empty() {
            return Err(AppError::invalid("types", "pick at least one event type"));
        }
        if self.types.iter().any(|t| t == catalog::ALL_TYPES) {
            if self.types.iter().any(|t| t != catalog::ALL_TYPES) {
                return Err(AppError::invalid(
                    "types",
                    "\"*\" (all event types of the source) stands alone: pick it or named \
                     types, not both",
                ));
            }
            return Ok(Definition {
                name,
                description,
                source,
                types: vec![catalog::ALL_TYPES.to_string()],
                pattern: parse_pattern(&self.pattern)?,
                language,
                title_template,
                body_template,
            });
        }
        let mut types: Vec<String> = Vec::with_capacity(self.types.len());
        for t in &self.types {
            // A catalog source's own types as listed; anything else (a prefix, a type the
            // catalog does not list) must be a name a rule can take, and a named type
            // outside the catalog one the bus has received ([`unlisted_types`], checked
            // by the server: a typo is caught there).
            let t = match &source {
                RuleSource::Catalog(source) if catalog::event_type(source.id, t).is_some() => {
                    t.clone()
                }
                _ => unlisted("types", "a type", t)?,
            };
            if !types.contains(&t) {
                types.push(t);
            }
        }
        // Keep the catalog's order, whatever order they were clicked in; prefixes and
        // types outside the catalog first, as given.
        if let RuleSource::Catalog(source) = &source {
            types.sort_by_key(|t| source.types().position(|e| e.type_id == t));
        }
        let pattern = parse_pattern(&self.pattern)?;
        Ok(Definition {
            name,
            description,
            source,
            types,
            pattern,
            language,
            title_template,
            body_template,
        })
    }
}

/// Parse the pattern text of the form; empty (or `{}`) is no pattern.
pub fn parse_pattern(text: &str) -> Result<Option<Pattern>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.len() > 16 * 1024 {
        return Err(AppError::invalid(
            "pattern",
            "is too long: a pattern may be at most 16 KiB of text (4 KiB of compact JSON)",
        ));
    }
    let pattern =
        Pattern::parse_str(text).map_err(|e| AppError::invalid("pattern", e.to_string()))?;
    Ok(
        if pattern.to_value().as_object().is_some_and(|o| o.is_empty()) {
            None
        } else {
            Some(pattern)
        },
    )
}

/// Whether a rule's stored `types` take this event type: it is named, it starts with a
/// prefix the rule names (`pai:Job:*`), or the rule takes all types of its source (`*`, the
/// empty prefix). The caller has already matched the source. On ingest's hot path: a
/// comparison per entry, no allocation.
pub fn takes_type(types: &[String], event_type: &str) -> bool {
    types.iter().any(|t| match t.strip_suffix('*') {
        Some(prefix) => event_type.starts_with(prefix),
        None => t == event_type,
    })
}

/// Whether a rule's `types` are "all event types of its source".
pub fn takes_all_types(types: &[String]) -> bool {
    types.iter().any(|t| t == catalog::ALL_TYPES)
}

/// How the rule list names a rule's types: "All event types", or the types themselves.
pub fn types_summary(types: &[String]) -> Vec<String> {
    if takes_all_types(types) {
        vec!["All event types".to_string()]
    } else {
        types.to_vec()
    }
}

/// The live preview: for each chosen type, does its catalog sample match the pattern?
pub fn preview(
    source: &Source,
    types: &[String],
    pattern: Option<&Pattern>,
) -> Vec<(String, bool)> {
    source
        .types()
        .filter(|t| takes_type(types, t.type_id))
        .map(|t| {
            let matched = pattern.is_none_or(|p| p.matches(&t.sample_data()));
            (t.type_id.to_string(), matched)
        })
        .collect()
}

/// Check a target against the rule's source; the error names `targets[i].kind`. The real
/// source of an alias is held to the kinds of the catalog source it maps onto. Any other
/// source outside the catalog may use every kind: the console's per-product choices cannot
/// be applied to events nobody has described, and the user who accepted them decides where
/// they go (an HTTP receiver, usually, to see them whole).
pub fn check_compatible(
    source: &RuleSource,
    index: usize,
    kind: TargetKind,
) -> Result<(), AppError> {
    let mut sources: Vec<&Source> = match source {
        RuleSource::Catalog(source) => vec![source],
        RuleSource::Unlisted(id) => catalog::alias_sources(id).collect(),
    };
    sources.dedup_by_key(|s| s.id);
    match sources
        .into_iter()
        .find_map(|s| catalog::incompatibility(s, kind))
    {
        None => Ok(()),
        Some(reason) => Err(AppError::invalid(&format!("targets[{index}].kind"), reason)),
    }
}

/// Units the targets take together.
pub fn units(targets: &[TargetConfig]) -> u32 {
    quota::rule_units(targets.iter().map(|t| (t.kind(), t.contact_count())))
}

/// A saved rule, as the rule list and the edit form see it. Carries no secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RuleView {
    pub id: i64,
    pub bus: String,
    pub name: String,
    pub description: String,
    pub enabled: bool,
    pub source: String,
    pub types: Vec<String>,
    /// The pattern, pretty-printed; empty for none.
    pub pattern: String,
    /// The language of the rule's messages (`en`, `ja`, `zh`); empty for the account's.
    #[serde(default)]
    pub language: String,
    /// The rule's message title template; empty for the built-in headline.
    #[serde(default)]
    pub title_template: String,
    /// The rule's message body template; empty for the built-in facts.
    #[serde(default)]
    pub body_template: String,
    /// The reader may not read the rule (no GetRule): its description, source, types and
    /// pattern are left empty, and mean nothing.
    #[serde(default)]
    pub definition_hidden: bool,
    /// The reader may not read the rule's targets (no GetRule or no ListTargets): `targets`
    /// is left empty, and means nothing.
    #[serde(default)]
    pub targets_hidden: bool,
    /// Units this rule may use.
    pub quota: u32,
    /// Units its targets take.
    pub units: u32,
    pub targets: Vec<TargetView>,
    /// An increase request awaiting the owner's decision.
    pub pending_request: Option<QuotaRequestView>,
    /// Deliveries of this rule's events: delivered, failed (or dead), pending.
    #[serde(default)]
    pub delivered: i64,
    #[serde(default)]
    pub failed: i64,
    #[serde(default)]
    pub pending: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// A bus's page: its rules, and whether rules can be created yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BusRules {
    pub bus: String,
    pub workspace: Option<String>,
    /// The service-linked role exists; without it no rule can be created.
    pub role_granted: bool,
    pub rules: Vec<RuleView>,
    /// The EventBridge actions the viewer may perform here (e.g. `eventbridge:CreateRule`),
    /// so the page offers only those; the server still checks each one.
    #[serde(default)]
    pub allowed: Vec<String>,
}

impl BusRules {
    /// May the viewer perform `action` (a policy name such as `eventbridge:DeleteRule`)?
    pub fn may(&self, action: &str) -> bool {
        self.allowed.iter().any(|a| a == action)
    }
}

/// A saved target with its secrets masked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TargetView {
    pub id: i64,
    pub kind: TargetKind,
    /// The webhook URL with its token masked.
    pub url_masked: Option<String>,
    /// The signing key or secret, masked; `None` when there is none.
    pub secret_masked: Option<String>,
    pub at_mobiles: Vec<String>,
    pub at_all: bool,
    pub mentioned_mobiles: Vec<String>,
    pub content_type: ContentType,
    pub payload_format: PayloadFormat,
    /// Names of the custom headers (their values may be credentials).
    pub header_names: Vec<String>,
    /// An HTTP target's request rate limit.
    #[serde(default)]
    pub max_per_second: Option<u32>,
    /// Contacts of a voice, SMS or email target, in order.
    pub contacts: Vec<ContactRef>,
    /// Why and since when the target is disabled (it kept failing); saving the rule turns
    /// it back on.
    #[serde(default)]
    pub disabled: Option<String>,
    /// The target's circuit breaker, when it is not closed: deliveries wait because the
    /// target kept timing out or refusing connections.
    #[serde(default)]
    pub circuit: Option<String>,
}

impl TargetView {
    /// Units the target takes.
    pub fn units(&self) -> u32 {
        quota::target_units(self.kind, self.contacts.len())
    }

    /// One line for the rule list: "DingTalk https://oapi.dingtalk.com/robot/send?access_token=abc••••" etc.
    pub fn summary(&self) -> String {
        match (&self.url_masked, self.contacts.is_empty()) {
            (Some(url), _) => format!("{} {url}", self.kind.label()),
            (None, false) => {
                let names: Vec<&str> = self.contacts.iter().map(|c| c.name.as_str()).collect();
                format!("{} to {}", self.kind.label(), names.join(", "))
            }
            (None, true) => self.kind.label().to_string(),
        }
    }
}

/// A contact as a target lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContactRef {
    pub id: i64,
    pub name: String,
}

/// What saving a rule returns: the rule, and any signing secret Herald generated, shown
/// once so the receiver can be set up to verify signatures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SavedRule {
    pub rule: RuleView,
    pub new_secrets: Vec<NewSecret>,
}

/// A secret generated at save, for the target at `position` (0-based) of the rule.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewSecret {
    pub position: usize,
    pub secret: String,
}

impl std::fmt::Debug for NewSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSecret")
            .field("position", &self.position)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// The state of a quota increase request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum RequestStatus {
    Pending,
    Approved,
    Rejected,
}

impl RequestStatus {
    /// As stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Approved => "approved",
            RequestStatus::Rejected => "rejected",
        }
    }

    /// From the stored text.
    pub fn parse(s: &str) -> Option<RequestStatus> {
        [
            RequestStatus::Pending,
            RequestStatus::Approved,
            RequestStatus::Rejected,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// A quota increase request, on the owner's "Quota requests" page and in the rule form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct QuotaRequestView {
    pub id: i64,
    pub bus: String,
    pub rule: String,
    pub current: u32,
    pub requested: u32,
    pub reason: String,
    pub status: RequestStatus,
    pub requested_by: String,
    pub created_at: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
}

/// A reason for a quota request: 1 to 500 characters.
pub fn request_reason(field: &str, raw: &str) -> Result<String, AppError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(AppError::invalid(
            field,
            "say why this rule needs more targets",
        ));
    }
    if value.chars().count() > 500 {
        return Err(AppError::invalid(field, "may be at most 500 characters"));
    }
    Ok(value.to_string())
}

/// Where a contact is used, shown before it is deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactUse {
    pub bus: String,
    pub rule: String,
    pub kind: TargetKind,
    /// The contact is the target's only one, so deleting it removes the target.
    pub removes_target: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(source: &str, types: &[&str], pattern: &str) -> RuleInput {
        RuleInput {
            name: "nightly-failures".into(),
            source: source.into(),
            types: types.iter().map(|t| t.to_string()).collect(),
            pattern: pattern.into(),
            enabled: true,
            ..RuleInput::default()
        }
    }

    #[test]
    fn a_valid_definition_keeps_the_catalog_order_and_drops_repeats() {
        let d = input(
            "pai.dlc",
            &["dlc:Job:Failed", "dlc:Job:Queued", "dlc:Job:Failed"],
            "",
        )
        .definition()
        .unwrap();
        assert_eq!(d.types, ["dlc:Job:Queued", "dlc:Job:Failed"]);
        assert_eq!(d.source.id(), "pai.dlc");
        assert!(d.pattern.is_none());
    }

    #[test]
    fn all_types_stands_alone_and_takes_every_type_of_the_source() {
        let d = input("datarobot.deployment", &["*", "*"], "")
            .definition()
            .unwrap();
        assert_eq!(d.types, ["*"]);
        assert!(takes_type(
            &d.types,
            "model_deployments.deployment_launch_failed"
        ));
        // A type the catalog does not list yet: `*` still takes it.
        assert!(takes_type(&d.types, "model_deployments.something_new"));
        let named = vec!["dlc:Job:Failed".to_string()];
        assert!(takes_type(&named, "dlc:Job:Failed"));
        assert!(!takes_type(&named, "dlc:Job:Queued"));
        for mixed in [&["*", "project.created"][..], &["project.created", "*"][..]] {
            match input("datarobot.project", mixed, "").definition() {
                Err(AppError::Invalid { field, message }) => {
                    assert_eq!(field, "types");
                    assert!(message.contains("stands alone"), "{message}");
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(types_summary(&d.types), ["All event types"]);
        assert_eq!(types_summary(&named), ["dlc:Job:Failed"]);
        // The preview shows every type of the source.
        let source = catalog::source("datarobot.project").unwrap();
        assert_eq!(
            preview(source, &d.types, None).len(),
            source.types().count()
        );
    }

    #[test]
    fn each_step_one_mistake_names_its_field() {
        let field = |i: RuleInput| match i.definition().unwrap_err() {
            AppError::Invalid { field, .. } => field,
            other => panic!("{other:?}"),
        };
        let mut bad = input("pai.dlc", &["dlc:Job:Failed"], "");
        bad.name = "-x".into();
        assert_eq!(field(bad), "name");
        assert_eq!(field(input("pai nope", &["dlc:Job:Failed"], "")), "source");
        assert_eq!(field(input("pai.nope", &["a type"], "")), "types");
        assert_eq!(field(input("pai.dlc", &[], "")), "types");
        // A type the source does not list is left to the server, which takes it only
        // once the bus has received it (a type of another source, here, it never will).
        let other = input(
            "pai.dlc",
            &["flow:Task:Failed", "dlc:Job:Failed", "dlc:Job:*"],
            "",
        )
        .definition()
        .unwrap();
        assert_eq!(
            unlisted_types(&other).collect::<Vec<_>>(),
            ["flow:Task:Failed"]
        );
        assert_eq!(field(input("pai.dlc", &["flow Task"], "")), "types");
        assert_eq!(field(input("pai.dlc", &["dlc:Job:Failed"], "{")), "pattern");
        let mut long = input("pai.dlc", &["dlc:Job:Failed"], "");
        long.description = "x".repeat(MAX_DESCRIPTION + 1);
        assert_eq!(field(long), "description");
        let mut long = input("pai.dlc", &["dlc:Job:Failed"], "");
        long.title_template = "x".repeat(MAX_TEMPLATE_CHARS + 1);
        assert_eq!(field(long), TITLE_TEMPLATE);
        let mut long = input("pai.dlc", &["dlc:Job:Failed"], "");
        long.body_template = "x".repeat(MAX_TEMPLATE_CHARS + 1);
        assert_eq!(field(long), BODY_TEMPLATE);
        let mut bell = input("pai.dlc", &["dlc:Job:Failed"], "");
        bell.body_template = "ding\u{7}".into();
        assert_eq!(field(bell), BODY_TEMPLATE);
        // Blank is none; lines are kept.
        let mut fine = input("pai.dlc", &["dlc:Job:Failed"], "");
        fine.title_template = "  ".into();
        fine.body_template = "a\r\nb".into();
        let d = fine.definition().unwrap();
        assert_eq!(d.title_template, None);
        assert_eq!(d.body_template.as_deref(), Some("a\nb"));
    }

    #[test]
    fn a_type_prefix_takes_the_types_that_start_with_it_and_no_others() {
        let types = vec!["pai:Job:*".to_string(), "pai:Other".to_string()];
        assert!(takes_type(&types, "pai:Job:Failed"));
        assert!(takes_type(&types, "pai:Job:"));
        assert!(takes_type(&types, "pai:Other"));
        assert!(!takes_type(&types, "pai:Jo"));
        assert!(!takes_type(&types, "pai:Other:Sub"));
        assert!(!takes_type(&types, "xpai:Job:Failed"));
        assert!(is_prefix("pai:Job:*"));
        assert!(!is_prefix("*"));
        assert!(!is_prefix("pai:Job"));
        // On a source outside the catalog, prefixes and named types are kept as given.
        let d = input("acme.jobs", &["pai:Job:*", "pai:Other", "pai:Job:*"], "")
            .definition()
            .unwrap();
        assert_eq!(d.source, RuleSource::Unlisted("acme.jobs".into()));
        assert_eq!(d.types, ["pai:Job:*", "pai:Other"]);
        // On a catalog source a prefix is taken; a named type outside the catalog is marked
        // for the server's check.
        let d = input("pai.dlc", &["dlc:Job:*"], "").definition().unwrap();
        assert!(takes_type(&d.types, "dlc:Job:Exploded"));
        assert_eq!(unlisted_types(&d).count(), 0);
        let d = input("pai.dlc", &["dlc:Job:Exploded"], "")
            .definition()
            .unwrap();
        assert_eq!(unlisted_types(&d).collect::<Vec<_>>(), ["dlc:Job:Exploded"]);
    }

    #[test]
    fn pattern_errors_say_where() {
        let e = input(
            "pai.dlc",
            &["dlc:Job:Failed"],
            r#"{"job": {"name": [{"wildcard": "x*"}]}}"#,
        )
        .definition()
        .unwrap_err();
        let msg = e.for_field("pattern").unwrap();
        assert!(msg.contains("data.job.name"), "{msg}");
    }

    #[test]
    fn the_preview_tells_which_samples_match() {
        let source = catalog::source("pai.dlc").unwrap();
        let types = vec!["dlc:Job:Failed".to_string(), "dlc:Job:Running".to_string()];
        let everything = preview(source, &types, None);
        assert_eq!(everything.len(), 2);
        assert!(everything.iter().all(|(_, m)| *m));
        let sample = catalog::event_type("pai.dlc", "dlc:Job:Failed")
            .unwrap()
            .sample_data();
        let status = sample["job"]["status"]
            .as_str()
            .expect("DLC samples carry job.status");
        let p = parse_pattern(&format!(r#"{{"job": {{"status": ["{status}"]}}}}"#))
            .unwrap()
            .unwrap();
        let shown = preview(source, &types, Some(&p));
        assert_eq!(
            shown,
            vec![
                ("dlc:Job:Running".to_string(), false),
                ("dlc:Job:Failed".to_string(), true)
            ]
        );
    }

    #[test]
    fn an_empty_pattern_object_is_no_pattern() {
        assert!(parse_pattern(" {} ").unwrap().is_none());
        assert!(parse_pattern("").unwrap().is_none());
    }

    #[test]
    fn compatibility_errors_name_the_target() {
        let dlc = RuleSource::Catalog(catalog::source("pai.dlc").unwrap());
        let e = check_compatible(&dlc, 2, TargetKind::Http).unwrap_err();
        let msg = e.for_field("targets[2].kind").unwrap();
        assert!(
            msg.contains("only available for Model and DataRobot"),
            "{msg}"
        );
        let model = RuleSource::Catalog(catalog::source("pai.model").unwrap());
        assert!(check_compatible(&model, 0, TargetKind::Http).is_ok());
        assert!(check_compatible(&model, 0, TargetKind::Sms).is_err());
        let unlisted = RuleSource::Unlisted("acme.jobs".into());
        for kind in TargetKind::ALL {
            assert!(check_compatible(&unlisted, 0, kind).is_ok(), "{kind}");
        }
        // An alias's real source is held to its catalog source's kinds (pai.dlc: no HTTP).
        let alias = RuleSource::Unlisted("acs.pai".into());
        let e = check_compatible(&alias, 1, TargetKind::Http).unwrap_err();
        assert!(e.for_field("targets[1].kind").is_some(), "{e:?}");
        assert!(check_compatible(&alias, 0, TargetKind::DingTalk).is_ok());
    }

    #[test]
    fn rule_names_follow_eventbridge() {
        assert_eq!(rule_name("name", " job-alerts_1 ").unwrap(), "job-alerts_1");
        assert!(rule_name("name", "a").is_err());
        assert!(rule_name("name", "has space").is_err());
        assert!(rule_name("name", &"a".repeat(128)).is_err());
        assert!(rule_name("name", "_x").is_err());
    }

    #[test]
    fn the_seed_example_counts_four_units() {
        let targets = [
            TargetConfig::Sms {
                contacts: vec![1, 2],
            },
            TargetConfig::Email {
                contacts: vec![1, 3],
            },
        ];
        assert_eq!(units(&targets), 4);
    }

    #[test]
    fn new_secrets_do_not_print() {
        let s = NewSecret {
            position: 0,
            secret: "whsec_c2VjcmV0".into(),
        };
        assert!(!format!("{s:?}").contains("whsec_"));
    }
}

//! The event catalog: every event source Herald knows, its categories and event types (with
//! title, description, required `data` fields and a sample `data`), and which target kinds each
//! source may send to.
//!
//! This is pure, `'static` data plus a few lookups; nothing here does I/O. Matching events to
//! rules, delivering them and storing rules live elsewhere.
//!
//! DataRobot's sources cover its whole public list of notification event types (about 200,
//! grouped by family; see `catalog/datarobot.rs` for the list and its sources). A rule may take
//! every type of its source, present and future, with [`ALL_TYPES`].
//!
//! Every sample `data` has DataRobot's shape (the "standard template"): an `event` object with at
//! least `entity_id` and `uid`, and one entity object (`project`, `dataset`, `deployment`, `job`,
//! `instance`, `task`, `model_version`, or the object of a DataRobot family such as
//! `batch_prediction` or `change_request`). The delivered body adds `event_type` and `timestamp`,
//! so samples never carry those two.
//!
//! Names and titles are translated in the UI's own strings (`locales/*.json`); descriptions,
//! far longer, are translated in server-only data ([`descriptions`], `ssr` builds) that the
//! catalog page fetches for its locale as [`CatalogDescriptions`].

use std::fmt;

use serde::{Deserialize, Serialize};

mod datarobot;
#[cfg(feature = "ssr")]
pub mod descriptions;

/// Where a matching event can be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum TargetKind {
    #[serde(rename = "dingtalk")]
    DingTalk,
    #[serde(rename = "wecom")]
    WeCom,
    Lark,
    Http,
    Voice,
    Sms,
    Email,
}

impl TargetKind {
    /// Every kind, in the order the UI offers them.
    pub const ALL: [TargetKind; 7] = [
        TargetKind::DingTalk,
        TargetKind::WeCom,
        TargetKind::Lark,
        TargetKind::Http,
        TargetKind::Voice,
        TargetKind::Sms,
        TargetKind::Email,
    ];

    /// The wire name, identical to the serde name (`"dingtalk"`, `"wecom"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::DingTalk => "dingtalk",
            TargetKind::WeCom => "wecom",
            TargetKind::Lark => "lark",
            TargetKind::Http => "http",
            TargetKind::Voice => "voice",
            TargetKind::Sms => "sms",
            TargetKind::Email => "email",
        }
    }

    /// The name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            TargetKind::DingTalk => "DingTalk",
            TargetKind::WeCom => "WeCom",
            TargetKind::Lark => "Lark / Feishu",
            TargetKind::Http => "HTTP/HTTPS",
            TargetKind::Voice => "Voice call",
            TargetKind::Sms => "SMS",
            TargetKind::Email => "Email",
        }
    }

    /// The kind with this wire name; the inverse of [`TargetKind::as_str`].
    pub fn parse(s: &str) -> Option<TargetKind> {
        TargetKind::ALL.into_iter().find(|kind| kind.as_str() == s)
    }

    /// Voice, SMS and email pick contacts; each selected contact costs one quota unit.
    pub fn uses_contacts(self) -> bool {
        matches!(
            self,
            TargetKind::Voice | TargetKind::Sms | TargetKind::Email
        )
    }

    /// DingTalk, WeCom and Lark group robots.
    pub fn is_chat_robot(self) -> bool {
        matches!(
            self,
            TargetKind::DingTalk | TargetKind::WeCom | TargetKind::Lark
        )
    }
}

impl fmt::Display for TargetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An event source: the CloudEvent `source` of its events.
#[derive(Debug, PartialEq, Eq)]
pub struct Source {
    /// The CloudEvent `source`, e.g. `pai.dlc`.
    pub id: &'static str,
    /// The name shown in the UI, e.g. "DLC job".
    pub name: &'static str,
    pub description: &'static str,
    /// The source's event types, grouped as the rule form shows them.
    pub categories: &'static [Category],
}

/// A group of event types within a source, e.g. "Job timeout".
#[derive(Debug, PartialEq, Eq)]
pub struct Category {
    pub name: &'static str,
    pub types: &'static [EventType],
}

/// One event type: the CloudEvent `type` of its events.
#[derive(Debug, PartialEq, Eq)]
pub struct EventType {
    /// The CloudEvent `type`, e.g. `dlc:Job:Failed` or `project.deleted`.
    pub type_id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// Fields an event's `data` must carry, as dotted paths such as `event.deletion_time`.
    pub required: &'static [&'static str],
    /// A sample `data`: a JSON object literal.
    pub sample: &'static str,
}

impl EventType {
    /// The sample `data`, parsed.
    pub fn sample_data(&self) -> serde_json::Value {
        serde_json::from_str(self.sample).expect("catalog samples are valid JSON (tested)")
    }
}

/// Chat robots, voice, SMS and email: the PAI sources other than Model.
const CHAT_AND_CONTACTS: &[TargetKind] = &[
    TargetKind::DingTalk,
    TargetKind::WeCom,
    TargetKind::Lark,
    TargetKind::Voice,
    TargetKind::Sms,
    TargetKind::Email,
];

/// Chat robots and HTTP: the Model source.
const CHAT_AND_HTTP: &[TargetKind] = &[
    TargetKind::DingTalk,
    TargetKind::WeCom,
    TargetKind::Lark,
    TargetKind::Http,
];

impl Source {
    /// The target kinds a rule on this source may use.
    ///
    /// As in the PAI console: HTTP/HTTPS only for Model events (and, in Herald, for DataRobot
    /// events, whose receivers expect webhooks); voice, SMS and email for everything except
    /// Model events; chat robots for all.
    pub fn allowed_targets(&self) -> &'static [TargetKind] {
        if self.is_datarobot() {
            &TargetKind::ALL
        } else if self.id == MODEL {
            CHAT_AND_HTTP
        } else {
            CHAT_AND_CONTACTS
        }
    }

    /// Whether a rule on this source may use targets of this kind.
    pub fn allows(&self, kind: TargetKind) -> bool {
        self.allowed_targets().contains(&kind)
    }

    /// Every event type of the source, category by category.
    pub fn types(&self) -> impl Iterator<Item = &'static EventType> {
        let categories: &'static [Category] = self.categories;
        categories.iter().flat_map(|category| category.types.iter())
    }

    /// DataRobot families (`datarobot.*`), as opposed to the PAI platform sources.
    pub fn is_datarobot(&self) -> bool {
        self.id.starts_with("datarobot.")
    }
}

/// The catalog's descriptions in one language, as the server sends them to the catalog page:
/// by source id and by event type id. Empty for English, and wherever a text is missing the
/// catalog's own (English) description stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogDescriptions {
    pub sources: std::collections::BTreeMap<String, String>,
    pub types: std::collections::BTreeMap<String, String>,
}

impl CatalogDescriptions {
    /// The description of `source`.
    pub fn source<'a>(&'a self, source: &'static Source) -> &'a str {
        self.sources
            .get(source.id)
            .map_or(source.description, String::as_str)
    }

    /// The description of `event_type`.
    pub fn event_type<'a>(&'a self, event_type: &'static EventType) -> &'a str {
        self.types
            .get(event_type.type_id)
            .map_or(event_type.description, String::as_str)
    }
}

/// The `types` entry of a rule that takes every event type of its source, including types
/// added to the catalog later. It stands alone: a list mixing it with named types is refused.
pub const ALL_TYPES: &str = "*";

/// The DataRobot source of a DataRobot `event_type`, by its family (the part before the first
/// `.`): `model_version.added` is a `datarobot.model_version` event, `autopilot.complete` and
/// `project.created` are `datarobot.project` events. `None` for a family the catalog does not
/// know, and for `misc.webhook_connection_test`, which is no rule's business.
pub fn datarobot_source_for(event_type: &str) -> Option<&'static Source> {
    if event_type == "misc.webhook_connection_test" {
        return None;
    }
    let family = family(event_type);
    SOURCES.iter().filter(|s| s.is_datarobot()).find(|source| {
        source
            .types()
            .any(|known| self::family(known.type_id) == family)
    })
}

/// A DataRobot type's family: its part before the first `.`.
fn family(event_type: &str) -> &str {
    event_type.split('.').next().unwrap_or(event_type)
}

/// Every source, in the order the rule form lists them.
pub fn sources() -> &'static [Source] {
    &SOURCES
}

/// The source with this id (the CloudEvent `source`).
pub fn source(id: &str) -> Option<&'static Source> {
    SOURCES.iter().find(|source| source.id == id)
}

/// The type with this id within this source; a type is never found under another source.
pub fn event_type(source_id: &str, type_id: &str) -> Option<&'static EventType> {
    source(source_id)?
        .types()
        .find(|event_type| event_type.type_id == type_id)
}

/// Aliases: a source/type a producer really sends, mapped onto a catalog entry, as
/// `(real source, real type, catalog source, catalog type)`. A type ending in `*` is a
/// prefix: the rest of the real type is appended to the catalog one. Applied at ingest
/// ([`resolve`]): the stored event keeps what the producer sent, while required fields,
/// matching and messages use the catalog entry, so rules saved on catalog ids take the
/// real events without a migration of stored rules. Once PAI's real strings are known
/// they go here.
///
/// The one entry is an **example of the mechanism, not a confirmed PAI string**: EventBridge
/// names Alibaba Cloud services' sources `acs.<product>`, and `pai:dlc:Job:Failed` is a
/// plausible spelling of a DLC job's state change under it.
pub const ALIASES: &[(&str, &str, &str, &str)] = &[("acs.pai", "pai:dlc:Job:*", DLC, "dlc:Job:*")];

/// The catalog entry of an event as a producer sent it: the entry itself, or the one an
/// [`ALIASES`] entry maps it onto. `None` when the catalog does not know it.
pub fn resolve(source_id: &str, type_id: &str) -> Option<(&'static Source, &'static EventType)> {
    if let Some(source) = source(source_id) {
        if let Some(entry) = source.types().find(|t| t.type_id == type_id) {
            return Some((source, entry));
        }
    }
    ALIASES
        .iter()
        .filter(|(real_source, ..)| *real_source == source_id)
        .find_map(|(_, real_type, catalog_source, catalog_type)| {
            let mapped = match (real_type.strip_suffix('*'), catalog_type.strip_suffix('*')) {
                (Some(prefix), Some(target)) => {
                    format!("{target}{}", type_id.strip_prefix(prefix)?)
                }
                (None, None) if *real_type == type_id => catalog_type.to_string(),
                _ => return None,
            };
            let entry = event_type(catalog_source, &mapped)?;
            Some((source(catalog_source)?, entry))
        })
}

/// The catalog sources the [`ALIASES`] of this real source map onto: a rule may name the
/// real source as it names a catalog source, and is held to those sources' target kinds.
pub fn alias_sources(source_id: &str) -> impl Iterator<Item = &'static Source> + '_ {
    ALIASES
        .iter()
        .filter(move |(real, ..)| *real == source_id)
        .filter_map(|(_, _, catalog_source, _)| source(catalog_source))
}

/// Is this the real source of an [`ALIASES`] entry?
pub fn is_alias_source(source_id: &str) -> bool {
    alias_sources(source_id).next().is_some()
}

/// Check `data` for the type's required fields; `Some` names the first missing one as its
/// dotted path. A field that is present but `null` counts as missing: a receiver that needs a
/// value cannot use a null one.
pub fn missing_required(event: &EventType, data: &serde_json::Value) -> Option<&'static str> {
    let required: &'static [&'static str] = event.required;
    required
        .iter()
        .copied()
        .find(|path| lookup(data, path).is_none_or(serde_json::Value::is_null))
}

/// The value at a dotted path of objects, if every step exists.
fn lookup<'a>(data: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    path.split('.').try_fold(data, |value, key| value.get(key))
}

/// Why a target kind is not allowed for a source, in words for the user; `None` if allowed.
pub fn incompatibility(source: &Source, kind: TargetKind) -> Option<String> {
    if source.allows(kind) {
        return None;
    }
    let reason = match kind {
        TargetKind::Http => format!(
            "{} targets are only available for Model and DataRobot events",
            kind.label()
        ),
        _ => format!(
            "{} targets are not available for {} events",
            kind.label(),
            source.name
        ),
    };
    let offered: Vec<&str> = source
        .allowed_targets()
        .iter()
        .map(|allowed| allowed.label())
        .collect();
    Some(format!(
        "{reason}; {} events can go to {}.",
        source.name,
        offered.join(", ")
    ))
}

const FLOW: &str = "pai.flow";
const DLC: &str = "pai.dlc";
const MODEL: &str = "pai.model";
const DSW: &str = "pai.dsw";

/// PAI events name the entity in `event.entity_id`, the acting account in `event.uid`, and
/// carry the entity object with its `id`.
const TASK_REQUIRED: &[&str] = &["event.entity_id", "event.uid", "task.id"];
const JOB_REQUIRED: &[&str] = &["event.entity_id", "event.uid", "job.id"];
const MODEL_VERSION_REQUIRED: &[&str] = &["event.entity_id", "event.uid", "model_version.id"];
const INSTANCE_REQUIRED: &[&str] = &["event.entity_id", "event.uid", "instance.id"];

// DataRobot's tables name the Mongo field `originalName`, but its payloads carry
// `original_name`; we require what the payloads carry, so the seed's own examples pass.
// Deletion fields are required only of deletion events, and live in `event` as in the seed's
// project.deleted example.
const PROJECT_REQUIRED: &[&str] = &[
    "project.active",
    "project.default_dataset_id",
    "project.original_name",
    "project.project_name",
    "project.stage",
];
const PROJECT_DELETED_REQUIRED: &[&str] = &[
    "project.active",
    "project.default_dataset_id",
    "project.original_name",
    "project.project_name",
    "project.stage",
    "event.deletion_time",
    "event.deleted_by",
];
const DATASET_REQUIRED: &[&str] = &[
    "dataset.latest_catalog_version_id",
    "dataset.original_name",
    "dataset.catalog_type",
    "dataset.version",
];
const DATASET_DELETED_REQUIRED: &[&str] = &[
    "dataset.latest_catalog_version_id",
    "dataset.original_name",
    "dataset.catalog_type",
    "dataset.version",
    "event.deletion_time",
    "event.deleted_by",
];
const DEPLOYMENT_REQUIRED: &[&str] = &[
    "deployment.model_id",
    "deployment.project_id",
    "deployment.user_id",
];

static SOURCES: [Source; 23] = [
    Source {
        id: FLOW,
        name: "Flow task",
        description: "Designer pipeline (Flow) tasks: failures and completions.",
        categories: &[
            Category {
                name: "Task failed",
                types: &[EventType {
                    type_id: "flow:Task:Failed",
                    title: "Task failed",
                    description: "A Designer pipeline task ended in failure.",
                    required: TASK_REQUIRED,
                    sample: r#"{
  "event": {"entity_id": "flow-5xq8n2k7m1r4t9", "uid": "1557702098194904", "workspace_id": "86995", "region": "cn-hangzhou", "status": "Failed"},
  "task": {"id": "flow-5xq8n2k7m1r4t9", "name": "daily-feature-pipeline", "pipeline_id": "pipeline-3m7k1x9q", "workspace_id": "86995", "status": "Failed", "failed_node": "SQL Script-2", "error_message": "ODPS-0130071: column 'user_age' cannot be resolved", "started_at": "2025-11-07T01:00:04Z", "finished_at": "2025-11-07T01:12:37Z", "duration_seconds": 753}
}"#,
                }],
            },
            Category {
                name: "Task completed (success or failure)",
                types: &[EventType {
                    type_id: "flow:Task:Completed",
                    title: "Task completed",
                    description: "A Designer pipeline task finished, whether it succeeded or failed.",
                    required: TASK_REQUIRED,
                    sample: r#"{
  "event": {"entity_id": "flow-5xq8n2k7m1r4t9", "uid": "1557702098194904", "workspace_id": "86995", "region": "cn-hangzhou", "status": "Succeeded"},
  "task": {"id": "flow-5xq8n2k7m1r4t9", "name": "daily-feature-pipeline", "pipeline_id": "pipeline-3m7k1x9q", "workspace_id": "86995", "status": "Succeeded", "node_count": 9, "started_at": "2025-11-07T01:00:04Z", "finished_at": "2025-11-07T01:41:52Z", "duration_seconds": 2508}
}"#,
                }],
            },
        ],
    },
    Source {
        id: DLC,
        name: "DLC job",
        description: "Deep Learning Containers training jobs: progress, automatic fault tolerance, \
                      timeouts, preemption and manual stops.",
        categories: &[
            Category {
                name: "Job progress",
                types: &[
                    EventType {
                        type_id: "dlc:Job:Queued",
                        title: "Job queued",
                        description: "The job entered the resource queue and waits for capacity.",
                        required: JOB_REQUIRED,
                        sample: r#"{
  "event": {"entity_id": "dlc1f9kq3w7zx2m5", "uid": "1557702098194904", "workspace_id": "86995", "region": "cn-hangzhou", "status": "Queuing"},
  "job": {"id": "dlc1f9kq3w7zx2m5", "name": "nightly-train-resnet50", "job_type": "PyTorchJob", "workspace_id": "86995", "resource_quota": "quota-gpu-a10", "status": "Queuing", "queue_position": 3, "worker_count": 2, "gpu_count": 8, "gpu_type": "A10", "created_at": "2025-11-07T02:00:01Z"}
}"#,
                    },
                    EventType {
                        type_id: "dlc:Job:Bidding",
                        title: "Job bidding",
                        description: "The job is bidding for preemptible (spot) resources.",
                        required: JOB_REQUIRED,
                        sample: r#"{
  "event": {"entity_id": "dlc1f9kq3w7zx2m5", "uid": "1557702098194904", "workspace_id": "86995", "region": "cn-hangzhou", "status": "Bidding"},
  "job": {"id": "dlc1f9kq3w7zx2m5", "name": "nightly-train-resnet50", "job_type": "PyTorchJob", "workspace_id": "86995", "status": "Bidding", "spot_strategy": "SpotWithPriceLimit", "spot_price_limit": 4.5, "worker_count": 2, "gpu_count": 8, "gpu_type": "A10", "created_at": "2025-11-07T02:00:01Z"}
}"#,
                    },
                    EventType {
                        type_id: "dlc:Job:EnvPreparing",
                        title: "Environment preparing",
                        description: "Resources are allocated; the job's image and data are being prepared.",
                        required: JOB_REQUIRED,
                        sample: r#"{
  "event": {"entity_id": "dlc1f9kq3w7zx2m5", "uid": "1557702098194904", "workspace_id": "86995", "region": "cn-hangzhou", "status": "EnvPreparing"},
  "job": {"id": "dlc1f9kq3w7zx2m5", "name": "nightly-train-resnet50", "job_type": "PyTorchJob", "workspace_id": "86995", "status": "EnvPreparing", "image": "dsw-registry.cn-hangzhou.cr.aliyuncs.com/pai/pytorch-training:2.3-gpu-py310-cu121-ubuntu22.04", "worker_count": 2, "gpu_count": 8, "gpu_type": "A10", "created_at": "2025-11-07T02:00:01Z"}
}"#,
                    },
                    EventType {
                        type_id: "dlc:Job:Running",
                        title: "Job running",
                        description: "The job's workers started running.",
                        required: JOB_REQUIRED,
                        sample: r#"{
  "event": {"entity_id": "dlc1f9kq3w7zx2m5", "uid": "1557702098194904", "workspace_id": "86995", "region": "cn-hangzhou", "status": "Running"},
  "job": {"id": "dlc1f9kq3w7zx2m5", "name": "nightly-train-resnet50", "job_type": "PyTorchJob", "workspace_id": "86995", "status": "Running", "worker_count": 2, "gpu_count": 8, "gpu_type": "A10", "created_at": "2025-11-07T02:00:01Z", "started_at": "2025-11-07T02:06:45Z"}
}"#,
                    },
                    EventType {
                        type_id: "dlc:Job:Succeeded",
                        title: "Job succeeded",
                        description: "The job finished successfully.",
                        required: JOB_REQUIRED,
                        sample: r#"{
  "event": {"entity_id": "dlc1f9kq3w7zx2m5", "uid": "1557702098194904", "workspace_id": "86995", "region": "cn-hangzhou", "status": "Succeeded"},
  "job": {"id": "dlc1f9kq3w7zx2m5", "name": "nightly-train-resnet50", "job_type": "PyTorchJob", "workspace_id": "86995", "status": "Succeeded", "worker_count": 2, "gpu_count": 8, "gpu_type": "A10", "started_at": "2025-11-07T02:06:45Z", "finished_at": "2025-11-07T05:48:12Z", "duration_seconds": 13287, "output_uri": "oss://vision-research/checkpoints/resnet50/2025-11-07/"}
}"#,
                    },
                    EventType {
                        type_id: "dlc:Job:Failed",
                        title: "Job failed",
                        description: "The job ended in failure.",
                        required: JOB_REQUIRED,
                        sample: r#"{
  "event": {"entity_id": "dlc1f9kq3w7zx2m5", "uid": "1557702098194904", "workspace_id": "86995", "region": "cn-hangzhou", "status": "Failed"},
  "job": {"id": "dlc1f9kq3w7zx2m5", "name": "nightly-train-resnet50", "job_type": "PyTorchJob", "workspace_id": "86995", "status": "Failed", "reason_code": "JobFailed", "reason_message": "worker-1 exited with code 137 (OOMKilled)", "exit_code": 137, "worker_count": 2, "gpu_count": 8, "gpu_type": "A10", "started_at": "2025-11-07T02:06:45Z", "finished_at": "2025-11-07T03:19:30Z", "duration_seconds": 4365}
}"#,
                    },
                ],
            },
            Category {
                name: "Automatic fault tolerance",
                types: &[EventType {
                    type_id: "dlc:Job:FaultToleranceRestarted",
                    title: "Job restarted by fault tolerance",
                    description: "Automatic fault tolerance detected a fault and restarted the job.",
                    required: JOB_REQUIRED,
                    sample: r#"{
  "event": {"entity_id": "dlc1f9kq3w7zx2m5", "uid": "1557702098194904", "workspace_id": "86995", "region": "cn-hangzhou", "status": "Running"},
  "job": {"id": "dlc1f9kq3w7zx2m5", "name": "nightly-train-resnet50", "job_type": "PyTorchJob", "workspace_id": "86995", "status": "Running", "restart_count": 1, "max_restarts": 3, "restart_reason": "NCCL timeout on worker-0; node cordoned and job resumed from the last checkpoint", "worker_count": 2, "gpu_count": 8, "gpu_type": "A10", "started_at": "2025-11-07T02:06:45Z"}
}"#,
                }],
            },
            Category {
                name: "Job timeout",
                types: &[
                    EventType {
                        type_id: "dlc:Job:QueueTimeout",
                        title: "Queue timeout",
                        description: "The job waited in the queue longer than its scheduling settings allow \
                                      (needs a timeout rule in the job's scheduling settings).",
                        required: JOB_REQUIRED,
                        sample: r#"{
  "event": {"entity_id": "dlc1f9kq3w7zx2m5", "uid": "1557702098194904", "workspace_id": "86995", "region": "cn-hangzhou", "status": "Queuing"},
  "job": {"id": "dlc1f9kq3w7zx2m5", "name": "nightly-train-resnet50", "job_type": "PyTorchJob", "workspace_id": "86995", "status": "Queuing", "timeout_seconds": 3600, "waited_seconds": 3602, "queue_position": 1, "gpu_count": 8, "gpu_type": "A10", "created_at": "2025-11-07T02:00:01Z"}
}"#,
                    },
                    EventType {
                        type_id: "dlc:Job:EnvPreparingTimeout",
                        title: "Environment preparation timeout",
                        description: "Preparing the job's environment took longer than its scheduling settings allow \
                                      (needs a timeout rule in the job's scheduling settings).",
                        required: JOB_REQUIRED,
                        sample: r#"{
  "event": {"entity_id": "dlc1f9kq3w7zx2m5", "uid": "1557702098194904", "workspace_id": "86995", "region": "cn-hangzhou", "status": "EnvPreparing"},
  "job": {"id": "dlc1f9kq3w7zx2m5", "name": "nightly-train-resnet50", "job_type": "PyTorchJob", "workspace_id": "86995", "status": "EnvPreparing", "timeout_seconds": 1800, "waited_seconds": 1805, "image": "dsw-registry.cn-hangzhou.cr.aliyuncs.com/pai/pytorch-training:2.3-gpu-py310-cu121-ubuntu22.04", "gpu_count": 8, "gpu_type": "A10"}
}"#,
                    },
                    EventType {
                        type_id: "dlc:Job:RunTimeout",
                        title: "Run timeout",
                        description: "The job ran longer than its scheduling settings allow \
                                      (needs a timeout rule in the job's scheduling settings).",
                        required: JOB_REQUIRED,
                        sample: r#"{
  "event": {"entity_id": "dlc1f9kq3w7zx2m5", "uid": "1557702098194904", "workspace_id": "86995", "region": "cn-hangzhou", "status": "Running"},
  "job": {"id": "dlc1f9kq3w7zx2m5", "name": "nightly-train-resnet50", "job_type": "PyTorchJob", "workspace_id": "86995", "status": "Running", "timeout_seconds": 21600, "running_seconds": 21604, "worker_count": 2, "gpu_count": 8, "gpu_type": "A10", "started_at": "2025-11-07T02:06:45Z"}
}"#,
                    },
                ],
            },
            Category {
                name: "Other",
                types: &[
                    EventType {
                        type_id: "dlc:Job:Preempted",
                        title: "Job preempted",
                        description: "The job's resources were preempted, by a higher-priority job or a reclaimed spot instance.",
                        required: JOB_REQUIRED,
                        sample: r#"{
  "event": {"entity_id": "dlc1f9kq3w7zx2m5", "uid": "1557702098194904", "workspace_id": "86995", "region": "cn-hangzhou", "status": "Failed"},
  "job": {"id": "dlc1f9kq3w7zx2m5", "name": "nightly-train-resnet50", "job_type": "PyTorchJob", "workspace_id": "86995", "status": "Failed", "reason_code": "JobPreempted", "reason_message": "spot instance reclaimed", "preempted_by": "dlc2p8hz6v4n1c0y", "gpu_count": 8, "gpu_type": "A10", "started_at": "2025-11-07T02:06:45Z", "finished_at": "2025-11-07T04:02:10Z", "duration_seconds": 6925}
}"#,
                    },
                    EventType {
                        type_id: "dlc:Job:Stopped",
                        title: "Job stopped",
                        description: "Someone stopped the job by hand.",
                        required: JOB_REQUIRED,
                        sample: r#"{
  "event": {"entity_id": "dlc1f9kq3w7zx2m5", "uid": "1557702098194904", "workspace_id": "86995", "region": "cn-hangzhou", "status": "Stopped"},
  "job": {"id": "dlc1f9kq3w7zx2m5", "name": "nightly-train-resnet50", "job_type": "PyTorchJob", "workspace_id": "86995", "status": "Stopped", "stopped_by": "203561348127459812", "gpu_count": 8, "gpu_type": "A10", "started_at": "2025-11-07T02:06:45Z", "finished_at": "2025-11-07T02:31:18Z", "duration_seconds": 1473}
}"#,
                    },
                ],
            },
        ],
    },
    Source {
        id: MODEL,
        name: "Model",
        description: "Model versions in AI asset management: approvals and status changes.",
        categories: &[
            Category {
                name: "Approved model version (Pending → Approved)",
                types: &[EventType {
                    type_id: "model:ModelVersion:Approved",
                    title: "Model version approved",
                    description: "A model version's approval status changed from Pending to Approved.",
                    required: MODEL_VERSION_REQUIRED,
                    sample: r#"{
  "event": {"entity_id": "mv-4e1b7d2c9a", "uid": "1557702098194904", "workspace_id": "86995", "region": "cn-hangzhou", "previous_status": "Pending", "status": "Approved"},
  "model_version": {"id": "mv-4e1b7d2c9a", "model_id": "model-3t8w2q9k5m", "model_name": "resnet50-imagenet", "version_name": "1.3.0", "approval_status": "Approved", "framework": "PyTorch", "source_type": "DLC", "source_id": "dlc1f9kq3w7zx2m5", "uri": "oss://vision-research/checkpoints/resnet50/2025-11-07/", "metrics": {"top1_accuracy": 0.7712}, "approved_by": "203561348127459812"}
}"#,
                }],
            },
            Category {
                name: "Model version status changed (Approved or Rejected)",
                types: &[EventType {
                    type_id: "model:ModelVersion:StatusChanged",
                    title: "Model version status changed",
                    description: "A model version reached a final approval status: Approved or Rejected.",
                    required: MODEL_VERSION_REQUIRED,
                    sample: r#"{
  "event": {"entity_id": "mv-4e1b7d2c9a", "uid": "1557702098194904", "workspace_id": "86995", "region": "cn-hangzhou", "previous_status": "Pending", "status": "Rejected"},
  "model_version": {"id": "mv-4e1b7d2c9a", "model_id": "model-3t8w2q9k5m", "model_name": "resnet50-imagenet", "version_name": "1.3.0", "approval_status": "Rejected", "framework": "PyTorch", "source_type": "DLC", "source_id": "dlc1f9kq3w7zx2m5", "uri": "oss://vision-research/checkpoints/resnet50/2025-11-07/", "comment": "top-1 accuracy below the 1.2.0 baseline"}
}"#,
                }],
            },
        ],
    },
    Source {
        id: DSW,
        name: "DSW instance",
        description: "Data Science Workshop notebook instances and the images saved from them.",
        categories: &[
            Category {
                name: "Instance status",
                types: &[
                    EventType {
                        type_id: "dsw:Instance:Creating",
                        title: "Instance creating",
                        description: "A DSW instance is being created.",
                        required: INSTANCE_REQUIRED,
                        sample: r#"{
  "event": {"entity_id": "dsw-7c2f1a9e4b3d8056", "uid": "1557702098194904", "workspace_id": "86995", "region": "cn-hangzhou", "status": "Creating"},
  "instance": {"id": "dsw-7c2f1a9e4b3d8056", "name": "research-notebook-alice", "workspace_id": "86995", "status": "Creating", "ecs_spec": "ecs.gn7i-c8g1.2xlarge", "gpu_count": 1, "gpu_type": "A10", "image": "dsw-registry.cn-hangzhou.cr.aliyuncs.com/pai/modelscope:1.18.0-pytorch2.3-gpu-py310-cu121-ubuntu22.04", "created_at": "2025-11-07T08:30:12Z"}
}"#,
                    },
                    EventType {
                        type_id: "dsw:Instance:Running",
                        title: "Instance running",
                        description: "A DSW instance is up and ready to use.",
                        required: INSTANCE_REQUIRED,
                        sample: r#"{
  "event": {"entity_id": "dsw-7c2f1a9e4b3d8056", "uid": "1557702098194904", "workspace_id": "86995", "region": "cn-hangzhou", "status": "Running"},
  "instance": {"id": "dsw-7c2f1a9e4b3d8056", "name": "research-notebook-alice", "workspace_id": "86995", "status": "Running", "ecs_spec": "ecs.gn7i-c8g1.2xlarge", "gpu_count": 1, "gpu_type": "A10", "created_at": "2025-11-07T08:30:12Z", "started_at": "2025-11-07T08:33:40Z"}
}"#,
                    },
                    EventType {
                        type_id: "dsw:Instance:Failed",
                        title: "Instance failed",
                        description: "A DSW instance failed to start or stopped working.",
                        required: INSTANCE_REQUIRED,
                        sample: r#"{
  "event": {"entity_id": "dsw-7c2f1a9e4b3d8056", "uid": "1557702098194904", "workspace_id": "86995", "region": "cn-hangzhou", "status": "Failed"},
  "instance": {"id": "dsw-7c2f1a9e4b3d8056", "name": "research-notebook-alice", "workspace_id": "86995", "status": "Failed", "reason_code": "InsufficientResource", "reason_message": "no ecs.gn7i-c8g1.2xlarge capacity left in cn-hangzhou-k", "ecs_spec": "ecs.gn7i-c8g1.2xlarge", "gpu_count": 1, "gpu_type": "A10", "created_at": "2025-11-07T08:30:12Z"}
}"#,
                    },
                ],
            },
            Category {
                name: "Image save",
                types: &[
                    EventType {
                        type_id: "dsw:Image:Saving",
                        title: "Image saving",
                        description: "The instance's environment is being saved as a custom image.",
                        required: INSTANCE_REQUIRED,
                        sample: r#"{
  "event": {"entity_id": "dsw-7c2f1a9e4b3d8056", "uid": "1557702098194904", "workspace_id": "86995", "region": "cn-hangzhou", "status": "Saving"},
  "instance": {"id": "dsw-7c2f1a9e4b3d8056", "name": "research-notebook-alice", "workspace_id": "86995", "status": "Running", "image": {"name": "alice-cv-env", "tag": "v3", "repository": "registry.cn-hangzhou.aliyuncs.com/vision-research/alice-cv-env", "status": "Saving", "started_at": "2025-11-07T10:02:00Z"}}
}"#,
                    },
                    EventType {
                        type_id: "dsw:Image:Saved",
                        title: "Image saved",
                        description: "The instance's environment was saved as a custom image.",
                        required: INSTANCE_REQUIRED,
                        sample: r#"{
  "event": {"entity_id": "dsw-7c2f1a9e4b3d8056", "uid": "1557702098194904", "workspace_id": "86995", "region": "cn-hangzhou", "status": "Saved"},
  "instance": {"id": "dsw-7c2f1a9e4b3d8056", "name": "research-notebook-alice", "workspace_id": "86995", "status": "Running", "image": {"name": "alice-cv-env", "tag": "v3", "repository": "registry.cn-hangzhou.aliyuncs.com/vision-research/alice-cv-env", "status": "Saved", "size_bytes": 18253611008, "started_at": "2025-11-07T10:02:00Z", "finished_at": "2025-11-07T10:09:41Z"}}
}"#,
                    },
                    EventType {
                        type_id: "dsw:Image:SaveFailed",
                        title: "Image save failed",
                        description: "Saving the instance's environment as a custom image failed.",
                        required: INSTANCE_REQUIRED,
                        sample: r#"{
  "event": {"entity_id": "dsw-7c2f1a9e4b3d8056", "uid": "1557702098194904", "workspace_id": "86995", "region": "cn-hangzhou", "status": "SaveFailed"},
  "instance": {"id": "dsw-7c2f1a9e4b3d8056", "name": "research-notebook-alice", "workspace_id": "86995", "status": "Running", "image": {"name": "alice-cv-env", "tag": "v3", "repository": "registry.cn-hangzhou.aliyuncs.com/vision-research/alice-cv-env", "status": "SaveFailed", "reason_message": "image layer exceeds the 30 GiB limit", "started_at": "2025-11-07T10:02:00Z", "finished_at": "2025-11-07T10:15:03Z"}}
}"#,
                    },
                ],
            },
            Category {
                name: "Instance shutdown",
                types: &[
                    EventType {
                        type_id: "dsw:Instance:Stopping",
                        title: "Instance stopping",
                        description: "A DSW instance is shutting down.",
                        required: INSTANCE_REQUIRED,
                        sample: r#"{
  "event": {"entity_id": "dsw-7c2f1a9e4b3d8056", "uid": "1557702098194904", "workspace_id": "86995", "region": "cn-hangzhou", "status": "Stopping"},
  "instance": {"id": "dsw-7c2f1a9e4b3d8056", "name": "research-notebook-alice", "workspace_id": "86995", "status": "Stopping", "stop_reason": "idle for 120 minutes (automatic shutdown)", "ecs_spec": "ecs.gn7i-c8g1.2xlarge", "gpu_count": 1, "gpu_type": "A10"}
}"#,
                    },
                    EventType {
                        type_id: "dsw:Instance:Stopped",
                        title: "Instance stopped",
                        description: "A DSW instance has shut down.",
                        required: INSTANCE_REQUIRED,
                        sample: r#"{
  "event": {"entity_id": "dsw-7c2f1a9e4b3d8056", "uid": "1557702098194904", "workspace_id": "86995", "region": "cn-hangzhou", "status": "Stopped"},
  "instance": {"id": "dsw-7c2f1a9e4b3d8056", "name": "research-notebook-alice", "workspace_id": "86995", "status": "Stopped", "stop_reason": "idle for 120 minutes (automatic shutdown)", "ecs_spec": "ecs.gn7i-c8g1.2xlarge", "gpu_count": 1, "gpu_type": "A10", "started_at": "2025-11-07T08:33:40Z", "stopped_at": "2025-11-07T12:41:05Z", "running_seconds": 14845}
}"#,
                    },
                ],
            },
        ],
    },
    Source {
        id: "datarobot.project",
        name: "Project",
        description: "DataRobot projects: created, deleted, shared, and Autopilot completed.",
        categories: &[Category {
            name: "Project events",
            types: &[
                EventType {
                    type_id: "project.created",
                    title: "Project created",
                    description: "A DataRobot project was created.",
                    required: PROJECT_REQUIRED,
                    sample: r#"{
  "event": {"entity_id": "5e43a1f0c9e77c0017d4b2a1", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "project": {"active": 1, "default_dataset_id": "5e43a0d2c9e77c0017d4b29f", "original_name": "churn_training_2025q4.csv", "project_id": "5e43a1f0c9e77c0017d4b2a1", "project_name": "Customer churn 2025 Q4", "stage": "aim"}
}"#,
                },
                EventType {
                    type_id: "project.deleted",
                    title: "Project deleted",
                    description: "A DataRobot project was deleted.",
                    required: PROJECT_DELETED_REQUIRED,
                    sample: r#"{
  "event": {"deleted_by": "5e3c0b7a9d1e2f3a4b5c6d7e", "deletion_time": 1762481352, "entity_id": "5e43a1f0c9e77c0017d4b2a1", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "project": {"active": 1, "default_dataset_id": "5e43a0d2c9e77c0017d4b29f", "original_name": "churn_training_2025q4.csv", "project_id": "5e43a1f0c9e77c0017d4b2a1", "project_name": "Customer churn 2025 Q4", "stage": "modeling:"}
}"#,
                },
                EventType {
                    type_id: "project.shared",
                    title: "Project shared",
                    description: "A DataRobot project was shared with other users.",
                    required: PROJECT_REQUIRED,
                    sample: r#"{
  "event": {"entity_id": "5e43a1f0c9e77c0017d4b2a1", "shared_uids": ["5e3c0b7a9d1e2f3a4b5c6d80", "5e3c0b7a9d1e2f3a4b5c6d81"], "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "project": {"active": 1, "default_dataset_id": "5e43a0d2c9e77c0017d4b29f", "original_name": "churn_training_2025q4.csv", "project_id": "5e43a1f0c9e77c0017d4b2a1", "project_name": "Customer churn 2025 Q4", "stage": "modeling:"}
}"#,
                },
                EventType {
                    type_id: "autopilot.complete",
                    title: "Autopilot complete",
                    description: "Autopilot finished building models for a DataRobot project.",
                    required: PROJECT_REQUIRED,
                    sample: r#"{
  "event": {"dataset_id": "5e43a0d2c9e77c0017d4b29f", "entity_id": "5e43a1f0c9e77c0017d4b2a1", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "project": {"active": 1, "default_dataset_id": "5e43a0d2c9e77c0017d4b29f", "original_name": "churn_training_2025q4.csv", "project_id": "5e43a1f0c9e77c0017d4b2a1", "project_name": "Customer churn 2025 Q4", "stage": "modeling:"}
}"#,
                },
            ],
        },
        datarobot::PROJECT_MORE_PROJECT_EVENTS,
        ],
    },
    Source {
        id: "datarobot.dataset",
        name: "Dataset",
        description: "DataRobot AI Catalog datasets: created, deleted and shared.",
        categories: &[Category {
            name: "Dataset events",
            types: &[
                EventType {
                    type_id: "dataset.created",
                    title: "Dataset created",
                    description: "A dataset was added to the DataRobot AI Catalog.",
                    required: DATASET_REQUIRED,
                    sample: r#"{
  "dataset": {"catalog_type": "non_materialized_dataset", "dataset_id": "5e43a0d2c9e77c0017d4b29f", "latest_catalog_version_id": "5e43a0d2c9e77c0017d4b2a0", "original_name": "churn_training_2025q4.csv", "version": 1},
  "event": {"entity_id": "5e43a0d2c9e77c0017d4b29f", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
                },
                EventType {
                    type_id: "dataset.deleted",
                    title: "Dataset deleted",
                    description: "A dataset was deleted from the DataRobot AI Catalog.",
                    required: DATASET_DELETED_REQUIRED,
                    sample: r#"{
  "dataset": {"catalog_type": "non_materialized_dataset", "dataset_id": "5e43a0d2c9e77c0017d4b29f", "latest_catalog_version_id": "5e43a0d2c9e77c0017d4b2a0", "original_name": "churn_training_2025q4.csv", "version": 2},
  "event": {"deleted_by": "5e3c0b7a9d1e2f3a4b5c6d7e", "deletion_time": 1762484120, "entity_id": "5e43a0d2c9e77c0017d4b29f", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
                },
                EventType {
                    type_id: "dataset.shared",
                    title: "Dataset shared",
                    description: "A dataset in the DataRobot AI Catalog was shared with other users.",
                    required: DATASET_REQUIRED,
                    sample: r#"{
  "dataset": {"catalog_type": "non_materialized_dataset", "dataset_id": "5e43a0d2c9e77c0017d4b29f", "latest_catalog_version_id": "5e43a0d2c9e77c0017d4b2a0", "original_name": "churn_training_2025q4.csv", "version": 1},
  "event": {"entity_id": "5e43a0d2c9e77c0017d4b29f", "shared_uids": ["5e3c0b7a9d1e2f3a4b5c6d80", "5e3c0b7a9d1e2f3a4b5c6d81", "5e3c0b7a9d1e2f3a4b5c6d82"], "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
                },
            ],
        },
        datarobot::DATASET_MORE_DATASET_EVENTS,
        ],
    },
    Source {
        id: "datarobot.deployment",
        name: "Deployment",
        description: "DataRobot model deployments: lifecycle, model replacement, and service health, \
                      data drift and accuracy changes.",
        categories: &[Category {
            name: "Deployment events",
            types: &[
                EventType {
                    type_id: "model_deployments.deployment_sharing",
                    title: "Deployment shared",
                    description: "A model deployment was shared with other users.",
                    required: DEPLOYMENT_REQUIRED,
                    sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "model_id": "5e43b7e1c9e77c0017d4b30c", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "shared_uids": ["5e3c0b7a9d1e2f3a4b5c6d80"], "status": "active", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
                },
                EventType {
                    type_id: "model_deployments.model_replacement",
                    title: "Deployment model replaced",
                    description: "The model behind a deployment was replaced.",
                    required: DEPLOYMENT_REQUIRED,
                    sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "model_id": "5e4f0a3dc9e77c0017d4c611", "previous_model_id": "5e43b7e1c9e77c0017d4b30c", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "reason": "scheduled retraining", "status": "active", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "model_id": "5e4f0a3dc9e77c0017d4c611", "model_package_id": "5e4f0b02c9e77c0017d4c620", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
                },
                EventType {
                    type_id: "model_deployments.deployment_creation",
                    title: "Deployment created",
                    description: "A model was deployed.",
                    required: DEPLOYMENT_REQUIRED,
                    sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "model_id": "5e43b7e1c9e77c0017d4b30c", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "active", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
                },
                EventType {
                    type_id: "model_deployments.deployment_deletion",
                    title: "Deployment deleted",
                    description: "A model deployment was deleted.",
                    required: DEPLOYMENT_REQUIRED,
                    sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "model_id": "5e43b7e1c9e77c0017d4b30c", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "archived", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "archived", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
                },
                EventType {
                    type_id: "model_deployments.service_health_yellow_from_green",
                    title: "Service health: green to yellow",
                    description: "A deployment's service health changed from green to yellow.",
                    required: DEPLOYMENT_REQUIRED,
                    sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "model_id": "5e43b7e1c9e77c0017d4b30c", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "active", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "health": {"metric": "service_health", "previous": "green", "current": "yellow"}},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
                },
                EventType {
                    type_id: "model_deployments.service_health_red",
                    title: "Service health: red",
                    description: "A deployment's service health changed to red.",
                    required: DEPLOYMENT_REQUIRED,
                    sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "model_id": "5e43b7e1c9e77c0017d4b30c", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "active", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "health": {"metric": "service_health", "previous": "yellow", "current": "red"}},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
                },
                EventType {
                    type_id: "model_deployments.data_drift_yellow_from_green",
                    title: "Data drift: green to yellow",
                    description: "A deployment's data drift status changed from green to yellow.",
                    required: DEPLOYMENT_REQUIRED,
                    sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "model_id": "5e43b7e1c9e77c0017d4b30c", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "active", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "health": {"metric": "data_drift", "previous": "green", "current": "yellow"}},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
                },
                EventType {
                    type_id: "model_deployments.data_drift_red",
                    title: "Data drift: red",
                    description: "A deployment's data drift status changed to red.",
                    required: DEPLOYMENT_REQUIRED,
                    sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "model_id": "5e43b7e1c9e77c0017d4b30c", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "active", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "health": {"metric": "data_drift", "previous": "yellow", "current": "red"}},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
                },
                EventType {
                    type_id: "model_deployments.accuracy_yellow_from_green",
                    title: "Accuracy: green to yellow",
                    description: "A deployment's accuracy health changed from green to yellow.",
                    required: DEPLOYMENT_REQUIRED,
                    sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "model_id": "5e43b7e1c9e77c0017d4b30c", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "active", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "health": {"metric": "accuracy", "previous": "green", "current": "yellow"}},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
                },
                EventType {
                    type_id: "model_deployments.accuracy_red",
                    title: "Accuracy: red",
                    description: "A deployment's accuracy health changed to red.",
                    required: DEPLOYMENT_REQUIRED,
                    sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "model_id": "5e43b7e1c9e77c0017d4b30c", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "active", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "health": {"metric": "accuracy", "previous": "yellow", "current": "red"}},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
                },
            ],
        },
        datarobot::DEPLOYMENT_DEPLOYMENT_LIFECYCLE,
        datarobot::DEPLOYMENT_MODEL_REPLACEMENT,
        datarobot::DEPLOYMENT_HEALTH_CHANGES,
        datarobot::DEPLOYMENT_HEALTH_STILL_AT_RISK_OR_FAILING,
        datarobot::DEPLOYMENT_RETRAINING_AND_CHALLENGERS,
        datarobot::DEPLOYMENT_ACTUALS_AND_TRAINING_BASELINE,
        datarobot::DEPLOYMENT_CUSTOM_MODEL_DEPLOYMENTS,
        datarobot::DEPLOYMENT_PREDICTION_EXPLANATIONS,
        datarobot::DEPLOYMENT_PREDICTIONS_AND_BATCHES,
        datarobot::DEPLOYMENT_RATE_LIMITS,
        datarobot::DEPLOYMENT_MANAGEMENT_AGENT,
        ],
    },
    datarobot::MODEL_VERSION,
    datarobot::BATCH_PREDICTIONS,
    datarobot::CHANGE_REQUEST,
    datarobot::PREDICTION_REQUEST,
    datarobot::PREDICTION_EXPLANATIONS,
    datarobot::MONITORING,
    datarobot::MANAGEMENT,
    datarobot::MODERATION,
    datarobot::APPLICATION,
    datarobot::NOTEBOOK_SCHEDULE,
    datarobot::COMMENT,
    datarobot::SECURE_CONFIG,
    datarobot::USERS_DELETE,
    datarobot::POLICY_TEMPLATE,
    datarobot::CHANNEL_TEMPLATE,
    datarobot::MISC,
];

/// The objects an event's `data` names its resource in (the PAI sources' and DataRobot's
/// families'), in the order a message looks for them: every catalog sample has one.
pub const ENTITY_OBJECTS: &[&str] = &[
    "job",
    "task",
    "instance",
    "model_version",
    "deployment",
    "project",
    "dataset",
    "batch_prediction",
    "change_request",
    "notebook_schedule",
    "moderation",
    "application",
    "users_delete",
    "secure_config",
    "comment",
    "asset",
    "notification",
    "notification_policy_template",
    "notification_channel_template",
    "user",
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::HashSet;

    fn all_types() -> impl Iterator<Item = (&'static Source, &'static EventType)> {
        sources()
            .iter()
            .flat_map(|source| source.types().map(move |event_type| (source, event_type)))
    }

    fn type_ids(source_id: &str) -> Vec<&'static str> {
        source(source_id)
            .unwrap()
            .types()
            .map(|event_type| event_type.type_id)
            .collect()
    }

    /// A seed example payload as `data`: without the `event_type` and `timestamp` the delivery adds.
    fn as_data(mut payload: serde_json::Value) -> serde_json::Value {
        let object = payload.as_object_mut().unwrap();
        object.remove("event_type");
        object.remove("timestamp");
        payload
    }

    #[test]
    fn an_alias_maps_a_real_source_and_type_onto_the_catalog_entry() {
        let (found, entry) = resolve("acs.pai", "pai:dlc:Job:Failed").unwrap();
        assert_eq!((found.id, entry.type_id), ("pai.dlc", "dlc:Job:Failed"));
        // The catalog's own ids resolve to themselves.
        let (found, entry) = resolve("pai.dlc", "dlc:Job:Failed").unwrap();
        assert_eq!((found.id, entry.type_id), ("pai.dlc", "dlc:Job:Failed"));
        // A real type the prefix maps onto no catalog type, and another prefix, stay unknown.
        assert!(resolve("acs.pai", "pai:dlc:Job:Exploded").is_none());
        assert!(resolve("acs.pai", "pai:dsw:Instance:Failed").is_none());
        assert!(resolve("pai.dlc", "pai:dlc:Job:Failed").is_none());
        assert!(is_alias_source("acs.pai"));
        assert!(!is_alias_source("pai.dlc"));
        // Every alias points at a catalog source.
        for (_, _, catalog_source, _) in ALIASES {
            assert!(source(catalog_source).is_some(), "{catalog_source}");
        }
    }

    #[test]
    fn every_sample_is_a_json_object_that_carries_its_own_required_fields() {
        for (source, event_type) in all_types() {
            let data: serde_json::Value = serde_json::from_str(event_type.sample)
                .unwrap_or_else(|e| panic!("{} {}: {e}", source.id, event_type.type_id));
            assert!(data.is_object(), "{}", event_type.type_id);
            assert_eq!(
                missing_required(event_type, &data),
                None,
                "{}",
                event_type.type_id
            );
        }
    }

    #[test]
    fn every_sample_has_the_standard_template_shape() {
        for (_, event_type) in all_types() {
            let data = event_type.sample_data();
            let object = data.as_object().unwrap();
            let event = object["event"].as_object().unwrap();
            assert!(event["entity_id"].is_string(), "{}", event_type.type_id);
            assert!(event["uid"].is_string(), "{}", event_type.type_id);
            let entities: Vec<&String> = object
                .keys()
                .filter(|key| ENTITY_OBJECTS.contains(&key.as_str()))
                .collect();
            assert_eq!(entities.len(), 1, "{}", event_type.type_id);
            assert!(
                object.len() == 2,
                "{}: only `event` and the entity",
                event_type.type_id
            );
            assert!(!object.contains_key("event_type"), "{}", event_type.type_id);
            assert!(!object.contains_key("timestamp"), "{}", event_type.type_id);
        }
    }

    #[test]
    fn every_source_uses_the_entity_object_of_its_kind() {
        let expected = [
            ("pai.flow", "task"),
            ("pai.dlc", "job"),
            ("pai.model", "model_version"),
            ("pai.dsw", "instance"),
            ("datarobot.project", "project"),
            ("datarobot.dataset", "dataset"),
            ("datarobot.deployment", "deployment"),
        ];
        for (source_id, entity) in expected {
            for event_type in source(source_id).unwrap().types() {
                assert!(
                    event_type.sample_data().get(entity).is_some(),
                    "{}",
                    event_type.type_id
                );
            }
        }
    }

    #[test]
    fn pai_types_require_entity_id_uid_and_the_entity_id() {
        for source_id in ["pai.flow", "pai.dlc", "pai.model", "pai.dsw"] {
            for event_type in source(source_id).unwrap().types() {
                assert_eq!(event_type.required.len(), 3, "{}", event_type.type_id);
                assert_eq!(event_type.required[0], "event.entity_id");
                assert_eq!(event_type.required[1], "event.uid");
                assert!(event_type.required[2].ends_with(".id"));
            }
        }
    }

    #[test]
    fn a_project_deleted_without_deletion_time_is_missing_event_deletion_time() {
        let event_type = event_type("datarobot.project", "project.deleted").unwrap();
        let mut data = event_type.sample_data();
        data["event"]
            .as_object_mut()
            .unwrap()
            .remove("deletion_time");

        assert_eq!(
            missing_required(event_type, &data),
            Some("event.deletion_time")
        );
    }

    #[test]
    fn a_project_deleted_without_deleted_by_is_missing_event_deleted_by() {
        let event_type = event_type("datarobot.project", "project.deleted").unwrap();
        let mut data = event_type.sample_data();
        data["event"].as_object_mut().unwrap().remove("deleted_by");

        assert_eq!(
            missing_required(event_type, &data),
            Some("event.deleted_by")
        );
    }

    #[test]
    fn a_null_required_field_counts_as_missing() {
        let event_type = event_type("datarobot.dataset", "dataset.created").unwrap();
        let mut data = event_type.sample_data();
        data["dataset"]["version"] = serde_json::Value::Null;

        assert_eq!(missing_required(event_type, &data), Some("dataset.version"));
    }

    #[test]
    fn data_that_is_not_an_object_misses_the_first_required_field() {
        let event_type = event_type("pai.dlc", "dlc:Job:Failed").unwrap();

        assert_eq!(
            missing_required(event_type, &json!("nope")),
            Some("event.entity_id")
        );
        assert_eq!(
            missing_required(
                event_type,
                &json!({"event": {"entity_id": "x", "uid": "y"}})
            ),
            Some("job.id")
        );
    }

    #[test]
    fn a_deployment_without_user_id_is_missing_deployment_user_id() {
        let event_type = event_type(
            "datarobot.deployment",
            "model_deployments.deployment_creation",
        )
        .unwrap();
        let mut data = event_type.sample_data();
        data["deployment"]
            .as_object_mut()
            .unwrap()
            .remove("user_id");

        assert_eq!(
            missing_required(event_type, &data),
            Some("deployment.user_id")
        );
    }

    #[test]
    fn datarobot_types_require_exactly_the_fields_the_seed_marks_required() {
        let project = [
            "project.active",
            "project.default_dataset_id",
            "project.original_name",
            "project.project_name",
            "project.stage",
        ];
        let dataset = [
            "dataset.latest_catalog_version_id",
            "dataset.original_name",
            "dataset.catalog_type",
            "dataset.version",
        ];
        let deleted = ["event.deletion_time", "event.deleted_by"];
        for type_id in ["project.created", "project.shared", "autopilot.complete"] {
            let event_type = event_type("datarobot.project", type_id).unwrap();
            assert_eq!(event_type.required, project, "{type_id}");
        }
        assert_eq!(
            event_type("datarobot.project", "project.deleted")
                .unwrap()
                .required,
            [&project[..], &deleted[..]].concat()
        );
        for type_id in ["dataset.created", "dataset.shared"] {
            let event_type = event_type("datarobot.dataset", type_id).unwrap();
            assert_eq!(event_type.required, dataset, "{type_id}");
        }
        assert_eq!(
            event_type("datarobot.dataset", "dataset.deleted")
                .unwrap()
                .required,
            [&dataset[..], &deleted[..]].concat()
        );
        for event_type in source("datarobot.deployment").unwrap().types() {
            assert_eq!(
                event_type.required,
                [
                    "deployment.model_id",
                    "deployment.project_id",
                    "deployment.user_id"
                ],
                "{}",
                event_type.type_id
            );
        }
    }

    #[test]
    fn the_seed_example_payloads_pass_the_required_field_check() {
        // The seed's examples, verbatim, with the delivery's `event_type` and `timestamp`.
        let examples = [
            (
                "datarobot.project",
                json!({
                    "event": {"deleted_by": "123a456b7c8e9f", "deletion_time": 1581504952,
                              "entity_id": "123a456b7c8e9f", "uid": "<User_ID>"},
                    "event_type": "project.deleted",
                    "project": {"active": 1, "default_dataset_id": "123a456b7c8e9f",
                                "original_name": "https://s3.amazonaws.com/datarobot_public_datasets/DR_Demo_Store_Sales_Forecast_Train.xlsx",
                                "project_id": "<project_ID>",
                                "project_name": "DR_Demo_Store_Sales_Forecast_Train.xlsx",
                                "stage": "modeling:"},
                    "timestamp": 1581504953
                }),
            ),
            (
                "datarobot.project",
                json!({
                    "event": {"dataset_id": "123a456b7c8e9f", "entity_id": "123a456b7c8e9f",
                              "uid": "<User_ID>"},
                    "event_type": "autopilot.complete",
                    "project": {"active": 1, "default_dataset_id": "123a456b7c8e9f",
                                "original_name": "advanced_options.csv",
                                "project_id": "<project_ID>",
                                "project_name": "test-tvh-no-holdout-f2c6607d-544d-4e94-a488-c282b6aaa192",
                                "stage": "modeling:"},
                    "timestamp": 1581507975
                }),
            ),
            (
                "datarobot.dataset",
                json!({
                    "dataset": {"catalog_type": "non_materialized_dataset",
                                "dataset_id": "123a456b7c8e9f",
                                "latest_catalog_version_id": "123a456b7c8e9f",
                                "original_name": "amazon_de_reviews_small_80.csv", "version": 1},
                    "event": {"entity_id": "123a456b7c8e9f",
                              "shared_uids": ["<Shared_user_ID>", "<Shared_user_ID>", "<Shared_user_ID>"],
                              "uid": "<User_ID>"},
                    "event_type": "dataset.shared",
                    "timestamp": 1581508736
                }),
            ),
            (
                "datarobot.deployment",
                json!({
                    "event": {"entity_id": "123a456b7c8e9f", "model_id": "123a456b7c8e9f",
                              "performer_uid": "<Performer_ID>", "status": "active"},
                    "event_type": "model_deployments.deployment_creation",
                    "deployment": {"deployment_id": "123a456b7c8e9f", "model_id": "123a456b7c8e9f",
                                   "model_package_id": "123a456b7c8e9f", "project_id": "<project_ID>",
                                   "status": "active", "type": "dedicated", "user_id": "<User_ID>"},
                    "timestamp": 1581505115
                }),
            ),
        ];
        for (source_id, payload) in examples {
            let type_id = payload["event_type"].as_str().unwrap().to_owned();
            let event_type = event_type(source_id, &type_id).unwrap();
            let data = as_data(payload);
            assert_eq!(missing_required(event_type, &data), None, "{type_id}");

            // The catalog's sample has the same fields as the seed's example, plus `uid`
            // where the seed's deployment example lacks it (the standard template needs it).
            let sample = event_type.sample_data();
            for (key, value) in data.as_object().unwrap() {
                let sample_keys: HashSet<&String> =
                    sample[key].as_object().unwrap().keys().collect();
                for field in value.as_object().unwrap().keys() {
                    assert!(sample_keys.contains(field), "{type_id}: {key}.{field}");
                }
            }
        }
    }

    #[test]
    fn http_is_refused_for_dlc_jobs_with_a_reason() {
        let dlc = source("pai.dlc").unwrap();

        assert!(!dlc.allows(TargetKind::Http));
        let message = incompatibility(dlc, TargetKind::Http).unwrap();
        assert!(
            message.starts_with(
                "HTTP/HTTPS targets are only available for Model and DataRobot events"
            ),
            "{message}"
        );
    }

    #[test]
    fn http_is_refused_for_every_pai_source_except_model() {
        for source_id in ["pai.flow", "pai.dlc", "pai.dsw"] {
            let source = source(source_id).unwrap();
            assert!(!source.allows(TargetKind::Http), "{source_id}");
            assert!(
                incompatibility(source, TargetKind::Http).is_some(),
                "{source_id}"
            );
        }
    }

    #[test]
    fn http_is_allowed_for_model_and_every_datarobot_source() {
        for source_id in [
            "pai.model",
            "datarobot.project",
            "datarobot.dataset",
            "datarobot.deployment",
        ] {
            let source = source(source_id).unwrap();
            assert!(source.allows(TargetKind::Http), "{source_id}");
            assert_eq!(incompatibility(source, TargetKind::Http), None);
        }
    }

    #[test]
    fn voice_sms_and_email_are_refused_for_model_events() {
        let model = source("pai.model").unwrap();
        for kind in [TargetKind::Voice, TargetKind::Sms, TargetKind::Email] {
            assert!(!model.allows(kind));
        }
        assert!(incompatibility(model, TargetKind::Sms)
            .unwrap()
            .starts_with("SMS targets are not available for Model events"));
        assert!(incompatibility(model, TargetKind::Voice)
            .unwrap()
            .starts_with("Voice call targets are not available for Model events"));
    }

    #[test]
    fn voice_sms_and_email_are_allowed_for_every_source_except_model() {
        for source in sources().iter().filter(|source| source.id != "pai.model") {
            for kind in TargetKind::ALL.into_iter().filter(|k| k.uses_contacts()) {
                assert!(source.allows(kind), "{} {kind}", source.id);
            }
        }
    }

    #[test]
    fn chat_robots_are_allowed_for_every_source() {
        for source in sources() {
            for kind in TargetKind::ALL.into_iter().filter(|k| k.is_chat_robot()) {
                assert!(source.allows(kind), "{} {kind}", source.id);
                assert_eq!(incompatibility(source, kind), None);
            }
        }
    }

    #[test]
    fn datarobot_sources_allow_all_seven_kinds() {
        for source in sources().iter().filter(|source| source.is_datarobot()) {
            assert_eq!(source.allowed_targets(), TargetKind::ALL);
        }
    }

    #[test]
    fn incompatibility_agrees_with_allows_everywhere() {
        for source in sources() {
            for kind in TargetKind::ALL {
                assert_eq!(
                    incompatibility(source, kind).is_none(),
                    source.allows(kind),
                    "{} {kind}",
                    source.id
                );
            }
        }
    }

    #[test]
    fn the_refusal_names_what_the_source_can_use_instead() {
        let message = incompatibility(source("pai.dsw").unwrap(), TargetKind::Http).unwrap();
        assert_eq!(
            message,
            "HTTP/HTTPS targets are only available for Model and DataRobot events; DSW instance \
             events can go to DingTalk, WeCom, Lark / Feishu, Voice call, SMS, Email."
        );
    }

    #[test]
    fn source_ids_are_unique() {
        let ids: HashSet<&str> = sources().iter().map(|source| source.id).collect();
        assert_eq!(ids.len(), sources().len());
    }

    #[test]
    fn every_type_id_is_unique_within_its_source() {
        for source in sources() {
            let ids: HashSet<&str> = source.types().map(|t| t.type_id).collect();
            assert_eq!(ids.len(), source.types().count(), "{}", source.id);
        }
    }

    #[test]
    fn the_catalog_has_the_seven_sources_of_the_spec_in_order() {
        let ids: Vec<&str> = sources().iter().map(|source| source.id).take(7).collect();
        // The full DataRobot list adds one source per further family, after the seven.
        assert!(sources()[7..].iter().all(Source::is_datarobot));
        assert_eq!(
            ids,
            [
                "pai.flow",
                "pai.dlc",
                "pai.model",
                "pai.dsw",
                "datarobot.project",
                "datarobot.dataset",
                "datarobot.deployment"
            ]
        );
    }

    #[test]
    fn the_dlc_source_has_exactly_the_twelve_types_of_the_spec() {
        assert_eq!(
            type_ids("pai.dlc"),
            [
                "dlc:Job:Queued",
                "dlc:Job:Bidding",
                "dlc:Job:EnvPreparing",
                "dlc:Job:Running",
                "dlc:Job:Succeeded",
                "dlc:Job:Failed",
                "dlc:Job:FaultToleranceRestarted",
                "dlc:Job:QueueTimeout",
                "dlc:Job:EnvPreparingTimeout",
                "dlc:Job:RunTimeout",
                "dlc:Job:Preempted",
                "dlc:Job:Stopped",
            ]
        );
        let categories: Vec<(&str, usize)> = source("pai.dlc")
            .unwrap()
            .categories
            .iter()
            .map(|category| (category.name, category.types.len()))
            .collect();
        assert_eq!(
            categories,
            [
                ("Job progress", 6),
                ("Automatic fault tolerance", 1),
                ("Job timeout", 3),
                ("Other", 2)
            ]
        );
    }

    #[test]
    fn the_other_pai_sources_have_the_types_of_the_spec() {
        assert_eq!(
            type_ids("pai.flow"),
            ["flow:Task:Failed", "flow:Task:Completed"]
        );
        assert_eq!(
            type_ids("pai.model"),
            [
                "model:ModelVersion:Approved",
                "model:ModelVersion:StatusChanged"
            ]
        );
        assert_eq!(
            type_ids("pai.dsw"),
            [
                "dsw:Instance:Creating",
                "dsw:Instance:Running",
                "dsw:Instance:Failed",
                "dsw:Image:Saving",
                "dsw:Image:Saved",
                "dsw:Image:SaveFailed",
                "dsw:Instance:Stopping",
                "dsw:Instance:Stopped",
            ]
        );
    }

    #[test]
    fn the_datarobot_sources_have_the_types_of_the_seed() {
        // The seed's types are the first category of each source; the full list adds more.
        let type_ids = |source_id: &str| -> Vec<&'static str> {
            source(source_id).unwrap().categories[0]
                .types
                .iter()
                .map(|event_type| event_type.type_id)
                .collect()
        };
        assert_eq!(
            type_ids("datarobot.project"),
            [
                "project.created",
                "project.deleted",
                "project.shared",
                "autopilot.complete"
            ]
        );
        assert_eq!(
            type_ids("datarobot.dataset"),
            ["dataset.created", "dataset.deleted", "dataset.shared"]
        );
        let deployment = type_ids("datarobot.deployment");
        assert_eq!(deployment.len(), 10);
        assert_eq!(
            deployment,
            [
                "model_deployments.deployment_sharing",
                "model_deployments.model_replacement",
                "model_deployments.deployment_creation",
                "model_deployments.deployment_deletion",
                "model_deployments.service_health_yellow_from_green",
                "model_deployments.service_health_red",
                "model_deployments.data_drift_yellow_from_green",
                "model_deployments.data_drift_red",
                "model_deployments.accuracy_yellow_from_green",
                "model_deployments.accuracy_red",
            ]
        );
    }

    #[test]
    fn lookups_find_known_sources_and_types_and_nothing_else() {
        assert_eq!(source("pai.dlc").unwrap().name, "DLC job");
        assert!(source("pai.unknown").is_none());
        assert_eq!(
            event_type("pai.dlc", "dlc:Job:Failed").unwrap().title,
            "Job failed"
        );
        // A type is only found under its own source.
        assert!(event_type("pai.flow", "dlc:Job:Failed").is_none());
        assert!(event_type("nope", "dlc:Job:Failed").is_none());
        assert!(source("datarobot.project").unwrap().is_datarobot());
        assert!(!source("pai.model").unwrap().is_datarobot());
    }

    #[test]
    fn every_title_and_description_is_filled_in() {
        for source in sources() {
            assert!(!source.name.is_empty() && !source.description.is_empty());
            for category in source.categories {
                assert!(!category.name.is_empty() && !category.types.is_empty());
            }
        }
        for (_, event_type) in all_types() {
            assert!(!event_type.title.is_empty(), "{}", event_type.type_id);
            assert!(!event_type.description.is_empty(), "{}", event_type.type_id);
        }
    }

    #[test]
    fn the_datarobot_catalog_has_the_public_list_less_the_placeholders_and_the_connection_test() {
        let datarobot: Vec<&str> = all_types()
            .filter(|(source, _)| source.is_datarobot())
            .map(|(_, event_type)| event_type.type_id)
            .collect();
        // 199 in DataRobot's enum, less `abstract`, three `*.None` and the connection test.
        assert_eq!(datarobot.len(), 194);
        for type_id in [
            "model_version.stage_transition_from_staging_to_production",
            "batch_predictions.scheduler.auto_disabled",
            "change_request.approving_review_added",
            "moderation.model.scoring_error",
            "model_deployments.health.fairness_health.still_red",
            "autopilot.started",
            "datasets.deleted",
        ] {
            assert!(datarobot.contains(&type_id), "{type_id}");
        }
        for left_out in [
            "misc.webhook_connection_test",
            "abstract",
            "model_deployments.None",
        ] {
            assert!(!datarobot.contains(&left_out), "{left_out}");
        }
    }

    #[test]
    fn no_type_id_appears_twice_in_the_whole_catalog() {
        let mut seen = HashSet::new();
        for (source, event_type) in all_types() {
            assert!(
                seen.insert(event_type.type_id),
                "{} appears twice (again in {})",
                event_type.type_id,
                source.id
            );
        }
    }

    #[test]
    fn every_datarobot_type_maps_by_family_to_its_own_source() {
        for (source, event_type) in all_types().filter(|(source, _)| source.is_datarobot()) {
            assert_eq!(
                datarobot_source_for(event_type.type_id).map(|s| s.id),
                Some(source.id),
                "{}",
                event_type.type_id
            );
        }
    }

    #[test]
    fn families_map_to_sources_and_unknown_families_to_none() {
        let id = |t: &str| datarobot_source_for(t).map(|s| s.id);
        assert_eq!(id("project.created"), Some("datarobot.project"));
        assert_eq!(id("autopilot.complete"), Some("datarobot.project"));
        assert_eq!(id("dataset.deleted"), Some("datarobot.dataset"));
        assert_eq!(
            id("model_deployments.accuracy_red"),
            Some("datarobot.deployment")
        );
        assert_eq!(id("model_version.added"), Some("datarobot.model_version"));
        assert_eq!(
            id("batch_predictions.failed"),
            Some("datarobot.batch_predictions")
        );
        // A type DataRobot adds later still finds its family's source.
        assert_eq!(
            id("model_version.archived"),
            Some("datarobot.model_version")
        );
        assert_eq!(id("misc.asset_access_request"), Some("datarobot.misc"));
        assert_eq!(id("misc.webhook_connection_test"), None);
        assert_eq!(id("nonsense.created"), None);
        assert_eq!(id("dlc:Job:Failed"), None);
        assert_eq!(id(""), None);
    }

    #[test]
    fn every_datarobot_source_is_named_after_a_family_it_holds() {
        for source in sources().iter().filter(|source| source.is_datarobot()) {
            let family = source.id.trim_start_matches("datarobot.");
            let families: HashSet<&str> = source.types().map(|t| self::family(t.type_id)).collect();
            let named = match family {
                "deployment" => "model_deployments",
                other => other,
            };
            assert!(families.contains(named), "{}: {families:?}", source.id);
        }
    }

    #[test]
    fn target_kind_serde_names_round_trip() {
        let names = ["dingtalk", "wecom", "lark", "http", "voice", "sms", "email"];
        for (kind, name) in TargetKind::ALL.into_iter().zip(names) {
            assert_eq!(kind.as_str(), name);
            assert_eq!(serde_json::to_value(kind).unwrap(), json!(name));
            assert_eq!(
                serde_json::from_value::<TargetKind>(json!(name)).unwrap(),
                kind
            );
            assert_eq!(TargetKind::parse(name), Some(kind));
            assert_eq!(kind.to_string(), name);
        }
        assert_eq!(TargetKind::parse("ding_talk"), None);
        assert_eq!(TargetKind::parse("DingTalk"), None);
    }

    #[test]
    fn target_kinds_have_the_labels_the_ui_shows() {
        let labels: Vec<&str> = TargetKind::ALL.into_iter().map(TargetKind::label).collect();
        assert_eq!(
            labels,
            [
                "DingTalk",
                "WeCom",
                "Lark / Feishu",
                "HTTP/HTTPS",
                "Voice call",
                "SMS",
                "Email"
            ]
        );
    }

    #[test]
    fn contacts_and_chat_robots_are_told_apart() {
        let contacts: Vec<TargetKind> = TargetKind::ALL
            .into_iter()
            .filter(|kind| kind.uses_contacts())
            .collect();
        let robots: Vec<TargetKind> = TargetKind::ALL
            .into_iter()
            .filter(|kind| kind.is_chat_robot())
            .collect();
        assert_eq!(
            contacts,
            [TargetKind::Voice, TargetKind::Sms, TargetKind::Email]
        );
        assert_eq!(
            robots,
            [TargetKind::DingTalk, TargetKind::WeCom, TargetKind::Lark]
        );
        assert!(!TargetKind::Http.uses_contacts() && !TargetKind::Http.is_chat_robot());
    }
}

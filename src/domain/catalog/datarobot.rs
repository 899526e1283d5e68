//! DataRobot's full list of notification event types, beyond the 17 the seed details.
//!
//! Sources (nothing here is invented; every `type_id` is in both):
//! - the `eventType` enum of DataRobot's public REST API for notification policies
//!   (`POST /api/v2/entityNotificationPolicies/`,
//!   <https://docs.datarobot.com/en/docs/api/reference/public-api/notifications.html>), as
//!   mirrored by DataRobot's own Terraform provider, `datarobot-community/terraform-provider-datarobot`,
//!   `internal/common/validators.go` (`NotificationPolicyEventTypeValidators`), and the Pulumi
//!   provider's `NotificationPolicy.eventType`
//!   (<https://www.pulumi.com/registry/packages/datarobot/api-docs/notificationpolicy>);
//! - DataRobot's "Webhook event payloads" page
//!   (<https://docs.datarobot.com/en/platform/webhooks/web-events.html>) for the payload shape.
//!
//! That enum has 199 entries. Left out: `abstract` and the `*.None` placeholders
//! (`model_deployments.None`, `prediction_request.None`,
//! `prediction_explanations_computation.None`), which name no event, and
//! `misc.webhook_connection_test`, which the DataRobot receiver answers itself and no rule
//! selects. The 17 seed types live in `catalog.rs`; the rest are here: further categories of
//! the three seed sources, and one `datarobot.<family>` source per other family (the family is
//! the `event_type` before its first `.`).
//!
//! Titles, descriptions and samples of these types are Herald's own wording: DataRobot
//! publishes the type names, not their payloads. Each sample follows the seed's shape (an
//! `event` object with `entity_id` and `uid`, and one entity object); only the deployment
//! family (whose required fields the seed marks for every deployment event) and
//! `dataset.registered` require fields.

use super::{Category, EventType, Source};

/// Dataset: more dataset events.
pub(super) const DATASET_MORE_DATASET_EVENTS: Category = Category {
    name: "More dataset events",
    types: &[
        EventType {
            type_id: "dataset.registered",
            title: "Dataset registered",
            description: "A dataset finished registering in the AI Catalog.",
            required: super::DATASET_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43a0d2c9e77c0017d4b29f", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "dataset": {"catalog_type": "non_materialized_dataset", "dataset_id": "5e43a0d2c9e77c0017d4b29f", "latest_catalog_version_id": "5e43a0d2c9e77c0017d4b2a0", "original_name": "churn_training_2025q4.csv", "version": 1}
}"#,
        },
        EventType {
            type_id: "datasets.deleted",
            title: "Datasets deleted",
            description: "Several datasets were deleted from the AI Catalog at once.",
            required: &[],
            sample: r#"{
  "event": {"deleted_by": "5e3c0b7a9d1e2f3a4b5c6d7e", "deletion_time": 1762484120, "entity_id": "5e43a0d2c9e77c0017d4b29f", "entity_ids": ["5e43a0d2c9e77c0017d4b29f", "5e43a0d2c9e77c0017d4b2b7"], "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "dataset": {"catalog_type": "non_materialized_dataset", "dataset_id": "5e43a0d2c9e77c0017d4b29f", "latest_catalog_version_id": "5e43a0d2c9e77c0017d4b2a0", "original_name": "churn_training_2025q4.csv", "version": 1}
}"#,
        },
        EventType {
            type_id: "datasetrelationship.created",
            title: "Dataset relationship created",
            description: "A relationship between two AI Catalog datasets was defined.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e43a0d2c9e77c0017d4b29f", "related_dataset_id": "5e43a0d2c9e77c0017d4b2b7", "relationship_id": "5e43a5c1c9e77c0017d4b2f0", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "dataset": {"catalog_type": "non_materialized_dataset", "dataset_id": "5e43a0d2c9e77c0017d4b29f", "latest_catalog_version_id": "5e43a0d2c9e77c0017d4b2a0", "original_name": "churn_training_2025q4.csv", "version": 1}
}"#,
        },
        EventType {
            type_id: "datasets.shared",
            title: "Datasets shared",
            description: "Several datasets of the AI Catalog were shared at once.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e43a0d2c9e77c0017d4b29f", "entity_ids": ["5e43a0d2c9e77c0017d4b29f", "5e43a0d2c9e77c0017d4b2b7"], "shared_uids": ["5e3c0b7a9d1e2f3a4b5c6d80"], "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "dataset": {"catalog_type": "non_materialized_dataset", "dataset_id": "5e43a0d2c9e77c0017d4b29f", "latest_catalog_version_id": "5e43a0d2c9e77c0017d4b2a0", "original_name": "churn_training_2025q4.csv", "version": 1}
}"#,
        },
    ],
};

/// Deployment: model replacement.
pub(super) const DEPLOYMENT_MODEL_REPLACEMENT: Category = Category {
    name: "Model replacement",
    types: &[
        EventType {
            type_id: "model_deployments.model_replacement_lifecycle",
            title: "Model replacement lifecycle",
            description:
                "Any step of a deployment's model replacement: started, succeeded or failed.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.model_replacement_started",
            title: "Model replacement started",
            description: "Model replacement started on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "started", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.model_replacement_succeeded",
            title: "Model replacement succeeded",
            description: "Model replacement succeeded on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "succeeded", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.model_replacement_failed",
            title: "Model replacement failed",
            description: "Model replacement failed on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "error_message": "Model replacement failed: see the deployment's activity log", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "failed", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.model_replacement_validation_warning",
            title: "Model replacement validation warning",
            description: "Model replacement validation warning on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "warning", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
    ],
};

/// Deployment: health changes.
pub(super) const DEPLOYMENT_HEALTH_CHANGES: Category = Category {
    name: "Health changes",
    types: &[
        EventType {
            type_id: "model_deployments.service_health_yellow_from_red",
            title: "Service health: red to yellow",
            description: "A deployment's service health status changed from red to yellow.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "service health", "current": "yellow"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.data_drift_yellow_from_red",
            title: "Data drift: red to yellow",
            description: "A deployment's data drift status changed from red to yellow.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "data drift", "current": "yellow"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.accuracy_yellow_from_red",
            title: "Accuracy: red to yellow",
            description: "A deployment's accuracy status changed from red to yellow.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "accuracy", "current": "yellow"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.health.fairness_health.green_to_yellow",
            title: "Fairness: green to yellow",
            description: "A deployment's fairness status changed from green to yellow.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "fairness", "current": "yellow"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.health.fairness_health.red_to_yellow",
            title: "Fairness: red to yellow",
            description: "A deployment's fairness status changed from red to yellow.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "fairness", "current": "yellow"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.health.fairness_health.red",
            title: "Fairness: red",
            description: "A deployment's fairness status changed to red.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "fairness", "current": "red"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.health.custom_metrics_health.green_to_yellow",
            title: "Custom metrics: green to yellow",
            description: "A deployment's custom metrics status changed from green to yellow.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "custom metrics", "current": "yellow"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.health.custom_metrics_health.red_to_yellow",
            title: "Custom metrics: red to yellow",
            description: "A deployment's custom metrics status changed from red to yellow.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "custom metrics", "current": "yellow"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.health.custom_metrics_health.red",
            title: "Custom metrics: red",
            description: "A deployment's custom metrics status changed to red.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "custom metrics", "current": "red"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.health.base.green",
            title: "Overall health: green",
            description: "A deployment's overall health status changed to green.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "overall health", "current": "green"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.service_health_green",
            title: "Service health: green",
            description: "A deployment's service health status changed to green.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "service health", "current": "green"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.data_drift_green",
            title: "Data drift: green",
            description: "A deployment's data drift status changed to green.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "data drift", "current": "green"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.accuracy_green",
            title: "Accuracy: green",
            description: "A deployment's accuracy status changed to green.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "accuracy", "current": "green"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.health.fairness_health.green",
            title: "Fairness: green",
            description: "A deployment's fairness status changed to green.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "fairness", "current": "green"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.health.custom_metrics_health.green",
            title: "Custom metrics: green",
            description: "A deployment's custom metrics status changed to green.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "custom metrics", "current": "green"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.predictions_timeliness_health_red",
            title: "Predictions timeliness: red",
            description: "A deployment's predictions timeliness status changed to red.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "predictions timeliness", "current": "red"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.actuals_timeliness_health_red",
            title: "Actuals timeliness: red",
            description: "A deployment's actuals timeliness status changed to red.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "actuals timeliness", "current": "red"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
    ],
};

/// Deployment: retraining and challengers.
pub(super) const DEPLOYMENT_RETRAINING_AND_CHALLENGERS: Category = Category {
    name: "Retraining and challengers",
    types: &[
        EventType {
            type_id: "model_deployments.retraining_policy_run_started",
            title: "Retraining policy run started",
            description: "Retraining policy run started on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "started", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.retraining_policy_run_succeeded",
            title: "Retraining policy run succeeded",
            description: "Retraining policy run succeeded on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "succeeded", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.retraining_policy_run_failed",
            title: "Retraining policy run failed",
            description: "Retraining policy run failed on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "error_message": "Retraining policy run failed: see the deployment's activity log", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "failed", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.challenger_scoring_success",
            title: "Challenger scoring success",
            description: "Challenger scoring success on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "succeeded", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.challenger_scoring_data_warning",
            title: "Challenger scoring data warning",
            description: "Challenger scoring data warning on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "warning", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.challenger_scoring_failure",
            title: "Challenger scoring failure",
            description: "Challenger scoring failure on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "error_message": "Challenger scoring failure: see the deployment's activity log", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "failed", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.challenger_scoring_started",
            title: "Challenger scoring started",
            description: "Challenger scoring started on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "started", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.challenger_model_validation_warning",
            title: "Challenger model validation warning",
            description: "Challenger model validation warning on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "warning", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.challenger_model_created",
            title: "Challenger model created",
            description: "Challenger model created on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.challenger_model_deleted",
            title: "Challenger model deleted",
            description: "Challenger model deleted on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
    ],
};

/// Deployment: actuals and training baseline.
pub(super) const DEPLOYMENT_ACTUALS_AND_TRAINING_BASELINE: Category = Category {
    name: "Actuals and training baseline",
    types: &[
        EventType {
            type_id: "model_deployments.actuals_upload_failed",
            title: "Actuals upload failed",
            description: "Actuals upload failed on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "error_message": "Actuals upload failed: see the deployment's activity log", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "failed", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.actuals_upload_warning",
            title: "Actuals upload warning",
            description: "Actuals upload warning on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "warning", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.training_data_baseline_calculation_started",
            title: "Training data baseline calculation started",
            description: "Training data baseline calculation started on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "started", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.training_data_baseline_calculation_completed",
            title: "Training data baseline calculation completed",
            description: "Training data baseline calculation completed on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "completed", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.training_data_baseline_failed",
            title: "Training data baseline failed",
            description: "Training data baseline failed on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "error_message": "Training data baseline failed: see the deployment's activity log", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "failed", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
    ],
};

/// Deployment: custom model deployments.
pub(super) const DEPLOYMENT_CUSTOM_MODEL_DEPLOYMENTS: Category = Category {
    name: "Custom model deployments",
    types: &[
        EventType {
            type_id: "model_deployments.custom_model_deployment_creation_started",
            title: "Custom model deployment creation started",
            description: "Custom model deployment creation started on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "started", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.custom_model_deployment_creation_completed",
            title: "Custom model deployment creation completed",
            description: "Custom model deployment creation completed on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "completed", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.custom_model_deployment_creation_failed",
            title: "Custom model deployment creation failed",
            description: "Custom model deployment creation failed on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "error_message": "Custom model deployment creation failed: see the deployment's activity log", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "failed", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.custom_model_deployment_activated",
            title: "Custom model deployment activated",
            description: "Custom model deployment activated on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.custom_model_deployment_activation_failed",
            title: "Custom model deployment activation failed",
            description: "Custom model deployment activation failed on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "error_message": "Custom model deployment activation failed: see the deployment's activity log", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "failed", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.custom_model_deployment_deactivated",
            title: "Custom model deployment deactivated",
            description: "Custom model deployment deactivated on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.custom_model_deployment_deactivation_failed",
            title: "Custom model deployment deactivation failed",
            description: "Custom model deployment deactivation failed on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "error_message": "Custom model deployment deactivation failed: see the deployment's activity log", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "failed", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
    ],
};

/// Deployment: prediction explanations.
pub(super) const DEPLOYMENT_PREDICTION_EXPLANATIONS: Category = Category {
    name: "Prediction explanations",
    types: &[
        EventType {
            type_id: "model_deployments.deployment_prediction_explanations_preview_job_submitted",
            title: "Prediction explanations preview submitted",
            description: "Prediction explanations preview submitted on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "submitted", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.deployment_prediction_explanations_preview_job_completed",
            title: "Prediction explanations preview completed",
            description: "Prediction explanations preview completed on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "completed", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.deployment_prediction_explanations_preview_job_failed",
            title: "Prediction explanations preview failed",
            description: "Prediction explanations preview failed on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "error_message": "Prediction explanations preview failed: see the deployment's activity log", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "failed", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
    ],
};

/// Deployment: rate limits.
pub(super) const DEPLOYMENT_RATE_LIMITS: Category = Category {
    name: "Rate limits",
    types: &[
        EventType {
            type_id: "model_deployments.prediction_processing_rate_limit_reached",
            title: "Prediction processing rate limit reached",
            description: "Prediction processing rate limit reached on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.prediction_data_processing_rate_limit_reached",
            title: "Prediction data processing rate limit reached",
            description: "Prediction data processing rate limit reached on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.prediction_data_processing_rate_limit_warning",
            title: "Prediction data processing rate limit warning",
            description: "Prediction data processing rate limit warning on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "warning", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.actuals_processing_rate_limit_reached",
            title: "Actuals processing rate limit reached",
            description: "Actuals processing rate limit reached on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.actuals_processing_rate_limit_warning",
            title: "Actuals processing rate limit warning",
            description: "Actuals processing rate limit warning on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "warning", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
    ],
};

/// Deployment: deployment lifecycle.
pub(super) const DEPLOYMENT_DEPLOYMENT_LIFECYCLE: Category = Category {
    name: "Deployment lifecycle",
    types: &[
        EventType {
            type_id: "model_deployments.deployment_monitoring_data_cleared",
            title: "Monitoring data cleared",
            description: "The monitoring data of a deployment was cleared.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.deployment_launch_started",
            title: "Deployment launch started",
            description: "Deployment launch started on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "started", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.deployment_launch_succeeded",
            title: "Deployment launch succeeded",
            description: "Deployment launch succeeded on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "succeeded", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.deployment_launch_failed",
            title: "Deployment launch failed",
            description: "Deployment launch failed on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "error_message": "Deployment launch failed: see the deployment's activity log", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "failed", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.deployment_shutdown_started",
            title: "Deployment shutdown started",
            description: "Deployment shutdown started on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "started", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.deployment_shutdown_succeeded",
            title: "Deployment shutdown succeeded",
            description: "Deployment shutdown succeeded on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "succeeded", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.deployment_shutdown_failed",
            title: "Deployment shutdown failed",
            description: "Deployment shutdown failed on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "error_message": "Deployment shutdown failed: see the deployment's activity log", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "failed", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.endpoint_update_started",
            title: "Endpoint update started",
            description: "Endpoint update started on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "started", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.endpoint_update_succeeded",
            title: "Endpoint update succeeded",
            description: "Endpoint update succeeded on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "succeeded", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.endpoint_update_failed",
            title: "Endpoint update failed",
            description: "Endpoint update failed on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "error_message": "Endpoint update failed: see the deployment's activity log", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "failed", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.scheduled_report_generated",
            title: "Scheduled report generated",
            description: "A scheduled report for a deployment was generated.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.deployment_inference_server_creation_started",
            title: "Deployment inference server creation started",
            description: "Deployment inference server creation started on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "started", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.deployment_inference_server_creation_failed",
            title: "Deployment inference server creation failed",
            description: "Deployment inference server creation failed on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "error_message": "Deployment inference server creation failed: see the deployment's activity log", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "failed", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.deployment_inference_server_creation_completed",
            title: "Deployment inference server creation completed",
            description: "Deployment inference server creation completed on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "completed", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.deployment_inference_server_deletion",
            title: "Deployment inference server deletion",
            description: "Deployment inference server deletion on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.deployment_inference_server_idle_stopped",
            title: "Deployment inference server idle stopped",
            description: "Deployment inference server idle stopped on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
    ],
};

/// Deployment: management agent.
pub(super) const DEPLOYMENT_MANAGEMENT_AGENT: Category = Category {
    name: "Management agent",
    types: &[
        EventType {
            type_id: "model_deployments.management_agent_service_health_green",
            title: "Management agent health: green",
            description:
                "The management agent of a deployment reported its service health as green.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.management_agent_service_health_yellow",
            title: "Management agent health: yellow",
            description:
                "The management agent of a deployment reported its service health as yellow.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.management_agent_service_health_red",
            title: "Management agent health: red",
            description: "The management agent of a deployment reported its service health as red.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.management_agent_service_health_unknown",
            title: "Management agent health: unknown",
            description:
                "The management agent of a deployment reported its service health as unknown.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
    ],
};

/// Deployment: predictions and batches.
pub(super) const DEPLOYMENT_PREDICTIONS_AND_BATCHES: Category = Category {
    name: "Predictions and batches",
    types: &[
        EventType {
            type_id: "model_deployments.predictions_missing_association_id",
            title: "Predictions missing association ID",
            description: "Predictions arrived without the association ID needed to match actuals.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.prediction_result_rows_cleand_up",
            title: "Prediction result rows cleaned up",
            description: "Stored prediction result rows of a deployment were cleaned up.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.batch_deleted",
            title: "Batch deleted",
            description: "Batch deleted on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.batch_creation_limit_reached",
            title: "Batch creation limit reached",
            description: "Batch creation limit reached on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.batch_creation_limit_exceeded",
            title: "Batch creation limit exceeded",
            description: "Batch creation limit exceeded on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.batch_not_found",
            title: "Batch not found",
            description: "Batch not found on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.predictions_encountered_for_locked_batch",
            title: "Predictions encountered for locked batch",
            description: "Predictions encountered for locked batch on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.predictions_encountered_for_deleted_batch",
            title: "Predictions encountered for deleted batch",
            description: "Predictions encountered for deleted batch on a deployment.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
    ],
};

/// Deployment: health still at risk or failing.
pub(super) const DEPLOYMENT_HEALTH_STILL_AT_RISK_OR_FAILING: Category = Category {
    name: "Health still at risk or failing",
    types: &[
        EventType {
            type_id: "model_deployments.service_health_still_red",
            title: "Service health: still red",
            description: "A deployment's service health status is still red.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "service health", "current": "red"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.data_drift_still_red",
            title: "Data drift: still red",
            description: "A deployment's data drift status is still red.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "data drift", "current": "red"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.accuracy_still_red",
            title: "Accuracy: still red",
            description: "A deployment's accuracy status is still red.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "accuracy", "current": "red"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.health.fairness_health.still_red",
            title: "Fairness: still red",
            description: "A deployment's fairness status is still red.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "fairness", "current": "red"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.health.custom_metrics_health.still_red",
            title: "Custom metrics: still red",
            description: "A deployment's custom metrics status is still red.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "custom metrics", "current": "red"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.predictions_timeliness_health_still_red",
            title: "Predictions timeliness: still red",
            description: "A deployment's predictions timeliness status is still red.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "predictions timeliness", "current": "red"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.actuals_timeliness_health_still_red",
            title: "Actuals timeliness: still red",
            description: "A deployment's actuals timeliness status is still red.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "actuals timeliness", "current": "red"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.service_health_still_yellow",
            title: "Service health: still yellow",
            description: "A deployment's service health status is still yellow.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "service health", "current": "yellow"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.data_drift_still_yellow",
            title: "Data drift: still yellow",
            description: "A deployment's data drift status is still yellow.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "data drift", "current": "yellow"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.accuracy_still_yellow",
            title: "Accuracy: still yellow",
            description: "A deployment's accuracy status is still yellow.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "accuracy", "current": "yellow"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.health.fairness_health.still_yellow",
            title: "Fairness: still yellow",
            description: "A deployment's fairness status is still yellow.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "fairness", "current": "yellow"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "model_deployments.health.custom_metrics_health.still_yellow",
            title: "Custom metrics: still yellow",
            description: "A deployment's custom metrics status is still yellow.",
            required: super::DEPLOYMENT_REQUIRED,
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "health": {"metric": "custom metrics", "current": "yellow"}, "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
    ],
};

/// Project: more project events.
pub(super) const PROJECT_MORE_PROJECT_EVENTS: Category = Category {
    name: "More project events",
    types: &[
        EventType {
            type_id: "autopilot.started",
            title: "Autopilot started",
            description: "Autopilot started building models for a project.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e43a1f0c9e77c0017d4b2a1", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "project": {"active": 1, "default_dataset_id": "5e43a0d2c9e77c0017d4b29f", "original_name": "churn_training_2025q4.csv", "project_id": "5e43a1f0c9e77c0017d4b2a1", "project_name": "Customer churn 2025 Q4", "stage": "modeling:"}
}"#,
        },
        EventType {
            type_id: "autostart.failure",
            title: "Autopilot autostart failed",
            description: "Autopilot could not start automatically for a project.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e43a1f0c9e77c0017d4b2a1", "error_message": "Autopilot could not start: the target feature has no values in 12% of rows", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "project": {"active": 1, "default_dataset_id": "5e43a0d2c9e77c0017d4b29f", "original_name": "churn_training_2025q4.csv", "project_id": "5e43a1f0c9e77c0017d4b2a1", "project_name": "Customer churn 2025 Q4", "stage": "modeling:"}
}"#,
        },
        EventType {
            type_id: "perma_delete_project.success",
            title: "Project permanently deleted",
            description: "A project was permanently deleted.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e43a1f0c9e77c0017d4b2a1", "status": "succeeded", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "project": {"active": 1, "default_dataset_id": "5e43a0d2c9e77c0017d4b29f", "original_name": "churn_training_2025q4.csv", "project_id": "5e43a1f0c9e77c0017d4b2a1", "project_name": "Customer churn 2025 Q4", "stage": "modeling:"}
}"#,
        },
        EventType {
            type_id: "perma_delete_project.failure",
            title: "Permanent project deletion failed",
            description: "A project could not be permanently deleted.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e43a1f0c9e77c0017d4b2a1", "status": "failed", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "project": {"active": 1, "default_dataset_id": "5e43a0d2c9e77c0017d4b29f", "original_name": "churn_training_2025q4.csv", "project_id": "5e43a1f0c9e77c0017d4b2a1", "project_name": "Customer churn 2025 Q4", "stage": "modeling:"}
}"#,
        },
    ],
};

pub(super) const SECURE_CONFIG: Source = Source {
    id: "datarobot.secure_config",
    name: "Secure configuration",
    description:
        "DataRobot secure configurations (stored credentials): created, deleted and shared.",
    categories: &[Category {
        name: "Secure configuration events",
        types: &[
            EventType {
                type_id: "secure_config.created",
                title: "Secure configuration created",
                description: "A secure configuration (stored credentials) was created.",
                required: &[],
                sample: r#"{
  "event": {"entity_id": "5e560729c9e77c0017d53607", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "secure_config": {"id": "5e560729c9e77c0017d53607", "name": "snowflake-prod-service-account", "schema_name": "Snowflake Key Pair"}
}"#,
            },
            EventType {
                type_id: "secure_config.deleted",
                title: "Secure configuration deleted",
                description: "A secure configuration (stored credentials) was deleted.",
                required: &[],
                sample: r#"{
  "event": {"deleted_by": "5e3c0b7a9d1e2f3a4b5c6d7e", "entity_id": "5e560729c9e77c0017d53607", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "secure_config": {"id": "5e560729c9e77c0017d53607", "name": "snowflake-prod-service-account", "schema_name": "Snowflake Key Pair"}
}"#,
            },
            EventType {
                type_id: "secure_config.shared",
                title: "Secure configuration shared",
                description: "A secure configuration was shared with other users.",
                required: &[],
                sample: r#"{
  "event": {"entity_id": "5e560729c9e77c0017d53607", "shared_uids": ["5e3c0b7a9d1e2f3a4b5c6d80"], "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "secure_config": {"id": "5e560729c9e77c0017d53607", "name": "snowflake-prod-service-account", "schema_name": "Snowflake Key Pair"}
}"#,
            },
        ],
    }],
};

pub(super) const COMMENT: Source = Source {
    id: "datarobot.comment",
    name: "Comment",
    description: "Comments on DataRobot entities: created and updated.",
    categories: &[Category {
        name: "Comment events",
        types: &[
            EventType {
                type_id: "comment.created",
                title: "Comment created",
                description: "A comment was posted on a DataRobot entity.",
                required: &[],
                sample: r#"{
  "event": {"entity_id": "5e57183ac9e77c0017d54708", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "comment": {"id": "5e57183ac9e77c0017d54708", "entity_type": "deployment", "related_entity_id": "5e43c2b4c9e77c0017d4b3c5", "content": "Accuracy dropped after the October data refresh; retraining scheduled."}
}"#,
            },
            EventType {
                type_id: "comment.updated",
                title: "Comment updated",
                description: "A comment on a DataRobot entity was edited.",
                required: &[],
                sample: r#"{
  "event": {"entity_id": "5e57183ac9e77c0017d54708", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "comment": {"id": "5e57183ac9e77c0017d54708", "entity_type": "deployment", "related_entity_id": "5e43c2b4c9e77c0017d4b3c5", "content": "Accuracy dropped after the October data refresh; retraining scheduled."}
}"#,
            },
        ],
    }],
};

pub(super) const MISC: Source = Source {
    id: "datarobot.misc",
    name: "Miscellaneous",
    description: "DataRobot account and asset notifications: access requests, re-sent webhooks, email verification.",
    categories: &[
        Category {
            name: "Miscellaneous events",
            types: &[
        EventType {
            type_id: "misc.asset_access_request",
            title: "Asset access requested",
            description: "A user asked for access to an asset.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e43a0d2c9e77c0017d4b29f", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "asset": {"id": "5e43a0d2c9e77c0017d4b29f", "name": "churn_training_2025q4.csv", "type": "dataset", "requested_by": "5e3c0b7a9d1e2f3a4b5c6d80"}
}"#,
        },
        EventType {
            type_id: "misc.webhook_resend",
            title: "Webhook notification re-sent",
            description: "A notification was re-sent through a webhook channel.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e58294bc9e77c0017d55809", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "notification": {"id": "5e58294bc9e77c0017d55809", "channel_id": "5e58290ac9e77c0017d55801", "name": "Ops webhook", "original_event_type": "model_deployments.accuracy_red"}
}"#,
        },
        EventType {
            type_id: "misc.email_verification",
            title: "Email verification",
            description: "An email verification message was sent to a user.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "user": {"id": "5e3c0b7a9d1e2f3a4b5c6d7e", "name": "ml-ops@example.com"}
}"#,
        },
            ],
        },
    ],
};

pub(super) const MONITORING: Source = Source {
    id: "datarobot.monitoring",
    name: "Monitoring agent",
    description:
        "DataRobot MLOps monitoring agent: spooler channel status, NaN predictions and rate limits.",
    categories: &[Category {
        name: "Monitoring agent events",
        types: &[
            EventType {
                type_id: "monitoring.spooler_channel_base",
                title: "Spooler channel event",
                description: "The monitoring agent's spooler channel reported an event.",
                required: &[],
                sample: r#"{
  "event": {"channel": "spooler", "entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
            },
            EventType {
                type_id: "monitoring.spooler_channel_red",
                title: "Spooler channel error",
                description: "The monitoring agent's spooler channel is failing (red).",
                required: &[],
                sample: r#"{
  "event": {"channel": "spooler", "entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
            },
            EventType {
                type_id: "monitoring.spooler_channel_green",
                title: "Spooler channel recovered",
                description: "The monitoring agent's spooler channel is healthy again (green).",
                required: &[],
                sample: r#"{
  "event": {"channel": "spooler", "entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
            },
            EventType {
                type_id: "monitoring.external_model_nan_predictions",
                title: "External model NaN predictions",
                description: "An external model reported NaN predictions to monitoring.",
                required: &[],
                sample: r#"{
  "event": {"channel": "api", "entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
            },
            EventType {
                type_id: "monitoring.rate_limit_enforced",
                title: "Rate limit enforced",
                description:
                    "Monitoring data was dropped because the API request rate limit was exceeded.",
                required: &[],
                sample: r#"{
  "event": {"channel": "api", "entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
            },
        ],
    }],
};

pub(super) const MANAGEMENT: Source = Source {
    id: "datarobot.management",
    name: "Management agent",
    description: "DataRobot MLOps management agent reports about the deployments it manages.",
    categories: &[Category {
        name: "Management agent events",
        types: &[EventType {
            type_id: "management.deploymentInfo",
            title: "Deployment information",
            description: "The management agent reported information about a deployment it manages.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        }],
    }],
};

pub(super) const PREDICTION_REQUEST: Source = Source {
    id: "datarobot.prediction_request",
    name: "Prediction request",
    description: "Failed prediction requests to DataRobot deployments.",
    categories: &[Category {
        name: "Prediction request events",
        types: &[EventType {
            type_id: "prediction_request.failed",
            title: "Prediction request failed",
            description: "A prediction request to a deployment failed.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "error_message": "Prediction request failed: see the deployment's activity log", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "failed", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        }],
    }],
};

pub(super) const POLICY_TEMPLATE: Source = Source {
    id: "datarobot.entity_notification_policy_template",
    name: "Notification policy template",
    description: "DataRobot notification policy templates shared with other users.",
    categories: &[Category {
        name: "Notification policy template events",
        types: &[EventType {
            type_id: "entity_notification_policy_template.shared",
            title: "Notification policy template shared",
            description: "A notification policy template was shared with other users.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e593a5cc9e77c0017d5690a", "shared_uids": ["5e3c0b7a9d1e2f3a4b5c6d80"], "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "notification_policy_template": {"id": "5e593a5cc9e77c0017d5690a", "name": "Production deployment health"}
}"#,
        }],
    }],
};

pub(super) const CHANNEL_TEMPLATE: Source = Source {
    id: "datarobot.notification_channel_template",
    name: "Notification channel template",
    description: "DataRobot notification channel templates shared with other users.",
    categories: &[Category {
        name: "Notification channel template events",
        types: &[EventType {
            type_id: "notification_channel_template.shared",
            title: "Notification channel template shared",
            description: "A notification channel template was shared with other users.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e5a4b6dc9e77c0017d57a0b", "shared_uids": ["5e3c0b7a9d1e2f3a4b5c6d80"], "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "notification_channel_template": {"id": "5e5a4b6dc9e77c0017d57a0b", "name": "Ops webhook", "channel_type": "Webhook"}
}"#,
        }],
    }],
};

pub(super) const USERS_DELETE: Source = Source {
    id: "datarobot.users_delete",
    name: "User deletion",
    description: "Deleting DataRobot users and their assets: previews and runs.",
    categories: &[
        Category {
            name: "Preview",
            types: &[
                EventType {
                    type_id: "users_delete.preview_started",
                    title: "User deletion preview started",
                    description: "A preview of what deleting users would remove started.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e55f618c9e77c0017d52506", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "users_delete": {"id": "5e55f618c9e77c0017d52506", "name": "Offboarding batch 2025-11", "user_count": 3, "status": "started"}
}"#,
                },
                EventType {
                    type_id: "users_delete.preview_completed",
                    title: "User deletion preview completed",
                    description: "A preview of what deleting users would remove completed.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e55f618c9e77c0017d52506", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "users_delete": {"id": "5e55f618c9e77c0017d52506", "name": "Offboarding batch 2025-11", "user_count": 3, "status": "completed"}
}"#,
                },
                EventType {
                    type_id: "users_delete.preview_failed",
                    title: "User deletion preview failed",
                    description: "A preview of what deleting users would remove failed.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e55f618c9e77c0017d52506", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "users_delete": {"id": "5e55f618c9e77c0017d52506", "name": "Offboarding batch 2025-11", "user_count": 3, "status": "failed"}
}"#,
                },
            ],
        },
        Category {
            name: "Deletion",
            types: &[
                EventType {
                    type_id: "users_delete.started",
                    title: "User deletion started",
                    description: "Deleting users and their assets started.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e55f618c9e77c0017d52506", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "users_delete": {"id": "5e55f618c9e77c0017d52506", "name": "Offboarding batch 2025-11", "user_count": 3, "status": "started"}
}"#,
                },
                EventType {
                    type_id: "users_delete.completed",
                    title: "User deletion completed",
                    description: "Deleting users and their assets completed.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e55f618c9e77c0017d52506", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "users_delete": {"id": "5e55f618c9e77c0017d52506", "name": "Offboarding batch 2025-11", "user_count": 3, "status": "completed"}
}"#,
                },
                EventType {
                    type_id: "users_delete.failed",
                    title: "User deletion failed",
                    description: "Deleting users and their assets failed.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e55f618c9e77c0017d52506", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "users_delete": {"id": "5e55f618c9e77c0017d52506", "name": "Offboarding batch 2025-11", "user_count": 3, "status": "failed"}
}"#,
                },
            ],
        },
    ],
};

pub(super) const APPLICATION: Source = Source {
    id: "datarobot.application",
    name: "Application",
    description: "DataRobot applications: created and shared.",
    categories: &[Category {
        name: "Application events",
        types: &[
            EventType {
                type_id: "application.created",
                title: "Application created",
                description: "A DataRobot application was created.",
                required: &[],
                sample: r#"{
  "event": {"entity_id": "5e54e507c9e77c0017d51405", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "application": {"id": "5e54e507c9e77c0017d51405", "name": "Churn what-if explorer", "application_type": "whatif", "deployment_id": "5e43c2b4c9e77c0017d4b3c5"}
}"#,
            },
            EventType {
                type_id: "application.shared",
                title: "Application shared",
                description: "A DataRobot application was shared with other users.",
                required: &[],
                sample: r#"{
  "event": {"entity_id": "5e54e507c9e77c0017d51405", "shared_uids": ["5e3c0b7a9d1e2f3a4b5c6d80"], "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "application": {"id": "5e54e507c9e77c0017d51405", "name": "Churn what-if explorer", "application_type": "whatif", "deployment_id": "5e43c2b4c9e77c0017d4b3c5"}
}"#,
            },
        ],
    }],
};

pub(super) const MODEL_VERSION: Source = Source {
    id: "datarobot.model_version",
    name: "Registered model version",
    description: "Registry model versions: added, and moved between stages.",
    categories: &[
        Category {
            name: "Model version added",
            types: &[EventType {
                type_id: "model_version.added",
                title: "Model version added",
                description: "A model version was added to the Registry.",
                required: &[],
                sample: r#"{
  "event": {"entity_id": "5e4f0b02c9e77c0017d4c620", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "model_version": {"id": "5e4f0b02c9e77c0017d4c620", "name": "Churn model v3", "registered_model_id": "5e4f0a77c9e77c0017d4c618", "stage": "registered"}
}"#,
            }],
        },
        Category {
            name: "Stage transitions",
            types: &[
                EventType {
                    type_id: "model_version.stage_transition_from_registered_to_development",
                    title: "Stage: registered to development",
                    description:
                        "A registered model version moved from the registered stage to development.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e4f0b02c9e77c0017d4c620", "previous_stage": "registered", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "model_version": {"id": "5e4f0b02c9e77c0017d4c620", "name": "Churn model v3", "registered_model_id": "5e4f0a77c9e77c0017d4c618", "stage": "development"}
}"#,
                },
                EventType {
                    type_id: "model_version.stage_transition_from_registered_to_staging",
                    title: "Stage: registered to staging",
                    description:
                        "A registered model version moved from the registered stage to staging.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e4f0b02c9e77c0017d4c620", "previous_stage": "registered", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "model_version": {"id": "5e4f0b02c9e77c0017d4c620", "name": "Churn model v3", "registered_model_id": "5e4f0a77c9e77c0017d4c618", "stage": "staging"}
}"#,
                },
                EventType {
                    type_id: "model_version.stage_transition_from_registered_to_production",
                    title: "Stage: registered to production",
                    description:
                        "A registered model version moved from the registered stage to production.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e4f0b02c9e77c0017d4c620", "previous_stage": "registered", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "model_version": {"id": "5e4f0b02c9e77c0017d4c620", "name": "Churn model v3", "registered_model_id": "5e4f0a77c9e77c0017d4c618", "stage": "production"}
}"#,
                },
                EventType {
                    type_id: "model_version.stage_transition_from_registered_to_archived",
                    title: "Stage: registered to archived",
                    description:
                        "A registered model version moved from the registered stage to archived.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e4f0b02c9e77c0017d4c620", "previous_stage": "registered", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "model_version": {"id": "5e4f0b02c9e77c0017d4c620", "name": "Churn model v3", "registered_model_id": "5e4f0a77c9e77c0017d4c618", "stage": "archived"}
}"#,
                },
                EventType {
                    type_id: "model_version.stage_transition_from_development_to_registered",
                    title: "Stage: development to registered",
                    description:
                        "A registered model version moved from the development stage to registered.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e4f0b02c9e77c0017d4c620", "previous_stage": "development", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "model_version": {"id": "5e4f0b02c9e77c0017d4c620", "name": "Churn model v3", "registered_model_id": "5e4f0a77c9e77c0017d4c618", "stage": "registered"}
}"#,
                },
                EventType {
                    type_id: "model_version.stage_transition_from_development_to_staging",
                    title: "Stage: development to staging",
                    description:
                        "A registered model version moved from the development stage to staging.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e4f0b02c9e77c0017d4c620", "previous_stage": "development", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "model_version": {"id": "5e4f0b02c9e77c0017d4c620", "name": "Churn model v3", "registered_model_id": "5e4f0a77c9e77c0017d4c618", "stage": "staging"}
}"#,
                },
                EventType {
                    type_id: "model_version.stage_transition_from_development_to_production",
                    title: "Stage: development to production",
                    description:
                        "A registered model version moved from the development stage to production.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e4f0b02c9e77c0017d4c620", "previous_stage": "development", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "model_version": {"id": "5e4f0b02c9e77c0017d4c620", "name": "Churn model v3", "registered_model_id": "5e4f0a77c9e77c0017d4c618", "stage": "production"}
}"#,
                },
                EventType {
                    type_id: "model_version.stage_transition_from_development_to_archived",
                    title: "Stage: development to archived",
                    description:
                        "A registered model version moved from the development stage to archived.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e4f0b02c9e77c0017d4c620", "previous_stage": "development", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "model_version": {"id": "5e4f0b02c9e77c0017d4c620", "name": "Churn model v3", "registered_model_id": "5e4f0a77c9e77c0017d4c618", "stage": "archived"}
}"#,
                },
                EventType {
                    type_id: "model_version.stage_transition_from_staging_to_registered",
                    title: "Stage: staging to registered",
                    description:
                        "A registered model version moved from the staging stage to registered.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e4f0b02c9e77c0017d4c620", "previous_stage": "staging", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "model_version": {"id": "5e4f0b02c9e77c0017d4c620", "name": "Churn model v3", "registered_model_id": "5e4f0a77c9e77c0017d4c618", "stage": "registered"}
}"#,
                },
                EventType {
                    type_id: "model_version.stage_transition_from_staging_to_development",
                    title: "Stage: staging to development",
                    description:
                        "A registered model version moved from the staging stage to development.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e4f0b02c9e77c0017d4c620", "previous_stage": "staging", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "model_version": {"id": "5e4f0b02c9e77c0017d4c620", "name": "Churn model v3", "registered_model_id": "5e4f0a77c9e77c0017d4c618", "stage": "development"}
}"#,
                },
                EventType {
                    type_id: "model_version.stage_transition_from_staging_to_production",
                    title: "Stage: staging to production",
                    description:
                        "A registered model version moved from the staging stage to production.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e4f0b02c9e77c0017d4c620", "previous_stage": "staging", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "model_version": {"id": "5e4f0b02c9e77c0017d4c620", "name": "Churn model v3", "registered_model_id": "5e4f0a77c9e77c0017d4c618", "stage": "production"}
}"#,
                },
                EventType {
                    type_id: "model_version.stage_transition_from_staging_to_archived",
                    title: "Stage: staging to archived",
                    description:
                        "A registered model version moved from the staging stage to archived.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e4f0b02c9e77c0017d4c620", "previous_stage": "staging", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "model_version": {"id": "5e4f0b02c9e77c0017d4c620", "name": "Churn model v3", "registered_model_id": "5e4f0a77c9e77c0017d4c618", "stage": "archived"}
}"#,
                },
                EventType {
                    type_id: "model_version.stage_transition_from_production_to_registered",
                    title: "Stage: production to registered",
                    description:
                        "A registered model version moved from the production stage to registered.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e4f0b02c9e77c0017d4c620", "previous_stage": "production", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "model_version": {"id": "5e4f0b02c9e77c0017d4c620", "name": "Churn model v3", "registered_model_id": "5e4f0a77c9e77c0017d4c618", "stage": "registered"}
}"#,
                },
                EventType {
                    type_id: "model_version.stage_transition_from_production_to_development",
                    title: "Stage: production to development",
                    description:
                        "A registered model version moved from the production stage to development.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e4f0b02c9e77c0017d4c620", "previous_stage": "production", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "model_version": {"id": "5e4f0b02c9e77c0017d4c620", "name": "Churn model v3", "registered_model_id": "5e4f0a77c9e77c0017d4c618", "stage": "development"}
}"#,
                },
                EventType {
                    type_id: "model_version.stage_transition_from_production_to_staging",
                    title: "Stage: production to staging",
                    description:
                        "A registered model version moved from the production stage to staging.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e4f0b02c9e77c0017d4c620", "previous_stage": "production", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "model_version": {"id": "5e4f0b02c9e77c0017d4c620", "name": "Churn model v3", "registered_model_id": "5e4f0a77c9e77c0017d4c618", "stage": "staging"}
}"#,
                },
                EventType {
                    type_id: "model_version.stage_transition_from_production_to_archived",
                    title: "Stage: production to archived",
                    description:
                        "A registered model version moved from the production stage to archived.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e4f0b02c9e77c0017d4c620", "previous_stage": "production", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "model_version": {"id": "5e4f0b02c9e77c0017d4c620", "name": "Churn model v3", "registered_model_id": "5e4f0a77c9e77c0017d4c618", "stage": "archived"}
}"#,
                },
                EventType {
                    type_id: "model_version.stage_transition_from_archived_to_registered",
                    title: "Stage: archived to registered",
                    description:
                        "A registered model version moved from the archived stage to registered.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e4f0b02c9e77c0017d4c620", "previous_stage": "archived", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "model_version": {"id": "5e4f0b02c9e77c0017d4c620", "name": "Churn model v3", "registered_model_id": "5e4f0a77c9e77c0017d4c618", "stage": "registered"}
}"#,
                },
                EventType {
                    type_id: "model_version.stage_transition_from_archived_to_development",
                    title: "Stage: archived to development",
                    description:
                        "A registered model version moved from the archived stage to development.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e4f0b02c9e77c0017d4c620", "previous_stage": "archived", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "model_version": {"id": "5e4f0b02c9e77c0017d4c620", "name": "Churn model v3", "registered_model_id": "5e4f0a77c9e77c0017d4c618", "stage": "development"}
}"#,
                },
                EventType {
                    type_id: "model_version.stage_transition_from_archived_to_production",
                    title: "Stage: archived to production",
                    description:
                        "A registered model version moved from the archived stage to production.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e4f0b02c9e77c0017d4c620", "previous_stage": "archived", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "model_version": {"id": "5e4f0b02c9e77c0017d4c620", "name": "Churn model v3", "registered_model_id": "5e4f0a77c9e77c0017d4c618", "stage": "production"}
}"#,
                },
                EventType {
                    type_id: "model_version.stage_transition_from_archived_to_staging",
                    title: "Stage: archived to staging",
                    description:
                        "A registered model version moved from the archived stage to staging.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e4f0b02c9e77c0017d4c620", "previous_stage": "archived", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "model_version": {"id": "5e4f0b02c9e77c0017d4c620", "name": "Churn model v3", "registered_model_id": "5e4f0a77c9e77c0017d4c618", "stage": "staging"}
}"#,
                },
            ],
        },
    ],
};

pub(super) const BATCH_PREDICTIONS: Source = Source {
    id: "datarobot.batch_predictions",
    name: "Batch predictions",
    description: "DataRobot batch prediction jobs: succeeded, failed, schedule disabled.",
    categories: &[
        Category {
            name: "Batch predictions events",
            types: &[
        EventType {
            type_id: "batch_predictions.success",
            title: "Batch prediction job succeeded",
            description: "A batch prediction job finished successfully.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e50a1c3c9e77c0017d4d001", "status": "succeeded", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "batch_prediction": {"id": "5e50a1c3c9e77c0017d4d001", "name": "Nightly churn scoring", "deployment_id": "5e43c2b4c9e77c0017d4b3c5", "status": "succeeded"}
}"#,
        },
        EventType {
            type_id: "batch_predictions.failed",
            title: "Batch prediction job failed",
            description: "A batch prediction job failed.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e50a1c3c9e77c0017d4d001", "status": "failed", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "batch_prediction": {"id": "5e50a1c3c9e77c0017d4d001", "name": "Nightly churn scoring", "deployment_id": "5e43c2b4c9e77c0017d4b3c5", "status": "failed", "error_message": "Output adapter failed: access denied to s3://scores/churn/"}
}"#,
        },
        EventType {
            type_id: "batch_predictions.scheduler.auto_disabled",
            title: "Batch prediction schedule disabled",
            description: "A batch prediction job definition's schedule was disabled automatically after repeated failures.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e50a1c3c9e77c0017d4d001", "status": "disabled", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "batch_prediction": {"id": "5e50a1c3c9e77c0017d4d001", "name": "Nightly churn scoring", "deployment_id": "5e43c2b4c9e77c0017d4b3c5", "status": "disabled"}
}"#,
        },
            ],
        },
    ],
};

pub(super) const CHANGE_REQUEST: Source = Source {
    id: "datarobot.change_request",
    name: "Change request",
    description: "DataRobot governance change requests and their reviews.",
    categories: &[
        Category {
            name: "Change requests",
            types: &[
                EventType {
                    type_id: "change_request.cancelled",
                    title: "Change request cancelled",
                    description: "A change request was cancelled.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e51b2d4c9e77c0017d4e102", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "change_request": {"id": "5e51b2d4c9e77c0017d4e102", "name": "Replace churn model with v3", "entity_type": "deployment", "related_entity_id": "5e43c2b4c9e77c0017d4b3c5", "status": "cancelled"}
}"#,
                },
                EventType {
                    type_id: "change_request.created",
                    title: "Change request created",
                    description: "A change request was created.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e51b2d4c9e77c0017d4e102", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "change_request": {"id": "5e51b2d4c9e77c0017d4e102", "name": "Replace churn model with v3", "entity_type": "deployment", "related_entity_id": "5e43c2b4c9e77c0017d4b3c5", "status": "pending"}
}"#,
                },
                EventType {
                    type_id: "change_request.deployment_approval_requested",
                    title: "Deployment approval requested",
                    description: "Approval of a deployment was requested through a change request.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e51b2d4c9e77c0017d4e102", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "change_request": {"id": "5e51b2d4c9e77c0017d4e102", "name": "Replace churn model with v3", "entity_type": "deployment", "related_entity_id": "5e43c2b4c9e77c0017d4b3c5", "status": "pending"}
}"#,
                },
                EventType {
                    type_id: "change_request.resolved",
                    title: "Change request resolved",
                    description: "A change request was resolved.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e51b2d4c9e77c0017d4e102", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "change_request": {"id": "5e51b2d4c9e77c0017d4e102", "name": "Replace churn model with v3", "entity_type": "deployment", "related_entity_id": "5e43c2b4c9e77c0017d4b3c5", "status": "resolved"}
}"#,
                },
                EventType {
                    type_id: "change_request.proposed_changes_updated",
                    title: "Proposed changes updated",
                    description: "The changes a change request proposes were updated.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e51b2d4c9e77c0017d4e102", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "change_request": {"id": "5e51b2d4c9e77c0017d4e102", "name": "Replace churn model with v3", "entity_type": "deployment", "related_entity_id": "5e43c2b4c9e77c0017d4b3c5", "status": "pending"}
}"#,
                },
                EventType {
                    type_id: "change_request.pending",
                    title: "Change request pending",
                    description: "A change request is waiting for review.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e51b2d4c9e77c0017d4e102", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "change_request": {"id": "5e51b2d4c9e77c0017d4e102", "name": "Replace churn model with v3", "entity_type": "deployment", "related_entity_id": "5e43c2b4c9e77c0017d4b3c5", "status": "pending"}
}"#,
                },
            ],
        },
        Category {
            name: "Reviews",
            types: &[
                EventType {
                    type_id: "change_request.commenting_review_added",
                    title: "Review comment added",
                    description: "A reviewer commented on a change request.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e51b2d4c9e77c0017d4e102", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "change_request": {"id": "5e51b2d4c9e77c0017d4e102", "name": "Replace churn model with v3", "entity_type": "deployment", "related_entity_id": "5e43c2b4c9e77c0017d4b3c5", "status": "pending"}
}"#,
                },
                EventType {
                    type_id: "change_request.approving_review_added",
                    title: "Change request approved",
                    description: "A reviewer approved a change request.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e51b2d4c9e77c0017d4e102", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "change_request": {"id": "5e51b2d4c9e77c0017d4e102", "name": "Replace churn model with v3", "entity_type": "deployment", "related_entity_id": "5e43c2b4c9e77c0017d4b3c5", "status": "pending"}
}"#,
                },
                EventType {
                    type_id: "change_request.changes_requesting_review_added",
                    title: "Changes requested",
                    description: "A reviewer requested changes to a change request.",
                    required: &[],
                    sample: r#"{
  "event": {"entity_id": "5e51b2d4c9e77c0017d4e102", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "change_request": {"id": "5e51b2d4c9e77c0017d4e102", "name": "Replace churn model with v3", "entity_type": "deployment", "related_entity_id": "5e43c2b4c9e77c0017d4b3c5", "status": "pending"}
}"#,
                },
            ],
        },
    ],
};

pub(super) const PREDICTION_EXPLANATIONS: Source = Source {
    id: "datarobot.prediction_explanations_computation",
    name: "Prediction explanations",
    description: "Prediction explanations preview jobs: submitted, completed, failed.",
    categories: &[
        Category {
            name: "Prediction explanations events",
            types: &[
        EventType {
            type_id: "prediction_explanations_computation.prediction_explanations_preview_job_submitted",
            title: "Prediction explanations preview submitted",
            description: "A prediction explanations preview job was submitted.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "submitted", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "prediction_explanations_computation.prediction_explanations_preview_job_completed",
            title: "Prediction explanations preview completed",
            description: "A prediction explanations preview job completed.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "completed", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
        EventType {
            type_id: "prediction_explanations_computation.prediction_explanations_preview_job_failed",
            title: "Prediction explanations preview failed",
            description: "A prediction explanations preview job failed.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "error_message": "Prediction explanations preview failed: see the deployment's activity log", "performer_uid": "5e3c0b7a9d1e2f3a4b5c6d7e", "status": "failed", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "deployment": {"deployment_id": "5e43c2b4c9e77c0017d4b3c5", "label": "Churn scoring (production)", "model_id": "5e43b7e1c9e77c0017d4b30c", "model_package_id": "5e43c1a8c9e77c0017d4b3b2", "project_id": "5e43a1f0c9e77c0017d4b2a1", "status": "active", "type": "dedicated", "user_id": "5e3c0b7a9d1e2f3a4b5c6d7e"}
}"#,
        },
            ],
        },
    ],
};

pub(super) const NOTEBOOK_SCHEDULE: Source = Source {
    id: "datarobot.notebook_schedule",
    name: "Notebook schedule",
    description: "Scheduled DataRobot notebook runs: created, completed, failed.",
    categories: &[Category {
        name: "Notebook schedule events",
        types: &[
            EventType {
                type_id: "notebook_schedule.created",
                title: "Notebook schedule created",
                description: "A notebook was scheduled to run.",
                required: &[],
                sample: r#"{
  "event": {"entity_id": "5e52c3e5c9e77c0017d4f203", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "notebook_schedule": {"id": "5e52c3e5c9e77c0017d4f203", "name": "Weekly feature refresh", "notebook_id": "5e52c3a0c9e77c0017d4f1ff", "schedule": "0 6 * * 1"}
}"#,
            },
            EventType {
                type_id: "notebook_schedule.failure",
                title: "Scheduled notebook run failed",
                description: "A scheduled notebook run failed.",
                required: &[],
                sample: r#"{
  "event": {"entity_id": "5e52c3e5c9e77c0017d4f203", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "notebook_schedule": {"id": "5e52c3e5c9e77c0017d4f203", "name": "Weekly feature refresh", "notebook_id": "5e52c3a0c9e77c0017d4f1ff", "schedule": "0 6 * * 1", "status": "failed"}
}"#,
            },
            EventType {
                type_id: "notebook_schedule.completed",
                title: "Scheduled notebook run completed",
                description: "A scheduled notebook run completed.",
                required: &[],
                sample: r#"{
  "event": {"entity_id": "5e52c3e5c9e77c0017d4f203", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "notebook_schedule": {"id": "5e52c3e5c9e77c0017d4f203", "name": "Weekly feature refresh", "notebook_id": "5e52c3a0c9e77c0017d4f1ff", "schedule": "0 6 * * 1", "status": "completed"}
}"#,
            },
        ],
    }],
};

pub(super) const MODERATION: Source = Source {
    id: "datarobot.moderation",
    name: "Moderation",
    description: "Moderation (guard models) of generative AI deployments: phases and errors.",
    categories: &[
        Category {
            name: "Moderation metrics",
            types: &[
        EventType {
            type_id: "moderation.metric.creation_error",
            title: "Moderation metric creation error",
            description: "A moderation (guard) metric could not be created.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "moderation": {"id": "5e53d4f6c9e77c0017d50304", "name": "Toxicity guard", "deployment_id": "5e43c2b4c9e77c0017d4b3c5", "stage": "response", "error_message": "Guard model timed out after 30 s"}
}"#,
        },
        EventType {
            type_id: "moderation.metric.reporting_error",
            title: "Moderation metric reporting error",
            description: "A moderation (guard) metric could not be reported.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "moderation": {"id": "5e53d4f6c9e77c0017d50304", "name": "Toxicity guard", "deployment_id": "5e43c2b4c9e77c0017d4b3c5", "stage": "response", "error_message": "Guard model timed out after 30 s"}
}"#,
        },
            ],
        },
        Category {
            name: "Moderated scoring",
            types: &[
        EventType {
            type_id: "moderation.model.moderation_started",
            title: "Moderation started",
            description: "Moderation started for a moderated (guarded) model deployment.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "moderation": {"id": "5e53d4f6c9e77c0017d50304", "name": "Toxicity guard", "deployment_id": "5e43c2b4c9e77c0017d4b3c5", "stage": "response"}
}"#,
        },
        EventType {
            type_id: "moderation.model.moderation_completed",
            title: "Moderation completed",
            description: "Moderation completed for a moderated (guarded) model deployment.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "moderation": {"id": "5e53d4f6c9e77c0017d50304", "name": "Toxicity guard", "deployment_id": "5e43c2b4c9e77c0017d4b3c5", "stage": "response"}
}"#,
        },
        EventType {
            type_id: "moderation.model.pre_score_phase_started",
            title: "Pre-score moderation started",
            description: "Pre-score moderation started for a moderated (guarded) model deployment.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "moderation": {"id": "5e53d4f6c9e77c0017d50304", "name": "Toxicity guard", "deployment_id": "5e43c2b4c9e77c0017d4b3c5", "stage": "prompt"}
}"#,
        },
        EventType {
            type_id: "moderation.model.pre_score_phase_completed",
            title: "Pre-score moderation completed",
            description: "Pre-score moderation completed for a moderated (guarded) model deployment.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "moderation": {"id": "5e53d4f6c9e77c0017d50304", "name": "Toxicity guard", "deployment_id": "5e43c2b4c9e77c0017d4b3c5", "stage": "prompt"}
}"#,
        },
        EventType {
            type_id: "moderation.model.post_score_phase_started",
            title: "Post-score moderation started",
            description: "Post-score moderation started for a moderated (guarded) model deployment.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "moderation": {"id": "5e53d4f6c9e77c0017d50304", "name": "Toxicity guard", "deployment_id": "5e43c2b4c9e77c0017d4b3c5", "stage": "response"}
}"#,
        },
        EventType {
            type_id: "moderation.model.post_score_phase_completed",
            title: "Post-score moderation completed",
            description: "Post-score moderation completed for a moderated (guarded) model deployment.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "moderation": {"id": "5e53d4f6c9e77c0017d50304", "name": "Toxicity guard", "deployment_id": "5e43c2b4c9e77c0017d4b3c5", "stage": "response"}
}"#,
        },
        EventType {
            type_id: "moderation.model.config_error",
            title: "Moderation configuration error",
            description: "Moderation configuration error for a moderated (guarded) model deployment.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "moderation": {"id": "5e53d4f6c9e77c0017d50304", "name": "Toxicity guard", "deployment_id": "5e43c2b4c9e77c0017d4b3c5", "stage": "response", "error_message": "Guard model timed out after 30 s"}
}"#,
        },
        EventType {
            type_id: "moderation.model.runtime_error",
            title: "Moderation runtime error",
            description: "Moderation runtime error for a moderated (guarded) model deployment.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "moderation": {"id": "5e53d4f6c9e77c0017d50304", "name": "Toxicity guard", "deployment_id": "5e43c2b4c9e77c0017d4b3c5", "stage": "response", "error_message": "Guard model timed out after 30 s"}
}"#,
        },
        EventType {
            type_id: "moderation.model.scoring_started",
            title: "Moderated scoring started",
            description: "Moderated scoring started for a moderated (guarded) model deployment.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "moderation": {"id": "5e53d4f6c9e77c0017d50304", "name": "Toxicity guard", "deployment_id": "5e43c2b4c9e77c0017d4b3c5", "stage": "response"}
}"#,
        },
        EventType {
            type_id: "moderation.model.scoring_completed",
            title: "Moderated scoring completed",
            description: "Moderated scoring completed for a moderated (guarded) model deployment.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "moderation": {"id": "5e53d4f6c9e77c0017d50304", "name": "Toxicity guard", "deployment_id": "5e43c2b4c9e77c0017d4b3c5", "stage": "response"}
}"#,
        },
        EventType {
            type_id: "moderation.model.scoring_error",
            title: "Moderated scoring error",
            description: "Moderated scoring error for a moderated (guarded) model deployment.",
            required: &[],
            sample: r#"{
  "event": {"entity_id": "5e43c2b4c9e77c0017d4b3c5", "uid": "5e3c0b7a9d1e2f3a4b5c6d7e"},
  "moderation": {"id": "5e53d4f6c9e77c0017d50304", "name": "Toxicity guard", "deployment_id": "5e43c2b4c9e77c0017d4b3c5", "stage": "response", "error_message": "Guard model timed out after 30 s"}
}"#,
        },
            ],
        },
    ],
};

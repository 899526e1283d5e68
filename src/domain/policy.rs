//! The permission vocabulary: actions and the resources they act on.
//!
//! Every operation of Herald is one [`Action`] on one [`Resource`]. The fifteen EventBridge
//! actions are those of the PAI seed's RAM policy; the account-level actions (workspaces,
//! activation, the service-linked role, users, policies) are decided by [`Action::access`].
//! Evaluation lives in `server::auth::authorize`, not here.

use serde::{Deserialize, Serialize};

/// The region part of every ARN Herald hands out: a self-hosted install has one region.
pub const REGION: &str = "local";

/// The service-linked role created by "Grant permissions".
pub const SERVICE_LINKED_ROLE: &str = "AliyunServiceRoleForPAIWorkspace";

/// Prefix of the bus that activation creates for each workspace.
pub const SYSTEM_BUS_PREFIX: &str = "pai-system-";

/// The bus name of a workspace: `pai-system-{WorkspaceName}`.
pub fn system_bus_name(workspace: &str) -> String {
    format!("{SYSTEM_BUS_PREFIX}{workspace}")
}

/// Everything an actor can ask to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    // The fifteen actions of the seed's EventBridge policy.
    CreateEventBus,
    GetEventBus,
    DeleteEventBus,
    ListEventBuses,
    CreateRule,
    GetRule,
    UpdateRule,
    EnableRule,
    DisableRule,
    DeleteRule,
    ListRules,
    PutEvents,
    UpdateTargets,
    DeleteTargets,
    ListTargets,
    // Account-level operations: the owner's alone.
    CreateWorkspace,
    ListWorkspaces,
    GetWorkspace,
    ActivateEventBridge,
    GetEventBridgeStatus,
    CreateServiceLinkedRole,
    ListContacts,
    CreateContact,
    UpdateContact,
    DeleteContact,
    ListQuotaRequests,
    DecideQuotaRequest,
    CreateAccessKey,
    ListAccessKeys,
    DeleteAccessKey,
    ChangePassword,
    /// Choose one's own UI language.
    SetLanguage,
    ListUsers,
    CreateUser,
    UpdateUser,
    DeleteUser,
    ListPolicies,
    CreatePolicy,
    UpdatePolicy,
    DeletePolicy,
    AttachPolicy,
    DetachPolicy,
    ListAuditLog,
    /// The account's message language (the default of rules that name none).
    SetAccountLanguage,
}

/// Who may perform an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Decided by the actor's policies (the owner may always).
    Policy,
    /// Any active user of the account: reads the console needs to find its way to the
    /// event buses (workspaces, activation state, the contacts a target can pick).
    AnyUser,
    /// A user on itself only (its password and AccessKeys), or the owner.
    SelfService,
    /// The account owner alone.
    Owner,
}

impl Action {
    /// The action's name as written in a policy, e.g. `eventbridge:CreateRule`.
    pub fn as_str(self) -> &'static str {
        use Action::*;
        match self {
            CreateEventBus => "eventbridge:CreateEventBus",
            GetEventBus => "eventbridge:GetEventBus",
            DeleteEventBus => "eventbridge:DeleteEventBus",
            ListEventBuses => "eventbridge:ListEventBuses",
            CreateRule => "eventbridge:CreateRule",
            GetRule => "eventbridge:GetRule",
            UpdateRule => "eventbridge:UpdateRule",
            EnableRule => "eventbridge:EnableRule",
            DisableRule => "eventbridge:DisableRule",
            DeleteRule => "eventbridge:DeleteRule",
            ListRules => "eventbridge:ListRules",
            PutEvents => "eventbridge:PutEvents",
            UpdateTargets => "eventbridge:UpdateTargets",
            DeleteTargets => "eventbridge:DeleteTargets",
            ListTargets => "eventbridge:ListTargets",
            CreateWorkspace => "herald:CreateWorkspace",
            ListWorkspaces => "herald:ListWorkspaces",
            GetWorkspace => "herald:GetWorkspace",
            ActivateEventBridge => "herald:ActivateEventBridge",
            GetEventBridgeStatus => "herald:GetEventBridgeStatus",
            CreateServiceLinkedRole => "ram:CreateServiceLinkedRole",
            ListContacts => "herald:ListContacts",
            CreateContact => "herald:CreateContact",
            UpdateContact => "herald:UpdateContact",
            DeleteContact => "herald:DeleteContact",
            ListQuotaRequests => "herald:ListQuotaRequests",
            DecideQuotaRequest => "herald:DecideQuotaRequest",
            CreateAccessKey => "herald:CreateAccessKey",
            ListAccessKeys => "herald:ListAccessKeys",
            DeleteAccessKey => "herald:DeleteAccessKey",
            ChangePassword => "herald:ChangePassword",
            SetLanguage => "herald:SetLanguage",
            ListUsers => "ram:ListUsers",
            CreateUser => "ram:CreateUser",
            UpdateUser => "ram:UpdateUser",
            DeleteUser => "ram:DeleteUser",
            ListPolicies => "ram:ListPolicies",
            CreatePolicy => "ram:CreatePolicy",
            UpdatePolicy => "ram:UpdatePolicy",
            DeletePolicy => "ram:DeletePolicy",
            AttachPolicy => "ram:AttachPolicyToUser",
            DetachPolicy => "ram:DetachPolicyFromUser",
            ListAuditLog => "herald:ListAuditLog",
            SetAccountLanguage => "herald:SetAccountLanguage",
        }
    }

    /// The fifteen actions a policy can grant, in the seed policy's order.
    pub const EVENTBRIDGE: [Action; 15] = [
        Action::CreateEventBus,
        Action::GetEventBus,
        Action::DeleteEventBus,
        Action::ListEventBuses,
        Action::CreateRule,
        Action::GetRule,
        Action::UpdateRule,
        Action::EnableRule,
        Action::DisableRule,
        Action::DeleteRule,
        Action::ListRules,
        Action::PutEvents,
        Action::UpdateTargets,
        Action::DeleteTargets,
        Action::ListTargets,
    ];

    /// Who may perform this action.
    pub fn access(self) -> Access {
        use Action::*;
        match self {
            ListWorkspaces | GetWorkspace | GetEventBridgeStatus | ListContacts => Access::AnyUser,
            CreateAccessKey | ListAccessKeys | DeleteAccessKey | ChangePassword | SetLanguage => {
                Access::SelfService
            }
            a if a.as_str().starts_with("eventbridge:") => Access::Policy,
            _ => Access::Owner,
        }
    }

    /// The action named `name` in a policy (`eventbridge:CreateRule`), if it is one of the
    /// fifteen.
    pub fn from_policy_name(name: &str) -> Option<Action> {
        Action::EVENTBRIDGE.into_iter().find(|a| a.as_str() == name)
    }

    /// True for the actions outside the policy language (the account's own business).
    pub fn is_account_level(self) -> bool {
        self.access() != Access::Policy
    }
}

/// What an action acts on: the account it belongs to and its ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub account_id: i64,
    pub arn: String,
}

impl Resource {
    /// The account itself (activation, the service-linked role, workspace lists).
    pub fn account(account_id: i64) -> Self {
        Resource {
            account_id,
            arn: format!("acs:herald:{REGION}:{account_id}:account"),
        }
    }

    /// A workspace of the account.
    pub fn workspace(account_id: i64, name: &str) -> Self {
        Resource {
            account_id,
            arn: format!("acs:herald:{REGION}:{account_id}:workspace/{name}"),
        }
    }

    /// A contact ("*" for all of the account's).
    pub fn contact(account_id: i64, id: &str) -> Self {
        Resource {
            account_id,
            arn: format!("acs:herald:{REGION}:{account_id}:contact/{id}"),
        }
    }

    /// An event bus, or every bus with `bus = "*"`.
    pub fn event_bus(account_id: i64, bus: &str) -> Self {
        Resource {
            account_id,
            arn: format!("acs:eventbridge:{REGION}:{account_id}:eventbus/{bus}"),
        }
    }

    /// A rule on a bus.
    pub fn rule(account_id: i64, bus: &str, rule: &str) -> Self {
        Resource {
            account_id,
            arn: format!("acs:eventbridge:{REGION}:{account_id}:eventbus/{bus}/rule/{rule}"),
        }
    }

    /// A user of the account (RAM user or owner).
    pub fn user(account_id: i64, user_id: i64) -> Self {
        Resource {
            account_id,
            arn: format!("acs:ram::{account_id}:user/{user_id}"),
        }
    }

    /// Every user of the account: `user/*`.
    pub fn users(account_id: i64) -> Self {
        Resource {
            account_id,
            arn: format!("acs:ram::{account_id}:user/*"),
        }
    }

    /// A policy of the account ("*" for all).
    pub fn policy(account_id: i64, name: &str) -> Self {
        Resource {
            account_id,
            arn: format!("acs:ram::{account_id}:policy/{name}"),
        }
    }

    /// The service-linked role.
    pub fn service_linked_role(account_id: i64) -> Self {
        Resource {
            account_id,
            arn: format!("acs:ram::{account_id}:role/{SERVICE_LINKED_ROLE}"),
        }
    }
}

/// The policy document of the service-linked role, as PROTOCOLS.md gives it.
pub fn service_linked_role_policy() -> serde_json::Value {
    serde_json::json!({
        "Version": "1",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["eventbridge:PutEvents"],
                "Resource": "*"
            },
            {
                "Effect": "Allow",
                "Action": "ram:DeleteServiceLinkedRole",
                "Resource": "*",
                "Condition": {
                    "StringEquals": { "ram:ServiceName": "aiworkspace.pai.aliyuncs.com" }
                }
            }
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bus_name_follows_the_pai_convention() {
        assert_eq!(system_bus_name("ml-team"), "pai-system-ml-team");
    }

    #[test]
    fn eventbridge_actions_are_not_account_level_and_the_rest_are() {
        assert!(!Action::CreateRule.is_account_level());
        assert!(!Action::ListTargets.is_account_level());
        assert!(Action::CreateWorkspace.is_account_level());
        assert!(Action::CreateServiceLinkedRole.is_account_level());
    }

    #[test]
    fn arns_name_the_account_and_the_bus() {
        assert_eq!(
            Resource::rule(7, "pai-system-a", "r1").arn,
            "acs:eventbridge:local:7:eventbus/pai-system-a/rule/r1"
        );
    }

    #[test]
    fn role_policy_grants_put_events_and_conditional_delete() {
        let policy = service_linked_role_policy();
        let text = policy.to_string();
        assert!(text.contains("eventbridge:PutEvents"));
        assert!(text.contains("aiworkspace.pai.aliyuncs.com"));
    }
}

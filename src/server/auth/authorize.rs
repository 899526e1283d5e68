//! `authorize(actor, action, resource)`: the one door every operation passes before it
//! reads or writes anything, and [`evaluate`], the RAM policy evaluation it uses for RAM
//! users. No other code makes permission decisions.

use super::super::store::accounts::UserRow;
use crate::domain::models::CurrentUser;
use crate::domain::policy::{Access, Action, Resource};
use crate::domain::ram::{Effect, PolicyDocument};
use crate::domain::AppError;
use std::sync::Arc;

/// How a request reached Herald: the `herald:Via` condition key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Console,
    Api,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Console => "console",
            Via::Api => "api",
        }
    }
}

/// Who is acting: a user of one account, with the policies attached to it.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i64,
    pub account_id: i64,
    pub email: String,
    /// A RAM user's login name; `None` for the owner.
    pub login_name: Option<String>,
    pub display_name: String,
    pub is_owner: bool,
    /// Set for a RAM user until it replaces its initial password.
    pub must_change_password: bool,
    /// The attached policies, parsed. A RAM user without any may do nothing but the
    /// account-wide reads and its own password and keys.
    pub policies: Arc<Vec<PolicyDocument>>,
    pub via: Via,
    /// The user's current session nonce: a session holding another one is over.
    pub session_nonce: String,
    /// The UI language the user chose, if any (`en`, `ja`, `zh`).
    pub locale: Option<String>,
}

impl Actor {
    /// An actor for `row`, holding `policies`.
    pub fn new(row: UserRow, policies: Vec<PolicyDocument>, via: Via) -> Self {
        Actor {
            user_id: row.id,
            account_id: row.account_id,
            email: row.email.unwrap_or_default(),
            login_name: row.login_name,
            display_name: row.display_name,
            is_owner: row.is_owner,
            must_change_password: row.must_change_password,
            policies: Arc::new(policies),
            via,
            session_nonce: row.session_nonce,
            locale: row.locale,
        }
    }

    /// How the audit log and messages name the actor: the owner's email, or
    /// `name@account` for a RAM user.
    pub fn name(&self) -> String {
        match &self.login_name {
            Some(login) => format!("{login}@{}", self.account_id),
            None => self.email.clone(),
        }
    }
}

impl From<&Actor> for CurrentUser {
    fn from(actor: &Actor) -> Self {
        CurrentUser {
            user_id: actor.user_id,
            account_id: actor.account_id,
            email: actor.email.clone(),
            login: actor.name(),
            display_name: actor.display_name.clone(),
            is_owner: actor.is_owner,
            must_change_password: actor.must_change_password,
        }
    }
}

/// May `actor` perform `action` on `resource`? `Ok(())` or a `Forbidden` error that names
/// both.
///
/// The order: another account's resource is always refused; a RAM user who has not yet
/// replaced its initial password may do nothing else; the owner may do everything in its
/// account; otherwise [`Action::access`] says who decides, and for the fifteen EventBridge
/// actions that is the actor's policies ([`evaluate`]).
pub fn authorize(actor: &Actor, action: Action, resource: &Resource) -> Result<(), AppError> {
    let forbidden = || {
        tracing::info!(
            user_id = actor.user_id,
            action = action.as_str(),
            resource = %resource.arn,
            "permission refused"
        );
        Err(AppError::Forbidden {
            action: action.as_str().to_string(),
            resource: resource.arn.clone(),
        })
    };
    // Accounts are sealed from each other: nothing of another account is ever in reach,
    // whatever the actor's role.
    if resource.account_id != actor.account_id {
        return forbidden();
    }
    // The language is let through too: a RAM user on its initial password may want to read
    // the password page in its own language first. It changes nothing but the user's view.
    if actor.must_change_password && !matches!(action, Action::ChangePassword | Action::SetLanguage)
    {
        return Err(AppError::Precondition {
            message: "Change your initial password before doing anything else.".into(),
        });
    }
    // The owner is the account's root user and may do everything in it.
    if actor.is_owner {
        return Ok(());
    }
    let allowed = match action.access() {
        Access::Owner => false,
        Access::AnyUser => true,
        Access::SelfService => resource.arn == Resource::user(actor.account_id, actor.user_id).arn,
        Access::Policy => {
            let context = [
                ("herald:Via", Some(actor.via.as_str())),
                ("herald:UserName", actor.login_name.as_deref()),
            ];
            evaluate(&actor.policies, action.as_str(), &resource.arn, &context) == Decision::Allow
        }
    };
    if allowed {
        Ok(())
    } else {
        forbidden()
    }
}

/// The outcome of evaluating policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// A statement denies it: no Allow can override.
    ExplicitDeny,
    /// Nothing allows it.
    ImplicitDeny,
}

/// RAM evaluation: a statement applies when its actions, resources and every condition
/// match; an applying Deny wins over any Allow; without an applying Allow the answer is no.
pub fn evaluate(
    policies: &[PolicyDocument],
    action: &str,
    arn: &str,
    context: &[(&str, Option<&str>)],
) -> Decision {
    let mut allowed = false;
    for statement in policies.iter().flat_map(|p| &p.statements) {
        let applies = statement.actions.covers(action)
            && statement.resources.covers(arn)
            && statement.conditions.iter().all(|c| {
                let value = context
                    .iter()
                    .find(|(k, _)| *k == c.key)
                    .and_then(|(_, v)| *v);
                c.holds(value)
            });
        if !applies {
            continue;
        }
        match statement.effect {
            Effect::Deny => return Decision::ExplicitDeny,
            Effect::Allow => allowed = true,
        }
    }
    if allowed {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(account_id: i64, is_owner: bool) -> Actor {
        Actor {
            user_id: 1,
            account_id,
            email: "a@example.com".into(),
            login_name: (!is_owner).then(|| "alice".to_string()),
            display_name: "A".into(),
            is_owner,
            must_change_password: false,
            policies: Arc::new(Vec::new()),
            via: Via::Console,
            session_nonce: String::new(),
            locale: None,
        }
    }

    fn ram_user(policies: &[&str]) -> Actor {
        let mut a = actor(1, false);
        a.policies = Arc::new(
            policies
                .iter()
                .map(|p| crate::domain::ram::parse(p, 1).unwrap())
                .collect(),
        );
        a
    }

    fn statement(effect: &str, body: &str) -> String {
        format!(r#"{{"Version":"1","Statement":[{{"Effect":"{effect}",{body}}}]}}"#)
    }

    const BUS_A: &str = "pai-system-a";

    /// One row: the policies, the action, the bus and rule acted on, and whether it is allowed.
    type Row = (
        Vec<&'static str>,
        Action,
        &'static str,
        Option<&'static str>,
        bool,
    );

    #[test]
    fn policies_are_evaluated_as_ram_does() {
        let seed = crate::domain::ram::seed_policy();
        let read_only = crate::domain::ram::read_only_policy();
        let seed: &'static str = Box::leak(seed.into_boxed_str());
        let read_only: &'static str = Box::leak(read_only.into_boxed_str());
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        let deny_delete = leak(statement(
            "Deny",
            r#""Action":"eventbridge:Delete*","Resource":"*""#,
        ));
        let not_action = leak(statement(
            "Allow",
            r#""NotAction":["eventbridge:DeleteRule","eventbridge:DeleteEventBus"],"Resource":"*""#,
        ));
        let question = leak(statement(
            "Allow",
            r#""Action":"eventbridge:???Rule","Resource":"acs:eventbridge:*:*:eventbus/pai-system-?/rule/*""#,
        ));
        let lower = leak(statement(
            "Allow",
            r#""Action":"eventbridge:CreateRule","Resource":"acs:eventbridge:*:*:eventbus/PAI-SYSTEM-A/*""#,
        ));
        let only_bus_b = leak(statement(
            "Allow",
            r#""Action":"eventbridge:*","Resource":"acs:eventbridge:*:*:eventbus/pai-system-b*""#,
        ));
        let not_resource = leak(statement(
            "Allow",
            r#""Action":"eventbridge:*","NotResource":"acs:eventbridge:*:*:eventbus/pai-system-b*""#,
        ));
        let via_api = leak(statement(
            "Allow",
            r#""Action":"eventbridge:*","Resource":"*","Condition":{"StringEquals":{"herald:Via":"api"}}"#,
        ));
        let name_like = leak(statement(
            "Allow",
            r#""Action":"eventbridge:*","Resource":"*","Condition":{"StringLike":{"herald:UserName":"ali*"}}"#,
        ));
        let rows: Vec<Row> = vec![
            // No policy: no Allow, denied.
            (vec![], Action::ListRules, BUS_A, None, false),
            // The seed policy grants all fifteen on every bus and rule.
            (vec![seed], Action::CreateRule, BUS_A, Some("r1"), true),
            (vec![seed], Action::PutEvents, BUS_A, None, true),
            (vec![seed], Action::ListEventBuses, "*", None, true),
            // Read-only: Get* and List* only.
            (vec![read_only], Action::GetRule, BUS_A, Some("r1"), true),
            (
                vec![read_only],
                Action::ListTargets,
                BUS_A,
                Some("r1"),
                true,
            ),
            (
                vec![read_only],
                Action::CreateRule,
                BUS_A,
                Some("r1"),
                false,
            ),
            (vec![read_only], Action::PutEvents, BUS_A, None, false),
            // Explicit Deny wins over Allow, in whichever order the policies come.
            (
                vec![seed, deny_delete],
                Action::DeleteRule,
                BUS_A,
                Some("r1"),
                false,
            ),
            (
                vec![deny_delete, seed],
                Action::DeleteRule,
                BUS_A,
                Some("r1"),
                false,
            ),
            (
                vec![seed, deny_delete],
                Action::UpdateRule,
                BUS_A,
                Some("r1"),
                true,
            ),
            // NotAction: everything but the listed.
            (
                vec![not_action],
                Action::UpdateRule,
                BUS_A,
                Some("r1"),
                true,
            ),
            (
                vec![not_action],
                Action::DeleteRule,
                BUS_A,
                Some("r1"),
                false,
            ),
            // `?` is exactly one character.
            (
                vec![question],
                Action::GetRule,
                "pai-system-x",
                Some("r1"),
                true,
            ),
            (
                vec![question],
                Action::ListRules,
                "pai-system-x",
                Some("r1"),
                false,
            ),
            (
                vec![question],
                Action::GetRule,
                "pai-system-xy",
                Some("r1"),
                false,
            ),
            // Case-sensitive resources.
            (vec![lower], Action::CreateRule, BUS_A, Some("r1"), false),
            // Resource wildcards: one bus, and everything but it.
            (
                vec![only_bus_b],
                Action::CreateRule,
                "pai-system-b",
                Some("r1"),
                true,
            ),
            (
                vec![only_bus_b],
                Action::CreateRule,
                BUS_A,
                Some("r1"),
                false,
            ),
            (
                vec![not_resource],
                Action::CreateRule,
                BUS_A,
                Some("r1"),
                true,
            ),
            (
                vec![not_resource],
                Action::CreateRule,
                "pai-system-b",
                Some("r1"),
                false,
            ),
            // Conditions: the console is not the API; the user name matches `ali*`.
            (vec![via_api], Action::GetRule, BUS_A, Some("r1"), false),
            (vec![name_like], Action::GetRule, BUS_A, Some("r1"), true),
        ];
        for (policies, action, bus, rule, expected) in rows {
            let user = ram_user(&policies);
            let resource = match rule {
                Some(r) => Resource::rule(1, bus, r),
                None => Resource::event_bus(1, bus),
            };
            let got = authorize(&user, action, &resource);
            assert_eq!(
                got.is_ok(),
                expected,
                "{} on {} with {policies:?}: {got:?}",
                action.as_str(),
                resource.arn
            );
            if let Err(e) = got {
                assert_eq!(
                    e,
                    AppError::Forbidden {
                        action: action.as_str().into(),
                        resource: resource.arn.clone()
                    }
                );
            }
        }
        // The same policy through the API passes the `herald:Via` condition.
        let mut api_user = ram_user(&[via_api]);
        api_user.via = Via::Api;
        assert!(authorize(&api_user, Action::GetRule, &Resource::rule(1, BUS_A, "r1")).is_ok());
    }

    #[test]
    fn account_level_actions_are_the_owners_and_self_service_is_ones_own() {
        let seed = crate::domain::ram::seed_policy();
        let user = ram_user(&[&seed]);
        for action in [
            Action::CreateWorkspace,
            Action::ActivateEventBridge,
            Action::CreateUser,
            Action::CreatePolicy,
            Action::ListAuditLog,
            Action::CreateContact,
            Action::DecideQuotaRequest,
        ] {
            assert!(
                authorize(&user, action, &Resource::account(1)).is_err(),
                "{action:?}"
            );
        }
        assert!(authorize(&user, Action::ListWorkspaces, &Resource::account(1)).is_ok());
        assert!(authorize(&user, Action::CreateAccessKey, &Resource::user(1, 1)).is_ok());
        assert!(authorize(&user, Action::CreateAccessKey, &Resource::user(1, 2)).is_err());
    }

    #[test]
    fn a_user_who_must_change_its_password_may_do_only_that() {
        let seed = crate::domain::ram::seed_policy();
        let mut user = ram_user(&[&seed]);
        user.must_change_password = true;
        assert!(matches!(
            authorize(&user, Action::ListRules, &Resource::event_bus(1, BUS_A)),
            Err(AppError::Precondition { .. })
        ));
        assert!(authorize(&user, Action::ChangePassword, &Resource::user(1, 1)).is_ok());
    }

    #[test]
    fn owner_may_act_in_own_account() {
        assert!(authorize(
            &actor(1, true),
            Action::CreateRule,
            &Resource::event_bus(1, "b")
        )
        .is_ok());
        assert!(authorize(
            &actor(1, true),
            Action::ActivateEventBridge,
            &Resource::account(1)
        )
        .is_ok());
    }

    #[test]
    fn owner_may_not_touch_another_account_and_the_refusal_names_action_and_resource() {
        let err = authorize(
            &actor(1, true),
            Action::ListEventBuses,
            &Resource::event_bus(2, "*"),
        )
        .unwrap_err();
        assert_eq!(
            err,
            AppError::Forbidden {
                action: "eventbridge:ListEventBuses".into(),
                resource: "acs:eventbridge:local:2:eventbus/*".into(),
            }
        );
    }

    #[test]
    fn non_owner_without_policies_gets_nothing() {
        assert!(authorize(
            &actor(1, false),
            Action::GetEventBus,
            &Resource::event_bus(1, "b")
        )
        .is_err());
    }
}

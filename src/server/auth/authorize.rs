//! `authorize(actor, action, resource)`: the one door every operation passes before it
//! reads or writes anything. No other code makes permission decisions.

use super::super::store::accounts::UserRow;
use crate::domain::models::CurrentUser;
use crate::domain::policy::{Action, Resource};
use crate::domain::AppError;

/// Who is acting: a user of one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub account_id: i64,
    pub email: String,
    pub display_name: String,
    pub is_owner: bool,
}

impl From<UserRow> for Actor {
    fn from(row: UserRow) -> Self {
        Actor {
            user_id: row.id,
            account_id: row.account_id,
            email: row.email.unwrap_or_default(),
            display_name: row.display_name,
            is_owner: row.is_owner,
        }
    }
}

impl From<&Actor> for CurrentUser {
    fn from(actor: &Actor) -> Self {
        CurrentUser {
            user_id: actor.user_id,
            account_id: actor.account_id,
            email: actor.email.clone(),
            display_name: actor.display_name.clone(),
            is_owner: actor.is_owner,
        }
    }
}

/// May `actor` perform `action` on `resource`? `Ok(())` or a `Forbidden` error that names
/// both.
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
    // The owner is the account's root user and may do everything in it.
    if actor.is_owner {
        return Ok(());
    }
    // Other users (RAM users) get nothing until policies exist to grant it.
    forbidden()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(account_id: i64, is_owner: bool) -> Actor {
        Actor {
            user_id: 1,
            account_id,
            email: "a@example.com".into(),
            display_name: "A".into(),
            is_owner,
        }
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

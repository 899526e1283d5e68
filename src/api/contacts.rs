//! Contacts ("Message receiving settings").

use crate::domain::models::ContactView;
use crate::domain::rule::ContactUse;
use crate::domain::AppError;
use leptos::prelude::*;

/// The account's contacts.
#[server(prefix = "/api/ui", endpoint = "list_contacts")]
pub async fn list_contacts() -> Result<Vec<ContactView>, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::contacts::list(&state, &actor).await
    }
    .await;
    ctx::respond(result)
}

/// Create a contact. Empty phone or email means none; one of them is required.
#[server(prefix = "/api/ui", endpoint = "create_contact")]
pub async fn create_contact(
    name: String,
    phone: String,
    email: String,
) -> Result<ContactView, AppError> {
    use super::ctx;
    use crate::server::service::contacts::{self, ContactInput};
    let result = async {
        let (state, actor) = ctx::actor().await?;
        contacts::create(&state, &actor, ContactInput { name, phone, email }).await
    }
    .await;
    ctx::respond(result)
}

/// Replace a contact's name, phone and email.
#[server(prefix = "/api/ui", endpoint = "update_contact")]
pub async fn update_contact(
    id: i64,
    name: String,
    phone: String,
    email: String,
) -> Result<ContactView, AppError> {
    use super::ctx;
    use crate::server::service::contacts::{self, ContactInput};
    let result = async {
        let (state, actor) = ctx::actor().await?;
        contacts::update(&state, &actor, id, ContactInput { name, phone, email }).await
    }
    .await;
    ctx::respond(result)
}

/// The targets that reach a contact, shown before it is deleted.
#[server(prefix = "/api/ui", endpoint = "contact_uses")]
pub async fn contact_uses(id: i64) -> Result<Vec<ContactUse>, AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::contacts::uses(&state, &actor, id).await
    }
    .await;
    ctx::respond(result)
}

/// Delete a contact. One still used by targets needs `confirmed`; it is then taken out of
/// them (a target left with nobody is removed).
#[server(prefix = "/api/ui", endpoint = "delete_contact")]
pub async fn delete_contact(id: i64, #[server(default)] confirmed: bool) -> Result<(), AppError> {
    use super::ctx;
    let result = async {
        let (state, actor) = ctx::actor().await?;
        crate::server::service::contacts::delete(&state, &actor, id, confirmed).await
    }
    .await;
    ctx::respond(result)
}

//! Event buses and the service-linked role.

use super::{Db, WriteTx};
use crate::domain::models::UnknownTypes;

/// An event bus row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BusRow {
    pub id: i64,
    pub name: String,
    pub workspace: Option<String>,
    pub description: String,
    pub created_at: String,
    pub unknown_types: UnknownTypes,
}

/// The service-linked role row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoleRow {
    pub name: String,
    pub policy: String,
    pub created_at: String,
}

/// Create the system bus `{prefix}{workspace}` for every workspace of the account that has
/// none, accepting unknown types (see [`UnknownTypes::Refuse`]). Idempotent.
pub async fn insert_system_buses(
    conn: &mut WriteTx,
    account_id: i64,
    prefix: &str,
) -> Result<u64, sqlx::Error> {
    on_tx!(conn, c => sqlx::query(
        "INSERT INTO event_buses (account_id, workspace_id, name, description, unknown_types)
         SELECT w.account_id, w.id, $2 || w.name, 'System bus of workspace ' || w.name, $3
         FROM workspaces w
         WHERE w.account_id = $1
           AND NOT EXISTS (SELECT 1 FROM event_buses b WHERE b.workspace_id = w.id)
         ON CONFLICT DO NOTHING",
    )
    .bind(account_id)
    .bind(prefix)
    .bind(UnknownTypes::Accept)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
}

/// The account's buses, by name.
pub async fn list_buses(db: &Db, account_id: i64) -> Result<Vec<BusRow>, sqlx::Error> {
    on!(db, c => sqlx::query_as(
        "SELECT b.id, b.name, w.name AS workspace, b.description, b.created_at, b.unknown_types
         FROM event_buses b LEFT JOIN workspaces w ON w.id = b.workspace_id
         WHERE b.account_id = $1 ORDER BY b.name",
    )
    .bind(account_id)
    .fetch_all(c)
    .await)
}

/// The account's role of this name, if granted.
pub async fn find_role(
    db: &Db,
    account_id: i64,
    name: &str,
) -> Result<Option<RoleRow>, sqlx::Error> {
    on!(db, c => sqlx::query_as(
        "SELECT name, policy, created_at FROM service_linked_roles
         WHERE account_id = $1 AND name = $2",
    )
    .bind(account_id)
    .bind(name)
    .fetch_optional(c)
    .await)
}

/// Create the role unless it exists. Idempotent.
pub async fn insert_role_if_absent(
    db: &Db,
    account_id: i64,
    name: &str,
    policy: &str,
) -> Result<(), sqlx::Error> {
    let _turn = super::turn(db, "role").await;
    on!(db, c => sqlx::query(
        "INSERT INTO service_linked_roles (account_id, name, policy) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
    )
    .bind(account_id)
    .bind(name)
    .bind(policy)
    .execute(c)
    .await
    .map(|_| ()))
}

/// A bus of the account by name, with its workspace's name.
pub async fn find_bus(db: &Db, account_id: i64, name: &str) -> Result<Option<BusRow>, sqlx::Error> {
    on!(db, c => sqlx::query_as(
        "SELECT b.id, b.name, w.name AS workspace, b.description, b.created_at, b.unknown_types
         FROM event_buses b LEFT JOIN workspaces w ON w.id = b.workspace_id
         WHERE b.account_id = $1 AND b.name = $2",
    )
    .bind(account_id)
    .bind(name)
    .fetch_optional(c)
    .await)
}

/// Create a custom bus (no workspace). Fails with a unique violation when the name is taken.
pub async fn insert_bus(
    db: &Db,
    account_id: i64,
    name: &str,
    description: &str,
    unknown_types: UnknownTypes,
) -> Result<(), sqlx::Error> {
    let _turn = super::turn(db, "bus").await;
    on!(db, c => sqlx::query(
        "INSERT INTO event_buses (account_id, name, description, unknown_types)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(account_id)
    .bind(name)
    .bind(description)
    .bind(unknown_types)
    .execute(c)
    .await
    .map(|_| ()))
}

/// Set a bus's choice for unknown types; false when the account has no such bus.
pub async fn set_unknown_types(
    db: &Db,
    account_id: i64,
    name: &str,
    unknown_types: UnknownTypes,
) -> Result<bool, sqlx::Error> {
    let _turn = super::turn(db, "bus").await;
    on!(db, c => sqlx::query("UPDATE event_buses SET unknown_types = $3 WHERE account_id = $1 AND name = $2")
        .bind(account_id)
        .bind(name)
        .bind(unknown_types)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))
}

/// How many rules a bus of the account has.
pub async fn rule_count(db: &Db, account_id: i64, name: &str) -> Result<i64, sqlx::Error> {
    on!(db, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM rules r JOIN event_buses b ON b.id = r.bus_id
         WHERE b.account_id = $1 AND b.name = $2",
    )
    .bind(account_id)
    .bind(name)
    .fetch_one(c)
    .await)
}

/// Delete up to `limit` events of the account's bus `name` while it has no rules (oldest
/// first, with their deliveries and attempts); the number deleted. Run in slices before
/// [`delete_bus`], so the deletion itself has little left to do.
pub async fn delete_bus_events(
    conn: &mut WriteTx,
    account_id: i64,
    name: &str,
    limit: i64,
) -> Result<u64, sqlx::Error> {
    on_tx!(conn, c => sqlx::query(
        "DELETE FROM events WHERE id IN (
             SELECT e.id FROM events e
             JOIN event_buses b ON b.id = e.bus_id
             WHERE b.account_id = $1 AND b.name = $2
               AND NOT EXISTS (SELECT 1 FROM rules r WHERE r.bus_id = b.id)
             ORDER BY e.id LIMIT $3)",
    )
    .bind(account_id)
    .bind(name)
    .bind(limit)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
}

/// Delete a bus of the account that has no rules; false when it was not deleted.
pub async fn delete_bus(db: &Db, account_id: i64, name: &str) -> Result<bool, sqlx::Error> {
    let _turn = super::turn(db, "bus").await;
    on!(db, c => sqlx::query(
        "DELETE FROM event_buses WHERE account_id = $1 AND name = $2
           AND NOT EXISTS (SELECT 1 FROM rules r WHERE r.bus_id = event_buses.id)",
    )
    .bind(account_id)
    .bind(name)
    .execute(c)
    .await
    .map(|r| r.rows_affected() == 1))
}

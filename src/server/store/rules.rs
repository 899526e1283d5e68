//! Event rules, their targets (settings sealed), the contacts of voice/SMS/email targets, and
//! quota increase requests.
//!
//! Every statement runs on SQLite and PostgreSQL alike, except those taking a list of ids:
//! SQLite reads a JSON array (`json_each`), PostgreSQL an array (`= ANY`); their two texts
//! stand side by side (`…_SQLITE`, `…_PG`).

use super::{Db, Reader, Tx, WriteTx};

/// A rule row; `types` is a JSON array, `pattern` compact JSON.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RuleRow {
    pub id: i64,
    pub bus: String,
    pub name: String,
    pub description: String,
    pub enabled: bool,
    pub source: String,
    pub types: String,
    pub pattern: Option<String>,
    /// `en`, `ja` or `zh`; `None` for the account's language.
    pub language: Option<String>,
    /// The message templates; `None` for the built-in title or body.
    pub title_template: Option<String>,
    pub body_template: Option<String>,
    pub quota: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// A target row; `config` is sealed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TargetRow {
    pub id: i64,
    pub rule_id: i64,
    /// The rule's account: with `id`, what the sealed `config` is bound to.
    pub account_id: i64,
    pub kind: String,
    pub config: String,
    /// Set when the target was disabled for failing too long.
    pub disabled_at: Option<String>,
    pub disabled_reason: Option<String>,
}

/// A contact of a target, in the target's order.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TargetContactRow {
    pub target_id: i64,
    pub contact_id: i64,
    pub name: String,
}

/// A rule's fields as written.
pub struct RuleFields<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub enabled: bool,
    pub source: &'a str,
    pub types: &'a str,
    pub pattern: Option<&'a str>,
    pub language: Option<&'a str>,
    pub title_template: Option<&'a str>,
    pub body_template: Option<&'a str>,
}

/// A target as written: `id` for one that exists already (kept, so its history stays).
/// Its sealed settings come from [`replace_targets`]'s `seal`, which needs the row's id.
pub struct TargetWrite<'a> {
    pub id: Option<i64>,
    pub kind: &'a str,
    pub contacts: &'a [i64],
}

/// What [`replace_targets`] stores as the settings of the target at a position, given the
/// target's id (sealed settings are bound to their row).
pub type SealAt<'a> = &'a (dyn Fn(usize, i64) -> String + Send + Sync);

const RULE_COLUMNS: &str = "r.id, b.name AS bus, r.name, r.description, r.enabled, r.source, \
     r.types, r.pattern, r.language, r.title_template, r.body_template, r.quota, r.created_at, r.updated_at";

/// The id of a bus of the account.
pub async fn bus_id(db: &Db, account_id: i64, bus: &str) -> Result<Option<i64>, sqlx::Error> {
    on!(db, c => sqlx::query_scalar("SELECT id FROM event_buses WHERE account_id = $1 AND name = $2")
        .bind(account_id)
        .bind(bus)
        .fetch_optional(c)
        .await)
}

/// The rules on a bus, by name.
pub async fn list(db: &Db, account_id: i64, bus_id: i64) -> Result<Vec<RuleRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {RULE_COLUMNS} FROM rules r JOIN event_buses b ON b.id = r.bus_id
         WHERE r.account_id = $1 AND r.bus_id = $2 ORDER BY r.name"
    );
    on!(db, c => sqlx::query_as(&sql)
        .bind(account_id)
        .bind(bus_id)
        .fetch_all(c)
        .await)
}

/// One rule on a bus, by name (case-sensitive).
pub async fn find(
    db: &Db,
    account_id: i64,
    bus_id: i64,
    name: &str,
) -> Result<Option<RuleRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {RULE_COLUMNS} FROM rules r JOIN event_buses b ON b.id = r.bus_id
         WHERE r.account_id = $1 AND r.bus_id = $2 AND r.name = $3"
    );
    on!(db, c => sqlx::query_as(&sql)
        .bind(account_id)
        .bind(bus_id)
        .bind(name)
        .fetch_optional(c)
        .await)
}

/// The targets of the rules `$1`, in each rule's order.
const TARGETS_OF_SQLITE: &str = "SELECT t.id, t.rule_id, r.account_id, t.kind, t.config,
        t.disabled_at, t.disabled_reason
     FROM targets t JOIN rules r ON r.id = t.rule_id
     WHERE t.rule_id IN (SELECT value FROM json_each($1))
     ORDER BY t.rule_id, t.position";
const TARGETS_OF_PG: &str = "SELECT t.id, t.rule_id, r.account_id, t.kind, t.config,
        t.disabled_at, t.disabled_reason
     FROM targets t JOIN rules r ON r.id = t.rule_id
     WHERE t.rule_id = ANY($1)
     ORDER BY t.rule_id, t.position";

/// The targets of the given rules, in each rule's order.
pub async fn targets_of(db: &Db, rule_ids: &[i64]) -> Result<Vec<TargetRow>, sqlx::Error> {
    if rule_ids.is_empty() {
        return Ok(Vec::new());
    }
    match db {
        Db::Sqlite(p) => {
            sqlx::query_as(TARGETS_OF_SQLITE)
                .bind(super::id_list(rule_ids))
                .fetch_all(p)
                .await
        }
        Db::Postgres(p) => {
            sqlx::query_as(TARGETS_OF_PG)
                .bind(rule_ids)
                .fetch_all(p)
                .await
        }
    }
}

/// The contacts of the targets of the rules `$1`, in each target's order.
const CONTACTS_OF_SQLITE: &str = "SELECT tc.target_id, tc.contact_id, c.name
     FROM target_contacts tc
     JOIN targets t ON t.id = tc.target_id
     JOIN contacts c ON c.id = tc.contact_id
     WHERE t.rule_id IN (SELECT value FROM json_each($1))
     ORDER BY tc.target_id, tc.position";
const CONTACTS_OF_PG: &str = "SELECT tc.target_id, tc.contact_id, c.name
     FROM target_contacts tc
     JOIN targets t ON t.id = tc.target_id
     JOIN contacts c ON c.id = tc.contact_id
     WHERE t.rule_id = ANY($1)
     ORDER BY tc.target_id, tc.position";

/// The contacts of the given rules' targets, in each target's order.
pub async fn contacts_of(db: &Db, rule_ids: &[i64]) -> Result<Vec<TargetContactRow>, sqlx::Error> {
    if rule_ids.is_empty() {
        return Ok(Vec::new());
    }
    match db {
        Db::Sqlite(p) => {
            sqlx::query_as(CONTACTS_OF_SQLITE)
                .bind(super::id_list(rule_ids))
                .fetch_all(p)
                .await
        }
        Db::Postgres(p) => {
            sqlx::query_as(CONTACTS_OF_PG)
                .bind(rule_ids)
                .fetch_all(p)
                .await
        }
    }
}

/// How many rules a bus has, enabled or not.
pub async fn count_on_bus(conn: &mut WriteTx, bus_id: i64) -> Result<i64, sqlx::Error> {
    on_tx!(conn, c => sqlx::query_scalar("SELECT COUNT(*) FROM rules WHERE bus_id = $1")
        .bind(bus_id)
        .fetch_one(c)
        .await)
}

/// Create a rule; a unique violation means the name is taken on the bus.
pub async fn insert(
    conn: &mut WriteTx,
    account_id: i64,
    bus_id: i64,
    rule: &RuleFields<'_>,
) -> Result<i64, sqlx::Error> {
    on_tx!(conn, c => sqlx::query_scalar(
        "INSERT INTO rules (account_id, bus_id, name, description, enabled, source, types, pattern,
             language, title_template, body_template)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(account_id)
    .bind(bus_id)
    .bind(rule.name)
    .bind(rule.description)
    .bind(rule.enabled)
    .bind(rule.source)
    .bind(rule.types)
    .bind(rule.pattern)
    .bind(rule.language)
    .bind(rule.title_template)
    .bind(rule.body_template)
    .fetch_one(c)
    .await)
}

/// Replace a rule's fields (the quota stays).
pub async fn update(
    conn: &mut WriteTx,
    rule_id: i64,
    rule: &RuleFields<'_>,
) -> Result<(), sqlx::Error> {
    on_tx!(conn, c => sqlx::query(
        "UPDATE rules SET name = $2, description = $3, enabled = $4, source = $5, types = $6,
             pattern = $7, language = $8, title_template = $9, body_template = $10,
             updated_at = $11
         WHERE id = $1",
    )
    .bind(rule_id)
    .bind(rule.name)
    .bind(rule.description)
    .bind(rule.enabled)
    .bind(rule.source)
    .bind(rule.types)
    .bind(rule.pattern)
    .bind(rule.language)
    .bind(rule.title_template)
    .bind(rule.body_template)
    .bind(super::now_text())
    .execute(c)
    .await
    .map(|_| ()))
}

/// Delete the targets of rule `$1` whose ids are not in `$2`.
const DELETE_OTHER_TARGETS_SQLITE: &str =
    "DELETE FROM targets WHERE rule_id = $1 AND id NOT IN (SELECT value FROM json_each($2))";
const DELETE_OTHER_TARGETS_PG: &str = "DELETE FROM targets WHERE rule_id = $1 AND id <> ALL($2)";

/// Make the rule's targets exactly `targets`, in order: targets with an id are updated in
/// place, those missing from the list are deleted, the rest inserted; each one's settings
/// are `seal(position, id)`. Run in a transaction.
pub async fn replace_targets(
    conn: &mut WriteTx,
    rule_id: i64,
    targets: &[TargetWrite<'_>],
    seal: SealAt<'_>,
) -> Result<(), sqlx::Error> {
    let keep: Vec<i64> = targets.iter().filter_map(|t| t.id).collect();
    match &mut conn.tx {
        Tx::Sqlite(t) => {
            sqlx::query(DELETE_OTHER_TARGETS_SQLITE)
                .bind(rule_id)
                .bind(super::id_list(&keep))
                .execute(&mut **t)
                .await?;
        }
        Tx::Postgres(t) => {
            sqlx::query(DELETE_OTHER_TARGETS_PG)
                .bind(rule_id)
                .bind(&keep)
                .execute(&mut **t)
                .await?;
        }
    }
    let now = super::now_text();
    for (position, t) in targets.iter().enumerate() {
        let id: i64 = match t.id {
            Some(id) => on_tx!(conn, c => sqlx::query_scalar(
                "UPDATE targets SET position = $3, kind = $4, config = $5,
                     failing_since = NULL, disabled_at = NULL, disabled_reason = NULL,
                     updated_at = $6
                 WHERE id = $1 AND rule_id = $2 RETURNING id",
            )
            .bind(id)
            .bind(rule_id)
            .bind(position as i64)
            .bind(t.kind)
            .bind(seal(position, id))
            .bind(&now)
            .fetch_one(c)
            .await?),
            None => {
                // The id comes first; the settings, bound to it, right after, in the same
                // transaction.
                let id: i64 = on_tx!(conn, c => sqlx::query_scalar(
                    "INSERT INTO targets (rule_id, position, kind, config)
                     VALUES ($1, $2, $3, '') RETURNING id",
                )
                .bind(rule_id)
                .bind(position as i64)
                .bind(t.kind)
                .fetch_one(c)
                .await?);
                on_tx!(conn, c => sqlx::query("UPDATE targets SET config = $2 WHERE id = $1")
                    .bind(id)
                    .bind(seal(position, id))
                    .execute(c)
                    .await
                    .map(|_| ())?);
                id
            }
        };
        on_tx!(conn, c => sqlx::query("DELETE FROM target_contacts WHERE target_id = $1")
            .bind(id)
            .execute(c)
            .await
            .map(|_| ())?);
        for (i, contact) in t.contacts.iter().enumerate() {
            on_tx!(conn, c => sqlx::query(
                "INSERT INTO target_contacts (target_id, contact_id, position) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(contact)
            .bind(i as i64)
            .execute(c)
            .await
            .map(|_| ())?);
        }
    }
    Ok(())
}

/// Targets whose settings were sealed before sealing was bound to the row (`v1.`), at most
/// `limit`: (id, account id, sealed settings).
pub async fn unbound_targets(db: &Db, limit: i64) -> Result<Vec<(i64, i64, String)>, sqlx::Error> {
    on!(db, c => sqlx::query_as(
        "SELECT t.id, r.account_id, t.config FROM targets t JOIN rules r ON r.id = t.rule_id
         WHERE t.config LIKE 'v1.%' ORDER BY t.id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(c)
    .await)
}

/// Replace a target's sealed settings, only if they are still `old` (a save in between
/// wins).
pub async fn reseal_target(db: &Db, id: i64, old: &str, sealed: &str) -> Result<(), sqlx::Error> {
    let _turn = super::turn(db, "target").await;
    on!(db, c => sqlx::query("UPDATE targets SET config = $3 WHERE id = $1 AND config = $2")
        .bind(id)
        .bind(old)
        .bind(sealed)
        .execute(c)
        .await
        .map(|_| ()))
}

/// Enable or disable a rule; false when it is not there.
pub async fn set_enabled(db: &Db, rule_id: i64, enabled: bool) -> Result<bool, sqlx::Error> {
    let _turn = super::turn(db, "rule").await;
    on!(db, c => sqlx::query("UPDATE rules SET enabled = $2, updated_at = $3 WHERE id = $1")
        .bind(rule_id)
        .bind(enabled)
        .bind(super::now_text())
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))
}

/// Detach up to `limit` deliveries from rule `rule_id`, as its deletion would (their rule
/// and target become NULL; the history stays); the number detached. Run in slices before
/// [`delete`], so the deletion itself has little left to do.
pub async fn detach_deliveries(
    conn: &mut WriteTx,
    rule_id: i64,
    limit: i64,
) -> Result<u64, sqlx::Error> {
    on_tx!(conn, c => sqlx::query(
        "UPDATE deliveries SET rule_id = NULL, target_id = NULL WHERE id IN (
             SELECT id FROM deliveries WHERE rule_id = $1 LIMIT $2)",
    )
    .bind(rule_id)
    .bind(limit)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
}

/// Delete a rule with its targets and requests; false when it is not there.
pub async fn delete(db: &Db, rule_id: i64) -> Result<bool, sqlx::Error> {
    let _turn = super::turn(db, "rule").await;
    on!(db, c => sqlx::query("DELETE FROM rules WHERE id = $1")
        .bind(rule_id)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1))
}

/// A quota request row with the names the pages show.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QuotaRequestRow {
    pub id: i64,
    pub rule_id: i64,
    pub bus: String,
    pub rule: String,
    pub current_quota: i64,
    pub requested: i64,
    pub reason: String,
    pub status: String,
    pub requested_by: String,
    pub created_at: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
}

const REQUEST_SELECT: &str = "SELECT q.id, q.rule_id, b.name AS bus, r.name AS rule,
        q.current_quota, q.requested, q.reason, q.status,
        COALESCE(u.display_name, 'a deleted user') AS requested_by,
        q.created_at,
        CASE WHEN q.decided_at IS NULL THEN NULL
             ELSE COALESCE(d.display_name, 'a deleted user') END AS decided_by,
        q.decided_at
     FROM quota_requests q
     JOIN rules r ON r.id = q.rule_id
     JOIN event_buses b ON b.id = r.bus_id
     LEFT JOIN users u ON u.id = q.requested_by
     LEFT JOIN users d ON d.id = q.decided_by";

/// File a request; a unique violation means one is already pending for the rule.
pub async fn insert_request(
    db: &Db,
    account_id: i64,
    rule_id: i64,
    current: u32,
    requested: u32,
    reason: &str,
    user_id: i64,
) -> Result<i64, sqlx::Error> {
    let _turn = super::turn(db, "quota request").await;
    on!(db, c => sqlx::query_scalar(
        "INSERT INTO quota_requests (account_id, rule_id, current_quota, requested, reason, requested_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(account_id)
    .bind(rule_id)
    .bind(i64::from(current))
    .bind(i64::from(requested))
    .bind(reason)
    .bind(user_id)
    .fetch_one(c)
    .await)
}

/// The account's requests, pending first, newest first.
pub async fn list_requests(db: &Db, account_id: i64) -> Result<Vec<QuotaRequestRow>, sqlx::Error> {
    let sql = format!(
        "{REQUEST_SELECT} WHERE q.account_id = $1
         ORDER BY q.status <> 'pending', q.created_at DESC, q.id DESC"
    );
    on!(db, c => sqlx::query_as(&sql).bind(account_id).fetch_all(c).await)
}

/// The pending requests of the given rules.
pub async fn pending_requests_of(
    db: &Db,
    rule_ids: &[i64],
) -> Result<Vec<QuotaRequestRow>, sqlx::Error> {
    if rule_ids.is_empty() {
        return Ok(Vec::new());
    }
    match db {
        Db::Sqlite(p) => {
            sqlx::query_as(&format!(
                "{REQUEST_SELECT} WHERE q.status = 'pending'
                 AND q.rule_id IN (SELECT value FROM json_each($1))"
            ))
            .bind(super::id_list(rule_ids))
            .fetch_all(p)
            .await
        }
        Db::Postgres(p) => {
            sqlx::query_as(&format!(
                "{REQUEST_SELECT} WHERE q.status = 'pending' AND q.rule_id = ANY($1)"
            ))
            .bind(rule_ids)
            .fetch_all(p)
            .await
        }
    }
}

/// One request of the account.
pub async fn find_request(
    db: &Db,
    account_id: i64,
    id: i64,
) -> Result<Option<QuotaRequestRow>, sqlx::Error> {
    let sql = format!("{REQUEST_SELECT} WHERE q.account_id = $1 AND q.id = $2");
    on!(db, c => sqlx::query_as(&sql)
        .bind(account_id)
        .bind(id)
        .fetch_optional(c)
        .await)
}

/// Decide a pending request; on approval the rule's quota becomes the requested value.
/// False when the request was no longer pending (decided by someone else meanwhile).
pub async fn decide_request(
    conn: &mut WriteTx,
    id: i64,
    approve: bool,
    user_id: i64,
) -> Result<bool, sqlx::Error> {
    let status = if approve { "approved" } else { "rejected" };
    let now = super::now_text();
    let decided = on_tx!(conn, c => sqlx::query(
        "UPDATE quota_requests SET status = $2, decided_by = $3, decided_at = $4
         WHERE id = $1 AND status = 'pending'",
    )
    .bind(id)
    .bind(status)
    .bind(user_id)
    .bind(&now)
    .execute(c)
    .await?
    .rows_affected())
        == 1;
    if decided && approve {
        on_tx!(conn, c => sqlx::query(
            "UPDATE rules SET quota = (SELECT requested FROM quota_requests WHERE id = $1),
                 updated_at = $2
             WHERE id = (SELECT rule_id FROM quota_requests WHERE id = $1)",
        )
        .bind(id)
        .bind(&now)
        .execute(c)
        .await
        .map(|_| ())?);
    }
    Ok(decided)
}

/// Where a contact is used: (bus, rule, target kind, number of contacts of that target).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ContactUseRow {
    pub bus: String,
    pub rule: String,
    pub kind: String,
    pub contacts: i64,
}

/// The targets that reach a contact of the account.
pub async fn contact_uses<'a>(
    r: impl Into<Reader<'a>>,
    account_id: i64,
    contact_id: i64,
) -> Result<Vec<ContactUseRow>, sqlx::Error> {
    on_reader!(r.into(), c => sqlx::query_as(
        "SELECT b.name AS bus, r.name AS rule, t.kind,
                (SELECT COUNT(*) FROM target_contacts x WHERE x.target_id = t.id) AS contacts
         FROM target_contacts tc
         JOIN targets t ON t.id = tc.target_id
         JOIN rules r ON r.id = t.rule_id
         JOIN event_buses b ON b.id = r.bus_id
         WHERE r.account_id = $1 AND tc.contact_id = $2
         ORDER BY b.name, r.name, t.position",
    )
    .bind(account_id)
    .bind(contact_id)
    .fetch_all(c)
    .await)
}

/// Take a contact out of every target, and delete the targets left with no contact.
pub async fn remove_contact_from_targets(
    conn: &mut WriteTx,
    contact_id: i64,
) -> Result<(), sqlx::Error> {
    let targets: Vec<i64> = on_tx!(conn, c => sqlx::query_scalar(
        "DELETE FROM target_contacts WHERE contact_id = $1 RETURNING target_id",
    )
    .bind(contact_id)
    .fetch_all(c)
    .await?);
    match &mut conn.tx {
        Tx::Sqlite(t) => {
            sqlx::query(DELETE_EMPTIED_TARGETS_SQLITE)
                .bind(super::id_list(&targets))
                .execute(&mut **t)
                .await?;
        }
        Tx::Postgres(t) => {
            sqlx::query(DELETE_EMPTIED_TARGETS_PG)
                .bind(&targets)
                .execute(&mut **t)
                .await?;
        }
    }
    Ok(())
}

/// Delete the targets among `$1` left with no contact.
const DELETE_EMPTIED_TARGETS_SQLITE: &str =
    "DELETE FROM targets WHERE id IN (SELECT value FROM json_each($1))
     AND NOT EXISTS (SELECT 1 FROM target_contacts tc WHERE tc.target_id = targets.id)";
const DELETE_EMPTIED_TARGETS_PG: &str = "DELETE FROM targets WHERE id = ANY($1)
     AND NOT EXISTS (SELECT 1 FROM target_contacts tc WHERE tc.target_id = targets.id)";

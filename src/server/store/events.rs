//! Events, deliveries and attempts: ingest (event, matching rules' deliveries, one
//! transaction), the workers' claims with a lease, attempt records, the delivery log, the
//! figures behind `/metrics`, and the clean-up of old settled events.
//!
//! Ingest's batches and lists of ids have no shared spelling: SQLite reads a JSON array
//! (`json_each`), PostgreSQL arrays (`UNNEST`, `= ANY`); such statements come in pairs
//! (`…_SQLITE`, `…_PG`) side by side. The rest is one text for both.

use super::{Db, Tx, WriteTx};
use crate::domain::lang::Lang;
use crate::domain::models::{AttemptView, DeliveryStatus, EventView, UnknownTypes};

/// An enabled rule of a bus, as matching needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MatchRule {
    pub id: i64,
    pub source: String,
    /// JSON array of type ids.
    pub types: String,
    pub pattern: Option<String>,
}

/// A target of a rule: where a delivery goes.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MatchTarget {
    pub rule_id: i64,
    pub id: i64,
    pub kind: String,
    /// The rule's name and the target's sealed settings, for handing deliveries to the
    /// workers without reading them again.
    pub rule_name: String,
    pub config: String,
    /// The language of the rule's messages: the rule's, else the account's.
    pub language: Lang,
    /// The rule's message templates, handed to the workers with the deliveries.
    pub title_template: Option<String>,
    pub body_template: Option<String>,
}

/// A bus by its account and name, with its workspace's name and its choice for unknown
/// types.
pub(super) const BUS_FOR_INGEST_SQL: &str = "SELECT b.id, w.name AS workspace, b.unknown_types
     FROM event_buses b LEFT JOIN workspaces w ON w.id = b.workspace_id
     WHERE b.account_id = $1 AND b.name = $2";

/// A bus as ingest needs it.
#[derive(sqlx::FromRow)]
pub struct IngestBus {
    pub id: i64,
    /// The name of its workspace (a system bus's).
    pub workspace: Option<String>,
    pub unknown_types: UnknownTypes,
}

/// The bus `bus` of the account, as ingest needs it.
pub async fn bus_for_ingest(
    db: &Db,
    account_id: i64,
    bus: &str,
) -> Result<Option<IngestBus>, sqlx::Error> {
    on!(db, c => sqlx::query_as(BUS_FOR_INGEST_SQL)
        .bind(account_id)
        .bind(bus)
        .fetch_optional(c)
        .await)
}

#[derive(sqlx::FromRow)]
struct RuleTargetRow {
    #[sqlx(flatten)]
    rule: MatchRule,
    name: String,
    target_id: Option<i64>,
    kind: Option<String>,
    config: Option<String>,
    language: Lang,
    title_template: Option<String>,
    body_template: Option<String>,
}

/// The enabled rules of a bus with their targets, and the targets' rule names and settings.
pub(super) const ENABLED_RULES_SQL: &str =
    "SELECT r.id, r.source, r.types, r.pattern, r.name, t.id AS target_id, t.kind, t.config,
            COALESCE(r.language, a.language) AS language,
            r.title_template, r.body_template
     FROM rules r JOIN accounts a ON a.id = r.account_id
     LEFT JOIN targets t ON t.rule_id = r.id AND t.disabled_at IS NULL
     WHERE r.bus_id = $1 AND r.enabled
     ORDER BY r.id, t.position";

/// The enabled rules of a bus with their targets that are not disabled, in one query. Read
/// from the pool, outside the write transaction: ingest matches events before it takes the
/// one writer.
pub async fn enabled_rules(
    db: &Db,
    bus_id: i64,
) -> Result<Vec<(MatchRule, Vec<MatchTarget>)>, sqlx::Error> {
    let rows: Vec<RuleTargetRow> = on!(db, c => sqlx::query_as(ENABLED_RULES_SQL)
        .bind(bus_id)
        .fetch_all(c)
        .await?);
    let mut out: Vec<(MatchRule, Vec<MatchTarget>)> = Vec::new();
    for row in rows {
        if out.last().is_none_or(|(r, _)| r.id != row.rule.id) {
            out.push((row.rule.clone(), Vec::new()));
        }
        if let (Some(id), Some(kind), Some(config), Some((rule, targets))) =
            (row.target_id, row.kind, row.config, out.last_mut())
        {
            targets.push(MatchTarget {
                rule_id: rule.id,
                id,
                kind,
                rule_name: row.name,
                config,
                language: row.language,
                title_template: row.title_template,
                body_template: row.body_template,
            });
        }
    }
    Ok(out)
}

/// A stored event's fields as ingest writes them.
pub struct NewEvent<'a> {
    pub source: &'a str,
    pub ce_id: &'a str,
    pub event_type: &'a str,
    pub subject: Option<&'a str>,
    pub time: &'a str,
    pub envelope: &'a str,
}

/// Store a batch of events (`$3`, a JSON array of `[source, ce_id, type, subject, time,
/// envelope]`) of account `$1` on bus `$2`; a `(source, ce_id)` already on the bus is left
/// alone. `WHERE true` keeps SQLite from reading ON CONFLICT as part of the SELECT.
pub(super) const INSERT_EVENTS_SQLITE: &str =
    "INSERT INTO events (account_id, bus_id, source, ce_id, type, subject, time, envelope)
     SELECT $1, $2, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3,
            j.value ->> 4, j.value ->> 5
     FROM json_each($3) j WHERE true
     ORDER BY j.key
     ON CONFLICT (bus_id, source, ce_id) DO NOTHING
     RETURNING id, source, ce_id";
/// The same on PostgreSQL, the batch as one array per column (`$3` sources, `$4` ids, `$5`
/// types, `$6` subjects, `$7` times, `$8` envelopes). A `(source, ce_id)` twice in the
/// batch is stored once: DO NOTHING also skips a row the statement itself inserted.
pub(super) const INSERT_EVENTS_PG: &str =
    "INSERT INTO events (account_id, bus_id, source, ce_id, type, subject, time, envelope)
     SELECT $1, $2, j.source, j.ce_id, j.type, j.subject, j.time, j.envelope
     FROM UNNEST($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
          WITH ORDINALITY AS j(source, ce_id, type, subject, time, envelope, n)
     ORDER BY j.n
     ON CONFLICT (bus_id, source, ce_id) DO NOTHING
     RETURNING id, source, ce_id";

/// The stored originals of re-sent events: for each `[source, ce_id]` of `$2`, the event of
/// bus `$1` with it. The loop runs over the batch (`CROSS JOIN` keeps SQLite from putting
/// `events` outside), and each is one lookup in the unique `(bus_id, source, ce_id)` index,
/// so a re-sent batch costs the same whatever the history: joined the other way round,
/// SQLite read every event of the bus (3.8 s at 100,000 events, holding the one writer).
pub(super) const ORIGINALS_SQLITE: &str = "SELECT e.id, e.source, e.ce_id
     FROM json_each($2) j
     CROSS JOIN events e ON e.bus_id = $1 AND e.source = j.value ->> 0
                        AND e.ce_id = j.value ->> 1";
/// The same on PostgreSQL: sources `$2` and ids `$3`, one array each.
pub(super) const ORIGINALS_PG: &str = "SELECT e.id, e.source, e.ce_id
     FROM UNNEST($2::text[], $3::text[]) AS j(source, ce_id)
     JOIN events e ON e.bus_id = $1 AND e.source = j.source AND e.ce_id = j.ce_id";

/// Store a batch of events in one statement. Returns, for each `(source, ce_id)` given,
/// the event's id and whether it was already there (a re-sent event, or the same one twice
/// in the batch: the first is new, the rest duplicates of it), in the order given.
pub async fn insert_events(
    conn: &mut WriteTx,
    account_id: i64,
    bus_id: i64,
    batch: &[NewEvent<'_>],
) -> Result<Vec<(i64, bool)>, sqlx::Error> {
    use std::collections::HashMap;
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let inserted: Vec<(i64, String, String)> = match &mut conn.tx {
        Tx::Sqlite(t) => {
            let rows: Vec<serde_json::Value> = batch
                .iter()
                .map(|e| {
                    serde_json::json!([
                        e.source,
                        e.ce_id,
                        e.event_type,
                        e.subject,
                        e.time,
                        e.envelope
                    ])
                })
                .collect();
            sqlx::query_as(INSERT_EVENTS_SQLITE)
                .bind(account_id)
                .bind(bus_id)
                .bind(serde_json::Value::Array(rows).to_string())
                .fetch_all(&mut **t)
                .await?
        }
        Tx::Postgres(t) => {
            let sources: Vec<&str> = batch.iter().map(|e| e.source).collect();
            let ce_ids: Vec<&str> = batch.iter().map(|e| e.ce_id).collect();
            let types: Vec<&str> = batch.iter().map(|e| e.event_type).collect();
            let subjects: Vec<Option<&str>> = batch.iter().map(|e| e.subject).collect();
            let times: Vec<&str> = batch.iter().map(|e| e.time).collect();
            let envelopes: Vec<&str> = batch.iter().map(|e| e.envelope).collect();
            sqlx::query_as(INSERT_EVENTS_PG)
                .bind(account_id)
                .bind(bus_id)
                .bind(sources)
                .bind(ce_ids)
                .bind(types)
                .bind(subjects)
                .bind(times)
                .bind(envelopes)
                .fetch_all(&mut **t)
                .await?
        }
    };
    let mut new: HashMap<(String, String), i64> = inserted
        .into_iter()
        .map(|(id, source, ce_id)| ((source, ce_id), id))
        .collect();
    let mut seen: HashMap<(String, String), i64> = HashMap::new();
    let missing: Vec<&NewEvent<'_>> = batch
        .iter()
        .filter(|e| !new.contains_key(&(e.source.to_string(), e.ce_id.to_string())))
        .collect();
    if !missing.is_empty() {
        let originals: Vec<(i64, String, String)> = match &mut conn.tx {
            Tx::Sqlite(t) => {
                let pairs: Vec<serde_json::Value> = missing
                    .iter()
                    .map(|e| serde_json::json!([e.source, e.ce_id]))
                    .collect();
                sqlx::query_as(ORIGINALS_SQLITE)
                    .bind(bus_id)
                    .bind(serde_json::Value::Array(pairs).to_string())
                    .fetch_all(&mut **t)
                    .await?
            }
            Tx::Postgres(t) => {
                let sources: Vec<&str> = missing.iter().map(|e| e.source).collect();
                let ids: Vec<&str> = missing.iter().map(|e| e.ce_id).collect();
                sqlx::query_as(ORIGINALS_PG)
                    .bind(bus_id)
                    .bind(sources)
                    .bind(ids)
                    .fetch_all(&mut **t)
                    .await?
            }
        };
        seen.extend(
            originals
                .into_iter()
                .map(|(id, source, ce_id)| ((source, ce_id), id)),
        );
    }
    let mut out = Vec::with_capacity(batch.len());
    for e in batch {
        let key = (e.source.to_string(), e.ce_id.to_string());
        if let Some(id) = new.remove(&key) {
            seen.insert(key, id);
            out.push((id, false));
        } else {
            let id = seen.get(&key).copied().ok_or(sqlx::Error::RowNotFound)?;
            out.push((id, true));
        }
    }
    Ok(out)
}

/// One delivery to queue.
pub struct NewDelivery<'a> {
    pub event_id: i64,
    pub target: &'a MatchTarget,
    pub webhook_id: String,
}

/// Queue deliveries (`$3`, a JSON array of `[event_id, rule_id, target_id, kind,
/// webhook_id]`) of account `$1` on bus `$5`, due at `$2`, leased until `$4` (or not).
///
/// Ingest matches rules before it takes the one writer, so a rule or target may have been
/// deleted in between. Its id is then stored as NULL, as the foreign keys' `ON DELETE SET
/// NULL` would have done had the event arrived a moment earlier, rather than fail the
/// foreign key and with it the whole PutEvents. Each check is one primary-key lookup.
pub(super) const INSERT_DELIVERIES_SQLITE: &str =
    "INSERT INTO deliveries (account_id, bus_id, event_id, rule_id, target_id, kind,
                             webhook_id, next_attempt_at, lease_until)
     SELECT $1, $5, j.value ->> 0,
            (SELECT r.id FROM rules r WHERE r.id = j.value ->> 1),
            (SELECT t.id FROM targets t WHERE t.id = j.value ->> 2),
            j.value ->> 3, j.value ->> 4, $2, $4
     FROM json_each($3) j ORDER BY j.key
     RETURNING id, webhook_id";
/// The same on PostgreSQL, the deliveries as one array per column: `$3` event ids, `$6`
/// rule ids, `$7` target ids, `$8` kinds, `$9` webhook ids.
pub(super) const INSERT_DELIVERIES_PG: &str =
    "INSERT INTO deliveries (account_id, bus_id, event_id, rule_id, target_id, kind,
                             webhook_id, next_attempt_at, lease_until)
     SELECT $1, $5, j.event_id,
            (SELECT r.id FROM rules r WHERE r.id = j.rule_id),
            (SELECT t.id FROM targets t WHERE t.id = j.target_id),
            j.kind, j.webhook_id, $2, $4
     FROM UNNEST($3::bigint[], $6::bigint[], $7::bigint[], $8::text[], $9::text[])
          WITH ORDINALITY AS j(event_id, rule_id, target_id, kind, webhook_id, n)
     ORDER BY j.n
     RETURNING id, webhook_id";

/// Queue deliveries of bus `bus_id`, due at `now_ms`, in one statement; with `lease_until`,
/// already claimed by this process until then (to be handed to its workers in memory).
/// Returns the new deliveries' ids, in the order given.
pub async fn insert_deliveries(
    conn: &mut WriteTx,
    account_id: i64,
    bus_id: i64,
    deliveries: &[NewDelivery<'_>],
    now_ms: i64,
    lease_until: Option<i64>,
) -> Result<Vec<i64>, sqlx::Error> {
    if deliveries.is_empty() {
        return Ok(Vec::new());
    }
    // Matched back by webhook id (unique), as RETURNING promises no order.
    let returned: Vec<(i64, String)> = match &mut conn.tx {
        Tx::Sqlite(t) => {
            let rows: Vec<serde_json::Value> = deliveries
                .iter()
                .map(|d| {
                    serde_json::json!([
                        d.event_id,
                        d.target.rule_id,
                        d.target.id,
                        d.target.kind,
                        d.webhook_id
                    ])
                })
                .collect();
            sqlx::query_as(INSERT_DELIVERIES_SQLITE)
                .bind(account_id)
                .bind(now_ms)
                .bind(serde_json::Value::Array(rows).to_string())
                .bind(lease_until)
                .bind(bus_id)
                .fetch_all(&mut **t)
                .await?
        }
        Tx::Postgres(t) => {
            let ints =
                |f: fn(&NewDelivery<'_>) -> i64| -> Vec<i64> { deliveries.iter().map(f).collect() };
            let kinds: Vec<&str> = deliveries.iter().map(|d| d.target.kind.as_str()).collect();
            let webhooks: Vec<&str> = deliveries.iter().map(|d| d.webhook_id.as_str()).collect();
            sqlx::query_as(INSERT_DELIVERIES_PG)
                .bind(account_id)
                .bind(now_ms)
                .bind(ints(|d| d.event_id))
                .bind(lease_until)
                .bind(bus_id)
                .bind(ints(|d| d.target.rule_id))
                .bind(ints(|d| d.target.id))
                .bind(kinds)
                .bind(webhooks)
                .fetch_all(&mut **t)
                .await?
        }
    };
    let ids: std::collections::HashMap<String, i64> =
        returned.into_iter().map(|(id, w)| (w, id)).collect();
    deliveries
        .iter()
        .map(|d| {
            ids.get(&d.webhook_id)
                .copied()
                .ok_or(sqlx::Error::RowNotFound)
        })
        .collect()
}

/// Give back leases this process holds but will not use (deliveries still queued in
/// memory when the workers stop), so they are due again at once; `(id, lease_until)`.
pub async fn release(db: &Db, leases: &[(i64, i64)]) -> Result<(), sqlx::Error> {
    let _turn = super::turn(db, "lease").await;
    if leases.is_empty() {
        return Ok(());
    }
    match db {
        Db::Sqlite(pool) => {
            let rows: Vec<serde_json::Value> = leases
                .iter()
                .map(|(id, lease)| serde_json::json!([id, lease]))
                .collect();
            sqlx::query(RELEASE_SQLITE)
                .bind(serde_json::Value::Array(rows).to_string())
                .execute(pool)
                .await
                .map(|_| ())
        }
        Db::Postgres(pool) => {
            let (ids, held): (Vec<i64>, Vec<i64>) = leases.iter().copied().unzip();
            sqlx::query(RELEASE_PG)
                .bind(ids)
                .bind(held)
                .execute(pool)
                .await
                .map(|_| ())
        }
    }
}

/// [`release`]'s statement: `$1` is a JSON list of `[id, lease_until]` (SQLite), or the
/// ids and the leases as two arrays (PostgreSQL).
const RELEASE_SQLITE: &str = "UPDATE deliveries SET lease_until = NULL FROM json_each($1) j
     WHERE deliveries.id = j.value ->> 0 AND deliveries.status = 'pending'
       AND deliveries.lease_until = j.value ->> 1";
const RELEASE_PG: &str = "UPDATE deliveries d SET lease_until = NULL
     FROM UNNEST($1::BIGINT[], $2::BIGINT[]) AS j(id, lease)
     WHERE d.id = j.id AND d.status = 'pending' AND d.lease_until = j.lease";

/// What a worker needs to send one delivery.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Due {
    pub id: i64,
    pub account_id: i64,
    pub webhook_id: String,
    pub attempts: i64,
    pub kind: String,
    pub event_id: i64,
    /// The CloudEvent as received: one copy per event, shared by all its deliveries.
    #[sqlx(try_from = "String")]
    pub envelope: std::sync::Arc<str>,
    pub bus: String,
    pub workspace: Option<String>,
    pub rule: Option<String>,
    pub target_id: Option<i64>,
    /// Sealed target settings; `None` when the target was deleted meanwhile.
    pub config: Option<String>,
    /// The claim's lease: the record of this attempt counts only while it still holds.
    pub lease_until: i64,
    /// Voice and SMS: the numbers earlier attempts reached (a JSON array).
    pub reached: Option<String>,
    /// The language of the messages: the rule's, else the account's.
    pub language: Lang,
    /// The rule's message templates (`None`: the built-in title or body).
    pub title_template: Option<String>,
    pub body_template: Option<String>,
}

/// How [`claim_due`] shares a claim out.
pub struct ClaimLimits<'a> {
    /// Most deliveries in all.
    pub total: usize,
    /// Fewest deliveries of one target when many targets share the claim (a target alone
    /// may take all of it); of a chat robot, which takes them as one digest, `per_robot`.
    pub per_target: usize,
    pub per_robot: usize,
    /// Targets to leave out: this process cannot start anything for them now.
    pub busy: &'a [i64],
    /// Where the round-robin over accounts starts, so that small claims are fair too.
    pub turn: usize,
}

/// Targets with deliveries due now that nobody holds, with their account and kind; a
/// `None` target stands for an account's deliveries whose target was deleted. `$2`: the
/// busy targets, a JSON list (SQLite) or an array (PostgreSQL).
pub(crate) const DUE_TARGETS: &str =
    "SELECT t.id, r.account_id, t.kind FROM targets t JOIN rules r ON r.id = t.rule_id
     WHERE t.id NOT IN (SELECT value FROM json_each($2))
       AND EXISTS (SELECT 1 FROM deliveries d
                   WHERE d.target_id = t.id AND d.status = 'pending' AND d.next_attempt_at <= $1
                     AND (d.lease_until IS NULL OR d.lease_until <= $1))
     UNION ALL
     SELECT DISTINCT NULL, d.account_id, d.kind FROM deliveries d
     WHERE d.target_id IS NULL AND d.status = 'pending' AND d.next_attempt_at <= $1
       AND (d.lease_until IS NULL OR d.lease_until <= $1)";
pub(super) const DUE_TARGETS_PG: &str =
    "SELECT t.id, r.account_id, t.kind FROM targets t JOIN rules r ON r.id = t.rule_id
     WHERE t.id <> ALL($2)
       AND EXISTS (SELECT 1 FROM deliveries d
                   WHERE d.target_id = t.id AND d.status = 'pending' AND d.next_attempt_at <= $1
                     AND (d.lease_until IS NULL OR d.lease_until <= $1))
     UNION ALL
     SELECT DISTINCT CAST(NULL AS BIGINT), d.account_id, d.kind FROM deliveries d
     WHERE d.target_id IS NULL AND d.status = 'pending' AND d.next_attempt_at <= $1
       AND (d.lease_until IS NULL OR d.lease_until <= $1)";

/// The oldest due deliveries of one target that nobody holds.
macro_rules! due_of_target {
    () => {
        "SELECT id FROM deliveries
         WHERE target_id = $2 AND status = 'pending' AND next_attempt_at <= $1
           AND (lease_until IS NULL OR lease_until <= $1)
         ORDER BY next_attempt_at LIMIT $3"
    };
}
pub(crate) const DUE_OF_TARGET: &str = due_of_target!();

/// The same, for deliveries of an account whose target was deleted.
macro_rules! due_without_target {
    () => {
        "SELECT id FROM deliveries
         WHERE target_id IS NULL AND account_id = $2 AND status = 'pending'
           AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
         ORDER BY next_attempt_at LIMIT $3"
    };
}
pub(crate) const DUE_WITHOUT_TARGET: &str = due_without_target!();

/// PostgreSQL: the two above, locking what they pick for the claim's transaction and
/// passing over rows another node's claim has locked, so nodes claiming at once take
/// different deliveries instead of waiting for each other.
pub(super) const DUE_OF_TARGET_PG: &str = concat!(due_of_target!(), " FOR UPDATE SKIP LOCKED");
pub(super) const DUE_WITHOUT_TARGET_PG: &str =
    concat!(due_without_target!(), " FOR UPDATE SKIP LOCKED");

/// Is anything due that nobody holds? (A read, so idle claimers do not take the writer.)
pub(crate) const ANY_DUE_SQL: &str =
    "SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= $1
       AND (lease_until IS NULL OR lease_until <= $1) LIMIT 1";

/// Lease the picked deliveries, if still due and free: another claimer may have been quicker.
pub(crate) const LEASE_PICKED_SQL: &str = "UPDATE deliveries SET lease_until = $1 + $2
     WHERE id IN (SELECT value FROM json_each($3)) AND status = 'pending'
       AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
     RETURNING id";
pub(super) const LEASE_PICKED_PG: &str = "UPDATE deliveries SET lease_until = $1 + $2
     WHERE id = ANY($3) AND status = 'pending'
       AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
     RETURNING id";

/// The columns and joins of what a worker needs to send a delivery; the two statements
/// below differ only in how `$1` lists the ids.
macro_rules! due_select {
    () => {
        "SELECT d.id, d.account_id, d.webhook_id, d.attempts, d.kind, d.event_id, e.envelope,
                b.name AS bus, w.name AS workspace, r.name AS rule, d.target_id, t.config,
                d.lease_until, d.reached,
                COALESCE(r.language, a.language) AS language,
                r.title_template, r.body_template
         FROM deliveries d
         JOIN accounts a ON a.id = d.account_id
         JOIN events e ON e.id = d.event_id
         JOIN event_buses b ON b.id = e.bus_id
         LEFT JOIN workspaces w ON w.id = b.workspace_id
         LEFT JOIN rules r ON r.id = d.rule_id
         LEFT JOIN targets t ON t.id = d.target_id "
    };
}

/// What a worker needs to send the deliveries of a list of ids (`$1`: JSON on SQLite, an
/// array on PostgreSQL).
pub(crate) const DUE_BY_IDS_SQL: &str = concat!(
    due_select!(),
    "WHERE d.id IN (SELECT value FROM json_each($1)) ORDER BY d.next_attempt_at"
);
pub(super) const DUE_BY_IDS_PG: &str = concat!(
    due_select!(),
    "WHERE d.id = ANY($1) ORDER BY d.next_attempt_at"
);

/// The claim's statements, named, for the query-plan test.
#[cfg(test)]
pub(crate) const CLAIM_STATEMENTS: [(&str, &str); 6] = [
    ("claim: anything due", ANY_DUE_SQL),
    ("claim: targets with work", DUE_TARGETS),
    ("claim: a target's oldest due", DUE_OF_TARGET),
    ("claim: due without a target", DUE_WITHOUT_TARGET),
    ("claim: the lease", LEASE_PICKED_SQL),
    ("claim: what the workers need", DUE_BY_IDS_SQL),
];

/// Claim due deliveries for `lease_ms`: nobody else takes them until the lease ends (or the
/// holder renews it), so a crashed process's claims come back by themselves.
///
/// Fair: targets are served round-robin across accounts (one target of each account with
/// work, then the next target of each, …), each target up to its share, so one account's or
/// one target's backlog cannot fill a claim. The search is index-backed (a seek per target
/// with work); only the lease itself is written, in a short transaction. On PostgreSQL,
/// where other nodes claim at the same time, each target's deliveries are picked inside
/// that transaction with `FOR UPDATE SKIP LOCKED` (see [`pick_and_lease_pg`]); it is
/// committed before anything is sent.
pub async fn claim_due(
    db: &Db,
    now_ms: i64,
    lease_ms: i64,
    limits: &ClaimLimits<'_>,
) -> Result<Vec<Due>, sqlx::Error> {
    use std::collections::BTreeMap;
    // A read first: idle workers must not take the write lock four times a second.
    let any: Option<i64> = on!(db, c => sqlx::query_scalar(ANY_DUE_SQL)
        .bind(now_ms)
        .fetch_optional(c)
        .await?);
    if any.is_none() || limits.total == 0 {
        return Ok(Vec::new());
    }
    let targets: Vec<(Option<i64>, i64, String)> = match db {
        Db::Sqlite(pool) => {
            sqlx::query_as(DUE_TARGETS)
                .bind(now_ms)
                .bind(super::id_list(limits.busy))
                .fetch_all(pool)
                .await?
        }
        Db::Postgres(pool) => {
            sqlx::query_as(DUE_TARGETS_PG)
                .bind(now_ms)
                .bind(limits.busy)
                .fetch_all(pool)
                .await?
        }
    };
    // Per account, its targets with work: (target, kind).
    type Targets = Vec<(Option<i64>, String)>;
    let mut by_account: BTreeMap<i64, Targets> = BTreeMap::new();
    for (target, account, kind) in targets {
        by_account.entry(account).or_default().push((target, kind));
    }
    let mut accounts: Vec<(i64, Targets)> = by_account.into_iter().collect();
    if accounts.is_empty() {
        return Ok(Vec::new());
    }
    let start = limits.turn % accounts.len();
    accounts.rotate_left(start);
    // Each target's share: an equal part of the claim, no less than `per_target`.
    let with_work: usize = accounts.iter().map(|(_, t)| t.len()).sum();
    let share_of_one = limits
        .total
        .div_ceil(with_work.max(1))
        .max(limits.per_target);
    // Round after round, the next target of each account, until the shares cover the claim.
    let mut picked: Vec<Pick> = Vec::new();
    let mut covered = 0;
    let deepest = accounts.iter().map(|(_, t)| t.len()).max().unwrap_or(0);
    'rounds: for round in 0..deepest {
        for (account, targets) in &accounts {
            if let Some((target, kind)) = targets.get(round) {
                let robot = matches!(kind.as_str(), "dingtalk" | "wecom" | "lark");
                let share = if robot {
                    limits.per_robot
                } else {
                    share_of_one
                };
                picked.push(Pick {
                    target: *target,
                    account: *account,
                    share,
                });
                covered += share;
                if covered >= limits.total {
                    break 'rounds;
                }
            }
        }
    }
    let ids = match db {
        Db::Sqlite(pool) => {
            pick_and_lease_sqlite(db, pool, &picked, now_ms, lease_ms, limits.total).await?
        }
        Db::Postgres(pool) => {
            pick_and_lease_pg(pool, &picked, now_ms, lease_ms, limits.total).await?
        }
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    due_by_ids(db, &ids).await
}

/// A target [`claim_due`] takes deliveries of, and how many at most (`None`: the
/// account's deliveries whose target was deleted).
struct Pick {
    target: Option<i64>,
    account: i64,
    share: usize,
}

impl Pick {
    /// The statement picking this target's oldest due deliveries (of the two given), and
    /// its key.
    fn query(&self, of_target: &'static str, without: &'static str) -> (&'static str, i64) {
        match self.target {
            Some(t) => (of_target, t),
            None => (without, self.account),
        }
    }
}

/// SQLite: each picked target's oldest due deliveries, read on the pool; then, in a short
/// write transaction, the lease of those still due and free (one writer: nobody can take
/// them between the check and the write).
async fn pick_and_lease_sqlite(
    db: &Db,
    pool: &sqlx::SqlitePool,
    picked: &[Pick],
    now_ms: i64,
    lease_ms: i64,
    total: usize,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut lists: Vec<Vec<i64>> = Vec::with_capacity(picked.len());
    for pick in picked {
        let (sql, key) = pick.query(DUE_OF_TARGET, DUE_WITHOUT_TARGET);
        let ids: Vec<i64> = sqlx::query_scalar(sql)
            .bind(now_ms)
            .bind(key)
            .bind(pick.share as i64)
            .fetch_all(pool)
            .await?;
        lists.push(ids);
    }
    let ids = interleave(&lists, total);
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut tx = super::begin_write(db).await?;
    let ids: Vec<i64> = on_tx!(tx, c => sqlx::query_scalar(LEASE_PICKED_SQL)
        .bind(now_ms)
        .bind(lease_ms)
        .bind(super::id_list(&ids))
        .fetch_all(c)
        .await?);
    tx.commit().await?;
    Ok(ids)
}

/// PostgreSQL: one short transaction per claim. Each picked target's oldest due
/// deliveries are locked as they are read (`FOR UPDATE SKIP LOCKED`: what another node is
/// claiming right now is passed over, not waited for), leased, and the transaction is
/// committed before any request is sent; the lease, not the lock, then keeps them.
async fn pick_and_lease_pg(
    pool: &sqlx::PgPool,
    picked: &[Pick],
    now_ms: i64,
    lease_ms: i64,
    total: usize,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let mut lists: Vec<Vec<i64>> = Vec::with_capacity(picked.len());
    for pick in picked {
        let (sql, key) = pick.query(DUE_OF_TARGET_PG, DUE_WITHOUT_TARGET_PG);
        let ids: Vec<i64> = sqlx::query_scalar(sql)
            .bind(now_ms)
            .bind(key)
            .bind(pick.share as i64)
            .fetch_all(&mut *tx)
            .await?;
        lists.push(ids);
    }
    let ids = interleave(&lists, total);
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = sqlx::query_scalar(LEASE_PICKED_PG)
        .bind(now_ms)
        .bind(lease_ms)
        .bind(&ids)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(ids)
}

/// The lists' ids taken in turns (the first of each, then the second of each, …), at most
/// `total`: a claim cut short still has a little of every target.
fn interleave(lists: &[Vec<i64>], total: usize) -> Vec<i64> {
    let mut ids: Vec<i64> = Vec::new();
    let longest = lists.iter().map(Vec::len).max().unwrap_or(0);
    for i in 0..longest {
        for list in lists {
            if let Some(id) = list.get(i) {
                ids.push(*id);
                if ids.len() >= total {
                    return ids;
                }
            }
        }
    }
    ids
}

/// What the workers need to send the deliveries `ids` (already leased).
async fn due_by_ids(db: &Db, ids: &[i64]) -> Result<Vec<Due>, sqlx::Error> {
    match db {
        Db::Sqlite(pool) => {
            sqlx::query_as(DUE_BY_IDS_SQL)
                .bind(super::id_list(ids))
                .fetch_all(pool)
                .await
        }
        Db::Postgres(pool) => {
            sqlx::query_as(DUE_BY_IDS_PG)
                .bind(ids)
                .fetch_all(pool)
                .await
        }
    }
}

/// At start-up on SQLite (one process owns the file): release every claim, so deliveries
/// a killed process held are sent again at once rather than when their lease runs out;
/// the number released. Nothing on PostgreSQL: the leases there may be another running
/// node's, and a killed node's run out by themselves and are claimed by the others.
pub async fn release_leases(db: &Db) -> Result<u64, sqlx::Error> {
    let Db::Sqlite(pool) = db else {
        return Ok(0);
    };
    let _turn = super::turn(db, "lease").await;
    sqlx::query(
        "UPDATE deliveries SET lease_until = NULL WHERE status = 'pending' AND lease_until IS NOT NULL",
    )
    .execute(pool)
    .await
    .map(|r| r.rows_affected())
}

/// The channel on which PostgreSQL announces deliveries that nobody holds (see the
/// trigger of migrations/postgres/20261202000000_due_notify.sql).
const DUE_CHANNEL: &str = "herald_due";

/// PostgreSQL: told when any node stores deliveries that nobody holds, so that idle
/// workers claim them at once instead of at their next poll.
pub struct DueListener(sqlx::postgres::PgListener);

impl DueListener {
    /// Listen on a connection of its own; `None` on SQLite, where one process owns the
    /// file and hands new deliveries over in memory.
    pub async fn start(db: &Db) -> Result<Option<DueListener>, sqlx::Error> {
        let Db::Postgres(pool) = db else {
            return Ok(None);
        };
        let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
        listener.listen(DUE_CHANNEL).await?;
        Ok(Some(DueListener(listener)))
    }

    /// Wait until it is worth looking for due deliveries: one was announced, or the
    /// connection was lost and made again (announcements meanwhile are lost, so look
    /// anyway). An error when the pool closed or the server cannot be reached.
    pub async fn next(&mut self) -> Result<(), sqlx::Error> {
        self.0.try_recv().await.map(|_| ())
    }
}

/// Who to tell that a target was disabled: the account owner, and where the target is.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DisabledTarget {
    pub account_id: i64,
    pub owner_name: String,
    pub owner_email: Option<String>,
    pub bus: String,
    pub rule: String,
    pub kind: String,
    pub reason: Option<String>,
}

/// The owner and place of a target.
pub async fn disabled_target(
    db: &Db,
    target_id: i64,
) -> Result<Option<DisabledTarget>, sqlx::Error> {
    on!(db, c => sqlx::query_as(
        "SELECT r.account_id, u.display_name AS owner_name, u.email AS owner_email, b.name AS bus,
                r.name AS rule, t.kind, t.disabled_reason AS reason
         FROM targets t JOIN rules r ON r.id = t.rule_id
         JOIN event_buses b ON b.id = r.bus_id
         JOIN users u ON u.account_id = r.account_id AND u.is_owner
         WHERE t.id = $1",
    )
    .bind(target_id)
    .fetch_optional(c)
    .await)
}

/// The contacts of a target: (name, phone, email).
pub async fn target_contacts(
    db: &Db,
    target_id: i64,
) -> Result<Vec<(String, Option<String>, Option<String>)>, sqlx::Error> {
    on!(db, c => sqlx::query_as(
        "SELECT c.name, c.phone, c.email FROM target_contacts tc JOIN contacts c ON c.id = tc.contact_id
         WHERE tc.target_id = $1 ORDER BY tc.position",
    )
    .bind(target_id)
    .fetch_all(c)
    .await)
}

/// How many contacts of a target have a phone number and an email address: who a voice,
/// SMS or email message would reach.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TargetReach {
    pub target_id: i64,
    pub phones: i64,
    pub emails: i64,
}

/// [`TargetReach`] of each target of `$1` (a JSON list of ids on SQLite, an array on
/// PostgreSQL) that has contacts: one seek in `target_contacts`' primary key per target,
/// one in `contacts`' per contact.
pub(super) const TARGET_REACH_SQL: &str =
    "SELECT tc.target_id, COUNT(NULLIF(c.phone, '')) AS phones, COUNT(NULLIF(c.email, '')) AS emails
     FROM json_each($1) j
     CROSS JOIN target_contacts tc ON tc.target_id = j.value
     JOIN contacts c ON c.id = tc.contact_id
     GROUP BY tc.target_id";
const TARGET_REACH_PG: &str =
    "SELECT tc.target_id, COUNT(NULLIF(c.phone, '')) AS phones, COUNT(NULLIF(c.email, '')) AS emails
     FROM target_contacts tc
     JOIN contacts c ON c.id = tc.contact_id
     WHERE tc.target_id = ANY($1)
     GROUP BY tc.target_id";

/// Who the targets `target_ids` would reach; targets without contacts are left out.
pub async fn target_reach(db: &Db, target_ids: &[i64]) -> Result<Vec<TargetReach>, sqlx::Error> {
    if target_ids.is_empty() {
        return Ok(Vec::new());
    }
    match db {
        Db::Sqlite(pool) => {
            sqlx::query_as(TARGET_REACH_SQL)
                .bind(super::id_list(target_ids))
                .fetch_all(pool)
                .await
        }
        Db::Postgres(pool) => {
            sqlx::query_as(TARGET_REACH_PG)
                .bind(target_ids)
                .fetch_all(pool)
                .await
        }
    }
}

/// One attempt's record and the delivery's new state.
#[derive(Clone)]
pub struct AttemptRecord {
    pub delivery_id: i64,
    /// The lease the attempt ran under; a record whose lease was lost (another worker took
    /// the delivery) is dropped rather than overwrite that worker's result.
    pub lease_until: i64,
    /// The target, to track how long it has been failing.
    pub target_id: Option<i64>,
    pub started_at: String,
    pub latency_ms: i64,
    pub request: String,
    pub response_status: Option<i64>,
    pub response_body: Option<String>,
    pub reason: String,
    pub detail: String,
    /// Pending means a retry at `next_attempt_at`.
    pub status: DeliveryStatus,
    pub next_attempt_at: i64,
    /// Not an attempt: the delivery waits for its robot's budget (pacing).
    pub deferred: bool,
    /// Voice and SMS: every number reached so far (a JSON array); `None` keeps the stored.
    pub reached: Option<String>,
}

/// The reason of an attempt answered 410 Gone.
const GONE: &str = crate::domain::target::Reason::Gone.as_str();
/// The reason of a short-circuited attempt.
const CIRCUIT_OPEN: &str = crate::domain::target::Reason::CircuitOpen.as_str();

/// Extend the lease of a delivery whose attempt is still running (a call to many contacts
/// can take minutes), from `old` to `new`; false when the lease was lost meanwhile.
pub async fn renew_lease(db: &Db, id: i64, old: i64, new: i64) -> Result<bool, sqlx::Error> {
    while_held(
        db,
        "UPDATE deliveries SET lease_until = $3
         WHERE id = $1 AND status = 'pending' AND lease_until = $2",
        id,
        old,
        new,
    )
    .await
}

/// Store the numbers a running attempt has reached so far (a JSON array), while its lease
/// holds, so that whoever sends the delivery next never calls them again.
pub async fn save_reached(
    db: &Db,
    id: i64,
    lease: i64,
    reached: &str,
) -> Result<bool, sqlx::Error> {
    while_held(
        db,
        "UPDATE deliveries SET reached = $3
         WHERE id = $1 AND status = 'pending' AND lease_until = $2",
        id,
        lease,
        reached,
    )
    .await
}

/// Run `sql` on delivery `id` (`$1`) if it still holds `lease` (`$2`), with `value` as `$3`;
/// whether it did.
async fn while_held<'q, T>(
    db: &Db,
    sql: &'q str,
    id: i64,
    lease: i64,
    value: T,
) -> Result<bool, sqlx::Error>
where
    T: 'q
        + Send
        + sqlx::Encode<'q, sqlx::Sqlite>
        + sqlx::Type<sqlx::Sqlite>
        + sqlx::Encode<'q, sqlx::Postgres>
        + sqlx::Type<sqlx::Postgres>,
{
    let mut tx = super::begin_write(db).await?;
    let changed = on_tx!(tx, c => sqlx::query(sql)
        .bind(id)
        .bind(lease)
        .bind(value)
        .execute(c)
        .await?
        .rows_affected());
    tx.commit().await?;
    Ok(changed == 1)
}

/// Write attempts and release their deliveries, in one transaction. Only attempts whose
/// lease still holds count. A target that has failed without a break for
/// `disable_after_ms`, or whose endpoint answered 410 Gone, is disabled; the ids of targets
/// disabled now are returned. Then the deliveries of the targets in `wake` that wait
/// because their circuit was open are due at once (it closed). SQLite takes the whole
/// batch as one command ([`record_sqlite`]); PostgreSQL usually as one statement
/// ([`record_pg`]).
pub async fn record(
    db: &Db,
    records: &[AttemptRecord],
    wake: &[i64],
    now_ms: i64,
    disable_after_ms: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let records: Vec<std::borrow::Cow<'_, AttemptRecord>> =
        records.iter().map(without_nul).collect();
    let attempted: Vec<&AttemptRecord> = records
        .iter()
        .map(|r| r.as_ref())
        .filter(|r| !r.deferred)
        .collect();
    let batch = Batch {
        deferred: records
            .iter()
            .map(|r| r.as_ref())
            .filter(|r| r.deferred)
            .collect(),
        health: target_health(&attempted),
        attempted,
        wake,
        now_ms,
        now_text: super::now_text(),
        cut: now_ms - disable_after_ms,
    };
    let written = match db {
        Db::Sqlite(_) => {
            let mut tx = super::begin_write(db).await?;
            let written = match &mut tx.tx {
                super::Tx::Sqlite(t) => record_sqlite(t, &batch).await?,
                super::Tx::Postgres(_) => unreachable!("a SQLite pool's transaction"),
            };
            tx.commit().await?;
            written
        }
        Db::Postgres(pool) => record_pg(db, pool, &batch).await?,
    };
    for r in &batch.attempted {
        if !written.held.contains(&r.delivery_id) {
            tracing::warn!(
                delivery = r.delivery_id,
                "an attempt outlived its lease; its result is dropped"
            );
        }
    }
    Ok(written.disabled)
}

/// `r` with every NUL character of its texts (the request as sent, the receiver's answer,
/// the detail) shown as U+FFFD, the way invalid UTF-8 already is. PostgreSQL's TEXT cannot
/// hold NUL: a binary body or answer with a zero byte made the whole batch fail there, and
/// its deliveries stayed pending for ever. Both backends store the same text. Borrowed, with
/// no copy, when there is no NUL (nearly always).
fn without_nul(r: &AttemptRecord) -> std::borrow::Cow<'_, AttemptRecord> {
    let has_nul = |t: &str| t.contains('\0');
    if !has_nul(&r.request)
        && !has_nul(&r.detail)
        && !r.response_body.as_deref().is_some_and(has_nul)
    {
        return std::borrow::Cow::Borrowed(r);
    }
    let clean = |t: &str| t.replace('\0', "\u{FFFD}");
    std::borrow::Cow::Owned(AttemptRecord {
        request: clean(&r.request),
        detail: clean(&r.detail),
        response_body: r.response_body.as_deref().map(clean),
        ..r.clone()
    })
}

/// What [`record`] writes, split the way its statements take it.
struct Batch<'a> {
    /// Deliveries that wait for their robot's budget: no attempt.
    deferred: Vec<&'a AttemptRecord>,
    attempted: Vec<&'a AttemptRecord>,
    /// Each attempted target's health, by target id.
    health: Vec<Health<'a>>,
    wake: &'a [i64],
    now_ms: i64,
    now_text: String,
    /// A target failing since before this (Unix ms) is disabled.
    cut: i64,
}

/// A target's health after the batch: it follows its last attempt.
struct Health<'a> {
    target: i64,
    last: &'a AttemptRecord,
    /// Its endpoint answered 410 Gone to any attempt of the batch: disabled at once.
    gone: bool,
    /// Why it would be disabled.
    reason: String,
}

impl Health<'_> {
    fn delivered(&self) -> bool {
        self.last.status == DeliveryStatus::Delivered
    }
}

/// Each target's health from its last attempt in the batch, in the order of the targets'
/// ids (rows are locked in one order on PostgreSQL).
fn target_health<'a>(attempted: &[&'a AttemptRecord]) -> Vec<Health<'a>> {
    let mut last_by_target: std::collections::BTreeMap<i64, (&AttemptRecord, bool)> =
        std::collections::BTreeMap::new();
    for r in attempted {
        if let Some(target) = r.target_id {
            let gone = r.reason == GONE || last_by_target.get(&target).is_some_and(|(_, g)| *g);
            last_by_target.insert(target, (r, gone));
        }
    }
    last_by_target
        .into_iter()
        .map(|(target, (last, gone))| Health {
            target,
            last,
            gone,
            reason: if gone {
                "the endpoint answered 410 Gone".to_string()
            } else {
                format!(
                    "failing without a break; last: {} {}",
                    last.reason, last.detail
                )
            },
        })
        .collect()
}

/// What [`record`] wrote: the deliveries whose lease still held, the targets disabled.
struct Written {
    held: std::collections::HashSet<i64>,
    disabled: Vec<i64>,
}

/// SQLite: the batch as one command (each statement sent separately waits for its
/// connection's thread, which under load costs more than the writes), its data one JSON
/// parameter (sqlx binds a later statement's `$N` only when no lower number is missing
/// from it).
async fn record_sqlite(
    conn: &mut sqlx::SqliteConnection,
    batch: &Batch<'_>,
) -> Result<Written, sqlx::Error> {
    use serde_json::json;
    let deferred: Vec<serde_json::Value> = batch
        .deferred
        .iter()
        .map(|r| json!([r.delivery_id, r.next_attempt_at, r.lease_until]))
        .collect();
    let rows: Vec<serde_json::Value> = batch
        .attempted
        .iter()
        .map(|r| {
            json!([
                r.delivery_id,
                r.status.as_str(),
                r.next_attempt_at,
                r.reason,
                r.detail,
                r.lease_until,
                r.reached,
                r.started_at,
                r.latency_ms,
                r.request,
                r.response_status,
                r.response_body
            ])
        })
        .collect();
    let health: Vec<serde_json::Value> = batch
        .health
        .iter()
        .map(|h| {
            json!([
                h.target,
                h.last.delivery_id,
                h.last.lease_until,
                h.delivered(),
                h.reason,
                h.gone
            ])
        })
        .collect();
    let tagged: Vec<(String, i64)> = sqlx::query_as(RECORD_SQLITE)
        .bind(
            json!({
                "wake": batch.wake,
                "circuit_open": CIRCUIT_OPEN,
                "deferred": deferred,
                "attempted": rows,
                "health": health,
                "now": batch.now_ms,
                "now_text": batch.now_text,
                "cut": batch.cut,
            })
            .to_string(),
        )
        .fetch_all(conn)
        .await?;
    let mut written = Written {
        held: Default::default(),
        disabled: Vec::new(),
    };
    for (tag, id) in tagged {
        match tag.as_str() {
            "held" => {
                written.held.insert(id);
            }
            _ => written.disabled.push(id),
        }
    }
    Ok(written)
}

/// [`record_sqlite`]'s command. In order: waits; attempts and target health while the
/// leases are still visible; then the deliveries' new state. A statement whose rows are not
/// held changes nothing.
const RECORD_SQLITE: &str =
    "UPDATE deliveries SET next_attempt_at = j.value ->> 1, lease_until = NULL
     FROM json_each($1, '$.deferred') j
     WHERE deliveries.id = j.value ->> 0 AND deliveries.lease_until = j.value ->> 2;

     INSERT INTO attempts (delivery_id, number, started_at, latency_ms, request,
                           response_status, response_body, reason, detail)
     SELECT d.id,
            (SELECT COUNT(*) + 1 FROM attempts a WHERE a.delivery_id = d.id),
            j.value ->> 7, j.value ->> 8, j.value ->> 9, j.value ->> 10, j.value ->> 11,
            j.value ->> 3, j.value ->> 4
     FROM json_each($1, '$.attempted') j
     JOIN deliveries d ON d.id = j.value ->> 0 AND d.status = 'pending'
                      AND d.lease_until = j.value ->> 5
     ORDER BY j.key;

     UPDATE targets SET failing_since = NULL FROM json_each($1, '$.health') j
     WHERE targets.id = j.value ->> 0 AND j.value ->> 3 AND targets.failing_since IS NOT NULL
       AND EXISTS (SELECT 1 FROM deliveries d WHERE d.id = j.value ->> 1
                   AND d.status = 'pending' AND d.lease_until = j.value ->> 2);

     UPDATE targets SET failing_since = $1 ->> '$.now' FROM json_each($1, '$.health') j
     WHERE targets.id = j.value ->> 0 AND NOT j.value ->> 3 AND targets.failing_since IS NULL
       AND EXISTS (SELECT 1 FROM deliveries d WHERE d.id = j.value ->> 1
                   AND d.status = 'pending' AND d.lease_until = j.value ->> 2);

     UPDATE targets SET disabled_at = $1 ->> '$.now_text', disabled_reason = j.value ->> 4
     FROM json_each($1, '$.health') j
     WHERE targets.id = j.value ->> 0 AND NOT j.value ->> 3 AND targets.disabled_at IS NULL
       AND (targets.failing_since <= $1 ->> '$.cut' OR j.value ->> 5)
       AND EXISTS (SELECT 1 FROM deliveries d WHERE d.id = j.value ->> 1
                   AND d.status = 'pending' AND d.lease_until = j.value ->> 2)
     RETURNING 'disabled', targets.id;

     UPDATE deliveries SET status = j.value ->> 1, attempts = attempts + 1,
         next_attempt_at = j.value ->> 2, lease_until = NULL,
         last_reason = j.value ->> 3, last_detail = j.value ->> 4,
         reached = COALESCE(j.value ->> 6, deliveries.reached),
         updated_at = $1 ->> '$.now_text'
     FROM json_each($1, '$.attempted') j
     WHERE deliveries.id = j.value ->> 0 AND deliveries.status = 'pending'
       AND deliveries.lease_until = j.value ->> 5
     RETURNING 'held', deliveries.id;

     UPDATE deliveries SET next_attempt_at = $1 ->> '$.now' FROM json_each($1, '$.wake') j
     WHERE deliveries.target_id = j.value AND deliveries.status = 'pending'
       AND deliveries.last_reason = $1 ->> '$.circuit_open'
       AND deliveries.next_attempt_at > $1 ->> '$.now'";

/// PostgreSQL, which refuses several statements in one prepared command. Usually (every
/// attempt delivered, nothing deferred, no circuit closed) the whole batch is one statement
/// ([`SETTLE_PG`]: the deliveries still held settle, their attempts are written, their
/// targets are healthy again), committed on its own: one round trip. Otherwise the other
/// statements follow it in one transaction, each only for the deliveries it settled.
async fn record_pg(
    db: &Db,
    pool: &sqlx::PgPool,
    batch: &Batch<'_>,
) -> Result<Written, sqlx::Error> {
    let failed: Vec<&Health<'_>> = batch.health.iter().filter(|h| !h.delivered()).collect();
    if batch.deferred.is_empty() && batch.wake.is_empty() && failed.is_empty() {
        let _turn = super::turn(db, "record").await;
        let held = settle_pg(pool, batch).await?;
        return Ok(Written {
            held,
            disabled: Vec::new(),
        });
    }
    let mut tx = super::begin_write(db).await?;
    let super::Tx::Postgres(conn) = &mut tx.tx else {
        unreachable!("a PostgreSQL pool's transaction")
    };
    if !batch.deferred.is_empty() {
        let col = |f: fn(&AttemptRecord) -> i64| -> Vec<i64> {
            batch.deferred.iter().map(|r| f(r)).collect()
        };
        sqlx::query(DEFER_PG)
            .bind(col(|r| r.delivery_id))
            .bind(col(|r| r.next_attempt_at))
            .bind(col(|r| r.lease_until))
            .execute(&mut **conn)
            .await?;
    }
    let held = settle_pg(&mut **conn, batch).await?;
    // Targets whose last attempt of the batch failed, where that attempt counted.
    let failed: Vec<&Health<'_>> = failed
        .into_iter()
        .filter(|h| held.contains(&h.last.delivery_id))
        .collect();
    let mut disabled = Vec::new();
    if !failed.is_empty() {
        let targets: Vec<i64> = failed.iter().map(|h| h.target).collect();
        sqlx::query(FAILING_PG)
            .bind(&targets)
            .bind(batch.now_ms)
            .execute(&mut **conn)
            .await?;
        disabled = sqlx::query_scalar(DISABLE_PG)
            .bind(&targets)
            .bind(
                failed
                    .iter()
                    .map(|h| h.reason.as_str())
                    .collect::<Vec<&str>>(),
            )
            .bind(failed.iter().map(|h| h.gone).collect::<Vec<bool>>())
            .bind(batch.cut)
            .bind(&batch.now_text)
            .fetch_all(&mut **conn)
            .await?;
    }
    if !batch.wake.is_empty() {
        sqlx::query(WAKE_PG)
            .bind(batch.now_ms)
            .bind(batch.wake)
            .bind(CIRCUIT_OPEN)
            .execute(&mut **conn)
            .await?;
    }
    tx.commit().await?;
    Ok(Written { held, disabled })
}

/// Run [`SETTLE_PG`] for the batch's attempts; the deliveries it settled (still held).
async fn settle_pg<'c, E>(
    conn: E,
    batch: &Batch<'_>,
) -> Result<std::collections::HashSet<i64>, sqlx::Error>
where
    E: sqlx::PgExecutor<'c>,
{
    let a = &batch.attempted;
    if a.is_empty() {
        return Ok(Default::default());
    }
    let healthy: Vec<&Health<'_>> = batch.health.iter().filter(|h| h.delivered()).collect();
    let settled: Vec<i64> = sqlx::query_scalar(SETTLE_PG)
        .bind(a.iter().map(|r| r.delivery_id).collect::<Vec<i64>>())
        .bind(a.iter().map(|r| r.status.as_str()).collect::<Vec<&str>>())
        .bind(a.iter().map(|r| r.next_attempt_at).collect::<Vec<i64>>())
        .bind(a.iter().map(|r| r.reason.as_str()).collect::<Vec<&str>>())
        .bind(a.iter().map(|r| r.detail.as_str()).collect::<Vec<&str>>())
        .bind(a.iter().map(|r| r.lease_until).collect::<Vec<i64>>())
        .bind(
            a.iter()
                .map(|r| r.reached.as_deref())
                .collect::<Vec<Option<&str>>>(),
        )
        .bind(
            a.iter()
                .map(|r| r.started_at.as_str())
                .collect::<Vec<&str>>(),
        )
        .bind(a.iter().map(|r| r.latency_ms).collect::<Vec<i64>>())
        .bind(a.iter().map(|r| r.request.as_str()).collect::<Vec<&str>>())
        .bind(
            a.iter()
                .map(|r| r.response_status)
                .collect::<Vec<Option<i64>>>(),
        )
        .bind(
            a.iter()
                .map(|r| r.response_body.as_deref())
                .collect::<Vec<Option<&str>>>(),
        )
        .bind(&batch.now_text)
        .bind(healthy.iter().map(|h| h.target).collect::<Vec<i64>>())
        .bind(
            healthy
                .iter()
                .map(|h| h.last.delivery_id)
                .collect::<Vec<i64>>(),
        )
        .fetch_all(conn)
        .await?;
    Ok(settled.into_iter().collect())
}

/// [`record_pg`]'s statements. `j` is a row of the batch.
///
/// The settling: each delivery still held (pending, its lease as claimed) takes its new
/// state, and only those get their attempt written (from the rows the update returned, so
/// an attempt is never written for a delivery another node has claimed meanwhile) and
/// their target's failing streak ended (`$14` targets whose last attempt, `$15`, was
/// delivered). The update's row locks keep another node from claiming a delivery halfway
/// through. Returns the settled deliveries.
pub(super) const SETTLE_PG: &str = "WITH j AS (
         SELECT * FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::BIGINT[], $4::TEXT[], $5::TEXT[],
                              $6::BIGINT[], $7::TEXT[], $8::TEXT[], $9::BIGINT[], $10::TEXT[],
                              $11::BIGINT[], $12::TEXT[])
             WITH ORDINALITY AS j(id, status, next, reason, detail, lease, reached,
                                  started_at, latency_ms, request, response_status,
                                  response_body, n)
     ), settled AS (
         UPDATE deliveries d SET status = j.status, attempts = d.attempts + 1,
             next_attempt_at = j.next, lease_until = NULL,
             last_reason = j.reason, last_detail = j.detail,
             reached = COALESCE(j.reached, d.reached), updated_at = $13
         FROM j
         WHERE d.id = j.id AND d.status = 'pending' AND d.lease_until = j.lease
         RETURNING d.id
     ), tried AS (
         INSERT INTO attempts (delivery_id, number, started_at, latency_ms,
                               request, response_status, response_body, reason, detail)
         SELECT j.id, (SELECT COUNT(*) + 1 FROM attempts a WHERE a.delivery_id = j.id),
                j.started_at, j.latency_ms, j.request, j.response_status, j.response_body,
                j.reason, j.detail
         FROM j JOIN settled s ON s.id = j.id
         ORDER BY j.n
     ), healed AS (
         UPDATE targets t SET failing_since = NULL
         FROM UNNEST($14::BIGINT[], $15::BIGINT[]) AS h(target, delivery)
         JOIN settled s ON s.id = h.delivery
         WHERE t.id = h.target AND t.failing_since IS NOT NULL
     )
     SELECT id FROM settled";
pub(super) const DEFER_PG: &str =
    "UPDATE deliveries d SET next_attempt_at = j.next, lease_until = NULL
     FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::BIGINT[]) AS j(id, next, lease)
     WHERE d.id = j.id AND d.lease_until = j.lease";
/// Targets `$1` (whose last attempt of the batch failed, and was settled) are failing since
/// now (`$2`) unless they already were.
pub(super) const FAILING_PG: &str = "UPDATE targets SET failing_since = $2
     WHERE id = ANY($1) AND failing_since IS NULL";
/// Of those, disable each failing since before `$4`, or whose endpoint is gone.
pub(super) const DISABLE_PG: &str =
    "UPDATE targets t SET disabled_at = $5, disabled_reason = j.reason
     FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::BOOLEAN[]) AS j(target, reason, gone)
     WHERE t.id = j.target AND t.disabled_at IS NULL AND (t.failing_since <= $4 OR j.gone)
     RETURNING t.id";
pub(super) const WAKE_PG: &str = "UPDATE deliveries SET next_attempt_at = $1
     WHERE target_id = ANY($2) AND status = 'pending' AND last_reason = $3
       AND next_attempt_at > $1";

/// An event with the CloudEvent as received, for its page.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventWithEnvelope {
    #[sqlx(flatten)]
    pub event: EventView,
    pub envelope: String,
}

const EVENT_SELECT: &str = "SELECT e.id, b.name AS bus, e.source, e.ce_id, e.type AS event_type,
        e.subject, e.time, e.received_at,
        (SELECT COUNT(*) FROM deliveries d WHERE d.event_id = e.id AND d.status = 'delivered') AS delivered,
        (SELECT COUNT(*) FROM deliveries d WHERE d.event_id = e.id AND d.status IN ('failed', 'dead')) AS failed,
        (SELECT COUNT(*) FROM deliveries d WHERE d.event_id = e.id AND d.status = 'pending') AS pending
     FROM events e JOIN event_buses b ON b.id = e.bus_id";

/// Filters of the event list.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub event_type: Option<String>,
    /// `delivered`, `failed` or `pending`: events with at least one delivery so.
    pub status: Option<String>,
    /// Received at or after this RFC 3339 instant.
    pub since: Option<String>,
    /// Older than this event (its id): the next page.
    pub before: Option<i64>,
}

/// A value bound to a statement assembled from parts, in the order of its `$N`.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Arg {
    Int(i64),
    Text(String),
}

/// Numbered parameters of a statement being assembled: each `$N` once, in order, so sqlx
/// binds them right (it numbers a statement's parameters positionally when one is missing).
#[derive(Default)]
struct Params(Vec<Arg>);

impl Params {
    fn push(&mut self, arg: Arg) -> String {
        self.0.push(arg);
        format!("${}", self.0.len())
    }
}

/// The statement listing a page of a bus's events with `filter`, and its arguments.
///
/// Every filter and combination is read from an index newest first and stops after `limit`
/// rows, so the first page costs the same at any size of history:
/// - by type: `events_bus_type`; since a time: from the first event received then on
///   (`events_bus_received`: ids grow with `received_at`, as the clean-up also relies on);
///   before an event: an id range.
/// - by delivery status: walked in `deliveries_bus_status`, the bus's deliveries in that
///   status by event, newest first, so a status almost no event has (a failure) is found
///   without reading the events that do not have it; `failed` includes `dead`, two walks
///   merged in order.
/// - `delivered` with a type is the exception: most events have a delivered delivery and
///   a type is the rarer of the two, so the type's events are walked and each checked.
///
/// On PostgreSQL (`postgres`) the status walk is spelled so that its planner keeps to it
/// (checked by `store::plans_pg`): each status's walk stops at the page by itself before
/// the two are merged (PostgreSQL 15 merges a `UNION` by hashing and sorting all of both),
/// and an event's type and time are looked up per delivery (`LATERAL … OFFSET 0`) instead
/// of joined, which the planner would do by reading every event of the bus.
pub(super) fn list_events_sql(
    account_id: i64,
    bus_id: i64,
    filter: &EventFilter,
    limit: i64,
    postgres: bool,
) -> (String, Vec<Arg>) {
    let mut p = Params::default();
    let account = p.push(Arg::Int(account_id));
    let bus = p.push(Arg::Int(bus_id));
    let event_type = filter.event_type.clone().map(|t| p.push(Arg::Text(t)));
    let since = filter.since.clone().map(|t| p.push(Arg::Text(t)));
    let before = filter.before.map(|b| p.push(Arg::Int(b)));
    let statuses: Vec<String> = match filter.status.as_deref().and_then(DeliveryStatus::parse) {
        None => vec![],
        Some(DeliveryStatus::Failed) => vec![
            DeliveryStatus::Failed.as_str().into(),
            DeliveryStatus::Dead.as_str().into(),
        ],
        Some(other) => vec![other.as_str().into()],
    };
    let statuses: Vec<String> = statuses.into_iter().map(|s| p.push(Arg::Text(s))).collect();
    let limit = p.push(Arg::Int(limit));
    // The id of the first event of the bus received at or after `since`.
    let first_since = |since: &str| {
        format!(
            "(SELECT s.id FROM events s WHERE s.bus_id = {bus} AND s.received_at >= {since}
              ORDER BY s.received_at LIMIT 1)"
        )
    };
    // The type, since and before conditions, on the events aliased `events` and the event
    // id `id` (the plain walk reads events; the status walk reads deliveries' event ids).
    let conditions = |events: &str, id: &str| {
        let mut out = String::new();
        if let Some(t) = &event_type {
            out.push_str(&format!(" AND {events}.type = {t}"));
        }
        if let Some(s) = &since {
            out.push_str(&format!(
                " AND {events}.received_at >= {s} AND {id} >= {}",
                first_since(s)
            ));
        }
        if let Some(b) = &before {
            out.push_str(&format!(" AND {id} < {b}"));
        }
        out
    };
    let delivered_of_a_type = filter.status.as_deref() == Some(DeliveryStatus::Delivered.as_str())
        && event_type.is_some();
    let by_deliveries = !statuses.is_empty() && !delivered_of_a_type;
    let sql = if by_deliveries {
        let arms: Vec<String> = statuses
            .iter()
            .enumerate()
            .map(|(i, status)| {
                let mut arm = String::from("SELECT DISTINCT d.event_id FROM deliveries d");
                if event_type.is_some() || since.is_some() {
                    arm.push_str(if postgres {
                        " CROSS JOIN LATERAL (SELECT f.type, f.received_at FROM events f
                                              WHERE f.id = d.event_id OFFSET 0) f"
                    } else {
                        " JOIN events f ON f.id = d.event_id"
                    });
                }
                arm.push_str(&format!(" WHERE d.bus_id = {bus} AND d.status = {status}"));
                arm.push_str(&conditions("f", "d.event_id"));
                if postgres {
                    arm =
                        format!("SELECT event_id FROM ({arm} ORDER BY 1 DESC LIMIT {limit}) s{i}");
                }
                arm
            })
            .collect();
        format!(
            "{EVENT_SELECT}
             WHERE e.id IN ({} ORDER BY 1 DESC LIMIT {limit}) AND e.account_id = {account}
             ORDER BY e.id DESC",
            arms.join(" UNION ")
        )
    } else {
        let mut sql = format!(
            "{EVENT_SELECT}
             WHERE e.bus_id = {bus} AND e.account_id = {account}"
        );
        sql.push_str(&conditions("e", "e.id"));
        for status in &statuses {
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.status = {status})"
            ));
        }
        sql.push_str(&format!(" ORDER BY e.id DESC LIMIT {limit}"));
        sql
    };
    (sql, p.0)
}

/// Bind `args` in order, on either database.
pub(super) fn bind_all<'q, DB, O>(
    mut query: sqlx::query::QueryAs<'q, DB, O, <DB as sqlx::Database>::Arguments<'q>>,
    args: &'q [Arg],
) -> sqlx::query::QueryAs<'q, DB, O, <DB as sqlx::Database>::Arguments<'q>>
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    for arg in args {
        query = match arg {
            Arg::Int(i) => query.bind(*i),
            Arg::Text(t) => query.bind(t.as_str()),
        };
    }
    query
}

/// The newest events of a bus, filtered ([`list_events_sql`]).
pub async fn list_events(
    db: &Db,
    account_id: i64,
    bus_id: i64,
    filter: &EventFilter,
    limit: i64,
) -> Result<Vec<EventView>, sqlx::Error> {
    let (sql, args) = list_events_sql(account_id, bus_id, filter, limit, db.is_postgres());
    on!(db, c => bind_all(sqlx::query_as(&sql), &args).fetch_all(c).await)
}

/// Event `$2` of account `$1`, with its envelope.
pub(super) fn find_event_sql() -> String {
    // The list leaves the (possibly large) envelope out; the event's page needs it.
    let select = EVENT_SELECT.replacen("e.received_at,", "e.received_at, e.envelope,", 1);
    format!("{select} WHERE e.account_id = $1 AND e.id = $2")
}

/// One event of the account.
pub async fn find_event(
    db: &Db,
    account_id: i64,
    id: i64,
) -> Result<Option<EventWithEnvelope>, sqlx::Error> {
    let sql = find_event_sql();
    on!(db, c => sqlx::query_as(&sql)
        .bind(account_id)
        .bind(id)
        .fetch_optional(c)
        .await)
}

/// A delivery in the log.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryRow {
    pub id: i64,
    pub event_id: i64,
    pub rule: Option<String>,
    pub kind: String,
    pub webhook_id: String,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_reason: Option<String>,
    pub last_detail: Option<String>,
    pub updated_at: String,
}

/// The deliveries of event `$2` of account `$1`.
pub(super) const DELIVERIES_OF_SQL: &str =
    "SELECT d.id, d.event_id, r.name AS rule, d.kind, d.webhook_id, d.status, d.attempts,
            d.next_attempt_at, d.last_reason, d.last_detail, d.updated_at
     FROM deliveries d LEFT JOIN rules r ON r.id = d.rule_id
     WHERE d.account_id = $1 AND d.event_id = $2 ORDER BY d.id";

/// The deliveries of an event.
pub async fn deliveries_of(
    db: &Db,
    account_id: i64,
    event_id: i64,
) -> Result<Vec<DeliveryRow>, sqlx::Error> {
    on!(db, c => sqlx::query_as(DELIVERIES_OF_SQL)
        .bind(account_id)
        .bind(event_id)
        .fetch_all(c)
        .await)
}

/// The attempts of the deliveries of event `$2` of account `$1`.
pub(super) const ATTEMPTS_OF_EVENT_SQL: &str =
    "SELECT a.delivery_id, a.number, a.started_at, a.latency_ms, a.request, a.response_status,
            a.response_body, a.reason, a.detail
     FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
     WHERE d.account_id = $1 AND d.event_id = $2 ORDER BY a.delivery_id, a.number";

/// The attempts of an event's deliveries.
pub async fn attempts_of_event(
    db: &Db,
    account_id: i64,
    event_id: i64,
) -> Result<Vec<AttemptView>, sqlx::Error> {
    on!(db, c => sqlx::query_as(ATTEMPTS_OF_EVENT_SQL)
        .bind(account_id)
        .bind(event_id)
        .fetch_all(c)
        .await)
}

/// Queue a finished delivery again, now, with a fresh retry schedule (same `webhook-id`).
/// False when it is not the account's or still pending.
pub async fn redeliver(
    db: &Db,
    account_id: i64,
    bus_id: i64,
    id: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let _turn = super::turn(db, "redelivery").await;
    on!(db, c => sqlx::query(
        "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = $4,
             lease_until = NULL, reached = NULL, updated_at = $5, queued_at = $5
         WHERE account_id = $1 AND id = $3 AND status <> 'pending'
           AND event_id IN (SELECT id FROM events WHERE bus_id = $2)",
    )
    .bind(account_id)
    .bind(bus_id)
    .bind(id)
    .bind(now_ms)
    .bind(super::now_text())
    .execute(c)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Queue again every failed or dead delivery of a bus received since `since`; the count.
pub async fn redeliver_failed_since(
    db: &Db,
    account_id: i64,
    bus_id: i64,
    since: &str,
    now_ms: i64,
) -> Result<u64, sqlx::Error> {
    let _turn = super::turn(db, "redelivery").await;
    on!(db, c => sqlx::query(
        "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = $4,
             lease_until = NULL, reached = NULL, updated_at = $5, queued_at = $5
         WHERE account_id = $1 AND status IN ('failed', 'dead')
           AND event_id IN (SELECT id FROM events WHERE bus_id = $2 AND received_at >= $3)",
    )
    .bind(account_id)
    .bind(bus_id)
    .bind(since)
    .bind(now_ms)
    .bind(super::now_text())
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
}

/// The id below which events are old enough to delete: the first event received at or
/// after `cutoff` (same form as `received_at`). Ids grow with `received_at`, so finding it
/// reads only the old rows. Never above the newest event, nor above the event of the newest
/// delivery, so no event or delivery id is used twice. `None` when there are no events.
pub async fn purge_bound(db: &Db, cutoff: &str) -> Result<Option<i64>, sqlx::Error> {
    // The smaller of the two, NULL when there are no events (as SQLite's two-argument
    // MIN, which PostgreSQL lacks).
    on!(db, c => sqlx::query_scalar(
        "SELECT CASE WHEN x.first <= x.last THEN x.first WHEN x.first > x.last THEN x.last END
         FROM (SELECT
             COALESCE((SELECT id FROM events WHERE received_at >= $1 ORDER BY id LIMIT 1),
                      (SELECT MAX(id) FROM events)) AS first,
             COALESCE((SELECT event_id FROM deliveries ORDER BY id DESC LIMIT 1),
                      CAST(9223372036854775807 AS BIGINT)) AS last) x",
    )
    .bind(cutoff)
    .fetch_one(c)
    .await)
}

/// Delete up to `limit` of the events below `bound` ([`purge_bound`]) that have no pending
/// delivery, oldest first, with their deliveries and attempts (by cascade); the number
/// deleted.
pub async fn purge_settled(tx: &mut WriteTx, bound: i64, limit: i64) -> Result<u64, sqlx::Error> {
    on_tx!(tx, c => sqlx::query(
        "DELETE FROM events WHERE id IN (
             SELECT e.id FROM events e
             WHERE e.id < $1
               AND NOT EXISTS (SELECT 1 FROM deliveries d
                               WHERE d.event_id = e.id AND d.status = 'pending')
             ORDER BY e.id LIMIT $2)",
    )
    .bind(bound)
    .bind(limit)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
}

/// Delivered / failed (or dead) / pending counts per rule of a bus.
pub async fn rule_counts(db: &Db, bus_id: i64) -> Result<Vec<(i64, i64, i64, i64)>, sqlx::Error> {
    on!(db, c => sqlx::query_as(
        "SELECT r.id,
                COUNT(CASE WHEN d.status = 'delivered' THEN 1 END),
                COUNT(CASE WHEN d.status IN ('failed', 'dead') THEN 1 END),
                COUNT(CASE WHEN d.status = 'pending' THEN 1 END)
         FROM rules r LEFT JOIN deliveries d ON d.rule_id = r.id
         WHERE r.bus_id = $1 GROUP BY r.id",
    )
    .bind(bus_id)
    .fetch_all(c)
    .await)
}

/// The delivery queue at a moment.
#[derive(Debug, Clone, Copy, PartialEq, sqlx::FromRow)]
pub struct QueueFigures {
    /// Deliveries pending (due now or later).
    pub depth: i64,
    /// Seconds since the oldest pending delivery was queued (its event arrived, or someone
    /// redelivered it): waiting behind a robot's pace or for a retry counts.
    pub oldest_pending_s: f64,
    /// Milliseconds the most overdue delivery has been due without being sent.
    pub due_lag_ms: i64,
}

/// The statements behind [`queue_figures`] on SQLite, named for the query-plan test
/// (`store::plans`): when the oldest pending delivery was queued, and when the most overdue
/// was due (the ages are reckoned in Rust). Those two are one seek each
/// (`deliveries_pending_age`, `deliveries_due`); the depth walks the partial index of
/// pending deliveries, the queue and nothing else, pinned with `INDEXED BY`: left to itself
/// SQLite counts through `deliveries_target`, every delivery ever made.
#[cfg(test)]
pub(crate) const QUEUE_FIGURES_STATEMENTS: [(&str, &str); 3] = [
    ("metrics: the queue's depth", QUEUE_DEPTH_SQLITE),
    ("metrics: the oldest pending delivery", OLDEST_PENDING_SQL),
    ("metrics: the most overdue delivery", FIRST_DUE_SQL),
];
const QUEUE_DEPTH_SQLITE: &str = "SELECT COUNT(*) FROM deliveries INDEXED BY deliveries_due
     WHERE status = 'pending'";
/// PostgreSQL has no `INDEXED BY`; its planner takes the partial index by itself.
pub(super) const QUEUE_DEPTH_PG: &str = "SELECT COUNT(*) FROM deliveries WHERE status = 'pending'";
pub(super) const OLDEST_PENDING_SQL: &str =
    "SELECT MIN(COALESCE(queued_at, created_at)) FROM deliveries WHERE status = 'pending'";
pub(super) const FIRST_DUE_SQL: &str =
    "SELECT MIN(next_attempt_at) FROM deliveries WHERE status = 'pending'";

/// The queue's figures, for `/metrics`.
pub async fn queue_figures(db: &Db, now_ms: i64) -> Result<QueueFigures, sqlx::Error> {
    let depth_sql = db.dialect(QUEUE_DEPTH_SQLITE, QUEUE_DEPTH_PG);
    let depth: i64 = on!(db, c => sqlx::query_scalar(depth_sql).fetch_one(c).await?);
    let oldest: Option<String> =
        on!(db, c => sqlx::query_scalar(OLDEST_PENDING_SQL).fetch_one(c).await?);
    let first_due: Option<i64> =
        on!(db, c => sqlx::query_scalar(FIRST_DUE_SQL).fetch_one(c).await?);
    let oldest_pending_s = match oldest {
        None => 0.0,
        Some(text) => {
            let at =
                time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339)
                    .map_err(|e| sqlx::Error::Decode(format!("queued_at {text:?}: {e}").into()))?;
            (time::OffsetDateTime::now_utc() - at).as_seconds_f64()
        }
    };
    Ok(QueueFigures {
        depth,
        oldest_pending_s,
        due_lag_ms: first_due.map_or(0, |due| (now_ms - due).max(0)),
    })
}

/// Events [`seed_bench_history`] writes in one transaction.
const SEED_CHUNK: u64 = 100_000;

/// For `make bench` only: store `n` past events on a bus, as if received one a second up to
/// now, each a copy of `template` (a CloudEvent as PutEvents stores it) with its own id
/// (`bench-seed-1` … `bench-seed-{n}`) and time, and each with one delivered delivery to the
/// bus's first target, if it has one (no attempt rows). Run it while no server uses the
/// database: it writes in transactions of 100,000 events (on SQLite, checkpointing after
/// each; on PostgreSQL, analysing the tables at the end, as autovacuum would have by the
/// time a history is this long). Returns the number of events stored (re-seeding the same
/// ids stores none).
pub async fn seed_bench_history(
    db: &Db,
    account_id: i64,
    bus_id: i64,
    template: &str,
    n: u64,
) -> Result<u64, sqlx::Error> {
    let target: Option<(i64, i64, String)> = on!(db, c => sqlx::query_as(
        "SELECT t.rule_id, t.id, t.kind FROM targets t JOIN rules r ON r.id = t.rule_id
         WHERE r.bus_id = $1 ORDER BY r.id, t.position LIMIT 1",
    )
    .bind(bus_id)
    .fetch_optional(c)
    .await)?;
    let mut stored = 0;
    let mut first = 1;
    while first <= n {
        let last = (first + SEED_CHUNK - 1).min(n);
        let mut tx = super::begin_write(db).await?;
        let before: i64 = on_tx!(tx, c => sqlx::query_scalar(
            "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM events",
        )
        .fetch_one(c)
        .await)?;
        // Event i was received n - i seconds ago.
        stored += on_tx!(tx, c => sqlx::query(db.dialect(SEED_EVENTS_SQLITE, SEED_EVENTS_PG))
            .bind(account_id)
            .bind(bus_id)
            .bind(first as i64)
            .bind(last as i64)
            .bind(template)
            .bind(n as i64)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        if let Some((rule_id, target_id, kind)) = &target {
            on_tx!(tx, c => sqlx::query(db.dialect(SEED_DELIVERIES_SQLITE, SEED_DELIVERIES_PG))
                .bind(bus_id)
                .bind(before)
                .bind(rule_id)
                .bind(target_id)
                .bind(kind)
                .execute(c)
                .await
                .map(|_| ()))?;
        }
        tx.commit().await?;
        match db {
            Db::Sqlite(pool) => {
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(pool)
                    .await?;
            }
            Db::Postgres(_) => {}
        }
        first = last + 1;
    }
    if let Db::Postgres(pool) = db {
        sqlx::query("ANALYZE events, deliveries")
            .execute(pool)
            .await?;
    }
    Ok(stored)
}

/// [`seed_bench_history`]'s events `$3..=$4` of `$6`, copies of the template `$5`.
const SEED_EVENTS_SQLITE: &str =
    "WITH RECURSIVE seq(i) AS (SELECT $3 UNION ALL SELECT i + 1 FROM seq WHERE i < $4),
         seeded(i, ce_id, t) AS (
             SELECT i, 'bench-seed-' || i,
                    strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || ($6 - i) || ' seconds')
             FROM seq)
     INSERT INTO events (account_id, bus_id, source, ce_id, type, time, envelope, received_at)
     SELECT $1, $2, $5 ->> '$.source', ce_id, $5 ->> '$.type', t,
            json_set($5, '$.id', ce_id, '$.time', t), t
     FROM seeded WHERE true
     ON CONFLICT (bus_id, source, ce_id) DO NOTHING";
const SEED_EVENTS_PG: &str =
    "INSERT INTO events (account_id, bus_id, source, ce_id, type, time, envelope, received_at)
     SELECT $1, $2, $5::jsonb ->> 'source', s.ce_id, $5::jsonb ->> 'type', s.t,
            jsonb_set(jsonb_set($5::jsonb, '{id}', to_jsonb(s.ce_id)), '{time}', to_jsonb(s.t))::text,
            s.t
     FROM (SELECT 'bench-seed-' || i AS ce_id,
                  to_char((now() - make_interval(secs => ($6 - i)::float8)) AT TIME ZONE 'UTC',
                          'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS t
           FROM generate_series($3::BIGINT, $4::BIGINT) AS i) s
     ON CONFLICT (bus_id, source, ce_id) DO NOTHING";
/// [`seed_bench_history`]'s deliveries: one delivered, to target `$4` of rule `$3`, for each
/// event of bus `$1` after id `$2`.
macro_rules! seed_deliveries {
    ($received_ms:literal) => {
        concat!(
            "INSERT INTO deliveries (account_id, bus_id, event_id, rule_id, target_id, kind,
                                     webhook_id, status, attempts, next_attempt_at,
                                     created_at, updated_at)
             SELECT e.account_id, e.bus_id, e.id, $3, $4, $5, 'msg_seed_' || e.id,
                    'delivered', 1, ",
            $received_ms,
            ", e.received_at, e.received_at
             FROM events e WHERE e.id > $2 AND e.bus_id = $1"
        )
    };
}
const SEED_DELIVERIES_SQLITE: &str =
    seed_deliveries!("CAST((julianday(e.received_at) - 2440587.5) * 86400000 AS INTEGER)");
const SEED_DELIVERIES_PG: &str = seed_deliveries!(
    "CAST(extract(epoch FROM CAST(e.received_at AS TIMESTAMPTZ)) * 1000 AS BIGINT)"
);

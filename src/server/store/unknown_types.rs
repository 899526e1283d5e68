//! "Types seen but not in the catalog": per bus, a row for each source/type pair of the
//! events it accepted without a catalog entry, with a count and the latest one as a sample.
//! Upserted in the events' own write transaction; at most [`MAX_PAIRS`] pairs a bus, then
//! one overflow row. Deleted with the bus (`ON DELETE CASCADE`: a bus has at most
//! [`MAX_PAIRS`] + 1 rows, so its deletion stays one short statement). Which events are
//! unknown, and the bus's choice, are decided elsewhere (`ingest`, `service::events`).

use super::{Db, WriteTx};
use crate::domain::models::UnknownTypeView;

/// Most distinct source/type pairs a bus records; past them, events are still stored and
/// counted on the overflow row (source and type empty, which no event has).
pub const MAX_PAIRS: i64 = 1_000;

/// Longest sample kept, in bytes: the envelope, cut at a character boundary.
pub const MAX_SAMPLE: usize = 8 * 1024;

/// A pair seen in one request: how many new events it had, and the last one's envelope.
pub struct Seen<'a> {
    pub source: &'a str,
    pub event_type: &'a str,
    pub count: i64,
    pub envelope: &'a str,
}

/// Count `$4` events of pair (`$2`, `$3`) on bus `$1` with the sample `$5` at time `$7`: a
/// new row only while the bus has fewer than `$6` pairs. Both subqueries seek the primary key
/// `(bus_id, source, type)`; the count walks at most `MAX_PAIRS` entries of one bus.
pub(super) const UPSERT_SQL: &str =
    "INSERT INTO unknown_types (bus_id, source, type, count, sample, first_seen, last_seen)
     SELECT $1, $2, $3, $4, $5, $7, $7
     WHERE EXISTS (SELECT 1 FROM unknown_types WHERE bus_id = $1 AND source = $2 AND type = $3)
        OR (SELECT COUNT(*) FROM unknown_types WHERE bus_id = $1 AND source <> '') < $6
     ON CONFLICT (bus_id, source, type) DO UPDATE
        SET count = unknown_types.count + excluded.count, sample = excluded.sample,
            last_seen = excluded.last_seen";

/// The overflow row of bus `$1`: `$2` more events, `$3` the sample, at time `$4`.
pub(super) const OVERFLOW_SQL: &str =
    "INSERT INTO unknown_types (bus_id, source, type, count, sample, first_seen, last_seen)
     VALUES ($1, '', '', $2, $3, $4, $4)
     ON CONFLICT (bus_id, source, type) DO UPDATE
        SET count = unknown_types.count + excluded.count, sample = excluded.sample,
            last_seen = excluded.last_seen";

/// The pairs of bus `$1`, newest first, `$2` at most: a seek of the primary key and a sort
/// of at most `MAX_PAIRS` + 1 rows.
pub(super) const LIST_SQL: &str =
    "SELECT source, type AS event_type, count, sample, first_seen, last_seen
     FROM unknown_types WHERE bus_id = $1
     ORDER BY last_seen DESC, source, type LIMIT $2";

/// How many rows bus `$1` has.
pub(super) const COUNT_SQL: &str = "SELECT COUNT(*) FROM unknown_types WHERE bus_id = $1";

/// Has bus `$1` received type `$3` of source `$2` without a catalog entry?
pub(super) const SEEN_TYPE_SQL: &str = "SELECT EXISTS (SELECT 1 FROM unknown_types
     WHERE bus_id = $1 AND source = $2 AND type = $3)";

/// Has bus `$1` received source `$2` without a catalog entry?
pub(super) const SEEN_SOURCE_SQL: &str =
    "SELECT EXISTS (SELECT 1 FROM unknown_types WHERE bus_id = $1 AND source = $2)";

/// The sample as kept: the envelope, or its first [`MAX_SAMPLE`] bytes and a note.
fn sample(envelope: &str) -> String {
    if envelope.len() <= MAX_SAMPLE {
        return envelope.to_string();
    }
    let mut end = MAX_SAMPLE;
    while !envelope.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}… (cut: the event is {} bytes)",
        &envelope[..end],
        envelope.len()
    )
}

/// Count a request's unknown pairs on `bus_id`, inside the transaction that stores their
/// events (so a count never runs ahead of, or behind, what is stored).
pub async fn count(conn: &mut WriteTx, bus_id: i64, seen: &[Seen<'_>]) -> Result<(), sqlx::Error> {
    let now = super::now_text();
    for pair in seen {
        let sample = sample(pair.envelope);
        let counted = on_tx!(conn, c => sqlx::query(UPSERT_SQL)
            .bind(bus_id)
            .bind(pair.source)
            .bind(pair.event_type)
            .bind(pair.count)
            .bind(&sample)
            .bind(MAX_PAIRS)
            .bind(&now)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        if counted == 0 {
            on_tx!(conn, c => sqlx::query(OVERFLOW_SQL)
                .bind(bus_id)
                .bind(pair.count)
                .bind(&sample)
                .bind(&now)
                .execute(c)
                .await
                .map(|_| ()))?;
        }
    }
    Ok(())
}

/// The newest `limit` pairs of a bus, and how many it has in all.
pub async fn list(
    db: &Db,
    bus_id: i64,
    limit: i64,
) -> Result<(Vec<UnknownTypeView>, i64), sqlx::Error> {
    let views = on!(db, c => sqlx::query_as(LIST_SQL)
        .bind(bus_id)
        .bind(limit)
        .fetch_all(c)
        .await)?;
    let total = on!(db, c => sqlx::query_scalar(COUNT_SQL)
        .bind(bus_id)
        .fetch_one(c)
        .await)?;
    Ok((views, total))
}

/// Has the bus received this source without a catalog entry? A rule may name such a source.
pub async fn seen_source(db: &Db, bus_id: i64, source: &str) -> Result<bool, sqlx::Error> {
    on!(db, c => sqlx::query_scalar(SEEN_SOURCE_SQL)
        .bind(bus_id)
        .bind(source)
        .fetch_one(c)
        .await)
}

/// Has the bus received this type of this source without a catalog entry? A rule on a
/// catalog source may name such a type.
pub async fn seen_type(
    db: &Db,
    bus_id: i64,
    source: &str,
    event_type: &str,
) -> Result<bool, sqlx::Error> {
    on!(db, c => sqlx::query_scalar(SEEN_TYPE_SQL)
        .bind(bus_id)
        .bind(source)
        .bind(event_type)
        .fetch_one(c)
        .await)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen<'a>(source: &'a str, event_type: &'a str, count: i64) -> Seen<'a> {
        Seen {
            source,
            event_type,
            count,
            envelope: "{}",
        }
    }

    async fn counts(pool: &sqlx::SqlitePool, bus_id: i64) -> Vec<(String, String, i64)> {
        sqlx::query_as(
            "SELECT source, type, count FROM unknown_types WHERE bus_id = $1 AND source IN ('', 'a', 'b', 'c')
             ORDER BY source, type",
        )
        .bind(bus_id)
        .fetch_all(pool)
        .await
        .unwrap()
    }

    /// Count `seen` on bus `bus_id` in a write transaction of its own.
    async fn count_now(db: &Db, bus_id: i64, seen: &[Seen<'_>]) {
        let mut tx = super::super::begin_write(db).await.unwrap();
        count(&mut tx, bus_id, seen).await.unwrap();
        tx.commit().await.unwrap();
    }

    #[tokio::test]
    async fn a_full_bus_counts_new_pairs_on_its_overflow_row_and_known_pairs_on_theirs() {
        let pool = super::super::plans::migrated().await;
        let db = Db::Sqlite(pool.clone());
        sqlx::query(
            "INSERT INTO accounts (id) VALUES (1);
             INSERT INTO event_buses (id, account_id, name) VALUES (1, 1, 'one'), (2, 1, 'two');",
        )
        .execute(&pool)
        .await
        .unwrap();
        // One free slot left on bus 1.
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
             INSERT INTO unknown_types (bus_id, source, type, count, sample, first_seen, last_seen)
             SELECT 1, 'filler', 't' || i, 1, '{}', 't', 't' FROM n",
        )
        .bind(MAX_PAIRS - 1)
        .execute(&pool)
        .await
        .unwrap();
        // (One connection to the memory database: each count takes it and gives it back.)

        // The same pair twice in one request takes the last slot once, counting both.
        count_now(&db, 1, &[seen("a", "x", 2), seen("a", "x", 3)]).await;
        assert_eq!(counts(&pool, 1).await, [("a".into(), "x".into(), 5)]);
        // Full: a new pair goes to the overflow row; a known one is still counted on its own.
        count_now(
            &db,
            1,
            &[seen("b", "x", 1), seen("a", "x", 1), seen("c", "y", 2)],
        )
        .await;
        assert_eq!(
            counts(&pool, 1).await,
            [
                (String::new(), String::new(), 3),
                ("a".into(), "x".into(), 6)
            ]
        );
        let (_, total) = list(&db, 1, 10).await.unwrap();
        assert_eq!(total, MAX_PAIRS + 1);
        assert!(!seen_source(&db, 1, "b").await.unwrap());
        assert!(seen_type(&db, 1, "a", "x").await.unwrap());
        // Another bus has its own pairs.
        count_now(&db, 2, &[seen("b", "x", 1)]).await;
        assert_eq!(counts(&pool, 2).await, [("b".into(), "x".into(), 1)]);
    }

    #[test]
    fn a_long_sample_is_cut_at_a_character_boundary_and_says_so() {
        assert_eq!(sample("{}"), "{}");
        let long = format!("{{\"data\":\"{}\"}}", "é".repeat(MAX_SAMPLE));
        let cut = sample(&long);
        assert!(cut.len() <= MAX_SAMPLE + 64, "{}", cut.len());
        assert!(cut.ends_with(&format!("(cut: the event is {} bytes)", long.len())));
    }
}

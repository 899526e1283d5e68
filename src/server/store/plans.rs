//! The query plans of the hot paths, checked on a migrated database: ingest (the bus, its
//! rules, the events, the originals of re-sent ones, the deliveries, the count of unknown
//! types), the event list with every combination of its filters, an event's page, and a
//! bus's unknown types. Each must reach its rows through
//! an index: a plan that reads a whole table of history (`SCAN events`, `SCAN deliveries`,
//! `SCAN attempts`, under any alias) costs more with every event stored, and on ingest it
//! does so holding the one writer. Reading the request's own batch (`SCAN j`, `json_each`)
//! is fine.
//!
//! The statements are the ones that run (the `store` functions use the same consts and
//! builders). The plans are SQLite's with no `ANALYZE` statistics, as in production.
//!
//! Also here, ignored by default: the figures at a million events (`cargo test --features
//! ssr --lib -- --ignored store::plans`).

use super::events::{self, Arg, EventFilter};
use super::Db;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::SqlitePool;
use std::str::FromStr;

/// The claim's statements (`events::claim_due`), each with sample arguments: a time, then
/// an id or a JSON list of ids where the statement takes one, then a limit.
fn claim_statements() -> Vec<Statement> {
    use Arg::{Int, Text};
    events::CLAIM_STATEMENTS
        .iter()
        .map(|(name, sql)| {
            let args = match *name {
                "claim: anything due" => vec![Int(0)],
                "claim: targets with work" => vec![Int(0), Text("[1]".into())],
                "claim: the lease" => vec![Int(0), Int(1), Text("[1]".into())],
                "claim: what the workers need" => vec![Text("[1]".into())],
                _ => vec![Int(0), Int(1), Int(4)],
            };
            statement(name, sql, args)
        })
        .collect()
}

/// A statement and sample arguments (their values do not change the plan).
struct Statement {
    name: String,
    sql: String,
    args: Vec<Arg>,
}

fn statement(name: &str, sql: &str, args: Vec<Arg>) -> Statement {
    Statement {
        name: name.to_string(),
        sql: sql.to_string(),
        args,
    }
}

/// Every combination of the event list's filters.
fn filters() -> Vec<EventFilter> {
    filters_with("2026-11-22T10:00:00.000Z", 1_000)
}

/// Every combination of the event list's filters, with `since` and `before` as the values
/// of those two.
pub(super) fn filters_with(since_value: &str, before_value: i64) -> Vec<EventFilter> {
    let mut out = Vec::new();
    for status in [None, Some("delivered"), Some("failed"), Some("pending")] {
        for event_type in [None, Some("dlc:Job:Failed")] {
            for since in [None, Some(since_value)] {
                for before in [None, Some(before_value)] {
                    out.push(EventFilter {
                        event_type: event_type.map(str::to_string),
                        status: status.map(str::to_string),
                        since: since.map(str::to_string),
                        before,
                    });
                }
            }
        }
    }
    out
}

/// The statements of ingest, the event list and an event's page.
fn hot_path_statements() -> Vec<Statement> {
    use Arg::{Int, Text};
    let batch = r#"[["pai.dlc","e-1","dlc:Job:Failed",null,"2026-11-22T10:00:00Z","{}"]]"#;
    let mut out = vec![
        statement(
            "ingest: the bus",
            events::BUS_FOR_INGEST_SQL,
            vec![Int(1), Text("b".into())],
        ),
        statement(
            "ingest: the bus's rules",
            events::ENABLED_RULES_SQL,
            vec![Int(1)],
        ),
        statement(
            "ingest: the events",
            events::INSERT_EVENTS_SQLITE,
            vec![Int(1), Int(1), Text(batch.into())],
        ),
        statement(
            "ingest: the originals of re-sent events",
            events::ORIGINALS_SQLITE,
            vec![Int(1), Text(r#"[["pai.dlc","e-1"]]"#.into())],
        ),
        statement(
            "ingest: the deliveries",
            events::INSERT_DELIVERIES_SQLITE,
            vec![
                Int(1),
                Int(0),
                Text(r#"[[1,1,1,"http","msg_1"]]"#.into()),
                Int(0),
                Int(1),
            ],
        ),
        statement("an event", &events::find_event_sql(), vec![Int(1), Int(1)]),
        statement(
            "an event's deliveries",
            events::DELIVERIES_OF_SQL,
            vec![Int(1), Int(1)],
        ),
        statement(
            "an event's attempts",
            events::ATTEMPTS_OF_EVENT_SQL,
            vec![Int(1), Int(1)],
        ),
    ];
    for filter in filters() {
        let (sql, args) = events::list_events_sql(1, 1, &filter, 50, false);
        out.push(Statement {
            name: format!("the event list, {filter:?}"),
            sql,
            args,
        });
    }
    out.extend(claim_statements());
    out
}

/// The statements `/metrics` runs on every scrape.
fn metrics_statements() -> Vec<Statement> {
    events::QUEUE_FIGURES_STATEMENTS
        .iter()
        .map(|(name, sql)| {
            let args = if sql.contains("$1") {
                vec![Arg::Int(0)]
            } else {
                vec![]
            };
            statement(name, sql, args)
        })
        .collect()
}

/// The one index `/metrics` may walk: the partial index of pending deliveries, which holds
/// the queue and none of the history.
const QUEUE_INDEX: &str = "deliveries_due";

/// A fresh database in memory with every migration applied (one connection: the memory
/// database is the connection's).
pub(super) async fn migrated() -> SqlitePool {
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(SqliteConnectOptions::from_str("sqlite::memory:").unwrap())
        .await
        .unwrap();
    super::migrate(&Db::Sqlite(pool.clone())).await.unwrap();
    pool
}

/// The lines of the statement's query plan.
async fn plan(pool: &SqlitePool, st: &Statement) -> Vec<String> {
    let explain = format!("EXPLAIN QUERY PLAN {}", st.sql);
    let query = sqlx::query_as::<_, (i64, i64, i64, String)>(&explain);
    events::bind_all(query, &st.args)
        .fetch_all(pool)
        .await
        .unwrap_or_else(|e| panic!("{}: {e}\n{}", st.name, st.sql))
        .into_iter()
        .map(|(_, _, _, detail)| detail)
        .collect()
}

/// Tables whose size grows with history.
const HISTORY: [&str; 3] = ["events", "deliveries", "attempts"];

/// The names the statement gives the history tables: theirs and their aliases.
fn history_names(sql: &str) -> Vec<String> {
    let words: Vec<&str> = sql
        .split(|c: char| c.is_whitespace() || "(),;".contains(c))
        .filter(|w| !w.is_empty())
        .collect();
    let keyword = |w: &str| {
        [
            "ON", "WHERE", "JOIN", "LEFT", "CROSS", "INNER", "ORDER", "GROUP", "LIMIT", "SET",
            "USING", "UNION", "SELECT",
        ]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(w))
    };
    let mut names: Vec<String> = HISTORY.iter().map(|t| t.to_string()).collect();
    for (i, w) in words.iter().enumerate() {
        let after_from = i > 0
            && ["FROM", "JOIN", "INTO", "UPDATE"]
                .iter()
                .any(|k| k.eq_ignore_ascii_case(words[i - 1]));
        if after_from && HISTORY.contains(w) {
            let mut next = words.get(i + 1).copied();
            if next.is_some_and(|n| n.eq_ignore_ascii_case("AS")) {
                next = words.get(i + 2).copied();
            }
            if let Some(alias) = next.filter(|n| !keyword(n)) {
                names.push(alias.to_string());
            }
        }
    }
    names
}

/// The plan's lines that read a whole history table.
fn full_scans(st: &Statement, plan: &[String]) -> Vec<String> {
    let names = history_names(&st.sql);
    plan.iter()
        .filter(|line| {
            line.strip_prefix("SCAN ")
                .and_then(|rest| rest.split_whitespace().next())
                .is_some_and(|name| names.iter().any(|n| n == name))
        })
        .cloned()
        .collect()
}

#[tokio::test]
async fn no_hot_path_statement_reads_a_whole_table_of_history() {
    let pool = migrated().await;
    let mut failures = Vec::new();
    for st in hot_path_statements() {
        let plan = plan(&pool, &st).await;
        // Shown with --nocapture, to read them.
        println!("{}:\n  {}", st.name, plan.join("\n  "));
        let scans = full_scans(&st, &plan);
        // A sort of everything that matches is a read of everything that matches.
        let sorts: Vec<&String> = plan
            .iter()
            .filter(|l| l.contains("USE TEMP B-TREE") && st.name.starts_with("the event list"))
            .collect();
        if !scans.is_empty() || !sorts.is_empty() {
            failures.push(format!(
                "{}:\n  {}\n  {}",
                st.name,
                plan.join("\n  "),
                st.sql
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The statements on `unknown_types`, with sample arguments: ingest's upsert and overflow
/// (in the events' write transaction), the bus page's list and count, and the rule save's
/// "has the bus seen this source".
fn unknown_type_statements() -> Vec<Statement> {
    use super::unknown_types as u;
    use Arg::{Int, Text};
    let pair = || {
        vec![
            Int(1),
            Text("acme.jobs".into()),
            Text("pai:Job:Failed".into()),
        ]
    };
    let mut upsert = pair();
    upsert.extend([
        Int(1),
        Text("{}".into()),
        Int(1_000),
        Text("2026-11-22T10:00:00.000Z".into()),
    ]);
    vec![
        statement("unknown types: count a pair", u::UPSERT_SQL, upsert),
        statement(
            "unknown types: the overflow row",
            u::OVERFLOW_SQL,
            vec![
                Int(1),
                Int(1),
                Text("{}".into()),
                Text("2026-11-22T10:00:00.000Z".into()),
            ],
        ),
        statement(
            "unknown types: the list",
            u::LIST_SQL,
            vec![Int(1), Int(100)],
        ),
        statement("unknown types: how many", u::COUNT_SQL, vec![Int(1)]),
        statement(
            "unknown types: a source seen",
            u::SEEN_SOURCE_SQL,
            vec![Int(1), Text("acme.jobs".into())],
        ),
        statement(
            "unknown types: a type seen",
            u::SEEN_TYPE_SQL,
            vec![
                Int(1),
                Text("pai.dlc".into()),
                Text("dlc:Job:Exploded".into()),
            ],
        ),
    ]
}

/// Every statement on `unknown_types` reaches its rows through the primary key
/// `(bus_id, source, type)`, never a scan of the table (every bus's pairs): the upsert runs
/// in ingest's write transaction, holding the one writer. The list's sort (by last seen)
/// is of one bus's rows, at most `MAX_PAIRS` + 1.
#[tokio::test]
async fn unknown_types_are_counted_and_listed_through_their_primary_key() {
    let pool = migrated().await;
    let mut failures = Vec::new();
    for st in unknown_type_statements() {
        let plan = plan(&pool, &st).await;
        println!("{}:\n  {}", st.name, plan.join("\n  "));
        let scans = plan.iter().any(|l| l.starts_with("SCAN unknown_types"));
        let seeks = plan
            .iter()
            .any(|l| l.starts_with("SEARCH unknown_types USING PRIMARY KEY (bus_id=?"));
        let reads = st.name != "unknown types: the overflow row";
        if scans || (reads && !seeks) {
            failures.push(format!(
                "{}:\n  {}\n  {}",
                st.name,
                plan.join("\n  "),
                st.sql
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// `/metrics` is scraped every few seconds, for as long as the server runs: each figure
/// but the queue's depth is one seek into an index, and the depth walks the pending
/// deliveries' own partial index ([`QUEUE_INDEX`]), never a whole table of history (a
/// plain `COUNT(*)` would walk `deliveries_target`, every delivery ever made).
#[tokio::test]
async fn metrics_read_the_queue_through_its_indexes() {
    let pool = migrated().await;
    let mut failures = Vec::new();
    for st in metrics_statements() {
        let plan = plan(&pool, &st).await;
        println!("{}:\n  {}", st.name, plan.join("\n  "));
        let depth = st.name.ends_with("depth");
        let bad: Vec<&String> = plan
            .iter()
            .filter(|line| {
                let line = line.trim_start_matches(|c: char| "|`- ".contains(c));
                line.starts_with("SCAN ")
                    && !(depth
                        && line.starts_with("SCAN deliveries USING ")
                        && line.ends_with(&format!("INDEX {QUEUE_INDEX}")))
            })
            .collect();
        if !bad.is_empty() {
            failures.push(format!(
                "{}:\n  {}\n  {}",
                st.name,
                plan.join("\n  "),
                st.sql
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_scan_of_an_aliased_history_table_is_caught() {
    let st = statement(
        "sample",
        "SELECT e.id FROM events e JOIN json_each(?1) j ON true",
        vec![],
    );
    let plan = vec![
        "SCAN e".to_string(),
        "SCAN j VIRTUAL TABLE INDEX 0:".to_string(),
    ];
    assert_eq!(full_scans(&st, &plan), ["SCAN e"]);
    let plan = vec!["SEARCH e USING INDEX events_bus_time (bus_id=?)".to_string()];
    assert!(full_scans(&st, &plan).is_empty());
}

#[tokio::test]
async fn a_resent_batch_finds_its_originals_in_the_unique_index_one_by_one() {
    let pool = migrated().await;
    let st = statement(
        "originals",
        events::ORIGINALS_SQLITE,
        vec![Arg::Int(1), Arg::Text("[]".into())],
    );
    let plan = plan(&pool, &st).await;
    assert!(
        plan.iter().any(|l| l.starts_with("SCAN j")),
        "the loop runs over the batch: {plan:#?}"
    );
    assert!(
        plan.iter().any(|l| l.starts_with("SEARCH e")
            && l.contains("sqlite_autoindex_events_1 (bus_id=? AND source=? AND ce_id=?)")),
        "each is one lookup in the unique index: {plan:#?}"
    );
}

/// Seed `n` (at least 100) events of one bus, one delivery each: nearly all delivered, one
/// in 100,000 failed, the newest ten pending; one event in a hundred is a job failure.
async fn seed(pool: &SqlitePool, n: i64) {
    sqlx::query(
        "INSERT INTO accounts (id) VALUES (1);
         INSERT INTO event_buses (id, account_id, name) VALUES (1, 1, 'b');",
    )
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
         INSERT INTO events (id, account_id, bus_id, source, ce_id, type, time, envelope,
                             received_at)
         SELECT i, 1, 1, 'pai.dlc', 'e-' || i,
                CASE WHEN i % 100 = 0 THEN 'dlc:Job:Failed' ELSE 'dlc:Job:Succeeded' END,
                '2026-11-22T10:00:00Z', '{\"data\":{\"job\":\"' || hex(randomblob(100)) || '\"}}',
                strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || (i / 10) || ' seconds')
         FROM n;
         INSERT INTO deliveries (account_id, bus_id, event_id, kind, webhook_id, status,
                                 next_attempt_at)
         SELECT 1, 1, id, 'http', 'msg_' || id,
                CASE WHEN id % 100000 = 0 THEN 'failed'
                     WHEN id > ?1 - 10 THEN 'pending' ELSE 'delivered' END, 0
         FROM events;",
    )
    .bind(n)
    .execute(pool)
    .await
    .unwrap();
}

/// Milliseconds `f` took, best of three.
async fn best_ms<F, Fut>(mut f: F) -> f64
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut best = f64::MAX;
    for _ in 0..3 {
        let start = std::time::Instant::now();
        f().await;
        best = best.min(start.elapsed().as_secs_f64() * 1000.0);
    }
    best
}

/// What a re-sent batch of 100 and each filter's first page cost at `n` events.
async fn figures(n: i64) -> Vec<(String, f64)> {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("h.db").display());
    let db = super::connect(&url, 64 << 20).await.unwrap();
    super::migrate(&db).await.unwrap();
    let Db::Sqlite(pool) = db.clone() else {
        unreachable!("a sqlite: URL")
    };
    seed(&pool, n).await;
    let mut out = Vec::new();
    // The 100 newest events sent again, and 100 new ones for comparison.
    let resent: Vec<(String, String)> = (n - 99..=n)
        .map(|i| (format!("e-{i}"), format!("new-{i}")))
        .collect();
    for (label, pick_new) in [
        ("a re-sent batch of 100", false),
        ("a new batch of 100", true),
    ] {
        let ms = best_ms(|| {
            let db = db.clone();
            let ids: Vec<String> = resent
                .iter()
                .map(|(old, new)| {
                    if pick_new {
                        format!("{new}-{}", rand::random::<u32>())
                    } else {
                        old.clone()
                    }
                })
                .collect();
            async move {
                let batch: Vec<events::NewEvent> = ids
                    .iter()
                    .map(|id| events::NewEvent {
                        source: "pai.dlc",
                        ce_id: id,
                        event_type: "dlc:Job:Failed",
                        subject: None,
                        time: "2026-11-22T10:00:00Z",
                        envelope: "{}",
                    })
                    .collect();
                let mut tx = super::begin_write(&db).await.unwrap();
                events::insert_events(&mut tx, 1, 1, &batch).await.unwrap();
                drop(tx);
            }
        })
        .await;
        out.push((label.to_string(), ms));
    }
    for filter in filters() {
        let ms = best_ms(|| {
            let db = db.clone();
            let filter = filter.clone();
            async move {
                events::list_events(&db, 1, 1, &filter, 50).await.unwrap();
            }
        })
        .await;
        out.push((format!("first page, {filter:?}"), ms));
    }
    out
}

#[tokio::test]
#[ignore = "seeds a million events (a minute or more); run with --ignored to measure"]
async fn a_million_events_cost_ingest_and_the_event_list_nothing() {
    let small = figures(100).await;
    let full = figures(1_000_000).await;
    for ((what, at_100), (_, at_1m)) in small.iter().zip(&full) {
        println!("{what}: {at_100:.2} ms at 100 events, {at_1m:.2} ms at 1,000,000");
    }
    for (what, ms) in &full {
        assert!(*ms < 50.0, "{what}: {ms:.1} ms at a million events");
    }
}

/// The event list as it was written before it had indexes to walk: one statement for all
/// filters, reading every event of the bus. The reference for what each filter means.
const PLAIN_LIST_SQL: &str = "SELECT e.id FROM events e
     WHERE e.account_id = ?1 AND e.bus_id = ?2
       AND (?3 IS NULL OR e.type = ?3)
       AND (?4 IS NULL OR EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id
            AND (d.status = ?4 OR (?4 = 'failed' AND d.status = 'dead'))))
       AND (?5 IS NULL OR e.received_at >= ?5)
       AND (?7 IS NULL OR e.id < ?7)
     ORDER BY e.id DESC LIMIT ?6";

#[tokio::test]
async fn every_combination_of_filters_lists_what_the_plain_query_does() {
    let pool = migrated().await;
    // Two buses, events of three types a second apart, and up to three deliveries each in
    // every status (a few failed, dead or pending, most delivered).
    sqlx::query(
        "INSERT INTO accounts (id) VALUES (1);
         INSERT INTO event_buses (id, account_id, name) VALUES (1, 1, 'one'), (2, 1, 'two');
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
         INSERT INTO events (id, account_id, bus_id, source, ce_id, type, time, envelope,
                             received_at)
         SELECT i, 1, CASE WHEN i % 5 = 0 THEN 2 ELSE 1 END, 's', 'e' || i, 't' || (i % 3),
                't', '{}', strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || i || ' seconds')
         FROM n;
         WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < 2)
         INSERT INTO deliveries (account_id, bus_id, event_id, kind, webhook_id, status,
                                 next_attempt_at)
         SELECT 1, e.bus_id, e.id, 'http', 'm' || e.id || '-' || k.j,
                CASE (e.id * 13 + k.j * 5) % 11 WHEN 0 THEN 'failed' WHEN 1 THEN 'dead'
                     WHEN 2 THEN 'pending' ELSE 'delivered' END, 0
         FROM events e, k WHERE (e.id * 7 + k.j) % 4 <> 0;",
    )
    .execute(&pool)
    .await
    .unwrap();
    let mut compared = 0;
    for bus in [1, 2] {
        for status in [None, Some("delivered"), Some("failed"), Some("pending")] {
            for event_type in [None, Some("t1")] {
                for since in [None, Some("2026-01-01T00:03:20.000Z")] {
                    for before in [None, Some(300), Some(460)] {
                        for limit in [50, 7] {
                            let filter = EventFilter {
                                event_type: event_type.map(str::to_string),
                                status: status.map(str::to_string),
                                since: since.map(str::to_string),
                                before,
                            };
                            let (sql, args) =
                                events::list_events_sql(1, bus, &filter, limit, false);
                            let query = sqlx::query_as::<_, (i64,)>(&sql);
                            let listed: Vec<i64> = events::bind_all(query, &args)
                                .fetch_all(&pool)
                                .await
                                .unwrap()
                                .into_iter()
                                .map(|(id,)| id)
                                .collect();
                            let plain: Vec<i64> = sqlx::query_scalar(PLAIN_LIST_SQL)
                                .bind(1)
                                .bind(bus)
                                .bind(event_type)
                                .bind(status)
                                .bind(since)
                                .bind(limit)
                                .bind(before)
                                .fetch_all(&pool)
                                .await
                                .unwrap();
                            assert_eq!(listed, plain, "bus {bus}, {filter:?}, limit {limit}");
                            compared += usize::from(!plain.is_empty());
                        }
                    }
                }
            }
        }
    }
    // Every one of the 192 combinations found something to compare.
    assert_eq!(compared, 2 * 4 * 2 * 2 * 3 * 2);
}

//! The query plans of the hot paths on PostgreSQL, whose statements differ from SQLite's
//! (batches as arrays, `FOR UPDATE SKIP LOCKED` in the claim, the record of attempts one
//! statement at a time): ingest, the claim, the record, `/metrics`' queue figures, the
//! event list with every combination of its filters, and an event's page. SQLite's plans
//! are checked in `plans`; this runs only when `HERALD_TEST_POSTGRES` names a server
//! (`scripts/with-postgres.sh cargo test --features ssr --lib store::plans`), and returns at
//! once otherwise.
//!
//! PostgreSQL plans from statistics, so an empty database would say nothing: the test seeds
//! a history with set-based SQL (one account, bus, rule and target; 300,000 events with a
//! delivery each, nearly all delivered with an attempt, a few failed or dead, the newest
//! 3,000 pending), runs `ANALYZE`, and EXPLAINs each statement with sample arguments bound,
//! the plan PostgreSQL makes for a prepared statement's first executions. A plan fails when
//! it reads a whole table of history: a `Seq Scan` on events, deliveries or attempts (the
//! plan names the table whatever its alias), or an index of one walked with no condition
//! (but the partial indexes of pending deliveries, which hold the queue and no history).
//! The event list's plan also fails when it sorts or hashes everything that matches (a
//! `Sort`, `Hash` or `HashAggregate` over history with no `Limit` beneath it).

use super::events::{self, Arg, EventFilter};
use super::portable::fresh_postgres;
use super::Db;

/// Tables whose size grows with history.
const HISTORY: [&str; 3] = ["events", "deliveries", "attempts"];

/// The indexes that may be walked whole: partial, holding only pending deliveries.
const QUEUE_INDEXES: [&str; 2] = ["deliveries_due", "deliveries_pending_age"];

/// The seed's size, and "now" for the engine's statements (Unix ms).
const EVENTS: i64 = 300_000;
const PENDING: i64 = 3_000;
const NOW: i64 = 1_800_000_000_000;

/// A value bound to a statement: PostgreSQL's statements take arrays too.
#[derive(Debug, Clone)]
enum PgArg {
    Int(i64),
    Text(String),
    Ints(Vec<i64>),
    Texts(Vec<String>),
    Bools(Vec<bool>),
}

/// A statement and sample arguments.
struct Statement {
    name: String,
    sql: String,
    args: Vec<PgArg>,
}

fn statement(name: &str, sql: &str, args: Vec<PgArg>) -> Statement {
    Statement {
        name: name.to_string(),
        sql: sql.to_string(),
        args,
    }
}

/// One history of one bus: 300,000 events a tenth of a second apart (one in a hundred a
/// job failure), each with a delivery to the one target; all delivered with one attempt
/// but one in a thousand failed and one in five thousand dead; the newest 3,000 pending and
/// due, a tenth of them leased, a seventh waiting for their target's circuit. Set-based,
/// in one transaction (a few seconds).
async fn seed(pool: &sqlx::PgPool) {
    let received = "to_char(TIMESTAMP '2026-01-01' + i * INTERVAL '100 milliseconds',
                            'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
    let sql = format!(
        "SET synchronous_commit = off;
         BEGIN;
         INSERT INTO accounts (id) VALUES (1);
         INSERT INTO event_buses (id, account_id, name) VALUES (1, 1, 'b');
         INSERT INTO rules (id, account_id, bus_id, name, source, types)
         VALUES (1, 1, 1, 'r', 'pai.dlc', '[\"dlc:Job:Failed\"]');
         INSERT INTO targets (id, rule_id, position, kind, config)
         VALUES (1, 1, 0, 'webhook', 'sealed');
         INSERT INTO events (id, account_id, bus_id, source, ce_id, type, time, envelope,
                             received_at)
         SELECT i, 1, 1, 'pai.dlc', 'e-' || i,
                CASE WHEN i % 100 = 0 THEN 'dlc:Job:Failed' ELSE 'dlc:Job:Succeeded' END,
                '2026-01-01T00:00:00Z', '{{\"data\":{{\"job\":\"' || md5(i::text) || '\"}}}}',
                {received}
         FROM generate_series(1, {EVENTS}) i;
         INSERT INTO deliveries (id, account_id, bus_id, event_id, rule_id, target_id, kind,
                                 webhook_id, status, attempts, next_attempt_at, lease_until,
                                 last_reason, created_at, updated_at, queued_at)
         SELECT i, 1, 1, i, 1, 1, 'webhook', 'msg_' || i,
                CASE WHEN i > {EVENTS} - {PENDING} THEN 'pending'
                     WHEN i % 5000 = 0 THEN 'dead'
                     WHEN i % 1000 = 0 THEN 'failed' ELSE 'delivered' END,
                CASE WHEN i > {EVENTS} - {PENDING} THEN 0 ELSE 1 END,
                CASE WHEN i > {EVENTS} - {PENDING} AND i % 7 = 0 THEN {NOW} + 60000
                     ELSE {NOW} - ({EVENTS} - i) * 100 END,
                CASE WHEN i > {EVENTS} - {PENDING} AND i % 10 = 0 THEN {NOW} + 30000 END,
                CASE WHEN i > {EVENTS} - {PENDING} AND i % 7 = 0 THEN 'circuit_open'
                     WHEN i > {EVENTS} - {PENDING} THEN NULL
                     WHEN i % 1000 = 0 THEN 'http_error' ELSE 'delivered' END,
                {received}, {received}, {received}
         FROM generate_series(1, {EVENTS}) i;
         INSERT INTO attempts (delivery_id, number, started_at, latency_ms, request,
                               response_status, response_body, reason, detail)
         SELECT id, 1, updated_at, 25, '{{\"url\":\"https://example.com/hook\"}}',
                CASE WHEN status = 'delivered' THEN 200 ELSE 500 END, '', last_reason, ''
         FROM deliveries WHERE status <> 'pending';
         COMMIT;
         ANALYZE;"
    );
    // The history tables' indexes (but those behind constraints) are built once the rows
    // are in, as the migrations define them: several times quicker than row by row.
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT indexname::TEXT, indexdef FROM pg_indexes
         WHERE schemaname = current_schema() AND tablename IN ('events', 'deliveries', 'attempts')
           AND indexname NOT IN (SELECT conname FROM pg_constraint)",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let drop: String = indexes
        .iter()
        .map(|(name, _)| format!("DROP INDEX {name};\n"))
        .collect();
    let build: String = indexes.iter().map(|(_, def)| format!("{def};\n")).collect();
    let sql = sql
        .replacen("BEGIN;", &format!("BEGIN;\n{drop}"), 1)
        .replacen("COMMIT;", &format!("{build}COMMIT;"), 1);
    sqlx::raw_sql(&sql).execute(pool).await.unwrap();
}

/// `n` consecutive values from `first`.
fn ints(first: i64, n: i64) -> PgArg {
    PgArg::Ints((first..first + n).collect())
}

/// `n` copies of `value`.
fn texts(value: &str, n: usize) -> PgArg {
    PgArg::Texts(vec![value.to_string(); n])
}

/// Every combination of the event list's filters, with values that fall inside the seed:
/// a type one event in a hundred has, the last twenty minutes, a page from the middle.
fn filters() -> Vec<EventFilter> {
    super::plans::filters_with("2026-01-01T08:00:00.000Z", EVENTS - 500)
}

/// PostgreSQL's hot-path statements, each with sample arguments: a batch of 100 where a
/// statement takes one (new events, re-sent ones, the oldest pending deliveries).
fn statements() -> Vec<Statement> {
    use PgArg::{Bools, Int, Text};
    const N: i64 = 100;
    let n = N as usize;
    let pending = EVENTS - PENDING + 1;
    let leases = || PgArg::Ints(vec![NOW + 30_000; n]);
    let new_ids = || PgArg::Texts((0..N).map(|i| format!("new-{i}")).collect());
    let now_text = || Text("2026-01-01T08:20:00.000Z".into());
    let mut out = vec![
        statement(
            "ingest: the events",
            events::INSERT_EVENTS_PG,
            vec![
                Int(1),
                Int(1),
                texts("pai.dlc", n),
                new_ids(),
                texts("dlc:Job:Failed", n),
                texts("job-1", n),
                texts("2026-01-01T08:20:00Z", n),
                texts("{}", n),
            ],
        ),
        statement(
            "ingest: the originals of re-sent events",
            events::ORIGINALS_PG,
            vec![
                Int(1),
                texts("pai.dlc", n),
                PgArg::Texts(
                    (EVENTS - N + 1..=EVENTS)
                        .map(|i| format!("e-{i}"))
                        .collect(),
                ),
            ],
        ),
        statement(
            "ingest: the deliveries",
            events::INSERT_DELIVERIES_PG,
            vec![
                Int(1),
                Int(NOW),
                ints(EVENTS - N + 1, N),
                Int(NOW + 30_000),
                Int(1),
                PgArg::Ints(vec![1; n]),
                PgArg::Ints(vec![1; n]),
                texts("webhook", n),
                PgArg::Texts((0..N).map(|i| format!("msg_new_{i}")).collect()),
            ],
        ),
        statement("claim: anything due", events::ANY_DUE_SQL, vec![Int(NOW)]),
        statement(
            "claim: targets with work",
            events::DUE_TARGETS_PG,
            vec![Int(NOW), PgArg::Ints(vec![7])],
        ),
        statement(
            "claim: a target's oldest due",
            events::DUE_OF_TARGET_PG,
            vec![Int(NOW), Int(1), Int(N)],
        ),
        statement(
            "claim: due without a target",
            events::DUE_WITHOUT_TARGET_PG,
            vec![Int(NOW), Int(1), Int(N)],
        ),
        statement(
            "claim: the lease",
            events::LEASE_PICKED_PG,
            vec![Int(NOW), Int(30_000), ints(pending, N)],
        ),
        statement(
            "claim: what the workers need",
            events::DUE_BY_IDS_PG,
            vec![ints(pending, N)],
        ),
        statement(
            "record: defer",
            events::DEFER_PG,
            vec![
                ints(pending, N),
                PgArg::Ints(vec![NOW + 1_000; n]),
                leases(),
            ],
        ),
    ];
    out.extend([
        statement(
            "record: settle, the attempts, healthy targets",
            events::SETTLE_PG,
            vec![
                ints(pending, N),
                texts("delivered", n),
                PgArg::Ints(vec![NOW; n]),
                texts("delivered", n),
                texts("", n),
                leases(),
                texts("[]", n),
                texts("2026-01-01T08:20:00.000Z", n),
                PgArg::Ints(vec![25; n]),
                texts("{}", n),
                PgArg::Ints(vec![200; n]),
                texts("", n),
                now_text(),
                PgArg::Ints(vec![1]),
                PgArg::Ints(vec![pending]),
            ],
        ),
        statement(
            "record: failing targets",
            events::FAILING_PG,
            vec![PgArg::Ints(vec![1]), Int(NOW)],
        ),
        statement(
            "record: disable targets",
            events::DISABLE_PG,
            vec![
                PgArg::Ints(vec![1]),
                texts("failing without a break", 1),
                Bools(vec![false]),
                Int(NOW - 86_400_000),
                now_text(),
            ],
        ),
        statement(
            "record: wake a closed circuit's deliveries",
            events::WAKE_PG,
            vec![Int(NOW), PgArg::Ints(vec![1]), Text("circuit_open".into())],
        ),
        statement("metrics: the queue's depth", events::QUEUE_DEPTH_PG, vec![]),
        statement(
            "metrics: the oldest pending delivery",
            events::OLDEST_PENDING_SQL,
            vec![],
        ),
        statement(
            "metrics: the most overdue delivery",
            events::FIRST_DUE_SQL,
            vec![],
        ),
        statement(
            "an event",
            &events::find_event_sql(),
            vec![Int(1), Int(EVENTS - 10)],
        ),
        statement(
            "an event's deliveries",
            events::DELIVERIES_OF_SQL,
            vec![Int(1), Int(EVENTS - 10)],
        ),
        statement(
            "an event's attempts",
            events::ATTEMPTS_OF_EVENT_SQL,
            vec![Int(1), Int(EVENTS - 10)],
        ),
    ]);
    for filter in filters() {
        let (sql, args) = events::list_events_sql(1, 1, &filter, 50, true);
        let args = args
            .into_iter()
            .map(|a| match a {
                Arg::Int(i) => PgArg::Int(i),
                Arg::Text(t) => PgArg::Text(t),
            })
            .collect();
        out.push(Statement {
            name: format!("the event list, {filter:?}"),
            sql,
            args,
        });
    }
    out
}

/// The statement's plan (`EXPLAIN`, the arguments bound), a line a row.
async fn plan(conn: &mut sqlx::PgConnection, st: &Statement) -> Vec<String> {
    let explain = format!("EXPLAIN {}", st.sql);
    let mut query = sqlx::query_scalar::<_, String>(&explain);
    for arg in &st.args {
        query = match arg.clone() {
            PgArg::Int(i) => query.bind(i),
            PgArg::Text(t) => query.bind(t),
            PgArg::Ints(v) => query.bind(v),
            PgArg::Texts(v) => query.bind(v),
            PgArg::Bools(v) => query.bind(v),
        };
    }
    query
        .fetch_all(conn)
        .await
        .unwrap_or_else(|e| panic!("{}: {e}\n{}", st.name, st.sql))
}

/// A node of a text plan: its depth (the column of its `->`, 0 for the top), its line
/// without the arrow, and the lines below it that describe it (`Index Cond:`, `Filter:`).
struct Node {
    indent: usize,
    text: String,
    details: Vec<String>,
}

fn nodes(plan: &[String]) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::new();
    for line in plan {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        match (trimmed.strip_prefix("->"), out.last_mut()) {
            (Some(rest), _) => out.push(Node {
                indent,
                text: rest.trim_start().to_string(),
                details: Vec::new(),
            }),
            (None, None) => out.push(Node {
                indent: 0,
                text: trimmed.to_string(),
                details: Vec::new(),
            }),
            (None, Some(last)) => last.details.push(trimmed.to_string()),
        }
    }
    out
}

/// A node's kind: its line up to its estimates (`Sort`, `Hash Join`, `Limit`).
fn name(node: &Node) -> &str {
    node.text.split("  (").next().unwrap_or("")
}

/// The nodes below node `i`.
fn below(nodes: &[Node], i: usize) -> &[Node] {
    let end = nodes[i + 1..]
        .iter()
        .position(|n| n.indent <= nodes[i].indent)
        .map_or(nodes.len(), |p| i + 1 + p);
    &nodes[i + 1..end]
}

/// The table a scan node reads, and the index it walks, if any.
fn scan(node: &Node) -> Option<(&str, Option<&str>)> {
    let text = node.text.as_str();
    if !text.contains("Scan") {
        return None;
    }
    let index = text
        .split_once(" using ")
        .and_then(|(_, rest)| rest.split_whitespace().next());
    let table = text.split_once(" on ")?.1.split_whitespace().next()?;
    Some((table, index))
}

/// Whether the node looks rows up by a key taken from another table's row (`Index Cond:
/// (id = d.event_id)`): one seek per row found otherwise, not a range of history.
fn lookup(node: &Node) -> bool {
    node.details
        .iter()
        .filter_map(|d| d.strip_prefix("Index Cond:"))
        .any(|c| {
            c.split("= ").skip(1).any(|rhs| {
                let key = rhs.split([')', ' ']).next().unwrap_or("");
                key.contains('.') && !key.starts_with('\'') && !key.starts_with('$')
            })
        })
}

/// Whether node `i` is cut short by a `Limit` above it.
fn limited(nodes: &[Node], i: usize) -> bool {
    (0..i).any(|j| name(&nodes[j]) == "Limit" && below(nodes, j).len() > i - j - 1)
}

/// The lines of the plan that read a whole table of history, or, when `bounded`, that
/// sort or hash everything of history that matches.
///
/// An index walked with no condition is a whole read unless a `Limit` stops it (the event
/// list's newest-first walk, which stops at the page). A sort or hash is of everything
/// that matches unless each read of history beneath it is stopped by a `Limit`, walks the
/// queue's own index, or is a lookup by primary key for a row found otherwise.
fn faults(plan: &[String], bounded: bool) -> Vec<String> {
    let nodes = nodes(plan);
    let history = |n: &Node| scan(n).is_some_and(|(table, _)| HISTORY.contains(&table));
    let cond = |n: &Node| n.details.iter().any(|d| d.starts_with("Index Cond:"));
    let mut out = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        let text = node.text.as_str();
        let whole = if text.starts_with("Seq Scan") || text.starts_with("Parallel Seq Scan") {
            history(node)
        } else if let Some(rest) = text.strip_prefix("Bitmap Index Scan on ") {
            // The table is its Bitmap Heap Scan's; the index names it.
            let index = rest.split_whitespace().next().unwrap_or("");
            HISTORY.iter().any(|t| index.starts_with(&format!("{t}_")))
                && !QUEUE_INDEXES.contains(&index)
                && !cond(node)
        } else if let Some((table, Some(index))) = scan(node) {
            HISTORY.contains(&table)
                && !QUEUE_INDEXES.contains(&index)
                && !cond(node)
                && !limited(&nodes, i)
        } else {
            false
        };
        let gathers = ["Sort", "Incremental Sort", "Hash", "HashAggregate"].contains(&name(node));
        let start = i + 1;
        let unbounded = bounded
            && gathers
            && below(&nodes, i).iter().enumerate().any(|(k, n)| {
                let stopped = (start..start + k).any(|j| {
                    name(&nodes[j]) == "Limit" && below(&nodes, j).len() > start + k - j - 1
                });
                let queue =
                    scan(n).is_some_and(|(_, ix)| ix.is_some_and(|ix| QUEUE_INDEXES.contains(&ix)));
                history(n) && !stopped && !queue && !lookup(n)
            });
        if whole || unbounded {
            out.push(text.to_string());
        }
    }
    out
}

/// Drop the test's database (it holds a few hundred MB), on the server
/// `HERALD_TEST_POSTGRES` names.
async fn drop_database(db: Db) {
    use sqlx::Connection;
    let Db::Postgres(pool) = &db else { return };
    let mut conn = pool.acquire().await.unwrap();
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    db.close().await;
    let server = std::env::var("HERALD_TEST_POSTGRES").unwrap();
    let mut conn = sqlx::PgConnection::connect(&server).await.unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut conn)
        .await
        .unwrap();
}

#[tokio::test]
async fn on_postgresql_no_hot_path_statement_reads_a_whole_table_of_history() {
    let Some(db) = fresh_postgres("plans").await else {
        return;
    };
    let started = std::time::Instant::now();
    super::migrate(&db).await.unwrap();
    let Db::Postgres(pool) = &db else {
        unreachable!("fresh_postgres gives a PostgreSQL database")
    };
    seed(pool).await;
    println!(
        "seeded and analysed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let mut conn = pool.acquire().await.unwrap();
    let mut failures = Vec::new();
    for st in statements() {
        let plan = plan(&mut conn, &st).await;
        // Shown with --nocapture, to read them.
        println!("{}:\n  {}", st.name, plan.join("\n  "));
        let bad = faults(&plan, st.name.starts_with("the event list"));
        if !bad.is_empty() {
            failures.push(format!(
                "{}: {}\n  {}\n  {}",
                st.name,
                bad.join("; "),
                plan.join("\n  "),
                st.sql
            ));
        }
    }
    // PostgreSQL's spelling of the event list lists what the shared one does.
    for filter in filters() {
        for limit in [50, 7] {
            let mut pages = Vec::new();
            for postgres in [true, false] {
                let (sql, args) = events::list_events_sql(1, 1, &filter, limit, postgres);
                let query = sqlx::query_as::<_, (i64,)>(&sql);
                let ids: Vec<i64> = events::bind_all(query, &args)
                    .fetch_all(&mut *conn)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|(id,)| id)
                    .collect();
                pages.push(ids);
            }
            assert_eq!(pages[0], pages[1], "{filter:?}, limit {limit}");
        }
    }
    drop(conn);
    println!("all in {:.1} s", started.elapsed().as_secs_f64());
    drop_database(db).await;
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_whole_read_of_history_is_caught_in_a_postgresql_plan() {
    let lines = |s: &str| s.lines().map(str::to_string).collect::<Vec<_>>();
    // A scan of an aliased history table, and an index walked with no condition.
    let plan = lines(
        "Nested Loop  (cost=0.42..9.5 rows=1 width=8)
  ->  Seq Scan on deliveries d  (cost=0.00..5.0 rows=1 width=8)
        Filter: (status = 'pending'::text)
  ->  Index Scan using events_pkey on events e  (cost=0.42..4.4 rows=1 width=8)
        Filter: (bus_id = 1)",
    );
    assert_eq!(
        faults(&plan, false),
        [
            "Seq Scan on deliveries d  (cost=0.00..5.0 rows=1 width=8)",
            "Index Scan using events_pkey on events e  (cost=0.42..4.4 rows=1 width=8)"
        ]
    );
    // Seeks, and a walk of the queue's own index, are fine.
    let plan = lines(
        "Aggregate  (cost=1.0..1.1 rows=1 width=8)
  ->  Nested Loop  (cost=0.42..9.5 rows=1 width=8)
        ->  Index Only Scan using deliveries_due on deliveries  (cost=0.2..5.0 rows=1 width=8)
        ->  Index Scan using events_pkey on events e  (cost=0.42..4.4 rows=1 width=8)
              Index Cond: (id = deliveries.event_id)",
    );
    assert!(faults(&plan, false).is_empty());
    // A walk newest first that stops at the page.
    let plan = lines(
        "Limit  (cost=0.42..9.5 rows=50 width=8)
  ->  Index Scan Backward using events_pkey on events e  (cost=0.42..16621.42 rows=300000 width=127)
        Filter: (bus_id = 1)",
    );
    assert!(faults(&plan, true).is_empty());
    // The event list: a sort of everything that matches, and a sort of a page.
    let plan = lines(
        "Limit  (cost=1.0..1.1 rows=50 width=8)
  ->  Sort  (cost=1.0..1.1 rows=3000 width=8)
        Sort Key: e.id DESC
        ->  Index Scan using events_bus_type on events e  (cost=0.42..4.4 rows=3000 width=8)
              Index Cond: ((bus_id = 1) AND (type = 't'::text))",
    );
    assert_eq!(
        faults(&plan, true),
        ["Sort  (cost=1.0..1.1 rows=3000 width=8)"]
    );
    assert!(faults(&plan, false).is_empty());
    let plan = lines(
        "Sort  (cost=1.0..1.1 rows=50 width=8)
  Sort Key: e.id DESC
  ->  Nested Loop  (cost=0.42..9.5 rows=50 width=8)
        ->  Limit  (cost=0.42..4.4 rows=50 width=8)
              ->  Index Only Scan Backward using deliveries_bus_status on deliveries d  (cost=0.42..4.4 rows=50 width=8)
                    Index Cond: ((bus_id = 1) AND (status = 'failed'::text))
        ->  Index Scan using events_pkey on events e  (cost=0.42..4.4 rows=1 width=8)
              Index Cond: (id = d.event_id)
  SubPlan 1
    ->  Aggregate  (cost=8.44..8.45 rows=1 width=8)
          ->  Index Scan using deliveries_event on deliveries d_1  (cost=0.42..8.44 rows=1 width=0)
                Index Cond: (event_id = e.id)",
    );
    assert!(faults(&plan, true).is_empty());
}

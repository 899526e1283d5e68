//! The two migration folders describe one schema: `migrations/sqlite` (the default) and its
//! PostgreSQL twin `migrations/postgres`. Always checked: both hold the same versions and
//! descriptions. With a PostgreSQL server (`HERALD_TEST_POSTGRES`, which
//! scripts/with-postgres.sh sets) both are applied to fresh databases and compared: the
//! same tables, the same columns (name, NOT NULL, type family), the same named indexes and
//! the same unique keys. Without one that half says it was skipped, unless
//! `HERALD_REQUIRE_POSTGRES=1` makes the absence a failure.
//!
//! What "the same" allows, because the backends differ:
//! - a SQLite `INTEGER` column is `bigint` or, for a flag the store reads as `bool`,
//!   `boolean`; `REAL` is `double precision`, `BLOB` `bytea`, `TEXT` `text`;
//! - SQLite's primary-key columns count as NOT NULL (PostgreSQL's always are);
//! - a `COLLATE NOCASE` key is, on PostgreSQL, a unique index on `lower(col)`: unique keys
//!   compare with `lower(…)` taken off, and such an index standing in for one of SQLite's
//!   unnamed UNIQUE constraints is named `<table>_<columns>_key`, PostgreSQL's own name for
//!   a UNIQUE constraint, and is not among the named indexes.

use crate::common::{fresh_postgres_database, postgres_server};
use sqlx::migrate::Migrator;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, PgConnection, SqliteConnection};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");

/// The migration files of a folder by name (`<version>_<description>.sql`).
fn migration_files(folder: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".sql"))
        .collect()
}

#[test]
fn both_migration_folders_hold_the_same_versions_and_descriptions() {
    let sqlite = migration_files("migrations/sqlite");
    let postgres = migration_files("migrations/postgres");
    assert!(!sqlite.is_empty(), "migrations/sqlite holds no migration");
    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "the migration folders differ: only in migrations/sqlite: {only_sqlite:?}; \
         only in migrations/postgres: {only_postgres:?}"
    );
    // What the binary embeds (sqlx::migrate!) agrees with the folders.
    let embedded = |m: &Migrator| -> Vec<(i64, String)> {
        m.iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect()
    };
    assert_eq!(embedded(&SQLITE), embedded(&POSTGRES));
    assert_eq!(embedded(&SQLITE).len(), sqlite.len());
}

/// One schema, as the comparison sees it.
#[derive(Debug, Default, PartialEq)]
struct Schema {
    /// Table → column → (NOT NULL, type family).
    columns: BTreeMap<String, BTreeMap<String, (bool, String)>>,
    /// Named indexes (not those behind a PRIMARY KEY or UNIQUE constraint) → their table.
    indexes: BTreeMap<String, String>,
    /// Table → unique keys: (columns, partial) with `lower(…)` taken off.
    unique: BTreeMap<String, BTreeSet<(Vec<String>, bool)>>,
}

/// SQLite's declared type as the family PostgreSQL's must belong to.
fn sqlite_family(declared: &str) -> String {
    match declared.to_ascii_uppercase().as_str() {
        "INTEGER" => "integer".into(),
        "TEXT" => "text".into(),
        "REAL" => "real".into(),
        "BLOB" => "blob".into(),
        other => panic!("a SQLite column is declared {other:?}: map it in schema.rs"),
    }
}

/// PostgreSQL's type as the family of the SQLite type it stands for.
fn postgres_family(data_type: &str) -> String {
    match data_type {
        "bigint" | "boolean" => "integer".into(),
        "text" => "text".into(),
        "double precision" => "real".into(),
        "bytea" => "blob".into(),
        // `integer`, `smallint`, `character varying`, … break the contract with the store,
        // which binds and decodes i64, bool, f64, Vec<u8> and String on both backends.
        other => format!("{other}, not bigint, boolean, text, double precision or bytea"),
    }
}

async fn sqlite_schema(conn: &mut SqliteConnection) -> Schema {
    let mut schema = Schema::default();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    for table in tables {
        let columns: Vec<(String, String, i64, i64)> =
            sqlx::query_as("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1)")
                .bind(&table)
                .fetch_all(&mut *conn)
                .await
                .unwrap();
        let mut key: Vec<(i64, String)> = Vec::new();
        let mut described = BTreeMap::new();
        for (name, declared, not_null, pk) in columns {
            if pk > 0 {
                key.push((pk, name.clone()));
            }
            described.insert(name, (not_null != 0 || pk > 0, sqlite_family(&declared)));
        }
        key.sort();
        let mut unique = BTreeSet::new();
        if !key.is_empty() {
            unique.insert((key.into_iter().map(|(_, c)| c).collect(), false));
        }
        let indexes: Vec<(String, i64, String, i64)> =
            sqlx::query_as("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1)")
                .bind(&table)
                .fetch_all(&mut *conn)
                .await
                .unwrap();
        for (index, is_unique, origin, partial) in indexes {
            // The primary key is counted above, from the columns (a rowid table's
            // INTEGER PRIMARY KEY has no index of its own).
            if is_unique == 0 || origin == "pk" {
                continue;
            }
            let columns: Vec<Option<String>> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")
                    .bind(&index)
                    .fetch_all(&mut *conn)
                    .await
                    .unwrap();
            let columns = columns
                .into_iter()
                .map(|c| c.unwrap_or_else(|| "<expression>".into()))
                .collect();
            unique.insert((columns, partial != 0));
        }
        schema.columns.insert(table.clone(), described);
        schema.unique.insert(table, unique);
    }
    // Indexes SQLite made for a PRIMARY KEY or UNIQUE constraint have no SQL (nor a name
    // anyone chose).
    let named: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    schema.indexes = named.into_iter().collect();
    schema
}

async fn postgres_schema(conn: &mut PgConnection) -> Schema {
    let mut schema = Schema::default();
    let columns: Vec<(String, String, bool, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, is_nullable = 'NO', data_type::text
         FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    for (table, column, not_null, data_type) in columns {
        schema
            .columns
            .entry(table.clone())
            .or_default()
            .insert(column, (not_null, postgres_family(&data_type)));
        schema.unique.entry(table).or_default();
    }
    // Every index of the public schema: its table, whether it backs a PRIMARY KEY or UNIQUE
    // constraint, whether it is unique or partial, and its key columns as written
    // (`account_id`, `lower(name)`).
    let indexes: Vec<(String, String, bool, bool, bool, String)> = sqlx::query_as(
        "SELECT c.relname::text, t.relname::text,
                EXISTS (SELECT 1 FROM pg_constraint k
                        WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u')),
                i.indisunique, i.indpred IS NOT NULL,
                array_to_string(ARRAY(
                    SELECT pg_get_indexdef(i.indexrelid, n, true)
                    FROM generate_series(1, i.indnkeyatts::int) AS n ORDER BY n), ',')
         FROM pg_index i
         JOIN pg_class c ON c.oid = i.indexrelid
         JOIN pg_class t ON t.oid = i.indrelid
         JOIN pg_namespace s ON s.oid = t.relnamespace
         WHERE s.nspname = 'public' AND t.relname <> '_sqlx_migrations'",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    for (index, table, constraint, unique, partial, columns) in indexes {
        if unique {
            let columns = columns
                .split(',')
                .map(|c| {
                    c.strip_prefix("lower(")
                        .and_then(|c| c.strip_suffix(')'))
                        .unwrap_or(c)
                        .to_string()
                })
                .collect();
            schema
                .unique
                .entry(table.clone())
                .or_default()
                .insert((columns, partial));
        }
        // A unique index on lower(…) named like a UNIQUE constraint stands in for one of
        // SQLite's unnamed COLLATE NOCASE UNIQUE constraints.
        let nocase_key = unique && !partial && index.ends_with("_key");
        if !constraint && !nocase_key {
            schema.indexes.insert(index, table);
        }
    }
    schema
}

/// The differences between two maps, as lines naming the key.
fn differences<K: std::fmt::Debug + Ord, V: std::fmt::Debug + PartialEq>(
    what: &str,
    sqlite: &BTreeMap<K, V>,
    postgres: &BTreeMap<K, V>,
) -> Vec<String> {
    let keys: BTreeSet<&K> = sqlite.keys().chain(postgres.keys()).collect();
    keys.into_iter()
        .filter(|k| sqlite.get(k) != postgres.get(k))
        .map(|k| {
            format!(
                "{what} {k:?}: SQLite {:?}, PostgreSQL {:?}",
                sqlite.get(k),
                postgres.get(k)
            )
        })
        .collect()
}

#[tokio::test]
async fn postgres_migrations_make_the_same_schema_as_sqlite_ones() {
    let Some(_) = postgres_server() else {
        assert!(
            std::env::var("HERALD_REQUIRE_POSTGRES").as_deref() != Ok("1"),
            "HERALD_REQUIRE_POSTGRES=1 but HERALD_TEST_POSTGRES is not set \
             (run under scripts/with-postgres.sh)"
        );
        eprintln!(
            "schema: the PostgreSQL half is skipped: HERALD_TEST_POSTGRES is not set \
             (scripts/with-postgres.sh sets it)"
        );
        return;
    };

    let dir = tempfile::tempdir().unwrap();
    let mut lite = SqliteConnection::connect_with(
        &SqliteConnectOptions::new()
            .filename(dir.path().join("schema.db"))
            .create_if_missing(true),
    )
    .await
    .unwrap();
    SQLITE
        .run(&mut lite)
        .await
        .expect("migrations/sqlite apply");
    let mut pg = PgConnection::connect(&fresh_postgres_database().await)
        .await
        .unwrap();
    POSTGRES
        .run(&mut pg)
        .await
        .expect("migrations/postgres apply");

    let sqlite = sqlite_schema(&mut lite).await;
    let postgres = postgres_schema(&mut pg).await;
    assert!(sqlite.columns.contains_key("deliveries"), "{sqlite:?}");

    let mut problems = Vec::new();
    let tables: BTreeSet<&String> = sqlite
        .columns
        .keys()
        .chain(postgres.columns.keys())
        .collect();
    for table in tables {
        let empty = BTreeMap::new();
        problems.extend(differences(
            &format!("column of {table}"),
            sqlite.columns.get(table).unwrap_or(&empty),
            postgres.columns.get(table).unwrap_or(&empty),
        ));
    }
    problems.extend(differences("index", &sqlite.indexes, &postgres.indexes));
    problems.extend(differences(
        "unique keys of",
        &sqlite.unique,
        &postgres.unique,
    ));
    assert!(
        problems.is_empty(),
        "migrations/postgres does not make the schema migrations/sqlite makes:\n{}",
        problems.join("\n")
    );
}

//! Browser sessions' rows: tower-sessions' SQLite or PostgreSQL store, whichever database
//! Herald runs on (on PostgreSQL every node sees every session: log in on one, go on on
//! another). On SQLite each write (create, save, delete, expired deletion) is made at the
//! write gate like every other write, so a login under full ingest queues in order instead
//! of sleeping in SQLite's busy handler. Loading a session is a read and goes straight to
//! the pool.

use super::Db;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{ExpiredDeletion, Result, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// The session store Herald serves with.
#[derive(Debug, Clone)]
pub struct Sessions {
    db: Db,
    store: Store,
}

#[derive(Debug, Clone)]
enum Store {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

macro_rules! on_store {
    ($s:expr, $st:ident => $body:expr) => {
        match &$s.store {
            Store::Sqlite($st) => $body,
            Store::Postgres($st) => $body,
        }
    };
}

impl Sessions {
    pub fn new(db: &Db) -> Self {
        let store = match db {
            Db::Sqlite(pool) => Store::Sqlite(SqliteStore::new(pool.clone())),
            Db::Postgres(pool) => Store::Postgres(PostgresStore::new(pool.clone())),
        };
        Sessions {
            db: db.clone(),
            store,
        }
    }

    /// Create the session table if it is missing.
    pub async fn migrate(&self) -> std::result::Result<(), sqlx::Error> {
        on_store!(self, s => s.migrate().await)
    }
}

#[async_trait::async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> Result<()> {
        let _turn = super::turn(&self.db, "session").await;
        on_store!(self, s => s.create(record).await)
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let _turn = super::turn(&self.db, "session").await;
        on_store!(self, s => s.save(record).await)
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        on_store!(self, s => s.load(id).await)
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        let _turn = super::turn(&self.db, "session").await;
        on_store!(self, s => s.delete(id).await)
    }
}

#[async_trait::async_trait]
impl ExpiredDeletion for Sessions {
    async fn delete_expired(&self) -> Result<()> {
        let _turn = super::turn(&self.db, "session").await;
        on_store!(self, s => s.delete_expired().await)
    }
}

//! Browser sessions' rows: tower-sessions' SQLite store, with each of its writes (create,
//! save, delete, expired deletion) made at the write gate like every other write, so a
//! login under full ingest queues in order instead of sleeping in SQLite's busy handler.
//! Loading a session is a read and goes straight to the pool.

use sqlx::SqlitePool;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{ExpiredDeletion, Result, SessionStore};
use tower_sessions_sqlx_store::SqliteStore;

/// The session store Herald serves with.
#[derive(Debug, Clone)]
pub struct Sessions(SqliteStore);

impl Sessions {
    pub fn new(pool: SqlitePool) -> Self {
        Sessions(SqliteStore::new(pool))
    }

    /// Create the session table if it is missing.
    pub async fn migrate(&self) -> std::result::Result<(), sqlx::Error> {
        self.0.migrate().await
    }
}

#[async_trait::async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> Result<()> {
        let _turn = super::turn("session").await;
        self.0.create(record).await
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let _turn = super::turn("session").await;
        self.0.save(record).await
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        self.0.load(id).await
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        let _turn = super::turn("session").await;
        self.0.delete(id).await
    }
}

#[async_trait::async_trait]
impl ExpiredDeletion for Sessions {
    async fn delete_expired(&self) -> Result<()> {
        let _turn = super::turn("session").await;
        self.0.delete_expired().await
    }
}

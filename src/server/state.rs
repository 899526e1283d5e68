//! Shared state handed to every handler and, through context, to every server function.

use super::config::ServeArgs;
use super::crypto::SecretBox;
use super::delivery::engine::Wake;
use super::metrics::Metrics;
use super::net::client::Outbound;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::SqlitePool;
use std::sync::Arc;

/// The server's shared state. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub pool: SqlitePool,
    pub leptos_options: LeptosOptions,
    pub config: Arc<ServeArgs>,
    /// Seals and opens secrets at rest.
    pub secrets: SecretBox,
    /// The guarded HTTP client for "Test connection" (10 s timeout).
    pub probe: Outbound,
    /// The guarded HTTP client for deliveries (the delivery timeout).
    pub sender: Outbound,
    /// Wakes the delivery workers when events arrive.
    pub wake: Wake,
    /// Counters for `/metrics`.
    pub metrics: Arc<Metrics>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

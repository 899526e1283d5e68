//! Shared state handed to every handler and, through context, to every server function.

use super::config::ServeArgs;
use super::crypto::SecretBox;
use super::delivery::breaker::Breakers;
use super::delivery::channels::aliyun::Aliyun;
use super::delivery::channels::email::Mailer;
use super::delivery::channels::twilio::Twilio;
use super::delivery::engine::Wake;
use super::delivery::pacing::Pacer;
use super::metrics::Metrics;
use super::net::budget::TestBudget;
use super::net::client::Outbound;
use crate::server::store::Db;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// The server's shared state. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub pool: Db,
    pub leptos_options: LeptosOptions,
    pub config: Arc<ServeArgs>,
    /// Seals and opens secrets at rest.
    pub secrets: SecretBox,
    /// The guarded HTTP client for "Test connection" (10 s timeout).
    pub probe: Outbound,
    /// How many tests an account may run at once and a user start per minute.
    pub tests: Arc<TestBudget>,
    /// The guarded HTTP client for deliveries (the delivery timeout).
    pub sender: Outbound,
    /// Wakes the delivery workers when events arrive.
    pub wake: Wake,
    /// Counters for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// Keeps each chat robot below its provider's rate limit.
    pub pacer: Arc<Pacer>,
    /// The targets' circuit breakers (the rule list and `/metrics` show them).
    pub breakers: Arc<Breakers>,
    /// The SMTP relay, when configured.
    pub mailer: Option<Mailer>,
    /// The SMS and voice provider, when configured: Twilio or Alibaba Cloud (not both).
    pub twilio: Option<Twilio>,
    pub aliyun: Option<Aliyun>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

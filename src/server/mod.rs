//! Everything that runs only on the server (feature `ssr`).
//!
//! - [`config`]: the command line and environment.
//! - [`state`]: what every request handler and server function can reach.
//! - [`error`]: turning database and unexpected failures into [`AppError::Internal`], logged.
//! - [`auth`]: passwords, sessions, login throttling, and `authorize`, the one permission door.
//! - [`service`]: one function per operation: authorize, validate, store.
//! - [`store`]: every SQL statement.
//! - [`http`]: plain HTTP routes (health).
//! - [`web`]: the axum router and the server's lifecycle.
//! - [`work`]: counting one task's writes and password checks, for tests.
//!
//! [`AppError::Internal`]: crate::domain::AppError::Internal

pub mod auth;
pub mod config;
pub mod crypto;
pub mod delivery;
pub mod error;
#[cfg(test)]
mod fuzz;
pub mod http;
pub mod ingest;
pub mod metrics;
pub mod net;
pub mod service;
pub mod state;
pub mod store;
pub mod web;
pub mod work;

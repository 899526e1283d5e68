//! Herald: a self-hosted event-notification center for machine-learning platforms.
//!
//! One crate, built twice: with `ssr` it is the server (axum, sqlx, sessions), with
//! `hydrate` it is the WebAssembly that makes the server-rendered pages interactive.
//!
//! # Layout
//! - [`app`]: the Leptos UI (shell, routes, pages, components), compiled for both sides.
//! - [`api`]: `#[server]` functions, one file per feature; thin wrappers over `server::service`.
//! - [`domain`]: types and rules shared by UI and server (validation, errors, the policy
//!   vocabulary). Pure, no I/O.
//! - `server` (only with `ssr`): configuration, state, authentication, the one `authorize`
//!   door, services, every SQL statement (`store`), and plain HTTP routes.
#![forbid(unsafe_code)]
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod server;

/// Entry point of the WebAssembly bundle: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}

//! Plain HTTP routes outside the Leptos app: health, PutEvents and metrics, the management
//! API, and the middleware that keeps pages behind a login.

pub mod api;
pub mod health;
pub mod manage;
pub mod pages;

//! Plain HTTP routes outside the Leptos app: health, PutEvents and metrics, the management
//! API, and the middleware that keeps pages behind a login; and the server loop that serves
//! them all, with its timers and connection cap (`serve`).

pub mod api;
pub mod health;
pub mod manage;
pub mod pages;
pub mod serve;

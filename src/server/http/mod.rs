//! Plain HTTP routes outside the Leptos app: health, and the middleware that keeps pages
//! behind a login.

pub mod api;
pub mod health;
pub mod pages;

//! One function per operation. Each asks [`authorize`](super::auth::authorize) before it
//! reads or writes anything, validates its input, then calls `store`. Server functions and
//! (later) REST handlers for the same operation call the same function here.

pub mod access_keys;
pub mod accounts;
pub mod audit;
pub mod bus_tokens;
pub mod contacts;
pub mod eventbridge;
pub mod events;
pub mod ram;
pub mod rules;
pub mod target_health;
pub mod targets;
pub mod workspaces;

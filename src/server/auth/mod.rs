//! Who is asking, and may they: password hashing, sessions, login throttling, and
//! [`authorize`], the one place where permission decisions are made.

pub mod actor;
pub mod authorize;
pub mod password;
pub mod session;
pub mod throttle;

pub use authorize::{authorize, Actor, Via};

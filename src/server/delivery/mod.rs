//! Getting messages out: signing algorithms, the outcome of a request with its named
//! reason, and a channel per target kind. "Test connection" and delivery share the channel
//! code, so a green test means a working target.

pub mod breaker;
pub mod channels;
pub mod engine;
pub mod outcome;
pub mod pacing;
pub mod queue;
pub mod render;
pub mod sign;

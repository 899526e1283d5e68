//! Getting messages out: signing algorithms and (in later work) the delivery engine.
//! "Test connection" and delivery share the channel code, so a green test means a working
//! target.

pub mod sign;

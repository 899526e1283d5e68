//! Outbound network policy: which addresses a target may reach (SSRF guard).

pub mod client;
pub mod ssrf;

//! Outbound network policy: which addresses a target may reach (SSRF guard).

pub mod ssrf;

//! Outbound network policy: which addresses a target may reach (SSRF guard), the one HTTP
//! client that enforces it, and the budget of "Test connection" requests.

pub mod budget;
pub mod client;
pub mod ssrf;

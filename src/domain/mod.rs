//! Types and rules shared by the UI and the server: the event catalog, what a message about
//! an event says in each language (`message`, `lang`), target kinds and their compatibility, event-pattern matching, quota arithmetic, validation of user input,
//! the error every server function answers with, the permission vocabulary, and the view
//! models the pages render. Nothing here does I/O.

pub mod catalog;
pub mod error;
pub mod lang;
pub mod message;
pub mod models;
pub mod pattern;
pub mod policy;
pub mod quota;
pub mod ram;
pub mod rule;
pub mod target;
pub mod validate;

pub use error::AppError;

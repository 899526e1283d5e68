//! Types and rules shared by the UI and the server: validation of user input, the error
//! every server function answers with, the permission vocabulary, and the view models the
//! pages render. Nothing here does I/O.

pub mod error;
pub mod models;
pub mod policy;
pub mod validate;

pub use error::AppError;

//! Turning failures the user cannot act on into [`AppError::Internal`], logged with their
//! cause. The cause never reaches the client.

use crate::domain::AppError;

/// Log `err` with `context` and answer with an internal error.
pub fn internal(context: &str, err: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %err, "{context}");
    AppError::Internal
}

/// Extension to attach context to a database result.
pub trait Context<T> {
    /// On error, log it with `context` and turn it into [`AppError::Internal`].
    fn context(self, context: &str) -> Result<T, AppError>;
}

impl<T> Context<T> for Result<T, sqlx::Error> {
    fn context(self, context: &str) -> Result<T, AppError> {
        self.map_err(|e| internal(context, e))
    }
}

/// True when `err` is a violation of a UNIQUE or PRIMARY KEY constraint.
///
/// SQLite does not report constraint names, so each call site checks the one unique
/// constraint its statement can hit.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

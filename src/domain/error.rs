//! The one error type a user can get back from Herald, on both sides of the wire.
//!
//! Each variant is an answer a user can act on; causes of internal errors are logged on the
//! server and never sent to the client.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What went wrong, in words for the user. Serialised as JSON with a `code` tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AppError {
    /// A field of the request is missing or malformed.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// The request clashes with something that exists (a duplicate name, say).
    #[error("{message}")]
    Conflict {
        field: Option<String>,
        message: String,
    },
    /// The thing does not exist, or belongs to someone else (never said which).
    #[error("{what} not found")]
    NotFound { what: String },
    /// The actor may not perform `action` on `resource`.
    #[error("you are not allowed to perform {action} on {resource}")]
    Forbidden { action: String, resource: String },
    /// No valid session or credentials.
    #[error("{message}")]
    Unauthorized { message: String },
    /// Too many attempts; the user may try again after `retry_after_secs`.
    #[error("{message}")]
    TooManyRequests {
        message: String,
        retry_after_secs: u64,
    },
    /// The operation needs something done first (activation, say).
    #[error("{message}")]
    Precondition { message: String },
    /// Something failed on the server; details are in the server log only.
    #[error("something went wrong on the server; please try again")]
    Internal,
    /// The request itself could not be read or sent (transport, encoding).
    #[error("request failed: {message}")]
    Request { message: String },
}

impl AppError {
    /// A validation error for `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.to_string(),
            message: message.into(),
        }
    }

    /// The message to show next to `field`, if this error concerns it.
    pub fn for_field(&self, name: &str) -> Option<String> {
        match self {
            AppError::Invalid { field, message } if field == name => Some(message.clone()),
            AppError::Conflict {
                field: Some(field),
                message,
            } if field == name => Some(message.clone()),
            _ => None,
        }
    }

    /// True when the error is shown next to a field rather than above the form.
    pub fn has_field(&self) -> bool {
        matches!(
            self,
            AppError::Invalid { .. } | AppError::Conflict { field: Some(_), .. }
        )
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid { .. } | AppError::Request { .. } => 400,
            AppError::Unauthorized { .. } => 401,
            AppError::Forbidden { .. } => 403,
            AppError::NotFound { .. } => 404,
            AppError::Conflict { .. } => 409,
            AppError::Precondition { .. } => 412,
            AppError::TooManyRequests { .. } => 429,
            AppError::Internal => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let message = match value {
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::Deserialization(msg) => {
                format!("the request could not be read: {msg}")
            }
            ServerFnErrorErr::Request(msg) => format!("the server could not be reached: {msg}"),
            other => other.to_string(),
        };
        // On the server this runs while answering a request whose arguments could not be
        // decoded: answer 400, not the framework's default 500.
        #[cfg(feature = "ssr")]
        if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            options.set_status(http::StatusCode::BAD_REQUEST);
        }
        AppError::Request { message }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_are_found_by_field_name_only() {
        let err = AppError::invalid("email", "is not an email address");
        assert_eq!(
            err.for_field("email").as_deref(),
            Some("is not an email address")
        );
        assert_eq!(err.for_field("password"), None);
        assert!(err.has_field());
        assert!(!AppError::Internal.has_field());
    }

    #[test]
    fn errors_round_trip_as_tagged_json() {
        let err = AppError::Forbidden {
            action: "eventbridge:CreateRule".into(),
            resource: "acs:eventbridge:*:1:eventbus/x".into(),
        };
        let json = serde_json::to_string(&err).unwrap();
        assert!(json.contains(r#""code":"forbidden""#), "{json}");
        assert_eq!(serde_json::from_str::<AppError>(&json).unwrap(), err);
    }
}

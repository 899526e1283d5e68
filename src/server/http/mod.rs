//! Plain HTTP routes outside the Leptos app: health, PutEvents and metrics, the management
//! API, the site's compressed and cached `/pkg/` files (`assets`), the receivers'
//! documentation page (`docs`), the middleware that keeps pages behind a login, and the one
//! that puts the UI's server functions' error messages into the user's language
//! (`messages`); and the server loop that serves them all, with its timers and connection
//! cap (`serve`).

pub mod api;
pub mod assets;
pub mod docs;
pub mod health;
pub mod manage;
pub mod messages;
pub mod pages;
pub mod serve;

use crate::domain::AppError;

/// Decode a JSON request body; a refusal names the path of what is wrong in it
/// (`targets[0].config.url`), or `body` when it is the whole body.
pub fn decode_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
    let value = value.map_err(|e| {
        let field = field_path(e.path());
        AppError::invalid(
            &field,
            format!("the body is not the expected JSON: {}", e.inner()),
        )
    })?;
    deserializer.end().map_err(|e| {
        AppError::invalid("body", format!("the body is not the expected JSON: {e}"))
    })?;
    Ok(value)
}

/// `targets[0].config.url`, up to the first part serde could not name (a key not yet read);
/// `body` when nothing could be named.
fn field_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut field = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => field.push_str(&format!("[{index}]")),
            Segment::Map { key } => {
                if !field.is_empty() {
                    field.push('.');
                }
                field.push_str(key);
            }
            Segment::Enum { .. } => {}
            Segment::Unknown => break,
        }
    }
    if field.is_empty() {
        "body".to_string()
    } else {
        field
    }
}

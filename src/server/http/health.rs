//! `GET /healthz`: 200 with JSON when the database answers, 503 when it does not.

use super::super::state::AppState;
use super::super::store;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json};
use serde_json::json;

/// Report whether Herald and its database are up.
pub async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match store::ping(&state.pool).await {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({"status": "ok", "database": "ok", "version": env!("CARGO_PKG_VERSION")})),
        ),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable", "database": "unreachable"})),
            )
        }
    }
}

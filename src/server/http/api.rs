//! The platform's side of Herald: `POST /api/v1/buses/{bus}/events` (PutEvents, with an
//! AccessKey) and `GET /metrics`. Errors are JSON: `{"code", "message", "field"}`.

use super::super::delivery::channels::now_ms;
use super::super::ingest::{self, Mode};
use super::super::service::{access_keys, events};
use super::super::state::AppState;
use super::super::store;
use crate::domain::AppError;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;

/// An error as the API answers it: `{"code", "message", "field", …}` with its status.
pub fn error_response(e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut body = serde_json::to_value(&e).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut body {
        map.entry("message").or_insert_with(|| e.to_string().into());
        map.entry("field").or_insert(Value::Null);
    }
    let mut res = (status, Json(body)).into_response();
    if let AppError::TooManyRequests {
        retry_after_secs, ..
    } = e
    {
        if let Ok(v) = header::HeaderValue::from_str(&retry_after_secs.to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    res
}

/// PutEvents: CloudEvents in structured, batch or binary mode.
pub async fn put_events(
    State(state): State<AppState>,
    Path(bus): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let actor = match access_keys::authenticate(&state, auth).await {
        Ok(a) => a,
        Err(e) => return error_response(e),
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let Some(mode) = ingest::mode(content_type) else {
        return (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Json(serde_json::json!({
                "code": "unsupported_media_type",
                "field": "content-type",
                "message": format!("{content_type:?} is not accepted; send application/cloudevents+json, application/cloudevents-batch+json, or binary mode with ce-* headers"),
            })),
        )
            .into_response();
    };
    let unreadable = |e: serde_json::Error| {
        error_response(AppError::invalid(
            "body",
            format!("the body is not valid JSON: {e}"),
        ))
    };
    let entries = match mode {
        Mode::Structured => match serde_json::from_slice::<Value>(&body) {
            Ok(v) => vec![Ok(v)],
            Err(e) => return unreadable(e),
        },
        Mode::Batch => match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Array(items)) => items.into_iter().map(Ok).collect(),
            Ok(_) => {
                return error_response(AppError::invalid(
                    "body",
                    "a batch is a JSON array of CloudEvents",
                ))
            }
            Err(e) => return unreadable(e),
        },
        Mode::Binary => {
            let pairs = headers
                .iter()
                .filter_map(|(n, v)| Some((n.as_str(), v.to_str().ok()?)));
            vec![ingest::from_binary(pairs, content_type, &body)]
        }
    };
    match events::put(&state, &actor, &bus, entries).await {
        Err(e) => error_response(e),
        Ok(result) => {
            let status = if result.failed_entry_count == result.entries.len() {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::OK
            };
            (status, Json(result)).into_response()
        }
    }
}

/// Prometheus text.
pub async fn metrics(State(state): State<AppState>) -> Response {
    let (depth, oldest) = store::events::queue_figures(&state.pool, now_ms())
        .await
        .unwrap_or((-1, -1));
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(depth, oldest, store::write_figures()),
    )
        .into_response()
}

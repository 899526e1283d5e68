//! The platform's side of Herald: `POST /api/v1/buses/{bus}/events` (PutEvents, with an
//! AccessKey, or the bus's token from an EventBridge HTTP target),
//! `POST /api/v1/buses/{bus}/datarobot` (DataRobot's own webhooks) and `GET /metrics`.
//! Errors are JSON: `{"code", "message", "field"}`.

use super::super::delivery::channels::now_ms;
use super::super::ingest::{self, Mode};
use super::super::service::{access_keys, bus_tokens, events};
use super::super::state::AppState;
use super::super::store;
use super::super::web::MAX_BODY_BYTES;
use crate::domain::AppError;
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
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

/// PutEvents: CloudEvents in structured, batch or binary mode. A request refused as a whole
/// (bad key, wrong content type, unreadable body, unknown bus…) is counted by its status in
/// `herald_put_events_refused_total`; refused entries of an accepted request are counted as
/// rejected events instead.
pub async fn put_events(
    State(state): State<AppState>,
    Path(bus): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    counted(&state, accept_events(&state, &bus, &headers, &body).await)
}

/// The answer of a receiver, a refusal of the whole request counted by its status.
fn counted(state: &AppState, result: Result<Response, Response>) -> Response {
    result.unwrap_or_else(|refusal| {
        state.metrics.refused(refusal.status().as_u16());
        refusal
    })
}

/// PutEvents' work: `Err` is a refusal of the whole request.
async fn accept_events(
    state: &AppState,
    bus: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Response, Response> {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    // EventBridge's HTTP target sends no Authorization, only the bus's token.
    let bus_token = match auth {
        Some(_) => None,
        None => headers
            .get(bus_tokens::HEADER)
            .map(|v| v.to_str().unwrap_or_default()),
    };
    let actor = match bus_token {
        Some(token) => bus_tokens::authenticate(state, bus, token).await,
        None => access_keys::authenticate(state, auth).await,
    }
    .map_err(error_response)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let ce_specversion = headers.contains_key("ce-specversion");
    let chosen = if bus_token.is_some() {
        ingest::eventbridge_mode(content_type, ce_specversion)
    } else {
        ingest::mode(content_type, ce_specversion)
    };
    let Some(mode) = chosen else {
        return Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Json(serde_json::json!({
                "code": "unsupported_media_type",
                "field": "content-type",
                "message": format!("{content_type:?} is not accepted; send application/cloudevents+json, application/cloudevents-batch+json, or binary mode with ce-* headers"),
            })),
        )
            .into_response());
    };
    let unreadable = |e: serde_json::Error| {
        error_response(AppError::invalid(
            "body",
            format!("the body is not valid JSON: {e}"),
        ))
    };
    let entries = match mode {
        Mode::Structured => vec![Ok(
            serde_json::from_slice::<Value>(body).map_err(unreadable)?
        )],
        Mode::Batch => match serde_json::from_slice::<Value>(body).map_err(unreadable)? {
            Value::Array(items) => items.into_iter().map(Ok).collect(),
            _ => {
                return Err(error_response(AppError::invalid(
                    "body",
                    "a batch is a JSON array of CloudEvents",
                )))
            }
        },
        Mode::Binary => {
            let pairs = headers
                .iter()
                .filter_map(|(n, v)| Some((n.as_str(), v.to_str().ok()?)));
            vec![ingest::from_binary(pairs, content_type, body)]
        }
    };
    let result = events::put(state, &actor, bus, entries)
        .await
        .map_err(error_response)?;
    let status = if result.failed_entry_count == result.entries.len() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, Json(result)).into_response())
}

/// DataRobot's webhooks, as DataRobot sends them (json or form mode), with an AccessKey in
/// `Authorization: Bearer` (a custom header of the DataRobot notification channel). One
/// event a request; the answer is PutEvents' result, or the refusal naming its field.
pub async fn put_datarobot(
    State(state): State<AppState>,
    Path(bus): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    counted(
        &state,
        accept_datarobot(&state, &bus, &headers, &body).await,
    )
}

/// The DataRobot receiver's work: `Err` is a refusal of the request.
async fn accept_datarobot(
    state: &AppState,
    bus: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Response, Response> {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let actor = access_keys::authenticate(state, auth)
        .await
        .map_err(error_response)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let event = ingest::from_datarobot(content_type, body).map_err(|e| {
        if e.code == "UnsupportedMediaType" {
            (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Json(serde_json::json!({
                    "code": "unsupported_media_type",
                    "field": e.field,
                    "message": e.message,
                })),
            )
                .into_response()
        } else {
            error_response(AppError::invalid(&e.field, e.message))
        }
    })?;
    let event_type = event["type"].as_str().unwrap_or_default().to_string();
    let result = events::put(state, &actor, bus, vec![Ok(event)])
        .await
        .map_err(error_response)?;
    if let Some(refusal) = result.entries.iter().find_map(|e| e.refusal.clone()) {
        // Said in the terms of the payload DataRobot sent, not of the CloudEvent made of it.
        let e = ingest::as_datarobot_refusal(refusal, &event_type);
        return Err(error_response(AppError::invalid(&e.field, e.message)));
    }
    Ok((StatusCode::OK, Json(result)).into_response())
}

/// The API's bodies are limited to [`MAX_BODY_BYTES`] before any handler runs, and the
/// limit's own 413 is plain text. This gives it the API's JSON error shape, naming `body`
/// and the limit, and counts it as a refused PutEvents when it was one. Pages and server
/// functions (`/api/ui/`) keep the plain answer.
pub async fn body_limit_errors(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let put_events = req.method() == Method::POST
        && req.uri().path().starts_with("/api/v1/buses/")
        && (req.uri().path().ends_with("/events") || req.uri().path().ends_with("/datarobot"));
    let api = req.uri().path().starts_with("/api/v1/");
    let res = next.run(req).await;
    let json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if res.status() != StatusCode::PAYLOAD_TOO_LARGE || !api || json {
        return res;
    }
    if put_events {
        state
            .metrics
            .refused(StatusCode::PAYLOAD_TOO_LARGE.as_u16());
    }
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        Json(serde_json::json!({
            "code": "payload_too_large",
            "field": "body",
            "message": format!(
                "the request body is over {MAX_BODY_BYTES} bytes (1 MiB){}",
                if put_events { "; send fewer events per request" } else { "" }
            ),
        })),
    )
        .into_response()
}

/// Prometheus text, for whoever presents `--metrics-token` as a bearer token when one is
/// set. Where the route is mounted at all is `web::router`'s choice: without a token or
/// `--metrics-listen` nowhere (404).
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = &state.config.metrics_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !same_secret(given.trim(), token) {
            let mut res = error_response(AppError::Unauthorized {
                message: "/metrics needs the bearer token set with --metrics-token".into(),
            });
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
            return res;
        }
    }
    let queue = match store::events::queue_figures(&state.pool, now_ms()).await {
        Ok(q) => Some(q),
        Err(e) => {
            tracing::warn!(error = %e, "reading the queue for /metrics");
            None
        }
    };
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(
            queue,
            store::write_figures(),
            store::wal_path(&state.config.database_url).map(|p| store::wal_bytes(&p)),
        ) + &state.breakers.render(),
    )
        .into_response()
}

/// True when `given` is `expected`, in time that does not depend on where they differ (both
/// are hashed first, so not on their lengths either).
fn same_secret(given: &str, expected: &str) -> bool {
    use sha2::{Digest, Sha256};
    let (a, b) = (
        Sha256::digest(given.as_bytes()),
        Sha256::digest(expected.as_bytes()),
    );
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

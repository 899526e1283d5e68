//! HTTP/HTTPS targets: a JSON or form (`payload=`) body with Standard Webhooks headers
//! (`webhook-id`, `webhook-timestamp`, `webhook-signature`) and the target's custom headers.
//! Any 2xx is success.

use super::snippet;
use crate::domain::target::{ContentType, Reason};
use crate::server::delivery::outcome::Outcome;
use crate::server::delivery::sign::{standard_webhooks_sign, WebhookSecret};
use crate::server::net::client::Outbound;

/// An HTTP endpoint as configured.
pub struct Endpoint<'a> {
    pub url: &'a str,
    pub content_type: ContentType,
    pub headers: &'a [(String, String)],
    pub secret: &'a WebhookSecret,
}

/// The bytes sent and their content type, for a JSON payload.
pub fn encode(payload: &serde_json::Value, content_type: ContentType) -> (Vec<u8>, &'static str) {
    let json = payload.to_string();
    match content_type {
        ContentType::Json => (json.into_bytes(), "application/json"),
        ContentType::Form => {
            let mut s = String::from("payload=");
            for b in json.bytes() {
                match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                        s.push(b as char)
                    }
                    b' ' => s.push('+'),
                    _ => s.push_str(&format!("%{b:02X}")),
                }
            }
            (s.into_bytes(), "application/x-www-form-urlencoded")
        }
    }
}

/// Read the endpoint's answer.
pub fn classify(status: u16, body: &str) -> Outcome {
    match status {
        200..=299 => Outcome::delivered(status),
        429 => Outcome::failed(Reason::RateLimited, Some(status), None, snippet(body)),
        410 => Outcome::failed(Reason::Gone, Some(status), None, snippet(body)),
        _ => Outcome::failed(Reason::HttpStatus, Some(status), None, snippet(body)),
    }
}

/// Post `payload` with a signature over the exact bytes sent, under `msg_id`.
pub async fn deliver(
    out: &Outbound,
    endpoint: &Endpoint<'_>,
    msg_id: &str,
    timestamp_s: i64,
    payload: &serde_json::Value,
) -> (Outcome, u64) {
    let (body, content_type) = encode(payload, endpoint.content_type);
    deliver_bytes(out, endpoint, msg_id, timestamp_s, body, content_type, &[]).await
}

/// Post `body` as `content_type` with `extra` headers (CloudEvents' `ce-*`), signed.
pub async fn deliver_bytes(
    out: &Outbound,
    endpoint: &Endpoint<'_>,
    msg_id: &str,
    timestamp_s: i64,
    body: Vec<u8>,
    content_type: &str,
    extra: &[(String, String)],
) -> (Outcome, u64) {
    let signature = standard_webhooks_sign(endpoint.secret, msg_id, timestamp_s, &body);
    let mut request = out.http().post(endpoint.url);
    for (name, value) in endpoint.headers.iter().chain(extra) {
        request = request.header(name.as_str(), value.as_str());
    }
    let request = request
        .header("content-type", content_type)
        .header("webhook-id", msg_id)
        .header("webhook-timestamp", timestamp_s.to_string())
        .header("webhook-signature", signature)
        .body(body);
    super::send_classified(request, classify).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_bodies_carry_the_json_in_a_payload_field() {
        let (b, ct) = encode(&serde_json::json!({"a": "b c"}), ContentType::Form);
        assert_eq!(ct, "application/x-www-form-urlencoded");
        assert_eq!(
            String::from_utf8(b).unwrap(),
            "payload=%7B%22a%22%3A%22b+c%22%7D"
        );
    }

    #[test]
    fn any_2xx_is_success_429_is_a_rate_limit_and_410_is_gone() {
        assert!(classify(204, "").is_delivered());
        assert_eq!(classify(429, "").reason, Reason::RateLimited);
        assert_eq!(classify(404, "nope").reason, Reason::HttpStatus);
        // Gone: no retry, and the target is disabled (store::events::record).
        assert_eq!(classify(410, "").reason, Reason::Gone);
        assert!(!classify(410, "").is_retryable());
    }
}

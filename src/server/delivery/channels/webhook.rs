//! HTTP/HTTPS targets: the event in the target's payload format (the standard template, a
//! CloudEvent structured, or binary with `ce-*` headers), as JSON or a form (`payload=`),
//! with Standard Webhooks headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`)
//! and the target's custom headers. Any 2xx is success; 410 Gone asks never to be sent to
//! again. Its secrets are the URL's tokens, the signing secret and the custom headers'
//! values. "Test connection" sends a clearly marked test event ([`render::test_event`]) the
//! same way.

use super::reply::{send_classified, snippet};
use super::{now_ms, url_secrets, ChannelContext, Job, Payload, Sent};
use crate::domain::target::{ContentType, PayloadFormat, Reason, TargetConfig};
use crate::server::crypto::mask_url;
use crate::server::delivery::outcome::Outcome;
use crate::server::delivery::render;
use crate::server::delivery::sign::{standard_webhooks_sign, WebhookSecret};

/// The attempt log keeps this much of a body (the record keeps 2 KiB of the whole request).
const SHOWN_BODY_BYTES: usize = 2048;

/// An HTTP endpoint as configured.
pub struct Endpoint<'a> {
    pub url: &'a str,
    pub content_type: ContentType,
    pub headers: &'a [(String, String)],
    pub payload_format: PayloadFormat,
    /// `whsec_…`; `None` or empty on a target not saved yet.
    pub secret: Option<&'a str>,
}

impl<'a> Endpoint<'a> {
    /// An HTTP target's settings; `None` for another kind.
    pub fn open(config: &'a TargetConfig) -> Option<Endpoint<'a>> {
        let TargetConfig::Http {
            url,
            content_type,
            headers,
            payload_format,
            secret,
            ..
        } = config
        else {
            return None;
        };
        Some(Endpoint {
            url: url.trim(),
            content_type: *content_type,
            headers,
            payload_format: *payload_format,
            secret: secret.as_deref(),
        })
    }

    /// The URL's tokens, the signing secret (with and without `whsec_`) and the custom
    /// headers' values (an `Authorization`, say).
    pub fn secrets(&self) -> Vec<&'a str> {
        let mut out = url_secrets(self.url);
        out.extend(self.secret);
        out.extend(self.secret.and_then(|s| s.strip_prefix("whsec_")));
        out.extend(self.headers.iter().map(|(_, v)| v.as_str()));
        out
    }

    /// Render the job's event in the target's format, sign it and post it.
    pub async fn send(&self, ctx: &ChannelContext<'_>, job: &Job<'_>) -> Sent {
        // An unsaved target may have no secret yet: a test signs with a throwaway one so the
        // request looks exactly like a real delivery. A delivery needs the saved one.
        let secret = match self.secret.filter(|s| !s.is_empty()) {
            Some(s) => WebhookSecret::parse(s).ok(),
            None if job.is_test() => Some(WebhookSecret::generate()),
            None => None,
        };
        let Some(secret) = secret else {
            return Sent::refused("the target has no valid signing secret; edit and save it again");
        };
        let test_event;
        let event = match job.payload {
            Payload::Event { envelope, .. } => envelope,
            Payload::Test => {
                test_event =
                    render::test_event(job.workspace, job.webhook_id, &now_rfc3339(), job.lang);
                &test_event
            }
            Payload::Digest(_) => {
                return Sent::refused("an HTTP target takes one event a request, not a digest")
            }
        };
        let payload = render::http_payload(event, self.payload_format);
        let (body, content_type): (Vec<u8>, std::borrow::Cow<'static, str>) =
            match (payload.raw, payload.content_type) {
                (Some((bytes, ct)), _) => (bytes, ct.into()),
                (None, Some(ct)) => (payload.body.to_string().into_bytes(), ct.into()),
                (None, None) => {
                    let (bytes, ct) = encode(&payload.body, self.content_type);
                    (bytes, ct.into())
                }
            };
        let request = self.describe(job.webhook_id, &content_type, &payload.headers, &body);
        let signed = Signed {
            msg_id: job.webhook_id,
            timestamp_s: now_ms() / 1000,
            body,
            content_type: &content_type,
            extra: &payload.headers,
        };
        let (outcome, latency_ms) = self.deliver(ctx.out, &secret, signed).await;
        Sent {
            outcome,
            latency_ms,
            request,
        }
    }

    /// The request as the attempt log shows it: the URL masked, the custom headers' values
    /// hidden, the `ce-*` headers and the start of the body as sent.
    fn describe(
        &self,
        msg_id: &str,
        content_type: &str,
        extra: &[(String, String)],
        body: &[u8],
    ) -> String {
        let mut request = format!(
            "POST {}\ncontent-type: {content_type}\nwebhook-id: {msg_id}\n",
            mask_url(self.url)
        );
        for (name, _) in self.headers {
            request.push_str(&format!("{name}: ••••••\n"));
        }
        for (name, value) in extra {
            request.push_str(&format!("{name}: {value}\n"));
        }
        request.push('\n');
        request.push_str(&String::from_utf8_lossy(
            &body[..body.len().min(SHOWN_BODY_BYTES)],
        ));
        request
    }

    /// Post `signed` with a signature over the exact bytes sent.
    async fn deliver(
        &self,
        out: &crate::server::net::client::Outbound,
        secret: &WebhookSecret,
        signed: Signed<'_>,
    ) -> (Outcome, u64) {
        let signature =
            standard_webhooks_sign(secret, signed.msg_id, signed.timestamp_s, &signed.body);
        let mut request = out.http().post(self.url);
        for (name, value) in self.headers.iter().chain(signed.extra) {
            request = request.header(name.as_str(), value.as_str());
        }
        let request = request
            .header("content-type", signed.content_type)
            .header("webhook-id", signed.msg_id)
            .header("webhook-timestamp", signed.timestamp_s.to_string())
            .header("webhook-signature", signature)
            .body(signed.body);
        send_classified(request, classify).await
    }
}

/// One request's body and what its signature covers.
struct Signed<'a> {
    msg_id: &'a str,
    timestamp_s: i64,
    body: Vec<u8>,
    content_type: &'a str,
    /// CloudEvents binary mode's `ce-*` headers.
    extra: &'a [(String, String)],
}

fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    now.replace_nanosecond(0)
        .unwrap_or(now)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
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

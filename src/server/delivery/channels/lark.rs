//! Lark / Feishu custom bot: `post` messages, signed in the body (`timestamp` in seconds and
//! `sign`) when the bot has a secret; answers read by `code`. Its secrets are the hook id in
//! the URL and the signing secret.

use super::reply::send_to_robot;
use super::{now_ms, url_secrets, ChannelContext, Job, Message, Sent};
use crate::domain::target::{Reason, TargetConfig};
use crate::server::crypto::mask_url;
use crate::server::delivery::outcome::Outcome;
use crate::server::delivery::sign::lark_sign;
use crate::server::net::client::Outbound;
use serde_json::json;

/// A Lark bot as configured.
pub struct Bot<'a> {
    pub url: &'a str,
    pub secret: Option<&'a str>,
}

impl<'a> Bot<'a> {
    /// A Lark target's settings; `None` for another kind.
    pub fn open(config: &'a TargetConfig) -> Option<Bot<'a>> {
        let TargetConfig::Lark { url, secret } = config else {
            return None;
        };
        Some(Bot {
            url: url.trim(),
            secret: secret.as_deref(),
        })
    }

    /// The hook id in the URL and the signing secret.
    pub fn secrets(&self) -> Vec<&'a str> {
        let mut out = url_secrets(self.url);
        out.extend(self.secret);
        out
    }

    /// Render the job's message, send it, and read the answer.
    pub async fn send(&self, ctx: &ChannelContext<'_>, job: &Job<'_>) -> Sent {
        let msg = job.message(ctx.public_url);
        let mut shown = body(&msg, None, now_ms() / 1000);
        if self.secret.is_some() {
            shown["sign"] = serde_json::Value::String("••••••".into());
        }
        let request = format!("POST {}\n\n{shown}", mask_url(self.url));
        let (outcome, latency_ms) = deliver(ctx.out, self.url, self.secret, &msg).await;
        Sent {
            outcome,
            latency_ms,
            request,
        }
    }
}

/// The JSON body of a post message, signed when `secret` is set.
pub fn body(msg: &Message, secret: Option<&str>, timestamp_s: i64) -> serde_json::Value {
    let content: Vec<serde_json::Value> = msg
        .lines
        .iter()
        .map(|l| json!([{ "tag": "text", "text": l }]))
        .collect();
    let mut b = json!({
        "msg_type": "post",
        "content": { "post": { "en_us": { "title": msg.title, "content": content } } },
    });
    if let Some(secret) = secret.filter(|s| !s.is_empty()) {
        b["timestamp"] = json!(timestamp_s.to_string());
        b["sign"] = json!(lark_sign(timestamp_s, secret));
    }
    b
}

/// Read Lark's answer.
pub fn classify(code: i64, msg: &str, status: u16) -> Outcome {
    match code {
        0 => Outcome::delivered(status),
        19021 => Outcome::failed(Reason::SignatureMismatch, Some(status), Some(code), msg),
        19022 => Outcome::failed(Reason::IpNotAllowed, Some(status), Some(code), msg),
        19024 => Outcome::failed(Reason::KeywordMissing, Some(status), Some(code), msg),
        11232 => Outcome::failed(Reason::RateLimited, Some(status), Some(code), msg),
        19001 => Outcome::failed(Reason::InvalidToken, Some(status), Some(code), msg),
        _ => Outcome::failed(Reason::ProviderError, Some(status), Some(code), msg),
    }
}

/// Send `msg` to the bot.
pub async fn deliver(
    out: &Outbound,
    url: &str,
    secret: Option<&str>,
    msg: &Message,
) -> (Outcome, u64) {
    let request = out
        .http()
        .post(url)
        .json(&body(msg, secret, now_ms() / 1000));
    send_to_robot(request, "code", "msg", classify).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_body_carries_timestamp_in_seconds_and_the_protocol_vector_sign() {
        let b = body(
            &Message::test("ws", crate::domain::lang::Lang::En),
            Some("demo"),
            1599360473,
        );
        assert_eq!(b["timestamp"], "1599360473");
        assert_eq!(b["sign"], "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=");
        assert_eq!(b["msg_type"], "post");
        assert!(
            body(&Message::test("ws", crate::domain::lang::Lang::En), None, 1)
                .get("sign")
                .is_none()
        );
    }

    #[test]
    fn codes_are_read_into_reasons() {
        assert!(classify(0, "success", 200).is_delivered());
        assert_eq!(
            classify(19021, "sign match fail", 200).reason,
            Reason::SignatureMismatch
        );
        assert_eq!(
            classify(11232, "frequency limited", 200).reason,
            Reason::RateLimited
        );
        assert_eq!(
            classify(19024, "Key Words Not Found", 200).reason,
            Reason::KeywordMissing
        );
    }
}

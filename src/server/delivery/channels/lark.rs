//! Lark / Feishu custom bot: `post` messages, signed in the body (`timestamp` in seconds and
//! `sign`) when the bot has a secret; answers read by `code`.

use super::{now_ms, send_to_robot, Message};
use crate::domain::target::Reason;
use crate::server::delivery::outcome::Outcome;
use crate::server::delivery::sign::lark_sign;
use crate::server::net::client::Outbound;
use serde_json::json;

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
        let b = body(&Message::test("ws"), Some("demo"), 1599360473);
        assert_eq!(b["timestamp"], "1599360473");
        assert_eq!(b["sign"], "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=");
        assert_eq!(b["msg_type"], "post");
        assert!(body(&Message::test("ws"), None, 1).get("sign").is_none());
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

//! SMS and voice calls through Twilio's REST API (`Messages.json`, `Calls.json` with inline
//! TwiML), with a configurable base URL so a local fake or a compatible gateway can stand
//! in. One request per number; going through a target's contacts is the `phone` channel's.

use super::reply::{send_classified, snippet};
use super::Message;
use crate::domain::target::Reason;
use crate::server::delivery::outcome::Outcome;

/// The operator's Twilio settings.
#[derive(Clone)]
pub struct Twilio {
    pub base_url: String,
    pub account_sid: String,
    pub auth_token: String,
    /// The sending number, E.164.
    pub from: String,
}

impl std::fmt::Debug for Twilio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Twilio")
            .field("base_url", &self.base_url)
            .field("account_sid", &self.account_sid)
            .field("auth_token", &"[redacted]")
            .field("from", &self.from)
            .finish()
    }
}

/// SMS or a text-to-speech call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Medium {
    Sms,
    Voice,
}

/// The SMS text, as rendered for SMS (the headline and the most important fact first).
pub fn sms_text(msg: &Message) -> String {
    msg.sms.clone()
}

/// The TwiML of a call that reads the message's spoken form twice.
pub fn twiml(msg: &Message) -> String {
    let escaped = crate::server::delivery::render::message::escape_html(&msg.voice);
    format!("<Response><Say>{escaped}</Say><Pause length=\"1\"/><Say>{escaped}</Say></Response>")
}

/// Read Twilio's answer: 201 (or any 2xx) is accepted; 429 and 5xx are worth a retry;
/// other 4xx are permanent (bad number, bad credentials) with Twilio's message.
pub fn classify(status: u16, body: &str) -> Outcome {
    let message = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            let code = v.get("code").and_then(|c| c.as_i64());
            let msg = v
                .get("message")
                .and_then(|m| m.as_str())
                .map(str::to_string);
            msg.map(|m| (code, m))
        });
    match status {
        200..=299 => Outcome::delivered(status),
        429 => Outcome::failed(Reason::RateLimited, Some(status), None, snippet(body)),
        401 | 403 => Outcome::failed(
            Reason::InvalidToken,
            Some(status),
            message.as_ref().and_then(|(c, _)| *c),
            message.map(|(_, m)| m).unwrap_or_else(|| snippet(body)),
        ),
        _ => Outcome::failed(
            Reason::HttpStatus,
            Some(status),
            message.as_ref().and_then(|(c, _)| *c),
            message.map(|(_, m)| m).unwrap_or_else(|| snippet(body)),
        ),
    }
}

/// Where `medium` goes and what it carries: (resource URL, `Body` or `Twiml`).
pub fn describe(twilio: &Twilio, medium: Medium, msg: &Message) -> (String, String) {
    let base = twilio.base_url.trim_end_matches('/');
    let sid = &twilio.account_sid;
    match medium {
        Medium::Sms => (
            format!("{base}/2010-04-01/Accounts/{sid}/Messages.json"),
            sms_text(msg),
        ),
        Medium::Voice => (
            format!("{base}/2010-04-01/Accounts/{sid}/Calls.json"),
            twiml(msg),
        ),
    }
}

/// Send `msg` to one number (the `phone` channel goes through the contacts).
pub async fn send_one(
    client: &reqwest::Client,
    twilio: &Twilio,
    medium: Medium,
    phone: String,
    msg: &Message,
) -> (Outcome, u64) {
    let (url, content) = describe(twilio, medium, msg);
    let content_key = match medium {
        Medium::Sms => "Body",
        Medium::Voice => "Twiml",
    };
    let form = [
        ("To", phone),
        ("From", twilio.from.clone()),
        (content_key, content),
    ];
    let request = client
        .post(&url)
        .basic_auth(&twilio.account_sid, Some(&twilio.auth_token))
        .form(&form);
    send_classified(request, classify).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg() -> Message {
        let envelope = serde_json::json!({"specversion": "1.0", "id": "e-1", "source": "pai.dlc",
            "type": "dlc:Job:Failed", "time": "2025-11-07T03:19:30Z",
            "data": {"job": {"id": "dlc1", "name": "<nightly>", "status": "Failed",
                             "reason_message": "OOM & more"}}});
        crate::server::delivery::render::message(
            &envelope,
            &crate::server::delivery::render::Context {
                workspace: "vision",
                rule: "r",
                link: "http://herald/buses/b/events/1".into(),
                lang: crate::domain::lang::Lang::En,
                templates: &Default::default(),
            },
        )
    }

    #[test]
    fn sms_carries_headline_and_reason_and_calls_read_them_escaped_without_links() {
        let t = sms_text(&msg());
        assert!(
            t.starts_with("DLC job ＜nightly＞ failed - Reason: OOM & more"),
            "{t}"
        );
        let x = twiml(&msg());
        assert!(
            x.contains("DLC job ＜nightly＞ failed. Reason: OOM &amp; more"),
            "{x}"
        );
        assert!(!x.contains("http://herald"), "{x}");
        assert!(!x.contains("dlc1"), "{x}");
        assert!(x.starts_with("<Response><Say>Herald alert. "), "{x}");
    }

    #[test]
    fn answers_are_classified() {
        assert!(classify(201, r#"{"sid":"SM1","status":"queued"}"#).is_delivered());
        let bad = classify(
            400,
            r#"{"code":21211,"message":"The 'To' number is not a valid phone number."}"#,
        );
        assert_eq!(bad.reason, Reason::HttpStatus);
        assert_eq!(bad.provider_code, Some(21211));
        assert!(!bad.is_retryable());
        assert!(classify(503, "").is_retryable());
        assert!(classify(429, "").is_retryable());
        assert_eq!(classify(401, "{}").reason, Reason::InvalidToken);
    }
}

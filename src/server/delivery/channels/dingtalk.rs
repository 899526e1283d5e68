//! DingTalk custom robot: markdown messages, signed with `timestamp` and `sign` in the
//! query string when the robot has a signing key; answers read by `errcode`. Its secrets
//! are the access token in the URL and the signing key.

use super::reply::send_to_robot;
use super::{now_ms, url_secrets, ChannelContext, Job, Message, Sent};
use crate::domain::target::{Reason, TargetConfig};
use crate::server::crypto::mask_url;
use crate::server::delivery::outcome::Outcome;
use crate::server::delivery::sign::dingtalk_sign;
use crate::server::net::client::Outbound;
use serde_json::json;

/// A DingTalk robot as configured.
pub struct Robot<'a> {
    pub url: &'a str,
    pub secret: Option<&'a str>,
    pub at_mobiles: &'a [String],
    pub at_all: bool,
}

impl<'a> Robot<'a> {
    /// A DingTalk target's settings; `None` for another kind.
    pub fn open(config: &'a TargetConfig) -> Option<Robot<'a>> {
        let TargetConfig::DingTalk {
            url,
            secret,
            at_mobiles,
            at_all,
        } = config
        else {
            return None;
        };
        Some(Robot {
            url: url.trim(),
            secret: secret.as_deref(),
            at_mobiles,
            at_all: *at_all,
        })
    }

    /// The access token in the URL and the signing key.
    pub fn secrets(&self) -> Vec<&'a str> {
        let mut out = url_secrets(self.url);
        out.extend(self.secret);
        out
    }

    /// Render the job's message, send it, and read the answer.
    pub async fn send(&self, ctx: &ChannelContext<'_>, job: &Job<'_>) -> Sent {
        let msg = job.message(ctx.public_url);
        // The signature goes in the query at send time; the log shows the URL masked.
        let request = format!("POST {}\n\n{}", mask_url(self.url), body(&msg, self));
        let (outcome, latency_ms) = deliver(ctx.out, self, &msg).await;
        Sent {
            outcome,
            latency_ms,
            request,
        }
    }
}

/// The JSON body of a markdown message, with mentions.
pub fn body(msg: &Message, robot: &Robot) -> serde_json::Value {
    // DingTalk only notifies mentioned people whose @mobile also appears in the text.
    let mut text = msg.markdown.clone();
    if !robot.at_mobiles.is_empty() {
        text.push_str("\n\n");
        text.push_str(
            &robot
                .at_mobiles
                .iter()
                .map(|m| format!("@{m}"))
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    json!({
        "msgtype": "markdown",
        "markdown": { "title": msg.title, "text": text },
        "at": { "atMobiles": robot.at_mobiles, "isAtAll": robot.at_all },
    })
}

/// The URL to post to: the webhook, plus `timestamp` and `sign` when signing.
pub fn signed_url(url: &str, secret: Option<&str>, timestamp_ms: i64) -> String {
    match secret.filter(|s| !s.is_empty()) {
        Some(secret) => format!(
            "{url}&timestamp={timestamp_ms}&sign={}",
            dingtalk_sign(timestamp_ms, secret)
        ),
        None => url.to_string(),
    }
}

/// Read DingTalk's answer.
pub fn classify(code: i64, msg: &str, status: u16) -> Outcome {
    match code {
        0 => Outcome::delivered(status),
        // 310000 covers both a bad signature and a missing keyword; the message tells which.
        310000 if msg.to_lowercase().contains("keyword") => {
            Outcome::failed(Reason::KeywordMissing, Some(status), Some(code), msg)
        }
        310000 => Outcome::failed(Reason::SignatureMismatch, Some(status), Some(code), msg),
        130101 => Outcome::failed(Reason::RateLimited, Some(status), Some(code), msg),
        300001 | 300005 | 400013 | 40035 => {
            Outcome::failed(Reason::InvalidToken, Some(status), Some(code), msg)
        }
        _ => Outcome::failed(Reason::ProviderError, Some(status), Some(code), msg),
    }
}

/// Send `msg` to the robot.
pub async fn deliver(out: &Outbound, robot: &Robot<'_>, msg: &Message) -> (Outcome, u64) {
    let url = signed_url(robot.url, robot.secret, now_ms());
    let request = out.http().post(url).json(&body(msg, robot));
    send_to_robot(request, "errcode", "errmsg", classify).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_url_appends_timestamp_and_url_encoded_sign() {
        let url = signed_url(
            "https://oapi.dingtalk.com/robot/send?access_token=t",
            Some("SECdemo"),
            1599360473000,
        );
        assert_eq!(
            url,
            "https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1599360473000&sign=tGWkA5eQOQNCNPDgphtxIoNLO%2B%2FgD8Lcb705KQoRzeY%3D"
        );
        assert_eq!(signed_url("u?a=1", None, 1), "u?a=1");
    }

    #[test]
    fn errcodes_are_read_into_reasons() {
        assert!(classify(0, "ok", 200).is_delivered());
        assert_eq!(
            classify(310000, "sign not match", 200).reason,
            Reason::SignatureMismatch
        );
        assert_eq!(
            classify(310000, "keywords not in content", 200).reason,
            Reason::KeywordMissing
        );
        assert_eq!(
            classify(130101, "send too fast", 200).reason,
            Reason::RateLimited
        );
        assert_eq!(
            classify(300001, "token is not exist", 200).reason,
            Reason::InvalidToken
        );
    }

    #[test]
    fn mentioned_mobiles_appear_in_the_text_and_the_at_block() {
        let mobiles = vec!["13800000000".to_string()];
        let b = body(
            &Message::test("ws", crate::domain::lang::Lang::En),
            &Robot {
                url: "",
                secret: None,
                at_mobiles: &mobiles,
                at_all: false,
            },
        );
        assert_eq!(b["msgtype"], "markdown");
        assert!(b["markdown"]["text"]
            .as_str()
            .unwrap()
            .contains("@13800000000"));
        assert_eq!(b["at"]["atMobiles"][0], "13800000000");
    }
}

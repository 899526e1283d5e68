//! WeCom group robot: markdown messages (at most 4096 bytes), or, when the target mentions
//! people, a `text` message (at most 2048 bytes) with `mentioned_mobile_list`: WeCom's
//! markdown cannot mention anyone, and a mention in the text alone notifies nobody. No
//! signing; answers read by `errcode`. Its secret is the key in the URL.

use super::reply::send_to_robot;
use super::{url_secrets, ChannelContext, Job, Message, Sent};
use crate::domain::target::{Reason, TargetConfig};
use crate::server::crypto::mask_url;
use crate::server::delivery::outcome::Outcome;
use crate::server::delivery::render::{Budget, Form};
use crate::server::net::client::Outbound;
use serde_json::json;

/// A WeCom robot as configured.
pub struct Robot<'a> {
    pub url: &'a str,
    pub mentioned_mobiles: &'a [String],
}

impl<'a> Robot<'a> {
    /// A WeCom target's settings; `None` for another kind.
    pub fn open(config: &'a TargetConfig) -> Option<Robot<'a>> {
        let TargetConfig::WeCom {
            url,
            mentioned_mobiles,
        } = config
        else {
            return None;
        };
        Some(Robot {
            url: url.trim(),
            mentioned_mobiles,
        })
    }

    /// What one digest may say: markdown, or, when the robot mentions people, the text
    /// message's lines within its 2,048 bytes (what does not fit waits for the next).
    pub fn digest_budget(&self) -> Budget {
        if self.mentioned_mobiles.is_empty() {
            Budget::MARKDOWN
        } else {
            Budget {
                form: Form::Lines,
                max_bytes: TEXT_MAX_BYTES,
            }
        }
    }

    /// The key in the URL.
    pub fn secrets(&self) -> Vec<&'a str> {
        url_secrets(self.url)
    }

    /// Render the job's message, send it, and read the answer.
    pub async fn send(&self, ctx: &ChannelContext<'_>, job: &Job<'_>) -> Sent {
        let msg = job.message(ctx.public_url);
        let request = format!(
            "POST {}\n\n{}",
            mask_url(self.url),
            body(&msg, self.mentioned_mobiles)
        );
        let (outcome, latency_ms) = deliver(ctx.out, self.url, self.mentioned_mobiles, &msg).await;
        Sent {
            outcome,
            latency_ms,
            request,
        }
    }
}

/// WeCom's limit on a markdown message's content, in bytes.
pub const MARKDOWN_MAX_BYTES: usize = 4096;
/// WeCom's limit on a text message's content, in bytes.
pub const TEXT_MAX_BYTES: usize = 2048;

/// The JSON body: markdown, or a text message mentioning `mentioned_mobiles` (the plain
/// lines of the message within WeCom's limit, see [`text_within`]).
pub fn body(msg: &Message, mentioned_mobiles: &[String]) -> serde_json::Value {
    if !mentioned_mobiles.is_empty() {
        let content = text_within(&msg.lines, TEXT_MAX_BYTES);
        return json!({
            "msgtype": "text",
            "text": { "content": content, "mentioned_mobile_list": mentioned_mobiles },
        });
    }
    let content = cut(msg.markdown.clone(), MARKDOWN_MAX_BYTES);
    json!({ "msgtype": "markdown", "markdown": { "content": content } })
}

/// `lines` joined by newlines within `max` bytes. The first line (the headline, or a
/// digest's heading) and the last (the link back) stay: lines before the link are left
/// out from the end until the rest fits, and only then is the text cut. (A digest is sized
/// to fit before it is made, so none of its events is left out here.)
fn text_within(lines: &[String], max: usize) -> String {
    let mut kept: Vec<&str> = lines.iter().map(String::as_str).collect();
    while kept.len() > 2 && kept.join("\n").len() > max {
        kept.remove(kept.len() - 2);
    }
    cut(kept.join("\n"), max)
}

/// `content` within `max` bytes, cut on a character boundary with `…`.
fn cut(mut content: String, max: usize) -> String {
    if content.len() > max {
        let mut at = max - 3;
        while !content.is_char_boundary(at) {
            at -= 1;
        }
        content.truncate(at);
        content.push('…');
    }
    content
}

/// Read WeCom's answer.
pub fn classify(code: i64, msg: &str, status: u16) -> Outcome {
    match code {
        0 => Outcome::delivered(status),
        93000 => Outcome::failed(Reason::InvalidToken, Some(status), Some(code), msg),
        45009 => Outcome::failed(Reason::RateLimited, Some(status), Some(code), msg),
        _ => Outcome::failed(Reason::ProviderError, Some(status), Some(code), msg),
    }
}

/// Send `msg` to the robot.
pub async fn deliver(
    out: &Outbound,
    url: &str,
    mentioned_mobiles: &[String],
    msg: &Message,
) -> (Outcome, u64) {
    let request = out.http().post(url).json(&body(msg, mentioned_mobiles));
    send_to_robot(request, "errcode", "errmsg", classify).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_markdown_is_cut_to_4096_bytes_on_a_character_boundary() {
        let mut m = Message::test("ws", crate::domain::lang::Lang::En);
        m.markdown = "告".repeat(3000);
        let b = body(&m, &[]);
        assert!(b["markdown"]["content"].as_str().unwrap().len() <= MARKDOWN_MAX_BYTES);
    }

    #[test]
    fn mentions_go_as_text_with_the_mobile_list_within_2048_bytes() {
        let mut m = Message::test("ws", crate::domain::lang::Lang::En);
        let b = body(&m, &["13800000000".to_string()]);
        assert_eq!(b["msgtype"], "text");
        assert_eq!(b["text"]["mentioned_mobile_list"][0], "13800000000");
        assert!(b["text"]["content"]
            .as_str()
            .unwrap()
            .starts_with("[TEST] "));
        m.lines = vec!["告".repeat(1000)];
        let b = body(&m, &["13800000000".to_string()]);
        assert!(b["text"]["content"].as_str().unwrap().len() <= TEXT_MAX_BYTES);
        assert_eq!(body(&m, &[])["msgtype"], "markdown");
    }

    #[test]
    fn a_long_text_message_leaves_out_facts_from_the_end_and_keeps_its_link() {
        let mut m = Message::test("ws", crate::domain::lang::Lang::En);
        m.lines = vec![
            "headline".to_string(),
            format!("Reason: {}", "告".repeat(300)),
            format!("Job: {}", "告".repeat(300)),
            format!("By: {}", "告".repeat(300)),
            "http://herald.local/buses/b/events/7".to_string(),
        ];
        let b = body(&m, &["13800000000".to_string()]);
        let content = b["text"]["content"].as_str().unwrap();
        assert!(content.len() <= TEXT_MAX_BYTES, "{}", content.len());
        assert!(content.starts_with("headline\nReason: "), "{content}");
        assert!(
            content.ends_with("\nhttp://herald.local/buses/b/events/7"),
            "{content}"
        );
        assert!(!content.contains("By: "), "{content}");
    }

    #[test]
    fn errcodes_are_read_into_reasons() {
        assert!(classify(0, "ok", 200).is_delivered());
        assert_eq!(
            classify(93000, "invalid webhook url", 200).reason,
            Reason::InvalidToken
        );
        assert_eq!(
            classify(45009, "api freq out of limit", 200).reason,
            Reason::RateLimited
        );
    }
}

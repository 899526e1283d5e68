//! A file per target kind, and the one door that delivery and "Test connection" both come
//! through: [`dispatch`]. So a green test means a working target: the test sends what a
//! delivery of that target would send, by the same code.
//!
//! Each kind's file owns everything about the kind: reading its settings from the
//! [`TargetConfig`], rendering the message, sending it, reading the answer into an
//! [`Outcome`], describing the request for the attempt log (secrets masked), and naming its
//! secrets so an answer that echoes one is kept without it. [`Channel`] has one variant per
//! kind and one arm per variant (mini-redis's `Command`).
//!
//! - `dingtalk`, `wecom`, `lark`: chat robots;
//! - `webhook`: HTTP/HTTPS endpoints (Standard Webhooks signature; the standard template,
//!   CloudEvents structured or binary);
//! - `email`: the operator's SMTP relay;
//! - `phone`: SMS and voice calls, through the operator's `twilio` or `aliyun` account;
//! - `reply`: sending a prepared request and reading the answer, for the HTTP kinds.
//!
//! What does not live here: SQL (the caller reads the target's contacts and passes them
//! in), retries and pacing (the engine decides from the outcome), and the resolve-time
//! address check of "Test connection" (`service::targets`).

pub mod aliyun;
pub mod dingtalk;
pub mod email;
pub mod lark;
pub mod phone;
pub mod reply;
pub mod twilio;
pub mod webhook;
pub mod wecom;

pub use reply::{retry_after, snippet};

use super::outcome::Outcome;
use super::render;
use crate::domain::catalog::TargetKind;
use crate::domain::lang::Lang;
use crate::domain::target::{Reason, TargetConfig};
use crate::server::crypto::{mask_url, scrub};
use crate::server::net::client::Outbound;
use serde_json::Value;

/// What channels need from the server, and nothing more (not the whole `AppState`).
pub struct ChannelContext<'a> {
    /// The guarded HTTP client: the short-timeout probe for a test, the sender for a
    /// delivery. SMS and voice providers are called through it too.
    pub out: &'a Outbound,
    /// The SMTP relay, when configured.
    pub mailer: Option<&'a email::Mailer>,
    /// The SMS and voice provider, when configured (Alibaba Cloud wins if both are).
    pub twilio: Option<&'a twilio::Twilio>,
    pub aliyun: Option<&'a aliyun::Aliyun>,
    /// Herald's public URL without a trailing slash, for links back to an event.
    pub public_url: &'a str,
}

/// A contact of a voice, SMS or email target, as the caller read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl From<(String, Option<String>, Option<String>)> for Contact {
    /// From a `(name, phone, email)` row.
    fn from((name, phone, email): (String, Option<String>, Option<String>)) -> Contact {
        Contact { name, phone, email }
    }
}

/// What a job sends.
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    /// One event as stored (its CloudEvents envelope), Herald's id for it (the link back),
    /// and the rule's message templates (empty for the built-in message).
    Event {
        envelope: &'a Value,
        event_id: i64,
        templates: &'a render::Templates,
    },
    /// Several events for one robot, already rendered as one message (pacing).
    Digest(&'a Message),
    /// "Test connection": a clearly marked test naming the workspace. Robots get
    /// [`Message::test`]; HTTP targets get [`render::test_event`] in their payload format.
    Test,
}

/// What to send, to whom, and in whose name.
pub struct Job<'a> {
    /// The target's settings, opened.
    pub config: &'a TargetConfig,
    pub payload: Payload<'a>,
    /// Standard Webhooks' `webhook-id`: the same across the retries of one delivery.
    pub webhook_id: &'a str,
    /// The names a message is rendered with.
    pub workspace: &'a str,
    pub bus: &'a str,
    pub rule: &'a str,
    /// The language the message is written in: the rule's, else the account's.
    pub lang: Lang,
    /// Voice, SMS and email: the target's contacts, in order (empty for other kinds).
    pub contacts: &'a [Contact],
    /// Voice and SMS: the numbers earlier attempts reached; this attempt skips them.
    pub reached: &'a [String],
    /// Voice and SMS: called after each contact reached, with every number reached so far
    /// (earlier attempts included), so the caller can keep the progress of a long attempt.
    pub on_reached: Option<OnReached<'a>>,
}

/// The progress hook of [`Job::on_reached`]: every number reached so far.
pub type OnReached<'a> = &'a (dyn Fn(&[String]) + Send + Sync);

impl Job<'_> {
    /// True for "Test connection".
    pub fn is_test(&self) -> bool {
        matches!(self.payload, Payload::Test)
    }

    /// The chat, email, SMS or voice message this job says.
    pub fn message(&self, public_url: &str) -> Message {
        match self.payload {
            Payload::Event {
                envelope,
                event_id,
                templates,
            } => render::message(
                envelope,
                &render::Context {
                    workspace: self.workspace,
                    rule: self.rule,
                    link: event_link(public_url, self.bus, event_id),
                    lang: self.lang,
                    templates,
                },
            ),
            Payload::Digest(message) => message.clone(),
            Payload::Test => Message::test(self.workspace, self.lang),
        }
    }
}

/// What an attempt did: how it ended, how long it took, and the request as recorded.
#[derive(Debug, Clone)]
pub struct Sent {
    /// With any echoed secret of the target replaced in its `response` and `detail`.
    pub outcome: Outcome,
    pub latency_ms: u64,
    /// The request as the attempt log shows it: secrets masked, empty when nothing was sent.
    pub request: String,
}

impl Sent {
    /// Nothing was sent because the target cannot take it: a permanent failure.
    pub fn refused(detail: impl Into<String>) -> Sent {
        Sent::unsent(Outcome::failed(Reason::InvalidTarget, None, None, detail))
    }

    /// An outcome reached before anything was sent.
    pub fn unsent(outcome: Outcome) -> Sent {
        Sent {
            outcome,
            latency_ms: 0,
            request: String::new(),
        }
    }
}

/// Send `job` through its target's channel: the one entry point of delivery and "Test
/// connection". An answer that echoes a secret of the target (a debugging receiver, say)
/// comes back without it.
pub async fn dispatch(ctx: &ChannelContext<'_>, job: &Job<'_>) -> Sent {
    let Some(channel) = Channel::open(job.config) else {
        return Sent::refused("the target's settings do not match its kind");
    };
    let mut sent = match address_refused(ctx.out, job.config) {
        Some(refused) => refused,
        None => channel.send(ctx, job).await,
    };
    let mut secrets = channel.secrets(ctx);
    secrets.retain(|s| !s.is_empty());
    sent.outcome.response = scrub(&sent.outcome.response, &secrets);
    sent.outcome.detail = scrub(&sent.outcome.detail, &secrets);
    sent
}

/// The address check happens when connecting, on the resolved addresses; IP literals are
/// checked here, before anything is sent.
fn address_refused(out: &Outbound, config: &TargetConfig) -> Option<Sent> {
    let url = config.url()?;
    let why = reqwest::Url::parse(url.trim())
        .map_err(|e| e.to_string())
        .and_then(|u| out.check_url(&u))
        .err()?;
    Some(Sent {
        outcome: Outcome::failed(Reason::Blocked, None, None, why),
        latency_ms: 0,
        request: format!("POST {}", mask_url(url)),
    })
}

/// How much one digest may say for `config`'s channel, in the form that channel sends.
pub fn digest_budget(config: &TargetConfig) -> render::Budget {
    match Channel::open(config) {
        Some(Channel::WeCom(c)) => c.digest_budget(),
        Some(
            Channel::DingTalk(_)
            | Channel::Lark(_)
            | Channel::Webhook(_)
            | Channel::Email(_)
            | Channel::Phone(_),
        )
        | None => render::Budget::MARKDOWN,
    }
}

/// Whether the caller must read the target's contacts for a [`Job`] (voice, SMS, email).
pub fn needs_contacts(kind: TargetKind) -> bool {
    matches!(
        kind,
        TargetKind::Voice | TargetKind::Sms | TargetKind::Email
    )
}

/// A target kind's channel, opened from its settings: one variant per kind.
enum Channel<'a> {
    DingTalk(dingtalk::Robot<'a>),
    WeCom(wecom::Robot<'a>),
    Lark(lark::Bot<'a>),
    Webhook(webhook::Endpoint<'a>),
    Email(email::Email),
    Phone(phone::Phone),
}

impl<'a> Channel<'a> {
    /// `None` only when the settings are not of their own kind (they always are).
    fn open(config: &'a TargetConfig) -> Option<Channel<'a>> {
        Some(match config.kind() {
            TargetKind::DingTalk => Channel::DingTalk(dingtalk::Robot::open(config)?),
            TargetKind::WeCom => Channel::WeCom(wecom::Robot::open(config)?),
            TargetKind::Lark => Channel::Lark(lark::Bot::open(config)?),
            TargetKind::Http => Channel::Webhook(webhook::Endpoint::open(config)?),
            TargetKind::Email => Channel::Email(email::Email::open(config)?),
            TargetKind::Sms | TargetKind::Voice => Channel::Phone(phone::Phone::open(config)?),
        })
    }

    async fn send(&self, ctx: &ChannelContext<'_>, job: &Job<'_>) -> Sent {
        match self {
            Channel::DingTalk(c) => c.send(ctx, job).await,
            Channel::WeCom(c) => c.send(ctx, job).await,
            Channel::Lark(c) => c.send(ctx, job).await,
            Channel::Webhook(c) => c.send(ctx, job).await,
            Channel::Email(c) => c.send(ctx, job).await,
            Channel::Phone(c) => c.send(ctx, job).await,
        }
    }

    /// Every secret a request of this channel carries.
    fn secrets<'s>(&'s self, ctx: &'s ChannelContext<'_>) -> Vec<&'s str> {
        match self {
            Channel::DingTalk(c) => c.secrets(),
            Channel::WeCom(c) => c.secrets(),
            Channel::Lark(c) => c.secrets(),
            Channel::Webhook(c) => c.secrets(),
            Channel::Email(_) => Vec::new(),
            Channel::Phone(c) => c.secrets(ctx),
        }
    }
}

/// The secrets inside a webhook URL: its query values and the path segments that look like
/// tokens (as `mask_url` judges them), not words.
pub fn url_secrets(url: &str) -> Vec<&str> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let path = base.split_once("://").map_or(base, |(_, rest)| rest);
    let mut out: Vec<&str> = path
        .split('/')
        .skip(1)
        .filter(|seg| {
            seg.len() >= 16 || (seg.len() >= 8 && seg.chars().any(|c| c.is_ascii_digit()))
        })
        .collect();
    out.extend(
        query
            .split('&')
            .map(|kv| kv.split_once('=').map_or(kv, |(_, v)| v)),
    );
    out.retain(|s| !s.is_empty());
    out
}

/// Herald's page for an event.
pub fn event_link(public_url: &str, bus: &str, event_id: i64) -> String {
    format!("{public_url}/buses/{bus}/events/{event_id}")
}

/// What a message says, in the form of each kind (rendered by `render::message`, every
/// value from the event already made inert for its form).
#[derive(Debug, Clone)]
pub struct Message {
    /// The chat title and the email's subject.
    pub title: String,
    /// Markdown body (DingTalk, WeCom).
    pub markdown: String,
    /// Plain lines: the headline first, the link last (Lark post, the email's text).
    pub lines: Vec<String>,
    /// The email's HTML part.
    pub html: String,
    /// The SMS text (Twilio).
    pub sms: String,
    /// What a call says (Twilio's `<Say>`).
    pub voice: String,
    /// Alibaba's SMS and TTS template variables.
    pub template: TemplateVars,
}

/// The variables of the operator's Alibaba templates, `${title}` and `${detail}`, each
/// within Alibaba's 35 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateVars {
    pub title: String,
    pub detail: String,
}

impl Message {
    /// A message of Herald's own (not about an event), from a title and plain lines, a
    /// last line that is a URL becoming the email's link.
    pub fn plain(title: String, lines: Vec<String>) -> Message {
        use render::message::escape_html;
        let mut html = format!("<h2>{}</h2><ul>", escape_html(&title));
        let mut link = None;
        for l in &lines {
            if l.starts_with("http://") || l.starts_with("https://") {
                link = Some(escape_html(l));
                continue;
            }
            html.push_str(&format!("<li>{}</li>", escape_html(l)));
        }
        html.push_str("</ul>");
        if let Some(l) = link {
            html.push_str(&format!("<p><a href=\"{l}\">{l}</a></p>"));
        }
        let text = lines.join("\n");
        Message {
            markdown: format!("#### {title}\n\n{text}"),
            html,
            sms: format!("{title}\n{text}"),
            voice: title.clone(),
            template: TemplateVars {
                title: render::message::clip_to(&title, render::message::MAX_TEMPLATE_VARIABLE),
                detail: String::new(),
            },
            title,
            lines,
        }
    }

    /// The clearly marked message "Test connection" sends.
    pub fn test(workspace: &str, lang: Lang) -> Message {
        render::test_message(workspace, lang)
    }
}

/// Now in Unix milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::target::{ContentType, PayloadFormat};

    /// A client that allows no non-public network.
    fn strict_client() -> Outbound {
        Outbound::new(
            crate::server::net::ssrf::NetworkPolicy { allowed: vec![] },
            std::time::Duration::from_secs(1),
            2,
        )
        .unwrap()
    }

    /// A context with no email, SMS or voice provider.
    fn bare_context(out: &Outbound) -> ChannelContext<'_> {
        ChannelContext {
            out,
            mailer: None,
            twilio: None,
            aliyun: None,
            public_url: "http://herald.test",
        }
    }

    fn secrets_of(config: &TargetConfig) -> Vec<String> {
        let out = strict_client();
        let ctx = bare_context(&out);
        let channel = Channel::open(config).expect("opens");
        let mut s: Vec<String> = channel
            .secrets(&ctx)
            .into_iter()
            .map(str::to_string)
            .collect();
        s.retain(|s| !s.is_empty());
        s
    }

    #[test]
    fn each_channel_names_its_tokens_keys_and_header_values() {
        let ding = TargetConfig::DingTalk {
            url: "https://oapi.dingtalk.com/robot/send?access_token=tok123".into(),
            secret: Some("SECabc".into()),
            at_mobiles: vec![],
            at_all: false,
        };
        let got = secrets_of(&ding);
        assert_eq!(got, ["tok123", "SECabc"]);
        let lark = TargetConfig::Lark {
            url: "https://open.feishu.cn/open-apis/bot/v2/hook/0123abcd-4567-89ef".into(),
            secret: None,
        };
        assert_eq!(secrets_of(&lark), ["0123abcd-4567-89ef"]);
        let wecom = TargetConfig::WeCom {
            url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-123".into(),
            mentioned_mobiles: vec![],
        };
        assert_eq!(secrets_of(&wecom), ["k-123"]);
        let http = TargetConfig::Http {
            url: "https://example.com/hook".into(),
            content_type: ContentType::Json,
            headers: vec![("Authorization".into(), "Bearer xyz-123456".into())],
            payload_format: PayloadFormat::Standard,
            secret: Some("whsec_c2VjcmV0".into()),
            max_per_second: None,
        };
        assert_eq!(
            secrets_of(&http),
            ["whsec_c2VjcmV0", "c2VjcmV0", "Bearer xyz-123456"]
        );
        assert!(secrets_of(&TargetConfig::Email { contacts: vec![1] }).is_empty());
    }

    #[tokio::test]
    async fn an_ip_literal_outside_the_policy_is_refused_before_anything_is_sent() {
        let out = strict_client();
        let ctx = bare_context(&out);
        let config = TargetConfig::Http {
            url: "http://127.0.0.1:9/hook?token=abcdef123456".into(),
            content_type: ContentType::Json,
            headers: vec![],
            payload_format: PayloadFormat::CloudeventsBinary,
            secret: None,
            max_per_second: None,
        };
        let job = Job {
            config: &config,
            payload: Payload::Test,
            webhook_id: "msg_test_1",
            workspace: "vision",
            bus: "pai-system-vision",
            rule: "r",
            lang: Lang::En,
            contacts: &[],
            reached: &[],
            on_reached: None,
        };
        let sent = dispatch(&ctx, &job).await;
        assert_eq!(sent.outcome.reason, Reason::Blocked, "{sent:?}");
        assert_eq!(sent.latency_ms, 0);
        assert!(sent
            .request
            .starts_with("POST http://127.0.0.1:9/hook?token="));
        assert!(!sent.request.contains("abcdef123456"), "{}", sent.request);
    }

    #[test]
    fn url_secrets_are_query_values_and_token_like_segments_not_words() {
        assert_eq!(
            url_secrets("https://h.example/robot/send?access_token=tok123&x="),
            ["tok123"]
        );
        assert_eq!(
            url_secrets("https://h.example/hooks/abcd1234efgh/send"),
            ["abcd1234efgh"]
        );
    }

    #[test]
    fn a_job_renders_an_event_a_digest_or_the_test_message() {
        let envelope = serde_json::json!({"specversion": "1.0", "id": "e-1", "source": "pai.dlc",
            "type": "dlc:Job:Failed", "time": "2025-11-07T03:19:30Z", "data": {}});
        let config = TargetConfig::Email { contacts: vec![1] };
        let mut job = Job {
            config: &config,
            payload: Payload::Event {
                envelope: &envelope,
                event_id: 7,
                templates: &render::Templates::default(),
            },
            webhook_id: "msg_1",
            workspace: "vision",
            bus: "pai-system-vision",
            rule: "failures",
            lang: Lang::En,
            contacts: &[],
            reached: &[],
            on_reached: None,
        };
        let m = job.message("http://herald.test");
        assert!(m
            .lines
            .contains(&"http://herald.test/buses/pai-system-vision/events/7".to_string()));
        assert!(!job.is_test());
        job.payload = Payload::Test;
        assert!(job.is_test());
        assert_eq!(
            job.message("http://h").title,
            "[TEST] [Herald] Test message"
        );
        let digest = Message::test("other", Lang::En);
        job.payload = Payload::Digest(&digest);
        assert!(job.message("http://h").lines[0].contains("other"));
    }
}

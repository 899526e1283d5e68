//! A target's configuration as the rule form and the API send it, its validation, and the
//! verdict of "Test connection". Shared by UI and server.

use super::catalog::TargetKind;
use super::AppError;
use serde::{Deserialize, Serialize};

/// How an HTTP target encodes its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ContentType {
    /// `application/json`.
    #[default]
    Json,
    /// `application/x-www-form-urlencoded` with the JSON in a `payload` field.
    Form,
}

/// What an HTTP target receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum PayloadFormat {
    /// The DataRobot envelope: `data` plus `event_type` and `timestamp`.
    #[default]
    Standard,
    /// A CloudEvent in structured mode.
    CloudeventsStructured,
    /// A CloudEvent in binary mode (`ce-*` headers, body = data).
    CloudeventsBinary,
}

/// A target's settings. Secrets (`secret`, and the token inside `url`) travel from the
/// browser to the server, never back.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum TargetConfig {
    #[serde(rename = "dingtalk")]
    DingTalk {
        url: String,
        #[serde(default)]
        secret: Option<String>,
        #[serde(default)]
        at_mobiles: Vec<String>,
        #[serde(default)]
        at_all: bool,
    },
    #[serde(rename = "wecom")]
    WeCom {
        url: String,
        #[serde(default)]
        mentioned_mobiles: Vec<String>,
    },
    Lark {
        url: String,
        #[serde(default)]
        secret: Option<String>,
    },
    Http {
        url: String,
        #[serde(default)]
        content_type: ContentType,
        #[serde(default)]
        headers: Vec<(String, String)>,
        #[serde(default)]
        payload_format: PayloadFormat,
        /// `whsec_…`; generated when absent.
        #[serde(default)]
        secret: Option<String>,
        /// Most requests a second Herald sends this endpoint (none: no limit); events
        /// beyond it wait.
        #[serde(default)]
        max_per_second: Option<u32>,
    },
    Voice {
        contacts: Vec<i64>,
    },
    Sms {
        contacts: Vec<i64>,
    },
    Email {
        contacts: Vec<i64>,
    },
}

/// Shows the kind and the non-secret settings only: URLs carry tokens and `secret` is a
/// key, so neither may reach a log through `{:?}`.
impl std::fmt::Debug for TargetConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("TargetConfig");
        d.field("kind", &self.kind().as_str());
        if self.url().is_some() {
            d.field("url", &"[redacted]");
        }
        match self {
            TargetConfig::DingTalk {
                secret,
                at_mobiles,
                at_all,
                ..
            } => {
                d.field("secret", &secret.as_ref().map(|_| "[redacted]"))
                    .field("at_mobiles", at_mobiles)
                    .field("at_all", at_all);
            }
            TargetConfig::WeCom {
                mentioned_mobiles, ..
            } => {
                d.field("mentioned_mobiles", mentioned_mobiles);
            }
            TargetConfig::Lark { secret, .. } => {
                d.field("secret", &secret.as_ref().map(|_| "[redacted]"));
            }
            TargetConfig::Http {
                content_type,
                headers,
                payload_format,
                secret,
                ..
            } => {
                let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
                d.field("content_type", content_type)
                    .field("header_names", &names)
                    .field("payload_format", payload_format)
                    .field("secret", &secret.as_ref().map(|_| "[redacted]"));
            }
            TargetConfig::Voice { contacts }
            | TargetConfig::Sms { contacts }
            | TargetConfig::Email { contacts } => {
                d.field("contacts", contacts);
            }
        }
        d.finish()
    }
}

/// Headers an HTTP target may not set: they carry the signature, framing or routing.
const RESERVED_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "content-type",
    "transfer-encoding",
    "connection",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
];
/// Most mobiles a robot message may mention.
pub const MAX_MOBILES: usize = 50;
/// Most custom headers an HTTP target may carry (DataRobot allows 100).
pub const MAX_HEADERS: usize = 100;

impl TargetConfig {
    /// The kind of target.
    pub fn kind(&self) -> TargetKind {
        match self {
            TargetConfig::DingTalk { .. } => TargetKind::DingTalk,
            TargetConfig::WeCom { .. } => TargetKind::WeCom,
            TargetConfig::Lark { .. } => TargetKind::Lark,
            TargetConfig::Http { .. } => TargetKind::Http,
            TargetConfig::Voice { .. } => TargetKind::Voice,
            TargetConfig::Sms { .. } => TargetKind::Sms,
            TargetConfig::Email { .. } => TargetKind::Email,
        }
    }

    /// The webhook URL, for kinds that have one.
    pub fn url(&self) -> Option<&str> {
        match self {
            TargetConfig::DingTalk { url, .. }
            | TargetConfig::WeCom { url, .. }
            | TargetConfig::Lark { url, .. }
            | TargetConfig::Http { url, .. } => Some(url),
            _ => None,
        }
    }

    /// Number of contacts (quota counts them for voice, SMS and email).
    pub fn contact_count(&self) -> usize {
        match self {
            TargetConfig::Voice { contacts }
            | TargetConfig::Sms { contacts }
            | TargetConfig::Email { contacts } => contacts.len(),
            _ => 0,
        }
    }

    /// Check every field; errors name the field as `{prefix}.{field}` (e.g. `targets[0].url`).
    pub fn validate(&self, prefix: &str) -> Result<(), AppError> {
        let field = |name: &str| format!("{prefix}.{name}");
        if let Some(url) = self.url() {
            validate_url(&field("url"), url)?;
        }
        match self {
            TargetConfig::DingTalk {
                url,
                secret,
                at_mobiles,
                ..
            } => {
                require_query(&field("url"), url, "access_token", "DingTalk webhook")?;
                if let Some(s) = secret.as_deref().filter(|s| !s.is_empty()) {
                    if !s.starts_with("SEC") || s.len() < 10 {
                        return Err(AppError::invalid(
                            &field("secret"),
                            "a DingTalk signing key starts with SEC; copy it from the robot's security settings",
                        ));
                    }
                }
                if at_mobiles.len() > MAX_MOBILES {
                    return Err(AppError::invalid(
                        &field("at_mobiles"),
                        format!("at most {MAX_MOBILES} mobiles"),
                    ));
                }
                for (i, m) in at_mobiles.iter().enumerate() {
                    validate_mobile(&format!("{}[{i}]", field("at_mobiles")), m)?;
                }
            }
            TargetConfig::WeCom {
                url,
                mentioned_mobiles,
            } => {
                require_query(&field("url"), url, "key", "WeCom webhook")?;
                if mentioned_mobiles.len() > MAX_MOBILES {
                    return Err(AppError::invalid(
                        &field("mentioned_mobiles"),
                        format!("at most {MAX_MOBILES} mobiles"),
                    ));
                }
                for (i, m) in mentioned_mobiles.iter().enumerate() {
                    validate_mobile(&format!("{}[{i}]", field("mentioned_mobiles")), m)?;
                }
            }
            TargetConfig::Lark { url, .. } => {
                if !url.contains("/open-apis/bot/v2/hook/") {
                    return Err(AppError::invalid(
                        &field("url"),
                        "a Lark / Feishu webhook looks like https://open.feishu.cn/open-apis/bot/v2/hook/…",
                    ));
                }
            }
            TargetConfig::Http {
                headers,
                secret,
                max_per_second,
                payload_format,
                ..
            } => {
                if max_per_second.is_some_and(|n| !(1..=1000).contains(&n)) {
                    return Err(AppError::invalid(
                        &field("max_per_second"),
                        "must be between 1 and 1000 requests a second, or empty for no limit",
                    ));
                }
                if headers.len() > MAX_HEADERS {
                    return Err(AppError::invalid(
                        &field("headers"),
                        format!("at most {MAX_HEADERS} custom headers"),
                    ));
                }
                for (i, (name, value)) in headers.iter().enumerate() {
                    let f = format!("{}[{i}]", field("headers"));
                    let valid_name = !name.is_empty()
                        && name
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
                    if !valid_name {
                        return Err(AppError::invalid(
                            &f,
                            format!("{name:?} is not a valid header name"),
                        ));
                    }
                    if RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
                        return Err(AppError::invalid(
                            &f,
                            format!("{name} is set by Herald and cannot be overridden"),
                        ));
                    }
                    if *payload_format == PayloadFormat::CloudeventsBinary
                        && name.to_ascii_lowercase().starts_with("ce-")
                    {
                        return Err(AppError::invalid(
                            &f,
                            format!("{name}: in CloudEvents binary mode the ce- headers carry the event's attributes"),
                        ));
                    }
                    if value.chars().any(|c| c.is_control()) {
                        return Err(AppError::invalid(
                            &f,
                            "header values may not contain control characters",
                        ));
                    }
                }
                if let Some(s) = secret.as_deref().filter(|s| !s.is_empty()) {
                    if !s.starts_with("whsec_") {
                        return Err(AppError::invalid(
                            &field("secret"),
                            "a signing secret looks like whsec_ followed by base64; leave it empty to generate one",
                        ));
                    }
                }
            }
            TargetConfig::Voice { contacts }
            | TargetConfig::Sms { contacts }
            | TargetConfig::Email { contacts } => {
                if contacts.is_empty() {
                    return Err(AppError::invalid(
                        &field("contacts"),
                        "pick at least one contact (add contacts under Message receiving settings)",
                    ));
                }
                let mut seen = std::collections::HashSet::new();
                if contacts.iter().any(|c| !seen.insert(*c)) {
                    return Err(AppError::invalid(
                        &field("contacts"),
                        "a contact is listed twice",
                    ));
                }
            }
        }
        Ok(())
    }
}

fn validate_url(field: &str, url: &str) -> Result<(), AppError> {
    let url = url.trim();
    if url.is_empty() {
        return Err(AppError::invalid(field, "is required"));
    }
    if url.len() > 2048 {
        return Err(AppError::invalid(field, "is longer than 2048 characters"));
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| AppError::invalid(field, "must start with https:// or http://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if url.contains('#') {
        return Err(AppError::invalid(field, "must not contain a fragment (#…)"));
    }
    if host.is_empty()
        || host.contains('@')
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(AppError::invalid(field, "is not a valid web address"));
    }
    Ok(())
}

fn require_query(field: &str, url: &str, param: &str, what: &str) -> Result<(), AppError> {
    let has = url
        .split_once('?')
        .map(|(_, q)| {
            q.split('&').any(|kv| {
                kv.split_once('=')
                    .is_some_and(|(k, v)| k == param && !v.is_empty())
            })
        })
        .unwrap_or(false);
    if has {
        Ok(())
    } else {
        Err(AppError::invalid(
            field,
            format!("a {what} URL carries ?{param}=…; copy the whole URL"),
        ))
    }
}

fn validate_mobile(field: &str, m: &str) -> Result<(), AppError> {
    let digits = m.strip_prefix('+').unwrap_or(m);
    if (5..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(AppError::invalid(
            field,
            format!("{m:?} is not a phone number"),
        ))
    }
}

/// Why a test (or a delivery attempt) ended as it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Delivered,
    SignatureMismatch,
    KeywordMissing,
    InvalidToken,
    RateLimited,
    IpNotAllowed,
    HttpStatus,
    ProviderError,
    Timeout,
    Dns,
    Tls,
    Connect,
    Blocked,
    InvalidTarget,
    /// An HTTP endpoint answered 410 Gone: it asks not to be sent to again, so the target
    /// is disabled at once (Standard Webhooks).
    Gone,
    /// Not sent: the target kept timing out or refusing connections, and its circuit
    /// breaker is open until a probe gets an answer.
    CircuitOpen,
}

impl Reason {
    /// The stored name (snake case, as the UI and the attempt log show it; the same as the
    /// serde name).
    pub const fn as_str(self) -> &'static str {
        match self {
            Reason::Delivered => "delivered",
            Reason::SignatureMismatch => "signature_mismatch",
            Reason::KeywordMissing => "keyword_missing",
            Reason::InvalidToken => "invalid_token",
            Reason::RateLimited => "rate_limited",
            Reason::IpNotAllowed => "ip_not_allowed",
            Reason::HttpStatus => "http_status",
            Reason::ProviderError => "provider_error",
            Reason::Timeout => "timeout",
            Reason::Dns => "dns",
            Reason::Tls => "tls",
            Reason::Connect => "connect",
            Reason::Blocked => "blocked",
            Reason::InvalidTarget => "invalid_target",
            Reason::Gone => "gone",
            Reason::CircuitOpen => "circuit_open",
        }
    }
}

/// The verdict of "Test connection", shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestVerdict {
    pub ok: bool,
    pub reason: Reason,
    /// One line: what happened.
    pub summary: String,
    /// What to do about it (empty on success).
    pub hint: String,
    pub status: Option<u16>,
    pub provider_code: Option<i64>,
    pub latency_ms: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dingtalk(url: &str, secret: Option<&str>) -> TargetConfig {
        TargetConfig::DingTalk {
            url: url.into(),
            secret: secret.map(Into::into),
            at_mobiles: vec![],
            at_all: false,
        }
    }

    #[test]
    fn debug_output_never_shows_urls_or_secrets() {
        let t = dingtalk(
            "https://oapi.dingtalk.com/robot/send?access_token=tok123",
            Some("SECverysecret123"),
        );
        let shown = format!("{t:?}");
        assert!(shown.contains("dingtalk"), "{shown}");
        assert!(
            !shown.contains("tok123") && !shown.contains("SECverysecret123"),
            "{shown}"
        );
    }

    #[test]
    fn reason_names_are_the_serde_names() {
        for reason in [
            Reason::Delivered,
            Reason::SignatureMismatch,
            Reason::KeywordMissing,
            Reason::InvalidToken,
            Reason::RateLimited,
            Reason::IpNotAllowed,
            Reason::HttpStatus,
            Reason::ProviderError,
            Reason::Timeout,
            Reason::Dns,
            Reason::Tls,
            Reason::Connect,
            Reason::Blocked,
            Reason::InvalidTarget,
            Reason::Gone,
            Reason::CircuitOpen,
        ] {
            let serde = serde_json::to_value(reason).unwrap();
            assert_eq!(serde.as_str(), Some(reason.as_str()));
        }
    }

    #[test]
    fn targets_deserialize_from_the_api_shape() {
        let t: TargetConfig = serde_json::from_str(
            r#"{"kind":"http","url":"https://example.com/hook","content_type":"form","payload_format":"cloudevents_binary"}"#,
        )
        .unwrap();
        assert_eq!(t.kind(), TargetKind::Http);
        let t: TargetConfig = serde_json::from_str(r#"{"kind":"sms","contacts":[1,2]}"#).unwrap();
        assert_eq!(t.contact_count(), 2);
    }

    #[test]
    fn dingtalk_needs_its_token_and_a_sec_key() {
        assert!(dingtalk(
            "https://oapi.dingtalk.com/robot/send?access_token=abc",
            Some("SEC0123456789")
        )
        .validate("t")
        .is_ok());
        let e = dingtalk("https://oapi.dingtalk.com/robot/send", None)
            .validate("targets[0]")
            .unwrap_err();
        assert!(e
            .for_field("targets[0].url")
            .unwrap()
            .contains("access_token"));
        let e = dingtalk(
            "https://oapi.dingtalk.com/robot/send?access_token=abc",
            Some("nope"),
        )
        .validate("t")
        .unwrap_err();
        assert!(e.for_field("t.secret").is_some());
        let e = dingtalk(
            "https://oapi.dingtalk.com/robot/send?access_token=abc#x",
            None,
        )
        .validate("t")
        .unwrap_err();
        assert!(e.for_field("t.url").unwrap().contains("fragment"));
        let e = dingtalk("ftp://x/robot/send?access_token=abc", None)
            .validate("t")
            .unwrap_err();
        assert!(e.for_field("t.url").unwrap().contains("https://"));
    }

    #[test]
    fn http_headers_are_checked_and_signature_headers_reserved() {
        let t = TargetConfig::Http {
            url: "https://example.com/hook".into(),
            content_type: ContentType::Json,
            headers: vec![("Webhook-Signature".into(), "x".into())],
            payload_format: PayloadFormat::Standard,
            secret: None,
            max_per_second: None,
        };
        let e = t.validate("t").unwrap_err();
        assert!(e
            .for_field("t.headers[0]")
            .unwrap()
            .contains("set by Herald"));
        // ce- headers are the event's own in binary mode, free otherwise.
        let with = |format| TargetConfig::Http {
            url: "https://example.com/hook".into(),
            content_type: ContentType::Json,
            headers: vec![
                ("X-Team".into(), "ml".into()),
                ("Ce-Source".into(), "x".into()),
            ],
            payload_format: format,
            secret: None,
            max_per_second: None,
        };
        let e = with(PayloadFormat::CloudeventsBinary)
            .validate("t")
            .unwrap_err();
        assert!(e
            .for_field("t.headers[1]")
            .unwrap()
            .contains("ce- headers carry the event's attributes"));
        assert!(with(PayloadFormat::Standard).validate("t").is_ok());
    }

    #[test]
    fn contact_targets_need_distinct_contacts() {
        assert!(TargetConfig::Sms { contacts: vec![] }
            .validate("t")
            .is_err());
        assert!(TargetConfig::Email {
            contacts: vec![1, 1]
        }
        .validate("t")
        .is_err());
        assert!(TargetConfig::Voice {
            contacts: vec![1, 2]
        }
        .validate("t")
        .is_ok());
    }

    #[test]
    fn lark_and_wecom_urls_are_recognised() {
        assert!(TargetConfig::Lark {
            url: "https://open.feishu.cn/open-apis/bot/v2/hook/abc".into(),
            secret: None
        }
        .validate("t")
        .is_ok());
        assert!(TargetConfig::Lark {
            url: "https://open.feishu.cn/other".into(),
            secret: None
        }
        .validate("t")
        .is_err());
        assert!(TargetConfig::WeCom {
            url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k".into(),
            mentioned_mobiles: vec!["+8613800000000".into()]
        }
        .validate("t")
        .is_ok());
        assert!(TargetConfig::WeCom {
            url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k".into(),
            mentioned_mobiles: vec!["abc".into()]
        }
        .validate("t")
        .is_err());
    }
}

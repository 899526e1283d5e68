//! How an outbound request ended, with a named reason, and the user-facing verdict made from
//! it. The reason decides retries later: rate limits and transport failures are retried,
//! signature and token problems are not.

use super::super::net::client::ResolveError;
use crate::domain::target::{Reason, TestVerdict};

/// The end of one request to a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub reason: Reason,
    pub status: Option<u16>,
    pub provider_code: Option<i64>,
    /// What the provider or the network said, for the log and the hint.
    pub detail: String,
    /// The server's `Retry-After`, in seconds, when it sent one.
    pub retry_after_s: Option<u64>,
    /// The body of the answer, when there was one (for the attempt record).
    pub response: String,
    /// For targets that send to several contacts (SMS, voice): the numbers reached so far,
    /// by this attempt and earlier ones, so a retry goes only to the others.
    pub reached: Option<Vec<String>>,
}

impl Outcome {
    pub fn delivered(status: u16) -> Self {
        Outcome {
            reason: Reason::Delivered,
            status: Some(status),
            provider_code: None,
            detail: String::new(),
            retry_after_s: None,
            response: String::new(),
            reached: None,
        }
    }

    pub fn failed(
        reason: Reason,
        status: Option<u16>,
        code: Option<i64>,
        detail: impl Into<String>,
    ) -> Self {
        Outcome {
            reason,
            status,
            provider_code: code,
            detail: detail.into(),
            retry_after_s: None,
            response: String::new(),
            reached: None,
        }
    }

    pub fn is_delivered(&self) -> bool {
        self.reason == Reason::Delivered
    }

    /// Worth another try later (timeouts, connection trouble, 5xx, rate limits).
    pub fn is_retryable(&self) -> bool {
        match self.reason {
            // A TLS failure may be a handshake cut short or a certificate renewed late.
            // A short circuit sent nothing: the delivery waits for the circuit to close.
            Reason::RateLimited
            | Reason::Timeout
            | Reason::Connect
            | Reason::Dns
            | Reason::Tls
            | Reason::CircuitOpen => true,
            Reason::HttpStatus => matches!(self.status, Some(408) | Some(500..=599)),
            Reason::ProviderError => matches!(self.status, Some(500..=599)),
            _ => false,
        }
    }

    /// A transport failure, classified by walking the error's causes.
    pub fn from_transport(err: &reqwest::Error) -> Self {
        // The top-level message of a reqwest error names the URL, whose query may hold a
        // token or a signature: describe the error by its kind and its causes only.
        let mut text = String::from(if err.is_timeout() {
            "timed out: "
        } else if err.is_connect() {
            "connection failed: "
        } else {
            "request failed: "
        });
        let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(err);
        while let Some(e) = source {
            if let Some(r) = e.downcast_ref::<ResolveError>() {
                return match r {
                    ResolveError::Blocked(m) => {
                        Outcome::failed(Reason::Blocked, None, None, m.clone())
                    }
                    ResolveError::NotFound(m) => {
                        Outcome::failed(Reason::Dns, None, None, m.clone())
                    }
                };
            }
            text.push_str(&e.to_string());
            text.push_str(": ");
            source = e.source();
        }
        let text = text.trim_end_matches(": ").to_string();
        let lower = text.to_lowercase();
        if err.is_builder() {
            // The request could not even be built (a header value, say): trying again later
            // builds the same request.
            Outcome::failed(Reason::InvalidTarget, None, None, text)
        } else if err.is_timeout() {
            Outcome::failed(Reason::Timeout, None, None, text)
        } else if lower.contains("certificate")
            || lower.contains("tls")
            || lower.contains("handshake")
        {
            Outcome::failed(Reason::Tls, None, None, text)
        } else {
            Outcome::failed(Reason::Connect, None, None, text)
        }
    }

    /// The verdict shown after "Test connection".
    pub fn verdict(&self, latency_ms: u64, timeout_s: u64) -> TestVerdict {
        let status = self.status.map(|s| format!("HTTP {s}")).unwrap_or_default();
        let code = self
            .provider_code
            .map(|c| format!(" (code {c}: {})", self.detail))
            .unwrap_or_default();
        let (summary, hint) = match self.reason {
            Reason::Delivered => (
                "Success: the test message was delivered.".to_string(),
                String::new(),
            ),
            Reason::SignatureMismatch => (
                format!("Signature mismatch or keyword missing{code}."),
                "Check the signing key and the robot's security settings: the key must be the robot's own, copied whole."
                    .to_string(),
            ),
            Reason::KeywordMissing => (
                format!("The robot requires a keyword that the message lacks{code}."),
                "Add \"Herald\" to the robot's keywords, or switch its security setting to signing.".to_string(),
            ),
            Reason::InvalidToken => (
                format!("The webhook's key or token is not valid{code}."),
                "Copy the webhook URL again from the robot's settings; the robot may have been removed.".to_string(),
            ),
            Reason::RateLimited => (
                format!("Rate limited by the provider {status}{code}."),
                "Robots accept about 20 messages a minute; wait a minute and test again.".to_string(),
            ),
            Reason::IpNotAllowed => (
                format!("The robot refuses requests from this address{code}."),
                "Add Herald's public address to the robot's IP allow-list, or use signing instead.".to_string(),
            ),
            Reason::HttpStatus => (
                format!("The endpoint answered {status}."),
                "Check the URL and that the receiver accepts POST requests from Herald.".to_string(),
            ),
            Reason::ProviderError => (
                format!("The provider refused the message {status}{code}."),
                "Check the robot's settings; the provider's message above says what it disliked.".to_string(),
            ),
            Reason::Timeout => (
                format!("No answer within {timeout_s} seconds."),
                "Check that the receiver is up and reachable from the Herald server.".to_string(),
            ),
            Reason::Dns => (
                format!("The host name does not resolve: {}.", self.detail),
                "Check the host name in the URL.".to_string(),
            ),
            Reason::Tls => (
                "The TLS handshake failed.".to_string(),
                format!("The server's certificate is not valid for this host or not trusted ({}).", self.detail),
            ),
            Reason::Connect => (
                "Could not connect.".to_string(),
                format!("The host refused or dropped the connection ({}).", self.detail),
            ),
            Reason::Blocked => (
                format!("Refused: {}.", self.detail),
                "Targets must be public addresses; an operator can allow a network with --allow-target-network."
                    .to_string(),
            ),
            Reason::InvalidTarget => (format!("The target is not valid: {}.", self.detail), String::new()),
            Reason::Gone => (
                "The endpoint answered 410 Gone: it takes no more deliveries.".to_string(),
                "Check the URL with the receiver's owner. After a delivery gets this answer, Herald disables the target until the rule is saved again."
                    .to_string(),
            ),
            Reason::CircuitOpen => (
                format!("Not sent: {}.", self.detail),
                "The target kept timing out or refusing connections; Herald tries it again by itself and sends what waited once it answers."
                    .to_string(),
            ),
        };
        TestVerdict {
            ok: self.is_delivered(),
            reason: self.reason,
            summary,
            hint,
            status: self.status,
            provider_code: self.provider_code,
            latency_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_that_cannot_be_built_fails_at_once() {
        let err = reqwest::Client::new()
            .post("http://example.com/hook")
            .header("ce-my attr", "x")
            .build()
            .unwrap_err();
        let outcome = Outcome::from_transport(&err);
        assert_eq!(outcome.reason, Reason::InvalidTarget, "{outcome:?}");
        assert!(!outcome.is_retryable());
    }

    #[test]
    fn rate_limits_and_server_errors_are_retried_but_signature_problems_are_not() {
        assert!(Outcome::failed(Reason::RateLimited, Some(200), Some(130101), "").is_retryable());
        assert!(Outcome::failed(Reason::HttpStatus, Some(503), None, "").is_retryable());
        assert!(Outcome::failed(Reason::HttpStatus, Some(408), None, "").is_retryable());
        assert!(!Outcome::failed(Reason::HttpStatus, Some(404), None, "").is_retryable());
        assert!(
            !Outcome::failed(Reason::SignatureMismatch, Some(200), Some(310000), "").is_retryable()
        );
        assert!(!Outcome::failed(Reason::Blocked, None, None, "").is_retryable());
    }

    #[test]
    fn signature_verdict_tells_the_user_what_to_check() {
        let v = Outcome::failed(
            Reason::SignatureMismatch,
            Some(200),
            Some(310000),
            "sign not match",
        )
        .verdict(12, 10);
        assert!(!v.ok);
        assert!(v.summary.contains("Signature mismatch or keyword missing"));
        assert!(v.summary.contains("310000"));
        assert!(v.hint.contains("signing key"));
    }
}

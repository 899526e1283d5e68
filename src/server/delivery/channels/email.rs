//! Email through the operator's SMTP relay (lettre): `smtps://` for implicit TLS,
//! `smtp://…?tls=required` for STARTTLS, plain `smtp://` for a local relay. Text and HTML
//! parts; one message per delivery, sent to every contact of the target that has an
//! address as a blind copy, so no contact sees the others' addresses. The relay's credentials live in the [`Mailer`]; the target itself has no
//! secrets.

use super::{ChannelContext, Job, Message, Sent};
use crate::domain::target::{Reason, TargetConfig};
use crate::server::delivery::outcome::Outcome;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::{Duration, Instant};

/// The relay and the sender address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .finish()
    }
}

impl Mailer {
    /// From `--smtp-url` and `--smtp-from`.
    pub fn new(url: &str, from: &str, timeout: Duration) -> anyhow::Result<Mailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("--smtp-url: {e}"))?
            .timeout(Some(timeout))
            .build();
        let from: Mailbox = from
            .parse()
            .map_err(|e| anyhow::anyhow!("--smtp-from {from:?}: {e}"))?;
        Ok(Mailer { transport, from })
    }

    /// Send `msg` to every `(name, address)`, each a blind copy.
    pub async fn deliver(&self, to: &[(String, String)], msg: &Message) -> (Outcome, u64) {
        let started = Instant::now();
        let elapsed = |s: Instant| s.elapsed().as_millis() as u64;
        let mut builder = lettre::Message::builder()
            .from(self.from.clone())
            .subject(msg.title.clone());
        for (name, address) in to {
            match address.parse() {
                // Blind copies: the contacts of a target are often strangers to each other,
                // and none should learn the others' addresses. (lettre leaves the Bcc header
                // out of the message it sends; the envelope still names every recipient.)
                Ok(addr) => builder = builder.bcc(Mailbox::new(Some(name.clone()), addr)),
                Err(e) => {
                    return (
                        Outcome::failed(
                            Reason::InvalidTarget,
                            None,
                            None,
                            format!("{name}'s address {address:?} is not usable: {e}"),
                        ),
                        0,
                    )
                }
            }
        }
        let text = msg.lines.join("\n");
        let html = msg.html.clone();
        let email = match builder.multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(text),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(html),
                ),
        ) {
            Ok(m) => m,
            Err(e) => {
                return (
                    Outcome::failed(Reason::InvalidTarget, None, None, e.to_string()),
                    0,
                )
            }
        };
        match self.transport.send(email).await {
            Ok(response) => {
                let code: u16 = response.code().to_string().parse().unwrap_or(250);
                (Outcome::delivered(code), elapsed(started))
            }
            Err(e) => {
                // SMTP codes are not HTTP statuses: they go in the detail, not `status`.
                let code = e.status().map(|c| c.to_string());
                let reason = if e.is_permanent() {
                    // 5xx from the relay (mailbox refused, bad credentials): never retried.
                    Reason::ProviderError
                } else if e.is_timeout() {
                    Reason::Timeout
                } else {
                    // Transient replies (4xx) and connection trouble: worth a retry.
                    Reason::Connect
                };
                let detail = match code {
                    Some(c) => format!("SMTP {c}: {e}"),
                    None => format!("SMTP: {e}"),
                };
                (
                    Outcome::failed(reason, None, None, detail),
                    elapsed(started),
                )
            }
        }
    }
}

/// An email target. Its settings are its contacts, which the caller reads into the job.
pub struct Email;

impl Email {
    /// An email target's settings; `None` for another kind.
    pub fn open(config: &TargetConfig) -> Option<Email> {
        matches!(config, TargetConfig::Email { .. }).then_some(Email)
    }

    /// Render the job's message and send it to every contact with an address, or refuse
    /// when no relay is configured.
    pub async fn send(&self, ctx: &ChannelContext<'_>, job: &Job<'_>) -> Sent {
        let Some(mailer) = ctx.mailer else {
            return Sent::refused(
                "no SMTP relay is configured on this Herald (--smtp-url); the email was not sent",
            );
        };
        let to: Vec<(String, String)> = job
            .contacts
            .iter()
            .filter_map(|c| Some((c.name.clone(), c.email.clone()?)))
            .collect();
        if to.is_empty() {
            return Sent::refused("none of the target's contacts has an email address");
        }
        let msg = job.message(ctx.public_url);
        let names: Vec<&str> = to.iter().map(|(n, _)| n.as_str()).collect();
        let request = format!(
            "SMTP to {}\nSubject: {}\n\n{}",
            names.join(", "),
            msg.title,
            msg.lines.join("\n")
        );
        let (outcome, latency_ms) = mailer.deliver(&to, &msg).await;
        Sent {
            outcome,
            latency_ms,
            request,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bad_relay_urls_and_senders_are_refused() {
        assert!(Mailer::new(
            "nonsense://x",
            "Herald <h@example.com>",
            Duration::from_secs(1)
        )
        .is_err());
        assert!(Mailer::new(
            "smtp://127.0.0.1:2525",
            "not an address",
            Duration::from_secs(1)
        )
        .is_err());
        assert!(Mailer::new(
            "smtp://127.0.0.1:2525",
            "Herald <h@example.com>",
            Duration::from_secs(1)
        )
        .is_ok());
    }
}

//! SMS and voice targets: one file, as they differ only in the medium. The message goes to
//! each contact of the target with a phone number, one request a number, through the
//! operator's provider (Alibaba Cloud when configured, else Twilio; `aliyun`, `twilio`).
//! A retry goes only to the numbers earlier attempts did not reach, and the caller hears of
//! each number reached as it happens. The target itself has no secrets; the provider's
//! credentials are named so an answer that echoes them is kept without them.

use super::twilio::Medium;
use super::{aliyun, twilio, ChannelContext, Job, Message, OnReached, Sent};
use crate::domain::target::{Reason, TargetConfig};
use crate::server::delivery::outcome::Outcome;

/// An SMS or voice target. Its settings are its contacts, which the caller reads into the
/// job, and the medium.
pub struct Phone {
    pub medium: Medium,
}

/// The operator's SMS and voice provider.
#[derive(Clone, Copy)]
enum Provider<'a> {
    Aliyun(&'a aliyun::Aliyun),
    Twilio(&'a twilio::Twilio),
}

impl<'a> Provider<'a> {
    fn of(ctx: &ChannelContext<'a>) -> Option<Provider<'a>> {
        match (ctx.aliyun, ctx.twilio) {
            (Some(a), _) => Some(Provider::Aliyun(a)),
            (None, Some(t)) => Some(Provider::Twilio(t)),
            (None, None) => None,
        }
    }

    /// Where `medium` goes and what it carries (no credentials).
    fn describe(self, medium: Medium, msg: &Message) -> (String, String) {
        match self {
            Provider::Aliyun(a) => aliyun::describe(a, medium, msg),
            Provider::Twilio(t) => twilio::describe(t, medium, msg),
        }
    }

    /// Why nothing can be sent with this provider's settings, if so.
    fn unready(self, medium: Medium) -> Option<String> {
        match self {
            Provider::Aliyun(a) => aliyun::missing(a, medium).map(|flags| {
                format!("Alibaba Cloud needs {flags} on this Herald; nothing was sent")
            }),
            Provider::Twilio(_) => None,
        }
    }

    async fn send_one(
        self,
        client: &reqwest::Client,
        medium: Medium,
        phone: String,
        msg: &Message,
    ) -> (Outcome, u64) {
        match self {
            Provider::Aliyun(a) => aliyun::send_one(client, a, medium, phone, msg).await,
            Provider::Twilio(t) => twilio::send_one(client, t, medium, phone, msg).await,
        }
    }
}

impl Phone {
    /// An SMS or voice target's settings; `None` for another kind.
    pub fn open(config: &TargetConfig) -> Option<Phone> {
        match config {
            TargetConfig::Sms { .. } => Some(Phone {
                medium: Medium::Sms,
            }),
            TargetConfig::Voice { .. } => Some(Phone {
                medium: Medium::Voice,
            }),
            _ => None,
        }
    }

    /// The provider's credentials (Twilio's auth token, Alibaba's AccessKey secret).
    pub fn secrets<'s>(&self, ctx: &'s ChannelContext<'_>) -> Vec<&'s str> {
        let mut out = Vec::new();
        out.extend(ctx.twilio.map(|t| t.auth_token.as_str()));
        out.extend(ctx.aliyun.map(|a| a.access_key_secret.as_str()));
        out
    }

    /// Render the job's message and send it to each contact not reached yet, or refuse
    /// when no provider is configured.
    pub async fn send(&self, ctx: &ChannelContext<'_>, job: &Job<'_>) -> Sent {
        let Some(provider) = Provider::of(ctx) else {
            return Sent::refused(
                "no SMS or voice provider is configured on this Herald (--aliyun-* or --twilio-*); the message was not sent",
            );
        };
        let to: Vec<(String, String)> = job
            .contacts
            .iter()
            .filter_map(|c| Some((c.name.clone(), c.phone.clone()?)))
            .collect();
        if to.is_empty() {
            return Sent::refused("none of the target's contacts has a phone number");
        }
        // A retry goes only to the numbers earlier attempts did not reach.
        let already = job.reached;
        let (to, skipped): (Vec<_>, Vec<_>) =
            to.into_iter().partition(|(_, p)| !already.contains(p));
        if to.is_empty() {
            let mut done = Outcome::delivered(201);
            done.detail = format!(
                "every contact was reached by an earlier attempt ({})",
                names(&skipped)
            );
            done.reached = Some(already.to_vec());
            return Sent::unsent(done);
        }
        let msg = job.message(ctx.public_url);
        // What the log shows: the provider's endpoint, who, and the content (no credentials).
        let (endpoint, content) = provider.describe(self.medium, &msg);
        let mut request = format!("POST {endpoint} to {}", names(&to));
        if !skipped.is_empty() {
            request.push_str(&format!(" (reached before: {})", names(&skipped)));
        }
        request.push_str(&format!("\n\n{content}"));
        let (outcome, latency_ms) = match provider.unready(self.medium) {
            Some(why) => {
                let mut refused = Outcome::failed(Reason::InvalidTarget, None, None, why);
                refused.reached = Some(already.to_vec());
                (refused, 0)
            }
            None => {
                let http = ctx.out.http();
                let medium = self.medium;
                let msg = &msg;
                per_contact(&to, already, job.on_reached, |phone| {
                    provider.send_one(http, medium, phone, msg)
                })
                .await
            }
        };
        Sent {
            outcome,
            latency_ms,
            request,
        }
    }
}

fn names(people: &[(String, String)]) -> String {
    people
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Send to each `(name, phone)` in turn with `send_one`, after `already` was reached; the
/// worst outcome wins, naming who was not reached, and the outcome's `reached` lists every
/// number reached so far, `already` included. `on_reached` hears that list after each
/// number that accepted the message.
async fn per_contact<F, Fut>(
    to: &[(String, String)],
    already: &[String],
    on_reached: Option<OnReached<'_>>,
    mut send_one: F,
) -> (Outcome, u64)
where
    F: FnMut(String) -> Fut,
    Fut: std::future::Future<Output = (Outcome, u64)>,
{
    let mut total_ms = 0;
    let mut failures: Vec<(String, Outcome)> = Vec::new();
    let mut reached: Vec<String> = already.to_vec();
    let mut reached_now = 0;
    // The provider's own success answer (Twilio's 201, Alibaba's 200) is what is recorded.
    let mut accepted = Outcome::delivered(200);
    for (name, phone) in to {
        let (outcome, ms) = send_one(phone.clone()).await;
        total_ms += ms;
        if outcome.is_delivered() {
            reached.push(phone.clone());
            reached_now += 1;
            if let Some(hook) = on_reached {
                hook(&reached);
            }
            accepted = outcome;
        } else {
            failures.push((name.clone(), outcome));
        }
    }
    if failures.is_empty() {
        accepted.reached = Some(reached);
        return (accepted, total_ms);
    }
    let names: Vec<&str> = failures.iter().map(|(n, _)| n.as_str()).collect();
    // Retry when any failure is worth it; otherwise the first permanent one stands.
    let (_, mut worst) = failures
        .iter()
        .find(|(_, o)| o.is_retryable())
        .cloned()
        .unwrap_or_else(|| failures[0].clone());
    worst.detail = format!(
        "not reached: {} ({}); {} of {} reached",
        names.join(", "),
        worst.detail,
        reached_now,
        to.len()
    );
    worst.reached = Some(reached);
    (worst, total_ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn people() -> Vec<(String, String)> {
        ["Alice:+1", "Bob:+2", "Carol:+3"]
            .iter()
            .map(|p| {
                let (n, ph) = p.split_once(':').unwrap();
                (n.to_string(), ph.to_string())
            })
            .collect()
    }

    #[tokio::test]
    async fn each_number_reached_is_reported_at_once_with_the_earlier_ones() {
        let heard: Mutex<Vec<Vec<String>>> = Mutex::new(Vec::new());
        let hook = |r: &[String]| heard.lock().unwrap().push(r.to_vec());
        let (outcome, _) =
            per_contact(&people(), &["+0".into()], Some(&hook), |phone| async move {
                if phone == "+2" {
                    (
                        Outcome::failed(Reason::HttpStatus, Some(503), None, "busy"),
                        5,
                    )
                } else {
                    (Outcome::delivered(201), 5)
                }
            })
            .await;
        assert_eq!(
            *heard.lock().unwrap(),
            vec![vec!["+0", "+1"], vec!["+0", "+1", "+3"]]
        );
        assert_eq!(outcome.reason, Reason::HttpStatus);
        assert_eq!(
            outcome.reached,
            Some(vec!["+0".into(), "+1".into(), "+3".into()])
        );
        assert_eq!(outcome.detail, "not reached: Bob (busy); 2 of 3 reached");
    }

    #[tokio::test]
    async fn when_everyone_answers_the_providers_success_is_recorded() {
        let (outcome, ms) = per_contact(&people(), &[], None, |_| async {
            (Outcome::delivered(201), 2)
        })
        .await;
        assert_eq!(outcome.status, Some(201));
        assert_eq!(ms, 6);
        assert_eq!(outcome.reached.map(|r| r.len()), Some(3));
    }
}

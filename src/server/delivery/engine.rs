//! The delivery engine: workers claim due deliveries with a lease (so a crashed worker's
//! claims come back), send each through its channel, record the attempt, and decide what
//! comes next: delivered; retried later (timeouts, connection errors, 5xx, 429 honouring
//! `Retry-After`, the providers' rate-limit codes) on the configured schedule with jitter;
//! failed at once on a permanent error; dead when the schedule is used up.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::channels::{self, now_ms, ChannelContext, Contact, Job, Message, Payload, Sent};
use super::outcome::Outcome;
use super::pacing;
pub use super::queue::Wake;
use super::render;
use crate::domain::catalog::TargetKind;
use crate::domain::target::{Reason, TargetConfig};
use crate::server::state::AppState;
use crate::server::store::events::{self, AttemptRecord, Due};
use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinSet;

/// How long a claim holds before another worker may take the delivery: longer than any
/// attempt (a call to several contacts, each up to the timeout). A restart releases claims
/// at once, so this only matters for a hung worker.
pub const LEASE_MS: i64 = 600_000;
/// Deliveries a worker claims at once (and sends concurrently).
pub const BATCH: i64 = 64;
/// How often an idle worker looks for due retries.
const POLL: Duration = Duration::from_millis(250);
/// The longest `Retry-After` honoured.
const MAX_RETRY_AFTER_S: u64 = 3600;
/// Attempt records keep this much of a request or response.
const KEEP_BYTES: usize = 2048;

/// The running workers; [`Engine::stop`] lets them finish what they hold.
pub struct Engine {
    stop: watch::Sender<bool>,
    workers: JoinSet<()>,
    state: AppState,
}

impl Engine {
    /// Start `state.config.workers` workers, after releasing the claims a previous process
    /// may have left behind.
    pub async fn start(state: &AppState) -> Engine {
        match events::release_leases(&state.pool).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                deliveries = n,
                "resuming deliveries left claimed by a previous run"
            ),
            Err(e) => tracing::warn!(error = %e, "releasing old delivery claims"),
        }
        let (stop, rx) = watch::channel(false);
        let mut workers = JoinSet::new();
        for _ in 0..state.config.workers.max(1) {
            workers.spawn(worker(state.clone(), rx.clone()));
        }
        state.wake.open();
        Engine {
            stop,
            workers,
            state: state.clone(),
        }
    }

    /// Stop claiming, finish the attempts in flight, and return when all workers are done;
    /// deliveries still queued in memory are released in the database for the next run.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        while self.workers.join_next().await.is_some() {}
        let left: Vec<(i64, i64)> = self
            .state
            .wake
            .close()
            .iter()
            .map(|d| (d.id, d.lease_until))
            .collect();
        if let Err(e) = events::release(&self.state.pool, &left).await {
            // Their leases run out by themselves, and start-up releases them anyway.
            tracing::warn!(error = %e, deliveries = left.len(), "releasing queued deliveries");
        }
    }
}

async fn worker(state: AppState, mut stop: watch::Receiver<bool>) {
    // When this worker last looked in the database; it looks at least every POLL even
    // while the queue keeps it busy, so retries are not starved by fresh events.
    let mut looked = Instant::now() - POLL;
    loop {
        if *stop.borrow() {
            return;
        }
        // Register for a wake-up before looking, so an event stored meanwhile is not missed.
        let notified = state.wake.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let mut batch = state.wake.take(BATCH as usize);
        // A delivery that waited in memory for half its lease is left to the database:
        // once the lease runs out a claim takes it (with the target's current settings),
        // and this copy must not be sent as well.
        let fresh_until = now_ms() + LEASE_MS / 2;
        batch.retain(|d| d.lease_until > fresh_until);
        let room = if batch.is_empty() {
            BATCH
        } else if looked.elapsed() >= POLL {
            BATCH / 4
        } else {
            0
        };
        if room > 0 {
            looked = Instant::now();
            match events::claim_due(&state.pool, now_ms(), LEASE_MS, room).await {
                Ok(claimed) => batch.extend(claimed),
                Err(e) => {
                    if state.pool.is_closed() {
                        return;
                    }
                    tracing::warn!(error = %e, "claiming deliveries");
                    if batch.is_empty() {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                }
            }
        }
        if batch.is_empty() {
            tokio::select! {
                _ = notified => {}
                _ = tokio::time::sleep(POLL) => {}
                _ = stop.changed() => {}
            }
            continue;
        }
        let mut set = JoinSet::new();
        let mut records = Vec::with_capacity(BATCH as usize);
        // Chat robots are paced by their URL (targets of several rules may share one);
        // what waits for one target goes out together as a digest.
        let mut robots: HashMap<i64, (String, Vec<Due>)> = HashMap::new();
        for due in batch {
            let paced = TargetKind::parse(&due.kind).is_some_and(|k| !pacing::limits(k).is_empty());
            let robot = match (paced, due.target_id) {
                (true, Some(target)) => robots
                    .get(&target)
                    .map(|(url, _)| url.clone())
                    .or_else(|| open_config(&state, &due).ok()?.url().map(str::to_string))
                    .map(|url| (target, url)),
                _ => None,
            };
            match robot {
                Some((target, url)) => robots
                    .entry(target)
                    .or_insert_with(|| (url, Vec::new()))
                    .1
                    .push(due),
                // Not paced, or settings that cannot be opened (the attempt says so).
                None => {
                    let state = state.clone();
                    set.spawn(async move { vec![attempt(&state, due).await] });
                }
            }
        }
        let now = now_ms();
        for (url, group) in robots.into_values() {
            let kind = TargetKind::parse(&group[0].kind).unwrap_or(TargetKind::DingTalk);
            match state.pacer.take(&url, kind, now) {
                Ok(()) => {
                    let state = state.clone();
                    set.spawn(async move { attempt_digest(&state, group).await });
                }
                Err(when) => records.extend(group.iter().map(|d| deferred(d, when))),
            }
        }
        while let Some(done) = set.join_next().await {
            match done {
                Ok(done) => records.extend(done),
                Err(e) => tracing::error!(error = %e, "a delivery attempt panicked"),
            }
        }
        // If this fails the leases run out and the deliveries are tried again: at least once.
        let disable_after = state.config.disable_failing_after.as_millis() as i64;
        match events::record(&state.pool, &records, now_ms(), disable_after).await {
            Ok(disabled) => {
                for target in disabled {
                    tracing::warn!(
                        target,
                        "target disabled: it failed without a break for too long, or its endpoint answered 410 Gone"
                    );
                    let state = state.clone();
                    tokio::spawn(async move { tell_owner(&state, target).await });
                }
            }
            Err(e) => tracing::error!(error = %e, "recording delivery attempts"),
        }
    }
}

fn rfc3339_now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Up to [`KEEP_BYTES`] of `text`, on a character boundary.
fn keep(text: &str) -> String {
    if text.len() <= KEEP_BYTES {
        return text.to_string();
    }
    let mut end = KEEP_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// What the next step is after `outcome`, as (status, due at).
pub fn next_step(
    outcome: &Outcome,
    attempts_before: usize,
    schedule: &[Duration],
    now_ms: i64,
    jitter: f64,
) -> (&'static str, i64) {
    if outcome.is_delivered() {
        return ("delivered", now_ms);
    }
    if !outcome.is_retryable() {
        return ("failed", now_ms);
    }
    let Some(delay) = schedule.get(attempts_before) else {
        return ("dead", now_ms);
    };
    // ±20 % so retries of many deliveries spread out.
    let mut wait_ms = (delay.as_millis() as f64 * (1.0 + 0.4 * (jitter - 0.5))) as i64;
    if let Some(after) = outcome.retry_after_s {
        wait_ms = wait_ms.max(after.min(MAX_RETRY_AFTER_S) as i64 * 1000);
    }
    ("pending", now_ms + wait_ms.max(0))
}

/// Send one delivery and say what happened.
async fn attempt(state: &AppState, due: Due) -> AttemptRecord {
    let config = open_config(state, &due);
    // An HTTP target may limit its own rate: beyond it the delivery waits.
    if let (
        Some(target),
        Ok(TargetConfig::Http {
            max_per_second: Some(limit),
            ..
        }),
    ) = (due.target_id, &config)
    {
        if let Err(when) = state.pacer.take_rate(target, *limit, now_ms()) {
            return deferred(&due, when);
        }
    }
    let started_at = rfc3339_now();
    let sent = match config {
        Ok(config) => deliver(state, &due, &config, None).await,
        Err(why) => Sent::refused(why),
    };
    settle(
        state,
        &due,
        started_at,
        sent.outcome,
        sent.latency_ms,
        sent.request,
    )
}

/// The target's settings, opened once per attempt; why not (a permanent failure, see
/// [`Sent::refused`]) when they are gone or cannot be opened.
fn open_config(state: &AppState, due: &Due) -> Result<TargetConfig, &'static str> {
    let Some(sealed) = &due.config else {
        return Err("the target was deleted after this event arrived");
    };
    state
        .secrets
        .open(sealed)
        .ok()
        .and_then(|json| serde_json::from_str(&json).ok())
        .ok_or("the target's settings cannot be opened (was the secret key changed?)")
}

/// Several deliveries waiting for one robot: one digest message, one outcome for all.
async fn attempt_digest(state: &AppState, group: Vec<Due>) -> Vec<AttemptRecord> {
    if group.len() == 1 {
        let due = group.into_iter().next().expect("one delivery");
        return vec![attempt(state, due).await];
    }
    let started_at = rfc3339_now();
    let workspace = group[0]
        .workspace
        .clone()
        .unwrap_or_else(|| group[0].bus.clone());
    let items: Vec<(Value, String)> = group
        .iter()
        .map(|d| {
            (
                serde_json::from_str(&d.envelope).unwrap_or(Value::Null),
                event_link(state, d),
            )
        })
        .collect();
    // Only what fits in one message goes now; the rest waits for the robot's next slot.
    let fits = render::digest_fit(&workspace, &items, render::DIGEST_MAX_BYTES);
    let (group, later) = group.split_at(fits.max(1).min(group.len()));
    let digest = render::digest(&workspace, &items[..group.len()]);
    let sent = match open_config(state, &group[0]) {
        Ok(config) => deliver(state, &group[0], &config, Some(&digest)).await,
        Err(why) => Sent::refused(why),
    };
    let request = format!("digest of {} events\n{}", group.len(), sent.request);
    let now = now_ms();
    group
        .iter()
        .map(|due| {
            settle(
                state,
                due,
                started_at.clone(),
                sent.outcome.clone(),
                sent.latency_ms,
                request.clone(),
            )
        })
        .chain(later.iter().map(|due| deferred(due, now)))
        .collect()
}

fn event_link(state: &AppState, due: &Due) -> String {
    channels::event_link(&state.config.public_url(), &due.bus, due.event_id)
}

/// Hand one delivery (or, with `digest`, the deliveries waiting for its robot) to its
/// target's channel: the stored event and the names it is rendered with; for voice, SMS
/// and email the target's contacts, and the numbers earlier attempts reached.
async fn deliver(
    state: &AppState,
    due: &Due,
    config: &TargetConfig,
    digest: Option<&Message>,
) -> Sent {
    let Ok(envelope) = serde_json::from_str::<Value>(&due.envelope) else {
        return Sent::refused("the stored event is not readable");
    };
    let contacts: Vec<Contact> = if channels::needs_contacts(config.kind()) {
        let Some(target) = due.target_id else {
            return Sent::refused("the target was deleted after this event arrived");
        };
        match events::target_contacts(&state.pool, target).await {
            Ok(rows) => rows.into_iter().map(Contact::from).collect(),
            Err(e) => {
                return Sent::unsent(Outcome::failed(
                    Reason::Connect,
                    None,
                    None,
                    format!("reading contacts: {e}"),
                ))
            }
        }
    } else {
        Vec::new()
    };
    let reached: Vec<String> = due
        .reached
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
        .unwrap_or_default();
    let workspace = due.workspace.clone().unwrap_or_else(|| due.bus.clone());
    let public_url = state.config.public_url();
    let ctx = ChannelContext {
        out: &state.sender,
        mailer: state.mailer.as_ref(),
        twilio: state.twilio.as_ref(),
        aliyun: state.aliyun.as_ref(),
        public_url: &public_url,
    };
    let job = Job {
        config,
        payload: match digest {
            Some(message) => Payload::Digest(message),
            None => Payload::Event {
                envelope: &envelope,
                event_id: due.event_id,
            },
        },
        webhook_id: &due.webhook_id,
        workspace: &workspace,
        bus: &due.bus,
        rule: due.rule.as_deref().unwrap_or("(deleted rule)"),
        contacts: &contacts,
        reached: &reached,
        // The attempt's record keeps every number reached when it settles; persisting
        // progress between contacts is for the worker to add through this hook.
        on_reached: None,
    };
    channels::dispatch(&ctx, &job).await
}

/// Turn an attempt's outcome into its record and the delivery's next state.
fn settle(
    state: &AppState,
    due: &Due,
    started_at: String,
    outcome: Outcome,
    latency_ms: u64,
    request: String,
) -> AttemptRecord {
    let now = now_ms();
    let (status, next_attempt_at) = next_step(
        &outcome,
        due.attempts.max(0) as usize,
        &state.config.retry_schedule.0,
        now,
        rand::random::<f64>(),
    );
    let metric = if status == "pending" { "retry" } else { status };
    state.metrics.attempt(&due.kind, metric, latency_ms);
    if status != "delivered" {
        tracing::info!(
            delivery = due.id,
            kind = %due.kind,
            reason = ?outcome.reason,
            status,
            "delivery attempt did not succeed"
        );
    }
    AttemptRecord {
        delivery_id: due.id,
        lease_until: due.lease_until,
        target_id: due.target_id,
        started_at,
        latency_ms: latency_ms as i64,
        request: keep(&request),
        response_status: outcome.status.map(i64::from),
        // The answer as received; a failure without one (a timeout, say) keeps its detail.
        response_body: if !outcome.response.is_empty() {
            Some(keep(&outcome.response))
        } else {
            (!outcome.detail.is_empty()).then(|| keep(&outcome.detail))
        },
        reason: outcome.reason.as_str().to_string(),
        detail: keep(&outcome.detail),
        status,
        next_attempt_at,
        deferred: false,
        reached: outcome
            .reached
            .as_ref()
            .map(|r| serde_json::to_string(r).unwrap_or_default()),
    }
}

/// A delivery that waits for its robot's budget: no attempt, due again at `when`.
fn deferred(due: &Due, when: i64) -> AttemptRecord {
    AttemptRecord {
        delivery_id: due.id,
        lease_until: due.lease_until,
        target_id: due.target_id,
        started_at: String::new(),
        latency_ms: 0,
        request: String::new(),
        response_status: None,
        response_body: None,
        reason: String::new(),
        detail: String::new(),
        status: "pending",
        next_attempt_at: when,
        deferred: true,
        reached: None,
    }
}

/// Note in the audit log that Herald disabled a target, and email the account owner when
/// an SMTP relay is configured (the rule list flags it either way).
async fn tell_owner(state: &AppState, target: i64) {
    let found = match events::disabled_target(&state.pool, target).await {
        Ok(Some(found)) => found,
        Ok(None) => return,
        Err(e) => {
            tracing::warn!(error = %e, "reading a disabled target's owner");
            return;
        }
    };
    // Herald changed the configuration: the audit log says so, as for any change.
    super::super::service::audit::by_herald(
        state,
        found.account_id,
        "herald:DisableTarget",
        &crate::domain::policy::Resource::rule(found.account_id, &found.bus, &found.rule).arn,
        serde_json::json!({ "target": target, "kind": found.kind, "enabled": true }),
        serde_json::json!({ "target": target, "enabled": false, "reason": found.reason }),
    )
    .await;
    let Some(mailer) = &state.mailer else { return };
    let Some(email) = found.owner_email.clone() else {
        return;
    };
    let link = format!("{}/buses/{}", state.config.public_url(), found.bus);
    let msg = Message {
        title: format!(
            "[Herald] A {} target of rule {} was disabled",
            found.kind, found.rule
        ),
        markdown: String::new(),
        lines: vec![
            format!("Bus: {}", found.bus),
            format!("Rule: {}", found.rule),
            format!(
                "Why: {}",
                found
                    .reason
                    .clone()
                    .unwrap_or_else(|| "it kept failing".into())
            ),
            "No events go to it until the rule is saved again.".into(),
            link,
        ],
    };
    let (outcome, _) = mailer.deliver(&[(found.owner_name, email)], &msg).await;
    if !outcome.is_delivered() {
        tracing::warn!(detail = %outcome.detail, "telling the owner about a disabled target");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::delivery::channels::{dingtalk, lark, wecom};

    fn schedule() -> Vec<Duration> {
        vec![Duration::from_secs(5), Duration::from_secs(30)]
    }

    #[test]
    fn delivered_failed_retried_and_dead() {
        let ok = Outcome::delivered(200);
        assert_eq!(next_step(&ok, 0, &schedule(), 1000, 0.5).0, "delivered");
        let sig = Outcome::failed(
            Reason::SignatureMismatch,
            Some(200),
            Some(310000),
            "sign not match",
        );
        assert_eq!(next_step(&sig, 0, &schedule(), 1000, 0.5).0, "failed");
        let not_found = Outcome::failed(Reason::HttpStatus, Some(404), None, "");
        assert_eq!(next_step(&not_found, 0, &schedule(), 1000, 0.5).0, "failed");
        let busy = Outcome::failed(Reason::HttpStatus, Some(503), None, "");
        assert_eq!(
            next_step(&busy, 0, &schedule(), 1000, 0.5),
            ("pending", 6000)
        );
        assert_eq!(
            next_step(&busy, 1, &schedule(), 1000, 0.5),
            ("pending", 31000)
        );
        assert_eq!(next_step(&busy, 2, &schedule(), 1000, 0.5).0, "dead");
    }

    #[test]
    fn jitter_stays_within_twenty_percent() {
        let t = Outcome::failed(Reason::Timeout, None, None, "");
        let (_, low) = next_step(&t, 0, &schedule(), 0, 0.0);
        let (_, high) = next_step(&t, 0, &schedule(), 0, 1.0);
        assert_eq!((low, high), (4000, 6000));
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let mut limited = Outcome::failed(Reason::RateLimited, Some(429), None, "");
        limited.retry_after_s = Some(120);
        assert_eq!(next_step(&limited, 0, &schedule(), 0, 0.5).1, 120_000);
        limited.retry_after_s = Some(1_000_000);
        assert_eq!(next_step(&limited, 0, &schedule(), 0, 0.5).1, 3_600_000);
    }

    #[test]
    fn provider_rate_limit_codes_are_retried() {
        for o in [
            dingtalk::classify(130101, "send too fast", 200),
            wecom::classify(45009, "api freq out of limit", 200),
            lark::classify(11232, "frequency limited", 200),
        ] {
            assert_eq!(next_step(&o, 0, &schedule(), 0, 0.5).0, "pending");
        }
        for o in [
            dingtalk::classify(310000, "sign not match", 200),
            wecom::classify(93000, "invalid webhook url", 200),
            lark::classify(19021, "sign match fail", 200),
        ] {
            assert_eq!(next_step(&o, 0, &schedule(), 0, 0.5).0, "failed");
        }
    }
}

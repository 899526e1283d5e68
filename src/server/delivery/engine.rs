//! The delivery engine: a dispatcher starts each delivery's attempt as soon as a slot is
//! free, every attempt runs on its own, and a recorder writes the results as they come.
//!
//! - **Independent attempts.** Nothing waits for another attempt's network: the dispatcher
//!   keeps up to `--max-in-flight` attempts running, starts the next one the moment one
//!   ends, and each result goes to the recorder, which writes whatever has arrived in one
//!   transaction (group commit of results; the waits are never batched).
//! - **Fair and isolated.** Deliveries wait in the fair queue ([`super::queue`]) and are
//!   claimed from the database ([`events::claim_due`]) round-robin across accounts and
//!   targets, by a claimer task of its own, so the dispatcher never waits for a claim.
//!   A target has at most `--max-in-flight-per-target` attempts running (a chat robot one:
//!   what waits for it goes out as one digest, paced below its provider's limit), so a
//!   slow receiver holds a handful of slots, never all of them; deliveries that wait in
//!   memory too long go back to the database without a lease. A target that keeps timing
//!   out or refusing connections is short-circuited ([`super::breaker`]).
//! - **Leases.** A claim holds a delivery for `--delivery-lease-secs`; a running attempt
//!   renews it every quarter of that,
//!   and SMS and voice store each contact reached as they go, so a lease that runs out
//!   never resends to someone already reached. A killed process's leases come back: at
//!   start-up on SQLite; on PostgreSQL, shared by several nodes, when they run out.
//! - **Several nodes (PostgreSQL).** Claims skip what another node is claiming
//!   (`FOR UPDATE SKIP LOCKED`) and commit before anything is sent; a listener wakes idle
//!   workers when another node stores deliveries nobody holds, the poll as a fallback. A
//!   robot's budget ([`super::pacing`]) and the open circuits are kept in the database, so
//!   they hold across nodes.
//! - **What next.** Delivered; retried later (timeouts, connection errors, 5xx, 429
//!   honouring `Retry-After`, the providers' rate-limit codes) on the configured schedule
//!   with jitter; failed at once on a permanent error; dead when the schedule is used up.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::breaker::{Admit, Breakers, Change};
use super::channels::aliyun::Aliyun;
use super::channels::email::Mailer;
use super::channels::twilio::Twilio;
use super::channels::{
    self, now_ms, ChannelContext, Contact, Job, Message, OnReached, Payload, Sent,
};
use super::outcome::Outcome;
use super::pacing::{self, Pacer};
pub use super::queue::Wake;
use super::queue::{CAPACITY, CLAIM_CHUNK};
use super::render;
use crate::domain::catalog::TargetKind;
use crate::domain::models::DeliveryStatus;
use crate::domain::target::{Reason, TargetConfig};
use crate::server::crypto::target_row;
use crate::server::crypto::SecretBox;
use crate::server::metrics::Metrics;
use crate::server::net::client::Outbound;
use crate::server::store::events::{self, AttemptRecord, ClaimLimits, Due};
use crate::server::store::{circuits, Db};
use serde_json::Value;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

/// How often the claimer looks in the database for due retries, at least.
const POLL: Duration = Duration::from_millis(250);
/// A delivery that waited this long in memory (its target cannot keep up) goes back to
/// the database, where it waits without a lease; at most a quarter of the lease.
const SPILL_AFTER_MS: i64 = 30_000;
/// Most deliveries of one chat robot taken at once: they go out as one digest.
const ROBOT_TAKE: usize = 64;
/// The longest `Retry-After` honoured.
const MAX_RETRY_AFTER_S: u64 = 3600;
/// Attempt records keep this much of a request or response.
const KEEP_BYTES: usize = 2048;
/// Most results written in one transaction: enough to share a commit among many, few
/// enough that ingest, queued at the same write gate, never waits long behind one (a
/// circuit that opens short-circuits its whole backlog at once).
const RECORD_BATCH: usize = 256;

/// What the engine works with: its own context, not the whole application state.
pub struct Ctx {
    pub pool: Db,
    pub wake: Wake,
    /// Opens the targets' sealed settings.
    pub secrets: SecretBox,
    /// The guarded HTTP client for deliveries.
    pub sender: Outbound,
    pub mailer: Option<Mailer>,
    pub twilio: Option<Twilio>,
    pub aliyun: Option<Aliyun>,
    pub pacer: Arc<Pacer>,
    pub metrics: Arc<Metrics>,
    pub breakers: Arc<Breakers>,
    pub config: EngineConfig,
    /// Told the id of each target Herald disables (to audit it and tell the owner).
    pub on_disabled: Arc<dyn Fn(i64) + Send + Sync>,
}

/// The engine's settings.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Delays before each retry.
    pub retry_schedule: Vec<Duration>,
    /// A target failing without a break this long is disabled.
    pub disable_after: Duration,
    /// Where users reach Herald (for links in messages).
    pub public_url: String,
    /// Most attempts running at once.
    pub max_in_flight: usize,
    /// Most attempts running at once for one target (HTTP, email, SMS, voice).
    pub max_in_flight_per_target: usize,
    /// How long a claim holds a delivery (a running attempt renews it every quarter).
    pub lease_ms: i64,
}

/// A message to the recorder.
// Nearly every note is a record: boxing it would allocate once per attempt for nothing.
#[allow(clippy::large_enum_variant)]
enum Note {
    /// An attempt's result, or a delivery that waits without an attempt.
    Record(AttemptRecord),
    /// The target's circuit closed: what waited for it is due now.
    Wake(i64),
}

/// The running engine; [`Engine::stop`] lets it finish what it holds.
pub struct Engine {
    stop: watch::Sender<bool>,
    /// Stops the claimer first, so nothing it claims arrives after the dispatcher closed.
    stop_claims: watch::Sender<bool>,
    claimer: tokio::task::JoinHandle<()>,
    dispatcher: tokio::task::JoinHandle<()>,
    recorder: tokio::task::JoinHandle<()>,
    /// PostgreSQL: the tasks that follow the other nodes (deliveries they store for
    /// anyone, circuits they open and close).
    followers: Vec<tokio::task::JoinHandle<()>>,
}

impl Engine {
    /// Start the claimer, the dispatcher and the recorder. On SQLite, after releasing the
    /// claims a previous process left behind (one process owns the file); on PostgreSQL the
    /// leases may be other running nodes', so a killed node's run out and are claimed then,
    /// a listener wakes the claimer when another node stores work for anyone, and the
    /// circuits other nodes open and close are followed.
    pub async fn start(ctx: Ctx) -> Engine {
        match events::release_leases(&ctx.pool).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                deliveries = n,
                "resuming deliveries left claimed by a previous run"
            ),
            Err(e) => tracing::warn!(error = %e, "releasing old delivery claims"),
        }
        let ctx = Arc::new(ctx);
        let (stop, rx) = watch::channel(false);
        let (notes, inbox) = mpsc::channel(8192);
        let recorder = tokio::spawn(recorder(ctx.clone(), inbox));
        let dispatcher = tokio::spawn(dispatcher(ctx.clone(), notes, rx));
        let (stop_claims, claims_rx) = watch::channel(false);
        let claimer = tokio::spawn(claimer(ctx.clone(), claims_rx));
        ctx.wake.open(ctx.config.lease_ms);
        let followers = if ctx.pool.is_postgres() {
            vec![
                tokio::spawn(listen(ctx.clone())),
                tokio::spawn(follow_circuits(ctx.clone())),
            ]
        } else {
            Vec::new()
        };
        Engine {
            stop,
            stop_claims,
            claimer,
            dispatcher,
            recorder,
            followers,
        }
    }

    /// Stop starting attempts, finish those in flight, write their results, and return;
    /// deliveries still waiting in memory are released in the database for the next run.
    pub async fn stop(self) {
        for follower in &self.followers {
            follower.abort();
        }
        let _ = self.stop_claims.send(true);
        if let Err(e) = self.claimer.await {
            tracing::error!(error = %e, "the delivery claimer ended badly");
        }
        let _ = self.stop.send(true);
        if let Err(e) = self.dispatcher.await {
            tracing::error!(error = %e, "the delivery dispatcher ended badly");
        }
        if let Err(e) = self.recorder.await {
            tracing::error!(error = %e, "the delivery recorder ended badly");
        }
    }
}

/// How long the listener waits before listening again after its connection failed.
const RELISTEN: Duration = Duration::from_secs(1);

/// PostgreSQL: poke the claimer each time any node stores deliveries that nobody holds
/// (ingest on a node whose memory queue is full, or that runs no engine), until the pool
/// closes. Without it the other nodes' workers would find them at their next poll
/// ([`POLL`]), which stays the fallback when the listener's connection is down.
async fn listen(ctx: Arc<Ctx>) {
    while !ctx.pool.is_closed() {
        let mut listener = match events::DueListener::start(&ctx.pool).await {
            Ok(Some(listener)) => listener,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(error = %e, "listening for deliveries stored by other nodes");
                tokio::time::sleep(RELISTEN).await;
                continue;
            }
        };
        loop {
            match listener.next().await {
                Ok(()) => ctx.wake.now(),
                Err(e) => {
                    if !ctx.pool.is_closed() {
                        tracing::warn!(error = %e, "listening for deliveries stored by other nodes");
                        tokio::time::sleep(RELISTEN).await;
                    }
                    break;
                }
            }
        }
    }
}

/// Attempts running, in all and per target.
#[derive(Default)]
struct Flight {
    total: usize,
    per_target: HashMap<i64, usize>,
}

impl Flight {
    fn start(&mut self, target: Option<i64>) {
        self.total += 1;
        if let Some(t) = target {
            *self.per_target.entry(t).or_default() += 1;
        }
    }

    fn end(&mut self, target: Option<i64>) {
        self.total = self.total.saturating_sub(1);
        if let Some(t) = target {
            if let Some(n) = self.per_target.get_mut(&t) {
                *n -= 1;
                if *n == 0 {
                    self.per_target.remove(&t);
                }
            }
        }
    }

    fn running(&self, target: i64) -> usize {
        self.per_target.get(&target).copied().unwrap_or(0)
    }
}

fn is_robot(kind: &str) -> bool {
    TargetKind::parse(kind).is_some_and(|k| !pacing::limits(k).is_empty())
}

/// What the dispatcher decided for one target's deliveries this round.
#[derive(Clone, Copy)]
struct Grant {
    admit: Admit,
    /// Deliveries granted so far.
    n: usize,
}

async fn dispatcher(ctx: Arc<Ctx>, notes: mpsc::Sender<Note>, mut stop: watch::Receiver<bool>) {
    let mut flight = Flight::default();
    let mut running: JoinSet<Option<i64>> = JoinSet::new();
    let mut spilled = Instant::now();
    let cap = ctx.config.max_in_flight_per_target.max(1);
    loop {
        if *stop.borrow() {
            break;
        }
        // Register for a wake-up before looking, so an event stored meanwhile is not missed.
        let notified = ctx.wake.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        while let Some(done) = running.try_join_next() {
            flight.end(done.unwrap_or_else(panicked));
        }
        if spilled.elapsed() >= Duration::from_secs(1) {
            spilled = Instant::now();
            spill(&ctx).await;
        }
        let now = now_ms();
        let room = ctx.config.max_in_flight.saturating_sub(flight.total);
        let mut grants: HashMap<i64, Grant> = HashMap::new();
        let mut taken = Vec::new();
        if room > 0 {
            taken = ctx.wake.take(room, |first, waiting| {
                quota(&ctx, &flight, &mut grants, cap, first, waiting, now)
            });
        }
        if !taken.is_empty() {
            start(&ctx, &notes, &mut flight, &mut running, &grants, taken, now).await;
        }
        tokio::select! {
            Some(done) = running.join_next(), if !running.is_empty() => {
                flight.end(done.unwrap_or_else(panicked));
            }
            _ = &mut notified => {}
            _ = tokio::time::sleep(POLL) => {}
            _ = stop.changed() => {}
        }
    }
    // Finish what runs; what waits in memory goes back to the database.
    while let Some(done) = running.join_next().await {
        flight.end(done.unwrap_or_else(panicked));
    }
    let left: Vec<(i64, i64)> = ctx
        .wake
        .close()
        .iter()
        .map(|d| (d.id, d.lease_until))
        .collect();
    if let Err(e) = events::release(&ctx.pool, &left).await {
        // Their leases run out by themselves (and start-up releases them on SQLite).
        tracing::warn!(error = %e, deliveries = left.len(), "releasing queued deliveries");
    }
}

/// How often the claimer looks again while the memory queue is too full to claim what is
/// due (memory only: no database read).
const REFILL_CHECK: Duration = Duration::from_millis(10);

/// Claim due deliveries from the database into the memory queue: due retries, whatever
/// did not fit in memory at ingest, what other nodes stored for anyone. A task of its own,
/// so the dispatcher never waits for a claim and keeps starting attempts while one runs.
/// It claims when asked ([`Wake::now`]: also when taking leaves a target with less than
/// half a claim waiting, so a fast target with a backlog in the database is refilled
/// before its queue runs dry), at least every [`POLL`], and again at once while claims
/// come back full.
async fn claimer(ctx: Arc<Ctx>, mut stop: watch::Receiver<bool>) {
    let mut looked = Instant::now() - POLL;
    // More was due in the database than the last claim took.
    let mut more = true;
    // Where the round-robin over accounts starts.
    let mut turn: usize = 0;
    let cap = ctx.config.max_in_flight_per_target.max(1);
    loop {
        if *stop.borrow() {
            break;
        }
        let asked = ctx.wake.claim_asked();
        tokio::pin!(asked);
        asked.as_mut().enable();
        let claim_room = CLAIM_CHUNK.min(CAPACITY.saturating_sub(ctx.wake.queued()));
        if claim_room > 0 && (ctx.wake.take_look() || more || looked.elapsed() >= POLL) {
            looked = Instant::now();
            // A target with a claim's worth waiting in memory is left out.
            let busy: Vec<i64> = ctx
                .wake
                .waiting_by_target()
                .into_iter()
                .filter(|(_, n)| *n >= CLAIM_CHUNK)
                .map(|(t, _)| t)
                .collect();
            let limits = ClaimLimits {
                total: claim_room,
                per_target: cap,
                per_robot: ROBOT_TAKE,
                busy: &busy,
                turn,
            };
            turn = turn.wrapping_add(1);
            let now = now_ms();
            match events::claim_due(&ctx.pool, now, ctx.config.lease_ms, &limits).await {
                Ok(claimed) => {
                    more = claimed.len() >= claim_room / 2;
                    if !claimed.is_empty() {
                        ctx.wake.push(claimed, now);
                    }
                }
                Err(e) => {
                    more = false;
                    if ctx.pool.is_closed() {
                        break;
                    }
                    tracing::warn!(error = %e, "claiming deliveries");
                }
            }
            if more {
                continue;
            }
        }
        // More is due, but the queue was too full to claim it.
        let refill = if more { REFILL_CHECK } else { POLL };
        tokio::select! {
            _ = &mut asked => {}
            _ = tokio::time::sleep(refill) => {}
            _ = stop.changed() => {}
        }
    }
}

fn panicked(e: tokio::task::JoinError) -> Option<i64> {
    tracing::error!(error = %e, "a delivery attempt panicked");
    None
}

/// How many of a target's `waiting` deliveries may start now: its free slots (a robot: all
/// of them as one digest when nothing is running for it), one probe when its circuit is
/// half-open, and all of them when it is open (they are short-circuited, using no slot).
fn quota(
    ctx: &Ctx,
    flight: &Flight,
    grants: &mut HashMap<i64, Grant>,
    cap: usize,
    first: &Due,
    waiting: usize,
    now: i64,
) -> usize {
    let Some(target) = first.target_id else {
        // The target was deleted: each fails at once.
        return waiting;
    };
    let grant = grants.entry(target).or_insert_with(|| Grant {
        admit: ctx.breakers.admit(target, now),
        n: 0,
    });
    let n = match grant.admit {
        Admit::ShortCircuit { .. } => waiting,
        Admit::Probe => usize::from(grant.n == 0),
        Admit::Send if is_robot(&first.kind) => {
            if flight.running(target) + grant.n == 0 {
                waiting.min(ROBOT_TAKE)
            } else {
                0
            }
        }
        Admit::Send => cap
            .saturating_sub(flight.running(target) + grant.n)
            .min(waiting),
    };
    grant.n += n;
    n
}

/// Give the deliveries that waited too long in memory back to the database.
async fn spill(ctx: &Ctx) {
    let old: Vec<(i64, i64)> = ctx
        .wake
        .spill(now_ms() - SPILL_AFTER_MS.min(ctx.config.lease_ms / 4))
        .iter()
        .map(|d| (d.id, d.lease_until))
        .collect();
    if old.is_empty() {
        return;
    }
    tracing::debug!(
        deliveries = old.len(),
        "deliveries waited too long for their target; back to the database"
    );
    if let Err(e) = events::release(&ctx.pool, &old).await {
        // Their leases run out by themselves.
        tracing::warn!(error = %e, "releasing deliveries that waited in memory");
    }
}

/// Start what the dispatcher took: an attempt per delivery (a digest per robot), and a
/// short-circuit record for each delivery of an open circuit.
async fn start(
    ctx: &Arc<Ctx>,
    notes: &mpsc::Sender<Note>,
    flight: &mut Flight,
    running: &mut JoinSet<Option<i64>>,
    grants: &HashMap<i64, Grant>,
    taken: Vec<Due>,
    now: i64,
) {
    // Robots' deliveries, by target, in the order taken.
    let mut robots: Vec<(i64, Vec<Due>)> = Vec::new();
    for due in taken {
        let admit = due
            .target_id
            .and_then(|t| grants.get(&t))
            .map(|g| g.admit)
            .unwrap_or(Admit::Send);
        match (admit, due.target_id) {
            (Admit::ShortCircuit { until_ms }, _) => {
                let record = short_circuit(ctx, &due, until_ms);
                let _ = notes.send(Note::Record(record)).await;
            }
            (_, Some(target)) if is_robot(&due.kind) => {
                match robots.iter_mut().find(|(t, _)| *t == target) {
                    Some((_, group)) => group.push(due),
                    None => robots.push((target, vec![due])),
                }
            }
            (admit, target) => {
                flight.start(target);
                let (ctx, notes) = (ctx.clone(), notes.clone());
                let probe = admit == Admit::Probe;
                running.spawn(async move {
                    let record = attempt(&ctx, &notes, due, probe).await;
                    let _ = notes.send(Note::Record(record)).await;
                    target
                });
            }
        }
    }
    for (target, group) in robots {
        let probe = grants.get(&target).is_some_and(|g| g.admit == Admit::Probe);
        flight.start(Some(target));
        let (ctx, notes) = (ctx.clone(), notes.clone());
        // The robot's budget is taken in the attempt's own task: on PostgreSQL it is a
        // transaction, which must not hold up the dispatcher.
        running.spawn(async move {
            let records = match take_robot_budget(&ctx, &group, now).await {
                Ok(()) => attempt_digest(&ctx, &notes, group).await,
                Err(when) => {
                    if probe {
                        ctx.breakers.probe_not_sent(target, now);
                    }
                    group.iter().map(|due| deferred(due, when)).collect()
                }
            };
            for record in records {
                let _ = notes.send(Note::Record(record)).await;
            }
            Some(target)
        });
    }
}

/// A message to the robot of `group` (the deliveries of one chat-robot target) may go
/// now, or `Err` says when. Paced by the robot's URL: targets of several rules may share
/// one robot. A target whose settings cannot be opened is not paced (its attempt fails).
async fn take_robot_budget(ctx: &Ctx, group: &[Due], now: i64) -> Result<(), i64> {
    let Some(url) = open_config(ctx, &group[0])
        .ok()
        .and_then(|c| c.url().map(str::to_string))
    else {
        return Ok(());
    };
    let kind = TargetKind::parse(&group[0].kind).unwrap_or(TargetKind::DingTalk);
    ctx.pacer.take(&url, kind, now).await
}

/// The recorder: writes results as they arrive, whatever has arrived in one transaction.
async fn recorder(ctx: Arc<Ctx>, mut inbox: mpsc::Receiver<Note>) {
    let disable_after = ctx.config.disable_after.as_millis() as i64;
    while let Some(first) = inbox.recv().await {
        let mut records = Vec::new();
        let mut wake = Vec::new();
        let mut next = Some(first);
        while let Some(note) = next.take() {
            match note {
                Note::Record(r) => records.push(r),
                Note::Wake(t) => wake.push(t),
            }
            if records.len() + wake.len() < RECORD_BATCH {
                next = inbox.try_recv().ok();
            }
        }
        // If this fails the leases run out and the deliveries are tried again: at least once.
        match events::record(&ctx.pool, &records, &wake, now_ms(), disable_after).await {
            Ok(disabled) => {
                for target in disabled {
                    tracing::warn!(
                        target,
                        "target disabled: it failed without a break for too long, or its endpoint answered 410 Gone"
                    );
                    (ctx.on_disabled)(target);
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

/// What the next step is after `outcome`: the delivery's status and when it is due.
pub fn next_step(
    outcome: &Outcome,
    attempts_before: usize,
    schedule: &[Duration],
    now_ms: i64,
    jitter: f64,
) -> (DeliveryStatus, i64) {
    if outcome.is_delivered() {
        return (DeliveryStatus::Delivered, now_ms);
    }
    if !outcome.is_retryable() {
        return (DeliveryStatus::Failed, now_ms);
    }
    let Some(delay) = schedule.get(attempts_before) else {
        return (DeliveryStatus::Dead, now_ms);
    };
    // ±20 % so retries of many deliveries spread out.
    let mut wait_ms = (delay.as_millis() as f64 * (1.0 + 0.4 * (jitter - 0.5))) as i64;
    if let Some(after) = outcome.retry_after_s {
        wait_ms = wait_ms.max(after.min(MAX_RETRY_AFTER_S) as i64 * 1000);
    }
    (DeliveryStatus::Pending, now_ms + wait_ms.max(0))
}

/// Run `send` while renewing the leases `leases` (`(delivery, lease)`) every quarter of the
/// lease, so a long attempt keeps its deliveries; the leases are updated in place.
/// Numbers reached arrive on `reached` and are stored at once under the current lease.
async fn holding_leases<T>(
    ctx: &Ctx,
    leases: &mut [(i64, i64)],
    mut reached: Option<mpsc::UnboundedReceiver<Vec<String>>>,
    send: impl std::future::Future<Output = T>,
) -> T {
    tokio::pin!(send);
    let every = Duration::from_millis((ctx.config.lease_ms / 4).max(1) as u64);
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        tokio::select! {
            out = &mut send => return out,
            _ = tick.tick() => {
                let new = now_ms() + ctx.config.lease_ms;
                for (id, lease) in leases.iter_mut() {
                    match events::renew_lease(&ctx.pool, *id, *lease, new).await {
                        Ok(true) => *lease = new,
                        Ok(false) => tracing::warn!(delivery = *id, "lost the lease of a running attempt"),
                        Err(e) => tracing::warn!(delivery = *id, error = %e, "renewing a lease"),
                    }
                }
            }
            Some(numbers) = async { reached.as_mut()?.recv().await }, if reached.is_some() => {
                if let Some((id, lease)) = leases.first() {
                    let json = serde_json::to_string(&numbers).unwrap_or_default();
                    if let Err(e) = events::save_reached(&ctx.pool, *id, *lease, &json).await {
                        tracing::warn!(delivery = *id, error = %e, "storing the contacts reached");
                    }
                }
            }
        }
    }
}

/// Send one delivery and say what happened. A probe that is not sent (the target's own
/// rate makes it wait) lets the next delivery probe.
async fn attempt(
    ctx: &Ctx,
    notes: &mpsc::Sender<Note>,
    mut due: Due,
    probe: bool,
) -> AttemptRecord {
    let config = open_config(ctx, &due);
    // An HTTP target may limit its own rate: beyond it the delivery waits.
    if let (
        Some(target),
        Ok(TargetConfig::Http {
            max_per_second: Some(limit),
            ..
        }),
    ) = (due.target_id, &config)
    {
        if let Err(when) = ctx.pacer.take_rate(target, *limit, now_ms()).await {
            if probe {
                ctx.breakers.probe_not_sent(target, now_ms());
            }
            return deferred(&due, when);
        }
    }
    let started_at = rfc3339_now();
    let mut leases = [(due.id, due.lease_until)];
    // SMS and voice tell each number reached as they go; it is stored at once.
    let (reached_tx, reached_rx) = mpsc::unbounded_channel::<Vec<String>>();
    let on_reached = move |numbers: &[String]| {
        let _ = reached_tx.send(numbers.to_vec());
    };
    let sent = match config {
        Ok(config) => {
            let send = deliver(ctx, &due, &config, None, Some(&on_reached));
            holding_leases(ctx, &mut leases, Some(reached_rx), send).await
        }
        Err(why) => Sent::refused(why),
    };
    due.lease_until = leases[0].1;
    observe(ctx, notes, due.target_id, &sent.outcome).await;
    settle(ctx, &due, Tried::from_sent(started_at, sent), 0)
}

/// Tell the target's circuit how an attempt ended; when that closed it, the deliveries
/// that waited for it are due now (the recorder wakes them, after this attempt's record).
async fn observe(ctx: &Ctx, notes: &mpsc::Sender<Note>, target: Option<i64>, outcome: &Outcome) {
    let Some(target) = target else { return };
    if matches!(outcome.reason, Reason::InvalidTarget | Reason::Blocked) {
        // Nothing was sent: says nothing about the receiver.
        return;
    }
    match ctx.breakers.record(target, outcome.reason, now_ms()) {
        Change::None => {}
        Change::Opened { until_ms, opened } => {
            tracing::warn!(
                target,
                retry_in_ms = until_ms - now_ms(),
                "circuit opened: the target keeps timing out or refusing connections"
            );
            if ctx.pool.is_postgres() {
                match circuits::open(&ctx.pool, target, until_ms, i64::from(opened)).await {
                    Ok(()) => ctx.breakers.published(target, until_ms, now_ms()),
                    Err(e) => tracing::warn!(error = %e, target, "sharing an opened circuit"),
                }
            }
        }
        Change::Closed => {
            tracing::info!(target, "circuit closed: the target answers again");
            if ctx.pool.is_postgres() {
                if let Err(e) = circuits::close(&ctx.pool, target).await {
                    tracing::warn!(error = %e, target, "sharing a closed circuit");
                }
            }
            let _ = notes.send(Note::Wake(target)).await;
            ctx.wake.now();
        }
    }
}

/// How often each node reads the circuits the others opened or closed.
const FOLLOW_CIRCUITS: Duration = Duration::from_secs(1);

/// PostgreSQL: hold open here the circuits other nodes opened, and close those they
/// closed ([`Breakers::follow`]), until the pool closes.
async fn follow_circuits(ctx: Arc<Ctx>) {
    while !ctx.pool.is_closed() {
        tokio::time::sleep(FOLLOW_CIRCUITS).await;
        let read_at = now_ms();
        match circuits::all_open(&ctx.pool).await {
            Ok(open) => {
                let open: Vec<(i64, i64, u32)> = open
                    .iter()
                    .map(|c| {
                        (
                            c.target_id,
                            c.until_ms,
                            u32::try_from(c.opened).unwrap_or(0),
                        )
                    })
                    .collect();
                ctx.breakers.follow(&open, read_at, now_ms());
            }
            Err(e) if !ctx.pool.is_closed() => {
                tracing::warn!(error = %e, "reading the circuits other nodes opened")
            }
            Err(_) => {}
        }
    }
}

/// The target's settings, opened once per attempt; why not (a permanent failure, see
/// [`Sent::refused`]) when they are gone or cannot be opened.
fn open_config(ctx: &Ctx, due: &Due) -> Result<TargetConfig, &'static str> {
    let Some(sealed) = &due.config else {
        return Err("the target was deleted after this event arrived");
    };
    // Bound to the target's row: settings copied from another row (another tenant's) do
    // not open. A delivery whose target was deleted has no settings at all (above).
    let row = target_row(due.account_id, due.target_id.unwrap_or_default());
    ctx.secrets
        .open_bound(sealed, &row)
        .ok()
        .and_then(|json| serde_json::from_str(&json).ok())
        .ok_or("the target's settings cannot be opened (was the secret key changed?)")
}

/// Several deliveries waiting for one robot: one digest message, one outcome for all.
async fn attempt_digest(
    ctx: &Ctx,
    notes: &mpsc::Sender<Note>,
    group: Vec<Due>,
) -> Vec<AttemptRecord> {
    if group.len() == 1 {
        let due = group.into_iter().next().expect("one delivery");
        return vec![attempt(ctx, notes, due, false).await];
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
                event_link(ctx, d),
            )
        })
        .collect();
    // Only what fits in one message goes now; the rest waits for the robot's next slot.
    // A robot's deliveries are one rule's: its language is theirs.
    // Measured in the form the channel sends (a WeCom robot that mentions people sends
    // text, with a smaller limit), so nothing settled here as delivered is cut away.
    let lang = group[0].language;
    let config = open_config(ctx, &group[0]);
    let budget = config
        .as_ref()
        .map(channels::digest_budget)
        .unwrap_or(render::Budget::MARKDOWN);
    let templates = render::Templates::new(
        group[0].title_template.clone(),
        group[0].body_template.clone(),
    );
    let of = render::DigestOf {
        workspace: &workspace,
        rule: group[0].rule.as_deref().unwrap_or("(deleted rule)"),
        lang,
        templates: &templates,
    };
    let fits = render::digest_fit(&of, &items, budget);
    if fits == 0 {
        // Not even one event fits a digest: the first goes alone, as its own message
        // (which keeps its link when it is long), and the rest wait.
        let now = now_ms();
        let mut rest = group.into_iter();
        let first = rest.next().expect("more than one delivery");
        let later: Vec<AttemptRecord> = rest.map(|due| deferred(&due, now)).collect();
        let mut out = vec![attempt(ctx, notes, first, false).await];
        out.extend(later);
        return out;
    }
    let (group, later) = group.split_at(fits.min(group.len()));
    let digest = render::digest(&of, &items[..group.len()]);
    let mut leases: Vec<(i64, i64)> = group.iter().map(|d| (d.id, d.lease_until)).collect();
    let sent = match config {
        Ok(config) => {
            let send = deliver(ctx, &group[0], &config, Some(&digest), None);
            holding_leases(ctx, &mut leases, None, send).await
        }
        Err(why) => Sent::refused(why),
    };
    let (outcome, latency_ms) = (sent.outcome, sent.latency_ms);
    observe(ctx, notes, group[0].target_id, &outcome).await;
    let request = format!("digest of {} events\n{}", group.len(), sent.request);
    let now = now_ms();
    group
        .iter()
        .zip(&leases)
        .map(|(due, (_, lease))| {
            let due = Due {
                lease_until: *lease,
                ..due.clone()
            };
            let tried = Tried {
                started_at: started_at.clone(),
                outcome: outcome.clone(),
                latency_ms,
                request: request.clone(),
            };
            settle(ctx, &due, tried, 0)
        })
        .chain(later.iter().map(|due| deferred(due, now)))
        .collect()
}

fn event_link(ctx: &Ctx, due: &Due) -> String {
    channels::event_link(&ctx.config.public_url, &due.bus, due.event_id)
}

/// Hand one delivery (or, with `digest`, the deliveries waiting for its robot) to its
/// target's channel: the stored event and the names it is rendered with; for voice, SMS
/// and email the target's contacts, and the numbers earlier attempts reached.
async fn deliver(
    state: &Ctx,
    due: &Due,
    config: &TargetConfig,
    digest: Option<&Message>,
    on_reached: Option<OnReached<'_>>,
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
    let templates = render::Templates::new(due.title_template.clone(), due.body_template.clone());
    let public_url = &state.config.public_url;
    let ctx = ChannelContext {
        out: &state.sender,
        mailer: state.mailer.as_ref(),
        twilio: state.twilio.as_ref(),
        aliyun: state.aliyun.as_ref(),
        public_url,
    };
    let job = Job {
        config,
        payload: match digest {
            Some(message) => Payload::Digest(message),
            None => Payload::Event {
                envelope: &envelope,
                event_id: due.event_id,
                templates: &templates,
            },
        },
        webhook_id: &due.webhook_id,
        workspace: &workspace,
        bus: &due.bus,
        rule: due.rule.as_deref().unwrap_or("(deleted rule)"),
        lang: due.language,
        contacts: &contacts,
        reached: &reached,
        on_reached,
    };
    channels::dispatch(&ctx, &job).await
}

/// An attempt as it went: when it started, how it ended, how long it took, and the request
/// as recorded (secrets masked).
struct Tried {
    started_at: String,
    outcome: Outcome,
    latency_ms: u64,
    request: String,
}

impl Tried {
    fn from_sent(started_at: String, sent: Sent) -> Tried {
        Tried {
            started_at,
            outcome: sent.outcome,
            latency_ms: sent.latency_ms,
            request: sent.request,
        }
    }
}

/// Turn an attempt into its record and the delivery's next state: due again on the retry
/// schedule, and no earlier than `not_before` (an open circuit's next probe).
fn settle(ctx: &Ctx, due: &Due, tried: Tried, not_before: i64) -> AttemptRecord {
    let Tried {
        started_at,
        outcome,
        latency_ms,
        request,
    } = tried;
    let (status, next_attempt_at) = next_step(
        &outcome,
        due.attempts.max(0) as usize,
        &ctx.config.retry_schedule,
        now_ms(),
        rand::random::<f64>(),
    );
    let next_attempt_at = if status == DeliveryStatus::Pending {
        next_attempt_at.max(not_before)
    } else {
        next_attempt_at
    };
    let metric = match (status, outcome.reason) {
        (_, Reason::CircuitOpen) => "short_circuit",
        (DeliveryStatus::Pending, _) => "retry",
        (status, _) => status.as_str(),
    };
    ctx.metrics.attempt(&due.kind, metric, latency_ms);
    if status != DeliveryStatus::Delivered {
        tracing::info!(
            delivery = due.id,
            kind = %due.kind,
            reason = ?outcome.reason,
            status = status.as_str(),
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

/// A delivery whose target's circuit is open: recorded as an attempt that was not sent
/// (the retry schedule goes on, so it still dies when the schedule is used up), due again
/// at its next retry and no earlier than the circuit's next probe.
fn short_circuit(ctx: &Ctx, due: &Due, until_ms: i64) -> AttemptRecord {
    let outcome = Outcome::failed(
        Reason::CircuitOpen,
        None,
        None,
        format!(
            "not sent: the target timed out or refused connections {} times in a row, so its circuit is open; the next try is in {} s",
            ctx.breakers.threshold(),
            ((until_ms - now_ms()).max(0) + 999) / 1000
        ),
    );
    let tried = Tried {
        started_at: rfc3339_now(),
        outcome,
        latency_ms: 0,
        request: String::from("(not sent: circuit open)"),
    };
    settle(ctx, due, tried, until_ms)
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
        status: DeliveryStatus::Pending,
        next_attempt_at: when,
        deferred: true,
        reached: None,
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
        assert_eq!(
            next_step(&ok, 0, &schedule(), 1000, 0.5).0,
            DeliveryStatus::Delivered
        );
        let sig = Outcome::failed(
            Reason::SignatureMismatch,
            Some(200),
            Some(310000),
            "sign not match",
        );
        assert_eq!(
            next_step(&sig, 0, &schedule(), 1000, 0.5).0,
            DeliveryStatus::Failed
        );
        let not_found = Outcome::failed(Reason::HttpStatus, Some(404), None, "");
        assert_eq!(
            next_step(&not_found, 0, &schedule(), 1000, 0.5).0,
            DeliveryStatus::Failed
        );
        let busy = Outcome::failed(Reason::HttpStatus, Some(503), None, "");
        assert_eq!(
            next_step(&busy, 0, &schedule(), 1000, 0.5),
            (DeliveryStatus::Pending, 6000)
        );
        assert_eq!(
            next_step(&busy, 1, &schedule(), 1000, 0.5),
            (DeliveryStatus::Pending, 31000)
        );
        assert_eq!(
            next_step(&busy, 2, &schedule(), 1000, 0.5).0,
            DeliveryStatus::Dead
        );
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
            assert_eq!(
                next_step(&o, 0, &schedule(), 0, 0.5).0,
                DeliveryStatus::Pending
            );
        }
        for o in [
            dingtalk::classify(310000, "sign not match", 200),
            wecom::classify(93000, "invalid webhook url", 200),
            lark::classify(19021, "sign match fail", 200),
        ] {
            assert_eq!(
                next_step(&o, 0, &schedule(), 0, 0.5).0,
                DeliveryStatus::Failed
            );
        }
    }
}

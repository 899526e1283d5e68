//! The axum router (Leptos pages, server functions, health) and the server's lifecycle:
//! open the database, migrate, serve (through [`serve::serve`], with its timers and
//! connection cap) until a shutdown signal, finish in-flight requests within a bound; and
//! its background tasks (housekeeping of sessions, login counters and the audit log, WAL
//! checkpoints, deleting old settled events).

use super::auth::session;
use super::config::{ServeArgs, TEST_TIMEOUT};
use super::crypto::SecretBox;
use super::delivery::breaker::Breakers;
use super::delivery::channels::aliyun::Aliyun;
use super::delivery::channels::email::Mailer;
use super::delivery::channels::twilio::Twilio;
use super::delivery::engine::{self, Engine, Wake};
use super::delivery::pacing::Pacer;
use super::http::{api, assets, docs, health, manage, messages, pages, serve as conns};
use super::metrics::Metrics;
use super::net::budget::TestBudget;
use super::net::client::Outbound;
use super::net::ssrf::NetworkPolicy;
use super::state::AppState;
use super::store;
use super::store::sessions::Sessions;
use crate::app::{shell, App};
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// Largest request body accepted anywhere (UI forms are far smaller).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Whether cargo-leptos built this binary with `hash-files` (it sets `LEPTOS_HASH_FILES` while
/// compiling): then the site's file names carry content hashes, and the pages learn them from
/// the `hash.txt` that build wrote beside this binary. A plain `cargo build` has no hashes.
fn hashed_site() -> bool {
    option_env!("LEPTOS_HASH_FILES") == Some("true")
}

/// Where Leptos reads the site's hashed file names: `hash.txt` beside the running binary.
fn hash_file() -> Option<std::path::PathBuf> {
    Some(std::env::current_exe().ok()?.parent()?.join("hash.txt"))
}

/// Open the database, apply migrations, and assemble the shared state.
pub async fn state(args: ServeArgs) -> anyhow::Result<AppState> {
    let mut args = args;
    args.metrics_token = args
        .read_metrics_token()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let data_dir = store::data_dir(&args.database_url)?;
    let secrets = SecretBox::load(args.secret_key.as_deref(), data_dir.as_deref())?;
    let pool = store::connect(&args.database_url, args.wal_limit_bytes()).await?;
    store::migrate(&pool).await?;
    // Made now, not at the first unknown login, which would then take longer than others.
    super::auth::password::dummy_hash().await;
    let bound = super::service::rules::bind_sealed_settings(&pool, &secrets).await?;
    if bound > 0 {
        tracing::info!(
            targets = bound,
            "target settings sealed before this version bound to their rows"
        );
    }
    let allowed = NetworkPolicy::parse_list(&args.allow_target_networks.join(","))
        .map_err(|e| anyhow::anyhow!("--allow-target-network: {e}"))?;
    // A test talks to one host at a time; a delivery keeps as many connections to a target
    // as it may have attempts running there.
    let probe = Outbound::new(
        NetworkPolicy {
            allowed: allowed.clone(),
        },
        TEST_TIMEOUT,
        2,
    )?;
    let sender = Outbound::new(
        NetworkPolicy { allowed },
        std::time::Duration::from_secs(args.delivery_timeout_secs),
        args.max_in_flight_per_target as usize,
    )?;
    let timeout = std::time::Duration::from_secs(args.delivery_timeout_secs);
    let mailer = match &args.smtp_url {
        Some(url) => Some(Mailer::new(url, &args.smtp_from, timeout)?),
        None => None,
    };
    let twilio = match (
        &args.twilio_account_sid,
        &args.twilio_auth_token,
        &args.twilio_from,
    ) {
        (Some(sid), Some(token), Some(from)) => Some(Twilio {
            base_url: args.twilio_base_url.clone(),
            account_sid: sid.clone(),
            auth_token: token.clone(),
            from: from.clone(),
        }),
        (None, None, None) => None,
        _ => anyhow::bail!(
            "SMS and voice need all of --twilio-account-sid, --twilio-auth-token and --twilio-from"
        ),
    };
    let aliyun = match (&args.aliyun_access_key_id, &args.aliyun_access_key_secret) {
        (Some(id), Some(secret)) => Some(Aliyun {
            access_key_id: id.clone(),
            access_key_secret: secret.clone(),
            sms_endpoint: args.aliyun_sms_endpoint.clone(),
            voice_endpoint: args.aliyun_voice_endpoint.clone(),
            sms_sign_name: args.aliyun_sms_sign_name.clone(),
            sms_template_code: args.aliyun_sms_template_code.clone(),
            tts_code: args.aliyun_tts_code.clone(),
            called_show_number: args.aliyun_called_show_number.clone(),
        }),
        (None, None) => None,
        _ => anyhow::bail!(
            "Alibaba Cloud SMS and voice need both --aliyun-access-key-id and --aliyun-access-key-secret"
        ),
    };
    if aliyun.is_some() && twilio.is_some() {
        anyhow::bail!(
            "configure one SMS and voice provider: either the --aliyun-* or the --twilio-* options"
        );
    }
    let leptos_options = LeptosOptions::builder()
        .output_name("herald")
        .site_root(args.site_root.clone())
        .site_pkg_dir(assets::PKG_DIR)
        .site_addr(args.listen)
        .hash_files(hashed_site())
        .build();
    let breakers = Arc::new(Breakers::new(args.circuit_threshold, args.circuit_open));
    let pacer = Arc::new(Pacer::for_db(&pool));
    let tests = Arc::new(TestBudget::new(
        args.max_tests_per_account,
        args.tests_per_user_per_minute,
    ));
    Ok(AppState {
        pool,
        leptos_options,
        config: Arc::new(args),
        secrets,
        probe,
        tests,
        sender,
        wake: Wake::default(),
        metrics: Arc::new(Metrics::default()),
        pacer,
        breakers,
        mailer,
        twilio,
        aliyun,
    })
}

/// The whole HTTP application.
pub async fn router(state: AppState) -> anyhow::Result<Router> {
    // Without the hash file the pages would name `herald.js`, which a hashed site lacks, and
    // never become interactive: refuse to start instead, saying what is missing.
    if state.leptos_options.hash_files && !hash_file().is_some_and(|f| f.is_file()) {
        anyhow::bail!(
            "this binary serves a site with hashed file names, listed in {}, which is missing: \
             keep the hash.txt that `make build` writes beside the binary",
            hash_file().unwrap_or_default().display()
        );
    }
    let session_store = Sessions::new(&state.pool);
    session_store
        .migrate()
        .await
        .map_err(|e| anyhow::anyhow!("preparing the session table: {e}"))?;
    let sessions = SessionManagerLayer::new(session_store)
        .with_name("herald_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies())
        // Saved when changed, and renewed (the clock restarted) once less than half of the
        // window is left: see `auth::session::renew_when_due`.
        .with_expiry(Expiry::OnInactivity(session::IDLE));

    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let context_state = state.clone();
    // The platform's API uses AccessKeys, not sessions: it stays outside the session layer.
    let mut api = manage::routes();
    // `/metrics` is global across tenants: on this address only behind a token, and never
    // when it has an address of its own (`--metrics-listen`).
    if state.config.metrics_token.is_some() && state.config.metrics_listen.is_none() {
        api = api.route("/metrics", get(api::metrics));
    }
    let api = api.with_state(state.clone());
    let request_timeout = std::time::Duration::from_secs(state.config.request_timeout_secs);
    let app = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/docs/receivers", get(docs::receivers))
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context_state.clone()),
            move || shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        // Pages depend on the session; `/pkg/` (below) has its own policy.
        .layer(SetResponseHeaderLayer::if_not_present(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static(assets::PRIVATE),
        ))
        // The UI's errors in the user's language (inside the session layer: it reads the
        // user's setting); the platform API below (`/api/v1`) is not behind it.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            messages::translate_errors,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            pages::require_login,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            pages::same_origin_posts,
        ))
        .layer(axum::middleware::from_fn(session::renew_when_due))
        .layer(sessions)
        .with_state(state.clone())
        .merge(api)
        // Public and the same for everyone: outside the session and login layers.
        .merge(assets::routes(&state.config.site_root))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state,
            api::body_limit_errors,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            http::header::X_CONTENT_TYPE_OPTIONS,
            http::HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            http::header::X_FRAME_OPTIONS,
            http::HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            http::header::REFERRER_POLICY,
            http::HeaderValue::from_static("same-origin"),
        ))
        // A request's whole life, a body sent too slowly included.
        .layer(TimeoutLayer::with_status_code(
            http::StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        .layer(TraceLayer::new_for_http());
    Ok(app)
}

/// `/metrics` alone, for `--metrics-listen` (still behind the token, when one is set).
pub fn metrics_router(state: AppState) -> Router {
    let request_timeout = std::time::Duration::from_secs(state.config.request_timeout_secs);
    Router::new()
        .route("/metrics", get(api::metrics))
        .layer(TimeoutLayer::with_status_code(
            http::StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        .with_state(state)
}

/// Rows one clean-up transaction deletes at most: small enough that ingest never waits
/// long for the one writer.
const PURGE_BATCH: i64 = 500;

/// Clear what only piles up, hourly until the process ends (the first round at start):
/// expired sessions, login counters past their window and lock, audit entries older than
/// `--audit-retention-days` (these two a batch per write transaction), and the recent sends
/// of robots nothing was sent to for an hour.
fn spawn_housekeeping(state: &AppState) -> tokio::task::JoinHandle<()> {
    let store = Sessions::new(&state.pool);
    let pool = state.pool.clone();
    let audit_days = i64::from(state.config.audit_retention_days);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            // Once across the nodes sharing a PostgreSQL database, not once per node.
            let _alone = match store::locks::try_alone(&pool, store::locks::Job::Housekeeping).await
            {
                Ok(Some(alone)) => alone,
                Ok(None) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "taking the housekeeping lock");
                    continue;
                }
            };
            use tower_sessions::session_store::ExpiredDeletion;
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "deleting expired sessions");
            }
            let now = super::auth::throttle::now();
            let window = now - super::auth::throttle::WINDOW_SECS;
            let counters = in_batches("deleting expired login counters", &pool, |tx| {
                Box::pin(store::login_failures::purge_expired(
                    tx,
                    window,
                    now,
                    PURGE_BATCH,
                ))
            })
            .await;
            let cutoff = time::OffsetDateTime::now_utc()
                .checked_sub(time::Duration::days(audit_days))
                .map(store::time_text);
            let audit = match cutoff {
                Some(cutoff) => {
                    in_batches("deleting old audit entries", &pool, |tx| {
                        let cutoff = cutoff.clone();
                        Box::pin(async move {
                            store::audit::purge_before(tx, &cutoff, PURGE_BATCH).await
                        })
                    })
                    .await
                }
                None => 0,
            };
            // Robots' and rate-limited targets' sends an hour old are outside every window.
            let an_hour_ago = time::OffsetDateTime::now_utc().unix_timestamp() * 1000 - 3_600_000;
            if let Err(e) = store::paces::forget_idle(&pool, an_hour_ago).await {
                tracing::warn!(error = %e, "forgetting idle robots' recent sends");
            }
            if counters + audit > 0 {
                tracing::info!(
                    counters,
                    audit,
                    "deleted expired login counters and audit entries"
                );
            }
        }
    })
}

/// A boxed batch of a clean-up, run in a write transaction; the rows it deleted.
type Batch<'a> = std::pin::Pin<Box<dyn Future<Output = Result<u64, sqlx::Error>> + Send + 'a>>;

/// Run `batch` in write transactions of its own until it deletes less than
/// [`PURGE_BATCH`] rows (or fails, logged as `what`); the rows deleted in all.
async fn in_batches(
    what: &str,
    pool: &store::Db,
    batch: impl for<'c> Fn(&'c mut store::WriteTx) -> Batch<'c>,
) -> u64 {
    let mut deleted = 0;
    loop {
        let done = async {
            let mut tx = store::begin_write(pool).await?;
            let n = batch(&mut tx).await?;
            tx.commit().await?;
            Ok::<u64, sqlx::Error>(n)
        }
        .await;
        match done {
            Ok(n) => {
                deleted += n;
                if n < PURGE_BATCH as u64 {
                    return deleted;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "{what}");
                return deleted;
            }
        }
    }
}

/// Keep the database's write-ahead log short, until the process ends: every second a
/// checkpoint that makes nobody wait; and, as soon as the log's file passes
/// `--wal-limit-mib` (looked at five times a second), one that waits for the readers and
/// truncates it ([`store::truncate_log`]). Copying most of the log first, without waiting,
/// keeps the truncating one (which holds up writers) short.
fn spawn_checkpoints(state: &AppState) -> tokio::task::JoinHandle<()> {
    let pool = state.pool.clone();
    let wal = store::wal_path(&state.config.database_url);
    let limit = state.config.wal_limit_bytes();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_millis(200));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        for round in 0u64.. {
            tick.tick().await;
            let over = wal.as_deref().is_some_and(|p| store::wal_bytes(p) >= limit);
            if round % 5 == 0 || over {
                if let Err(e) = store::checkpoint(&pool).await {
                    tracing::warn!(error = %e, "checkpointing the database");
                }
            }
            if over {
                match store::truncate_log(&pool).await {
                    Ok(true) => {}
                    Ok(false) => {
                        tracing::debug!("a reader outlasted the log's truncation; trying again")
                    }
                    Err(e) => tracing::warn!(error = %e, "truncating the write-ahead log"),
                }
            }
        }
    })
}

/// Delete settled events older than `--event-retention`, with their deliveries and attempts,
/// until the process ends: hourly (more often for a retention under ten hours), a batch per
/// write transaction. A retention of 0 keeps everything.
fn spawn_retention(state: &AppState) -> Option<tokio::task::JoinHandle<()>> {
    let keep = state.config.event_retention;
    if keep.is_zero() {
        return None;
    }
    let every = (keep / 10).clamp(
        std::time::Duration::from_secs(1),
        std::time::Duration::from_secs(3600),
    );
    let pool = state.pool.clone();
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            // In `received_at`'s form, so the two compare as text. No cutoff, no clean-up.
            let Some(cutoff) = time::OffsetDateTime::now_utc()
                .checked_sub(time::Duration::seconds(keep.as_secs() as i64))
                .map(store::time_text)
            else {
                continue;
            };
            // Once across the nodes sharing a PostgreSQL database, not once per node.
            let _alone = match store::locks::try_alone(&pool, store::locks::Job::Retention).await {
                Ok(Some(alone)) => alone,
                Ok(None) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "taking the retention lock");
                    continue;
                }
            };
            // Found once per round, outside the write transactions.
            let bound = match store::events::purge_bound(&pool, &cutoff).await {
                Ok(Some(bound)) => bound,
                Ok(None) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "finding old events");
                    continue;
                }
            };
            let mut deleted = 0;
            loop {
                let batch = async {
                    let mut tx = store::begin_write(&pool).await?;
                    let n = store::events::purge_settled(&mut tx, bound, PURGE_BATCH).await?;
                    tx.commit().await?;
                    Ok::<u64, sqlx::Error>(n)
                }
                .await;
                match batch {
                    Ok(n) => {
                        deleted += n;
                        if n < PURGE_BATCH as u64 {
                            break;
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "deleting old events");
                        break;
                    }
                }
            }
            if deleted > 0 {
                tracing::info!(deleted, retention = ?keep, "deleted old settled events");
            }
        }
    }))
}

/// What the delivery engine needs of the state: its own context.
fn engine_context(state: &AppState) -> engine::Ctx {
    let config = &state.config;
    let told = state.clone();
    engine::Ctx {
        pool: state.pool.clone(),
        wake: state.wake.clone(),
        secrets: state.secrets.clone(),
        sender: state.sender.clone(),
        mailer: state.mailer.clone(),
        twilio: state.twilio.clone(),
        aliyun: state.aliyun.clone(),
        pacer: state.pacer.clone(),
        metrics: state.metrics.clone(),
        breakers: state.breakers.clone(),
        config: engine::EngineConfig {
            retry_schedule: config.retry_schedule.0.clone(),
            disable_after: config.disable_failing_after,
            public_url: config.public_url(),
            max_in_flight: config.max_in_flight as usize,
            max_in_flight_per_target: config.max_in_flight_per_target as usize,
            lease_ms: config.delivery_lease_secs as i64 * 1000,
        },
        on_disabled: Arc::new(move |target| {
            let state = told.clone();
            tokio::spawn(async move {
                super::service::target_health::report_disabled(&state, target).await
            });
        }),
    }
}

/// Serve on `listener` (and `/metrics` alone on `metrics`, for `--metrics-listen`) until
/// `shutdown` resolves, then finish in-flight requests, for at most
/// [`conns::SHUTDOWN_GRACE`].
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    metrics: Option<tokio::net::TcpListener>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    // The router migrates the session table, so clean-up starts after it.
    let app = router(state.clone()).await?;
    let cleanup = spawn_housekeeping(&state);
    let checkpoints = spawn_checkpoints(&state);
    let retention = spawn_retention(&state);
    let engine = Engine::start(engine_context(&state)).await;
    let limits = conns::Limits::from_config(&state.config)
        .within_open_files(u64::from(state.config.max_in_flight));
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let stopped = move || {
        let mut stopping = stopping.clone();
        async move {
            let _ = stopping.wait_for(|stop| *stop).await;
        }
    };
    let metrics = metrics.map(|listener| {
        tokio::spawn(conns::serve(
            listener,
            metrics_router(state.clone()),
            limits,
            stopped(),
        ))
    });
    let signal = tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
    });
    conns::serve(listener, app, limits, stopped()).await;
    signal.abort();
    if let Some(task) = metrics {
        let _ = task.await;
    }
    // Requests are done; let the workers finish the attempts they hold.
    engine.stop().await;
    cleanup.abort();
    checkpoints.abort();
    if let Some(task) = retention {
        task.abort();
    }
    state.pool.close().await;
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}

/// A server running in the background, for tests: stop it with [`RunningServer::stop`].
pub struct RunningServer {
    pub addr: SocketAddr,
    /// Where `/metrics` is served alone (`--metrics-listen`), if anywhere.
    pub metrics_addr: Option<SocketAddr>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl RunningServer {
    /// Start a server with `args` (use port 0 for a free port).
    pub async fn start(args: ServeArgs) -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind(args.listen).await?;
        let addr = listener.local_addr()?;
        let metrics = match args.metrics_listen {
            Some(at) => Some(tokio::net::TcpListener::bind(at).await?),
            None => None,
        };
        let metrics_addr = metrics.as_ref().map(|l| l.local_addr()).transpose()?;
        let mut args = args;
        args.listen = addr;
        args.metrics_listen = metrics_addr;
        let state = state(args).await?;
        let (tx, rx) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(serve(state, listener, metrics, async {
            let _ = rx.await;
        }));
        Ok(RunningServer {
            addr,
            metrics_addr,
            stop: Some(tx),
            task,
        })
    }

    /// Shut down gracefully and wait until the database is closed.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        (&mut self.task).await?
    }
}

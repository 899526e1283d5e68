//! Serving connections: hyper's HTTP/1 server with timers, in place of `axum::serve` (which has
//! none, so a client sending its headers a byte at a time, or nothing at all, kept its
//! connection, and a stop waited for it, forever).
//!
//! - a request's headers must arrive within `--header-timeout-secs` (hyper's header-read
//!   timer, which on a kept-alive HTTP/1 connection also runs while it waits for the next
//!   request);
//! - a connection with no request running and no byte moving either way for
//!   `--idle-timeout-secs` is closed (this also covers a client that never sends its first
//!   byte);
//! - a request's whole life, reading its body included, is bounded by
//!   `--request-timeout-secs` (a timeout layer in `web::router`);
//! - at most `--max-connections` are open: further ones wait in the listen queue until one
//!   closes; the cap is kept under the process's open-file limit (raised to its hard limit
//!   first), with room left for the database and outbound requests, so that idle visitors
//!   can never take the descriptors deliveries need;
//! - a stop lets running requests finish for [`SHUTDOWN_GRACE`], then drops whatever is
//!   left.
//!
//! What each request does is the router's business, not this file's.

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

/// How long a stop waits for running requests before closing their connections.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// The timers and the cap (from the flags).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

impl Limits {
    /// The limits `--header-timeout-secs`, `--idle-timeout-secs` and `--max-connections` set.
    pub fn from_config(config: &crate::server::config::ServeArgs) -> Limits {
        Limits {
            header_timeout: Duration::from_secs(config.header_timeout_secs),
            idle_timeout: Duration::from_secs(config.idle_timeout_secs),
            max_connections: config.max_connections as usize,
        }
    }
}

/// Descriptors kept for everything but accepted connections, besides the attempts in
/// flight: the database pool, listeners, log and database files, DNS, the SMTP pool.
const OTHER_FILES: u64 = 128;

impl Limits {
    /// These limits with the connection cap kept under the open-file limit: the soft limit
    /// is raised to the hard one (as most servers do), and if the cap would still leave
    /// fewer than `in_flight` + [`OTHER_FILES`] descriptors for the rest, it is lowered,
    /// with a warning naming the flag.
    pub fn within_open_files(self, in_flight: u64) -> Limits {
        use rustix::process::{getrlimit, setrlimit, Resource};
        let mut limit = getrlimit(Resource::Nofile);
        if limit.current < limit.maximum {
            let raised = rustix::process::Rlimit {
                current: limit.maximum,
                maximum: limit.maximum,
            };
            match setrlimit(Resource::Nofile, raised) {
                Ok(()) => limit = raised,
                Err(e) => tracing::warn!(error = %e, "raising the open-file limit"),
            }
        }
        let Some(open_files) = limit.current else {
            return self;
        };
        let cap = connections_within(open_files, self.max_connections, in_flight);
        if cap < self.max_connections {
            tracing::warn!(
                open_files,
                wanted = self.max_connections,
                cap,
                "--max-connections lowered to fit the open-file limit (ulimit -n) beside \
                 --max-in-flight and the database"
            );
        }
        Limits {
            max_connections: cap,
            ..self
        }
    }
}

/// The most connections that leave `in_flight` + [`OTHER_FILES`] of `open_files`
/// descriptors free: `wanted` if they fit, else what fits (at least one).
fn connections_within(open_files: u64, wanted: usize, in_flight: u64) -> usize {
    let room = open_files.saturating_sub(in_flight + OTHER_FILES).max(1);
    wanted.min(usize::try_from(room).unwrap_or(usize::MAX))
}

/// Serve `app` on `listener` until `shutdown` resolves; then stop accepting, let running
/// requests finish for at most [`SHUTDOWN_GRACE`], and close every connection.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let permits = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    // HTTP/1 only, as `axum::serve` was here; nothing Herald serves needs an upgrade.
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let mut connections = tokio::task::JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        // Beyond the cap, a new connection waits in the kernel's listen queue (not
        // accepted, so holding no file) until one closes.
        let permit = tokio::select! {
            _ = &mut shutdown => break,
            // Forget connections as they end (a quiet server would otherwise keep them).
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let stream = tokio::select! {
            _ = &mut shutdown => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors, say: wait a moment rather than spin.
                    tracing::warn!(error = %e, "accepting a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let watcher = graceful.watcher();
        let builder = builder.clone();
        let app = app.clone();
        connections.spawn(async move {
            let _permit = permit;
            let activity = Activity::default();
            let io = TokioIo::new(Watched {
                inner: stream,
                activity: activity.clone(),
            });
            let busy = activity.clone();
            let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                let running = busy.begin();
                let app = app.clone();
                async move {
                    let response = app.oneshot(request).await;
                    drop(running);
                    response
                }
            });
            let conn = watcher.watch(builder.serve_connection(io, service));
            tokio::select! {
                ended = conn => {
                    if let Err(e) = ended {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                }
                _ = activity.idle_for(limits.idle_timeout) => {
                    tracing::debug!("closing an idle connection");
                }
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            open = connections.len(),
            "requests still running {SHUTDOWN_GRACE:?} after the stop; closing their connections"
        );
    }
    // Dropping the tasks closes whatever connections are left.
    connections.shutdown().await;
}

/// When a connection last moved a byte, and how many of its requests are running.
#[derive(Clone, Default)]
struct Activity(Arc<ActivityState>);

struct ActivityState {
    opened: tokio::time::Instant,
    /// Milliseconds after `opened` of the last byte read or written.
    last_ms: AtomicU64,
    running: AtomicUsize,
}

impl Default for ActivityState {
    fn default() -> Self {
        ActivityState {
            opened: tokio::time::Instant::now(),
            last_ms: AtomicU64::new(0),
            running: AtomicUsize::new(0),
        }
    }
}

/// A request running on a connection; it ends when dropped.
struct Running(Activity);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.touch();
        self.0 .0.running.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Activity {
    fn touch(&self) {
        let ms = self.0.opened.elapsed().as_millis() as u64;
        self.0.last_ms.store(ms, Ordering::Relaxed);
    }

    fn begin(&self) -> Running {
        self.0.running.fetch_add(1, Ordering::SeqCst);
        Running(self.clone())
    }

    /// Resolves once the connection has had no running request and moved no byte for
    /// `limit`. A running request is bounded by the request timeout instead.
    async fn idle_for(&self, limit: Duration) {
        loop {
            let last = Duration::from_millis(self.0.last_ms.load(Ordering::Relaxed));
            let quiet = self.0.opened.elapsed().saturating_sub(last);
            if self.0.running.load(Ordering::SeqCst) == 0 && quiet >= limit {
                return;
            }
            let wait = if quiet >= limit { limit } else { limit - quiet };
            tokio::time::sleep(wait.max(Duration::from_millis(50))).await;
        }
    }
}

/// A connection that notes each byte it moves in its [`Activity`].
struct Watched {
    inner: TcpStream,
    activity: Activity,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connection_cap_leaves_room_for_deliveries() {
        // Plenty of descriptors: the flag stands.
        assert_eq!(connections_within(20_000, 4096, 256), 4096);
        // A common soft limit of 1,024 with 256 attempts in flight.
        assert_eq!(
            connections_within(1024, 4096, 256),
            1024 - 256 - OTHER_FILES as usize
        );
        // A limit too small for anything: one connection still serves.
        assert_eq!(connections_within(100, 4096, 256), 1);
    }

    #[test]
    fn the_open_file_limit_is_raised_and_the_cap_fits_it() {
        let limits = Limits {
            header_timeout: Duration::from_secs(1),
            idle_timeout: Duration::from_secs(1),
            max_connections: usize::MAX,
        }
        .within_open_files(256);
        let now = rustix::process::getrlimit(rustix::process::Resource::Nofile);
        assert_eq!(
            now.current, now.maximum,
            "the soft limit is raised to the hard one"
        );
        if let Some(open_files) = now.current {
            assert_eq!(
                limits.max_connections as u64,
                open_files.saturating_sub(256 + OTHER_FILES).max(1)
            );
        }
    }
}

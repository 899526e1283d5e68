//! The one HTTP client for outbound calls to targets. It enforces the [`NetworkPolicy`] on
//! every address it is about to connect to: host names through a resolver that drops
//! non-public addresses (so a name cannot pass the check and then rebind to 127.0.0.1), IP
//! literals before the request is sent. It follows no redirects (a redirect could point
//! anywhere) and uses no proxy from the environment. A name server that never answers
//! holds nothing for long ([`DNS_TIMEOUT`]), and the idle connections it keeps per host
//! are few and short-lived.

use super::ssrf::NetworkPolicy;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// Error of the guarded resolver, recognisable in a reqwest error's source chain.
#[derive(Debug)]
pub enum ResolveError {
    /// The name does not resolve.
    NotFound(String),
    /// Every address of the name is refused by the policy.
    Blocked(String),
}

impl std::fmt::Display for ResolveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResolveError::NotFound(m) | ResolveError::Blocked(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ResolveError {}

/// How long resolving a target's host name may take: a lookup is also made when a target
/// is saved or tested, while a person waits.
pub const DNS_TIMEOUT: Duration = Duration::from_secs(5);

/// How long an unused connection to a target is kept for the next request.
const POOL_IDLE: Duration = Duration::from_secs(30);

/// `lookup` of `host`, given at most `limit`. (The blocking lookup behind it may run on;
/// the caller does not wait for it.)
async fn within<T>(
    host: &str,
    limit: Duration,
    lookup: impl std::future::Future<Output = std::io::Result<T>>,
) -> Result<T, ResolveError> {
    match tokio::time::timeout(limit, lookup).await {
        Ok(Ok(found)) => Ok(found),
        Ok(Err(e)) => Err(ResolveError::NotFound(format!(
            "{host} does not resolve: {e}"
        ))),
        Err(_) => Err(ResolveError::NotFound(format!(
            "{host} does not resolve: no answer within {} s",
            limit.as_secs()
        ))),
    }
}

struct GuardedResolver {
    policy: Arc<NetworkPolicy>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> = within(
                &host,
                DNS_TIMEOUT,
                tokio::net::lookup_host((host.as_str(), 0)),
            )
            .await?
            .collect();
            if found.is_empty() {
                return Err(ResolveError::NotFound(format!("{host} has no addresses")).into());
            }
            // Every address must pass: a name that mixes public and private addresses is
            // refused whole rather than left to chance.
            for addr in &found {
                if policy.check(addr.ip()).is_err() {
                    // Name the kind of address, never the address: users must not be able
                    // to map the server's internal DNS through this message.
                    let kind = super::ssrf::non_public_reason(addr.ip()).unwrap_or("non-public");
                    tracing::info!(%host, ip = %addr.ip(), "target host resolves to a refused address");
                    return Err(ResolveError::Blocked(format!(
                        "{host} resolves to a {kind} address; targets must be public \
                         (an operator can allow a network with --allow-target-network)"
                    ))
                    .into());
                }
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

/// An HTTP client bound to a network policy.
#[derive(Clone)]
pub struct Outbound {
    client: reqwest::Client,
    policy: Arc<NetworkPolicy>,
}

impl Outbound {
    /// A client with `timeout` per request, keeping at most `idle_per_host` unused
    /// connections to one host.
    pub fn new(
        policy: NetworkPolicy,
        timeout: Duration,
        idle_per_host: usize,
    ) -> anyhow::Result<Self> {
        let policy = Arc::new(policy);
        let client = reqwest::Client::builder()
            .dns_resolver(Arc::new(GuardedResolver {
                policy: policy.clone(),
            }))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(timeout)
            .connect_timeout(timeout)
            .pool_max_idle_per_host(idle_per_host)
            .pool_idle_timeout(POOL_IDLE)
            .user_agent(concat!("Herald/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| anyhow::anyhow!("building the HTTP client: {e}"))?;
        Ok(Outbound { client, policy })
    }

    /// Check a URL before use: http(s), a host, and (for IP literals) an allowed address.
    /// Host names are checked on their resolved addresses when connecting.
    pub fn check_url(&self, url: &reqwest::Url) -> Result<(), String> {
        match url.scheme() {
            "http" | "https" => {}
            other => {
                return Err(format!(
                    "scheme {other:?} is not allowed; use http or https"
                ))
            }
        }
        match url.host() {
            None => Err("the URL has no host".into()),
            Some(url::Host::Ipv4(ip)) => self.policy.check(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => self.policy.check(IpAddr::V6(ip)),
            Some(url::Host::Domain(_)) => Ok(()),
        }
    }

    /// Resolve the URL's host now and check every address: the save-time check. (Sending
    /// checks again at connect time, on the addresses actually used.)
    pub async fn check_resolved(&self, url: &reqwest::Url) -> Result<(), String> {
        self.check_url(url)?;
        if let Some(url::Host::Domain(host)) = url.host() {
            let resolver = GuardedResolver {
                policy: self.policy.clone(),
            };
            let name: Name = host
                .parse()
                .map_err(|_| format!("{host} is not a valid host name"))?;
            let _addrs = resolver.resolve(name).await.map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// The underlying client, for building requests.
    pub fn http(&self) -> &reqwest::Client {
        &self.client
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_lookup_that_never_answers_is_given_up() {
        let hangs = std::future::pending::<std::io::Result<Vec<SocketAddr>>>();
        let started = std::time::Instant::now();
        let Err(ResolveError::NotFound(why)) =
            within("slow.example", Duration::from_millis(50), hangs).await
        else {
            panic!("a lookup with no answer")
        };
        assert!(started.elapsed() < Duration::from_secs(5));
        // "does not resolve" is what Test connection reports as a DNS failure.
        assert!(
            why.contains("slow.example does not resolve: no answer within"),
            "{why}"
        );
    }
}

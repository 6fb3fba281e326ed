//! Rate limiting: token buckets per principal and per (principal, tool).
//!
//! [`RateLimiter`] is the interface the stack and the HTTP layer use; [`InMemory`] keeps the
//! buckets in this process with `governor` (GCRA, lock-free); [`super::shared_limits::Shared`]
//! keeps them in Redis for several replicas (`RATE_LIMIT_BACKEND=redis`). Both implement the
//! same trait with the same semantics, so nothing else changes.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::{Clock, MonotonicClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter as Governor};

use super::config::{Limit, RateLimitBackend, Settings};
use super::metrics::Metrics;
use super::middleware::BoxFuture;
use super::shared_limits::Shared;

/// Whether a request may proceed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Over the limit: the earliest time a retry can succeed.
    Deny {
        retry_after: Duration,
    },
}

/// A keyed token bucket.
pub trait RateLimiter: Send + Sync + 'static {
    /// Takes one token from `key`'s bucket, or says when one will be available.
    fn check<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Decision>;
}

/// Buckets in this process.
pub struct InMemory {
    // The std monotonic clock, not governor's default (quanta): quanta calibrates the TSC on
    // first use, which was most of the server's start-up time.
    limiter: Governor<
        String,
        DashMapStateStore<String>,
        MonotonicClock,
        NoOpMiddleware<std::time::Instant>,
    >,
    checks: AtomicU64,
}

impl InMemory {
    /// A limiter for `limit`, or `None` when the limit is off (rate 0).
    pub fn new(limit: Limit) -> Option<Self> {
        let rate = NonZeroU32::new(limit.per_second)?;
        let burst = NonZeroU32::new(limit.burst).unwrap_or(rate);
        Some(Self {
            limiter: Governor::dashmap_with_clock(
                Quota::per_second(rate).allow_burst(burst),
                MonotonicClock,
            ),
            checks: AtomicU64::new(0),
        })
    }
}

impl RateLimiter for InMemory {
    fn check<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Decision> {
        // Forget idle buckets now and then, so memory follows the active principals.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            self.limiter.retain_recent();
        }
        match self.limiter.check_key(&key.to_string()) {
            Ok(()) => Box::pin(Allowed),
            Err(not_until) => Box::pin(std::future::ready(Decision::Deny {
                retry_after: not_until.wait_time_from(self.limiter.clock().now()),
            })),
        }
    }
}

/// `ready(Decision::Allow)` without an allocation: boxing a zero-sized future allocates nothing,
/// and nearly every check is allowed.
struct Allowed;

impl std::future::Future for Allowed {
    type Output = Decision;

    fn poll(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Decision> {
        std::task::Poll::Ready(Decision::Allow)
    }
}

/// The limiters a server applies.
#[derive(Clone, Default)]
pub struct Limits {
    /// Every request, keyed by principal.
    pub per_principal: Option<Arc<dyn RateLimiter>>,
    /// Tool calls, keyed by principal and tool.
    pub per_tool: Option<Arc<dyn RateLimiter>>,
}

impl std::fmt::Debug for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limits")
            .field("per_principal", &self.per_principal.is_some())
            .field("per_tool", &self.per_tool.is_some())
            .finish()
    }
}

impl Limits {
    /// The limiters the settings ask for, in memory or in Redis (`RATE_LIMIT_BACKEND`).
    pub fn from_settings(settings: &Settings, metrics: Option<&Metrics>) -> anyhow::Result<Self> {
        match settings.rate_limit_backend {
            RateLimitBackend::Memory => Ok(Self::in_memory(settings)),
            RateLimitBackend::Redis => {
                let make = |scope, limit| -> anyhow::Result<_> {
                    Ok(Shared::new(scope, limit, settings, metrics.cloned())?
                        .map(|l| Arc::new(l) as Arc<dyn RateLimiter>))
                };
                Ok(Self {
                    per_principal: make("principal", settings.rate_limit)?,
                    per_tool: make("tool", settings.tool_rate_limit)?,
                })
            }
        }
    }

    /// In-memory limiters from the settings.
    pub fn in_memory(settings: &Settings) -> Self {
        let make = |limit| InMemory::new(limit).map(|l| Arc::new(l) as Arc<dyn RateLimiter>);
        Self {
            per_principal: make(settings.rate_limit),
            per_tool: make(settings.tool_rate_limit),
        }
    }
}

/// The key of a (principal, tool) bucket.
pub fn tool_key(principal: &str, tool: &str) -> String {
    let mut key = String::with_capacity(principal.len() + 1 + tool.len());
    key.push_str(principal);
    key.push('\u{1f}');
    key.push_str(tool);
    key
}

/// Seconds to put in `Retry-After` (at least 1).
pub fn retry_after_seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_bucket_allows_its_burst_then_denies_then_recovers() {
        let limiter = InMemory::new(Limit {
            per_second: 20,
            burst: 3,
        })
        .unwrap();
        for _ in 0..3 {
            assert_eq!(limiter.check("alice").await, Decision::Allow);
        }
        let Decision::Deny { retry_after } = limiter.check("alice").await else {
            panic!("the fourth request must be denied");
        };
        assert!(retry_after <= Duration::from_millis(50), "{retry_after:?}");
        assert_eq!(
            limiter.check("bob").await,
            Decision::Allow,
            "buckets are per key"
        );
        tokio::time::sleep(retry_after + Duration::from_millis(5)).await;
        assert_eq!(limiter.check("alice").await, Decision::Allow);
    }

    #[test]
    fn a_zero_rate_means_no_limiter() {
        assert!(
            InMemory::new(Limit {
                per_second: 0,
                burst: 0
            })
            .is_none()
        );
        assert_eq!(retry_after_seconds(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_seconds(Duration::from_secs(2)), 2);
    }
}

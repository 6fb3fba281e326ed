//! Rate limiting: token buckets per principal and per (principal, tool).
//!
//! [`RateLimiter`] is the interface the stack and the HTTP layer use; [`InMemory`] keeps the
//! buckets in this process with `governor` (GCRA, lock-free); [`super::shared_limits::Shared`]
//! keeps them in Redis for several replicas (`RATE_LIMIT_BACKEND=redis`). Both implement the
//! same trait with the same semantics, so nothing else changes.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::{Clock, MonotonicClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter as Governor};

use super::config::{Limit, Settings};
use super::metrics::Metrics;
use super::middleware::BoxFuture;
#[cfg(feature = "redis")]
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

/// Whose bucket a check takes from: a principal's, or a principal's for one tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BucketKey<'a> {
    pub principal: &'a str,
    /// The caller's address, when callers are not authenticated (all are `anonymous`).
    pub peer: Option<IpAddr>,
    /// The tool, for per-tool buckets.
    pub tool: Option<&'a str>,
}

impl<'a> BucketKey<'a> {
    /// The principal's bucket.
    pub fn principal(principal: &'a str) -> Self {
        Self {
            principal,
            peer: None,
            tool: None,
        }
    }

    /// The principal's bucket for `tool`.
    pub fn tool(principal: &'a str, tool: &'a str) -> Self {
        Self {
            principal,
            peer: None,
            tool: Some(tool),
        }
    }

    /// The same bucket, per caller address.
    pub fn at(self, peer: IpAddr) -> Self {
        Self {
            peer: Some(peer),
            ..self
        }
    }
}

/// Unambiguous: `0xff` never occurs in UTF-8, so it ends the principal, and each optional part
/// starts with its own tag.
impl Hash for BucketKey<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write(self.principal.as_bytes());
        state.write_u8(0xff);
        if let Some(peer) = self.peer {
            state.write_u8(1);
            peer.hash(state);
        }
        if let Some(tool) = self.tool {
            state.write_u8(2);
            state.write(tool.as_bytes());
        }
    }
}

impl BucketKey<'_> {
    /// The key's digest under `keys`: the same bytes as its `Hash` feeds, in one write when
    /// they fit in 128 bytes (SipHash's bookkeeping per write costs more than its rounds).
    fn digest(&self, keys: &RandomState) -> u64 {
        let mut hasher = keys.build_hasher();
        let tool = self.tool.unwrap_or_default();
        let len = self.principal.len() + 3 + tool.len();
        if self.peer.is_some() || len > 128 {
            self.hash(&mut hasher);
            return hasher.finish();
        }
        let mut bytes = [0u8; 128];
        let (principal, rest) = bytes.split_at_mut(self.principal.len());
        principal.copy_from_slice(self.principal.as_bytes());
        rest[0] = 0xff;
        let mut end = self.principal.len() + 1;
        if self.tool.is_some() {
            rest[1] = 2;
            rest[2..2 + tool.len()].copy_from_slice(tool.as_bytes());
            end += 1 + tool.len();
        }
        hasher.write(&bytes[..end]);
        hasher.finish()
    }
}

/// The key as text (`principal`, `principal@address`, `principal<US>tool`), as shared backends
/// store it.
impl fmt::Display for BucketKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.principal)?;
        if let Some(peer) = self.peer {
            write!(f, "@{peer}")?;
        }
        if let Some(tool) = self.tool {
            write!(f, "\u{1f}{tool}")?;
        }
        Ok(())
    }
}

/// A keyed token bucket.
pub trait RateLimiter: Send + Sync + 'static {
    /// Takes one token from `key`'s bucket, or says when one will be available.
    fn check<'a>(&'a self, key: BucketKey<'a>) -> BoxFuture<'a, Decision>;
}

/// Buckets in this process, keyed by a 64-bit digest of the [`BucketKey`]: a check allocates
/// nothing. The digest is SipHash with a random key per limiter (std's `RandomState`, made to
/// resist chosen collisions), so callers cannot aim at each other's buckets; two of a million
/// active keys share a bucket with a probability of about 3·10⁻⁸.
pub struct InMemory {
    // The std monotonic clock, not governor's default (quanta): quanta calibrates the TSC on
    // first use, which was most of the server's start-up time.
    limiter: Governor<
        u64,
        DashMapStateStore<u64, BuildHasherDefault<Digest>>,
        MonotonicClock,
        NoOpMiddleware<std::time::Instant>,
    >,
    keys: RandomState,
    checks: AtomicU64,
}

/// The hasher of a map keyed by digests: the digest is the hash.
#[derive(Default)]
pub struct Digest(u64);

impl Hasher for Digest {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used for `u64` keys; fold anything else in anyway.
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, digest: u64) {
        self.0 = digest;
    }
}

impl InMemory {
    /// A limiter for `limit`, or `None` when the limit is off (rate 0).
    pub fn new(limit: Limit) -> Option<Self> {
        let rate = NonZeroU32::new(limit.per_second)?;
        let burst = NonZeroU32::new(limit.burst).unwrap_or(rate);
        Some(Self {
            limiter: Governor::dashmap_with_clock_and_hasher(
                Quota::per_second(rate).allow_burst(burst),
                MonotonicClock,
                BuildHasherDefault::default(),
            ),
            keys: RandomState::new(),
            checks: AtomicU64::new(0),
        })
    }
}

impl RateLimiter for InMemory {
    fn check<'a>(&'a self, key: BucketKey<'a>) -> BoxFuture<'a, Decision> {
        // Forget idle buckets now and then, so memory follows the active principals.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            self.limiter.retain_recent();
        }
        match self.limiter.check_key(&key.digest(&self.keys)) {
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
        #[cfg(feature = "redis")]
        if let Some(redis) = &settings.redis {
            let make = |scope, limit| -> anyhow::Result<_> {
                Ok(Shared::new(scope, limit, redis, metrics.cloned())?
                    .map(|l| Arc::new(l) as Arc<dyn RateLimiter>))
            };
            return Ok(Self {
                per_principal: make("principal", settings.rate_limit)?,
                per_tool: make("tool", settings.tool_rate_limit)?,
            });
        }
        let _ = metrics;
        Ok(Self::in_memory(settings))
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
            assert_eq!(
                limiter.check(BucketKey::principal("alice")).await,
                Decision::Allow
            );
        }
        let Decision::Deny { retry_after } = limiter.check(BucketKey::principal("alice")).await
        else {
            panic!("the fourth request must be denied");
        };
        assert!(retry_after <= Duration::from_millis(50), "{retry_after:?}");
        assert_eq!(
            limiter.check(BucketKey::principal("bob")).await,
            Decision::Allow,
            "buckets are per key"
        );
        tokio::time::sleep(retry_after + Duration::from_millis(5)).await;
        assert_eq!(
            limiter.check(BucketKey::principal("alice")).await,
            Decision::Allow
        );
    }

    #[tokio::test]
    async fn keys_that_read_alike_keep_separate_buckets() {
        let limiter = InMemory::new(Limit {
            per_second: 1,
            burst: 1,
        })
        .unwrap();
        let peer: IpAddr = "192.0.2.7".parse().unwrap();
        let keys = [
            BucketKey::principal("alice"),
            BucketKey::tool("alice", "greet"),
            BucketKey::principal("alice\u{1f}greet"),
            BucketKey::tool("alice\u{1f}", "greet"),
            BucketKey::principal("alice").at(peer),
            BucketKey::principal("alice@192.0.2.7"),
            BucketKey::tool("alice", "greet").at(peer),
        ];
        for key in keys {
            assert_eq!(limiter.check(key).await, Decision::Allow, "{key:?}");
        }
        for key in keys {
            assert_ne!(limiter.check(key).await, Decision::Allow, "{key:?}");
        }
        // The one-write digest is the `Hash` of the key.
        let keys = RandomState::new();
        for key in keys_for_digest() {
            assert_eq!(key.digest(&keys), keys.hash_one(key), "{key:?}");
        }
        // Shared backends store the text form.
        assert_eq!(
            BucketKey::tool("alice", "greet").to_string(),
            "alice\u{1f}greet"
        );
        assert_eq!(
            BucketKey::principal("anonymous").at(peer).to_string(),
            "anonymous@192.0.2.7"
        );
    }

    fn keys_for_digest() -> Vec<BucketKey<'static>> {
        let long: &'static str = "p".repeat(200).leak();
        vec![
            BucketKey::principal(""),
            BucketKey::principal("local"),
            BucketKey::tool("local", "greet"),
            BucketKey::tool("", ""),
            BucketKey::tool(&long[..125], ""),
            BucketKey::tool(&long[..126], ""),
            BucketKey::principal(long),
            BucketKey::tool("ci", long),
            BucketKey::principal("anonymous").at("::1".parse().unwrap()),
        ]
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

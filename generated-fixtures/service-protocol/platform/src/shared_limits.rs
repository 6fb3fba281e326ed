//! Rate-limit buckets in Redis, shared by every replica of the server.
//!
//! Each bucket is one Redis key holding its GCRA "theoretical arrival time" in microseconds of
//! the Redis server's clock (so replicas with skewed clocks agree). A Lua script reads, decides
//! and writes in one atomic step, and gives the key an expiry equal to the time the bucket
//! takes to refill, so idle principals cost nothing. The semantics match the in-memory
//! limiter: `burst` requests at once, then one every `1 / per_second`.
//!
//! When Redis cannot answer within the timeout, [`Failure`] decides: `open` admits the request,
//! `closed` refuses it with a one-second retry. Either way the failure is counted
//! (`mcp_rate_limit_backend_errors_total`) and logged (at most once a second).

use crate::config::{ConfigError, Setting, Vars};
use secrecy::SecretString;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::config::Limit;
use super::metrics::Metrics;
use super::middleware::BoxFuture;
use super::ratelimit::{BucketKey, Decision, RateLimiter};

/// GCRA in one atomic step. KEYS[1]: the bucket. ARGV[1]: emission interval in µs (time per
/// token). ARGV[2]: burst. Returns 0 when a token was taken, else the µs until one is free.
const GCRA: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = interval * tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local next_tat = tat + interval
local wait = next_tat - now - tolerance
if wait > 0 then return wait end
redis.call('SET', KEYS[1], next_tat, 'PX', math.ceil((next_tat - now) / 1000))
return 0
";

/// How long a refused request is told to wait when Redis is down and the limiter fails closed.
const CLOSED_RETRY: Duration = Duration::from_secs(1);

/// One kind of bucket (per principal, or per principal and tool) kept in Redis.
pub struct Shared {
    scope: &'static str,
    prefix: String,
    interval_us: u64,
    burst: u32,
    connection: ConnectionManager,
    script: redis::Script,
    timeout: Duration,
    failure: RedisFailure,
    metrics: Option<Metrics>,
    /// Unix milliseconds of the last failure logged.
    last_logged: AtomicU64,
}

impl Shared {
    /// A limiter for `limit` named `scope` (`principal` or `tool`), or `None` when the limit is
    /// off. Connects lazily: a server starts while Redis is down and follows
    /// `RATE_LIMIT_REDIS_FAILURE` until Redis answers.
    pub fn new(
        scope: &'static str,
        limit: Limit,
        redis: &RedisSettings,
        metrics: Option<Metrics>,
    ) -> redis::RedisResult<Option<Self>> {
        if limit.per_second == 0 {
            return Ok(None);
        }
        let client = redis::Client::open(secrecy::ExposeSecret::expose_secret(&redis.url))?;
        let timeout = redis.timeout;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(2)
            .set_min_delay(Duration::from_millis(10))
            .set_max_delay(Duration::from_millis(500));
        Ok(Some(Self {
            scope,
            prefix: redis.key_prefix.clone(),
            interval_us: (1_000_000 / u64::from(limit.per_second)).max(1),
            burst: limit.burst.max(1),
            connection: ConnectionManager::new_lazy_with_config(client, config)?,
            script: redis::Script::new(GCRA),
            timeout,
            failure: redis.failure,
            metrics,
            last_logged: AtomicU64::new(0),
        }))
    }

    async fn take(&self, key: BucketKey<'_>) -> Result<u64, String> {
        let mut connection = self.connection.clone();
        let bucket = format!("{}:{}:{key}", self.prefix, self.scope);
        let mut call = self.script.key(bucket);
        call.arg(self.interval_us).arg(self.burst);
        match tokio::time::timeout(self.timeout, call.invoke_async::<u64>(&mut connection)).await {
            Ok(Ok(wait_us)) => Ok(wait_us),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("no answer within {:?}", self.timeout)),
        }
    }

    fn unavailable(&self, error: &str) -> Decision {
        if let Some(metrics) = &self.metrics {
            metrics.rate_limit_backend_error(self.scope);
        }
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        let last = self.last_logged.load(Ordering::Relaxed);
        if now_ms.saturating_sub(last) >= 1000
            && self
                .last_logged
                .compare_exchange(last, now_ms, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            tracing::warn!(
                scope = self.scope,
                failure_mode = self.failure.as_str(),
                error,
                "rate-limit backend (Redis) unavailable"
            );
        }
        match self.failure {
            RedisFailure::Open => Decision::Allow,
            RedisFailure::Closed => Decision::Deny {
                retry_after: CLOSED_RETRY,
            },
        }
    }
}

impl RateLimiter for Shared {
    fn check<'a>(&'a self, key: BucketKey<'a>) -> BoxFuture<'a, Decision> {
        Box::pin(async move {
            match self.take(key).await {
                Ok(0) => Decision::Allow,
                Ok(wait_us) => Decision::Deny {
                    retry_after: Duration::from_micros(wait_us),
                },
                Err(error) => self.unavailable(&error),
            }
        })
    }
}

/// Where rate-limit buckets are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimitBackend {
    Memory,
    Redis,
}

/// What a rate-limit check decides when Redis cannot answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedisFailure {
    /// Admit the request: availability over strictness.
    Open,
    /// Refuse the request: strictness over availability.
    Closed,
}

impl RedisFailure {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }
}

/// Where shared buckets live and what happens when Redis cannot answer.
#[derive(Debug, Clone)]
pub struct RedisSettings {
    /// May carry a password.
    pub url: SecretString,
    pub key_prefix: String,
    pub timeout: Duration,
    pub failure: RedisFailure,
}

impl RedisSettings {
    /// Reads and validates the Redis settings: `None` unless `RATE_LIMIT_BACKEND=redis`.
    pub fn from_vars(vars: &Vars) -> Result<Option<Self>, ConfigError> {
        let rate_limit_backend = match vars.get("RATE_LIMIT_BACKEND").as_str() {
            "memory" => RateLimitBackend::Memory,
            "redis" => RateLimitBackend::Redis,
            other => {
                return Err(vars.invalid(
                    "RATE_LIMIT_BACKEND",
                    format!("`{other}` is not memory or redis"),
                ));
            }
        };
        let redis_url = vars.get("REDIS_URL");
        if let Err(e) = redis::IntoConnectionInfo::into_connection_info(redis_url.as_str()) {
            // The URL may carry a password: name the problem, never the value.
            return Err(vars.invalid(
                "REDIS_URL",
                format!("not a Redis URL (redis://host:port, rediss://…, unix://…): {e}"),
            ));
        }
        let redis_failure = match vars.get("RATE_LIMIT_REDIS_FAILURE").as_str() {
            "open" => RedisFailure::Open,
            "closed" => RedisFailure::Closed,
            other => {
                return Err(vars.invalid(
                    "RATE_LIMIT_REDIS_FAILURE",
                    format!("`{other}` is not open or closed"),
                ));
            }
        };
        let redis_timeout_ms = vars.number("REDIS_TIMEOUT_MS")?;
        if !(1..=10_000).contains(&redis_timeout_ms) {
            return Err(vars.invalid(
                "REDIS_TIMEOUT_MS",
                "must be between 1 and 10000".to_string(),
            ));
        }
        let redis_key_prefix = match vars.get("REDIS_KEY_PREFIX").trim() {
            "" => crate::SERVICE_NAME.to_string(),
            prefix => prefix.to_string(),
        };
        Ok(
            (rate_limit_backend == RateLimitBackend::Redis).then(|| Self {
                url: SecretString::from(redis_url),
                key_prefix: redis_key_prefix,
                timeout: Duration::from_millis(redis_timeout_ms),
                failure: redis_failure,
            }),
        )
    }
}

/// This subsystem's settings (keys without the prefix).
pub const SETTINGS: &[Setting] = &[
    Setting {
        key: "RATE_LIMIT_BACKEND",
        default: "memory",
        help: "Where buckets live: `memory` (this process) or `redis` (shared by every replica).",
    },
    Setting {
        key: "REDIS_URL",
        default: "redis://127.0.0.1:6379",
        help: "Redis for shared state: `redis://[user:password@]host:port[/db]`, `rediss://` for TLS (secret).",
    },
    Setting {
        key: "REDIS_KEY_PREFIX",
        default: "",
        help: "Prefix of every Redis key this server writes; empty means the package name.",
    },
    Setting {
        key: "REDIS_TIMEOUT_MS",
        default: "100",
        help: "How long a rate-limit check waits for Redis (connect or answer) before failing.",
    },
    Setting {
        key: "RATE_LIMIT_REDIS_FAILURE",
        default: "open",
        help: "When Redis cannot answer: `open` admits the request, `closed` refuses it (HTTP 429 / -32029).",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    fn limiter(failure: &str) -> Shared {
        // Port 9 (discard) on loopback: nothing listens, so every check fails fast.
        let settings = Settings::with(&[
            ("RATE_LIMIT_BACKEND", "redis"),
            ("REDIS_URL", "redis://127.0.0.1:9/"),
            ("REDIS_TIMEOUT_MS", "200"),
            ("RATE_LIMIT_REDIS_FAILURE", failure),
        ])
        .unwrap();
        #[cfg(feature = "metrics")]
        let metrics = Some(Metrics::new(Vec::new()));
        #[cfg(not(feature = "metrics"))]
        let metrics = None;
        Shared::new(
            "principal",
            settings.rate_limit,
            settings.redis.as_ref().expect("redis settings"),
            metrics,
        )
        .unwrap()
        .unwrap()
    }

    #[tokio::test]
    async fn an_unreachable_redis_fails_open_or_closed_as_configured_and_is_counted() {
        let open = limiter("open");
        assert_eq!(
            open.check(BucketKey::principal("alice")).await,
            Decision::Allow
        );
        let closed = limiter("closed");
        assert_eq!(
            closed.check(BucketKey::principal("alice")).await,
            Decision::Deny {
                retry_after: CLOSED_RETRY
            }
        );
        #[cfg(feature = "metrics")]
        {
            let metrics = closed.metrics.as_ref().unwrap().render();
            assert!(
                metrics.contains("mcp_rate_limit_backend_errors_total{scope=\"principal\"} 1"),
                "{metrics}"
            );
        }
    }

    #[test]
    fn a_zero_rate_needs_no_redis() {
        let settings = Settings::with(&[("RATE_LIMIT_BACKEND", "redis")]).unwrap();
        let off = Limit {
            per_second: 0,
            burst: 0,
        };
        let redis = settings.redis.expect("redis settings");
        assert!(Shared::new("tool", off, &redis, None).unwrap().is_none());
    }
}

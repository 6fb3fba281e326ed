//! Prometheus metrics: requests by method and tool, latency, errors, rate-limit rejections.
//!
//! Recorded by the metrics layer of the stack and by the HTTP layer; served at `/metrics` in
//! the OpenMetrics text format. With `METRICS=false` the layer is left out of the stack, so it
//! costs nothing per request.

use std::sync::Arc;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    pub tool: String,
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct MethodLabels {
    pub method: String,
    pub tool: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct LimitLabels {
    /// `principal` or `tool`.
    pub scope: String,
}

/// The server's metrics. Cloning shares them.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    requests: Family<RequestLabels, Counter>,
    latency: Family<MethodLabels, Histogram, fn() -> Histogram>,
    rate_limited: Family<LimitLabels, Counter>,
    backend_errors: Family<LimitLabels, Counter>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

fn latency_histogram() -> Histogram {
    // 0.25 ms to ~4 s.
    Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(
        0.000_25, 2.0, 15,
    ))
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("mcp");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<MethodLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        let rate_limited = Family::<LimitLabels, Counter>::default();
        registry.register(
            "requests",
            "MCP requests by method, tool and outcome (ok or a JSON-RPC error code)",
            requests.clone(),
        );
        registry.register(
            "request_duration_seconds",
            "MCP request latency inside the server",
            latency.clone(),
        );
        registry.register(
            "rate_limited",
            "Requests rejected by a rate limit",
            rate_limited.clone(),
        );
        let backend_errors = Family::<LimitLabels, Counter>::default();
        registry.register(
            "rate_limit_backend_errors",
            "Rate-limit checks the shared backend (Redis) could not answer; RATE_LIMIT_REDIS_FAILURE decided them",
            backend_errors.clone(),
        );
        Self {
            registry: Arc::new(registry),
            backend_errors,
            requests,
            latency,
            rate_limited,
        }
    }

    /// Records one finished request.
    pub fn observe(&self, method: &str, tool: Option<&str>, outcome: &str, elapsed: Duration) {
        let tool = tool.unwrap_or("").to_string();
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_string(),
                tool: tool.clone(),
                outcome: outcome.to_string(),
            })
            .inc();
        self.latency
            .get_or_create(&MethodLabels {
                method: method.to_string(),
                tool,
            })
            .observe(elapsed.as_secs_f64());
    }

    /// Records a rate-limit rejection (`scope`: principal or tool).
    pub fn rate_limited(&self, scope: &str) {
        self.rate_limited
            .get_or_create(&LimitLabels {
                scope: scope.to_string(),
            })
            .inc();
    }

    /// Records a rate-limit check the shared backend could not answer.
    pub fn rate_limit_backend_error(&self, scope: &str) {
        self.backend_errors
            .get_or_create(&LimitLabels {
                scope: scope.to_string(),
            })
            .inc();
    }

    /// The OpenMetrics text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

//! Prometheus metrics: requests by method and tool, latency, errors, rate-limit rejections.
//!
//! Recorded by the metrics layer of the stack and by the HTTP layer; served at `/metrics` in
//! the OpenMetrics text format. With `METRICS=false` the layer is left out of the stack, so it
//! costs nothing per request.
//!
//! Guarantee: no label value is chosen by a caller. The `tool` label names only tools the
//! server has ([`UNKNOWN_TOOL`] for any other name a client sends), so the number of series is
//! bounded by the server's own tools, whatever clients call.

use crate::config::{ConfigError, Setting, Vars};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, PoisonError, RwLock};
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
    /// The series [`Metrics::observe`] records into, by tool: a family lookup builds three
    /// `String` labels and hashes them, on every request.
    series: Arc<RwLock<HashMap<String, Vec<Series>>>>,
    /// The server's tools: the only names that become a `tool` label.
    tools: Arc<HashSet<String>>,
}

/// One (method, tool, outcome) combination's counter and latency histogram.
struct Series {
    method: &'static str,
    outcome: &'static str,
    requests: Counter,
    latency: Histogram,
}

impl Series {
    /// The series of `method` and `outcome` among one tool's.
    fn find<'a>(all: &'a [Series], method: &str, outcome: &str) -> Option<&'a Series> {
        all.iter()
            .find(|s| s.method == method && s.outcome == outcome)
    }
}

/// The tool label of calls naming a tool the server does not have.
pub const UNKNOWN_TOOL: &str = "(unknown)";

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

impl Metrics {
    /// Metrics of a server whose tools are `tools`.
    pub fn new(tools: impl IntoIterator<Item = String>) -> Self {
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
            series: Arc::default(),
            tools: Arc::new(tools.into_iter().collect()),
        }
    }

    /// Records one finished request.
    pub fn observe(
        &self,
        method: &'static str,
        tool: Option<&str>,
        outcome: &'static str,
        elapsed: Duration,
    ) {
        let tool = tool.unwrap_or("");
        let seconds = elapsed.as_secs_f64();
        let record = |series: &Series| {
            series.requests.inc();
            series.latency.observe(seconds);
        };
        {
            let known = self.series.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(series) = known
                .get(tool)
                .and_then(|all| Series::find(all, method, outcome))
            {
                record(series);
                return;
            }
        }
        // Not seen yet with this method and outcome, or not a tool of this server.
        let tool = if tool.is_empty() || self.tools.contains(tool) {
            tool
        } else {
            UNKNOWN_TOOL
        };
        let mut known = self.series.write().unwrap_or_else(PoisonError::into_inner);
        let all = known.entry(tool.to_string()).or_default();
        if let Some(series) = Series::find(all, method, outcome) {
            record(series);
            return;
        }
        let series = Series {
            method,
            outcome,
            requests: self
                .requests
                .get_or_create(&RequestLabels {
                    method: method.to_string(),
                    tool: tool.to_string(),
                    outcome: outcome.to_string(),
                })
                .clone(),
            latency: self
                .latency
                .get_or_create(&MethodLabels {
                    method: method.to_string(),
                    tool: tool.to_string(),
                })
                .clone(),
        };
        record(&series);
        all.push(series);
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

/// Whether metrics are kept, and where they are served.
#[derive(Debug, Clone, Copy)]
pub struct MetricsSettings {
    pub enabled: bool,
    /// A listener of its own for `/metrics`, when set.
    pub addr: Option<std::net::SocketAddr>,
}

impl MetricsSettings {
    /// Reads and validates the metrics settings.
    pub fn from_vars(vars: &Vars) -> Result<Self, ConfigError> {
        let metrics_addr = match vars.get("METRICS_ADDR").trim() {
            "" => None,
            text => Some(text.parse::<std::net::SocketAddr>().map_err(|_| {
                vars.invalid(
                    "METRICS_ADDR",
                    format!("`{text}` is not HOST:PORT with an IP host"),
                )
            })?),
        };
        Ok(Self {
            enabled: vars.boolean("METRICS")?,
            addr: metrics_addr,
        })
    }
}

/// This subsystem's settings (keys without the prefix).
pub const SETTINGS: &[Setting] = &[
    Setting {
        key: "METRICS_ADDR",
        default: "",
        help: "Serve /metrics on this address (HOST:PORT) instead of the MCP listener, so it is not public.",
    },
    Setting {
        key: "METRICS",
        default: "true",
        help: "Serve Prometheus metrics at /metrics (HTTP transport) and count requests.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn requests_are_counted_by_method_tool_and_outcome() {
        let metrics = Metrics::new(["greet".to_string()]);
        for _ in 0..3 {
            metrics.observe("tools/call", Some("greet"), "ok", MS);
        }
        metrics.observe("tools/call", Some("greet"), "invalid_params", MS);
        metrics.observe("tools/list", None, "ok", MS);
        let text = metrics.render();
        for line in [
            r#"mcp_requests_total{method="tools/call",tool="greet",outcome="ok"} 3"#,
            r#"mcp_requests_total{method="tools/call",tool="greet",outcome="invalid_params"} 1"#,
            r#"mcp_requests_total{method="tools/list",tool="",outcome="ok"} 1"#,
            r#"mcp_request_duration_seconds_count{method="tools/call",tool="greet"} 4"#,
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "{line} missing from\n{text}"
            );
        }
    }

    #[test]
    fn only_the_servers_tools_become_labels_whatever_clients_call() {
        let metrics = Metrics::new(["greet".to_string()]);
        let long = "x".repeat(64 * 1024);
        for i in 0..40 {
            metrics.observe(
                "tools/call",
                Some(&format!("{long}{i}")),
                "invalid_params",
                MS,
            );
        }
        metrics.observe("tools/call", Some("greet"), "ok", MS);
        let text = metrics.render();
        assert!(text.len() < 16 * 1024, "{} bytes of metrics", text.len());
        let unknown = format!(
            r#"mcp_requests_total{{method="tools/call",tool="{UNKNOWN_TOOL}",outcome="invalid_params"}} 40"#
        );
        assert!(text.lines().any(|l| l == unknown), "{text}");
        let known = r#"mcp_requests_total{method="tools/call",tool="greet",outcome="ok"} 1"#;
        assert!(text.lines().any(|l| l == known), "{text}");
    }
}

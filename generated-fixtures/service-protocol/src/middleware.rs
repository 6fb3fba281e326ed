// Owned by your team: edit freely.
//! The team's own middleware, run after the platform's authentication and rate limiting and
//! inside its error masking (so a panic here is masked like one in a tool), just before the
//! handler.
//!
//! A middleware sees each request's method, target (tool name, prompt name or resource URI)
//! and [`RequestInfo`](platform::middleware::RequestInfo) (request id, identity). In
//! `before` it may add to `call.info` or refuse the request with an error; in `after` it sees
//! the outcome. (One that must await around the rest of the stack overrides `handle`
//! instead: see the `Middleware` trait.) Register yours in [`team_middleware`]. The example
//! below logs calls slower than a threshold.

use std::sync::Arc;
use std::time::Duration;

use rmcp::ErrorData;

use platform::config::Settings;
use platform::middleware::{Call, Middleware};

/// The team's middleware, in order.
pub fn team_middleware(_settings: &Settings) -> Vec<Arc<dyn Middleware>> {
    vec![Arc::new(SlowCalls {
        threshold: Duration::from_secs(2),
    })]
}

/// Warns about tool calls slower than `threshold`, naming the caller and the request id.
pub struct SlowCalls {
    pub threshold: Duration,
}

impl Middleware for SlowCalls {
    fn name(&self) -> &'static str {
        "slow-calls"
    }

    fn wraps(&self) -> bool {
        false
    }

    fn after(&self, call: &Call, _error: Option<&ErrorData>) {
        let elapsed = call.started.elapsed();
        if call.method == "tools/call" && elapsed > self.threshold {
            tracing::warn!(
                request_id = call.info.request_id.as_str(),
                principal = call.info.identity.principal.as_str(),
                tool = call.target.as_deref().unwrap_or(""),
                elapsed_ms = elapsed.as_millis() as u64,
                "slow tool call"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{Harness, test_app};
    use platform::config::Settings;

    #[tokio::test]
    async fn runs_inside_the_platform_stack() {
        let app = test_app(Settings::defaults());
        let mut expected = vec!["in-flight", "request-id", "logging"];
        if cfg!(feature = "metrics") {
            expected.push("metrics");
        }
        if cfg!(feature = "http") {
            expected.push("auth");
        }
        expected.extend(["rate-limit", "error-masking", "slow-calls"]);
        assert_eq!(app.server.stack().names(), expected);
        // A request answered through the whole stack, this middleware included (`list_tools`
        // fails the test on an error; it needs no particular tool).
        let h = Harness::with_app(app).await;
        h.list_tools().await;
    }
}

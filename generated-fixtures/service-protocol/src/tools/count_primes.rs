// Owned by your team: edit freely.
//! `count_primes`: an example of a long tool that takes the request's [`Context`]: it reports
//! progress (when the client asked for it), stops when the call is cancelled, and tells the
//! client's user what it did in a log message.

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::{schemars, tool, tool_router};
use serde::Deserialize;

use crate::server::Server;
use platform::context::{Context, LogLevel};
use platform::errors::ToolError;

/// The largest `below` accepted.
const MAX_BELOW: u64 = 100_000_000;

/// How many numbers to test between two progress reports (and two chances to be stopped).
const CHUNK: u64 = 10_000;

/// Parameters of `count_primes`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct CountPrimesParams {
    /// Count the primes below this number (at most 100,000,000).
    pub below: u64,
}

fn is_prime(n: u64) -> bool {
    if n < 4 {
        return n >= 2;
    }
    if n.is_multiple_of(2) {
        return false;
    }
    let mut d = 3;
    while d * d <= n {
        if n.is_multiple_of(d) {
            return false;
        }
        d += 2;
    }
    true
}

#[tool_router(router = count_primes_router, vis = "pub(crate)")]
impl Server {
    /// Count the prime numbers below a limit. Large limits take a while: the tool reports its
    /// progress and can be cancelled.
    #[tool(annotations(
        title = "Count primes",
        read_only_hint = true,
        destructive_hint = false,
        idempotent_hint = true,
        open_world_hint = false
    ))]
    async fn count_primes(
        &self,
        ctx: Context,
        Parameters(params): Parameters<CountPrimesParams>,
    ) -> Result<String, ToolError> {
        let below = params.below;
        if below > MAX_BELOW {
            return Err(ToolError::invalid_input(format!(
                "`below` must be at most {MAX_BELOW}"
            )));
        }
        let mut count = 0u64;
        let mut start = 0;
        while start < below {
            let end = (start + CHUNK).min(below);
            count += (start..end).filter(|n| is_prime(*n)).count() as u64;
            start = end;
            // Rate-limited by the platform: calling it every chunk is fine.
            ctx.progress(start as f64, below as f64, None).await;
            // CPU-bound work: give the runtime a chance to run other requests, and the platform
            // a point where it can stop this one when it is cancelled.
            tokio::task::yield_now().await;
        }
        ctx.log(
            LogLevel::Info,
            format!("counted {count} primes below {below}"),
        )
        .await;
        Ok(format!("{count} primes below {below}"))
    }
}

/// This tool's router, merged into the registry in `src/tools/mod.rs`.
pub(crate) fn router() -> ToolRouter<Server> {
    Server::count_primes_router()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;

    use crate::testing::Harness;

    #[tokio::test]
    async fn counts_and_reports_progress_up_to_the_end() {
        let h = Harness::start().await;
        let result = h.call_tool("count_primes", json!({"below": 100_000})).await;
        assert_eq!(Harness::text(&result), "9592 primes below 100000");
        let progress = h.progress();
        let last = progress.last().expect("progress notifications");
        assert_eq!((last.progress, last.total), (100_000.0, Some(100_000.0)));
        assert!(progress.windows(2).all(|w| w[0].progress < w[1].progress));
        let logs = h.logs();
        assert_eq!(logs.len(), 1);
        assert_eq!(logs[0].message, "counted 9592 primes below 100000");
    }

    #[tokio::test]
    async fn stops_when_cancelled() {
        let h = Harness::start().await;
        let call = h
            .start_call("count_primes", json!({"below": 100_000_000}))
            .await;
        h.wait_for_progress(2).await;
        call.cancel().await;
        // A report already on its way may still arrive; after that, nothing: the work stopped
        // (running on, it would report every 50 ms for minutes).
        tokio::time::sleep(Duration::from_millis(100)).await;
        let reported = h.progress().len();
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            h.progress().len(),
            reported,
            "still reporting after cancellation"
        );
        assert!(h.logs().is_empty(), "{:?}", h.logs());
        let after = h.call_tool("count_primes", json!({"below": 10})).await;
        assert_eq!(Harness::text(&after), "4 primes below 10");
    }

    #[tokio::test]
    async fn refuses_limits_over_the_maximum() {
        let h = Harness::start().await;
        let result = h
            .call_tool("count_primes", json!({"below": 100_000_001}))
            .await;
        assert_eq!(result.is_error, Some(true));
        assert!(Harness::text(&result).contains("at most 100000000"));
    }
}

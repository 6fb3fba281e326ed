//! Error masking: what a failure shows the client, and what only the log sees.
//!
//! Guarantees: a [`ToolError::Invalid`] message reaches the model (as an `isError` tool result,
//! or an invalid-params error for resources and prompts); a [`ToolError::Internal`] error and a
//! panic in a tool, resource or prompt reach the client only as "internal error (incident <id>)",
//! while the details go to the log under the same id. A panic never takes the server down or
//! leaves a request unanswered.

use std::future::Future;
use std::hash::BuildHasher;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};

use futures::FutureExt;
use rmcp::ErrorData;
use rmcp::handler::server::tool::IntoCallToolResult;
use rmcp::model::{CallToolResponse, CallToolResult, ContentBlock};

/// What a tool returns when it fails.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// The request cannot be served as asked; the message is shown to the model, so say what to
    /// change ("`city` must be a known city name").
    #[error("{0}")]
    Invalid(String),
    /// Something failed inside the server. The model sees an incident id; the log sees this.
    /// `?` on an `anyhow::Result` lands here; add `.context(..)` to say what was being done.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ToolError {
    /// A failure the model can fix by changing its input: say what to change. (Called
    /// `invalid` before template 0.2.0; `mcpforge upgrade` renames the calls.)
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::Invalid(message.into())
    }

    /// The JSON-RPC error for requests without an `isError` result (resources, prompts).
    pub fn into_error_data(self) -> ErrorData {
        match self {
            ToolError::Invalid(message) => ErrorData::invalid_params(message, None),
            ToolError::Internal(error) => {
                Incident::log("request failed", &format!("{error:#}")).into_error_data()
            }
        }
    }
}

impl IntoCallToolResult for ToolError {
    fn into_call_tool_result(self) -> Result<CallToolResponse, ErrorData> {
        match self {
            ToolError::Invalid(message) => {
                Ok(CallToolResult::error(vec![ContentBlock::text(message)]).into())
            }
            ToolError::Internal(error) => Ok(Incident::log("tool failed", &format!("{error:#}"))
                .into_tool_result()
                .into()),
        }
    }
}

/// A failure whose details went to the log under an id; the client gets only the id.
#[derive(Debug, Clone)]
pub struct Incident {
    pub id: String,
}

impl Incident {
    /// Logs `details` at error level under a fresh incident id.
    fn log(what: &str, details: &str) -> Self {
        let id = incident_id();
        tracing::error!(incident = %id, details, "{what}");
        Self { id }
    }

    fn message(&self) -> String {
        format!(
            "internal error (incident {}); the details are in the server log",
            self.id
        )
    }

    /// As a tool result the model can read.
    pub fn into_tool_result(self) -> CallToolResult {
        CallToolResult::error(vec![ContentBlock::text(self.message())])
    }

    /// As a JSON-RPC internal error.
    pub fn into_error_data(self) -> ErrorData {
        ErrorData::internal_error(self.message(), None)
    }
}

/// Runs `work`, turning a panic into a logged [`Incident`]. `what` names the work in the log.
pub async fn catch_panic<F: Future>(what: &str, work: F) -> Result<F::Output, Incident> {
    AssertUnwindSafe(work)
        .catch_unwind()
        .await
        .map_err(|panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-string panic payload".to_string());
            Incident::log(&format!("{what} panicked"), &message)
        })
}

/// Runs a tool call, turning a panic into a masked error result.
pub async fn guard<F>(tool: &str, call: F) -> Result<CallToolResponse, ErrorData>
where
    F: Future<Output = Result<CallToolResponse, ErrorData>>,
{
    match catch_panic(tool, call).await {
        Ok(result) => result,
        Err(incident) => Ok(incident.into_tool_result().into()),
    }
}

/// A short id that ties what the client saw to the log line: unpredictable, unique per process.
fn incident_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{:016x}", std::hash::RandomState::new().hash_one(n))
}

#[cfg(test)]
mod tests {
    use rmcp::handler::server::router::tool::ToolRouter;
    use rmcp::{tool, tool_router};
    use serde_json::json;

    use super::*;
    use crate::platform::config::Settings;
    use crate::platform::harness::Harness;
    use crate::server::Server;

    #[tool_router(router = failing_router)]
    impl Server {
        /// Always panics.
        #[tool]
        async fn explode(&self) -> String {
            panic!("secret detail that must not reach the model")
        }

        /// Always fails internally.
        #[tool]
        async fn break_down(&self) -> Result<String, ToolError> {
            Err(anyhow::anyhow!("database password rejected").into())
        }
    }

    async fn harness() -> Harness {
        let tools: ToolRouter<Server> = Server::failing_router() + crate::tools::router();
        Harness::with_server(Server::with_tools(Settings::defaults(), tools)).await
    }

    #[tokio::test]
    async fn a_panic_is_masked_and_the_server_keeps_serving() {
        let h = harness().await;
        let result = h.call_tool("explode", json!({})).await;
        assert_eq!(result.is_error, Some(true));
        let text = Harness::text(&result);
        assert!(text.starts_with("internal error (incident "), "{text}");
        assert!(!text.contains("secret"), "panic details leaked: {text}");

        let after = h.call_tool("greet", json!({"name": "Ada"})).await;
        assert_eq!(after.is_error, Some(false));
    }

    #[tokio::test]
    async fn internal_errors_are_masked_with_distinct_incident_ids() {
        let h = harness().await;
        let first = Harness::text(&h.call_tool("break_down", json!({})).await);
        let second = Harness::text(&h.call_tool("break_down", json!({})).await);
        assert!(first.contains("incident"), "{first}");
        assert!(!first.contains("password"), "error details leaked: {first}");
        assert_ne!(first, second, "incident ids must differ");
    }
}

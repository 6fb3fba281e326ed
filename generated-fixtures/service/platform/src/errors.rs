//! Error masking: what a failure shows the client, and what only the log sees.
//!
//! Guarantees: a [`ToolError::Invalid`] message reaches the model (as an `isError` tool result,
//! or an invalid-params error for resources and prompts); a [`ToolError::Internal`] error and a
//! panic in a tool, resource or prompt reach the client only as "internal error (request
//! <id>)", while the details go to the log under the same id. The id is the request id the
//! middleware stack assigned (scoped to the request with a task-local, not a global), so the
//! client's error, the request's log lines and the incident line share it. A panic never takes
//! the server down or leaves a request unanswered.

use std::future::Future;
use std::panic::AssertUnwindSafe;

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
    /// Logs `details` at error level under the current request's id.
    pub fn log(what: &str, details: &str) -> Self {
        Self::log_for(current_request_id(), what, details)
    }

    /// Logs `details` at error level under request `id`.
    pub fn log_for(id: String, what: &str, details: &str) -> Self {
        tracing::error!(request_id = %id, details, "{what}");
        Self { id }
    }

    fn message(&self) -> String {
        format!(
            "internal error (request {}); the details are in the server log",
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
        .map_err(|panic| Incident::log(&format!("{what} panicked"), &panic_message(&*panic)))
}

/// The message a panic carried, for the log.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic payload".to_string())
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

/// The longest request id the stack assigns (longer caller ids are replaced).
const MAX_REQUEST_ID: usize = 64;

/// A request id held inline, so scoping a request to it allocates nothing.
#[derive(Clone, Copy)]
pub struct RequestScope {
    len: u8,
    bytes: [u8; MAX_REQUEST_ID],
}

impl RequestScope {
    /// The scope of request `id` (cut at 64 bytes, on a character boundary).
    pub fn new(id: &str) -> Self {
        let mut len = id.len().min(MAX_REQUEST_ID);
        while !id.is_char_boundary(len) {
            len -= 1;
        }
        let mut bytes = [0; MAX_REQUEST_ID];
        bytes[..len].copy_from_slice(&id.as_bytes()[..len]);
        Self {
            len: len as u8,
            bytes,
        }
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

tokio::task_local! {
    static REQUEST_ID: RequestScope;
}

/// Runs `work` with `scope`'s id as the id incidents are logged under.
///
/// A plain function returning the scoped future: an `async fn` would hold `work` twice (as
/// its argument and inside the scope), and every request's future would carry the copy.
pub fn with_request_id<F: Future>(scope: RequestScope, work: F) -> impl Future<Output = F::Output> {
    REQUEST_ID.scope(scope, work)
}

/// The id of the request being served, or a fresh one outside any request.
pub fn current_request_id() -> String {
    REQUEST_ID
        .try_with(|scope| scope.as_str().to_string())
        .unwrap_or_else(|_| new_request_id())
}

/// A fresh request id: 32 hex digits, a random per-process prefix and a counter, so ids are
/// unique without a system call per request.
pub fn new_request_id() -> String {
    static PREFIX: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let prefix = PREFIX.get_or_init(|| uuid::Uuid::new_v4().as_u64_pair().0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    // By hand, two digits per byte: `format!` with two `{:016x}` cost ten times as much, on
    // every request.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = ((u128::from(*prefix) << 64) | u128::from(n)).to_be_bytes();
    let mut digits = [0u8; 32];
    for (i, byte) in bytes.into_iter().enumerate() {
        digits[2 * i] = HEX[usize::from(byte >> 4)];
        digits[2 * i + 1] = HEX[usize::from(byte & 0xf)];
    }
    String::from_utf8(digits.to_vec()).unwrap_or_default()
}

/// Locks `mutex`, keeping its data when a panic poisoned it: a panic only means a handler or a
/// test failed (error masking catches handlers'), not that the data is broken.
pub(crate) fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use rmcp::handler::server::router::tool::ToolRouter;
    use rmcp::{tool, tool_router};
    use serde_json::json;

    use super::*;
    use crate::config::Settings;
    use crate::harness::Harness;
    use crate::testing::{Probe, app_with_tools};

    #[tokio::test]
    async fn incidents_are_logged_under_the_scoped_request_id() {
        let id = "req-7-é".repeat(10);
        let scope = RequestScope::new(&id);
        let seen = with_request_id(scope, async { current_request_id() }).await;
        // Cut at 64 bytes, on a character boundary.
        assert!(
            id.starts_with(&seen) && seen.len() <= 64 && seen.len() > 56,
            "{seen}"
        );
        let short = with_request_id(RequestScope::new("abc"), async { current_request_id() });
        assert_eq!(short.await, "abc");
        assert_eq!(
            current_request_id().len(),
            32,
            "outside a request: a fresh id"
        );
    }

    #[test]
    fn request_ids_are_32_hex_digits_unique_per_request() {
        let (a, b) = (new_request_id(), new_request_id());
        for id in [&a, &b] {
            assert_eq!(id.len(), 32, "{id}");
            assert!(
                id.bytes()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()),
                "{id}"
            );
        }
        assert_ne!(a, b);
        assert_eq!(a[..16], b[..16], "one random prefix per process");
        let (x, y) = (
            u64::from_str_radix(&a[16..], 16).unwrap(),
            u64::from_str_radix(&b[16..], 16).unwrap(),
        );
        assert!(y > x, "a counter after the prefix: {a} {b}");
    }

    #[tool_router(router = failing_router)]
    impl Probe {
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
        let tools: ToolRouter<Probe> = Probe::failing_router();
        Harness::with_app(app_with_tools(Settings::defaults(), tools)).await
    }

    #[tokio::test]
    async fn a_panic_is_masked_and_the_server_keeps_serving() {
        let h = harness().await;
        let result = h.call_tool("explode", json!({})).await;
        assert_eq!(result.is_error, Some(true));
        let text = Harness::text(&result);
        assert!(text.starts_with("internal error (request "), "{text}");
        assert!(!text.contains("secret"), "panic details leaked: {text}");

        let after = h.call_tool("greet", json!({"name": "Ada"})).await;
        assert_eq!(after.is_error, Some(false));
    }

    #[tokio::test]
    async fn internal_errors_are_masked_with_distinct_incident_ids() {
        let h = harness().await;
        let first = Harness::text(&h.call_tool("break_down", json!({})).await);
        let second = Harness::text(&h.call_tool("break_down", json!({})).await);
        assert!(first.contains("internal error (request "), "{first}");
        assert!(!first.contains("password"), "error details leaked: {first}");
        assert_ne!(first, second, "each request has its own id");
    }
}

//! MCP208 missing-timeouts.

use crate::lint::FileFacts;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::CrateContext;

pub static MISSING_TIMEOUTS: RuleMeta = RuleMeta {
    code: "MCP208",
    name: "missing-timeouts",
    family: Family::Transport,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "Two checks. Inbound, over each program of the package (a binary with the library it links, or the library alone): a crate serving rmcp's `StreamableHttpService` (named through each file's `use` items; a `pub use` re-export within the crate is not followed) in which no path resolves to `tokio::time::timeout`/`timeout_at` or into `tower_http::timeout`/`tower::timeout` (any `tokio::time::timeout` in the package's files counts — a per-tool one, as the catalogue says, but also one unrelated to requests such as a shutdown wait; whether it covers every request or tool is not followed, nor a timeout in another crate or a reverse proxy). Outbound, per function (read as one client configuration): a `reqwest` `Client::builder()` with no `.timeout(..)`, `.connect_timeout(..)` or `.read_timeout(..)` in that function, and `Client::new()`/`reqwest::get(..)` in a function that sets no timeout (a `Client::new()` fallback beside a configured builder is not reported). Clients in tool code are left to MCP104 and MCP110; a client whose timeout is set per request (`RequestBuilder::timeout`) elsewhere is reported.",
    summary: "An HTTP MCP server with no request timeout, or an outbound `reqwest` client built without one.",
    why: "The specification's security considerations ask servers to apply timeouts. reqwest has no timeout by default: a slow or malicious upstream holds the tool call, its task and the client's request open forever, and enough of them exhaust the server. Inbound, a request that never finishes (a slow client, a hung tool) holds a connection and a task until the process restarts.",
    example: "let client = reqwest::Client::builder().user_agent(\"weather/1.0\").build()?;\nlet service = StreamableHttpService::new(|| Ok(Server::new()), manager, config); // no timeout anywhere",
    fix: "Outbound: `.connect_timeout(Duration::from_secs(5)).timeout(Duration::from_secs(30))` on the builder. Inbound: `tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, d)` on the router (`TimeoutLayer::new` is deprecated since tower-http 0.6.7), or `tokio::time::timeout` around each request or tool call.",
};

pub fn missing_timeouts(files: &[&FileFacts], _: &CrateContext, out: &mut Vec<Diagnostic>) {
    for f in files {
        for (start, end, path) in &f.http.untimed_clients {
            let message = if path.ends_with("builder") || path.ends_with("ClientBuilder::new") {
                "this HTTP client is built without a timeout: a slow upstream holds the call forever"
                    .to_string()
            } else {
                format!("`{path}` has no timeout: a slow upstream holds the call forever")
            };
            out.push(
                Diagnostic::new(&MISSING_TIMEOUTS, f.path.clone(), *start, *end, message)
                    .with_help(
                        "add `.connect_timeout(..)` and `.timeout(..)` to the client builder",
                    ),
            );
        }
    }
    let Some((path, (start, end))) = files
        .iter()
        .find_map(|f| f.http.serves.map(|at| (f.path.clone(), at)))
    else {
        return;
    };
    if files.iter().any(|f| f.http.request_timeout) {
        return;
    }
    out.push(
        Diagnostic::new(
            &MISSING_TIMEOUTS,
            path,
            start,
            end,
            "nothing bounds how long a request to this MCP server may take",
        )
        .with_help("add `TimeoutLayer::with_status_code(..)` to the router, or `tokio::time::timeout` around requests or tool calls"),
    );
}

//! MCP209 missing-rate-limit.

use crate::lint::FileFacts;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::CrateContext;

pub static MISSING_RATE_LIMIT: RuleMeta = RuleMeta {
    code: "MCP209",
    name: "missing-rate-limit",
    family: Family::Transport,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "A judgement over each program of the package (a binary with the library it links, or the library alone): the crate serves rmcp's `StreamableHttpService` (named through each file's `use` items; a `pub use` re-export within the crate is not followed) and no path in it resolves into `governor`, `tower_governor` or `tower::limit` (`RateLimitLayer`, `ConcurrencyLimitLayer`), and no `ServiceBuilder::rate_limit(..)`/`concurrency_limit(..)` is called. A limiter in another crate of the workspace, in a reverse proxy or API gateway, or written by hand without those crates is not seen: suppress the finding with that reason. Whether the limiter covers `/mcp` (rather than another route) is not followed.",
    summary: "A Streamable HTTP MCP server with no rate or concurrency limiter anywhere in the crate.",
    why: "The specification's tools section says servers MUST rate limit tool invocations. Each call can cost an upstream request, a model's sampling, a process or a database query; without a limiter one client (or one runaway agent loop) can exhaust the server and everything behind it.",
    example: "let service = StreamableHttpService::new(|| Ok(Server::new()), manager, config);\nlet app = Router::new().nest_service(\"/mcp\", service);",
    fix: "Limit per client: `tower_governor::GovernorLayer` keyed by the authenticated principal (or the peer address), or a `governor::RateLimiter` checked in your auth middleware; at least a `tower::limit::ConcurrencyLimitLayer` on the MCP route.",
};

pub fn missing_rate_limit(files: &[&FileFacts], _: &CrateContext, out: &mut Vec<Diagnostic>) {
    let Some((path, (start, end))) = files
        .iter()
        .find_map(|f| f.http.serves.map(|at| (f.path.clone(), at)))
    else {
        return;
    };
    if files.iter().any(|f| f.http.rate_limit) {
        return;
    }
    out.push(
        Diagnostic::new(
            &MISSING_RATE_LIMIT,
            path,
            start,
            end,
            "this MCP server limits neither request rates nor concurrency: one client can exhaust it",
        )
        .with_help("add `tower_governor::GovernorLayer` or a `governor::RateLimiter` keyed by principal"),
    );
}

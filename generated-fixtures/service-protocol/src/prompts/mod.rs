//! The prompt registry: one module per prompt, each adding its router here.
//!
//! `mcpforge add prompt <name>` edits this file: it adds a `mod` line (kept in sorted order) and
//! a `router += <name>::router();` line. Hand-written entries and comments are kept.

use rmcp::handler::server::router::prompt::PromptRouter;

use crate::server::Server;
use platform::completions::Completions;

mod conformance;
mod welcome;

/// Every prompt this server offers.
pub(crate) fn router() -> PromptRouter<Server> {
    let mut router = PromptRouter::new();
    router += conformance::router();
    router += welcome::router();
    router
}

/// The completers of the prompts' arguments, handed to the catalog in `src/server.rs`.
pub(crate) fn completions() -> Completions<Server> {
    conformance::completions()
}

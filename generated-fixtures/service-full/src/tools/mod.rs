//! The tool registry: one module per tool, each adding its router here.
//!
//! `mcpforge add tool <name>` edits this file: it adds a `mod` line (kept in sorted order) and a
//! `router += <name>::router();` line. Hand-written entries and comments are kept as they are.

use rmcp::handler::server::router::tool::ToolRouter;

use crate::server::Server;

mod convert_temperature;
mod count_primes;
mod fetch_url;
mod files;
mod greet;
mod run_python;
mod whoami;

/// Every tool this server offers.
pub(crate) fn router() -> ToolRouter<Server> {
    let mut router = ToolRouter::new();
    router += convert_temperature::router();
    router += count_primes::router();
    router += fetch_url::router();
    router += files::router();
    router += greet::router();
    router += run_python::router();
    router += whoami::router();
    router
}

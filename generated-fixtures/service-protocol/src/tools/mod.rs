//! The tool registry: one module per tool, each adding its router here.
//!
//! `mcpforge add tool <name>` edits this file: it adds a `mod` line (kept in sorted order) and a
//! `router += <name>::router();` line. Hand-written entries and comments are kept as they are.

use rmcp::handler::server::router::tool::ToolRouter;

use crate::server::Server;

/// The set's image, shown by its resources and prompts too.
pub(crate) use conformance::RED_PIXEL_PNG;

mod conformance;
mod convert_temperature;
mod count_primes;
mod greet;
mod whoami;

/// Every tool this server offers.
pub(crate) fn router() -> ToolRouter<Server> {
    let mut router = ToolRouter::new();
    router += conformance::router();
    router += convert_temperature::router();
    router += count_primes::router();
    router += greet::router();
    router += whoami::router();
    router
}

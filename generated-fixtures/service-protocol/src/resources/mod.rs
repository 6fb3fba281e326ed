//! The resource registry: one module per resource, each adding its router here.
//!
//! `mcpforge add resource <name>` edits this file: it adds a `mod` line (kept in sorted order)
//! and a `router += <name>::router();` line. Hand-written entries and comments are kept.

use platform::resources::ResourceRouter;

use crate::server::Server;

mod about;
mod conformance;

/// The resource the set's `update_watched_resource` tool changes.
pub(crate) use conformance::WATCHED_RESOURCE;

/// Every resource this server offers.
pub(crate) fn router() -> ResourceRouter<Server> {
    let mut router = ResourceRouter::new();
    router += about::router();
    router += conformance::router();
    router
}

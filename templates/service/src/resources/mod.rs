//! The resource registry: one module per resource, each adding its router here.
//!
//! `mcpforge add resource <name>` edits this file: it adds a `mod` line (kept in sorted order)
//! and a `router += <name>::router();` line. Hand-written entries and comments are kept.

use crate::platform::resources::ResourceRouter;

mod about;

/// Every resource this server offers.
pub(crate) fn router() -> ResourceRouter {
    let mut router = ResourceRouter::new();
    router += about::router();
    router
}

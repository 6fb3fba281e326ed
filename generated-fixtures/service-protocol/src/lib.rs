//! An MCP server built on rmcp with the mcpforge platform layer (the `platform` crate in
//! `platform/`, owned by the platform team).
//!
//! - `tools/`, `resources/`, `prompts/`: the team's items, one per file, each folder's `mod.rs`
//!   listing them (`mcpforge add` edits these).
//! - `server.rs`: what the items share; `settings.rs`: the team's settings; `middleware.rs`:
//!   the team's middleware.
//! - `testing.rs`: the platform's test harness bound to this server.

pub mod middleware;
pub mod prompts;
pub mod resources;
pub mod server;
pub mod settings;
pub mod testing;
pub mod tools;

use platform::config::TeamSettings;

/// This server, as the platform serves it.
pub const PROJECT: platform::Project = platform::Project {
    name: env!("CARGO_PKG_NAME"),
    version: env!("CARGO_PKG_VERSION"),
    description: env!("CARGO_PKG_DESCRIPTION"),
    settings: settings::Settings::SETTINGS,
    catalog: server::catalog,
};

//! An MCP server built on rmcp with the mcpforge platform layer.
//!
//! - `tools/`: the team's tools, one per file, listed in `tools/mod.rs`.
//! - `server.rs`: the server's identity and shared state.
//! - `platform/`: config, logging, error masking, shutdown and the test harness (platform-owned).

pub mod platform;
pub mod server;
pub mod tools;

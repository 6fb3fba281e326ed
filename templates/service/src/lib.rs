//! An MCP server built on rmcp with the mcpforge platform layer.
//!
//! - `tools/`, `resources/`, `prompts/`: the team's items, one per file, each folder's `mod.rs`
//!   listing them (`mcpforge add` edits these).
//! - `server.rs`: the server's identity and shared state; `middleware.rs`: the team's middleware.
//! - `platform/`: config, transports, the middleware stack, auth, rate limits, metrics, error
//!   masking, shutdown and the test harness (platform-owned).

pub mod middleware;
pub mod platform;
pub mod prompts;
pub mod resources;
pub mod server;
pub mod tools;

//! The platform layer: what every server of this company gets, and what teams do not edit.
//!
//! - [`config`]: typed settings from the environment, validated at startup.
//! - [`logging`]: stderr-only logs (stdout is the protocol).
//! - [`errors`]: errors and panics in tools, resources and prompts masked with incident ids.
//! - [`resources`]: the resource router (rmcp has no resource macro).
//! - [`shutdown`]: ctrl-c and SIGTERM.
//! - [`harness`]: the in-memory client for tests.
//!
//! `mcpforge upgrade` replaces these files with newer platform versions; `mcpforge lint` reports
//! local edits. Change behaviour through settings, or ask the platform team.

pub mod config;
pub mod errors;
pub mod harness;
pub mod logging;
pub mod resources;
pub mod shutdown;

use rmcp::ServiceExt;

use crate::server::Server;

/// Serves MCP over stdin/stdout until the client closes stdin or a shutdown signal arrives.
pub async fn serve_stdio(server: Server) -> anyhow::Result<()> {
    let running = server.serve(rmcp::transport::stdio_pipes()).await?;
    let token = running.cancellation_token();
    let stop = tokio::spawn(async move {
        shutdown::signal().await;
        token.cancel();
    });
    let reason = running.waiting().await?;
    stop.abort();
    tracing::info!(?reason, "server stopped");
    Ok(())
}

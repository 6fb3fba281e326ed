//! Logging for a stdio server.
//!
//! Guarantee: nothing is ever written to stdout, which carries the MCP protocol; every log line
//! goes to stderr, without colour codes unless stderr is a terminal. The filter comes from the
//! `LOG` setting.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use super::config::Settings;

/// Installs the global subscriber. Call once, before serving.
pub fn init(settings: &Settings) -> anyhow::Result<()> {
    let filter = EnvFilter::try_new(&settings.log)?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .try_init()
        .map_err(|e| anyhow::anyhow!("logging was already initialised: {e}"))
}

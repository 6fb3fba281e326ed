//! Logging, transport-aware.
//!
//! Guarantees: nothing is ever written to stdout, which carries the MCP protocol over stdio;
//! every log line goes to stderr. Over HTTP (or with `LOG_FORMAT=json`) lines are JSON objects
//! with the request id, principal, method, tool, duration and outcome as fields, ready for a
//! log pipeline; over stdio they are text, without colour codes unless stderr is a terminal.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use super::config::{LogFormat, Settings, Transport};

/// Whether the settings ask for JSON lines.
pub fn json(settings: &Settings) -> bool {
    match settings.log_format {
        LogFormat::Json => true,
        LogFormat::Text => false,
        LogFormat::Auto => settings.transport == Transport::Http,
    }
}

/// Installs the global subscriber. Call once, before serving.
pub fn init(settings: &Settings) -> anyhow::Result<()> {
    #[cfg(feature = "otel")]
    if let Some(endpoint) = &settings.otlp_endpoint {
        return init_with_export(settings, endpoint);
    }
    let filter = EnvFilter::try_new(&settings.log)?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    let result = if json(settings) {
        // The event's own fields carry the request; span lists would repeat rmcp's internal
        // spans on every line and cost more than the line itself.
        builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .try_init()
    } else {
        builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init()
    };
    result.map_err(|e| anyhow::anyhow!("logging was already initialised: {e}"))
}

/// The subscriber with a second layer exporting request spans (feature `otel`).
#[cfg(feature = "otel")]
fn init_with_export(settings: &Settings, endpoint: &str) -> anyhow::Result<()> {
    use tracing_subscriber::Layer;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;

    let filter = EnvFilter::try_new(&settings.log)?;
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false);
    let fmt = if json(settings) {
        fmt.json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .with_filter(filter)
            .boxed()
    } else {
        fmt.with_ansi(std::io::stderr().is_terminal())
            .with_filter(filter)
            .boxed()
    };
    tracing_subscriber::registry()
        .with(fmt)
        .with(super::otel::layer(endpoint)?)
        .try_init()
        .map_err(|e| anyhow::anyhow!("logging was already initialised: {e}"))
}

//! Logging, transport-aware: this module sets it up; its parts do one job each.
//!
//! Guarantees: nothing is ever written to stdout, which carries the MCP protocol over stdio;
//! every log line goes to stderr. Over HTTP (or with `LOG_FORMAT=json`) lines are JSON objects
//! with the request id, principal, method, tool, duration and outcome as fields, ready for a
//! log pipeline; over stdio they are text, with colours only when stderr is a terminal.
//!
//! - [`format`]: the line formats. Every request writes a line, so lines are formatted with
//!   plain pushes into a reused thread-local buffer, then one write to the subscriber (no
//!   serde, no per-field allocation, the date cached per second); tracing-subscriber's JSON
//!   formatter cost about as much as the rest of the middleware stack.
//! - [`stderr`]: the output. Lines reach stderr in batches: a `write` system call per line cost
//!   more than formatting it.
//! - [`access`]: the access line each answered request writes, straight to the output.

mod access;
mod format;
mod stderr;

use tracing_subscriber::EnvFilter;

pub use access::{Access, write_access};
use format::Lines;
use stderr::Stderr;
pub use stderr::{batching, flush, flusher};

use crate::config::{LogFormat, Settings, Transport};

/// Longest value, in bytes, that a caller-chosen string (a tool name, a URI, a principal) may
/// take in a log field: longer values are cut at a character boundary.
pub const MAX_FIELD_BYTES: usize = 256;

/// `value` cut to [`MAX_FIELD_BYTES`], so a caller cannot make log lines as large as a request.
pub fn bounded(value: &str) -> &str {
    if value.len() <= MAX_FIELD_BYTES {
        return value;
    }
    let mut end = MAX_FIELD_BYTES;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    &value[..end]
}

/// Whether the settings ask for JSON lines.
pub fn json(settings: &Settings) -> bool {
    match settings.log_format {
        LogFormat::Json => true,
        LogFormat::Text => false,
        LogFormat::Auto => settings.transport != Transport::Stdio,
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
        .with_writer(Stderr::detect());
    let lines = Lines::for_settings(settings);
    let result = match lines {
        Some(lines) => builder.event_format(lines).try_init(),
        None => builder.with_target(false).with_ansi(true).try_init(),
    };
    result.map_err(|e| anyhow::anyhow!("logging was already initialised: {e}"))?;
    if let Some(lines) = lines {
        access::write_directly(lines);
    }
    Ok(())
}

/// The subscriber with a second layer exporting request spans (feature `otel`).
#[cfg(feature = "otel")]
fn init_with_export(settings: &Settings, endpoint: &str) -> anyhow::Result<()> {
    use tracing_subscriber::Layer;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;

    let filter = EnvFilter::try_new(&settings.log)?;
    let fmt = tracing_subscriber::fmt::layer().with_writer(Stderr::detect());
    let fmt = match Lines::for_settings(settings) {
        Some(lines) => fmt.event_format(lines).with_filter(filter).boxed(),
        None => fmt
            .with_target(false)
            .with_ansi(true)
            .with_filter(filter)
            .boxed(),
    };
    tracing_subscriber::registry()
        .with(fmt)
        .with(crate::otel::layer(endpoint)?)
        .try_init()
        .map_err(|e| anyhow::anyhow!("logging was already initialised: {e}"))
}

//! The platform layer: what every server of this company gets, compiled as its own crate so
//! that team code reaches it only through its public API, and it never reaches team code.
//!
//! The public API (most of it in one `use platform::prelude::*;`):
//! - [`Project`] and [`Catalog`]: how a team's server plugs in; [`Services`]: what tools use at
//!   run time (settings, `UrlFetcher`, `FileOps`, `CodeExecutor`, the upstream HTTP client).
//! - [`config`]: typed settings (defaults, file, environment), validated at startup, and the
//!   hook for the team's own settings ([`config::TeamSettings`]).
//! - [`middleware`]: the request's [`middleware::RequestInfo`] and [`identity`], and the hook
//!   for the team's middleware inside the platform's stack.
//! - [`context`]: the [`context::Context`] a tool or prompt takes as an argument: progress,
//!   cancellation, log messages to the client.
//! - [`notify`]: [`notify::Changes`] (from `Services::changes`): resource subscriptions and
//!   change notifications to clients, both protocol eras.
//! - [`errors`]: [`errors::ToolError`]; other errors and panics are masked with the request id.
//! - [`resources`]: the resource router (rmcp has no resource macro).
//! - `fetch`, `files`, `exec` (with their features): `UrlFetcher` (SSRF-safe HTTP), `FileOps`
//!   (path-safe files) and `CodeExecutor` (sandboxed processes), for URLs, paths and code a
//!   caller chose.
//! - [`cli`]: the server binary's commands; [`harness`]: the in-memory client for tests.
//!
//! Private to the crate: the handler that forwards every MCP method, the middleware stack
//! (request id, logging, metrics, auth, rate limits, error masking), bearer and JWT auth, the
//! Streamable HTTP transport, rate limits (in memory or Redis), Prometheus metrics,
//! OpenTelemetry, logging and shutdown.
//!
//! `mcpforge upgrade` replaces this crate with newer platform versions (merging local edits);
//! `mcpforge lint` reports local edits. Change behaviour through settings, or ask the platform
//! team.

// The public API: what team code uses (most of it through `prelude`).
pub mod cli;
pub mod completions;
pub mod config;
pub mod content;
pub mod context;
pub mod errors;
#[cfg(feature = "exec")]
pub mod exec;
#[cfg(feature = "fetch")]
pub mod fetch;
#[cfg(feature = "files")]
pub mod files;
pub mod harness;
pub mod identity;
pub mod input;
pub mod middleware;
pub mod notify;
pub mod prelude;
pub mod resources;
pub mod tasks;

// Private to the crate (the platform's own tests in tests/ reach the few they need through
// `testing`, behind the `probe` feature that only they turn on).
#[cfg(feature = "http")]
mod auth;
mod catalog;
#[cfg(feature = "http")]
mod http;
mod layers;
mod logging;
// Without the `metrics` feature, an uninhabited stand-in: see `metrics/off.rs`.
#[cfg_attr(not(feature = "metrics"), path = "metrics/off.rs")]
mod metrics;
mod otel;
mod pages;
mod ratelimit;
mod services;
#[cfg(feature = "redis")]
mod shared_limits;
mod shutdown;

// The platform's own test server (test-only tools, never a team's), for its unit tests and,
// through the `probe` feature its test builds turn on, its integration tests in tests/.
#[cfg(any(test, feature = "probe"))]
#[doc(hidden)]
pub mod testing;

use std::sync::Arc;

use rmcp::ServiceExt;

pub use self::catalog::{Catalog, Project};
pub use self::services::Services;

#[cfg(feature = "http")]
use self::auth::{AuthConfig, Authenticator};
use self::catalog::Handler;
use self::config::Settings;
use self::layers::StackParts;
use self::metrics::Metrics;
use self::middleware::Platform;
use self::ratelimit::Limits;
use self::shutdown::InFlight;

/// The server's name: its package name. Names metrics, spans, cgroups and the user agent.
pub const SERVICE_NAME: &str = "service-full";

/// The prefix of every setting's variable.
pub const ENV_PREFIX: &str = "SERVICE_FULL";

/// The `User-Agent` of outbound requests.
#[cfg(feature = "fetch")]
pub(crate) const USER_AGENT: &str = concat!("service-full", "/", env!("CARGO_PKG_VERSION"));

/// Everything built once at startup: the team's catalog wrapped in the handler and the
/// middleware stack, and the pieces the HTTP layer shares with the stack.
#[derive(Clone)]
pub struct App {
    pub settings: Arc<Settings>,
    pub server: Platform<Handler>,
    #[cfg(feature = "http")]
    pub auth: Authenticator,
    pub limits: Limits,
    pub metrics: Option<Metrics>,
    pub in_flight: InFlight,
    /// The live sessions and their subscriptions (the handle tools get from `Services`).
    pub changes: notify::Changes,
}

impl App {
    /// Builds the shared services, the team's catalog and the stack, authenticating as the
    /// settings say.
    pub fn build(project: &Project, services: Services) -> anyhow::Result<Self> {
        let catalog = (project.catalog)(&services)?;
        #[cfg(feature = "http")]
        {
            let auth = Authenticator::new(AuthConfig::from_settings(services.settings())?);
            Self::assemble(project, services, catalog, auth)
        }
        #[cfg(not(feature = "http"))]
        Self::assemble(project, services, catalog)
    }

    /// [`App::build`] from settings alone, the team's settings at their defaults (tests).
    pub fn for_settings(project: &Project, settings: Settings) -> anyhow::Result<Self> {
        let vars = config::Vars::read([], project.settings)?;
        Self::build(project, Services::new(settings, vars))
    }

    /// Wraps `catalog` in the standard stack (with `auth` over HTTP: tests pass their own).
    pub fn assemble(
        project: &Project,
        services: Services,
        catalog: Catalog,
        #[cfg(feature = "http")] auth: Authenticator,
    ) -> anyhow::Result<Self> {
        let settings = services.settings_arc();
        #[cfg(feature = "http")]
        let tools = catalog.tool_names();
        // A scope requirement on a name that is no tool would leave the intended tool open.
        #[cfg(feature = "http")]
        if let Some(unknown) = settings
            .http
            .tool_scopes
            .keys()
            .find(|t| !tools.contains(t))
        {
            return Err(config::ConfigError {
                variable: config::variable("TOOL_SCOPES"),
                reason: format!(
                    "`{unknown}` is not a tool of this server (tools: {})",
                    tools.join(", ")
                ),
            }
            .into());
        }
        #[cfg(feature = "metrics")]
        let metrics = settings
            .metrics
            .enabled
            .then(|| Metrics::new(tools.clone()));
        #[cfg(not(feature = "metrics"))]
        let metrics: Option<Metrics> = None;
        let limits = Limits::from_settings(&settings, metrics.as_ref())?;
        let in_flight = InFlight::default();
        let stack = layers::standard(
            StackParts {
                #[cfg(feature = "http")]
                auth: auth.clone(),
                limits: limits.clone(),
                metrics: metrics.clone(),
                #[cfg(feature = "http")]
                tool_scopes: Arc::new(settings.http.tool_scopes.clone()),
                team: catalog.middleware().to_vec(),
                #[cfg(feature = "otel")]
                spans: settings.otlp_endpoint.is_some(),
                #[cfg(not(feature = "otel"))]
                spans: false,
                #[cfg(feature = "http")]
                transport: settings.transport,
                #[cfg(feature = "http")]
                max_initialize_bytes: settings.http.limits.max_initialize_bytes,
                #[cfg(not(feature = "http"))]
                max_initialize_bytes: usize::MAX,
            },
            in_flight.clone(),
        );
        let changes = services.changes().clone();
        let handler = Handler::new(project, &catalog, &settings, changes.clone())
            .map_err(|e| anyhow::anyhow!("{}: {e}", config::variable("REQUEST_STATE_KEY")))?;
        Ok(Self {
            settings,
            server: Platform::new(handler, stack),
            #[cfg(feature = "http")]
            auth,
            limits,
            metrics,
            in_flight,
            changes,
        })
    }
}

/// The async runtime the server runs on, with the task that writes batched log lines.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    if logging::batching() {
        runtime.spawn(logging::flusher());
    }
    Ok(runtime)
}

/// Serves MCP over stdin/stdout until the client closes stdin or a shutdown signal arrives;
/// in-flight requests get the grace period to finish.
pub async fn serve_stdio(app: App) -> anyhow::Result<()> {
    let grace = app.settings.shutdown_grace;
    let in_flight = app.in_flight.clone();
    let changes = app.changes.clone();
    let running = app.server.serve(rmcp::transport::stdio_pipes()).await?;
    let token = running.cancellation_token();
    let stop = tokio::spawn(async move {
        shutdown::signal().await;
        changes.close();
        in_flight.drain(grace).await;
        token.cancel();
    });
    let reason = running.waiting().await?;
    stop.abort();
    tracing::info!(?reason, "server stopped");
    Ok(())
}

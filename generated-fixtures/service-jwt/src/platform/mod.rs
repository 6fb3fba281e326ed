//! The platform layer: what every server of this company gets, and what teams do not edit.
//!
//! - [`config`]: typed settings (defaults, file, environment), validated at startup.
//! - [`logging`]: stderr only; text over stdio, JSON lines over HTTP.
//! - [`middleware`] and [`layers`]: the stack around every request (request id, logging,
//!   metrics, auth, rate limits, the team's middleware, error masking).
//! - [`auth`]: bearer tokens and JWT/JWKS, OAuth protected-resource metadata, provider presets.
//! - [`ratelimit`], [`shared_limits`], [`metrics`], [`otel`]: token buckets in memory or in
//!   Redis; Prometheus metrics; OpenTelemetry spans (feature `otel`).
//! - [`errors`]: errors and panics masked with the request id.
//! - [`resources`]: the resource router (rmcp has no resource macro).
//! - [`fetch`], [`files`], [`exec`]: `UrlFetcher` (SSRF-safe HTTP), `FileOps` (path-safe files)
//!   and `CodeExecutor` (sandboxed processes), for URLs, paths and code a caller chose.
//! - [`http`]: the Streamable HTTP transport; [`shutdown`]: signals and draining.
//! - [`harness`]: the in-memory client for tests.
//!
//! `mcpforge upgrade` replaces these files with newer platform versions; `mcpforge lint` reports
//! local edits. Change behaviour through settings, or ask the platform team.

pub mod auth;
pub mod config;
pub mod errors;
pub mod exec;
pub mod fetch;
pub mod files;
pub mod harness;
pub mod http;
pub mod layers;
pub mod logging;
pub mod metrics;
pub mod middleware;
pub mod otel;
pub mod ratelimit;
pub mod resources;
pub mod shared_limits;
pub mod shutdown;

use std::sync::Arc;

use rmcp::ServiceExt;

use self::auth::{AuthConfig, Authenticator};
use self::config::Settings;
use self::layers::StackParts;
use self::metrics::Metrics;
use self::middleware::Platform;
use self::ratelimit::Limits;
use self::shutdown::InFlight;
use crate::server::{Server, State};

/// Everything built once at startup: the server wrapped in its middleware stack, and the
/// pieces the HTTP layer shares with the stack.
#[derive(Clone)]
pub struct App {
    pub settings: Arc<Settings>,
    pub server: Platform<Server>,
    pub auth: Authenticator,
    pub limits: Limits,
    pub metrics: Option<Metrics>,
    pub in_flight: InFlight,
}

impl App {
    /// Builds the shared resources, the server and its stack.
    pub fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::for_server(Server::new(State::new(settings)))
    }

    /// Wraps `server` in the standard stack, authenticating as its settings say (tests pass
    /// servers with extra tools).
    pub fn for_server(server: Server) -> anyhow::Result<Self> {
        let settings = server.state().settings.clone();
        let auth = Authenticator::new(AuthConfig::from_settings(&settings)?);
        Self::assemble(settings, server, auth)
    }

    /// Wraps `server` in the standard stack with `auth` (tests pass their own).
    pub fn assemble(
        settings: Settings,
        server: Server,
        auth: Authenticator,
    ) -> anyhow::Result<Self> {
        let tools = server.tool_names();
        // A scope requirement on a name that is no tool would leave the intended tool open.
        if let Some(unknown) = settings.tool_scopes.keys().find(|t| !tools.contains(t)) {
            return Err(config::ConfigError {
                variable: config::variable("TOOL_SCOPES"),
                reason: format!(
                    "`{unknown}` is not a tool of this server (tools: {})",
                    tools.join(", ")
                ),
            }
            .into());
        }
        let metrics = settings.metrics.then(|| Metrics::new(tools));
        let limits = Limits::from_settings(&settings, metrics.as_ref())?;
        let in_flight = InFlight::default();
        let stack = layers::standard(
            StackParts {
                auth: auth.clone(),
                limits: limits.clone(),
                metrics: metrics.clone(),
                tool_scopes: Arc::new(settings.tool_scopes.clone()),
                team: crate::middleware::team_middleware(&settings),
                spans: settings.otlp_endpoint.is_some(),
                transport: settings.transport,
                max_initialize_bytes: settings.http_limits.max_initialize_bytes,
            },
            in_flight.clone(),
        );
        Ok(Self {
            settings: Arc::new(settings),
            server: Platform::new(server, stack),
            auth,
            limits,
            metrics,
            in_flight,
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
    let running = app.server.serve(rmcp::transport::stdio_pipes()).await?;
    let token = running.cancellation_token();
    let stop = tokio::spawn(async move {
        shutdown::signal().await;
        in_flight.drain(grace).await;
        token.cancel();
    });
    let reason = running.waiting().await?;
    stop.abort();
    tracing::info!(?reason, "server stopped");
    Ok(())
}

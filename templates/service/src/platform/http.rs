//! The Streamable HTTP transport, on axum.
//!
//! Routes: `/mcp` (MCP, both protocol eras: 2025-11-25 sessions and 2026-07-28 stateless
//! requests; `HTTP_STATELESS=true` switches to stateless JSON mode), `/healthz` (the process
//! answers), `/readyz` (accepting work; 503 while draining), `/metrics` (Prometheus, when
//! `METRICS=true`) and, when authentication is on, the OAuth 2.1 protected-resource metadata
//! at `/.well-known/oauth-protected-resource[/mcp]`.
//!
//! Guarantees: TCP_NODELAY on every accepted socket (without it each SSE-framed reply waits
//! ~40 ms for Nagle and delayed ACKs); `Host` checked against `HTTP_ALLOWED_HOSTS` (403:
//! DNS-rebinding protection) and `Origin` against `HTTP_ALLOWED_ORIGINS`; bodies over
//! `HTTP_MAX_BODY_BYTES` refused with 413; requests to `/mcp` without valid credentials get 401
//! with `WWW-Authenticate` before any MCP processing; a principal over its rate gets 429 with
//! `Retry-After`. On shutdown: not ready, stop accepting, let in-flight requests finish within
//! `SHUTDOWN_GRACE_SECONDS`, then close sessions.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use tokio_util::sync::CancellationToken;

use super::App;
use super::layers::Admitted;
use super::middleware::Platform;
use super::ratelimit::{BucketKey, Decision, retry_after_seconds};
use crate::server::Server;

/// The path MCP is served at.
pub const MCP_PATH: &str = "/mcp";

/// Serves `app` on `listener` until `shutdown` resolves, then drains and stops.
pub async fn serve(
    app: App,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let sessions = CancellationToken::new();
    let ready = Arc::new(AtomicBool::new(true));
    let router = router(&app, sessions.child_token(), ready.clone());
    let addr = listener.local_addr()?;
    let listener = listener.tap_io(|tcp| {
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::warn!(%err, "could not set TCP_NODELAY");
        }
    });
    let stop_accepting = CancellationToken::new();
    let stop = stop_accepting.clone();
    let server =
        axum::serve(listener, router).with_graceful_shutdown(async move { stop.cancelled().await });
    let mut serving = tokio::spawn(async move { server.await });
    tracing::info!(%addr, path = MCP_PATH, "serving MCP over HTTP");

    tokio::select! {
        () = shutdown => {}
        result = &mut serving => {
            result??;
            return Ok(());
        }
    }
    ready.store(false, Ordering::SeqCst);
    stop_accepting.cancel();
    app.in_flight.drain(app.settings.shutdown_grace).await;
    // Handlers are done; give their responses a moment to reach the clients (the streams of
    // POSTs end by themselves), then close what stays open (sessions' GET streams).
    if let Ok(result) = tokio::time::timeout(Duration::from_secs(1), &mut serving).await {
        result??;
        tracing::info!("HTTP server stopped");
        return Ok(());
    }
    sessions.cancel();
    match tokio::time::timeout(Duration::from_secs(2), &mut serving).await {
        Ok(result) => result??,
        Err(_) => {
            serving.abort();
            tracing::warn!("connections still open after the grace period; closed");
        }
    }
    tracing::info!("HTTP server stopped");
    Ok(())
}

/// The application's routes.
pub fn router(app: &App, sessions: CancellationToken, ready: Arc<AtomicBool>) -> Router {
    let settings = &app.settings;
    let mut config = StreamableHttpServerConfig::default()
        .with_allowed_origins(settings.allowed_origins.clone())
        .with_max_request_body_bytes(settings.max_body_bytes)
        .with_cancellation_token(sessions);
    config = config.with_allowed_hosts(settings.allowed_hosts.clone());
    if settings.stateless {
        config = config
            .with_legacy_session_mode(false)
            .with_json_response(true);
    }
    let server = app.server.clone();
    let mcp = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    let guarded = Guarded {
        app: Arc::new(app.clone()),
        mcp: Arc::new(mcp),
    };

    let mut router = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route(
            "/readyz",
            get(move || {
                let ready = ready.load(Ordering::SeqCst);
                async move {
                    if ready {
                        (StatusCode::OK, "ready")
                    } else {
                        (StatusCode::SERVICE_UNAVAILABLE, "draining")
                    }
                }
            }),
        )
        .nest_service(MCP_PATH, guarded);
    if let Some(metrics) = app.metrics.clone() {
        router = router.route(
            "/metrics",
            get(move || {
                let body = metrics.render();
                async move {
                    (
                        [(
                            header::CONTENT_TYPE,
                            "application/openmetrics-text; version=1.0.0; charset=utf-8",
                        )],
                        body,
                    )
                }
            }),
        );
    }
    if app.auth.is_required() {
        let metadata = protected_resource_metadata(app);
        for path in [
            "/.well-known/oauth-protected-resource",
            "/.well-known/oauth-protected-resource/mcp",
        ] {
            let metadata = metadata.clone();
            router = router.route(path, get(move || async move { axum::Json(metadata) }));
        }
    }
    router
}

/// RFC 9728 metadata: what this resource is and who issues tokens for it.
fn protected_resource_metadata(app: &App) -> serde_json::Value {
    let scopes: std::collections::BTreeSet<&String> =
        app.settings.tool_scopes.values().flatten().collect();
    let mut metadata = serde_json::json!({
        "resource": format!("{}{MCP_PATH}", app.settings.public_url),
        "bearer_methods_supported": ["header"],
        "scopes_supported": scopes,
    });
    if let Some(issuer) = app.auth.issuer() {
        metadata["authorization_servers"] = serde_json::json!([issuer]);
    }
    metadata
}

type Mcp = StreamableHttpService<Platform<Server>, LocalSessionManager>;

/// `/mcp` behind authentication and the per-principal rate limit, which run before any MCP
/// processing. A plain service rather than an axum `from_fn` middleware: axum clones the
/// route's service for every request, and here that is two `Arc`s, not rmcp's service with its
/// configuration (which `from_fn` would clone once more, with a second boxed future).
#[derive(Clone)]
struct Guarded {
    app: Arc<App>,
    mcp: Arc<Mcp>,
}

impl tower_service::Service<Request> for Guarded {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let (app, mcp) = (self.app.clone(), self.mcp.clone());
        Box::pin(async move {
            Ok(match guard(&app, request).await {
                Ok(request) => mcp.handle(request).await.map(Body::new),
                Err(refusal) => refusal,
            })
        })
    }
}

/// Authenticates `request` and counts it against its principal's limit: the request, with
/// the caller's [`Identity`](super::auth::Identity) in its extensions, or the 401/429 answer.
async fn guard(app: &App, mut request: Request) -> Result<Request, Response> {
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let identity = match app.auth.verify(authorization).await {
        Ok(identity) => identity,
        Err(err) => {
            tracing::warn!(reason = %err, method = %request.method(), "HTTP request not authenticated");
            let metadata = format!(
                "{}/.well-known/oauth-protected-resource{MCP_PATH}",
                app.settings.public_url
            );
            let mut response = (
                StatusCode::UNAUTHORIZED,
                axum::Json(serde_json::json!({
                    "error": "invalid_token",
                    "error_description": err.public(),
                })),
            )
                .into_response();
            if let Ok(value) = HeaderValue::from_str(&err.challenge(&metadata)) {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, value);
            }
            return Err(response);
        }
    };
    if let Some(limiter) = &app.limits.per_principal {
        // Without authentication every caller is `anonymous`: give each peer address its
        // own bucket rather than one bucket for everybody.
        let key = BucketKey::principal(&identity.principal);
        let key = match request.extensions().get::<ConnectInfo<SocketAddr>>() {
            Some(ConnectInfo(peer)) if !app.auth.is_required() => key.at(peer.ip()),
            _ => key,
        };
        if let Decision::Deny { retry_after } = limiter.check(key).await {
            if let Some(metrics) = &app.metrics {
                metrics.rate_limited("principal");
            }
            let seconds = retry_after_seconds(retry_after);
            tracing::warn!(principal = %identity.principal, retry_after_seconds = seconds, "rate limited");
            let mut response = (
                StatusCode::TOO_MANY_REQUESTS,
                axum::Json(serde_json::json!({
                    "error": "rate_limited",
                    "retryAfterSeconds": seconds,
                })),
            )
                .into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            return Err(response);
        }
    }
    let principal_counted = app.limits.per_principal.is_some();
    request.extensions_mut().insert(Admitted {
        identity,
        principal_counted,
    });
    Ok(request)
}

//! The Streamable HTTP transport, on axum and hyper.
//!
//! Routes: `/mcp` (MCP, both protocol eras: 2025-11-25 sessions and 2026-07-28 stateless
//! requests; `HTTP_STATELESS=true` switches to stateless JSON mode), `/healthz` (the process
//! answers), `/readyz` (accepting work; 503 while draining), `/metrics` (Prometheus, when
//! `METRICS=true`; on a listener of its own when `METRICS_ADDR` is set) and, when
//! authentication is on, the OAuth 2.1 protected-resource metadata at
//! `/.well-known/oauth-protected-resource[/mcp]`.
//!
//! Guarantees: TCP_NODELAY on every accepted socket (without it each SSE-framed reply waits
//! ~40 ms for Nagle and delayed ACKs); `Host` checked against `HTTP_ALLOWED_HOSTS` (403:
//! DNS-rebinding protection) and `Origin` against `HTTP_ALLOWED_ORIGINS`; bodies over
//! `HTTP_MAX_BODY_BYTES` refused with 413; requests to `/mcp` without valid credentials get 401
//! with `WWW-Authenticate` before any MCP processing (503 while the identity provider's keys
//! cannot be fetched), and repeated failures from one address get 429; the `Authorization`
//! header is removed once verified, so tools and team middleware never see the token; a call
//! to a tool whose scopes the caller lacks gets 403 `insufficient_scope`; a principal over its
//! rate gets 429 with `Retry-After`.
//!
//! The listener bounds what a client can hold: request headers must arrive within
//! `HTTP_HEADER_TIMEOUT_MS`; a connection silent in both directions for
//! `HTTP_IDLE_TIMEOUT_SECONDS` is closed; at most `HTTP_MAX_CONNECTIONS` are open (further ones
//! are closed on accept); reading a request and producing its response's headers must finish
//! within `HTTP_REQUEST_TIMEOUT_SECONDS` (408 while the body was still arriving, 504 after).
//! Sessions (2025-11-25) are capped in total (`HTTP_MAX_SESSIONS`, then 503) and per principal
//! (`HTTP_MAX_SESSIONS_PER_PRINCIPAL`, per address without authentication, then 429), close
//! after `HTTP_SESSION_IDLE_SECONDS` without a request, and belong to the principal that
//! created them: another principal presenting the session id gets 404.
//!
//! On shutdown: not ready, stop accepting, let in-flight requests finish within
//! `SHUTDOWN_GRACE_SECONDS`, then close sessions and connections.

use crate::config::Setting;
use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper_util::rt::{TokioIo, TokioTimer};
use rmcp::transport::streamable_http_server::session::SessionManager;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use super::App;
use super::auth::AuthError;
use std::collections::{BTreeMap, BTreeSet};

use secrecy::SecretString;

use super::layers::Admitted;
use super::middleware::Platform;
use super::ratelimit::{BucketKey, Decision, retry_after_seconds};
use crate::catalog::Handler;
use crate::config::{ConfigError, Transport, Vars};

/// The path MCP is served at.
pub const MCP_PATH: &str = "/mcp";
/// A `HeaderName` rather than a `&str`: a lookup by `&str` parses and validates the name on
/// every request.
static SESSION_HEADER: HeaderName = HeaderName::from_static("mcp-session-id");

/// Serves `app` on `listener` until `shutdown` resolves, then drains and stops.
pub async fn serve(
    app: App,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let sessions = CancellationToken::new();
    let ready = Arc::new(AtomicBool::new(true));
    let mut router = router(&app, sessions.child_token(), ready.clone());
    let addr = listener.local_addr()?;
    let limits = app.settings.http.limits;
    // Connections get a graceful close on `stop`, and are dropped on `kill`.
    let (stop, kill) = (CancellationToken::new(), CancellationToken::new());
    let mut listeners = Vec::new();
    #[cfg(feature = "metrics")]
    let metrics_addr = app.settings.metrics.addr;
    #[cfg(not(feature = "metrics"))]
    let metrics_addr: Option<std::net::SocketAddr> = None;
    if let (Some(metrics_addr), Some(metrics)) = (metrics_addr, app.metrics.clone()) {
        let metrics_listener = tokio::net::TcpListener::bind(metrics_addr)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {metrics_addr} (METRICS_ADDR): {e}"))?;
        tracing::info!(addr = %metrics_listener.local_addr()?, "serving /metrics");
        let metrics_router = Router::new().route("/metrics", metrics_route(metrics));
        listeners.push(Listener::spawn(
            metrics_listener,
            metrics_router,
            limits,
            &stop,
            &kill,
        ));
    } else if let Some(metrics) = app.metrics.clone() {
        router = router.route("/metrics", metrics_route(metrics));
    }
    listeners.push(Listener::spawn(listener, router, limits, &stop, &kill));
    tracing::info!(%addr, path = MCP_PATH, "serving MCP over HTTP");
    if !app.auth.is_required() {
        tracing::warn!(
            %addr,
            "serving HTTP without authentication: only safe while nothing on this host \
             (a reverse proxy, a port forward) makes the port reachable from elsewhere"
        );
    }

    shutdown.await;
    ready.store(false, Ordering::SeqCst);
    stop.cancel();
    // Listen requests (2026-07-28) end with their final result, so their streams close now.
    app.changes.close();
    app.in_flight.drain(app.settings.shutdown_grace).await;
    // Handlers are done; give their responses a moment to reach the clients (the streams of
    // POSTs end by themselves), then close what stays open (sessions' GET streams).
    if !Listener::all_closed(&listeners, Duration::from_secs(1)).await {
        sessions.cancel();
        if !Listener::all_closed(&listeners, Duration::from_secs(2)).await {
            tracing::warn!("connections still open after the grace period; closed");
        }
    }
    kill.cancel();
    tracing::info!("HTTP server stopped");
    Ok(())
}

fn metrics_route(metrics: super::metrics::Metrics) -> axum::routing::MethodRouter {
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
    })
}

/// One accept loop and its connections.
struct Listener {
    connections: Arc<Semaphore>,
    max: u32,
}

impl Listener {
    fn spawn(
        listener: tokio::net::TcpListener,
        router: Router,
        limits: HttpLimits,
        stop: &CancellationToken,
        kill: &CancellationToken,
    ) -> Self {
        let max = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
        let connections = Arc::new(Semaphore::new(max as usize));
        let (stop, kill, slots) = (stop.clone(), kill.clone(), connections.clone());
        tokio::spawn(async move {
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .keep_alive(true);
            loop {
                let (tcp, peer) = tokio::select! {
                    () = stop.cancelled() => break,
                    accepted = listener.accept() => match accepted {
                        Ok(accepted) => accepted,
                        Err(err) => {
                            // Out of descriptors, or the peer gave up: pause rather than spin.
                            tracing::warn!(%err, "accept failed");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            continue;
                        }
                    },
                };
                let Ok(permit) = slots.clone().try_acquire_owned() else {
                    tracing::debug!(%peer, "connection refused: HTTP_MAX_CONNECTIONS reached");
                    drop(tcp);
                    continue;
                };
                if let Err(err) = tcp.set_nodelay(true) {
                    tracing::warn!(%err, "could not set TCP_NODELAY");
                }
                let activity = Arc::new(AtomicU64::new(0));
                let io = TokioIo::new(Watched {
                    inner: tcp,
                    activity: activity.clone(),
                });
                let service = Connection {
                    router: router.clone(),
                    peer,
                    deadline: limits.request_timeout,
                };
                let conn = http
                    .serve_connection(io, hyper_util::service::TowerToHyperService::new(service));
                let (stop, kill) = (stop.clone(), kill.clone());
                let idle = limits.idle_timeout;
                tokio::spawn(async move {
                    let _permit = permit;
                    tokio::pin!(conn);
                    // One timer beside the connection, not the shutdown tokens: every branch of
                    // the select is polled each time the connection wakes (several times per
                    // request), and a token's poll takes a lock. Shutdown is seen on the next tick.
                    let tick = idle.min(Duration::from_secs(1));
                    let mut silent = Duration::ZERO;
                    let mut closing = false;
                    let mut seen = activity.load(Ordering::Relaxed);
                    loop {
                        tokio::select! {
                            biased;
                            _ = conn.as_mut() => break,
                            () = tokio::time::sleep(tick) => {}
                        }
                        if kill.is_cancelled() {
                            break;
                        }
                        let now = activity.load(Ordering::Relaxed);
                        silent = if now == seen {
                            silent + tick
                        } else {
                            Duration::ZERO
                        };
                        seen = now;
                        if closing {
                            if silent >= idle {
                                break; // still silent after a graceful close: drop it
                            }
                        } else if stop.is_cancelled() || silent >= idle {
                            if !stop.is_cancelled() {
                                tracing::debug!(%peer, "closing an idle connection");
                            }
                            closing = true;
                            silent = Duration::ZERO;
                            conn.as_mut().graceful_shutdown();
                        }
                    }
                });
            }
        });
        Self { connections, max }
    }

    /// Whether every connection of every listener closed within `wait`.
    async fn all_closed(listeners: &[Listener], wait: Duration) -> bool {
        tokio::time::timeout(wait, async {
            for listener in listeners {
                // Every permit back: every connection closed.
                let _ = listener.connections.acquire_many(listener.max).await;
            }
        })
        .await
        .is_ok()
    }
}

/// A socket that counts its reads and writes, so a connection silent in both directions can
/// be told apart from a quiet one that is still streaming.
struct Watched {
    inner: tokio::net::TcpStream,
    activity: Arc<AtomicU64>,
}

impl Watched {
    fn touch(&self) {
        self.activity.fetch_add(1, Ordering::Relaxed);
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.touch();
        }
        result
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write(cx, data);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            this.touch();
        }
        result
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            this.touch();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// The routes as one connection serves them: the peer's address in every request
/// (`ConnectInfo`, for per-address limits) and the request deadline.
#[derive(Clone)]
struct Connection {
    router: Router,
    peer: SocketAddr,
    deadline: Duration,
}

impl tower_service::Service<hyper::Request<hyper::body::Incoming>> for Connection {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: hyper::Request<hyper::body::Incoming>) -> Self::Future {
        let finished = Arc::new(AtomicBool::new(false));
        let mut request = request.map(|body| {
            Body::new(Tracked {
                inner: body,
                finished: finished.clone(),
            })
        });
        request.extensions_mut().insert(ConnectInfo(self.peer));
        let mut router = self.router.clone();
        let deadline = self.deadline;
        Box::pin(async move {
            let answer = tower_service::Service::call(&mut router, request);
            match tokio::time::timeout(deadline, answer).await {
                Ok(response) => response,
                Err(_) => {
                    // Still reading the body: the client was too slow. Otherwise: the server.
                    let (status, error) = if finished.load(Ordering::Relaxed) {
                        (StatusCode::GATEWAY_TIMEOUT, "response_timeout")
                    } else {
                        (StatusCode::REQUEST_TIMEOUT, "request_timeout")
                    };
                    tracing::warn!(%status, "request deadline exceeded (HTTP_REQUEST_TIMEOUT_SECONDS)");
                    let mut response =
                        (status, axum::Json(serde_json::json!({ "error": error }))).into_response();
                    response
                        .headers_mut()
                        .insert(header::CONNECTION, HeaderValue::from_static("close"));
                    Ok(response)
                }
            }
        })
    }
}

/// A request body that records when it has been read to its end.
struct Tracked {
    inner: hyper::body::Incoming,
    finished: Arc<AtomicBool>,
}

impl http_body::Body for Tracked {
    type Data = bytes::Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        let this = self.get_mut();
        let frame = Pin::new(&mut this.inner).poll_frame(cx);
        if matches!(frame, Poll::Ready(None)) || this.inner.is_end_stream() {
            this.finished.store(true, Ordering::Relaxed);
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// The application's routes (`/metrics` is added by [`serve`], on this router or its own).
pub fn router(app: &App, sessions: CancellationToken, ready: Arc<AtomicBool>) -> Router {
    let settings = &app.settings;
    let mut config = StreamableHttpServerConfig::default()
        .with_allowed_origins(settings.http.allowed_origins.clone())
        .with_max_request_body_bytes(settings.http.max_body_bytes)
        .with_cancellation_token(sessions);
    config = config.with_allowed_hosts(settings.http.allowed_hosts.clone());
    if settings.http.stateless {
        config = config
            .with_legacy_session_mode(false)
            .with_json_response(true);
    }
    let mut manager = LocalSessionManager::default();
    manager.session_config.keep_alive = Some(settings.http.limits.session_idle);
    let manager = Arc::new(manager);
    let server = app.server.clone();
    let mcp = StreamableHttpService::new(move || Ok(server.clone()), manager.clone(), config);
    let guarded = Guarded {
        app: Arc::new(app.clone()),
        mcp: Arc::new(mcp),
        sessions: Arc::new(Sessions {
            manager,
            owners: Mutex::default(),
        }),
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
        app.settings.http.tool_scopes.values().flatten().collect();
    let mut metadata = serde_json::json!({
        "resource": format!("{}{MCP_PATH}", app.settings.http.public_url),
        "bearer_methods_supported": ["header"],
        "scopes_supported": scopes,
    });
    if let Some(issuer) = app.auth.issuer() {
        metadata["authorization_servers"] = serde_json::json!([issuer]);
    }
    metadata
}

type Mcp = StreamableHttpService<Platform<Handler>, LocalSessionManager>;

/// `/mcp` behind authentication, the per-principal rate limit, scope checks and session
/// ownership, which run before any MCP processing. A plain service rather than an axum
/// `from_fn` middleware: axum clones the route's service for every request, and here that is
/// three `Arc`s, not rmcp's service with its configuration (which `from_fn` would clone once
/// more, with a second boxed future).
#[derive(Clone)]
struct Guarded {
    app: Arc<App>,
    mcp: Arc<Mcp>,
    sessions: Arc<Sessions>,
}

impl tower_service::Service<Request> for Guarded {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let (app, mcp, sessions) = (self.app.clone(), self.mcp.clone(), self.sessions.clone());
        Box::pin(async move {
            let (request, owner) = match guard(&app, request).await {
                Ok(admitted) => admitted,
                Err(refusal) => return Ok(refusal),
            };
            if app.settings.http.stateless {
                return Ok(mcp.handle(request).await.map(Body::new));
            }
            let session = request
                .headers()
                .get(&SESSION_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            if let Some(id) = &session
                && !sessions.may_use(id, &owner)
            {
                tracing::warn!(principal = %owner, "a session presented by another principal");
                return Ok(refuse(StatusCode::NOT_FOUND, "session_not_found", None));
            }
            let response = mcp.handle(request).await.map(Body::new);
            if session.is_none()
                && let Some(created) = response
                    .headers()
                    .get(&SESSION_HEADER)
                    .and_then(|v| v.to_str().ok())
                && let Err(refusal) = sessions
                    .admit(created, &owner, &app.settings.http.limits)
                    .await
            {
                return Ok(refusal);
            }
            Ok(response)
        })
    }
}

/// Who owns which session, kept beside rmcp's session manager (which forgets a session when it
/// closes; [`Sessions::prune`] follows it).
struct Sessions {
    manager: Arc<LocalSessionManager>,
    owners: Mutex<HashMap<String, Arc<Owner>>>,
}

impl Sessions {
    /// Whether `owner` may use session `id` (unknown ids pass: rmcp answers 404 for them).
    fn may_use(&self, id: &str, owner: &Owner) -> bool {
        let owners = self.owners.lock().unwrap_or_else(PoisonError::into_inner);
        owners.get(id).is_none_or(|o| **o == *owner)
    }

    /// Records a session just created for `owner`, or closes it again when the caps say no.
    async fn admit(&self, id: &str, owner: &Owner, limits: &HttpLimits) -> Result<(), Response> {
        let (total, mine) = self.counts(owner);
        let over = if total >= limits.max_sessions || mine >= limits.max_sessions_per_principal {
            // Closed sessions may still be counted: forget them, then count again.
            self.prune().await;
            let (total, mine) = self.counts(owner);
            if total >= limits.max_sessions {
                Some((
                    StatusCode::SERVICE_UNAVAILABLE,
                    "too_many_sessions",
                    "HTTP_MAX_SESSIONS",
                ))
            } else if mine >= limits.max_sessions_per_principal {
                Some((
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_sessions",
                    "HTTP_MAX_SESSIONS_PER_PRINCIPAL",
                ))
            } else {
                None
            }
        } else {
            None
        };
        if let Some((status, error, setting)) = over {
            let session = rmcp::transport::common::server_side_http::SessionId::from(id);
            let _ = self.manager.close_session(&session).await;
            tracing::warn!(principal = %owner, limit = setting, "session refused");
            return Err(refuse(status, error, Some(limits.session_idle)));
        }
        self.owners
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id.to_string(), Arc::new(owner.clone()));
        Ok(())
    }

    fn counts(&self, owner: &Owner) -> (usize, usize) {
        let owners = self.owners.lock().unwrap_or_else(PoisonError::into_inner);
        let mine = owners.values().filter(|o| ***o == *owner).count();
        (owners.len(), mine)
    }

    /// Forgets sessions rmcp has closed (idle, deleted, or ended by the client).
    async fn prune(&self) {
        let open = self.manager.sessions.read().await;
        self.owners
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|id, _| open.contains_key(id.as_str()));
    }
}

/// A JSON refusal, with `Retry-After` when given.
fn refuse(status: StatusCode, error: &str, retry_after: Option<Duration>) -> Response {
    let mut response = (status, axum::Json(serde_json::json!({ "error": error }))).into_response();
    if let Some(wait) = retry_after {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(wait.as_secs().max(1)),
        );
    }
    response
}

/// Who a session and its caps are keyed by: the authenticated principal, or the principal
/// at the caller's address when everyone is `anonymous`. Compared as parts, not formatted
/// into a string: formatting the address took ~2k instructions on every request.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Owner {
    principal: String,
    addr: Option<IpAddr>,
}

impl Owner {
    fn of(app: &App, principal: &str, peer: Option<SocketAddr>) -> Self {
        let addr = match peer {
            Some(peer) if !app.auth.is_required() => Some(peer.ip()),
            _ => None,
        };
        Self {
            principal: principal.to_string(),
            addr,
        }
    }
}

/// The principal bounded like every caller-chosen log field, then `@address` if keyed by one.
impl std::fmt::Display for Owner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(super::logging::bounded(&self.principal))?;
        match self.addr {
            Some(addr) => write!(f, "@{addr}"),
            None => Ok(()),
        }
    }
}

/// Authenticates `request` and counts it against its principal's limit: the request, with
/// the caller's [`Identity`](super::auth::Identity) in its extensions and its token removed,
/// and the key its sessions belong to; or the 401/403/429/503 answer.
async fn guard(app: &App, mut request: Request) -> Result<(Request, Owner), Response> {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| *peer);
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let identity = match app.auth.verify(authorization).await {
        Ok(identity) => identity,
        Err(err) => {
            let method = request.method().clone();
            return Err(unauthenticated(app, &method, &err, peer).await);
        }
    };
    request.headers_mut().remove(header::AUTHORIZATION);
    if let Some(limiter) = &app.limits.per_principal {
        // Without authentication every caller is `anonymous`: give each peer address its
        // own bucket rather than one bucket for everybody.
        let key = BucketKey::principal(&identity.principal);
        let key = match peer {
            Some(peer) if !app.auth.is_required() => key.at(peer.ip()),
            _ => key,
        };
        if let Decision::Deny { retry_after } = limiter.check(key).await {
            if let Some(metrics) = &app.metrics {
                metrics.rate_limited("principal");
            }
            let seconds = retry_after_seconds(retry_after);
            tracing::warn!(principal = %super::logging::bounded(&identity.principal), retry_after_seconds = seconds, "rate limited");
            return Err(rate_limited(seconds));
        }
    }
    if !app.settings.http.tool_scopes.is_empty() && request.method() == Method::POST {
        request = check_scopes(app, request, &identity).await?;
    }
    let owner = Owner::of(app, &identity.principal, peer);
    let principal_counted = app.limits.per_principal.is_some();
    request.extensions_mut().insert(Admitted {
        identity,
        principal_counted,
    });
    Ok((request, owner))
}

/// Where the protected-resource metadata is, for `WWW-Authenticate` challenges.
fn metadata_url(app: &App) -> String {
    format!(
        "{}/.well-known/oauth-protected-resource{MCP_PATH}",
        app.settings.http.public_url
    )
}

fn rate_limited(seconds: u64) -> Response {
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
    response
}

/// The answer to a request that could not be authenticated: 401 with the challenge, 503 while
/// keys cannot be fetched, 429 once an address has failed too often.
async fn unauthenticated(
    app: &App,
    method: &Method,
    err: &AuthError,
    peer: Option<SocketAddr>,
) -> Response {
    tracing::warn!(reason = %err, %method, "HTTP request not authenticated");
    // Failures count against the address's bucket of the principal limit, so guessing tokens
    // (or making the server look up keys) from one address is slowed like any other traffic.
    if let (Some(limiter), Some(peer)) = (&app.limits.per_principal, peer)
        && let Decision::Deny { retry_after } = limiter
            .check(BucketKey::principal("(unauthenticated)").at(peer.ip()))
            .await
    {
        if let Some(metrics) = &app.metrics {
            metrics.rate_limited("unauthenticated");
        }
        return rate_limited(retry_after_seconds(retry_after));
    }
    if let AuthError::Unavailable(_) = err {
        return refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            Some(Duration::from_secs(5)),
        );
    }
    let metadata = metadata_url(app);
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
    response
}

/// A `tools/call` of a tool whose scopes the caller lacks gets 403 `insufficient_scope`
/// (RFC 6750) naming them, before MCP processing; the stack checks the same again. Reads the
/// body (bounded like rmcp bounds it) only when some tool requires scopes.
async fn check_scopes(
    app: &App,
    request: Request,
    identity: &super::auth::Identity,
) -> Result<Request, Response> {
    #[derive(serde::Deserialize)]
    struct Peek<'a> {
        #[serde(borrow)]
        method: Option<std::borrow::Cow<'a, str>>,
        #[serde(borrow)]
        params: Option<PeekParams<'a>>,
    }
    #[derive(serde::Deserialize)]
    struct PeekParams<'a> {
        #[serde(borrow)]
        name: Option<std::borrow::Cow<'a, str>>,
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, app.settings.http.max_body_bytes).await else {
        return Err(refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            None,
        ));
    };
    if let Ok(Peek {
        method: Some(method),
        params: Some(PeekParams { name: Some(tool) }),
    }) = serde_json::from_slice::<Peek>(&bytes)
        && method == "tools/call"
        && let Some(required) = app.settings.http.tool_scopes.get(tool.as_ref())
        && !identity.has_scopes(required)
    {
        let scope = required.iter().cloned().collect::<Vec<_>>().join(" ");
        let metadata = metadata_url(app);
        let mut response = (
            StatusCode::FORBIDDEN,
            axum::Json(serde_json::json!({
                "error": "insufficient_scope",
                "scope": scope,
            })),
        )
            .into_response();
        if let Ok(value) = HeaderValue::from_str(&format!(
            "Bearer error=\"insufficient_scope\", scope=\"{scope}\", resource_metadata=\"{metadata}\""
        )) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, value);
        }
        return Err(response);
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// How callers authenticate (`AUTH`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    None,
    Bearer,
    Jwt,
}

/// Limits of the HTTP listener: what a slow, idle or greedy client can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpLimits {
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
    pub request_timeout: Duration,
    pub max_sessions: usize,
    pub max_sessions_per_principal: usize,
    pub session_idle: Duration,
    pub max_initialize_bytes: usize,
}

/// The HTTP transport's settings: listener, limits, authentication and scopes.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub addr: SocketAddr,
    pub allowed_hosts: Vec<String>,
    pub allowed_origins: Vec<String>,
    pub max_body_bytes: usize,
    pub stateless: bool,
    pub limits: HttpLimits,
    /// The URL clients use to reach the server, without a trailing `/`.
    pub public_url: String,
    pub auth: AuthMode,
    /// Bearer mode: `principal:sha256[:scopes]` entries.
    pub auth_tokens: SecretString,
    /// JWT mode: what tokens must satisfy.
    #[cfg(feature = "jwt")]
    pub jwt: Option<crate::auth::jwt::JwtConfig>,
    /// Tool name → scopes it requires.
    pub tool_scopes: BTreeMap<String, BTreeSet<String>>,
}

impl HttpSettings {
    /// Reads and validates the HTTP and authentication settings (`transport` decides which
    /// combinations are safe).
    pub fn from_vars(vars: &Vars, transport: Transport) -> Result<Self, ConfigError> {
        let addr_text = vars.get("HTTP_ADDR");
        let http_addr: SocketAddr = addr_text.parse().map_err(|_| {
            vars.invalid(
                "HTTP_ADDR",
                format!("`{addr_text}` is not HOST:PORT with an IP host"),
            )
        })?;
        let max_body_bytes = vars.number("HTTP_MAX_BODY_BYTES")?;
        if !(1024..=64 * 1024 * 1024).contains(&max_body_bytes) {
            return Err(vars.invalid(
                "HTTP_MAX_BODY_BYTES",
                "must be between 1024 and 67108864".to_string(),
            ));
        }
        let public_url = match vars.get("PUBLIC_URL").trim().trim_end_matches('/') {
            "" => format!("http://{http_addr}"),
            url if url.starts_with("https://") || url.starts_with("http://") => url.to_string(),
            other => {
                return Err(vars.invalid(
                    "PUBLIC_URL",
                    format!("`{other}` must start with https:// or http://"),
                ));
            }
        };
        let bounded =
            |key: &str, range: std::ops::RangeInclusive<u64>| -> Result<u64, ConfigError> {
                let value = vars.number(key)?;
                if range.contains(&value) {
                    Ok(value)
                } else {
                    Err(vars.invalid(
                        key,
                        format!("must be between {} and {}", range.start(), range.end()),
                    ))
                }
            };
        let as_usize = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        let max_sessions = bounded("HTTP_MAX_SESSIONS", 1..=1_000_000)?;
        let http_limits = HttpLimits {
            header_timeout: Duration::from_millis(bounded(
                "HTTP_HEADER_TIMEOUT_MS",
                100..=300_000,
            )?),
            idle_timeout: Duration::from_secs(bounded("HTTP_IDLE_TIMEOUT_SECONDS", 1..=86_400)?),
            max_connections: as_usize(bounded("HTTP_MAX_CONNECTIONS", 1..=1_000_000)?),
            request_timeout: Duration::from_secs(bounded(
                "HTTP_REQUEST_TIMEOUT_SECONDS",
                1..=3600,
            )?),
            max_sessions: as_usize(max_sessions),
            max_sessions_per_principal: as_usize(bounded(
                "HTTP_MAX_SESSIONS_PER_PRINCIPAL",
                1..=max_sessions,
            )?),
            session_idle: Duration::from_secs(bounded("HTTP_SESSION_IDLE_SECONDS", 1..=86_400)?),
            // No larger than a whole request may be.
            max_initialize_bytes: as_usize(
                bounded("HTTP_MAX_INITIALIZE_BYTES", 1024..=64 * 1024 * 1024)?.min(max_body_bytes),
            ),
        };
        let auth = match vars.get("AUTH").as_str() {
            "none" => AuthMode::None,
            "bearer" => AuthMode::Bearer,
            "jwt" => AuthMode::Jwt,
            other => {
                return Err(vars.invalid("AUTH", format!("`{other}` is not none, bearer or jwt")));
            }
        };
        let mut tool_scopes = BTreeMap::new();
        for entry in vars
            .get("TOOL_SCOPES")
            .split(';')
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            let Some((tool, scopes)) = entry.split_once('=') else {
                return Err(
                    vars.invalid("TOOL_SCOPES", format!("`{entry}` is not tool=scope scope"))
                );
            };
            let scopes: BTreeSet<String> = scopes.split_whitespace().map(str::to_string).collect();
            tool_scopes.insert(tool.trim().to_string(), scopes);
        }
        let settings = Self {
            addr: http_addr,
            allowed_hosts: vars.list("HTTP_ALLOWED_HOSTS"),
            allowed_origins: vars.list("HTTP_ALLOWED_ORIGINS"),
            max_body_bytes: usize::try_from(max_body_bytes).unwrap_or(usize::MAX),
            stateless: vars.boolean("HTTP_STATELESS")?,
            limits: http_limits,
            public_url,
            auth,
            auth_tokens: SecretString::from(vars.get("AUTH_TOKENS")),
            #[cfg(feature = "jwt")]
            jwt: match auth {
                AuthMode::Jwt => Some(crate::auth::jwt::JwtConfig::from_vars(vars)?),
                _ => None,
            },
            tool_scopes,
        };
        if settings.allowed_hosts.is_empty() {
            return Err(vars.invalid(
                "HTTP_ALLOWED_HOSTS",
                "name at least one host (DNS-rebinding protection cannot be turned off)",
            ));
        }
        let exposed = transport == Transport::Http && !settings.addr.ip().is_loopback();
        if exposed && settings.auth == AuthMode::None {
            return Err(vars.invalid(
                "AUTH",
                format!(
                    "`none` is only allowed on a loopback address, not {}: use bearer or jwt",
                    settings.addr
                ),
            ));
        }
        if exposed && settings.auth != AuthMode::None && vars.get("PUBLIC_URL").trim().is_empty() {
            return Err(vars.invalid(
                "PUBLIC_URL",
                format!(
                    "required when serving with authentication on {}: clients find the \
                     authorization server through the URL it names (https://mcp.example.com)",
                    settings.addr
                ),
            ));
        }
        // Auth settings are checked where they are used, with the same error type.
        crate::auth::AuthConfig::from_http(&settings)?;
        Ok(settings)
    }
}

/// This subsystem's settings (keys without the prefix).
pub const SETTINGS: &[Setting] = &[
    Setting {
        key: "HTTP_ADDR",
        default: "127.0.0.1:8080",
        help: "Address the HTTP transport listens on.",
    },
    Setting {
        key: "HTTP_ALLOWED_HOSTS",
        default: "localhost,127.0.0.1,::1",
        help: "Host header values accepted (DNS-rebinding protection); add your public hostname.",
    },
    Setting {
        key: "HTTP_ALLOWED_ORIGINS",
        default: "http://localhost:*,http://127.0.0.1:*",
        help: "Browser Origin values accepted (requests without Origin pass); `:*` is any port.",
    },
    Setting {
        key: "HTTP_MAX_BODY_BYTES",
        default: "1048576",
        help: "Largest accepted request body in bytes; larger ones get HTTP 413.",
    },
    Setting {
        key: "HTTP_STATELESS",
        default: "false",
        help: "Stateless JSON mode: no sessions, one JSON response per POST (for load balancers).",
    },
    Setting {
        key: "HTTP_HEADER_TIMEOUT_MS",
        default: "10000",
        help: "A client must send a request's headers within this time, or the connection is closed.",
    },
    Setting {
        key: "HTTP_IDLE_TIMEOUT_SECONDS",
        default: "120",
        help: "A connection with no bytes in either direction for this long is closed.",
    },
    Setting {
        key: "HTTP_MAX_CONNECTIONS",
        default: "1024",
        help: "Open connections at most; further ones are closed as soon as they are accepted.",
    },
    Setting {
        key: "HTTP_REQUEST_TIMEOUT_SECONDS",
        default: "60",
        help: "Deadline for reading a request and producing its response (HTTP 408 or 504 after it).",
    },
    Setting {
        key: "HTTP_MAX_SESSIONS",
        default: "10000",
        help: "MCP sessions (2025-11-25 era) open at once, all callers together; more get HTTP 503.",
    },
    Setting {
        key: "HTTP_MAX_SESSIONS_PER_PRINCIPAL",
        default: "100",
        help: "MCP sessions one principal (or, without authentication, one address) may hold; more get HTTP 429.",
    },
    Setting {
        key: "HTTP_SESSION_IDLE_SECONDS",
        default: "300",
        help: "A session with no request for this long is closed.",
    },
    Setting {
        key: "HTTP_MAX_INITIALIZE_BYTES",
        default: "16384",
        help: "Largest `initialize` parameters (client info and capabilities) accepted over HTTP; a session keeps them.",
    },
    Setting {
        key: "PUBLIC_URL",
        default: "",
        help: "The URL clients use to reach the server (OAuth metadata); required with authentication on a non-loopback address.",
    },
    Setting {
        key: "AUTH",
        default: "bearer",
        help: "`none`, `bearer` (static tokens, stored hashed) or `jwt` (validated against a JWKS).",
    },
    Setting {
        key: "AUTH_TOKENS",
        default: "",
        help: "Bearer mode: `principal:sha256-of-token[:scope scope…]`, comma-separated (secret).",
    },
    Setting {
        key: "TOOL_SCOPES",
        default: "",
        help: "Scopes a tool requires: `tool=scope scope;tool2=scope`.",
    },
];

#[cfg(test)]
mod tests {
    use super::Owner;
    use crate::logging::MAX_FIELD_BYTES;

    #[test]
    fn owners_compare_by_principal_and_address_and_log_bounded() {
        let at = |principal: &str, addr: Option<&str>| Owner {
            principal: principal.to_string(),
            addr: addr.map(|a| a.parse().unwrap()),
        };
        assert_eq!(
            at("anonymous", Some("10.0.0.1")),
            at("anonymous", Some("10.0.0.1"))
        );
        assert_ne!(
            at("anonymous", Some("10.0.0.1")),
            at("anonymous", Some("10.0.0.2"))
        );
        // A principal whose name looks like `principal@address` is not that principal there.
        assert_ne!(at("a@10.0.0.1", None), at("a", Some("10.0.0.1")));
        assert_eq!(at("anonymous", Some("::1")).to_string(), "anonymous@::1");
        let long = "p".repeat(MAX_FIELD_BYTES * 4);
        assert_eq!(
            at(&long, Some("10.0.0.1")).to_string(),
            format!("{}@10.0.0.1", "p".repeat(MAX_FIELD_BYTES))
        );
    }
}

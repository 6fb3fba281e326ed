//! The platform's middleware, in stack order: in-flight tracking → request id → logging and
//! timing → metrics → authentication → rate limiting → error masking → (the team's middleware)
//! → handler. The team's middleware runs inside error masking, so its panics are masked too.
//!
//! Each platform layer is a step of [`Core`], which [`Stack`] runs in this order as plain code
//! inside one future; only the team's middleware goes through the [`Middleware`] interface.
//! Measured per `tools/call`: a boxed future and a virtual call per layer cost more than the
//! request id, authentication and error masking layers do themselves.

use std::any::Any;
#[cfg(feature = "http")]
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rmcp::ErrorData;
use rmcp::model::ErrorCode;
use tracing::Level;

#[cfg(feature = "http")]
use super::auth::{AuthError, Authenticator};
#[cfg(feature = "http")]
use super::config::Transport;
use super::errors;
use super::identity::Identity;
use super::logging::{self, Access};
use super::metrics::Metrics;
use super::middleware::{Call, Middleware, Stack};
use super::ratelimit::{BucketKey, Decision, Limits, retry_after_seconds};
use super::shutdown::{InFlight, InFlightGuard};

/// JSON-RPC error codes the platform answers with (server-defined range).
pub mod codes {
    use rmcp::model::ErrorCode;

    /// No or invalid credentials.
    pub const UNAUTHORIZED: ErrorCode = ErrorCode(-32001);
    /// Authenticated, but lacking a scope the tool requires.
    pub const FORBIDDEN: ErrorCode = ErrorCode(-32003);
    /// Over a rate limit; `data.retryAfterSeconds` says when to retry.
    pub const RATE_LIMITED: ErrorCode = ErrorCode(-32029);
    /// Cancelled while it ran (never sent: a cancelled request gets no answer; logs and
    /// metrics use it). LSP's "request cancelled".
    pub const CANCELLED: ErrorCode = ErrorCode(-32800);
}

/// What the HTTP layer leaves in the request's extensions once it has authenticated the
/// request (and counted it against the principal's limit, so the stack does not count it
/// twice). The stack moves it out: one extension rather than two, and no copy of the identity.
#[cfg(feature = "http")]
#[derive(Debug, Clone)]
pub struct Admitted {
    pub identity: Identity,
    /// Whether the request was counted against the principal's limit.
    pub principal_counted: bool,
}

/// Everything the standard stack needs.
#[derive(Clone)]
pub struct StackParts {
    #[cfg(feature = "http")]
    pub auth: Authenticator,
    pub limits: Limits,
    pub metrics: Option<Metrics>,
    #[cfg(feature = "http")]
    pub tool_scopes: Arc<BTreeMap<String, BTreeSet<String>>>,
    /// The team's middleware, run inside error masking, just before the handler.
    pub team: Vec<Arc<dyn Middleware>>,
    /// A span per request for OpenTelemetry export (only when `OTLP_ENDPOINT` is set).
    pub spans: bool,
    /// The transport the stack serves: a request without HTTP parts is trusted as the local
    /// client only when this is stdio.
    #[cfg(feature = "http")]
    pub transport: Transport,
    /// Largest `initialize` parameters accepted over HTTP (a session keeps them).
    pub max_initialize_bytes: usize,
}

/// The standard stack; `in_flight` counts requests for graceful shutdown.
pub fn standard(parts: StackParts, in_flight: InFlight) -> Stack {
    let core = Core {
        in_flight,
        spans: parts.spans,
        metrics: parts.metrics,
        #[cfg(feature = "http")]
        auth: parts.auth,
        #[cfg(feature = "http")]
        tool_scopes: parts.tool_scopes,
        limits: parts.limits,
        #[cfg(feature = "http")]
        transport: parts.transport,
        max_initialize_bytes: parts.max_initialize_bytes,
    };
    Stack::new(core, parts.team)
}

/// The platform's layers. Metrics, rate limits and spans are steps only when configured.
pub struct Core {
    in_flight: InFlight,
    spans: bool,
    metrics: Option<Metrics>,
    #[cfg(feature = "http")]
    auth: Authenticator,
    #[cfg(feature = "http")]
    tool_scopes: Arc<BTreeMap<String, BTreeSet<String>>>,
    limits: Limits,
    #[cfg(feature = "http")]
    transport: Transport,
    max_initialize_bytes: usize,
}

impl Core {
    /// The layer names, in order.
    pub fn names(&self) -> Vec<&'static str> {
        let mut names = vec!["in-flight", "request-id"];
        if self.spans {
            names.push("spans");
        }
        names.push("logging");
        if self.metrics.is_some() {
            names.push("metrics");
        }
        if cfg!(feature = "http") {
            names.push("auth");
        }
        if self.limits.per_principal.is_some() || self.limits.per_tool.is_some() {
            names.push("rate-limit");
        }
        names.push("error-masking");
        names
    }

    /// Largest `initialize` parameters accepted over HTTP.
    pub fn max_initialize_bytes(&self) -> usize {
        self.max_initialize_bytes
    }

    /// In-flight tracking: the request counts until the guard drops (graceful shutdown waits
    /// for it).
    pub fn enter(&self) -> InFlightGuard {
        self.in_flight.enter()
    }

    /// Request id: the caller's `X-Request-Id` when it is a sane token, else a new one.
    pub fn assign_request_id(&self, call: &mut Call) {
        call.info.request_id = Self::given_request_id(call).unwrap_or_else(errors::new_request_id);
    }

    /// The caller's request id, when it sent a sane one (over HTTP).
    #[cfg(feature = "http")]
    fn given_request_id(call: &Call) -> Option<String> {
        call.http()
            .and_then(|parts| parts.headers.get("x-request-id"))
            .and_then(|v| v.to_str().ok())
            .filter(|v| {
                (1..=64).contains(&v.len())
                    && v.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            })
            .map(str::to_string)
    }

    /// Without HTTP, requests carry no request id of the caller's.
    #[cfg(not(feature = "http"))]
    fn given_request_id(_call: &Call) -> Option<String> {
        None
    }

    /// The request's span for OpenTelemetry export, when exporting.
    pub fn span(&self, call: &Call) -> Option<tracing::Span> {
        self.spans.then(|| super::otel::span(call))
    }

    /// Closes the export span: the caller (known once authentication ran) and the outcome.
    pub fn close_span(&self, span: &tracing::Span, call: &Call, error: Option<&ErrorData>) {
        super::otel::close(span, call, error);
    }

    /// Logging and metrics, once the request is answered: one log line (request id, principal,
    /// method, tool, duration, outcome) and the request counted with its latency.
    pub fn observe(&self, call: &Call, error: Option<&ErrorData>) {
        let elapsed = call.started.elapsed();
        let outcome = outcome(error);
        // Caller-chosen (a tool name, a URI): cut to a bounded length in logs.
        let tool = logging::bounded(call.target.as_deref().unwrap_or(""));
        let principal = logging::bounded(&call.info.identity.principal);
        let duration_us = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        match error {
            Some(error) if error.code == ErrorCode::INTERNAL_ERROR => tracing::error!(
                request_id = call.info.request_id.as_str(),
                principal,
                method = call.method,
                tool,
                duration_us,
                outcome,
                "request failed"
            ),
            Some(error) if error.code == codes::CANCELLED => tracing::info!(
                request_id = call.info.request_id.as_str(),
                principal,
                method = call.method,
                tool,
                duration_us,
                outcome,
                "request cancelled"
            ),
            Some(error) => tracing::warn!(
                request_id = call.info.request_id.as_str(),
                principal,
                method = call.method,
                tool,
                duration_us,
                outcome,
                error = logging::bounded(&error.message),
                "request refused"
            ),
            None if tracing::enabled!(Level::INFO) => {
                let access = Access {
                    request_id: &call.info.request_id,
                    principal,
                    method: call.method,
                    tool,
                    duration_us,
                    outcome,
                };
                // Straight to the log output when it takes lines directly (the same line).
                // (Not while exporting spans: the exporting layer takes events.)
                if self.spans || !logging::write_access(&access) {
                    tracing::info!(
                        request_id = access.request_id,
                        principal = access.principal,
                        method = access.method,
                        tool,
                        duration_us,
                        outcome,
                        "request"
                    );
                }
            }
            None => {}
        }
        if let Some(metrics) = &self.metrics {
            let tool = (call.method == "tools/call")
                .then_some(call.target.as_deref())
                .flatten();
            metrics.observe(call.method, tool, outcome, elapsed);
        }
    }

    /// Authentication: establishes the caller's identity and enforces per-tool scopes.
    ///
    /// Over HTTP the HTTP layer has already verified the token (and answered 401 if needed);
    /// its identity is moved out of the request ([`Admitted`]). A request that carries HTTP parts but no
    /// verified identity (the in-memory harness simulating HTTP) is verified here. A request
    /// without HTTP parts is trusted as the `local` principal only when the stack serves stdio
    /// (the client that launched the process); on an HTTP server it is refused: fail closed
    /// should a transport ever deliver requests without their HTTP parts.
    #[cfg(feature = "http")]
    pub async fn authenticate(&self, call: &mut Call) -> Result<(), ErrorData> {
        let identity = match call.http_mut() {
            Some(parts) => match parts.extensions.remove::<Admitted>() {
                Some(admitted) => {
                    call.principal_counted = admitted.principal_counted;
                    admitted.identity
                }
                None => {
                    let header = parts
                        .headers
                        .get(axum::http::header::AUTHORIZATION)
                        .and_then(|v| v.to_str().ok());
                    self.auth.verify(header).await.map_err(|e| {
                        tracing::debug!(reason = %e, "authentication failed");
                        unauthenticated(&e)
                    })?
                }
            },
            None if self.transport == Transport::Http => {
                return Err(ErrorData::new(
                    codes::UNAUTHORIZED,
                    "a request without HTTP credentials on an HTTP server",
                    None,
                ));
            }
            None if self.auth.is_required() => Identity::local(),
            None => Identity::anonymous(),
        };
        call.info.identity = identity;
        if call.method == "tools/call"
            && let Some(required) = call.target.as_ref().and_then(|t| self.tool_scopes.get(t))
            && !call.info.identity.has_scopes(required)
        {
            let missing: Vec<&str> = required
                .difference(&call.info.identity.scopes)
                .map(String::as_str)
                .collect();
            return Err(ErrorData::new(
                codes::FORBIDDEN,
                format!("this tool requires the scope(s): {}", missing.join(" ")),
                None,
            ));
        }
        Ok(())
    }

    /// Authentication without an HTTP transport: every request comes from the client that
    /// launched the process (stdio), with authentication off (the `anonymous` principal, as
    /// with `AUTH=none`).
    #[cfg(not(feature = "http"))]
    pub async fn authenticate(&self, call: &mut Call) -> Result<(), ErrorData> {
        call.info.identity = Identity::anonymous();
        Ok(())
    }

    /// Rate limits: a token from the principal's bucket (unless the HTTP layer took it) and,
    /// for tool calls, from the (principal, tool) bucket.
    pub async fn limit(&self, call: &Call) -> Result<(), ErrorData> {
        let principal = call.info.identity.principal.as_str();
        if let (Some(limiter), false) = (&self.limits.per_principal, call.principal_counted)
            && let Decision::Deny { retry_after } =
                limiter.check(BucketKey::principal(principal)).await
        {
            return Err(self.reject("principal", retry_after));
        }
        if call.method == "tools/call"
            && let (Some(limiter), Some(tool)) = (&self.limits.per_tool, &call.target)
            && let Decision::Deny { retry_after } =
                limiter.check(BucketKey::tool(principal, tool)).await
        {
            return Err(self.reject("tool", retry_after));
        }
        Ok(())
    }

    fn reject(&self, scope: &str, wait: std::time::Duration) -> ErrorData {
        if let Some(metrics) = &self.metrics {
            metrics.rate_limited(scope);
        }
        let seconds = retry_after_seconds(wait);
        ErrorData::new(
            codes::RATE_LIMITED,
            format!("rate limit exceeded ({scope}); retry in {seconds} s"),
            Some(serde_json::json!({ "retryAfterSeconds": seconds, "scope": scope })),
        )
    }

    /// Error masking: turns a panic or an internal error of what ran inside into an error that
    /// carries only the request id; the details go to the log under that id.
    pub fn mask<T>(
        &self,
        call: &Call,
        outcome: Result<Result<T, ErrorData>, Box<dyn Any + Send>>,
    ) -> Result<T, ErrorData> {
        let method = call.method;
        let id = || call.info.request_id.clone();
        match outcome {
            Ok(Err(error)) if error.code == ErrorCode::INTERNAL_ERROR => {
                let incident =
                    errors::Incident::log_for(id(), &format!("{method} failed"), &error.message);
                Err(incident.into_error_data())
            }
            Ok(result) => result,
            Err(panic) => Err(errors::Incident::log_for(
                id(),
                &format!("{method} panicked"),
                &errors::panic_message(&*panic),
            )
            .into_error_data()),
        }
    }
}

/// The error for a request that could not be authenticated.
#[cfg(feature = "http")]
fn unauthenticated(error: &AuthError) -> ErrorData {
    ErrorData::new(codes::UNAUTHORIZED, error.public(), None)
}

/// The outcome as logs and metrics name it.
fn outcome(error: Option<&ErrorData>) -> &'static str {
    match error {
        None => "ok",
        Some(e) if e.code == codes::UNAUTHORIZED => "unauthorized",
        Some(e) if e.code == codes::FORBIDDEN => "forbidden",
        Some(e) if e.code == codes::RATE_LIMITED => "rate_limited",
        Some(e) if e.code == codes::CANCELLED => "cancelled",
        Some(e) if e.code == ErrorCode::METHOD_NOT_FOUND => "method_not_found",
        Some(e) if e.code == ErrorCode::INVALID_PARAMS => "invalid_params",
        Some(e) if e.code == ErrorCode::INTERNAL_ERROR => "internal_error",
        Some(_) => "error",
    }
}

#[cfg(test)]
mod tests {
    #[cfg(feature = "http")]
    use std::time::Duration;

    use rmcp::ServiceExt;
    use rmcp::model::{CallToolRequestParams, CallToolResult};
    use serde_json::{Value, json};

    use super::*;
    use crate::App;
    #[cfg(feature = "jwt")]
    use crate::auth::AuthConfig;
    #[cfg(feature = "jwt")]
    use crate::auth::jwt::testing::{TestIssuer, now};
    #[cfg(feature = "http")]
    use crate::auth::token_sha256;
    use crate::config::Settings;
    use crate::harness::Harness;
    #[cfg(feature = "http")]
    use crate::middleware::{BoxFuture, Next, Reply};
    use crate::testing::test_app;

    #[cfg(feature = "jwt")]
    const AUDIENCE: &str = "https://mcp.example.com/mcp";
    #[cfg(feature = "jwt")]
    const ISSUER: &str = "https://issuer.example.com/";

    async fn call(h: &Harness, tool: &str, args: Value) -> Result<CallToolResult, ErrorData> {
        let mut params = CallToolRequestParams::new(tool.to_string());
        if let Value::Object(map) = args {
            params = params.with_arguments(map);
        }
        h.peer().call_tool(params).await.map_err(|e| match e {
            rmcp::ServiceError::McpError(error) => error,
            other => panic!("transport failure: {other}"),
        })
    }

    #[cfg(feature = "http")]
    fn bearer_app(extra: &[(&str, &str)]) -> App {
        let tokens = format!(
            "ci:{}:profile:read,ops:{}",
            token_sha256("ci-secret-token"),
            token_sha256("ops-secret-token")
        );
        let mut settings = vec![("AUTH", "bearer"), ("AUTH_TOKENS", tokens.as_str())];
        settings.extend_from_slice(extra);
        test_app(Settings::with(&settings).unwrap())
    }

    #[cfg(feature = "jwt")]
    fn jwt_app(issuer: &TestIssuer) -> App {
        let settings = Settings::with(&[
            ("AUTH", "jwt"),
            ("AUTH_ISSUER", ISSUER),
            ("AUTH_AUDIENCE", AUDIENCE),
            ("AUTH_JWKS_URL", "https://issuer.example.com/jwks"),
            ("AUTH_ALGORITHMS", "EdDSA"),
            ("AUTH_TENANT_CLAIM", "org"),
            ("TOOL_SCOPES", "whoami=profile:read"),
        ])
        .unwrap();
        let auth = Authenticator::with_static_keys(
            AuthConfig::from_settings(&settings).unwrap(),
            issuer.jwks(),
        );
        let services = crate::Services::new(settings, Default::default());
        let catalog = (crate::testing::PROJECT.catalog)(&services).unwrap();
        App::assemble(&crate::testing::PROJECT, services, catalog, auth).unwrap()
    }

    #[cfg(feature = "jwt")]
    fn claims(overrides: Value) -> Value {
        let mut claims = json!({
            "sub": "user-7",
            "iss": ISSUER,
            "aud": AUDIENCE,
            "exp": now() + 300,
            "scope": "profile:read other",
            "org": "acme",
        });
        for (k, v) in overrides.as_object().unwrap() {
            if v.is_null() {
                claims.as_object_mut().unwrap().remove(k);
            } else {
                claims[k] = v.clone();
            }
        }
        claims
    }

    #[cfg(feature = "http")]
    #[tokio::test]
    async fn bearer_tokens_are_required_and_checked() {
        // Even `initialize` needs credentials.
        let missing = Harness::try_as_http_client(bearer_app(&[]), &[])
            .await
            .unwrap_err();
        assert_eq!(missing.code, codes::UNAUTHORIZED);
        assert_eq!(missing.message, "authentication required");
        for header in [
            "Bearer guess",
            "Basic Y2k6c2VjcmV0",
            "Bearer ",
            "ci-secret-token",
        ] {
            let err = Harness::try_as_http_client(bearer_app(&[]), &[("authorization", header)])
                .await
                .unwrap_err();
            assert_eq!(err.code, codes::UNAUTHORIZED, "{header}");
        }

        let right = Harness::as_http_client(
            bearer_app(&[]),
            &[("authorization", "Bearer ci-secret-token")],
        )
        .await;
        let me = call(&right, "whoami", json!({})).await.unwrap();
        let caller = me.structured_content.unwrap();
        assert_eq!(caller["principal"], "ci");
        assert_eq!(caller["scopes"], json!(["profile:read"]));
    }

    #[cfg(feature = "jwt")]
    #[tokio::test]
    async fn jwts_are_verified_against_the_keys_issuer_audience_and_expiry() {
        let issuer = TestIssuer::new("key-1");
        let valid = issuer.token(&claims(json!({})));
        let h = Harness::as_http_client(
            jwt_app(&issuer),
            &[("authorization", &format!("Bearer {valid}"))],
        )
        .await;
        let caller = call(&h, "whoami", json!({}))
            .await
            .unwrap()
            .structured_content
            .unwrap();
        assert_eq!(caller["principal"], "user-7");
        assert_eq!(caller["tenant"], "acme");
        assert_eq!(caller["scopes"], json!(["other", "profile:read"]));

        let impostor = TestIssuer::new("key-1");
        let rejected = [
            (
                "expired",
                issuer.token(&claims(json!({"exp": now() - 3600}))),
            ),
            (
                "wrong audience",
                issuer.token(&claims(json!({"aud": "https://other.example"}))),
            ),
            (
                "wrong issuer",
                issuer.token(&claims(json!({"iss": "https://evil.example/"}))),
            ),
            ("no audience", issuer.token(&claims(json!({"aud": null})))),
            ("no expiry", issuer.token(&claims(json!({"exp": null})))),
            ("no subject", issuer.token(&claims(json!({"sub": null})))),
            (
                "unknown key",
                TestIssuer::new("key-2").token(&claims(json!({}))),
            ),
            ("forged signature", impostor.token(&claims(json!({})))),
            ("not a JWT", "not.a.jwt".to_string()),
        ];
        for (why, token) in rejected {
            let err = Harness::try_as_http_client(
                jwt_app(&issuer),
                &[("authorization", &format!("Bearer {token}"))],
            )
            .await
            .err()
            .unwrap_or_else(|| panic!("{why} was accepted"));
            assert_eq!(err.code, codes::UNAUTHORIZED, "{why}");
            assert_eq!(err.message, "invalid token", "{why}");
        }
    }

    #[cfg(feature = "jwt")]
    #[tokio::test]
    async fn tools_require_their_scopes() {
        let issuer = TestIssuer::new("key-1");
        let scoped = issuer.token(&claims(json!({})));
        let unscoped = issuer.token(&claims(json!({"scope": "other"})));
        let h = Harness::as_http_client(
            jwt_app(&issuer),
            &[("authorization", &format!("Bearer {unscoped}"))],
        )
        .await;
        let err = call(&h, "whoami", json!({})).await.unwrap_err();
        assert_eq!(err.code, codes::FORBIDDEN);
        assert!(err.message.contains("profile:read"), "{}", err.message);
        assert!(
            call(&h, "greet", json!({"name": "Ada"})).await.is_ok(),
            "unscoped tools stay open"
        );

        let h = Harness::as_http_client(
            jwt_app(&issuer),
            &[("authorization", &format!("Bearer {scoped}"))],
        )
        .await;
        assert!(call(&h, "whoami", json!({})).await.is_ok());

        // Over stdio the client that launched the server holds every scope.
        let local = Harness::with_app(jwt_app(&issuer)).await;
        let caller = call(&local, "whoami", json!({}))
            .await
            .unwrap()
            .structured_content
            .unwrap();
        assert_eq!(caller["principal"], "local");
    }

    #[cfg(feature = "http")]
    #[tokio::test]
    async fn a_tool_rate_limit_is_hit_and_recovers() {
        let app = bearer_app(&[
            ("TOOL_RATE_LIMIT_PER_SECOND", "10"),
            ("TOOL_RATE_LIMIT_BURST", "2"),
        ]);
        let metrics = app.metrics.clone().unwrap();
        let h = Harness::as_http_client(app, &[("authorization", "Bearer ci-secret-token")]).await;
        for _ in 0..2 {
            call(&h, "greet", json!({"name": "Ada"})).await.unwrap();
        }
        let err = call(&h, "greet", json!({"name": "Ada"})).await.unwrap_err();
        assert_eq!(err.code, codes::RATE_LIMITED);
        assert_eq!(err.data.as_ref().unwrap()["retryAfterSeconds"], 1);
        assert!(
            call(&h, "whoami", json!({})).await.is_ok(),
            "buckets are per tool"
        );
        assert!(
            metrics
                .render()
                .contains("mcp_rate_limited_total{scope=\"tool\"} 1")
        );
        tokio::time::sleep(Duration::from_millis(120)).await;
        assert!(
            call(&h, "greet", json!({"name": "Ada"})).await.is_ok(),
            "the bucket refills"
        );
    }

    #[cfg(feature = "http")]
    #[tokio::test]
    async fn a_principal_rate_limit_counts_every_method() {
        let app = bearer_app(&[("RATE_LIMIT_PER_SECOND", "1"), ("RATE_LIMIT_BURST", "3")]);
        let h = Harness::as_http_client(app, &[("authorization", "Bearer ops-secret-token")]).await;
        // initialize used one token; two more requests fit.
        h.peer().list_all_tools().await.unwrap();
        h.peer().list_all_tools().await.unwrap();
        let err = call(&h, "greet", json!({"name": "Ada"})).await.unwrap_err();
        assert_eq!(err.code, codes::RATE_LIMITED);
    }

    /// A middleware that panics, to prove the masking layer catches what escapes handlers.
    #[cfg(feature = "http")]
    struct Explode;

    #[cfg(feature = "http")]
    impl Middleware for Explode {
        fn name(&self) -> &'static str {
            "explode"
        }

        fn handle<'a>(
            &'a self,
            call: &'a mut Call,
            next: Next<'a>,
        ) -> BoxFuture<'a, Result<Reply, ErrorData>> {
            if call.target.as_deref() == Some("greet") {
                panic!("secret detail from a middleware");
            }
            next.run(call)
        }
    }

    /// Records its hooks in a shared journal; refuses `whoami` when `refuse` is set.
    struct Journal {
        name: &'static str,
        entries: Arc<std::sync::Mutex<Vec<String>>>,
        refuse: bool,
        wraps: bool,
    }

    impl Journal {
        fn note(&self, what: String) {
            self.entries.lock().unwrap().push(what);
        }
    }

    impl Middleware for Journal {
        fn name(&self) -> &'static str {
            self.name
        }

        fn before(&self, call: &mut Call) -> Result<(), ErrorData> {
            self.note(format!("{} before", self.name));
            if self.refuse && call.target.as_deref() == Some("whoami") {
                return Err(ErrorData::invalid_request("refused by the journal", None));
            }
            Ok(())
        }

        fn after(&self, _call: &Call, error: Option<&ErrorData>) {
            let outcome = if error.is_some() { "error" } else { "ok" };
            self.note(format!("{} after {outcome}", self.name));
        }

        fn wraps(&self) -> bool {
            self.wraps
        }
    }

    #[tokio::test]
    async fn team_hooks_run_in_order_around_the_handler_and_can_refuse() {
        let entries = Arc::new(std::sync::Mutex::new(Vec::new()));
        let layer = |name, refuse, wraps| -> Arc<dyn Middleware> {
            Arc::new(Journal {
                name,
                entries: entries.clone(),
                refuse,
                wraps,
            })
        };
        // Hooks, then one that wraps (its default `handle`), then hooks again.
        let h = Harness::with_app(app_with_team(vec![
            layer("a", false, false),
            layer("b", false, true),
            layer("c", true, false),
        ]))
        .await;
        entries.lock().unwrap().clear();

        call(&h, "greet", json!({"name": "Ada"})).await.unwrap();
        let seen = std::mem::take(&mut *entries.lock().unwrap());
        assert_eq!(
            seen,
            [
                "a before",
                "b before",
                "c before",
                "c after ok",
                "b after ok",
                "a after ok"
            ]
        );

        let err = call(&h, "whoami", json!({})).await.unwrap_err();
        assert_eq!(err.message, "refused by the journal");
        let seen = std::mem::take(&mut *entries.lock().unwrap());
        assert_eq!(
            seen,
            [
                "a before",
                "b before",
                "c before",
                "b after error",
                "a after error"
            ],
            "the layers outside the refusal see it; the handler does not run"
        );
    }

    #[tokio::test]
    async fn a_refusing_hook_stops_the_hooks_after_it() {
        let entries = Arc::new(std::sync::Mutex::new(Vec::new()));
        let layer = |name, refuse| -> Arc<dyn Middleware> {
            Arc::new(Journal {
                name,
                entries: entries.clone(),
                refuse,
                wraps: false,
            })
        };
        let h = Harness::with_app(app_with_team(vec![
            layer("outer", false),
            layer("refuser", true),
            layer("inner", false),
        ]))
        .await;
        entries.lock().unwrap().clear();
        let err = call(&h, "whoami", json!({})).await.unwrap_err();
        assert_eq!(err.message, "refused by the journal");
        assert_eq!(
            *entries.lock().unwrap(),
            ["outer before", "refuser before", "outer after error"]
        );
    }

    #[cfg(feature = "http")]
    #[tokio::test]
    async fn an_http_server_refuses_requests_without_http_parts() {
        // The in-memory pipe delivers requests without HTTP parts, as stdio would: on a server
        // configured for HTTP that must not make the caller the trusted `local` principal.
        let app = test_app(Settings::with(&[("TRANSPORT", "http")]).unwrap());
        let err = Harness::try_with_app(app).await.unwrap_err();
        assert_eq!(err.code, codes::UNAUTHORIZED, "{err:?}");
        // Over stdio the same client is the local principal.
        let h = Harness::with_app(test_app(Settings::defaults())).await;
        assert!(call(&h, "whoami", json!({})).await.is_ok());
    }

    #[test]
    #[cfg(feature = "http")]
    fn scopes_for_a_tool_that_does_not_exist_refuse_to_start() {
        let settings = Settings::with(&[("TOOL_SCOPES", "whoam=profile:read")]).unwrap();
        let Err(err) = App::for_settings(&crate::testing::PROJECT, settings) else {
            panic!("the server started with scopes for a tool it does not have");
        };
        let err = err
            .downcast_ref::<crate::config::ConfigError>()
            .expect("a settings error");
        assert_eq!(err.variable, crate::config::variable("TOOL_SCOPES"));
        assert!(err.reason.contains("`whoam` is not a tool"), "{err}");
    }

    /// The test app with `team` as the team's middleware.
    fn app_with_team(team: Vec<Arc<dyn Middleware>>) -> App {
        let mut app = test_app(Settings::defaults());
        let stack = standard(
            StackParts {
                #[cfg(feature = "http")]
                auth: app.auth.clone(),
                limits: app.limits.clone(),
                metrics: None,
                #[cfg(feature = "http")]
                tool_scopes: Arc::default(),
                team,
                spans: false,
                #[cfg(feature = "http")]
                transport: Transport::Stdio,
                max_initialize_bytes: 16 * 1024,
            },
            app.in_flight.clone(),
        );
        app.server = crate::middleware::Platform::new(app.server.inner().clone(), stack);
        app
    }

    #[cfg(feature = "http")]
    #[tokio::test]
    async fn panics_are_masked_with_the_request_id() {
        let settings = Settings::defaults();
        let mut app = test_app(settings.clone());
        let stack = standard(
            StackParts {
                #[cfg(feature = "http")]
                auth: app.auth.clone(),
                limits: app.limits.clone(),
                metrics: None,
                #[cfg(feature = "http")]
                tool_scopes: Arc::default(),
                team: vec![Arc::new(Explode)],
                spans: false,
                #[cfg(feature = "http")]
                transport: Transport::Stdio,
                max_initialize_bytes: 16 * 1024,
            },
            app.in_flight.clone(),
        );
        app.server = crate::middleware::Platform::new(app.server.inner().clone(), stack);
        let h = Harness::as_http_client(app, &[("x-request-id", "req-123")]).await;
        let err = call(&h, "greet", json!({"name": "Ada"})).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::INTERNAL_ERROR);
        assert_eq!(
            err.message,
            "internal error (request req-123); the details are in the server log"
        );
        assert!(
            call(&h, "whoami", json!({})).await.is_ok(),
            "the server keeps serving"
        );
    }

    #[cfg(feature = "http")]
    #[tokio::test]
    async fn request_ids_are_fresh_unless_the_caller_sends_a_sane_one() {
        let h = crate::testing::start().await;
        let first = call(&h, "whoami", json!({}))
            .await
            .unwrap()
            .structured_content
            .unwrap();
        let second = call(&h, "whoami", json!({}))
            .await
            .unwrap()
            .structured_content
            .unwrap();
        assert_ne!(first["request_id"], second["request_id"]);
        let h = Harness::as_http_client(
            test_app(Settings::defaults()),
            &[("x-request-id", "bad id\twith spaces")],
        )
        .await;
        let caller = call(&h, "whoami", json!({}))
            .await
            .unwrap()
            .structured_content
            .unwrap();
        assert_eq!(
            caller["request_id"].as_str().unwrap().len(),
            32,
            "an unsafe id is replaced"
        );
    }

    /// The wrapper forwards every method: the same calls give the same answers with and without
    /// the stack.
    #[tokio::test]
    async fn the_stack_changes_no_answer() {
        let bare = crate::testing::bare_handler();
        let (client_io, server_io) = tokio::io::duplex(64 * 1024);
        tokio::spawn(async move {
            if let Ok(running) = bare.serve(server_io).await {
                let _ = running.waiting().await;
            }
        });
        let bare = ().serve(client_io).await.unwrap();
        let wrapped = crate::testing::start().await;
        let wrapped = wrapped.peer();

        assert_eq!(
            bare.peer_info().map(|i| i.server_info.clone()),
            wrapped.peer_info().map(|i| i.server_info.clone())
        );
        assert_eq!(
            bare.list_all_tools().await.unwrap(),
            wrapped.list_all_tools().await.unwrap()
        );
        assert_eq!(
            bare.list_all_resources().await.unwrap(),
            wrapped.list_all_resources().await.unwrap()
        );
        assert_eq!(
            bare.list_all_resource_templates().await.unwrap(),
            wrapped.list_all_resource_templates().await.unwrap()
        );
        assert_eq!(
            bare.list_all_prompts().await.unwrap(),
            wrapped.list_all_prompts().await.unwrap()
        );
        let params = || {
            CallToolRequestParams::new("greet")
                .with_arguments(json!({"name": "Ada"}).as_object().unwrap().clone())
        };
        assert_eq!(
            bare.call_tool(params()).await.unwrap(),
            wrapped.call_tool(params()).await.unwrap()
        );
        let unknown = || CallToolRequestParams::new("no_such_tool");
        let (a, b) = (
            bare.call_tool(unknown()).await,
            wrapped.call_tool(unknown()).await,
        );
        assert_eq!(
            format!("{:?}", a.unwrap_err()),
            format!("{:?}", b.unwrap_err())
        );
        let read = || rmcp::model::ReadResourceRequestParams::new("about://server");
        assert_eq!(
            bare.read_resource(read()).await.unwrap(),
            wrapped.read_resource(read()).await.unwrap()
        );
    }
}

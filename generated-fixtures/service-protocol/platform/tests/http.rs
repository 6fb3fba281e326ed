//! The Streamable HTTP transport over real sockets on 127.0.0.1: authentication (bearer, and
//! JWT against a JWKS this test serves), DNS-rebinding protection, body limits, malformed
//! requests, metrics, and a graceful shutdown that lets an in-flight call finish.

#[cfg(feature = "jwt")]
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rmcp::ErrorData;
use serde_json::{Value, json};
use tokio::io::AsyncBufReadExt;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use platform::App;
use platform::config::{Settings, variable};
use platform::middleware::{BoxFuture, Call, Middleware, Next, Platform, Reply};
#[cfg(feature = "jwt")]
use platform::testing::auth::jwt::JwksPolicy;
#[cfg(feature = "jwt")]
use platform::testing::auth::jwt::testing::{TestIssuer, now};
use platform::testing::auth::token_sha256;
#[cfg(feature = "jwt")]
use platform::testing::auth::{AuthConfig, Authenticator};
use platform::testing::http;
use platform::testing::layers::{self, StackParts};

/// Every wait is bounded, so a hung server fails the test instead of CI.
const LIMIT: Duration = Duration::from_secs(20);

struct Running {
    base: String,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<anyhow::Result<()>>,
}

async fn start(app: App) -> Running {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(http::serve(app, listener, async move {
        let _ = stopped.await;
    }));
    Running {
        base: format!("http://{addr}"),
        stop: Some(stop),
        task,
    }
}

/// This server with `settings`, in the standard stack.
fn build(settings: Settings) -> anyhow::Result<App> {
    App::for_settings(&platform::testing::PROJECT, settings)
}

fn settings(pairs: &[(&str, &str)]) -> Settings {
    let mut all = vec![("TRANSPORT", "http")];
    all.extend_from_slice(pairs);
    Settings::with(&all).unwrap()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(LIMIT).build().unwrap()
}

fn initialize() -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "http-test", "version": "0"}
        }
    })
}

/// POSTs a JSON-RPC message to /mcp; returns the response and the JSON-RPC message in its body
/// (plain JSON or the first SSE `data:` event).
async fn post(
    base: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> (
    reqwest::StatusCode,
    reqwest::header::HeaderMap,
    Option<Value>,
) {
    let mut request = client()
        .post(format!("{base}/mcp"))
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(body.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let text = response.text().await.unwrap();
    let message = serde_json::from_str(&text).ok().or_else(|| {
        text.lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .find_map(|d| serde_json::from_str::<Value>(d.trim()).ok())
    });
    (status, headers, message)
}

/// Initializes a session and calls a tool in it.
async fn call_tool(base: &str, auth: &[(&str, &str)], tool: &str, args: Value) -> Value {
    let (status, headers, reply) = post(base, &initialize().to_string(), auth).await;
    assert_eq!(status, 200, "{reply:?}");
    let session = headers["mcp-session-id"].to_str().unwrap().to_string();
    let mut with_session = auth.to_vec();
    with_session.push(("mcp-session-id", &session));
    with_session.push(("mcp-protocol-version", "2025-11-25"));
    let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    let (status, _, _) = post(base, &initialized.to_string(), &with_session).await;
    assert_eq!(status, 202);
    let call = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": {"name": tool, "arguments": args}});
    let (status, _, reply) = post(base, &call.to_string(), &with_session).await;
    assert_eq!(status, 200);
    reply.expect("a JSON-RPC reply")
}

#[tokio::test]
async fn bearer_tokens_guard_the_endpoint_with_oauth_metadata() {
    let hash = token_sha256("test-token-1");
    let tokens = format!("ci:{hash}:profile:read");
    let app = build(settings(&[
        ("AUTH", "bearer"),
        ("AUTH_TOKENS", &tokens),
        ("TOOL_SCOPES", "whoami=profile:read"),
    ]))
    .unwrap();
    let server = start(app).await;
    let base = &server.base;

    let (status, headers, _) = post(base, &initialize().to_string(), &[]).await;
    assert_eq!(status, 401);
    let challenge = headers["www-authenticate"].to_str().unwrap();
    assert!(
        challenge.starts_with("Bearer resource_metadata=\""),
        "{challenge}"
    );
    assert!(
        challenge.contains("/.well-known/oauth-protected-resource/mcp"),
        "{challenge}"
    );

    let (status, headers, _) = post(
        base,
        &initialize().to_string(),
        &[("authorization", "Bearer forged")],
    )
    .await;
    assert_eq!(status, 401);
    assert!(
        headers["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("error=\"invalid_token\"")
    );

    let reply = call_tool(
        base,
        &[("authorization", "Bearer test-token-1")],
        "whoami",
        json!({}),
    )
    .await;
    assert_eq!(reply["result"]["structuredContent"]["principal"], "ci");

    let metadata: Value = client()
        .get(format!("{base}/.well-known/oauth-protected-resource/mcp"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(metadata["resource"].as_str().unwrap().ends_with("/mcp"));
    assert_eq!(metadata["scopes_supported"], json!(["profile:read"]));
}

#[cfg(feature = "jwt")]
/// An app whose JWKS policy refetches for an unknown key id after `interval` (30 s by default).
fn jwt_app(settings: Settings, interval: Duration) -> App {
    let policy = JwksPolicy {
        unknown_kid_interval: interval,
        ..JwksPolicy::default()
    };
    let auth =
        Authenticator::with_jwks_policy(AuthConfig::from_settings(&settings).unwrap(), policy);
    let vars = platform::config::Vars::read([], platform::testing::PROJECT.settings).unwrap();
    let services = platform::Services::new(settings, vars);
    let catalog = (platform::testing::PROJECT.catalog)(&services).unwrap();
    App::assemble(&platform::testing::PROJECT, services, catalog, auth).unwrap()
}

#[cfg(feature = "jwt")]
/// A JWKS endpoint whose keys the test can rotate.
async fn serve_jwks(keys: Arc<Mutex<Value>>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let router = axum::Router::new().route(
        "/jwks",
        axum::routing::get(move || {
            let keys = keys.lock().unwrap().clone();
            async move { axum::Json(keys) }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}/jwks")
}

#[cfg(feature = "jwt")]
#[tokio::test]
async fn jwts_are_checked_against_a_jwks_that_rotates() {
    let (old, new) = (TestIssuer::new("2026-01"), TestIssuer::new("2026-02"));
    let keys = Arc::new(Mutex::new(serde_json::to_value(old.jwks()).unwrap()));
    let jwks_url = serve_jwks(keys.clone()).await;
    let audience = "https://mcp.example.com/mcp";
    let app = jwt_app(
        settings(&[
            ("AUTH", "jwt"),
            ("AUTH_ISSUER", "https://issuer.example.com/"),
            ("AUTH_AUDIENCE", audience),
            ("AUTH_JWKS_URL", &jwks_url),
            // Algorithms of different families: the token's own is used for verification.
            ("AUTH_ALGORITHMS", "RS256,ES256,EdDSA"),
        ]),
        Duration::from_millis(500),
    );
    let server = start(app).await;
    let claims = |aud: &str| json!({"sub": "user-1", "iss": "https://issuer.example.com/", "aud": aud, "exp": now() + 60});

    // nbf in the future: not valid yet, whatever else is right.
    let early = old.token(
        &json!({"sub": "user-1", "iss": "https://issuer.example.com/",
        "aud": audience, "exp": now() + 600, "nbf": now() + 300}),
    );
    let (status, _, _) = post(
        &server.base,
        &initialize().to_string(),
        &[("authorization", &format!("Bearer {early}"))],
    )
    .await;
    assert_eq!(status, 401, "a token used before its nbf is refused");

    let token = old.token(&claims(audience));
    let bearer = format!("Bearer {token}");
    let reply = call_tool(
        &server.base,
        &[("authorization", &bearer)],
        "whoami",
        json!({}),
    )
    .await;
    assert_eq!(reply["result"]["structuredContent"]["principal"], "user-1");

    let wrong_audience = format!("Bearer {}", old.token(&claims("https://other.example")));
    let (status, _, _) = post(
        &server.base,
        &initialize().to_string(),
        &[("authorization", &wrong_audience)],
    )
    .await;
    assert_eq!(status, 401);

    // The provider rotates its key: a token with the new key id makes the server fetch the
    // keys again (no more often than the policy's interval, 500 ms here).
    *keys.lock().unwrap() = serde_json::to_value(new.jwks()).unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    let rotated = format!("Bearer {}", new.token(&claims(audience)));
    let (status, _, reply) = post(
        &server.base,
        &initialize().to_string(),
        &[("authorization", &rotated)],
    )
    .await;
    assert_eq!(status, 200, "{reply:?}");
}

#[tokio::test]
async fn hosts_origins_sizes_and_malformed_bodies_are_refused() {
    let app = build(settings(&[("HTTP_MAX_BODY_BYTES", "2048")])).unwrap();
    let server = start(app).await;
    let base = &server.base;
    let body = initialize().to_string();

    let (status, _, _) = post(base, &body, &[("host", "evil.example")]).await;
    assert_eq!(status, 403, "a foreign Host is refused (DNS rebinding)");
    let (status, _, _) = post(base, &body, &[("origin", "http://evil.example")]).await;
    assert_eq!(status, 403, "a foreign Origin is refused");

    let padding = "x".repeat(4096);
    let big = json!({"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"pad": padding}});
    let (status, _, _) = post(base, &big.to_string(), &[]).await;
    assert_eq!(status, 413);

    for malformed in [
        "{not json",
        "[]",
        "{\"jsonrpc\":\"2.0\"}",
        "{\"id\":1,\"method\":42}",
    ] {
        let (status, _, reply) = post(base, malformed, &[]).await;
        let refused =
            status.is_client_error() || reply.as_ref().is_some_and(|r| r.get("error").is_some());
        assert!(refused, "{malformed} got {status} {reply:?}");
    }

    let unknown = call_tool(base, &[], "no_such_tool", json!({})).await;
    assert_eq!(
        unknown["error"]["code"],
        ErrorData::invalid_params("", None).code.0
    );

    let health = client()
        .get(format!("{base}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200, "the server still answers");
    #[cfg(feature = "metrics")]
    {
        let metrics = client()
            .get(format!("{base}/metrics"))
            .send()
            .await
            .unwrap();
        let text = metrics.text().await.unwrap();
        assert!(
            text.contains("mcp_requests_total{method=\"tools/call\",tool=\"(unknown)\""),
            "a name the server does not have is not a label: {text}"
        );
        assert!(!text.contains("no_such_tool"), "{text}");
    }
}

#[tokio::test]
async fn an_http_request_takes_one_token_from_its_principals_bucket() {
    // Burst 3, refilling one a second: initialize, the initialized notification and a tool
    // call fit only if the HTTP layer and the stack do not both count the MCP requests.
    let app = build(settings(&[
        ("RATE_LIMIT_PER_SECOND", "1"),
        ("RATE_LIMIT_BURST", "3"),
    ]))
    .unwrap();
    let server = start(app).await;
    let started = Instant::now();
    let reply = call_tool(&server.base, &[], "greet", json!({"name": "Ada"})).await;
    assert!(reply.get("result").is_some(), "{reply}");
    let (status, headers, _) = post(&server.base, &initialize().to_string(), &[]).await;
    if started.elapsed() < Duration::from_millis(900) {
        assert_eq!(
            status, 429,
            "the fourth request in a second is over the burst"
        );
        assert_eq!(headers["retry-after"], "1");
    }
}

/// Holds tool calls for a while, standing in for slow work.
struct Slow;

impl Middleware for Slow {
    fn name(&self) -> &'static str {
        "slow"
    }

    fn handle<'a>(
        &'a self,
        call: &'a mut Call,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Reply, ErrorData>> {
        Box::pin(async move {
            if call.method == "tools/call" {
                tokio::time::sleep(Duration::from_millis(800)).await;
            }
            next.run(call).await
        })
    }
}

#[tokio::test]
async fn shutdown_lets_an_in_flight_call_finish_then_stops() {
    let mut app = build(settings(&[("SHUTDOWN_GRACE_SECONDS", "10")])).unwrap();
    let stack = layers::standard(
        StackParts {
            auth: app.auth.clone(),
            limits: app.limits.clone(),
            metrics: app.metrics.clone(),
            tool_scopes: Arc::default(),
            team: vec![Arc::new(Slow)],
            spans: false,
            transport: app.settings.transport,
            max_initialize_bytes: app.settings.http.limits.max_initialize_bytes,
        },
        app.in_flight.clone(),
    );
    app.server = Platform::new(app.server.inner().clone(), stack);
    let mut server = start(app).await;
    let base = server.base.clone();

    let call = tokio::spawn({
        let base = base.clone();
        async move { call_tool(&base, &[], "greet", json!({"name": "Ada"})).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _ = server.stop.take().unwrap().send(());

    let reply = tokio::time::timeout(LIMIT, call).await.unwrap().unwrap();
    assert_eq!(reply["result"]["isError"], false, "{reply}");
    tokio::time::timeout(LIMIT, server.task)
        .await
        .expect("the server stops")
        .unwrap()
        .unwrap();
    let after = client().get(format!("{base}/healthz")).send().await;
    assert!(after.is_err(), "no new connections after shutdown");
}

#[tokio::test]
async fn the_healthcheck_command_reports_a_live_server_and_a_dead_one() {
    let server = start(build(settings(&[])).unwrap()).await;
    let healthcheck = |url: String| {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_probe"))
            .args(["healthcheck", "--url", &url])
            .env_clear()
            .output()
    };
    let live = healthcheck(server.base.clone()).await.unwrap();
    assert!(live.status.success(), "{live:?}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let dead = healthcheck(dead).await.unwrap();
    assert_eq!(dead.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&dead.stderr).contains("unhealthy"));
}

/// The server binary over HTTP logs one JSON line per request on stderr, with the fields a log
/// pipeline indexes, and nothing on stdout; lines arrive while it runs (batched for at most
/// 50 ms), and stopping it loses none.
#[tokio::test]
async fn every_request_is_one_json_access_line_on_stderr() {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let mut server = tokio::process::Command::new(env!("CARGO_BIN_EXE_probe"))
        .args([
            "serve",
            "--transport",
            "http",
            "--addr",
            &format!("127.0.0.1:{port}"),
        ])
        .env_clear()
        .env(variable("LOG"), "info")
        // Whatever the project's answers: no credentials needed on 127.0.0.1 for this test.
        .env(variable("AUTH"), "none")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let started = tokio::time::Instant::now();
    while client()
        .get(format!("{base}/healthz"))
        .send()
        .await
        .is_err()
    {
        if let Some(status) = server.try_wait().unwrap() {
            panic!("the server exited at start-up: {status}");
        }
        assert!(started.elapsed() < LIMIT, "the server did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let reply = call_tool(
        &base,
        &[("x-request-id", "access-log-test")],
        "greet",
        json!({"name": "Ada \"the\" first\n"}),
    )
    .await;
    assert!(reply["result"].is_object(), "{reply}");
    // The access line arrives while the server runs.
    let mut stderr = tokio::io::BufReader::new(server.stderr.take().unwrap()).lines();
    let mut seen = Vec::new();
    let arrived = tokio::time::timeout(Duration::from_secs(2), async {
        while let Some(line) = stderr.next_line().await.unwrap() {
            let access = line.contains("\"access-log-test\"") && line.contains("tools/call");
            seen.push(line);
            if access {
                assert!(
                    seen.iter().any(|l| l.contains("without authentication")),
                    "serving HTTP without authentication is warned about at start: {seen:?}"
                );
                return;
            }
        }
    })
    .await;
    assert!(arrived.is_ok(), "no access line within 2 s: {seen:?}");
    // A graceful stop: the lines still waiting are written before exit.
    let pid = server.id().unwrap().to_string();
    let term = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(term.success());
    let output = tokio::time::timeout(LIMIT, server.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert!(output.stdout.is_empty(), "stdout carries nothing over HTTP");
    while let Some(line) = stderr.next_line().await.unwrap() {
        seen.push(line);
    }
    assert!(
        seen.iter().any(|l| l.contains("server stopped")),
        "the last line, written at exit: {seen:?}"
    );
    let stderr = seen.join("\n");
    let lines: Vec<Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let access = lines
        .iter()
        .find(|l| l["message"] == "request" && l["method"] == "tools/call")
        .unwrap_or_else(|| panic!("no access line for the call in\n{stderr}"));
    assert_eq!(access["level"], "INFO");
    assert_eq!(access["request_id"], "access-log-test");
    assert_eq!(access["principal"], "anonymous");
    assert_eq!(access["tool"], "greet");
    assert_eq!(access["outcome"], "ok");
    assert!(access["duration_us"].is_u64(), "{access}");
    assert!(
        access["timestamp"].as_str().unwrap().ends_with('Z'),
        "{access}"
    );
}

// --- The HTTP surface: what a slow, idle, greedy or foreign client can hold or reach. ---

/// Reads from `stream` until the server closes it (or sends something); how long that took.
async fn closed_within(stream: &mut tokio::net::TcpStream, limit: Duration) -> Option<Duration> {
    use tokio::io::AsyncReadExt;
    let started = Instant::now();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(
            limit.saturating_sub(started.elapsed()),
            stream.read(&mut buf),
        )
        .await
        {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => continue, // an error response before the close
            Err(_) => return None,
        }
    }
}

#[tokio::test]
async fn headers_sent_a_byte_at_a_time_are_cut_off_at_the_header_timeout() {
    use tokio::io::AsyncWriteExt;
    let app = build(settings(&[("HTTP_HEADER_TIMEOUT_MS", "500")])).unwrap();
    let server = start(app).await;
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let request = b"POST /mcp HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n";
    let sender = async {
        for byte in request {
            if stream.write_all(&[*byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    // 71 bytes at 10 a second would take 7 s; the server closes after 0.5 s.
    let _ = tokio::time::timeout(Duration::from_secs(3), sender).await;
    let closed = closed_within(&mut stream, Duration::from_secs(2)).await;
    assert!(
        closed.is_some(),
        "the slow client still holds its connection"
    );
}

#[tokio::test]
async fn idle_connections_are_closed_and_capped() {
    let app = build(settings(&[
        ("HTTP_MAX_CONNECTIONS", "3"),
        ("HTTP_IDLE_TIMEOUT_SECONDS", "1"),
    ]))
    .unwrap();
    let server = start(app).await;
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut idle = Vec::new();
    let opened = Instant::now();
    for _ in 0..3 {
        idle.push(tokio::net::TcpStream::connect(&addr).await.unwrap());
    }
    // Give the accept loop time to take all three.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut fourth = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let refused = closed_within(&mut fourth, Duration::from_millis(500)).await;
    assert!(
        refused.is_some(),
        "a connection over the cap is closed at once"
    );
    for stream in &mut idle {
        let closed = closed_within(stream, Duration::from_secs(4)).await;
        assert!(closed.is_some(), "an idle connection is closed");
        let after = opened.elapsed();
        assert!(
            after >= Duration::from_millis(900),
            "closed before the idle timeout: {after:?}"
        );
    }
    // Their slots are free again.
    let health = client()
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn a_body_that_never_finishes_gets_408_at_the_request_deadline() {
    use tokio::io::AsyncWriteExt;
    let app = build(settings(&[("HTTP_REQUEST_TIMEOUT_SECONDS", "1")])).unwrap();
    let server = start(app).await;
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = "POST /mcp HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n\
                accept: application/json, text/event-stream\r\ncontent-length: 400\r\n\r\n{\"jsonrpc\"";
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), async {
        use tokio::io::AsyncReadExt;
        let mut buf = [0u8; 512];
        while let Ok(n) = stream.read(&mut buf).await {
            if n == 0 {
                break;
            }
            answer.extend_from_slice(&buf[..n]);
        }
    })
    .await;
    assert!(read.is_ok(), "no answer within 5 s");
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

/// A client whose requests come from `source` (a loopback address other than 127.0.0.1 is
/// another caller).
fn client_from(source: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(LIMIT)
        .local_address(source.parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap()
}

async fn status_of(client: &reqwest::Client, base: &str, headers: &[(&str, &str)]) -> u16 {
    let mut request = client
        .post(format!("{base}/mcp"))
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(initialize().to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn anonymous_callers_get_a_bucket_per_address() {
    let app = build(settings(&[
        ("RATE_LIMIT_PER_SECOND", "1"),
        ("RATE_LIMIT_BURST", "2"),
    ]))
    .unwrap();
    let server = start(app).await;
    let first = client_from("127.0.0.1");
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(status_of(&first, &server.base, &[]).await);
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    let other = client_from("127.0.0.2");
    assert_eq!(
        status_of(&other, &server.base, &[]).await,
        200,
        "another address has a bucket of its own"
    );
}

#[tokio::test]
async fn failed_authentications_are_rate_limited_per_address() {
    let tokens = format!("ci:{}", token_sha256("right"));
    let app = build(settings(&[
        ("AUTH", "bearer"),
        ("AUTH_TOKENS", &tokens),
        ("RATE_LIMIT_PER_SECOND", "1"),
        ("RATE_LIMIT_BURST", "3"),
    ]))
    .unwrap();
    let server = start(app).await;
    let guesser = client_from("127.0.0.1");
    let mut statuses = Vec::new();
    for i in 0..5 {
        let bearer = format!("Bearer guess-{i}");
        statuses.push(status_of(&guesser, &server.base, &[("authorization", &bearer)]).await);
    }
    assert_eq!(statuses[..3], [401, 401, 401], "{statuses:?}");
    assert_eq!(statuses[4], 429, "{statuses:?}");
}

/// Records, for every call, whether the request still carried an `Authorization` header.
struct SeesAuthorization(Arc<Mutex<Vec<bool>>>);

impl Middleware for SeesAuthorization {
    fn name(&self) -> &'static str {
        "sees-authorization"
    }

    fn wraps(&self) -> bool {
        false
    }

    fn before(&self, call: &mut Call) -> Result<(), ErrorData> {
        let seen = call
            .http()
            .is_some_and(|parts| parts.headers.contains_key("authorization"));
        self.0.lock().unwrap().push(seen);
        Ok(())
    }
}

#[tokio::test]
async fn the_token_never_reaches_tools_or_team_middleware() {
    let tokens = format!("ci:{}", token_sha256("secret-token"));
    let mut app = build(settings(&[("AUTH", "bearer"), ("AUTH_TOKENS", &tokens)])).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let stack = layers::standard(
        StackParts {
            auth: app.auth.clone(),
            limits: app.limits.clone(),
            metrics: None,
            tool_scopes: Arc::default(),
            team: vec![Arc::new(SeesAuthorization(seen.clone()))],
            spans: false,
            transport: app.settings.transport,
            max_initialize_bytes: app.settings.http.limits.max_initialize_bytes,
        },
        app.in_flight.clone(),
    );
    app.server = Platform::new(app.server.inner().clone(), stack);
    let server = start(app).await;
    let reply = call_tool(
        &server.base,
        &[("authorization", "Bearer secret-token")],
        "whoami",
        json!({}),
    )
    .await;
    assert_eq!(reply["result"]["structuredContent"]["principal"], "ci");
    let seen = seen.lock().unwrap().clone();
    assert!(!seen.is_empty());
    assert!(seen.iter().all(|s| !s), "{seen:?}");
}

#[tokio::test]
async fn a_missing_scope_is_403_insufficient_scope() {
    let tokens = format!(
        "reader:{}:profile:read,guest:{}",
        token_sha256("reader-token"),
        token_sha256("guest-token")
    );
    let app = build(settings(&[
        ("AUTH", "bearer"),
        ("AUTH_TOKENS", &tokens),
        ("TOOL_SCOPES", "whoami=profile:read"),
    ]))
    .unwrap();
    let server = start(app).await;
    let guest = [("authorization", "Bearer guest-token")];
    let (status, headers, _) = post(&server.base, &initialize().to_string(), &guest).await;
    assert_eq!(status, 200);
    let session = headers["mcp-session-id"].to_str().unwrap().to_string();
    let call = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": {"name": "whoami", "arguments": {}}});
    let (status, headers, body) = post(
        &server.base,
        &call.to_string(),
        &[
            guest[0],
            ("mcp-session-id", &session),
            ("mcp-protocol-version", "2025-11-25"),
        ],
    )
    .await;
    assert_eq!(status, 403, "{body:?}");
    let challenge = headers["www-authenticate"].to_str().unwrap();
    assert!(
        challenge.contains("error=\"insufficient_scope\""),
        "{challenge}"
    );
    assert!(challenge.contains("scope=\"profile:read\""), "{challenge}");
    // The holder of the scope is served.
    let reply = call_tool(
        &server.base,
        &[("authorization", "Bearer reader-token")],
        "whoami",
        json!({}),
    )
    .await;
    assert_eq!(reply["result"]["structuredContent"]["principal"], "reader");
}

#[tokio::test]
async fn sessions_are_capped_and_belong_to_their_principal() {
    let tokens = format!(
        "alice:{},bob:{}",
        token_sha256("alice-token"),
        token_sha256("bob-token")
    );
    let app = build(settings(&[
        ("AUTH", "bearer"),
        ("AUTH_TOKENS", &tokens),
        ("HTTP_MAX_SESSIONS", "3"),
        ("HTTP_MAX_SESSIONS_PER_PRINCIPAL", "2"),
    ]))
    .unwrap();
    let server = start(app).await;
    let (alice, bob) = (
        [("authorization", "Bearer alice-token")],
        [("authorization", "Bearer bob-token")],
    );
    let open = |who: [(&'static str, &'static str); 1]| {
        let base = server.base.clone();
        async move {
            let (status, headers, _) = post(&base, &initialize().to_string(), &who).await;
            let id = headers
                .get("mcp-session-id")
                .map(|v| v.to_str().unwrap().to_string());
            (status.as_u16(), id)
        }
    };
    let (status, first) = open(alice).await;
    assert_eq!(status, 200);
    assert_eq!(open(alice).await.0, 200);
    assert_eq!(
        open(alice).await.0,
        429,
        "alice's third session is over her cap"
    );
    let (status, _) = open(bob).await;
    assert_eq!(status, 200);
    assert_eq!(
        open(bob).await.0,
        503,
        "the fourth session is over the total cap"
    );

    // Bob presenting alice's session id is refused; alice herself is served.
    let first = first.unwrap();
    let ping = json!({"jsonrpc": "2.0", "id": 3, "method": "ping"}).to_string();
    let (status, _, _) = post(
        &server.base,
        &ping,
        &[
            bob[0],
            ("mcp-session-id", &first),
            ("mcp-protocol-version", "2025-11-25"),
        ],
    )
    .await;
    assert_eq!(status, 404);
    let (status, _, reply) = post(
        &server.base,
        &ping,
        &[
            alice[0],
            ("mcp-session-id", &first),
            ("mcp-protocol-version", "2025-11-25"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{reply:?}");
}

#[tokio::test]
async fn oversized_initialize_parameters_are_refused() {
    let app = build(settings(&[("HTTP_MAX_INITIALIZE_BYTES", "4096")])).unwrap();
    let server = start(app).await;
    let mut init = initialize();
    init["params"]["clientInfo"]["name"] = json!("n".repeat(8 * 1024));
    let (_, headers, reply) = post(&server.base, &init.to_string(), &[]).await;
    let reply = reply.expect("a JSON-RPC answer");
    assert_eq!(
        reply["error"]["code"],
        ErrorData::invalid_params("", None).code.0,
        "{reply}"
    );
    assert!(headers.get("mcp-session-id").is_none() || reply.get("result").is_none());
    // A normal client is still served.
    let reply = call_tool(&server.base, &[], "greet", json!({"name": "Ada"})).await;
    assert!(reply["result"].is_object(), "{reply}");
}

#[cfg(feature = "jwt")]
#[tokio::test]
async fn unreachable_identity_provider_keys_are_503_not_401() {
    let closed = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap()
    };
    let app = build(settings(&[
        ("AUTH", "jwt"),
        ("AUTH_ISSUER", "https://issuer.example.com/"),
        ("AUTH_AUDIENCE", "https://mcp.example.com/mcp"),
        ("AUTH_JWKS_URL", &format!("http://{closed}/jwks")),
        ("AUTH_ALGORITHMS", "EdDSA"),
    ]))
    .unwrap();
    let server = start(app).await;
    let issuer = TestIssuer::new("k1");
    let token = issuer.token(&json!({"sub": "u", "iss": "https://issuer.example.com/",
        "aud": "https://mcp.example.com/mcp", "exp": now() + 60}));
    let (status, headers, _) = post(
        &server.base,
        &initialize().to_string(),
        &[("authorization", &format!("Bearer {token}"))],
    )
    .await;
    assert_eq!(status, 503);
    assert!(headers.contains_key("retry-after"));
}

#[cfg(feature = "metrics")]
#[tokio::test]
async fn metrics_move_to_their_own_listener_when_metrics_addr_is_set() {
    let metrics_addr = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap()
    };
    let app = build(settings(&[("METRICS_ADDR", &metrics_addr.to_string())])).unwrap();
    let server = start(app).await;
    let reply = call_tool(&server.base, &[], "greet", json!({"name": "Ada"})).await;
    assert!(reply["result"].is_object(), "{reply}");
    let public = client()
        .get(format!("{}/metrics", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), 404, "not on the public listener");
    let private = client()
        .get(format!("http://{metrics_addr}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(private.status(), 200);
    let text = private.text().await.unwrap();
    assert!(
        text.contains("mcp_requests_total{method=\"tools/call\",tool=\"greet\""),
        "{text}"
    );
}

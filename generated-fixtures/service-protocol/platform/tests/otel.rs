//! OpenTelemetry export end to end (feature `otel`): the real server over stdio sends its
//! request spans to a stand-in OTLP/HTTP collector on 127.0.0.1.
//! Run with `cargo test --features otel --test otel`.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use platform::config::variable;
use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;

const LIMIT: Duration = Duration::from_secs(20);

/// Starts a collector that keeps every body posted to /v1/traces.
async fn collector() -> (String, Arc<Mutex<Vec<Vec<u8>>>>) {
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    let app = axum::Router::new().route(
        "/v1/traces",
        axum::routing::post(move |body: axum::body::Bytes| {
            let store = store.clone();
            async move {
                store.lock().unwrap().push(body.to_vec());
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, received)
}

#[tokio::test]
async fn request_spans_reach_the_collector() {
    let (endpoint, received) = collector().await;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_probe"))
        .arg("serve")
        .env(variable("TRANSPORT"), "stdio")
        .env(variable("AUTH"), "none")
        .env(variable("OTLP_ENDPOINT"), &endpoint)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let (stdout, stdin) = (child.stdout.take().unwrap(), child.stdin.take().unwrap());
    let client = tokio::time::timeout(LIMIT, ().serve((stdout, stdin)))
        .await
        .unwrap()
        .unwrap();
    let arguments = serde_json::json!({"name": "Ada"})
        .as_object()
        .cloned()
        .unwrap();
    let result = client
        .call_tool(CallToolRequestParams::new("greet").with_arguments(arguments))
        .await
        .unwrap();
    assert_eq!(result.is_error, Some(false));
    client.cancel().await.unwrap();
    // At the end of input the server stops and flushes its spans before exiting.
    let status = tokio::time::timeout(LIMIT, child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());

    let bodies = received.lock().unwrap().clone();
    let all: Vec<u8> = bodies.concat();
    let has = |needle: &str| all.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(!bodies.is_empty(), "no OTLP export arrived");
    for needle in [
        "tools/call greet",
        "rpc.method",
        "mcp.request_id",
        "enduser.id",
        "anonymous",
        platform::SERVICE_NAME,
    ] {
        assert!(has(needle), "the exported spans lack `{needle}`");
    }
}

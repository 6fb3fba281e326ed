//! End to end over stdio: the real binary, started the way an MCP client starts it.
//! (The tests beside each tool use the in-memory harness; these check the process itself:
//! framing on stdout, logs kept off it, bad input survived, exit on end of input.)

use std::process::Stdio;
use std::time::Duration;

use platform::config::variable;
use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};
use tokio::time::timeout;

/// Every wait in these tests is bounded, so a hung server fails the test instead of CI.
const LIMIT: Duration = Duration::from_secs(20);

fn spawn_server() -> Child {
    let mut server = Command::new(env!("CARGO_BIN_EXE_probe"));
    server.arg("serve").env(variable("LOG"), "debug");
    // Over stdio the launching client is trusted; keep a jwt/bearer default from needing
    // identity-provider settings here.
    #[cfg(feature = "http")]
    server
        .env(variable("AUTH"), "none")
        .env(variable("TRANSPORT"), "stdio");
    server
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the server binary starts")
}

#[tokio::test]
async fn a_client_initializes_lists_and_calls_a_tool() {
    let mut child = spawn_server();
    let (stdout, stdin) = (child.stdout.take().unwrap(), child.stdin.take().unwrap());
    let client = timeout(LIMIT, ().serve((stdout, stdin)))
        .await
        .expect("initialize answered in time")
        .expect("initialize succeeds");
    let info = client.peer_info().expect("the server answered initialize");
    let server = info.server_info.as_ref().expect("the server names itself");
    assert_eq!(server.name, platform::testing::PROJECT.name);

    let tools = timeout(LIMIT, client.list_all_tools())
        .await
        .unwrap()
        .unwrap();
    assert!(tools.iter().any(|t| t.name == "greet"));
    let arguments = json!({"name": "Ada"}).as_object().cloned().unwrap();
    let result = timeout(
        LIMIT,
        client.call_tool(CallToolRequestParams::new("greet").with_arguments(arguments)),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(result.is_error, Some(false));

    timeout(LIMIT, client.cancel()).await.unwrap().unwrap();
    let status = timeout(LIMIT, child.wait()).await.unwrap().unwrap();
    assert!(status.success(), "the server exits cleanly at end of input");
}

#[tokio::test]
async fn bad_lines_do_not_stop_the_server_and_logs_stay_off_stdout() {
    let mut child = spawn_server();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let initialize = json!({
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "stdio-test", "version": "0"}
        }
    });
    // Not JSON, a JSON-RPC message without a method, an empty batch; then a real request.
    let bad_lines = "this is not json\n{\"jsonrpc\":\"2.0\"}\n[]\n";
    stdin
        .write_all(format!("{bad_lines}{initialize}\n").as_bytes())
        .await
        .unwrap();
    stdin.flush().await.unwrap();

    // Every line on stdout is a JSON-RPC message (debug logs included, none leak here);
    // the initialize request after the bad lines is answered.
    let answered = timeout(LIMIT, async {
        while let Some(line) = lines.next_line().await.unwrap() {
            let message: Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("stdout carried a non-JSON line ({e}): {line}"));
            assert_eq!(message["jsonrpc"], "2.0", "{line}");
            if message["id"] == 1 {
                return message;
            }
        }
        panic!("stdout closed before initialize was answered");
    })
    .await
    .expect("initialize answered in time");
    assert_eq!(
        answered["result"]["serverInfo"]["name"],
        platform::testing::PROJECT.name
    );

    drop(stdin);
    let status = timeout(LIMIT, child.wait()).await.unwrap().unwrap();
    assert!(status.success());
}

/// A setting that cannot be used stops the server before it serves, naming the variable.
const BAD_SETTING: &str = "RATE_LIMIT_BURST";

#[tokio::test]
async fn an_invalid_setting_stops_the_server_and_is_named() {
    let output = Command::new(env!("CARGO_BIN_EXE_probe"))
        .arg("serve")
        .env(variable(BAD_SETTING), "lots")
        .stdin(Stdio::null())
        .output();
    let output = timeout(LIMIT, output).await.unwrap().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(BAD_SETTING), "{stderr}");
    assert!(stderr.contains("not a whole number"), "{stderr}");
    assert!(output.stdout.is_empty(), "stdout stays empty");
}

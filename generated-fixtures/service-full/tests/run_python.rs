// Owned by your team: edit freely.
//! The `run_python` example tool end to end: the real server over stdio, running code in the
//! platform's sandbox (needs `/usr/bin/python3`; skipped without it). The platform's own
//! sandbox tests are in `platform/tests/exec.rs`.
#![cfg(target_os = "linux")]

use std::path::Path;

use platform::config::variable;
use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;

/// `run_python` runs code and the sandbox keeps it from the host's files.
#[tokio::test]
async fn the_run_python_tool_runs_code_in_the_sandbox() {
    if !Path::new("/usr/bin/python3").exists() {
        return;
    }
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_service-full"))
        .arg("serve")
        .env(variable("TRANSPORT"), "stdio")
        .env(variable("AUTH"), "none")
        .env(variable("EXEC_PROGRAMS"), "python3=/usr/bin/python3")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let (stdout, stdin) = (child.stdout.take().unwrap(), child.stdin.take().unwrap());
    let client = ().serve((stdout, stdin)).await.unwrap();
    let call = |code: &str| {
        let arguments = serde_json::json!({ "code": code })
            .as_object()
            .cloned()
            .unwrap();
        client.call_tool(CallToolRequestParams::new("run_python").with_arguments(arguments))
    };
    let result = call("print(6 * 7)").await.unwrap();
    let output = result.structured_content.expect("structured output");
    assert_eq!(output["stdout"], "42\n", "{output}");
    assert_eq!(
        output["outcome"],
        serde_json::json!({"exited": {"code": 0}})
    );
    let result = call("open('/etc/passwd').read()").await.unwrap();
    let output = result.structured_content.expect("structured output");
    assert!(
        output["stderr"]
            .as_str()
            .unwrap()
            .contains("PermissionError"),
        "{output}"
    );
    client.cancel().await.unwrap();
}

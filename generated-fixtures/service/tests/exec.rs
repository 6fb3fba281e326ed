//! Adversarial corpus for `CodeExecutor`, through its public API, with the real server binary
//! as the sandbox helper.
//!
//! Every case runs with tight limits and checks the run ended the way the sandbox promises, in
//! bounded time, without touching the host: no connection reaches a loopback listener, no file
//! appears outside the scratch directory, no process outlives the run, no variable of this
//! process's environment shows up. Each corpus is a table: adding a case is one line.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use service::platform::config::{Settings, variable};
use service::platform::exec::{CodeExecutor, ExecError, Outcome, Output};

const TIMEOUT_MS: u64 = 3000;
const OUTPUT_CAP: usize = 4096;

fn executor() -> CodeExecutor {
    let mut programs = vec!["sh=/bin/sh".to_string(), "echo=/bin/echo".to_string()];
    for (name, path) in [("env", "/usr/bin/env"), ("python3", "/usr/bin/python3")] {
        if Path::new(path).exists() {
            programs.push(format!("{name}={path}"));
        }
    }
    let programs = programs.join(",");
    let timeout = TIMEOUT_MS.to_string();
    let cap = OUTPUT_CAP.to_string();
    let settings = Settings::with(&[
        ("EXEC_PROGRAMS", programs.as_str()),
        ("EXEC_TIMEOUT_MS", timeout.as_str()),
        ("EXEC_CPU_SECONDS", "1"),
        ("EXEC_MEMORY_BYTES", "134217728"),
        ("EXEC_MAX_PROCESSES", "32"),
        ("EXEC_MAX_FILE_BYTES", "65536"),
        ("EXEC_MAX_OUTPUT_BYTES", cap.as_str()),
    ])
    .unwrap();
    CodeExecutor::new(settings.exec, env!("CARGO_BIN_EXE_service").into())
}

async fn run(executor: &CodeExecutor, program: &str, args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let started = Instant::now();
    let output = executor
        .run(program, &args, None)
        .await
        .unwrap_or_else(|e| panic!("{program} {args:?}: {e}"));
    assert!(
        started.elapsed() < Duration::from_millis(TIMEOUT_MS + 2000),
        "{program} {args:?} took {:?}",
        started.elapsed()
    );
    output
}

/// A loopback listener that counts the connections it accepts.
async fn listener() -> (u16, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        while listener.accept().await.is_ok() {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    (port, accepted)
}

/// Processes whose command line carries `marker`.
fn processes_with(marker: &str) -> usize {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| std::fs::read(e.ok()?.path().join("cmdline")).ok())
        .filter(|cmdline| String::from_utf8_lossy(cmdline).contains(marker))
        .count()
}

#[tokio::test]
async fn a_plain_run_works_in_its_scratch_directory() {
    let executor = executor();
    let output = run(
        &executor,
        "sh",
        &["-c", "echo hello; echo note > here.txt; cat here.txt; pwd"],
    )
    .await;
    assert_eq!(output.outcome, Outcome::Exited { code: 0 }, "{output:?}");
    let lines: Vec<&str> = output.stdout.lines().collect();
    assert_eq!(lines[..2], ["hello", "note"]);
    assert!(
        lines[2].contains("-exec-"),
        "runs in a scratch dir: {}",
        lines[2]
    );
    assert!(
        !Path::new(lines[2]).exists(),
        "the scratch dir is removed afterwards"
    );
    assert!(output.missing_isolation.is_empty(), "{output:?}");
}

#[tokio::test]
async fn arguments_are_never_parsed_by_a_shell() {
    let executor = executor();
    let payload = ["hello; touch /tmp/injected", "$(id)", "`id`", "a && b", "*"];
    let output = run(&executor, "echo", &payload).await;
    assert_eq!(output.stdout.trim_end(), payload.join(" "));
    assert!(!Path::new("/tmp/injected").exists());
    match executor
        .run("bash", &["-c".into(), "id".into()], None)
        .await
    {
        Err(ExecError::NotAllowed(program, _)) => assert_eq!(program, "bash"),
        other => panic!("{other:?}"),
    }
}

/// Code that attacks the host. `limit` cases must end by a limit, not by finishing.
const ABUSE_CORPUS: &[(&str, &str, &str)] = &[
    // (name, sh script, expected: "cpu" | "timeout" | "output" | "refused")
    ("infinite loop", "while :; do :; done", "cpu"),
    ("sleep past the deadline", "sleep 30", "timeout"),
    ("cpu burnt in a system call", "read line < /dev/zero", "cpu"),
    (
        "blocked read past the deadline",
        "mkfifo pipe && cat pipe",
        "timeout",
    ),
    (
        "huge output",
        "while :; do echo yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy; done",
        "output",
    ),
    (
        "huge output on stderr",
        "while :; do echo eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee >&2; done",
        "output",
    ),
    (
        "disk filling",
        "while :; do echo xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; done > fill.txt",
        "refused",
    ),
    (
        "read outside the scratch dir",
        "cat /etc/hostname /etc/passwd",
        "refused",
    ),
    (
        "list outside the scratch dir",
        "ls /root /home /etc",
        "refused",
    ),
    (
        "write outside the scratch dir",
        "echo pwned > /tmp/sandbox-escape.txt",
        "refused",
    ),
    (
        "write through the parent",
        "echo pwned > ../sandbox-escape.txt",
        "refused",
    ),
];

#[tokio::test]
async fn the_abuse_corpus_ends_by_a_limit_and_leaves_the_host_alone() {
    let executor = executor();
    for (name, script, expected) in ABUSE_CORPUS {
        let output = run(&executor, "sh", &["-c", script]).await;
        let ok = match *expected {
            "cpu" => matches!(
                output.outcome,
                Outcome::Signaled { .. } | Outcome::Exited { code: 128.. }
            ),
            "timeout" => output.outcome == Outcome::TimedOut,
            "output" => {
                output.outcome == Outcome::OutputLimit
                    && output.stdout.len() <= OUTPUT_CAP
                    && output.stderr.len() <= OUTPUT_CAP
            }
            "refused" => !matches!(output.outcome, Outcome::Exited { code: 0 }),
            other => panic!("unknown expectation {other}"),
        };
        assert!(ok, "{name}: {output:?}");
    }
    assert!(!Path::new("/tmp/sandbox-escape.txt").exists());
    assert!(!std::env::temp_dir().join("sandbox-escape.txt").exists());
}

#[tokio::test]
async fn a_fork_bomb_is_contained_and_nothing_outlives_the_run() {
    let executor = executor();
    let marker = format!("forkbomb-{}", std::process::id());
    let output = run(
        &executor,
        "sh",
        &["-c", "f() { f | f & }; f; sleep 30", &marker],
    )
    .await;
    // The process limit holds it at EXEC_MAX_PROCESSES (the shell reports "Cannot fork"; when
    // the limit starves the main shell it ends at once) or the deadline runs out; either way
    // the whole PID namespace is killed with it.
    assert!(
        output.outcome == Outcome::TimedOut || output.stderr.contains("Cannot fork"),
        "{output:?}"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(processes_with(&marker), 0, "processes outlived the run");
}

#[tokio::test]
async fn the_network_is_unreachable() {
    let executor = executor();
    let (port, accepted) = listener().await;
    if Path::new("/usr/bin/python3").exists() {
        let code = format!(
            "import socket\ns = socket.create_connection(('127.0.0.1', {port}), timeout=2)\nprint('connected')"
        );
        let output = run(&executor, "python3", &["-I", "-S", "-c", &code]).await;
        assert!(!output.stdout.contains("connected"), "{output:?}");
        assert_ne!(output.outcome, Outcome::Exited { code: 0 });
    }
    if Path::new("/usr/bin/curl").exists() {
        let url = format!("http://127.0.0.1:{port}/");
        let script = format!("exec /usr/bin/curl -sS -m 2 {url}");
        let output = run(&executor, "sh", &["-c", &script]).await;
        assert_ne!(output.outcome, Outcome::Exited { code: 0 }, "{output:?}");
    }
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        0,
        "a connection left the sandbox"
    );
}

#[tokio::test]
async fn memory_is_capped() {
    let executor = executor();
    if !Path::new("/usr/bin/python3").exists() {
        return;
    }
    let output = run(
        &executor,
        "python3",
        &[
            "-I",
            "-S",
            "-c",
            "x = bytearray(1 << 30)\nprint('allocated')",
        ],
    )
    .await;
    assert!(!output.stdout.contains("allocated"), "{output:?}");
    assert!(output.stderr.contains("MemoryError"), "{output:?}");
}

#[tokio::test]
async fn the_environment_does_not_leak() {
    let executor = executor();
    if !Path::new("/usr/bin/env").exists() {
        return;
    }
    let output = run(&executor, "env", &[]).await;
    let mut names: Vec<&str> = output
        .stdout
        .lines()
        .filter_map(|l| l.split_once('=').map(|(k, _)| k))
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["LANG", "PATH"], "{output:?}");
    assert!(
        std::env::var("CARGO_MANIFEST_DIR").is_ok(),
        "this process has more"
    );
}

/// The `run_python` tool end to end: the real server over stdio, its own binary as the helper.
#[tokio::test]
async fn the_run_python_tool_runs_code_in_the_sandbox() {
    if !Path::new("/usr/bin/python3").exists() {
        return;
    }
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_service"))
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

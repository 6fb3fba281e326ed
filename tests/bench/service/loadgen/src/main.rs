//! Load for the service benchmark. Every run is bounded in time.
//!
//! - `loadgen http URL CLIENTS SECONDS [TOKEN]`: CLIENTS sessions, each calling `greet` back to
//!   back over Streamable HTTP (one connection each) for SECONDS after a 1 s warm-up; prints
//!   calls/s and latency percentiles as JSON.
//! - `loadgen stdio SECONDS CONCURRENCY -- CMD ARGS…`: spawns the server, calls `greet` with
//!   CONCURRENCY calls in flight for SECONDS; prints calls/s and the server's peak RSS.
//! - `loadgen coldstart RUNS -- CMD ARGS…`: spawns the server RUNS times and measures spawn →
//!   initialize answered; prints the median and the minimum.
//!
//! The call is `greet` with `{"name": "Ada"}`, answered with "Hello, Ada."; `--tool NAME
//! --arguments JSON --expect TEXT` (before the subcommand) call another tool, as
//! tests/bench/build.sh does with the `echo` that `mcpforge add` generates.

use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use serde_json::{Value, json};

/// The tool called, its arguments, and a piece of text a successful answer contains.
struct Call {
    tool: String,
    arguments: serde_json::Map<String, Value>,
    expect: String,
}

static CALL: OnceLock<Call> = OnceLock::new();

fn call() -> &'static Call {
    CALL.get().expect("set in main")
}

#[tokio::main]
async fn main() {
    let mut args: Vec<String> = std::env::args().collect();
    let mut option = |name: &str, default: &str| match args.iter().position(|a| a == name) {
        Some(i) if i + 1 < args.len() => {
            let value = args.remove(i + 1);
            args.remove(i);
            value
        }
        _ => default.to_string(),
    };
    let tool = option("--tool", "greet");
    let arguments = option("--arguments", r#"{"name": "Ada"}"#);
    let expect = option("--expect", "Hello, Ada.");
    let arguments = match serde_json::from_str(&arguments) {
        Ok(Value::Object(map)) => map,
        _ => panic!("--arguments takes a JSON object"),
    };
    let _ = CALL.set(Call {
        tool,
        arguments,
        expect,
    });
    let command = args
        .iter()
        .position(|a| a == "--")
        .map(|i| args[i + 1..].to_vec());
    let result = match args.get(1).map(String::as_str) {
        Some("http") => {
            http(
                &args[2],
                args[3].parse().unwrap(),
                args[4].parse().unwrap(),
                args.get(5),
            )
            .await
        }
        Some("stdio") => {
            stdio(
                args[2].parse().unwrap(),
                args[3].parse().unwrap(),
                &command.expect("-- CMD"),
            )
            .await
        }
        Some("coldstart") => coldstart(args[2].parse().unwrap(), &command.expect("-- CMD")).await,
        _ => {
            eprintln!(
                "usage: loadgen http URL CLIENTS SECONDS [TOKEN] | stdio SECONDS CONCURRENCY -- CMD | coldstart RUNS -- CMD"
            );
            std::process::exit(2);
        }
    };
    println!("{result}");
}

fn tool_call(id: u64) -> String {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
        "params": {"name": call().tool, "arguments": call().arguments}})
    .to_string()
}

/// One HTTP session: initialize, initialized, then calls until `stop`.
async fn session(
    url: String,
    token: Option<String>,
    warmup_end: Instant,
    stop: Arc<AtomicBool>,
) -> (Vec<u32>, u64) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .build()
        .unwrap();
    let post = |body: String, session: Option<&str>| {
        let mut request = client
            .post(&url)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2025-11-25")
            .body(body);
        if let Some(token) = &token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        if let Some(id) = session {
            request = request.header("mcp-session-id", id);
        }
        request.send()
    };
    let init = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "loadgen", "version": "0"}}});
    let response = post(init.to_string(), None).await.expect("initialize");
    let id = response.headers()["mcp-session-id"]
        .to_str()
        .unwrap()
        .to_string();
    response.bytes().await.unwrap();
    let note = json!({"jsonrpc": "2.0", "method": "notifications/initialized"}).to_string();
    post(note, Some(&id)).await.unwrap().bytes().await.unwrap();

    let (mut latencies, mut errors, mut n) = (Vec::new(), 0u64, 1u64);
    while !stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        let body = post(tool_call(n), Some(&id))
            .await
            .expect("the server answers")
            .bytes()
            .await
            .expect("the body arrives");
        let elapsed = started.elapsed();
        n += 1;
        let expect = call().expect.as_bytes();
        if !body.windows(expect.len()).any(|w| w == expect) {
            errors += 1;
        }
        if started >= warmup_end {
            latencies.push(u32::try_from(elapsed.as_micros()).unwrap_or(u32::MAX));
        }
    }
    (latencies, errors)
}

async fn http(url: &str, clients: usize, seconds: u64, token: Option<&String>) -> Value {
    let stop = Arc::new(AtomicBool::new(false));
    let warmup_end = Instant::now() + Duration::from_secs(1);
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            tokio::spawn(session(
                url.to_string(),
                token.cloned(),
                warmup_end,
                stop.clone(),
            ))
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(1 + seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let (mut all, mut errors) = (Vec::new(), 0);
    for task in tasks {
        let (latencies, e) = tokio::time::timeout(Duration::from_secs(30), task)
            .await
            .unwrap()
            .unwrap();
        all.extend(latencies);
        errors += e;
    }
    all.sort_unstable();
    let pct = |p: f64| {
        all.get(((all.len() as f64 - 1.0) * p) as usize)
            .map_or(0.0, |us| *us as f64 / 1000.0)
    };
    json!({
        "clients": clients,
        "calls": all.len(),
        "errors": errors,
        "calls_per_second": (all.len() as f64 / seconds as f64).round(),
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
    })
}

fn spawn(command: &[String]) -> tokio::process::Child {
    tokio::process::Command::new(&command[0])
        .args(&command[1..])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the server starts")
}

fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_string)
        })
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

async fn stdio(seconds: u64, concurrency: usize, command: &[String]) -> Value {
    let mut child = spawn(command);
    let pid = child.id().unwrap();
    let io = (child.stdout.take().unwrap(), child.stdin.take().unwrap());
    let client = Arc::new(().serve(io).await.expect("initialize"));
    let stop = Arc::new(AtomicBool::new(false));
    let warmup_end = Instant::now() + Duration::from_secs(1);
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, stop) = (client.clone(), stop.clone());
            tokio::spawn(async move {
                let mut calls = 0u64;
                let (tool, args) = (call().tool.as_str(), &call().arguments);
                while !stop.load(Ordering::Relaxed) {
                    let params =
                        CallToolRequestParams::new(tool.to_string()).with_arguments(args.clone());
                    client.call_tool(params).await.expect("the tool answers");
                    if Instant::now() >= warmup_end {
                        calls += 1;
                    }
                }
                calls
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(1 + seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut calls = 0;
    for task in tasks {
        calls += tokio::time::timeout(Duration::from_secs(30), task)
            .await
            .unwrap()
            .unwrap();
    }
    let rss = peak_rss_kib(pid);
    json!({"concurrency": concurrency, "calls": calls, "calls_per_second": (calls as f64 / seconds as f64).round(), "peak_rss_kib": rss})
}

async fn coldstart(runs: usize, command: &[String]) -> Value {
    let mut times = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let mut child = spawn(command);
        let io = (child.stdout.take().unwrap(), child.stdin.take().unwrap());
        let client = tokio::time::timeout(Duration::from_secs(20), ().serve(io))
            .await
            .expect("initialize in time")
            .expect("initialize");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        drop(client);
        let _ = child.kill().await;
    }
    times.sort_by(f64::total_cmp);
    json!({"runs": runs, "median_ms": times[times.len() / 2], "min_ms": times[0]})
}

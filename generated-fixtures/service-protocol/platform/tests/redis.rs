//! Rate limits shared through a real Redis by two instances of the real server binary.
//!
//! Needs `redis-server` on `PATH` (Debian: `apt-get install redis-server`), so it is ignored by a
//! plain `cargo test`; run it with `cargo test --test redis -- --ignored` (CI does). The test
//! starts its own Redis on a free loopback port, two servers sharing it (one failing open, one
//! failing closed), and checks: the pair admits no more than burst plus rate × time in total;
//! the limit recovers; with Redis stopped each server does what it was configured to do, keeps
//! answering, and counts the failures; once Redis is back the shared limit holds again.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use platform::config::variable;

const RATE: u32 = 5;
const BURST: u32 = 10;
/// Every wait is bounded, so a hung server fails the test instead of CI.
const LIMIT: Duration = Duration::from_secs(20);

/// A child process killed when dropped, so a failed assertion leaves nothing running.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_redis(port: u16) -> Process {
    let child = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .spawn()
        .expect("redis-server on PATH (apt-get install redis-server)");
    let redis = Process(child);
    let client = redis::Client::open(format!("redis://127.0.0.1:{port}/")).unwrap();
    let deadline = Instant::now() + LIMIT;
    loop {
        if let Ok(mut connection) = client.get_multiplexed_async_connection().await
            && redis::cmd("PING")
                .query_async::<String>(&mut connection)
                .await
                .is_ok()
        {
            return redis;
        }
        assert!(Instant::now() < deadline, "redis-server did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

struct Server {
    base: String,
    process: Process,
}

async fn start_server(redis_port: u16, failure: &str) -> Server {
    let port = free_port();
    let settings = [
        ("TRANSPORT", "http".to_string()),
        ("HTTP_ADDR", format!("127.0.0.1:{port}")),
        ("LOG", "error".to_string()),
        // Stateless JSON mode: what replicas behind a load balancer run.
        ("HTTP_STATELESS", "true".to_string()),
        // One anonymous caller on loopback, whatever the project's default AUTH.
        ("AUTH", "none".to_string()),
        ("RATE_LIMIT_BACKEND", "redis".to_string()),
        ("REDIS_URL", format!("redis://127.0.0.1:{redis_port}/")),
        ("REDIS_TIMEOUT_MS", "200".to_string()),
        ("RATE_LIMIT_REDIS_FAILURE", failure.to_string()),
        ("RATE_LIMIT_PER_SECOND", RATE.to_string()),
        ("RATE_LIMIT_BURST", BURST.to_string()),
    ];
    let child = Command::new(env!("CARGO_BIN_EXE_probe"))
        .arg("serve")
        .env_clear()
        .envs(settings.iter().map(|(key, value)| (variable(key), value)))
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut server = Server {
        base: format!("http://127.0.0.1:{port}"),
        process: Process(child),
    };
    let deadline = Instant::now() + LIMIT;
    while client()
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .is_err()
    {
        if let Some(status) = server.process.0.try_wait().unwrap() {
            panic!("the server exited at startup ({status}); its error is above");
        }
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(LIMIT)
        .no_proxy()
        .build()
        .unwrap()
}

/// One JSON-RPC ping; the HTTP status (200 admitted, 429 refused) and `Retry-After`.
async fn ping(base: &str) -> (u16, Option<String>) {
    let response = client()
        .post(format!("{base}/mcp"))
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#)
        .send()
        .await
        .unwrap();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    (response.status().as_u16(), retry)
}

/// `count` concurrent pings spread over both servers; how many each admitted.
async fn burst(servers: &[&Server], count: usize) -> Vec<u32> {
    let calls = (0..count).map(|i| ping(&servers[i % servers.len()].base));
    let results = futures::future::join_all(calls).await;
    let mut admitted = vec![0; servers.len()];
    for (i, (status, _)) in results.into_iter().enumerate() {
        match status {
            200 => admitted[i % servers.len()] += 1,
            429 => {}
            other => panic!("unexpected HTTP {other}"),
        }
    }
    admitted
}

/// The most a bucket can admit in `elapsed` from full: the burst plus what refills meanwhile.
fn ceiling(elapsed: Duration) -> u32 {
    BURST + (f64::from(RATE) * elapsed.as_secs_f64()).ceil() as u32
}

#[tokio::test]
#[ignore = "needs redis-server on PATH; run with --ignored"]
async fn two_servers_share_one_limit_through_redis_and_survive_its_loss() {
    let redis_port = free_port();
    let redis = start_redis(redis_port).await;
    let open = start_server(redis_port, "open").await;
    let closed = start_server(redis_port, "closed").await;

    // 1. Concurrent calls through both servers draw on one bucket (one anonymous caller,
    // 127.0.0.1): in memory each would admit its own burst, twice the total.
    let started = Instant::now();
    let admitted = burst(&[&open, &closed], 60).await;
    let total: u32 = admitted.iter().sum();
    assert!(
        total >= BURST && total <= ceiling(started.elapsed()),
        "admitted {admitted:?} in {:?}",
        started.elapsed()
    );
    let (status, retry_after) = ping(&closed.base).await;
    assert_eq!(status, 429);
    assert!(retry_after.is_some(), "429 carries Retry-After");

    // 2. The bucket refills at RATE per second.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let started = Instant::now();
    let admitted: u32 = burst(&[&open, &closed], 20).await.iter().sum();
    let refilled = (f64::from(RATE) * 1.2) as u32;
    assert!(
        admitted >= refilled - 1 && admitted <= refilled + 1 + ceiling(started.elapsed()) - BURST,
        "admitted {admitted} after 1.2 s"
    );

    // 3. Redis stops: the open server admits, the closed one refuses with a one-second retry;
    // both answer promptly and keep serving health checks.
    drop(redis);
    for _ in 0..3 {
        let started = Instant::now();
        assert_eq!(ping(&open.base).await.0, 200, "fail open admits");
        let (status, retry_after) = ping(&closed.base).await;
        assert_eq!(
            (status, retry_after.as_deref()),
            (429, Some("1")),
            "fail closed refuses"
        );
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }
    for server in [&open, &closed] {
        let health = client()
            .get(format!("{}/healthz", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(health.status(), 200);
        let metrics = client()
            .get(format!("{}/metrics", server.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let errors = metrics
            .lines()
            .find(|l| l.starts_with("mcp_rate_limit_backend_errors_total{scope=\"principal\"}"))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0);
        assert!(errors >= 3, "backend errors counted: {metrics}");
    }

    // 4. Redis comes back (empty): the servers reconnect and the shared limit holds again.
    let _redis = start_redis(redis_port).await;
    let deadline = Instant::now() + LIMIT;
    while ping(&closed.base).await.0 != 200 {
        assert!(Instant::now() < deadline, "never reconnected to Redis");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let started = Instant::now();
    let total: u32 = burst(&[&open, &closed], 60).await.iter().sum();
    assert!(
        total <= ceiling(started.elapsed()),
        "admitted {total} after Redis came back"
    );
}

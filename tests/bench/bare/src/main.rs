//! `bare stdio` serves MCP on stdin/stdout (`stdio_pipes()`, as rmcp recommends for speed);
//! `bare http [ADDR]` serves Streamable HTTP at /mcp (default 127.0.0.1:8090), with TCP_NODELAY
//! on accepted sockets as the generated servers set it.

mod echo;

use std::sync::Arc;

use axum::serve::ListenerExt;
use rmcp::ServiceExt;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};

use crate::echo::Bare;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter("info,rmcp=warn")
        .with_writer(std::io::stderr)
        .init();
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("stdio") => {
            let running = Bare::new().serve(rmcp::transport::stdio_pipes()).await?;
            running.waiting().await?;
        }
        Some("http") => {
            let addr = args.get(2).map_or("127.0.0.1:8090", String::as_str);
            let service = StreamableHttpService::new(
                || Ok(Bare::new()),
                Arc::new(LocalSessionManager::default()),
                StreamableHttpServerConfig::default(),
            );
            let router = axum::Router::new().nest_service("/mcp", service);
            let listener = tokio::net::TcpListener::bind(addr).await?.tap_io(|tcp| {
                let _ = tcp.set_nodelay(true);
            });
            axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await?;
        }
        _ => eprintln!("usage: bare stdio | bare http [ADDR]"),
    }
    Ok(())
}

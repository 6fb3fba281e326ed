//! The baseline: an rmcp server written the way rmcp's examples are, serving the same `greet`
//! tool as the generated service, with TCP_NODELAY set like the generated server.
//!
//! `bare stdio` serves stdin/stdout; `bare http ADDR` serves Streamable HTTP at /mcp.

use std::sync::Arc;

use axum::serve::ListenerExt;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{Implementation, ServerCapabilities, ServerConfig};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ServerHandler, ServiceExt, schemars, tool, tool_handler, tool_router};
use serde::Deserialize;

#[derive(Debug, Deserialize, schemars::JsonSchema)]
struct GreetParams {
    /// Who to greet.
    name: String,
    /// End with an exclamation mark.
    #[serde(default)]
    excited: bool,
}

#[derive(Clone)]
struct Bare {
    tool_router: ToolRouter<Self>,
}

#[tool_router]
impl Bare {
    fn new() -> Self {
        Self {
            tool_router: Self::tool_router(),
        }
    }

    /// Greet someone by name.
    #[tool]
    async fn greet(&self, Parameters(params): Parameters<GreetParams>) -> Result<String, String> {
        let name = params.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err("`name` must be 1 to 100 characters, not blank".into());
        }
        let end = if params.excited { '!' } else { '.' };
        Ok(format!("Hello, {name}{end}"))
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Bare {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("bare", "0.0.0"))
    }
}

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
        _ => eprintln!("usage: bare stdio | bare http ADDR"),
    }
    Ok(())
}

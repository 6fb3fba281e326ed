//! The `echo` tool, with the parameters, annotations and body that `mcpforge add tool echo
//! --param text:string` generates, so the tool's own work is the same in every project measured.

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{Implementation, ServerCapabilities, ServerConfig};
use rmcp::{ServerHandler, schemars, tool, tool_handler, tool_router};
use serde::Deserialize;

/// Parameters of `echo`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct EchoParams {
    /// The `text` parameter.
    pub text: String,
}

#[derive(Clone)]
pub struct Bare {
    tool_router: ToolRouter<Self>,
}

#[tool_router]
impl Bare {
    pub fn new() -> Self {
        Self {
            tool_router: Self::tool_router(),
        }
    }

    /// Describe what `echo` does, when to use it, and what it returns.
    #[tool(annotations(
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = false,
        open_world_hint = false
    ))]
    async fn echo(&self, Parameters(params): Parameters<EchoParams>) -> Result<String, String> {
        let received = serde_json::json!({
            "text": params.text,
        });
        Ok(format!("echo received {received}"))
    }
}

// The stored router, as rmcp's structured_output example does and the generated servers do: a
// bare `#[tool_handler]` calls `Self::tool_router()` and so rebuilds the router on every call.
#[tool_handler(router = self.tool_router)]
impl ServerHandler for Bare {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("bare", env!("CARGO_PKG_VERSION")))
    }
}

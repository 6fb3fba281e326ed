//! The MCP server: its identity, its tools, and the state tools share.
//!
//! Every tool call passes through [`crate::platform::errors::guard`], so a failing or panicking
//! tool becomes a clean error result. Shared resources (clients, pools) belong in [`State`],
//! built once in [`Server::new`] and reached by tools as `self.state()`.

use std::sync::Arc;

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::ToolCallContext;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, Implementation, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, tool_handler};

use crate::platform::config::Settings;
use crate::platform::errors;

/// What tools share: built once at startup.
#[derive(Debug)]
pub struct State {
    pub settings: Settings,
}

/// The server. Cloning is cheap: state is shared.
#[derive(Clone)]
pub struct Server {
    tools: ToolRouter<Self>,
    state: Arc<State>,
}

impl Server {
    /// A server with every tool in the registry (`src/tools/mod.rs`).
    pub fn new(settings: Settings) -> Self {
        Self::with_tools(settings, crate::tools::router())
    }

    /// A server with the given tools (tests use this to add test-only tools).
    pub fn with_tools(settings: Settings, tools: ToolRouter<Self>) -> Self {
        Self {
            tools,
            state: Arc::new(State { settings }),
        }
    }

    /// The shared state.
    pub fn state(&self) -> &State {
        &self.state
    }
}

#[tool_handler(router = self.tools)]
impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(
                env!("CARGO_PKG_NAME"),
                env!("CARGO_PKG_VERSION"),
            ))
            .with_instructions(env!("CARGO_PKG_DESCRIPTION"))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.clone();
        let call = self
            .tools
            .call(ToolCallContext::new(self, request, context));
        errors::guard(&name, call).await
    }
}

//! `mcpforge mcp`: mcpforge as an MCP server, so coding agents scaffold, extend, lint and upgrade
//! projects with typed inputs and structured results.
//!
//! Guarantees: every tool calls the same operation as its CLI command (`commands::new::create`,
//! `commands::add::plan`/`apply`, `commands::lint::check`/`explain`,
//! `commands::upgrade::plan`/`apply`); a failure is a tool result with `isError` whose text is
//! the CLI's message and `help:` line, never a protocol error; and every path is confined to
//! the roots ([`roots`]) before anything is read or written. This module owns the MCP surface
//! (tools, resources, the prompt) and nothing else.

pub mod resources;
pub mod roots;
mod tools;

use std::sync::Arc;
use std::time::Duration;

use rmcp::handler::server::prompt::PromptContext;
use rmcp::handler::server::router::prompt::PromptRouter;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::model::{
    GetPromptRequestParams, GetPromptResponse, Implementation, ListPromptsResult,
    ListResourceTemplatesResult, ListResourcesResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, Peer, RoleServer, ServerHandler, ServiceExt, tool_handler};

use crate::error::CliError;
pub use roots::Roots;

/// What the server was started with.
#[derive(Debug, Clone)]
pub struct Scope {
    /// `--root` directories, or the current directory when none was given.
    pub roots: Roots,
    /// Whether the roots were given with `--root` (then they bound the client's roots too).
    pub explicit: bool,
}

/// The server. Cloning is cheap.
#[derive(Clone)]
pub struct McpServer {
    tools: ToolRouter<Self>,
    prompts: PromptRouter<Self>,
    scope: Arc<Scope>,
}

const INSTRUCTIONS: &str = "mcpforge generates Rust MCP server projects on rmcp and keeps them \
healthy. Typical flow: list_templates, new_project, add_item (tool, resource or prompt), lint until \
clean, and later upgrade_plan then upgrade_apply. Paths are confined to the client's roots (or the \
server's --root directories); relative paths start at the first root. Rule documentation is at \
mcpforge://rules/<CODE>; the add_tool_with_test prompt walks through adding a tested tool.";

impl McpServer {
    pub fn new(scope: Scope) -> Self {
        Self {
            tools: tools::router(),
            prompts: Self::prompt_router(),
            scope: Arc::new(scope),
        }
    }

    /// The roots for one request: the client's `roots/list` when it declares roots (narrowed to
    /// `--root` when that was given), otherwise the server's. Roots are deprecated in the
    /// 2026 protocol (SEP-2577) but are what today's clients send.
    #[allow(deprecated)]
    pub async fn roots(&self, peer: &Peer<RoleServer>) -> Roots {
        let declares = peer
            .peer_info()
            .is_some_and(|info| info.capabilities.roots.is_some());
        if !declares {
            return self.scope.roots.clone();
        }
        let listed = tokio::time::timeout(Duration::from_secs(10), peer.list_roots()).await;
        let Ok(Ok(listed)) = listed else {
            return self.scope.roots.clone();
        };
        let dirs: Vec<_> = listed
            .roots
            .iter()
            .filter_map(|root| roots::file_uri_path(&root.uri))
            .filter_map(|path| std::fs::canonicalize(path).ok())
            .filter(|path| path.is_dir())
            .collect();
        if self.scope.explicit {
            self.scope.roots.narrowed_to(&dirs)
        } else {
            Roots::from_client(dirs)
        }
    }
}

/// The text of a tool error: the message, its causes, and the `help:` line, as the CLI prints
/// them (without colour).
pub fn error_text(err: &anyhow::Error) -> String {
    let mut text = err.to_string();
    for cause in err.chain().skip(1) {
        text.push_str(&format!("\n  caused by: {cause}"));
    }
    if let Some(help) = err
        .chain()
        .find_map(|e| e.downcast_ref::<CliError>())
        .and_then(|c| c.help.as_deref())
    {
        text.push_str(&format!("\nhelp: {help}"));
    }
    text
}

#[tool_handler(router = self.tools)]
impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        let capabilities = ServerCapabilities::builder()
            .enable_tools()
            .enable_resources()
            .enable_prompts()
            .build();
        ServerConfig::new(capabilities)
            .with_server_info(
                Implementation::new(env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"))
                    .with_title("mcpforge"),
            )
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        Ok(ListResourcesResult::with_all_items(resources::list()))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Ok(ListResourceTemplatesResult::with_all_items(
            resources::templates(),
        ))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let roots = self.roots(&context.peer).await;
        Ok(resources::read(&request.uri, &roots)?.into())
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        Ok(ListPromptsResult::with_all_items(self.prompts.list_all()))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        let prompt = PromptContext::new(self, request.name, request.arguments, context);
        self.prompts.get_prompt(prompt).await
    }
}

/// Serves MCP on stdin/stdout until the client disconnects.
pub fn serve_stdio(scope: Scope) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let running = McpServer::new(scope)
            .serve(rmcp::transport::stdio_pipes())
            .await
            .map_err(|e| anyhow::anyhow!("the MCP handshake on stdin/stdout failed: {e}"))?;
        running.waiting().await?;
        Ok(())
    })
}

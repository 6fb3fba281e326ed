//! How a team's server plugs into the platform: the team builds a [`Catalog`] (its tools,
//! resources, prompts and middleware, over its own server type); the platform serves it.
//!
//! Guarantees: the catalog is type-erased here, so the handler that forwards every MCP method,
//! the middleware stack, the transports and error masking are compiled once, in this crate; the
//! team crate instantiates only the few forwarding functions of [`Catalog::new`] for its server
//! type. Every tool call, resource read and prompt request passes through error masking
//! ([`errors`]) here, out of reach of team edits: a failing or panicking item becomes a clean
//! error.

use std::sync::Arc;

use futures::FutureExt;
use futures::future::BoxFuture;
use rmcp::handler::server::prompt::PromptContext;
use rmcp::handler::server::router::prompt::PromptRouter;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::ToolCallContext;
#[allow(deprecated)] // logging/setLevel is deprecated by SEP-2577 but still part of 2025-11-25
use rmcp::model::SetLevelRequestParams;
use rmcp::model::{
    CacheScope, CallToolRequestParams, CallToolResponse, GetPromptRequestParams, GetPromptResponse,
    Implementation, ListPromptsResult, ListResourceTemplatesResult, ListResourcesResult,
    ListToolsResult, PaginatedRequestParams, ProtocolVersion, ReadResourceRequestParams,
    ReadResourceResponse, ResultType, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};

use crate::config::{ConfigError, Setting};
use crate::errors;
use crate::middleware::Middleware;
use crate::resources::ResourceRouter;
use crate::services::Services;

/// What a server binary tells the platform about itself (see the team crate's `lib.rs`).
#[derive(Clone, Copy)]
pub struct Project {
    /// The package name (`env!("CARGO_PKG_NAME")`): the server's name in `initialize`.
    pub name: &'static str,
    /// The package version.
    pub version: &'static str,
    /// One line for clients: the server's instructions.
    pub description: &'static str,
    /// The team's own settings, read from the same sources as the platform's.
    pub settings: &'static [Setting],
    /// Builds the team's catalog once at startup (after the settings validated).
    pub catalog: fn(&Services) -> Result<Catalog, ConfigError>,
}

impl std::fmt::Debug for Project {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Project")
            .field("name", &self.name)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

/// The team's items and middleware, ready to serve. Cloning is cheap.
#[derive(Clone)]
pub struct Catalog {
    items: Arc<dyn Items>,
    middleware: Vec<Arc<dyn Middleware>>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog")
            .field("tools", &self.tool_names())
            .finish_non_exhaustive()
    }
}

impl Catalog {
    /// The catalog of `server`: its tool, prompt and resource routers (rmcp's `#[tool_router]`
    /// and `#[prompt_router]` need the team's own server type).
    pub fn new<S>(
        server: S,
        tools: ToolRouter<S>,
        prompts: PromptRouter<S>,
        resources: ResourceRouter<S>,
    ) -> Self
    where
        S: Clone + Send + Sync + 'static,
    {
        Self {
            items: Arc::new(Bound {
                server,
                tools,
                prompts,
                resources,
            }),
            middleware: Vec::new(),
        }
    }

    /// Adds the team's middleware, run after authentication and rate limiting and inside error
    /// masking, in the order given.
    pub fn with_middleware(mut self, middleware: Vec<Arc<dyn Middleware>>) -> Self {
        self.middleware.extend(middleware);
        self
    }

    /// The names of the server's tools.
    pub fn tool_names(&self) -> Vec<String> {
        self.items
            .tools()
            .into_iter()
            .map(|tool| tool.name.into_owned())
            .collect()
    }

    pub(crate) fn middleware(&self) -> &[Arc<dyn Middleware>] {
        &self.middleware
    }
}

/// The erased view of a team's routers: one implementation per server type, a few small
/// forwarding functions each.
trait Items: Send + Sync + 'static {
    fn tools(&self) -> Vec<Tool>;
    fn tool(&self, name: &str) -> Option<Tool>;
    fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> BoxFuture<'_, Result<CallToolResponse, ErrorData>>;
    fn prompts(&self) -> ListPromptsResult;
    fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> BoxFuture<'_, Result<GetPromptResponse, ErrorData>>;
    fn resources(&self) -> &dyn ResourceList;
    fn read_resource(&self, uri: String) -> BoxFuture<'_, Result<ReadResourceResponse, ErrorData>>;
}

/// The listing half of a resource router, which does not depend on the server type.
pub(crate) trait ResourceList: Send + Sync {
    fn list(&self) -> ListResourcesResult;
    fn templates(&self) -> ListResourceTemplatesResult;
}

struct Bound<S: 'static> {
    server: S,
    tools: ToolRouter<S>,
    prompts: PromptRouter<S>,
    resources: ResourceRouter<S>,
}

impl<S: Clone + Send + Sync + 'static> Items for Bound<S> {
    fn tools(&self) -> Vec<Tool> {
        self.tools.list_all()
    }

    fn tool(&self, name: &str) -> Option<Tool> {
        self.tools.get(name).cloned()
    }

    fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> BoxFuture<'_, Result<CallToolResponse, ErrorData>> {
        self.tools
            .call(ToolCallContext::new(&self.server, request, context))
            .boxed()
    }

    fn prompts(&self) -> ListPromptsResult {
        ListPromptsResult::with_all_items(self.prompts.list_all())
    }

    fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> BoxFuture<'_, Result<GetPromptResponse, ErrorData>> {
        let prompt = PromptContext::new(&self.server, request.name, request.arguments, context);
        self.prompts.get_prompt(prompt).boxed()
    }

    fn resources(&self) -> &dyn ResourceList {
        &self.resources
    }

    fn read_resource(&self, uri: String) -> BoxFuture<'_, Result<ReadResourceResponse, ErrorData>> {
        async move { Ok(self.resources.read(&self.server, &uri).await?.into()) }.boxed()
    }
}

/// The `ServerHandler` around a catalog: the server's identity and capabilities, and error
/// masking around every item.
#[derive(Clone)]
pub struct Handler {
    items: Arc<dyn Items>,
    identity: Arc<Implementation>,
    instructions: &'static str,
}

impl Handler {
    pub(crate) fn new(project: &Project, catalog: &Catalog) -> Self {
        Self {
            items: catalog.items.clone(),
            identity: Arc::new(Implementation::new(project.name, project.version)),
            instructions: project.description,
        }
    }
}

impl ServerHandler for Handler {
    fn get_info(&self) -> ServerConfig {
        #[allow(deprecated)] // logging is deprecated by SEP-2577 but still part of 2025-11-25
        let capabilities = ServerCapabilities::builder()
            .enable_tools()
            .enable_resources()
            .enable_prompts()
            .enable_logging()
            .build();
        ServerConfig::new(capabilities)
            .with_server_info((*self.identity).clone())
            .with_instructions(self.instructions)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let cache_hints = context
            .protocol_version()
            .is_some_and(|version| version >= ProtocolVersion::V_2026_07_28);
        let mut result = ListToolsResult::with_all_items(self.items.tools());
        result.result_type = Some(ResultType::COMPLETE);
        result.ttl_ms = cache_hints.then_some(0);
        result.cache_scope = cache_hints.then_some(CacheScope::Public);
        Ok(result)
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.items.tool(name)
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.clone();
        errors::guard(&name, self.items.call_tool(request, context)).await
    }

    // Accepts the client's log level for the session; the stack's `Platform` keeps it for the
    // tools' `Context::log`. The server's own log (stderr, the JSON log) does not change.
    #[allow(deprecated)]
    async fn set_level(
        &self,
        request: SetLevelRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        tracing::debug!(level = ?request.level, "client asked for a log level");
        Ok(())
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        Ok(self.items.resources().list())
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Ok(self.items.resources().templates())
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        // Masking of the reader's failures happens in the resource router.
        self.items.read_resource(request.uri).await
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        Ok(self.items.prompts())
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        let name = request.name.clone();
        match errors::catch_panic(&name, self.items.get_prompt(request, context)).await {
            Ok(result) => result,
            Err(incident) => Err(incident.into_error_data()),
        }
    }
}

//! The MCP server: its identity, its tools, resources and prompts, and the state they share.
//!
//! Requests reach it through the platform's middleware stack (see `platform::middleware`);
//! every tool call, resource read and prompt request also passes through error masking, so a
//! failing or panicking item becomes a clean error. Shared resources (the HTTP client, pools)
//! belong in [`State`]: built once at startup by `platform::App::build`, reached as
//! `self.state()`, closed at shutdown.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use rmcp::handler::server::prompt::PromptContext;
use rmcp::handler::server::router::prompt::PromptRouter;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::ToolCallContext;
#[allow(deprecated)] // logging/setLevel is deprecated by SEP-2577 but still part of 2025-11-25
use rmcp::model::SetLevelRequestParams;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, GetPromptRequestParams, GetPromptResponse,
    Implementation, ListPromptsResult, ListResourceTemplatesResult, ListResourcesResult,
    PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse, ServerCapabilities,
    ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, tool_handler};

use crate::platform::config::Settings;
use crate::platform::errors;
use crate::platform::exec::{CodeExecutor, ExecError};
use crate::platform::fetch::{FetchError, UrlFetcher};
use crate::platform::files::{FileError, FileOps};
use crate::platform::resources::ResourceRouter;

/// What tools share: built once, reached as `self.state()`.
#[derive(Debug)]
pub struct State {
    pub settings: Settings,
    /// The outbound HTTP client for upstream APIs (see [`State::http`]).
    http: OnceLock<reqwest::Client>,
    /// The SSRF-safe client for URLs a caller chose (see [`State::fetcher`]).
    fetcher: OnceLock<Result<UrlFetcher, String>>,
    /// Path-safe access to the configured roots (see [`State::files`]).
    files: OnceLock<Result<FileOps, String>>,
    /// The sandbox for untrusted code (see [`State::executor`]).
    executor: OnceLock<Result<CodeExecutor, String>>,
}

impl State {
    /// The shared resources for these settings.
    pub fn new(settings: Settings) -> Self {
        Self {
            settings,
            http: OnceLock::new(),
            fetcher: OnceLock::new(),
            files: OnceLock::new(),
            executor: OnceLock::new(),
        }
    }

    /// The fetcher for URLs that come from a caller (a model, a user): every address checked,
    /// redirects re-checked, size and time capped, audited. Use it, not [`State::http`], for
    /// any URL the server did not choose itself. Built on first use, then shared.
    pub fn fetcher(&self) -> Result<&UrlFetcher, FetchError> {
        self.fetcher
            .get_or_init(|| {
                UrlFetcher::new(self.settings.fetch.clone()).map_err(|e| format!("{e:#}"))
            })
            .as_ref()
            .map_err(|e| FetchError::Network(format!("the URL fetcher could not start: {e}")))
    }

    /// File access beneath `FILES_ROOTS` for paths that come from a caller: no escape through
    /// `..` or symlinks, size and entry caps, atomic writes to writable roots only. The roots
    /// are opened once, on first use (their existence is checked with the settings at startup).
    pub fn files(&self) -> Result<&FileOps, FileError> {
        self.files
            .get_or_init(|| FileOps::from_settings(&self.settings).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| FileError::Io(format!("the file roots could not be opened: {e}")))
    }

    /// The sandbox for code or commands that come from a caller: allowlisted programs only, no
    /// shell, empty environment, scratch directory, no network, landlock, rlimits, deadlines and
    /// output caps (see `platform::exec`).
    pub fn executor(&self) -> Result<&CodeExecutor, ExecError> {
        self.executor
            .get_or_init(|| CodeExecutor::from_settings(&self.settings).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| ExecError::Spawn(format!("the executor could not start: {e}")))
    }

    /// The outbound HTTP client: one connection pool for the whole server, built on first use
    /// (its TLS roots cost memory that a server without upstream calls need not pay). It
    /// carries this server's own credential (`UPSTREAM_TOKEN`) only where a tool adds it;
    /// client tokens are never forwarded.
    pub fn http(&self) -> &reqwest::Client {
        self.http.get_or_init(|| {
            reqwest::Client::builder()
                .user_agent(concat!(
                    env!("CARGO_PKG_NAME"),
                    "/",
                    env!("CARGO_PKG_VERSION")
                ))
                .connect_timeout(Duration::from_secs(5))
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap_or_else(|_| reqwest::Client::new())
        })
    }
}

/// The server. Cloning is cheap: state and routers are shared.
#[derive(Clone)]
pub struct Server {
    // Behind `Arc`s: the server is cloned for every request the stack forwards.
    tools: Arc<ToolRouter<Self>>,
    resources: Arc<ResourceRouter>,
    prompts: Arc<PromptRouter<Self>>,
    state: Arc<State>,
}

impl Server {
    /// A server with every item in the registries (`src/tools`, `src/resources`, `src/prompts`).
    pub fn new(state: State) -> Self {
        Self::with_tools(state, crate::tools::router())
    }

    /// A server with the given tools (tests use this to add test-only tools).
    pub fn with_tools(state: State, tools: ToolRouter<Self>) -> Self {
        Self {
            tools: Arc::new(tools),
            resources: Arc::new(crate::resources::router()),
            prompts: Arc::new(crate::prompts::router()),
            state: Arc::new(state),
        }
    }

    /// The shared state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The names of the server's tools.
    pub fn tool_names(&self) -> Vec<String> {
        self.tools
            .list_all()
            .into_iter()
            .map(|tool| tool.name.into_owned())
            .collect()
    }
}

#[tool_handler(router = self.tools)]
impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        #[allow(deprecated)] // logging is deprecated by SEP-2577 but still part of 2025-11-25
        let capabilities = ServerCapabilities::builder()
            .enable_tools()
            .enable_resources()
            .enable_prompts()
            .enable_logging()
            .build();
        ServerConfig::new(capabilities)
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

    // Accepts the client's log level for the session. Logs themselves go to stderr (and, over
    // HTTP, to the JSON log), so there is nothing else to change.
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
        Ok(ListResourcesResult::with_all_items(self.resources.list()))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Ok(ListResourceTemplatesResult::with_all_items(
            self.resources.templates(),
        ))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        Ok(self.resources.read(self, &request.uri).await?.into())
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        Ok(ListPromptsResult::with_all_items(self.prompts.list_all()))
    }

    // Written by hand, not with `#[prompt_handler]`, which would replace it: the call goes
    // through the platform's panic masking.
    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        let name = request.name.clone();
        let prompt = PromptContext::new(self, request.name, request.arguments, context);
        match errors::catch_panic(&name, self.prompts.get_prompt(prompt)).await {
            Ok(result) => result,
            Err(incident) => Err(incident.into_error_data()),
        }
    }
}

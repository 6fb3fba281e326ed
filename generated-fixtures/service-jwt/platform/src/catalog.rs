//! How a team's server plugs into the platform: the team builds a [`Catalog`] (its tools,
//! resources, prompts and middleware, over its own server type); the platform serves it.
//!
//! Guarantees: the catalog is type-erased here, so the handler that forwards every MCP method,
//! the middleware stack, the transports and error masking are compiled once, in this crate; the
//! team crate instantiates only the few forwarding functions of [`Catalog::new`] for its server
//! type. Every tool call, resource read and prompt request passes through error masking
//! ([`errors`]) here, out of reach of team edits: a failing or panicking item becomes a clean
//! error.

use std::any::Any;
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
    CacheScope, CallToolRequestParams, CallToolResponse, CancelTaskParams, CompleteRequestParams,
    CompleteResult, GetPromptRequestParams, GetPromptResponse, GetTaskParams, GetTaskResult,
    Implementation, InitializeRequestParams, InitializeResult, ListPromptsResult,
    ListResourceTemplatesResult, ListResourcesResult, ListToolsResult, PaginatedRequestParams,
    Prompt, ProtocolVersion, ReadResourceRequestParams, ReadResourceResponse, RequestStateCodec,
    RequestStateError, Resource, ResourceTemplate, ServerCapabilities, ServerConfig,
    SubscribeRequestParams, SubscriptionFilter, TASKS_EXTENSION_ID, Tool, UnsubscribeRequestParams,
    UpdateTaskParams,
};
use rmcp::service::{NotificationContext, Peer, RequestContext, SubscriptionContext};
use rmcp::{ErrorData, RoleServer, ServerHandler};
use secrecy::ExposeSecret;

use crate::completions::{Completions, Target};
use crate::config::{ConfigError, Setting, Settings};
use crate::errors;
use crate::input::{self, Rounds};
use crate::middleware::Middleware;
use crate::notify::{Changes, Refused, Registration, SessionSlot};
use crate::pages::{self, List, Page};
use crate::resources::ResourceRouter;
use crate::services::Services;
use crate::tasks::Tasks;

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
                completions: Completions::new(),
            }),
            middleware: Vec::new(),
        }
    }

    /// Adds the completers of prompt arguments and resource-template variables (see
    /// [`Completions`]), declared next to the items they complete.
    ///
    /// # Panics
    ///
    /// When `S` is not the server type the catalog was made with (a programming error the
    /// first test that builds the catalog shows).
    pub fn with_completions<S>(mut self, completions: Completions<S>) -> Self
    where
        S: Clone + Send + Sync + 'static,
    {
        let bound = Arc::get_mut(&mut self.items)
            .and_then(|items| items.as_any_mut().downcast_mut::<Bound<S>>())
            .unwrap_or_else(|| {
                panic!(
                    "Catalog::with_completions: completions for `{}`, on a catalog of another \
                     server type (or one already shared)",
                    std::any::type_name::<S>()
                )
            });
        bound.completions = std::mem::take(&mut bound.completions) + completions;
        self
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
pub(crate) trait Items: Send + Sync + 'static {
    fn tools(&self) -> Vec<Tool>;
    fn tool(&self, name: &str) -> Option<Tool>;
    fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> BoxFuture<'_, Result<CallToolResponse, ErrorData>>;
    fn prompts(&self) -> Vec<Prompt>;
    fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> BoxFuture<'_, Result<GetPromptResponse, ErrorData>>;
    fn resources(&self) -> &dyn ResourceList;
    fn read_resource(&self, uri: String) -> BoxFuture<'_, Result<ReadResourceResponse, ErrorData>>;
    fn has_completions(&self) -> bool;
    fn complete(
        &self,
        request: CompleteRequestParams,
    ) -> BoxFuture<'_, Option<Result<CompleteResult, ErrorData>>>;
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

/// The listing half of a resource router, which does not depend on the server type.
pub(crate) trait ResourceList: Send + Sync {
    fn list(&self) -> Vec<Resource>;
    fn templates(&self) -> Vec<ResourceTemplate>;
    /// Whether `uri` is a listed resource's or matches a template.
    fn serves(&self, uri: &str) -> bool;
}

struct Bound<S: 'static> {
    server: S,
    tools: ToolRouter<S>,
    prompts: PromptRouter<S>,
    resources: ResourceRouter<S>,
    completions: Completions<S>,
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

    fn prompts(&self) -> Vec<Prompt> {
        self.prompts.list_all()
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

    fn has_completions(&self) -> bool {
        !self.completions.is_empty()
    }

    fn complete(
        &self,
        request: CompleteRequestParams,
    ) -> BoxFuture<'_, Option<Result<CompleteResult, ErrorData>>> {
        self.completions.complete(&self.server, request).boxed()
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// The `ServerHandler` around a catalog: the server's identity and capabilities, and error
/// masking around every item.
#[derive(Clone)]
pub struct Handler {
    items: Arc<dyn Items>,
    identity: Arc<Implementation>,
    instructions: &'static str,
    /// Most items one list answer holds (`PAGE_SIZE`).
    page_size: usize,
    /// Seals the `requestState` of 2026-07-28 questions ([`crate::input`]).
    request_state: Arc<RequestStateCodec>,
    /// Tools that run as tasks, and the tasks ([`crate::tasks`]).
    tasks: Arc<Tasks>,
    /// The live sessions and their subscriptions.
    changes: Changes,
}

impl Handler {
    pub(crate) fn new(
        project: &Project,
        catalog: &Catalog,
        settings: &Settings,
        changes: Changes,
    ) -> Result<Self, RequestStateError> {
        let key = settings
            .request_state_key
            .as_ref()
            .map(|key| key.expose_secret().as_bytes());
        Ok(Self {
            items: catalog.items.clone(),
            identity: Arc::new(Implementation::new(project.name, project.version)),
            instructions: project.description,
            page_size: settings.page_size,
            request_state: Arc::new(input::codec(key)?),
            tasks: Arc::new(Tasks::new(
                &catalog.items.tools(),
                settings.max_tasks_per_principal,
            )),
            changes,
        })
    }

    /// The session of a request: from the slot its server value put in the request context,
    /// registered on first use. `None` without a session (stateless HTTP, a bare handler).
    fn session<'c>(
        &self,
        extensions: &'c rmcp::model::Extensions,
        peer: &Peer<RoleServer>,
    ) -> Option<&'c Registration> {
        let slot = extensions.get::<SessionSlot>()?;
        self.changes.session(slot, peer)
    }

    /// The page of a list the request asks for (all of it when it fits in one).
    fn page<T>(
        &self,
        list: List,
        items: Vec<T>,
        key: impl Fn(&T) -> &str,
        request: Option<&PaginatedRequestParams>,
    ) -> Result<Page<T>, ErrorData> {
        pages::page(list, items, key, request, self.page_size)
    }
}

impl Handler {
    /// A 2026-07-28 tool call: the tool may ask the client questions ([`crate::input`]); the
    /// first one it has no answer for ends the call with an `InputRequiredResult`.
    async fn call_tool_in_rounds(
        &self,
        mut request: CallToolRequestParams,
        mut context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.clone();
        let principal = crate::tasks::principal(&context);
        let binding = input::binding(&principal, &name, request.arguments.as_ref());
        let rounds = Arc::new(Rounds::resume(
            &self.request_state,
            &binding,
            request.request_state.take().as_deref(),
            request.input_responses.take(),
        )?);
        context.extensions.insert(rounds.clone());
        tokio::select! {
            biased;
            result = errors::guard(&name, self.items.call_tool(request, context)) => result,
            () = rounds.question_asked() => Ok(CallToolResponse::InputRequired(
                rounds.input_required(&self.request_state, &binding)?,
            )),
        }
    }
}

/// Whether the request speaks 2026-07-28 or later. Such requests carry their version in their
/// `_meta` (rmcp validates it), a 2025-11-25 session's do not: the session's handshake, behind a
/// lock, need not be read on every call.
fn is_modern(context: &RequestContext<RoleServer>) -> bool {
    context
        .meta
        .protocol_version()
        .is_some_and(|version| version >= ProtocolVersion::V_2026_07_28)
}

/// A server configuration, for rmcp's `initialize` negotiation (its default
/// `negotiate_initialize`) over it. The handler supports rmcp's default protocol versions.
struct Configured(ServerConfig);

impl ServerHandler for Configured {
    fn get_info(&self) -> ServerConfig {
        self.0.clone()
    }
}

/// The cache hints of a list answer in 2026-07-28 (`ttlMs`, `cacheScope`): fresh for no time,
/// as the lists may change while the server runs; none for older versions.
fn cache_hints(context: &RequestContext<RoleServer>) -> (Option<u64>, Option<CacheScope>) {
    let hints = is_modern(context);
    (hints.then_some(0), hints.then_some(CacheScope::Public))
}

impl ServerHandler for Handler {
    fn get_info(&self) -> ServerConfig {
        #[allow(deprecated)] // logging is deprecated by SEP-2577 but still part of 2025-11-25
        let mut capabilities = ServerCapabilities::builder()
            .enable_tools()
            .enable_tool_list_changed()
            .enable_resources()
            .enable_resources_subscribe()
            .enable_resources_list_changed()
            .enable_prompts()
            .enable_prompts_list_changed()
            .enable_logging()
            .build();
        if self.items.has_completions() {
            capabilities.completions = Some(Default::default());
        }
        if self.tasks.offered() {
            capabilities
                .extensions
                .get_or_insert_with(Default::default)
                .insert(TASKS_EXTENSION_ID.to_string(), Default::default());
        }
        ServerConfig::new(capabilities)
            .with_server_info((*self.identity).clone())
            .with_instructions(self.instructions)
    }

    /// Over stateless HTTP a 2025-11-25 client has no session to be notified in: its
    /// `initialize` advertises no subscriptions and no list changes.
    fn negotiate_initialize(
        &self,
        request: &InitializeRequestParams,
    ) -> Result<InitializeResult, ErrorData> {
        let mut config = self.get_info();
        if !self.changes.sessions_possible() {
            let capabilities = &mut config.capabilities;
            if let Some(resources) = capabilities.resources.as_mut() {
                resources.subscribe = None;
                resources.list_changed = None;
            }
            if let Some(tools) = capabilities.tools.as_mut() {
                tools.list_changed = None;
            }
            if let Some(prompts) = capabilities.prompts.as_mut() {
                prompts.list_changed = None;
            }
        }
        Configured(config).negotiate_initialize(request)
    }

    async fn list_tools(
        &self,
        request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let page = self.page(
            List::Tools,
            self.items.tools(),
            |tool| &tool.name,
            request.as_ref(),
        )?;
        let mut result = ListToolsResult::with_all_items(page.items);
        result.next_cursor = page.next_cursor;
        (result.ttl_ms, result.cache_scope) = cache_hints(&context);
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
        if self.tasks.runs_as_task(&request, &context) {
            return Ok(self.tasks.start(self.items.clone(), request, context));
        }
        let name = request.name.clone();
        if !is_modern(&context) {
            return errors::guard(&name, self.items.call_tool(request, context)).await;
        }
        // Boxed: the rounds (a select over the tool and its questions) would otherwise make every
        // call's future as large as theirs, and 2025-11-25 calls would pay for moving it.
        Box::pin(self.call_tool_in_rounds(request, context)).await
    }

    async fn get_task(
        &self,
        request: GetTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetTaskResult, ErrorData> {
        self.tasks.get(&request, &context)
    }

    async fn update_task(
        &self,
        request: UpdateTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.tasks.update(request, &context)
    }

    async fn cancel_task(
        &self,
        request: CancelTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.tasks.cancel(&request, &context)
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
        request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let page = self.page(
            List::Resources,
            self.items.resources().list(),
            |resource| &resource.uri,
            request.as_ref(),
        )?;
        let mut result = ListResourcesResult::with_all_items(page.items);
        result.next_cursor = page.next_cursor;
        (result.ttl_ms, result.cache_scope) = cache_hints(&context);
        Ok(result)
    }

    async fn list_resource_templates(
        &self,
        request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        let page = self.page(
            List::ResourceTemplates,
            self.items.resources().templates(),
            |template| &template.uri_template,
            request.as_ref(),
        )?;
        let mut result = ListResourceTemplatesResult::with_all_items(page.items);
        result.next_cursor = page.next_cursor;
        (result.ttl_ms, result.cache_scope) = cache_hints(&context);
        Ok(result)
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        // Masking of the reader's failures happens in the resource router.
        self.items.read_resource(request.uri).await
    }

    /// A 2025-11-25 session starts: it joins the registry of sessions (for list changes).
    async fn on_initialized(&self, context: NotificationContext<RoleServer>) {
        if let Some(slot) = context.extensions.get::<SessionSlot>() {
            self.changes.session(slot, &context.peer);
        }
    }

    /// `resources/subscribe` (2025-11-25): the session gets `notifications/resources/updated`
    /// for `uri` (see [`crate::notify`]).
    #[allow(deprecated)] // legacy-only in rmcp 3.11, still part of 2025-11-25
    async fn subscribe(
        &self,
        request: SubscribeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        let uri = request.uri.as_str();
        let refuse = |why: String| {
            tracing::info!(
                uri = crate::logging::bounded(uri),
                "subscription refused: {why}"
            );
            Err(ErrorData::invalid_params(why, None))
        };
        if !self.items.resources().serves(uri) {
            return refuse(format!("no resource at `{}`", crate::logging::bounded(uri)));
        }
        let Some(session) = self.session(&context.extensions, &context.peer) else {
            return refuse(
                "this server has no sessions (stateless HTTP): resource updates cannot reach \
                 the client; use subscriptions/listen (2026-07-28)"
                    .to_string(),
            );
        };
        match session.subscribe(uri) {
            Ok(_) => Ok(()),
            Err(Refused::Full(held)) => refuse(format!(
                "this session already holds {held} subscriptions, the most it may \
                 (MAX_SUBSCRIPTIONS_PER_SESSION); unsubscribe from one first"
            )),
        }
    }

    /// `resources/unsubscribe` (2025-11-25): idempotent, `{}` whether or not the session was
    /// subscribed.
    #[allow(deprecated)] // legacy-only in rmcp 3.11, still part of 2025-11-25
    async fn unsubscribe(
        &self,
        request: UnsubscribeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        let slot = context.extensions.get::<SessionSlot>();
        let registered = slot.and_then(|slot| self.changes.session(slot, &context.peer));
        if let Some(session) = registered
            && !session.unsubscribe(&request.uri)
        {
            tracing::debug!(
                uri = crate::logging::bounded(&request.uri),
                "unsubscribe from a resource the session was not subscribed to"
            );
        }
        Ok(())
    }

    /// `subscriptions/listen` (2026-07-28): the three list changes, and the requested
    /// resources this server serves (up to `MAX_SUBSCRIPTIONS_PER_SESSION`); others are left
    /// out of the acknowledged filter, with a log line.
    fn accepted_subscription_filter(
        &self,
        requested: &SubscriptionFilter,
    ) -> Option<SubscriptionFilter> {
        let mut accepted = SubscriptionFilter::builder()
            .tools_list_changed()
            .prompts_list_changed()
            .resources_list_changed()
            .build();
        if let Some(uris) = &requested.resource_subscriptions {
            let resources = self.items.resources();
            let mut served = Vec::new();
            for uri in uris {
                if served.contains(uri) {
                    continue;
                }
                if !resources.serves(uri) {
                    tracing::info!(
                        uri = crate::logging::bounded(uri),
                        "subscription refused: no such resource"
                    );
                } else if served.len() >= self.changes.max_subscriptions() {
                    tracing::info!(
                        uri = crate::logging::bounded(uri),
                        "subscription refused: over MAX_SUBSCRIPTIONS_PER_SESSION"
                    );
                } else {
                    served.push(uri.clone());
                }
            }
            accepted.resource_subscriptions = Some(served);
        }
        Some(accepted)
    }

    /// Runs one established `subscriptions/listen` until the client cancels it or the server
    /// shuts down.
    async fn listen(&self, context: SubscriptionContext) -> Result<(), ErrorData> {
        self.changes.listen(context).await
    }

    async fn list_prompts(
        &self,
        request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        let page = self.page(
            List::Prompts,
            self.items.prompts(),
            |prompt| &prompt.name,
            request.as_ref(),
        )?;
        let mut result = ListPromptsResult::with_all_items(page.items);
        result.next_cursor = page.next_cursor;
        (result.ttl_ms, result.cache_scope) = cache_hints(&context);
        Ok(result)
    }

    async fn complete(
        &self,
        request: CompleteRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, ErrorData> {
        let argument = request.argument.name.clone();
        let unknown = |what: String| {
            tracing::info!(
                argument = crate::logging::bounded(&argument),
                "completion refused: {what}"
            );
            Err(ErrorData::invalid_params(what, None))
        };
        match Target::of(&request.r#ref) {
            Some(Target::Prompt(name)) => {
                let prompts = self.items.prompts();
                let Some(prompt) = prompts.iter().find(|p| p.name == name) else {
                    return unknown(format!("no prompt `{name}`"));
                };
                let known = prompt
                    .arguments
                    .iter()
                    .flatten()
                    .any(|a| a.name == argument);
                if !known {
                    return unknown(format!("prompt `{name}` has no argument `{argument}`"));
                }
            }
            Some(Target::Resource(uri)) => {
                let templates = self.items.resources().templates();
                let Some(template) = templates.iter().find(|t| t.uri_template == uri) else {
                    return unknown(format!("no resource template `{uri}`"));
                };
                if !template.uri_template.contains(&format!("{{{argument}}}")) {
                    return unknown(format!(
                        "resource template `{uri}` has no variable `{argument}`"
                    ));
                }
            }
            None => return unknown("a reference of an unknown type".to_string()),
        }
        self.items
            .complete(request)
            .await
            .unwrap_or_else(|| Ok(CompleteResult::default()))
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

#[cfg(test)]
mod tests {
    use rmcp::model::{ErrorCode, PaginatedRequestParams};

    use crate::config::Settings;
    use crate::testing;

    /// The test server, answering lists one item a page.
    async fn one_a_page() -> crate::harness::Harness {
        let settings = Settings::with(&[("PAGE_SIZE", "1")]).unwrap();
        crate::harness::Harness::with_app(testing::test_app(settings)).await
    }

    fn from(cursor: Option<String>) -> Option<PaginatedRequestParams> {
        Some(PaginatedRequestParams::default().with_cursor(cursor))
    }

    #[tokio::test]
    async fn lists_come_in_pages_that_cover_them_once() {
        let h = one_a_page().await;
        let first = h.peer().list_tools(None).await.unwrap();
        assert_eq!(first.tools.len(), 1);
        let cursor = first.next_cursor.clone().expect("a second page");
        let second = h.peer().list_tools(from(Some(cursor))).await.unwrap();
        assert_eq!(second.tools.len(), 1);
        assert_eq!(second.next_cursor, None, "two tools, two pages");
        assert_ne!(first.tools[0].name, second.tools[0].name);
        // The harness (rmcp's client) follows the cursors.
        let names: Vec<_> = h.list_tools().await.into_iter().map(|t| t.name).collect();
        assert_eq!(names, ["greet", "whoami"]);

        let resources = h.peer().list_resources(None).await.unwrap();
        assert_eq!(
            (resources.resources.len(), resources.next_cursor),
            (1, None)
        );
        let templates = h.peer().list_resource_templates(None).await.unwrap();
        assert!(templates.resource_templates.is_empty() && templates.next_cursor.is_none());
        let prompts = h.peer().list_prompts(None).await.unwrap();
        assert!(prompts.prompts.is_empty() && prompts.next_cursor.is_none());
    }

    #[tokio::test]
    async fn a_cursor_the_server_did_not_issue_is_invalid_params() {
        let h = one_a_page().await;
        let tools_cursor = h.peer().list_tools(None).await.unwrap().next_cursor;
        for cursor in [Some("not-a-cursor".to_string()), Some(String::new())] {
            let error = h.peer().list_tools(from(cursor)).await.unwrap_err();
            let rmcp::ServiceError::McpError(error) = error else {
                panic!("expected a protocol error, got {error:?}");
            };
            assert_eq!(error.code, ErrorCode::INVALID_PARAMS);
        }
        // A cursor of one list is no cursor of another.
        let error = h.peer().list_prompts(from(tools_cursor)).await.unwrap_err();
        assert!(
            matches!(&error, rmcp::ServiceError::McpError(e) if e.code == ErrorCode::INVALID_PARAMS),
            "{error:?}"
        );
        // The session goes on.
        assert_eq!(h.list_tools().await.len(), 2);
    }

    /// A server with a prompt and a resource template that have completers, and a binary
    /// resource.
    mod completing {
        use rmcp::handler::server::router::tool::ToolRouter;
        use rmcp::handler::server::wrapper::Parameters;
        use rmcp::model::{PromptMessage, ResourceTemplate, Role};
        use rmcp::{prompt, prompt_router, schemars};
        use serde::Deserialize;

        use crate::completions::{CompletionRequest, Completions};
        use crate::errors::ToolError;
        use crate::resources::{ResourceRequest, ResourceRouter};
        use crate::{App, Catalog, Settings};

        #[derive(Clone)]
        pub struct Cities;

        #[derive(Debug, Deserialize, schemars::JsonSchema)]
        pub struct TripArgs {
            /// Where from.
            pub from: String,
            /// Where to.
            pub to: String,
        }

        #[prompt_router(router = "prompts")]
        impl Cities {
            /// Plan a trip.
            #[prompt(name = "trip")]
            async fn trip(&self, Parameters(args): Parameters<TripArgs>) -> Vec<PromptMessage> {
                let text = format!("{} to {}", args.from, args.to);
                vec![PromptMessage::new_text(Role::User, text)]
            }
        }

        async fn cities(_: Cities, request: CompletionRequest) -> Result<Vec<String>, ToolError> {
            // Suggestions may depend on the arguments already chosen: never the trip's start.
            let from = request.arguments.get("from").cloned().unwrap_or_default();
            Ok(["Paris", "Parma", "Lyon", "Pau"]
                .into_iter()
                .filter(|city| *city != from)
                .map(String::from)
                .collect())
        }

        async fn map(_: Cities, request: ResourceRequest) -> Result<Vec<u8>, ToolError> {
            Ok(request.var("city").unwrap_or_default().as_bytes().to_vec())
        }

        pub fn app() -> App {
            crate::testing::app_with_catalog(Settings::defaults(), |_| {
                let template =
                    ResourceTemplate::new("maps://{city}/png", "map").with_mime_type("image/png");
                let completions =
                    Completions::new().prompt("trip", "to", cities).resource(
                        "maps://{city}/png",
                        "city",
                        cities,
                    ) + Completions::new().prompt("trip", "from", |_: Cities, _| async {
                        Err::<Vec<String>, _>(ToolError::invalid_input("no suggestions for `from`"))
                    });
                Catalog::new(
                    Cities,
                    ToolRouter::new(),
                    Cities::prompts(),
                    ResourceRouter::template(template, map),
                )
                .with_completions(completions)
            })
        }
    }

    fn complete(
        reference: rmcp::model::Reference,
        argument: &str,
        value: &str,
        context: &[(&str, &str)],
    ) -> rmcp::model::CompleteRequestParams {
        let mut request = rmcp::model::CompleteRequestParams::new(
            reference,
            rmcp::model::ArgumentInfo::new(argument, value),
        );
        if !context.is_empty() {
            let arguments = context
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            request =
                request.with_context(rmcp::model::CompletionContext::with_arguments(arguments));
        }
        request
    }

    #[tokio::test]
    async fn completions_suggest_what_starts_with_the_typed_value() {
        use rmcp::model::Reference;

        let h = crate::harness::Harness::with_app(completing::app()).await;
        let info = h.peer().peer_info().expect("initialized");
        assert!(info.capabilities.completions.is_some(), "advertised");

        let trip = || Reference::for_prompt("trip");
        let result = h
            .peer()
            .complete(complete(trip(), "to", "pa", &[]))
            .await
            .unwrap();
        assert_eq!(result.completion.values, ["Paris", "Parma", "Pau"]);
        assert_eq!(result.completion.total, Some(3));
        // What was chosen already reaches the completer.
        let result = h
            .peer()
            .complete(complete(trip(), "to", "pa", &[("from", "Paris")]))
            .await
            .unwrap();
        assert_eq!(result.completion.values, ["Parma", "Pau"]);
        // A resource template's variable.
        let map = Reference::for_resource("maps://{city}/png");
        let result = h
            .peer()
            .complete(complete(map, "city", "L", &[]))
            .await
            .unwrap();
        assert_eq!(result.completion.values, ["Lyon"]);
        // A completer's own refusal reaches the client as invalid params.
        let error = h
            .peer()
            .complete(complete(trip(), "from", "", &[]))
            .await
            .unwrap_err();
        assert!(
            error.to_string().contains("no suggestions for `from`"),
            "{error}"
        );

        // Unknown prompts, templates and arguments are invalid params; the session goes on.
        for (reference, argument) in [
            (Reference::for_prompt("nope"), "to"),
            (trip(), "via"),
            (Reference::for_resource("maps://{town}/png"), "town"),
            (Reference::for_resource("maps://{city}/png"), "zoom"),
        ] {
            let error = h
                .peer()
                .complete(complete(reference.clone(), argument, "", &[]))
                .await
                .unwrap_err();
            assert!(
                matches!(&error, rmcp::ServiceError::McpError(e) if e.code == ErrorCode::INVALID_PARAMS),
                "{reference:?} {argument}: {error:?}"
            );
        }
        assert_eq!(
            h.get_prompt("trip", serde_json::json!({"from": "Lyon", "to": "Pau"}))
                .await
                .unwrap(),
            "Lyon to Pau"
        );
    }

    #[tokio::test]
    async fn binary_resources_are_base64_blobs() {
        use base64::Engine as _;

        let h = crate::harness::Harness::with_app(completing::app()).await;
        let result = h
            .peer()
            .read_resource(rmcp::model::ReadResourceRequestParams::new(
                "maps://Lyon/png",
            ))
            .await
            .unwrap();
        let [
            rmcp::model::ResourceContents::BlobResourceContents {
                uri,
                mime_type,
                blob,
                ..
            },
        ] = result.contents.as_slice()
        else {
            panic!("one blob: {result:?}");
        };
        assert_eq!(
            (uri.as_str(), mime_type.as_deref()),
            ("maps://Lyon/png", Some("image/png"))
        );
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(blob)
            .unwrap();
        assert_eq!(bytes, b"Lyon");
    }

    #[tokio::test]
    async fn without_completers_completions_are_not_advertised() {
        let h = crate::testing::start().await;
        let info = h.peer().peer_info().expect("initialized");
        assert!(info.capabilities.completions.is_none());
    }

    #[test]
    fn a_page_size_of_zero_is_refused() {
        let error = Settings::with(&[("PAGE_SIZE", "0")]).unwrap_err();
        assert!(error.to_string().contains("PAGE_SIZE"), "{error}");
    }
}

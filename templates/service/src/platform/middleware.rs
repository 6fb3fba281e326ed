//! The middleware stack: one ordered chain around every MCP request, the same over stdio, HTTP
//! and the in-memory harness.
//!
//! [`Platform`] wraps the server's `ServerHandler`: every request method (initialize, ping,
//! tools, resources, prompts, completion, logging, tasks, custom requests) runs through the
//! [`Stack`] before reaching the server; notifications and synchronous methods are forwarded
//! as they are. The standard order is in-flight tracking → request id → logging and timing →
//! metrics → authentication → rate limiting → error masking → the team's middleware →
//! handler (see [`super::layers`]).
//!
//! Guarantees: a middleware sees the method, its target (tool or prompt name, resource URI)
//! and the [`RequestInfo`] the earlier layers filled in; whatever a middleware puts in
//! `call.info` reaches the handler in the request context, where tools read it with
//! `Extension<RequestInfo>`. Nothing is kept in globals. Forwarding is exhaustive for rmcp
//! 3.11 (pinned), and a test runs the same client calls against the bare and wrapped server.

use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

#[allow(deprecated)] // logging/setLevel is deprecated by SEP-2577 but still part of 2025-11-25
use rmcp::model::SetLevelRequestParams;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CancelTaskParams, CancelledNotificationParam,
    CompleteRequestParams, CompleteResult, CustomNotification, CustomRequest, CustomResult,
    DiscoverResult, GetPromptRequestParams, GetPromptResponse, GetSkillRequestParams,
    GetSkillResult, GetTaskParams, GetTaskResult, InitializeRequestParams, InitializeResult,
    ListPromptsResult, ListResourceTemplatesResult, ListResourcesResult, ListSkillsResult,
    ListToolsResult, PaginatedRequestParams, ProgressNotificationParam, ProtocolVersion,
    ReadResourceDirectoryRequestParams, ReadResourceDirectoryResult, ReadResourceRequestParams,
    ReadResourceResponse, ServerConfig, SubscribeRequestParams, SubscriptionFilter, Tool,
    UnsubscribeRequestParams, UpdateTaskParams,
};
use rmcp::service::{NotificationContext, RequestContext, SubscriptionContext};
use rmcp::{ErrorData, RoleServer, ServerHandler};

use super::auth::Identity;

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A handler's result on its way back through the stack (type-erased; the stack restores it).
pub type Reply = Box<dyn Any + Send>;

/// What the layers learn about a request; handlers read it from the request context.
#[derive(Debug, Clone)]
pub struct RequestInfo {
    /// Unique per request; in every log line and every masked error.
    pub request_id: String,
    /// Who is calling (anonymous until authentication runs, or when it is off).
    pub identity: Identity,
}

/// One request passing through the stack.
pub struct Call {
    /// The MCP method, such as `tools/call`.
    pub method: &'static str,
    /// The tool or prompt name, or the resource URI, when the method has one.
    pub target: Option<String>,
    pub info: RequestInfo,
    /// When the request entered the stack (for durations, without reading the clock again).
    pub started: Instant,
    /// The request context (the HTTP request's parts are in its extensions over HTTP); moved
    /// to the handler when the chain reaches it, so `None` after `next.run` returns.
    pub context: Option<RequestContext<RoleServer>>,
}

impl Call {
    /// The HTTP request this call arrived in, if it came over HTTP.
    pub fn http(&self) -> Option<&axum::http::request::Parts> {
        self.context
            .as_ref()?
            .extensions
            .get::<axum::http::request::Parts>()
    }
}

/// A layer of the stack. Either call `next.run(call)` (once) or return an error.
pub trait Middleware: Send + Sync + 'static {
    /// A short name, for logs and for placing team middleware.
    fn name(&self) -> &'static str;

    fn handle<'a>(
        &'a self,
        call: &'a mut Call,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Reply, ErrorData>>;
}

type Endpoint = Box<
    dyn FnOnce(RequestContext<RoleServer>) -> BoxFuture<'static, Result<Reply, ErrorData>> + Send,
>;

/// The rest of the stack, ending in the handler.
pub struct Next<'a> {
    rest: &'a [Arc<dyn Middleware>],
    endpoint: Endpoint,
}

impl<'a> Next<'a> {
    /// Runs the remaining layers and the handler.
    pub fn run<'b>(self, call: &'b mut Call) -> BoxFuture<'b, Result<Reply, ErrorData>>
    where
        'a: 'b,
    {
        match self.rest.split_first() {
            Some((layer, rest)) => layer.handle(
                call,
                Next {
                    rest,
                    endpoint: self.endpoint,
                },
            ),
            None => match call.context.take() {
                Some(mut context) => {
                    context.extensions.insert(call.info.clone());
                    (self.endpoint)(context)
                }
                None => Box::pin(std::future::ready(Err(ErrorData::internal_error(
                    "a middleware called the rest of the stack twice",
                    None,
                )))),
            },
        }
    }
}

/// An ordered list of middleware. Cloning is cheap.
#[derive(Clone, Default)]
pub struct Stack {
    layers: Arc<[Arc<dyn Middleware>]>,
}

impl std::fmt::Debug for Stack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.layers.iter().map(|l| l.name()).collect();
        f.debug_tuple("Stack").field(&names).finish()
    }
}

impl Stack {
    pub fn new(layers: Vec<Arc<dyn Middleware>>) -> Self {
        Self {
            layers: layers.into(),
        }
    }

    /// The layer names, outermost first.
    pub fn names(&self) -> Vec<&'static str> {
        self.layers.iter().map(|l| l.name()).collect()
    }

    /// Runs `handler` inside every layer.
    pub async fn run<T, F, Fut>(
        &self,
        method: &'static str,
        target: Option<String>,
        context: RequestContext<RoleServer>,
        handler: F,
    ) -> Result<T, ErrorData>
    where
        T: Send + 'static,
        F: FnOnce(RequestContext<RoleServer>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, ErrorData>> + Send + 'static,
    {
        let mut call = Call {
            method,
            target,
            started: Instant::now(),
            info: RequestInfo {
                request_id: String::new(),
                identity: Identity::anonymous(),
            },
            context: Some(context),
        };
        let endpoint: Endpoint = Box::new(move |ctx| {
            Box::pin(async move { handler(ctx).await.map(|v| Box::new(v) as Reply) })
        });
        let next = Next {
            rest: &self.layers,
            endpoint,
        };
        let reply = next.run(&mut call).await?;
        reply.downcast::<T>().map(|b| *b).map_err(|_| {
            ErrorData::internal_error(
                format!("a middleware replaced the result of {method}"),
                None,
            )
        })
    }
}

/// The server wrapped in the stack: what the transports serve.
#[derive(Clone)]
pub struct Platform<H> {
    inner: H,
    stack: Stack,
}

impl<H> Platform<H> {
    pub fn new(inner: H, stack: Stack) -> Self {
        Self { inner, stack }
    }

    pub fn inner(&self) -> &H {
        &self.inner
    }

    pub fn stack(&self) -> &Stack {
        &self.stack
    }
}

/// Request methods with parameters: run through the stack.
macro_rules! through_stack {
    ($($name:ident($param:ty) -> $out:ty, $method:literal, $target:expr;)*) => {$(
        async fn $name(
            &self,
            request: $param,
            context: RequestContext<RoleServer>,
        ) -> Result<$out, ErrorData> {
            let target: Option<String> = ($target)(&request);
            let inner = self.inner.clone();
            self.stack
                .run($method, target, context, move |ctx| async move {
                    inner.$name(request, ctx).await
                })
                .await
        }
    )*};
}

fn none<T>(_: &T) -> Option<String> {
    None
}

#[allow(deprecated)] // logging/setLevel and resources/(un)subscribe are deprecated in rmcp 3.11
impl<H: ServerHandler + Clone> ServerHandler for Platform<H> {
    through_stack! {
        initialize(InitializeRequestParams) -> InitializeResult, "initialize", none;
        complete(CompleteRequestParams) -> CompleteResult, "completion/complete", none;
        set_level(SetLevelRequestParams) -> (), "logging/setLevel", none;
        get_prompt(GetPromptRequestParams) -> GetPromptResponse, "prompts/get",
            |r: &GetPromptRequestParams| Some(r.name.to_string());
        list_prompts(Option<PaginatedRequestParams>) -> ListPromptsResult, "prompts/list", none;
        list_resources(Option<PaginatedRequestParams>) -> ListResourcesResult, "resources/list", none;
        list_resource_templates(Option<PaginatedRequestParams>) -> ListResourceTemplatesResult,
            "resources/templates/list", none;
        read_resource(ReadResourceRequestParams) -> ReadResourceResponse, "resources/read",
            |r: &ReadResourceRequestParams| Some(r.uri.to_string());
        subscribe(SubscribeRequestParams) -> (), "resources/subscribe", none;
        unsubscribe(UnsubscribeRequestParams) -> (), "resources/unsubscribe", none;
        call_tool(CallToolRequestParams) -> CallToolResponse, "tools/call",
            |r: &CallToolRequestParams| Some(r.name.to_string());
        list_tools(Option<PaginatedRequestParams>) -> ListToolsResult, "tools/list", none;
        on_custom_request(CustomRequest) -> CustomResult, "custom", none;
        get_task(GetTaskParams) -> GetTaskResult, "tasks/get", none;
        update_task(UpdateTaskParams) -> (), "tasks/update", none;
        cancel_task(CancelTaskParams) -> (), "tasks/cancel", none;
        list_skills(Option<PaginatedRequestParams>) -> ListSkillsResult, "skills/list", none;
        get_skill(GetSkillRequestParams) -> GetSkillResult, "skills/get", none;
        read_resource_directory(ReadResourceDirectoryRequestParams) -> ReadResourceDirectoryResult,
            "resources/directory/read", none;
    }

    async fn ping(&self, context: RequestContext<RoleServer>) -> Result<(), ErrorData> {
        let inner = self.inner.clone();
        self.stack
            .run("ping", None, context, move |ctx| async move {
                inner.ping(ctx).await
            })
            .await
    }

    async fn discover(
        &self,
        context: RequestContext<RoleServer>,
    ) -> Result<DiscoverResult, ErrorData> {
        let inner = self.inner.clone();
        self.stack
            .run("server/discover", None, context, move |ctx| async move {
                inner.discover(ctx).await
            })
            .await
    }

    fn negotiate_initialize(
        &self,
        request: &InitializeRequestParams,
    ) -> Result<InitializeResult, ErrorData> {
        self.inner.negotiate_initialize(request)
    }

    fn supported_protocol_versions(&self) -> std::borrow::Cow<'static, [ProtocolVersion]> {
        self.inner.supported_protocol_versions()
    }

    fn accepted_subscription_filter(
        &self,
        requested: &SubscriptionFilter,
    ) -> Option<SubscriptionFilter> {
        self.inner.accepted_subscription_filter(requested)
    }

    async fn listen(&self, context: SubscriptionContext) -> Result<(), ErrorData> {
        self.inner.listen(context).await
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.inner.get_tool(name)
    }

    async fn on_cancelled(
        &self,
        notification: CancelledNotificationParam,
        context: NotificationContext<RoleServer>,
    ) {
        self.inner.on_cancelled(notification, context).await;
    }

    async fn on_progress(
        &self,
        notification: ProgressNotificationParam,
        context: NotificationContext<RoleServer>,
    ) {
        self.inner.on_progress(notification, context).await;
    }

    async fn on_initialized(&self, context: NotificationContext<RoleServer>) {
        self.inner.on_initialized(context).await;
    }

    async fn on_roots_list_changed(&self, context: NotificationContext<RoleServer>) {
        self.inner.on_roots_list_changed(context).await;
    }

    async fn on_custom_notification(
        &self,
        notification: CustomNotification,
        context: NotificationContext<RoleServer>,
    ) {
        self.inner
            .on_custom_notification(notification, context)
            .await;
    }

    fn get_info(&self) -> ServerConfig {
        self.inner.get_info()
    }
}

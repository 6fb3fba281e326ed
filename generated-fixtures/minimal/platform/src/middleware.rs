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

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Instant;

use futures::FutureExt;
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
use rmcp::service::{MaybeSendFuture, NotificationContext, RequestContext, SubscriptionContext};
use rmcp::{ErrorData, RoleServer, ServerHandler};
use tracing::Instrument;

use super::context::LogLevel;
use super::errors;
use super::identity::Identity;
use super::layers::{Core, codes};
use super::notify::SessionSlot;

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Proof that the handler ran and answered; its result travels to the transport on its own.
/// Only the end of the stack makes one, so a middleware either runs the rest of the stack or
/// refuses the request with an error.
#[derive(Debug)]
pub struct Reply(());

/// What the layers learn about a request; handlers read it from the request context.
#[derive(Debug, Clone)]
pub struct RequestInfo {
    /// Unique per request; in every log line and every masked error.
    pub request_id: String,
    /// Who is calling (anonymous until authentication runs, or when it is off).
    pub identity: Identity,
    /// The level the client set for its session with `logging/setLevel` (2025-11-25), for
    /// [`Context::log`](crate::context::Context::log).
    pub(crate) client_log_level: Option<LogLevel>,
}

impl RequestInfo {
    pub fn new(request_id: String, identity: Identity) -> Self {
        Self {
            request_id,
            identity,
            client_log_level: None,
        }
    }
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
    /// Whether the HTTP layer already counted the request against the principal's limit.
    pub(super) principal_counted: bool,
}

impl Call {
    /// The HTTP request this call arrived in, if it came over HTTP.
    #[cfg(feature = "http")]
    pub fn http(&self) -> Option<&axum::http::request::Parts> {
        self.context
            .as_ref()?
            .extensions
            .get::<axum::http::request::Parts>()
    }

    #[cfg(feature = "http")]
    pub(super) fn http_mut(&mut self) -> Option<&mut axum::http::request::Parts> {
        self.context
            .as_mut()?
            .extensions
            .get_mut::<axum::http::request::Parts>()
    }

    /// Moves the request context out for the handler, with the request info in its
    /// extensions (where tools read it with `Extension<RequestInfo>`).
    fn context_for_handler(&mut self) -> Result<RequestContext<RoleServer>, ErrorData> {
        let mut context = self.context.take().ok_or_else(twice)?;
        context.extensions.insert(self.info.clone());
        Ok(context)
    }
}

/// A layer of the stack.
///
/// Most middleware only needs [`before`](Self::before) (look at the call, add to `call.info`,
/// or refuse it) and [`after`](Self::after) (time it, log it): implement those and return
/// `false` from [`wraps`](Self::wraps), and the stack calls them directly. Middleware that must
/// await around the rest of the stack (a permit, a lookup) overrides [`handle`](Self::handle)
/// instead, which calls `next.run(call)` once or returns an error; that costs a boxed future
/// per request.
pub trait Middleware: Send + Sync + 'static {
    /// A short name, for logs and for placing team middleware.
    fn name(&self) -> &'static str;

    /// Before the rest of the stack; an error refuses the request, and the rest does not run.
    fn before(&self, _call: &mut Call) -> Result<(), ErrorData> {
        Ok(())
    }

    /// Once the rest of the stack has answered, or refused with `error`.
    fn after(&self, _call: &Call, _error: Option<&ErrorData>) {}

    /// Whether the stack must call [`handle`](Self::handle) (true unless the middleware says
    /// it only has `before` and `after`).
    fn wraps(&self) -> bool {
        true
    }

    /// Around the rest of the stack. The default runs `before`, the rest and `after`.
    fn handle<'a>(
        &'a self,
        call: &'a mut Call,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<Reply, ErrorData>> {
        Box::pin(async move {
            self.before(call)?;
            let result = next.run(call).await;
            self.after(call, result.as_ref().err());
            result
        })
    }
}

/// The end of the stack: runs the handler once and keeps its result for [`Stack::run`].
trait Endpoint: Send {
    fn answer(
        &mut self,
        context: RequestContext<RoleServer>,
    ) -> BoxFuture<'_, Result<Reply, ErrorData>>;
}

/// The server's method for one request: called once with the request context.
trait Respond<T>: Send {
    fn respond(
        self,
        context: RequestContext<RoleServer>,
    ) -> impl Future<Output = Result<T, ErrorData>> + Send;
}

impl<T, F, Fut> Respond<T> for F
where
    F: FnOnce(RequestContext<RoleServer>) -> Fut + Send,
    Fut: Future<Output = Result<T, ErrorData>> + Send,
{
    fn respond(
        self,
        context: RequestContext<RoleServer>,
    ) -> impl Future<Output = Result<T, ErrorData>> + Send {
        self(context)
    }
}

/// The handler and the place its result goes, both owned by the request's future.
struct Handler<'s, T, F> {
    handler: &'s mut Option<F>,
    result: &'s mut Option<T>,
}

impl<T: Send, F: Respond<T>> Endpoint for Handler<'_, T, F> {
    fn answer(
        &mut self,
        context: RequestContext<RoleServer>,
    ) -> BoxFuture<'_, Result<Reply, ErrorData>> {
        let handler = self.handler.take();
        let result = &mut *self.result;
        Box::pin(async move {
            *result = Some(handler.ok_or_else(twice)?.respond(context).await?);
            Ok(Reply(()))
        })
    }
}

/// What a cancelled request ends with, for the log and metrics (rmcp sends no answer).
fn cancelled() -> ErrorData {
    ErrorData::new(codes::CANCELLED, "request cancelled", None)
}

/// The error when a middleware runs the rest of the stack a second time.
fn twice() -> ErrorData {
    ErrorData::internal_error("a middleware called the rest of the stack twice", None)
}

/// The rest of the stack, ending in the handler.
pub struct Next<'a> {
    rest: &'a [Arc<dyn Middleware>],
    endpoint: &'a mut (dyn Endpoint + 'a),
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
            None => match call.context_for_handler() {
                Ok(context) => self.endpoint.answer(context),
                Err(error) => Box::pin(std::future::ready(Err(error))),
            },
        }
    }
}

/// The platform's layers (in one future: [`Core`]) and then the team's middleware, in order.
/// Cloning is cheap.
#[derive(Clone)]
pub struct Stack {
    core: Arc<Core>,
    team: Arc<[Arc<dyn Middleware>]>,
    /// How many of the team's middleware, from the first, only have `before` and `after`.
    hooks: usize,
}

impl std::fmt::Debug for Stack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Stack").field(&self.names()).finish()
    }
}

impl Stack {
    /// The platform's layers, then `team`'s.
    pub fn new(core: Core, team: Vec<Arc<dyn Middleware>>) -> Self {
        let hooks = team.iter().take_while(|m| !m.wraps()).count();
        Self {
            core: Arc::new(core),
            team: team.into(),
            hooks,
        }
    }

    /// Largest `initialize` parameters accepted over HTTP.
    pub fn max_initialize_bytes(&self) -> usize {
        self.core.max_initialize_bytes()
    }

    /// The layer names, outermost first.
    pub fn names(&self) -> Vec<&'static str> {
        let mut names = self.core.names();
        names.extend(self.team.iter().map(|l| l.name()));
        names
    }

    /// Runs `handler` inside every layer.
    ///
    /// The platform's layers run as plain code in one boxed future (a future and a virtual
    /// call per layer cost more than most layers' work); the team's middleware keeps the
    /// [`Middleware`] interface.
    pub fn run<'a, T, F, Fut>(
        &'a self,
        method: &'static str,
        target: Option<String>,
        context: RequestContext<RoleServer>,
        handler: F,
    ) -> BoxFuture<'a, Result<T, ErrorData>>
    where
        T: Send + 'a,
        F: FnOnce(RequestContext<RoleServer>) -> Fut + Send + 'a,
        Fut: Future<Output = Result<T, ErrorData>> + Send + 'a,
    {
        self.run_in_session(method, target, context, None, handler)
    }

    /// [`Stack::run`] for a request of a session whose client chose `client_log_level`.
    ///
    /// When the request is cancelled (`notifications/cancelled`, the client gone, the shutdown
    /// deadline), the rest of the stack and the handler are dropped at their next `await`:
    /// rmcp only cancels the token, and drops the answer.
    pub fn run_in_session<'a, T, F, Fut>(
        &'a self,
        method: &'static str,
        target: Option<String>,
        context: RequestContext<RoleServer>,
        client_log_level: Option<LogLevel>,
        handler: F,
    ) -> BoxFuture<'a, Result<T, ErrorData>>
    where
        T: Send + 'a,
        F: FnOnce(RequestContext<RoleServer>) -> Fut + Send + 'a,
        Fut: Future<Output = Result<T, ErrorData>> + Send + 'a,
    {
        let cancel = context.ct.clone();
        let mut call = Call {
            method,
            target,
            started: Instant::now(),
            info: RequestInfo {
                request_id: String::new(),
                identity: Identity::unknown(),
                client_log_level,
            },
            context: Some(context),
            principal_counted: false,
        };
        let mut handler = Some(handler);
        // The steps in order: in-flight tracking → request id → (a span, when exporting) →
        // logging and metrics → authentication → rate limits → error masking → the team's
        // middleware → handler. Each is a method of [`Core`].
        //
        // An async block, not an `async fn`: it keeps the call and the handler where they were
        // captured, and the inner steps take them by reference. (An `async fn` holds each
        // argument twice, and each level of nesting would copy them again.)
        Box::pin(async move {
            let core = &*self.core;
            let _in_flight = core.enter();
            core.assign_request_id(&mut call);
            let span = core.span(&call);
            let observed = async {
                // The request first: a request that answers at once never waits on the token.
                let result = tokio::select! {
                    biased;
                    result = self.guarded(&mut call, &mut handler) => result,
                    () = cancel.cancelled() => Err(cancelled()),
                };
                core.observe(&call, result.as_ref().err());
                result
            };
            match span {
                None => observed.await,
                Some(span) => {
                    let result = observed.instrument(span.clone()).await;
                    core.close_span(&span, &call, result.as_ref().err());
                    result
                }
            }
        })
    }

    /// Authentication, rate limits, then the rest inside error masking.
    async fn guarded<T: Send, F: Respond<T>>(
        &self,
        call: &mut Call,
        handler: &mut Option<F>,
    ) -> Result<T, ErrorData> {
        self.core.authenticate(call).await?;
        self.core.limit(call).await?;
        let scope = errors::RequestScope::new(&call.info.request_id);
        // The rest of the chain is built inside the guarded future, so a layer that panics
        // while starting is caught too.
        let work = AssertUnwindSafe(self.innermost(call, handler)).catch_unwind();
        let outcome = errors::with_request_id(scope, work).await;
        self.core.mask(call, outcome)
    }

    /// The team's middleware and the handler (whose future is boxed: it is the largest, and
    /// every enclosing future would otherwise carry it). Middleware that only has `before` and
    /// `after` is called directly up to the first one that wraps the rest.
    async fn innermost<T: Send, F: Respond<T>>(
        &self,
        call: &mut Call,
        handler: &mut Option<F>,
    ) -> Result<T, ErrorData> {
        let (hooks, rest) = self.team.split_at(self.hooks);
        for (entered, layer) in hooks.iter().enumerate() {
            if let Err(error) = layer.before(call) {
                for outer in hooks[..entered].iter().rev() {
                    outer.after(call, Some(&error));
                }
                return Err(error);
            }
        }
        let result = self.wrapped(rest, call, handler).await;
        for layer in hooks.iter().rev() {
            layer.after(call, result.as_ref().err());
        }
        result
    }

    /// `rest` of the team's middleware (starting with one that wraps, if any) and the handler.
    async fn wrapped<T: Send, F: Respond<T>>(
        &self,
        rest: &[Arc<dyn Middleware>],
        call: &mut Call,
        handler: &mut Option<F>,
    ) -> Result<T, ErrorData> {
        if rest.is_empty() {
            let handler = handler.take().ok_or_else(twice)?;
            return Box::pin(handler.respond(call.context_for_handler()?)).await;
        }
        let mut result = None;
        let mut endpoint = Handler {
            handler,
            result: &mut result,
        };
        let next = Next {
            rest,
            endpoint: &mut endpoint,
        };
        next.run(call).await?;
        result.ok_or_else(|| {
            ErrorData::internal_error(
                format!(
                    "the middleware stack answered {} without its handler",
                    call.method
                ),
                None,
            )
        })
    }
}

/// The server wrapped in the stack: what the transports serve.
///
/// One value serves one session (rmcp shares it between the session's requests; the HTTP
/// transport clones a fresh one per session, and per request when stateless), so it keeps the
/// session's state: the log level the client set, and its place in the registry of sessions
/// ([`crate::notify`]), which it leaves when the session ends and rmcp drops this value.
pub struct Platform<H> {
    inner: H,
    stack: Stack,
    session: SessionLogLevel,
    slot: SessionSlot,
}

impl<H: Clone> Clone for Platform<H> {
    /// A new session's server: the same handler and stack, nothing the last session set.
    fn clone(&self) -> Self {
        Self::new(self.inner.clone(), self.stack.clone())
    }
}

impl<H> Platform<H> {
    pub fn new(inner: H, stack: Stack) -> Self {
        Self {
            inner,
            stack,
            session: SessionLogLevel::default(),
            slot: SessionSlot::default(),
        }
    }

    pub fn inner(&self) -> &H {
        &self.inner
    }

    pub fn stack(&self) -> &Stack {
        &self.stack
    }
}

/// The level a session's client set with `logging/setLevel` (a byte: no lock, no allocation).
#[derive(Debug, Default)]
struct SessionLogLevel(AtomicU8);

impl SessionLogLevel {
    const LEVELS: [LogLevel; 8] = [
        LogLevel::Debug,
        LogLevel::Info,
        LogLevel::Notice,
        LogLevel::Warning,
        LogLevel::Error,
        LogLevel::Critical,
        LogLevel::Alert,
        LogLevel::Emergency,
    ];

    fn get(&self) -> Option<LogLevel> {
        let stored = self.0.load(Ordering::Relaxed);
        Self::LEVELS
            .get(usize::from(stored).checked_sub(1)?)
            .copied()
    }

    fn set(&self, level: LogLevel) {
        let index = Self::LEVELS.iter().position(|l| *l == level).unwrap_or(0);
        self.0.store(index as u8 + 1, Ordering::Relaxed);
    }
}

/// Request methods with parameters: run through the stack. Plain functions returning the
/// stack's future (no `async fn` around it, which would hold the request twice).
macro_rules! through_stack {
    ($($name:ident($param:ty) -> $out:ty, $method:literal, $target:expr;)*) => {$(
        fn $name(
            &self,
            request: $param,
            context: RequestContext<RoleServer>,
        ) -> impl Future<Output = Result<$out, ErrorData>> + MaybeSendFuture + '_ {
            let target: Option<String> = ($target)(&request);
            self.stack.run_in_session(
                $method,
                target,
                context,
                self.session.get(),
                move |ctx| self.inner.$name(request, ctx),
            )
        }
    )*};
}

fn none<T>(_: &T) -> Option<String> {
    None
}

/// The length of `value` as JSON, without building it.
fn encoded_len(value: &impl serde::Serialize) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

#[allow(deprecated)] // logging/setLevel and resources/(un)subscribe are deprecated in rmcp 3.11
impl<H: ServerHandler + Clone> ServerHandler for Platform<H> {
    through_stack! {
        complete(CompleteRequestParams) -> CompleteResult, "completion/complete", none;
        get_prompt(GetPromptRequestParams) -> GetPromptResponse, "prompts/get",
            |r: &GetPromptRequestParams| Some(r.name.to_string());
        list_prompts(Option<PaginatedRequestParams>) -> ListPromptsResult, "prompts/list", none;
        list_resources(Option<PaginatedRequestParams>) -> ListResourcesResult, "resources/list", none;
        list_resource_templates(Option<PaginatedRequestParams>) -> ListResourceTemplatesResult,
            "resources/templates/list", none;
        read_resource(ReadResourceRequestParams) -> ReadResourceResponse, "resources/read",
            |r: &ReadResourceRequestParams| Some(r.uri.to_string());
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

    /// The handler finds the session's slot in the request context (see [`crate::notify`]).
    fn subscribe(
        &self,
        request: SubscribeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> impl Future<Output = Result<(), ErrorData>> + MaybeSendFuture + '_ {
        let target = Some(request.uri.clone());
        self.stack.run_in_session(
            "resources/subscribe",
            target,
            context,
            self.session.get(),
            move |mut ctx| {
                ctx.extensions.insert(self.slot.clone());
                self.inner.subscribe(request, ctx)
            },
        )
    }

    fn unsubscribe(
        &self,
        request: UnsubscribeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> impl Future<Output = Result<(), ErrorData>> + MaybeSendFuture + '_ {
        let target = Some(request.uri.clone());
        self.stack.run_in_session(
            "resources/unsubscribe",
            target,
            context,
            self.session.get(),
            move |mut ctx| {
                ctx.extensions.insert(self.slot.clone());
                self.inner.unsubscribe(request, ctx)
            },
        )
    }

    /// Keeps the level for the session's later requests ([`crate::context::Context::log`])
    /// once the stack admitted the request and the handler accepted it.
    fn set_level(
        &self,
        request: SetLevelRequestParams,
        context: RequestContext<RoleServer>,
    ) -> impl Future<Output = Result<(), ErrorData>> + MaybeSendFuture + '_ {
        let level = LogLevel::from(request.level);
        self.stack.run_in_session(
            "logging/setLevel",
            None,
            context,
            self.session.get(),
            move |ctx| async move {
                self.inner.set_level(request, ctx).await?;
                self.session.set(level);
                Ok(())
            },
        )
    }

    /// Over HTTP, `initialize` parameters (which a session keeps for its lifetime) larger than
    /// `HTTP_MAX_INITIALIZE_BYTES` are refused, and the session ends with the failed handshake.
    fn initialize(
        &self,
        request: InitializeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> impl Future<Output = Result<InitializeResult, ErrorData>> + MaybeSendFuture + '_ {
        let limit = self.stack.max_initialize_bytes();
        #[cfg(feature = "http")]
        let over_http = context
            .extensions
            .get::<axum::http::request::Parts>()
            .is_some();
        #[cfg(not(feature = "http"))]
        let over_http = false;
        let oversized = over_http && encoded_len(&request) > limit;
        self.stack
            .run("initialize", None, context, move |ctx| async move {
                if oversized {
                    return Err(ErrorData::invalid_params(
                        format!("initialize parameters over {limit} bytes"),
                        None,
                    ));
                }
                self.inner.initialize(request, ctx).await
            })
    }

    fn ping(
        &self,
        context: RequestContext<RoleServer>,
    ) -> impl Future<Output = Result<(), ErrorData>> + MaybeSendFuture + '_ {
        self.stack
            .run("ping", None, context, move |ctx| self.inner.ping(ctx))
    }

    fn discover(
        &self,
        context: RequestContext<RoleServer>,
    ) -> impl Future<Output = Result<DiscoverResult, ErrorData>> + MaybeSendFuture + '_ {
        self.stack
            .run("server/discover", None, context, move |ctx| {
                self.inner.discover(ctx)
            })
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

    /// `subscriptions/listen` is admitted by the stack (authentication, rate limits, logging,
    /// team middleware) like any request; the subscription itself then runs outside it, so a
    /// long-lived listen does not count as in flight and hold up a graceful shutdown.
    async fn listen(&self, context: SubscriptionContext) -> Result<(), ErrorData> {
        let request = context.request_context().clone();
        self.stack
            .run("subscriptions/listen", None, request, |_| async { Ok(()) })
            .await?;
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

    /// The session starts: the handler puts it in the registry of sessions.
    async fn on_initialized(&self, mut context: NotificationContext<RoleServer>) {
        context.extensions.insert(self.slot.clone());
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

//! The in-memory test harness: a real MCP client connected to the real server in one process.
//!
//! Guarantees: requests go through the same middleware stack, handler, error masking and
//! protocol code as in production, over an in-memory pipe — no ports, no child processes,
//! milliseconds per test. [`Harness::as_http_client`] makes every request carry HTTP request
//! parts with the given headers, exactly as the HTTP transport delivers them, so auth, scopes
//! and request ids are tested without a socket. The server task stops when the harness is
//! dropped.
//!
//! The client side of the request context: the harness records every progress and log
//! notification the server sends ([`Harness::progress`], [`Harness::logs`]) before the answer
//! they preceded is delivered, sets the session's log level ([`Harness::set_log_level`]), and
//! starts calls it can cancel ([`Harness::start_call`]). rmcp's client asks for progress on every
//! request, so `Context::progress` always reports here.
//!
//! It also answers the server's questions (`Context::elicit`, `sample`, `roots`) from a script
//! ([`Harness::answer_elicitation`], [`Harness::answer_sampling`], [`Harness::set_roots`]),
//! recording each question ([`Harness::asked`]), in both eras: in 2026-07-28
//! ([`Harness::modern`]) rmcp's client fulfils each `InputRequiredResult` from the same script
//! and retries the call, so a tool that asks is tested like one that does not. By default the
//! harness declares elicitation (forms), sampling and roots;
//! [`Harness::with_client_capabilities`] declares others. A question with no scripted answer
//! fails with an error that says so.
//! Subscriptions: the harness subscribes and unsubscribes ([`Harness::subscribe`],
//! [`Harness::unsubscribe`]; as a 2026-07-28 client, [`Harness::listen`]) and records every
//! `notifications/resources/updated` ([`Harness::updates`]) and list change
//! ([`Harness::list_changes`]) it receives, on a session or a listen request alike.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[cfg(feature = "http")]
use rmcp::model::GetExtensions;
#[allow(deprecated)] // logging is deprecated by SEP-2577 but still part of both eras
use rmcp::model::SetLevelRequestParams;
#[allow(deprecated)]
// sampling and roots are deprecated by SEP-2577 but still part of both eras
use rmcp::model::{
    CallToolRequest, CallToolRequestParams, CallToolResult, ClientCapabilities, ClientInfo,
    ClientRequest, CreateMessageRequestParams, CreateMessageResult, ElicitRequestParams,
    ElicitResult, ElicitationAction, GetPromptRequestParams, Implementation, JsonRpcMessage,
    ListRootsResult, ProgressNotificationParam, ProtocolVersion, ReadResourceRequestParams,
    RequestMetaObject, ResourceContents, Role, Root, SamplingMessage, ServerNotification,
    ServerResult, SubscribeRequestParams, SubscriptionFilter, Tool, UnsubscribeRequestParams,
};
use rmcp::service::{
    ClientLifecycleMode, ClientServiceExt, Peer, PeerRequestOptions, RequestContext, RequestHandle,
    RunningService, Subscription,
};
use rmcp::service::{RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::{IntoTransport, Transport};
use rmcp::{ClientHandler, ErrorData, RoleClient, RoleServer, ServiceExt};

use super::config::Settings;
use super::context::LogLevel;
use super::errors::lock;

/// HTTP request parts, as the Streamable HTTP transport attaches them to each request.
#[cfg(feature = "http")]
type Parts = axum::http::request::Parts;
/// Without the HTTP transport, requests never carry HTTP parts.
#[cfg(not(feature = "http"))]
type Parts = std::convert::Infallible;
use super::{App, Project};

/// A connected client; see the tests in the team's `src/tools/` for use.
pub struct Harness {
    client: RunningService<RoleClient, Scripted>,
    server: tokio::task::JoinHandle<()>,
    received: Arc<Received>,
    script: Arc<Script>,
}

/// A question the server asked the client.
#[allow(deprecated)] // sampling is deprecated by SEP-2577 but still part of both eras
#[derive(Debug, Clone)]
pub enum Asked {
    /// `elicitation/create`: a question to the user.
    Elicitation(ElicitRequestParams),
    /// `sampling/createMessage`: a completion from the client's model.
    Sampling(CreateMessageRequestParams),
    /// `roots/list`.
    Roots,
}

/// The answers a test scripted, in order, and the questions asked so far.
#[derive(Default)]
#[allow(deprecated)] // sampling and roots are deprecated by SEP-2577 but still part of both eras
struct Script {
    elicitations: Mutex<VecDeque<ElicitResult>>,
    samples: Mutex<VecDeque<CreateMessageResult>>,
    roots: Mutex<Vec<Root>>,
    asked: Mutex<Vec<Asked>>,
}

/// The client the harness plays: what it declares, and the scripted answers.
#[derive(Clone)]
struct Scripted {
    script: Arc<Script>,
    capabilities: ClientCapabilities,
}

fn unscripted(what: &str, how: &str) -> ErrorData {
    ErrorData::internal_error(
        format!("the harness has no scripted answer for {what}: call Harness::{how} first"),
        None,
    )
}

#[allow(deprecated)] // sampling and roots are deprecated by SEP-2577 but still part of both eras
impl ClientHandler for Scripted {
    async fn create_elicitation(
        &self,
        request: ElicitRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, ErrorData> {
        lock(&self.script.asked).push(Asked::Elicitation(request));
        lock(&self.script.elicitations)
            .pop_front()
            .ok_or_else(|| unscripted("elicitation/create", "answer_elicitation"))
    }

    async fn create_message(
        &self,
        request: CreateMessageRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<CreateMessageResult, ErrorData> {
        lock(&self.script.asked).push(Asked::Sampling(request));
        lock(&self.script.samples)
            .pop_front()
            .ok_or_else(|| unscripted("sampling/createMessage", "answer_sampling"))
    }

    async fn list_roots(
        &self,
        _context: RequestContext<RoleClient>,
    ) -> Result<ListRootsResult, ErrorData> {
        lock(&self.script.asked).push(Asked::Roots);
        Ok(ListRootsResult::new(lock(&self.script.roots).clone()))
    }

    fn get_info(&self) -> ClientInfo {
        ClientInfo::new(
            self.capabilities.clone(),
            Implementation::new("platform-harness", env!("CARGO_PKG_VERSION")),
        )
    }
}

/// What the harness's client declares unless told otherwise: elicitation (forms), sampling
/// and roots.
#[allow(deprecated)] // sampling and roots are deprecated by SEP-2577 but still part of both eras
pub fn full_client_capabilities() -> ClientCapabilities {
    ClientCapabilities::builder()
        .enable_elicitation()
        .enable_sampling()
        .enable_roots()
        .build()
}

/// A log message the server sent to the client (`notifications/message`).
#[derive(Debug, Clone, PartialEq)]
pub struct ClientLog {
    pub level: LogLevel,
    /// The logger the server named (the server's name for messages from `Context::log`).
    pub logger: Option<String>,
    /// The message: its text when it is a JSON string, else the JSON.
    pub message: String,
}

/// Which list a `notifications/*/list_changed` said changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListChanged {
    Tools,
    Prompts,
    Resources,
}

/// The notifications received so far, in order, and a signal for those waiting on them.
#[derive(Default)]
struct Received {
    progress: Mutex<Vec<ProgressNotificationParam>>,
    logs: Mutex<Vec<ClientLog>>,
    /// The URIs of `notifications/resources/updated`.
    updates: Mutex<Vec<String>>,
    list_changes: Mutex<Vec<ListChanged>>,
    arrived: tokio::sync::Notify,
}

impl Received {
    fn record(&self, notification: &ServerNotification) {
        match notification {
            ServerNotification::ProgressNotification(n) => {
                lock(&self.progress).push(n.params.clone());
            }
            #[allow(deprecated)] // logging is deprecated by SEP-2577 but still part of both eras
            ServerNotification::LoggingMessageNotification(n) => {
                let message = match &n.params.data {
                    serde_json::Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                lock(&self.logs).push(ClientLog {
                    level: n.params.level.into(),
                    logger: n.params.logger.clone(),
                    message,
                });
            }
            ServerNotification::ResourceUpdatedNotification(n) => {
                lock(&self.updates).push(n.params.uri.clone());
            }
            ServerNotification::ToolListChangedNotification(_) => {
                lock(&self.list_changes).push(ListChanged::Tools);
            }
            ServerNotification::PromptListChangedNotification(_) => {
                lock(&self.list_changes).push(ListChanged::Prompts);
            }
            ServerNotification::ResourceListChangedNotification(_) => {
                lock(&self.list_changes).push(ListChanged::Resources);
            }
            _ => return,
        }
        self.arrived.notify_waiters();
    }
}

/// A tool call in flight, started with [`Harness::start_call`].
#[derive(Debug)]
pub struct PendingCall {
    name: String,
    handle: RequestHandle<RoleClient>,
}

impl PendingCall {
    /// Waits for the answer. Protocol errors panic with the error.
    pub async fn result(self) -> CallToolResult {
        match self.handle.await_response().await {
            Ok(ServerResult::CallToolResult(result)) => result,
            Ok(other) => panic!("tools/call {} answered {other:?}", self.name),
            Err(error) => panic!("tools/call {} failed: {error}", self.name),
        }
    }

    /// Cancels the call (`notifications/cancelled`), as a client does when its user gives up.
    /// The server sends no answer to a cancelled call.
    pub async fn cancel(self) {
        self.handle
            .cancel(Some("cancelled by the test".into()))
            .await
            .unwrap_or_else(|e| panic!("cancelling tools/call {} failed: {e}", self.name));
    }
}

impl std::fmt::Debug for Harness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Harness").finish_non_exhaustive()
    }
}

impl Harness {
    /// Connects to `project`'s server with default settings.
    pub async fn start(project: &Project) -> Self {
        Self::with_app(test_app(project, Settings::defaults())).await
    }

    /// Connects to `app` as a local (stdio-like) client.
    pub async fn with_app(app: App) -> Self {
        Self::connect(app, None).await
    }

    /// Connects to `app` as a client that declares `capabilities` (say, none: a client that
    /// cannot answer questions); `modern`: as a 2026-07-28 client (see [`Harness::modern`]).
    pub async fn with_client_capabilities(
        app: App,
        capabilities: ClientCapabilities,
        modern: bool,
    ) -> Self {
        let lifecycle = modern.then(|| ClientLifecycleMode::Discover {
            preferred_versions: vec![ProtocolVersion::V_2026_07_28],
        });
        Self::try_connect_with(app, None, lifecycle, capabilities)
            .await
            .unwrap_or_else(|e| panic!("the handshake was refused: {e:?}"))
    }

    /// Like [`Harness::with_app`], returning the error if `initialize` is refused.
    pub async fn try_with_app(app: App) -> Result<Self, rmcp::ErrorData> {
        Self::try_connect(app, None).await
    }

    /// Connects to `app` as a 2026-07-28 client: `server/discover` instead of `initialize`, and
    /// every request self-contained (protocol version, capabilities and client info in its
    /// `_meta`), as a stateless HTTP client speaks.
    pub async fn modern(app: App) -> Self {
        let lifecycle = ClientLifecycleMode::Discover {
            preferred_versions: vec![ProtocolVersion::V_2026_07_28],
        };
        Self::try_connect_with(app, None, Some(lifecycle), full_client_capabilities())
            .await
            .unwrap_or_else(|e| panic!("server/discover was refused: {e:?}"))
    }

    /// Connects to `app` as an HTTP client would: every request carries HTTP request parts
    /// with these headers (such as `authorization` and `x-request-id`).
    #[cfg(feature = "http")]
    pub async fn as_http_client(app: App, headers: &[(&str, &str)]) -> Self {
        Self::try_as_http_client(app, headers)
            .await
            .unwrap_or_else(|e| panic!("initialize was refused: {e:?}"))
    }

    /// Like [`Harness::as_http_client`], returning the error if `initialize` is refused.
    #[cfg(feature = "http")]
    pub async fn try_as_http_client(
        app: App,
        headers: &[(&str, &str)],
    ) -> Result<Self, rmcp::ErrorData> {
        let mut request = axum::http::Request::builder().method("POST").uri("/mcp");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let (parts, ()) = request.body(()).expect("valid headers").into_parts();
        Self::try_connect(app, Some(parts)).await
    }

    async fn connect(app: App, parts: Option<Parts>) -> Self {
        Self::try_connect(app, parts)
            .await
            .unwrap_or_else(|e| panic!("initialize was refused: {e:?}"))
    }

    async fn try_connect(app: App, parts: Option<Parts>) -> Result<Self, rmcp::ErrorData> {
        Self::try_connect_with(app, parts, None, full_client_capabilities()).await
    }

    async fn try_connect_with(
        app: App,
        parts: Option<Parts>,
        lifecycle: Option<ClientLifecycleMode>,
        capabilities: ClientCapabilities,
    ) -> Result<Self, rmcp::ErrorData> {
        let (client_io, server_io) = tokio::io::duplex(64 * 1024);
        let server = tokio::spawn(async move {
            let transport = IntoTransport::<RoleServer, _, _>::into_transport(server_io);
            #[cfg(feature = "http")]
            let transport = WithParts {
                inner: transport,
                parts,
            };
            #[cfg(not(feature = "http"))]
            let _: Option<Parts> = parts;
            if let Ok(running) = app.server.serve(transport).await {
                let _ = running.waiting().await;
            }
        });
        let received = Arc::new(Received::default());
        let client_io = Recording {
            inner: IntoTransport::<RoleClient, _, _>::into_transport(client_io),
            received: received.clone(),
        };
        let script = Arc::new(Script::default());
        let client = Scripted {
            script: script.clone(),
            capabilities,
        };
        let connected = match lifecycle {
            None => client.serve(client_io).await,
            Some(lifecycle) => client.serve_with_lifecycle(client_io, lifecycle).await,
        };
        match connected {
            Ok(client) => Ok(Self {
                client,
                server,
                received,
                script,
            }),
            Err(rmcp::service::ClientInitializeError::JsonRpcError(error)) => Err(error),
            Err(other) => panic!("the in-memory client could not connect: {other}"),
        }
    }

    /// The client's side of the connection, for requests the helpers below do not cover.
    pub fn peer(&self) -> &Peer<RoleClient> {
        self.client.peer()
    }

    /// Calls a tool with JSON arguments (in 2026-07-28, answering its questions and retrying,
    /// as clients do). Protocol errors (unknown tool, malformed request) panic with the error:
    /// tests that expect one should use [`Harness::try_call_tool`].
    pub async fn call_tool(&self, name: &str, arguments: serde_json::Value) -> CallToolResult {
        self.try_call_tool(name, arguments)
            .await
            .unwrap_or_else(|e| panic!("tools/call {name} failed: {e}"))
    }

    /// [`Harness::call_tool`], returning the protocol error instead of panicking.
    pub async fn try_call_tool(
        &self,
        name: &str,
        arguments: serde_json::Value,
    ) -> Result<CallToolResult, rmcp::service::ServiceError> {
        let mut params = CallToolRequestParams::new(name.to_string());
        if let serde_json::Value::Object(map) = arguments {
            params = params.with_arguments(map);
        }
        self.client.call_tool(params).await
    }

    /// Scripts the answer to the next question to the user (`elicitation/create`).
    pub fn answer_elicitation(&self, answer: ElicitResult) {
        lock(&self.script.elicitations).push_back(answer);
    }

    /// Scripts the user accepting the next question with `content`.
    pub fn accept_elicitation(&self, content: serde_json::Value) {
        self.answer_elicitation(ElicitResult::new(ElicitationAction::Accept).with_content(content));
    }

    /// Scripts the user declining the next question.
    pub fn decline_elicitation(&self) {
        self.answer_elicitation(ElicitResult::new(ElicitationAction::Decline));
    }

    /// Scripts the client's model answering the next sampling request with `text`.
    #[allow(deprecated)] // sampling is deprecated by SEP-2577 but still part of both eras
    pub fn answer_sampling(&self, text: &str) {
        let message = SamplingMessage::new(
            Role::Assistant,
            rmcp::model::SamplingMessageContentBlock::text(text),
        );
        lock(&self.script.samples)
            .push_back(CreateMessageResult::new(message, "harness-model".into()));
    }

    /// Sets the roots the client reports (`roots/list`).
    #[allow(deprecated)] // roots are deprecated by SEP-2577 but still part of both eras
    pub fn set_roots(&self, roots: Vec<Root>) {
        *lock(&self.script.roots) = roots;
    }

    /// Connects to `app` as a client that also declares the tasks extension: tools that run as
    /// tasks answer [`Harness::start_task`] with a task.
    pub async fn with_task_support(app: App) -> Self {
        let mut capabilities = full_client_capabilities();
        capabilities
            .extensions
            .get_or_insert_with(Default::default)
            .insert(
                rmcp::model::TASKS_EXTENSION_ID.to_string(),
                Default::default(),
            );
        Self::with_client_capabilities(app, capabilities, false).await
    }

    /// Calls a tool that runs as a task and returns the task's id (panics if the server answers
    /// anything but a task).
    pub async fn start_task(&self, name: &str, arguments: serde_json::Value) -> String {
        let mut params = CallToolRequestParams::new(name.to_string());
        if let serde_json::Value::Object(map) = arguments {
            params = params.with_arguments(map);
        }
        match self.peer().call_tool_once(params).await {
            Ok(rmcp::model::CallToolResponse::Task(created)) => created.task.task_id,
            other => panic!("tools/call {name} did not start a task: {other:?}"),
        }
    }

    /// The task's current state (`tasks/get`).
    pub async fn task(
        &self,
        id: &str,
    ) -> Result<rmcp::model::DetailedTask, rmcp::service::ServiceError> {
        let params = rmcp::model::GetTaskParams::new(id);
        Ok(self.peer().get_task(params).await?.task)
    }

    /// Polls the task until it leaves `working` (panics after 5 s): its final state, or
    /// `input_required` with the questions it waits on.
    pub async fn wait_for_task(&self, id: &str) -> rmcp::model::DetailedTask {
        let waited = tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                let task = self
                    .task(id)
                    .await
                    .unwrap_or_else(|e| panic!("tasks/get {id} failed: {e}"));
                if task.task.status != rmcp::model::TaskStatus::Working {
                    return task;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await;
        waited.unwrap_or_else(|_| panic!("task {id} was still working after 5 s"))
    }

    /// Answers the task's questions (`tasks/update`), by their keys.
    pub async fn answer_task(&self, id: &str, answers: rmcp::model::InputResponses) {
        let params = rmcp::model::UpdateTaskParams::new(id, answers);
        self.peer()
            .update_task(params)
            .await
            .unwrap_or_else(|e| panic!("tasks/update {id} failed: {e}"));
    }

    /// Asks the server to cancel the task (`tasks/cancel`).
    pub async fn cancel_task(&self, id: &str) -> Result<(), rmcp::service::ServiceError> {
        let params = rmcp::model::CancelTaskParams::new(id);
        self.peer().cancel_task(params).await
    }

    /// Every question the server asked the client so far, in order.
    pub fn asked(&self) -> Vec<Asked> {
        lock(&self.script.asked).clone()
    }

    /// Starts a tool call without waiting for its answer: cancel it, or wait for its result.
    pub async fn start_call(&self, name: &str, arguments: serde_json::Value) -> PendingCall {
        self.start_call_with(name, arguments, PeerRequestOptions::no_options())
            .await
    }

    /// Calls a tool asking for log messages from `level` up in the request's own metadata
    /// (`io.modelcontextprotocol/logLevel`), as 2026-07-28 clients do (see [`Harness::modern`]).
    pub async fn call_tool_logging(
        &self,
        name: &str,
        arguments: serde_json::Value,
        level: LogLevel,
    ) -> CallToolResult {
        let mut meta = RequestMetaObject::new();
        #[allow(deprecated)] // logging is deprecated by SEP-2577 but still part of 2026-07-28
        meta.set_log_level(level.into());
        self.start_call_with(
            name,
            arguments,
            PeerRequestOptions::no_options().with_meta(meta),
        )
        .await
        .result()
        .await
    }

    async fn start_call_with(
        &self,
        name: &str,
        arguments: serde_json::Value,
        options: PeerRequestOptions,
    ) -> PendingCall {
        let mut params = CallToolRequestParams::new(name.to_string());
        if let serde_json::Value::Object(map) = arguments {
            params = params.with_arguments(map);
        }
        let request = ClientRequest::CallToolRequest(CallToolRequest::new(params));
        let handle = self
            .peer()
            .send_cancellable_request(request, options)
            .await
            .unwrap_or_else(|e| panic!("tools/call {name} could not be sent: {e}"));
        PendingCall {
            name: name.to_string(),
            handle,
        }
    }

    /// Every progress notification received so far, in order.
    pub fn progress(&self) -> Vec<ProgressNotificationParam> {
        lock(&self.received.progress).clone()
    }

    /// Every log message received so far, in order.
    pub fn logs(&self) -> Vec<ClientLog> {
        lock(&self.received.logs).clone()
    }

    /// The URIs of every `notifications/resources/updated` received so far, in order.
    pub fn updates(&self) -> Vec<String> {
        lock(&self.received.updates).clone()
    }

    /// Every list change (`notifications/{tools,prompts,resources}/list_changed`) received so
    /// far, in order.
    pub fn list_changes(&self) -> Vec<ListChanged> {
        lock(&self.received.list_changes).clone()
    }

    /// Waits until `count` progress notifications have arrived in all (panics after 5 s).
    pub async fn wait_for_progress(&self, count: usize) {
        self.wait_for("progress notifications", count, || {
            lock(&self.received.progress).len()
        })
        .await;
    }

    /// Waits until `count` resource updates have arrived in all (panics after 5 s).
    pub async fn wait_for_updates(&self, count: usize) {
        self.wait_for("resource updates", count, || {
            lock(&self.received.updates).len()
        })
        .await;
    }

    /// Waits until `count` list changes have arrived in all (panics after 5 s).
    pub async fn wait_for_list_changes(&self, count: usize) {
        self.wait_for("list changes", count, || {
            lock(&self.received.list_changes).len()
        })
        .await;
    }

    async fn wait_for(&self, what: &str, count: usize, arrived: impl Fn() -> usize) {
        let waited = tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                let notified = self.received.arrived.notified();
                if arrived() >= count {
                    return;
                }
                notified.await;
            }
        })
        .await;
        if waited.is_err() {
            panic!("waited 5 s for {count} {what}; got {}", arrived());
        }
    }

    /// Subscribes the session to a resource (`resources/subscribe`, 2025-11-25), or returns the
    /// error message the server answered.
    pub async fn subscribe(&self, uri: &str) -> Result<(), String> {
        #[allow(deprecated)] // legacy-only in rmcp 3.11, still part of 2025-11-25
        let sent = self
            .peer()
            .subscribe(SubscribeRequestParams::new(uri))
            .await;
        sent.map_err(|e| e.to_string())
    }

    /// Unsubscribes the session from a resource (`resources/unsubscribe`, 2025-11-25), or
    /// returns the error message the server answered.
    pub async fn unsubscribe(&self, uri: &str) -> Result<(), String> {
        #[allow(deprecated)] // legacy-only in rmcp 3.11, still part of 2025-11-25
        let sent = self
            .peer()
            .unsubscribe(UnsubscribeRequestParams::new(uri))
            .await;
        sent.map_err(|e| e.to_string())
    }

    /// Opens `subscriptions/listen` (2026-07-28; see [`Harness::modern`]) and waits for the
    /// server's acknowledgement: [`Subscription::acknowledged`] says what it accepted. Its
    /// notifications are recorded like any other ([`Harness::updates`]); cancel it or drop it
    /// to stop listening.
    pub async fn listen(&self, filter: SubscriptionFilter) -> Result<Subscription, String> {
        self.peer().listen(filter).await.map_err(|e| e.to_string())
    }

    /// Sets the session's log level (`logging/setLevel`): the least severe level of the log
    /// messages the server sends this client.
    pub async fn set_log_level(&self, level: LogLevel) {
        #[allow(deprecated)] // logging is deprecated by SEP-2577 but still part of 2025-11-25
        let sent = self
            .peer()
            .set_level(SetLevelRequestParams::new(level.into()))
            .await;
        sent.unwrap_or_else(|e| panic!("logging/setLevel failed: {e}"));
    }

    /// Every tool the server lists.
    pub async fn list_tools(&self) -> Vec<Tool> {
        self.peer()
            .list_all_tools()
            .await
            .expect("tools/list succeeds")
    }

    /// Reads a resource and returns its text, or the error message the server answered.
    pub async fn read_resource(&self, uri: &str) -> Result<String, String> {
        let result = self
            .peer()
            .read_resource(ReadResourceRequestParams::new(uri))
            .await
            .map_err(|e| e.to_string())?;
        Ok(result
            .contents
            .iter()
            .filter_map(|c| match c {
                ResourceContents::TextResourceContents { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("\n"))
    }

    /// Gets a prompt with JSON arguments and returns its messages' text, or the error message.
    pub async fn get_prompt(
        &self,
        name: &str,
        arguments: serde_json::Value,
    ) -> Result<String, String> {
        let mut params = GetPromptRequestParams::new(name);
        if let serde_json::Value::Object(map) = arguments {
            params.arguments = Some(map);
        }
        let result = self
            .peer()
            .get_prompt(params)
            .await
            .map_err(|e| e.to_string())?;
        Ok(result
            .messages
            .iter()
            .filter_map(|m| m.content.as_text().map(|t| t.text.as_str()))
            .collect::<Vec<_>>()
            .join("\n"))
    }

    /// The text of a result's text contents, joined by newlines.
    pub fn text(result: &CallToolResult) -> String {
        result
            .content
            .iter()
            .filter_map(|c| c.as_text().map(|t| t.text.as_str()))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// `project`'s server with `settings` (its own settings at their defaults), for tests.
pub fn test_app(project: &Project, settings: Settings) -> App {
    App::for_settings(project, settings).expect("valid settings")
}

/// The client's side of the pipe, recording progress and log notifications as they arrive,
/// before rmcp hands on what follows them (so a call's notifications are recorded by the
/// time its answer is).
struct Recording<T> {
    inner: T,
    received: Arc<Received>,
}

impl<T: Transport<RoleClient>> Transport<RoleClient> for Recording<T> {
    type Error = T::Error;

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleClient>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        self.inner.send(item)
    }

    async fn receive(&mut self) -> Option<RxJsonRpcMessage<RoleClient>> {
        let message = self.inner.receive().await?;
        if let JsonRpcMessage::Notification(notification) = &message {
            self.received.record(&notification.notification);
        }
        Some(message)
    }

    async fn close(&mut self) -> Result<(), Self::Error> {
        self.inner.close().await
    }
}

/// The server's side of the pipe, adding HTTP request parts to each request (what the
/// Streamable HTTP transport does).
#[cfg(feature = "http")]
struct WithParts<T> {
    inner: T,
    parts: Option<Parts>,
}

#[cfg(feature = "http")]
impl<T: Transport<RoleServer>> Transport<RoleServer> for WithParts<T> {
    type Error = T::Error;

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleServer>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        self.inner.send(item)
    }

    async fn receive(&mut self) -> Option<RxJsonRpcMessage<RoleServer>> {
        let mut message = self.inner.receive().await?;
        if let (JsonRpcMessage::Request(request), Some(parts)) = (&mut message, &self.parts) {
            request.request.extensions_mut().insert(parts.clone());
        }
        Some(message)
    }

    async fn close(&mut self) -> Result<(), Self::Error> {
        self.inner.close().await
    }
}

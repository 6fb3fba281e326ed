//! Long-running tools as tasks (the Tasks extension, SEP-2663, `io.modelcontextprotocol/tasks`).
//!
//! ```ignore
//! /// Build the quarterly report (takes minutes).
//! #[tool(meta = platform::tasks::runs_as_task())]
//! async fn build_report(&self, ctx: Context, Parameters(p): Parameters<Quarter>) -> Result<String, ToolError> {
//!     for (done, part) in PARTS.iter().enumerate() {
//!         ctx.progress(done as f64, PARTS.len() as f64, Some(part)).await;
//!         self.render(part, &p).await?;
//!     }
//!     Ok("report ready".into())
//! }
//! ```
//!
//! Guarantees:
//! - **Declared next to the tool.** A tool whose metadata says [`runs_as_task`] runs as a task
//!   for clients that declared the tasks extension: `tools/call` answers at once with the task
//!   (`working`), the work goes on in the background, and the client reads it with `tasks/get`
//!   (`completed` with the tool's result, `failed` with the error, `cancelled`). A client that
//!   did not declare the extension gets the tool's result as from any tool, so one tool serves
//!   both kinds of client. The server advertises the extension only when it has such a tool.
//! - **Cancellation.** `tasks/cancel` drops the tool at its next `await` (the platform stops
//!   the work; the task settles `cancelled`); work off the task sees the request context's
//!   token fire. Shutdown stops every task.
//! - **Questions** (`ctx.elicit`, `sample`, `roots`) in a task put it in `input_required`; the
//!   client answers with `tasks/update`.
//! - **Bounded and private.** A principal runs at most `MAX_TASKS_PER_PRINCIPAL` tasks at once
//!   (the next call gets a tool error saying so); a task is visible to the principal that
//!   started it only (another gets "no task" as if it did not exist). Finished tasks are kept
//!   for [`TASK_TTL`], then forgotten.
//! - **Errors are masked** as for any tool: a panicking or failing task settles with the
//!   incident id, the details in the log.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CancelTaskParams, CreateTaskResult,
    GetTaskParams, GetTaskResult, MetaObject, Tool, UpdateTaskParams,
};
use rmcp::service::RequestContext;
use rmcp::task_manager::{TaskContext, TaskExit, TaskManager, TaskOptions};
use rmcp::{ErrorData, RoleServer};
use tokio_util::sync::CancellationToken;

use crate::catalog::Items;
use crate::errors::{self, lock};
use crate::middleware::RequestInfo;

/// The key of a tool's metadata that makes it run as a task.
pub const TASK_META_KEY: &str = "io.mcpforge/runsAsTask";

/// How long a task is kept once it started (finished or not; then `failed` and forgotten).
pub const TASK_TTL: Duration = Duration::from_secs(30 * 60);

/// The metadata of a tool that runs as a task: `#[tool(meta = platform::tasks::runs_as_task())]`.
pub fn runs_as_task() -> MetaObject {
    let mut meta = MetaObject::new();
    meta.insert(TASK_META_KEY.to_string(), serde_json::Value::Bool(true));
    meta
}

/// Whether a tool's metadata says it runs as a task.
pub fn is_task_tool(tool: &Tool) -> bool {
    tool.meta
        .as_ref()
        .and_then(|meta| meta.get(TASK_META_KEY))
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false)
}

/// How a tool running as a task asks the client a question: `tasks/update` answers it.
#[derive(Clone)]
pub(crate) struct TaskInput {
    context: TaskContext,
    asked: Arc<AtomicU32>,
}

impl TaskInput {
    /// Puts the task in `input_required` until the client answers (`None`: the task was
    /// cancelled first).
    pub(crate) async fn ask(
        &self,
        kind: &str,
        request: rmcp::model::InputRequest,
    ) -> Option<serde_json::Value> {
        let key = format!("{kind}-{}", self.asked.fetch_add(1, Ordering::Relaxed) + 1);
        self.context.request_input(key, request).await.ok()
    }
}

/// The server's tasks: which tools run as tasks, the running and finished ones, and who owns
/// each.
pub(crate) struct Tasks {
    tools: BTreeSet<String>,
    manager: TaskManager,
    /// Task id → the principal that started it.
    owners: Mutex<HashMap<String, String>>,
    /// Principal → its tasks not yet finished.
    running: Arc<Mutex<HashMap<String, usize>>>,
    max_per_principal: usize,
}

/// One running task of a principal, counted until it is dropped (finished, cancelled or
/// aborted at shutdown).
struct Running {
    running: Arc<Mutex<HashMap<String, usize>>>,
    principal: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let mut running = lock(&self.running);
        if let Some(count) = running.get_mut(&self.principal) {
            *count -= 1;
            if *count == 0 {
                running.remove(&self.principal);
            }
        }
    }
}

/// Who is calling (the request's principal; empty before authentication ran).
pub(crate) fn principal(context: &RequestContext<RoleServer>) -> String {
    context
        .extensions
        .get::<RequestInfo>()
        .map(|info| info.identity.principal.clone())
        .unwrap_or_default()
}

fn no_task(id: &str) -> ErrorData {
    ErrorData::invalid_params(format!("no task `{}`", crate::logging::bounded(id)), None)
}

impl Tasks {
    pub(crate) fn new(tools: &[Tool], max_per_principal: usize) -> Self {
        Self {
            tools: tools
                .iter()
                .filter(|tool| is_task_tool(tool))
                .map(|tool| tool.name.to_string())
                .collect(),
            manager: TaskManager::new(),
            owners: Mutex::default(),
            running: Arc::default(),
            max_per_principal,
        }
    }

    /// Whether any tool runs as a task (the server then advertises the extension).
    pub(crate) fn offered(&self) -> bool {
        !self.tools.is_empty()
    }

    /// Whether this call runs as a task: a task tool, and a client that declared tasks.
    pub(crate) fn runs_as_task(
        &self,
        request: &CallToolRequestParams,
        context: &RequestContext<RoleServer>,
    ) -> bool {
        self.tools.contains(request.name.as_ref())
            && context
                .client_capabilities()
                .is_some_and(|capabilities| capabilities.supports_tasks())
    }

    /// Starts the call as a task and answers with it, or with a tool error when the caller
    /// already runs as many tasks as it may.
    pub(crate) fn start(
        &self,
        items: Arc<dyn Items>,
        request: CallToolRequestParams,
        mut context: RequestContext<RoleServer>,
    ) -> CallToolResponse {
        let principal = principal(&context);
        {
            let mut running = lock(&self.running);
            let count = running.entry(principal.clone()).or_default();
            if *count >= self.max_per_principal {
                tracing::info!(
                    tool = request.name.as_ref(),
                    limit = self.max_per_principal,
                    "task refused: the principal runs as many as it may"
                );
                return CallToolResult::error(vec![rmcp::model::ContentBlock::text(format!(
                    "you already run {} tasks, the most at once; wait for one to finish or \
                     cancel one",
                    self.max_per_principal
                ))])
                .into();
            }
            *count += 1;
        }
        let counted = Running {
            running: self.running.clone(),
            principal: principal.clone(),
        };
        // The task outlives the request: its own token, fired by `tasks/cancel`.
        let token = CancellationToken::new();
        context.ct = token.clone();
        let name = request.name.to_string();
        let options = TaskOptions::new().with_ttl_ms(TASK_TTL.as_millis() as u64);
        let task = self.manager.spawn(options, move |task: TaskContext| {
            context.extensions.insert(TaskInput {
                context: task.clone(),
                asked: Arc::default(),
            });
            Box::pin(async move {
                let _counted = counted;
                let work = errors::guard(&name, items.call_tool(request, context));
                let outcome = tokio::select! {
                    biased;
                    () = task.cancelled() => {
                        token.cancel();
                        return Err(TaskExit::Cancelled);
                    }
                    outcome = work => outcome,
                };
                match outcome {
                    Ok(CallToolResponse::Complete(result)) => Ok(result),
                    Ok(_) => Err(TaskExit::Error(ErrorData::internal_error(
                        "the tool answered a task with something other than its result",
                        None,
                    ))),
                    Err(error) => Err(TaskExit::Error(error)),
                }
            })
        });
        let mut owners = lock(&self.owners);
        // Forget the owners of tasks the manager has forgotten (expired).
        if owners.len() >= 1024 {
            owners.retain(|id, _| self.manager.get_task(id).is_ok());
        }
        owners.insert(task.task_id.clone(), principal);
        CallToolResponse::Task(CreateTaskResult::new(task))
    }

    /// Fails unless the caller started the task.
    fn check_owner(&self, id: &str, context: &RequestContext<RoleServer>) -> Result<(), ErrorData> {
        self.owned_by(id, &principal(context))
    }

    /// Fails unless `principal` started the task (another's task is "no task", as if it did not
    /// exist).
    fn owned_by(&self, id: &str, principal: &str) -> Result<(), ErrorData> {
        let owners = lock(&self.owners);
        match owners.get(id) {
            Some(owner) if owner == principal => Ok(()),
            Some(_) => {
                tracing::info!(
                    task = crate::logging::bounded(id),
                    "another principal's task"
                );
                Err(no_task(id))
            }
            None => Err(no_task(id)),
        }
    }

    /// `tasks/get`.
    pub(crate) fn get(
        &self,
        params: &GetTaskParams,
        context: &RequestContext<RoleServer>,
    ) -> Result<GetTaskResult, ErrorData> {
        self.check_owner(&params.task_id, context)?;
        let task = self.manager.get_task(&params.task_id).map_err(|_| {
            lock(&self.owners).remove(&params.task_id);
            no_task(&params.task_id)
        })?;
        Ok(GetTaskResult::new(task))
    }

    /// `tasks/update`: answers to the task's questions (unknown keys are ignored).
    pub(crate) fn update(
        &self,
        params: UpdateTaskParams,
        context: &RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.check_owner(&params.task_id, context)?;
        self.manager
            .update_task(&params.task_id, params.input_responses)
            .map_err(|_| no_task(&params.task_id))
    }

    /// `tasks/cancel`.
    pub(crate) fn cancel(
        &self,
        params: &CancelTaskParams,
        context: &RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.check_owner(&params.task_id, context)?;
        self.manager
            .cancel_task(&params.task_id)
            .map_err(|_| no_task(&params.task_id))
    }
}

impl Drop for Tasks {
    fn drop(&mut self) {
        self.manager.shutdown();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;

    use rmcp::handler::server::router::tool::ToolRouter;
    use rmcp::model::{InputResponses, TaskPayload, TaskStatus};
    use rmcp::{tool, tool_router};
    use serde_json::json;

    use super::*;
    use crate::config::Settings;
    use crate::context::Context;
    use crate::errors::ToolError;
    use crate::harness::Harness;
    use crate::input::Elicited;
    use crate::testing::{Probe, app_with_tools};

    /// Set by `slow_task` if it ever finishes its work.
    static SLOW_FINISHED: AtomicBool = AtomicBool::new(false);

    /// The form `ask_in_task` asks for.
    #[derive(Debug, serde::Deserialize, rmcp::schemars::JsonSchema)]
    struct Name {
        name: String,
    }

    #[tool_router(router = task_router)]
    impl Probe {
        /// Works a little, then answers.
        #[tool(meta = runs_as_task())]
        async fn quick_task(&self, ctx: Context) -> Result<String, ToolError> {
            ctx.progress(0.0, 1.0, None).await;
            tokio::time::sleep(Duration::from_millis(20)).await;
            Ok("task done".into())
        }

        /// Works for 400 ms before it says it finished.
        #[tool(meta = runs_as_task())]
        async fn slow_task(&self) -> String {
            tokio::time::sleep(Duration::from_millis(400)).await;
            SLOW_FINISHED.store(true, Ordering::SeqCst);
            "slow done".into()
        }

        /// Asks the user's name, then greets.
        #[tool(meta = runs_as_task())]
        async fn ask_in_task(&self, ctx: Context) -> Result<String, ToolError> {
            match ctx.elicit::<Name>("Your name?").await? {
                Elicited::Accepted(n) => Ok(format!("hello {}", n.name)),
                _ => Ok("no name".into()),
            }
        }

        /// Fails.
        #[tool(meta = runs_as_task())]
        async fn failing_task(&self) -> Result<String, ToolError> {
            Err(ToolError::Internal(anyhow::anyhow!("the disk is full")))
        }
    }

    fn app(settings: Settings) -> crate::App {
        let tools: ToolRouter<Probe> = Probe::task_router();
        app_with_tools(settings, tools)
    }

    fn text(task: &rmcp::model::DetailedTask) -> String {
        match &task.payload {
            TaskPayload::Completed { result } => result["content"][0]["text"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_task_tool_runs_as_a_task_for_clients_that_declared_tasks() {
        let h = Harness::with_task_support(app(Settings::defaults())).await;
        let info = h.peer().peer_info().unwrap();
        assert!(info.capabilities.supports_tasks());
        let id = h.start_task("quick_task", json!({})).await;
        let done = h.wait_for_task(&id).await;
        assert_eq!(done.task.status, TaskStatus::Completed);
        assert_eq!(text(&done), "task done");
    }

    #[tokio::test]
    async fn other_clients_get_the_result_directly() {
        let h = Harness::with_app(app(Settings::defaults())).await;
        let result = h.call_tool("quick_task", json!({})).await;
        assert_eq!(Harness::text(&result), "task done");
    }

    #[tokio::test]
    async fn a_cancelled_task_stops_and_says_so() {
        let h = Harness::with_task_support(app(Settings::defaults())).await;
        let id = h.start_task("slow_task", json!({})).await;
        h.cancel_task(&id).await.unwrap();
        let task = h.wait_for_task(&id).await;
        assert_eq!(task.task.status, TaskStatus::Cancelled);
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(!SLOW_FINISHED.load(Ordering::SeqCst), "the work went on");
    }

    #[tokio::test]
    async fn a_task_asks_its_question_through_input_required() {
        let h = Harness::with_task_support(app(Settings::defaults())).await;
        let id = h.start_task("ask_in_task", json!({})).await;
        let waiting = h.wait_for_task(&id).await;
        let TaskPayload::InputRequired { input_requests } = &waiting.payload else {
            panic!("{waiting:?}");
        };
        let key = input_requests.keys().next().unwrap().clone();
        let answer = json!({"action": "accept", "content": {"name": "Ada"}});
        h.answer_task(&id, InputResponses::from([(key, answer)]))
            .await;
        let mut done = h.wait_for_task(&id).await;
        for _ in 0..100 {
            if done.task.status == TaskStatus::Completed {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
            done = h.wait_for_task(&id).await;
        }
        assert_eq!(text(&done), "hello Ada");
    }

    #[tokio::test]
    async fn a_failing_task_settles_with_the_incident_id_only() {
        let h = Harness::with_task_support(app(Settings::defaults())).await;
        let id = h.start_task("failing_task", json!({})).await;
        let done = h.wait_for_task(&id).await;
        assert_eq!(done.task.status, TaskStatus::Completed);
        let message = text(&done);
        assert!(!message.contains("disk"), "{message}");
        assert!(
            message.contains("the details are in the server log"),
            "{message}"
        );
    }

    #[tokio::test]
    async fn a_principal_runs_a_bounded_number_of_tasks() {
        let settings = Settings::with(&[("MAX_TASKS_PER_PRINCIPAL", "2")]).expect("valid settings");
        let h = Harness::with_task_support(app(settings)).await;
        let first = h.start_task("slow_task", json!({})).await;
        h.start_task("slow_task", json!({})).await;
        let mut params = CallToolRequestParams::new("slow_task");
        params.arguments = Some(Default::default());
        let third = h.peer().call_tool_once(params).await.unwrap();
        let CallToolResponse::Complete(refused) = third else {
            panic!("{third:?}");
        };
        assert_eq!(refused.is_error, Some(true));
        assert!(Harness::text(&refused).contains("2 tasks"));
        // Once one ends, another may start.
        h.cancel_task(&first).await.unwrap();
        h.wait_for_task(&first).await;
        h.start_task("slow_task", json!({})).await;
    }

    #[tokio::test]
    async fn unknown_tasks_are_invalid_params() {
        let h = Harness::with_task_support(app(Settings::defaults())).await;
        for result in [
            h.task("no-such-task").await.map(|_| ()),
            h.cancel_task("no-such-task").await,
        ] {
            let Err(rmcp::service::ServiceError::McpError(error)) = result else {
                panic!("{result:?}");
            };
            assert_eq!(error.code, rmcp::model::ErrorCode::INVALID_PARAMS);
        }
    }

    #[test]
    fn a_task_belongs_to_the_principal_that_started_it() {
        let tasks = Tasks::new(&[], 1);
        lock(&tasks.owners).insert("t1".into(), "alice".into());
        assert!(tasks.owned_by("t1", "alice").is_ok());
        assert!(tasks.owned_by("t1", "bob").is_err());
        assert!(tasks.owned_by("t2", "alice").is_err());
    }

    #[tokio::test]
    async fn without_task_tools_the_extension_is_not_offered() {
        let h = Harness::with_task_support(crate::testing::test_app(Settings::defaults())).await;
        let info = h.peer().peer_info().unwrap();
        assert!(!info.capabilities.supports_tasks());
    }
}

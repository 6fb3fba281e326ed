//! The request context a tool or prompt takes as an argument: who is calling, and the protocol's
//! per-request utilities — progress, cancellation and log messages to the client.
//!
//! ```ignore
//! async fn import(&self, ctx: Context, Parameters(p): Parameters<Import>) -> Result<String, ToolError> {
//!     for (done, row) in p.rows.iter().enumerate() {
//!         ctx.progress(done as f64, p.rows.len() as f64, None).await;
//!         store(row).await?;
//!     }
//!     ctx.log(LogLevel::Info, "import finished").await;
//!     Ok("done".into())
//! }
//! ```
//!
//! Guarantees:
//! - **Free unless taken.** rmcp builds a [`Context`] only for handlers that name it; nothing is
//!   allocated on the request path of tools that do not.
//! - **Progress** is sent only when the client's request carried a progress token; at most one
//!   notification per [`PROGRESS_INTERVAL`] per request, except the first and the final one
//!   (`done == total`), which are always sent. Values must increase; a `done` that is NaN,
//!   infinite or below the last one sent, or a `total` that is NaN, infinite or below `done`,
//!   is dropped with a log line — never a panic.
//! - **Cancellation.** The token fires on `notifications/cancelled`, when the client goes away
//!   and at the shutdown deadline. The platform then drops the handler's future at its next
//!   `await` (rmcp itself only cancels the token) and sends no answer, as the protocol says:
//!   destructors run, the work stops. Work moved off the task (`spawn_blocking`, threads,
//!   child processes) is not dropped with it: hand it [`Context::cancellation_token`].
//! - **Client logging** (`notifications/message`) honours the level the client chose: per
//!   session with `logging/setLevel` in 2025-11-25 (until it sets one, `info` and above), per
//!   request with the `io.modelcontextprotocol/logLevel` metadata in 2026-07-28 (nothing unless
//!   the request asks). These messages are for the client's user; the server's own log is
//!   `tracing`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rmcp::handler::server::common::{AsRequestContext, FromContextPart};
#[allow(deprecated)] // logging is deprecated by SEP-2577 but still part of both eras
use rmcp::model::{LoggingLevel, LoggingMessageNotificationParam};
use rmcp::model::{ProgressNotificationParam, ProgressToken, ProtocolVersion};
use rmcp::service::{Peer, RequestContext};
use rmcp::{ErrorData, RoleServer};
pub use tokio_util::sync::CancellationToken;

use crate::identity::Identity;
use crate::input::{Asker, ClientAbilities, Rounds};
use crate::middleware::RequestInfo;
use crate::tasks::TaskInput;

/// The shortest gap between two progress notifications of one request (the first and the
/// final one are always sent).
pub const PROGRESS_INTERVAL: Duration = Duration::from_millis(50);

/// The severity of a message to the client, least severe first (the levels of MCP's
/// `logging`, which are syslog's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    Debug,
    Info,
    Notice,
    Warning,
    Error,
    Critical,
    Alert,
    Emergency,
}

#[allow(deprecated)] // logging is deprecated by SEP-2577 but still part of both eras
impl From<LoggingLevel> for LogLevel {
    fn from(level: LoggingLevel) -> Self {
        match level {
            LoggingLevel::Debug => Self::Debug,
            LoggingLevel::Info => Self::Info,
            LoggingLevel::Notice => Self::Notice,
            LoggingLevel::Warning => Self::Warning,
            LoggingLevel::Error => Self::Error,
            LoggingLevel::Critical => Self::Critical,
            LoggingLevel::Alert => Self::Alert,
            LoggingLevel::Emergency => Self::Emergency,
        }
    }
}

#[allow(deprecated)] // logging is deprecated by SEP-2577 but still part of both eras
impl From<LogLevel> for LoggingLevel {
    fn from(level: LogLevel) -> Self {
        match level {
            LogLevel::Debug => Self::Debug,
            LogLevel::Info => Self::Info,
            LogLevel::Notice => Self::Notice,
            LogLevel::Warning => Self::Warning,
            LogLevel::Error => Self::Error,
            LogLevel::Critical => Self::Critical,
            LogLevel::Alert => Self::Alert,
            LogLevel::Emergency => Self::Emergency,
        }
    }
}

/// A request's context: take it as a tool or prompt argument (`ctx: Context`).
pub struct Context {
    info: RequestInfo,
    peer: Peer<RoleServer>,
    cancel: CancellationToken,
    progress: Option<Progress>,
    /// The least severe level the client wants; `None`: no log messages for this request.
    log_level: Option<LogLevel>,
    /// 2026-07-28 tool calls: the input rounds (questions to the client become
    /// `InputRequiredResult`s) and what the request's metadata says the client can answer.
    modern: Option<(Option<Arc<Rounds>>, ClientAbilities)>,
    /// A tool running as a task: questions go into the task's `input_required` state.
    task: Option<TaskInput>,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("request_id", &self.info.request_id)
            .field("progress", &self.progress.is_some())
            .field("log_level", &self.log_level)
            .field("cancelled", &self.cancel.is_cancelled())
            .finish_non_exhaustive()
    }
}

/// A progress token and what was last sent under it.
struct Progress {
    token: ProgressToken,
    started: Instant,
    /// Microseconds after `started` of the last notification sent; `u64::MAX` before the first.
    last_sent_us: AtomicU64,
    /// The `done` of the last notification sent, as `f64` bits.
    last_done: AtomicU64,
}

const NEVER: u64 = u64::MAX;

impl Context {
    fn from_request(context: &RequestContext<RoleServer>) -> Self {
        let info = context
            .extensions
            .get::<RequestInfo>()
            .cloned()
            .unwrap_or_else(|| RequestInfo::new(String::new(), Identity::unknown()));
        let modern = context
            .protocol_version()
            .is_some_and(|version| version >= ProtocolVersion::V_2026_07_28);
        let log_level = if modern {
            context.meta.log_level().map(LogLevel::from)
        } else {
            Some(info.client_log_level.unwrap_or(LogLevel::Info))
        };
        let modern = modern.then(|| {
            let abilities = context
                .meta
                .client_capabilities()
                .map(|capabilities| ClientAbilities::of(&capabilities))
                .unwrap_or_default();
            (context.extensions.get::<Arc<Rounds>>().cloned(), abilities)
        });
        Self {
            progress: context
                .meta
                .get_progress_token()
                .map(|token| Progress::new(token, Instant::now())),
            peer: context.peer.clone(),
            cancel: context.ct.clone(),
            log_level,
            info,
            modern,
            task: context.extensions.get::<TaskInput>().cloned(),
        }
    }

    /// The client's side of the session (2025-11-25).
    pub(crate) fn peer(&self) -> &Peer<RoleServer> {
        &self.peer
    }

    /// What the client declared it can answer: in the request's metadata (2026-07-28), else
    /// in `initialize`.
    pub(crate) fn abilities(&self) -> ClientAbilities {
        match &self.modern {
            Some((_, abilities)) => *abilities,
            None => self
                .peer
                .peer_info()
                .map(|info| ClientAbilities::of(&info.capabilities))
                .unwrap_or_default(),
        }
    }

    /// Where a question goes instead of a request to the client: a task's `input_required`
    /// state, or (2026-07-28) the call's input rounds; `None`: ask the peer. (A 2026-07-28
    /// request without rounds, a prompt, cannot ask: the peer refuses.)
    pub(crate) fn deferred(&self) -> Option<Asker<'_>> {
        if let Some(task) = &self.task {
            return Some(Asker::Task(task));
        }
        self.modern.as_ref()?.0.as_deref().map(Asker::Rounds)
    }

    /// The request id (as in the server's log and in masked errors).
    pub fn request_id(&self) -> &str {
        &self.info.request_id
    }

    /// Who is calling.
    pub fn identity(&self) -> &Identity {
        &self.info.identity
    }

    /// What the middleware learnt about the request.
    pub fn info(&self) -> &RequestInfo {
        &self.info
    }

    /// Whether the client asked for progress notifications.
    pub fn wants_progress(&self) -> bool {
        self.progress.is_some()
    }

    /// Reports progress: `done` of `total` (when known), with an optional message. Sent only
    /// if the client asked for progress, and rate-limited (see the module's guarantees).
    pub async fn progress(&self, done: f64, total: impl Into<Option<f64>>, message: Option<&str>) {
        let Some(progress) = &self.progress else {
            return;
        };
        let total = total.into();
        let now = Instant::now();
        match progress.admit(done, total, now) {
            Admit::Send => {}
            Admit::Skip => return,
            Admit::Invalid(why) => {
                tracing::warn!(
                    request_id = self.info.request_id.as_str(),
                    done,
                    total,
                    "progress dropped: {why}"
                );
                return;
            }
        }
        let mut param = ProgressNotificationParam::new(progress.token.clone(), done);
        if let Some(total) = total {
            param = param.with_total(total);
        }
        if let Some(message) = message {
            param = param.with_message(message);
        }
        if let Err(error) = self.peer.notify_progress(param).await {
            tracing::debug!(
                request_id = self.info.request_id.as_str(),
                %error,
                "progress not delivered"
            );
        }
    }

    /// Whether the request was cancelled (by the client, its disconnection or shutdown).
    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// Resolves when the request is cancelled.
    pub async fn cancelled(&self) {
        self.cancel.cancelled().await;
    }

    /// The request's cancellation token, for work the platform cannot drop with the handler
    /// (`spawn_blocking`, threads, child processes): check it or wait on it there.
    pub fn cancellation_token(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// Whether a message at `level` would reach the client.
    pub fn logs_at(&self, level: LogLevel) -> bool {
        self.log_level.is_some_and(|least| level >= least)
    }

    /// Sends a log message to the client (`notifications/message`) if the client's level lets
    /// it through.
    pub async fn log(&self, level: LogLevel, message: impl Into<String>) {
        if !self.logs_at(level) {
            return;
        }
        #[allow(deprecated)] // logging is deprecated by SEP-2577 but still part of both eras
        let param = LoggingMessageNotificationParam::new(
            level.into(),
            serde_json::Value::String(message.into()),
        )
        .with_logger(crate::SERVICE_NAME);
        #[allow(deprecated)]
        let sent = self.peer.notify_logging_message(param).await;
        if let Err(error) = sent {
            tracing::debug!(
                request_id = self.info.request_id.as_str(),
                %error,
                "log message not delivered"
            );
        }
    }
}

impl<C: AsRequestContext> FromContextPart<C> for Context {
    fn from_context_part(context: &mut C) -> Result<Self, ErrorData> {
        Ok(Self::from_request(context.as_request_context()))
    }
}

/// What to do with one progress report.
#[derive(Debug, PartialEq)]
enum Admit {
    Send,
    /// Too soon after the last one, or no progress since: the next one will carry it.
    Skip,
    Invalid(&'static str),
}

impl Progress {
    fn new(token: ProgressToken, started: Instant) -> Self {
        Self {
            token,
            started,
            last_sent_us: AtomicU64::new(NEVER),
            last_done: AtomicU64::new(f64::NEG_INFINITY.to_bits()),
        }
    }

    /// Decides, and when the answer is `Send` records the report as sent.
    fn admit(&self, done: f64, total: Option<f64>, now: Instant) -> Admit {
        if !done.is_finite() {
            return Admit::Invalid("`done` is not a finite number");
        }
        if let Some(total) = total {
            if !total.is_finite() {
                return Admit::Invalid("`total` is not a finite number");
            }
            if total < done {
                return Admit::Invalid("`total` is below `done`");
            }
        }
        let last_done = f64::from_bits(self.last_done.load(Ordering::Relaxed));
        if done < last_done {
            return Admit::Invalid("progress must increase");
        }
        if done == last_done {
            return Admit::Skip;
        }
        let now_us = u64::try_from(now.saturating_duration_since(self.started).as_micros())
            .unwrap_or(NEVER - 1);
        let last_sent_us = self.last_sent_us.load(Ordering::Relaxed);
        let is_final = total == Some(done);
        let due = last_sent_us == NEVER
            || now_us.saturating_sub(last_sent_us) >= PROGRESS_INTERVAL.as_micros() as u64;
        if !(is_final || due) {
            return Admit::Skip;
        }
        self.last_sent_us.store(now_us, Ordering::Relaxed);
        self.last_done.store(done.to_bits(), Ordering::Relaxed);
        Admit::Send
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;

    use rmcp::handler::server::router::tool::ToolRouter;
    use rmcp::handler::server::wrapper::Parameters;
    use rmcp::{schemars, tool, tool_router};
    use serde::Deserialize;
    use serde_json::json;

    use super::*;
    use crate::config::Settings;
    use crate::errors::ToolError;
    use crate::harness::Harness;
    use crate::testing::{Probe, app_with_tools};

    /// Parameters of `steps`.
    #[derive(Debug, Deserialize, schemars::JsonSchema)]
    struct Steps {
        count: u32,
        delay_ms: u64,
    }

    /// Set by `slow_write` once its work is done: it must never be, once the call is cancelled.
    static WRITTEN: AtomicBool = AtomicBool::new(false);
    /// Set by `watch_token`'s background task when the request's token fires.
    static TOKEN_FIRED: AtomicBool = AtomicBool::new(false);

    #[tool_router(router = context_router)]
    impl Probe {
        /// Reports `count` steps of progress, `delay_ms` apart.
        #[tool]
        async fn steps(
            &self,
            ctx: Context,
            Parameters(p): Parameters<Steps>,
        ) -> Result<String, ToolError> {
            for step in 0..=p.count {
                let message = format!("step {step}");
                ctx.progress(f64::from(step), f64::from(p.count), Some(&message))
                    .await;
                tokio::time::sleep(Duration::from_millis(p.delay_ms)).await;
            }
            Ok("done".into())
        }

        /// Reports progress 100,000 times without pausing.
        #[tool]
        async fn tight_loop(&self, ctx: Context) -> Result<String, ToolError> {
            let n = 100_000;
            for i in 1..=n {
                ctx.progress(f64::from(i), f64::from(n), None).await;
            }
            Ok("done".into())
        }

        /// Reports invalid progress, then one valid report.
        #[tool]
        async fn bad_progress(&self, ctx: Context) -> Result<String, ToolError> {
            ctx.progress(f64::NAN, 10.0, None).await;
            ctx.progress(1.0, f64::INFINITY, None).await;
            ctx.progress(5.0, 4.0, None).await;
            ctx.progress(2.0, 10.0, Some("valid")).await;
            ctx.progress(1.0, 10.0, None).await;
            Ok("done".into())
        }

        /// Says it started, then writes after 300 ms — unless it is stopped first.
        #[tool]
        async fn slow_write(&self, ctx: Context) -> Result<String, ToolError> {
            ctx.progress(0.0, 1.0, Some("started")).await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            WRITTEN.store(true, Ordering::SeqCst);
            Ok("written".into())
        }

        /// Hands its token to a background task, says it started, and waits.
        #[tool]
        async fn watch_token(&self, ctx: Context) -> Result<String, ToolError> {
            let token = ctx.cancellation_token();
            tokio::spawn(async move {
                token.cancelled().await;
                TOKEN_FIRED.store(true, Ordering::SeqCst);
            });
            ctx.progress(0.0, None, None).await;
            ctx.cancelled().await;
            Ok("cancelled".into())
        }

        /// Logs one message at each of four levels.
        #[tool]
        async fn chatty(&self, ctx: Context) -> Result<String, ToolError> {
            ctx.log(LogLevel::Debug, "debug detail").await;
            ctx.log(LogLevel::Info, "info note").await;
            ctx.log(LogLevel::Warning, "warning sign").await;
            ctx.log(LogLevel::Error, "error report").await;
            Ok(format!("{}", ctx.request_id().len()))
        }
    }

    async fn harness() -> Harness {
        let tools: ToolRouter<Probe> = Probe::context_router();
        Harness::with_app(app_with_tools(Settings::defaults(), tools)).await
    }

    #[tokio::test]
    async fn progress_reaches_the_client_in_order_before_the_answer() {
        let h = harness().await;
        let result = h
            .call_tool("steps", json!({"count": 3, "delay_ms": 60}))
            .await;
        assert_eq!(Harness::text(&result), "done");
        let progress = h.progress();
        let seen: Vec<(f64, Option<f64>, Option<&str>)> = progress
            .iter()
            .map(|p| (p.progress, p.total, p.message.as_deref()))
            .collect();
        assert_eq!(
            seen,
            [
                (0.0, Some(3.0), Some("step 0")),
                (1.0, Some(3.0), Some("step 1")),
                (2.0, Some(3.0), Some("step 2")),
                (3.0, Some(3.0), Some("step 3")),
            ]
        );
        assert!(
            progress
                .windows(2)
                .all(|w| w[0].progress_token == w[1].progress_token)
        );
    }

    #[tokio::test]
    async fn a_tight_loop_cannot_flood_the_client() {
        let h = harness().await;
        h.call_tool("tight_loop", json!({})).await;
        let progress = h.progress();
        assert!(
            !progress.is_empty() && progress.len() < 100,
            "{} notifications for 100,000 reports",
            progress.len()
        );
        let last = progress.last().unwrap();
        assert_eq!((last.progress, last.total), (100_000.0, Some(100_000.0)));
    }

    #[tokio::test]
    async fn invalid_progress_is_dropped_without_failing_the_tool() {
        let h = harness().await;
        let result = h.call_tool("bad_progress", json!({})).await;
        assert_eq!(result.is_error, Some(false));
        let progress = h.progress();
        assert_eq!(progress.len(), 1, "{progress:?}");
        assert_eq!(progress[0].message.as_deref(), Some("valid"));
    }

    #[tokio::test]
    async fn a_cancelled_call_is_stopped_and_the_server_keeps_serving() {
        let h = harness().await;
        let call = h.start_call("slow_write", json!({})).await;
        h.wait_for_progress(1).await;
        call.cancel().await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(
            !WRITTEN.load(Ordering::SeqCst),
            "the handler ran on after its call was cancelled"
        );
        let after = h.call_tool("greet", json!({"name": "Ada"})).await;
        assert_eq!(Harness::text(&after), "Hello, Ada.");
    }

    #[tokio::test]
    async fn cancelling_unknown_or_finished_requests_is_ignored() {
        use rmcp::model::{CancelledNotificationParam, NumberOrString};
        let h = harness().await;
        let done = h.call_tool("greet", json!({"name": "Ada"})).await;
        assert_eq!(Harness::text(&done), "Hello, Ada.");
        let cancel = |id| CancelledNotificationParam::new(Some(id), None);
        for id in [
            NumberOrString::Number(0),
            NumberOrString::Number(987_654),
            NumberOrString::String("nope".into()),
        ] {
            h.peer().notify_cancelled(cancel(id)).await.unwrap();
        }
        // The session goes on serving, and a call in flight is not touched.
        let call = h
            .start_call("steps", json!({"count": 2, "delay_ms": 60}))
            .await;
        let stray = cancel(NumberOrString::Number(123_456));
        h.peer().notify_cancelled(stray).await.unwrap();
        assert_eq!(Harness::text(&call.result().await), "done");
        let after = h.call_tool("greet", json!({"name": "Bo"})).await;
        assert_eq!(Harness::text(&after), "Hello, Bo.");
    }

    #[tokio::test]
    async fn the_token_fires_for_work_outside_the_handler() {
        let h = harness().await;
        let call = h.start_call("watch_token", json!({})).await;
        h.wait_for_progress(1).await;
        assert!(!TOKEN_FIRED.load(Ordering::SeqCst));
        call.cancel().await;
        let fired = tokio::time::timeout(Duration::from_secs(5), async {
            while !TOKEN_FIRED.load(Ordering::SeqCst) {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await;
        assert!(fired.is_ok(), "the token did not fire on cancellation");
    }

    #[tokio::test]
    async fn log_messages_honour_the_level_the_session_set() {
        let h = harness().await;
        let levels = |h: &Harness| -> Vec<(LogLevel, String)> {
            h.logs().into_iter().map(|l| (l.level, l.message)).collect()
        };
        // Until the client sets a level: info and above.
        h.call_tool("chatty", json!({})).await;
        assert_eq!(
            levels(&h),
            [
                (LogLevel::Info, "info note".to_string()),
                (LogLevel::Warning, "warning sign".to_string()),
                (LogLevel::Error, "error report".to_string()),
            ]
        );
        assert_eq!(h.logs()[0].logger.as_deref(), Some(crate::SERVICE_NAME));

        h.set_log_level(LogLevel::Warning).await;
        h.call_tool("chatty", json!({})).await;
        assert_eq!(levels(&h).len(), 5);
        assert_eq!(levels(&h)[3].0, LogLevel::Warning);
        assert_eq!(levels(&h)[4].0, LogLevel::Error);

        h.set_log_level(LogLevel::Debug).await;
        h.call_tool("chatty", json!({})).await;
        assert_eq!(levels(&h).len(), 9);
        assert_eq!(levels(&h)[5], (LogLevel::Debug, "debug detail".to_string()));

        // The level belongs to that session: another client starts from the default.
        let other = harness().await;
        other.call_tool("chatty", json!({})).await;
        assert_eq!(levels(&other).len(), 3);
    }

    #[tokio::test]
    async fn in_2026_07_28_each_request_asks_for_its_own_log_messages() {
        let tools: ToolRouter<Probe> = Probe::context_router();
        let h = Harness::modern(app_with_tools(Settings::defaults(), tools)).await;
        // No session, no default: a request that does not ask gets none.
        h.call_tool("chatty", json!({})).await;
        assert!(h.logs().is_empty(), "{:?}", h.logs());

        h.call_tool_logging("chatty", json!({}), LogLevel::Warning)
            .await;
        let levels: Vec<LogLevel> = h.logs().iter().map(|l| l.level).collect();
        assert_eq!(levels, [LogLevel::Warning, LogLevel::Error]);

        // Progress works the same way.
        h.call_tool("steps", json!({"count": 1, "delay_ms": 0}))
            .await;
        assert_eq!(h.progress().len(), 2);
    }

    fn progress() -> (Progress, Instant) {
        let start = Instant::now();
        (
            Progress::new(ProgressToken(rmcp::model::NumberOrString::Number(1)), start),
            start,
        )
    }

    #[test]
    fn first_report_and_reports_after_the_interval_are_sent() {
        let (p, t0) = progress();
        assert_eq!(p.admit(0.0, Some(10.0), t0), Admit::Send);
        assert_eq!(
            p.admit(1.0, Some(10.0), t0 + Duration::from_millis(10)),
            Admit::Skip
        );
        assert_eq!(
            p.admit(2.0, Some(10.0), t0 + Duration::from_millis(49)),
            Admit::Skip
        );
        assert_eq!(
            p.admit(3.0, Some(10.0), t0 + PROGRESS_INTERVAL),
            Admit::Send
        );
        assert_eq!(p.admit(4.0, None, t0 + PROGRESS_INTERVAL * 2), Admit::Send);
    }

    #[test]
    fn the_final_report_is_sent_even_inside_the_interval() {
        let (p, t0) = progress();
        assert_eq!(p.admit(1.0, Some(3.0), t0), Admit::Send);
        assert_eq!(p.admit(2.0, Some(3.0), t0), Admit::Skip);
        assert_eq!(p.admit(3.0, Some(3.0), t0), Admit::Send);
        // Once sent, repeating it sends nothing.
        assert_eq!(p.admit(3.0, Some(3.0), t0 + PROGRESS_INTERVAL), Admit::Skip);
    }

    #[test]
    fn a_tight_loop_sends_a_bounded_number_of_notifications() {
        let (p, t0) = progress();
        let n = 100_000;
        let sent = (0..=n)
            .filter(|i| {
                // 100k reports over 1 s of simulated time.
                let now = t0 + Duration::from_micros(*i as u64 * 10);
                p.admit(*i as f64, Some(n as f64), now) == Admit::Send
            })
            .count();
        // One per 50 ms over a second, plus the final one.
        assert!((20..=22).contains(&sent), "sent {sent}");
    }

    #[test]
    fn invalid_reports_are_dropped_and_do_not_count() {
        let (p, t0) = progress();
        for (done, total) in [
            (f64::NAN, Some(1.0)),
            (f64::INFINITY, None),
            (1.0, Some(f64::NAN)),
            (1.0, Some(f64::NEG_INFINITY)),
            (5.0, Some(4.0)),
        ] {
            assert!(
                matches!(p.admit(done, total, t0), Admit::Invalid(_)),
                "{done} {total:?}"
            );
        }
        assert_eq!(p.admit(5.0, Some(10.0), t0), Admit::Send);
        let later = t0 + PROGRESS_INTERVAL;
        assert!(matches!(p.admit(4.0, Some(10.0), later), Admit::Invalid(_)));
        assert_eq!(p.admit(6.0, Some(10.0), later), Admit::Send);
    }

    #[test]
    fn levels_order_from_debug_to_emergency() {
        assert!(LogLevel::Debug < LogLevel::Info);
        assert!(LogLevel::Warning < LogLevel::Error);
        assert!(LogLevel::Alert < LogLevel::Emergency);
        #[allow(deprecated)]
        for level in [
            LoggingLevel::Debug,
            LoggingLevel::Notice,
            LoggingLevel::Emergency,
        ] {
            assert_eq!(LoggingLevel::from(LogLevel::from(level)), level);
        }
    }
}

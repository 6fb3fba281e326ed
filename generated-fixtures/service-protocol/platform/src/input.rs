//! Asking the client during a request: a question to the user (elicitation), a completion from
//! the client's model (sampling) and the client's roots — in both protocol eras.
//!
//! ```ignore
//! #[derive(Deserialize, JsonSchema)]
//! struct Confirm { confirmed: bool }
//!
//! async fn drop_table(&self, ctx: Context, Parameters(p): Parameters<Drop>) -> Result<String, ToolError> {
//!     match ctx.elicit::<Confirm>(format!("Drop table {}?", p.table)).await? {
//!         Elicited::Accepted(Confirm { confirmed: true }) => { /* drop it */ }
//!         _ => return Ok("left as it was".into()),
//!     }
//!     Ok("dropped".into())
//! }
//! ```
//!
//! Guarantees:
//! - **One tool, both eras.** In 2025-11-25 the question is a request to the client
//!   (`elicitation/create`, `sampling/createMessage`, `roots/list`) and the tool waits for the
//!   answer. In 2026-07-28, which has no server-to-client requests, the platform answers the call
//!   with `InputRequiredResult` (the question under a key, and a sealed `requestState`) and stops
//!   the tool at that `await`; the client retries the call with the answer, and the tool runs
//!   again from the start, this time getting the answers it asked for (so work before a question
//!   must be safe to repeat). A tool is written the same way for both.
//! - **`requestState` is sealed** (HMAC-SHA256, rmcp's `RequestStateCodec`) and bound to the
//!   caller, the tool and its arguments, for [`STATE_TTL`]: a state that was tampered with,
//!   expired, or replayed by another principal or for another call is refused with invalid
//!   params. Answers for questions the server did not ask are ignored. The key is the setting
//!   `REQUEST_STATE_KEY` (replicas behind one address must share it), else random per process.
//! - **Capabilities are checked first:** a client that did not declare elicitation (form mode),
//!   sampling or roots gets a tool error that says so — the question is never sent.
//! - **Answers are checked:** an accepted elicitation whose content does not match the form is
//!   a tool error and a log line, never a panic.
//! - Cancellation works as for any request: the token fires while the tool waits for an answer.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

#[allow(deprecated)]
// sampling and roots are deprecated by SEP-2577 but still part of both eras
use rmcp::model::{
    ClientCapabilities, CreateMessageRequest, CreateMessageRequestParams, CreateMessageResult,
    ElicitRequest, ElicitRequestParams, ElicitResult, ElicitationAction, ElicitationSchema,
    InputRequest, InputRequests, InputResponses, ListRootsRequest, ListRootsResult, Root,
};
use rmcp::model::{RequestStateCodec, RequestStateError, SealOptions};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::context::Context;
use crate::errors::{ToolError, lock};
use crate::tasks::TaskInput;

/// How long a client has to answer a 2026-07-28 question before the sealed state expires.
pub const STATE_TTL: Duration = Duration::from_secs(10 * 60);

/// The user's answer to a question ([`Context::elicit`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Elicited<T> {
    /// The user filled in the form.
    Accepted(T),
    /// The user said no (the tool goes on without the answer).
    Declined,
    /// The user dismissed the question (the client's user wants the whole thing stopped).
    Cancelled,
}

/// What a client declared it can do, as far as asking it goes.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ClientAbilities {
    pub elicit_form: bool,
    pub sampling: bool,
    pub roots: bool,
}

impl ClientAbilities {
    pub(crate) fn of(capabilities: &ClientCapabilities) -> Self {
        Self {
            elicit_form: capabilities
                .elicitation
                .as_ref()
                .is_some_and(|e| e.form.is_some() || e.url.is_none()),
            sampling: capabilities.sampling.is_some(),
            roots: capabilities.roots.is_some(),
        }
    }
}

/// The input rounds of one 2026-07-28 tool call: the answers the client gave so far, and the
/// question the tool is waiting on.
#[derive(Debug, Default)]
pub(crate) struct Rounds {
    answers: InputResponses,
    asked: Mutex<u32>,
    question: Mutex<Option<(String, InputRequest)>>,
    waiting: tokio::sync::Notify,
}

/// What a sealed `requestState` carries: every answer so far, and the keys of the questions
/// the client is answering now.
#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    answers: InputResponses,
    asked: Vec<String>,
}

impl Rounds {
    /// The rounds of a call: the answers in its verified state, and the client's responses to
    /// the questions that state says were asked.
    pub(crate) fn resume(
        codec: &RequestStateCodec,
        binding: &[u8],
        state: Option<&str>,
        responses: Option<InputResponses>,
    ) -> Result<Self, rmcp::ErrorData> {
        let Some(state) = state else {
            if responses.is_some_and(|r| !r.is_empty()) {
                tracing::info!("input responses without a request state ignored");
            }
            return Ok(Self::default());
        };
        let State { mut answers, asked } =
            codec.open_json_with(state, binding).map_err(|error| {
                tracing::info!(%error, "request state refused");
                rmcp::ErrorData::invalid_params(format!("requestState refused: {error}"), None)
            })?;
        for (key, answer) in responses.unwrap_or_default() {
            if asked.contains(&key) {
                answers.insert(key, answer);
            } else {
                tracing::info!(
                    key = crate::logging::bounded(&key),
                    "an answer to a question not asked ignored"
                );
            }
        }
        Ok(Self {
            answers,
            ..Self::default()
        })
    }

    /// Resolves when the tool asked a question it has no answer for; the tool is then stopped.
    pub(crate) async fn question_asked(&self) {
        self.waiting.notified().await;
    }

    /// The answer to this call's `InputRequiredResult`: the question, and the sealed state.
    pub(crate) fn input_required(
        &self,
        codec: &RequestStateCodec,
        binding: &[u8],
    ) -> Result<rmcp::model::InputRequiredResult, rmcp::ErrorData> {
        let (key, request) = lock(&self.question)
            .take()
            .ok_or_else(|| rmcp::ErrorData::internal_error("no question was asked", None))?;
        let state = State {
            answers: self.answers.clone(),
            asked: vec![key.clone()],
        };
        let sealed = codec
            .seal_json_with(
                &state,
                &SealOptions::new().associated_data(binding).ttl(STATE_TTL),
            )
            .map_err(|error| rmcp::ErrorData::internal_error(error.to_string(), None))?;
        let requests: InputRequests = BTreeMap::from([(key, request)]);
        Ok(rmcp::model::InputRequiredResult::new(
            Some(requests),
            Some(sealed),
        ))
    }

    /// The answer for the next question of kind `kind`, or — the question recorded and the
    /// handler told — never (the platform stops the tool and asks the client).
    async fn ask(&self, kind: &str, request: InputRequest) -> Value {
        let key = {
            let mut asked = lock(&self.asked);
            *asked += 1;
            format!("{kind}-{asked}")
        };
        if let Some(answer) = self.answers.get(&key) {
            return answer.clone();
        }
        *lock(&self.question) = Some((key, request));
        self.waiting.notify_one();
        std::future::pending().await
    }
}

/// Where a question goes when it is not a request to the client: into the answer of a
/// 2026-07-28 call, or into a task's `input_required` state.
pub(crate) enum Asker<'a> {
    Rounds(&'a Rounds),
    Task(&'a TaskInput),
}

impl Asker<'_> {
    /// The client's answer to `request` (a question of kind `kind`).
    async fn ask(&self, kind: &str, request: InputRequest) -> Result<Value, ToolError> {
        match self {
            Asker::Rounds(rounds) => Ok(rounds.ask(kind, request).await),
            Asker::Task(task) => task.ask(kind, request).await.ok_or_else(|| {
                ToolError::invalid_input("the task was cancelled while it waited for an answer")
            }),
        }
    }
}

/// What binds a sealed state to one call: the caller, the tool and its arguments.
pub(crate) fn binding(
    principal: &str,
    tool: &str,
    arguments: Option<&rmcp::model::JsonObject>,
) -> Vec<u8> {
    let arguments = arguments
        .map(|a| serde_json::to_string(a).unwrap_or_default())
        .unwrap_or_default();
    [principal.as_bytes(), tool.as_bytes(), arguments.as_bytes()].join(&0u8)
}

/// The codec for `requestState`: the configured key (refused when shorter than 32 bytes), else
/// a random one for this process.
pub(crate) fn codec(key: Option<&[u8]>) -> Result<RequestStateCodec, RequestStateError> {
    match key {
        Some(key) => RequestStateCodec::try_new(key.to_vec()),
        None => {
            let mut random = Vec::with_capacity(32);
            random.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
            random.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
            RequestStateCodec::try_new(random)
        }
    }
}

impl Context {
    /// Asks the user to fill in a form shaped like `T` (a struct of strings, numbers, booleans
    /// and enums; doc comments become field descriptions, `#[serde(default)]` defaults).
    ///
    /// Errors (as a tool error the model sees) when the client cannot answer questions, and
    /// when an accepted answer does not fit `T`.
    pub async fn elicit<T: schemars::JsonSchema + DeserializeOwned>(
        &self,
        message: impl Into<String>,
    ) -> Result<Elicited<T>, ToolError> {
        let schema = ElicitationSchema::from_type::<T>().map_err(|error| {
            ToolError::Internal(anyhow::anyhow!(
                "{} cannot be an elicitation form: {error}",
                std::any::type_name::<T>()
            ))
        })?;
        match self.elicit_with_schema(message, schema).await? {
            Elicited::Accepted(content) => serde_json::from_value(content)
                .map(Elicited::Accepted)
                .map_err(|error| self.bad_answer(&error.to_string())),
            Elicited::Declined => Ok(Elicited::Declined),
            Elicited::Cancelled => Ok(Elicited::Cancelled),
        }
    }

    /// [`Context::elicit`] with a form built by hand (rmcp's `ElicitationSchema` builder or
    /// its JSON form), for titled enums, multi-select and defaults. The accepted content is
    /// checked to be an object with every required field.
    pub async fn elicit_with_schema(
        &self,
        message: impl Into<String>,
        schema: ElicitationSchema,
    ) -> Result<Elicited<Value>, ToolError> {
        if !self.abilities().elicit_form {
            return Err(ToolError::invalid_input(
                "this client cannot ask its user questions (it did not declare the elicitation \
                 capability)",
            ));
        }
        let required = schema.required.clone().unwrap_or_default();
        let params = ElicitRequestParams::FormElicitationParams {
            meta: None,
            message: message.into(),
            requested_schema: schema,
        };
        let answer: ElicitResult = match self.deferred() {
            Some(asker) => {
                let request = InputRequest::Elicitation(ElicitRequest::new(params));
                let answer = asker.ask("elicitation", request).await?;
                serde_json::from_value(answer).map_err(|e| self.bad_answer(&e.to_string()))?
            }
            None => self
                .peer()
                .create_elicitation(params)
                .await
                .map_err(|error| self.unanswered("elicitation/create", &error))?,
        };
        match answer.action {
            ElicitationAction::Accept => {
                let content = answer.content.unwrap_or(Value::Null);
                let Value::Object(fields) = &content else {
                    return Err(self.bad_answer("the accepted answer is not an object"));
                };
                if let Some(missing) = required.iter().find(|name| !fields.contains_key(*name)) {
                    return Err(
                        self.bad_answer(&format!("the required field `{missing}` is missing"))
                    );
                }
                Ok(Elicited::Accepted(content))
            }
            ElicitationAction::Decline => Ok(Elicited::Declined),
            // Cancel, and any action a later protocol adds: the user did not answer.
            _ => Ok(Elicited::Cancelled),
        }
    }

    /// Asks the client's model for a completion (`sampling/createMessage`).
    #[deprecated(note = "sampling is deprecated by SEP-2577; it still works in both eras")]
    #[allow(deprecated)]
    pub async fn sample(
        &self,
        params: CreateMessageRequestParams,
    ) -> Result<CreateMessageResult, ToolError> {
        if !self.abilities().sampling {
            return Err(ToolError::invalid_input(
                "this client cannot sample its model (it did not declare the sampling capability)",
            ));
        }
        match self.deferred() {
            Some(asker) => {
                let request = InputRequest::CreateMessage(CreateMessageRequest::new(params));
                let answer = asker.ask("sampling", request).await?;
                serde_json::from_value(answer).map_err(|e| self.bad_answer(&e.to_string()))
            }
            None => self
                .peer()
                .create_message(params)
                .await
                .map_err(|error| self.unanswered("sampling/createMessage", &error)),
        }
    }

    /// The client's roots (`roots/list`): the directories or URIs its user opened.
    #[deprecated(note = "roots are deprecated by SEP-2577; they still work in both eras")]
    #[allow(deprecated)]
    pub async fn roots(&self) -> Result<Vec<Root>, ToolError> {
        if !self.abilities().roots {
            return Err(ToolError::invalid_input(
                "this client has no roots (it did not declare the roots capability)",
            ));
        }
        let result: ListRootsResult = match self.deferred() {
            Some(asker) => {
                let request = InputRequest::ListRoots(ListRootsRequest::default());
                let answer = asker.ask("roots", request).await?;
                serde_json::from_value(answer).map_err(|e| self.bad_answer(&e.to_string()))?
            }
            None => self
                .peer()
                .list_roots()
                .await
                .map_err(|error| self.unanswered("roots/list", &error))?,
        };
        Ok(result.roots)
    }

    fn bad_answer(&self, why: &str) -> ToolError {
        tracing::info!(
            request_id = self.request_id(),
            why,
            "the client's answer did not match the question"
        );
        ToolError::invalid_input(format!(
            "the client's answer did not match the question: {why}"
        ))
    }

    fn unanswered(&self, method: &str, error: &rmcp::service::ServiceError) -> ToolError {
        tracing::info!(request_id = self.request_id(), %error, "{method} failed");
        ToolError::invalid_input(format!("the client did not answer {method}: {error}"))
    }
}

#[cfg(test)]
#[allow(deprecated)] // sampling and roots are deprecated by SEP-2577 but still part of both eras
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use rmcp::handler::server::router::tool::ToolRouter;
    use rmcp::handler::server::wrapper::Parameters;
    use rmcp::model::{
        CallToolRequestParams, CallToolResponse, ClientCapabilities, ErrorCode, SamplingMessage,
    };
    use rmcp::{schemars, tool, tool_router};
    use serde_json::json;

    use super::*;
    use crate::config::Settings;
    use crate::harness::{Asked, Harness};
    use crate::testing::{Probe, app_with_tools};

    /// The form `book` asks for.
    #[derive(Debug, Deserialize, schemars::JsonSchema)]
    struct Seat {
        /// Window or aisle.
        side: String,
        /// How many seats.
        count: u32,
    }

    /// Parameters of `book`.
    #[derive(Debug, Deserialize, schemars::JsonSchema)]
    struct Flight {
        number: String,
    }

    /// How many times `counted` started (it runs again for each 2026-07-28 round).
    static RUNS: AtomicU32 = AtomicU32::new(0);

    #[tool_router(router = input_router)]
    impl Probe {
        /// Asks where to sit, then books.
        #[tool]
        async fn book(
            &self,
            ctx: Context,
            Parameters(f): Parameters<Flight>,
        ) -> Result<String, ToolError> {
            Ok(
                match ctx.elicit::<Seat>(format!("Seat on {}?", f.number)).await? {
                    Elicited::Accepted(seat) => {
                        format!("{} {} seat(s) on {}", seat.count, seat.side, f.number)
                    }
                    Elicited::Declined => "declined".into(),
                    Elicited::Cancelled => "cancelled".into(),
                },
            )
        }

        /// Counts its runs, and asks two questions.
        #[tool]
        async fn counted(&self, ctx: Context) -> Result<String, ToolError> {
            RUNS.fetch_add(1, Ordering::SeqCst);
            ctx.elicit::<Seat>("first?").await?;
            ctx.elicit::<Seat>("second?").await?;
            Ok("asked".into())
        }

        /// Asks two questions, then samples, then lists roots.
        #[tool]
        async fn two_questions(&self, ctx: Context) -> Result<String, ToolError> {
            let first = ctx.elicit::<Seat>("first?").await?;
            let second = ctx.elicit::<Seat>("second?").await?;
            let sample = ctx
                .sample(CreateMessageRequestParams::new(
                    vec![SamplingMessage::user_text("say hi")],
                    10,
                ))
                .await?;
            let roots = ctx.roots().await?;
            let seats = |e: Elicited<Seat>| match e {
                Elicited::Accepted(s) => s.count,
                _ => 0,
            };
            let text = sample
                .message
                .content
                .first()
                .and_then(|c| c.as_text())
                .map(|t| t.text.clone())
                .unwrap_or_default();
            Ok(format!(
                "{} {} {text} {}",
                seats(first),
                seats(second),
                roots
                    .iter()
                    .map(|r| r.uri.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            ))
        }
    }

    fn app() -> crate::App {
        let tools: ToolRouter<Probe> = Probe::input_router();
        app_with_tools(Settings::defaults(), tools)
    }

    #[tokio::test]
    async fn an_accepted_form_reaches_the_tool_typed() {
        let h = Harness::with_app(app()).await;
        h.accept_elicitation(json!({"side": "window", "count": 2}));
        let result = h.call_tool("book", json!({"number": "LH400"})).await;
        assert_eq!(Harness::text(&result), "2 window seat(s) on LH400");
        let asked = h.asked();
        let [
            Asked::Elicitation(ElicitRequestParams::FormElicitationParams {
                message,
                requested_schema,
                ..
            }),
        ] = asked.as_slice()
        else {
            panic!("{asked:?}");
        };
        assert_eq!(message, "Seat on LH400?");
        let schema = serde_json::to_value(requested_schema).unwrap();
        assert_eq!(schema["properties"]["side"]["type"], "string");
        assert_eq!(schema["properties"]["count"]["type"], "integer");
        assert_eq!(
            schema["properties"]["side"]["description"],
            "Window or aisle."
        );
    }

    #[tokio::test]
    async fn declined_and_cancelled_are_answers_not_errors() {
        let h = Harness::with_app(app()).await;
        h.decline_elicitation();
        h.answer_elicitation(ElicitResult::new(ElicitationAction::Cancel));
        let declined = h.call_tool("book", json!({"number": "A1"})).await;
        let cancelled = h.call_tool("book", json!({"number": "A1"})).await;
        assert_eq!(Harness::text(&declined), "declined");
        assert_eq!(Harness::text(&cancelled), "cancelled");
    }

    #[tokio::test]
    async fn an_answer_that_does_not_fit_the_form_is_a_tool_error() {
        let h = Harness::with_app(app()).await;
        h.accept_elicitation(json!({"side": "window", "count": "two"}));
        h.accept_elicitation(json!({"side": "window"}));
        h.accept_elicitation(json!(["not", "an", "object"]));
        for _ in 0..3 {
            let result = h.call_tool("book", json!({"number": "A1"})).await;
            assert_eq!(result.is_error, Some(true));
            assert!(
                Harness::text(&result).contains("did not match the question"),
                "{}",
                Harness::text(&result)
            );
        }
        // The server is still serving.
        let after = h.call_tool("greet", json!({"name": "Ada"})).await;
        assert_eq!(Harness::text(&after), "Hello, Ada.");
    }

    #[tokio::test]
    async fn a_client_without_the_capability_is_never_asked() {
        for modern in [false, true] {
            let h = Harness::with_client_capabilities(app(), ClientCapabilities::default(), modern)
                .await;
            let result = h.call_tool("book", json!({"number": "A1"})).await;
            assert_eq!(result.is_error, Some(true));
            assert!(Harness::text(&result).contains("elicitation capability"));
            assert!(h.asked().is_empty());
        }
    }

    #[tokio::test]
    async fn both_eras_ask_the_same_questions_and_get_the_same_answer() {
        for modern in [false, true] {
            let h = if modern {
                Harness::modern(app()).await
            } else {
                Harness::with_app(app()).await
            };
            h.accept_elicitation(json!({"side": "aisle", "count": 1}));
            h.accept_elicitation(json!({"side": "window", "count": 3}));
            h.answer_sampling("hi");
            h.set_roots(vec![Root::new("file:///work")]);
            let result = h.call_tool("two_questions", json!({})).await;
            assert_eq!(
                Harness::text(&result),
                "1 3 hi file:///work",
                "modern: {modern}"
            );
            let kinds: Vec<&str> = h
                .asked()
                .iter()
                .map(|a| match a {
                    Asked::Elicitation(_) => "elicitation",
                    Asked::Sampling(_) => "sampling",
                    Asked::Roots => "roots",
                })
                .collect();
            assert_eq!(kinds, ["elicitation", "elicitation", "sampling", "roots"]);
        }
    }

    #[tokio::test]
    async fn in_2026_07_28_the_tool_runs_again_for_each_answer() {
        let h = Harness::modern(app()).await;
        h.accept_elicitation(json!({"side": "aisle", "count": 1}));
        h.accept_elicitation(json!({"side": "window", "count": 3}));
        h.call_tool("counted", json!({})).await;
        // Two questions: the first run and one run per answer.
        assert_eq!(RUNS.load(Ordering::SeqCst), 3);
    }

    /// The first round of `book` in 2026-07-28: the question and the sealed state.
    async fn first_round(h: &Harness, number: &str) -> rmcp::model::InputRequiredResult {
        let params = CallToolRequestParams::new("book")
            .with_arguments(json!({"number": number}).as_object().unwrap().clone());
        match h.peer().call_tool_once(params).await.unwrap() {
            CallToolResponse::InputRequired(result) => result,
            other => panic!("{other:?}"),
        }
    }

    fn retry(number: &str, state: Option<String>, key: &str) -> CallToolRequestParams {
        let answer = json!({"action": "accept", "content": {"side": "aisle", "count": 9}});
        let mut params = CallToolRequestParams::new("book")
            .with_arguments(json!({"number": number}).as_object().unwrap().clone())
            .with_input_responses(InputResponses::from([(key.to_string(), answer)]));
        params.request_state = state;
        params
    }

    #[tokio::test]
    async fn a_tampered_or_replayed_state_is_refused() {
        let h = Harness::modern(app()).await;
        let round = first_round(&h, "A1").await;
        let key = round.input_requests.unwrap().into_keys().next().unwrap();
        let state = round.request_state.unwrap();

        // Answered as asked: the tool finishes.
        let done = h
            .peer()
            .call_tool_once(retry("A1", Some(state.clone()), &key))
            .await;
        match done.unwrap() {
            CallToolResponse::Complete(result) => {
                assert_eq!(Harness::text(&result), "9 aisle seat(s) on A1")
            }
            other => panic!("{other:?}"),
        }

        let mut tampered = state.clone();
        let last = tampered.pop().unwrap();
        tampered.push(if last == 'A' { 'B' } else { 'A' });
        for (why, params) in [
            ("tampered", retry("A1", Some(tampered), &key)),
            ("other arguments", retry("B2", Some(state.clone()), &key)),
            ("not a state", retry("A1", Some("garbage".into()), &key)),
        ] {
            let error = h.peer().call_tool_once(params).await.unwrap_err();
            let rmcp::service::ServiceError::McpError(error) = error else {
                panic!("{why}: {error:?}");
            };
            assert_eq!(error.code, ErrorCode::INVALID_PARAMS, "{why}");
        }
    }

    #[tokio::test]
    async fn answers_to_questions_not_asked_are_ignored() {
        let h = Harness::modern(app()).await;
        // No state: the answer is ignored and the question asked.
        let unasked = h
            .peer()
            .call_tool_once(retry("A1", None, "elicitation-1"))
            .await
            .unwrap();
        assert!(
            matches!(unasked, CallToolResponse::InputRequired(_)),
            "{unasked:?}"
        );
        // A state for one question, an answer under another key: asked again.
        let round = first_round(&h, "A1").await;
        let again = h
            .peer()
            .call_tool_once(retry("A1", round.request_state, "elicitation-7"))
            .await
            .unwrap();
        assert!(
            matches!(again, CallToolResponse::InputRequired(_)),
            "{again:?}"
        );
    }

    #[tokio::test]
    async fn a_question_with_no_answer_is_a_tool_error() {
        let h = Harness::with_app(app()).await;
        let result = h.call_tool("book", json!({"number": "A1"})).await;
        assert_eq!(result.is_error, Some(true));
        assert!(Harness::text(&result).contains("did not answer elicitation/create"));
    }

    #[test]
    fn a_short_key_is_refused() {
        assert!(codec(Some(b"short")).is_err());
        assert!(codec(Some(&[7; 32])).is_ok());
        assert!(codec(None).is_ok());
    }
}

// Owned by your team: edit freely.
//! The full-protocol example set (`--examples full`): a tool per kind of result the protocol
//! has, named as the official MCP conformance suite (`@modelcontextprotocol/conformance`)
//! calls them, so the suite can check this server. Read them as patterns: text, image, audio,
//! an embedded resource, mixed content, a tool error, progress and log messages to the client,
//! questions to the user (elicitation: a typed form, defaults, every kind of enum), a
//! completion from the client's model (sampling), a note a cancelled call never writes, a long
//! job that runs as a task, and `update_watched_resource`, a tool that changes a resource and
//! tells the clients subscribed to it.

use std::sync::atomic::Ordering;

use platform::content;
use platform::context::{Context, LogLevel};
use platform::errors::ToolError;
use platform::input::Elicited;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
#[allow(deprecated)] // sampling is deprecated by SEP-2577 but still part of both eras
use rmcp::model::{
    CallToolResult, ContentBlock, CreateMessageRequestParams, ElicitationSchema, SamplingMessage,
};
use rmcp::{schemars, tool, tool_router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::server::Server;

/// A 1×1 red PNG: the smallest image a client can show.
pub(crate) const RED_PIXEL_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0x00,
    0x00, 0x03, 0x01, 0x01, 0x00, 0xc9, 0xfe, 0x92, 0xef, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A WAV header with no samples: the smallest valid audio clip.
const SILENT_WAV: &[u8] = &[
    0x52, 0x49, 0x46, 0x46, 0x24, 0x00, 0x00, 0x00, 0x57, 0x41, 0x56, 0x45, 0x66, 0x6d, 0x74, 0x20,
    0x10, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x40, 0x1f, 0x00, 0x00, 0x80, 0x3e, 0x00, 0x00,
    0x02, 0x00, 0x10, 0x00, 0x64, 0x61, 0x74, 0x61, 0x00, 0x00, 0x00, 0x00,
];

/// The pause between two steps of the slow tools, long enough for each notification to go out
/// (the platform sends at most one progress notification per 50 ms).
const STEP: std::time::Duration = std::time::Duration::from_millis(60);

/// Parameters of `test_sampling`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct SamplingArgs {
    /// The prompt to send to the client's model.
    pub prompt: String,
}

/// Parameters of `test_elicitation`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct ElicitationArgs {
    /// The message to show the user.
    pub message: String,
}

/// The form `test_elicitation` asks the user to fill in: a typed struct, whose doc comments
/// become the field descriptions.
#[derive(Debug, Deserialize, serde::Serialize, schemars::JsonSchema)]
pub struct UserInfo {
    /// User's response
    pub username: String,
    /// User's email address
    pub email: String,
}

/// A form built by hand from its JSON Schema (for defaults and titled or multi-select enums,
/// which a struct cannot say).
fn form(schema: Value) -> Result<ElicitationSchema, ToolError> {
    serde_json::from_value(schema)
        .map_err(|e| ToolError::Internal(anyhow::anyhow!("an invalid elicitation form: {e}")))
}

/// Parameters of `write_note`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct WriteNoteArgs {
    /// The note to write.
    pub note: String,
    /// How long the work takes before the note is written, in milliseconds (at most 10000).
    pub delay_ms: u64,
}

/// Parameters of `count_primes_task`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct CountArgs {
    /// Count the primes below this number (at most 2000000).
    pub below: u64,
}

/// Asks the client's model to answer `prompt` and returns the text of its answer. (Sampling is
/// deprecated by SEP-2577, but still part of both eras.)
#[allow(deprecated)]
async fn sample_text(ctx: &Context, prompt: String) -> Result<String, ToolError> {
    let request = CreateMessageRequestParams::new(vec![SamplingMessage::user_text(prompt)], 100);
    let answer = ctx.sample(request).await?;
    let text: Vec<&str> = answer
        .message
        .content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.as_str()))
        .collect();
    Ok(text.join("\n"))
}

/// What an elicitation came back with, as the suite reads it.
fn outcome(answer: Elicited<Value>) -> String {
    match answer {
        Elicited::Accepted(content) => format!("action=accept, content={content}"),
        Elicited::Declined => "action=decline, content={}".to_string(),
        Elicited::Cancelled => "action=cancel, content={}".to_string(),
    }
}

#[tool_router(router = conformance_tools, vis = "pub(crate)")]
impl Server {
    /// Return a short text: the simplest tool result.
    #[tool(annotations(read_only_hint = true, open_world_hint = false))]
    async fn test_simple_text(&self) -> String {
        "This is a simple text response for testing.".to_string()
    }

    /// Return a small PNG image (a red pixel) as image content.
    #[tool(annotations(read_only_hint = true, open_world_hint = false))]
    async fn test_image_content(&self) -> CallToolResult {
        CallToolResult::success(vec![content::image(RED_PIXEL_PNG, "image/png")])
    }

    /// Return a short silent WAV clip as audio content.
    #[tool(annotations(read_only_hint = true, open_world_hint = false))]
    async fn test_audio_content(&self) -> CallToolResult {
        CallToolResult::success(vec![content::audio(SILENT_WAV, "audio/wav")])
    }

    /// Return a text resource embedded in the result, with its URI.
    #[tool(annotations(read_only_hint = true, open_world_hint = false))]
    async fn test_embedded_resource(&self) -> CallToolResult {
        CallToolResult::success(vec![content::text_resource(
            "test://embedded-resource",
            "This is an embedded resource content.",
            "text/plain",
        )])
    }

    /// Return text, an image and an embedded resource in one result.
    #[tool(annotations(read_only_hint = true, open_world_hint = false))]
    async fn test_multiple_content_types(&self) -> CallToolResult {
        CallToolResult::success(vec![
            ContentBlock::text("Multiple content types test:"),
            content::image(RED_PIXEL_PNG, "image/png"),
            content::text_resource(
                "test://mixed-content-resource",
                "{\"test\": \"data\", \"value\": 123}",
                "application/json",
            ),
        ])
    }

    /// Send three log messages to the client while working, then finish.
    #[tool(annotations(read_only_hint = true, open_world_hint = false))]
    async fn test_tool_with_logging(&self, ctx: Context) -> String {
        ctx.log(LogLevel::Info, "Tool execution started").await;
        tokio::time::sleep(STEP).await;
        ctx.log(LogLevel::Info, "Tool processing data").await;
        tokio::time::sleep(STEP).await;
        ctx.log(LogLevel::Info, "Tool execution completed").await;
        "Tool with logging executed successfully".to_string()
    }

    /// Always fail with an error the model can read (an `isError` result).
    #[tool(annotations(read_only_hint = true, open_world_hint = false))]
    async fn test_error_handling(&self) -> Result<String, ToolError> {
        Err(ToolError::invalid_input(
            "This tool intentionally returns an error for testing",
        ))
    }

    /// Report progress at 0, 50 and 100 of 100 while working, then finish.
    #[tool(annotations(read_only_hint = true, open_world_hint = false))]
    async fn test_tool_with_progress(&self, ctx: Context) -> String {
        for done in [0.0, 50.0, 100.0] {
            ctx.progress(done, 100.0, Some("working")).await;
            if done < 100.0 {
                tokio::time::sleep(STEP).await;
            }
        }
        "Progress test completed".to_string()
    }

    /// Write a note after working for `delay_ms` (reporting progress): a call cancelled before
    /// then writes nothing, which `read_notes` shows. The notes live in the `Server`, shared by
    /// every session.
    #[tool(annotations(
        read_only_hint = false,
        idempotent_hint = false,
        open_world_hint = false
    ))]
    async fn write_note(
        &self,
        ctx: Context,
        Parameters(args): Parameters<WriteNoteArgs>,
    ) -> Result<String, ToolError> {
        if args.delay_ms > 10_000 {
            return Err(ToolError::invalid_input("delay_ms must be at most 10000"));
        }
        let steps = args.delay_ms.div_ceil(STEP.as_millis() as u64).max(1);
        for step in 0..steps {
            ctx.progress(step as f64, steps as f64, Some("working"))
                .await;
            tokio::time::sleep(std::time::Duration::from_millis(args.delay_ms / steps)).await;
        }
        // A cancelled call never gets here: the platform drops it at its last `await`.
        self.notes()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(args.note.clone());
        Ok(format!("wrote {}", args.note))
    }

    /// Count the primes below `below` (at most 2,000,000), reporting progress: a long job that
    /// runs as a task for clients that declared the tasks extension (poll it with `tasks/get`,
    /// stop it with `tasks/cancel`), and as a plain call for the others.
    #[tool(
        meta = platform::tasks::runs_as_task(),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn count_primes_task(
        &self,
        ctx: Context,
        Parameters(args): Parameters<CountArgs>,
    ) -> Result<String, ToolError> {
        if args.below > 2_000_000 {
            return Err(ToolError::invalid_input("below must be at most 2000000"));
        }
        let mut count = 0u64;
        for n in 2..args.below {
            if (2..).take_while(|d| d * d <= n).all(|d| n % d != 0) {
                count += 1;
            }
            if n % 10_000 == 0 {
                ctx.progress(n as f64, args.below as f64, None).await;
                tokio::task::yield_now().await;
            }
        }
        Ok(format!("{count} primes below {}", args.below))
    }

    /// List the notes `write_note` wrote, oldest first.
    #[tool(annotations(read_only_hint = true, open_world_hint = false))]
    async fn read_notes(&self) -> String {
        let notes = self
            .notes()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        serde_json::to_string(&*notes).unwrap_or_default()
    }

    /// Ask the client's model to answer a prompt (sampling), and return its answer.
    #[tool(annotations(read_only_hint = true, open_world_hint = true))]
    async fn test_sampling(
        &self,
        ctx: Context,
        Parameters(args): Parameters<SamplingArgs>,
    ) -> Result<String, ToolError> {
        Ok(format!(
            "LLM response: {}",
            sample_text(&ctx, args.prompt).await?
        ))
    }

    /// Ask the user for a username and an email address, and say what they answered.
    #[tool(annotations(read_only_hint = true, open_world_hint = false))]
    async fn test_elicitation(
        &self,
        ctx: Context,
        Parameters(args): Parameters<ElicitationArgs>,
    ) -> Result<String, ToolError> {
        let answer = match ctx.elicit::<UserInfo>(args.message).await? {
            Elicited::Accepted(user) => Elicited::Accepted(json!(user)),
            Elicited::Declined => Elicited::Declined,
            Elicited::Cancelled => Elicited::Cancelled,
        };
        Ok(format!("User response: {}", outcome(answer)))
    }

    /// Ask the user a form whose every field has a default (string, integer, number, enum,
    /// boolean), and say what they answered.
    #[tool(annotations(read_only_hint = true, open_world_hint = false))]
    async fn test_elicitation_sep1034_defaults(&self, ctx: Context) -> Result<String, ToolError> {
        let schema = form(json!({
            "type": "object",
            "properties": {
                "name": {"type": "string", "description": "User name", "default": "John Doe"},
                "age": {"type": "integer", "description": "User age", "default": 30},
                "score": {"type": "number", "description": "User score", "default": 95.5},
                "status": {
                    "type": "string",
                    "description": "User status",
                    "enum": ["active", "inactive", "pending"],
                    "default": "active"
                },
                "verified": {"type": "boolean", "description": "Verification status", "default": true}
            },
            "required": []
        }))?;
        let message = "Test client default value handling - please accept with defaults";
        let answer = ctx.elicit_with_schema(message, schema).await?;
        Ok(format!("Elicitation completed: {}", outcome(answer)))
    }

    /// Ask the user a form with every kind of enum: untitled and titled single select, the
    /// legacy `enumNames` form, untitled and titled multi-select.
    #[tool(annotations(read_only_hint = true, open_world_hint = false))]
    async fn test_elicitation_sep1330_enums(&self, ctx: Context) -> Result<String, ToolError> {
        let schema = form(json!({
            "type": "object",
            "properties": {
                "untitledSingle": {"type": "string", "enum": ["option1", "option2", "option3"]},
                "titledSingle": {
                    "type": "string",
                    "oneOf": [
                        {"const": "value1", "title": "First Option"},
                        {"const": "value2", "title": "Second Option"},
                        {"const": "value3", "title": "Third Option"}
                    ]
                },
                "legacyEnum": {
                    "type": "string",
                    "enum": ["opt1", "opt2", "opt3"],
                    "enumNames": ["Option One", "Option Two", "Option Three"]
                },
                "untitledMulti": {
                    "type": "array",
                    "items": {"type": "string", "enum": ["option1", "option2", "option3"]}
                },
                "titledMulti": {
                    "type": "array",
                    "items": {
                        "anyOf": [
                            {"const": "value1", "title": "First Choice"},
                            {"const": "value2", "title": "Second Choice"},
                            {"const": "value3", "title": "Third Choice"}
                        ]
                    }
                }
            },
            "required": []
        }))?;
        let answer = ctx
            .elicit_with_schema("Please choose from each kind of list", schema)
            .await?;
        Ok(format!("Elicitation completed: {}", outcome(answer)))
    }
}

#[tool_router(router = watched_tools)]
impl Server {
    /// Change the watched resource (`test://watched-resource`) and tell the clients subscribed
    /// to it. The pattern for any tool that changes what a resource shows: change it, then
    /// `changes().resource_updated(uri)`.
    #[tool(annotations(
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = false,
        open_world_hint = false
    ))]
    async fn update_watched_resource(&self) -> String {
        let revision = self.watched().fetch_add(1, Ordering::SeqCst) + 1;
        let told = self
            .services()
            .changes()
            .resource_updated(crate::resources::WATCHED_RESOURCE)
            .await;
        format!("The watched resource is at revision {revision}; {told} subscribed client(s) told.")
    }
}

/// This set's router, merged into the registry in `src/tools/mod.rs`.
pub(crate) fn router() -> ToolRouter<Server> {
    Server::conformance_tools() + Server::watched_tools()
}

#[cfg(test)]
mod tests {
    use rmcp::model::ContentBlock;
    use serde_json::json;

    use crate::testing::Harness;

    #[tokio::test]
    async fn each_kind_of_content_comes_back() {
        let h = Harness::start().await;
        let text = h.call_tool("test_simple_text", json!({})).await;
        assert!(Harness::text(&text).contains("simple text"));
        let image = h.call_tool("test_image_content", json!({})).await;
        assert!(
            matches!(&image.content[..], [ContentBlock::Image(i)] if i.mime_type == "image/png")
        );
        let audio = h.call_tool("test_audio_content", json!({})).await;
        assert!(
            matches!(&audio.content[..], [ContentBlock::Audio(a)] if a.mime_type == "audio/wav")
        );
        let embedded = h.call_tool("test_embedded_resource", json!({})).await;
        assert!(matches!(&embedded.content[..], [ContentBlock::Resource(_)]));
        let mixed = h.call_tool("test_multiple_content_types", json!({})).await;
        assert!(matches!(
            &mixed.content[..],
            [
                ContentBlock::Text(_),
                ContentBlock::Image(_),
                ContentBlock::Resource(_)
            ]
        ));
        let error = h.call_tool("test_error_handling", json!({})).await;
        assert_eq!(error.is_error, Some(true));
        assert!(Harness::text(&error).contains("intentionally"));
    }

    #[tokio::test]
    async fn progress_and_log_messages_reach_the_client() {
        let h = Harness::start().await;
        h.call_tool("test_tool_with_progress", json!({})).await;
        let progress: Vec<f64> = h.progress().iter().map(|p| p.progress).collect();
        assert_eq!(progress, [0.0, 50.0, 100.0]);
        h.call_tool("test_tool_with_logging", json!({})).await;
        assert_eq!(h.logs().len(), 3, "{:?}", h.logs());
    }

    #[tokio::test]
    async fn questions_reach_the_user_and_answers_come_back_in_both_eras() {
        for h in [Harness::start().await, Harness::start_modern().await] {
            h.accept_elicitation(json!({"username": "testuser", "email": "test@example.com"}));
            let result = h
                .call_tool("test_elicitation", json!({"message": "Who are you?"}))
                .await;
            assert_eq!(
                Harness::text(&result),
                r#"User response: action=accept, content={"email":"test@example.com","username":"testuser"}"#
            );
            h.decline_elicitation();
            let declined = h
                .call_tool("test_elicitation", json!({"message": "Who are you?"}))
                .await;
            assert!(Harness::text(&declined).contains("action=decline"));

            h.answer_sampling("a haiku");
            let sampled = h
                .call_tool("test_sampling", json!({"prompt": "Write a haiku"}))
                .await;
            assert_eq!(Harness::text(&sampled), "LLM response: a haiku");
        }
    }

    #[tokio::test]
    async fn a_cancelled_write_writes_nothing() {
        let h = Harness::start().await;
        let call = h
            .start_call("write_note", json!({"note": "cancelled", "delay_ms": 300}))
            .await;
        h.wait_for_progress(1).await;
        call.cancel().await;
        let written = h
            .call_tool("write_note", json!({"note": "kept", "delay_ms": 0}))
            .await;
        assert_eq!(Harness::text(&written), "wrote kept");
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        let notes = h.call_tool("read_notes", json!({})).await;
        assert!(Harness::text(&notes).contains("\"kept\""));
        assert!(!Harness::text(&notes).contains("cancelled"));
        let too_long = h
            .call_tool("write_note", json!({"note": "x", "delay_ms": 60000}))
            .await;
        assert_eq!(too_long.is_error, Some(true));
    }

    #[tokio::test]
    async fn a_long_job_runs_as_a_task_for_clients_that_declared_tasks() {
        let h = Harness::start_with_tasks().await;
        let id = h
            .start_task("count_primes_task", json!({"below": 1000}))
            .await;
        let done = h.wait_for_task(&id).await;
        let rmcp::model::TaskPayload::Completed { result } = &done.payload else {
            panic!("{done:?}");
        };
        assert_eq!(result["content"][0]["text"], "168 primes below 1000");
        // Other clients get the answer directly.
        let plain = Harness::start().await;
        let result = plain
            .call_tool("count_primes_task", json!({"below": 1000}))
            .await;
        assert_eq!(Harness::text(&result), "168 primes below 1000");
    }

    #[tokio::test]
    async fn the_hand_built_forms_keep_their_defaults_and_enum_kinds() {
        let h = Harness::start().await;
        h.accept_elicitation(json!({}));
        h.accept_elicitation(json!({}));
        h.call_tool("test_elicitation_sep1034_defaults", json!({}))
            .await;
        h.call_tool("test_elicitation_sep1330_enums", json!({}))
            .await;
        let schemas: Vec<serde_json::Value> = h
            .asked()
            .into_iter()
            .map(|asked| match asked {
                platform::harness::Asked::Elicitation(
                    rmcp::model::ElicitRequestParams::FormElicitationParams {
                        requested_schema,
                        ..
                    },
                ) => json!(requested_schema),
                other => panic!("{other:?}"),
            })
            .collect();
        let defaults = &schemas[0]["properties"];
        assert_eq!(defaults["name"]["default"], "John Doe");
        assert_eq!(defaults["age"]["default"], 30);
        assert_eq!(defaults["score"]["default"], 95.5);
        assert_eq!(defaults["status"]["default"], "active");
        assert_eq!(defaults["verified"]["default"], true);
        let enums = &schemas[1]["properties"];
        assert!(enums["untitledSingle"]["enum"].is_array());
        assert_eq!(enums["titledSingle"]["oneOf"][0]["title"], "First Option");
        assert_eq!(enums["legacyEnum"]["enumNames"][2], "Option Three");
        assert_eq!(enums["untitledMulti"]["items"]["enum"][1], "option2");
        assert_eq!(enums["titledMulti"]["items"]["anyOf"][1]["const"], "value2");
    }
}

// Owned by your team: edit freely.
//! The full-protocol example set (`--examples full`): a tool per kind of result the protocol
//! has, named as the official MCP conformance suite (`@modelcontextprotocol/conformance`)
//! calls them, so the suite can check this server. Read them as patterns: text, image, audio,
//! an embedded resource, mixed content, a tool error, progress and log messages to the client;
//! and `update_watched_resource`, a tool that changes a resource and tells the clients
//! subscribed to it.

use std::sync::atomic::Ordering;

use platform::content;
use platform::context::{Context, LogLevel};
use platform::errors::ToolError;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::model::{CallToolResult, ContentBlock};
use rmcp::{tool, tool_router};

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
}

//! The in-memory test harness: a real MCP client connected to the real server in one process.
//!
//! Guarantees: requests go through the same handler, error masking and protocol code as in
//! production, over an in-memory pipe — no ports, no child processes, milliseconds per test.
//! The server task stops when the harness is dropped.

use rmcp::model::{
    CallToolRequestParams, CallToolResult, GetPromptRequestParams, ReadResourceRequestParams,
    ResourceContents, Tool,
};
use rmcp::service::{Peer, RunningService};
use rmcp::{RoleClient, ServiceExt};

use super::config::Settings;
use crate::server::Server;

/// A connected client; see the tests in `src/tools/` for use.
pub struct Harness {
    client: RunningService<RoleClient, ()>,
    server: tokio::task::JoinHandle<()>,
}

impl Harness {
    /// Connects to a server with default settings and every registered tool.
    pub async fn start() -> Self {
        Self::with_server(Server::new(Settings::defaults())).await
    }

    /// Connects to the given server.
    pub async fn with_server(server: Server) -> Self {
        let (client_io, server_io) = tokio::io::duplex(64 * 1024);
        let server = tokio::spawn(async move {
            if let Ok(running) = server.serve(server_io).await {
                let _ = running.waiting().await;
            }
        });
        let client = ().serve(client_io).await.expect("the in-memory client connects");
        Self { client, server }
    }

    /// The client's side of the connection, for requests the helpers below do not cover.
    pub fn peer(&self) -> &Peer<RoleClient> {
        self.client.peer()
    }

    /// Calls a tool with JSON arguments. Protocol errors (unknown tool, malformed request) panic
    /// with the error: tests that expect one should use [`Harness::peer`].
    pub async fn call_tool(&self, name: &str, arguments: serde_json::Value) -> CallToolResult {
        let mut params = CallToolRequestParams::new(name.to_string());
        if let serde_json::Value::Object(map) = arguments {
            params = params.with_arguments(map);
        }
        self.peer()
            .call_tool(params)
            .await
            .unwrap_or_else(|e| panic!("tools/call {name} failed: {e}"))
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

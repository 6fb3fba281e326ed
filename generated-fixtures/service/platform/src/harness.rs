//! The in-memory test harness: a real MCP client connected to the real server in one process.
//!
//! Guarantees: requests go through the same middleware stack, handler, error masking and
//! protocol code as in production, over an in-memory pipe — no ports, no child processes,
//! milliseconds per test. [`Harness::as_http_client`] makes every request carry HTTP request
//! parts with the given headers, exactly as the HTTP transport delivers them, so auth, scopes
//! and request ids are tested without a socket. The server task stops when the harness is
//! dropped.

use rmcp::model::{
    CallToolRequestParams, CallToolResult, GetPromptRequestParams, ReadResourceRequestParams,
    ResourceContents, Tool,
};
#[cfg(feature = "http")]
use rmcp::model::{GetExtensions, JsonRpcMessage};
use rmcp::service::{Peer, RunningService};
#[cfg(feature = "http")]
use rmcp::service::{RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::IntoTransport;
#[cfg(feature = "http")]
use rmcp::transport::Transport;
use rmcp::{RoleClient, RoleServer, ServiceExt};

use super::config::Settings;

/// HTTP request parts, as the Streamable HTTP transport attaches them to each request.
#[cfg(feature = "http")]
type Parts = axum::http::request::Parts;
/// Without the HTTP transport, requests never carry HTTP parts.
#[cfg(not(feature = "http"))]
type Parts = std::convert::Infallible;
use super::{App, Project};

/// A connected client; see the tests in the team's `src/tools/` for use.
pub struct Harness {
    client: RunningService<RoleClient, ()>,
    server: tokio::task::JoinHandle<()>,
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

    /// Like [`Harness::with_app`], returning the error if `initialize` is refused.
    pub async fn try_with_app(app: App) -> Result<Self, rmcp::ErrorData> {
        Self::try_connect(app, None).await
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
        match ().serve(client_io).await {
            Ok(client) => Ok(Self { client, server }),
            Err(rmcp::service::ClientInitializeError::JsonRpcError(error)) => Err(error),
            Err(other) => panic!("the in-memory client could not connect: {other}"),
        }
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

/// `project`'s server with `settings` (its own settings at their defaults), for tests.
pub fn test_app(project: &Project, settings: Settings) -> App {
    App::for_settings(project, settings).expect("valid settings")
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

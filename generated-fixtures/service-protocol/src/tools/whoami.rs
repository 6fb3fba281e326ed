// Owned by your team: edit freely.
//! `whoami`: an example tool that reads what the middleware learned about the request (the
//! caller's identity and the request id) from the request context, and returns structured
//! output with an output schema.

use rmcp::handler::server::common::Extension;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Json;
use rmcp::{schemars, tool, tool_router};
use serde::Serialize;

use crate::server::Server;
use platform::errors::ToolError;
use platform::middleware::RequestInfo;

/// Who the server thinks is calling.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Caller {
    /// The authenticated principal (`local` over stdio, `anonymous` when auth is off).
    pub principal: String,
    /// Scopes granted to the caller.
    pub scopes: Vec<String>,
    /// The caller's tenant, when the token names one.
    pub tenant: Option<String>,
    /// This request's id, as in the server's logs.
    pub request_id: String,
}

#[tool_router(router = whoami_router, vis = "pub(crate)")]
impl Server {
    /// Describe the caller as this server sees them: principal, scopes, tenant and the
    /// request id to quote when reporting a problem.
    #[tool(annotations(
        title = "Who am I",
        read_only_hint = true,
        destructive_hint = false,
        idempotent_hint = true,
        open_world_hint = false
    ))]
    async fn whoami(
        &self,
        Extension(info): Extension<RequestInfo>,
    ) -> Result<Json<Caller>, ToolError> {
        Ok(Json(Caller {
            principal: info.identity.principal,
            scopes: info.identity.scopes.into_iter().collect(),
            tenant: info.identity.tenant,
            request_id: info.request_id,
        }))
    }
}

/// This tool's router, merged into the registry in `src/tools/mod.rs`.
pub(crate) fn router() -> ToolRouter<Server> {
    Server::whoami_router()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::testing::Harness;

    #[tokio::test]
    async fn returns_structured_output_matching_its_schema() {
        let h = Harness::start().await;
        let result = h.call_tool("whoami", json!({})).await;
        assert_eq!(result.is_error, Some(false));
        let caller = result.structured_content.expect("structured output");
        assert_eq!(caller["principal"], "anonymous");
        assert_eq!(caller["request_id"].as_str().map(str::len), Some(32));

        let tools = h.list_tools().await;
        let whoami = tools.iter().find(|t| t.name == "whoami").unwrap();
        let schema = whoami.output_schema.as_ref().expect("an output schema");
        assert!(schema["properties"]["principal"].is_object());
    }

    #[tokio::test]
    #[cfg(feature = "http")]
    async fn sees_the_request_id_the_caller_sent() {
        use crate::testing::test_app;
        use platform::config::Settings;

        let app = test_app(Settings::defaults());
        let h = Harness::as_http_client(app, &[("x-request-id", "trace-42")]).await;
        let result = h.call_tool("whoami", json!({})).await;
        let caller = result.structured_content.expect("structured output");
        assert_eq!(caller["request_id"], "trace-42");
    }
}

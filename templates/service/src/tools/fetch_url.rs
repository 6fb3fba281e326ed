// Owned by your team: edit freely.
//! `fetch_url`: an example tool that reads a web page for the model through the platform's
//! `UrlFetcher` (never a raw HTTP client: the URL comes from the model). Policy refusals and
//! network failures are told to the model as such, so it can choose another URL.

use rmcp::handler::server::common::Extension;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::{Json, Parameters};
use rmcp::{schemars, tool, tool_router};
use serde::{Deserialize, Serialize};

use crate::server::Server;
use platform::errors::ToolError;
use platform::fetch::Caller;
use platform::middleware::RequestInfo;

/// Parameters of `fetch_url`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct FetchUrlParams {
    /// An `http` or `https` URL on the public internet.
    pub url: String,
    /// At most this many characters of the body are returned (default 20000).
    #[serde(default)]
    pub max_chars: Option<u32>,
}

/// A fetched page.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Page {
    /// The URL that answered, after redirects.
    pub url: String,
    pub status: u16,
    pub content_type: String,
    /// The body as text (invalid UTF-8 replaced), cut at `max_chars`.
    pub text: String,
    /// True when `text` was cut.
    pub truncated: bool,
}

#[tool_router(router = fetch_url_router, vis = "pub(crate)")]
impl Server {
    /// Fetch a public web page or JSON document and return its text. Private, loopback and
    /// cloud-metadata addresses are refused by policy.
    #[tool(annotations(
        title = "Fetch a URL",
        read_only_hint = true,
        destructive_hint = false,
        idempotent_hint = true,
        open_world_hint = true
    ))]
    async fn fetch_url(
        &self,
        Parameters(params): Parameters<FetchUrlParams>,
        Extension(info): Extension<RequestInfo>,
    ) -> Result<Json<Page>, ToolError> {
        let caller = Caller {
            principal: &info.identity.principal,
            tool: "fetch_url",
        };
        let fetcher = self.services().fetcher().map_err(anyhow::Error::from)?;
        let fetched = fetcher
            .get(caller, &params.url)
            .await
            .map_err(|e| ToolError::invalid_input(e.to_string()))?;
        let max = params.max_chars.unwrap_or(20_000) as usize;
        let text = String::from_utf8_lossy(&fetched.body);
        let truncated = text.chars().count() > max;
        Ok(Json(Page {
            url: fetched.url.to_string(),
            status: fetched.status.as_u16(),
            content_type: fetched.content_type,
            text: text.chars().take(max).collect(),
            truncated,
        }))
    }
}

/// This tool's router, merged into the registry in `src/tools/mod.rs`.
pub(crate) fn router() -> ToolRouter<Server> {
    Server::fetch_url_router()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::testing::{Harness, test_app};
    use platform::config::Settings;

    #[tokio::test]
    async fn metadata_and_loopback_urls_are_refused_by_policy() {
        let h = Harness::start().await;
        for url in [
            "http://169.254.169.254/latest/meta-data/",
            "http://0x7f000001:8080/admin",
            "file:///etc/passwd",
        ] {
            let result = h.call_tool("fetch_url", json!({ "url": url })).await;
            assert_eq!(result.is_error, Some(true), "{url}");
            let text = format!("{:?}", result.content);
            assert!(text.contains("blocked by policy"), "{url}: {text}");
        }
    }

    #[tokio::test]
    async fn an_allowed_server_is_fetched_and_cut_to_size() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let app = axum::Router::new().route(
                "/doc",
                axum::routing::get(|| async { ([("content-type", "text/plain")], "x".repeat(50)) }),
            );
            axum::serve(listener, app).await.unwrap();
        });
        // The allowlist re-opens exactly this loopback address for the test.
        let settings = Settings::with(&[("FETCH_ALLOW_CIDRS", "127.0.0.1/32")]).unwrap();
        let h = Harness::with_app(test_app(settings)).await;
        let url = format!("http://{addr}/doc");
        let result = h
            .call_tool("fetch_url", json!({ "url": url, "max_chars": 10 }))
            .await;
        assert_eq!(result.is_error, Some(false), "{result:?}");
        let page = result.structured_content.unwrap();
        assert_eq!(page["status"], 200);
        assert_eq!(page["text"], "xxxxxxxxxx");
        assert_eq!(page["truncated"], true);
    }
}

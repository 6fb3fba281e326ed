// Owned by your team: edit freely.
//! `greet`: an example tool showing the pattern — typed, documented parameters, annotations,
//! settings reached through server state, and failures the model can act on.

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::{schemars, tool, tool_router};
use serde::Deserialize;

use crate::server::Server;
use platform::errors::ToolError;

/// Parameters of `greet`. Field doc comments become the input schema's descriptions.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct GreetParams {
    /// Who to greet: a name of 1 to 100 characters.
    pub name: String,
    /// End with an exclamation mark instead of a full stop.
    #[serde(default)]
    pub excited: bool,
}

#[tool_router(router = greet_router, vis = "pub(crate)")]
impl Server {
    /// Greet someone by name. Useful to check that the server answers.
    #[tool(annotations(
        title = "Greet",
        read_only_hint = true,
        destructive_hint = false,
        idempotent_hint = true,
        open_world_hint = false
    ))]
    async fn greet(
        &self,
        Parameters(params): Parameters<GreetParams>,
    ) -> Result<String, ToolError> {
        let name = params.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(ToolError::invalid_input(
                "`name` must be 1 to 100 characters, not blank",
            ));
        }
        let greeting = &self.settings().greeting;
        let end = if params.excited { '!' } else { '.' };
        Ok(format!("{greeting}, {name}{end}"))
    }
}

/// This tool's router, merged into the registry in `src/tools/mod.rs`.
pub(crate) fn router() -> ToolRouter<Server> {
    Server::greet_router()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::testing::Harness;

    #[tokio::test]
    async fn greets_by_name() {
        let h = Harness::start().await;
        let result = h.call_tool("greet", json!({"name": "Ada"})).await;
        assert_eq!(result.is_error, Some(false));
        assert_eq!(Harness::text(&result), "Hello, Ada.");

        let excited = h
            .call_tool("greet", json!({"name": "Ada", "excited": true}))
            .await;
        assert_eq!(Harness::text(&excited), "Hello, Ada!");
    }

    #[tokio::test]
    async fn a_blank_name_is_an_error_the_model_can_read() {
        let h = Harness::start().await;
        let result = h.call_tool("greet", json!({"name": "  "})).await;
        assert_eq!(result.is_error, Some(true));
        assert!(Harness::text(&result).contains("`name` must be"));
    }

    #[tokio::test]
    async fn wrong_argument_types_are_rejected() {
        let h = Harness::start().await;
        for bad in [
            json!({"name": 42}),
            json!({}),
            json!({"name": "Ada", "excited": "yes"}),
        ] {
            let result = h.call_tool("greet", bad.clone()).await;
            assert_eq!(result.is_error, Some(true), "{bad} was accepted");
        }
    }

    #[tokio::test]
    async fn is_listed_with_its_schema_and_annotations() {
        let h = Harness::start().await;
        let tools = h.list_tools().await;
        let greet = tools
            .iter()
            .find(|t| t.name == "greet")
            .expect("greet is listed");
        let description = greet.description.as_deref().unwrap_or_default();
        assert!(description.starts_with("Greet someone by name"));
        let schema = serde_json::Value::Object((*greet.input_schema).clone());
        assert_eq!(schema["required"], json!(["name"]));
        assert!(schema["properties"]["name"]["description"].is_string());
        let annotations = greet.annotations.as_ref().expect("annotations");
        assert_eq!(annotations.read_only_hint, Some(true));
    }
}

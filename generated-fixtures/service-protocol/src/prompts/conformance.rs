// Owned by your team: edit freely.
//! The full-protocol example set's prompts (`--examples full`), named as the official MCP
//! conformance suite asks for them: no arguments, two arguments (the first with completions),
//! an embedded resource and an image.

use platform::completions::Completions;
use platform::errors::ToolError;
use rmcp::handler::server::router::prompt::PromptRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{PromptMessage, Role};
use rmcp::{prompt, prompt_router, schemars};
use serde::Deserialize;

use crate::server::Server;

/// Arguments of `test_prompt_with_arguments`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct TwoArgs {
    /// The first argument.
    pub arg1: String,
    /// The second argument.
    pub arg2: String,
}

/// Arguments of `test_prompt_with_embedded_resource`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct ResourceArgs {
    /// The URI of the resource to embed.
    #[serde(rename = "resourceUri")]
    pub resource_uri: String,
}

#[prompt_router(router = "conformance_prompts", vis = "pub(crate)")]
impl Server {
    /// A prompt with no arguments.
    #[prompt(name = "test_simple_prompt")]
    async fn test_simple_prompt(&self) -> Vec<PromptMessage> {
        vec![PromptMessage::new_text(
            Role::User,
            "This is a simple prompt for testing.",
        )]
    }

    /// A prompt that repeats its two arguments.
    #[prompt(name = "test_prompt_with_arguments")]
    async fn test_prompt_with_arguments(
        &self,
        Parameters(args): Parameters<TwoArgs>,
    ) -> Vec<PromptMessage> {
        let text = format!(
            "Prompt with arguments: arg1='{}', arg2='{}'",
            args.arg1, args.arg2
        );
        vec![PromptMessage::new_text(Role::User, text)]
    }

    /// A prompt that embeds the resource it is given.
    #[prompt(name = "test_prompt_with_embedded_resource")]
    async fn test_prompt_with_embedded_resource(
        &self,
        Parameters(args): Parameters<ResourceArgs>,
    ) -> Vec<PromptMessage> {
        vec![
            PromptMessage::new_resource(
                Role::User,
                args.resource_uri,
                Some("text/plain".to_string()),
                Some("Embedded resource content for testing.".to_string()),
                None,
                None,
                None,
            ),
            PromptMessage::new_text(Role::User, "Please process the embedded resource above."),
        ]
    }

    /// A prompt that shows an image (a red pixel).
    #[prompt(name = "test_prompt_with_image")]
    async fn test_prompt_with_image(&self) -> Vec<PromptMessage> {
        vec![
            PromptMessage::new(
                Role::User,
                platform::content::image(crate::tools::RED_PIXEL_PNG, "image/png"),
            ),
            PromptMessage::new_text(Role::User, "Please analyze the image above."),
        ]
    }
}

/// This set's prompts, merged into the registry in `src/prompts/mod.rs`.
pub(crate) fn router() -> PromptRouter<Server> {
    Server::conformance_prompts()
}

/// Suggestions for `test_prompt_with_arguments`'s first argument.
pub(crate) fn completions() -> Completions<Server> {
    Completions::new().prompt("test_prompt_with_arguments", "arg1", |_: Server, _| async {
        Ok::<_, ToolError>(vec![
            "paris".into(),
            "park".into(),
            "party".into(),
            "test".into(),
        ])
    })
}

#[cfg(test)]
mod tests {
    use rmcp::model::{ArgumentInfo, CompleteRequestParams, Reference};
    use serde_json::json;

    use crate::testing::Harness;

    #[tokio::test]
    async fn prompts_render_with_their_arguments() {
        let h = Harness::start().await;
        let simple = h.get_prompt("test_simple_prompt", json!({})).await.unwrap();
        assert!(simple.contains("simple prompt"));
        let args = json!({"arg1": "testValue1", "arg2": "testValue2"});
        let two = h
            .get_prompt("test_prompt_with_arguments", args)
            .await
            .unwrap();
        assert!(
            two.contains("testValue1") && two.contains("testValue2"),
            "{two}"
        );
        let image = h
            .get_prompt("test_prompt_with_image", json!({}))
            .await
            .unwrap();
        assert!(image.contains("analyze the image"));
        let embedded = json!({"resourceUri": "test://example-resource"});
        let embedded = h
            .get_prompt("test_prompt_with_embedded_resource", embedded)
            .await;
        assert!(embedded.unwrap().contains("embedded resource above"));
    }

    #[tokio::test]
    async fn the_first_argument_completes() {
        let h = Harness::start().await;
        let request = CompleteRequestParams::new(
            Reference::for_prompt("test_prompt_with_arguments"),
            ArgumentInfo::new("arg1", "par"),
        );
        let result = h.peer().complete(request).await.unwrap();
        assert_eq!(result.completion.values, ["paris", "park", "party"]);
    }
}

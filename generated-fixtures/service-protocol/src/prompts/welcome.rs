// Owned by your team: edit freely.
//! `welcome`: an example prompt. Prompt arguments arrive as strings.

use rmcp::handler::server::router::prompt::PromptRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{PromptMessage, Role};
use rmcp::{prompt, prompt_router, schemars};
use serde::Deserialize;

use crate::server::Server;

/// Arguments of `welcome`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct WelcomeArgs {
    /// Who to welcome.
    pub name: String,
    /// The tone to write in, such as "formal" or "playful".
    #[serde(default)]
    pub tone: Option<String>,
}

#[prompt_router(router = "welcome_router", vis = "pub(crate)")]
impl Server {
    /// Write a short welcome message for a new team member.
    #[prompt(name = "welcome")]
    async fn welcome(&self, Parameters(args): Parameters<WelcomeArgs>) -> Vec<PromptMessage> {
        let tone = args.tone.as_deref().unwrap_or("warm");
        vec![PromptMessage::new_text(
            Role::User,
            format!(
                "Write a {tone}, two-sentence welcome message for {}. Start with \"{}\".",
                args.name,
                self.settings().greeting
            ),
        )]
    }
}

/// This prompt's router, merged into the registry in `src/prompts/mod.rs`.
pub(crate) fn router() -> PromptRouter<Server> {
    Server::welcome_router()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::testing::Harness;

    #[tokio::test]
    async fn builds_a_message_from_its_arguments() {
        let h = Harness::start().await;
        let text = h
            .get_prompt("welcome", json!({"name": "Ada", "tone": "formal"}))
            .await
            .expect("the prompt renders");
        assert!(text.contains("formal") && text.contains("Ada"), "{text}");
    }

    #[tokio::test]
    async fn a_missing_argument_is_an_error() {
        let h = Harness::start().await;
        assert!(h.get_prompt("welcome", json!({})).await.is_err());
    }

    #[tokio::test]
    async fn is_listed_with_its_arguments() {
        let h = Harness::start().await;
        let prompts = h.peer().list_all_prompts().await.unwrap();
        let welcome = prompts
            .iter()
            .find(|p| p.name == "welcome")
            .expect("listed");
        let arguments = welcome.arguments.as_deref().unwrap_or_default();
        assert!(
            arguments
                .iter()
                .any(|a| a.name == "name" && a.required == Some(true))
        );
    }
}

//! The platform's in-memory test harness, bound to this server: `Harness::start()` serves
//! [`PROJECT`](crate::PROJECT) through the real middleware stack, handler and error masking.
//! (Generated; the platform team owns it.)

use std::ops::Deref;

use platform::App;
use platform::config::Settings;
use rmcp::model::CallToolResult;

/// A client connected to this server; see the tests in `src/tools/` for use.
#[derive(Debug)]
pub struct Harness(platform::harness::Harness);

impl Harness {
    /// Connects to this server with default settings.
    pub async fn start() -> Self {
        Self(platform::harness::Harness::start(&crate::PROJECT).await)
    }

    /// Connects to this server as a 2026-07-28 client: no `initialize`, every request
    /// self-contained, questions to the client answered as `InputRequiredResult` rounds.
    pub async fn start_modern() -> Self {
        let app = platform::harness::test_app(&crate::PROJECT, Settings::defaults());
        Self(platform::harness::Harness::modern(app).await)
    }

    /// Connects to this server as a client that declared the tasks extension: tools that run as
    /// tasks answer `start_task` with a task to poll (`wait_for_task`).
    pub async fn start_with_tasks() -> Self {
        let app = platform::harness::test_app(&crate::PROJECT, Settings::defaults());
        Self(platform::harness::Harness::with_task_support(app).await)
    }

    /// Connects to `app` as a local (stdio-like) client.
    pub async fn with_app(app: App) -> Self {
        Self(platform::harness::Harness::with_app(app).await)
    }

    /// Connects to `app` as an HTTP client with these headers (`authorization`,
    /// `x-request-id`…).
    #[cfg(feature = "http")]
    pub async fn as_http_client(app: App, headers: &[(&str, &str)]) -> Self {
        Self(platform::harness::Harness::as_http_client(app, headers).await)
    }

    /// The text of a result's text contents, joined by newlines.
    pub fn text(result: &CallToolResult) -> String {
        platform::harness::Harness::text(result)
    }
}

impl Deref for Harness {
    type Target = platform::harness::Harness;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

/// This server with `settings` (its own settings at their defaults), in the standard stack.
pub fn test_app(settings: Settings) -> App {
    platform::harness::test_app(&crate::PROJECT, settings)
}

#[cfg(test)]
mod tests {
    use platform::config::{platform_settings, variable};

    /// `.env.example` must list exactly the platform's settings (those of the subsystems this
    /// server compiles) then the team's, with their defaults, in order.
    #[test]
    fn env_example_lists_every_setting() {
        let example = include_str!("../.env.example");
        let listed: Vec<(String, String)> = example
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .map(|line| {
                let (name, value) = line.split_once('=').expect("NAME=value lines");
                (name.to_string(), value.to_string())
            })
            .collect();
        let every = platform_settings().chain(crate::PROJECT.settings);
        let expected: Vec<(String, String)> = every
            .clone()
            .map(|s| (variable(s.key), s.default.to_string()))
            .collect();
        assert_eq!(
            listed, expected,
            ".env.example is out of sync with the settings"
        );
        for setting in every {
            assert!(
                example.contains(setting.help),
                ".env.example lacks the help of {}",
                setting.key
            );
        }
    }
}

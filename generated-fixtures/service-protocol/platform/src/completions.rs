//! Argument completion (`completion/complete`): suggestions for a prompt's arguments and a
//! resource template's variables, declared next to the prompt or template they complete.
//!
//! ```ignore
//! pub(crate) fn completions() -> Completions<Server> {
//!     Completions::new().prompt("summarize", "style", |_server: Server, _request| async {
//!         Ok(vec!["brief".into(), "detailed".into(), "bullet points".into()])
//!     })
//! }
//! ```
//!
//! Guarantees: a completer returns every candidate; the platform keeps those that start with
//! what the user typed (ignoring case), in the completer's order, answers at most 100 of them
//! with `total` and `hasMore`, and masks a completer's failure or panic like a tool's. A request
//! for a prompt or template the server does not have, or for an argument it does not take, is
//! answered with invalid params (-32602); a known argument without a completer gets no
//! suggestions. The `completions` capability is advertised only when a completer is declared.

use std::collections::HashMap;
use std::future::Future;
use std::ops::Add;
use std::sync::Arc;

use futures::FutureExt;
use futures::future::BoxFuture;
use rmcp::ErrorData;
use rmcp::model::{CompleteRequestParams, CompleteResult, CompletionInfo, Reference};

use crate::errors::{self, ToolError};

/// What a completer is asked: the argument, what the user typed so far, and the values of the
/// other arguments already chosen (for suggestions that depend on them).
#[derive(Debug, Clone)]
pub struct CompletionRequest {
    pub argument: String,
    pub value: String,
    pub arguments: HashMap<String, String>,
}

/// What a completion belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A prompt, by name.
    Prompt(String),
    /// A resource template, by its URI template.
    Resource(String),
}

impl Target {
    pub(crate) fn of(reference: &Reference) -> Option<Self> {
        match reference {
            Reference::Prompt(prompt) => Some(Self::Prompt(prompt.name.clone())),
            Reference::Resource(resource) => Some(Self::Resource(resource.uri.clone())),
            #[allow(unreachable_patterns)] // `Reference` is non-exhaustive
            _ => None,
        }
    }
}

type CompleteFn<S> = Arc<
    dyn Fn(S, CompletionRequest) -> BoxFuture<'static, Result<Vec<String>, ToolError>>
        + Send
        + Sync,
>;

/// The server's completers, each for one argument of one prompt or template; `+` combines
/// them.
pub struct Completions<S> {
    entries: Vec<(Target, String, CompleteFn<S>)>,
}

impl<S> Default for Completions<S> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
        }
    }
}

impl<S> std::fmt::Debug for Completions<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(
                self.entries
                    .iter()
                    .map(|(target, argument, _)| (target, argument)),
            )
            .finish()
    }
}

impl<S: Clone + Send + Sync + 'static> Completions<S> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Completes argument `argument` of prompt `prompt`.
    pub fn prompt<F, Fut>(self, prompt: &str, argument: &str, complete: F) -> Self
    where
        F: Fn(S, CompletionRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Vec<String>, ToolError>> + Send + 'static,
    {
        self.with(Target::Prompt(prompt.to_string()), argument, complete)
    }

    /// Completes variable `variable` of the resource template `uri_template` (as listed, such
    /// as `weather://{city}/today`).
    pub fn resource<F, Fut>(self, uri_template: &str, variable: &str, complete: F) -> Self
    where
        F: Fn(S, CompletionRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Vec<String>, ToolError>> + Send + 'static,
    {
        self.with(
            Target::Resource(uri_template.to_string()),
            variable,
            complete,
        )
    }

    fn with<F, Fut>(mut self, target: Target, argument: &str, complete: F) -> Self
    where
        F: Fn(S, CompletionRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Vec<String>, ToolError>> + Send + 'static,
    {
        let complete: CompleteFn<S> =
            Arc::new(move |server, request| complete(server, request).boxed());
        self.entries.push((target, argument.to_string(), complete));
        self
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Answers `request` with `server`: the suggestions, or `None` when no completer is
    /// declared for that argument (the caller decides whether the argument exists).
    pub(crate) async fn complete(
        &self,
        server: &S,
        request: CompleteRequestParams,
    ) -> Option<Result<CompleteResult, ErrorData>> {
        let target = Target::of(&request.r#ref)?;
        let (_, _, complete) = self
            .entries
            .iter()
            .find(|(t, argument, _)| *t == target && *argument == request.argument.name)?;
        let typed = request.argument.value;
        let asked = CompletionRequest {
            argument: request.argument.name,
            value: typed.clone(),
            arguments: request
                .context
                .and_then(|context| context.arguments)
                .unwrap_or_default(),
        };
        let label = format!("completion of {}", asked.argument);
        let candidates = match errors::catch_panic(&label, complete(server.clone(), asked)).await {
            Ok(Ok(candidates)) => candidates,
            Ok(Err(error)) => return Some(Err(error.into_error_data())),
            Err(incident) => return Some(Err(incident.into_error_data())),
        };
        Some(Ok(CompleteResult::new(matching(candidates, &typed))))
    }
}

impl<S> Add for Completions<S> {
    type Output = Self;

    fn add(mut self, other: Self) -> Self {
        self.entries.extend(other.entries);
        self
    }
}

/// The candidates that start with `typed` (ignoring case), at most the protocol's 100, with
/// how many matched.
fn matching(candidates: Vec<String>, typed: &str) -> CompletionInfo {
    let typed = typed.to_lowercase();
    let matched: Vec<String> = candidates
        .into_iter()
        .filter(|candidate| candidate.to_lowercase().starts_with(&typed))
        .collect();
    let total = matched.len();
    let values: Vec<String> = matched
        .into_iter()
        .take(CompletionInfo::MAX_VALUES)
        .collect();
    let has_more = total > values.len();
    let mut info = CompletionInfo::default();
    info.values = values;
    info.total = Some(u32::try_from(total).unwrap_or(u32::MAX));
    info.has_more = Some(has_more);
    info
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_start_with_what_was_typed_and_stop_at_100() {
        let info = matching(vec!["Paris".into(), "parma".into(), "Lyon".into()], "PAR");
        assert_eq!(info.values, ["Paris", "parma"]);
        assert_eq!((info.total, info.has_more), (Some(2), Some(false)));

        let many: Vec<String> = (0..250).map(|i| format!("city-{i}")).collect();
        let info = matching(many, "");
        assert_eq!(info.values.len(), 100);
        assert_eq!((info.total, info.has_more), (Some(250), Some(true)));
    }
}

//! `new_project`: `mcpforge new` into a directory inside a root.

use std::collections::BTreeMap;

use rmcp::handler::server::wrapper::{Json, Parameters};
use rmcp::{Peer, RoleServer, schemars, tool, tool_router};
use serde::{Deserialize, Serialize};

use super::{blocking, shown};
use crate::commands;
use crate::mcp::McpServer;
use crate::template::{self, AnswerValue};

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProjectParams {
    /// The directory to create, relative to the first root or absolute; it must be inside a root
    /// (not a root itself), and missing or empty unless `force` is set.
    pub path: String,
    /// The template to render (see list_templates). Defaults to the default template.
    #[serde(default)]
    pub template: Option<String>,
    /// Render an earlier released version of the template instead of the current one.
    #[serde(default)]
    pub template_version: Option<String>,
    /// Answers to the template's questions by key (see list_templates); unanswered questions
    /// take their defaults.
    #[serde(default)]
    pub answers: BTreeMap<String, Answer>,
    /// Write into a non-empty directory, replacing files at the same paths.
    #[serde(default)]
    pub force: bool,
    /// List the files that would be written and write nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// An answer: text for string and choice questions, true or false for bool questions, a list of
/// values for multi questions (`[]` for none).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Answer {
    Bool(bool),
    Text(String),
    List(Vec<String>),
}

impl Answer {
    /// Answers as the command line gives them (`--key value`): a list comma-separated, so a
    /// list value holding a comma is refused rather than split.
    pub(super) fn flags(
        answers: &BTreeMap<String, Answer>,
    ) -> anyhow::Result<Vec<(String, String)>> {
        let mut given = Vec::new();
        for (key, answer) in answers {
            let text = match answer {
                Answer::Bool(b) => b.to_string(),
                Answer::Text(t) => t.clone(),
                Answer::List(values) => {
                    if let Some(bad) = values.iter().find(|v| v.contains(',')) {
                        return Err(crate::error::CliError::usage(format!(
                            "answers.{key}: `{bad}` is not one value"
                        ))
                        .with_help("give each value as its own list item")
                        .into());
                    }
                    values.join(",")
                }
            };
            given.push((key.clone(), text));
        }
        Ok(given)
    }
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct NewProjectOutput {
    /// The project directory (absolute).
    pub path: String,
    pub template: String,
    pub version: String,
    /// The package name the project was generated with.
    pub name: String,
    /// Every answer used, defaults included (a multi answer's values comma-separated).
    pub answers: BTreeMap<String, String>,
    /// Every file, relative to the project.
    pub files: Vec<String>,
    /// Whether the files were written (false for a dry run).
    pub written: bool,
}

#[tool_router(router = new_project_router, vis = "pub(super)")]
impl McpServer {
    /// Create a new Rust MCP server project from a template (like `mcpforge new`): renders every
    /// file in memory and creates the directory in one step, so a failure leaves nothing behind.
    /// Returns the files written. Refuses a non-empty directory unless force is set.
    #[tool(annotations(
        title = "Create a project",
        read_only_hint = false,
        destructive_hint = true,
        idempotent_hint = false,
        open_world_hint = false
    ))]
    async fn new_project(
        &self,
        peer: Peer<RoleServer>,
        Parameters(params): Parameters<NewProjectParams>,
    ) -> Result<Json<NewProjectOutput>, String> {
        let roots = self.roots(&peer).await;
        blocking(move || {
            let target = roots.resolve_new_dir(&params.path)?;
            if target.exists() {
                roots.check_tree(&target)?;
            }
            let given = Answer::flags(&params.answers)?;
            let template = params
                .template
                .as_deref()
                .unwrap_or(template::DEFAULT_TEMPLATE);
            let cwd = std::env::current_dir().unwrap_or_default();
            let created = commands::new::create(&commands::new::NewRequest {
                template,
                template_version: params.template_version.as_deref(),
                target: &target,
                cwd: &cwd,
                given: &given,
                prompter: None,
                force: params.force,
                dry_run: params.dry_run,
            })?;
            Ok(NewProjectOutput {
                path: shown(&created.target),
                name: created.name().to_string(),
                answers: created
                    .answers
                    .0
                    .iter()
                    .map(|(k, v): (&String, &AnswerValue)| (k.clone(), v.to_string()))
                    .collect(),
                files: created.rendered.files.keys().cloned().collect(),
                written: created.written,
                template: created.template,
                version: created.version,
            })
        })
        .await
    }
}

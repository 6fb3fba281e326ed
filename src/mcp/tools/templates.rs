//! `list_templates`: what new_project can render, with each template's questions.

use rmcp::handler::server::wrapper::{Json, Parameters};
use rmcp::{schemars, tool, tool_router};
use serde::{Deserialize, Serialize};

use crate::mcp::McpServer;
use crate::template::{self, QuestionKind};

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoArguments {}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct TemplateList {
    /// Every embedded template.
    pub templates: Vec<TemplateInfo>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct TemplateInfo {
    /// The name to pass as `template` to new_project.
    pub name: String,
    /// The current version, rendered by default.
    pub version: String,
    /// Whether new_project uses this template when none is named.
    pub default: bool,
    pub description: String,
    /// Earlier released versions (for `template_version`).
    pub earlier_versions: Vec<String>,
    /// The questions; answer them in new_project's `answers`.
    pub questions: Vec<QuestionInfo>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct QuestionInfo {
    /// The answer key (also the CLI flag `--<key>`).
    pub key: String,
    /// What the answer means.
    pub help: String,
    /// `string`, `bool`, `choice` or `multi` (any number of the choices: answer with a list of
    /// values, `[]` for none).
    pub kind: String,
    /// The default answer, if any (`true`/`false` for bools; the values comma-separated for
    /// `multi`, empty for none).
    pub default: Option<String>,
    /// The default is the target directory's name.
    pub default_from_directory: bool,
    /// For `choice` and `multi`: the allowed values and what each means.
    pub choices: Vec<ChoiceInfo>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ChoiceInfo {
    pub value: String,
    pub help: String,
    /// For `multi`: other values that must be chosen with this one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<String>,
}

/// The template list, shared with the `mcpforge://templates/<name>` resources.
pub fn template_info(tpl: &template::Template) -> TemplateInfo {
    TemplateInfo {
        name: tpl.name().to_string(),
        version: tpl.version().to_string(),
        default: tpl.name() == template::DEFAULT_TEMPLATE,
        description: tpl.manifest.description.clone(),
        earlier_versions: template::history::versions(tpl.name())
            .iter()
            .map(ToString::to_string)
            .filter(|v| v != tpl.version())
            .collect(),
        questions: tpl
            .manifest
            .questions
            .iter()
            .map(|q| QuestionInfo {
                key: q.key.clone(),
                help: q.help.clone(),
                kind: match q.kind {
                    QuestionKind::String => "string",
                    QuestionKind::Bool => "bool",
                    QuestionKind::Choice => "choice",
                    QuestionKind::Multi => "multi",
                }
                .to_string(),
                default: q.default.as_ref().map(ToString::to_string),
                default_from_directory: q.default_from_directory,
                choices: q
                    .choices
                    .iter()
                    .map(|c| ChoiceInfo {
                        value: c.value.clone(),
                        help: c.help.clone(),
                        requires: c.requires.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[tool_router(router = templates_router, vis = "pub(super)")]
impl McpServer {
    /// List the project templates new_project can render: name, version, description, earlier
    /// versions, and each question with its kind, default and choices.
    #[tool(annotations(
        title = "List templates",
        read_only_hint = true,
        destructive_hint = false,
        idempotent_hint = true,
        open_world_hint = false
    ))]
    async fn list_templates(&self, Parameters(_): Parameters<NoArguments>) -> Json<TemplateList> {
        Json(TemplateList {
            templates: template::all().iter().map(template_info).collect(),
        })
    }
}

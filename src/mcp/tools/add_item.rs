//! `add_item`: `mcpforge add tool|resource|prompt` in a confined project.

use rmcp::handler::server::wrapper::{Json, Parameters};
use rmcp::{Peer, RoleServer, schemars, tool, tool_router};
use serde::{Deserialize, Serialize};

use super::{blocking, check_writes, confined_project, shown};
use crate::cli::{AddItem, AddPromptArgs, AddResourceArgs, AddToolArgs};
use crate::commands;
use crate::error::CliError;
use crate::mcp::McpServer;

#[derive(Debug, Clone, Copy, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    Tool,
    Resource,
    Prompt,
}

impl ItemKind {
    fn name(self) -> &'static str {
        match self {
            ItemKind::Tool => "tool",
            ItemKind::Resource => "resource",
            ItemKind::Prompt => "prompt",
        }
    }
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddItemParams {
    /// The project directory (or a directory inside it), relative to the first root or absolute.
    pub project: String,
    /// What to add.
    pub kind: ItemKind,
    /// The name clients will see: 1 to 128 characters of A-Z a-z 0-9 _ - . starting with a letter.
    pub name: String,
    /// What the item does or holds, for the model: when to use it and what it returns.
    #[serde(default)]
    pub description: Option<String>,
    /// Tools only: parameters as name:type, name:type? (optional) or name:type:description;
    /// types are string, int, float, bool (or Rust spellings such as u32) and lists as string[].
    #[serde(default)]
    pub params: Vec<String>,
    /// Tools only: the tool changes nothing (implies idempotent).
    #[serde(default)]
    pub read_only: bool,
    /// Tools only: the tool can destroy or overwrite data.
    #[serde(default)]
    pub destructive: bool,
    /// Tools only: repeating a call with the same arguments has no further effect.
    #[serde(default)]
    pub idempotent: bool,
    /// Tools only: the tool reaches outside systems (the web, other services).
    #[serde(default)]
    pub open_world: bool,
    /// Tools only: the tool takes the request context and reports progress in steps, with a
    /// test of its last notification (templates with a request context: service 0.6.0,
    /// minimal 0.4.0 and later).
    #[serde(default)]
    pub progress: bool,
    /// Tools only: the tool asks the user to confirm before acting (elicitation), with tests
    /// that script the answer (service 0.7.0, minimal 0.5.0 and later).
    #[serde(default)]
    pub elicit: bool,
    /// Tools only: the tool runs as a task for clients that declared the tasks extension, with
    /// a test that reads the task to completion (service 0.7.0, minimal 0.5.0 and later).
    #[serde(default)]
    pub task: bool,
    /// Resources only: a fixed URI such as docs://handbook (default: <project-name>://<name>).
    #[serde(default)]
    pub uri: Option<String>,
    /// Resources only: a URI template of RFC 6570 level-1 {variables}, such as
    /// weather://{city}/today; the reader gets the variables as a typed struct.
    #[serde(default)]
    pub uri_template: Option<String>,
    /// Resources with uri_template only: variable types as name:type or name:type:description
    /// (types string, the default, int, float, bool or Rust spellings such as u32); a value
    /// that does not parse is answered with invalid params.
    #[serde(default)]
    pub vars: Vec<String>,
    /// Resources only: the contents' MIME type (default text/plain).
    #[serde(default)]
    pub mime: Option<String>,
    /// Prompts only: arguments as name, name? (optional) or name:description.
    #[serde(default)]
    pub args: Vec<String>,
    /// Prompts and resources with uri_template: argument or variable names to suggest values
    /// for (completion/complete): a completer next to the item, handed to the catalog, with a
    /// test (service 0.6.0, minimal 0.4.0 and later).
    #[serde(default)]
    pub complete: Vec<String>,
    /// Replace the item's file if it exists (its registration is kept).
    #[serde(default)]
    pub force: bool,
    /// Return the changes as a unified diff and write nothing.
    #[serde(default)]
    pub dry_run: bool,
}

impl AddItemParams {
    /// The same arguments `mcpforge add <kind>` parses, refusing options of another kind.
    fn to_cli(&self) -> Result<AddItem, CliError> {
        use ItemKind::{Prompt, Resource, Tool};
        let options: [(&str, bool, &[ItemKind]); 14] = [
            ("params", !self.params.is_empty(), &[Tool]),
            ("read_only", self.read_only, &[Tool]),
            ("destructive", self.destructive, &[Tool]),
            ("idempotent", self.idempotent, &[Tool]),
            ("open_world", self.open_world, &[Tool]),
            ("progress", self.progress, &[Tool]),
            ("elicit", self.elicit, &[Tool]),
            ("task", self.task, &[Tool]),
            ("uri", self.uri.is_some(), &[Resource]),
            ("uri_template", self.uri_template.is_some(), &[Resource]),
            ("vars", !self.vars.is_empty(), &[Resource]),
            ("mime", self.mime.is_some(), &[Resource]),
            ("args", !self.args.is_empty(), &[Prompt]),
            ("complete", !self.complete.is_empty(), &[Prompt, Resource]),
        ];
        let misplaced: Vec<String> = options
            .iter()
            .filter(|(_, given, kinds)| {
                *given && !kinds.iter().any(|k| k.name() == self.kind.name())
            })
            .map(|(option, _, kinds)| {
                let kinds: Vec<String> = kinds.iter().map(|k| format!("{}s", k.name())).collect();
                format!("`{option}` is for {}", kinds.join(" and "))
            })
            .collect();
        if !misplaced.is_empty() {
            return Err(CliError::usage(format!(
                "{}, not for a {}",
                misplaced.join(", "),
                self.kind.name()
            ))
            .with_help("params, progress, elicit, task and the hints are for tools, uri, uri_template, vars and mime for resources, args for prompts, complete for prompts and resource templates"));
        }
        Ok(match self.kind {
            ItemKind::Tool => AddItem::Tool(AddToolArgs {
                name: self.name.clone(),
                description: self.description.clone(),
                params: self.params.clone(),
                read_only: self.read_only,
                destructive: self.destructive,
                idempotent: self.idempotent,
                open_world: self.open_world,
                progress: self.progress,
                elicit: self.elicit,
                task: self.task,
                force: self.force,
                dry_run: self.dry_run,
            }),
            ItemKind::Resource => {
                if self.uri.is_some() && self.uri_template.is_some() {
                    return Err(CliError::usage("give uri or uri_template, not both"));
                }
                if self.uri_template.is_none()
                    && !(self.vars.is_empty() && self.complete.is_empty())
                {
                    return Err(CliError::usage(
                        "vars and complete are for a resource with a uri_template",
                    )
                    .with_help("give the URI template, e.g. weather://{city}/today"));
                }
                AddItem::Resource(AddResourceArgs {
                    name: self.name.clone(),
                    description: self.description.clone(),
                    uri: self.uri.clone(),
                    uri_template: self.uri_template.clone(),
                    vars: self.vars.clone(),
                    complete: self.complete.clone(),
                    mime: Some(self.mime.clone().unwrap_or_else(|| "text/plain".into())),
                    force: self.force,
                    dry_run: self.dry_run,
                })
            }
            ItemKind::Prompt => AddItem::Prompt(AddPromptArgs {
                name: self.name.clone(),
                description: self.description.clone(),
                args: self.args.clone(),
                complete: self.complete.clone(),
                force: self.force,
                dry_run: self.dry_run,
            }),
        })
    }
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct AddItemOutput {
    /// `tool`, `resource` or `prompt`.
    pub kind: String,
    pub name: String,
    /// The project directory (absolute).
    pub project: String,
    /// Files changed (written, or that would be written in a dry run), relative to the project.
    pub files: Vec<String>,
    /// Item files that existed and were replaced (`force`).
    pub replaced: Vec<String>,
    /// The changes as a unified diff.
    pub diff: String,
    /// Whether the files were written (false for a dry run).
    pub written: bool,
    /// Things worth knowing that did not stop the add.
    pub warnings: Vec<String>,
}

#[tool_router(router = add_item_router, vis = "pub(super)")]
impl McpServer {
    /// Add a tool, resource or prompt to a generated project (like `mcpforge add`): a new file
    /// with tests in the item folder, registered in its registry by a formatting-preserving edit
    /// and recorded in .mcpforge.toml. Everything is checked before one transaction writes it.
    #[tool(annotations(
        title = "Add a tool, resource or prompt",
        read_only_hint = false,
        destructive_hint = true,
        idempotent_hint = false,
        open_world_hint = false
    ))]
    async fn add_item(
        &self,
        peer: Peer<RoleServer>,
        Parameters(params): Parameters<AddItemParams>,
    ) -> Result<Json<AddItemOutput>, String> {
        let roots = self.roots(&peer).await;
        blocking(move || {
            let item = params.to_cli()?;
            let project = confined_project(&roots, &params.project)?;
            let planned = commands::add::plan(&project, &item)?;
            check_writes(&roots, &planned.transaction)?;
            let diff = planned.transaction.diff();
            let warnings = planned.warnings.clone();
            let mut output = AddItemOutput {
                kind: planned.kind.to_string(),
                name: planned.name.clone(),
                project: shown(&project.root),
                files: planned
                    .transaction
                    .changes()
                    .iter()
                    .map(|c| c.display.clone())
                    .collect(),
                replaced: Vec::new(),
                diff,
                written: false,
                warnings,
            };
            if !planned.dry_run {
                let added = commands::add::apply(planned)?;
                output.files = added.files;
                output.replaced = added.replaced;
                output.written = true;
            }
            Ok(output)
        })
        .await
    }
}

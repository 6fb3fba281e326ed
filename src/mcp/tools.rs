//! The tools: typed inputs (unknown fields refused), structured outputs, honest annotations.
//! Each tool confines its paths, then runs the CLI command's operation on a blocking thread.

use std::collections::BTreeMap;
use std::path::Path;

use rmcp::handler::server::wrapper::{Json, Parameters};
use rmcp::{Peer, RoleServer, schemars, tool, tool_router};
use serde::{Deserialize, Serialize};

use super::{McpServer, Roots, error_text};
use crate::cli::{AddItem, AddPromptArgs, AddResourceArgs, AddToolArgs};
use crate::commands;
use crate::error::CliError;
use crate::lint::{self, Severity};
use crate::project::Project;
use crate::template::{self, AnswerValue, QuestionKind};
use crate::upgrade::{Outcome, UpgradePlan};

/// Runs a blocking operation off the async runtime; its error becomes the tool error text.
/// (Tools spell out `Result<Json<T>, String>`: the macro finds output schemas by that shape.)
async fn blocking<T: Send + 'static>(
    op: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> Result<Json<T>, String> {
    match tokio::task::spawn_blocking(op).await {
        Ok(Ok(value)) => Ok(Json(value)),
        Ok(Err(err)) => Err(error_text(&err)),
        Err(join) => Err(format!("the operation stopped unexpectedly: {join}")),
    }
}

/// The project at `raw` (or the nearest one above it, not leaving the roots), with its tree
/// checked for symlinks that lead out.
fn confined_project(roots: &Roots, raw: &str) -> anyhow::Result<Project> {
    let dir = roots.resolve(raw)?;
    let project = Project::discover_within(&dir, |d| roots.check(d).is_ok())?;
    roots.check_tree(&project.root)?;
    Ok(project)
}

/// Refuses a write outside the roots (a registry or manifest reached through a link, say).
fn check_writes(roots: &Roots, tx: &crate::edit::Transaction) -> anyhow::Result<()> {
    for change in tx.changes() {
        roots.check(&change.path)?;
    }
    Ok(())
}

// ---- list_templates ----------------------------------------------------------------------

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
    /// `string`, `bool` or `choice`.
    pub kind: String,
    /// The default answer, if any (`true`/`false` for bools).
    pub default: Option<String>,
    /// The default is the target directory's name.
    pub default_from_directory: bool,
    /// For `choice`: the allowed values and what each means.
    pub choices: Vec<ChoiceInfo>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ChoiceInfo {
    pub value: String,
    pub help: String,
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
                    })
                    .collect(),
            })
            .collect(),
    }
}

// ---- new_project -------------------------------------------------------------------------

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

/// An answer: text for string and choice questions, true or false for bool questions.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Answer {
    Bool(bool),
    Text(String),
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct NewProjectOutput {
    /// The project directory (absolute).
    pub path: String,
    pub template: String,
    pub version: String,
    /// The package name the project was generated with.
    pub name: String,
    /// Every answer used, defaults included.
    pub answers: BTreeMap<String, String>,
    /// Every file, relative to the project.
    pub files: Vec<String>,
    /// Whether the files were written (false for a dry run).
    pub written: bool,
}

// ---- add_item ----------------------------------------------------------------------------

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
    /// Resources only: a fixed URI such as docs://handbook (default: <project-name>://<name>).
    #[serde(default)]
    pub uri: Option<String>,
    /// Resources only: a URI template with {variables}, such as weather://{city}/current.
    #[serde(default)]
    pub uri_template: Option<String>,
    /// Resources only: the contents' MIME type (default text/plain).
    #[serde(default)]
    pub mime: Option<String>,
    /// Prompts only: arguments as name, name? (optional) or name:description.
    #[serde(default)]
    pub args: Vec<String>,
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
        let options = [
            ("params", !self.params.is_empty(), Tool),
            ("read_only", self.read_only, Tool),
            ("destructive", self.destructive, Tool),
            ("idempotent", self.idempotent, Tool),
            ("open_world", self.open_world, Tool),
            ("uri", self.uri.is_some(), Resource),
            ("uri_template", self.uri_template.is_some(), Resource),
            ("mime", self.mime.is_some(), Resource),
            ("args", !self.args.is_empty(), Prompt),
        ];
        let misplaced: Vec<String> = options
            .iter()
            .filter(|(_, given, kind)| *given && kind.name() != self.kind.name())
            .map(|(option, _, kind)| format!("`{option}` is for {}s", kind.name()))
            .collect();
        if !misplaced.is_empty() {
            return Err(CliError::usage(format!(
                "{}, not for a {}",
                misplaced.join(", "),
                self.kind.name()
            ))
            .with_help("params and the hints are for tools, uri, uri_template and mime for resources, args for prompts"));
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
                force: self.force,
                dry_run: self.dry_run,
            }),
            ItemKind::Resource => {
                if self.uri.is_some() && self.uri_template.is_some() {
                    return Err(CliError::usage("give uri or uri_template, not both"));
                }
                AddItem::Resource(AddResourceArgs {
                    name: self.name.clone(),
                    description: self.description.clone(),
                    uri: self.uri.clone(),
                    uri_template: self.uri_template.clone(),
                    mime: Some(self.mime.clone().unwrap_or_else(|| "text/plain".into())),
                    force: self.force,
                    dry_run: self.dry_run,
                })
            }
            ItemKind::Prompt => AddItem::Prompt(AddPromptArgs {
                name: self.name.clone(),
                description: self.description.clone(),
                args: self.args.clone(),
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

// ---- lint --------------------------------------------------------------------------------

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LintParams {
    /// The Cargo package or workspace to lint, relative to the first root or absolute.
    pub project: String,
    /// Run only these rules: codes (MCP107), prefixes (MCP1), names or ALL.
    #[serde(default)]
    pub select: Vec<String>,
    /// Skip these rules (same forms as select).
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Also run preview (heuristic) rules.
    #[serde(default)]
    pub preview: bool,
    /// The lowest severity that makes `passed` false (default error).
    #[serde(default)]
    pub fail_on: Option<Severity>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct LintOutput {
    /// Active findings (not suppressed), sorted by file and position.
    pub diagnostics: Vec<LintDiagnostic>,
    /// No active finding at or above `fail_on`.
    pub passed: bool,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Findings silenced by `// mcpforge: ignore[...]` comments.
    pub suppressed: usize,
    /// Rust files and lines read.
    pub files: usize,
    pub lines: usize,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct LintDiagnostic {
    /// The rule's code, such as MCP107 (explain_rule tells more).
    pub rule: String,
    /// The rule's name, such as blocking-call-in-async.
    pub name: String,
    pub severity: Severity,
    /// Path relative to the linted project, with `/`.
    pub file: String,
    /// 1-based line and column (columns count characters) where the finding starts.
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: String,
    /// What to do about it.
    pub fix: String,
    /// Whether `mcpforge lint --fix` fixes it mechanically.
    pub fixable: bool,
}

// ---- explain_rule ------------------------------------------------------------------------

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplainParams {
    /// A rule code (MCP107) or name (blocking-call-in-async).
    pub rule: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct RuleDoc {
    pub code: String,
    pub name: String,
    /// The default severity.
    pub severity: Severity,
    /// `stable`, or `preview` (runs only when preview is on).
    pub status: String,
    pub family: String,
    /// One line: what the rule reports.
    pub summary: String,
    pub why: String,
    /// Code that triggers it.
    pub example: String,
    /// How to fix it.
    pub fix: String,
    /// Whether `mcpforge lint --fix` fixes findings mechanically.
    pub autofix: bool,
    /// The whole page as Markdown (also the resource mcpforge://rules/<code>).
    pub markdown: String,
}

// ---- upgrade -----------------------------------------------------------------------------

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpgradePlanParams {
    /// The project directory (or a directory inside it), relative to the first root or absolute.
    pub project: String,
    /// Answers to change while upgrading, by question key (the project is re-rendered with them).
    #[serde(default)]
    pub set: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpgradeApplyParams {
    /// The project directory (or a directory inside it), relative to the first root or absolute.
    pub project: String,
    /// Answers to change while upgrading, by question key.
    #[serde(default)]
    pub set: BTreeMap<String, String>,
    /// Upgrade even if the git working tree has uncommitted changes (or there is no git), so the
    /// upgrade is not one reviewable diff.
    #[serde(default)]
    pub allow_dirty: bool,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct UpgradeOutput {
    pub template: String,
    /// The template version the project is at, and the one it moves to.
    pub from: String,
    pub to: String,
    /// Nothing to change.
    pub up_to_date: bool,
    /// Answers that change.
    pub answers_changed: Vec<AnswerChange>,
    /// What happens to each file the upgrade looks at.
    pub files: Vec<UpgradeFile>,
    /// Code migrations for renamed platform APIs.
    pub migrations: Vec<UpgradeMigration>,
    /// The template's changelog between the two versions.
    pub changelog: String,
    /// upgrade_plan: the unified diff of every change. upgrade_apply: empty.
    pub diff: String,
    /// How many files were written (0 for a plan).
    pub written: usize,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct AnswerChange {
    pub key: String,
    pub old: String,
    pub new: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct UpgradeFile {
    /// Relative to the project.
    pub path: String,
    /// updated, kept, merged, conflict, created, removed, deleted, skipped or migrated.
    pub outcome: String,
    /// Conflict blocks the file gets (conflict only).
    pub conflicts: usize,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct UpgradeMigration {
    pub summary: String,
    pub version: String,
    /// Files it edits.
    pub edited: Vec<String>,
    /// Files it could not read, with the reason: apply the migration there by hand.
    pub skipped: Vec<String>,
}

fn upgrade_output(plan: &UpgradePlan, diff: String, written: usize) -> UpgradeOutput {
    UpgradeOutput {
        template: plan.template.clone(),
        from: plan.from.to_string(),
        to: plan.to.to_string(),
        up_to_date: plan.is_noop(),
        answers_changed: plan
            .answers_changed
            .iter()
            .map(|(key, old, new)| AnswerChange {
                key: key.clone(),
                old: old.clone(),
                new: new.clone(),
            })
            .collect(),
        files: plan
            .files
            .iter()
            .map(|f| UpgradeFile {
                path: f.path.clone(),
                outcome: f.outcome.verb().to_string(),
                conflicts: match f.outcome {
                    Outcome::Conflicted(n) => n,
                    _ => 0,
                },
                note: f.note.clone(),
            })
            .collect(),
        migrations: plan
            .migrations
            .iter()
            .map(|m| UpgradeMigration {
                summary: m.summary.to_string(),
                version: m.version.to_string(),
                edited: m.edited.clone(),
                skipped: m
                    .skipped
                    .iter()
                    .map(|(path, why)| format!("{path}: {why}"))
                    .collect(),
            })
            .collect(),
        changelog: plan.changelog.clone(),
        diff,
        written,
    }
}

fn set_pairs(set: &BTreeMap<String, String>) -> Vec<(String, String)> {
    set.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// Refuses to lint a project that belongs to a Cargo workspace rooted outside the roots:
/// `cargo metadata` would make the workspace's other members part of the run. (Cargo itself
/// looks at the manifests above the project to find out; their contents never reach the client.)
fn check_no_enclosing_workspace(roots: &Roots, dir: &Path) -> anyhow::Result<()> {
    for above in dir.ancestors().skip(1) {
        if roots.check(above).is_ok() {
            continue;
        }
        let manifest = above.join("Cargo.toml");
        let declares_workspace = std::fs::read_to_string(&manifest).is_ok_and(|text| {
            text.lines()
                .any(|l| l.trim_start().starts_with("[workspace"))
        });
        if declares_workspace {
            return Err(CliError::usage(format!(
                "the project is below the Cargo workspace {}, which is outside the allowed roots",
                manifest.display()
            ))
            .with_help(
                "make the workspace's directory a root, or lint a project outside that workspace",
            )
            .into());
        }
    }
    Ok(())
}

#[tool_router(vis = "pub(super)")]
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
            let given: Vec<(String, String)> = params
                .answers
                .iter()
                .map(|(key, answer)| {
                    let text = match answer {
                        Answer::Bool(b) => b.to_string(),
                        Answer::Text(t) => t.clone(),
                    };
                    (key.clone(), text)
                })
                .collect();
            let template = params
                .template
                .as_deref()
                .unwrap_or(template::DEFAULT_TEMPLATE);
            let created = commands::new::create(&commands::new::NewRequest {
                template,
                template_version: params.template_version.as_deref(),
                target: &target,
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

    /// Check a Rust MCP server project against mcpforge's rules (like `mcpforge lint`) and
    /// return the findings as data: rule, severity, file, line, column, message and fix.
    /// Changes nothing.
    #[tool(annotations(
        title = "Lint a project",
        read_only_hint = true,
        destructive_hint = false,
        idempotent_hint = true,
        open_world_hint = false
    ))]
    async fn lint(
        &self,
        peer: Peer<RoleServer>,
        Parameters(params): Parameters<LintParams>,
    ) -> Result<Json<LintOutput>, String> {
        let roots = self.roots(&peer).await;
        blocking(move || {
            let dir = roots.resolve(&params.project)?;
            check_no_enclosing_workspace(&roots, &dir)?;
            roots.check_tree(&dir)?;
            let options = lint::Options {
                select: params.select.clone(),
                ignore: params.ignore.clone(),
                preview: params.preview,
            };
            let report = commands::lint::check(&dir, &options)?;
            let fail_on = params.fail_on.unwrap_or(Severity::Error);
            let count = |level: Severity| report.active().filter(|d| d.severity() == level).count();
            Ok(LintOutput {
                diagnostics: report
                    .active()
                    .map(|d| LintDiagnostic {
                        rule: d.rule.code.to_string(),
                        name: d.rule.name.to_string(),
                        severity: d.severity(),
                        file: d.path.clone(),
                        line: d.start.line,
                        column: d.start.column,
                        end_line: d.end.line,
                        end_column: d.end.column,
                        message: d.message.clone(),
                        fix: d.help.clone().unwrap_or_else(|| d.rule.fix.to_string()),
                        fixable: d.fix.is_some(),
                    })
                    .collect(),
                passed: !report.fails(fail_on),
                errors: count(Severity::Error),
                warnings: count(Severity::Warning),
                infos: count(Severity::Info),
                suppressed: report.diagnostics.len() - report.active().count(),
                files: report.files,
                lines: report.lines,
            })
        })
        .await
    }

    /// Explain one lint rule (like `mcpforge lint --explain`): what it reports, why it matters,
    /// an example and how to fix it.
    #[tool(annotations(
        title = "Explain a lint rule",
        read_only_hint = true,
        destructive_hint = false,
        idempotent_hint = true,
        open_world_hint = false
    ))]
    async fn explain_rule(
        &self,
        Parameters(params): Parameters<ExplainParams>,
    ) -> Result<Json<RuleDoc>, String> {
        blocking(move || {
            let rule = commands::lint::find_rule(&params.rule)?;
            Ok(rule_doc(rule.meta, lint::docs::rule_markdown(rule.meta)))
        })
        .await
    }

    /// Show what upgrading a generated project to the current template version would do (like
    /// `mcpforge upgrade --dry-run`): each file's outcome, migrations, the template changelog and
    /// a unified diff. Writes nothing.
    #[tool(annotations(
        title = "Plan an upgrade",
        read_only_hint = true,
        destructive_hint = false,
        idempotent_hint = true,
        open_world_hint = false
    ))]
    async fn upgrade_plan(
        &self,
        peer: Peer<RoleServer>,
        Parameters(params): Parameters<UpgradePlanParams>,
    ) -> Result<Json<UpgradeOutput>, String> {
        let roots = self.roots(&peer).await;
        blocking(move || {
            let project = confined_project(&roots, &params.project)?;
            let plan = commands::upgrade::plan(&project, &set_pairs(&params.set), false)?;
            let diff = plan.transaction.diff();
            Ok(upgrade_output(&plan, diff, 0))
        })
        .await
    }

    /// Upgrade a generated project to the current template version (like `mcpforge upgrade`):
    /// files the team never changed are replaced, files both changed are merged three ways, team
    /// files are never touched. Needs a clean git working tree unless allow_dirty is set. Conflict
    /// blocks left to resolve are reported as an error naming the files.
    #[tool(annotations(
        title = "Apply an upgrade",
        read_only_hint = false,
        destructive_hint = true,
        idempotent_hint = true,
        open_world_hint = false
    ))]
    async fn upgrade_apply(
        &self,
        peer: Peer<RoleServer>,
        Parameters(params): Parameters<UpgradeApplyParams>,
    ) -> Result<Json<UpgradeOutput>, String> {
        let roots = self.roots(&peer).await;
        blocking(move || {
            let project = confined_project(&roots, &params.project)?;
            let plan =
                commands::upgrade::plan(&project, &set_pairs(&params.set), !params.allow_dirty)?;
            check_writes(&roots, &plan.transaction)?;
            let mut output = upgrade_output(&plan, String::new(), 0);
            let applied = commands::upgrade::apply(plan)?;
            if !applied.conflicts.is_empty() {
                return Err(commands::upgrade::conflicts_error(&applied.conflicts).into());
            }
            output.written = applied.written;
            Ok(output)
        })
        .await
    }
}

/// A rule's documentation as data.
pub fn rule_doc(m: &lint::rules::RuleMeta, markdown: String) -> RuleDoc {
    RuleDoc {
        code: m.code.to_string(),
        name: m.name.to_string(),
        severity: m.severity,
        status: match m.status {
            lint::rules::Status::Stable => "stable",
            lint::rules::Status::Preview => "preview",
        }
        .to_string(),
        family: m.family.as_str().to_string(),
        summary: m.summary.to_string(),
        why: m.why.to_string(),
        example: m.example.to_string(),
        fix: m.fix.to_string(),
        autofix: m.autofix,
        markdown,
    }
}

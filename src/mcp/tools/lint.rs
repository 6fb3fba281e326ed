//! `lint` and `explain_rule`: the linter's findings and rule documentation as data.

use std::path::Path;

use rmcp::handler::server::wrapper::{Json, Parameters};
use rmcp::{Peer, RoleServer, schemars, tool, tool_router};
use serde::{Deserialize, Serialize};

use super::blocking;
use crate::commands;
use crate::error::CliError;
use crate::lint::{self, Severity};
use crate::mcp::{McpServer, Roots};

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
    /// Lint every member of the Cargo workspace `project` belongs to (like `mcpforge lint
    /// --workspace`); by default only the package at `project` (every member when `project` is
    /// a virtual workspace).
    #[serde(default)]
    pub workspace: bool,
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
    /// What the lint could not do as asked, though it went on: for example, `cargo metadata`
    /// could not run, so the packages were read from the manifests instead.
    pub notes: Vec<String>,
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
        autofix: m.autofix.is_some(),
        markdown,
    }
}

#[tool_router(router = lint_router, vis = "pub(super)")]
impl McpServer {
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
            let mut dir = roots.resolve(&params.project)?;
            let scope = if params.workspace {
                // The workspace's root, which must be inside the roots too.
                dir = lint::project_root(&dir, lint::Scope::Workspace);
                roots.check(&dir)?;
                lint::Scope::Workspace
            } else {
                lint::Scope::Package
            };
            check_no_enclosing_workspace(&roots, &dir)?;
            roots.check_tree(&dir)?;
            let options = lint::Options {
                select: params.select.clone(),
                ignore: params.ignore.clone(),
                preview: params.preview,
            };
            let report = commands::lint::check_scoped(&dir, &options, scope)?;
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
                        fixable: d
                            .fix
                            .as_ref()
                            .is_some_and(|f| f.applicability == lint::Applicability::Safe),
                    })
                    .collect(),
                passed: !report.fails(fail_on),
                errors: count(Severity::Error),
                warnings: count(Severity::Warning),
                infos: count(Severity::Info),
                suppressed: report.diagnostics.len() - report.active().count(),
                files: report.files,
                lines: report.lines,
                notes: report.warnings.clone(),
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
}

//! `upgrade_plan` and `upgrade_apply`: `mcpforge upgrade --dry-run` and `mcpforge upgrade`.

use std::collections::BTreeMap;

use rmcp::handler::server::wrapper::{Json, Parameters};
use rmcp::{Peer, RoleServer, schemars, tool, tool_router};
use serde::{Deserialize, Serialize};

use super::new_project::Answer;
use super::{blocking, check_writes, confined_project};
use crate::commands;
use crate::mcp::McpServer;
use crate::upgrade::{Outcome, UpgradePlan};

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpgradePlanParams {
    /// The project directory (or a directory inside it), relative to the first root or absolute.
    pub project: String,
    /// Answers to change while upgrading, by question key (the project is re-rendered with them):
    /// like new_project's answers, a list of values for a multi question.
    #[serde(default)]
    pub set: BTreeMap<String, Answer>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpgradeApplyParams {
    /// The project directory (or a directory inside it), relative to the first root or absolute.
    pub project: String,
    /// Answers to change while upgrading, by question key (a list of values for a multi
    /// question).
    #[serde(default)]
    pub set: BTreeMap<String, Answer>,
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
    /// Relative to the project (after the upgrade).
    pub path: String,
    /// Where the file was before, when the template moved it to `path`.
    pub moved_from: Option<String>,
    /// updated, kept, merged, conflict, created, removed, deleted, skipped, migrated or moved.
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
                moved_from: f.moved_from.clone(),
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
                summary: m.summary.clone(),
                version: m.version.clone(),
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

#[tool_router(router = upgrade_router, vis = "pub(super)")]
impl McpServer {
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
            let plan = commands::upgrade::plan(&project, &Answer::flags(&params.set)?, false)?;
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
            let plan = commands::upgrade::plan(
                &project,
                &Answer::flags(&params.set)?,
                !params.allow_dirty,
            )?;
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

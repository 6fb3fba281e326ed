//! `mcpforge upgrade`: plan with the upgrade engine, then show it (`--dry-run`), judge it
//! (`--check`) or apply it as one transaction, after making sure the result is one reviewable
//! git diff.

use std::path::Path;
use std::process::Command;

use crate::cli::{Context, UpgradeArgs};
use crate::error::CliError;
use crate::project::{self, MANIFEST_FILE, Project};
use crate::template;
use crate::ui::Ui;
use crate::upgrade::{self, Outcome, UpgradePlan};

/// The project's template as this mcpforge has it now.
fn current_template(project: &Project) -> anyhow::Result<&'static template::Template> {
    let name = &project.manifest.template;
    template::find(name).ok_or_else(|| {
        CliError::failure(format!(
            "the project uses template `{name}`, which this mcpforge does not have"
        ))
        .with_help("see `mcpforge templates` for the templates it has")
        .into()
    })
}

/// The operation behind `mcpforge upgrade`, first half: the plan for the project at `root`
/// (with `set` answers changed). With `require_clean`, refuses a dirty git working tree first,
/// as `upgrade` without `--allow-dirty` does. Nothing is written.
pub fn plan(
    project: &Project,
    set: &[(String, String)],
    require_clean: bool,
) -> anyhow::Result<UpgradePlan> {
    let target = current_template(project)?;
    if require_clean {
        ensure_clean(&project.root)?;
    }
    let manifest_text = std::fs::read_to_string(project.root.join(MANIFEST_FILE))?;
    let base = upgrade::engine::base_template(&project.manifest, target)?;
    let between = upgrade::engine::between_templates(target, base.version())?;
    upgrade::engine::plan(&upgrade::Request {
        root: &project.root,
        manifest: &project.manifest,
        manifest_text: &manifest_text,
        base: &base,
        target,
        between: &between,
        set,
    })
}

/// What applying a plan wrote.
pub struct Applied {
    /// Files written (created, replaced, merged or removed).
    pub written: usize,
    /// Files written with conflict blocks, and how many blocks each has.
    pub conflicts: Vec<(String, usize)>,
}

/// The second half: writes the plan as one transaction (`.mcpforge.toml` last).
pub fn apply(plan: UpgradePlan) -> anyhow::Result<Applied> {
    let conflicts: Vec<(String, usize)> = plan
        .conflicts()
        .iter()
        .map(|f| match f.outcome {
            Outcome::Conflicted(n) => (f.path.clone(), n),
            _ => (f.path.clone(), 0),
        })
        .collect();
    let written = plan.transaction.changes().len();
    plan.transaction.commit()?;
    Ok(Applied { written, conflicts })
}

/// The error an upgrade that left conflict blocks ends with.
pub fn conflicts_error(conflicts: &[(String, usize)]) -> CliError {
    let blocks: usize = conflicts.iter().map(|(_, n)| n).sum();
    let files: Vec<&str> = conflicts.iter().map(|(p, _)| p.as_str()).collect();
    CliError::failure(format!(
        "upgraded with {blocks} conflict block(s) to resolve"
    ))
    .with_help(format!(
        "find them with `grep -n -e '^<<<<<<< ' -e '^>>>>>>> ' {}` (or `git diff --check`); \
         keep what each block should say, delete the markers, then build, test and commit",
        files.join(" ")
    ))
}

pub fn run(ui: &Ui, ctx: &Context, args: &UpgradeArgs) -> anyhow::Result<()> {
    let project = Project::discover(&ctx.cwd)?;
    if args.check {
        let target = current_template(&project)?;
        return check(ui, &project, target.version());
    }
    let plan = plan(&project, &args.set, !args.dry_run && !args.allow_dirty)?;

    if plan.is_noop() {
        ui.status(
            "Up to date",
            format!("template {} {}; nothing to change", plan.template, plan.to),
        );
        return Ok(());
    }
    let heading = if plan.from != plan.to {
        format!("{} {} → {}", plan.template, plan.from, plan.to)
    } else if plan.answers_changed.is_empty() {
        // Same version and answers: only what pins mcpforge's own version moves.
        format!(
            "{} {} (as mcpforge {})",
            plan.template,
            plan.to,
            env!("CARGO_PKG_VERSION")
        )
    } else {
        format!("{} {} (new answers)", plan.template, plan.to)
    };
    ui.status(
        if args.dry_run {
            "Would upgrade"
        } else {
            "Upgrading"
        },
        heading,
    );
    show_plan(ui, &plan);
    if args.dry_run {
        let diff = plan.transaction.diff();
        if !diff.is_empty() {
            ui.out(diff.trim_end());
        }
        ui.note("dry run: nothing was written");
        return Ok(());
    }

    let (template, to, files) = (plan.template.clone(), plan.to.clone(), plan.files.clone());
    let applied = apply(plan)?;
    ui.status(
        "Upgraded",
        format!("to {template} {to} ({})", summary(&files, applied.written)),
    );
    let conflicts = applied.conflicts;
    if conflicts.is_empty() {
        ui.note("review with `git diff`, then build, test and commit");
        return Ok(());
    }
    let blocks: usize = conflicts.iter().map(|(_, n)| n).sum();
    ui.note(format!(
        "\n{blocks} conflict block(s) in {} file(s):",
        conflicts.len()
    ));
    for (path, n) in &conflicts {
        ui.note(format!("  {path} ({n})"));
    }
    Err(conflicts_error(&conflicts).into())
}

/// `--check`: behind the current version, or platform files drifted → exit 1.
fn check(ui: &Ui, project: &Project, current: &str) -> anyhow::Result<()> {
    let manifest = &project.manifest;
    let mut problems = Vec::new();
    if manifest.template_version != current {
        let mut problem = format!(
            "the project is at template {} {}; this mcpforge's is {current} (run `mcpforge upgrade`)",
            manifest.template, manifest.template_version
        );
        // What the upgrade would do, moves included, so CI shows the work waiting. A plan that
        // cannot be made is `upgrade`'s to explain.
        if let Ok(plan) = plan(project, &[], false) {
            for file in &plan.files {
                problem.push_str(&format!("\n  {}", describe(file)));
            }
        }
        problems.push(problem);
    }
    for (path, drift) in project::platform_drift(&project.root, manifest) {
        problems.push(drift.describe(&path));
    }
    if problems.is_empty() {
        ui.status(
            "Checked",
            format!(
                "template {} {current}, platform files as generated",
                manifest.template
            ),
        );
        return Ok(());
    }
    for problem in &problems {
        ui.out(problem);
    }
    Err(CliError::failure(format!(
        "upgrade check failed ({} problem(s))",
        problems.len()
    ))
    .with_help(
        "upgrade with `mcpforge upgrade`; undo edits to platform files or propose them to the \
             template",
    )
    .into())
}

/// Refuses unless the project is in a git work tree without uncommitted changes, so that the
/// upgrade is exactly one reviewable diff.
fn ensure_clean(root: &Path) -> anyhow::Result<()> {
    let output = Command::new("git")
        .args([
            "status",
            "--porcelain",
            "--untracked-files=normal",
            "--",
            ".",
        ])
        .current_dir(root)
        .output();
    let help = "commit or stash your changes first, or pass --allow-dirty";
    match output {
        Ok(out) if out.status.success() => {
            let dirty: Vec<String> = String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(|l| l.get(3..).unwrap_or(l).to_string())
                .collect();
            if dirty.is_empty() {
                return Ok(());
            }
            let shown = dirty.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
            let more = if dirty.len() > 5 { ", …" } else { "" };
            Err(CliError::failure(format!(
                "the working tree has uncommitted changes ({shown}{more})"
            ))
            .with_help(help)
            .into())
        }
        Ok(_) => Err(CliError::failure(
            "the project is not in a git working tree, so the upgrade could not be reviewed or undone",
        )
        .with_help("run `git init` and commit, or pass --allow-dirty")
        .into()),
        Err(_) => Err(CliError::failure("`git` was not found on PATH")
            .with_help("install git, or pass --allow-dirty")
            .into()),
    }
}

fn show_plan(ui: &Ui, plan: &UpgradePlan) {
    for (key, old, new) in &plan.answers_changed {
        ui.note(format!("  answer    {key}: {old:?} → {new:?}"));
    }
    for file in &plan.files {
        ui.note(format!("  {}", describe(file)));
    }
    for migration in &plan.migrations {
        ui.note(format!(
            "  migration {} ({}): {} file(s) edited",
            migration.summary,
            migration.version,
            migration.edited.len()
        ));
        for path in &migration.edited {
            ui.note(format!("    {path}"));
        }
        for (path, why) in &migration.skipped {
            ui.warn(format!(
                "migration `{}` could not read {path} ({why}); apply it by hand after resolving",
                migration.summary
            ));
        }
    }
    if !plan.changelog.is_empty() {
        ui.note("\nWhat changed in the template:");
        for line in plan.changelog.lines() {
            ui.note(format!("  {line}").trim_end());
        }
        ui.note("");
    }
}

/// One line of the plan: `merged    src/x.rs`, or for a move
/// `moved     src/platform/a.rs -> platform/src/a.rs (merged)`.
fn describe(file: &upgrade::FileReport) -> String {
    let mut details = Vec::new();
    match (&file.outcome, file.moved_from.is_some()) {
        (Outcome::Conflicted(n), _) => details.push(format!("{n} conflict block(s)")),
        (Outcome::Moved, _) | (_, false) => {}
        (outcome, true) => details.push(outcome.verb().to_string()),
    }
    details.extend(file.note.clone());
    let extra = if details.is_empty() {
        String::new()
    } else {
        format!(" ({})", details.join("; "))
    };
    match &file.moved_from {
        Some(from) => format!("{:<9} {from} -> {}{extra}", "moved", file.path),
        None => format!("{:<9} {}{extra}", file.outcome.verb(), file.path),
    }
}

fn summary(files: &[upgrade::FileReport], written: usize) -> String {
    // A moved file counts as moved, and as conflicted if it is; not twice otherwise.
    let count = |pred: fn(&Outcome) -> bool| {
        files
            .iter()
            .filter(|f| {
                pred(&f.outcome)
                    && (f.moved_from.is_none() || matches!(f.outcome, Outcome::Conflicted(_)))
            })
            .count()
    };
    let moved = files.iter().filter(|f| f.moved_from.is_some()).count();
    let parts = [
        (moved, "moved"),
        (count(|o| *o == Outcome::Updated), "updated"),
        (count(|o| *o == Outcome::Merged), "merged"),
        (count(|o| matches!(o, Outcome::Conflicted(_))), "conflicted"),
        (count(|o| *o == Outcome::Created), "created"),
        (count(|o| *o == Outcome::Removed), "removed"),
        (count(|o| *o == Outcome::Migrated), "migrated"),
        (
            count(|o| matches!(o, Outcome::Kept | Outcome::KeptRemoved)),
            "kept",
        ),
        (
            count(|o| matches!(o, Outcome::StaysDeleted | Outcome::NotMerged)),
            "skipped",
        ),
    ];
    let mut out: Vec<String> = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
    out.push(format!("{written} file(s) written"));
    out.join(", ")
}

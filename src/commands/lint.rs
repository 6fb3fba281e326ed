//! `mcpforge lint [PATH]`: run the engine, print the report in the chosen format, and turn the
//! findings into an exit code (0 clean, 1 findings at or above `--fail-on`, 2 usage or
//! internal error).

use crate::cli::{Context, LintArgs};
use crate::error::{CliError, ErrorKind};
use crate::lint::{self, Severity, emit, rules};
use crate::ui::Ui;

pub fn run(ui: &Ui, ctx: &Context, args: &LintArgs) -> anyhow::Result<()> {
    if let Some(code) = &args.explain {
        ui.out(explain(code)?.trim_end());
        return Ok(());
    }
    let asked = args
        .path
        .as_deref()
        .map_or_else(|| ctx.cwd.clone(), |p| ctx.resolve(p));
    let scope = if args.workspace {
        lint::Scope::Workspace
    } else {
        lint::Scope::Package
    };
    // Inside a package (its `src/`, say), lint the package: the manifest at or above the path.
    let root = if args.server.is_some() {
        asked
    } else {
        lint::project_root(&asked, scope)
    };
    let options = lint::Options {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        preview: args.preview,
    };
    if let Some(command) = &args.server {
        let timeout = std::time::Duration::from_secs(args.timeout);
        let fetch = || {
            lint::surface::fetch(command, timeout).map_err(|e| CliError::usage(format!("{e:#}")))
        };
        let mut surface = fetch()?;
        // A second start shows what the server computes at run time (MCP013, MCP606).
        if !args.update_lock
            && lint::surface_needs_two_starts(&options)
                .map_err(|e| CliError::usage(format!("{e:#}")))?
        {
            surface.again = Some(Box::new(fetch()?));
        }
        let lock_path = ctx.cwd.join(lint::surface::LOCK_FILE);
        if args.update_lock {
            let lock = lint::surface::ToolsLock::of(&surface);
            lock.save(&lock_path)?;
            ui.status(
                "Locked",
                format!("{} tool(s) in {}", lock.tools.len(), lock_path.display()),
            );
            return Ok(());
        }
        let lock = lint::surface::ToolsLock::load(&lock_path)?;
        let report = lint::lint_surface_locked(&surface, &options, lock.as_ref())?;
        return finish(ui, args, &report, &root, &[]);
    }
    let run = || check_scoped(&root, &options, scope);
    let mut report = run()?;
    if args.fix || args.diff {
        let lint::FixPlan {
            tx,
            fixed,
            unsafe_skipped,
        } = lint::plan_fixes(&root, &report, args.unsafe_fixes)
            .map_err(|e| CliError::usage(format!("{e:#}")))?;
        if unsafe_skipped > 0 {
            ui.note(format!(
                "{unsafe_skipped} more finding(s) have an unsafe fix (it may change behaviour); \
                 add --unsafe-fixes to include them"
            ));
        }
        if args.diff {
            ui.out(tx.diff().trim_end());
            ui.status(
                "Fixable",
                format!(
                    "{fixed} finding(s) in {} file(s); run with --fix to apply",
                    tx.changes().len()
                ),
            );
        } else if fixed > 0 {
            let files = tx.changes().len();
            tx.commit().map_err(|e| CliError::usage(format!("{e:#}")))?;
            ui.status("Fixed", format!("{fixed} finding(s) in {files} file(s)"));
            report = run()?;
        }
    }

    for warning in &report.warnings {
        ui.warn(warning);
    }
    if let Some(source) = &report.config_source {
        ui.detail(format!("configuration from {source}"));
    }
    let mut stale = Vec::new();
    if let Some(file) = &args.baseline {
        let file = ctx.resolve(file);
        if args.update_baseline {
            let baseline = lint::baseline::Baseline::from_report(&report, &root);
            baseline.save(&file)?;
            ui.status(
                "Baselined",
                format!(
                    "{} finding(s) in {}",
                    baseline.findings.len(),
                    file.display()
                ),
            );
            return Ok(());
        }
        stale = lint::baseline::Baseline::load(&file)?.apply(&mut report, &root);
    }
    finish(ui, args, &report, &root, &stale)
}

/// The rule with this code or name, or the error `--explain` gives for an unknown one.
pub fn find_rule(code: &str) -> Result<&'static rules::Rule, CliError> {
    rules::find(code).ok_or_else(|| {
        CliError::usage(format!("no rule `{code}`"))
            .with_help("docs/rules/README.md lists every rule")
    })
}

/// A rule's documentation (by code or name), as `--explain` prints it.
pub fn explain(code: &str) -> Result<String, CliError> {
    Ok(lint::docs::rule_markdown(find_rule(code)?.meta))
}

/// The operation behind `mcpforge lint [PATH]`: the report of the project at `root`. Every
/// failure to lint is a usage error (exit code 2), so CI tells "findings" from "could not check".
pub fn check(root: &std::path::Path, options: &lint::Options) -> Result<lint::Report, CliError> {
    check_scoped(root, options, lint::Scope::Package)
}

/// [`check`] of as much of a workspace as `scope` says.
pub fn check_scoped(
    root: &std::path::Path,
    options: &lint::Options,
    scope: lint::Scope,
) -> Result<lint::Report, CliError> {
    lint::lint_scoped(root, options, scope).map_err(|e| match e.downcast::<CliError>() {
        Ok(cli) => CliError {
            kind: ErrorKind::Usage,
            ..cli
        },
        Err(other) => CliError::usage(format!("{other:#}")),
    })
}

/// Prints the report and turns it into the exit code.
fn finish(
    ui: &Ui,
    args: &LintArgs,
    report: &lint::Report,
    root: &std::path::Path,
    stale: &[lint::baseline::Entry],
) -> anyhow::Result<()> {
    let rendered = emit::render(args.output_format, report, root);
    if !rendered.is_empty() {
        ui.out(rendered.trim_end());
    }
    if args.statistics {
        for rule in rules::RULES {
            let n = report
                .active()
                .filter(|d| std::ptr::eq(d.rule, rule.meta))
                .count();
            if n > 0 {
                ui.note(format!("{n:>5}  {:<7} {}", rule.meta.code, rule.meta.name));
            }
        }
    }
    let count = |level: Severity| report.active().filter(|d| d.severity() == level).count();
    let subject = report.server.clone().unwrap_or_else(|| {
        format!(
            "{} ({})",
            counted(report.files, "file"),
            counted(report.lines, "line")
        )
    });
    ui.status(
        "Linted",
        format!(
            "{subject}: {}, {}, {}",
            counted(count(Severity::Error), "error"),
            counted(count(Severity::Warning), "warning"),
            counted(count(Severity::Info), "info")
        ),
    );
    if !stale.is_empty() && !args.exit_zero {
        let listed: Vec<String> = stale
            .iter()
            .map(|e| format!("{} in {}", e.code, e.path))
            .collect();
        let what = if stale.len() == 1 {
            "entry no longer matches a finding"
        } else {
            "entries no longer match findings"
        };
        return Err(CliError::failure(format!(
            "{} baseline {what}: {}",
            stale.len(),
            listed.join(", ")
        ))
        .with_help("remove them with `mcpforge lint --baseline FILE --update-baseline`")
        .into());
    }
    // `--strict`: warnings fail too (infos as well when `--fail-on info` asks for it).
    let fail_on = if args.strict {
        args.fail_on.min(Severity::Warning)
    } else {
        args.fail_on
    };
    if report.fails(fail_on) && !args.exit_zero {
        let n = report.active().filter(|d| d.severity() >= fail_on).count();
        return Err(CliError::failure(format!("{n} finding(s) at or above `{}`", fail_on.as_str()))
            .with_help("fix them, suppress one with `// mcpforge: ignore[CODE] reason=\"…\"`, or see `mcpforge lint --explain CODE`")
            .into());
    }
    Ok(())
}

/// `1 file`, `2 files`.
fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

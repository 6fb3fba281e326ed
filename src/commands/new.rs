//! `mcpforge new <DIR>`: answer the template's questions, render in memory, then create the
//! project in one rename (or list it with `--dry-run`). Optionally `git init` and commit.

use std::io::IsTerminal;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use anyhow::Context as _;
use clap::ArgMatches;

use crate::cli::{self, Context, NewArgs};
use crate::error::CliError;
use crate::template::{self, AnswerValue, Prompter, Question, QuestionKind, Rendered, Template};
use crate::ui::Ui;
use crate::{edit, project};

/// What `mcpforge new` is asked to do, independent of how the answers were gathered.
pub struct NewRequest<'a> {
    /// Template name (see `mcpforge templates`).
    pub template: &'a str,
    /// An earlier released version of the template, if not the current one.
    pub template_version: Option<&'a str>,
    /// The directory to create, absolute or relative to the process's directory.
    pub target: &'a Path,
    /// The caller's working directory (a target enclosing it is never offered `--force`).
    pub cwd: &'a Path,
    /// Answers given up front, keyed by question key.
    pub given: &'a [(String, String)],
    /// Asks for the answers not given; without one, defaults are used.
    pub prompter: Option<&'a dyn Prompter>,
    /// Write into a non-empty directory.
    pub force: bool,
    /// Render only; write nothing.
    pub dry_run: bool,
}

/// What `new` rendered (and, unless it was a dry run, wrote).
pub struct Created {
    /// The template actually rendered (name, version).
    pub template: String,
    pub version: String,
    /// The answers, after defaults.
    pub answers: template::Answers,
    /// The lexically clean target directory.
    pub target: PathBuf,
    /// Every file, relative path → contents.
    pub rendered: Rendered,
    /// Whether the files were written.
    pub written: bool,
}

impl Created {
    /// The package name the project was generated with.
    pub fn name(&self) -> &str {
        self.answers.text("name").unwrap_or_default()
    }
}

/// The operation behind `mcpforge new`: resolves the template and answers, renders in memory
/// and (unless `dry_run`) creates the project. Prints nothing; the caller reports.
pub fn create(request: &NewRequest<'_>) -> anyhow::Result<Created> {
    let current = template::find(request.template).ok_or_else(|| {
        let known: Vec<&str> = template::all().iter().map(|t| t.name()).collect();
        CliError::usage(format!("no template named `{}`", request.template))
            .with_help(format!("the templates are: {}", known.join(", ")))
    })?;
    let released;
    let template: &Template = match request.template_version {
        Some(version) if version != current.version() => {
            // An unknown version is a wrong option value: exit code 2, as for a bad --template.
            released = template::history::load(request.template, version).map_err(|e| {
                match e.downcast::<CliError>() {
                    Ok(err) => CliError {
                        kind: crate::error::ErrorKind::Usage,
                        ..err
                    }
                    .into(),
                    Err(e) => e,
                }
            })?;
            &released
        }
        _ => current,
    };
    let target = normalize(request.target);
    let occupied = check_target(&target, request.cwd, request.force)?;
    let directory_name = target.file_name().and_then(|n| n.to_str());
    let answers = template::resolve_answers(
        &template.manifest,
        request.given,
        directory_name,
        request.prompter,
    )?;
    let rendered = template::render(template, &answers)?;
    check_no_dependency_named_like(&rendered, answers.text("name").unwrap_or_default())?;
    if !request.dry_run {
        if occupied {
            edit::overlay_tree(&target, &rendered.files, project::MANIFEST_FILE)?;
        } else {
            edit::create_tree(&target, &rendered.files)?;
        }
    }
    Ok(Created {
        template: template.name().to_string(),
        version: template.version().to_string(),
        answers,
        target,
        rendered,
        written: !request.dry_run,
    })
}

pub fn run(ui: &Ui, ctx: &Context, args: &NewArgs, matches: &ArgMatches) -> anyhow::Result<()> {
    let interactive =
        !args.yes && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let prompter = interactive.then_some(&DialoguerPrompter as &dyn Prompter);
    let given = cli::given_answers(matches);
    let target = ctx.resolve(&args.path);
    let created = create(&NewRequest {
        template: &args.template,
        template_version: args.template_version.as_deref(),
        target: &target,
        cwd: &ctx.cwd,
        given: &given,
        prompter,
        force: args.force,
        dry_run: args.dry_run,
    })?;
    // How to name the project to the user: as typed, or in full when `-C` moved the working
    // directory (then a path as typed would send them to the wrong place).
    let shown = if ctx.moved {
        created.target.display().to_string()
    } else {
        args.path.display().to_string()
    };

    if args.dry_run {
        ui.status(
            "Would create",
            format!(
                "{shown} from template {} {}",
                created.template, created.version
            ),
        );
        for (path, bytes) in &created.rendered.files {
            ui.out(format!("{path} ({} bytes)", bytes.len()));
        }
        return Ok(());
    }

    for path in created.rendered.files.keys() {
        ui.detail(path);
    }
    ui.status(
        "Created",
        format!(
            "`{}` from template {} {} ({} files) in {shown}",
            created.name(),
            created.template,
            created.version,
            created.rendered.files.len()
        ),
    );
    join_enclosing_workspace(ui, &created.target);
    if args.git {
        git_init(&created.target).with_context(|| {
            format!("the project was created in {shown}, but setting up git failed")
        })?;
        ui.status("Committed", "the generated files to a new git repository");
    }
    next_steps(ui, &created, &shown);
    Ok(())
}

/// Refuses a project name that is also the name of a crate the project depends on: Cargo
/// rejects a package that depends on itself.
fn check_no_dependency_named_like(rendered: &Rendered, name: &str) -> Result<(), CliError> {
    let crate_name = name.replace('-', "_");
    let depends = rendered.files.get("Cargo.toml").is_some_and(|toml| {
        edit::manifest::dependency_crates(&String::from_utf8_lossy(toml)).contains(&crate_name)
    });
    if depends {
        return Err(CliError::usage(format!(
            "`{name}` cannot be used as the project name: the project depends on the `{crate_name}` crate"
        ))
        .with_help(format!("pass another --name, e.g. `{name}-mcp`")));
    }
    Ok(())
}

/// Adds the new package to the members of the Cargo workspace that encloses it, if any (as
/// `cargo new` does). A workspace that cannot be edited only earns a warning: the project itself
/// was created.
fn join_enclosing_workspace(ui: &Ui, target: &Path) {
    let Some(root) = target.ancestors().skip(1).find(|dir| {
        std::fs::read_to_string(dir.join("Cargo.toml")).is_ok_and(|t| {
            t.parse::<toml_edit::DocumentMut>()
                .is_ok_and(|doc| doc.contains_key("workspace"))
        })
    }) else {
        return;
    };
    let manifest = root.join("Cargo.toml");
    let member = target
        .strip_prefix(root)
        .unwrap_or(target)
        .to_string_lossy()
        .replace('\\', "/");
    let result = std::fs::read_to_string(&manifest)
        .map_err(anyhow::Error::from)
        .and_then(|text| edit::manifest::add_workspace_member(&text, &member))
        .and_then(|edited| match edited {
            Some(text) => edit::write_atomic(&manifest, text.as_bytes()).map(|()| true),
            None => Ok(false),
        });
    match result {
        Ok(true) => ui.status(
            "Added",
            format!(
                "`{member}` to the workspace members in {}",
                manifest.display()
            ),
        ),
        Ok(false) => {}
        Err(err) => ui.warn(format!(
            "could not add `{member}` to the workspace in {}: {err:#}",
            manifest.display()
        )),
    }
}

/// Fails unless `target` is missing or an empty directory (or `force`). Returns whether it holds
/// files already. `--force` is not suggested for the root or a folder holding the working
/// directory: a project does not belong there.
fn check_target(target: &Path, cwd: &Path, force: bool) -> anyhow::Result<bool> {
    if !target.exists() {
        return Ok(false);
    }
    if !target.is_dir() {
        return Err(CliError::failure(format!(
            "{} exists and is not a directory",
            target.display()
        ))
        .with_help("choose another path for the new project")
        .into());
    }
    let occupied = std::fs::read_dir(target)
        .with_context(|| format!("cannot read {}", target.display()))?
        .next()
        .is_some();
    if occupied && !force {
        let encloses_cwd = target.parent().is_none() || (cwd.starts_with(target) && cwd != target);
        let help = if encloses_cwd {
            "choose a new directory for the project"
        } else {
            "choose a new directory, or pass --force to write into it (files at the same paths are replaced)"
        };
        return Err(CliError::failure(format!(
            "{} already exists and is not empty",
            target.display()
        ))
        .with_help(help)
        .into());
    }
    Ok(occupied)
}

/// Makes `path` lexical-clean (`a/./b/../c` → `a/c`) so `.` and `..` name real directories.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn git_init(dir: &Path) -> anyhow::Result<()> {
    let git = |args: &[&str]| -> anyhow::Result<()> {
        let output = Command::new("git")
            .args(args)
            .current_dir(dir)
            .output()
            .context("failed to run `git` (is it installed and on PATH?)")?;
        if !output.status.success() {
            anyhow::bail!(
                "`git {}` failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        Ok(())
    };
    git(&["init", "--quiet"])?;
    git(&["add", "--all"])?;
    git(&[
        "commit",
        "--quiet",
        "--message",
        "Initial commit from mcpforge",
    ])
}

fn next_steps(ui: &Ui, created: &Created, shown: &str) {
    // Built with the HTTP transport: chosen among the platform crate's features, or (templates
    // with the platform in `src/platform/`) always compiled in where the file exists.
    let runs_http = created
        .answers
        .get("features")
        .is_some_and(|f| f.selected().contains(&"http"))
        || created.rendered.files.contains_key("src/platform/http.rs");
    ui.note("\nNext steps:");
    if shown != "." {
        let quoted = shlex::try_quote(shown).unwrap_or(std::borrow::Cow::Borrowed(shown));
        ui.note(format!("  cd {quoted}"));
    }
    ui.note("  cargo test                  # the in-memory harness runs every tool's tests");
    ui.note(if runs_http {
        "  cargo run -- serve --transport http"
    } else {
        "  cargo run -- serve          # speaks MCP on stdin/stdout"
    });
    ui.note(format!(
        "  mcpforge add tool <name>    # (template {}) one file per tool",
        created.template
    ));
}

/// Interactive questions on the terminal.
struct DialoguerPrompter;

impl Prompter for DialoguerPrompter {
    fn ask(&self, q: &Question, default: Option<&AnswerValue>) -> anyhow::Result<AnswerValue> {
        let theme = dialoguer::theme::SimpleTheme;
        let answer = match q.kind {
            QuestionKind::Bool => {
                let default = matches!(default, Some(AnswerValue::Bool(true)));
                AnswerValue::Bool(
                    dialoguer::Confirm::with_theme(&theme)
                        .with_prompt(&q.prompt)
                        .default(default)
                        .interact()?,
                )
            }
            QuestionKind::Choice => {
                let items: Vec<String> = q
                    .choices
                    .iter()
                    .map(|c| format!("{} — {}", c.value, c.help))
                    .collect();
                let default = q
                    .choices
                    .iter()
                    .position(|c| Some(&AnswerValue::Text(c.value.clone())) == default);
                let picked = dialoguer::Select::with_theme(&theme)
                    .with_prompt(&q.prompt)
                    .items(&items)
                    .default(default.unwrap_or(0))
                    .interact()?;
                AnswerValue::Text(q.choices[picked].value.clone())
            }
            QuestionKind::Multi => {
                let items: Vec<String> = q
                    .choices
                    .iter()
                    .map(|c| format!("{} — {}", c.value, c.help))
                    .collect();
                let mut checked: Vec<bool> = q
                    .choices
                    .iter()
                    .map(|c| default.is_some_and(|d| d.selected().contains(&c.value.as_str())))
                    .collect();
                loop {
                    let picked = dialoguer::MultiSelect::with_theme(&theme)
                        .with_prompt(format!("{} (space toggles, enter accepts)", q.prompt))
                        .items(&items)
                        .defaults(&checked)
                        .interact()?;
                    let answer = AnswerValue::List(
                        picked.iter().map(|&i| q.choices[i].value.clone()).collect(),
                    );
                    // A choice without what it requires: say so and ask again, keeping the picks.
                    match template::check_answer(q, &answer) {
                        Ok(()) => break answer,
                        Err(e) => {
                            eprintln!("{}", e.message);
                            checked = (0..q.choices.len()).map(|i| picked.contains(&i)).collect();
                        }
                    }
                }
            }
            QuestionKind::String => {
                let mut input =
                    dialoguer::Input::<String>::with_theme(&theme).with_prompt(&q.prompt);
                if let Some(AnswerValue::Text(d)) = default {
                    input = input.default(d.clone());
                }
                let question = q;
                let text = input
                    .validate_with(|s: &String| {
                        template::check_answer(question, &AnswerValue::Text(s.clone()))
                            .map_err(|e| e.message)
                    })
                    .interact_text()?;
                AnswerValue::Text(text)
            }
        };
        Ok(answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_dot_segments() {
        assert_eq!(normalize(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        assert_eq!(normalize(Path::new("/a/b/.")).file_name().unwrap(), "b");
    }
}

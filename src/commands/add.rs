//! `mcpforge add tool|resource|prompt <NAME>`: a new item file from the shared item templates,
//! registered in the project's registry for that kind by a formatting-preserving edit, recorded
//! in `.mcpforge.toml`.
//! Everything is planned in memory and checked (names, duplicates, registry shape, re-parse)
//! before one transaction writes it; `--dry-run` prints the diff instead.

use std::path::Path;

use anyhow::Context as _;

use crate::cli::{AddArgs, AddItem, AddPromptArgs, AddResourceArgs, AddToolArgs, Context};
use crate::edit::manifest;
use crate::edit::rust::{self, Replacement, RustSource};
use crate::edit::{Change, Transaction};
use crate::error::CliError;
use crate::project::{MANIFEST_FILE, Project, registry};
use crate::template::items::{self, PromptSpec, ResourceSpec, ToolSpec};
use crate::template::{self, Template};
use crate::ui::Ui;

pub fn run(ui: &Ui, ctx: &Context, args: &AddArgs) -> anyhow::Result<()> {
    let project = Project::discover(&ctx.cwd)?;
    let planned = plan(&project, &args.item)?;
    for warning in &planned.warnings {
        ui.warn(warning);
    }
    if planned.dry_run {
        ui.out(planned.transaction.diff().trim_end());
        return Ok(());
    }
    let added = apply(planned)?;
    for file in &added.files {
        ui.detail(file);
    }
    if !added.replaced.is_empty() {
        ui.warn(format!("replaced {}", added.replaced.join(", ")));
    }
    ui.status(
        "Added",
        format!(
            "{} `{}` ({})",
            added.kind,
            added.name,
            added.files.join(", ")
        ),
    );
    Ok(())
}

/// An `add` worked out in memory: every change, checked, not yet written.
pub struct PlannedAdd {
    pub kind: &'static str,
    pub name: String,
    /// The item file, the registry edit, dependencies and the `.mcpforge.toml` record.
    pub transaction: Transaction,
    /// Things worth telling the user that do not stop the add.
    pub warnings: Vec<String>,
    /// The caller asked for the diff only.
    pub dry_run: bool,
}

/// What `add` wrote.
pub struct Added {
    pub kind: &'static str,
    pub name: String,
    /// Every file written, relative to the project.
    pub files: Vec<String>,
    /// Item files that existed and were replaced (`--force`).
    pub replaced: Vec<String>,
}

/// The operation behind `mcpforge add`, first half: validates the arguments and plans every
/// change in memory. Nothing is written; [`apply`] writes.
pub fn plan(project: &Project, item: &AddItem) -> anyhow::Result<PlannedAdd> {
    let mut warnings = Vec::new();
    let layout = item_paths(project)?;
    let (item, force, dry_run) = match item {
        AddItem::Tool(args) => {
            let spec = tool_spec(args)?;
            if spec.progress && layout.context.is_none() {
                return Err(missing(project, "--progress", "request context").into());
            }
            if spec.elicit && layout.input.is_none() {
                return Err(missing(project, "--elicit", "questions to the client").into());
            }
            if spec.task && layout.tasks.is_none() {
                return Err(missing(project, "--task", "tasks").into());
            }
            if spec.name.len() > items::TOOL_NAME_SOFT_LIMIT {
                warnings.push(format!(
                    "`{}` is {} characters long; some clients reject tool names over {}",
                    spec.name,
                    spec.name.len(),
                    items::TOOL_NAME_SOFT_LIMIT
                ));
            }
            let text = items::render_tool(&spec, &layout)?;
            (
                NewItem::named("tool", spec.name, spec.ident, text),
                args.force,
                args.dry_run,
            )
        }
        AddItem::Resource(args) => {
            let spec = resource_spec(project, args)?;
            let completions = completions_module(project, &layout, spec.completes)?;
            let text = items::render_resource(&spec, &layout)?;
            let mut item = NewItem::named("resource", spec.name, spec.ident, text);
            item.taken.push(format!("\"{}\"", spec.uri));
            item.completions = completions;
            (item, args.force, args.dry_run)
        }
        AddItem::Prompt(args) => {
            let spec = prompt_spec(args)?;
            let completions = completions_module(project, &layout, spec.completes)?;
            let text = items::render_prompt(&spec, &layout)?;
            let mut item = NewItem::named("prompt", spec.name, spec.ident, text);
            item.completions = completions;
            (item, args.force, args.dry_run)
        }
    };
    let transaction = plan_item(project, &item, force)?;
    Ok(PlannedAdd {
        kind: item.kind,
        name: item.name,
        transaction,
        warnings,
        dry_run,
    })
}

/// The second half: writes the planned changes as one transaction.
pub fn apply(planned: PlannedAdd) -> anyhow::Result<Added> {
    let tx = planned.transaction;
    let replaced: Vec<String> = tx
        .changes()
        .iter()
        .filter(|c| {
            c.before.is_some()
                && !c.display.ends_with("mod.rs")
                && c.display != MANIFEST_FILE
                && c.display != "Cargo.toml"
                && c.display != registry::CATALOG_FILE
        })
        .map(|c| c.display.clone())
        .collect();
    let files: Vec<String> = tx.changes().iter().map(|c| c.display.clone()).collect();
    tx.commit()?;
    Ok(Added {
        kind: planned.kind,
        name: planned.name,
        files,
        replaced,
    })
}

/// A rendered item, ready to be planned into a project.
pub struct NewItem {
    /// `tool`, `resource` or `prompt`: the `[items.<kind>]` of the template.
    pub kind: &'static str,
    /// The name clients see.
    pub name: String,
    /// The Rust module name.
    pub ident: String,
    /// The new file's contents.
    pub text: String,
    /// Text whose presence in another item file means the name is taken.
    pub taken: Vec<String>,
    /// Text whose presence in a file of another kind in [`METHOD_KINDS`] means a method of the
    /// server this item defines is taken: tools and prompts both become methods of the one
    /// `Server` (the function and its `<ident>_router`), so a tool and a prompt cannot share
    /// an identifier, and neither can `x` and `x_router`.
    pub methods: Vec<String>,
    /// The module path of the platform's `Completions` (`platform::completions`) when the item
    /// file declares completers (`fn completions()`), which the registry's `fn completions()`
    /// and the catalog then take in.
    pub completions: Option<String>,
}

/// Kinds of item whose functions are methods of the generated `Server`.
const METHOD_KINDS: &[&str] = &["tool", "prompt"];

impl NewItem {
    /// An item whose name is taken when another file defines the method `async fn <ident>(` or
    /// `name = "<name>"` (not any `fn <ident>(`: every item file has its own `fn router(`).
    fn named(kind: &'static str, name: String, ident: String, text: String) -> Self {
        let mut taken = vec![format!("async fn {ident}("), format!("name = \"{name}\"")];
        let mut methods = Vec::new();
        if METHOD_KINDS.contains(&kind) {
            methods = vec![
                format!("async fn {ident}("),
                format!("async fn {ident}_router("),
                format!("router = {ident},"),
                format!("router = \"{ident}\""),
            ];
            taken.extend(methods[1..].iter().cloned());
        }
        Self {
            kind,
            name,
            ident,
            text,
            taken,
            methods,
            completions: None,
        }
    }
}

fn resource_spec(project: &Project, args: &AddResourceArgs) -> anyhow::Result<ResourceSpec> {
    let ident = items::tool_ident(&args.name).map_err(|e| rename_kind(e, "resource"))?;
    let (uri, template) = match (&args.uri, &args.uri_template) {
        (Some(uri), None) => (uri.clone(), false),
        (None, Some(t)) => (t.clone(), true),
        (None, None) => {
            let scheme = project
                .manifest
                .answers
                .text("name")
                .unwrap_or("resource")
                .replace('_', "-");
            (format!("{scheme}://{}", args.name), false)
        }
        (Some(_), Some(_)) => {
            return Err(CliError::usage("give --uri or --uri-template, not both")
                .with_help(
                    "--uri for one fixed resource, --uri-template for a family like notes://{id}",
                )
                .into());
        }
    };
    if !template && (!args.vars.is_empty() || !args.complete.is_empty()) {
        let option = if args.vars.is_empty() {
            "--complete"
        } else {
            "--var"
        };
        return Err(CliError::usage(format!(
            "{option} is for the variables of a URI template; `{uri}` is a fixed URI"
        ))
        .with_help("give a URI template with --template, e.g. weather://{city}/today")
        .into());
    }
    let names = items::parse_uri(&uri, template)?;
    let vars = items::uri_vars(&uri, &names, &args.vars, &args.complete)?;
    let mime = args
        .mime
        .clone()
        .unwrap_or_else(|| "text/plain".to_string());
    items::check_mime(&mime)?;
    let fill = |bad: Option<&str>| {
        vars.iter().fold(uri.clone(), |uri, var| {
            let value = match bad {
                Some(name) if name == var.name => &var.wrong,
                _ => &var.sample,
            };
            uri.replace(&format!("{{{}}}", var.name), value)
        })
    };
    let invalid_var = vars
        .iter()
        .find(|v| v.rust_type != "String")
        .map(|v| v.name.clone());
    Ok(ResourceSpec {
        description: description(&args.description, &args.name, "resource")?,
        vars_struct: format!("{}Vars", items::pascal_case(&ident)),
        name: args.name.clone(),
        ident,
        example_uri: fill(None),
        invalid_uri: invalid_var.as_deref().map(|v| fill(Some(v))),
        invalid_message: invalid_var.map(|v| format!("`{v}` must be")),
        completes: vars.iter().any(|v| v.complete),
        uri,
        vars,
        mime,
    })
}

fn prompt_spec(args: &AddPromptArgs) -> anyhow::Result<PromptSpec> {
    let ident = items::tool_ident(&args.name).map_err(|e| rename_kind(e, "prompt"))?;
    let prompt_args = args
        .args
        .iter()
        .map(|a| items::parse_prompt_arg(a))
        .collect::<Result<Vec<_>, _>>()?;
    let mut prompt_args = prompt_args;
    for (i, a) in prompt_args.iter().enumerate() {
        if prompt_args[..i].iter().any(|b| b.name == a.name) {
            return Err(
                CliError::usage(format!("--arg `{}` is given twice", a.name))
                    .with_help("give each argument once")
                    .into(),
            );
        }
    }
    for (i, name) in args.complete.iter().enumerate() {
        if !prompt_args.iter().any(|a| a.name == *name) {
            let known = prompt_args
                .iter()
                .map(|a| format!("`{}`", a.name))
                .collect::<Vec<_>>();
            let help = if known.is_empty() {
                format!("declare it first: --arg {name} --complete {name}")
            } else {
                format!(
                    "complete one of its arguments ({}), or declare it with --arg {name}",
                    known.join(", ")
                )
            };
            return Err(CliError::usage(format!(
                "--complete `{name}`: prompt `{}` has no argument `{name}`",
                args.name
            ))
            .with_help(help)
            .into());
        }
        if args.complete[..i].contains(name) {
            return Err(
                CliError::usage(format!("--complete `{name}` is given twice"))
                    .with_help("name each argument once")
                    .into(),
            );
        }
    }
    let names: Vec<&str> = prompt_args.iter().map(|a| a.name.as_str()).collect();
    let completers = items::completer_names(&names);
    for (arg, completer) in prompt_args.iter_mut().zip(completers) {
        arg.complete = args.complete.contains(&arg.name);
        arg.completer = completer;
    }
    Ok(PromptSpec {
        completes: !args.complete.is_empty(),
        args_struct: format!("{}Args", items::pascal_case(&ident)),
        required: prompt_args.iter().any(|a| !a.optional),
        description: description(&args.description, &args.name, "prompt")?,
        name: args.name.clone(),
        ident,
        args: prompt_args,
    })
}

/// Name errors are worded for tools; say the kind the user asked for.
fn rename_kind(err: CliError, kind: &str) -> CliError {
    CliError {
        message: err
            .message
            .replace("a tool name", &format!("a {kind} name")),
        help: err.help.map(|h| h.replace("_tool`", &format!("_{kind}`"))),
        ..err
    }
}

/// `--description`, checked, or a placeholder that says what to write.
fn description(given: &Option<String>, name: &str, kind: &str) -> anyhow::Result<String> {
    match given {
        Some(d) if d.trim().is_empty() || d.chars().any(char::is_control) => {
            Err(CliError::usage("--description must be one non-empty line")
                .with_help("write one sentence without line breaks or control characters")
                .into())
        }
        Some(d) => {
            crate::lint::rules::metadata::check_description("`--description`", name, d)?;
            Ok(d.trim().to_string())
        }
        None => Ok(format!(
            "Describe what the `{name}` {kind} offers and when to use it."
        )),
    }
}

/// Builds the tool's description from the arguments, validating everything the user typed.
fn tool_spec(args: &AddToolArgs) -> anyhow::Result<ToolSpec> {
    let ident = items::tool_ident(&args.name)?;
    if args.read_only && args.destructive {
        return Err(
            CliError::usage("a tool cannot be both --read-only and --destructive")
                .with_help("a read-only tool changes nothing; drop one of the two flags")
                .into(),
        );
    }
    let params = args
        .params
        .iter()
        .map(|p| items::parse_param(p))
        .collect::<Result<Vec<_>, _>>()?;
    for (i, p) in params.iter().enumerate() {
        if params[..i].iter().any(|q| q.name == p.name) {
            return Err(
                CliError::usage(format!("--param `{}` is given twice", p.name))
                    .with_help("give each parameter once")
                    .into(),
            );
        }
    }
    let description = match &args.description {
        Some(d) if d.trim().is_empty() || d.chars().any(char::is_control) => {
            return Err(CliError::usage("--description must be one non-empty line")
                .with_help("write one sentence without line breaks or control characters")
                .into());
        }
        Some(d) => {
            crate::lint::rules::metadata::check_description("`--description`", &args.name, d)?;
            // MCP005 judges tool descriptions (not prompts' or resources').
            let weak = &crate::lint::rules::spec::WEAK_TOOL_DESCRIPTION;
            if let Some(why) = crate::lint::rules::spec::weak_tool_description::judge(&args.name, d)
            {
                return Err(crate::lint::rules::metadata::refusal(
                    "`--description`",
                    weak,
                    &format!("the description of tool `{}` {why}", args.name),
                )
                .into());
            }
            d.trim().to_string()
        }
        None => format!(
            "Describe what `{}` does, when to use it, and what it returns.",
            args.name
        ),
    };
    Ok(ToolSpec {
        params_struct: format!("{}Params", items::pascal_case(&ident)),
        confirm_struct: format!("{}Confirm", items::pascal_case(&ident)),
        required: params.iter().any(|p| !p.optional),
        name: args.name.clone(),
        ident,
        description,
        params,
        read_only: args.read_only,
        destructive: args.destructive,
        idempotent: args.idempotent || args.read_only,
        open_world: args.open_world,
        progress: args.progress,
        elicit: args.elicit,
        task: args.task,
    })
}

/// The error for an option whose platform feature the project's template version lacks.
fn missing(project: &Project, option: &str, feature: &str) -> CliError {
    let current = template::find(&project.manifest.template)
        .map_or_else(String::new, |t| format!(" {}", t.version()));
    CliError::failure(format!(
        "{option} needs the platform's {feature}, which template `{}` {} does not have",
        project.manifest.template, project.manifest.template_version
    ))
    .with_help(format!(
        "move the project to{current} with `mcpforge upgrade`, then add the tool"
    ))
}

/// The module path of the platform's completions (`platform::completions`) when the item gets
/// completers; an error when the project's template version has none.
fn completions_module(
    project: &Project,
    layout: &items::ItemPaths,
    completes: bool,
) -> anyhow::Result<Option<String>> {
    if !completes {
        return Ok(None);
    }
    let file = match layout.platform.strip_prefix("crate::") {
        Some(inner) => format!("src/{}/completions.rs", inner.replace("::", "/")),
        None => format!("{}/src/completions.rs", layout.platform),
    };
    if !project.manifest.files.contains_key(&file) {
        let current = template::find(&project.manifest.template)
            .map_or_else(String::new, |t| format!(" {}", t.version()));
        return Err(CliError::failure(format!(
            "--complete needs the platform's completions (`{file}`), which template `{}` {} \
             does not have",
            project.manifest.template, project.manifest.template_version
        ))
        .with_help(format!(
            "move the project to{current} with `mcpforge upgrade`, then add the item"
        ))
        .into());
    }
    Ok(Some(format!("{}::completions", layout.platform)))
}

/// The project's template, as this mcpforge has it now.
fn project_template(project: &Project) -> anyhow::Result<&'static template::Template> {
    Ok(template::find(&project.manifest.template).ok_or_else(|| {
        CliError::failure(format!(
            "this project was generated from template `{}`, which this mcpforge does not know",
            project.manifest.template
        ))
    })?)
}

/// The Rust paths new items use in this project: those of the template version it is at (a
/// project not yet upgraded keeps its layout, and an item added to it compiles there).
fn item_paths(project: &Project) -> anyhow::Result<items::ItemPaths> {
    let template = project_template(project)?;
    let version = &project.manifest.template_version;
    if template.version() == version {
        return Ok(template.manifest.layout.clone());
    }
    let released = template::history::load(template.name(), version).map_err(|e| {
        CliError::failure(format!(
            "this project is at template `{}` {version}, which this mcpforge cannot add items to: \
             {}",
            template.name(),
            e.downcast_ref::<CliError>()
                .map_or_else(|| format!("{e:#}"), |c| c.message.clone())
        ))
        .with_help(format!(
            "use the mcpforge that generated it, or move it to {} with `mcpforge upgrade`",
            template.version()
        ))
    })?;
    Ok(released.manifest.layout.clone())
}

/// Plans every change: the item's file, the registry edit, the `.mcpforge.toml` record.
pub fn plan_item(project: &Project, item: &NewItem, force: bool) -> anyhow::Result<Transaction> {
    let template = project_template(project)?;
    let layout = item_layout(template, item.kind)?;
    let root = &project.root;
    check_no_crate_shadowed(root, item)?;
    let file_rel = format!("{}/{}.rs", layout.dir, item.ident);
    crate::edit::checked_inside(root, &file_rel)?;
    crate::edit::checked_inside(root, &layout.registry)?;
    let file_path = root.join(&file_rel);
    let registry_path = root.join(&layout.registry);
    let registry_source = RustSource::read(&registry_path).map_err(|e| {
        CliError::failure(format!("cannot read the {} registry: {e:#}", item.kind)).with_help(
            "fix it so that it parses (`cargo check` shows the error too); mcpforge edits only Rust it can parse",
        )
    })?;
    let existing = registry::read_registry(Path::new(&layout.registry), &registry_source)?;
    let registered =
        existing.modules.contains(&item.ident) || existing.registered.contains(&item.ident);

    let old_file = std::fs::read(&file_path).ok();
    if (old_file.is_some() || registered) && !force {
        let what = match old_file {
            Some(_) => format!("{file_rel} already exists"),
            None => format!(
                "`{}` is already registered in {}",
                item.ident, layout.registry
            ),
        };
        return Err(
            CliError::failure(format!("cannot add {} `{}`: {what}", item.kind, item.name))
                .with_help(format!(
                    "choose another name, or pass --force to replace the {}'s file",
                    item.kind
                ))
                .into(),
        );
    }
    check_name_unused(root, &layout.dir, item, &item.taken, &file_rel, true)?;
    if METHOD_KINDS.contains(&item.kind) {
        for kind in METHOD_KINDS.iter().filter(|k| **k != item.kind) {
            if let Some(other) = template.manifest.items.get(*kind) {
                check_name_unused(root, &other.dir, item, &item.methods, &file_rel, false)?;
            }
        }
    }

    let mut tx = Transaction::new();
    let text = rust::rustfmt_new_file(item.text.clone(), "2024");
    RustSource::parse(Path::new(&file_rel), text.clone())
        .with_context(|| format!("the {} template rendered invalid Rust", item.kind))?;
    tx.push(Change {
        path: file_path,
        display: file_rel.clone(),
        before: old_file,
        after: Some(text.into_bytes()),
    });

    let mut registry_edits: Vec<Replacement> = Vec::new();
    if !registered {
        let insertions =
            registry::register(Path::new(&layout.registry), &registry_source, &item.ident)?;
        registry_edits.extend(insertions.into_iter().map(Replacement::from));
    }
    match &item.completions {
        Some(completions) => {
            registry_edits.extend(registry::register_completions(
                Path::new(&layout.registry),
                &registry_source,
                &item.ident,
                completions,
                if item.kind == "prompt" {
                    "prompts' arguments"
                } else {
                    "resource templates' variables"
                },
            )?);
            let module = registry_module(&layout.registry)?;
            let catalog_rel = registry::CATALOG_FILE;
            let catalog_path = root.join(catalog_rel);
            let catalog = RustSource::read(&catalog_path).map_err(|e| {
                CliError::failure(format!("cannot read {catalog_rel}: {e:#}"))
                    .with_help("fix it so that it parses; mcpforge edits only Rust it can parse")
            })?;
            let wiring = registry::wire_completions(Path::new(catalog_rel), &catalog, &module)?;
            if !wiring.is_empty() {
                let edited = rust::replace_checked(Path::new(catalog_rel), &catalog.text, &wiring)?;
                tx.push(Change {
                    path: catalog_path,
                    display: catalog_rel.to_string(),
                    before: Some(catalog.text.clone().into_bytes()),
                    after: Some(edited.text.into_bytes()),
                });
            }
        }
        None if registry::registers_completions(&registry_source, &item.ident) => {
            return Err(CliError::failure(format!(
                "cannot replace {} `{}` without completers: `fn completions` in {} takes `{}::completions()`",
                item.kind, item.name, layout.registry, item.ident
            ))
            .with_help(format!(
                "pass --complete again, or remove `{}::completions()` from {} first",
                item.ident, layout.registry
            ))
            .into());
        }
        None => {}
    }
    if !registry_edits.is_empty() {
        let edited = rust::replace_checked(
            Path::new(&layout.registry),
            &registry_source.text,
            &registry_edits,
        )?;
        tx.push(Change {
            path: registry_path,
            display: layout.registry.clone(),
            before: Some(registry_source.text.clone().into_bytes()),
            after: Some(edited.text.into_bytes()),
        });
    }

    let cargo_path = root.join("Cargo.toml");
    let cargo_text = std::fs::read_to_string(&cargo_path)
        .with_context(|| format!("failed to read {}", cargo_path.display()))?;
    if let Some(edited) = manifest::ensure_dependencies(&cargo_text, ITEM_DEPENDENCIES)
        .context("cannot add the dependencies the new item uses")?
    {
        tx.push(Change {
            path: cargo_path,
            display: "Cargo.toml".to_string(),
            before: Some(cargo_text.into_bytes()),
            after: Some(edited.into_bytes()),
        });
    }

    let manifest_path = root.join(MANIFEST_FILE);
    let manifest_text = std::fs::read_to_string(&manifest_path)
        .with_context(|| format!("failed to read {}", manifest_path.display()))?;
    let recorded = crate::project::record_added(&manifest_text, &file_rel, item.kind, &item.name)
        .with_context(|| format!("failed to update {MANIFEST_FILE}"))?;
    tx.push(Change {
        path: manifest_path,
        display: MANIFEST_FILE.to_string(),
        before: Some(manifest_text.into_bytes()),
        after: Some(recorded.into_bytes()),
    });
    Ok(tx)
}

/// `crate::prompts` for the registry `src/prompts/mod.rs`.
fn registry_module(registry: &str) -> anyhow::Result<String> {
    registry
        .strip_prefix("src/")
        .and_then(|r| r.strip_suffix("/mod.rs").or_else(|| r.strip_suffix(".rs")))
        .map(|r| r.replace('/', "::"))
        .ok_or_else(|| {
            CliError::failure(format!(
                "the registry {registry} is not a module mcpforge can name from src/server.rs"
            ))
            .into()
        })
}

/// Crates the generated item code uses beyond rmcp; restored if the team removed them.
const ITEM_DEPENDENCIES: &[manifest::Dependency] = &[
    manifest::Dependency {
        name: "serde",
        version: "1",
        features: &["derive"],
    },
    manifest::Dependency {
        name: "serde_json",
        version: "1",
        features: &[],
    },
    manifest::Dependency {
        name: "schemars",
        version: "1",
        features: &[],
    },
];

fn item_layout<'a>(template: &'a Template, kind: &str) -> anyhow::Result<&'a items::ItemLayout> {
    template.manifest.items.get(kind).ok_or_else(|| {
        CliError::failure(format!(
            "template `{}` has no {kind} registry, so `mcpforge add {kind}` cannot work here",
            template.name()
        ))
        .into()
    })
}

/// Refuses a module name that would shadow a crate the project depends on (`mod rmcp;` breaks
/// `use rmcp::…` in the registry and beyond).
fn check_no_crate_shadowed(root: &Path, item: &NewItem) -> Result<(), CliError> {
    let cargo_toml = std::fs::read_to_string(root.join("Cargo.toml")).unwrap_or_default();
    if manifest::dependency_crates(&cargo_toml).contains(&item.ident) {
        return Err(CliError::usage(format!(
            "`{}` cannot be a {} name: a module `{}` would shadow the `{}` crate this project uses",
            item.name, item.kind, item.ident, item.ident
        ))
        .with_help(format!(
            "choose another name, e.g. `{}_{}`",
            item.ident, item.kind
        )));
    }
    Ok(())
}

/// Refuses a name another file in the item folder `dir` already uses (any of `needles`). A text
/// scan: it must stay fast on projects with hundreds of items.
fn check_name_unused(
    root: &Path,
    dir: &str,
    item: &NewItem,
    needles: &[String],
    own_file: &str,
    same_kind: bool,
) -> anyhow::Result<()> {
    let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let rel = format!("{dir}/{}", entry.file_name().to_string_lossy());
        if rel == own_file || path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if needles.iter().any(|needle| text.contains(needle.as_str())) {
            let help = if same_kind {
                format!(
                    "{} names must be unique in a server; choose another name",
                    item.kind
                )
            } else {
                "tools and prompts are methods of one `Server`, so their Rust names (and \
                 `<name>_router`) must differ; choose another name"
                    .to_string()
            };
            return Err(CliError::failure(format!(
                "cannot add {} `{}`: {rel} already defines it",
                item.kind, item.name
            ))
            .with_help(help)
            .into());
        }
    }
    Ok(())
}

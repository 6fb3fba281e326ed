//! `mcpforge add tool <NAME>`: a new tool file from the shared item template, registered in the
//! project's tool registry by a formatting-preserving edit, recorded in `.mcpforge.toml`.
//! Everything is planned in memory and checked (names, duplicates, registry shape, re-parse)
//! before one transaction writes it; `--dry-run` prints the diff instead.

use std::path::Path;

use anyhow::Context as _;

use crate::cli::{AddArgs, AddItem, AddToolArgs, Context};
use crate::edit::rust::{self, RustSource};
use crate::edit::{Change, Transaction};
use crate::error::CliError;
use crate::project::{MANIFEST_FILE, Project, registry};
use crate::template::items::{self, ToolSpec};
use crate::template::{self, Template};
use crate::ui::Ui;

pub fn run(ui: &Ui, ctx: &Context, args: &AddArgs) -> anyhow::Result<()> {
    match &args.item {
        AddItem::Tool(tool) => add_tool(ui, &ctx.cwd, tool),
    }
}

fn add_tool(ui: &Ui, cwd: &Path, args: &AddToolArgs) -> anyhow::Result<()> {
    let spec = tool_spec(args)?;
    let project = Project::discover(cwd)?;
    let tx = plan_tool(&project, &spec, args.force)?;

    if spec.name.len() > items::TOOL_NAME_SOFT_LIMIT {
        ui.warn(format!(
            "`{}` is {} characters long; some clients reject tool names over {}",
            spec.name,
            spec.name.len(),
            items::TOOL_NAME_SOFT_LIMIT
        ));
    }
    if args.dry_run {
        ui.out(tx.diff().trim_end());
        return Ok(());
    }
    let replaced: Vec<String> = tx
        .changes()
        .iter()
        .filter(|c| c.before.is_some() && c.display.ends_with(".rs"))
        .map(|c| c.display.clone())
        .collect();
    let files: Vec<String> = tx.changes().iter().map(|c| c.display.clone()).collect();
    tx.commit()?;
    for file in &files {
        ui.detail(file);
    }
    if args.force && replaced.iter().any(|f| !f.ends_with("mod.rs")) {
        ui.warn(format!("replaced {}", replaced.join(", ")));
    }
    ui.status(
        "Added",
        format!("tool `{}` ({})", spec.name, files.join(", ")),
    );
    Ok(())
}

/// Builds the tool's description from the arguments, validating everything the user typed.
fn tool_spec(args: &AddToolArgs) -> anyhow::Result<ToolSpec> {
    let ident = items::tool_ident(&args.name)?;
    if args.read_only && args.destructive {
        return Err(CliError::usage("a tool cannot be both --read-only and --destructive").into());
    }
    let params = args
        .params
        .iter()
        .map(|p| items::parse_param(p))
        .collect::<Result<Vec<_>, _>>()?;
    for (i, p) in params.iter().enumerate() {
        if params[..i].iter().any(|q| q.name == p.name) {
            return Err(CliError::usage(format!("--param `{}` is given twice", p.name)).into());
        }
    }
    let description = match &args.description {
        Some(d) if d.trim().is_empty() || d.chars().any(char::is_control) => {
            return Err(CliError::usage("--description must be one non-empty line").into());
        }
        Some(d) => d.trim().to_string(),
        None => format!(
            "Describe what `{}` does, when to use it, and what it returns.",
            args.name
        ),
    };
    Ok(ToolSpec {
        params_struct: format!("{}Params", items::pascal_case(&ident)),
        required: params.iter().any(|p| !p.optional),
        name: args.name.clone(),
        ident,
        description,
        params,
        read_only: args.read_only,
        destructive: args.destructive,
        idempotent: args.idempotent || args.read_only,
        open_world: args.open_world,
    })
}

/// Plans every change: the tool file, the registry edit, the `.mcpforge.toml` record.
pub fn plan_tool(project: &Project, spec: &ToolSpec, force: bool) -> anyhow::Result<Transaction> {
    let template = template::find(&project.manifest.template).ok_or_else(|| {
        CliError::failure(format!(
            "this project was generated from template `{}`, which this mcpforge does not know",
            project.manifest.template
        ))
    })?;
    let layout = item_layout(template, "tool")?;
    let root = &project.root;
    let file_rel = format!("{}/{}.rs", layout.dir, spec.ident);
    let file_path = root.join(&file_rel);
    let registry_path = root.join(&layout.registry);
    let registry_source = RustSource::read(&registry_path)?;
    let existing = registry::read_tool_registry(Path::new(&layout.registry), &registry_source)?;
    let registered =
        existing.modules.contains(&spec.ident) || existing.registered.contains(&spec.ident);

    let old_file = std::fs::read(&file_path).ok();
    if (old_file.is_some() || registered) && !force {
        let what = if old_file.is_some() {
            format!("{file_rel} already exists")
        } else {
            format!("`{}` is already registered", spec.ident)
        };
        return Err(
            CliError::failure(format!("cannot add tool `{}`: {what}", spec.name))
                .with_help("choose another name, or pass --force to replace the tool's file")
                .into(),
        );
    }
    check_tool_name_unused(root, &layout.dir, spec, &file_rel)?;

    let mut tx = Transaction::new();
    let tool_text = rust::rustfmt_new_file(items::render_tool(spec)?, "2024");
    RustSource::parse(Path::new(&file_rel), tool_text.clone())
        .context("the tool template rendered invalid Rust")?;
    tx.push(Change {
        path: file_path,
        display: file_rel.clone(),
        before: old_file,
        after: tool_text.into_bytes(),
    });

    if !registered {
        let insertions =
            registry::register_tool(Path::new(&layout.registry), &registry_source, &spec.ident)?;
        let edited = rust::apply_checked(
            Path::new(&layout.registry),
            &registry_source.text,
            &insertions,
        )?;
        tx.push(Change {
            path: registry_path,
            display: layout.registry.clone(),
            before: Some(registry_source.text.clone().into_bytes()),
            after: edited.text.into_bytes(),
        });
    }

    let manifest_path = root.join(MANIFEST_FILE);
    let manifest_text = std::fs::read_to_string(&manifest_path)
        .with_context(|| format!("failed to read {}", manifest_path.display()))?;
    let recorded = crate::project::record_added(&manifest_text, &file_rel, "tool", &spec.name)
        .with_context(|| format!("failed to update {MANIFEST_FILE}"))?;
    tx.push(Change {
        path: manifest_path,
        display: MANIFEST_FILE.to_string(),
        before: Some(manifest_text.into_bytes()),
        after: recorded.into_bytes(),
    });
    Ok(tx)
}

fn item_layout<'a>(template: &'a Template, kind: &str) -> anyhow::Result<&'a items::ItemLayout> {
    template.manifest.items.get(kind).ok_or_else(|| {
        CliError::failure(format!(
            "template `{}` has no {kind} registry, so `mcpforge add {kind}` cannot work here",
            template.name()
        ))
        .into()
    })
}

/// Refuses a tool name another file in the tools folder already uses (`fn <ident>(` or
/// `name = "<name>"`). A text scan: it must stay fast on projects with hundreds of tools.
fn check_tool_name_unused(
    root: &Path,
    dir: &str,
    spec: &ToolSpec,
    own_file: &str,
) -> anyhow::Result<()> {
    let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
        return Ok(());
    };
    let fn_needle = format!("fn {}(", spec.ident);
    let name_needle = format!("name = \"{}\"", spec.name);
    for entry in entries.flatten() {
        let path = entry.path();
        let rel = format!("{dir}/{}", entry.file_name().to_string_lossy());
        if rel == own_file || path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if text.contains(&fn_needle) || text.contains(&name_needle) {
            return Err(CliError::failure(format!(
                "cannot add tool `{}`: {rel} already defines it",
                spec.name
            ))
            .with_help("tool names must be unique in a server; choose another name")
            .into());
        }
    }
    Ok(())
}

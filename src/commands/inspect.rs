//! `mcpforge inspect "<command>"`: start a server over stdio and print what it advertises.

use crate::cli::InspectArgs;
use crate::error::CliError;
use crate::lint::surface;
use crate::ui::Ui;

pub fn run(ui: &Ui, args: &InspectArgs) -> anyhow::Result<()> {
    let surface = surface::fetch(&args.command, std::time::Duration::from_secs(args.timeout))
        .map_err(|e| CliError::usage(format!("{e:#}")))?;
    if args.json {
        ui.out(serde_json::to_string_pretty(&surface)?);
        return Ok(());
    }
    ui.out(format!(
        "{} {} (protocol {})",
        surface.name, surface.version, surface.protocol_version
    ));
    if let Some(instructions) = &surface.instructions {
        ui.out(format!("instructions: {instructions}"));
    }
    ui.out(format!("\ntools ({}):", surface.tools.len()));
    for tool in &surface.tools {
        let mut hints = Vec::new();
        if let Some(a) = &tool.annotations {
            for (on, label) in [
                (a.read_only_hint, "read-only"),
                (a.destructive_hint, "destructive"),
                (a.idempotent_hint, "idempotent"),
                (a.open_world_hint, "open-world"),
            ] {
                if on == Some(true) {
                    hints.push(label);
                }
            }
        }
        let hints = if hints.is_empty() {
            String::new()
        } else {
            format!(" [{}]", hints.join(", "))
        };
        ui.out(format!(
            "  {}{hints}  {}",
            tool.name,
            tool.description.as_deref().unwrap_or("(no description)")
        ));
        let required: Vec<&str> = tool
            .input_schema
            .get("required")
            .and_then(|r| r.as_array())
            .map(|r| r.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        if let Some(props) = tool
            .input_schema
            .get("properties")
            .and_then(|p| p.as_object())
        {
            for (name, schema) in props {
                let ty = schema
                    .get("type")
                    .map(|t| t.to_string().replace('"', ""))
                    .unwrap_or_else(|| "any".into());
                let req = if required.contains(&name.as_str()) {
                    "required"
                } else {
                    "optional"
                };
                let desc = schema
                    .get("description")
                    .and_then(|d| d.as_str())
                    .unwrap_or("");
                ui.out(format!("      {name}: {ty} ({req}) {desc}"));
            }
        }
    }
    ui.out(format!("\nresources ({}):", surface.resources.len()));
    for r in &surface.resources {
        ui.out(format!(
            "  {}  {}  {}",
            r.uri,
            r.mime_type.as_deref().unwrap_or("-"),
            r.description.as_deref().unwrap_or("")
        ));
    }
    ui.out(format!(
        "\nresource templates ({}):",
        surface.resource_templates.len()
    ));
    for t in &surface.resource_templates {
        ui.out(format!(
            "  {}  {}  {}",
            t.uri_template,
            t.mime_type.as_deref().unwrap_or("-"),
            t.description.as_deref().unwrap_or("")
        ));
    }
    ui.out(format!("\nprompts ({}):", surface.prompts.len()));
    for p in &surface.prompts {
        let args: Vec<String> = p
            .arguments
            .iter()
            .flatten()
            .map(|a| {
                if a.required == Some(true) {
                    a.name.clone()
                } else {
                    format!("{}?", a.name)
                }
            })
            .collect();
        ui.out(format!(
            "  {}({})  {}",
            p.name,
            args.join(", "),
            p.description.as_deref().unwrap_or("")
        ));
    }
    Ok(())
}

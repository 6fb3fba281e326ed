//! MCP006 undocumented-parameter.

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::{item_fns, params_type, struct_fields};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};
use crate::lint::surface::{self, Surface};

pub static UNDOCUMENTED_PARAMETER: RuleMeta = RuleMeta {
    code: "MCP006",
    name: "undocumented-parameter",
    family: Family::Spec,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "A field of a tool's `Parameters<T>` struct without a doc comment.",
    why: "Field doc comments become the input schema's `description`s: they are how the model knows what `days` means (ahead or back? inclusive?) and what values are valid. Without them the model guesses.",
    example: "pub struct ForecastParams {\n    pub city: String,\n    pub days: u32,\n}",
    fix: "Add a `///` line to each field saying what it is and which values are valid.",
};

pub fn undocumented_parameter(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    let mut seen = Vec::new();
    for tool in item_fns(file, "tool") {
        let Some(params) = params_type(&tool.func.sig) else {
            continue;
        };
        if seen.contains(&params) {
            continue;
        }
        for (field, doc, span) in struct_fields(file, &params).unwrap_or_default() {
            if doc.trim().is_empty() {
                out.push(file.diagnostic(
                    &UNDOCUMENTED_PARAMETER,
                    span,
                    format!("parameter `{field}` of `{params}` has no description"),
                ));
            }
        }
        seen.push(params);
    }
}

pub fn undocumented_parameter_surface(surface: &Surface, out: &mut Vec<Diagnostic>) {
    for tool in &surface.tools {
        let Some(props) = tool
            .input_schema
            .get("properties")
            .and_then(|p| p.as_object())
        else {
            continue;
        };
        for (param, schema) in props {
            let described = schema
                .get("description")
                .and_then(|d| d.as_str())
                .is_some_and(|d| !d.trim().is_empty());
            if !described {
                out.push(surface::diagnostic(
                    &UNDOCUMENTED_PARAMETER,
                    "tool",
                    &tool.name,
                    format!(
                        "parameter `{param}` of tool `{}` has no description",
                        tool.name
                    ),
                ));
            }
        }
    }
}

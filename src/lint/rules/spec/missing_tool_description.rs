//! MCP004 missing-tool-description.

use syn::spanned::Spanned;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::item_fns;
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};
use crate::lint::surface::{self, Surface};

pub static MISSING_TOOL_DESCRIPTION: RuleMeta = RuleMeta {
    code: "MCP004",
    name: "missing-tool-description",
    family: Family::Spec,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "A `#[tool]` with neither a doc comment nor `description = \"..\"`.",
    why: "The description is all a model knows about when to call a tool. Without one, models guess from the name, call the wrong tool or never call it; the conformance suite expects every listed tool to have one.",
    example: "#[tool]\nasync fn lookup(&self) -> String { .. }",
    fix: "Add a doc comment (`/// Looks up ..`) that says what the tool does, when to use it and what it returns.",
};

pub fn missing_tool_description(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    for tool in item_fns(file, "tool") {
        let described = tool
            .description
            .as_ref()
            .is_some_and(|(d, _)| !d.trim().is_empty())
            || !tool.doc.trim().is_empty();
        if !described {
            out.push(file.diagnostic(
                &MISSING_TOOL_DESCRIPTION,
                tool.func.sig.span(),
                format!("tool `{}` has no description", tool.name),
            ));
        }
    }
}

pub fn missing_tool_description_surface(surface: &Surface, out: &mut Vec<Diagnostic>) {
    for tool in &surface.tools {
        if tool
            .description
            .as_deref()
            .is_none_or(|d| d.trim().is_empty())
        {
            out.push(surface::diagnostic(
                &MISSING_TOOL_DESCRIPTION,
                "tool",
                &tool.name,
                format!("tool `{}` has no description", tool.name),
            ));
        }
    }
}

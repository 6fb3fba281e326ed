//! MCP001 invalid-tool-name.

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::item_fns;
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};
use crate::lint::surface::{self, Surface};

pub static INVALID_TOOL_NAME: RuleMeta = RuleMeta {
    code: "MCP001",
    name: "invalid-tool-name",
    family: Family::Spec,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "A tool name outside the MCP specification's 1–128 characters of `A-Z a-z 0-9 _ - .`.",
    why: "The specification constrains tool names so every client can address them; clients reject or mangle names with spaces, slashes or other characters, and the tool silently disappears for their users.",
    example: "#[tool(name = \"get weather/now\")]\nasync fn get_weather(&self) -> String { .. }",
    fix: "Rename the tool with letters, digits, `_`, `-` and `.` only, e.g. `get_weather_now`.",
};

pub fn invalid_tool_name(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    for tool in item_fns(file, "tool") {
        if let Some(why) = problem(&tool.name) {
            out.push(file.diagnostic(
                &INVALID_TOOL_NAME,
                tool.name_span,
                format!("tool name `{}` is invalid: {why}", tool.name),
            ));
        }
    }
}

pub fn invalid_tool_name_surface(surface: &Surface, out: &mut Vec<Diagnostic>) {
    for tool in &surface.tools {
        if let Some(why) = problem(&tool.name) {
            out.push(surface::diagnostic(
                &INVALID_TOOL_NAME,
                "tool",
                &tool.name,
                format!("tool name `{}` is invalid: {why}", tool.name),
            ));
        }
    }
}

/// Why `name` breaks the specification's tool-name rule, if it does.
fn problem(name: &str) -> Option<String> {
    let bad = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')));
    match (name.len(), bad) {
        (0, _) => Some("it is empty".to_string()),
        (n, _) if n > 128 => Some(format!("it is {n} characters long (at most 128)")),
        (_, Some(c)) => Some(format!("it contains {c:?}")),
        _ => None,
    }
}

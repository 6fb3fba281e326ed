//! MCP002 tool-name-too-long-for-clients.

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::item_fns;
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};
use crate::lint::surface::{self, Surface};

pub static TOOL_NAME_TOO_LONG: RuleMeta = RuleMeta {
    code: "MCP002",
    name: "tool-name-too-long-for-clients",
    family: Family::Spec,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "A valid tool name that some clients reject: over 64 characters, or starting or ending with `-` or `.`.",
    why: "The specification allows 128 characters, but several clients cap names at 64 (the official conformance suite checks that bound) and some treat leading or trailing punctuation as separators.",
    example: "#[tool(name = \"get_the_current_weather_conditions_for_any_city_in_the_world_please\")]",
    fix: "Shorten the name to 64 characters or fewer and start and end it with a letter or digit.",
};

pub fn tool_name_too_long(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    for tool in item_fns(file, "tool") {
        if let Some(message) = problem(&tool.name) {
            out.push(file.diagnostic(&TOOL_NAME_TOO_LONG, tool.name_span, message));
        }
    }
}

pub fn tool_name_too_long_surface(surface: &Surface, out: &mut Vec<Diagnostic>) {
    for tool in &surface.tools {
        if let Some(message) = problem(&tool.name) {
            out.push(surface::diagnostic(
                &TOOL_NAME_TOO_LONG,
                "tool",
                &tool.name,
                message,
            ));
        }
    }
}

fn problem(name: &str) -> Option<String> {
    let n = name.len();
    if (65..=128).contains(&n) {
        Some(format!(
            "tool name `{name}` is {n} characters long; some clients reject names over 64"
        ))
    } else if n > 0 && (name.starts_with(['-', '.']) || name.ends_with(['-', '.'])) {
        Some(format!(
            "tool name `{name}` starts or ends with punctuation"
        ))
    } else {
        None
    }
}

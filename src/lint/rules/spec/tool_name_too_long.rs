//! MCP002 tool-name-too-long-for-clients.

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::item_fns;
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static TOOL_NAME_TOO_LONG: RuleMeta = RuleMeta {
    code: "MCP002",
    name: "tool-name-too-long-for-clients",
    family: Family::Spec,
    severity: Severity::Warning,
    status: Status::Stable,
    summary: "A valid tool name that some clients reject: over 64 characters, or starting or ending with `-` or `.`.",
    why: "The specification allows 128 characters, but several clients cap names at 64 (the official conformance suite checks that bound) and some treat leading or trailing punctuation as separators.",
    example: "#[tool(name = \"get_the_current_weather_conditions_for_any_city_in_the_world_please\")]",
    fix: "Shorten the name to 64 characters or fewer and start and end it with a letter or digit.",
};

pub fn tool_name_too_long(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    for tool in item_fns(file, "tool") {
        let n = tool.name.len();
        let edge = tool.name.starts_with(['-', '.']) || tool.name.ends_with(['-', '.']);
        if (65..=128).contains(&n) {
            out.push(file.diagnostic(
                &TOOL_NAME_TOO_LONG,
                tool.name_span,
                format!(
                    "tool name `{}` is {n} characters long; some clients reject names over 64",
                    tool.name
                ),
            ));
        } else if edge && n > 0 {
            out.push(file.diagnostic(
                &TOOL_NAME_TOO_LONG,
                tool.name_span,
                format!("tool name `{}` starts or ends with punctuation", tool.name),
            ));
        }
    }
}

//! MCP008 mutating-tool-without-annotations.

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::{Effect, annotations, effects, item_fns};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static MUTATING_TOOL_WITHOUT_ANNOTATIONS: RuleMeta = RuleMeta {
    code: "MCP008",
    name: "mutating-tool-without-annotations",
    family: Family::Spec,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "A tool mutates when its name (as clients see it) starts with `delete`, `remove`, `drop`, `purge`, `send`, `write`, `update`, `create` or `exec` (followed by `_`, `-`, `.` or a capital), or when its own body writes files, runs a process or sends a mutating HTTP request (as MCP007 sees it; calls into other functions are not followed). Annotations are `annotations(..)` in the `#[tool]` attribute; a tool whose annotations are set at run time (a hand-written `list_tools`) is not seen.",
    summary: "A tool that changes things (by its name or its body) with no `annotations(..)` saying how.",
    why: "Without annotations a client must assume the worst (the specification's defaults are destructive and open-world) or, worse, treats every tool alike. Saying `read_only_hint = false, destructive_hint = ..` lets clients ask for confirmation where it matters and not elsewhere, and tells reviewers the author thought about it.",
    example: "#[tool]\nasync fn delete_ticket(&self, Parameters(p): Parameters<TicketId>) -> String { .. }",
    fix: "Add `annotations(read_only_hint = false, destructive_hint = true|false, idempotent_hint = .., open_world_hint = ..)` to the `#[tool]` attribute.",
};

const MUTATING_NAMES: &[&str] = &[
    "delete", "remove", "drop", "purge", "send", "write", "update", "create", "exec",
];

fn mutating_name(name: &str) -> bool {
    MUTATING_NAMES.iter().any(|verb| {
        let Some(rest) = name
            .get(..verb.len())
            .filter(|head| head.eq_ignore_ascii_case(verb))
            .map(|_| &name[verb.len()..])
        else {
            return false;
        };
        // `exec` also covers `execute`; `send_email`, `sendEmail`, `delete` alone.
        rest.is_empty()
            || rest.starts_with(['_', '-', '.'])
            || rest.starts_with(|c: char| c.is_ascii_uppercase())
            || (*verb == "exec" && rest.starts_with("ute"))
    })
}

pub fn mutating_tool_without_annotations(
    file: &SourceFile,
    _: &CrateContext,
    out: &mut Vec<Diagnostic>,
) {
    for tool in item_fns(file, "tool") {
        if annotations(tool.func).is_some() {
            continue;
        }
        let why = if mutating_name(&tool.name) {
            "its name says it changes things".to_string()
        } else if let Some((_, what, _)) = effects(file, &tool.func.block)
            .into_iter()
            .find(|(e, _, _)| *e == Effect::Mutates)
        {
            format!("its body calls {what}")
        } else {
            continue;
        };
        out.push(file.diagnostic(
            &MUTATING_TOOL_WITHOUT_ANNOTATIONS,
            tool.name_span,
            format!("tool `{}` has no annotations, and {why}", tool.name),
        ));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn mutating_names() {
        for name in [
            "delete_ticket",
            "sendEmail",
            "execute",
            "remove",
            "write.file",
        ] {
            assert!(super::mutating_name(name), "{name}");
        }
        for name in [
            "deleted_items",
            "sender_info",
            "creator",
            "updates_feed",
            "dropdown",
        ] {
            assert!(!super::mutating_name(name), "{name}");
        }
    }
}

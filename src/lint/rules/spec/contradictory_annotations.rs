//! MCP007 contradictory-annotations.

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::{Effect, annotations, effects, item_fns};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static CONTRADICTORY_ANNOTATIONS: RuleMeta = RuleMeta {
    code: "MCP007",
    name: "contradictory-annotations",
    family: Family::Spec,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "Reads literal hints in `#[tool(annotations(..))]`. The catalogue also reported `read_only_hint = true` with `destructive_hint` or `idempotent_hint` set at all; that is not a contradiction (read-only implies not destructive and idempotent, and `destructive_hint = false, idempotent_hint = true` beside it say the same, as mcpforge's templates write them), so only `destructive_hint = true` is. The second check (a warning) looks at the tool's own body, closures and macro arguments included, through the file's `use` items: `std::fs`/`tokio::fs` writes, removals, renames and `File::create`, `Command::new`, and HTTP `post`/`put`/`patch`/`delete` in a file naming reqwest. Calls into other functions (a platform layer that writes) are not followed.",
    summary: "`read_only_hint = true` on a tool that is also marked destructive, or whose body writes files, runs a process or sends a mutating HTTP request.",
    why: "Clients use `readOnlyHint` to run a tool without asking the user. A tool that claims to be read-only but deletes, writes or posts gets that trust: the user is never asked before the change happens.",
    example: "#[tool(annotations(read_only_hint = true))]\nasync fn purge(&self) -> String {\n    std::fs::remove_dir_all(&self.cache).ok();\n    ..\n}",
    fix: "Set `read_only_hint = false` (and say whether it is destructive and idempotent), or move the write out of the tool.",
};

pub fn contradictory_annotations(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    if !file.text.contains("read_only_hint") {
        return;
    }
    for tool in item_fns(file, "tool") {
        let Some(hints) = annotations(tool.func) else {
            continue;
        };
        let hint = |name: &str| {
            hints
                .iter()
                .find(|h| h.name == name)
                .map(|h| (h.value, h.span))
        };
        let Some((true, read_only)) = hint("read_only_hint") else {
            continue;
        };
        if let Some((true, span)) = hint("destructive_hint") {
            out.push(file.diagnostic(
                &CONTRADICTORY_ANNOTATIONS,
                span,
                format!(
                    "tool `{}` is marked both read-only and destructive",
                    tool.name
                ),
            ));
            continue;
        }
        if let Some((_, what, _)) = effects(file, &tool.func.block)
            .into_iter()
            .find(|(e, _, _)| *e == Effect::Mutates)
        {
            let mut d = file.diagnostic(
                &CONTRADICTORY_ANNOTATIONS,
                read_only,
                format!(
                    "tool `{}` is marked read-only but its body calls {what}",
                    tool.name
                ),
            );
            d.severity = Severity::Warning;
            out.push(d);
        }
    }
}

//! MCP009 open-world-hint-mismatch.

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::{Effect, annotations, effects, item_fns};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static OPEN_WORLD_HINT_MISMATCH: RuleMeta = RuleMeta {
    code: "MCP009",
    name: "open-world-hint-mismatch",
    family: Family::Spec,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "Looks at the tool's own body (closures and macro arguments included): paths resolving into `reqwest`, `hyper_util::client`, `ureq` or `isahc`, HTTP verbs in a file naming reqwest, and `.fetch(..)` (the platform's `UrlFetcher`). Calls into other functions of the crate, and database or queue clients, are not followed.",
    summary: "`open_world_hint = false` on a tool whose body reaches the network.",
    why: "`openWorldHint = false` tells clients the tool only touches a closed set of things the server controls. A tool that fetches URLs or calls other services interacts with an open world: what it returns can carry content from anyone (prompt injection), and clients that trust the hint skip the care they give such tools.",
    example: "#[tool(annotations(read_only_hint = true, open_world_hint = false))]\nasync fn preview(&self, Parameters(p): Parameters<Url>) -> String {\n    reqwest::get(&p.url).await?.text().await?\n}",
    fix: "Set `open_world_hint = true`.",
};

pub fn open_world_hint_mismatch(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    if !file.text.contains("open_world_hint") {
        return;
    }
    for tool in item_fns(file, "tool") {
        let Some(hints) = annotations(tool.func) else {
            continue;
        };
        let Some(closed) = hints
            .iter()
            .find(|h| h.name == "open_world_hint" && !h.value)
        else {
            continue;
        };
        if let Some((_, what, _)) = effects(file, &tool.func.block)
            .into_iter()
            .find(|(e, _, _)| *e == Effect::Network)
        {
            out.push(file.diagnostic(
                &OPEN_WORLD_HINT_MISMATCH,
                closed.span,
                format!(
                    "tool `{}` says `open_world_hint = false` but its body calls {what}",
                    tool.name
                ),
            ));
        }
    }
}

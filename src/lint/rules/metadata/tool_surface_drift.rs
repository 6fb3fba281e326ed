//! MCP608 tool-surface-drift: judged by the engine on `lint --server` against `mcp-tools.lock`
//! (see [`crate::lint::surface::ToolsLock`]).

use crate::lint::diagnostic::Severity;
use crate::lint::rules::{Family, RuleMeta, Status};

pub static TOOL_SURFACE_DRIFT: RuleMeta = RuleMeta {
    code: "MCP608",
    name: "tool-surface-drift",
    family: Family::Metadata,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "Only with `lint --server COMMAND` and a `mcp-tools.lock` in the directory lint runs in (`-C DIR` to choose it); without the lock the rule says nothing. Each tool is hashed as canonical JSON (sorted keys) of its name, title, description, input and output schemas and annotations; resources and prompts are not locked yet. `--update-lock` rewrites the lock from what the server lists (the catalogue's safe fix), so accepting a change is a reviewed diff of the lock. A warning, so `--strict` (or `--fail-on warning`) makes it fail CI, as the catalogue asks.",
    summary: "A tool whose advertised name, description, schemas or annotations differ from the committed `mcp-tools.lock` (or a tool added or removed since).",
    why: "Clients approve a server once and then trust its tools; a description that changes later (a \"rug pull\") can redirect the model with no one looking. Pinning the tool surface in a committed lock makes every change to what models read a reviewed change — the build-time version of mcp-scan's hash pinning.",
    example: "$ mcpforge lint --server \"target/release/weather serve\"\n<server>/tool/forecast: MCP608 tool `forecast` changed since mcp-tools.lock was written",
    fix: "Review the change; if intended, run `mcpforge lint --server COMMAND --update-lock` and commit `mcp-tools.lock` with it.",
};

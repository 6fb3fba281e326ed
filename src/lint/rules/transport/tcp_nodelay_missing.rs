//! MCP214 tcp-nodelay-missing.

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::calls;
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static TCP_NODELAY_MISSING: RuleMeta = RuleMeta {
    code: "MCP214",
    name: "tcp-nodelay-missing",
    family: Family::Transport,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "An HTTP MCP server served with `axum::serve` without TCP_NODELAY on accepted sockets.",
    why: "rmcp's Streamable HTTP replies are small SSE-framed writes. With Nagle's algorithm on, each reply waits for the client's delayed ACK: about 40 ms added to every tool call, a 20× slowdown for fast tools.",
    example: "axum::serve(listener, app).await?;",
    fix: "Set it on every accepted socket: `listener.tap_io(|s| { let _ = s.set_nodelay(true); })` (axum's `ListenerExt`).",
};

pub fn tcp_nodelay_missing(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    if file.text.contains("set_nodelay") || file.text.contains("TCP_NODELAY") {
        return;
    }
    for call in calls(file)
        .iter()
        .filter(|c| !c.method && c.name == "axum::serve")
    {
        out.push(file.diagnostic(
            &TCP_NODELAY_MISSING,
            call.span,
            "accepted sockets keep Nagle's algorithm on: each reply can stall ~40 ms",
        ));
    }
}

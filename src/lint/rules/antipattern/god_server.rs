//! MCP103 god-server.

use std::collections::BTreeMap;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::CrateContext;
use crate::lint::{FileFacts, ToolSite};

pub static GOD_SERVER: RuleMeta = RuleMeta {
    code: "MCP103",
    name: "god-server",
    family: Family::AntiPattern,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "A server is one type: the `#[tool]` functions of every `#[tool_router]` impl of that type, within one program of the package (a binary and the library it links), so several servers in one crate are counted apart. A type is known by its path in the crate (two types of one name in different modules are two servers); one reached only through a glob import is known by its name alone. Tools registered at run time (`ToolRouter::add_route`, a hand-written `list_tools`) are not counted; `lint --server` counts what a running server lists.",
    summary: "One server with more than 20 tools (an error above 50); `[lint.options]` `max-tools-warn` and `max-tools-error` change the limits.",
    why: "The research's \"god server\" anti-pattern: every tool's schema is sent to the model on every request, clients degrade with dozens of tools (some cap the count), and one team's change risks everyone's server.",
    example: "#[tool_router]\nimpl Server {\n    // 60 #[tool] functions\n}",
    fix: "Split the server by domain (one server, or one workspace crate mounted with a prefix, per team).",
};

pub fn god_server(files: &[&FileFacts], ctx: &CrateContext, out: &mut Vec<Diagnostic>) {
    let (warn_above, error_above) = (ctx.options.max_tools_warn, ctx.options.max_tools_error);
    // Each server type's tools, in file order.
    let mut servers: BTreeMap<&str, Vec<(&str, &ToolSite)>> = BTreeMap::new();
    for file in files {
        for tool in &file.tools {
            servers
                .entry(&tool.server)
                .or_default()
                .push((&file.path, tool));
        }
    }
    for (server, tools) in servers {
        let total = tools.len();
        // Report once per server, at the tool that crossed the line, so it points into the code.
        let Some((path, tool)) = tools.get(warn_above) else {
            continue;
        };
        let mut d = Diagnostic::new(
            &GOD_SERVER,
            path.to_string(),
            tool.start,
            tool.end,
            format!("server `{server}` serves {total} tool(s) (more than {warn_above}; {error_above} is the hard limit)"),
        )
        .with_help("split the server by domain");
        if total > error_above {
            d.severity = Severity::Error;
        }
        out.push(d);
    }
}

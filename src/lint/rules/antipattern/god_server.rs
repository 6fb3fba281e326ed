//! MCP103 god-server.

use crate::lint::FileFacts;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::CrateContext;

pub static GOD_SERVER: RuleMeta = RuleMeta {
    code: "MCP103",
    name: "god-server",
    family: Family::AntiPattern,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "One server with more than 20 tools (an error above 50); `[lint.options]` `max-tools-warn` and `max-tools-error` change the limits.",
    why: "The research's \"god server\" anti-pattern: every tool's schema is sent to the model on every request, clients degrade with dozens of tools (some cap the count), and one team's change risks everyone's server.",
    example: "// 60 #[tool] functions in one crate",
    fix: "Split the server by domain (one server, or one workspace crate mounted with a prefix, per team).",
};

pub fn god_server(files: &[&FileFacts], ctx: &CrateContext, out: &mut Vec<Diagnostic>) {
    let (warn_above, error_above) = (ctx.options.max_tools_warn, ctx.options.max_tools_error);
    let total: usize = files.iter().map(|f| f.tools.len()).sum();
    if total <= warn_above {
        return;
    }
    // Report once, at the last tool that crossed the line, so it points into the code.
    let Some((file, (_, start, end))) = files
        .iter()
        .flat_map(|f| f.tools.iter().map(move |t| (f, t)))
        .nth(warn_above)
    else {
        return;
    };
    let mut d = Diagnostic::new(
        &GOD_SERVER,
        file.path.clone(),
        *start,
        *end,
        format!("this crate serves {total} tool(s) (more than {warn_above}; {error_above} is the hard limit)"),
    )
    .with_help("split the server by domain");
    if total > error_above {
        d.severity = Severity::Error;
    }
    out.push(d);
}

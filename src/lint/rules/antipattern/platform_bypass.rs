//! MCP104 platform-bypass.

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::{calls, is_item_module, matches_path};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static PLATFORM_BYPASS: RuleMeta = RuleMeta {
    code: "MCP104",
    name: "platform-bypass",
    family: Family::AntiPattern,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "Tool, resource or prompt code that opens network connections, files or processes directly instead of through the platform's abstractions.",
    why: "The research's \"leaky abstraction\" anti-pattern: the platform's `UrlFetcher`, `FileOps` and `CodeExecutor` carry the SSRF, path-traversal and sandboxing guarantees. Raw `reqwest`, `std::fs` or `Command` in a tool skips all of them.",
    example: "#[tool]\nasync fn fetch(&self, Parameters(p): Parameters<FetchParams>) -> String {\n    reqwest::get(&p.url).await?.text().await?\n}",
    fix: "Use the platform abstraction the server state provides (URL fetching, file access, code execution), or ask the platform team for one.",
};

const RAW: &[&str] = &[
    "reqwest::get",
    "reqwest::Client::new",
    "reqwest::Client::builder",
    "std::fs::",
    "tokio::fs::",
    "std::process::Command::new",
    "tokio::process::Command::new",
    "std::net::TcpStream::connect",
    "tokio::net::TcpStream::connect",
];

pub fn platform_bypass(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    if !is_item_module(file) {
        return;
    }
    for call in calls(file)
        .iter()
        .filter(|c| !c.method && matches_path(&c.name, RAW))
    {
        out.push(file.diagnostic(
            &PLATFORM_BYPASS,
            call.span,
            format!(
                "`{}` in item code bypasses the platform's safe abstractions",
                call.name
            ),
        ));
    }
}

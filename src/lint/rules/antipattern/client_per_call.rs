//! MCP110 client-per-call.

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::{calls, matches_path};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static CLIENT_PER_CALL: RuleMeta = RuleMeta {
    code: "MCP110",
    name: "client-per-call",
    family: Family::AntiPattern,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "An HTTP client, database pool or Redis client created inside a `#[tool]` function.",
    why: "The research's \"missing cleanup\" anti-pattern: a client per call re-does DNS, TLS and connection setup every time, leaks sockets under load, and is never closed on shutdown.",
    example: "#[tool]\nasync fn lookup(&self) -> String {\n    let client = reqwest::Client::new();\n    ..\n}",
    fix: "Build clients and pools once at startup in the server state and reach them as `self.state()`.",
};

const CONSTRUCTORS: &[&str] = &[
    "reqwest::Client::new",
    "reqwest::Client::builder",
    "redis::Client::open",
    "sqlx::PgPool::connect",
    "sqlx::MySqlPool::connect",
    "sqlx::SqlitePool::connect",
    "sqlx::postgres::PgPoolOptions::new",
];

pub fn client_per_call(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    for call in calls(file)
        .iter()
        .filter(|c| c.in_tool && !c.method && matches_path(&c.name, CONSTRUCTORS))
    {
        out.push(file.diagnostic(
            &CLIENT_PER_CALL,
            call.span,
            format!(
                "`{}` inside a tool builds a new client on every call",
                call.name
            ),
        ));
    }
}

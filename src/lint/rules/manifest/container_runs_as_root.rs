//! MCP507 container-runs-as-root.

use crate::lint::ProjectFiles;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};

pub static CONTAINER_RUNS_AS_ROOT: RuleMeta = RuleMeta {
    code: "MCP507",
    name: "container-runs-as-root",
    family: Family::Manifest,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "A Dockerfile whose final stage never switches to a non-root `USER`.",
    why: "An MCP server runs model-chosen actions. As root in its container, any bug or injection that reaches code execution owns the container and has a much easier path to the host.",
    example: "FROM debian:bookworm-slim\nCOPY server /usr/local/bin/\nCMD [\"server\"]",
    fix: "Create an unprivileged user and add `USER app` (or a numeric UID) in the final stage.",
};

pub fn container_runs_as_root(files: &ProjectFiles, out: &mut Vec<Diagnostic>) {
    for (path, text) in files.named(|n| n.starts_with("Dockerfile") || n.ends_with(".dockerfile")) {
        let instructions: Vec<(usize, String, String)> = text
            .lines()
            .enumerate()
            .filter_map(|(i, l)| {
                let l = l.trim();
                let (op, rest) = l.split_once(char::is_whitespace)?;
                (!l.starts_with('#'))
                    .then(|| (i + 1, op.to_ascii_uppercase(), rest.trim().to_string()))
            })
            .collect();
        let Some(last_from) = instructions.iter().rposition(|(_, op, _)| op == "FROM") else {
            continue;
        };
        let user = instructions[last_from..]
            .iter()
            .rfind(|(_, op, _)| op == "USER");
        let root = match user {
            None => true,
            Some((_, _, who)) => matches!(who.split(':').next().unwrap_or_default(), "root" | "0"),
        };
        if root {
            let line = instructions[last_from].0;
            out.push(ProjectFiles::diagnostic(
                &CONTAINER_RUNS_AS_ROOT,
                path,
                line,
                "the final image runs as root (no non-root USER)",
            ));
        }
    }
}

//! MCP508 committed-env-file.

use crate::lint::ProjectFiles;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};

pub static COMMITTED_ENV_FILE: RuleMeta = RuleMeta {
    code: "MCP508",
    name: "committed-env-file",
    family: Family::Manifest,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "A `.env` file that `.gitignore` does not exclude.",
    why: "`.env` holds real secrets for local development. If git does not ignore it, the next `git add -A` publishes them to everyone with access to the repository, and its history keeps them forever.",
    example: ".env present, .gitignore without `.env`",
    fix: "Add `.env` to `.gitignore` (generated projects do), keep defaults in `.env.example`, and rotate anything already committed.",
};

pub fn committed_env_file(files: &ProjectFiles, out: &mut Vec<Diagnostic>) {
    let ignored = files.named(|n| n == ".gitignore").any(|(_, text)| {
        text.lines()
            .map(str::trim)
            .any(|l| matches!(l, ".env" | "/.env" | ".env*" | "*.env" | ".env.*"))
    });
    if ignored {
        return;
    }
    for (path, _) in files.named(|n| n == ".env") {
        out.push(ProjectFiles::diagnostic(
            &COMMITTED_ENV_FILE,
            path,
            1,
            "`.env` is not git-ignored: its secrets would be committed",
        ));
    }
}

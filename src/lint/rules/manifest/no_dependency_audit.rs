//! MCP503 no-dependency-audit.

use crate::lint::ProjectFiles;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};

pub static NO_DEPENDENCY_AUDIT: RuleMeta = RuleMeta {
    code: "MCP503",
    name: "no-dependency-audit",
    family: Family::Manifest,
    severity: Severity::Info,
    status: Status::Stable,
    autofix: None,
    limits: "Judged only where the project has CI configuration below it (`.github/workflows/*.yml`, `.gitlab-ci.yml`): CI that builds or tests but never runs `cargo deny` or `cargo audit` (nor an action wrapping them, such as `EmbarkStudios/cargo-deny-action` or `rustsec/audit-check`), with no `deny.toml` in the project. The catalogue asked for any project without `deny.toml`; a project with no CI at all is not reported, because the audit belongs in a pipeline the linter cannot see (an organisation-wide one, say) and a repository without one has nothing to add a step to. CI defined elsewhere (a shared template, another repository) is not followed.",
    summary: "CI that builds the server but never audits its dependencies for known vulnerabilities.",
    why: "Advisories for Rust crates (RustSec) are published every week, rmcp's among them. A pipeline that never checks the lockfile against them ships a known-vulnerable dependency until someone happens to notice (OWASP MCP Top 10, MCP04 supply chain).",
    example: "# .github/workflows/ci.yml\n    steps:\n      - run: cargo test --locked",
    fix: "Add `cargo deny check advisories` (with a `deny.toml`; `mcpforge new --template service` generates one) or `cargo audit` as a CI step.",
};

const AUDITS: &[&str] = &[
    "cargo deny",
    "cargo-deny",
    "cargo audit",
    "cargo-audit",
    "audit-check",
];

pub fn no_dependency_audit(files: &ProjectFiles, out: &mut Vec<Diagnostic>) {
    if files.named(|n| n == "deny.toml").next().is_some() || files.root.join("deny.toml").is_file()
    {
        return;
    }
    let ci: Vec<&(String, String)> = files
        .files
        .iter()
        .filter(|(p, _)| {
            (p.starts_with(".github/workflows/") || p.contains("/.github/workflows/"))
                && (p.ends_with(".yml") || p.ends_with(".yaml"))
                || p.ends_with(".gitlab-ci.yml")
        })
        .collect();
    if ci
        .iter()
        .any(|(_, text)| AUDITS.iter().any(|a| text.contains(a)))
    {
        return;
    }
    for (path, text) in ci {
        let Some(line) = text
            .lines()
            .position(|l| l.contains("cargo build") || l.contains("cargo test"))
        else {
            continue;
        };
        out.push(ProjectFiles::diagnostic(
            &NO_DEPENDENCY_AUDIT,
            path,
            line + 1,
            "CI builds the server but never audits its dependencies (`cargo deny`, `cargo audit`)",
        ));
        return;
    }
}

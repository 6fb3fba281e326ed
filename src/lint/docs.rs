//! Rule documentation, written once in each rule's metadata: `--explain`, `docs/rules/<CODE>.md`
//! and the index are all rendered here, and a test keeps `docs/rules/` in sync.

use std::fmt::Write as _;

use super::rules::{Applicability, RULES, RuleMeta, Status};

/// One rule's page.
pub fn rule_markdown(m: &RuleMeta) -> String {
    let status = match m.status {
        Status::Stable => "stable",
        Status::Preview => "preview (runs with `--preview`)",
    };
    let mut out = String::new();
    let _ = writeln!(out, "# {} {}\n", m.code, m.name);
    let fix = match m.autofix {
        Some(Applicability::Safe) => "safe, with `--fix`",
        Some(Applicability::Unsafe) => "unsafe (may change behaviour), with `--fix --unsafe-fixes`",
        None => "none (see below)",
    };
    let _ = writeln!(
        out,
        "Family: {} · Severity: {} · Status: {status} · Automatic fix: {fix}\n",
        m.family.as_str(),
        m.severity.as_str()
    );
    let _ = writeln!(out, "## What it does\n\n{}\n", m.summary);
    let _ = writeln!(out, "## Why it matters\n\n{}\n", m.why);
    if !m.limits.is_empty() {
        let _ = writeln!(out, "## What it does not see\n\n{}\n", m.limits);
    }
    let _ = writeln!(out, "## Example\n\n```rust\n{}\n```\n", m.example);
    let _ = writeln!(out, "## How to fix\n\n{}\n", m.fix);
    let _ = writeln!(
        out,
        "## Suppressing\n\n`// mcpforge: ignore[{}] reason=\"…\"` on the line, or alone on the line above.",
        m.code
    );
    out
}

/// The index of every rule.
pub fn index_markdown() -> String {
    let mut out = String::from(
        "# Lint rules\n\nGenerated from the rule registry (`src/lint/rules/`); do not edit by hand.\n\n\
         | code | name | severity | fix | what it reports |\n|---|---|---|---|---|\n",
    );
    for rule in RULES {
        let m = rule.meta;
        let fix = m.autofix.map_or("", Applicability::as_str);
        let _ = writeln!(
            out,
            "| [{}]({}.md) | {} | {} | {fix} | {} |",
            m.code,
            m.code,
            m.name,
            m.severity.as_str(),
            m.summary.replace('|', "\\|")
        );
    }
    out
}

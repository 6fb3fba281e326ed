//! MCP502 missing-lockfile.

use std::path::Path;

use crate::lint::ProjectFiles;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};

pub static MISSING_LOCKFILE: RuleMeta = RuleMeta {
    code: "MCP502",
    name: "missing-lockfile",
    family: Family::Manifest,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "The catalogue asked for \"a binary crate without a committed `Cargo.lock`\". A linter cannot see what git commits, and a lockfile that does not exist yet is normal (cargo writes it on the first build, and a fresh `mcpforge new` project has none), so the rule reports what keeps the lockfile out of the repository: a `.gitignore` line (`Cargo.lock`, `/Cargo.lock`, `*.lock`) in the package's folder or any folder above it up to the repository's root, not undone by a later `!Cargo.lock`. A package is a binary when it has `src/main.rs`, `src/bin/` or a `[[bin]]` table. A global git excludes file is not read.",
    summary: "A server (binary) package whose `.gitignore` keeps `Cargo.lock` out of the repository.",
    why: "Without the lockfile, every build resolves dependencies afresh: CI, the container image and production can run different versions than the ones tested, and a compromised or broken release of any transitive dependency reaches the server with no review (OWASP MCP Top 10, MCP04 supply chain).",
    example: "# .gitignore\n/target\nCargo.lock",
    fix: "Remove the `Cargo.lock` line from `.gitignore` and commit the lockfile; build in CI with `--locked`.",
};

pub fn missing_lockfile(files: &ProjectFiles, out: &mut Vec<Diagnostic>) {
    for (manifest, text) in files.named(|n| n == "Cargo.toml") {
        let dir = files.root.join(manifest.trim_end_matches("Cargo.toml"));
        if !is_binary(&dir, text) {
            continue;
        }
        for folder in dir.ancestors() {
            if let Some(line) = ignores_lockfile(&folder.join(".gitignore")) {
                let shown = folder
                    .join(".gitignore")
                    .strip_prefix(&files.root)
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_else(|_| folder.join(".gitignore").display().to_string());
                out.push(ProjectFiles::diagnostic(
                    &MISSING_LOCKFILE,
                    &shown,
                    line,
                    format!(
                        "git-ignoring `{}` keeps the server's `Cargo.lock` out of the repository",
                        line_text(&folder.join(".gitignore"), line)
                    ),
                ));
                break;
            }
            if folder.join(".git").exists() {
                break;
            }
        }
    }
}

fn is_binary(dir: &Path, manifest: &str) -> bool {
    dir.join("src/main.rs").is_file()
        || dir.join("src/bin").is_dir()
        || manifest.contains("[[bin]]")
}

/// The line of `.gitignore` at `path` that ignores `Cargo.lock`, unless a later line re-includes it.
fn ignores_lockfile(path: &Path) -> Option<usize> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut found = None;
    for (i, line) in text.lines().enumerate() {
        match line.trim() {
            "Cargo.lock" | "/Cargo.lock" | "*.lock" | "**/Cargo.lock" => found = Some(i + 1),
            "!Cargo.lock" | "!/Cargo.lock" => found = None,
            _ => {}
        }
    }
    found
}

fn line_text(path: &Path, line: usize) -> String {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| t.lines().nth(line - 1).map(|l| l.trim().to_string()))
        .unwrap_or_default()
}

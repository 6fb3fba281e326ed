//! MCP506 wildcard-or-unpinned-git-dependency.

use crate::lint::ProjectFiles;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};

pub static WILDCARD_DEPENDENCY: RuleMeta = RuleMeta {
    code: "MCP506",
    name: "wildcard-or-unpinned-git-dependency",
    family: Family::Manifest,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "A dependency with version `*`, or a git dependency without `rev` or `tag`.",
    why: "Wildcards and moving git branches let any future release — including a compromised one — into the next build with no review: the supply-chain risk cargo-deny bans by default.",
    example: "[dependencies]\nserde = \"*\"\nmy-client = { git = \"https://github.com/acme/client\" }",
    fix: "Give a version requirement (`\"1\"`), or pin git dependencies with `rev = \"<commit>\"`.",
};

const TABLES: &[&str] = &["dependencies", "dev-dependencies", "build-dependencies"];

pub fn wildcard_dependency(files: &ProjectFiles, out: &mut Vec<Diagnostic>) {
    for (path, text) in files.named(|n| n == "Cargo.toml") {
        let Ok(doc) = text.parse::<toml_edit::DocumentMut>() else {
            continue;
        };
        let workspace = doc.get("workspace").and_then(|w| w.get("dependencies"));
        let tables = TABLES.iter().filter_map(|t| doc.get(t)).chain(workspace);
        for table in tables.filter_map(|t| t.as_table_like()) {
            for (name, item) in table.iter() {
                let version = item
                    .as_str()
                    .or_else(|| item.get("version").and_then(|v| v.as_str()));
                let git = item.get("git").is_some();
                let pinned = item.get("rev").is_some() || item.get("tag").is_some();
                let problem = if version == Some("*") {
                    Some(format!("`{name}` accepts any version (`*`)"))
                } else if git && !pinned {
                    Some(format!(
                        "git dependency `{name}` follows a moving branch (no `rev` or `tag`)"
                    ))
                } else {
                    None
                };
                if let Some(message) = problem {
                    let line = text
                        .lines()
                        .position(|l| l.trim_start().starts_with(name))
                        .map_or(1, |i| i + 1);
                    out.push(ProjectFiles::diagnostic(
                        &WILDCARD_DEPENDENCY,
                        path,
                        line,
                        message,
                    ));
                }
            }
        }
    }
}

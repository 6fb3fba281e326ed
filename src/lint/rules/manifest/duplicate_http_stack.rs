//! MCP505 duplicate-http-stack.

use std::collections::BTreeMap;

use crate::lint::ProjectFiles;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};

pub static DUPLICATE_HTTP_STACK: RuleMeta = RuleMeta {
    code: "MCP505",
    name: "duplicate-http-stack",
    family: Family::Manifest,
    severity: Severity::Info,
    status: Status::Stable,
    autofix: None,
    limits: "Reads `Cargo.lock` files below the project (a member linted alone has its workspace's lockfile above it, which is not read). Versions are compared as Cargo does: two versions are the same release line when they agree on the first non-zero component (`0.6.8` and `0.6.11` do, `0.6` and `0.7` do not). Which crate pulls the second line in is not said; `cargo tree -i <name>@<version>` shows it.",
    summary: "Two incompatible release lines of `reqwest`, `tower-http`, `hyper`, `axum`, `http` or `rmcp` in one `Cargo.lock`.",
    why: "Types of one line are not the types of the other: a `tower-http` 0.7 layer does not fit a `reqwest` 0.13 client (which always pulls `tower-http` 0.6), a `http` 0.2 `HeaderMap` is not a 1.x one, and two `rmcp` lines mean two protocol implementations in one binary. The build grows, conversions appear at the seams, and a security fix must land twice.",
    example: "# Cargo.lock\n[[package]]\nname = \"tower-http\"\nversion = \"0.6.8\"\n\n[[package]]\nname = \"tower-http\"\nversion = \"0.7.0\"",
    fix: "Align the dependencies that pull the older line (`cargo tree -i tower-http@0.6.8`), or wait for them to move before upgrading yours.",
};

const STACK: &[&str] = &["reqwest", "tower-http", "hyper", "axum", "http", "rmcp"];

pub fn duplicate_http_stack(files: &ProjectFiles, out: &mut Vec<Diagnostic>) {
    for (path, text) in files.named(|n| n == "Cargo.lock") {
        let Ok(doc) = text.parse::<toml_edit::DocumentMut>() else {
            continue;
        };
        let Some(packages) = doc.get("package").and_then(|p| p.as_array_of_tables()) else {
            continue;
        };
        // name → release line → the first version seen of it
        let mut lines: BTreeMap<&str, BTreeMap<String, String>> = BTreeMap::new();
        for package in packages.iter() {
            let (Some(name), Some(version)) = (
                package.get("name").and_then(|n| n.as_str()),
                package.get("version").and_then(|v| v.as_str()),
            ) else {
                continue;
            };
            if let Some(name) = STACK.iter().find(|s| **s == name) {
                lines
                    .entry(name)
                    .or_default()
                    .entry(release_line(version))
                    .or_insert_with(|| version.to_string());
            }
        }
        for (name, found) in lines {
            if found.len() < 2 {
                continue;
            }
            let versions: Vec<&String> = found.values().collect();
            let newest = versions.last().map(|v| v.as_str()).unwrap_or_default();
            let line = super::line_of(text, &format!("version = \"{newest}\""));
            out.push(ProjectFiles::diagnostic(
                &DUPLICATE_HTTP_STACK,
                path,
                line,
                format!(
                    "`{name}` is locked at {} incompatible versions: {}",
                    versions.len(),
                    versions
                        .iter()
                        .map(|v| v.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
}

/// Cargo's compatibility line of a version: its components up to the first non-zero one
/// (`1.4.2` → `1`, `0.6.8` → `0.6`, `0.0.3` → `0.0.3`).
fn release_line(version: &str) -> String {
    let core = version.split(['-', '+']).next().unwrap_or(version);
    let mut kept = Vec::new();
    for part in core.split('.') {
        kept.push(part);
        if part != "0" {
            break;
        }
    }
    kept.join(".")
}

#[cfg(test)]
mod tests {
    #[test]
    fn release_lines_follow_cargo() {
        assert_eq!(super::release_line("1.4.2"), "1");
        assert_eq!(super::release_line("0.6.8"), "0.6");
        assert_eq!(super::release_line("0.0.3"), "0.0.3");
        assert_eq!(super::release_line("0.13.0-rc.1"), "0.13");
    }
}

//! MCP501 known-vulnerable-rmcp.

use crate::lint::ProjectFiles;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};

pub static KNOWN_VULNERABLE_RMCP: RuleMeta = RuleMeta {
    code: "MCP501",
    name: "known-vulnerable-rmcp",
    family: Family::Manifest,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "`Cargo.lock` resolves `rmcp` to a version older than 1.4.0, which lacks DNS-rebinding protection (RUSTSEC-2026-0189).",
    why: "Before 1.4.0 rmcp's Streamable HTTP server accepted any Host header, so a web page could rebind a name to a local server and call its tools; later releases also added Origin validation.",
    example: "[[package]]\nname = \"rmcp\"\nversion = \"0.8.5\"",
    fix: "Upgrade rmcp (`mcpforge upgrade` moves generated projects to the current pin) and commit the new lockfile.",
};

pub fn known_vulnerable_rmcp(files: &ProjectFiles, out: &mut Vec<Diagnostic>) {
    for (path, text) in files.named(|n| n == "Cargo.lock") {
        let Ok(doc) = text.parse::<toml_edit::DocumentMut>() else {
            continue;
        };
        let Some(packages) = doc.get("package").and_then(|p| p.as_array_of_tables()) else {
            continue;
        };
        for package in packages
            .iter()
            .filter(|p| p.get("name").and_then(|n| n.as_str()) == Some("rmcp"))
        {
            let Some(version) = package.get("version").and_then(|v| v.as_str()) else {
                continue;
            };
            let mut parts = version.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
            let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
            if (major, minor) < (1, 4) {
                let line = super::line_of(text, &format!("version = \"{version}\""));
                out.push(ProjectFiles::diagnostic(
                    &KNOWN_VULNERABLE_RMCP,
                    path,
                    line,
                    format!(
                        "rmcp {version} has no DNS-rebinding protection (needs 1.4.0 or newer)"
                    ),
                ));
            }
        }
    }
}

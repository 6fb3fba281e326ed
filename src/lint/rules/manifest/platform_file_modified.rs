//! MCP511 platform-file-modified.

use crate::lint::ProjectFiles;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::project::{Drift, MANIFEST_FILE, ProjectManifest, platform_drift};

pub static PLATFORM_FILE_MODIFIED: RuleMeta = RuleMeta {
    code: "MCP511",
    name: "platform-file-modified",
    family: Family::Manifest,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "A platform-owned file of a generated project (per `.mcpforge.toml`) was edited or deleted.",
    why: "Platform code carries the guarantees every team relies on (masking, limits, auth) and is replaced by `mcpforge upgrade`. A local edit silently forks the platform: the next upgrade must merge it, and the guarantee may no longer hold.",
    example: "platform/src/errors.rs edited so panics return their message to the model",
    fix: "Undo the edit and change behaviour through settings, or propose the change to the platform team (the template) so every project gets it.",
};

pub fn platform_file_modified(files: &ProjectFiles, out: &mut Vec<Diagnostic>) {
    let path = files.root.join(MANIFEST_FILE);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return;
    };
    let Ok(manifest) = ProjectManifest::parse(&text, &path) else {
        return;
    };
    for (rel, drift) in platform_drift(&files.root, &manifest) {
        // A deleted file has no line to point at: report it on the manifest.
        let at = match drift {
            Drift::Modified => rel.as_str(),
            Drift::Deleted => MANIFEST_FILE,
        };
        out.push(ProjectFiles::diagnostic(
            &PLATFORM_FILE_MODIFIED,
            at,
            1,
            drift.describe(&rel),
        ));
    }
}

//! MCP504 deprecated-yaml-backend.

use crate::lint::ProjectFiles;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};

pub static DEPRECATED_YAML_BACKEND: RuleMeta = RuleMeta {
    code: "MCP504",
    name: "deprecated-yaml-backend",
    family: Family::Manifest,
    severity: Severity::Info,
    status: Status::Stable,
    autofix: None,
    limits: "Reads the dependency tables of each `Cargo.toml` (and `[workspace.dependencies]`): `figment` with the `yaml` feature, or `serde_yaml` itself. A feature turned on only through another crate's features is not followed; `Cargo.lock` is not read (it does not record features).",
    summary: "`figment`'s `yaml` feature, or `serde_yaml` directly: a YAML library that is deprecated and unmaintained.",
    why: "`serde_yaml` was deprecated by its author in 2024 (its last release is versioned `0.9.34+deprecated`) and receives no fixes, security ones included; figment's `yaml` feature pulls it in. Configuration parsing is input handling: it should sit on a maintained parser.",
    example: "[dependencies]\nfigment = { version = \"0.10\", features = [\"env\", \"yaml\"] }",
    fix: "Use TOML or environment configuration (`figment`'s `toml`/`env` features), or a maintained YAML crate (`serde_norway`, `serde_yml` after reviewing it) behind your own provider.",
};

const TABLES: &[&str] = &["dependencies", "dev-dependencies", "build-dependencies"];

pub fn deprecated_yaml_backend(files: &ProjectFiles, out: &mut Vec<Diagnostic>) {
    for (path, text) in files.named(|n| n == "Cargo.toml") {
        let Ok(doc) = text.parse::<toml_edit::DocumentMut>() else {
            continue;
        };
        let workspace = doc.get("workspace").and_then(|w| w.get("dependencies"));
        let tables = TABLES.iter().filter_map(|t| doc.get(t)).chain(workspace);
        for table in tables.filter_map(|t| t.as_table_like()) {
            for (name, item) in table.iter() {
                let package = item.get("package").and_then(|p| p.as_str()).unwrap_or(name);
                let yaml_feature = item
                    .get("features")
                    .and_then(|f| f.as_array())
                    .is_some_and(|a| a.iter().any(|f| f.as_str() == Some("yaml")));
                let message = match package {
                    "figment" if yaml_feature => {
                        "figment's `yaml` feature pulls in the deprecated, unmaintained `serde_yaml`"
                    }
                    "serde_yaml" => "`serde_yaml` is deprecated and unmaintained",
                    _ => continue,
                };
                let line = text
                    .lines()
                    .position(|l| l.trim_start().starts_with(name))
                    .map_or(1, |i| i + 1);
                out.push(ProjectFiles::diagnostic(
                    &DEPRECATED_YAML_BACKEND,
                    path,
                    line,
                    message,
                ));
            }
        }
    }
}

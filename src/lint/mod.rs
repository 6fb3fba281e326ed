//! `mcpforge lint`'s engine: find a Cargo project's Rust files, parse them in parallel, run the
//! selected rules, apply suppression comments, and return one sorted [`Report`].
//!
//! It owns discovery (workspace members through `cargo metadata --no-deps`), parsing, rule
//! selection and suppressions. It never prints and never writes: emitters in [`emit`] turn the
//! report into text, and the command decides the exit code.

pub mod diagnostic;
pub mod docs;
pub mod emit;
pub mod rules;
mod source;
mod suppress;

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use rayon::prelude::*;

pub use diagnostic::{Diagnostic, Position, Report, Severity};
use rules::{Check, RULES, RuleMeta, Status};
pub use source::{CrateContext, SourceFile};

use crate::error::CliError;

/// Which rules run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Only these (codes, prefixes, names or `ALL`); empty: every stable rule.
    pub select: Vec<String>,
    /// Never these.
    pub ignore: Vec<String>,
    /// Also run preview rules.
    pub preview: bool,
}

impl Options {
    /// Checks every selector names a rule, so a typo cannot silently disable nothing.
    pub fn validate(&self) -> Result<(), CliError> {
        for selector in self.select.iter().chain(&self.ignore) {
            if !rules::is_known_selector(selector) {
                return Err(CliError::usage(format!("`{selector}` selects no rule"))
                    .with_help("use codes (MCP107), prefixes (MCP1), names (blocking-call-in-async) or ALL"));
            }
        }
        Ok(())
    }

    fn enabled(&self, meta: &RuleMeta) -> bool {
        let selected = if self.select.is_empty() {
            meta.status == Status::Stable || self.preview
        } else {
            self.select.iter().any(|s| rules::selects(s, meta))
        };
        selected && !self.ignore.iter().any(|s| rules::selects(s, meta))
    }
}

/// Lints the Cargo project (package or workspace) at `root`.
pub fn lint(root: &Path, options: &Options) -> anyhow::Result<Report> {
    options.validate()?;
    let crates = discover(root)?;
    let mut report = Report::default();
    for krate in crates {
        let files: Vec<(String, String)> = krate
            .files
            .iter()
            .map(|path| {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("failed to read {}", path.display()))?;
                Ok((relative(root, path), text))
            })
            .collect::<anyhow::Result<_>>()?;
        let context = CrateContext {
            stdio_server: files
                .iter()
                .any(|(_, t)| t.contains("stdio_pipes(") || t.contains("transport::stdio(")),
        };
        let results: Vec<(usize, Vec<Diagnostic>)> = files
            .into_par_iter()
            .map(|(path, text)| {
                (
                    text.lines().count(),
                    lint_file(path, text, &context, options),
                )
            })
            .collect();
        for (lines, diagnostics) in results {
            report.files += 1;
            report.lines += lines;
            report.diagnostics.extend(diagnostics);
        }
    }
    report
        .diagnostics
        .sort_by(|a, b| (&a.path, a.start, a.rule.code).cmp(&(&b.path, b.start, b.rule.code)));
    Ok(report)
}

/// Lints one file's text: parse, run rules, apply its suppressions.
pub fn lint_file(
    path: String,
    text: String,
    context: &CrateContext,
    options: &Options,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut suppressions = suppress::parse(&path, &text, &mut diagnostics);
    match SourceFile::parse(path.clone(), text) {
        Ok(file) => {
            for rule in RULES.iter().filter(|r| options.enabled(r.meta)) {
                if let Check::Source(check) = rule.check {
                    check(&file, context, &mut diagnostics);
                }
            }
        }
        Err((at, message)) => diagnostics.push(Diagnostic {
            rule: &rules::UNPARSEABLE_FILE,
            path: path.clone(),
            start: at,
            end: at,
            message: format!("cannot parse this file: {message}"),
            help: Some(
                "no rule checked it; fix the syntax error (`cargo check` shows it too)".into(),
            ),
            suppressed: None,
        }),
    }
    diagnostics.retain(|d| options.enabled(d.rule));
    let unused = suppress::apply(&path, &mut suppressions, &mut diagnostics, |r| {
        options.enabled(r)
    });
    if options.enabled(&rules::UNUSED_SUPPRESSION) {
        diagnostics.extend(unused);
    }
    diagnostics
}

/// A crate's Rust files.
struct Crate {
    files: Vec<PathBuf>,
}

/// The packages of the Cargo project at `root` (every workspace member) and their shipped Rust
/// files: everything below each package except `target/`, hidden folders, nested packages, and
/// the test-only folders `tests/`, `benches/` and `examples/`.
fn discover(root: &Path) -> anyhow::Result<Vec<Crate>> {
    let manifest = root.join("Cargo.toml");
    if !manifest.is_file() {
        return Err(CliError::usage(format!(
            "{} is not a Cargo project (no Cargo.toml)",
            root.display()
        ))
        .with_help("run `mcpforge lint` in a Rust project, or pass its path")
        .into());
    }
    let metadata = cargo_metadata::MetadataCommand::new()
        .manifest_path(&manifest)
        .no_deps()
        .exec()
        .map_err(|e| {
            CliError::usage(format!(
                "cannot read the Cargo project at {}: {e}",
                root.display()
            ))
        })?;
    let members: Vec<&cargo_metadata::Package> = metadata.workspace_packages();
    let package_dirs: Vec<PathBuf> = members
        .iter()
        .filter_map(|p| {
            p.manifest_path
                .parent()
                .map(|d| d.as_std_path().to_path_buf())
        })
        .collect();
    let mut crates = Vec::new();
    for dir in &package_dirs {
        let mut files = Vec::new();
        collect_rs(dir, dir, &package_dirs, &mut files);
        files.sort();
        crates.push(Crate { files });
    }
    Ok(crates)
}

fn collect_rs(package: &Path, dir: &Path, packages: &[PathBuf], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            let skipped = name.starts_with('.') || name == "target";
            let test_only =
                dir == package && matches!(name.as_str(), "tests" | "benches" | "examples");
            let nested = packages.iter().any(|p| p == &path)
                || (path != package && path.join("Cargo.toml").is_file());
            if !(skipped || test_only || nested) {
                collect_rs(package, &path, packages, out);
            }
        } else if kind.is_file() && name.ends_with(".rs") {
            out.push(path);
        }
    }
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

//! Embedded templates: their manifests, the answers to their questions, and rendering.
//!
//! Every folder in `templates/` that holds a `template.toml` is a template; folders whose names
//! start with `_` hold partials that any template (and `mcpforge add`) may include, or that a
//! template mounts (`[[mount]]`) to render a whole shared folder into its projects. Templates are
//! compiled into the binary with `include_dir`, so mcpforge works offline from one file.
//! This module never writes: it turns answers into an in-memory tree. It reads the file system
//! only for templates a template author points `MCPFORGE_TEMPLATES_DIR` at.

mod answers;
pub mod history;
pub mod items;
pub mod local;
mod manifest;
pub mod moves;
mod render;

use std::borrow::Cow;
use std::sync::OnceLock;

use anyhow::Context as _;
use include_dir::{Dir, include_dir};

pub use answers::{
    AnswerValue, Answers, Prompter, check_answer, parse_answer, resolve_answers,
    validate_package_name,
};
pub use manifest::{Choice, Manifest, Owner, Ownership, Question, QuestionKind, Validation};
pub use render::{Rendered, render, render_as};

/// The template `mcpforge new` uses when `--template` is not given.
pub const DEFAULT_TEMPLATE: &str = "service";

/// The name of the file, in each template folder, that describes the template.
pub const MANIFEST_FILE: &str = "template.toml";

static TEMPLATES_DIR: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// One file of a template tree: its path below `templates/` (with `/`) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub path: String,
    pub contents: Cow<'static, [u8]>,
}

impl Source {
    fn embedded(file: &'static include_dir::File<'static>) -> Self {
        Self {
            path: file.path().to_string_lossy().replace('\\', "/"),
            contents: Cow::Borrowed(file.contents()),
        }
    }

    fn is_tera(&self) -> bool {
        self.path.ends_with(".tera")
    }
}

/// A template at one version: its manifest, its files and the shared partials it renders with.
/// The current templates are embedded as they are; released versions come from [`history`].
#[derive(Debug)]
pub struct Template {
    pub manifest: Manifest,
    /// The template's folder below `templates/`.
    root: String,
    /// The template's files (paths below `templates/`), sorted.
    sources: Vec<Source>,
    /// Shared partials (folders starting with `_`) the template can include.
    partials: Vec<Source>,
    /// The files `[[mount]]` brings in: output path and index into `partials`.
    mounted: Vec<(String, usize)>,
}

impl Template {
    pub fn name(&self) -> &str {
        &self.manifest.name
    }

    pub fn version(&self) -> &str {
        &self.manifest.version
    }

    /// Builds a template from its files; `root` is its folder below `templates/`.
    pub(crate) fn from_sources(
        root: &str,
        sources: Vec<Source>,
        partials: Vec<Source>,
    ) -> anyhow::Result<Self> {
        let manifest_path = format!("{root}/{MANIFEST_FILE}");
        let manifest_file = sources
            .iter()
            .find(|s| s.path == manifest_path)
            .with_context(|| format!("templates/{manifest_path} is missing"))?;
        let text = std::str::from_utf8(&manifest_file.contents)
            .with_context(|| format!("templates/{manifest_path} is not UTF-8"))?;
        let manifest =
            Manifest::parse(text).with_context(|| format!("templates/{manifest_path}"))?;
        let mounted = mounted_files(&manifest, root, &sources, &partials)
            .with_context(|| format!("templates/{manifest_path}"))?;
        Ok(Self {
            manifest,
            root: root.to_string(),
            sources,
            partials,
            mounted,
        })
    }

    /// Every source this template's render depends on: its own files and the partials.
    pub(crate) fn all_sources(&self) -> impl Iterator<Item = &Source> {
        self.sources.iter().chain(&self.partials)
    }
}

/// The files each `[[mount]]` renders into the project (output path, index into `partials`).
/// A mount of a folder with no files, or one whose output lands on a path the template (or an
/// earlier mount) already renders, is a template-author error.
fn mounted_files(
    manifest: &Manifest,
    root: &str,
    sources: &[Source],
    partials: &[Source],
) -> anyhow::Result<Vec<(String, usize)>> {
    manifest.check_mounts()?;
    let own_prefix = format!("{root}/");
    let mut taken: std::collections::BTreeMap<String, String> = sources
        .iter()
        .filter_map(|s| {
            let rel = s.path.strip_prefix(&own_prefix)?;
            (rel != MANIFEST_FILE).then(|| (render::output_path(rel), s.path.clone()))
        })
        .collect();
    let mut mounted = Vec::new();
    for mount in &manifest.mounts {
        let from = format!("{}/", mount.from);
        let before = mounted.len();
        for (index, partial) in partials.iter().enumerate() {
            let Some(rel) = partial.path.strip_prefix(&from) else {
                continue;
            };
            let out = format!("{}/{}", mount.to, render::output_path(rel));
            if let Some(other) = taken.get(&out) {
                anyhow::bail!(
                    "[[mount]] from = \"{}\" to = \"{}\": templates/{} would be rendered to \
                     `{out}`, which templates/{other} already renders; rename one of them or \
                     mount elsewhere",
                    mount.from,
                    mount.to,
                    partial.path,
                );
            }
            taken.insert(out.clone(), partial.path.clone());
            mounted.push((out, index));
        }
        anyhow::ensure!(
            mounted.len() > before,
            "[[mount]] from = \"{}\": templates/{}/ has no files (is the folder missing, or \
             misspelt?)",
            mount.from,
            mount.from
        );
    }
    Ok(mounted)
}

/// Every embedded template (or, with `MCPFORGE_TEMPLATES_DIR`, the current version of every
/// template in that folder: see [`local`]), sorted by name.
///
/// Manifests are parsed once. They are part of the binary and checked by this crate's tests, so a
/// broken one is a build defect, not a user error: it panics with the manifest's message. A broken
/// template in `MCPFORGE_TEMPLATES_DIR` is the author's error: mcpforge prints it and exits with
/// code 2, as for a bad option.
pub fn all() -> &'static [Template] {
    static ALL: OnceLock<Vec<Template>> = OnceLock::new();
    ALL.get_or_init(|| {
        if let Some(dir) = local::dir() {
            return local::current(&dir).unwrap_or_else(|e| {
                eprintln!("error: {e:#}");
                let cli = e.downcast_ref::<crate::error::CliError>();
                if let Some(help) = cli.and_then(|c| c.help.as_deref()) {
                    eprintln!("help: {help}");
                }
                std::process::exit(2)
            });
        }
        let mut templates: Vec<Template> = TEMPLATES_DIR
            .dirs()
            .filter(|dir| dir.get_file(dir.path().join(MANIFEST_FILE)).is_some())
            .map(|dir| {
                let root = dir.path().to_string_lossy().replace('\\', "/");
                let sources = walk(dir).into_iter().map(Source::embedded).collect();
                let partials = partials().map(Source::embedded).collect();
                Template::from_sources(&root, sources, partials).unwrap_or_else(|e| panic!("{e:#}"))
            })
            .collect();
        templates.sort_by(|a, b| a.manifest.name.cmp(&b.manifest.name));
        templates
    })
}

/// Looks a template up by name.
pub fn find(name: &str) -> Option<&'static Template> {
    all().iter().find(|t| t.manifest.name == name)
}

/// Files shared by every template (folders whose names start with `_`), by path below `templates/`.
fn partials() -> impl Iterator<Item = &'static include_dir::File<'static>> {
    TEMPLATES_DIR
        .dirs()
        .filter(|d| d.path().to_str().is_some_and(|p| p.starts_with('_')))
        .flat_map(walk)
}

/// All files below `dir`, in a stable order.
fn walk(dir: &'static Dir<'static>) -> Vec<&'static include_dir::File<'static>> {
    let mut files: Vec<_> = dir.files().collect();
    for sub in dir.dirs() {
        files.extend(walk(sub));
    }
    files.sort_by_key(|f| f.path());
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_template_exists() {
        assert!(find(DEFAULT_TEMPLATE).is_some());
    }

    #[test]
    fn every_manifest_is_valid_and_matches_its_folder() {
        assert!(!all().is_empty());
        for t in all() {
            assert_eq!(
                t.root,
                t.name(),
                "template.toml `name` must equal its folder"
            );
            t.manifest
                .check(
                    t.files()
                        .into_iter()
                        .map(|f| f.0)
                        .collect::<Vec<_>>()
                        .as_slice(),
                )
                .unwrap();
        }
    }
}

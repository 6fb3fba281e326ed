//! Embedded templates: their manifests, the answers to their questions, and rendering.
//!
//! Every folder in `templates/` that holds a `template.toml` is a template; folders whose names
//! start with `_` hold partials that any template (and `mcpforge add`) may include. Templates are
//! compiled into the binary with `include_dir`, so mcpforge works offline from one file.
//! This module never touches the file system: it turns answers into an in-memory tree.

mod answers;
pub mod items;
mod manifest;
mod render;

use std::sync::OnceLock;

use include_dir::{Dir, include_dir};

pub use answers::{
    AnswerValue, Answers, Prompter, check_answer, resolve_answers, validate_package_name,
};
pub use manifest::{Choice, Manifest, Owner, Ownership, Question, QuestionKind, Validation};
pub use render::{Rendered, render};

/// The template `mcpforge new` uses when `--template` is not given.
pub const DEFAULT_TEMPLATE: &str = "minimal";

/// The name of the file, in each template folder, that describes the template.
pub const MANIFEST_FILE: &str = "template.toml";

static TEMPLATES_DIR: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// An embedded template: its manifest and its files.
#[derive(Debug)]
pub struct Template {
    pub manifest: Manifest,
    dir: &'static Dir<'static>,
}

impl Template {
    pub fn name(&self) -> &str {
        &self.manifest.name
    }

    pub fn version(&self) -> &str {
        &self.manifest.version
    }
}

/// Every embedded template, sorted by name.
///
/// Manifests are parsed once. They are part of the binary and checked by this crate's tests, so a
/// broken one is a build defect, not a user error: it panics with the manifest's message.
pub fn all() -> &'static [Template] {
    static ALL: OnceLock<Vec<Template>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut templates: Vec<Template> = TEMPLATES_DIR
            .dirs()
            .filter_map(|dir| {
                let file = dir.get_file(dir.path().join(MANIFEST_FILE))?;
                let manifest = Manifest::parse(file.contents_utf8().unwrap_or_default())
                    .unwrap_or_else(|e| panic!("templates/{}: {e:#}", file.path().display()));
                Some(Template { manifest, dir })
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
                t.dir.path().to_str(),
                Some(t.name()),
                "template.toml `name` must equal its folder"
            );
            t.manifest
                .check(t.files().map(|f| f.0).collect::<Vec<_>>().as_slice())
                .unwrap();
        }
    }
}

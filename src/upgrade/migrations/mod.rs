//! Migrations: code edits that a template change needs in the team's own files, which a textual
//! merge cannot make (a platform API renamed, a setting renamed, a module moved to a crate).
//!
//! Two kinds: code migrations written here ([`MIGRATIONS`]), and path rewrites a template version
//! declares in its `template.toml` (`[[migrate.paths]]`, see [`paths`]). Each runs when a project
//! is upgraded from a version below its own to one at or above it, in version order. It sees each
//! team-editable Rust file (after the merge) and returns an edited copy, changing only the spans
//! it must, so formatting and comments stay as the team wrote them.

pub mod paths;
mod services;

use proc_macro2::LineColumn;
use syn::visit::Visit;

use crate::edit::rust::{LineIndex, Replacement, apply_replacements};

/// One migration.
pub struct Migration {
    /// The template it belongs to.
    pub template: &'static str,
    /// The template version that needs it: runs when upgrading across this version.
    pub version: &'static str,
    /// What it does, for the upgrade summary.
    pub summary: &'static str,
    /// Edits one Rust file; `Ok(None)` when the file needs nothing.
    pub edit: fn(text: &str) -> Result<Option<String>, syn::Error>,
}

/// Every migration, in version order per template.
pub static MIGRATIONS: &[Migration] = &[
    Migration {
        template: "minimal",
        version: "0.2.0",
        summary: "`ToolError::invalid` was renamed `ToolError::invalid_input`",
        edit: rename_tool_error_invalid,
    },
    Migration {
        template: "minimal",
        version: "0.3.0",
        summary: SPLIT_STATE,
        edit: services::split_state,
    },
    Migration {
        template: "service",
        version: "0.5.0",
        summary: SPLIT_STATE,
        edit: services::split_state,
    },
];

const SPLIT_STATE: &str = "`State` became the platform's `Services` and the team's own `Settings`: \
    `.state().settings.<team setting>` → `.settings().…`, platform settings and services → \
    `.services().…`, `ResourceRouter` → `ResourceRouter<Server>`";

/// The migrations to run when upgrading `template` from `from` to `to`, in order.
pub fn between(
    template: &str,
    from: &semver::Version,
    to: &semver::Version,
) -> Vec<&'static Migration> {
    let mut found: Vec<(semver::Version, &Migration)> = MIGRATIONS
        .iter()
        .filter(|m| m.template == template)
        .filter_map(|m| Some((semver::Version::parse(m.version).ok()?, m)))
        .filter(|(v, _)| v > from && v <= to)
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found.into_iter().map(|(_, m)| m).collect()
}

/// One migration an upgrade runs.
pub struct Planned {
    pub version: semver::Version,
    pub summary: String,
    kind: Kind,
}

enum Kind {
    Code(fn(text: &str) -> Result<Option<String>, syn::Error>),
    Paths(paths::Rules),
}

impl Planned {
    /// Edits one Rust file; `Ok(None)` when it needs nothing, `Err` (why) when the file could
    /// not be read as Rust and must be edited by hand.
    pub fn edit(&self, text: &str) -> Result<Option<String>, String> {
        match &self.kind {
            Kind::Code(edit) => edit(text).map_err(|e| e.to_string()),
            Kind::Paths(rules) => paths::rewrite(text, rules),
        }
    }
}

/// Every migration an upgrade of `template` from `from` to `to` runs, in version order: the
/// code migrations, and the `[[migrate.paths]]` of `declared` (the manifests of the versions
/// after `from`, up to `to`).
pub fn planned(
    template: &str,
    from: &semver::Version,
    to: &semver::Version,
    declared: &[&crate::template::Manifest],
) -> Vec<Planned> {
    let mut out: Vec<Planned> = between(template, from, to)
        .into_iter()
        .filter_map(|m| {
            Some(Planned {
                version: semver::Version::parse(m.version).ok()?,
                summary: m.summary.to_string(),
                kind: Kind::Code(m.edit),
            })
        })
        .collect();
    for manifest in declared {
        let Ok(version) = semver::Version::parse(&manifest.version) else {
            continue;
        };
        if manifest.migrate.paths.is_empty() || version <= *from || version > *to {
            continue;
        }
        let rules: Vec<String> = manifest
            .migrate
            .paths
            .iter()
            .map(|r| format!("`{}` → `{}`", r.from, r.to))
            .collect();
        out.push(Planned {
            version,
            summary: format!("Rust paths {}", rules.join(", ")),
            kind: Kind::Paths(paths::Rules::new(&manifest.migrate.paths)),
        });
    }
    // Stable: at one version, code migrations first.
    out.sort_by(|a, b| a.version.cmp(&b.version));
    out
}

/// minimal 0.2.0: every path ending in `ToolError::invalid` (calls, and the function used as a
/// value, as in `.map_err(ToolError::invalid)`) now ends in `ToolError::invalid_input`.
fn rename_tool_error_invalid(text: &str) -> Result<Option<String>, syn::Error> {
    rename_path_tail(text, "ToolError", "invalid", "invalid_input")
}

/// Renames the last segment of every path `… <owner>::<from>` to `to`.
fn rename_path_tail(
    text: &str,
    owner: &str,
    from: &str,
    to: &str,
) -> Result<Option<String>, syn::Error> {
    if !text.contains(from) {
        return Ok(None);
    }
    let file = crate::edit::rust::parse_file(text)?;
    let mut finder = PathTails {
        owner,
        from,
        found: Vec::new(),
    };
    finder.visit_file(&file);
    if finder.found.is_empty() {
        return Ok(None);
    }
    let index = LineIndex::new(text);
    let edits: Vec<Replacement> = finder
        .found
        .iter()
        .map(|(start, end)| Replacement {
            range: index.offset(text, *start)..index.offset(text, *end),
            text: to.to_string(),
        })
        .collect();
    Ok(Some(apply_replacements(text, &edits).0))
}

struct PathTails<'a> {
    owner: &'a str,
    from: &'a str,
    found: Vec<(LineColumn, LineColumn)>,
}

impl<'ast> Visit<'ast> for PathTails<'_> {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<&syn::PathSegment> = path.segments.iter().collect();
        if let [.., owner, last] = segments.as_slice()
            && owner.ident == self.owner
            && last.ident == self.from
        {
            let span = last.ident.span();
            self.found.push((span.start(), span.end()));
        }
        syn::visit::visit_path(self, path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_calls_and_function_values_and_keeps_formatting() {
        let before = "use crate::platform::errors::ToolError;\n\n\
            fn check(x: &str) -> Result<(), ToolError> {\n    \
                // ToolError::invalid in a comment stays\n    \
                if x.is_empty() {\n        \
                    return Err(ToolError::invalid(\"empty\"));\n    \
                }\n    \
                let _f = crate::platform::errors::ToolError::invalid;\n    \
                Err(Some(x).map(ToolError::invalid).unwrap())\n}\n";
        let after = rename_tool_error_invalid(before).unwrap().unwrap();
        assert_eq!(
            after.matches("ToolError::invalid_input").count(),
            3,
            "{after}"
        );
        assert!(after.contains("// ToolError::invalid in a comment stays"));
        assert_eq!(after.replace("invalid_input", "invalid"), before);
    }

    #[test]
    fn leaves_other_code_alone() {
        for text in [
            "fn f() { Other::invalid(); }\n",
            "fn f() { let invalid = 1; }\n",
            "fn f() { ToolError::invalid_input(\"x\"); }\n",
        ] {
            assert_eq!(rename_tool_error_invalid(text).unwrap(), None, "{text}");
        }
    }

    #[test]
    fn unparsable_files_are_an_error_not_a_guess() {
        assert!(rename_tool_error_invalid("<<<<<<< yours\nToolError::invalid(\n").is_err());
    }

    #[test]
    fn run_in_version_order_across_the_upgrade() {
        let v = |s| semver::Version::parse(s).unwrap();
        assert_eq!(between("minimal", &v("0.1.0"), &v("0.2.0")).len(), 1);
        assert_eq!(between("minimal", &v("0.2.0"), &v("0.3.0")).len(), 1);
        assert!(between("minimal", &v("0.3.0"), &v("9.0.0")).is_empty());
        assert!(between("service", &v("0.1.0"), &v("0.4.0")).is_empty());
        assert_eq!(between("service", &v("0.4.0"), &v("0.5.0")).len(), 1);
    }
}

//! Templates read from a folder instead of the embedded ones (`MCPFORGE_TEMPLATES_DIR=<dir>`),
//! so a template author can render a template without rebuilding mcpforge, and try a release (its
//! `[[moves]]` and `[[migrate.paths]]` above all) against real projects before it is embedded.
//!
//! Each folder `<dir>/<name>/` (not starting with `_` or `.`) is one template, in one of two
//! layouts:
//! - **flat**: `<dir>/<name>/template.toml`, a template folder as in `templates/`. It is the
//!   current version; its history and changelog are the embedded ones of the same name, if any.
//! - **versioned**: `<dir>/<name>/<version>/template.toml`, one template folder per version. The
//!   highest is current and the others are its history; `<dir>/<name>/CHANGELOG.md` is its
//!   changelog. A version's own `_*/` folders are the partials of that version (what it mounts
//!   and includes), replacing the shared ones of the same name, so an older version renders as
//!   it was released even after a shared folder changed.
//!
//! `<dir>/_*/` are shared partials. A folder with both layouts is refused. Every problem with the
//! folder is the author's to fix, like a bad option: a usage error (exit code 2).
//! This module only reads.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::{MANIFEST_FILE, Source, Template};
use crate::error::{CliError, ErrorKind};

/// The environment variable that names the folder.
pub const ENV: &str = "MCPFORGE_TEMPLATES_DIR";

/// The folder, when the environment names one.
pub fn dir() -> Option<PathBuf> {
    std::env::var_os(ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// How the folder of one template is laid out.
enum Layout {
    Flat,
    /// The versions, oldest first.
    Versioned(Vec<semver::Version>),
}

/// The layout of `<dir>/<name>/`, or `None` when it holds no template.
fn layout(dir: &Path, name: &str) -> anyhow::Result<Option<Layout>> {
    let folder = dir.join(name);
    let flat = folder.join(MANIFEST_FILE).is_file();
    let versions = version_folders(&folder);
    match (flat, versions.is_empty()) {
        (true, true) => Ok(Some(Layout::Flat)),
        (false, false) => Ok(Some(Layout::Versioned(versions))),
        (false, true) => Ok(None),
        (true, false) => anyhow::bail!(
            "{} has both a {MANIFEST_FILE} and version folders ({}/{MANIFEST_FILE}); keep one \
             layout: a flat template folder, or one folder per version",
            folder.display(),
            versions[0]
        ),
    }
}

/// The subfolders of `folder` named by a version and holding a manifest, oldest first.
fn version_folders(folder: &Path) -> Vec<semver::Version> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut versions: Vec<semver::Version> = entries
        .flatten()
        .filter(|e| e.path().join(MANIFEST_FILE).is_file())
        .filter_map(|e| semver::Version::parse(e.file_name().to_str()?).ok())
        .collect();
    versions.sort();
    versions
}

/// The names of the template folders in `dir`, sorted.
fn names(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .flatten()
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| !n.starts_with('_') && !n.starts_with('.'))
        .collect();
    names.sort();
    Ok(names)
}

/// The current version of every template in `dir`, sorted by name.
pub fn current(dir: &Path) -> anyhow::Result<Vec<Template>> {
    let current = || -> anyhow::Result<Vec<Template>> {
        let mut templates = Vec::new();
        for name in names(dir)? {
            match layout(dir, &name)? {
                None => {}
                Some(Layout::Flat) => templates.push(read_template(dir, &name, None)?),
                Some(Layout::Versioned(versions)) => {
                    let newest = versions.last().map(ToString::to_string);
                    templates.push(read_template(dir, &name, newest.as_deref())?);
                }
            }
        }
        anyhow::ensure!(
            !templates.is_empty(),
            "no folder with a {MANIFEST_FILE} (`<name>/{MANIFEST_FILE}`, or \
             `<name>/<version>/{MANIFEST_FILE}` for a template with its history)"
        );
        Ok(templates)
    };
    current().map_err(|e| authors_error(dir, e))
}

/// The versions of template `name` when `dir` holds its history (the versioned layout), oldest
/// first; `None` when it does not, and the embedded history applies.
pub fn versions(dir: &Path, name: &str) -> Option<Vec<semver::Version>> {
    match layout(dir, name) {
        Ok(Some(Layout::Versioned(versions))) => Some(versions),
        _ => None,
    }
}

/// Template `name` at `version` from a versioned folder.
pub fn load(dir: &Path, name: &str, version: &str) -> anyhow::Result<Template> {
    let folder = dir.join(name).join(version);
    if !folder.join(MANIFEST_FILE).is_file() {
        let known: Vec<String> = versions(dir, name)
            .unwrap_or_default()
            .iter()
            .map(ToString::to_string)
            .collect();
        return Err(CliError::usage(format!(
            "{ENV}={}: there is no version {version} of template `{name}` ({} is missing)",
            dir.display(),
            folder.join(MANIFEST_FILE).display()
        ))
        .with_help(format!("the folder has: {}", known.join(", ")))
        .into());
    }
    read_template(dir, name, Some(version)).map_err(|e| authors_error(dir, e))
}

/// The changelog of template `name` when `dir` holds its history.
pub fn changelog(dir: &Path, name: &str) -> Option<String> {
    versions(dir, name)?;
    std::fs::read_to_string(dir.join(name).join("CHANGELOG.md")).ok()
}

/// Reads `<dir>/<name>/` (flat) or `<dir>/<name>/<version>/` and checks it as the tests check the
/// embedded templates.
fn read_template(dir: &Path, name: &str, version: Option<&str>) -> anyhow::Result<Template> {
    let folder = match version {
        Some(version) => dir.join(name).join(version),
        None => dir.join(name),
    };
    let manifest_path = folder.join(MANIFEST_FILE);
    let mut sources = Vec::new();
    let mut own_partials = Vec::new();
    for entry in sorted_entries(&folder)? {
        let file_name = entry.file_name().to_string_lossy().to_string();
        let path = entry.path();
        if version.is_some() && file_name.starts_with('_') && path.is_dir() {
            read_tree(&path, &file_name, &mut own_partials)?;
        } else if path.is_dir() {
            read_tree(&path, &format!("{name}/{file_name}"), &mut sources)?;
        } else {
            sources.push(read_source(&path, format!("{name}/{file_name}"))?);
        }
    }
    let mut partials = Vec::new();
    for entry in sorted_entries(dir)? {
        let file_name = entry.file_name().to_string_lossy().to_string();
        let overridden = own_partials
            .iter()
            .any(|p: &Source| p.path.starts_with(&format!("{file_name}/")));
        if file_name.starts_with('_') && entry.path().is_dir() && !overridden {
            read_tree(&entry.path(), &file_name, &mut partials)?;
        }
    }
    partials.extend(own_partials);
    partials.sort_by(|a, b| a.path.cmp(&b.path));

    let template = Template::from_sources(name, sources, partials)
        .with_context(|| folder.display().to_string())?;
    anyhow::ensure!(
        template.name() == name,
        "{}: `name` must equal the folder name `{name}`",
        manifest_path.display()
    );
    if let Some(version) = version {
        anyhow::ensure!(
            template.version() == version,
            "{}: says version {}, but its folder is {version}",
            manifest_path.display(),
            template.version()
        );
    }
    let files: Vec<String> = template.files().into_iter().map(|(path, _)| path).collect();
    template
        .manifest
        .check(&files)
        .with_context(|| manifest_path.display().to_string())?;
    Ok(template)
}

/// A problem with the folder, as the usage error it is (exit code 2).
fn authors_error(dir: &Path, e: anyhow::Error) -> anyhow::Error {
    match e.downcast::<CliError>() {
        Ok(err) => CliError {
            kind: ErrorKind::Usage,
            ..err
        }
        .into(),
        Err(e) => CliError::usage(format!("{ENV}={}: {e:#}", dir.display())).into(),
    }
}

/// The entries of `folder`, sorted by name.
fn sorted_entries(folder: &Path) -> anyhow::Result<Vec<std::fs::DirEntry>> {
    let mut entries: Vec<_> = std::fs::read_dir(folder)
        .with_context(|| format!("cannot read {}", folder.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("cannot read {}", folder.display()))?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    Ok(entries)
}

/// Adds the files below `folder` as sources whose paths start with `prefix/`.
fn read_tree(folder: &Path, prefix: &str, out: &mut Vec<Source>) -> anyhow::Result<()> {
    for entry in sorted_entries(folder)? {
        let path = format!("{prefix}/{}", entry.file_name().to_string_lossy());
        if entry.path().is_dir() {
            read_tree(&entry.path(), &path, out)?;
        } else {
            out.push(read_source(&entry.path(), path)?);
        }
    }
    Ok(())
}

fn read_source(file: &Path, path: String) -> anyhow::Result<Source> {
    let contents =
        std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    Ok(Source {
        path,
        contents: Cow::Owned(contents),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, path: &str, text: &str) {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    const MANIFEST: &str = "name = \"t\"\nversion = \"VERSION\"\ndescription = \"d\"\n";

    fn message(e: &anyhow::Error) -> String {
        let cli = e.downcast_ref::<CliError>().expect("a CliError");
        assert_eq!(cli.exit_code(), 2, "{e:#}");
        format!("{e:#}")
    }

    #[test]
    fn the_newest_version_is_current_and_the_others_are_history() {
        let tmp = tempfile::tempdir().unwrap();
        for version in ["0.1.0", "0.10.0", "0.2.0"] {
            write(
                tmp.path(),
                &format!("t/{version}/template.toml"),
                &MANIFEST.replace("VERSION", version),
            );
            write(tmp.path(), &format!("t/{version}/README.md"), version);
        }
        write(tmp.path(), "_partials/x.tera", "x");
        let current = current(tmp.path()).unwrap();
        assert_eq!(current.len(), 1);
        assert_eq!(current[0].version(), "0.10.0");
        assert_eq!(current[0].partials.len(), 1);
        let listed: Vec<String> = versions(tmp.path(), "t")
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(listed, ["0.1.0", "0.2.0", "0.10.0"]);
        let old = load(tmp.path(), "t", "0.2.0").unwrap();
        assert_eq!(
            old.files().into_iter().map(|(p, _)| p).collect::<Vec<_>>(),
            ["README.md"]
        );
    }

    #[test]
    fn a_flat_folder_is_current_only_and_layouts_mix_per_template() {
        let tmp = tempfile::tempdir().unwrap();
        write(
            tmp.path(),
            "t/template.toml",
            &MANIFEST.replace("VERSION", "1.0.0"),
        );
        write(tmp.path(), "t/README.md", "flat");
        write(
            tmp.path(),
            "u/2.0.0/template.toml",
            &MANIFEST
                .replace("VERSION", "2.0.0")
                .replace("\"t\"", "\"u\""),
        );
        write(tmp.path(), "docs/notes.md", "not a template");
        let current = current(tmp.path()).unwrap();
        let names: Vec<(&str, &str)> = current.iter().map(|t| (t.name(), t.version())).collect();
        assert_eq!(names, [("t", "1.0.0"), ("u", "2.0.0")]);
        // A flat template's history is the embedded one; a versioned one's is the folder.
        assert!(versions(tmp.path(), "t").is_none());
        assert!(changelog(tmp.path(), "t").is_none());
        assert_eq!(versions(tmp.path(), "u").unwrap().len(), 1);

        write(
            tmp.path(),
            "t/0.9.0/template.toml",
            &MANIFEST.replace("VERSION", "0.9.0"),
        );
        let e = message(&super::current(tmp.path()).unwrap_err());
        assert!(
            e.contains("has both a template.toml and version folders"),
            "{e}"
        );

        let empty = tempfile::tempdir().unwrap();
        let e = message(&super::current(empty.path()).unwrap_err());
        assert!(e.contains("no folder with a template.toml"), "{e}");
    }

    /// An older version renders the shared folder it mounted when it was released, not today's.
    #[test]
    fn a_version_mounts_its_own_copy_of_a_shared_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let mount = "[[mount]]\nfrom = \"_platform\"\nto = \"platform\"\n";
        for version in ["1.0.0", "2.0.0"] {
            write(
                tmp.path(),
                &format!("t/{version}/template.toml"),
                &format!("{}{mount}", MANIFEST.replace("VERSION", version)),
            );
        }
        write(tmp.path(), "t/1.0.0/_platform/lib.rs", "// as in 1.0.0\n");
        write(tmp.path(), "_platform/lib.rs", "// today\n");
        write(tmp.path(), "_platform/http.rs", "// new in 2.0.0\n");
        let rendered = |t: &Template| -> Vec<(String, String)> {
            t.files()
                .into_iter()
                .map(|(p, s)| (p, String::from_utf8_lossy(&s.contents).to_string()))
                .collect()
        };
        let old = load(tmp.path(), "t", "1.0.0").unwrap();
        assert_eq!(
            rendered(&old),
            [(
                "platform/lib.rs".to_string(),
                "// as in 1.0.0\n".to_string()
            )]
        );
        let new = &current(tmp.path()).unwrap()[0];
        assert_eq!(
            rendered(new),
            [
                (
                    "platform/http.rs".to_string(),
                    "// new in 2.0.0\n".to_string()
                ),
                ("platform/lib.rs".to_string(), "// today\n".to_string()),
            ]
        );
    }

    #[test]
    fn missing_mismatched_and_invalid_versions_are_named() {
        let tmp = tempfile::tempdir().unwrap();
        write(
            tmp.path(),
            "t/0.1.0/template.toml",
            &MANIFEST.replace("VERSION", "0.1.0"),
        );
        let e = message(&load(tmp.path(), "t", "0.3.0").unwrap_err());
        assert!(
            e.contains("there is no version 0.3.0 of template `t`"),
            "{e}"
        );

        write(
            tmp.path(),
            "t/0.2.0/template.toml",
            &MANIFEST.replace("VERSION", "0.9.0"),
        );
        let e = message(&load(tmp.path(), "t", "0.2.0").unwrap_err());
        assert!(e.contains("says version 0.9.0"), "{e}");

        write(
            tmp.path(),
            "t/0.3.0/template.toml",
            &format!(
                "{}[[moves]]\nfrom = \"a.rs\"\n",
                MANIFEST.replace("VERSION", "0.3.0")
            ),
        );
        let e = message(&load(tmp.path(), "t", "0.3.0").unwrap_err());
        assert!(
            e.contains("MCPFORGE_TEMPLATES_DIR") && e.contains("needs `to`"),
            "{e}"
        );
    }
}

//! Templates read from a folder instead of the embedded ones, for template authors who want to
//! try a release (its `[[moves]]` and `[[migrate.paths]]` above all) against real projects before
//! it is embedded: with `MCPFORGE_TEMPLATES_DIR=<dir>` in the environment, every command sees the
//! templates of `<dir>/<name>/<version>/` (each a template folder as in `templates/`, with its
//! `template.toml`), the highest version of each as the current one and the others as its
//! released history; `<dir>/<name>/CHANGELOG.md` is its changelog, and folders `<dir>/_*/` are
//! shared partials.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::{Source, Template};
use crate::error::CliError;

/// The environment variable that names the folder.
pub const ENV: &str = "MCPFORGE_TEMPLATES_DIR";

/// The folder, when the environment names one.
pub fn dir() -> Option<PathBuf> {
    std::env::var_os(ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The names of the templates in `dir`, sorted.
pub fn names(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .with_context(|| format!("{ENV}: cannot read {}", dir.display()))?
        .flatten()
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| !n.starts_with('_') && !n.starts_with('.'))
        .collect();
    names.sort();
    Ok(names)
}

/// The versions of template `name` in `dir`, oldest first.
pub fn versions(dir: &Path, name: &str) -> Vec<semver::Version> {
    let Ok(entries) = std::fs::read_dir(dir.join(name)) else {
        return Vec::new();
    };
    let mut versions: Vec<semver::Version> = entries
        .flatten()
        .filter(|e| e.path().join(super::MANIFEST_FILE).is_file())
        .filter_map(|e| semver::Version::parse(e.file_name().to_str()?).ok())
        .collect();
    versions.sort();
    versions
}

/// Template `name` at `version` from `dir`.
pub fn load(dir: &Path, name: &str, version: &str) -> anyhow::Result<Template> {
    let folder = dir.join(name).join(version);
    if !folder.join(super::MANIFEST_FILE).is_file() {
        let known: Vec<String> = versions(dir, name)
            .iter()
            .map(ToString::to_string)
            .collect();
        return Err(CliError::failure(format!(
            "{ENV}: there is no version {version} of template `{name}` ({} is missing)",
            folder.join(super::MANIFEST_FILE).display()
        ))
        .with_help(format!("the folder has: {}", known.join(", ")))
        .into());
    }
    let mut sources = Vec::new();
    read_tree(&folder, name, &mut sources)?;
    let mut partials = Vec::new();
    for entry in std::fs::read_dir(dir)?.flatten() {
        let file_name = entry.file_name().to_string_lossy().to_string();
        if file_name.starts_with('_') && entry.path().is_dir() {
            read_tree(&entry.path(), &file_name, &mut partials)?;
        }
    }
    let template = Template::from_sources(name, sources, partials)
        .with_context(|| format!("{ENV}: {}", folder.display()))?;
    let files: Vec<String> = template.files().map(|(path, _)| path).collect();
    template
        .manifest
        .check(&files)
        .with_context(|| format!("{ENV}: {}", folder.join(super::MANIFEST_FILE).display()))?;
    anyhow::ensure!(
        template.version() == version,
        "{ENV}: {} says version {}",
        folder.join(super::MANIFEST_FILE).display(),
        template.version()
    );
    Ok(template)
}

/// The newest version of every template in `dir`.
pub fn current(dir: &Path) -> anyhow::Result<Vec<Template>> {
    names(dir)?
        .into_iter()
        .filter_map(|name| {
            let newest = versions(dir, &name).pop()?;
            Some(load(dir, &name, &newest.to_string()))
        })
        .collect()
}

/// The changelog of template `name` in `dir`, if it has one.
pub fn changelog(dir: &Path, name: &str) -> Option<String> {
    std::fs::read_to_string(dir.join(name).join("CHANGELOG.md")).ok()
}

/// Adds the files below `folder` as sources whose paths start with `prefix/`.
fn read_tree(folder: &Path, prefix: &str, out: &mut Vec<Source>) -> anyhow::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(folder)
        .with_context(|| format!("cannot read {}", folder.display()))?
        .flatten()
        .collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name().to_string_lossy().to_string();
        let path = format!("{prefix}/{name}");
        if entry.path().is_dir() {
            read_tree(&entry.path(), &path, out)?;
        } else {
            let contents = std::fs::read(entry.path())
                .with_context(|| format!("cannot read {}", entry.path().display()))?;
            out.push(Source {
                path,
                contents: Cow::Owned(contents),
            });
        }
    }
    Ok(())
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
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(listed, ["0.1.0", "0.2.0", "0.10.0"]);
        let old = load(tmp.path(), "t", "0.2.0").unwrap();
        assert_eq!(
            old.files().map(|(p, _)| p).collect::<Vec<_>>(),
            ["README.md"]
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
        let e = format!("{:#}", load(tmp.path(), "t", "0.3.0").unwrap_err());
        assert!(
            e.contains("there is no version 0.3.0 of template `t`"),
            "{e}"
        );

        write(
            tmp.path(),
            "t/0.2.0/template.toml",
            &MANIFEST.replace("VERSION", "0.9.0"),
        );
        let e = format!("{:#}", load(tmp.path(), "t", "0.2.0").unwrap_err());
        assert!(e.contains("says version 0.9.0"), "{e}");

        write(
            tmp.path(),
            "t/0.3.0/template.toml",
            &format!(
                "{}[[moves]]\nfrom = \"a.rs\"\n",
                MANIFEST.replace("VERSION", "0.3.0")
            ),
        );
        let e = format!("{:#}", load(tmp.path(), "t", "0.3.0").unwrap_err());
        assert!(
            e.contains("MCPFORGE_TEMPLATES_DIR") && e.contains("needs `to`"),
            "{e}"
        );
    }
}

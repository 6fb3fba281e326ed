//! Released template versions, embedded so that `mcpforge upgrade` can re-render the exact
//! version a project was generated from, offline.
//!
//! `template-history/<name>/<version>.toml` lists a released tree: every path below
//! `templates/` (the template's own files and the partials it includes) with the SHA-256 of its
//! contents. The contents live once in `template-history/blobs/<sha256>.gz`, so versions share
//! unchanged files and the binary carries each distinct file once, compressed.
//! `template-history/<name>/CHANGELOG.md` describes each version under a `## <version>` heading.
//! A template that `MCPFORGE_TEMPLATES_DIR` holds with its versions ([`super::local`]) takes its
//! history and changelog from there instead.
//!
//! The current tree of every template must equal its snapshot (the test below): changing a
//! template means moving its version and recording the new snapshot with
//! `MCPFORGE_UPDATE_HISTORY=1 cargo test --lib template::history`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Read as _;

use anyhow::{Context as _, bail};
use include_dir::{Dir, include_dir};
use serde::Deserialize;

use super::{Source, Template};
use crate::error::CliError;

static HISTORY_DIR: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/template-history");

/// The file listing one released version.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Snapshot {
    /// Path below `templates/` → SHA-256 of the contents.
    files: BTreeMap<String, String>,
}

/// The released versions of template `name`, oldest first.
pub fn versions(name: &str) -> Vec<semver::Version> {
    if let Some(versions) = super::local::dir().and_then(|dir| super::local::versions(&dir, name)) {
        return versions;
    }
    let Some(dir) = HISTORY_DIR.get_dir(name) else {
        return Vec::new();
    };
    let mut versions: Vec<semver::Version> = dir
        .files()
        .filter_map(|f| {
            let stem = f.path().file_name()?.to_str()?.strip_suffix(".toml")?;
            semver::Version::parse(stem).ok()
        })
        .collect();
    versions.sort();
    versions
}

/// Template `name` exactly as released at `version`.
pub fn load(name: &str, version: &str) -> anyhow::Result<Template> {
    if let Some(dir) = super::local::dir()
        && super::local::versions(&dir, name).is_some()
    {
        return super::local::load(&dir, name, version);
    }
    let path = format!("{name}/{version}.toml");
    let Some(file) = HISTORY_DIR.get_file(&path) else {
        let known: Vec<String> = versions(name).iter().map(ToString::to_string).collect();
        return Err(CliError::failure(format!(
            "this mcpforge does not know version {version} of template `{name}`"
        ))
        .with_help(if known.is_empty() {
            format!("template `{name}` has no released versions in this mcpforge")
        } else {
            format!("it knows: {}", known.join(", "))
        })
        .into());
    };
    let snapshot: Snapshot = toml_edit::de::from_slice(file.contents())
        .with_context(|| format!("template-history/{path} is not a valid snapshot"))?;
    let root = format!("{name}/");
    let mut sources = Vec::new();
    let mut partials = Vec::new();
    for (source_path, sha) in snapshot.files {
        let source = Source {
            contents: Cow::Owned(blob(&sha).with_context(|| format!("{path}: {source_path}"))?),
            path: source_path,
        };
        if source.path.starts_with(&root) {
            sources.push(source);
        } else {
            partials.push(source);
        }
    }
    let template = Template::from_sources(name, sources, partials)?;
    if template.version() != version {
        bail!(
            "template-history/{path} holds version {} of `{name}`",
            template.version()
        );
    }
    Ok(template)
}

/// The changelog entries of template `name` after version `from`, up to and including `to`,
/// newest first, as Markdown (empty when there is no changelog).
pub fn changes_between(name: &str, from: &semver::Version, to: &semver::Version) -> String {
    let local = super::local::dir().and_then(|dir| super::local::changelog(&dir, name));
    let Some(text) = local.as_deref().or_else(|| changelog(name)) else {
        return String::new();
    };
    let mut out = String::new();
    let mut keep = false;
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            let version = heading.split_whitespace().next().unwrap_or_default();
            keep = semver::Version::parse(version).is_ok_and(|v| &v > from && &v <= to);
        }
        if keep {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.trim_end().to_string()
}

/// The template's changelog, if it has one.
pub fn changelog(name: &str) -> Option<&'static str> {
    HISTORY_DIR
        .get_file(format!("{name}/CHANGELOG.md"))
        .and_then(|f| f.contents_utf8())
}

/// The contents stored under `sha`, checked against it.
fn blob(sha: &str) -> anyhow::Result<Vec<u8>> {
    let file = HISTORY_DIR
        .get_file(format!("blobs/{sha}.gz"))
        .with_context(|| format!("blob {sha} is missing from template-history/blobs"))?;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(file.contents())
        .read_to_end(&mut bytes)
        .with_context(|| format!("blob {sha} is not valid gzip"))?;
    if crate::project::sha256_hex(&bytes) != sha {
        bail!("blob {sha} does not match its hash");
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// What a snapshot of `template` records: each source path it renders from with its hash.
    /// Partials are included when a `[[mount]]` renders them or the template's files (mounted
    /// ones included) name them, so editing a partial used only by `mcpforge add` does not count
    /// as a change to every template.
    fn snapshot_of(template: &Template) -> BTreeMap<String, (String, &[u8])> {
        let mounted: Vec<&Source> = template
            .mounted
            .iter()
            .map(|(_, index)| &template.partials[*index])
            .collect();
        let mentions = |partial: &Source| {
            let name = format!("templates/{}", partial.path);
            template
                .sources
                .iter()
                .chain(mounted.iter().copied())
                .any(|s| s.contents.windows(name.len()).any(|w| w == name.as_bytes()))
        };
        template
            .sources
            .iter()
            .chain(
                template
                    .partials
                    .iter()
                    .filter(|p| mounted.contains(p) || mentions(p)),
            )
            .map(|s| {
                let sha = crate::project::sha256_hex(&s.contents);
                (s.path.clone(), (sha, &*s.contents))
            })
            .collect()
    }

    /// Every embedded template equals the snapshot of its version. With
    /// `MCPFORGE_UPDATE_HISTORY=1` the snapshot is (re)written instead.
    #[test]
    fn every_template_version_is_recorded() {
        let update = std::env::var_os("MCPFORGE_UPDATE_HISTORY").is_some();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("template-history");
        let mut stale = Vec::new();
        for template in super::super::all() {
            let expected = snapshot_of(template);
            let recorded: Option<BTreeMap<String, String>> =
                load(template.name(), template.version()).ok().map(|t| {
                    snapshot_of(&t)
                        .into_iter()
                        .map(|(k, (sha, _))| (k, sha))
                        .collect()
                });
            let wanted: BTreeMap<String, String> = expected
                .iter()
                .map(|(k, (sha, _))| (k.clone(), sha.clone()))
                .collect();
            if recorded.as_ref() == Some(&wanted) {
                continue;
            }
            if !update {
                stale.push(format!("{} {}", template.name(), template.version()));
                continue;
            }
            for (sha, contents) in expected.values() {
                let path = root.join("blobs").join(format!("{sha}.gz"));
                if !path.exists() {
                    let mut gz =
                        flate2::GzBuilder::new().write(Vec::new(), flate2::Compression::best());
                    std::io::Write::write_all(&mut gz, contents).unwrap();
                    std::fs::write(&path, gz.finish().unwrap()).unwrap();
                }
            }
            let mut text = format!(
                "# The released tree of template `{}` {}: path below templates/ = SHA-256 of a blob.\n\
                 # Written by `MCPFORGE_UPDATE_HISTORY=1 cargo test --lib template::history`.\n\n[files]\n",
                template.name(),
                template.version()
            );
            for (path, sha) in &wanted {
                text.push_str(&format!("{path:?} = \"{sha}\"\n"));
            }
            let dir = root.join(template.name());
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(format!("{}.toml", template.version())), text).unwrap();
        }
        if update {
            prune_blobs(&root);
        }
        assert!(
            stale.is_empty(),
            "these templates differ from the snapshot of their version: {}.\n\
             If that version was released, move the version in template.toml and describe the \
             change in template-history/<name>/CHANGELOG.md; then record the tree with \
             MCPFORGE_UPDATE_HISTORY=1 cargo test --lib template::history",
            stale.join(", ")
        );
    }

    /// Removes blobs that no snapshot names (left by re-recording an unreleased version).
    fn prune_blobs(root: &Path) {
        let mut named = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(root).unwrap().flatten() {
            let Ok(versions) = std::fs::read_dir(entry.path()) else {
                continue;
            };
            for file in versions.flatten() {
                if file.path().extension().is_some_and(|e| e == "toml") {
                    let text = std::fs::read(file.path()).unwrap();
                    let snapshot: Snapshot = toml_edit::de::from_slice(&text).unwrap();
                    named.extend(snapshot.files.into_values());
                }
            }
        }
        for blob in std::fs::read_dir(root.join("blobs")).unwrap().flatten() {
            let name = blob.file_name().to_string_lossy().to_string();
            let sha = name.strip_suffix(".gz").unwrap_or(&name);
            if !named.contains(sha) {
                std::fs::remove_file(blob.path()).unwrap();
            }
        }
    }

    #[test]
    fn every_released_version_loads_and_has_a_changelog_entry() {
        for template in super::super::all() {
            let versions = versions(template.name());
            assert!(!versions.is_empty(), "{} has no history", template.name());
            let changelog = changelog(template.name()).unwrap_or_else(|| {
                panic!(
                    "template-history/{}/CHANGELOG.md is missing",
                    template.name()
                )
            });
            for version in &versions {
                let loaded = load(template.name(), &version.to_string()).unwrap();
                assert_eq!(loaded.version(), version.to_string());
                assert!(
                    changelog.contains(&format!("\n## {version}")),
                    "{} {version} has no `## {version}` entry in its changelog",
                    template.name()
                );
            }
        }
    }

    /// Each version's `[[moves]]` name files of the version before it, so an upgrade across them
    /// can follow every one.
    #[test]
    fn every_released_version_moves_files_of_the_version_before() {
        for template in super::super::all() {
            let versions = versions(template.name());
            for pair in versions.windows(2) {
                let previous = load(template.name(), &pair[0].to_string()).unwrap();
                let next = load(template.name(), &pair[1].to_string()).unwrap();
                let files: Vec<String> =
                    previous.files().into_iter().map(|(path, _)| path).collect();
                super::super::moves::check_moves_against(
                    &next.manifest.moves,
                    &files,
                    previous.version(),
                )
                .unwrap_or_else(|e| panic!("{} {}: {e:#}", template.name(), pair[1]));
            }
        }
    }

    #[test]
    fn snapshots_record_mounted_files() {
        let template = super::super::render::tests::mounting(
            r#"
name = "t"
version = "1.0.0"
description = "d"
[[mount]]
from = "_platform"
to = "platform"
[[question]]
key = "name"
prompt = "Name"
help = "Name"
kind = "string"
default = "demo"
"#,
            &[],
        )
        .unwrap();
        let recorded: Vec<String> = snapshot_of(&template).into_keys().collect();
        assert_eq!(
            recorded,
            [
                "_platform/Cargo.toml.tera",
                "_platform/src/http.rs",
                "_platform/src/jwt.rs",
                "_platform/src/lib.rs",
                "t/src/main.rs",
                "t/src/serve.rs",
                "t/template.toml",
            ]
        );
    }

    #[test]
    fn unknown_versions_are_named() {
        let err = load("minimal", "0.0.0-nope").unwrap_err();
        assert!(format!("{err:#}").contains("0.0.0-nope"), "{err:#}");
    }
}

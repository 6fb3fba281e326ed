//! A generated project as mcpforge sees it: `.mcpforge.toml`, which records the template and
//! version it came from, the answers, mcpforge's version, and for every generated file its owner
//! and the SHA-256 of its contents as generated.
//!
//! `upgrade` re-renders the recorded version with the recorded answers to get the merge base and
//! uses the hashes to tell which files the team changed; `lint` uses owners to flag edits to
//! platform code. Sections other than `[template]`, `[answers]` and `[files]` (such as `[lint]`)
//! belong to the user and are kept as written.

pub mod registry;
pub mod uses;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use sha2::{Digest, Sha256};
use toml_edit::{DocumentMut, InlineTable, Item, Table, value};

use crate::error::CliError;
use crate::template::{AnswerValue, Answers, Owner, Template};

/// The project manifest's file name, at the project root.
pub const MANIFEST_FILE: &str = ".mcpforge.toml";

/// The manifest's format version; bumped (with a migration in `upgrade`) if its shape changes.
pub const FORMAT_VERSION: i64 = 1;

const HEADER: &str = "\
# Written by mcpforge. It records how this project was generated, so that `mcpforge upgrade` can
# merge template updates into your edits and `mcpforge lint` knows which files the platform owns.
# Leave [template], [answers] and [files] to mcpforge; add your own sections (such as [lint]).

";

/// The parsed `.mcpforge.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectManifest {
    pub template: String,
    pub template_version: String,
    pub generated_by: String,
    pub answers: Answers,
    pub files: BTreeMap<String, FileRecord>,
}

/// What mcpforge generated at one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRecord {
    pub owner: Owner,
    /// Lowercase hex SHA-256 of the contents as generated.
    pub sha256: String,
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

impl ProjectManifest {
    /// The manifest for a fresh render of `template` with `answers` producing `files`.
    pub fn for_render(
        template: &Template,
        answers: &Answers,
        files: &BTreeMap<String, Vec<u8>>,
    ) -> Self {
        // The manifest cannot record its own hash (a render for `upgrade` includes it).
        let files = files
            .iter()
            .filter(|(path, _)| *path != MANIFEST_FILE)
            .map(|(path, bytes)| {
                let record = FileRecord {
                    owner: template.manifest.owner_of(path),
                    sha256: sha256_hex(bytes),
                };
                (path.clone(), record)
            })
            .collect();
        Self {
            template: template.name().to_string(),
            template_version: template.version().to_string(),
            generated_by: format!("mcpforge {}", env!("CARGO_PKG_VERSION")),
            answers: answers.clone(),
            files,
        }
    }

    /// The version of the mcpforge that generated or last upgraded the project, from
    /// `generated-by = "mcpforge <version>"`; `None` when the field says something else.
    pub fn generator_version(&self) -> Option<&str> {
        self.generated_by
            .strip_prefix("mcpforge ")
            .filter(|v| semver::Version::parse(v).is_ok())
    }

    /// Serialises the manifest deterministically (sorted keys, one file per line).
    pub fn to_toml(&self) -> String {
        let mut doc = DocumentMut::new();
        doc.decor_mut().set_prefix(HEADER);
        doc["format"] = value(FORMAT_VERSION);

        let mut template = Table::new();
        template["name"] = value(&self.template);
        template["version"] = value(&self.template_version);
        template["generated-by"] = value(&self.generated_by);
        doc["template"] = Item::Table(template);

        let mut answers = Table::new();
        for (key, answer) in &self.answers.0 {
            answers[key.as_str()] = match answer {
                AnswerValue::Bool(b) => value(*b),
                AnswerValue::Text(s) => value(s.as_str()),
                AnswerValue::List(values) => value(
                    values
                        .iter()
                        .map(String::as_str)
                        .collect::<toml_edit::Array>(),
                ),
            };
        }
        doc["answers"] = Item::Table(answers);

        let mut files = Table::new();
        files.decor_mut().set_prefix(
            "\n# owner: platform (replaced on upgrade), shared (merged), team (never touched)\n",
        );
        for (path, record) in &self.files {
            let mut entry = InlineTable::new();
            entry.insert("owner", record.owner.as_str().into());
            entry.insert("sha256", record.sha256.as_str().into());
            files.insert(path, value(entry));
        }
        doc["files"] = Item::Table(files);
        doc.to_string()
    }

    /// Parses a manifest; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &Path) -> anyhow::Result<Self> {
        let doc: DocumentMut = text
            .parse()
            .with_context(|| format!("{} is not valid TOML", origin.display()))?;
        let bad = |what: &str| anyhow::anyhow!("{}: {what}", origin.display());
        let format = doc
            .get("format")
            .and_then(Item::as_integer)
            .ok_or_else(|| bad("missing `format`"))?;
        if format > FORMAT_VERSION {
            bail!(
                "{} has format {format}, newer than this mcpforge understands ({FORMAT_VERSION}); update mcpforge",
                origin.display()
            );
        }
        let template = doc
            .get("template")
            .and_then(Item::as_table)
            .ok_or_else(|| bad("missing [template]"))?;
        let field = |key: &str| {
            template
                .get(key)
                .and_then(Item::as_str)
                .map(str::to_string)
                .ok_or_else(|| bad(&format!("missing template.{key}")))
        };
        let mut answers = BTreeMap::new();
        if let Some(table) = doc.get("answers").and_then(Item::as_table) {
            for (key, item) in table {
                let list = item.as_array().and_then(|a| {
                    a.iter()
                        .map(|v| v.as_str().map(str::to_string))
                        .collect::<Option<Vec<_>>>()
                });
                let answer = match (item.as_bool(), item.as_str(), list) {
                    (Some(b), ..) => AnswerValue::Bool(b),
                    (_, Some(s), _) => AnswerValue::Text(s.to_string()),
                    (.., Some(values)) => AnswerValue::List(values),
                    _ => {
                        return Err(bad(&format!(
                            "answers.{key} must be a string, a bool or an array of strings"
                        )));
                    }
                };
                answers.insert(key.to_string(), answer);
            }
        }
        let mut files = BTreeMap::new();
        if let Some(table) = doc.get("files").and_then(Item::as_table) {
            for (path, item) in table {
                let inside = !path.is_empty()
                    && Path::new(path)
                        .components()
                        .all(|c| matches!(c, std::path::Component::Normal(_)));
                if !inside {
                    return Err(crate::error::CliError::failure(format!(
                        "{}: files.\"{path}\" is not a path inside the project",
                        origin.display()
                    ))
                    .with_help("mcpforge records only the project's own files (relative paths, no `..`); remove the entry")
                    .into());
                }
                let entry = item
                    .as_inline_table()
                    .ok_or_else(|| bad(&format!("files.\"{path}\" must be an inline table")))?;
                let owner = entry
                    .get("owner")
                    .and_then(|v| v.as_str())
                    .and_then(Owner::parse);
                let sha = entry.get("sha256").and_then(|v| v.as_str());
                let (Some(owner), Some(sha)) = (owner, sha) else {
                    return Err(bad(&format!("files.\"{path}\" needs `owner` and `sha256`")));
                };
                files.insert(
                    path.to_string(),
                    FileRecord {
                        owner,
                        sha256: sha.to_string(),
                    },
                );
            }
        }
        Ok(Self {
            template: field("name")?,
            template_version: field("version")?,
            generated_by: field("generated-by")?,
            answers: Answers(answers),
            files,
        })
    }
}

/// Records an item that `mcpforge add` created in the `[added]` table of `.mcpforge.toml`,
/// keeping the rest of the file (comments, the user's own sections) exactly as it was.
/// `upgrade` and `lint` read it to know which files the team added.
pub fn record_added(
    manifest_text: &str,
    path: &str,
    kind: &str,
    name: &str,
) -> anyhow::Result<String> {
    let mut doc: DocumentMut = manifest_text.parse().context("invalid TOML")?;
    if !doc.contains_key("added") {
        let mut table = Table::new();
        table.decor_mut().set_prefix(
            "\n# Items added with `mcpforge add`: the team's, never touched by upgrades.\n",
        );
        doc["added"] = Item::Table(table);
    }
    let table = doc["added"]
        .as_table_mut()
        .context("`added` must be a table")?;
    let mut entry = InlineTable::new();
    entry.insert("kind", kind.into());
    entry.insert("name", name.into());
    table.insert(path, value(entry));
    Ok(doc.to_string())
}

/// The paths recorded in the `[added]` table of a manifest's text (items the team added).
pub fn added_paths(manifest_text: &str) -> Vec<String> {
    let Ok(doc) = manifest_text.parse::<DocumentMut>() else {
        return Vec::new();
    };
    doc.get("added")
        .and_then(Item::as_table)
        .map(|t| t.iter().map(|(path, _)| path.to_string()).collect())
        .unwrap_or_default()
}

/// `manifest_text` with the `[added]` entries of `renamed` (old path, new path) moved to their new
/// paths, as an upgrade that moved the files needs; the rest of the file is kept as written.
pub fn rename_added(manifest_text: &str, renamed: &[(String, String)]) -> anyhow::Result<String> {
    if renamed.is_empty() {
        return Ok(manifest_text.to_string());
    }
    let mut doc: DocumentMut = manifest_text.parse().context("invalid TOML")?;
    if let Some(table) = doc.get_mut("added").and_then(Item::as_table_mut) {
        for (old, new) in renamed {
            if let Some(entry) = table.remove(old) {
                table.insert(new, entry);
            }
        }
    }
    Ok(doc.to_string())
}

/// `old_text` with mcpforge's sections (`format`, `[template]`, `[answers]`, `[files]`) replaced
/// by `manifest`'s, and everything else (the team's `[lint]`, `[added]`, comments) kept.
pub fn rewrite_manifest(old_text: &str, manifest: &ProjectManifest) -> anyhow::Result<String> {
    let mut doc: DocumentMut = old_text.parse().context("invalid TOML")?;
    let fresh: DocumentMut = manifest.to_toml().parse().context("invalid TOML")?;
    for key in ["format", "template", "answers", "files"] {
        match doc.get_mut(key) {
            Some(item) => *item = fresh[key].clone(),
            None => doc[key] = fresh[key].clone(),
        }
    }
    Ok(doc.to_string())
}

/// How a platform-owned file differs from what mcpforge generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drift {
    Modified,
    Deleted,
}

impl Drift {
    /// One line saying what happened to the platform file at `path`.
    pub fn describe(self, path: &str) -> String {
        match self {
            Drift::Modified => format!("platform file {path} differs from what mcpforge generated"),
            Drift::Deleted => format!("platform file {path} was deleted"),
        }
    }
}

/// The platform-owned files of a project that differ from their recorded hashes, by path.
pub fn platform_drift(root: &Path, manifest: &ProjectManifest) -> Vec<(String, Drift)> {
    manifest
        .files
        .iter()
        .filter(|(_, r)| r.owner == Owner::Platform)
        .filter_map(|(rel, record)| match std::fs::read(root.join(rel)) {
            Ok(bytes) if sha256_hex(&bytes) == record.sha256 => None,
            Ok(_) => Some((rel.clone(), Drift::Modified)),
            Err(_) => Some((rel.clone(), Drift::Deleted)),
        })
        .collect()
}

/// A generated project on disk.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub manifest: ProjectManifest,
}

impl Project {
    /// Finds the project containing `start` (walking up to the nearest `.mcpforge.toml`).
    pub fn discover(start: &Path) -> anyhow::Result<Self> {
        Self::discover_within(start, |_| true)
    }

    /// [`Project::discover`], looking only at directories `within` accepts (walking up stops at
    /// the first it refuses), so nothing outside them is read.
    pub fn discover_within(start: &Path, within: impl Fn(&Path) -> bool) -> anyhow::Result<Self> {
        let found = start
            .ancestors()
            .take_while(|dir| within(dir))
            .find(|dir| dir.join(MANIFEST_FILE).is_file());
        let Some(root) = found else {
            return Err(CliError::failure(format!(
                "{} is not inside a project generated by mcpforge (no {MANIFEST_FILE} here or above)",
                start.display()
            ))
            .with_help("run the command inside the project, or pass -C <DIR>")
            .into());
        };
        let path = root.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("failed to read {}", path.display()))?;
        Ok(Self {
            root: root.to_path_buf(),
            manifest: ProjectManifest::parse(&text, &path)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ProjectManifest {
        let mut files = BTreeMap::new();
        files.insert(
            "src/platform/mod.rs".into(),
            FileRecord {
                owner: Owner::Platform,
                sha256: sha256_hex(b"a"),
            },
        );
        files.insert(
            "Cargo.toml".into(),
            FileRecord {
                owner: Owner::Shared,
                sha256: sha256_hex(b"b"),
            },
        );
        let mut answers = BTreeMap::new();
        answers.insert("name".into(), AnswerValue::Text("demo".into()));
        answers.insert("metrics".into(), AnswerValue::Bool(true));
        ProjectManifest {
            template: "minimal".into(),
            template_version: "0.1.0".into(),
            generated_by: "mcpforge 0.1.0".into(),
            answers: Answers(answers),
            files,
        }
    }

    #[test]
    fn the_generator_version_is_read_from_generated_by() {
        let mut m = sample();
        assert_eq!(m.generator_version(), Some("0.1.0"));
        for other in ["mcpforge", "mcpforge x.y", "cargo-generate 0.23.14", ""] {
            m.generated_by = other.into();
            assert_eq!(m.generator_version(), None, "{other}");
        }
    }

    #[test]
    fn round_trips() {
        let m = sample();
        let text = m.to_toml();
        assert_eq!(
            ProjectManifest::parse(&text, Path::new(".mcpforge.toml")).unwrap(),
            m
        );
        insta::assert_snapshot!(text);
    }

    #[test]
    fn list_answers_are_toml_arrays() {
        let mut m = sample();
        m.answers.0.insert(
            "features".into(),
            AnswerValue::List(vec!["http".into(), "jwt".into()]),
        );
        m.answers
            .0
            .insert("none".into(), AnswerValue::List(Vec::new()));
        let text = m.to_toml();
        assert!(text.contains("features = [\"http\", \"jwt\"]\n"), "{text}");
        assert!(text.contains("none = []\n"), "{text}");
        assert_eq!(
            ProjectManifest::parse(&text, Path::new(".mcpforge.toml")).unwrap(),
            m
        );
        let err = ProjectManifest::parse(
            &text.replace("none = []", "none = [1]"),
            Path::new(".mcpforge.toml"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("answers.none"), "{err}");
    }

    #[test]
    fn refuses_a_newer_format_and_names_the_file() {
        let text = sample().to_toml().replace("format = 1", "format = 99");
        let err = ProjectManifest::parse(&text, Path::new("x/.mcpforge.toml")).unwrap_err();
        assert!(
            err.to_string().contains("x/.mcpforge.toml has format 99"),
            "{err}"
        );
        let err = ProjectManifest::parse("format = 1\n", Path::new("y")).unwrap_err();
        assert!(err.to_string().contains("missing [template]"), "{err}");
    }
}

//! Formatting-preserving edits of a project's `Cargo.toml` through `toml_edit`: comments, key
//! order and the team's own formatting survive; only the missing entry is added.

use anyhow::Context as _;
use toml_edit::{DocumentMut, Item, Value};

/// A dependency an added item's code uses: name and the requirement to add when it is missing.
#[derive(Debug, Clone, Copy)]
pub struct Dependency {
    pub name: &'static str,
    pub version: &'static str,
    pub features: &'static [&'static str],
}

/// Adds each dependency missing from `[dependencies]`; `None` when nothing is missing.
pub fn ensure_dependencies(
    cargo_toml: &str,
    deps: &[Dependency],
) -> anyhow::Result<Option<String>> {
    let mut doc: DocumentMut = cargo_toml.parse().context("Cargo.toml is not valid TOML")?;
    let table = doc
        .entry("dependencies")
        .or_insert_with(toml_edit::table)
        .as_table_like_mut()
        .context("`dependencies` in Cargo.toml is not a table")?;
    let mut changed = false;
    for dep in deps {
        if table.contains_key(dep.name) {
            continue;
        }
        let value = if dep.features.is_empty() {
            Value::from(dep.version)
        } else {
            let mut inline = toml_edit::InlineTable::new();
            inline.insert("version", dep.version.into());
            inline.insert(
                "features",
                Value::Array(dep.features.iter().copied().collect()),
            );
            Value::InlineTable(inline)
        };
        table.insert(dep.name, Item::Value(value));
        changed = true;
    }
    Ok(changed.then(|| doc.to_string()))
}

/// Adds `member` (a `/` path relative to the workspace root) to `[workspace] members` unless a
/// `members` glob already covers it or `exclude` lists it; `None` when nothing changes. Like
/// `cargo new`, so a package created inside a workspace builds at once.
/// The crate names (`-` as `_`) a manifest's dependency tables name, `[target.*]` ones
/// included: what the package's code can write at the start of a path. Unreadable TOML gives none.
pub fn dependency_crates(cargo_toml: &str) -> Vec<String> {
    let Ok(doc) = cargo_toml.parse::<toml_edit::DocumentMut>() else {
        return Vec::new();
    };
    let tables = ["dependencies", "dev-dependencies", "build-dependencies"];
    let mut names = Vec::new();
    let mut collect = |table: &toml_edit::Item| {
        for key in tables {
            if let Some(deps) = table.get(key).and_then(toml_edit::Item::as_table_like) {
                names.extend(deps.iter().map(|(name, _)| name.replace('-', "_")));
            }
        }
    };
    collect(doc.as_item());
    if let Some(targets) = doc.get("target").and_then(toml_edit::Item::as_table_like) {
        for (_, target) in targets.iter() {
            collect(target);
        }
    }
    names.sort();
    names.dedup();
    names
}

pub fn add_workspace_member(workspace_toml: &str, member: &str) -> anyhow::Result<Option<String>> {
    let mut doc: DocumentMut = workspace_toml
        .parse()
        .context("the workspace Cargo.toml is not valid TOML")?;
    let workspace = doc
        .get_mut("workspace")
        .and_then(Item::as_table_like_mut)
        .context("no [workspace] table")?;
    let listed = |key: &str| -> Vec<String> {
        workspace
            .get(key)
            .and_then(Item::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let covered = listed("members")
        .iter()
        .chain(&listed("exclude"))
        .any(|pattern| {
            globset::Glob::new(pattern.trim_end_matches('/'))
                .is_ok_and(|g| g.compile_matcher().is_match(member))
        });
    if covered {
        return Ok(None);
    }
    match workspace.get_mut("members").and_then(Item::as_array_mut) {
        Some(members) => members.push(member),
        None => {
            workspace.insert(
                "members",
                Item::Value(Value::Array(std::iter::once(member).collect())),
            );
        }
    }
    Ok(Some(doc.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERDE: Dependency = Dependency {
        name: "serde",
        version: "1",
        features: &["derive"],
    };
    const JSON: Dependency = Dependency {
        name: "serde_json",
        version: "1",
        features: &[],
    };

    #[test]
    fn adds_only_what_is_missing_and_keeps_comments() {
        let original = "[package]\nname = \"x\"\n\n[dependencies]\n# pinned on purpose\nserde = \"=1.0.200\"\n";
        let edited = ensure_dependencies(original, &[SERDE, JSON])
            .unwrap()
            .unwrap();
        assert!(edited.starts_with(original), "{edited}");
        assert!(edited.ends_with("serde_json = \"1\"\n"), "{edited}");
        assert_eq!(ensure_dependencies(&edited, &[SERDE, JSON]).unwrap(), None);
    }

    #[test]
    fn creates_the_table_with_features() {
        let edited = ensure_dependencies("[package]\nname = \"x\"\n", &[SERDE])
            .unwrap()
            .unwrap();
        assert!(
            edited
                .contains("[dependencies]\nserde = { version = \"1\", features = [\"derive\"] }\n"),
            "{edited}"
        );
    }
}

#[cfg(test)]
mod workspace_tests {
    use super::*;

    #[test]
    fn adds_a_member_unless_a_glob_or_exclude_covers_it() {
        let ws =
            "[workspace]\n# our crates\nmembers = [\"crates/*\"]\nexclude = [\"scratch/tmp\"]\n";
        let edited = add_workspace_member(ws, "servers/weather")
            .unwrap()
            .unwrap();
        assert_eq!(
            edited,
            "[workspace]\n# our crates\nmembers = [\"crates/*\", \"servers/weather\"]\nexclude = [\"scratch/tmp\"]\n"
        );
        assert_eq!(add_workspace_member(ws, "crates/billing").unwrap(), None);
        assert_eq!(add_workspace_member(ws, "scratch/tmp").unwrap(), None);
        let created = add_workspace_member("[workspace]\nresolver = \"3\"\n", "a")
            .unwrap()
            .unwrap();
        assert!(created.contains("members = [\"a\"]"), "{created}");
    }
}

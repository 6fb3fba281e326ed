//! Lint configuration: `[lint]` in `.mcpforge.toml`, or `[workspace.metadata.mcpforge.lint]` /
//! `[package.metadata.mcpforge.lint]` in the root `Cargo.toml` (Cargo ignores `metadata`).
//!
//! Keys: `select`, `extend-select`, `ignore`, `preview`, `[severity]` (rule → level) and
//! `[per-file-ignores]` (glob → rules). Unknown keys, rules and levels are errors naming the
//! file and key: a typo must never silently turn a rule off.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context as _;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use super::Severity;
use super::rules::{self, RuleMeta};
use crate::error::CliError;

/// The `[lint]` table as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LintConfig {
    #[serde(default)]
    pub select: Option<Vec<String>>,
    #[serde(default)]
    pub extend_select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default)]
    pub preview: bool,
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    #[serde(default)]
    pub per_file_ignores: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub options: RuleOptions,
}

/// Thresholds of the rules that have them (`[lint.options]`).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct RuleOptions {
    /// MCP103: warn above this many tools in one crate.
    pub max_tools_warn: usize,
    /// MCP103: error above this many.
    pub max_tools_error: usize,
    /// MCP102: most fields a tool's parameters struct may have.
    pub max_tool_params: usize,
    /// MCP211: a reverse proxy you run overwrites `X-Forwarded-For`/`X-Real-IP`/`Forwarded`, so
    /// rate limits may be keyed by them.
    pub trusted_proxy: bool,
}

impl Default for RuleOptions {
    fn default() -> Self {
        Self {
            max_tools_warn: 20,
            max_tools_error: 50,
            max_tool_params: 8,
            trusted_proxy: false,
        }
    }
}

/// Reads the project's lint configuration, if any.
/// Returns it with a description of where it was found.
pub fn load(root: &Path) -> anyhow::Result<Option<(LintConfig, String)>> {
    let candidates = [
        (root.join(crate::project::MANIFEST_FILE), &["lint"][..]),
        (
            root.join("Cargo.toml"),
            &["workspace", "metadata", "mcpforge", "lint"][..],
        ),
        (
            root.join("Cargo.toml"),
            &["package", "metadata", "mcpforge", "lint"][..],
        ),
    ];
    for (path, keys) in candidates {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let doc: toml_edit::DocumentMut = text
            .parse()
            .with_context(|| format!("{} is not valid TOML", path.display()))?;
        let mut item = doc.as_item();
        let mut found = true;
        for key in keys {
            match item.get(key) {
                Some(next) => item = next,
                None => {
                    found = false;
                    break;
                }
            }
        }
        if !found {
            continue;
        }
        let name = format!(
            "{} [{}]",
            path.file_name().unwrap_or_default().to_string_lossy(),
            keys.join(".")
        );
        let config: LintConfig = toml_edit::de::from_str(&table_text(item))
            .map_err(|e| CliError::usage(format!("{name}: {}", e.message())))?;
        config.check(&name)?;
        return Ok(Some((config, name)));
    }
    Ok(None)
}

/// A table item as standalone TOML text, for serde.
fn table_text(item: &toml_edit::Item) -> String {
    match item {
        toml_edit::Item::Table(t) => {
            let mut doc = toml_edit::DocumentMut::new();
            for (k, v) in t.iter() {
                doc.insert(k, v.clone());
            }
            doc.to_string()
        }
        toml_edit::Item::Value(toml_edit::Value::InlineTable(t)) => {
            let mut doc = toml_edit::DocumentMut::new();
            for (k, v) in t.iter() {
                doc.insert(k, toml_edit::Item::Value(v.clone()));
            }
            doc.to_string()
        }
        _ => String::from("not-a-table = true"),
    }
}

impl LintConfig {
    /// Every rule named anywhere must exist.
    fn check(&self, source: &str) -> Result<(), CliError> {
        let unknown = |where_: &str, selector: &str| {
            CliError::usage(format!(
                "{source}: {where_} names unknown rule `{selector}`"
            ))
            .with_help("use codes (MCP107), prefixes (MCP1), names (blocking-call-in-async) or ALL")
        };
        for (list, name) in [
            (self.select.as_deref().unwrap_or_default(), "select"),
            (&self.extend_select, "extend-select"),
            (&self.ignore, "ignore"),
        ] {
            if let Some(bad) = list.iter().find(|s| !rules::is_known_selector(s)) {
                return Err(unknown(name, bad));
            }
        }
        if self.options.max_tools_warn > self.options.max_tools_error {
            return Err(CliError::usage(format!(
                "{source}: options.max-tools-warn must not exceed max-tools-error"
            )));
        }
        if let Some(bad) = self.severity.keys().find(|s| rules::find(s).is_none()) {
            return Err(unknown("severity", bad));
        }
        for (glob, list) in &self.per_file_ignores {
            Glob::new(glob).map_err(|e| {
                CliError::usage(format!("{source}: per-file-ignores glob `{glob}`: {e}"))
            })?;
            if let Some(bad) = list.iter().find(|s| !rules::is_known_selector(s)) {
                return Err(unknown(&format!("per-file-ignores.\"{glob}\""), bad));
            }
        }
        Ok(())
    }
}

/// Per-file ignores compiled for matching relative paths.
#[derive(Debug, Default)]
pub struct PerFileIgnores {
    globs: Vec<(GlobSet, Vec<String>)>,
}

impl PerFileIgnores {
    pub fn new(table: &BTreeMap<String, Vec<String>>) -> anyhow::Result<Self> {
        let mut globs = Vec::new();
        for (glob, selectors) in table {
            let mut set = GlobSetBuilder::new();
            set.add(Glob::new(glob)?);
            globs.push((set.build()?, selectors.clone()));
        }
        Ok(Self { globs })
    }

    /// Whether `rule` is ignored in the file at `path` (relative, with `/`).
    pub fn ignores(&self, path: &str, rule: &RuleMeta) -> bool {
        self.globs.iter().any(|(set, selectors)| {
            set.is_match(path) && selectors.iter().any(|s| rules::selects(s, rule))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).unwrap();
    }

    #[test]
    fn reads_mcpforge_toml_then_cargo_metadata() {
        let tmp = tempfile::tempdir().unwrap();
        write(
            tmp.path(),
            "Cargo.toml",
            "[package]\nname = \"x\"\n[package.metadata.mcpforge.lint]\nignore = [\"MCP002\"]\n",
        );
        let (config, source) = load(tmp.path()).unwrap().unwrap();
        assert_eq!(config.ignore, ["MCP002"]);
        assert!(source.contains("package.metadata.mcpforge.lint"));
        write(
            tmp.path(),
            ".mcpforge.toml",
            "[lint]\nextend-select = [\"MCP1\"]\n[lint.severity]\nMCP107 = \"warning\"\n[lint.per-file-ignores]\n\"src/legacy/**\" = [\"MCP107\"]\n",
        );
        let (config, _) = load(tmp.path()).unwrap().unwrap();
        assert_eq!(config.severity["MCP107"], Severity::Warning);
        let ignores = PerFileIgnores::new(&config.per_file_ignores).unwrap();
        let rule = rules::find("MCP107").unwrap().meta;
        assert!(ignores.ignores("src/legacy/old.rs", rule));
        assert!(!ignores.ignores("src/tools/new.rs", rule));
    }

    #[test]
    fn unknown_keys_rules_and_levels_are_errors_naming_the_file() {
        let tmp = tempfile::tempdir().unwrap();
        for (text, expected) in [
            ("[lint]\nselct = [\"MCP1\"]\n", "unknown field `selct`"),
            (
                "[lint]\nignore = [\"MCP1O7\"]\n",
                "ignore names unknown rule `MCP1O7`",
            ),
            (
                "[lint.severity]\nMCP107 = \"fatal\"\n",
                "unknown variant `fatal`",
            ),
            (
                "[lint.per-file-ignores]\n\"src/**\" = [\"nope\"]\n",
                "per-file-ignores.\"src/**\" names unknown rule `nope`",
            ),
        ] {
            write(tmp.path(), ".mcpforge.toml", text);
            let err = load(tmp.path()).unwrap_err();
            let message = err.to_string();
            assert!(
                message.contains(".mcpforge.toml [lint]") && message.contains(expected),
                "{message}"
            );
        }
    }
}

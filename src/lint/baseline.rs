//! Baselines: adopt the linter on an existing project without fixing everything first.
//!
//! A baseline file lists known findings by rule, file and a fingerprint of the offending line's
//! text (whitespace-trimmed), so findings keep matching when code above them moves. Known
//! findings pass (they are marked suppressed, reason "baseline"); new ones fail as usual; and an
//! entry that no longer matches anything is stale and fails the run, so the baseline only shrinks.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use super::Report;
use crate::error::CliError;

const VERSION: u32 = 1;

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    version: u32,
    pub findings: Vec<Entry>,
}

/// One known finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub code: String,
    pub path: String,
    /// SHA-256 (first 16 hex digits) of the trimmed text of the finding's first line.
    pub fingerprint: String,
}

/// Fingerprints each active finding of `report` (reading the files below `root`).
fn entries(report: &Report, root: &Path) -> Vec<(usize, Entry)> {
    let mut files: HashMap<&str, Vec<String>> = HashMap::new();
    report
        .diagnostics
        .iter()
        .enumerate()
        .filter(|(_, d)| d.suppressed.is_none())
        .map(|(i, d)| {
            let lines = files.entry(d.path.as_str()).or_insert_with(|| {
                std::fs::read_to_string(root.join(&d.path))
                    .map(|t| t.lines().map(str::to_string).collect())
                    .unwrap_or_default()
            });
            let line = lines
                .get(d.start.line.saturating_sub(1))
                .map(|l| l.trim())
                .unwrap_or_default();
            let fingerprint =
                crate::project::sha256_hex(format!("{}\n{line}", d.rule.code).as_bytes())[..16]
                    .to_string();
            (
                i,
                Entry {
                    code: d.rule.code.to_string(),
                    path: d.path.clone(),
                    fingerprint,
                },
            )
        })
        .collect()
}

impl Baseline {
    /// A baseline of every active finding in `report`.
    pub fn from_report(report: &Report, root: &Path) -> Self {
        let mut findings: Vec<Entry> = entries(report, root).into_iter().map(|(_, e)| e).collect();
        findings.sort();
        Self {
            version: VERSION,
            findings,
        }
    }

    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            CliError::usage(format!("cannot read baseline {}: {e}", path.display()))
                .with_help("create it with `mcpforge lint --baseline FILE --update-baseline`")
        })?;
        let baseline: Baseline = serde_json::from_str(&text).map_err(|e| {
            CliError::usage(format!("{} is not a baseline file: {e}", path.display()))
        })?;
        if baseline.version != VERSION {
            return Err(CliError::usage(format!(
                "{} has baseline version {}, expected {VERSION}",
                path.display(),
                baseline.version
            ))
            .into());
        }
        Ok(baseline)
    }

    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(self).expect("serialisable") + "\n";
        crate::edit::write_atomic(path, text.as_bytes())
            .with_context(|| format!("failed to write {}", path.display()))
    }

    /// Marks findings the baseline knows as suppressed (each entry matches one finding) and
    /// returns the entries that matched nothing.
    pub fn apply(&self, report: &mut Report, root: &Path) -> Vec<Entry> {
        let mut remaining: HashMap<&Entry, usize> = HashMap::new();
        for entry in &self.findings {
            *remaining.entry(entry).or_default() += 1;
        }
        for (index, entry) in entries(report, root) {
            if let Some(count) = remaining.get_mut(&entry)
                && *count > 0
            {
                *count -= 1;
                report.diagnostics[index].suppressed = Some("baseline".to_string());
            }
        }
        let mut stale: Vec<Entry> = remaining
            .into_iter()
            .flat_map(|(entry, count)| std::iter::repeat_n(entry.clone(), count))
            .collect();
        stale.sort();
        stale
    }
}

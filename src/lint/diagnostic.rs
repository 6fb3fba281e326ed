//! What a rule reports: a [`Diagnostic`] with a location, and the [`Report`] of a whole run.

use serde::{Deserialize, Serialize};

use super::rules::RuleMeta;

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    clap::ValueEnum,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// One finding.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    #[serde(skip)]
    pub rule: &'static RuleMeta,
    /// The rule's default severity, or the one configured for it.
    pub severity: Severity,
    /// Path relative to the linted root, with `/`.
    pub path: String,
    pub start: Position,
    pub end: Position,
    pub message: String,
    /// What to do about it, when the rule can say more than its docs.
    pub help: Option<String>,
    /// The justification of the suppression comment that silenced it, if any.
    pub suppressed: Option<String>,
    /// A mechanical fix `--fix` may apply (an unsafe one only with `--unsafe-fixes`).
    #[serde(skip)]
    pub fix: Option<Fix>,
}

/// Whether applying a fix keeps the program's behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applicability {
    /// Keeps behaviour and compiles as before: `--fix` applies it.
    Safe,
    /// May change behaviour or need a change elsewhere (a feature, an import): applied only with
    /// `--fix --unsafe-fixes`, for a person to review.
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Text edits that fix a finding, as byte ranges of the file as it was linted.
#[derive(Debug, Clone)]
pub struct Fix {
    /// What the fix does, in a few words.
    pub description: &'static str,
    pub applicability: Applicability,
    pub edits: Vec<crate::edit::rust::Replacement>,
}

impl Diagnostic {
    /// A finding of `rule` at `path` from `start` to `end`, with the rule's default severity.
    pub fn new(
        rule: &'static RuleMeta,
        path: impl Into<String>,
        start: Position,
        end: Position,
        message: impl Into<String>,
    ) -> Self {
        Self {
            rule,
            severity: rule.severity,
            path: path.into(),
            start,
            end,
            message: message.into(),
            help: None,
            suppressed: None,
            fix: None,
        }
    }

    /// The same, with a `help:` line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn severity(&self) -> Severity {
        self.severity
    }
}

/// The result of linting a project.
#[derive(Debug, Default)]
pub struct Report {
    /// Every diagnostic, suppressed ones included, sorted by path and position.
    pub diagnostics: Vec<Diagnostic>,
    /// How many files and lines of Rust were read.
    pub files: usize,
    pub lines: usize,
    /// Where the `[lint]` configuration came from, if anywhere.
    pub config_source: Option<String>,
    /// For `lint --server`: the server that was linted, instead of files.
    pub server: Option<String>,
    /// What the run could not do as asked and did instead (for the command to print as
    /// warnings): packages found without `cargo metadata`, for example.
    pub warnings: Vec<String>,
}

impl Report {
    /// Diagnostics not silenced by a suppression comment.
    pub fn active(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.suppressed.is_none())
    }

    /// Whether any active diagnostic is at or above `level`.
    pub fn fails(&self, level: Severity) -> bool {
        self.active().any(|d| d.severity() >= level)
    }
}

//! Output formats: separate emitters over one diagnostics stream. Each turns a [`Report`] into
//! text; none decides exit codes or filters findings.

mod concise;
mod full;
mod github;
mod json;
mod json_lines;
mod junit;
mod sarif;

use std::path::Path;

use super::Report;

/// How `mcpforge lint` prints its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Code frames with the rule, message and help (for people)
    Full,
    /// One line per finding: path:line:column: CODE message
    Concise,
    /// A versioned JSON document (schema in docs/lint.md)
    Json,
    /// One JSON object per finding per line (the json format's diagnostics, for streaming)
    JsonLines,
    /// JUnit XML: a test suite per file, a failing test case per finding
    Junit,
    /// SARIF 2.1.0, for code-scanning uploads
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request)
    Github,
}

/// Renders the report; `root` is where relative paths start (for code frames).
pub fn render(format: OutputFormat, report: &Report, root: &Path) -> String {
    match format {
        OutputFormat::Full => full::render(report, root),
        OutputFormat::Concise => concise::render(report),
        OutputFormat::Json => json::render(report),
        OutputFormat::JsonLines => json_lines::render(report),
        OutputFormat::Junit => junit::render(report),
        OutputFormat::Sarif => sarif::render(report),
        OutputFormat::Github => github::render(report),
    }
}

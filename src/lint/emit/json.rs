//! `--output-format json`: a versioned document; `version` moves on any incompatible change.

use serde::Serialize;

use crate::lint::{Report, Severity};

/// The schema version of the JSON output.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    diagnostics: Vec<Entry<'a>>,
    summary: Summary,
}

/// One diagnostic as the JSON formats write it.
#[derive(Serialize)]
pub(super) struct Entry<'a> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    path: &'a str,
    start: crate::lint::Position,
    end: crate::lint::Position,
    message: &'a str,
    help: Option<&'a str>,
    /// The suppression's reason when a comment silenced it (then it does not fail the run).
    suppressed: Option<&'a str>,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    lines: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    suppressed: usize,
}

impl<'a> Entry<'a> {
    pub(super) fn of(d: &'a crate::lint::Diagnostic) -> Self {
        Entry {
            code: d.rule.code,
            name: d.rule.name,
            severity: d.severity(),
            path: &d.path,
            start: d.start,
            end: d.end,
            message: &d.message,
            help: d.help.as_deref(),
            suppressed: d.suppressed.as_deref(),
        }
    }
}

pub fn render(report: &Report) -> String {
    let count = |level| report.active().filter(|d| d.severity() == level).count();
    let doc = Document {
        version: VERSION,
        diagnostics: report.diagnostics.iter().map(Entry::of).collect(),
        summary: Summary {
            files: report.files,
            lines: report.lines,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            suppressed: report.diagnostics.len() - report.active().count(),
        },
    };
    serde_json::to_string_pretty(&doc).expect("serialisable") + "\n"
}

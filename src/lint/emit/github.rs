//! `--output-format github`: workflow commands that GitHub Actions shows as annotations.

use crate::lint::{Report, Severity};

/// Escapes a workflow-command value (`%`, CR and LF; also `:` and `,` in properties).
fn escape(s: &str, property: bool) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        s.replace(':', "%3A").replace(',', "%2C")
    } else {
        s
    }
}

pub fn render(report: &Report) -> String {
    report
        .active()
        .map(|d| {
            let level = match d.severity() {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            format!(
                "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                escape(&d.path, true),
                d.start.line,
                d.start.column,
                d.end.line,
                d.end.column,
                escape(&format!("{} {}", d.rule.code, d.rule.name), true),
                escape(&d.message, false)
            )
        })
        .collect()
}

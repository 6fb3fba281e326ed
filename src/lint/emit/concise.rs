//! `--output-format concise`: `path:line:column: CODE [severity] message`, one line each.

use crate::lint::Report;

pub fn render(report: &Report) -> String {
    report
        .active()
        .map(|d| {
            format!(
                "{}:{}:{}: {} [{}] {}\n",
                d.path,
                d.start.line,
                d.start.column,
                d.rule.code,
                d.severity().as_str(),
                d.message
            )
        })
        .collect()
}

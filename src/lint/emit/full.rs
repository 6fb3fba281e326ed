//! `--output-format full`: rustc-style findings with a code frame, for people.

use std::fmt::Write as _;
use std::path::Path;

use crate::lint::Report;

pub fn render(report: &Report, root: &Path) -> String {
    let mut out = String::new();
    let mut cache: std::collections::HashMap<&str, Vec<String>> = std::collections::HashMap::new();
    for d in report.active() {
        let lines = cache.entry(d.path.as_str()).or_insert_with(|| {
            std::fs::read_to_string(root.join(&d.path))
                .map(|t| t.lines().map(str::to_string).collect())
                .unwrap_or_default()
        });
        let _ = writeln!(
            out,
            "{}[{}]: {}",
            d.severity().as_str(),
            d.rule.code,
            d.message
        );
        let _ = writeln!(out, "  --> {}:{}:{}", d.path, d.start.line, d.start.column);
        if let Some(line) = lines.get(d.start.line.saturating_sub(1)) {
            let gutter = d.start.line.to_string().len();
            let width = if d.end.line == d.start.line {
                d.end.column.saturating_sub(d.start.column).max(1)
            } else {
                1
            };
            let _ = writeln!(out, "{:gutter$} |", "");
            let _ = writeln!(out, "{} | {line}", d.start.line);
            let _ = writeln!(
                out,
                "{:gutter$} | {}{}",
                "",
                " ".repeat(d.start.column.saturating_sub(1)),
                "^".repeat(width)
            );
        }
        let _ = writeln!(out, "  = rule: {} ({})", d.rule.name, d.rule.summary);
        if let Some(help) = &d.help {
            let _ = writeln!(out, "  = help: {help}");
        }
        out.push('\n');
    }
    out
}

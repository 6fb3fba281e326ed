//! `--output-format junit`: JUnit XML for CI systems that show test reports. One `<testsuite>`
//! per file with findings, one `<testcase>` per finding: a `<failure>` whose `type` is the
//! severity, or `<skipped>` when a suppression silenced it. A run without findings is one
//! passing test case, so the report is never empty. No timestamps or durations: same input,
//! same bytes.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::lint::{Diagnostic, Report};

/// The `name` of the top-level `<testsuites>` and of the suite of a clean run.
const NAME: &str = "mcpforge lint";

pub fn render(report: &Report) -> String {
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in &report.diagnostics {
        by_file.entry(d.path.as_str()).or_default().push(d);
    }
    let total = report.diagnostics.len().max(1);
    let failures = report.active().count();
    let skipped = report.diagnostics.len() - failures;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"{NAME}\" tests=\"{total}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">"
    );
    if by_file.is_empty() {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{NAME}\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n    \
             <testcase name=\"no findings\" classname=\"{NAME}\"/>\n  </testsuite>"
        );
    }
    for (path, diagnostics) in by_file {
        let failed = diagnostics
            .iter()
            .filter(|d| d.suppressed.is_none())
            .count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\" errors=\"0\" skipped=\"{}\">",
            escape(path),
            diagnostics.len(),
            diagnostics.len() - failed
        );
        for d in diagnostics {
            let _ = writeln!(
                out,
                "    <testcase name=\"{} {} at {}:{}\" classname=\"{}\">",
                d.rule.code,
                d.rule.name,
                d.start.line,
                d.start.column,
                escape(path)
            );
            match &d.suppressed {
                Some(reason) => {
                    let _ = writeln!(
                        out,
                        "      <skipped message=\"suppressed: {}\"/>",
                        escape(reason)
                    );
                }
                None => {
                    let mut body = format!(
                        "{}:{}:{}: {} [{}] {}",
                        d.path,
                        d.start.line,
                        d.start.column,
                        d.rule.code,
                        d.severity().as_str(),
                        d.message
                    );
                    if let Some(help) = &d.help {
                        let _ = write!(body, "\nhelp: {help}");
                    }
                    let _ = writeln!(
                        out,
                        "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                        escape(&d.message),
                        d.severity().as_str(),
                        escape(&body).replace("&#10;", "\n")
                    );
                }
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Text safe in XML 1.0 attributes and content: markup characters escaped, and characters XML
/// 1.0 cannot carry at all (most control characters) written as `\u{..}`.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => {
                let _ = write!(out, "&#{};", c as u32);
            }
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_characters_xml_cannot_carry() {
        assert_eq!(
            escape("a<b & \"c\" 'd'\u{1}\n"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;\\u{1}&#10;"
        );
    }
}

//! Suppression comments: `// mcpforge: ignore[MCP107, hardcoded-secret] reason="…"` silences
//! those rules on its own line (as a trailing comment) or on the next line (alone on its line);
//! `// mcpforge: file-ignore[MCP201]` silences them in the whole file. A suppression that
//! silences nothing is reported (MCP900), and one naming an unknown rule too (MCP903).

use std::sync::OnceLock;

use regex::Regex;

use super::diagnostic::{Diagnostic, Position};
use super::rules::{self, RuleMeta};

/// One suppression comment.
#[derive(Debug)]
pub struct Suppression {
    /// The 1-based line of the comment.
    pub line: usize,
    /// Lines it covers (`None`: the whole file).
    pub covers: Option<(usize, usize)>,
    pub rules: Vec<&'static RuleMeta>,
    pub reason: Option<String>,
    pub used: bool,
}

fn pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"//\s*mcpforge:\s*(ignore|file-ignore)\[([^\]]*)\](?:\s+reason="([^"]*)")?"#)
            .expect("valid pattern")
    })
}

/// Parses the suppressions in `text`; unknown rule names become MCP903 diagnostics.
pub fn parse(path: &str, text: &str, out: &mut Vec<Diagnostic>) -> Vec<Suppression> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let Some(caps) = pattern().captures(line) else {
            continue;
        };
        // Only a plain `//` comment counts: not text inside a string literal (an odd number of
        // quotes before it), and not an example quoted in a doc comment or a later comment.
        let start = caps.get(0).map_or(0, |m| m.start());
        let before = &line[..start];
        let first_comment = line.find("//") == Some(start);
        let doc = line[start..].starts_with("///") || line[start..].starts_with("//!");
        if before.matches('"').count() % 2 == 1 || !first_comment || doc {
            continue;
        }
        let number = index + 1;
        let mut known = Vec::new();
        for name in caps[2].split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match rules::find(name) {
                Some(rule) => known.push(rule.meta),
                None => out.push(
                    Diagnostic::new(
                        &rules::UNKNOWN_RULE,
                        path,
                        Position {
                            line: number,
                            column: 1,
                        },
                        Position {
                            line: number,
                            column: line.chars().count() + 1,
                        },
                        format!("suppression names unknown rule `{name}`"),
                    )
                    .with_help("see `mcpforge lint --explain <CODE>` or docs/rules/ for the rules"),
                ),
            }
        }
        let alone = line.trim_start().starts_with("//");
        let covers = match &caps[1] {
            "file-ignore" => None,
            _ if alone => Some((number + 1, number + 1)),
            _ => Some((number, number)),
        };
        if caps.get(3).is_none() {
            let at = Position {
                line: number,
                column: 1,
            };
            out.push(
                Diagnostic::new(
                    &rules::SUPPRESSION_WITHOUT_REASON,
                    path,
                    at,
                    at,
                    "this suppression gives no reason",
                )
                .with_help("add reason=\"…\" saying why the finding does not apply here"),
            );
        }
        found.push(Suppression {
            line: number,
            covers,
            rules: known,
            reason: caps.get(3).map(|m| m.as_str().to_string()),
            used: false,
        });
    }
    found
}

/// Marks diagnostics a suppression covers (keeping them, for SARIF and statistics) and returns
/// MCP900 diagnostics for suppressions that covered nothing.
/// Only suppressions naming at least one rule that ran (`enabled`) can be judged unused.
pub fn apply(
    path: &str,
    suppressions: &mut [Suppression],
    diagnostics: &mut [Diagnostic],
    enabled: impl Fn(&RuleMeta) -> bool,
) -> Vec<Diagnostic> {
    for d in diagnostics.iter_mut() {
        for s in suppressions.iter_mut() {
            let in_range = s
                .covers
                .is_none_or(|(from, to)| (from..=to).contains(&d.start.line));
            if in_range && s.rules.iter().any(|r| std::ptr::eq(*r, d.rule)) {
                d.suppressed = Some(s.reason.clone().unwrap_or_default());
                s.used = true;
            }
        }
    }
    suppressions
        .iter()
        .filter(|s| !s.used && s.rules.iter().any(|r| enabled(r)))
        .map(|s| {
            let at = Position {
                line: s.line,
                column: 1,
            };
            let codes: Vec<&str> = s.rules.iter().map(|r| r.code).collect();
            Diagnostic::new(
                &rules::UNUSED_SUPPRESSION,
                path,
                at,
                at,
                format!("this suppression of {} silences nothing", codes.join(", ")),
            )
            .with_help("delete the comment")
        })
        .collect()
}

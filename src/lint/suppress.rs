//! Suppression comments: `// mcpforge: ignore[MCP107, hardcoded-secret] reason="…"` silences
//! those rules on its own line (as a trailing comment) or on the next line (alone on its line);
//! `// mcpforge: file-ignore[MCP201]` silences them in the whole file; `// mcpforge:
//! disable=MCP101 reason="…"` silences them from that line until `// mcpforge: enable=MCP101` (or
//! the end of the file). Every form takes `[A, B]` or `=A,B`. TOML, YAML, Dockerfiles and `.env`
//! files take the same comments after `#`.
//!
//! A suppression that silences nothing is reported (MCP900), one naming an unknown rule and a
//! comment that starts like a suppression but is not one too (MCP903).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;

use super::diagnostic::{Diagnostic, Position};
use super::rules::{self, RuleMeta};

/// How comments start in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// `//` (doc comments `///` and `//!` are not suppressions).
    Rust,
    /// `#`: TOML, YAML, Dockerfiles, `.env`.
    Hash,
}

impl Syntax {
    /// The comment syntax of a non-Rust project file, if it has comments at all (JSON has none:
    /// suppress findings there through configuration).
    pub fn of_project_file(path: &str) -> Option<Self> {
        let name = path.rsplit('/').next().unwrap_or(path);
        (!name.ends_with(".json")).then_some(Syntax::Hash)
    }

    fn marker(self) -> &'static str {
        match self {
            Syntax::Rust => "//",
            Syntax::Hash => "#",
        }
    }
}

/// One suppression comment (a range suppression: one per rule it names).
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

fn pattern(syntax: Syntax) -> &'static Regex {
    static RUST: OnceLock<Regex> = OnceLock::new();
    static HASH: OnceLock<Regex> = OnceLock::new();
    let build = |marker: &str| {
        Regex::new(&format!(
            r#"{marker}\s*mcpforge:\s*(ignore|file-ignore|disable|enable)(?:\[([^\]]*)\]|=([^\s"]+))(?:\s+reason="([^"]*)")?"#
        ))
        .expect("valid pattern")
    };
    match syntax {
        Syntax::Rust => RUST.get_or_init(|| build("//")),
        Syntax::Hash => HASH.get_or_init(|| build("#")),
    }
}

fn loose_pattern(syntax: Syntax) -> &'static Regex {
    static RUST: OnceLock<Regex> = OnceLock::new();
    static HASH: OnceLock<Regex> = OnceLock::new();
    match syntax {
        Syntax::Rust => RUST.get_or_init(|| Regex::new(r"//\s*mcpforge:").expect("valid pattern")),
        Syntax::Hash => HASH.get_or_init(|| Regex::new(r"#\s*mcpforge:").expect("valid pattern")),
    }
}

/// Parses the suppressions in `text`; unknown rule names, malformed comments and `enable`s that
/// close nothing become diagnostics in `out`.
pub fn parse(
    path: &str,
    text: &str,
    syntax: Syntax,
    out: &mut Vec<Diagnostic>,
) -> Vec<Suppression> {
    let mut found = Vec::new();
    if !text.contains("mcpforge:") {
        return found;
    }
    // Open `disable` ranges by rule code: the index of their suppression.
    let mut open: BTreeMap<&'static str, usize> = BTreeMap::new();
    let whole_line = |number: usize, line: &str| {
        (
            Position {
                line: number,
                column: 1,
            },
            Position {
                line: number,
                column: line.chars().count() + 1,
            },
        )
    };
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let Some(loose) = loose_pattern(syntax).find(line) else {
            continue;
        };
        // Only a plain comment counts: not text inside a string literal (an odd number of
        // quotes before it), and not an example quoted in a doc comment or a later comment.
        let start = loose.start();
        let before = &line[..start];
        let first_comment = line.find(syntax.marker()) == Some(start);
        let doc = syntax == Syntax::Rust
            && (line[start..].starts_with("///") || line[start..].starts_with("//!"));
        let quoted = before.matches('"').count() % 2 == 1
            || (syntax == Syntax::Hash && before.matches('\'').count() % 2 == 1);
        if quoted || !first_comment || doc {
            continue;
        }
        let (from, to) = whole_line(number, line);
        let Some(caps) = pattern(syntax)
            .captures(&line[start..])
            .filter(|c| c.get(0).is_some_and(|m| m.start() == 0))
        else {
            out.push(
                Diagnostic::new(
                    &rules::UNKNOWN_RULE,
                    path,
                    from,
                    to,
                    "this comment starts like a suppression but is not one",
                )
                .with_help(format!(
                    "write `{m} mcpforge: ignore[CODE] reason=\"…\"` (also file-ignore[..], disable=CODE … enable=CODE)",
                    m = syntax.marker()
                )),
            );
            continue;
        };
        let names = caps.get(2).or(caps.get(3)).map_or("", |m| m.as_str());
        let mut known = Vec::new();
        for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match rules::find(name) {
                Some(rule) => known.push(rule.meta),
                None => out.push(
                    Diagnostic::new(
                        &rules::UNKNOWN_RULE,
                        path,
                        from,
                        to,
                        format!("suppression names unknown rule `{name}`"),
                    )
                    .with_help("see `mcpforge lint --explain <CODE>` or docs/rules/ for the rules"),
                ),
            }
        }
        let kind = &caps[1];
        let reason = caps.get(4).map(|m| m.as_str().to_string());
        if kind == "enable" {
            for rule in known {
                match open.remove(rule.code) {
                    Some(i) => {
                        if let Some((begin, _)) = found[i].covers {
                            found[i].covers = Some((begin, number));
                        }
                    }
                    None => out.push(
                        Diagnostic::new(
                            &rules::UNUSED_SUPPRESSION,
                            path,
                            from,
                            from,
                            format!("this enable of {} closes no disable", rule.code),
                        )
                        .with_help("delete it, or add the `disable` it should close above it"),
                    ),
                }
            }
            continue;
        }
        if reason.is_none() {
            out.push(
                Diagnostic::new(
                    &rules::SUPPRESSION_WITHOUT_REASON,
                    path,
                    from,
                    from,
                    "this suppression gives no reason",
                )
                .with_help("add reason=\"…\" saying why the finding does not apply here"),
            );
        }
        let alone = line.trim_start().starts_with(syntax.marker());
        let covers = match kind {
            "file-ignore" => None,
            "disable" => Some((number, usize::MAX)),
            _ if alone => Some((number + 1, number + 1)),
            _ => Some((number, number)),
        };
        if kind == "disable" {
            // One suppression per rule, so `enable` can end each range on its own.
            for rule in known {
                open.insert(rule.code, found.len());
                found.push(Suppression {
                    line: number,
                    covers,
                    rules: vec![rule],
                    reason: reason.clone(),
                    used: false,
                });
            }
        } else {
            found.push(Suppression {
                line: number,
                covers,
                rules: known,
                reason,
                used: false,
            });
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str, syntax: Syntax) -> (Vec<Suppression>, Vec<String>) {
        let mut out = Vec::new();
        let found = parse("f", text, syntax, &mut out);
        let messages = out
            .iter()
            .map(|d| format!("{} {}: {}", d.rule.code, d.start.line, d.message))
            .collect();
        (found, messages)
    }

    #[test]
    fn ranges_run_from_disable_to_enable_rule_by_rule() {
        let text = "a\n// mcpforge: disable=MCP101,MCP107 reason=\"legacy block\"\nb\n\
                    // mcpforge: enable=MCP101\nc\n// mcpforge: enable[MCP107]\nd\n";
        let (found, messages) = parsed(text, Syntax::Rust);
        assert!(messages.is_empty(), "{messages:?}");
        let ranges: Vec<(&str, Option<(usize, usize)>)> =
            found.iter().map(|s| (s.rules[0].code, s.covers)).collect();
        assert_eq!(ranges, [("MCP101", Some((2, 4))), ("MCP107", Some((2, 6)))]);
        assert_eq!(found[0].reason.as_deref(), Some("legacy block"));
        // Unclosed: to the end of the file.
        let (found, _) = parsed("// mcpforge: disable[MCP101] reason=\"x\"\n", Syntax::Rust);
        assert_eq!(found[0].covers, Some((1, usize::MAX)));
    }

    #[test]
    fn bad_comments_are_reported_with_their_line() {
        let text = "x\n// mcpforge: enable=MCP101\n// mcpforge: ignore MCP101\n\
                    // mcpforge: disable=NOPE reason=\"r\"\n/// mcpforge: ignore MCP1 in a doc is prose\n";
        let (_, messages) = parsed(text, Syntax::Rust);
        assert_eq!(
            messages,
            [
                "MCP900 2: this enable of MCP101 closes no disable",
                "MCP903 3: this comment starts like a suppression but is not one",
                "MCP903 4: suppression names unknown rule `NOPE`",
            ]
        );
    }

    #[test]
    fn hash_comments_work_in_toml_and_yaml_but_not_inside_strings() {
        let text = "[dependencies]\n# mcpforge: ignore[MCP506] reason=\"pinned by the vendor\"\nfoo = \"*\"\n\
                    bar = \"*\" # mcpforge: ignore=MCP506 reason=\"same\"\nname = \"# mcpforge: ignore[MCP506]\"\n\
                    key: 'a # mcpforge: ignore[MCP506]'\n";
        let (found, messages) = parsed(text, Syntax::Hash);
        assert!(messages.is_empty(), "{messages:?}");
        let covers: Vec<_> = found.iter().map(|s| s.covers).collect();
        assert_eq!(covers, [Some((3, 3)), Some((4, 4))]);
        assert_eq!(Syntax::of_project_file("a/mcp.json"), None);
        assert_eq!(
            Syntax::of_project_file("k8s/deploy.yaml"),
            Some(Syntax::Hash)
        );
    }
}

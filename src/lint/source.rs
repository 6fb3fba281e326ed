//! A Rust file as rules see it: its text, its syntax tree without test-only code, a map of its
//! `use` imports for resolving paths, and helpers to turn spans into diagnostics.

use std::collections::HashMap;

use proc_macro2::Span;
use syn::visit::Visit;

use super::diagnostic::{Diagnostic, Position};
use super::rules::RuleMeta;
use crate::edit::rust::LineIndex;

/// Facts about the crate a file belongs to, gathered before rules run.
#[derive(Debug, Clone, Copy, Default)]
pub struct CrateContext {
    /// Configured rule thresholds.
    pub options: super::config::RuleOptions,
}

/// A parsed Rust file.
pub struct SourceFile {
    /// Path relative to the linted root, with `/`.
    pub path: String,
    pub text: String,
    /// The syntax tree with `#[cfg(test)]` items removed: rules judge shipped code.
    pub ast: syn::File,
    uses: HashMap<String, String>,
    lines: LineIndex,
}

impl SourceFile {
    /// Parses `text`; on failure returns where and why.
    pub fn parse(path: String, text: String) -> Result<Self, (Position, String)> {
        let mut ast = crate::edit::rust::parse_file(&text).map_err(|e| {
            let at = e.span().start();
            (
                Position {
                    line: at.line.max(1),
                    column: at.column + 1,
                },
                e.to_string(),
            )
        })?;
        strip_test_items(&mut ast.items);
        let mut collector = UseCollector::default();
        collector.visit_file(&ast);
        let lines = LineIndex::new(&text);
        Ok(Self {
            path,
            text,
            ast,
            uses: collector.map,
            lines,
        })
    }

    /// The full path a written path refers to, through this file's `use` items:
    /// `sleep` after `use std::thread::sleep;` resolves to `std::thread::sleep`.
    pub fn resolve(&self, path: &syn::Path) -> String {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let Some(first) = segments.first() else {
            return String::new();
        };
        match self.uses.get(first) {
            Some(full) if path.leading_colon.is_none() => std::iter::once(full.clone())
                .chain(segments[1..].iter().cloned())
                .collect::<Vec<_>>()
                .join("::"),
            _ => segments.join("::"),
        }
    }

    /// Whether a `use` item of this file brings `name` into scope.
    pub fn imports(&self, name: &str) -> bool {
        self.uses.contains_key(name)
    }

    /// The byte offset of a span position in [`SourceFile::text`].
    pub fn offset(&self, at: proc_macro2::LineColumn) -> usize {
        self.lines.offset(&self.text, at)
    }

    /// Where `span` starts and ends, 1-based.
    pub fn range(&self, span: Span) -> (Position, Position) {
        let (start, end) = (span.start(), span.end());
        (
            Position {
                line: start.line,
                column: start.column + 1,
            },
            Position {
                line: end.line,
                column: end.column + 1,
            },
        )
    }

    /// A diagnostic of `rule` covering `span`.
    pub fn diagnostic(
        &self,
        rule: &'static RuleMeta,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        let (start, end) = self.range(span);
        Diagnostic::new(rule, self.path.clone(), start, end, message)
    }
}

/// Removes `#[cfg(test)]` items, recursively through inline modules.
fn strip_test_items(items: &mut Vec<syn::Item>) {
    items.retain(|item| !is_cfg_test(item_attrs(item)));
    for item in items {
        if let syn::Item::Mod(m) = item
            && let Some((_, inner)) = &mut m.content
        {
            strip_test_items(inner);
        }
    }
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Const(i) => &i.attrs,
        _ => &[],
    }
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "test")
    })
}

/// Maps each name a `use` brings into scope to the full path it stands for.
#[derive(Default)]
struct UseCollector {
    map: HashMap<String, String>,
}

impl UseCollector {
    fn add(&mut self, prefix: &[String], tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                let mut next = prefix.to_vec();
                next.push(p.ident.to_string());
                self.add(&next, &p.tree);
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                let (key, full) = if name == "self" {
                    (
                        prefix.last().cloned().unwrap_or_default(),
                        prefix.join("::"),
                    )
                } else {
                    let full = format!("{}::{name}", prefix.join("::"));
                    (name, full.trim_start_matches("::").to_string())
                };
                self.map.insert(key, full);
            }
            // `use a::b::{self as c}` names `a::b`.
            syn::UseTree::Rename(r) if r.ident == "self" => {
                self.map.insert(r.rename.to_string(), prefix.join("::"));
            }
            syn::UseTree::Rename(r) => {
                let full = [prefix, &[r.ident.to_string()]].concat().join("::");
                self.map.insert(r.rename.to_string(), full);
            }
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| self.add(prefix, t)),
            syn::UseTree::Glob(_) => {}
        }
    }
}

impl<'ast> Visit<'ast> for UseCollector {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.add(&[], &item.tree);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_paths_through_use_items_and_drops_test_code() {
        let text = "use std::thread::sleep;\nuse std::fs as filesystem;\nuse std::{io::{self, Write}};\n\
                    #[cfg(test)]\nmod tests { fn t() {} }\nfn f() {}\n";
        let file = SourceFile::parse("a.rs".into(), text.into()).unwrap();
        let path = |s: &str| syn::parse_str::<syn::Path>(s).unwrap();
        assert_eq!(file.resolve(&path("sleep")), "std::thread::sleep");
        assert_eq!(file.resolve(&path("filesystem::read")), "std::fs::read");
        assert_eq!(file.resolve(&path("io::stdout")), "std::io::stdout");
        assert_eq!(file.resolve(&path("Write")), "std::io::Write");
        assert_eq!(
            file.resolve(&path("tokio::time::sleep")),
            "tokio::time::sleep"
        );
        assert_eq!(
            file.ast.items.len(),
            4,
            "the #[cfg(test)] module is removed"
        );
    }

    #[test]
    fn parse_errors_carry_a_position() {
        let (at, message) = SourceFile::parse("a.rs".into(), "fn f( {}\n".into())
            .err()
            .unwrap();
        assert_eq!(at.line, 1);
        assert!(!message.is_empty());
    }
}

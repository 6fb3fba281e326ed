//! Where a project's Rust code uses an API that a template answer brings in (a choice's
//! `provides`), found in the syntax tree with syn, so comments, strings and look-alike names in
//! other positions never count. This module reads text; it never writes.
//!
//! An API is a crate path (`platform::fetch`), matched by any path or `use` whose segments
//! contain it in order (`platform::fetch::UrlFetcher`, `use platform::{fetch::UrlFetcher}`), or an
//! identifier (`fetcher`), matched by a method call of that name (`ctx.fetcher()`) or a path
//! segment of that name (`Fetcher::new`, `fetcher(&ctx)`). Expressions inside macro calls
//! (`assert!(…)`, `vec![…]`) are searched when they parse as expressions.

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::visit::Visit;

/// One API a choice provides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Api {
    /// Path segments, two or more.
    Path(Vec<String>),
    Ident(String),
}

impl Api {
    /// Parses `a::b` or `ident`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let segments: Vec<&str> = text.split("::").collect();
        if !segments
            .iter()
            .all(|s| syn::parse_str::<syn::Ident>(s).is_ok())
        {
            return None;
        }
        Some(match segments.as_slice() {
            [one] => Api::Ident((*one).to_string()),
            many => Api::Path(many.iter().map(ToString::to_string).collect()),
        })
    }
}

/// A use of an API: the 1-based line and what the code says there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use {
    pub line: usize,
    /// The API as the choice declared it.
    pub api: String,
}

/// The uses of `apis` in `source` (as declared text → parsed), sorted by line. A file that does
/// not parse yields `Err` with syn's message.
pub fn find(source: &str, apis: &[(String, Api)]) -> Result<Vec<Use>, String> {
    let file = syn::parse_file(source).map_err(|e| {
        let at = e.span().start();
        format!("line {}: {e}", at.line)
    })?;
    let mut finder = Finder {
        apis,
        found: Vec::new(),
    };
    finder.visit_file(&file);
    finder
        .found
        .sort_by(|a, b| (a.line, &a.api).cmp(&(b.line, &b.api)));
    finder.found.dedup();
    Ok(finder.found)
}

struct Finder<'a> {
    apis: &'a [(String, Api)],
    found: Vec<Use>,
}

impl Finder<'_> {
    /// Records every API that a path made of `segments` uses.
    fn path(&mut self, segments: &[String], span: Span) {
        for (text, api) in self.apis {
            let hit = match api {
                Api::Path(wanted) => segments.windows(wanted.len()).any(|w| w == wanted),
                Api::Ident(name) => segments.iter().any(|s| s == name),
            };
            if hit {
                self.found.push(Use {
                    line: span.start().line,
                    api: text.clone(),
                });
            }
        }
    }

    /// Every path a `use` tree imports, with `prefix` the segments above it.
    fn use_tree(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(&p.tree, prefix);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                prefix.push(n.ident.to_string());
                self.path(prefix, n.ident.span());
                prefix.pop();
            }
            syn::UseTree::Rename(r) => {
                prefix.push(r.ident.to_string());
                self.path(prefix, r.ident.span());
                prefix.pop();
            }
            syn::UseTree::Glob(g) => self.path(prefix, g.star_token.spans[0]),
            syn::UseTree::Group(g) => {
                for item in &g.items {
                    self.use_tree(item, prefix);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Finder<'_> {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let span = path
            .segments
            .first()
            .map_or_else(Span::call_site, |s| s.ident.span());
        self.path(&segments, span);
        syn::visit::visit_path(self, path);
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.use_tree(&item.tree, &mut Vec::new());
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let name = call.method.to_string();
        for (text, api) in self.apis {
            if matches!(api, Api::Ident(wanted) if *wanted == name) {
                self.found.push(Use {
                    line: call.method.span().start().line,
                    api: text.clone(),
                });
            }
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        syn::visit::visit_macro(self, mac);
        let parser = Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
        if let Ok(exprs) = syn::parse::Parser::parse2(parser, mac.tokens.clone()) {
            for expr in &exprs {
                self.visit_expr(expr);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apis(texts: &[&str]) -> Vec<(String, Api)> {
        texts
            .iter()
            .map(|t| (t.to_string(), Api::parse(t).unwrap()))
            .collect()
    }

    fn lines(source: &str, wanted: &[&str]) -> Vec<(usize, String)> {
        find(source, &apis(wanted))
            .unwrap()
            .into_iter()
            .map(|u| (u.line, u.api))
            .collect()
    }

    #[test]
    fn finds_paths_imports_method_calls_and_macro_arguments() {
        let source = r#"
use platform::{fetch::UrlFetcher, files};
use platform::fetch as f;

// platform::fetch in a comment does not count, nor does "ctx.fetcher()" in a string.
pub async fn run(ctx: &Ctx) -> String {
    let page = ctx.fetcher().get("x").await;
    let other = platform::fetch::get(&page);
    assert!(ctx.fetcher().is_some());
    "ctx.fetcher()".to_string()
}
"#;
        assert_eq!(
            lines(source, &["platform::fetch", "fetcher"]),
            vec![
                (2, "platform::fetch".to_string()),
                (3, "platform::fetch".to_string()),
                (7, "fetcher".to_string()),
                (8, "platform::fetch".to_string()),
                (9, "fetcher".to_string()),
            ]
        );
    }

    #[test]
    fn other_names_and_partial_paths_do_not_match() {
        let source = "use platform::files::FileOps;\nfn f(x: X) { x.fetch_all(); platform::fetcher::g(); }\n";
        assert!(lines(source, &["platform::fetch", "fetch"]).is_empty());
        assert_eq!(
            lines(source, &["fetch_all"]),
            vec![(2, "fetch_all".to_string())]
        );
    }

    #[test]
    fn globs_count_as_uses_of_their_module() {
        assert_eq!(
            lines("use platform::fetch::*;\n", &["platform::fetch"]),
            vec![(1, "platform::fetch".to_string())]
        );
    }

    #[test]
    fn apis_are_paths_or_identifiers() {
        assert_eq!(Api::parse("fetcher"), Some(Api::Ident("fetcher".into())));
        assert_eq!(
            Api::parse("platform::fetch"),
            Some(Api::Path(vec!["platform".into(), "fetch".into()]))
        );
        for bad in ["", "a::", "a b", "a.b()", "::a"] {
            assert_eq!(Api::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_file_that_does_not_parse_is_an_error() {
        assert!(find("fn (", &apis(&["x"])).is_err());
    }
}

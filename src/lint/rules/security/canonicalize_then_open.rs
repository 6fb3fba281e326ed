//! MCP408 canonicalize-then-open.

use std::collections::HashSet;

use syn::spanned::Spanned;
use syn::visit::Visit;

use super::flow::{macro_args, root_local};
use super::untrusted_path_join::{PATH_FNS, TWO_PATH_FNS};
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static CANONICALIZE_THEN_OPEN: RuleMeta = RuleMeta {
    code: "MCP408",
    name: "canonicalize-then-open",
    family: Family::Security,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "Within one function, in source order: a local bound from an expression that calls `canonicalize` (method or `std::fs`/`tokio::fs` function), tested with `starts_with`, then passed (or something built from it with a method chain) to a `std::fs`/`tokio::fs` path function or `OpenOptions::open`. A canonical path handed to another function that opens it is not seen.",
    summary: "A path canonicalized, checked to lie under a root (`starts_with`), and then opened by path with `std::fs`/`tokio::fs`.",
    why: "The check and the open are two lookups of the same name: between them a symlink can be swapped in (time-of-check to time-of-use), and the open follows it out of the root. `canonicalize` also fails for a file that does not exist yet, so write paths end up checked differently or not at all (known MCP filesystem-server bugs of this shape).",
    example: "let full = root.join(&name).canonicalize()?;\nif !full.starts_with(&root) { return Err(..) }\nlet text = std::fs::read_to_string(&full)?;",
    fix: "Open beneath a directory handle instead (`cap_std::fs::Dir`, or the platform's `FileOps`), which resolves and opens in one step relative to the root and refuses to leave it.",
};

pub fn canonicalize_then_open(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    if !file.text.contains("canonicalize") {
        return;
    }
    super::flow::each_fn_body(&file.ast, |block| Body::new(file).run(block, out));
}

struct Body<'f> {
    file: &'f SourceFile,
    canonical: HashSet<String>,
    checked: HashSet<String>,
    found: Vec<(proc_macro2::Span, String)>,
}

impl<'f> Body<'f> {
    fn new(file: &'f SourceFile) -> Self {
        Self {
            file,
            canonical: HashSet::new(),
            checked: HashSet::new(),
            found: Vec::new(),
        }
    }

    fn run(mut self, block: &syn::Block, out: &mut Vec<Diagnostic>) {
        self.visit_block(block);
        for (span, local) in self.found {
            out.push(
                self.file
                    .diagnostic(
                        &CANONICALIZE_THEN_OPEN,
                        span,
                        format!("`{local}` was canonicalized and checked, then opened by path: a symlink swapped in between is followed"),
                    )
                    .with_help("open beneath a directory handle (`cap_std::fs::Dir` or the platform's FileOps) instead of checking and then opening"),
            );
        }
    }

    fn canonical_local(&self, expr: &syn::Expr) -> Option<String> {
        root_local(expr).filter(|l| self.canonical.contains(l) && self.checked.contains(l))
    }
}

fn calls_canonicalize(file: &SourceFile, expr: &syn::Expr) -> bool {
    struct Finder<'f> {
        file: &'f SourceFile,
        found: bool,
    }
    impl<'a> Visit<'a> for Finder<'_> {
        fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
            self.found |= m.method == "canonicalize";
            syn::visit::visit_expr_method_call(self, m);
        }
        fn visit_expr_call(&mut self, c: &'a syn::ExprCall) {
            if let syn::Expr::Path(p) = &*c.func {
                let name = self.file.resolve(&p.path);
                self.found |= name == "std::fs::canonicalize" || name == "tokio::fs::canonicalize";
            }
            syn::visit::visit_expr_call(self, c);
        }
    }
    let mut finder = Finder { file, found: false };
    finder.visit_expr(expr);
    finder.found
}

impl<'a> Visit<'a> for Body<'_> {
    fn visit_local(&mut self, local: &'a syn::Local) {
        syn::visit::visit_local(self, local);
        if let (syn::Pat::Ident(name), Some(init)) = (&local.pat, &local.init) {
            let name = name.ident.to_string();
            if calls_canonicalize(self.file, &init.expr) {
                self.canonical.insert(name);
            } else {
                self.canonical.remove(&name);
            }
        }
    }

    fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
        syn::visit::visit_expr_method_call(self, m);
        if m.method == "starts_with"
            && let Some(local) = root_local(&m.receiver)
            && self.canonical.contains(&local)
        {
            self.checked.insert(local);
        }
        if m.method == "open"
            && m.args.len() == 1
            && super::flow::root_call(&m.receiver).is_some_and(|p| {
                let name = self.file.resolve(p);
                name.ends_with("fs::OpenOptions::new")
            })
            && let Some(local) = self.canonical_local(&m.args[0])
        {
            self.found.push((m.args[0].span(), local));
        }
    }

    fn visit_expr_call(&mut self, c: &'a syn::ExprCall) {
        syn::visit::visit_expr_call(self, c);
        let syn::Expr::Path(p) = &*c.func else {
            return;
        };
        let name = self.file.resolve(&p.path);
        let Some(function) = name
            .strip_prefix("std::fs::")
            .or_else(|| name.strip_prefix("tokio::fs::"))
        else {
            return;
        };
        let count = if PATH_FNS.contains(&function) {
            1
        } else if TWO_PATH_FNS.contains(&function) {
            2
        } else {
            return;
        };
        for arg in c.args.iter().take(count) {
            if let Some(local) = self.canonical_local(arg) {
                self.found.push((arg.span(), local));
            }
        }
    }

    fn visit_macro(&mut self, mac: &'a syn::Macro) {
        if let Some(args) = macro_args(mac) {
            args.iter().for_each(|a| self.visit_expr(a));
        }
    }

    fn visit_item(&mut self, _: &'a syn::Item) {}
}

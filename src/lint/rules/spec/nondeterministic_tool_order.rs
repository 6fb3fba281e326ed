//! MCP013 nondeterministic-tool-order.

use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};
use crate::lint::surface::{self, Surface};

pub static NONDETERMINISTIC_TOOL_ORDER: RuleMeta = RuleMeta {
    code: "MCP013",
    name: "nondeterministic-tool-order",
    family: Family::Spec,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "Looks inside functions named `list_tools` (a hand-written `ServerHandler::list_tools`): iterating (`iter`, `values`, `keys`, `into_iter`, `drain`, a `for` loop) a field of `self` declared in the same file as a `HashMap`, `HashSet` or `DashMap`, or a local built with `HashMap::new()`/`HashSet::new()`/`default()`. A body that sorts (`sort*`) or collects into a `BTreeMap`/`BTreeSet`/`IndexMap` is not reported. rmcp's `#[tool_router]` lists tools itself and is not judged. `lint --server` starts the server twice and reports tools listed in a different order the second time (a `HashMap` iterated with a per-process seed); an order that happens to come out the same in both starts is not caught.",
    summary: "A hand-written `list_tools` that builds the tool list by iterating a `HashMap` or `HashSet`.",
    why: "`HashMap` iteration order changes from process to process (its hasher is randomly seeded). The tool list then changes order between restarts and replicas: clients that cache by content see a new list, prompt caches miss, and the 2026-07-28 specification asks servers to return tools in a deterministic order.",
    example: "async fn list_tools(&self, ..) -> Result<ListToolsResult, ErrorData> {\n    Ok(ListToolsResult::with_all_items(self.tools.values().cloned().collect()))\n}",
    fix: "Keep tools in a `BTreeMap` (or `IndexMap` for registration order), or sort the list by name before returning it.",
};

const HASHED: &[&str] = &["HashMap", "HashSet", "DashMap", "DashSet"];

/// With `lint --server`: the same tools listed in another order by a second start of the server.
pub fn nondeterministic_tool_order_surface(surface: &Surface, out: &mut Vec<Diagnostic>) {
    let Some(again) = &surface.again else {
        return;
    };
    let first: Vec<&str> = surface.tools.iter().map(|t| t.name.as_ref()).collect();
    let second: Vec<&str> = again.tools.iter().map(|t| t.name.as_ref()).collect();
    let mut sorted = (first.clone(), second.clone());
    sorted.0.sort_unstable();
    sorted.1.sort_unstable();
    if first == second || sorted.0 != sorted.1 {
        return;
    }
    let k = first
        .iter()
        .zip(&second)
        .position(|(a, b)| a != b)
        .unwrap_or(0);
    out.push(surface::diagnostic(
        &NONDETERMINISTIC_TOOL_ORDER,
        "server",
        "tools",
        format!(
            "tools/list gave the same {} tools in another order on a second start (tool {} was `{}`, then `{}`)",
            first.len(),
            k + 1,
            first[k],
            second[k]
        ),
    ));
}

pub fn nondeterministic_tool_order(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    if !file.text.contains("list_tools") {
        return;
    }
    // Fields of the file's structs declared with a hashed collection.
    let mut hashed_fields = Vec::new();
    for item in &file.ast.items {
        if let syn::Item::Struct(s) = item {
            for field in &s.fields {
                let ty = quote::ToTokens::to_token_stream(&field.ty).to_string();
                if let Some(ident) = &field.ident
                    && HASHED.iter().any(|h| ty.contains(h))
                {
                    hashed_fields.push(ident.to_string());
                }
            }
        }
    }
    struct Finder<'a> {
        fields: &'a [String],
        locals: Vec<String>,
        iterated: Option<(String, proc_macro2::Span)>,
        ordered: bool,
    }
    impl Finder<'_> {
        fn hashed(&self, expr: &syn::Expr) -> Option<String> {
            match expr {
                syn::Expr::Field(f) => match (&*f.base, &f.member) {
                    (syn::Expr::Path(p), syn::Member::Named(name))
                        if p.path.is_ident("self") && self.fields.contains(&name.to_string()) =>
                    {
                        Some(format!("self.{name}"))
                    }
                    _ => None,
                },
                syn::Expr::Path(p) => p
                    .path
                    .get_ident()
                    .map(|i| i.to_string())
                    .filter(|n| self.locals.contains(n)),
                syn::Expr::Reference(r) => self.hashed(&r.expr),
                syn::Expr::MethodCall(m) if m.method == "read" || m.method == "lock" => {
                    self.hashed(&m.receiver)
                }
                syn::Expr::Try(t) => self.hashed(&t.expr),
                syn::Expr::Await(a) => self.hashed(&a.base),
                _ => None,
            }
        }
    }
    impl<'a> Visit<'a> for Finder<'_> {
        fn visit_local(&mut self, local: &'a syn::Local) {
            let ident = match &local.pat {
                syn::Pat::Ident(i) => Some(i.ident.to_string()),
                syn::Pat::Type(t) => match &*t.pat {
                    syn::Pat::Ident(i) => Some(i.ident.to_string()),
                    _ => None,
                },
                _ => None,
            };
            let declared = quote::ToTokens::to_token_stream(&local.pat).to_string();
            let built = local
                .init
                .as_ref()
                .map(|i| quote::ToTokens::to_token_stream(&*i.expr).to_string())
                .unwrap_or_default();
            if HASHED
                .iter()
                .any(|h| declared.contains(h) || built.contains(h))
            {
                self.locals.extend(ident);
            }
            syn::visit::visit_local(self, local);
        }
        fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
            let method = call.method.to_string();
            if method.starts_with("sort") {
                self.ordered = true;
            }
            if matches!(
                method.as_str(),
                "iter" | "values" | "keys" | "into_iter" | "drain" | "into_values" | "into_keys"
            ) && self.iterated.is_none()
                && let Some(what) = self.hashed(&call.receiver)
            {
                self.iterated = Some((what, call.span()));
            }
            syn::visit::visit_expr_method_call(self, call);
        }
        fn visit_expr_for_loop(&mut self, l: &'a syn::ExprForLoop) {
            if self.iterated.is_none()
                && let Some(what) = self.hashed(&l.expr)
            {
                self.iterated = Some((what, l.expr.span()));
            }
            syn::visit::visit_expr_for_loop(self, l);
        }
        fn visit_path(&mut self, path: &'a syn::Path) {
            if path.segments.iter().any(|s| {
                matches!(
                    s.ident.to_string().as_str(),
                    "BTreeMap" | "BTreeSet" | "IndexMap"
                )
            }) {
                self.ordered = true;
            }
            syn::visit::visit_path(self, path);
        }
    }
    struct Lists<'f, 'o> {
        file: &'f SourceFile,
        fields: &'f [String],
        out: &'o mut Vec<Diagnostic>,
    }
    impl<'a> Visit<'a> for Lists<'_, '_> {
        fn visit_impl_item_fn(&mut self, func: &'a syn::ImplItemFn) {
            if func.sig.ident == "list_tools" {
                let mut finder = Finder {
                    fields: self.fields,
                    locals: Vec::new(),
                    iterated: None,
                    ordered: false,
                };
                finder.visit_block(&func.block);
                if let (Some((what, span)), false) = (finder.iterated, finder.ordered) {
                    self.out.push(self.file.diagnostic(
                        &NONDETERMINISTIC_TOOL_ORDER,
                        span,
                        format!(
                            "`list_tools` iterates `{what}`, a hashed collection: the tool order changes between runs"
                        ),
                    ));
                }
            }
            syn::visit::visit_impl_item_fn(self, func);
        }
    }
    Lists {
        file,
        fields: &hashed_fields,
        out,
    }
    .visit_file(&file.ast);
}

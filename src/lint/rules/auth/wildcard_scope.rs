//! MCP308 wildcard-scope.

use syn::visit::Visit;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static WILDCARD_SCOPE: RuleMeta = RuleMeta {
    code: "MCP308",
    name: "wildcard-scope",
    family: Family::Auth,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "Reads string literals where the code names advertised or required scopes: a field, variable, constant or method whose name contains `scope` with `supported`, `required`/`require`, `requested`, `needed` or `default` (`scopes_supported: vec![\"*\"]`, `.require_scopes([..])`, `let required_scope = \"all\"`), a name that is exactly `scope` (an OAuth request parameter), and such keys in `json!` and other macro bodies. A bare `scopes` is what an identity holds, not what the server offers or demands: granting the process's own stdio client every scope (as mcpforge's `service` template does for its `local` principal) is not reported. Scopes read from configuration at run time are not seen.",
    summary: "A scope that grants everything: `*`, `all`, `admin`, `full-access`, `root`, or a family wildcard such as `admin:*` or `tools:*`, in advertised (`scopes_supported`) or required scopes.",
    why: "Scope minimisation is how MCP authorization limits a stolen or over-shared token (security best practices: Scope Minimization, Common Mistakes). A server that advertises or demands a catch-all scope teaches clients to request it, and one token then opens every tool.",
    example: "let metadata = json!({ \"resource\": url, \"scopes_supported\": [\"*\"] });",
    fix: "Name one scope per capability (`files:read`, `tickets:write`) and require the narrowest one each tool needs.",
};

fn is_wildcard(scope: &str) -> bool {
    let s = scope.trim().to_ascii_lowercase();
    matches!(
        s.as_str(),
        "*" | "all" | "admin" | "full-access" | "full_access" | "fullaccess" | "root" | "superuser"
    ) || s.ends_with(":*")
        || s.ends_with(".*")
        || s.ends_with("/*")
        || s.ends_with(":all")
}

/// Whether a name says it holds scopes a server advertises or demands: `scopes_supported`,
/// `required_scopes`, `require_scope(..)`, an OAuth request's `scope`. A bare `scopes` (what an
/// identity holds) does not: granting the process's own stdio client everything is a decision
/// about a principal, not a scope offered to clients.
fn names_scope(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "scope"
        || (name.contains("scope")
            && ["support", "requir", "request", "need", "default"]
                .iter()
                .any(|w| name.contains(w)))
}

pub fn wildcard_scope(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    if !file.text.contains("scope") {
        return;
    }
    struct Walk<'f, 'o> {
        file: &'f SourceFile,
        out: &'o mut Vec<Diagnostic>,
        /// Inside an expression whose name says it holds scopes.
        depth: usize,
    }
    impl Walk<'_, '_> {
        fn scoped(&mut self, f: impl FnOnce(&mut Self)) {
            self.depth += 1;
            f(self);
            self.depth -= 1;
        }
        fn report(&mut self, value: &str, span: proc_macro2::Span) {
            for scope in value.split_whitespace() {
                if is_wildcard(scope) {
                    self.out.push(self.file.diagnostic(
                        &WILDCARD_SCOPE,
                        span,
                        format!("scope `{scope}` grants everything: name the capability it is for"),
                    ));
                }
            }
        }
        fn tokens(&mut self, tokens: proc_macro2::TokenStream, inherited: bool) {
            // `json!({"scopes_supported": ["*"]})`: after a key naming scopes, until the next
            // `,` at this level; inside a group that follows such a key, everywhere.
            use proc_macro2::TokenTree;
            let mut key = false;
            for tree in tokens {
                let in_scope = inherited || key || self.depth > 0;
                match tree {
                    TokenTree::Literal(l) => {
                        let Ok(lit) = syn::parse_str::<syn::LitStr>(&l.to_string()) else {
                            continue;
                        };
                        if names_scope(&lit.value()) {
                            key = true;
                        } else if in_scope {
                            self.report(&lit.value(), l.span());
                        }
                    }
                    TokenTree::Ident(i) if names_scope(&i.to_string()) => key = true,
                    TokenTree::Punct(p) if p.as_char() == ',' || p.as_char() == ';' => key = false,
                    TokenTree::Group(g) => self.tokens(g.stream(), in_scope),
                    _ => {}
                }
            }
        }
    }
    impl<'a> Visit<'a> for Walk<'_, '_> {
        fn visit_lit_str(&mut self, lit: &'a syn::LitStr) {
            if self.depth > 0 {
                self.report(&lit.value(), lit.span());
            }
        }
        fn visit_field_value(&mut self, fv: &'a syn::FieldValue) {
            if let syn::Member::Named(n) = &fv.member
                && names_scope(&n.to_string())
            {
                self.scoped(|w| syn::visit::visit_field_value(w, fv));
            } else {
                syn::visit::visit_field_value(self, fv);
            }
        }
        fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
            if names_scope(&call.method.to_string()) {
                self.visit_expr(&call.receiver);
                self.scoped(|w| {
                    for arg in &call.args {
                        w.visit_expr(arg);
                    }
                });
            } else {
                syn::visit::visit_expr_method_call(self, call);
            }
        }
        fn visit_local(&mut self, local: &'a syn::Local) {
            let named = match &local.pat {
                syn::Pat::Ident(i) => names_scope(&i.ident.to_string()),
                syn::Pat::Type(t) => {
                    matches!(&*t.pat, syn::Pat::Ident(i) if names_scope(&i.ident.to_string()))
                }
                _ => false,
            };
            if named {
                self.scoped(|w| syn::visit::visit_local(w, local));
            } else {
                syn::visit::visit_local(self, local);
            }
        }
        fn visit_item_const(&mut self, item: &'a syn::ItemConst) {
            if names_scope(&item.ident.to_string()) {
                self.scoped(|w| syn::visit::visit_item_const(w, item));
            } else {
                syn::visit::visit_item_const(self, item);
            }
        }
        fn visit_expr_assign(&mut self, assign: &'a syn::ExprAssign) {
            let named = quote::ToTokens::to_token_stream(&assign.left)
                .to_string()
                .to_ascii_lowercase()
                .contains("scope");
            if named {
                self.scoped(|w| syn::visit::visit_expr_assign(w, assign));
            } else {
                syn::visit::visit_expr_assign(self, assign);
            }
        }
        fn visit_macro(&mut self, mac: &'a syn::Macro) {
            self.tokens(mac.tokens.clone(), false);
        }
        fn visit_attribute(&mut self, _: &'a syn::Attribute) {}
    }
    Walk {
        file,
        out,
        depth: 0,
    }
    .visit_file(&file.ast);
}

//! MCP302 jwt-issuer-unchecked.

use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static JWT_ISSUER_UNCHECKED: RuleMeta = RuleMeta {
    code: "MCP302",
    name: "jwt-issuer-unchecked",
    family: Family::Auth,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "Judged per function: a `Validation` built in one function and given an issuer in another (a builder helper) is reported. `required_spec_claims` is read when it is set with a literal list (`set_required_spec_claims(&[..])`); a list built at run time counts as requiring `iss`.",
    summary: "A `jsonwebtoken::Validation` built in a function that never sets an issuer (`set_issuer`, `iss = Some(..)`), or sets one without requiring the `iss` claim.",
    why: "A server must accept only tokens its own authorization server issued (MCP authorization; RFC 9068 requires the `iss` check). Without an issuer, a token signed by any key the server trusts — another tenant of a shared identity provider, another environment — passes. jsonwebtoken checks `iss` only when the token carries one unless `\"iss\"` is in `required_spec_claims`, so a token that simply omits it slips past `set_issuer` too.",
    example: "let mut validation = Validation::new(Algorithm::RS256);\nvalidation.set_audience(&[\"https://mcp.example.com\"]);",
    fix: "Call `validation.set_issuer(&[issuer])` and `validation.set_required_spec_claims(&[\"exp\", \"iss\", \"aud\"])`.",
};

pub fn jwt_issuer_unchecked(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    if !file.text.contains("Validation") {
        return;
    }
    struct Visitor<'f, 'o> {
        file: &'f SourceFile,
        out: &'o mut Vec<Diagnostic>,
    }
    impl Visitor<'_, '_> {
        fn check_body(&mut self, block: &syn::Block) {
            #[derive(Default)]
            struct Scan {
                news: Vec<proc_macro2::Span>,
                issuer: Option<proc_macro2::Span>,
                /// `Some(true)` when a literal required-claims list names `iss`.
                requires_iss: Option<bool>,
            }
            struct Walk<'f> {
                file: &'f SourceFile,
                scan: Scan,
            }
            impl<'a> Visit<'a> for Walk<'_> {
                fn visit_expr_call(&mut self, call: &'a syn::ExprCall) {
                    if let syn::Expr::Path(p) = &*call.func {
                        let path = self.file.resolve(&p.path);
                        if path.ends_with("Validation::new")
                            || path.ends_with("Validation::default")
                        {
                            self.scan.news.push(call.span());
                        }
                    }
                    syn::visit::visit_expr_call(self, call);
                }
                fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
                    if call.method == "set_issuer" {
                        self.scan.issuer = Some(call.span());
                    }
                    if call.method == "set_required_spec_claims"
                        && let Some(arg) = call.args.first()
                    {
                        self.scan.requires_iss =
                            Some(literal_list(arg).is_none_or(|l| l.iter().any(|s| s == "iss")));
                    }
                    syn::visit::visit_expr_method_call(self, call);
                }
                fn visit_expr_assign(&mut self, assign: &'a syn::ExprAssign) {
                    if let syn::Expr::Field(f) = &*assign.left
                        && let syn::Member::Named(n) = &f.member
                    {
                        if n == "iss" && !is_none(&assign.right) {
                            self.scan.issuer = Some(assign.span());
                        }
                        if n == "required_spec_claims" {
                            // Built at run time: assume it names `iss`.
                            self.scan.requires_iss = Some(true);
                        }
                    }
                    syn::visit::visit_expr_assign(self, assign);
                }
            }
            let mut walk = Walk {
                file: self.file,
                scan: Scan::default(),
            };
            walk.visit_block(block);
            let scan = walk.scan;
            if scan.news.is_empty() {
                return;
            }
            match scan.issuer {
                None => {
                    for span in scan.news {
                        self.out.push(self.file.diagnostic(
                            &JWT_ISSUER_UNCHECKED,
                            span,
                            "this JWT validation never sets an issuer: tokens from any issuer whose key is trusted pass",
                        ));
                    }
                }
                Some(span) if scan.requires_iss != Some(true) => {
                    self.out.push(
                        self.file
                            .diagnostic(
                                &JWT_ISSUER_UNCHECKED,
                                span,
                                "the issuer is checked only when the token carries `iss`: a token without one passes",
                            )
                            .with_help("add \"iss\" to `set_required_spec_claims(&[\"exp\", \"iss\", \"aud\"])`"),
                    );
                }
                Some(_) => {}
            }
        }
    }
    impl<'a> Visit<'a> for Visitor<'_, '_> {
        fn visit_item_fn(&mut self, item: &'a syn::ItemFn) {
            self.check_body(&item.block);
        }
        fn visit_impl_item_fn(&mut self, item: &'a syn::ImplItemFn) {
            self.check_body(&item.block);
        }
    }
    Visitor { file, out }.visit_file(&file.ast);
}

fn is_none(expr: &syn::Expr) -> bool {
    matches!(expr, syn::Expr::Path(p) if p.path.is_ident("None"))
}

/// The string literals of `&["a", "b"]`, `["a"]` or `vec!["a"]`; `None` when it is not such a
/// literal list.
pub(super) fn literal_list(expr: &syn::Expr) -> Option<Vec<String>> {
    let elems: Vec<syn::Expr> = match expr {
        syn::Expr::Reference(r) => return literal_list(&r.expr),
        syn::Expr::Array(a) => a.elems.iter().cloned().collect(),
        syn::Expr::Macro(m) if m.mac.path.is_ident("vec") => m
            .mac
            .parse_body_with(
                syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
            )
            .ok()?
            .into_iter()
            .collect(),
        _ => return None,
    };
    elems
        .iter()
        .map(|e| match e {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        })
        .collect()
}

//! MCP301 jwt-audience-unchecked.

use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static JWT_AUDIENCE_UNCHECKED: RuleMeta = RuleMeta {
    code: "MCP301",
    name: "jwt-audience-unchecked",
    family: Family::Auth,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "A `jsonwebtoken::Validation` built in a function that never calls `set_audience`, or that turns `validate_aud` off.",
    why: "The MCP authorization spec says servers MUST only accept tokens issued for them. jsonwebtoken checks `aud` only when it is configured (and only if the token has one), so without `set_audience` a token minted for any other service of the same identity provider is accepted — the confused-deputy hole.",
    example: "let mut validation = Validation::new(Algorithm::RS256);\nvalidation.set_issuer(&[issuer]);",
    fix: "Call `validation.set_audience(&[\"https://mcp.example.com\"])` and add `\"aud\"` to `required_spec_claims`.",
};

pub fn jwt_audience_unchecked(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    struct Visitor<'f, 'o> {
        file: &'f SourceFile,
        out: &'o mut Vec<Diagnostic>,
    }
    impl Visitor<'_, '_> {
        fn check_body(&mut self, block: &syn::Block) {
            #[derive(Default)]
            struct Scan {
                news: Vec<proc_macro2::Span>,
                audience: bool,
                disabled: Option<proc_macro2::Span>,
            }
            struct Walk<'f> {
                file: &'f SourceFile,
                scan: Scan,
            }
            impl<'a> Visit<'a> for Walk<'_> {
                fn visit_expr_call(&mut self, call: &'a syn::ExprCall) {
                    if let syn::Expr::Path(p) = &*call.func
                        && self.file.resolve(&p.path).ends_with("Validation::new")
                    {
                        self.scan.news.push(call.span());
                    }
                    syn::visit::visit_expr_call(self, call);
                }
                fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
                    self.scan.audience |= call.method == "set_audience";
                    syn::visit::visit_expr_method_call(self, call);
                }
                fn visit_expr_assign(&mut self, assign: &'a syn::ExprAssign) {
                    if let syn::Expr::Field(f) = &*assign.left
                        && matches!(&f.member, syn::Member::Named(n) if n == "validate_aud")
                        && matches!(&*assign.right, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Bool(b), .. }) if !b.value)
                    {
                        self.scan.disabled = Some(assign.span());
                    }
                    syn::visit::visit_expr_assign(self, assign);
                }
            }
            let mut walk = Walk {
                file: self.file,
                scan: Scan::default(),
            };
            walk.visit_block(block);
            if let Some(span) = walk.scan.disabled {
                self.out.push(self.file.diagnostic(
                    &JWT_AUDIENCE_UNCHECKED,
                    span,
                    "`validate_aud = false` accepts tokens issued for other services",
                ));
            } else if !walk.scan.audience {
                for span in walk.scan.news {
                    self.out.push(self.file.diagnostic(&JWT_AUDIENCE_UNCHECKED, span, "this JWT validation never sets an audience: tokens for other services pass"));
                }
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

//! MCP305 token-passthrough.

use std::collections::HashSet;

use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static TOKEN_PASSTHROUGH: RuleMeta = RuleMeta {
    code: "MCP305",
    name: "token-passthrough",
    family: Family::Auth,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "Follows the incoming token within one function, in source order: from a `TypedHeader<Authorization<Bearer>>` parameter, `headers.get(AUTHORIZATION)` / `.get(\"authorization\")` or `typed_get::<Authorization<_>>()`, through `let` and `if let` bindings, to `.bearer_auth(..)` or an `Authorization` header set with `.header(..)`/`.insert(..)`. A binding made from a call whose name contains `exchange` (RFC 8693 token exchange) is a new token. Not followed: other functions (a token stored in a struct and used elsewhere), `self` fields, and closures' captures.",
    summary: "The client's access token forwarded to another service: the incoming `Authorization` header (or its bearer token) sent on an outbound request with `.bearer_auth(..)` or an `Authorization` header.",
    why: "MCP servers MUST NOT pass through the token they received (authorization spec; security best practices, Token Passthrough): the token was issued for this server (its audience), so forwarding it either fails or, worse, works against a service that does not check the audience — the server becomes a confused deputy, the upstream's logs and limits see the client instead of the server, and a leaked token opens every service that accepts it.",
    example: "async fn fetch(TypedHeader(auth): TypedHeader<Authorization<Bearer>>) {\n    client.get(url).bearer_auth(auth.token()).send().await;\n}",
    fix: "Call the upstream with the server's own credentials, or exchange the client's token for one issued to the upstream (OAuth 2.0 Token Exchange, RFC 8693).",
};

pub fn token_passthrough(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    let text = &file.text;
    if !(text.contains("bearer_auth")
        || text.contains("AUTHORIZATION")
        || text.contains_ignore_ascii_case("\"authorization\""))
    {
        return;
    }
    struct Visitor<'f, 'o> {
        file: &'f SourceFile,
        out: &'o mut Vec<Diagnostic>,
    }
    impl<'a> Visit<'a> for Visitor<'_, '_> {
        fn visit_item_fn(&mut self, item: &'a syn::ItemFn) {
            check(self.file, &item.sig, &item.block, self.out);
        }
        fn visit_impl_item_fn(&mut self, item: &'a syn::ImplItemFn) {
            check(self.file, &item.sig, &item.block, self.out);
        }
    }
    Visitor { file, out }.visit_file(&file.ast);
}

fn check(file: &SourceFile, sig: &syn::Signature, block: &syn::Block, out: &mut Vec<Diagnostic>) {
    let mut walk = Walk {
        file,
        tainted: HashSet::new(),
        out,
    };
    for input in &sig.inputs {
        if let syn::FnArg::Typed(t) = input {
            let ty = quote::ToTokens::to_token_stream(&t.ty)
                .to_string()
                .replace(' ', "");
            if ty.contains("Authorization<") {
                bind(&t.pat, &mut walk.tainted);
            }
        }
    }
    walk.visit_block(block);
}

struct Walk<'f, 'o> {
    file: &'f SourceFile,
    /// Locals holding the incoming token (or the header it came in).
    tainted: HashSet<String>,
    out: &'o mut Vec<Diagnostic>,
}

/// Adds every name a pattern binds.
fn bind(pat: &syn::Pat, names: &mut HashSet<String>) {
    struct Idents<'n>(&'n mut HashSet<String>);
    impl<'a> Visit<'a> for Idents<'_> {
        fn visit_pat_ident(&mut self, p: &'a syn::PatIdent) {
            self.0.insert(p.ident.to_string());
            syn::visit::visit_pat_ident(self, p);
        }
    }
    Idents(names).visit_pat(pat);
}

/// Whether `expr` names the `Authorization` header: `AUTHORIZATION`, `header::AUTHORIZATION`,
/// `"authorization"` in any case.
fn is_authorization_name(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "AUTHORIZATION"),
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => s.value().eq_ignore_ascii_case("authorization"),
        syn::Expr::Reference(r) => is_authorization_name(&r.expr),
        _ => false,
    }
}

impl Walk<'_, '_> {
    /// Whether `expr` carries the incoming token: it reads the header, or uses a tainted local.
    fn carries(&self, expr: &syn::Expr) -> bool {
        struct Find<'t> {
            tainted: &'t HashSet<String>,
            found: bool,
        }
        impl<'a> Visit<'a> for Find<'_> {
            fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
                let name = call.method.to_string();
                if (matches!(name.as_str(), "get" | "get_all")
                    && call.args.first().is_some_and(is_authorization_name))
                    || (name == "typed_get"
                        && quote::ToTokens::to_token_stream(&call.turbofish)
                            .to_string()
                            .contains("Authorization"))
                {
                    self.found = true;
                }
                syn::visit::visit_expr_method_call(self, call);
            }
            fn visit_expr_path(&mut self, p: &'a syn::ExprPath) {
                if p.path.segments.len() == 1
                    && self.tainted.contains(&p.path.segments[0].ident.to_string())
                {
                    self.found = true;
                }
            }
            fn visit_macro(&mut self, mac: &'a syn::Macro) {
                // `format!("Bearer {token}")`, `format!("Bearer {}", token)`.
                let text = mac.tokens.to_string();
                if self.tainted.iter().any(|t| {
                    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .any(|w| w == t)
                }) {
                    self.found = true;
                }
            }
        }
        let mut find = Find {
            tainted: &self.tainted,
            found: false,
        };
        find.visit_expr(expr);
        find.found
    }

    /// A token exchange makes a new token: its result is not the client's.
    fn exchanged(expr: &syn::Expr) -> bool {
        let text = quote::ToTokens::to_token_stream(expr).to_string();
        text.contains("exchange")
    }
}

impl<'a> Visit<'a> for Walk<'_, '_> {
    fn visit_local(&mut self, local: &'a syn::Local) {
        if let Some(init) = &local.init {
            self.visit_expr(&init.expr);
            if self.carries(&init.expr) && !Self::exchanged(&init.expr) {
                bind(&local.pat, &mut self.tainted);
            }
        }
    }

    fn visit_expr_let(&mut self, e: &'a syn::ExprLet) {
        self.visit_expr(&e.expr);
        if self.carries(&e.expr) && !Self::exchanged(&e.expr) {
            bind(&e.pat, &mut self.tainted);
        }
    }

    fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
        let method = call.method.to_string();
        let sink = match method.as_str() {
            "bearer_auth" => call.args.first(),
            "header" | "insert" | "append"
                if call.args.first().is_some_and(is_authorization_name) =>
            {
                call.args.iter().nth(1)
            }
            _ => None,
        };
        if let Some(arg) = sink
            && self.carries(arg)
        {
            self.out.push(
                self.file
                    .diagnostic(
                        &TOKEN_PASSTHROUGH,
                        call.span(),
                        "the client's access token is forwarded to another service",
                    )
                    .with_help("call the upstream with the server's own credentials, or exchange the token (RFC 8693)"),
            );
        }
        syn::visit::visit_expr_method_call(self, call);
    }
}

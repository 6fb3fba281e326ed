//! URL-fetch clients: `reqwest` clients built with a resolver of their own (`dns_resolver`,
//! `resolve`, `resolve_to_addrs`) — the sign a client was built to control where requests go —
//! and how the function that builds one configures redirects and proxies (MCP403, MCP404).
//!
//! A function is read as one client configuration: every builder method called anywhere in it
//! counts, so a builder kept in a local and finished across statements (`builder =
//! builder.no_proxy()`) is understood; two clients built in one function are not told apart.

use proc_macro2::Span;
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::lint::source::SourceFile;

const BUILDERS: &[&str] = &[
    "reqwest::Client::builder",
    "reqwest::ClientBuilder::new",
    "reqwest::blocking::Client::builder",
    "reqwest::blocking::ClientBuilder::new",
];

/// How one function configures a URL-fetch client.
pub struct FetchClient {
    /// The `Client::builder()` call.
    pub span: Span,
    /// The arguments of every `.redirect(..)`, as source text.
    pub redirects: Vec<String>,
    pub no_proxy: bool,
}

/// Every function of `file` that builds a `reqwest` client with its own resolver.
pub fn fetch_clients(file: &SourceFile) -> Vec<FetchClient> {
    // Cheap first: a reqwest builder is spelled out in the file or its `use` items.
    if !file.text.contains("reqwest") {
        return Vec::new();
    }
    struct Functions<'f> {
        file: &'f SourceFile,
        found: Vec<FetchClient>,
    }
    impl Functions<'_> {
        fn body(&mut self, block: &syn::Block) {
            let mut facts = Facts {
                file: self.file,
                builder: None,
                resolver: false,
                redirects: Vec::new(),
                no_proxy: false,
            };
            facts.visit_block(block);
            if let (Some(span), true) = (facts.builder, facts.resolver) {
                self.found.push(FetchClient {
                    span,
                    redirects: facts.redirects,
                    no_proxy: facts.no_proxy,
                });
            }
        }
    }
    struct Facts<'f> {
        file: &'f SourceFile,
        builder: Option<Span>,
        resolver: bool,
        redirects: Vec<String>,
        no_proxy: bool,
    }
    impl<'a> Visit<'a> for Facts<'_> {
        fn visit_expr_call(&mut self, call: &'a syn::ExprCall) {
            if let syn::Expr::Path(p) = &*call.func
                && BUILDERS.contains(&self.file.resolve(&p.path).as_str())
                && self.builder.is_none()
            {
                self.builder = Some(call.span());
            }
            syn::visit::visit_expr_call(self, call);
        }
        fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
            match m.method.to_string().as_str() {
                "dns_resolver" | "dns_resolver2" | "resolve" | "resolve_to_addrs" => {
                    self.resolver = true
                }
                "redirect" => self.redirects.extend(
                    m.args
                        .iter()
                        .map(|a| a.to_token_stream().to_string().replace(' ', "")),
                ),
                "no_proxy" => self.no_proxy = true,
                _ => {}
            }
            syn::visit::visit_expr_method_call(self, m);
        }
        // Nested functions are judged on their own.
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    let mut functions = Functions {
        file,
        found: Vec::new(),
    };
    super::flow::each_fn_body(&file.ast, |block| functions.body(block));
    functions.found
}

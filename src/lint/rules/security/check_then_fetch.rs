//! MCP402 check-then-fetch.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static CHECK_THEN_FETCH: RuleMeta = RuleMeta {
    code: "MCP402",
    name: "check-then-fetch",
    family: Family::Security,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "Checks and fetches are matched within one function, in source order. The pre-flight is a name resolution (`lookup_host`, `to_socket_addrs`, `lookup_ip`); address tests alone (`is_private()`, `is_loopback()`) are not enough, because they are also how servers check their own bind addresses. The fetch is `reqwest::get`/`ureq::get`… or a `.get/.post/.put/.patch/.delete/.head/.request` on a receiver named like an HTTP client. Pinning counts anywhere in the same function (`.resolve(..)`, `.resolve_to_addrs(..)`, `.dns_resolver(..)`), or anywhere in the file for a client built with `.dns_resolver(..)` (a checking resolver makes the pre-flight redundant, not wrong).",
    summary: "A URL's host resolved and checked by hand (`lookup_host`, `to_socket_addrs`), then the URL fetched by a client that resolves the name again instead of connecting to the address that was checked.",
    why: "DNS can answer differently the second time: a rebinding name returns a public address to the check and `127.0.0.1` or `169.254.169.254` to the client a millisecond later (time-of-check to time-of-use). The MCP SSRF guidance is to pin the checked address for the connection — a resolver that checks what it returns, or `ClientBuilder::resolve(host, checked_addr)`.",
    example: "let addrs: Vec<_> = tokio::net::lookup_host((host, 443)).await?.collect();\nif addrs.iter().any(|a| is_blocked(a.ip())) { return Err(..) }\nlet body = reqwest::get(url).await?.text().await?;",
    fix: "Fetch through the platform's `UrlFetcher` (its resolver checks and pins every address), or build the client with `.resolve(host, checked_addr)` / a checking `.dns_resolver(..)` so the connection goes to the address you checked.",
};

const FETCH_FNS: &[&str] = &[
    "reqwest::get",
    "reqwest::blocking::get",
    "ureq::get",
    "ureq::post",
    "surf::get",
    "surf::post",
];

pub fn check_then_fetch(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    if !["lookup_host", "to_socket_addrs", "lookup_ip"]
        .iter()
        .any(|w| file.text.contains(w))
    {
        return;
    }
    if file.text.contains("dns_resolver(") {
        return;
    }
    struct Functions<'f, 'o> {
        file: &'f SourceFile,
        out: &'o mut Vec<Diagnostic>,
    }
    impl Functions<'_, '_> {
        fn body(&mut self, block: &syn::Block) {
            let mut facts = Facts {
                file: self.file,
                check: None,
                pinned: false,
                fetches: Vec::new(),
            };
            facts.visit_block(block);
            let Some((check, what)) = facts.check else {
                return;
            };
            if facts.pinned {
                return;
            }
            for fetch in facts.fetches {
                if (fetch.start().line, fetch.start().column)
                    > (check.start().line, check.start().column)
                {
                    self.out.push(
                        self.file
                            .diagnostic(
                                &CHECK_THEN_FETCH,
                                fetch,
                                format!("this request resolves the host again after `{what}` checked it: the address it connects to is not the one checked"),
                            )
                            .with_help("pin the checked address (`ClientBuilder::resolve(host, addr)` or a checking `dns_resolver`), or fetch through the platform's UrlFetcher"),
                    );
                }
            }
        }
    }
    struct Facts<'f> {
        file: &'f SourceFile,
        check: Option<(Span, &'static str)>,
        pinned: bool,
        fetches: Vec<Span>,
    }
    impl<'a> Visit<'a> for Facts<'_> {
        fn visit_expr_call(&mut self, call: &'a syn::ExprCall) {
            if let syn::Expr::Path(p) = &*call.func {
                let name = self.file.resolve(&p.path);
                if name.ends_with("lookup_host") && self.check.is_none() {
                    self.check = Some((call.span(), "lookup_host"));
                } else if FETCH_FNS.contains(&name.as_str()) {
                    self.fetches.push(call.span());
                }
            }
            syn::visit::visit_expr_call(self, call);
        }
        fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
            let method = m.method.to_string();
            match method.as_str() {
                "to_socket_addrs" | "lookup_ip" | "lookup_host" if self.check.is_none() => {
                    self.check = Some((
                        m.method.span(),
                        if method == "to_socket_addrs" {
                            "to_socket_addrs"
                        } else if method == "lookup_ip" {
                            "lookup_ip"
                        } else {
                            "lookup_host"
                        },
                    ));
                }
                "resolve" | "resolve_to_addrs" | "dns_resolver" => self.pinned = true,
                "get" | "post" | "put" | "patch" | "delete" | "head" | "request"
                    if http_client_named(&m.receiver) =>
                {
                    self.fetches.push(m.method.span());
                }
                _ => {}
            }
            syn::visit::visit_expr_method_call(self, m);
        }
        fn visit_macro(&mut self, mac: &'a syn::Macro) {
            if let Some(args) = super::flow::macro_args(mac) {
                args.iter().for_each(|a| self.visit_expr(a));
            }
        }
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    let mut functions = Functions { file, out };
    super::flow::each_fn_body(&file.ast, |block| functions.body(block));
}

/// A receiver chain that names an HTTP client (`client`, `self.http`, `reqwest::Client::new()`).
fn http_client_named(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::MethodCall(m) => named(&m.method.to_string()) || http_client_named(&m.receiver),
        syn::Expr::Field(f) => {
            matches!(&f.member, syn::Member::Named(i) if named(&i.to_string()))
                || http_client_named(&f.base)
        }
        syn::Expr::Path(p) => p.path.segments.iter().any(|s| named(&s.ident.to_string())),
        syn::Expr::Call(c) => http_client_named(&c.func),
        syn::Expr::Try(t) => http_client_named(&t.expr),
        syn::Expr::Await(a) => http_client_named(&a.base),
        syn::Expr::Reference(r) => http_client_named(&r.expr),
        syn::Expr::Paren(p) => http_client_named(&p.expr),
        _ => false,
    }
}

fn named(ident: &str) -> bool {
    let ident = ident.to_ascii_lowercase();
    ident.contains("http") || ident.contains("client") || ident == "reqwest"
}

//! MCP213 session-id-misuse.

use std::collections::BTreeSet;

use proc_macro2::{Span, TokenTree};
use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static SESSION_ID_MISUSE: RuleMeta = RuleMeta {
    code: "MCP213",
    name: "session-id-misuse",
    family: Family::Transport,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "Follows the `Mcp-Session-Id` header within one function: a header read (`.get(..)` of the literal `mcp-session-id` in any case, of a constant of the file holding it, or of rmcp's `HEADER_SESSION_ID`) and the locals bound from it (`let`, `if let`, `let … else`, and locals built from those). Reported when it reaches a logging macro (`tracing`'s and `log`'s, `println!`/`eprintln!`), a URL (`format!` of a string with `://` or `?`, `.query(..)`, `.append_pair(..)`), or an identity (a local or field named `principal`, `user`, `user_id`, `identity`, `owner`, `subject`, `caller`, `account`, `tenant` or `client_id`, or an argument of a call to a type or function named `Principal`, `Identity`, `User`, `authorize*` or `authenticate*`). Values passed to other functions, stored in `self`, or read through rmcp's session manager are not followed; a question about the header (`is_some()`, `len()`) carries nothing. Checking that a session belongs to the caller (a session-to-principal map) is the right use and is not reported.",
    summary: "The `Mcp-Session-Id` header used as an identity, written to logs, or put in a URL.",
    why: "A session id says which conversation a request belongs to, not who sent it: the MCP security best practices say servers MUST NOT use sessions for authentication, because anyone who learns an id (from a log line, a URL in a proxy's access log or a browser history) can inject requests into that session or impersonate its user (session hijacking). 2026-07-28 removes sessions altogether; state handles carry the same risk.",
    example: "let session = req.headers().get(\"mcp-session-id\").and_then(|v| v.to_str().ok());\ntracing::info!(session = ?session, \"request\");\nlet principal = session.unwrap_or_default().to_string();",
    fix: "Authenticate every request (a bearer token) and take the principal from the token; bind sessions to that principal and refuse a session presented by another. Log a hash or a prefix of the id if you must correlate, never the id, and never put it in a URL.",
};

/// Names of bindings and fields that hold who the caller is.
const IDENTITY_NAMES: &[&str] = &[
    "principal",
    "user",
    "user_id",
    "identity",
    "owner",
    "subject",
    "caller",
    "account",
    "tenant",
    "client_id",
];
const LOG_MACROS: &[&str] = &[
    "trace", "debug", "info", "warn", "error", "event", "log", "println", "eprintln", "print",
    "eprint",
];
const FORMAT_MACROS: &[&str] = &["format", "format_args", "write", "writeln"];

pub fn session_id_misuse(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    if !file.text.contains_ignore_ascii_case("session") {
        return;
    }
    // Constants of the file naming the header (`const SESSION_HEADER: &str = "mcp-session-id"`).
    let mut consts = BTreeSet::new();
    struct Consts<'c>(&'c mut BTreeSet<String>);
    impl<'a> Visit<'a> for Consts<'_> {
        fn visit_item_const(&mut self, c: &'a syn::ItemConst) {
            if is_session_literal(&c.expr) {
                self.0.insert(c.ident.to_string());
            }
        }
        fn visit_impl_item_const(&mut self, c: &'a syn::ImplItemConst) {
            if is_session_literal(&c.expr) {
                self.0.insert(c.ident.to_string());
            }
        }
    }
    Consts(&mut consts).visit_file(&file.ast);
    if consts.is_empty()
        && !file.text.contains_ignore_ascii_case("\"mcp-session-id\"")
        && !file.text.contains("HEADER_SESSION_ID")
    {
        return;
    }
    crate::lint::rules::security::flow::each_fn_body(&file.ast, |block| {
        let mut walk = Walk {
            file,
            consts: &consts,
            tainted: BTreeSet::new(),
            out: &mut *out,
        };
        walk.visit_block(block);
    });
}

fn is_session_literal(expr: &syn::Expr) -> bool {
    matches!(expr, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) if s.value().eq_ignore_ascii_case("mcp-session-id"))
}

struct Walk<'f, 'o> {
    file: &'f SourceFile,
    consts: &'f BTreeSet<String>,
    /// Locals holding the session id.
    tainted: BTreeSet<String>,
    out: &'o mut Vec<Diagnostic>,
}

impl Walk<'_, '_> {
    /// Whether `expr` names the session header (the argument of a `.get(..)`).
    fn is_header(&self, expr: &syn::Expr) -> bool {
        match expr {
            syn::Expr::Reference(r) => self.is_header(&r.expr),
            syn::Expr::Path(p) => {
                let resolved = self.file.resolve(&p.path);
                let last = p.path.segments.last().map(|s| s.ident.to_string());
                (resolved.starts_with("rmcp::") && resolved.ends_with("HEADER_SESSION_ID"))
                    || last.is_some_and(|l| self.consts.contains(&l))
            }
            _ => is_session_literal(expr),
        }
    }

    /// Whether `expr` carries the session id: reads the header or mentions a tainted local.
    /// A question about it (`is_some()`, `is_empty()`, `len()`) carries nothing.
    fn carries(&self, expr: &syn::Expr) -> bool {
        if let syn::Expr::MethodCall(m) = expr
            && matches!(
                m.method.to_string().as_str(),
                "is_some" | "is_none" | "is_ok" | "is_err" | "is_empty" | "len" | "contains_key"
            )
        {
            return false;
        }
        struct Find<'w, 'f, 'o> {
            walk: &'w Walk<'f, 'o>,
            found: bool,
        }
        impl<'a> Visit<'a> for Find<'_, '_, '_> {
            fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
                if matches!(m.method.to_string().as_str(), "get" | "get_all")
                    && m.args.first().is_some_and(|a| self.walk.is_header(a))
                {
                    self.found = true;
                }
                syn::visit::visit_expr_method_call(self, m);
            }
            fn visit_expr_path(&mut self, p: &'a syn::ExprPath) {
                if let Some(ident) = p.path.get_ident()
                    && self.walk.tainted.contains(&ident.to_string())
                {
                    self.found = true;
                }
            }
            fn visit_macro(&mut self, mac: &'a syn::Macro) {
                if self.walk.tokens_carry(mac.tokens.clone()) {
                    self.found = true;
                }
            }
            // A closure's own parameters shadow nothing we track; its body counts.
            fn visit_item(&mut self, _: &'a syn::Item) {}
        }
        let mut find = Find {
            walk: self,
            found: false,
        };
        find.visit_expr(expr);
        find.found
    }

    /// Whether a macro's tokens name a tainted local or read the header.
    fn tokens_carry(&self, tokens: proc_macro2::TokenStream) -> bool {
        tokens.into_iter().any(|t| match t {
            TokenTree::Ident(i) => {
                let name = i.to_string();
                self.tainted.contains(&name)
                    || self.consts.contains(&name)
                    || name == "HEADER_SESSION_ID"
            }
            TokenTree::Group(g) => self.tokens_carry(g.stream()),
            TokenTree::Literal(l) => {
                let text = l.to_string();
                text.eq_ignore_ascii_case("\"mcp-session-id\"")
                    || syn::parse_str::<syn::LitStr>(&text).is_ok_and(|s| {
                        crate::lint::rules::security::flow::inline_captures(&s.value())
                            .iter()
                            .any(|c| self.tainted.contains(c))
                    })
            }
            _ => false,
        })
    }

    fn report(&mut self, span: Span, message: &str) {
        self.out.push(
            self.file
                .diagnostic(&SESSION_ID_MISUSE, span, message)
                .with_help("authenticate each request and take the principal from its token; never log the session id or put it in a URL"),
        );
    }

    fn bind(&mut self, pat: &syn::Pat) {
        struct Idents<'s>(&'s mut BTreeSet<String>);
        impl<'a> Visit<'a> for Idents<'_> {
            fn visit_pat_ident(&mut self, p: &'a syn::PatIdent) {
                self.0.insert(p.ident.to_string());
                syn::visit::visit_pat_ident(self, p);
            }
        }
        Idents(&mut self.tainted).visit_pat(pat);
    }
}

fn pat_name(pat: &syn::Pat) -> Option<String> {
    match pat {
        syn::Pat::Ident(p) => Some(p.ident.to_string()),
        syn::Pat::Type(t) => pat_name(&t.pat),
        _ => None,
    }
}

fn is_identity_name(name: &str) -> bool {
    let name = name.trim_start_matches('_').to_ascii_lowercase();
    IDENTITY_NAMES.contains(&name.as_str())
}

impl<'a> Visit<'a> for Walk<'_, '_> {
    fn visit_local(&mut self, local: &'a syn::Local) {
        syn::visit::visit_local(self, local);
        if let Some(init) = &local.init
            && self.carries(&init.expr)
        {
            if let Some(name) = pat_name(&local.pat)
                && is_identity_name(&name)
            {
                self.report(
                    local.pat.span(),
                    "the session id is used as the caller's identity: anyone holding the id becomes this caller",
                );
            }
            self.bind(&local.pat);
        }
    }

    fn visit_expr_let(&mut self, e: &'a syn::ExprLet) {
        syn::visit::visit_expr_let(self, e);
        if self.carries(&e.expr) {
            self.bind(&e.pat);
        }
    }

    fn visit_expr_assign(&mut self, e: &'a syn::ExprAssign) {
        syn::visit::visit_expr_assign(self, e);
        if self.carries(&e.right) {
            let target = match &*e.left {
                syn::Expr::Path(p) => p.path.get_ident().map(ToString::to_string),
                syn::Expr::Field(f) => match &f.member {
                    syn::Member::Named(n) => Some(n.to_string()),
                    syn::Member::Unnamed(_) => None,
                },
                _ => None,
            };
            if let Some(name) = target {
                if is_identity_name(&name) {
                    self.report(
                        e.left.span(),
                        "the session id is used as the caller's identity: anyone holding the id becomes this caller",
                    );
                }
                self.tainted.insert(name);
            }
        }
    }

    fn visit_field_value(&mut self, fv: &'a syn::FieldValue) {
        if let syn::Member::Named(n) = &fv.member
            && is_identity_name(&n.to_string())
            && self.carries(&fv.expr)
        {
            self.report(
                fv.span(),
                "the session id is stored as the caller's identity: anyone holding the id becomes this caller",
            );
        }
        syn::visit::visit_field_value(self, fv);
    }

    fn visit_expr_call(&mut self, call: &'a syn::ExprCall) {
        if let syn::Expr::Path(p) = &*call.func {
            let segments = crate::lint::rules::tools::segment_names(&p.path);
            let n = segments.len();
            let ty = if n >= 2 { segments[n - 2].as_str() } else { "" };
            let func = segments.last().map_or("", String::as_str);
            let identity = matches!(ty, "Principal" | "Identity" | "User")
                || matches!(func, "Principal" | "Identity" | "User")
                || func.starts_with("authorize")
                || func.starts_with("authenticate");
            if identity && call.args.iter().any(|a| self.carries(a)) {
                self.report(
                    call.span(),
                    "the session id is used to identify or authorize the caller: session ids are not credentials",
                );
            }
        }
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
        let method = m.method.to_string();
        let url = matches!(method.as_str(), "query" | "append_pair");
        let auth = method.starts_with("authorize") || method.starts_with("authenticate");
        if (url || auth) && m.args.iter().any(|a| self.carries(a)) {
            self.report(
                m.method.span(),
                if url {
                    "the session id is put in a URL: it ends up in access logs and browser history"
                } else {
                    "the session id is used to authorize the caller: session ids are not credentials"
                },
            );
        }
        syn::visit::visit_expr_method_call(self, m);
    }

    fn visit_macro(&mut self, mac: &'a syn::Macro) {
        let name = crate::lint::rules::tools::macro_name(mac);
        if LOG_MACROS.contains(&name.as_str()) && self.tokens_carry(mac.tokens.clone()) {
            self.report(
                mac.span(),
                "the session id is written to the log: whoever reads the log can hijack the session",
            );
        } else if FORMAT_MACROS.contains(&name.as_str())
            && let Ok(args) = mac.parse_body_with(
                syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
            )
        {
            let url_like = args.iter().any(|a| {
                matches!(a, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) if {
                    let v = s.value();
                    v.contains("://") || v.contains('?')
                })
            });
            if url_like && self.tokens_carry(mac.tokens.clone()) {
                self.report(
                    mac.span(),
                    "the session id is put in a URL: it ends up in access logs and browser history",
                );
            }
            for arg in &args {
                self.visit_expr(arg);
            }
        }
    }

    // Nested functions are walked on their own.
    fn visit_item(&mut self, _: &'a syn::Item) {}
}

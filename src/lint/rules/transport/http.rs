//! What the HTTP transport rules share: recognising rmcp's Streamable HTTP types through resolved
//! paths, reading literal lists and sizes, and the crate-wide facts (serves Streamable HTTP,
//! authenticates, limits rates, bounds request time, listens beyond loopback) that MCP206,
//! MCP208 and MCP209 judge a whole crate by.
//!
//! It only gathers; the rules decide what to report.

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::lint::diagnostic::Position;
use crate::lint::source::SourceFile;

/// Whether a resolved path names rmcp's `StreamableHttpServerConfig` (or one of its associated
/// functions), under any path rmcp publishes it.
pub fn is_rmcp_http_config(path: &str) -> bool {
    is_rmcp_type(path, "StreamableHttpServerConfig")
}

/// Whether a resolved path names rmcp's `StreamableHttpService` (or an associated function).
pub fn is_rmcp_http_service(path: &str) -> bool {
    is_rmcp_type(path, "StreamableHttpService")
}

fn is_rmcp_type(path: &str, ty: &str) -> bool {
    let path = path.trim_start_matches("::");
    path.starts_with("rmcp::transport::") && path.split("::").any(|s| s == ty)
}

/// The string literals of a literal list (`["a", "b"]`, `vec!["a"]`, `&["a"]`,
/// `Vec::<String>::new()`): `Some(empty)` for an empty list, `None` when the list is not all
/// literals (read at run time).
pub fn list_literals(expr: &syn::Expr) -> Option<Vec<(String, Span)>> {
    fn strings<'e>(elems: impl IntoIterator<Item = &'e syn::Expr>) -> Option<Vec<(String, Span)>> {
        elems
            .into_iter()
            .map(|e| match e {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some((s.value(), s.span())),
                // `"a".to_string()`, `String::from("a")`, `"a".into()`
                syn::Expr::MethodCall(m) if m.args.is_empty() => {
                    strings([&*m.receiver]).and_then(|mut v| v.pop())
                }
                syn::Expr::Call(c) if c.args.len() == 1 => {
                    strings([&c.args[0]]).and_then(|mut v| v.pop())
                }
                _ => None,
            })
            .collect()
    }
    match expr {
        syn::Expr::Array(a) => strings(&a.elems),
        syn::Expr::Reference(r) => list_literals(&r.expr),
        syn::Expr::Paren(p) => list_literals(&p.expr),
        syn::Expr::Macro(m) if m.mac.path.is_ident("vec") => {
            let elems = m
                .mac
                .parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
                .ok()?;
            strings(&elems)
        }
        syn::Expr::Call(c) if c.args.is_empty() => {
            let syn::Expr::Path(p) = &*c.func else {
                return None;
            };
            let segments = crate::lint::rules::tools::segment_names(&p.path);
            let tail = segments
                .iter()
                .rev()
                .take(2)
                .rev()
                .cloned()
                .collect::<Vec<_>>();
            (tail == ["Vec", "new"] || tail == ["Vec", "default"] || tail == ["Default", "default"])
                .then(Vec::new)
        }
        _ => None,
    }
}

/// The value of a constant size expression: integer literals (`64_000`, `1 << 20`,
/// `64 * 1024 * 1024`) and `usize::MAX`/`u64::MAX`; `None` for anything read at run time.
pub fn const_size(expr: &syn::Expr) -> Option<u128> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse::<u128>().ok(),
        syn::Expr::Paren(p) => const_size(&p.expr),
        syn::Expr::Group(g) => const_size(&g.expr),
        syn::Expr::Cast(c) => const_size(&c.expr),
        syn::Expr::Binary(b) => {
            let (l, r) = (const_size(&b.left)?, const_size(&b.right)?);
            match b.op {
                syn::BinOp::Mul(_) => l.checked_mul(r),
                syn::BinOp::Add(_) => l.checked_add(r),
                syn::BinOp::Shl(_) => u32::try_from(r).ok().and_then(|r| l.checked_shl(r)),
                _ => None,
            }
        }
        syn::Expr::Path(p) => {
            let text = crate::lint::rules::tools::segment_names(&p.path);
            match text
                .join("::")
                .trim_start_matches("std::")
                .trim_start_matches("core::")
            {
                "usize::MAX" | "u64::MAX" | "usize::MAX::MAX" => Some(u128::from(u64::MAX)),
                "u32::MAX" => Some(u128::from(u32::MAX)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Whether a host entry or bind address is loopback (`localhost`, `127.x`, `::1`).
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[');
    let name = host
        .split(']')
        .next()
        .unwrap_or(host)
        .rsplit_once(':')
        .filter(|(h, _)| !h.contains(':'))
        .map_or(host.split(']').next().unwrap_or(host), |(h, _)| h);
    name == "localhost" || name.ends_with(".localhost") || name.starts_with("127.") || name == "::1"
}

/// What one file says about serving MCP over HTTP, for the crate-wide rules.
#[derive(Debug, Clone, Default)]
pub struct HttpFacts {
    /// Where the file first builds rmcp's `StreamableHttpService`.
    pub serves: Option<(Position, Position)>,
    /// It authenticates requests: a tower-http authorization layer, a bearer check (as MCP306
    /// sees them), or a read of the request's `Authorization` header.
    pub authenticates: bool,
    /// Where it first says the server is reachable beyond loopback: a listener on every
    /// interface, Host validation disabled, or a non-loopback allowed host.
    pub public: Option<(Position, Position)>,
    /// It bounds request time: `tokio::time::timeout`, tower's or tower-http's timeout layers.
    pub request_timeout: bool,
    /// It limits request rates or concurrency: `governor`, `tower_governor`, `tower::limit`.
    pub rate_limit: bool,
    /// Outbound HTTP clients built without timeouts (MCP208): where, and what was called.
    pub untimed_clients: Vec<(Position, Position, String)>,
}

/// tower-http and tower layers that authenticate requests.
const AUTH_LAYERS: &[&str] = &[
    "tower_http::validate_request::ValidateRequestHeaderLayer",
    "tower_http::validate_request::ValidateRequestHeader",
    "tower_http::auth::AsyncRequireAuthorizationLayer",
    "tower_http::auth::AsyncRequireAuthorization",
    "tower_http::auth::RequireAuthorizationLayer",
    "tower_http::auth::require_authorization::RequireAuthorizationLayer",
    "tower_http::auth::async_require_authorization::AsyncRequireAuthorizationLayer",
];

/// Timeouts that bound how long a request is served.
const TIMEOUTS: &[&str] = &[
    "tokio::time::timeout",
    "tokio::time::timeout_at",
    "tower_http::timeout::",
    "tower::timeout::",
];

/// Rate and concurrency limiters.
const LIMITERS: &[&str] = &["governor::", "tower_governor::", "tower::limit::"];

const CLIENT_BUILDERS: &[&str] = &[
    "reqwest::Client::builder",
    "reqwest::ClientBuilder::new",
    "reqwest::blocking::Client::builder",
    "reqwest::blocking::ClientBuilder::new",
];
const DEFAULT_CLIENTS: &[&str] = &[
    "reqwest::Client::new",
    "reqwest::get",
    "reqwest::blocking::Client::new",
    "reqwest::blocking::get",
];

impl HttpFacts {
    pub fn of(file: &SourceFile, bearer: bool) -> Self {
        let mut facts = Self {
            authenticates: bearer,
            ..Self::default()
        };
        let text = &file.text;
        // The words every fact below is spelled with (`timeout`, `TimeoutLayer`, `AUTHORIZATION`,
        // `RateLimitLayer`, `rate_limit`…): a file with none of them is not walked.
        let relevant = [
            "StreamableHttpService",
            "imeout",
            "governor",
            "imit",
            "uthorization",
            "AUTHORIZATION",
            "ValidateRequestHeader",
            "reqwest",
            "0.0.0.0",
            "[::]",
            "UNSPECIFIED",
            "allowed_hosts",
        ];
        if !relevant.iter().any(|w| text.contains(w)) {
            return facts;
        }
        let mut walk = FactsWalk {
            file,
            facts: &mut facts,
        };
        walk.visit_file(&file.ast);
        if text.contains("reqwest") {
            untimed_clients(file, &mut facts.untimed_clients);
        }
        facts
    }

    /// Adds what the file's next part says (a large file is checked a part at a time).
    pub fn extend(&mut self, part: HttpFacts) {
        self.serves = self.serves.or(part.serves);
        self.authenticates |= part.authenticates;
        self.public = self.public.or(part.public);
        self.request_timeout |= part.request_timeout;
        self.rate_limit |= part.rate_limit;
        self.untimed_clients.extend(part.untimed_clients);
    }
}

struct FactsWalk<'f, 'o> {
    file: &'f SourceFile,
    facts: &'o mut HttpFacts,
}

impl FactsWalk<'_, '_> {
    fn path(&mut self, resolved: &str, span: Span) {
        let resolved = resolved.trim_start_matches("::");
        if crate::lint::rules::tools::matches_path(resolved, TIMEOUTS) {
            self.facts.request_timeout = true;
        }
        if crate::lint::rules::tools::matches_path(resolved, LIMITERS) {
            self.facts.rate_limit = true;
        }
        if AUTH_LAYERS
            .iter()
            .any(|l| resolved == *l || resolved.starts_with(&format!("{l}::")))
        {
            self.facts.authenticates = true;
        }
        if resolved.ends_with("Ipv4Addr::UNSPECIFIED")
            || resolved.ends_with("Ipv6Addr::UNSPECIFIED")
        {
            self.public(span);
        }
    }

    fn public(&mut self, span: Span) {
        if self.facts.public.is_none() {
            self.facts.public = Some(self.file.range(span));
        }
    }
}

impl<'a> Visit<'a> for FactsWalk<'_, '_> {
    fn visit_expr_call(&mut self, call: &'a syn::ExprCall) {
        if let syn::Expr::Path(p) = &*call.func {
            let resolved = self.file.resolve(&p.path);
            if is_rmcp_http_service(&resolved) && self.facts.serves.is_none() {
                self.facts.serves = Some(self.file.range(call.span()));
            }
        }
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_expr_path(&mut self, p: &'a syn::ExprPath) {
        let resolved = self.file.resolve(&p.path);
        self.path(&resolved, p.span());
        syn::visit::visit_expr_path(self, p);
    }

    fn visit_type_path(&mut self, ty: &'a syn::TypePath) {
        let resolved = self.file.resolve(&ty.path);
        self.path(&resolved, ty.span());
        syn::visit::visit_type_path(self, ty);
    }

    fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
        match call.method.to_string().as_str() {
            // tower's `ServiceBuilder` shorthands for its limit layers.
            "rate_limit" | "concurrency_limit" => self.facts.rate_limit = true,
            "disable_allowed_hosts" => self.public(call.method.span()),
            "with_allowed_hosts" => {
                if let Some(hosts) = call.args.first().and_then(list_literals)
                    && hosts.iter().any(|(h, _)| !is_loopback_host(h))
                {
                    self.public(call.method.span());
                }
            }
            // Reading the request's credentials: `headers().get(AUTHORIZATION)`.
            "get" | "get_all" | "typed_get" => {
                let reads_authorization = call.args.first().is_some_and(|a| match a {
                    syn::Expr::Path(p) => self
                        .file
                        .resolve(&p.path)
                        .ends_with("header::AUTHORIZATION"),
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => s.value().eq_ignore_ascii_case("authorization"),
                    _ => false,
                });
                if reads_authorization && is_request_headers(&call.receiver) {
                    self.facts.authenticates = true;
                }
            }
            _ => {}
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_lit_str(&mut self, lit: &'a syn::LitStr) {
        let v = lit.value();
        if v.starts_with("0.0.0.0:") || v == "0.0.0.0" || v.starts_with("[::]:") {
            self.public(lit.span());
        }
    }

    fn visit_macro(&mut self, mac: &'a syn::Macro) {
        if let Ok(args) =
            mac.parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        {
            for arg in &args {
                self.visit_expr(arg);
            }
        }
    }

    fn visit_attribute(&mut self, _: &'a syn::Attribute) {}
}

/// Whether `expr` is a header map read from a request (`req.headers()`, `parts.headers`), not
/// one being built for an outbound request.
fn is_request_headers(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::MethodCall(m) => m.method == "headers",
        syn::Expr::Field(f) => matches!(&f.member, syn::Member::Named(n) if n == "headers"),
        syn::Expr::Path(p) => p.path.is_ident("headers"),
        syn::Expr::Reference(r) => is_request_headers(&r.expr),
        _ => false,
    }
}

/// Outbound `reqwest` clients without a timeout: per function (read as one client
/// configuration, like the fetch-client rules), a `Client::builder()` when no `.timeout(..)`,
/// `.connect_timeout(..)` or `.read_timeout(..)` is called in that function, and
/// `Client::new()`/`reqwest::get(..)` (no timeout at all) when the function sets none either — a
/// `Client::new()` fallback beside a configured builder is the builder's business.
fn untimed_clients(file: &SourceFile, out: &mut Vec<(Position, Position, String)>) {
    struct Body<'f> {
        file: &'f SourceFile,
        made: Vec<(Span, String)>,
        timeout: bool,
    }
    impl<'a> Visit<'a> for Body<'_> {
        fn visit_expr_call(&mut self, call: &'a syn::ExprCall) {
            if let syn::Expr::Path(p) = &*call.func {
                let resolved = self.file.resolve(&p.path);
                let resolved = resolved.trim_start_matches("::");
                if CLIENT_BUILDERS.contains(&resolved) || DEFAULT_CLIENTS.contains(&resolved) {
                    self.made.push((call.span(), resolved.to_string()));
                }
                if matches!(resolved, "tokio::time::timeout" | "tokio::time::timeout_at") {
                    self.timeout = true;
                }
            }
            syn::visit::visit_expr_call(self, call);
        }
        fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
            if matches!(
                m.method.to_string().as_str(),
                "timeout" | "connect_timeout" | "read_timeout"
            ) {
                self.timeout = true;
            }
            syn::visit::visit_expr_method_call(self, m);
        }
        fn visit_macro(&mut self, mac: &'a syn::Macro) {
            if let Ok(args) =
                mac.parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
            {
                for arg in &args {
                    self.visit_expr(arg);
                }
            }
        }
        // Nested functions are judged on their own.
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    if crate::lint::rules::tools::is_item_module(file) {
        // Clients in tool code are MCP104's and MCP110's findings (use the platform's client).
        return;
    }
    crate::lint::rules::security::flow::each_fn_body(&file.ast, |block| {
        let mut body = Body {
            file,
            made: Vec::new(),
            timeout: false,
        };
        body.visit_block(block);
        if !body.timeout {
            for (span, path) in body.made {
                let (start, end) = file.range(span);
                out.push((start, end, path));
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_lists_are_read_from_literals() {
        let e = |s: &str| syn::parse_str::<syn::Expr>(s).unwrap();
        assert_eq!(const_size(&e("64 * 1024 * 1024")), Some(64 << 20));
        assert_eq!(const_size(&e("1 << 30")), Some(1 << 30));
        assert_eq!(const_size(&e("usize::MAX")), Some(u128::from(u64::MAX)));
        assert_eq!(const_size(&e("settings.max")), None);
        assert_eq!(
            list_literals(&e("Vec::<String>::new()")).map(|v| v.len()),
            Some(0)
        );
        assert_eq!(list_literals(&e("vec![]")).map(|v| v.len()), Some(0));
        assert_eq!(
            list_literals(&e("[\"a\".to_string(), String::from(\"b\")]"))
                .map(|v| v.into_iter().map(|(s, _)| s).collect::<Vec<_>>()),
            Some(vec!["a".to_string(), "b".to_string()])
        );
        assert!(list_literals(&e("hosts.clone()")).is_none());
    }

    #[test]
    fn loopback_hosts() {
        for h in [
            "localhost",
            "127.0.0.1",
            "127.0.0.1:8080",
            "::1",
            "[::1]:80",
            "localhost:3000",
        ] {
            assert!(is_loopback_host(h), "{h}");
        }
        for h in ["mcp.example.com", "0.0.0.0", "10.0.0.1:80", "[::]:80"] {
            assert!(!is_loopback_host(h), "{h}");
        }
    }
}

//! MCP401 unguarded-outbound-url.

use syn::spanned::Spanned;

use super::flow::{Flow, Seeds, each_call, inline_captures, macro_args, root_call, root_local};
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::literal;
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static UNGUARDED_OUTBOUND_URL: RuleMeta = RuleMeta {
    code: "MCP401",
    name: "unguarded-outbound-url",
    family: Family::Security,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "Input is followed within the `#[tool]` function and through direct calls to the crate's own functions, up to 3 calls deep: free functions and associated functions of inherent `impl` blocks, called by path (`helper(x)`, `crate::net::helper(x)`, `Self::helper(x)`, `Server::helper(x)`) or on `self` (`self.helper(x)`); the finding is reported at the sink, with the chain of calls and the tool it started from. Not followed: trait methods, closures, functions called through macros or function pointers, other crates (a library called from its binary by the crate's name included), glob-imported names, and methods of receivers other than `self`; calls into the platform's `UrlFetcher`, `FileOps` and `CodeExecutor`, or into a `platform` module, are where the checks happen and are not followed either. Input stored in `self` or a global, or passed through a macro other than `format!`-like ones, is not seen. A value passed to a function or method named `validate*`, `sanitize*`, `check*`, `ensure*`, `verify*`, `is_allowed*` or `is_safe*`, or tested in an `if` that returns (allowlist `contains` on a fixed table, a validator), counts as validated — the linter trusts the name. A URL built as `format!(\"https://api.example.com/{}\", p.x)` (scheme, host and a `/` fixed before the first input) is not reported: the input cannot change the host, in the function that builds it and in every function it is passed to. `Url::join` with input is reported (`//evil.example` replaces the host). Without types, a receiver is taken for an HTTP client when it was built by `reqwest::Client::new()`/`builder()` in the function or is named `http…`/`reqwest`; one named only `…client…` (it may be a database or cache client) counts when the input's field is named like a URL (`url`, `uri`, `endpoint`, `link`, `href`, `webhook`, `callback`, `host`, `site`, `target`).",
    summary: "A tool parameter reaches an outbound HTTP request (`reqwest::get`, a client's `.get/.post/.request`, hyper's `Request::builder().uri(..)`, `ureq`/`surf`) without going through the platform's `UrlFetcher`.",
    why: "A model calls a fetch tool with whatever URL it was talked into: `http://169.254.169.254/latest/meta-data/` reads the cloud credentials, `http://localhost:6379` talks to Redis, `http://0x7f000001` is loopback in disguise. A raw client follows all of them (and their redirects) from inside the network perimeter — server-side request forgery. `UrlFetcher` resolves the host, checks every address against the blocked ranges, pins the resolved address for the connection and re-checks each redirect.\n\nThe catalogue first keyed this rule on parameter names (`url`, `endpoint`, `webhook`…); it follows every field of the tool's parameters instead, because a field called `site` or `target` is the same bug, and it leaves out URLs whose host a literal fixes, because those cannot be steered to another server.",
    example: "#[tool]\nasync fn fetch(&self, Parameters(p): Parameters<FetchParams>) -> Result<String, ToolError> {\n    let url = p.url.trim().to_string();\n    Ok(reqwest::get(&url).await?.text().await?)\n}",
    fix: "Fetch through the platform: `self.state().fetcher()?.get(caller, &p.url)`. If the tool only talks to one API, fix its origin in a literal (`format!(\"https://api.example.com/v1/{}\", p.id)`) or pick the URL from an allowlist.",
};

/// Path calls that send a request to their first argument.
const FETCH_FNS: &[&str] = &[
    "reqwest::get",
    "reqwest::blocking::get",
    "ureq::get",
    "ureq::post",
    "ureq::put",
    "ureq::delete",
    "ureq::head",
    "ureq::request",
    "surf::get",
    "surf::post",
    "surf::put",
    "surf::delete",
];

/// Methods of an HTTP client taking the URL as their only argument.
const CLIENT_METHODS: &[&str] = &["get", "post", "put", "patch", "delete", "head"];

pub fn unguarded_outbound_url(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    flow_sinks(file, &Seeds::Tools, out);
}

/// The requests input reaches, walking from `seeds`.
pub(super) fn flow_sinks(file: &SourceFile, seeds: &Seeds, out: &mut Vec<Diagnostic>) {
    // Cheap first: every sink this rule knows is named by one of these words in the file (paths
    // resolve through `use` items, which spell them out).
    if ![
        "reqwest", "ureq", "surf", "hyper", "http", "client", "Client", "Request",
    ]
    .iter()
    .any(|w| file.text.contains(w))
    {
        return;
    }
    each_call(file, seeds, fixed_origin, |flow, expr| {
        let (url, what) = match expr {
            syn::Expr::Call(call) => {
                let syn::Expr::Path(p) = &*call.func else {
                    return;
                };
                let name = file.resolve(&p.path);
                let request_ctor = (name.starts_with("hyper::") || name.starts_with("http::"))
                    && CLIENT_METHODS
                        .iter()
                        .any(|m| name.ends_with(&format!("Request::{m}")));
                if name == "ureq::request" || name == "reqwest::Request::new" {
                    (call.args.iter().nth(1), name)
                } else if FETCH_FNS.contains(&name.as_str()) || request_ctor {
                    (call.args.first(), name)
                } else {
                    return;
                }
            }
            syn::Expr::MethodCall(m) => {
                let method = m.method.to_string();
                let client = http_client(flow, &m.receiver);
                let url = if CLIENT_METHODS.contains(&method.as_str()) && m.args.len() == 1 {
                    m.args.first()
                } else if method == "request" && m.args.len() == 2 {
                    m.args.iter().nth(1)
                } else {
                    None
                };
                if let Some(url) = url
                    && client != Client::No
                {
                    let certain = client == Client::Yes
                        || flow.taint(url).is_some_and(|input| url_named(&input));
                    if !certain {
                        return;
                    }
                    (Some(url), format!(".{method}(..)"))
                } else if method == "uri" && m.args.len() == 1 && is_request_builder(flow, m) {
                    (m.args.first(), ".uri(..)".to_string())
                } else {
                    return;
                }
            }
            _ => return,
        };
        if let Some(url) = url
            && let Some(input) = flow.taint(url)
        {
            out.push(
                file.diagnostic(
                    &UNGUARDED_OUTBOUND_URL,
                    url.span(),
                    format!("tool input `{input}` reaches `{what}` without `UrlFetcher`"),
                )
                .with_help(
                    "fetch through the platform's UrlFetcher (`self.state().fetcher()?.get(caller, url)`), which blocks private and metadata addresses",
                ),
            );
        }
    });
}

/// How sure we are that a method's receiver is an HTTP client.
#[derive(Clone, Copy, PartialEq)]
enum Client {
    No,
    /// Named `client` and nothing more: a database or cache client looks the same, so only
    /// inputs named like URLs count.
    Maybe,
    /// Built by `reqwest::Client::new()`/`builder()` (directly or in a local), or named `http`,
    /// `http_client`, `reqwest`.
    Yes,
}

fn http_client(flow: &Flow, receiver: &syn::Expr) -> Client {
    let origin = root_call(receiver)
        .map(|p| flow.file.resolve(p))
        .or_else(|| root_local(receiver).and_then(|l| flow.origin(&l).map(str::to_string)));
    if origin.is_some_and(|o| o.starts_with("reqwest::") && o.contains("Client")) {
        return Client::Yes;
    }
    let mut names = Vec::new();
    chain_names(receiver, &mut names);
    let names: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
    if names.iter().any(|n| n.contains("http") || n == "reqwest") {
        Client::Yes
    } else if names.iter().any(|n| n.contains("client")) {
        Client::Maybe
    } else {
        Client::No
    }
}

/// Whether an input's field is named like a URL (the catalogue's list, plus `host`, `site`,
/// `target`).
fn url_named(input: &str) -> bool {
    let field = input
        .rsplit('.')
        .next()
        .unwrap_or(input)
        .to_ascii_lowercase();
    [
        "url", "uri", "endpoint", "link", "href", "webhook", "callback", "host", "site", "target",
    ]
    .iter()
    .any(|n| field.contains(n))
}

/// The identifiers along a receiver chain: locals, fields, methods and path segments.
fn chain_names(expr: &syn::Expr, out: &mut Vec<String>) {
    match expr {
        syn::Expr::MethodCall(m) => {
            out.push(m.method.to_string());
            chain_names(&m.receiver, out);
        }
        syn::Expr::Field(f) => {
            if let syn::Member::Named(i) = &f.member {
                out.push(i.to_string());
            }
            chain_names(&f.base, out);
        }
        syn::Expr::Path(p) => out.extend(p.path.segments.iter().map(|s| s.ident.to_string())),
        syn::Expr::Call(c) => chain_names(&c.func, out),
        syn::Expr::Try(t) => chain_names(&t.expr, out),
        syn::Expr::Await(a) => chain_names(&a.base, out),
        syn::Expr::Reference(r) => chain_names(&r.expr, out),
        syn::Expr::Paren(p) => chain_names(&p.expr, out),
        _ => {}
    }
}

/// `Request::builder()…` of hyper or http, directly or through a local.
fn is_request_builder(flow: &Flow, call: &syn::ExprMethodCall) -> bool {
    let origin = root_call(&call.receiver)
        .map(|p| flow.file.resolve(p))
        .or_else(|| root_local(&call.receiver).and_then(|l| flow.origin(&l).map(str::to_string)));
    origin.is_some_and(|o| {
        (o.starts_with("hyper::") || o.starts_with("http::")) && o.ends_with("Request::builder")
    })
}

/// A URL whose scheme and host a literal fixes before any input: `format!("https://h/{}", x)`,
/// `"https://h/".to_string() + x`, `format!("{BASE}/{}", x)` with a clean base.
pub(super) fn fixed_origin(flow: &Flow, expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Macro(m)
            if m.mac
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "format") =>
        {
            let Some(args) = macro_args(&m.mac) else {
                return false;
            };
            let Some(format) = args.first().and_then(literal) else {
                return false;
            };
            // The text before the first placeholder that carries input; clean placeholders
            // stand in as an opaque `X`.
            let mut prefix = String::new();
            let mut positional = args
                .iter()
                .skip(1)
                .filter(|a| !matches!(a, syn::Expr::Assign(_)));
            let mut rest = format.as_str();
            while let Some(open) = rest.find('{') {
                prefix.push_str(&rest[..open]);
                rest = &rest[open + 1..];
                if let Some(after) = rest.strip_prefix('{') {
                    prefix.push('{');
                    rest = after;
                    continue;
                }
                let end = rest.find('}').unwrap_or(rest.len());
                let spec = rest[..end]
                    .split(':')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_string();
                rest = rest.get(end + 1..).unwrap_or("");
                let input =
                    if spec.is_empty() {
                        positional.next().is_some_and(|a| flow.taint(a).is_some())
                    } else if inline_captures(&format!("{{{spec}}}")).is_empty() {
                        // `{0}`: an explicit position.
                        spec.parse::<usize>()
                            .ok()
                            .and_then(|i| args.get(i + 1))
                            .is_some_and(|a| flow.taint(a).is_some())
                    } else {
                        let named = args.iter().skip(1).find_map(|a| match a {
                            syn::Expr::Assign(assign)
                                if super::flow::access_path(&assign.left).as_deref()
                                    == Some(spec.as_str()) =>
                            {
                                Some(&*assign.right)
                            }
                            _ => None,
                        });
                        match named {
                            Some(value) => flow.taint(value).is_some(),
                            None => flow
                                .taint(&syn::parse_str::<syn::Expr>(&spec).unwrap_or(
                                    syn::Expr::Verbatim(proc_macro2::TokenStream::new()),
                                ))
                                .is_some(),
                        }
                    };
                if input {
                    return origin_fixed(&prefix);
                }
                prefix.push('X');
            }
            false
        }
        syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::Add(_)) => {
            leading_literal(&b.left).is_some_and(|l| origin_fixed(&l))
        }
        _ => false,
    }
}

/// The literal at the start of a `+` chain: `"https://h/".to_string()`, `String::from("…")`.
fn leading_literal(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::Add(_)) => leading_literal(&b.left),
        syn::Expr::MethodCall(m) if m.args.is_empty() => leading_literal(&m.receiver),
        syn::Expr::Call(c) if c.args.len() == 1 => leading_literal(&c.args[0]),
        other => literal(other),
    }
}

/// Whether a URL prefix ends its authority: after an optional `scheme://`, something and then
/// `/`, `?` or `#`.
fn origin_fixed(prefix: &str) -> bool {
    let rest = match prefix.find("://") {
        Some(i) => &prefix[i + 3..],
        None => prefix,
    };
    rest.find(['/', '?', '#']).is_some_and(|i| i > 0)
}

#[cfg(test)]
mod tests {
    use super::origin_fixed;

    #[test]
    fn an_origin_is_fixed_only_once_its_authority_ends() {
        assert!(origin_fixed("https://api.example.com/"));
        assert!(origin_fixed("X/v1/"));
        assert!(origin_fixed("https://api.example.com?q="));
        assert!(!origin_fixed("https://api.example.com"));
        assert!(!origin_fixed("https://"));
        assert!(!origin_fixed(""));
        assert!(!origin_fixed("/"));
    }
}

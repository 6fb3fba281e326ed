//! MCP404 proxy-bypasses-resolver.

use super::fetch_client::fetch_clients;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static PROXY_BYPASSES_RESOLVER: RuleMeta = RuleMeta {
    code: "MCP404",
    name: "proxy-bypasses-resolver",
    family: Family::Security,
    severity: Severity::Info,
    status: Status::Stable,
    autofix: None,
    limits: "Only clients built with a resolver of their own (`dns_resolver`, `resolve`, `resolve_to_addrs`) are checked, and `.no_proxy()` anywhere in the function that builds one counts. A proxy configured explicitly (`.proxy(..)`) is taken as the operator's egress decision and not reported. The catalogue keyed this on reqwest 0.13's `system-proxy` feature; the rule does not read Cargo features, because every reqwest version honours `HTTP_PROXY`/`HTTPS_PROXY`/`ALL_PROXY` from the environment without it.",
    summary: "A URL-fetch client (a `reqwest` client with its own resolver) built without `.no_proxy()`, so proxy settings from the environment (and, with reqwest 0.13's `system-proxy` feature, the operating system) apply.",
    why: "Through a proxy, the client never resolves the target: it sends the host name to the proxy, which resolves and connects. The checking resolver sees only the proxy's name, so `http://169.254.169.254/` or an internal host passes every address check — and the proxy usually sits inside the network. An `HTTPS_PROXY` set for some other tool on the same machine is enough.",
    example: "let client = reqwest::Client::builder()\n    .dns_resolver(Arc::new(CheckedResolver))\n    .redirect(Policy::none())\n    .build()?;",
    fix: "Add `.no_proxy()` to the builder; if fetches must leave through an egress proxy, configure it explicitly (`.proxy(..)`) and filter at the proxy, since its targets are not checked by the resolver.",
};

pub fn proxy_bypasses_resolver(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    for client in fetch_clients(file) {
        if !client.no_proxy {
            out.push(
                file.diagnostic(
                    &PROXY_BYPASSES_RESOLVER,
                    client.span,
                    "this URL-fetch client uses proxies from the environment, which resolve targets its resolver never checks",
                )
                .with_help("add `.no_proxy()` to the builder"),
            );
        }
    }
}

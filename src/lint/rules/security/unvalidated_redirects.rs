//! MCP403 unvalidated-redirects.

use super::fetch_client::fetch_clients;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static UNVALIDATED_REDIRECTS: RuleMeta = RuleMeta {
    code: "MCP403",
    name: "unvalidated-redirects",
    family: Family::Security,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "Only clients built with a resolver of their own (`dns_resolver`, `resolve`, `resolve_to_addrs`) are URL-fetch clients here: a client for one fixed upstream may follow its redirects, and a raw client fed tool input is MCP401's finding. The builder's methods are collected over the whole function that calls `Client::builder()` (a builder finished across statements is understood; two clients in one function are not told apart). A policy held in a variable counts when the file builds a `Policy::none()` or `Policy::custom(..)` somewhere; what a custom policy checks is not read.",
    summary: "A URL-fetch client (a `reqwest` client with its own resolver) that follows redirects without re-checking them: no `.redirect(..)` at all (reqwest follows up to 10) or `Policy::limited(..)`.",
    why: "Checking the first URL is not enough: `https://harmless.example/` can answer `302 Location: http://169.254.169.254/latest/meta-data/`, and a client that follows redirects by itself fetches it without asking the checks again (the MCP SSRF guidance: validate redirect targets). A custom resolver still sees the new host, but an allowlist of URLs, schemes or ports, a per-origin credential or a method check does not.",
    example: "let client = reqwest::Client::builder()\n    .dns_resolver(Arc::new(CheckedResolver))\n    .build()?;",
    fix: "Build the client with `.redirect(Policy::none())` and follow `Location` yourself, checking each hop like the first (the platform's `UrlFetcher` does), or with `Policy::custom(..)` that stops on any hop the checks refuse.",
};

pub fn unvalidated_redirects(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    let policy_in_file =
        file.text.contains("Policy::none()") || file.text.contains("Policy::custom(");
    for client in fetch_clients(file) {
        let rechecked = client.redirects.iter().any(|r| {
            r.contains("Policy::none()")
                || r.contains("Policy::custom(")
                || (policy_in_file && !r.contains("::") && !r.contains('('))
        });
        if !rechecked {
            let message = if client.redirects.is_empty() {
                "this URL-fetch client follows up to 10 redirects without re-checking them"
            } else {
                "this URL-fetch client's redirect policy follows redirects without re-checking them"
            };
            out.push(
                file.diagnostic(&UNVALIDATED_REDIRECTS, client.span, message)
                    .with_help("use `.redirect(reqwest::redirect::Policy::none())` and check each `Location` like the first URL, or `Policy::custom(..)`"),
            );
        }
    }
}

//! MCP212 static-bearer-layer.

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::calls;
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static STATIC_BEARER_LAYER: RuleMeta = RuleMeta {
    code: "MCP212",
    name: "static-bearer-layer",
    family: Family::Transport,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "Matches tower-http's `ValidateRequestHeaderLayer::bearer`/`basic` and `ValidateRequestHeader::bearer`/`basic` (and the older `RequireAuthorizationLayer`) through resolved paths; the outbound `AddAuthorizationLayer` is not reported. A shared secret compared by hand (`token == expected`) is not recognised.",
    summary: "Authentication by one static shared secret: tower-http's `ValidateRequestHeaderLayer::bearer(..)`/`basic(..)` (an error when the secret is a literal).",
    why: "A single bearer string compared on every request has no expiry, no audience, no scopes and no principal: everyone who has it is the same caller, it cannot be rotated without redeploying every client, and tower-http deprecated these constructors in 0.6.7 as \"too basic to be useful in real applications\". The MCP authorization spec expects OAuth access tokens validated for this resource. Written as a literal, the secret is also in the repository (MCP111).",
    example: "let app = Router::new()\n    .nest_service(\"/mcp\", service)\n    .layer(ValidateRequestHeaderLayer::bearer(\"s3cret-token\"));",
    fix: "Validate OAuth access tokens (JWT with `jsonwebtoken`: issuer, audience, expiry) in a middleware that puts the principal in the request extensions; the generated service template's `platform/auth.rs` does.",
};

pub fn static_bearer_layer(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    if !file.text.contains("bearer") && !file.text.contains("basic") {
        return;
    }
    for call in calls(file).iter().filter(|c| !c.method) {
        let name = call.name.trim_start_matches("::");
        let Some((ty, ctor)) = name.rsplit_once("::") else {
            continue;
        };
        let layer = [
            "ValidateRequestHeaderLayer",
            "ValidateRequestHeader",
            "RequireAuthorizationLayer",
            "RequireAuthorization",
        ]
        .iter()
        .any(|l| ty.ends_with(l));
        if !(name.starts_with("tower_http::") && layer && matches!(ctor, "bearer" | "basic")) {
            continue;
        }
        let literal = call.args.iter().any(|a| {
            matches!(
                a,
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(_),
                    ..
                })
            )
        });
        let mut d = file.diagnostic(
            &STATIC_BEARER_LAYER,
            call.span,
            if literal {
                format!("`{ctor}` authentication with a secret written in the source: one shared, unrotatable credential")
            } else {
                format!("`{ctor}` authentication with one static secret: no expiry, audience or principal")
            },
        );
        if literal {
            d.severity = Severity::Error;
        }
        out.push(d.with_help("validate OAuth access tokens (issuer, audience, expiry) instead"));
    }
}

//! MCP210 unbounded-body.

use super::http::const_size;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::calls;
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static UNBOUNDED_BODY: RuleMeta = RuleMeta {
    code: "MCP210",
    name: "unbounded-body",
    family: Family::Transport,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "Only constant sizes are judged (`usize::MAX`, literals, products and shifts of literals); a limit read from configuration is trusted. The calls are rmcp's `with_max_request_body_bytes(..)` (and the `max_request_body_bytes` field), axum's `DefaultBodyLimit::disable()`/`DefaultBodyLimit::max(..)` and `axum::body::to_bytes(.., limit)`, and tower-http's `RequestBodyLimitLayer::new(..)`, through resolved paths (the method is matched by name).",
    summary: "A request body limit turned off or set above 64 MiB: `with_max_request_body_bytes(usize::MAX)`, `DefaultBodyLimit::disable()`, `to_bytes(body, usize::MAX)`.",
    why: "rmcp refuses POST bodies over `max_request_body_bytes` with 413 while they stream in, and axum caps extractors at 2 MB by default; both exist so that one request cannot make the server buffer gigabytes. A JSON-RPC message never needs 64 MiB: lifting the cap turns any client into a memory-exhaustion attack.",
    example: "let config = StreamableHttpServerConfig::default().with_max_request_body_bytes(usize::MAX);\nlet app = Router::new().layer(DefaultBodyLimit::disable());",
    fix: "Keep rmcp's default (4 MiB) or set a size your largest legitimate request needs, from configuration with an upper bound; keep axum's `DefaultBodyLimit` or set `DefaultBodyLimit::max(n)` with a bounded `n`.",
};

/// Above this, a body limit is not a limit for a JSON-RPC server.
const MAX_SENSIBLE: u128 = 64 * 1024 * 1024;

pub fn unbounded_body(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    if !["body", "Body", "Limit"]
        .iter()
        .any(|w| file.text.contains(w))
    {
        return;
    }
    let too_big = |e: &syn::Expr| const_size(e).is_some_and(|n| n > MAX_SENSIBLE);
    for call in calls(file) {
        let name = call.name.trim_start_matches("::");
        let limit = if call.method {
            (name == "with_max_request_body_bytes")
                .then(|| call.args.first())
                .flatten()
        } else if name.starts_with("axum") && name.ends_with("DefaultBodyLimit::disable") {
            out.push(
                file.diagnostic(
                    &UNBOUNDED_BODY,
                    call.span,
                    "`DefaultBodyLimit::disable()` lets a request body grow without bound",
                )
                .with_help(
                    "keep axum's default or use `DefaultBodyLimit::max(n)` with a bounded `n`",
                ),
            );
            None
        } else if (name.starts_with("axum") && name.ends_with("DefaultBodyLimit::max"))
            || (name.starts_with("tower_http") && name.ends_with("RequestBodyLimitLayer::new"))
        {
            call.args.first()
        } else if name == "axum::body::to_bytes" {
            call.args.get(1)
        } else {
            None
        };
        if let Some(limit) = limit
            && too_big(limit)
        {
            out.push(
                file.diagnostic(
                    &UNBOUNDED_BODY,
                    call.span,
                    format!(
                        "request bodies limited to `{}`: effectively unbounded",
                        quote::ToTokens::to_token_stream(limit)
                            .to_string()
                            .replace(" :: ", "::")
                    ),
                )
                .with_help("bound request bodies (rmcp's default is 4 MiB)"),
            );
        }
    }
    // `StreamableHttpServerConfig { max_request_body_bytes: usize::MAX, .. }`
    struct Fields<'f, 'o> {
        file: &'f SourceFile,
        out: &'o mut Vec<Diagnostic>,
    }
    impl<'a> syn::visit::Visit<'a> for Fields<'_, '_> {
        fn visit_field_value(&mut self, fv: &'a syn::FieldValue) {
            if let syn::Member::Named(n) = &fv.member
                && n == "max_request_body_bytes"
                && const_size(&fv.expr).is_some_and(|n| n > MAX_SENSIBLE)
            {
                self.out.push(self.file.diagnostic(
                    &UNBOUNDED_BODY,
                    syn::spanned::Spanned::span(fv),
                    "request bodies effectively unbounded",
                ));
            }
            syn::visit::visit_field_value(self, fv);
        }
    }
    if file.text.contains("max_request_body_bytes") {
        syn::visit::Visit::visit_file(&mut Fields { file, out }, &file.ast);
    }
}

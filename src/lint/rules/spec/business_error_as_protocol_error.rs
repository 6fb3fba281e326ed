//! MCP015 business-error-as-protocol-error.

use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::item_fns;
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static BUSINESS_ERROR_AS_PROTOCOL_ERROR: RuleMeta = RuleMeta {
    code: "MCP015",
    name: "business-error-as-protocol-error",
    family: Family::Spec,
    severity: Severity::Info,
    status: Status::Preview,
    autofix: None,
    limits: "Heuristic, so a preview rule. In a `#[tool]` function's own body: `ErrorData::invalid_params(..)`, `invalid_request(..)` or `internal_error(..)` (also as `McpError::…`/`rmcp::ErrorData::…`) built with a message from `format!` or a non-literal, inside `Err(..)`, `return Err(..)` or `.ok_or(..)`/`.map_err(..)`. A literal message (\"missing configuration\", or `format!` with nothing formatted into it) is taken for a real protocol fault. Errors built in other functions, and `?` on them, are not followed.",
    summary: "A tool that answers a bad input or a failed business check with a JSON-RPC error (`ErrorData::invalid_params`/`internal_error`) instead of a tool result with `isError`.",
    why: "The specification separates protocol errors (unknown tool, malformed request) from tool execution errors, which are returned as a result with `isError: true` so the model sees the message and can correct itself (\"the date must be in the future\"). A JSON-RPC error usually stops at the client: the model never learns what to change.",
    example: "if params.days > 14 {\n    return Err(ErrorData::invalid_params(format!(\"days must be at most 14, not {}\", params.days), None));\n}",
    fix: "Return `Ok(CallToolResult::error(vec![Content::text(..)]))` (or a `Result<T, E>` whose error rmcp turns into an `isError` result, as the templates' `ToolError` does).",
};

const CONSTRUCTORS: &[&str] = &["invalid_params", "invalid_request", "internal_error"];

pub fn business_error_as_protocol_error(
    file: &SourceFile,
    _: &CrateContext,
    out: &mut Vec<Diagnostic>,
) {
    struct Finder<'f> {
        file: &'f SourceFile,
        found: Vec<(String, proc_macro2::Span)>,
    }
    impl<'a> Visit<'a> for Finder<'_> {
        fn visit_expr_call(&mut self, call: &'a syn::ExprCall) {
            if let syn::Expr::Path(p) = &*call.func {
                let name = self.file.resolve(&p.path);
                let segments: Vec<&str> = name.rsplit("::").take(2).collect();
                if let [ctor, ty] = segments.as_slice()
                    && CONSTRUCTORS.contains(ctor)
                    && matches!(*ty, "ErrorData" | "McpError")
                    && call.args.first().is_some_and(|m| !is_literal(m))
                {
                    self.found.push((ctor.to_string(), call.span()));
                }
            }
            syn::visit::visit_expr_call(self, call);
        }
        fn visit_macro(&mut self, mac: &'a syn::Macro) {
            if let Ok(args) = mac.parse_body_with(
                syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
            ) {
                for arg in &args {
                    self.visit_expr(arg);
                }
            }
        }
    }
    for tool in item_fns(file, "tool") {
        let mut finder = Finder {
            file,
            found: Vec::new(),
        };
        finder.visit_block(&tool.func.block);
        for (ctor, span) in finder.found {
            out.push(file.diagnostic(
                &BUSINESS_ERROR_AS_PROTOCOL_ERROR,
                span,
                format!(
                    "tool `{}` reports a failure as a protocol error (`{ctor}`): the model will not see it",
                    tool.name
                ),
            ));
        }
    }
}

fn is_literal(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Lit(_) => true,
        syn::Expr::Reference(r) => is_literal(&r.expr),
        // `"..".to_string()`, `String::from("..")`, `"..".into()`
        syn::Expr::MethodCall(m) => m.args.is_empty() && is_literal(&m.receiver),
        syn::Expr::Call(c) => c.args.len() == 1 && c.args.iter().all(is_literal),
        // `format!("no progress token")`: nothing is formatted into it (`{err}` would be).
        syn::Expr::Macro(m) => m
            .mac
            .parse_body_with(
                syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
            )
            .is_ok_and(|args| {
                args.len() == 1
                    && matches!(&args[0], syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })
                        if !s.value().replace("{{", "").contains('{'))
            }),
        _ => false,
    }
}

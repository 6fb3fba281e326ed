//! MCP109 missing-graceful-shutdown.

use std::collections::HashSet;

use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static MISSING_GRACEFUL_SHUTDOWN: RuleMeta = RuleMeta {
    code: "MCP109",
    name: "missing-graceful-shutdown",
    family: Family::AntiPattern,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "`axum::serve(..)` without `.with_graceful_shutdown(..)`.",
    why: "The research's \"missing cleanup\" anti-pattern: without graceful shutdown, a deploy or scale-down (SIGTERM) cuts in-flight tool calls mid-way and leaves pools and sessions unclosed.",
    example: "axum::serve(listener, app).await?;",
    fix: "Chain `.with_graceful_shutdown(signal)` with a future that resolves on SIGTERM/ctrl-c, and drain within a deadline.",
};

pub fn missing_graceful_shutdown(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    #[derive(Default)]
    struct Visitor {
        serves: Vec<(proc_macro2::Span, (usize, usize))>,
        graceful: HashSet<(usize, usize)>,
    }
    struct Walk<'f> {
        file: &'f SourceFile,
        v: Visitor,
    }
    impl<'a> Visit<'a> for Walk<'_> {
        fn visit_expr_call(&mut self, call: &'a syn::ExprCall) {
            if let syn::Expr::Path(p) = &*call.func
                && self.file.resolve(&p.path) == "axum::serve"
            {
                let at = call.span().start();
                self.v.serves.push((call.span(), (at.line, at.column)));
            }
            syn::visit::visit_expr_call(self, call);
        }
        fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
            if call.method == "with_graceful_shutdown" {
                let mut root: &syn::Expr = &call.receiver;
                while let syn::Expr::MethodCall(m) = root {
                    root = &m.receiver;
                }
                let at = root.span().start();
                self.v.graceful.insert((at.line, at.column));
            }
            syn::visit::visit_expr_method_call(self, call);
        }
    }
    let mut walk = Walk {
        file,
        v: Visitor::default(),
    };
    walk.visit_file(&file.ast);
    for (span, at) in walk.v.serves {
        if !walk.v.graceful.contains(&at) {
            out.push(file.diagnostic(
                &MISSING_GRACEFUL_SHUTDOWN,
                span,
                "`axum::serve` without graceful shutdown cuts in-flight calls on SIGTERM",
            ));
        }
    }
}

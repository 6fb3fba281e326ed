//! MCP202 tracing-to-stdout.

use std::collections::HashSet;

use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::edit::rust::Replacement;
use crate::lint::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static TRACING_TO_STDOUT: RuleMeta = RuleMeta {
    code: "MCP202",
    name: "tracing-to-stdout",
    family: Family::Transport,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: Some(Applicability::Safe),
    limits: super::stdout_write::STDIO_LIMITS,
    summary: "A `tracing_subscriber::fmt` subscriber or layer without `.with_writer(..)` in a stdio server.",
    why: "`tracing_subscriber`'s fmt output goes to stdout unless told otherwise. In a stdio server every log line is then injected into the protocol stream and breaks the client's JSON-RPC parser.",
    example: "tracing_subscriber::fmt().with_env_filter(filter).init();",
    fix: "Add `.with_writer(std::io::stderr)` to the builder; `mcpforge lint --fix` does it for you.",
};

/// Builder entry points of `tracing_subscriber`'s fmt output.
const ROOTS: &[&str] = &[
    "tracing_subscriber::fmt",
    "tracing_subscriber::fmt::layer",
    "tracing_subscriber::fmt::Subscriber::builder",
];

/// Runs on every file; the engine keeps the findings only in crates that serve over stdio.
pub fn tracing_to_stdout(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    let mut visitor = Visitor {
        file,
        out,
        seen: HashSet::new(),
    };
    visitor.visit_file(&file.ast);
}

struct Visitor<'f, 'o> {
    file: &'f SourceFile,
    out: &'o mut Vec<Diagnostic>,
    /// Roots already judged: a chain is visited once per method call in it.
    seen: HashSet<(usize, usize)>,
}

impl<'ast> Visit<'ast> for Visitor<'_, '_> {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        // Walk down to the chain's root, noting whether a writer is set on the way.
        let mut writer = false;
        let mut receiver: &syn::Expr = &syn::Expr::MethodCall(call.clone());
        while let syn::Expr::MethodCall(m) = receiver {
            writer |= matches!(
                m.method.to_string().as_str(),
                "with_writer" | "map_writer" | "with_test_writer"
            );
            receiver = &m.receiver;
        }
        if let syn::Expr::Call(root) = receiver
            && let syn::Expr::Path(func) = &*root.func
            && ROOTS.contains(&self.file.resolve(&func.path).as_str())
        {
            let at = root.span().start();
            // The outermost call of a chain is visited first: judge the chain there, once.
            if self.seen.insert((at.line, at.column)) && !writer {
                let mut d = self.file.diagnostic(&TRACING_TO_STDOUT, root.span(), "this tracing subscriber writes to stdout, which carries the MCP protocol in this stdio server");
                d.help =
                    Some("add `.with_writer(std::io::stderr)` (`mcpforge lint --fix` does)".into());
                let end = self.file.offset(root.span().end());
                d.fix = Some(Fix {
                    description: "write logs to stderr",
                    applicability: Applicability::Safe,
                    edits: vec![Replacement {
                        range: end..end,
                        text: ".with_writer(std::io::stderr)".into(),
                    }],
                });
                self.out.push(d);
            }
        }
        syn::visit::visit_expr_method_call(self, call);
    }
}

//! MCP107 blocking-call-in-async.

use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::edit::rust::Replacement;
use crate::lint::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static BLOCKING_CALL_IN_ASYNC: RuleMeta = RuleMeta {
    code: "MCP107",
    name: "blocking-call-in-async",
    family: Family::AntiPattern,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: Some(Applicability::Unsafe),
    limits: "",
    summary: "A blocking call (`std::thread::sleep`, `std::fs`, `reqwest::blocking`, `block_on`) inside async code.",
    why: "Tool handlers run on the async runtime's few worker threads. A blocking call parks one of them: every other request scheduled there waits, and a handful of slow calls stall the whole server. This is the research's \"sync I/O in async\" anti-pattern.",
    example: "#[tool]\nasync fn wait(&self) -> String {\n    std::thread::sleep(Duration::from_secs(1));\n    \"done\".into()\n}",
    fix: "Use the async equivalent (`tokio::time::sleep(d).await`, `tokio::fs`, the async `reqwest::Client`), or move the blocking work into `tokio::task::spawn_blocking(|| ..)`. `mcpforge lint --fix` rewrites `std::thread::sleep(d)` to `tokio::time::sleep(d).await`.",
};

/// Calls that block, by resolved path (a trailing `::` matches everything below).
const BLOCKING: &[(&str, &str)] = &[
    ("std::thread::sleep", "use `tokio::time::sleep(..).await`"),
    (
        "std::fs::",
        "use `tokio::fs`, or `tokio::task::spawn_blocking`",
    ),
    ("reqwest::blocking::", "use the async `reqwest::Client`"),
    ("futures::executor::block_on", "`.await` the future instead"),
    (
        "std::net::TcpStream::connect",
        "use `tokio::net::TcpStream::connect(..).await`",
    ),
];

pub fn blocking_call_in_async(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    let mut visitor = Visitor {
        file,
        in_async: false,
        out,
    };
    visitor.visit_file(&file.ast);
}

struct Visitor<'f, 'o> {
    file: &'f SourceFile,
    in_async: bool,
    out: &'o mut Vec<Diagnostic>,
}

impl Visitor<'_, '_> {
    /// Visits `f` with `in_async` set to `value`, restoring it afterwards.
    fn with_async(&mut self, value: bool, f: impl FnOnce(&mut Self)) {
        let saved = std::mem::replace(&mut self.in_async, value);
        f(self);
        self.in_async = saved;
    }
}

impl<'ast> Visit<'ast> for Visitor<'_, '_> {
    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        self.with_async(item.sig.asyncness.is_some(), |v| {
            syn::visit::visit_item_fn(v, item)
        });
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        self.with_async(item.sig.asyncness.is_some(), |v| {
            syn::visit::visit_impl_item_fn(v, item)
        });
    }

    fn visit_expr_async(&mut self, expr: &'ast syn::ExprAsync) {
        self.with_async(true, |v| syn::visit::visit_expr_async(v, expr));
    }

    // A plain closure inside async code may run elsewhere (`spawn_blocking(|| ..)` is the fix).
    fn visit_expr_closure(&mut self, expr: &'ast syn::ExprClosure) {
        self.with_async(expr.asyncness.is_some(), |v| {
            syn::visit::visit_expr_closure(v, expr)
        });
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if self.in_async
            && let syn::Expr::Path(func) = &*call.func
        {
            let resolved = self.file.resolve(&func.path);
            let hit = BLOCKING.iter().find(|(path, _)| {
                if path.ends_with("::") {
                    resolved.starts_with(path)
                } else {
                    resolved == *path
                }
            });
            if let Some((_, help)) = hit {
                let mut d = self.file.diagnostic(
                    &BLOCKING_CALL_IN_ASYNC,
                    call.span(),
                    format!("`{resolved}` blocks the async runtime's worker thread"),
                );
                d.help = Some(help.to_string());
                if resolved == "std::thread::sleep" {
                    // `sleep(d)` → `tokio::time::sleep(d).await`: same duration, no blocked thread.
                    let (start, end) = (
                        self.file.offset(func.span().start()),
                        self.file.offset(func.span().end()),
                    );
                    let after = self.file.offset(call.span().end());
                    d.fix = Some(Fix {
                        description: "use tokio::time::sleep(..).await",
                        // Needs tokio's `time` feature, may leave `use std::thread` unused, and
                        // yields where the code blocked: a person should look.
                        applicability: Applicability::Unsafe,
                        edits: vec![
                            Replacement {
                                range: start..end,
                                text: "tokio::time::sleep".into(),
                            },
                            Replacement {
                                range: after..after,
                                text: ".await".into(),
                            },
                        ],
                    });
                }
                self.out.push(d);
            }
        }
        syn::visit::visit_expr_call(self, call);
    }
}

//! MCP108 lock-held-across-await.

use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static LOCK_HELD_ACROSS_AWAIT: RuleMeta = RuleMeta {
    code: "MCP108",
    name: "lock-held-across-await",
    family: Family::AntiPattern,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "A light version of clippy's `await_holding_lock`, for projects that do not run clippy in CI (MCP510 checks that a generated project keeps the clippy lint on). In an `async` function or block: a `let` binding a guard of a blocking lock — `.lock()`, `.read()` or `.write()` followed by `.unwrap()`/`.expect(..)` (std), or a bare `.lock()` in a file naming `parking_lot` — then an `.await` later in the same block before `drop(guard)`. A guard that is a temporary, or one held in a nested block, is not followed; tokio's locks (`.lock().await`) are never reported.",
    summary: "A `std::sync::Mutex`/`RwLock` (or parking_lot) guard still held when the async function awaits.",
    why: "While the task is suspended at `.await`, its worker thread runs other tasks; one of them that takes the same lock blocks the whole worker, and with every worker blocked the runtime deadlocks under load. std's guards are also not `Send`, so the future cannot move between threads, which surfaces as confusing `Send` errors in `tokio::spawn`.",
    example: "async fn record(&self, call: Call) {\n    let mut log = self.log.lock().unwrap();\n    log.push(call);\n    self.flush().await; // still holding `log`\n}",
    fix: "Drop the guard before awaiting (`drop(log)` or a block around the locked part), or use `tokio::sync::Mutex` when the lock must be held across the await.",
};

/// The name a `let` binds to a blocking lock's guard, if it does.
fn guard_binding(local: &syn::Local, parking_lot: bool) -> Option<(String, proc_macro2::Span)> {
    let syn::Pat::Ident(name) = &local.pat else {
        return None;
    };
    let init = &local.init.as_ref()?.expr;
    let syn::Expr::MethodCall(call) = &**init else {
        return None;
    };
    let method = call.method.to_string();
    let lock = |e: &syn::Expr| matches!(e, syn::Expr::MethodCall(m) if matches!(m.method.to_string().as_str(), "lock" | "read" | "write") && m.args.is_empty());
    let guard = (matches!(method.as_str(), "unwrap" | "expect") && lock(&call.receiver))
        || (parking_lot && method == "lock" && call.args.is_empty());
    guard.then(|| (name.ident.to_string(), init.span()))
}

fn awaits(stmt: &syn::Stmt) -> Option<proc_macro2::Span> {
    struct Finder(Option<proc_macro2::Span>);
    impl<'a> Visit<'a> for Finder {
        fn visit_expr_await(&mut self, e: &'a syn::ExprAwait) {
            self.0.get_or_insert(e.await_token.span());
        }
        // A closure or async block awaits on its own schedule.
        fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'a syn::ExprAsync) {}
    }
    let mut finder = Finder(None);
    finder.visit_stmt(stmt);
    finder.0
}

fn drops(stmt: &syn::Stmt, name: &str) -> bool {
    let text = quote::ToTokens::to_token_stream(stmt)
        .to_string()
        .replace(' ', "");
    text.contains(&format!("drop({name})")) || text.contains(&format!("std::mem::drop({name})"))
}

pub fn lock_held_across_await(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    if !file.text.contains(".await") {
        return;
    }
    struct Blocks<'f, 'o> {
        file: &'f SourceFile,
        parking_lot: bool,
        async_depth: usize,
        out: &'o mut Vec<Diagnostic>,
    }
    impl Blocks<'_, '_> {
        fn check(&mut self, block: &syn::Block) {
            for (i, stmt) in block.stmts.iter().enumerate() {
                let syn::Stmt::Local(local) = stmt else {
                    continue;
                };
                let Some((name, _)) = guard_binding(local, self.parking_lot) else {
                    continue;
                };
                for later in &block.stmts[i + 1..] {
                    if drops(later, &name) {
                        break;
                    }
                    if let Some(at) = awaits(later) {
                        self.out.push(self.file.diagnostic(
                            &LOCK_HELD_ACROSS_AWAIT,
                            at,
                            format!(
                                "`{name}`, a blocking lock's guard, is still held at this `.await`"
                            ),
                        ));
                        break;
                    }
                }
            }
        }
    }
    impl<'a> Visit<'a> for Blocks<'_, '_> {
        fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
            let asynchronous = f.sig.asyncness.is_some();
            self.async_depth += usize::from(asynchronous);
            syn::visit::visit_item_fn(self, f);
            self.async_depth -= usize::from(asynchronous);
        }
        fn visit_impl_item_fn(&mut self, f: &'a syn::ImplItemFn) {
            let asynchronous = f.sig.asyncness.is_some();
            self.async_depth += usize::from(asynchronous);
            syn::visit::visit_impl_item_fn(self, f);
            self.async_depth -= usize::from(asynchronous);
        }
        fn visit_expr_async(&mut self, e: &'a syn::ExprAsync) {
            self.async_depth += 1;
            syn::visit::visit_expr_async(self, e);
            self.async_depth -= 1;
        }
        fn visit_block(&mut self, block: &'a syn::Block) {
            if self.async_depth > 0 {
                self.check(block);
            }
            syn::visit::visit_block(self, block);
        }
    }
    Blocks {
        file,
        parking_lot: file.text.contains("parking_lot"),
        async_depth: 0,
        out,
    }
    .visit_file(&file.ast);
}

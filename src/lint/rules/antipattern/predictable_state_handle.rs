//! MCP106 predictable-state-handle.

use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static PREDICTABLE_STATE_HANDLE: RuleMeta = RuleMeta {
    code: "MCP106",
    name: "predictable-state-handle",
    family: Family::AntiPattern,
    severity: Severity::Warning,
    status: Status::Preview,
    autofix: None,
    limits: "Heuristic, so a preview rule. A `let` or struct field whose name says it is a handle (`id`, `handle`, `session`, `token`, `cursor`, `job`, `task` as a word of the name) built from a counter (`fetch_add`, `.len() + 1`), the clock (`SystemTime::now`, `Instant::now`, `Utc::now`, `Local::now`, `timestamp`) or a seedable, non-cryptographic generator (`fastrand`, `SmallRng`, `seed_from_u64`, `oorandom`). A struct literal is judged field by field (a session's `created_at: Utc::now()` is not its id). The catalogue also listed `rand::rng()`: rand's thread generator is a CSPRNG (ChaCha), so it is not reported. Whether the state map is keyed by the authenticated principal is not judged.",
    summary: "A state handle (session, job or cursor id) minted from a counter, a timestamp or a non-cryptographic random generator.",
    why: "Handles given to clients are capabilities: whoever presents one reaches the state behind it. Sequential or time-based ids are guessed by incrementing; a seedable generator is predicted from a few outputs. The MCP security best practices list state-handle hijacking for exactly this.",
    example: "let job_id = format!(\"job-{}\", self.next.fetch_add(1, Ordering::Relaxed));",
    fix: "Mint handles with `uuid::Uuid::new_v4()` (or 128 bits from `rand::rng()`), and key the state by the authenticated principal as well, so a leaked handle is useless to anyone else.",
};

const HANDLE_WORDS: &[&str] = &["id", "handle", "session", "token", "cursor", "job", "task"];

fn handle_name(name: &str) -> bool {
    name.to_ascii_lowercase()
        .split('_')
        .any(|w| HANDLE_WORDS.contains(&w))
}

/// What makes an expression predictable, if anything does.
fn predictable(file: &SourceFile, expr: &syn::Expr) -> Option<&'static str> {
    struct Finder<'f> {
        file: &'f SourceFile,
        found: Option<&'static str>,
    }
    impl<'a> Visit<'a> for Finder<'_> {
        fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
            if call.method == "fetch_add" {
                self.found.get_or_insert("a counter");
            }
            if call.method == "timestamp" || call.method == "timestamp_millis" {
                self.found.get_or_insert("the clock");
            }
            syn::visit::visit_expr_method_call(self, call);
        }
        fn visit_expr_binary(&mut self, e: &'a syn::ExprBinary) {
            if matches!(e.op, syn::BinOp::Add(_))
                && matches!(&*e.left, syn::Expr::MethodCall(m) if m.method == "len")
            {
                self.found.get_or_insert("a counter");
            }
            syn::visit::visit_expr_binary(self, e);
        }
        fn visit_path(&mut self, path: &'a syn::Path) {
            let name = self.file.resolve(path);
            let last_two: Vec<&str> = name.rsplit("::").take(2).collect();
            if let [last, owner] = last_two.as_slice() {
                if *last == "now" && matches!(*owner, "SystemTime" | "Instant" | "Utc" | "Local") {
                    self.found.get_or_insert("the clock");
                }
                if *last == "seed_from_u64" || *owner == "SmallRng" {
                    self.found.get_or_insert("a non-cryptographic generator");
                }
            }
            if name.starts_with("fastrand::") || name.starts_with("oorandom::") {
                self.found.get_or_insert("a non-cryptographic generator");
            }
            syn::visit::visit_path(self, path);
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
    let mut finder = Finder { file, found: None };
    finder.visit_expr(expr);
    finder.found
}

pub fn predictable_state_handle(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    struct Lets<'f, 'o> {
        file: &'f SourceFile,
        out: &'o mut Vec<Diagnostic>,
    }
    impl Lets<'_, '_> {
        fn judge(&mut self, name: &str, expr: &syn::Expr) {
            // A struct literal is judged field by field (`created_at: Utc::now()` is not its id).
            if matches!(expr, syn::Expr::Struct(_)) {
                return;
            }
            if handle_name(name)
                && let Some(what) = predictable(self.file, expr)
            {
                self.out.push(self.file.diagnostic(
                    &PREDICTABLE_STATE_HANDLE,
                    expr.span(),
                    format!("`{name}` is minted from {what}: other clients can guess it"),
                ));
            }
        }
    }
    impl<'a> Visit<'a> for Lets<'_, '_> {
        fn visit_local(&mut self, local: &'a syn::Local) {
            let name = match &local.pat {
                syn::Pat::Ident(i) => Some(i.ident.to_string()),
                syn::Pat::Type(t) => match &*t.pat {
                    syn::Pat::Ident(i) => Some(i.ident.to_string()),
                    _ => None,
                },
                _ => None,
            };
            if let (Some(name), Some(init)) = (name, &local.init) {
                self.judge(&name, &init.expr);
            }
            syn::visit::visit_local(self, local);
        }
        fn visit_field_value(&mut self, field: &'a syn::FieldValue) {
            if let syn::Member::Named(name) = &field.member {
                self.judge(&name.to_string(), &field.expr);
            }
            syn::visit::visit_field_value(self, field);
        }
    }
    Lets { file, out }.visit_file(&file.ast);
}

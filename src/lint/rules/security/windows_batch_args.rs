//! MCP410 windows-batch-args.

use std::collections::BTreeSet;

use syn::visit::Visit;

use super::flow::{root_call_expr, root_local};
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::literal;
use crate::lint::rules::transport::http::list_literals;
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static WINDOWS_BATCH_ARGS: RuleMeta = RuleMeta {
    code: "MCP410",
    name: "windows-batch-args",
    family: Family::Security,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "Applies only to a package whose `Cargo.toml` declares a `rust-version` below 1.77.2: since 1.77.2 the standard library escapes arguments for `.bat`/`.cmd` programs and refuses (`InvalidInput`) those it cannot escape, so the catalogue's pattern is safe there. A package without `rust-version` is not reported: it cannot depend on rmcp 3.x (MSRV 1.88) or use edition 2024 (Rust 1.85) with a vulnerable toolchain, and guessing the toolchain would report every batch call. The program must be a literal ending in `.bat` or `.cmd` given to `std::process::Command::new` or `tokio::process::Command::new`; its `.arg(..)`/`.args(..)` are followed along the builder chain and through a local holding it, within one function. A program name chosen at run time is MCP409's finding.",
    summary: "A Windows batch file (`.bat`/`.cmd`) run with non-literal arguments in a package that declares a `rust-version` older than 1.77.2 (BatBadBut, CVE-2024-24576).",
    why: "Windows runs batch files through `cmd.exe`, which re-parses the whole command line with its own rules; before Rust 1.77.2 the standard library quoted arguments for ordinary programs only, so a crafted argument (`\"&calc.exe`) ran arbitrary commands. A package whose `rust-version` allows older toolchains may be built with one of them.",
    example: "# Cargo.toml: rust-version = \"1.70\"\nCommand::new(\"scripts/convert.bat\").arg(&p.file_name).output()?;",
    fix: "Raise `rust-version` to 1.77.2 or later (and build with a current toolchain), or avoid batch files: run the real program directly, with arguments the tool validated against an allowlist.",
};

/// The first toolchain that escapes batch-file arguments.
const FIXED: (u64, u64, u64) = (1, 77, 2);

const COMMANDS: &[&str] = &["std::process::Command::new", "tokio::process::Command::new"];

pub fn windows_batch_args(file: &SourceFile, ctx: &CrateContext, out: &mut Vec<Diagnostic>) {
    if ctx.rust_version.is_none_or(|v| v >= FIXED)
        || !(file.text.contains_ignore_ascii_case(".bat")
            || file.text.contains_ignore_ascii_case(".cmd"))
    {
        return;
    }
    super::flow::each_fn_body(&file.ast, |block| {
        let mut body = Body {
            file,
            batch_locals: BTreeSet::new(),
            out: &mut *out,
        };
        body.visit_block(block);
    });
}

struct Body<'f, 'o> {
    file: &'f SourceFile,
    /// Locals holding a batch-file command.
    batch_locals: BTreeSet<String>,
    out: &'o mut Vec<Diagnostic>,
}

impl Body<'_, '_> {
    /// Whether a method chain starts at `Command::new("….bat")`, or at a local holding one.
    fn runs_batch(&self, expr: &syn::Expr) -> bool {
        if let Some(call) = root_call_expr(expr)
            && let syn::Expr::Path(p) = &*call.func
        {
            let resolved = self.file.resolve(&p.path);
            return COMMANDS.contains(&resolved.trim_start_matches("::"))
                && call.args.first().and_then(literal).is_some_and(|program| {
                    let program = program.to_ascii_lowercase();
                    program.ends_with(".bat") || program.ends_with(".cmd")
                });
        }
        root_local(expr).is_some_and(|l| self.batch_locals.contains(&l))
    }
}

impl<'a> Visit<'a> for Body<'_, '_> {
    fn visit_local(&mut self, local: &'a syn::Local) {
        if let (syn::Pat::Ident(name), Some(init)) = (&local.pat, &local.init)
            && self.runs_batch(&init.expr)
        {
            self.batch_locals.insert(name.ident.to_string());
        }
        syn::visit::visit_local(self, local);
    }

    fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
        let method = m.method.to_string();
        let dynamic = match method.as_str() {
            "arg" => m.args.first().is_some_and(|a| literal(a).is_none()),
            "args" => m.args.first().is_some_and(|a| list_literals(a).is_none()),
            _ => false,
        };
        if dynamic && self.runs_batch(&m.receiver) {
            self.out.push(
                self.file
                    .diagnostic(
                        &WINDOWS_BATCH_ARGS,
                        m.method.span(),
                        "a batch file gets a non-literal argument, and this package allows toolchains older than Rust 1.77.2, which do not escape it for cmd.exe",
                    )
                    .with_help("set `rust-version = \"1.77.2\"` or later in Cargo.toml, or run the real program instead of a batch file"),
            );
        }
        syn::visit::visit_expr_method_call(self, m);
    }

    // Nested functions are walked on their own.
    fn visit_item(&mut self, _: &'a syn::Item) {}
}

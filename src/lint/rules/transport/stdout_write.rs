//! MCP201 stdout-write-in-stdio-server.

use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static STDOUT_WRITE: RuleMeta = RuleMeta {
    code: "MCP201",
    name: "stdout-write-in-stdio-server",
    family: Family::Transport,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: false,
    limits: "",
    summary: "`println!`, `print!` or `std::io::stdout()` in a crate that serves MCP over stdio.",
    why: "In a stdio server stdout is the protocol: the specification says the server MUST NOT write anything to stdout that is not a valid MCP message. One stray line corrupts the stream and the client drops the connection.",
    example: "println!(\"server starting\");\nserver.serve(rmcp::transport::stdio_pipes()).await?;",
    fix: "Log with `tracing` (to stderr) or use `eprintln!`.",
};

pub fn stdout_write(file: &SourceFile, ctx: &CrateContext, out: &mut Vec<Diagnostic>) {
    // Build scripts talk to cargo over stdout (`cargo:rerun-if-changed=..`): not server code.
    if !ctx.stdio_server || file.path == "build.rs" || file.path.ends_with("/build.rs") {
        return;
    }
    struct Visitor<'f, 'o> {
        file: &'f SourceFile,
        out: &'o mut Vec<Diagnostic>,
    }
    impl<'ast> Visit<'ast> for Visitor<'_, '_> {
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            let name = mac
                .path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            if matches!(name.as_str(), "println" | "print") {
                self.out.push(self.file.diagnostic(
                    &STDOUT_WRITE,
                    mac.span(),
                    format!("`{name}!` writes to stdout, which carries the MCP protocol in this stdio server"),
                ));
            }
            // `writeln!(io::stdout(), ..)`: macro arguments are opaque to syn, so parse them.
            if let Ok(args) =
                mac.parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
            {
                for arg in &args {
                    self.visit_expr(arg);
                }
            }
        }
        fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
            if let syn::Expr::Path(func) = &*call.func
                && self.file.resolve(&func.path) == "std::io::stdout"
            {
                self.out.push(self.file.diagnostic(
                    &STDOUT_WRITE,
                    call.span(),
                    "`std::io::stdout()` in a stdio server: stdout carries the MCP protocol",
                ));
            }
            syn::visit::visit_expr_call(self, call);
        }
    }
    Visitor { file, out }.visit_file(&file.ast);
}

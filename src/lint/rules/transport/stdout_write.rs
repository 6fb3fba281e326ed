//! MCP201 stdout-write-in-stdio-server.

use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::edit::rust::Replacement;
use crate::lint::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

/// What "serves over stdio" follows, shared by the rules that apply only to stdio servers.
pub const STDIO_LIMITS: &str = "A crate serves over stdio when any of its files names one of rmcp's stdio transports (`rmcp::transport::stdio`, `stdio_pipes`, or the same under `rmcp::transport::io`) or pairs `tokio::io::stdin()` with `tokio::io::stdout()`. Paths are resolved, not searched as text: `use rmcp::{ServiceExt, transport::stdio};` … `.serve(stdio())`, renamed imports (`use rmcp::transport::io::stdio as s;`), globs of `rmcp::transport`, `self`/`super`/`crate` paths and `pub use` re-exports within the crate (module paths follow the file layout below `src/`) all count, in macro bodies too. Not followed: `#[path]` attributes, a dependency renamed in Cargo.toml (`mcp = { package = \"rmcp\" }`), a transport built in another crate of the workspace, and code a macro generates.";

pub static STDOUT_WRITE: RuleMeta = RuleMeta {
    code: "MCP201",
    name: "stdout-write-in-stdio-server",
    family: Family::Transport,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: Some(Applicability::Unsafe),
    limits: STDIO_LIMITS,
    summary: "`println!`, `print!` or `std::io::stdout()` in a crate that serves MCP over stdio.",
    why: "In a stdio server stdout is the protocol: the specification says the server MUST NOT write anything to stdout that is not a valid MCP message. One stray line corrupts the stream and the client drops the connection.",
    example: "use rmcp::{ServiceExt, transport::stdio};\n\nprintln!(\"server starting\");\nserver.serve(stdio()).await?;",
    fix: "Log with `tracing` (to stderr) or use `eprintln!`. `mcpforge lint --fix --unsafe-fixes` turns `println!`/`print!` into `eprintln!`/`eprint!` (unsafe: whatever read that output from stdout no longer gets it); `std::io::stdout()` writes are left to you.",
};

/// Runs on every file; the engine keeps the findings only in crates that serve over stdio.
pub fn stdout_write(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    // Build scripts talk to cargo over stdout (`cargo:rerun-if-changed=..`): not server code.
    if file.path == "build.rs" || file.path.ends_with("/build.rs") {
        return;
    }
    struct Visitor<'f, 'o> {
        file: &'f SourceFile,
        out: &'o mut Vec<Diagnostic>,
    }
    impl<'ast> Visit<'ast> for Visitor<'_, '_> {
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            let name = crate::lint::rules::tools::macro_name(mac);
            if matches!(name.as_str(), "println" | "print")
                && let Some(last) = mac.path.segments.last()
            {
                let mut d = self.file.diagnostic(
                    &STDOUT_WRITE,
                    mac.span(),
                    format!("`{name}!` writes to stdout, which carries the MCP protocol in this stdio server"),
                );
                let span = last.ident.span();
                d.fix = Some(Fix {
                    description: "print to stderr",
                    // Whoever read that output on stdout (a script, a test) no longer sees it.
                    applicability: Applicability::Unsafe,
                    edits: vec![Replacement {
                        range: self.file.offset(span.start())..self.file.offset(span.end()),
                        text: format!("e{name}"),
                    }],
                });
                self.out.push(d);
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

//! MCP407 string-prefix-containment.

use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static STRING_PREFIX_CONTAINMENT: RuleMeta = RuleMeta {
    code: "MCP407",
    name: "string-prefix-containment",
    family: Family::Security,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "Checking that a path lies under a root by comparing strings: `path.to_string_lossy().starts_with(root)` / `path.to_str()…starts_with(..)`.",
    why: "String prefixes confuse `/data/allowed` with `/data/allowed-evil`, ignore `..` and symlinks, and differ by normalisation — a known MCP filesystem-server vulnerability class.",
    example: "if !requested.to_string_lossy().starts_with(&root) { return Err(..) }",
    fix: "Open files through the platform's `FileOps` (capability handles beneath the root), or at least compare `Path` components after resolving.",
};

pub fn string_prefix_containment(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    struct Visitor<'f, 'o> {
        file: &'f SourceFile,
        out: &'o mut Vec<Diagnostic>,
    }
    impl<'a> Visit<'a> for Visitor<'_, '_> {
        fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
            if call.method == "starts_with" {
                let mut receiver: &syn::Expr = &call.receiver;
                let mut stringified = false;
                while let syn::Expr::MethodCall(m) = receiver {
                    stringified |= matches!(
                        m.method.to_string().as_str(),
                        "to_string_lossy" | "to_str" | "display"
                    );
                    receiver = &m.receiver;
                }
                if stringified {
                    self.out.push(self.file.diagnostic(
                        &STRING_PREFIX_CONTAINMENT,
                        call.span(),
                        "path containment checked on strings",
                    ));
                }
            }
            syn::visit::visit_expr_method_call(self, call);
        }
    }
    Visitor { file, out }.visit_file(&file.ast);
}

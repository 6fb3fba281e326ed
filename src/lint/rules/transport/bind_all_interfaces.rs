//! MCP205 bind-all-interfaces.

use syn::visit::Visit;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static BIND_ALL_INTERFACES: RuleMeta = RuleMeta {
    code: "MCP205",
    name: "bind-all-interfaces",
    family: Family::Transport,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "A listener bound to every interface (`0.0.0.0`, `[::]`, `Ipv4Addr::UNSPECIFIED`).",
    why: "The specification says local servers SHOULD bind only to localhost. A server on all interfaces is reachable from the whole network — with no auth configured, anyone on the Wi-Fi can call its tools.",
    example: "let listener = TcpListener::bind(\"0.0.0.0:8080\").await?;",
    fix: "Default to `127.0.0.1`; take the bind address from configuration for container deployments, where auth must be on.",
};

pub fn bind_all_interfaces(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    struct Visitor<'f, 'o> {
        file: &'f SourceFile,
        out: &'o mut Vec<Diagnostic>,
    }
    impl<'a> Visit<'a> for Visitor<'_, '_> {
        fn visit_lit_str(&mut self, lit: &'a syn::LitStr) {
            let v = lit.value();
            if v.starts_with("0.0.0.0:") || v == "0.0.0.0" || v.starts_with("[::]:") {
                self.out.push(self.file.diagnostic(
                    &BIND_ALL_INTERFACES,
                    lit.span(),
                    format!("`{v}` listens on every network interface"),
                ));
            }
        }
        fn visit_expr_path(&mut self, path: &'a syn::ExprPath) {
            let resolved = self.file.resolve(&path.path);
            if resolved.ends_with("Ipv4Addr::UNSPECIFIED")
                || resolved.ends_with("Ipv6Addr::UNSPECIFIED")
            {
                self.out.push(
                    self.file.diagnostic(
                        &BIND_ALL_INTERFACES,
                        path.path
                            .segments
                            .last()
                            .map_or_else(proc_macro2::Span::call_site, |s| s.ident.span()),
                        "an unspecified address listens on every network interface",
                    ),
                );
            }
        }
        fn visit_attribute(&mut self, _: &'a syn::Attribute) {}
    }
    Visitor { file, out }.visit_file(&file.ast);
}

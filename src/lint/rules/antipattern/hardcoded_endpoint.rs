//! MCP112 hardcoded-endpoint.

use syn::visit::Visit;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::is_item_module;
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static HARDCODED_ENDPOINT: RuleMeta = RuleMeta {
    code: "MCP112",
    name: "hardcoded-endpoint",
    family: Family::AntiPattern,
    severity: Severity::Info,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "A literal `http://` or `https://` URL of an upstream service in tool, resource or prompt code.",
    why: "The research's \"hard-coded config\" anti-pattern: endpoints differ between dev, staging and production; a literal pins every environment to one, and changing it needs a release.",
    example: "let url = \"https://api.internal.example.com/v2/forecast\";",
    fix: "Read the base URL from configuration (an environment variable with the project's prefix).",
};

pub fn hardcoded_endpoint(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    if !is_item_module(file) {
        return;
    }
    struct Visitor<'f, 'o> {
        file: &'f SourceFile,
        out: &'o mut Vec<Diagnostic>,
    }
    impl<'a> Visit<'a> for Visitor<'_, '_> {
        fn visit_lit_str(&mut self, lit: &'a syn::LitStr) {
            let value = lit.value();
            if value.starts_with("http://") || value.starts_with("https://") {
                self.out.push(self.file.diagnostic(
                    &HARDCODED_ENDPOINT,
                    lit.span(),
                    format!("hard-coded endpoint `{value}`"),
                ));
            }
        }
        // Doc comments are documentation, not configuration.
        fn visit_attribute(&mut self, _: &'a syn::Attribute) {}
    }
    Visitor { file, out }.visit_file(&file.ast);
}

//! MCP010 output-schema-contract.

use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::{item_fns, tool_args, wrapped_type};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static OUTPUT_SCHEMA_CONTRACT: RuleMeta = RuleMeta {
    code: "MCP010",
    name: "output-schema-contract",
    family: Family::Spec,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "Reads the `#[tool]` attribute, the declared return type and the body's `CallToolResult::structured(..)`/`structured_error(..)` calls (resolved through the file's `use` items, or written as `CallToolResult::…`). A tool returning `Json<T>` has a schema rmcp derives. Structured content built in another function and returned through it is not followed.",
    summary: "A tool with an explicit `output_schema` that never returns structured content (an error), or one that returns `CallToolResult::structured(..)` with no schema (info: use `Json<T>`).",
    why: "The specification says that when a tool declares an output schema, servers MUST return structured content that conforms to it; clients validate it and reject the call otherwise. Structured content without a schema is allowed, but clients cannot validate or plan with it, and `Json<T>` gives the schema for free.",
    example: "#[tool(output_schema = forecast_schema())]\nasync fn forecast(&self) -> String { .. }",
    fix: "Return `Json<T>` (rmcp derives the schema from `T`), or `CallToolResult::structured(..)` matching the declared schema; drop an `output_schema` the tool does not honour.",
};

pub fn output_schema_contract(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    for tool in item_fns(file, "tool") {
        let declared = tool_args(tool.func).into_iter().find_map(|m| match m {
            syn::Meta::NameValue(nv) if nv.path.is_ident("output_schema") => Some(nv.path.span()),
            _ => None,
        });
        let json = match &tool.func.sig.output {
            syn::ReturnType::Type(_, ty) => wrapped_type(ty, "Json").is_some(),
            syn::ReturnType::Default => false,
        };
        let structured = structured_calls(file, &tool.func.block);
        match declared {
            Some(span) if !json && structured.is_empty() => out.push(file.diagnostic(
                &OUTPUT_SCHEMA_CONTRACT,
                span,
                format!(
                    "tool `{}` declares an output schema but never returns structured content",
                    tool.name
                ),
            )),
            None if !json => {
                if let Some(span) = structured.first() {
                    let mut d = file
                        .diagnostic(
                            &OUTPUT_SCHEMA_CONTRACT,
                            *span,
                            format!(
                                "tool `{}` returns structured content with no output schema",
                                tool.name
                            ),
                        )
                        .with_help("return `Json<T>` so rmcp derives the schema from `T`");
                    d.severity = Severity::Info;
                    out.push(d);
                }
            }
            _ => {}
        }
    }
}

/// Where the block builds `CallToolResult::structured(..)` or `structured_error(..)`.
fn structured_calls(file: &SourceFile, block: &syn::Block) -> Vec<proc_macro2::Span> {
    struct Finder<'f> {
        file: &'f SourceFile,
        found: Vec<proc_macro2::Span>,
    }
    impl<'a> Visit<'a> for Finder<'_> {
        fn visit_expr_call(&mut self, call: &'a syn::ExprCall) {
            if let syn::Expr::Path(p) = &*call.func {
                let name = self.file.resolve(&p.path);
                if name.ends_with("CallToolResult::structured")
                    || name.ends_with("CallToolResult::structured_error")
                {
                    self.found.push(call.span());
                }
            }
            syn::visit::visit_expr_call(self, call);
        }
    }
    let mut finder = Finder {
        file,
        found: Vec::new(),
    };
    finder.visit_block(block);
    finder.found
}

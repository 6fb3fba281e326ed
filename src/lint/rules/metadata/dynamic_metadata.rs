//! MCP606 dynamic-metadata.

use syn::visit::Visit;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::{matches_path, tool_args};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};
use crate::lint::surface::{self, Surface};

pub static DYNAMIC_METADATA: RuleMeta = RuleMeta {
    code: "MCP606",
    name: "dynamic-metadata",
    family: Family::Metadata,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "Reads `description = ..`/`title = ..` in `#[tool]`/`#[prompt]` attributes and the arguments of `with_description`, `with_title`, `with_instructions` and `Tool::new`: an expression that calls into `std::env::var*`, `std::fs`, `tokio::fs` or `reqwest` (through the file's `use` items, inside `format!` too). `env!`, `include_str!` and constants are fixed at build time and reviewed with the code, so they are not reported. A value computed in another function and passed in is not followed. `lint --server` starts the server twice and reports metadata (descriptions, titles, parameter descriptions, server instructions) that differs between the two starts, however it is computed; metadata that reads something unchanged between the two starts is not caught that way.",
    summary: "A tool's description or title, or the server's instructions, read at run time from the environment, a file or the network.",
    why: "What the model reads about a tool is what decides when it is called and with what. Text that comes from a variable, a file or a URL can change after review and after the user approved the server (a \"rug pull\"): the same binary starts telling the model to do something else. Pinning tool descriptions (MCP608, mcp-scan) only helps when they are fixed.",
    example: "Tool::new(\"search\", std::env::var(\"SEARCH_DESCRIPTION\").unwrap_or_default(), schema)",
    fix: "Write descriptions as literals in the code (or `include_str!` a reviewed file); configure behaviour, not what the model is told.",
};

const RUNTIME_SOURCES: &[&str] = &[
    "std::env::var",
    "std::env::var_os",
    "std::env::vars",
    "std::fs::",
    "tokio::fs::",
    "reqwest::",
];

/// The runtime source an expression reads, if it reads one.
fn runtime_source(file: &SourceFile, expr: &syn::Expr) -> Option<String> {
    struct Finder<'f> {
        file: &'f SourceFile,
        found: Option<String>,
    }
    impl<'a> Visit<'a> for Finder<'_> {
        fn visit_expr_call(&mut self, call: &'a syn::ExprCall) {
            if let syn::Expr::Path(p) = &*call.func {
                let name = self.file.resolve(&p.path);
                let name = name.trim_start_matches("::");
                if matches_path(name, RUNTIME_SOURCES) && self.found.is_none() {
                    self.found = Some(name.to_string());
                }
            }
            syn::visit::visit_expr_call(self, call);
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

/// With `lint --server`: metadata that a second start of the server advertises differently.
pub fn dynamic_metadata_surface(surface: &Surface, out: &mut Vec<Diagnostic>) {
    let Some(again) = &surface.again else {
        return;
    };
    type Texts = std::collections::BTreeMap<(String, String), Vec<String>>;
    let texts = |s: &Surface| -> Texts {
        let mut texts = Texts::new();
        for (kind, name, text) in s.metadata() {
            texts.entry((kind, name)).or_default().push(text);
        }
        texts
    };
    let later = texts(again);
    for ((kind, name), text) in texts(surface) {
        if later
            .get(&(kind.clone(), name.clone()))
            .is_some_and(|t| *t != text)
        {
            out.push(surface::diagnostic(
                &DYNAMIC_METADATA,
                &kind,
                &name,
                format!("the metadata of `{name}` differs between two starts of the server: it is computed at run time"),
            ));
        }
    }
}

pub fn dynamic_metadata(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    struct Sites<'f, 'o> {
        file: &'f SourceFile,
        out: &'o mut Vec<Diagnostic>,
    }
    impl Sites<'_, '_> {
        fn judge(&mut self, what: &str, expr: &syn::Expr) {
            if let Some(source) = runtime_source(self.file, expr) {
                self.out.push(self.file.diagnostic(
                    &DYNAMIC_METADATA,
                    syn::spanned::Spanned::span(expr),
                    format!(
                        "{what} is read at run time from `{source}`: it can change after review"
                    ),
                ));
            }
        }
    }
    impl<'a> Visit<'a> for Sites<'_, '_> {
        fn visit_impl_item_fn(&mut self, func: &'a syn::ImplItemFn) {
            for meta in tool_args(func) {
                if let syn::Meta::NameValue(nv) = meta
                    && (nv.path.is_ident("description") || nv.path.is_ident("title"))
                {
                    self.judge(
                        &format!(
                            "the `{}` of `{}`",
                            quote::ToTokens::to_token_stream(&nv.path),
                            func.sig.ident
                        ),
                        &nv.value,
                    );
                }
            }
            syn::visit::visit_impl_item_fn(self, func);
        }
        fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
            let method = call.method.to_string();
            if matches!(
                method.as_str(),
                "with_description" | "with_title" | "with_instructions"
            ) {
                for arg in &call.args {
                    self.judge(&format!("`{method}(..)`"), arg);
                }
            }
            syn::visit::visit_expr_method_call(self, call);
        }
        fn visit_expr_call(&mut self, call: &'a syn::ExprCall) {
            if let syn::Expr::Path(p) = &*call.func
                && self.file.resolve(&p.path).ends_with("Tool::new")
                && let Some(description) = call.args.iter().nth(1)
            {
                self.judge("the description given to `Tool::new`", description);
            }
            syn::visit::visit_expr_call(self, call);
        }
        fn visit_macro(&mut self, mac: &'a syn::Macro) {
            // `vec![Tool::new(..), ..]`
            if let Ok(args) = mac.parse_body_with(
                syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
            ) {
                for arg in &args {
                    self.visit_expr(arg);
                }
            }
        }
    }
    Sites { file, out }.visit_file(&file.ast);
}

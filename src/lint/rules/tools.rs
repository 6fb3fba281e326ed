//! Finding MCP items in source: `#[tool]` and `#[prompt]` functions with their names,
//! descriptions and doc comments, and the metadata strings clients and models will read.

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::lint::source::SourceFile;

/// A `#[tool]` (or `#[prompt]`) function.
pub struct ItemFn<'a> {
    pub func: &'a syn::ImplItemFn,
    /// The name clients see: `name = ".."` in the attribute, else the function's name.
    pub name: String,
    pub name_span: Span,
    /// `description = ".."` in the attribute.
    pub description: Option<(String, Span)>,
    /// The doc comment, lines joined with `\n`.
    pub doc: String,
}

/// Every function carrying an attribute whose last path segment is `kind` (`tool`, `prompt`).
pub fn item_fns<'a>(file: &'a SourceFile, kind: &str) -> Vec<ItemFn<'a>> {
    struct Finder<'a, 'k> {
        kind: &'k str,
        found: Vec<ItemFn<'a>>,
    }
    impl<'a> Visit<'a> for Finder<'a, '_> {
        fn visit_impl_item_fn(&mut self, func: &'a syn::ImplItemFn) {
            let attr = func.attrs.iter().find(|a| {
                a.path()
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == self.kind)
            });
            if let Some(attr) = attr {
                let (mut name, mut name_span) = (func.sig.ident.to_string(), func.sig.ident.span());
                let mut description = None;
                if let syn::Meta::List(_) = &attr.meta
                    && let Ok(args) = attr
                        .parse_args_with(Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
                {
                    for arg in args {
                        if let syn::Meta::NameValue(nv) = arg
                            && let Some(s) = lit_str(&nv.value)
                        {
                            if nv.path.is_ident("name") {
                                (name, name_span) = (s.value(), s.span());
                            } else if nv.path.is_ident("description") {
                                description = Some((s.value(), s.span()));
                            }
                        }
                    }
                }
                self.found.push(ItemFn {
                    func,
                    name,
                    name_span,
                    description,
                    doc: doc_text(&func.attrs),
                });
            }
            syn::visit::visit_impl_item_fn(self, func);
        }
    }
    let mut finder = Finder {
        kind,
        found: Vec::new(),
    };
    finder.visit_file(&file.ast);
    finder.found
}

fn lit_str(expr: &syn::Expr) -> Option<&syn::LitStr> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s),
        _ => None,
    }
}

/// The text of `///` doc comments among `attrs`.
pub fn doc_text(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => lit_str(&nv.value).map(|s| s.value().trim().to_string()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Strings clients show to models: every doc comment (tool, prompt and parameter docs become
/// descriptions), string arguments of `#[tool]`/`#[prompt]` attributes, and literals passed to
/// `with_description`, `with_title` and `with_instructions`.
pub fn metadata_strings(file: &SourceFile) -> Vec<(String, Span)> {
    #[derive(Default)]
    struct Collector {
        found: Vec<(String, Span)>,
    }
    impl<'a> Visit<'a> for Collector {
        fn visit_attribute(&mut self, attr: &'a syn::Attribute) {
            let last = attr
                .path()
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            if attr.path().is_ident("doc") {
                if let syn::Meta::NameValue(nv) = &attr.meta
                    && let Some(s) = lit_str(&nv.value)
                {
                    self.found.push((s.value(), attr.span()));
                }
            } else if matches!(last.as_str(), "tool" | "prompt")
                && let syn::Meta::List(list) = &attr.meta
            {
                collect_lit_strs(list.tokens.clone(), &mut self.found);
            }
        }
        fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
            if matches!(
                call.method.to_string().as_str(),
                "with_description" | "with_title" | "with_instructions"
            ) {
                for arg in &call.args {
                    if let Some(s) = lit_str(arg) {
                        self.found.push((s.value(), s.span()));
                    }
                }
            }
            syn::visit::visit_expr_method_call(self, call);
        }
    }
    let mut collector = Collector::default();
    collector.visit_file(&file.ast);
    collector.found
}

/// String literals anywhere in an attribute's tokens (nested groups included).
pub fn collect_lit_strs(tokens: proc_macro2::TokenStream, out: &mut Vec<(String, Span)>) {
    for token in tokens {
        match token {
            proc_macro2::TokenTree::Literal(lit) => {
                if let Ok(s) = syn::parse_str::<syn::LitStr>(&lit.to_string()) {
                    out.push((s.value(), lit.span()));
                }
            }
            proc_macro2::TokenTree::Group(g) => collect_lit_strs(g.stream(), out),
            _ => {}
        }
    }
}

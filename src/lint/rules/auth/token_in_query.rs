//! MCP307 token-in-query.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;
use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static TOKEN_IN_QUERY: RuleMeta = RuleMeta {
    code: "MCP307",
    name: "token-in-query",
    family: Family::Auth,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "Looks at one file: a `Query<T>` extractor whose `T` is defined in another file is not seen. Query strings are recognised in string literals (also inside `format!` and other macros) and in `.query(&[(\"name\", ..)])` calls; a URL assembled with `Url::query_pairs_mut` is not followed.",
    summary: "An access token in a URL query string: a handler extracting `access_token`/`token`/`api_key` with `Query<T>`, or a URL built with `?access_token=` (or `.query(&[(\"access_token\", ..)])`).",
    why: "The MCP authorization spec says access tokens MUST NOT be in the URI query string (OAuth 2.1 §5.1.2): URLs end up in proxy and server logs, browser history and `Referer` headers, so a token there leaks to everyone who reads them.",
    example: "#[derive(Deserialize)]\nstruct Auth { access_token: String }\n\nasync fn mcp(Query(auth): Query<Auth>) { /* .. */ }",
    fix: "Take the token from the `Authorization: Bearer …` header (the platform's auth layer does), and send it that way (`.bearer_auth(token)`).",
};

/// Query parameter names that carry credentials.
const NAMES: &[&str] = &[
    "access_token",
    "token",
    "api_key",
    "apikey",
    "auth_token",
    "id_token",
    "bearer",
];

fn in_url() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"[?&](access_token|token|api_key|apikey|auth_token|id_token|bearer)=")
            .expect("valid pattern")
    })
}

pub fn token_in_query(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    if !NAMES.iter().any(|n| file.text.contains(n)) {
        return;
    }
    // Structs with a credential field, by name.
    struct Structs(BTreeMap<String, String>);
    impl<'a> Visit<'a> for Structs {
        fn visit_item_struct(&mut self, item: &'a syn::ItemStruct) {
            for field in &item.fields {
                if let Some(ident) = &field.ident {
                    let name = serde_name(&field.attrs).unwrap_or_else(|| ident.to_string());
                    if NAMES.contains(&name.as_str()) {
                        self.0.insert(item.ident.to_string(), name);
                    }
                }
            }
        }
    }
    let mut structs = Structs(BTreeMap::new());
    structs.visit_file(&file.ast);

    struct Walk<'f, 'o> {
        file: &'f SourceFile,
        structs: BTreeMap<String, String>,
        out: &'o mut Vec<Diagnostic>,
    }
    impl Walk<'_, '_> {
        fn literal(&mut self, lit: &syn::LitStr) {
            if let Some(m) = in_url().captures(&lit.value()) {
                self.out.push(self.file.diagnostic(
                    &TOKEN_IN_QUERY,
                    lit.span(),
                    format!("`{}` in a URL query string: URLs are logged", &m[1]),
                ));
            }
        }
    }
    impl<'a> Visit<'a> for Walk<'_, '_> {
        fn visit_type_path(&mut self, ty: &'a syn::TypePath) {
            if let Some(last) = ty.path.segments.last()
                && last.ident == "Query"
                && let syn::PathArguments::AngleBracketed(args) = &last.arguments
            {
                for arg in &args.args {
                    if let syn::GenericArgument::Type(syn::Type::Path(inner)) = arg
                        && let Some(name) = inner.path.segments.last()
                        && let Some(field) = self.structs.get(&name.ident.to_string())
                    {
                        self.out.push(self.file.diagnostic(
                            &TOKEN_IN_QUERY,
                            ty.span(),
                            format!(
                                "`Query<{}>` reads `{field}` from the URL query string",
                                name.ident
                            ),
                        ));
                    }
                }
            }
            syn::visit::visit_type_path(self, ty);
        }
        fn visit_lit_str(&mut self, lit: &'a syn::LitStr) {
            self.literal(lit);
        }
        fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
            if call.method == "query"
                && let Some(arg) = call.args.first()
            {
                let text = quote::ToTokens::to_token_stream(arg).to_string();
                if let Some(name) = NAMES.iter().find(|n| text.contains(&format!("\"{n}\""))) {
                    self.out.push(self.file.diagnostic(
                        &TOKEN_IN_QUERY,
                        call.span(),
                        format!("`{name}` sent as a query parameter: URLs are logged"),
                    ));
                }
            }
            syn::visit::visit_expr_method_call(self, call);
        }
        fn visit_macro(&mut self, mac: &'a syn::Macro) {
            // `format!("{base}?access_token={t}")` and other macro bodies.
            fn literals(tokens: proc_macro2::TokenStream, found: &mut Vec<syn::LitStr>) {
                for tree in tokens {
                    match tree {
                        proc_macro2::TokenTree::Literal(l) => {
                            if let Ok(s) = syn::parse_str::<syn::LitStr>(&l.to_string()) {
                                let mut s = s;
                                s.set_span(l.span());
                                found.push(s);
                            }
                        }
                        proc_macro2::TokenTree::Group(g) => literals(g.stream(), found),
                        _ => {}
                    }
                }
            }
            let mut found = Vec::new();
            literals(mac.tokens.clone(), &mut found);
            for lit in &found {
                self.literal(lit);
            }
        }
    }
    Walk {
        file,
        structs: structs.0,
        out,
    }
    .visit_file(&file.ast);
}

/// `#[serde(rename = "..")]` on a field.
fn serde_name(attrs: &[syn::Attribute]) -> Option<String> {
    let mut name = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                name = Some(lit.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    name
}

//! MCP014 sensitive-param-as-header.

use proc_macro2::{Span, TokenStream, TokenTree};

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static SENSITIVE_PARAM_AS_HEADER: RuleMeta = RuleMeta {
    code: "MCP014",
    name: "sensitive-param-as-header",
    family: Family::Spec,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "Two shapes: a struct field carrying `x-mcp-header` in one of its attributes (`#[schemars(extend(\"x-mcp-header\" = ..))]`), judged by the field's name or its `#[serde(rename)]`; and a `json!` object property holding an `x-mcp-header` key, judged by the property's name. A name is sensitive when it contains `password`, `passwd`, `secret`, `token`, `api_key`/`apikey`/`api-key`, `auth`, `cookie`, `credential`, `private_key` or `ssn`. Schemas built another way (serde_json::Map inserts) are not read; `lint --server` does not check this yet.",
    summary: "A tool parameter whose name says it is a secret (token, password, API key, cookie…) mapped to an HTTP header with `x-mcp-header`.",
    why: "The 2026-07-28 specification lets a tool parameter travel as an HTTP header (`x-mcp-header`) and warns against doing so for sensitive values: headers are logged by proxies, load balancers and tracing, forwarded further than bodies, and the model — which fills in parameters — would be handling the secret in the first place.",
    example: "pub struct Params {\n    #[schemars(extend(\"x-mcp-header\" = \"X-Api-Key\"))]\n    pub api_key: String,\n}",
    fix: "Keep secrets out of tool parameters: the server takes credentials from its configuration or the authenticated session; drop `x-mcp-header` from such a field.",
};

const HEADER: &str = "x-mcp-header";

fn sensitive(name: &str) -> bool {
    let lower = name.to_ascii_lowercase().replace('-', "_");
    let words = [
        "password",
        "passwd",
        "secret",
        "token",
        "api_key",
        "apikey",
        "cookie",
        "credential",
        "private_key",
    ];
    // `auth` and `ssn` as whole words: not `author`, not `lessness`.
    words.iter().any(|w| lower.contains(w))
        || lower
            .split('_')
            .any(|w| matches!(w, "auth" | "authorization" | "authentication" | "ssn"))
}

pub fn sensitive_param_as_header(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    if !file.text.contains(HEADER) {
        return;
    }
    struct Finder<'f, 'o> {
        file: &'f SourceFile,
        out: &'o mut Vec<Diagnostic>,
    }
    impl Finder<'_, '_> {
        fn report(&mut self, name: &str, span: Span) {
            self.out.push(self.file.diagnostic(
                &SENSITIVE_PARAM_AS_HEADER,
                span,
                format!(
                    "parameter `{name}` looks secret but is sent as an HTTP header (`{HEADER}`)"
                ),
            ));
        }
        /// `"key": { .. "x-mcp-header" .. }` inside a `json!` body.
        fn json(&mut self, tokens: TokenStream) {
            let trees: Vec<TokenTree> = tokens.into_iter().collect();
            for (i, tree) in trees.iter().enumerate() {
                match tree {
                    TokenTree::Literal(lit) => {
                        let Ok(key) = syn::parse_str::<syn::LitStr>(&lit.to_string()) else {
                            continue;
                        };
                        let colon = matches!(trees.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':');
                        if let (true, Some(TokenTree::Group(g))) = (colon, trees.get(i + 2))
                            && sensitive(&key.value())
                            && g.stream().to_string().contains(&format!("\"{HEADER}\""))
                        {
                            self.report(&key.value(), lit.span());
                        }
                    }
                    TokenTree::Group(g) => self.json(g.stream()),
                    _ => {}
                }
            }
        }
    }
    impl<'a> syn::visit::Visit<'a> for Finder<'_, '_> {
        fn visit_field(&mut self, field: &'a syn::Field) {
            let attrs = field
                .attrs
                .iter()
                .map(|a| quote::ToTokens::to_token_stream(a).to_string())
                .collect::<Vec<_>>()
                .join(" ");
            if attrs.contains(HEADER)
                && let Some(ident) = &field.ident
            {
                let renamed = attrs
                    .split("rename = \"")
                    .nth(1)
                    .and_then(|r| r.split('"').next())
                    .map(str::to_string);
                let name = renamed.unwrap_or_else(|| ident.to_string());
                if sensitive(&name) {
                    self.report(&name, ident.span());
                }
            }
            syn::visit::visit_field(self, field);
        }
        fn visit_macro(&mut self, mac: &'a syn::Macro) {
            if crate::lint::rules::tools::macro_name(mac) == "json" {
                self.json(mac.tokens.clone());
            }
        }
    }
    syn::visit::Visit::visit_file(&mut Finder { file, out }, &file.ast);
}

#[cfg(test)]
mod tests {
    #[test]
    fn sensitive_names() {
        for n in ["api_key", "apiKey", "X-Auth", "password", "session_cookie"] {
            assert!(super::sensitive(n), "{n}");
        }
        for n in ["region", "tenant", "trace_id", "author_id"] {
            assert!(!super::sensitive(n), "{n}");
        }
    }
}

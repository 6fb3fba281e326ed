//! MCP113 secret-not-wrapped.

use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::macro_name;
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static SECRET_NOT_WRAPPED: RuleMeta = RuleMeta {
    code: "MCP113",
    name: "secret-not-wrapped",
    family: Family::AntiPattern,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "Two shapes. A field named like a secret (ending in `token`, `secret`, `password`, `passwd`, `api_key`, `apikey` or `credential(s)`) typed `String`, `&str` or `Option<String>` in a struct that derives `Debug`. And a `tracing` event, `println!`/`eprintln!` or `panic!` whose arguments name such a variable or field (`token = %token`, `{api_key}`, `cfg.password`); `format!` is left alone, since it also builds the `Bearer {token}` value a secret is for. Names like `token_count` or `password_hint` are not secrets; a secret under another name, or logged through a function, is not seen.",
    summary: "A secret (token, password, API key) kept as a plain `String` in a `Debug` struct, or written into a log line.",
    why: "`#[derive(Debug)]` prints every field, so the first `{:?}` of the configuration — in a panic message, an error chain, a debug log — writes the secret to logs that many people and systems can read (OWASP MCP Top 10, MCP01). `secrecy::SecretString` prints `[REDACTED]` and makes reading the value an explicit `expose_secret()`.",
    example: "#[derive(Debug, Deserialize)]\npub struct Settings {\n    pub upstream_token: String,\n}",
    fix: "Type the field `secrecy::SecretString` (it deserializes from a string; the service template does this), and log something derived instead (a hash prefix, the principal).",
};

fn secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let lower = lower.trim_start_matches('_');
    [
        "token",
        "secret",
        "password",
        "passwd",
        "api_key",
        "apikey",
        "credential",
        "credentials",
    ]
    .iter()
    .any(|s| lower == *s || lower.ends_with(&format!("_{s}")))
}

fn plain_string(ty: &syn::Type) -> bool {
    let text = quote::ToTokens::to_token_stream(ty)
        .to_string()
        .replace(' ', "");
    matches!(
        text.as_str(),
        "String" | "&str" | "&'staticstr" | "Option<String>" | "std::string::String"
    )
}

/// Macros whose output is read by people and log pipelines. `format!` is not among them: it
/// also builds the `Bearer {token}` header value a secret is for.
const LOGGING: &[&str] = &[
    "trace", "debug", "info", "warn", "error", "event", "println", "eprintln", "print", "eprint",
    "panic",
];

pub fn secret_not_wrapped(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    struct Finder<'f, 'o> {
        file: &'f SourceFile,
        out: &'o mut Vec<Diagnostic>,
    }
    impl<'a> Visit<'a> for Finder<'_, '_> {
        fn visit_item_struct(&mut self, item: &'a syn::ItemStruct) {
            let debug = item.attrs.iter().any(|a| {
                a.path().is_ident("derive")
                    && quote::ToTokens::to_token_stream(&a.meta)
                        .to_string()
                        .split(|c: char| !c.is_alphanumeric())
                        .any(|w| w == "Debug")
            });
            if debug {
                for field in &item.fields {
                    if let Some(ident) = &field.ident
                        && secret_name(&ident.to_string())
                        && plain_string(&field.ty)
                    {
                        self.out.push(self.file.diagnostic(
                            &SECRET_NOT_WRAPPED,
                            ident.span(),
                            format!(
                                "`{ident}` is a plain string in `{}`, which derives `Debug`: printing it prints the secret",
                                item.ident
                            ),
                        ));
                    }
                }
            }
            syn::visit::visit_item_struct(self, item);
        }
        fn visit_macro(&mut self, mac: &'a syn::Macro) {
            let name = macro_name(mac);
            if !LOGGING.contains(&name.as_str()) {
                return;
            }
            let named = secret_in(mac.tokens.clone());
            if let Some(secret) = named {
                self.out.push(self.file.diagnostic(
                    &SECRET_NOT_WRAPPED,
                    mac.path.span(),
                    format!("`{name}!` writes `{secret}` into its output"),
                ));
            }
        }
    }
    Finder { file, out }.visit_file(&file.ast);
}

/// The first secret-looking name among a macro's identifiers and the `{name}` placeholders of
/// its string literals (the words of a message, "token expired", are not names).
fn secret_in(tokens: proc_macro2::TokenStream) -> Option<String> {
    for tree in tokens {
        match tree {
            proc_macro2::TokenTree::Ident(i) if secret_name(&i.to_string()) => {
                return Some(i.to_string());
            }
            proc_macro2::TokenTree::Literal(lit) => {
                let Ok(s) = syn::parse_str::<syn::LitStr>(&lit.to_string()) else {
                    continue;
                };
                let value = s.value();
                for piece in value.split('{').skip(1) {
                    let name = piece.split(['}', ':']).next().unwrap_or_default().trim();
                    if secret_name(name) {
                        return Some(name.to_string());
                    }
                }
            }
            proc_macro2::TokenTree::Group(g) => {
                if let Some(found) = secret_in(g.stream()) {
                    return Some(found);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn secret_names() {
        for n in [
            "token",
            "upstream_token",
            "api_key",
            "DB_PASSWORD",
            "client_secret",
        ] {
            assert!(super::secret_name(n), "{n}");
        }
        for n in [
            "token_count",
            "password_hint",
            "tokens_used",
            "secretary",
            "tokenizer",
        ] {
            assert!(!super::secret_name(n), "{n}");
        }
    }
}

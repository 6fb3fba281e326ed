//! MCP306 missing-protected-resource-metadata.

use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::lint::FileFacts;
use crate::lint::diagnostic::{Diagnostic, Position, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static MISSING_PROTECTED_RESOURCE_METADATA: RuleMeta = RuleMeta {
    code: "MCP306",
    name: "missing-protected-resource-metadata",
    family: Family::Auth,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "A judgement over each program of the package (a binary with the library it links, or the library alone). Bearer authentication is recognised by `jsonwebtoken::decode`, a `TypedHeader<Authorization<Bearer>>` extractor or `typed_get::<Authorization<Bearer>>()`, `strip_prefix(\"Bearer \")` and tower-http's `ValidateRequestHeaderLayer::bearer`; the metadata route and the challenge by string literals containing `/.well-known/oauth-protected-resource` and `resource_metadata` (in macros too). Metadata served by a gateway in front of the server is not seen: suppress the finding with that reason.",
    summary: "Bearer authentication without OAuth protected-resource metadata: no `/.well-known/oauth-protected-resource` route, or 401 challenges without `WWW-Authenticate: Bearer resource_metadata=\"…\"`.",
    why: "The MCP authorization spec says servers MUST implement OAuth 2.0 Protected Resource Metadata (RFC 9728) and MUST point to it from the `WWW-Authenticate` header of a 401: that is how a client discovers which authorization server to ask for a token. Without them, spec-following clients cannot authenticate at all, and teams fall back to pasting long-lived tokens into configuration.",
    example: "let claims = jsonwebtoken::decode::<Claims>(token, &key, &validation)?;\n// no /.well-known/oauth-protected-resource route; 401 with a bare `WWW-Authenticate: Bearer`",
    fix: "Serve `/.well-known/oauth-protected-resource` (resource, authorization_servers, scopes_supported) and answer 401 with `WWW-Authenticate: Bearer resource_metadata=\"https://…/.well-known/oauth-protected-resource\"`.",
};

const ROUTE: &str = "/.well-known/oauth-protected-resource";

/// What one file says about bearer authentication and its discovery metadata.
#[derive(Debug, Clone, Default)]
pub struct AuthFacts {
    /// Where the file first authenticates bearer tokens.
    pub bearer: Option<(Position, Position)>,
    /// It names the metadata route.
    pub metadata_route: bool,
    /// It names `resource_metadata` (the challenge's parameter).
    pub challenge: bool,
}

impl AuthFacts {
    pub fn of(file: &SourceFile) -> Self {
        let text = &file.text;
        let mut facts = Self {
            metadata_route: text.contains(ROUTE),
            challenge: text.contains("resource_metadata"),
            ..Self::default()
        };
        if !(text.contains("Bearer") || text.contains("decode")) {
            return facts;
        }
        struct Walk<'f> {
            file: &'f SourceFile,
            bearer: Option<proc_macro2::Span>,
        }
        impl Walk<'_> {
            fn found(&mut self, span: proc_macro2::Span) {
                self.bearer.get_or_insert(span);
            }
        }
        impl<'a> Visit<'a> for Walk<'_> {
            fn visit_expr_call(&mut self, call: &'a syn::ExprCall) {
                if let syn::Expr::Path(p) = &*call.func {
                    let path = self.file.resolve(&p.path);
                    if path == "jsonwebtoken::decode"
                        || path.ends_with("ValidateRequestHeaderLayer::bearer")
                    {
                        self.found(call.span());
                    }
                }
                syn::visit::visit_expr_call(self, call);
            }
            fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
                let bearer_prefix = call.method == "strip_prefix"
                    && call.args.first().is_some_and(|a| matches!(a, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) if s.value().trim().eq_ignore_ascii_case("bearer")));
                let typed = call.method == "typed_get"
                    && quote::ToTokens::to_token_stream(&call.turbofish)
                        .to_string()
                        .contains("Bearer");
                if bearer_prefix || typed {
                    self.found(call.span());
                }
                syn::visit::visit_expr_method_call(self, call);
            }
            fn visit_type_path(&mut self, ty: &'a syn::TypePath) {
                let text = quote::ToTokens::to_token_stream(ty)
                    .to_string()
                    .replace(' ', "");
                if text.contains("Authorization<Bearer>") {
                    self.found(ty.span());
                }
            }
        }
        let mut walk = Walk { file, bearer: None };
        walk.visit_file(&file.ast);
        facts.bearer = walk.bearer.map(|span| file.range(span));
        facts
    }

    /// Adds what the file's next part says (a large file is checked a part at a time): the
    /// first bearer authentication stays the file's first.
    pub fn extend(&mut self, part: AuthFacts) {
        self.bearer = self.bearer.or(part.bearer);
        self.metadata_route |= part.metadata_route;
        self.challenge |= part.challenge;
    }
}

pub fn missing_protected_resource_metadata(
    files: &[&FileFacts],
    _: &CrateContext,
    out: &mut Vec<Diagnostic>,
) {
    let Some((path, (start, end))) = files
        .iter()
        .find_map(|f| f.auth.bearer.map(|at| (f.path.clone(), at)))
    else {
        return;
    };
    if !files.iter().any(|f| f.auth.metadata_route) {
        out.push(
            Diagnostic::new(
                &MISSING_PROTECTED_RESOURCE_METADATA,
                path.clone(),
                start,
                end,
                format!("bearer authentication, but this crate serves no `{ROUTE}`: clients cannot discover where to get a token"),
            )
            .with_help("serve RFC 9728 metadata (resource, authorization_servers, scopes_supported)"),
        );
    } else if !files.iter().any(|f| f.auth.challenge) {
        out.push(
            Diagnostic::new(
                &MISSING_PROTECTED_RESOURCE_METADATA,
                path,
                start,
                end,
                "bearer authentication, but no 401 names `resource_metadata` in `WWW-Authenticate`",
            )
            .with_help(format!(
                "answer 401 with `WWW-Authenticate: Bearer resource_metadata=\"https://…{ROUTE}\"`"
            )),
        );
    }
}

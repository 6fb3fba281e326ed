//! MCP204 origin-validation-off.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::visit::Visit;

use super::http::{is_rmcp_http_config, list_literals};
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static ORIGIN_VALIDATION_OFF: RuleMeta = RuleMeta {
    code: "MCP204",
    name: "origin-validation-off",
    family: Family::Transport,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "The configuration is rmcp 3.11's `StreamableHttpServerConfig`, found through resolved paths (`StreamableHttpServerConfig::default()`, a struct literal, or a `let` typed with it, under `rmcp::transport` or `rmcp::transport::streamable_http_server`). Each function is read as one configuration: it sets origins when it calls `with_allowed_origins(..)` or `enforce_origin_validation()` or names the `allowed_origins` field. A function that returns the config (its return type names `StreamableHttpServerConfig`) is left to its callers, which are not followed: the origins they set, or fail to set, are not seen. A list read from configuration at run time is trusted to be non-empty: an empty `HTTP_ALLOWED_ORIGINS` still disables validation, which this rule cannot see. An Origin check written by hand in an axum layer instead of rmcp's is not recognised; suppress the finding with that reason.",
    summary: "Streamable HTTP without Origin validation: rmcp's config built without `with_allowed_origins(..)`/`enforce_origin_validation()` (warning), `disable_allowed_origins()` or an empty list (error), or an allowed origin without a port (info: deprecated any-port match).",
    why: "The Streamable HTTP transport says servers MUST validate the `Origin` header of incoming connections: without it, any web page the user opens can post to a local MCP server from the browser (DNS rebinding and cross-site requests). rmcp 3.11 leaves Origin validation off by default for backward compatibility: an empty `allowed_origins` list disables it, and only a non-empty list or `enforce_origin_validation()` turns it on. An entry without a port (`https://app.example.com`) still matches any port, which rmcp deprecates: a future release will match only the scheme's default port.",
    example: "let config = StreamableHttpServerConfig::default()\n    .with_allowed_hosts([\"mcp.example.com\"]);\nlet open = StreamableHttpServerConfig::default().disable_allowed_origins();",
    fix: "List the browser origins that may call the server, with their ports: `.with_allowed_origins([\"https://app.example.com:443\", \"http://localhost:*\"])`; for server-to-server use only, `.enforce_origin_validation()` rejects every request that carries an `Origin`.",
};

pub fn origin_validation_off(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    if !file.text.contains("StreamableHttpServerConfig")
        && !file.text.contains("allowed_origins")
        && !file.text.contains("origin_validation")
    {
        return;
    }
    struct Functions<'f, 'o> {
        file: &'f SourceFile,
        out: &'o mut Vec<Diagnostic>,
    }
    impl<'a> Visit<'a> for Functions<'_, '_> {
        fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
            judge(self.file, &f.sig, &f.block, self.out);
            syn::visit::visit_item_fn(self, f);
        }
        fn visit_impl_item_fn(&mut self, f: &'a syn::ImplItemFn) {
            judge(self.file, &f.sig, &f.block, self.out);
            syn::visit::visit_impl_item_fn(self, f);
        }
    }
    Functions { file, out }.visit_file(&file.ast);
}

/// Judges one function: its configuration calls are read together.
fn judge(file: &SourceFile, sig: &syn::Signature, block: &syn::Block, out: &mut Vec<Diagnostic>) {
    let mut walk = Walk {
        file,
        built: None,
        configured: false,
        enforced: false,
        disabled: Vec::new(),
        empty: Vec::new(),
        portless: Vec::new(),
    };
    walk.visit_block(block);
    // A function that returns the config hands it to a caller, which may set the origins.
    let returns_config = match &sig.output {
        syn::ReturnType::Type(_, ty) => {
            let mut types = TypePaths(file, false);
            types.visit_type(ty);
            types.1
        }
        syn::ReturnType::Default => false,
    };
    for span in &walk.disabled {
        let mut d = file.diagnostic(
            &ORIGIN_VALIDATION_OFF,
            *span,
            "`disable_allowed_origins()` lets any web page's requests through: Origin is not validated",
        );
        d.severity = Severity::Error;
        out.push(d.with_help("list the allowed origins with `with_allowed_origins([..])`"));
    }
    if !walk.enforced {
        for span in &walk.empty {
            let mut d = file.diagnostic(
                &ORIGIN_VALIDATION_OFF,
                *span,
                "an empty allowed-origins list disables Origin validation in rmcp",
            );
            d.severity = Severity::Error;
            out.push(d.with_help(
                "list the allowed origins, or call `enforce_origin_validation()` to refuse every Origin",
            ));
        }
    }
    if let (Some(span), false, false) = (walk.built, walk.configured, returns_config) {
        out.push(
            file.diagnostic(
                &ORIGIN_VALIDATION_OFF,
                span,
                "this Streamable HTTP config never sets allowed origins: rmcp does not validate `Origin` by default",
            )
            .with_help("add `.with_allowed_origins([\"https://app.example.com:443\"])` or `.enforce_origin_validation()`"),
        );
    }
    for (value, span) in &walk.portless {
        let mut d = file.diagnostic(
            &ORIGIN_VALIDATION_OFF,
            *span,
            format!(
                "allowed origin `{value}` has no port: it matches any port (deprecated in rmcp)"
            ),
        );
        d.severity = Severity::Info;
        out.push(d.with_help(format!(
            "write an explicit port (`{value}:443`), or `{value}:*` for any port"
        )));
    }
}

/// Whether a type names rmcp's config anywhere (`Result<StreamableHttpServerConfig, _>`).
struct TypePaths<'f>(&'f SourceFile, bool);

impl<'a> Visit<'a> for TypePaths<'_> {
    fn visit_type_path(&mut self, ty: &'a syn::TypePath) {
        self.1 |= is_rmcp_http_config(&self.0.resolve(&ty.path));
        syn::visit::visit_type_path(self, ty);
    }
}

struct Walk<'f> {
    file: &'f SourceFile,
    /// Where the file first builds rmcp's Streamable HTTP config.
    built: Option<Span>,
    /// It sets allowed origins (or enforces validation) somewhere.
    configured: bool,
    enforced: bool,
    disabled: Vec<Span>,
    empty: Vec<Span>,
    portless: Vec<(String, Span)>,
}

impl Walk<'_> {
    fn origins(&mut self, list: &syn::Expr, at: Span) {
        self.configured = true;
        match list_literals(list) {
            Some(entries) if entries.is_empty() => self.empty.push(at),
            Some(entries) => {
                for (value, span) in entries {
                    if is_portless_origin(&value) {
                        self.portless.push((value, span));
                    }
                }
            }
            None => {}
        }
    }
}

impl<'a> Visit<'a> for Walk<'_> {
    fn visit_expr_call(&mut self, call: &'a syn::ExprCall) {
        if let syn::Expr::Path(p) = &*call.func
            && is_rmcp_http_config(&self.file.resolve(&p.path))
        {
            self.built.get_or_insert(call.span());
        }
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_expr_struct(&mut self, lit: &'a syn::ExprStruct) {
        if is_rmcp_http_config(&self.file.resolve(&lit.path)) {
            self.built.get_or_insert(lit.path.span());
            for field in &lit.fields {
                if let syn::Member::Named(name) = &field.member
                    && name == "allowed_origins"
                {
                    self.origins(&field.expr, field.span());
                }
            }
        }
        syn::visit::visit_expr_struct(self, lit);
    }

    fn visit_local(&mut self, local: &'a syn::Local) {
        // `let config: StreamableHttpServerConfig = Default::default();`
        if let syn::Pat::Type(typed) = &local.pat
            && let syn::Type::Path(ty) = &*typed.ty
            && is_rmcp_http_config(&self.file.resolve(&ty.path))
        {
            self.built.get_or_insert(ty.span());
        }
        syn::visit::visit_local(self, local);
    }

    fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
        match call.method.to_string().as_str() {
            "with_allowed_origins" => {
                if let Some(list) = call.args.first() {
                    self.origins(list, call.method.span());
                }
            }
            "enforce_origin_validation" => {
                self.configured = true;
                self.enforced = true;
            }
            "disable_allowed_origins" => {
                // Disabling is a decision about origins: reported as such, not as "never set".
                self.configured = true;
                self.disabled.push(call.method.span());
            }
            _ => {}
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_field(&mut self, field: &'a syn::ExprField) {
        if let syn::Member::Named(name) = &field.member
            && name == "allowed_origins"
        {
            self.configured = true;
        }
        syn::visit::visit_expr_field(self, field);
    }

    fn visit_expr_assign(&mut self, assign: &'a syn::ExprAssign) {
        if let syn::Expr::Field(f) = &*assign.left
            && let syn::Member::Named(name) = &f.member
            && name == "allowed_origins"
        {
            self.origins(&assign.right, assign.span());
        }
        syn::visit::visit_expr_assign(self, assign);
    }

    // Nested functions are judged on their own.
    fn visit_item(&mut self, _: &'a syn::Item) {}
}

/// Whether an allowed-origin entry names no port (`https://app.example.com`), which rmcp 3.11
/// matches against any port and deprecates. `null`, `:*` and explicit ports are fine.
fn is_portless_origin(value: &str) -> bool {
    let Some((_, rest)) = value.split_once("://") else {
        return false;
    };
    let authority = rest.split('/').next().unwrap_or(rest);
    let after_host = match authority.strip_prefix('[') {
        Some(v6) => v6.split_once(']').map_or("", |(_, after)| after),
        None => authority.find(':').map_or("", |i| &authority[i..]),
    };
    !authority.is_empty() && after_host.is_empty()
}

#[cfg(test)]
mod tests {
    use super::is_portless_origin;

    #[test]
    fn origins_without_ports_are_told_apart() {
        assert!(is_portless_origin("https://app.example.com"));
        assert!(is_portless_origin("http://[::1]"));
        assert!(!is_portless_origin("https://app.example.com:443"));
        assert!(!is_portless_origin("http://localhost:*"));
        assert!(!is_portless_origin("http://[::1]:*"));
        assert!(!is_portless_origin("null"));
    }
}

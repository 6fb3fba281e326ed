//! MCP211 spoofable-rate-limit-key.

use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static SPOOFABLE_RATE_LIMIT_KEY: RuleMeta = RuleMeta {
    code: "MCP211",
    name: "spoofable-rate-limit-key",
    family: Family::Transport,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "Matches `tower_governor`'s `SmartIpKeyExtractor` as a value (`.key_extractor(SmartIpKeyExtractor)`) through resolved paths (a `use` of it, a glob of `tower_governor::key_extractor`, or the full path); the type named only in a signature or turbofish is not reported; a key extractor of your own that reads `X-Forwarded-For` is not recognised. Set `trusted-proxy = true` under `[lint.options]` when a proxy you run overwrites these headers.",
    summary: "A rate limit keyed by `tower_governor`'s `SmartIpKeyExtractor` (client-supplied forwarding headers) without `trusted-proxy = true` in the lint options.",
    why: "`SmartIpKeyExtractor` takes the client address from `X-Forwarded-For`, `X-Real-IP` or `Forwarded` when present. Unless a proxy you control overwrites those headers, any client can send a different address on every request and get a fresh bucket each time: the rate limit (which the specification requires for tool calls) limits nothing. tower_governor's documentation says to use it only behind a trusted provider.",
    example: "let config = GovernorConfigBuilder::default()\n    .key_extractor(SmartIpKeyExtractor)\n    .finish()\n    .unwrap();",
    fix: "Key the limit by the authenticated principal, or by `PeerIpKeyExtractor` (the socket's address); behind a reverse proxy that sets these headers, say so with `trusted-proxy = true` in `[lint.options]`.",
};

pub fn spoofable_rate_limit_key(file: &SourceFile, ctx: &CrateContext, out: &mut Vec<Diagnostic>) {
    if ctx.options.trusted_proxy || !file.text.contains("SmartIpKeyExtractor") {
        return;
    }
    let globbed = file
        .glob_imports()
        .iter()
        .any(|g| g.trim_start_matches("::").starts_with("tower_governor"));
    struct Walk<'f, 'o> {
        file: &'f SourceFile,
        globbed: bool,
        out: &'o mut Vec<Diagnostic>,
    }
    impl Walk<'_, '_> {
        fn path(&mut self, path: &syn::Path) {
            let resolved = self.file.resolve(path);
            let resolved = resolved.trim_start_matches("::");
            let smart = resolved.ends_with("SmartIpKeyExtractor")
                && (resolved.starts_with("tower_governor::")
                    || (self.globbed && resolved == "SmartIpKeyExtractor"));
            if smart {
                self.out.push(
                    self.file
                        .diagnostic(
                            &SPOOFABLE_RATE_LIMIT_KEY,
                            path.span(),
                            "`SmartIpKeyExtractor` keys the rate limit by client-supplied forwarding headers: any client can pick a fresh key",
                        )
                        .with_help("key by principal or `PeerIpKeyExtractor`; behind your own proxy set `trusted-proxy = true` in [lint.options]"),
                );
            }
        }
    }
    impl<'a> Visit<'a> for Walk<'_, '_> {
        fn visit_expr_path(&mut self, p: &'a syn::ExprPath) {
            self.path(&p.path);
        }
        // Types are not reported: a signature naming the extractor goes with a value of it.
        fn visit_type(&mut self, _: &'a syn::Type) {}
        fn visit_expr_struct(&mut self, s: &'a syn::ExprStruct) {
            self.path(&s.path);
            syn::visit::visit_expr_struct(self, s);
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
    Walk { file, globbed, out }.visit_file(&file.ast);
}

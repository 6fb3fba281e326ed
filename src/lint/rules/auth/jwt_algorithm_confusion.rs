//! MCP304 jwt-algorithm-confusion.

use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static JWT_ALGORITHM_CONFUSION: RuleMeta = RuleMeta {
    code: "MCP304",
    name: "jwt-algorithm-confusion",
    family: Family::Auth,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "Judged per function, on `jsonwebtoken`'s API. The catalogue asked for \"HS* together with RSA/EC/JWKS keys, or mixed families in `algorithms`\"; on reflection jsonwebtoken 9 and later refuse to verify when any allowed algorithm's family differs from the key's, so a mixed list is a broken validation (every token is rejected) rather than a hole, and this rule reports what still lets a forger in: an HMAC key made from public key material (the classic RS256→HS256 confusion, where the verifier's public key becomes the shared secret), and an HMAC algorithm allowed in the same function that loads a public key. Mixed families are still reported, as the bug they are. A secret is judged public by the names it is built from (`pem`, `public`, `pubkey`, `jwk`, `jwks`, `cert`, `x5c`, `modulus`, `.pub`).",
    summary: "JWT algorithm confusion: an HMAC (`HS*`) key built from public key material, an `HS*` algorithm allowed where a public key is loaded, or one validation mixing HMAC with RSA/EC/EdDSA algorithms.",
    why: "With HMAC the verification key is the signing key. If the key is something public — the RSA or EC public key from a PEM or a JWKS — anyone can sign tokens the server accepts (RFC 8725 §2.1, §3.1). Allowing `HS256` next to `RS256` invites exactly that mix-up, and a validation that lists both families rejects every token in jsonwebtoken 9+.",
    example: "let key = DecodingKey::from_secret(public_pem.as_bytes());\nlet validation = Validation::new(Algorithm::HS256);",
    fix: "Pin one asymmetric family for tokens from an authorization server (`Validation::new(Algorithm::RS256)` with `DecodingKey::from_rsa_pem`/`from_jwk`), and keep HMAC only with a random secret that is never published.",
};

/// `DecodingKey` constructors of public keys.
const PUBLIC_KEYS: &[&str] = &[
    "from_rsa_pem",
    "from_rsa_der",
    "from_rsa_components",
    "from_rsa_raw_components",
    "from_ec_pem",
    "from_ec_der",
    "from_ec_components",
    "from_ed_pem",
    "from_ed_der",
    "from_ed_components",
    "from_jwk",
];

/// Words in an expression that say it holds public key material.
const PUBLIC_WORDS: &[&str] = &[
    "pem", "public", "pubkey", "jwk", "cert", "x5c", "modulus", ".pub",
];

pub fn jwt_algorithm_confusion(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    if !file.text.contains("Algorithm") && !file.text.contains("DecodingKey") {
        return;
    }
    struct Visitor<'f, 'o> {
        file: &'f SourceFile,
        out: &'o mut Vec<Diagnostic>,
    }
    #[derive(Default)]
    struct Scan {
        /// `Algorithm::HS*` mentions.
        hmac: Vec<proc_macro2::Span>,
        public_key: bool,
        public_secret: Vec<proc_macro2::Span>,
        mixed: Vec<proc_macro2::Span>,
    }
    struct Walk<'f> {
        file: &'f SourceFile,
        scan: Scan,
    }
    impl Walk<'_> {
        fn families(&self, elems: &[syn::Expr]) -> (bool, bool) {
            let (mut hmac, mut public) = (false, false);
            for e in elems {
                if let syn::Expr::Path(p) = e
                    && let Some(last) = p.path.segments.last()
                {
                    let name = last.ident.to_string();
                    hmac |= name.starts_with("HS");
                    public |= ["RS", "PS", "ES", "EdDSA"]
                        .iter()
                        .any(|f| name.starts_with(f));
                }
            }
            (hmac, public)
        }
    }
    impl<'a> Visit<'a> for Walk<'_> {
        fn visit_expr_path(&mut self, p: &'a syn::ExprPath) {
            let path = self.file.resolve(&p.path);
            if path.contains("Algorithm::HS") {
                self.scan.hmac.push(p.span());
            }
        }
        fn visit_expr_call(&mut self, call: &'a syn::ExprCall) {
            if let syn::Expr::Path(p) = &*call.func {
                let path = self.file.resolve(&p.path);
                if let Some(name) = path
                    .strip_prefix("jsonwebtoken::DecodingKey::")
                    .or_else(|| path.strip_prefix("DecodingKey::"))
                {
                    if PUBLIC_KEYS.contains(&name) {
                        self.scan.public_key = true;
                    }
                    if matches!(name, "from_secret" | "from_base64_secret")
                        && let Some(arg) = call.args.first()
                    {
                        let text = quote::ToTokens::to_token_stream(arg)
                            .to_string()
                            .to_lowercase()
                            .replace(' ', "");
                        if PUBLIC_WORDS.iter().any(|w| text.contains(w)) {
                            self.scan.public_secret.push(call.span());
                        }
                    }
                }
            }
            syn::visit::visit_expr_call(self, call);
        }
        fn visit_expr_array(&mut self, a: &'a syn::ExprArray) {
            let elems: Vec<syn::Expr> = a.elems.iter().cloned().collect();
            if self.families(&elems) == (true, true) {
                self.scan.mixed.push(a.span());
            }
            syn::visit::visit_expr_array(self, a);
        }
        fn visit_macro(&mut self, mac: &'a syn::Macro) {
            if let Ok(args) = mac.parse_body_with(
                syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
            ) {
                let args: Vec<syn::Expr> = args.into_iter().collect();
                if mac.path.is_ident("vec") && self.families(&args) == (true, true) {
                    self.scan.mixed.push(mac.span());
                }
                for arg in &args {
                    self.visit_expr(arg);
                }
            }
        }
    }
    impl Visitor<'_, '_> {
        fn check_body(&mut self, block: &syn::Block) {
            let mut walk = Walk {
                file: self.file,
                scan: Scan::default(),
            };
            walk.visit_block(block);
            let scan = walk.scan;
            for span in scan.public_secret {
                self.out.push(self.file.diagnostic(
                    &JWT_ALGORITHM_CONFUSION,
                    span,
                    "an HMAC key made from public key material: anyone who has the public key can sign tokens",
                ));
            }
            let mut mixed = false;
            for span in scan.mixed {
                mixed = true;
                self.out.push(self.file.diagnostic(
                    &JWT_ALGORITHM_CONFUSION,
                    span,
                    "HMAC and public-key algorithms in one list: jsonwebtoken rejects every token, and the mix invites key confusion",
                ));
            }
            if scan.public_key && !mixed {
                for span in scan.hmac {
                    self.out.push(self.file.diagnostic(
                        &JWT_ALGORITHM_CONFUSION,
                        span,
                        "an HMAC algorithm allowed where a public key is loaded: pin the key's own family",
                    ));
                }
            }
        }
    }
    impl<'a> Visit<'a> for Visitor<'_, '_> {
        fn visit_item_fn(&mut self, item: &'a syn::ItemFn) {
            self.check_body(&item.block);
        }
        fn visit_impl_item_fn(&mut self, item: &'a syn::ImplItemFn) {
            self.check_body(&item.block);
        }
    }
    Visitor { file, out }.visit_file(&file.ast);
}

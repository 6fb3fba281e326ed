//! MCP303 jwt-signature-disabled.

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::calls;
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static JWT_SIGNATURE_DISABLED: RuleMeta = RuleMeta {
    code: "MCP303",
    name: "jwt-signature-disabled",
    family: Family::Auth,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "JWT signature checking switched off: `insecure_disable_signature_validation()` or `dangerous_insecure_decode*`.",
    why: "Without the signature check anyone can write their own token with any subject, scopes and audience: authentication is decoration.",
    example: "validation.insecure_disable_signature_validation();",
    fix: "Validate against the identity provider's JWKS with pinned algorithms; keep unverified decoding to tests.",
};

pub fn jwt_signature_disabled(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    for call in calls(file) {
        let last = call.name.rsplit("::").next().unwrap_or_default();
        if last == "insecure_disable_signature_validation"
            || last.starts_with("dangerous_insecure_decode")
        {
            out.push(file.diagnostic(
                &JWT_SIGNATURE_DISABLED,
                call.span,
                format!("`{last}` accepts tokens anyone can forge"),
            ));
        }
    }
}

//! MCP309 tls-verification-disabled.

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::{calls, literal};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static TLS_VERIFICATION_DISABLED: RuleMeta = RuleMeta {
    code: "MCP309",
    name: "tls-verification-disabled",
    family: Family::Auth,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "`danger_accept_invalid_certs(true)` or `danger_accept_invalid_hostnames(true)` on an HTTP client.",
    why: "Turning off certificate checks lets anyone on the path impersonate the upstream: the server then hands them the data and credentials it sends (CWE-295).",
    example: "let client = reqwest::Client::builder().danger_accept_invalid_certs(true).build()?;",
    fix: "Trust the upstream's CA with `add_root_certificate(..)` instead of disabling verification.",
};

pub fn tls_verification_disabled(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    for call in calls(file).iter().filter(|c| c.method) {
        let dangerous = matches!(
            call.name.as_str(),
            "danger_accept_invalid_certs" | "danger_accept_invalid_hostnames"
        );
        if dangerous && call.args.first().and_then(literal).as_deref() != Some("false") {
            out.push(file.diagnostic(
                &TLS_VERIFICATION_DISABLED,
                call.span,
                format!("`{}` turns TLS verification off", call.name),
            ));
        }
    }
}

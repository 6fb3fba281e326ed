//! MCP203 host-validation-disabled.

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::calls;
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static HOST_VALIDATION_DISABLED: RuleMeta = RuleMeta {
    code: "MCP203",
    name: "host-validation-disabled",
    family: Family::Transport,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "DNS-rebinding protection turned off: `disable_allowed_hosts()` or an empty allowed-hosts list on the Streamable HTTP service.",
    why: "Without Host validation, any web page a user visits can rebind a hostname to 127.0.0.1 and drive a local MCP server from the browser (the conformance suite's dns-rebinding-protection scenario; rmcp fixed this class of bug in a security advisory).",
    example: "let config = StreamableHttpServerConfig::default().disable_allowed_hosts();",
    fix: "Keep the default loopback list, or list the real hostnames with `with_allowed_hosts([\"mcp.example.com\"])`.",
};

pub fn host_validation_disabled(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    for call in calls(file).iter().filter(|c| c.method) {
        let empty_list = call.name == "with_allowed_hosts"
            && call.args.first().is_some_and(|a| {
                let text = quote::ToTokens::to_token_stream(a)
                    .to_string()
                    .replace(' ', "");
                matches!(
                    text.as_str(),
                    "vec![]" | "Vec::new()" | "[]" | "Vec::<String>::new()" | "Vec::<&str>::new()"
                )
            });
        if call.name == "disable_allowed_hosts" || empty_list {
            out.push(file.diagnostic(
                &HOST_VALIDATION_DISABLED,
                call.span,
                "Host header validation is off: DNS rebinding can reach this server",
            ));
        }
    }
}

//! MCP405 handwritten-ip-check.

use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::tools::{calls, literal};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static HANDWRITTEN_IP_CHECK: RuleMeta = RuleMeta {
    code: "MCP405",
    name: "handwritten-ip-check",
    family: Family::Security,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "SSRF filtering done on strings: `host.starts_with(\"10.\")`, `\"127.\"`, `\"192.168.\"`, `\"169.254.\"`, `\"localhost\"`.",
    why: "Addresses have many spellings: `0177.0.0.1`, `2130706433`, `[::ffff:127.0.0.1]` and DNS names that resolve inward all pass a string prefix check. Decisions must be made on parsed, resolved addresses — the platform's `UrlFetcher` does that.",
    example: "if url.host_str().unwrap().starts_with(\"10.\") { return Err(..) }",
    fix: "Fetch through the platform's `UrlFetcher`, which checks every resolved address against a table of blocked ranges.",
};

const PREFIXES: &[&str] = &[
    "10.",
    "127.",
    "192.168.",
    "169.254.",
    "172.16.",
    "0.",
    "localhost",
    "::1",
    "fc00",
    "fd00",
];

pub fn handwritten_ip_check(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    for call in calls(file)
        .iter()
        .filter(|c| c.method && matches!(c.name.as_str(), "starts_with" | "ends_with" | "contains"))
    {
        if let Some(value) = call.args.first().and_then(literal)
            && PREFIXES.contains(&value.as_str())
        {
            out.push(file.diagnostic(
                &HANDWRITTEN_IP_CHECK,
                call.span,
                format!("string check for `{value}` is not an address check"),
            ));
        }
    }
}

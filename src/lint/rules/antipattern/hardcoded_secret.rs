//! MCP111 hardcoded-secret.

use std::sync::OnceLock;

use regex::Regex;
use syn::visit::Visit;

use crate::lint::ProjectFiles;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};
use crate::lint::source::{CrateContext, SourceFile};

pub static HARDCODED_SECRET: RuleMeta = RuleMeta {
    code: "MCP111",
    name: "hardcoded-secret",
    family: Family::AntiPattern,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "A credential in source or deployment files: cloud keys, GitHub/GitLab/Slack tokens, API keys, private keys, JWTs — in string literals, Dockerfiles, compose/Kubernetes/workflow YAML, `mcp.json` or `.env.example`.",
    why: "A secret in source is in every clone, build log and container layer, and cannot be rotated without a release. The research calls hard-coded config and secrets an anti-pattern; the platform reads secrets from the environment into `secrecy` types.",
    example: "let client = Client::new(\"ghp_0123456789abcdefghijklmnopqrstuvwxyz\");",
    fix: "Read the value from configuration (an environment variable with the project's prefix) and revoke the leaked credential.",
};

/// (kind, pattern): well-known credential formats.
const PATTERNS: &[(&str, &str)] = &[
    (
        "AWS access key id",
        r"\b(A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b",
    ),
    ("GitHub token", r"\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b"),
    (
        "GitHub fine-grained token",
        r"\bgithub_pat_[A-Za-z0-9_]{22,}",
    ),
    ("GitLab token", r"\bglpat-[A-Za-z0-9_-]{20,}"),
    ("Slack token", r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    ("API secret key", r"\bsk-(ant-|proj-)?[A-Za-z0-9_-]{20,}"),
    ("private key", r"-----BEGIN ([A-Z]+ )?PRIVATE KEY-----"),
    (
        "JSON Web Token",
        r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
    ),
];

fn patterns() -> &'static [(&'static str, Regex)] {
    static COMPILED: OnceLock<Vec<(&'static str, Regex)>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        PATTERNS
            .iter()
            .map(|(kind, p)| (*kind, Regex::new(p).expect("valid pattern")))
            .collect()
    })
}

pub fn hardcoded_secret(file: &SourceFile, _: &CrateContext, out: &mut Vec<Diagnostic>) {
    struct Visitor<'f, 'o> {
        file: &'f SourceFile,
        out: &'o mut Vec<Diagnostic>,
    }
    impl Visitor<'_, '_> {
        fn check(&mut self, value: &str, span: proc_macro2::Span) {
            if let Some((kind, m)) = patterns()
                .iter()
                .find_map(|(kind, re)| re.find(value).map(|m| (kind, m)))
            {
                let shown: String = m.as_str().chars().take(6).collect();
                self.out.push(self.file.diagnostic(
                    &HARDCODED_SECRET,
                    span,
                    format!("string literal looks like a credential ({kind}: `{shown}…`)"),
                ));
            }
        }
    }
    impl<'ast> Visit<'ast> for Visitor<'_, '_> {
        fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
            self.check(&lit.value(), lit.span());
        }
        // Macro arguments (`format!`, `json!`, ..) are opaque to syn: scan their literals.
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            let mut literals = Vec::new();
            crate::lint::rules::tools::collect_lit_strs(mac.tokens.clone(), &mut literals);
            for (value, span) in literals {
                self.check(&value, span);
            }
        }
    }
    Visitor { file, out }.visit_file(&file.ast);
}

/// The same patterns in deployment and configuration files: Dockerfiles (`ENV`, `ARG`), compose
/// and Kubernetes YAML, workflows, `mcp.json`, `.env.example` and manifests. `.env` itself holds
/// real secrets by design and is covered by MCP508 (it must be git-ignored).
pub fn hardcoded_secret_in_files(files: &ProjectFiles, out: &mut Vec<Diagnostic>) {
    for (path, text) in files.named(|n| n != ".env" && n != "Cargo.lock") {
        for (index, line) in text.lines().enumerate() {
            if let Some((kind, m)) = patterns()
                .iter()
                .find_map(|(kind, re)| re.find(line).map(|m| (kind, m)))
            {
                let shown: String = m.as_str().chars().take(6).collect();
                out.push(ProjectFiles::diagnostic(
                    &HARDCODED_SECRET,
                    path,
                    index + 1,
                    format!("line looks like it holds a credential ({kind}: `{shown}…`)"),
                ));
            }
        }
    }
}

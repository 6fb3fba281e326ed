//! The rule registry: every rule's metadata and check, in one static array ordered by code.
//!
//! Each rule lives in its own module under its family's folder, with its documentation written
//! once beside its check (`--explain` and `docs/rules/` are generated from it). Unit tests keep
//! the array ordered and every rule documented and covered by fixtures.

mod antipattern;
pub(crate) mod auth;
mod manifest;
pub mod metadata;
pub(crate) mod security;
pub(crate) mod spec;
pub(crate) mod tools;
pub(crate) mod transport;

pub use super::diagnostic::Applicability;
use super::diagnostic::{Diagnostic, Severity};
use super::source::{CrateContext, SourceFile};

/// Rule families, by hundreds of the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// MCP0xx: the tool surface against the MCP specification.
    Spec,
    /// MCP1xx: the platform research's anti-patterns.
    AntiPattern,
    /// MCP2xx: transport and deployment security.
    Transport,
    /// MCP3xx: authorization and token handling.
    Auth,
    /// MCP4xx: bypasses of the platform's security abstractions.
    Security,
    /// MCP5xx: manifests, lockfiles and deployment files.
    Manifest,
    /// MCP6xx: tool-metadata poisoning.
    Metadata,
    /// MCP9xx: the linter itself.
    Meta,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Spec => "tool surface vs the MCP spec",
            Family::AntiPattern => "anti-patterns",
            Family::Transport => "transport and deployment",
            Family::Auth => "authorization and tokens",
            Family::Security => "SSRF, file and execution safety",
            Family::Manifest => "manifests and deploy files",
            Family::Metadata => "tool-metadata poisoning",
            Family::Meta => "meta",
        }
    }
}

/// Whether a rule runs by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Stable,
    /// Heuristic rules: only with `--preview`.
    Preview,
}

/// What a rule knows about everything: code, name, defaults and documentation.
#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub family: Family,
    pub severity: Severity,
    pub status: Status,
    /// Whether `--fix` can fix its findings, and whether the fix keeps the code's behaviour
    /// (safe) or may change it (unsafe: only with `--unsafe-fixes`).
    pub autofix: Option<Applicability>,
    /// What the check does not see (data flow it does not follow); empty when nothing to say.
    pub limits: &'static str,
    /// One line: what the rule reports.
    pub summary: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// Code that triggers it.
    pub example: &'static str,
    /// How to fix it.
    pub fix: &'static str,
}

/// How a rule is checked.
pub enum Check {
    /// Per parsed file.
    Source(fn(&SourceFile, &CrateContext, &mut Vec<Diagnostic>)),
    /// Per parsed file, kept only when the crate serves MCP over stdio (a fact of the whole
    /// crate, known once every file is parsed: see [`super::facts`]).
    InStdioServer(fn(&SourceFile, &CrateContext, &mut Vec<Diagnostic>)),
    /// Over all parsed files of a crate at once (counts, cross-file facts).
    Crate(fn(&[&super::FileFacts], &CrateContext, &mut Vec<Diagnostic>)),
    /// Over the project's non-Rust files (manifests, lockfile, Dockerfiles, `.env`, YAML).
    Files(fn(&super::ProjectFiles, &mut Vec<Diagnostic>)),
    /// Both: per parsed file, and over the non-Rust files.
    SourceAndFiles(
        fn(&SourceFile, &CrateContext, &mut Vec<Diagnostic>),
        fn(&super::ProjectFiles, &mut Vec<Diagnostic>),
    ),
    /// Reported by the engine itself (parse failures, suppressions).
    Engine,
}

pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: Check,
    /// The same rule judged on what a running server advertises (`lint --server`).
    pub surface: Option<fn(&super::surface::Surface, &mut Vec<Diagnostic>)>,
}

/// Every rule, ordered by code.
pub static RULES: &[Rule] = &[
    Rule {
        meta: &spec::INVALID_TOOL_NAME,
        check: Check::Source(spec::invalid_tool_name),
        surface: Some(spec::invalid_tool_name_surface),
    },
    Rule {
        meta: &spec::TOOL_NAME_TOO_LONG,
        check: Check::Source(spec::tool_name_too_long),
        surface: Some(spec::tool_name_too_long_surface),
    },
    Rule {
        meta: &spec::DUPLICATE_TOOL_NAME,
        check: Check::Crate(spec::duplicate_tool_name),
        surface: None,
    },
    Rule {
        meta: &spec::MISSING_TOOL_DESCRIPTION,
        check: Check::Source(spec::missing_tool_description),
        surface: Some(spec::missing_tool_description_surface),
    },
    Rule {
        meta: &spec::WEAK_TOOL_DESCRIPTION,
        check: Check::Source(spec::weak_tool_description),
        surface: Some(spec::weak_tool_description_surface),
    },
    Rule {
        meta: &spec::UNDOCUMENTED_PARAMETER,
        check: Check::Source(spec::undocumented_parameter),
        surface: Some(spec::undocumented_parameter_surface),
    },
    Rule {
        meta: &spec::CONTRADICTORY_ANNOTATIONS,
        check: Check::Source(spec::contradictory_annotations),
        surface: None,
    },
    Rule {
        meta: &spec::MUTATING_TOOL_WITHOUT_ANNOTATIONS,
        check: Check::Source(spec::mutating_tool_without_annotations),
        surface: None,
    },
    Rule {
        meta: &spec::OPEN_WORLD_HINT_MISMATCH,
        check: Check::Source(spec::open_world_hint_mismatch),
        surface: None,
    },
    Rule {
        meta: &spec::OUTPUT_SCHEMA_CONTRACT,
        check: Check::Source(spec::output_schema_contract),
        surface: None,
    },
    Rule {
        meta: &spec::NON_OBJECT_OUTPUT_SCHEMA,
        check: Check::Source(spec::non_object_output_schema),
        surface: None,
    },
    Rule {
        meta: &spec::NON_OBJECT_INPUT_SCHEMA,
        check: Check::Source(spec::non_object_input_schema),
        surface: None,
    },
    Rule {
        meta: &spec::NONDETERMINISTIC_TOOL_ORDER,
        check: Check::Source(spec::nondeterministic_tool_order),
        surface: Some(spec::nondeterministic_tool_order_surface),
    },
    Rule {
        meta: &spec::SENSITIVE_PARAM_AS_HEADER,
        check: Check::Source(spec::sensitive_param_as_header),
        surface: None,
    },
    Rule {
        meta: &spec::BUSINESS_ERROR_AS_PROTOCOL_ERROR,
        check: Check::Source(spec::business_error_as_protocol_error),
        surface: None,
    },
    Rule {
        meta: &antipattern::LLM_FOR_DETERMINISTIC_TASK,
        check: Check::Source(antipattern::llm_for_deterministic_task),
        surface: None,
    },
    Rule {
        meta: &antipattern::FAT_TOOL,
        check: Check::Source(antipattern::fat_tool),
        surface: None,
    },
    Rule {
        meta: &antipattern::GOD_SERVER,
        check: Check::Crate(antipattern::god_server),
        surface: None,
    },
    Rule {
        meta: &antipattern::PLATFORM_BYPASS,
        check: Check::Source(antipattern::platform_bypass),
        surface: None,
    },
    Rule {
        meta: &antipattern::GLOBAL_MUTABLE_STATE,
        check: Check::Source(antipattern::global_mutable_state),
        surface: None,
    },
    Rule {
        meta: &antipattern::PREDICTABLE_STATE_HANDLE,
        check: Check::Source(antipattern::predictable_state_handle),
        surface: None,
    },
    Rule {
        meta: &antipattern::BLOCKING_CALL_IN_ASYNC,
        check: Check::Source(antipattern::blocking_call_in_async),
        surface: None,
    },
    Rule {
        meta: &antipattern::LOCK_HELD_ACROSS_AWAIT,
        check: Check::Source(antipattern::lock_held_across_await),
        surface: None,
    },
    Rule {
        meta: &antipattern::MISSING_GRACEFUL_SHUTDOWN,
        check: Check::Source(antipattern::missing_graceful_shutdown),
        surface: None,
    },
    Rule {
        meta: &antipattern::CLIENT_PER_CALL,
        check: Check::Source(antipattern::client_per_call),
        surface: None,
    },
    Rule {
        meta: &antipattern::HARDCODED_SECRET,
        check: Check::SourceAndFiles(
            antipattern::hardcoded_secret,
            antipattern::hardcoded_secret_in_files,
        ),
        surface: None,
    },
    Rule {
        meta: &antipattern::HARDCODED_ENDPOINT,
        check: Check::Source(antipattern::hardcoded_endpoint),
        surface: None,
    },
    Rule {
        meta: &antipattern::SECRET_NOT_WRAPPED,
        check: Check::Source(antipattern::secret_not_wrapped),
        surface: None,
    },
    Rule {
        meta: &transport::STDOUT_WRITE,
        check: Check::InStdioServer(transport::stdout_write),
        surface: None,
    },
    Rule {
        meta: &transport::TRACING_TO_STDOUT,
        check: Check::InStdioServer(transport::tracing_to_stdout),
        surface: None,
    },
    Rule {
        meta: &transport::HOST_VALIDATION_DISABLED,
        check: Check::Source(transport::host_validation_disabled),
        surface: None,
    },
    Rule {
        meta: &transport::ORIGIN_VALIDATION_OFF,
        check: Check::Source(transport::origin_validation_off),
        surface: None,
    },
    Rule {
        meta: &transport::BIND_ALL_INTERFACES,
        check: Check::Source(transport::bind_all_interfaces),
        surface: None,
    },
    Rule {
        meta: &transport::HTTP_WITHOUT_AUTH,
        check: Check::Crate(transport::http_without_auth),
        surface: None,
    },
    Rule {
        meta: &transport::PERMISSIVE_CORS,
        check: Check::Source(transport::permissive_cors),
        surface: None,
    },
    Rule {
        meta: &transport::MISSING_TIMEOUTS,
        check: Check::Crate(transport::missing_timeouts),
        surface: None,
    },
    Rule {
        meta: &transport::MISSING_RATE_LIMIT,
        check: Check::Crate(transport::missing_rate_limit),
        surface: None,
    },
    Rule {
        meta: &transport::UNBOUNDED_BODY,
        check: Check::Source(transport::unbounded_body),
        surface: None,
    },
    Rule {
        meta: &transport::SPOOFABLE_RATE_LIMIT_KEY,
        check: Check::Source(transport::spoofable_rate_limit_key),
        surface: None,
    },
    Rule {
        meta: &transport::STATIC_BEARER_LAYER,
        check: Check::Source(transport::static_bearer_layer),
        surface: None,
    },
    Rule {
        meta: &transport::SESSION_ID_MISUSE,
        check: Check::Source(transport::session_id_misuse),
        surface: None,
    },
    Rule {
        meta: &transport::TCP_NODELAY_MISSING,
        check: Check::Source(transport::tcp_nodelay_missing),
        surface: None,
    },
    Rule {
        meta: &auth::JWT_AUDIENCE_UNCHECKED,
        check: Check::Source(auth::jwt_audience_unchecked),
        surface: None,
    },
    Rule {
        meta: &auth::JWT_ISSUER_UNCHECKED,
        check: Check::Source(auth::jwt_issuer_unchecked),
        surface: None,
    },
    Rule {
        meta: &auth::JWT_SIGNATURE_DISABLED,
        check: Check::Source(auth::jwt_signature_disabled),
        surface: None,
    },
    Rule {
        meta: &auth::JWT_ALGORITHM_CONFUSION,
        check: Check::Source(auth::jwt_algorithm_confusion),
        surface: None,
    },
    Rule {
        meta: &auth::TOKEN_PASSTHROUGH,
        check: Check::Source(auth::token_passthrough),
        surface: None,
    },
    Rule {
        meta: &auth::MISSING_PROTECTED_RESOURCE_METADATA,
        check: Check::Crate(auth::missing_protected_resource_metadata),
        surface: None,
    },
    Rule {
        meta: &auth::TOKEN_IN_QUERY,
        check: Check::Source(auth::token_in_query),
        surface: None,
    },
    Rule {
        meta: &auth::WILDCARD_SCOPE,
        check: Check::Source(auth::wildcard_scope),
        surface: None,
    },
    Rule {
        meta: &auth::TLS_VERIFICATION_DISABLED,
        check: Check::Source(auth::tls_verification_disabled),
        surface: None,
    },
    Rule {
        meta: &security::UNGUARDED_OUTBOUND_URL,
        check: Check::Source(security::unguarded_outbound_url),
        surface: None,
    },
    Rule {
        meta: &security::CHECK_THEN_FETCH,
        check: Check::Source(security::check_then_fetch),
        surface: None,
    },
    Rule {
        meta: &security::UNVALIDATED_REDIRECTS,
        check: Check::Source(security::unvalidated_redirects),
        surface: None,
    },
    Rule {
        meta: &security::PROXY_BYPASSES_RESOLVER,
        check: Check::Source(security::proxy_bypasses_resolver),
        surface: None,
    },
    Rule {
        meta: &security::HANDWRITTEN_IP_CHECK,
        check: Check::Source(security::handwritten_ip_check),
        surface: None,
    },
    Rule {
        meta: &security::UNTRUSTED_PATH_JOIN,
        check: Check::Source(security::untrusted_path_join),
        surface: None,
    },
    Rule {
        meta: &security::STRING_PREFIX_CONTAINMENT,
        check: Check::Source(security::string_prefix_containment),
        surface: None,
    },
    Rule {
        meta: &security::CANONICALIZE_THEN_OPEN,
        check: Check::Source(security::canonicalize_then_open),
        surface: None,
    },
    Rule {
        meta: &security::SHELL_INJECTION,
        check: Check::Source(security::shell_injection),
        surface: None,
    },
    Rule {
        meta: &security::WINDOWS_BATCH_ARGS,
        check: Check::Source(security::windows_batch_args),
        surface: None,
    },
    Rule {
        meta: &security::UNBOUNDED_READ,
        check: Check::Source(security::unbounded_read),
        surface: None,
    },
    Rule {
        meta: &security::UNSAFE_FILE_PERMISSIONS,
        check: Check::Source(security::unsafe_file_permissions),
        surface: None,
    },
    Rule {
        meta: &security::UNSANDBOXED_CODE_EXEC,
        check: Check::Source(security::unsandboxed_code_exec),
        surface: None,
    },
    Rule {
        meta: &manifest::KNOWN_VULNERABLE_RMCP,
        check: Check::Files(manifest::known_vulnerable_rmcp),
        surface: None,
    },
    Rule {
        meta: &manifest::MISSING_LOCKFILE,
        check: Check::Files(manifest::missing_lockfile),
        surface: None,
    },
    Rule {
        meta: &manifest::NO_DEPENDENCY_AUDIT,
        check: Check::Files(manifest::no_dependency_audit),
        surface: None,
    },
    Rule {
        meta: &manifest::DEPRECATED_YAML_BACKEND,
        check: Check::Files(manifest::deprecated_yaml_backend),
        surface: None,
    },
    Rule {
        meta: &manifest::DUPLICATE_HTTP_STACK,
        check: Check::Files(manifest::duplicate_http_stack),
        surface: None,
    },
    Rule {
        meta: &manifest::WILDCARD_DEPENDENCY,
        check: Check::Files(manifest::wildcard_dependency),
        surface: None,
    },
    Rule {
        meta: &manifest::CONTAINER_RUNS_AS_ROOT,
        check: Check::Files(manifest::container_runs_as_root),
        surface: None,
    },
    Rule {
        meta: &manifest::COMMITTED_ENV_FILE,
        check: Check::Files(manifest::committed_env_file),
        surface: None,
    },
    Rule {
        meta: &manifest::PUBLISHED_PORT_ALL_INTERFACES,
        check: Check::Files(manifest::published_port_all_interfaces),
        surface: None,
    },
    Rule {
        meta: &manifest::LINT_POLICY_MISSING,
        check: Check::Files(manifest::lint_policy_missing),
        surface: None,
    },
    Rule {
        meta: &manifest::PLATFORM_FILE_MODIFIED,
        check: Check::Files(manifest::platform_file_modified),
        surface: None,
    },
    Rule {
        meta: &metadata::HIDDEN_UNICODE,
        check: Check::Source(metadata::hidden_unicode),
        surface: Some(metadata::hidden_unicode_surface),
    },
    Rule {
        meta: &metadata::INSTRUCTION_MARKUP,
        check: Check::Source(metadata::instruction_markup),
        surface: Some(metadata::instruction_markup_surface),
    },
    Rule {
        meta: &metadata::MODEL_DIRECTED_IMPERATIVES,
        check: Check::Source(metadata::model_directed_imperatives),
        surface: Some(metadata::model_directed_imperatives_surface),
    },
    Rule {
        meta: &metadata::SENSITIVE_REFERENCE,
        check: Check::Source(metadata::sensitive_reference),
        surface: Some(metadata::sensitive_reference_surface),
    },
    Rule {
        meta: &metadata::CROSS_TOOL_INSTRUCTION,
        check: Check::Source(metadata::cross_tool_instruction),
        surface: Some(metadata::cross_tool_instruction_surface),
    },
    Rule {
        meta: &metadata::DYNAMIC_METADATA,
        check: Check::Source(metadata::dynamic_metadata),
        surface: Some(metadata::dynamic_metadata_surface),
    },
    Rule {
        meta: &metadata::OVERLONG_METADATA,
        check: Check::Source(metadata::overlong_metadata),
        surface: Some(metadata::overlong_metadata_surface),
    },
    Rule {
        meta: &metadata::TOOL_SURFACE_DRIFT,
        check: Check::Engine,
        surface: None,
    },
    Rule {
        meta: &UNUSED_SUPPRESSION,
        check: Check::Engine,
        surface: None,
    },
    Rule {
        meta: &SUPPRESSION_WITHOUT_REASON,
        check: Check::Engine,
        surface: None,
    },
    Rule {
        meta: &UNPARSEABLE_FILE,
        check: Check::Engine,
        surface: None,
    },
    Rule {
        meta: &UNKNOWN_RULE,
        check: Check::Engine,
        surface: None,
    },
];

/// Finds a rule by code (`MCP107`) or name (`blocking-call-in-async`).
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.meta.code.eq_ignore_ascii_case(code_or_name) || r.meta.name == code_or_name)
}

/// Whether `selector` (a code, a code prefix such as `MCP1`, a name, or `ALL`) picks `meta`.
pub fn selects(selector: &str, meta: &RuleMeta) -> bool {
    selector.eq_ignore_ascii_case("ALL")
        || meta.name == selector
        || meta
            .code
            .to_ascii_uppercase()
            .starts_with(&selector.to_ascii_uppercase())
}

/// Whether a selector names at least one rule.
pub fn is_known_selector(selector: &str) -> bool {
    selector.len() >= 3 && RULES.iter().any(|r| selects(selector, r.meta))
}

pub static UNUSED_SUPPRESSION: RuleMeta = RuleMeta {
    code: "MCP900",
    name: "unused-suppression",
    family: Family::Meta,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "A `mcpforge: ignore[..]` comment that suppressed nothing.",
    why: "Suppressions outlive the code they excused; a stale one would silently hide the next real finding on that line.",
    example: "// mcpforge: ignore[MCP107] reason=\"legacy\"\nlet x = 1; // nothing blocking here any more",
    fix: "Delete the comment.",
};

pub static SUPPRESSION_WITHOUT_REASON: RuleMeta = RuleMeta {
    code: "MCP901",
    name: "suppression-without-reason",
    family: Family::Meta,
    severity: Severity::Info,
    status: Status::Preview,
    autofix: None,
    limits: "",
    summary: "A `mcpforge: ignore[..]` comment without `reason=\"…\"` (opt-in: `--preview` or `extend-select`).",
    why: "A suppression is a decision someone made about risk. Without the reason, the next reader cannot tell whether it still holds, and auditors reading the SARIF see an unexplained exception.",
    example: "// mcpforge: ignore[MCP107]\nstd::thread::sleep(delay);",
    fix: "Add `reason=\"…\"` saying why the finding does not apply here.",
};

pub static UNPARSEABLE_FILE: RuleMeta = RuleMeta {
    code: "MCP902",
    name: "unparseable-file",
    family: Family::Meta,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "A Rust file no rule could check: it does not parse, is not UTF-8, cannot be read, or nests deeper than 1000 levels. Also, as a warning, a symbolic link that leads outside the project (the file is linted).",
    why: "A file the linter cannot read is a file nothing vouches for; skipping it silently would report a clean project that was never checked. Code nested thousands of levels deep is refused rather than parsed, because parsing it could exhaust the stack; no real code comes near the limit.",
    example: "fn broken( {",
    fix: "Fix the syntax error (`cargo check` shows it too), save the file as UTF-8, or flatten the nesting; for a link, copy the file into the project.",
};

pub static UNKNOWN_RULE: RuleMeta = RuleMeta {
    code: "MCP903",
    name: "unknown-rule-in-suppression",
    family: Family::Meta,
    severity: Severity::Error,
    status: Status::Stable,
    autofix: None,
    limits: "",
    summary: "A suppression comment names a rule that does not exist.",
    why: "A typo in a suppression would otherwise silently disable nothing, or the reader would believe a rule is silenced when it is not.",
    example: "// mcpforge: ignore[MCP1O7]",
    fix: "Use a code or name from `mcpforge lint --explain` / docs/rules.",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_ordered_unique_and_documented() {
        for pair in RULES.windows(2) {
            assert!(
                pair[0].meta.code < pair[1].meta.code,
                "{} must come before {}",
                pair[0].meta.code,
                pair[1].meta.code
            );
        }
        for rule in RULES {
            let m = rule.meta;
            assert!(m.code.len() == 6 && m.code.starts_with("MCP"), "{}", m.code);
            assert!(
                m.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{} is not kebab-case",
                m.name
            );
            for (section, text) in [
                ("summary", m.summary),
                ("why", m.why),
                ("example", m.example),
                ("fix", m.fix),
            ] {
                assert!(!text.trim().is_empty(), "{} has no {section}", m.code);
            }
            let family = match &m.code[3..4] {
                "0" => Family::Spec,
                "1" => Family::AntiPattern,
                "2" => Family::Transport,
                "3" => Family::Auth,
                "4" => Family::Security,
                "5" => Family::Manifest,
                "6" => Family::Metadata,
                "9" => Family::Meta,
                other => panic!("{}: no family for {other}xx", m.code),
            };
            assert_eq!(
                m.family, family,
                "{} is filed under the wrong family",
                m.code
            );
        }
    }

    #[test]
    fn selectors_take_codes_prefixes_names_and_all() {
        let meta = find("MCP107").unwrap().meta;
        assert!(
            selects("MCP1", meta)
                && selects("mcp107", meta)
                && selects("blocking-call-in-async", meta)
        );
        assert!(selects("ALL", meta) && !selects("MCP2", meta));
        assert!(is_known_selector("MCP1") && !is_known_selector("MCP7") && !is_known_selector("M"));
    }
}
